"""Messages of the simulated back office: refusals in plain French, with what to do next."""

IDENTIFICATION_FAILED = (
    "Nous n'avons pas pu vous identifier avec les informations saisies. Vérifiez le code "
    "provisoire, votre numéro de sécurité sociale, le type et le numéro de série de votre carte "
    "Vitale, puis réessayez."
)
IDENTIFICATION_FAILED_WAIT = (
    "Nous n'avons pas pu vous identifier avec les informations saisies. Après plusieurs "
    "tentatives infructueuses sur ce poste, patientez {wait}, puis vérifiez le code provisoire, "
    "votre numéro de sécurité sociale, le type et le numéro de série de votre carte Vitale avant "
    "de réessayer."
)
IDENTIFICATION_WAIT = (
    "Après plusieurs tentatives infructueuses sur ce poste, patientez encore {wait} avant de "
    "réessayer de vous identifier."
)
LOCKED = (
    "Trop de tentatives infructueuses. Par sécurité, l'identification est bloquée : "
    "réessayez dans {wait}."
)
IDENTIFICATION_SESSION_LOCKED = (
    "Trop de tentatives infructueuses sur ce poste. Par sécurité, l'identification y est "
    "bloquée : réessayez dans {wait}."
)
CODE_REQUEST_LOCKED = (
    "Trop de demandes infructueuses. Par sécurité, la demande d'un nouveau code provisoire est "
    "bloquée : réessayez dans {wait}."
)
CODE_REQUEST_SESSION_LOCKED = (
    "Trop de demandes infructueuses sur ce poste. Par sécurité, la demande d'un nouveau code "
    "provisoire y est bloquée : réessayez dans {wait}."
)
CODE_REQUEST_WAIT = (
    "Après plusieurs demandes infructueuses sur ce poste, patientez encore {wait} avant de "
    "demander un nouveau code provisoire."
)
LOGIN_FAILED = "Identifiant ou mot de passe incorrect. Vérifiez votre saisie et réessayez."
LOGIN_FAILED_WAIT = (
    "Identifiant ou mot de passe incorrect. Après plusieurs tentatives infructueuses, "
    "patientez {wait}, puis vérifiez votre saisie avant de réessayer."
)
LOGIN_WAIT = (
    "Après plusieurs tentatives de connexion infructueuses, patientez encore {wait} avant de "
    "réessayer."
)
LOGIN_LOCKED = (
    "Trop de tentatives de connexion infructueuses sur ce poste. Par sécurité, la connexion y "
    "est bloquée : réessayez dans {wait}."
)
CODE_REQUEST_FAILED = (
    "Nous n'avons pas pu vérifier votre identité avec les informations saisies. Vérifiez votre "
    "numéro de sécurité sociale, votre date de naissance et votre carte Vitale, puis réessayez."
)
CODE_REQUEST_FAILED_WAIT = (
    "Nous n'avons pas pu vérifier votre identité avec les informations saisies. Après plusieurs "
    "demandes infructueuses sur ce poste, patientez {wait}, puis vérifiez votre numéro de "
    "sécurité sociale, votre date de naissance et votre carte Vitale avant de réessayer."
)
NO_EMAIL_ON_FILE = (
    "Aucune adresse e-mail n'est enregistrée pour vous : le code provisoire ne peut pas vous être "
    "envoyé. Contactez le 3422, du lundi au vendredi de 8h30 à 17h30."
)
TOO_MANY_CODE_REQUESTS = (
    "Vous avez déjà demandé {count} nouveaux codes provisoires aujourd'hui. "
    "Réessayez demain ou contactez le 3422, du lundi au vendredi de 8h30 à 17h30."
)
DELIVERY_FAILED = (
    "L'envoi du message a échoué. Aucun code n'a été consommé : réessayez dans quelques instants."
)
OTP_INVALID = "Le code saisi n'est pas le bon. Il vous reste {left} essais."
OTP_INVALID_LAST = "Le code saisi n'est pas le bon. Il vous reste 1 essai."
OTP_NO_ATTEMPTS_LEFT = (
    "Le code saisi n'est pas le bon et le nombre d'essais est atteint. "
    "Demandez un nouveau code avec « Envoyer à nouveau le code »."
)
OTP_EXPIRED = (
    "Ce code a expiré (il est valable {minutes} minutes). "
    "Demandez un nouveau code avec « Envoyer à nouveau le code »."
)
OTP_NONE_PENDING = "Aucun code n'est en attente. Saisissez à nouveau la coordonnée à vérifier."
OTP_RESEND_WAIT = "Un code vient d'être envoyé. Vous pourrez en demander un autre dans {wait}."
# Beyond the bounds on one-time codes (rules.py): why, how long, and what can be done meanwhile.
# {what}: OTP_WHAT_EMAIL or OTP_WHAT_MOBILE; {medium}: OTP_BY_EMAIL or OTP_BY_SMS; {then}:
# OTP_THEN_TYPE (a resend refused, the code received still works) or OTP_THEN_CONTINUE.
OTP_CHANGE_CODES_LOCKED = (
    "Vous avez déjà demandé {count} codes pour cette modification, le maximum. Par sécurité, "
    "aucun autre code ne peut être envoyé : réessayez dans {wait}. {then}"
)
OTP_DAY_CODES_LOCKED = (
    "{count} codes vous ont déjà été envoyés {medium} aujourd'hui, le maximum par jour. Par "
    "sécurité, aucun autre code ne peut être envoyé : réessayez dans {wait}. {then}"
)
OTP_CHANGE_FAILURES_LOCKED = (
    "Trop de codes erronés ({count}). Par sécurité, la modification de {what} est bloquée : "
    "réessayez dans {wait}. {then}"
)
OTP_DAY_FAILURES_LOCKED = (
    "Trop de codes erronés aujourd'hui ({count}). Par sécurité, la modification de {what} est "
    "bloquée jusqu'à demain : réessayez dans {wait}. {then}"
)
OTP_THEN_TYPE = "Vous pouvez encore saisir le dernier code reçu, tant qu'il est valable."
OTP_THEN_CONTINUE = "En attendant, vous pouvez continuer sans modifier {what}."
OTP_WHAT_EMAIL = "votre adresse e-mail"
OTP_WHAT_MOBILE = "votre numéro de téléphone mobile"
OTP_BY_EMAIL = "par e-mail"
OTP_BY_SMS = "par SMS"
CONTACT_SAME = "Cette coordonnée est déjà celle enregistrée : aucune vérification n'est nécessaire."
IDENTIFIER_TAKEN = "Cet identifiant est déjà utilisé. Choisissez-en un autre."
IDENTIFIER_TAKEN_SUGGEST = (
    "Cet identifiant est déjà utilisé. Identifiants disponibles : {suggestions}."
)
IDENTIFIER_CHECKS_PAUSED = (
    "Le nombre de vérifications d'identifiant est atteint ({count}) : par sécurité, la "
    "disponibilité ne sera plus indiquée avant la validation pendant {wait}. Vous pouvez tout de "
    "même valider : si l'identifiant est déjà utilisé, vous en serez averti."
)
IDENTIFIER_ANSWERS_LOCKED = (
    "Le nombre d'identifiants vérifiés ou essayés est atteint ({count}). Par sécurité, le choix "
    "de l'identifiant est bloqué : réessayez dans {wait}. Votre code provisoire reste valable "
    "d'ici là."
)
IDENTIFIER_IS_NIR = "L'identifiant ne peut pas être votre numéro de sécurité sociale."
TERMS_NOT_ACCEPTED = (
    "Pour activer Mon espace santé, acceptez les Conditions Générales d'Utilisation "
    "et la Politique de protection des données personnelles."
)
DECISION_CONFLICT = (
    "Une décision a déjà été enregistrée pour ce profil ({status}). "
    "La page a été mise à jour : vérifiez la situation avant de continuer."
)
ALREADY_ACTIVE = (
    "Mon espace santé est déjà activé pour ce profil. Connectez-vous avec votre identifiant."
)
CERTIFICATION_REQUIRED = (
    "Pour gérer le profil d'un enfant mineur, certifiez être son représentant légal."
)
NOT_ATTACHED = "Ce profil n'est pas rattaché à votre compte."
UNKNOWN_PERSON = "Cette personne n'est pas dans le registre."
# The same whatever was wrong with the ticket (missing, expired, forged, another person's).
TICKET_REFUSED = (
    "Votre session a expiré ou n'est plus valable. Pour continuer, identifiez-vous à nouveau."
)
STORAGE_BUSY = (
    "Le service est momentanément très sollicité. Votre demande n'a pas été enregistrée : "
    "réessayez dans quelques instants."
)

STATUS_INVALID = "Choisissez d'activer Mon espace santé ou de vous y opposer."
CHANNEL_INVALID = "Choisissez la coordonnée à vérifier : l'adresse e-mail ou le numéro de mobile."

RECEIPT_UNAVAILABLE = (
    "Le justificatif d'opposition n'est plus disponible : il ne peut être enregistré qu'une "
    "fois, juste après la décision."
)
RECEIPT_BUSY = (
    "Le justificatif est en cours d'enregistrement dans une autre session. S'il n'y est pas "
    "enregistré, il sera de nouveau disponible ici dans {seconds} s au plus : réessayez alors."
)
RECEIPT_FOLDER = (
    "Impossible d'enregistrer le justificatif dans ce dossier ({reason}). "
    "Indiquez un autre dossier."
)
RECEIPT_FOLDER_NAME = "nom de dossier illisible : caractère nul ou invalide"

STATUS_LABELS = {
    "en_attente": "En attente de décision",
    "active": "Mon espace santé activé",
    "opposee": "Profil opposé",
}

MAIL_SUBJECT_PROVISIONAL_CODE = "Votre code provisoire Mon espace santé"
MAIL_BODY_PROVISIONAL_CODE = (
    "Bonjour {name},\n\nVoici votre code provisoire pour activer Mon espace santé ou vous opposer "
    "à sa création : {code}\n\nCe code remplace tout code reçu précédemment. Il ne peut servir "
    "qu'une fois.\n\nVotre conseiller Mon espace santé"
)
MAIL_SUBJECT_OTP = "Votre code à usage unique Mon espace santé"
MAIL_BODY_OTP = (
    "Bonjour,\n\nVoici votre code à usage unique pour valider votre adresse e-mail : {code}\n"
    "Il est valable {minutes} minutes.\n\nVotre conseiller Mon espace santé"
)
SMS_BODY_OTP = "Mon espace santé : votre code à usage unique est {code}. Valable {minutes} min."
LETTER_BODY_INVITATION = (
    "Bonjour {name},\n\nMon espace santé, le service public pour gérer votre santé, va être créé "
    "pour vous. Pour l'activer ou vous y opposer, rendez-vous sur monespacesante.fr avec ce code "
    "provisoire : {code}\n\nVotre conseiller Mon espace santé"
)


MAIL_SUBJECT_INVITATION = "Mon espace santé va être créé pour vous"
LETTER_SUBJECT_INVITATION = "Courrier : Mon espace santé va être créé pour vous"

# Reasons given for a bad row of a registry import (mes-tui registry import).
IMPORT_PROBLEM = "{field} : {reason}"
IMPORT_FIELD_LABELS = {
    "nir": "NIR",
    "first_name": "prénom",
    "last_name": "nom",
    "birth_date": "date de naissance",
    "card_type": "type de carte",
    "card_serial": "numéro de série",
    "provisional_code": "code provisoire",
    "status": "statut",
    "decided_on": "date de décision",
    "email": "e-mail",
    "mobile": "mobile",
    "profiles": "profils rattachés",
    "identifier": "identifiant",
    "password": "mot de passe",
    "locked_until": "blocage",
}
IMPORT_NOT_AN_OBJECT = "la ligne n'est pas une fiche (clés et valeurs attendues)."
IMPORT_UNKNOWN_KEY = "colonne inconnue « {key} » (colonnes possibles : {known})."
IMPORT_REQUIRED = "valeur obligatoire manquante."
IMPORT_NAME_CONTROL = "contient des caractères de contrôle ou invisibles."
IMPORT_NAME_TOO_LONG = "{max} caractères au plus."
IMPORT_STATUS = "valeur attendue : en_attente, active ou opposee."
IMPORT_DATE = "date attendue au format AAAA-MM-JJ ou JJ/MM/AAAA."
IMPORT_DECIDED_WHILE_PENDING = (
    "une date de décision n'a de sens que pour un profil activé ou opposé."
)
IMPORT_DATETIME = "date et heure attendues au format ISO (AAAA-MM-JJTHH:MM:SS+00:00)."
IMPORT_DUPLICATE_NIR = "ce NIR figure déjà à la ligne {row}."
IMPORT_PROFILE_SELF = "une personne ne peut pas être rattachée à elle-même."
IMPORT_PROFILE_UNKNOWN = "le profil {nir} n'est ni dans le fichier ni dans le registre."
IMPORT_PROFILE_TWICE = "le profil {nir} est cité deux fois."
IMPORT_IDENTIFIER_NOT_ACTIVE = "un identifiant n'est possible que pour un espace activé."
IMPORT_IDENTIFIER_IS_NIR = "l'identifiant ne peut pas reprendre le NIR."
IMPORT_IDENTIFIER_DUPLICATE = "cet identifiant figure déjà à la ligne {row}."
IMPORT_IDENTIFIER_TAKEN = "cet identifiant est déjà utilisé dans le registre."
IMPORT_PASSWORD_WITHOUT_IDENTIFIER = "un mot de passe demande un identifiant."
IMPORT_NOT_TEXT = "texte attendu, entre guillemets ; la valeur est {kind}."
IMPORT_PROFILES_NOT_LIST = (
    "liste de NIR attendue (des textes entre guillemets), ou un texte ; la valeur est {kind}."
)
IMPORT_PROFILE_NOT_TEXT = "le profil n° {position} est {kind} : un NIR entre guillemets attendu."
IMPORT_TOO_MANY_PROFILES = "{max} profils rattachés au plus."
IMPORT_VALUE_KINDS = {
    "bool": "vrai ou faux (true, false)",
    "number": "un nombre",
    "list": "une liste",
    "object": "un objet",
}
IMPORT_VALUE_OTHER = "d'un type inattendu"
IMPORT_CYCLE = "les rattachements forment une boucle : {path} (chacun déciderait pour l'autre)."
IMPORT_CYCLE_ROW = "ligne {row}"
IMPORT_CYCLE_REGISTRY = "{nir} (registre)"
# The file as a whole (one line, nothing imported).
IMPORT_EMPTY = "import refusé : le fichier ne contient aucune personne."
IMPORT_TOO_MANY_ROWS = (
    "import refusé : le fichier contient plus de {max} personnes ({max} au plus par import ; "
    "découpez-le en plusieurs fichiers)."
)
IMPORT_TOO_MANY_PASSWORDS = (
    "import refusé : le fichier contient {count} mots de passe, {max} au plus par import "
    "(chacun demande un calcul volontairement long)."
)


def wait_phrase(seconds: float) -> str:
    """A duration as a person says it: "30 secondes", "15 minutes", "2 heures"."""
    whole = max(1, int(seconds + 0.999))
    if whole < 60:
        return f"{whole} seconde{'s' if whole > 1 else ''}"
    minutes = (whole + 59) // 60
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes > 1 else ''}"
    hours = (minutes + 59) // 60
    return f"{hours} heure{'s' if hours > 1 else ''}"


RECEIPT_FOLDER_RELATIVE = (
    "Saisissez le chemin complet du dossier, commençant par / (ou par ~/ pour votre dossier "
    "personnel)."
)
RECEIPT_FOLDER_NOT_ALLOWED = (
    "Sur ce poste, le justificatif ne peut être enregistré que dans l'un de ces dossiers "
    "(ou l'un de leurs sous-dossiers) : {folders}."
)
KEY_MISSING = (
    "Le service est indisponible : la clé qui protège les codes ({where}) est introuvable ou "
    "illisible. Un administrateur doit la restaurer depuis sa sauvegarde, ou en créer une "
    "nouvelle avec « mes-tui registry reset-key » (tous les codes en cours deviendront alors "
    "inutilisables)."
)
KEY_EXPOSED = (
    "Le service est indisponible : la clé qui protège les codes ({where}) est lisible ou "
    "modifiable par d'autres comptes que celui du service. Un administrateur doit la rendre "
    "privée (« chmod 600 » et propriétaire le compte du service), puis relancer."
)
KEY_RESET_DONE = (
    "Nouvelle clé créée ({where}). Les codes provisoires et à usage unique envoyés jusqu'ici ne "
    "sont plus valables et les blocages en cours (identification, demande de code, connexion) "
    "sont levés : chaque personne doit demander un nouveau code provisoire."
)

# The registry file cannot be used ({where}: its path; {reason}: why, in a few words). The same
# sentence on the command line (one line) and on a screen.
STORAGE_DAMAGED = (
    "Le service est indisponible : le registre des assurés ({where}) est endommagé ({reason}). "
    "Rien n'a été enregistré. Un administrateur doit le remplacer par sa sauvegarde, ou le "
    "mettre de côté : un registre absent est recréé avec les personnes de démonstration."
)
STORAGE_UNREADABLE = (
    "Le service est indisponible : le registre des assurés ({where}) ne peut pas être lu "
    "({reason}). Rien n'a été enregistré. Un administrateur doit rétablir l'accès au fichier "
    "et à son dossier."
)
STORAGE_READ_ONLY = (
    "Le registre des assurés ({where}) ne peut pas être modifié ({reason}) : votre demande n'a "
    "pas été enregistrée. Un administrateur doit le rendre accessible en écriture, ainsi que "
    "son dossier ; réessayez ensuite."
)
STORAGE_DISK_FULL = (
    "Disque plein ({where}) : votre demande n'a pas été enregistrée. Un administrateur doit "
    "libérer de la place sur le disque ; réessayez ensuite."
)
STORAGE_IO_ERROR = (
    "Le service est indisponible : le disque du registre des assurés ({where}) ne répond pas "
    "({reason}). Rien n'a été enregistré. Réessayez plus tard ; si le problème persiste, "
    "prévenez un administrateur."
)
# Reasons, in the parentheses above.
STORAGE_EMPTY = "fichier vide"
STORAGE_TRUNCATED = "fichier tronqué"
STORAGE_NOT_A_FILE = "ce n'est pas un fichier"
STORAGE_NOT_SQLITE = "ce n'est pas une base de données SQLite"
STORAGE_NOT_A_REGISTRY = "cette base de données n'est pas un registre de mes-tui"
STORAGE_CORRUPT = "contenu illisible"
STORAGE_FILE_READ_ONLY = "fichier en lecture seule"
STORAGE_FOLDER_READ_ONLY = "dossier en lecture seule"
STORAGE_MEDIUM_READ_ONLY = "support en lecture seule"
STORAGE_CANNOT_OPEN = "le fichier ou son dossier ne peut pas être ouvert"
STORAGE_GONE = "fichier introuvable"
STORAGE_ACCESS_DENIED = "accès refusé"
STORAGE_DISK_ERROR = "erreur de lecture ou d'écriture"
