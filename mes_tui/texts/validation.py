"""Messages of the domain validators: each names the field and says what is expected."""

NIR_EMPTY = "Saisissez votre numéro de sécurité sociale."
NIR_CHARS = (
    "Le numéro de sécurité sociale ne contient que des chiffres "
    "(et 2A ou 2B pour la Corse). Format attendu : 1 55 12 55 555 555 55."
)
NIR_LENGTH = (
    "Le numéro de sécurité sociale compte 15 caractères, clé comprise "
    "(vous en avez saisi {count}). Format attendu : 1 55 12 55 555 555 55."
)
NIR13_LENGTH = (
    "Saisissez les 13 premiers caractères du numéro de sécurité sociale, sans la clé "
    "(vous en avez saisi {count}). Format attendu : 1 55 12 55 555 555."
)
NIR_SEX = (
    "Le numéro de sécurité sociale commence par 1 ou 2 (3, 4, 7 ou 8 pour un numéro "
    "provisoire). Vérifiez le premier chiffre."
)
NIR_KEY = (
    "La clé du numéro de sécurité sociale (les 2 derniers chiffres) ne correspond pas. "
    "Vérifiez chaque chiffre sur votre carte Vitale."
)

CODE_EMPTY = "Saisissez le code provisoire reçu par e-mail ou courrier."
CODE_FORMAT = (
    "Le code provisoire est composé de 12 lettres ou chiffres, sans espace "
    "(vous en avez saisi {count}). Ex. : HuqZF3KXCz8k."
)

SERIAL_EMPTY = "Saisissez le numéro de série de votre carte Vitale."
SERIAL_DIGITS = "Le numéro de série de carte Vitale ne contient que des chiffres."
SERIAL_SANS_PHOTO_LENGTH = (
    "Pour une carte Vitale sans photo, le numéro de série compte de 8 à 13 chiffres "
    "(vous en avez saisi {count}). Ex. : 01024576124."
)
SERIAL_AVEC_PHOTO_LENGTH = (
    "Pour une carte Vitale avec photo, saisissez les 11 derniers chiffres du numéro de série "
    "(vous en avez saisi {count}). Ex. : 0102457612 4."
)
SERIAL_IS_DATE = (
    "Ce numéro ressemble à une date. Le numéro de série se lit sur la carte Vitale : "
    "au dos en haut à gauche (sans photo) ou en haut à droite (avec photo)."
)
SERIAL_IS_NIR = (
    "Ce numéro reprend votre numéro de sécurité sociale. Le numéro de série est un autre "
    "numéro, imprimé sur la carte Vitale."
)
CARD_TYPE = "Choisissez le type de votre carte Vitale : sans photo ou avec photo."

BIRTH_DATE_EMPTY = "Saisissez la date de naissance : jour, mois et année."
BIRTH_DATE_FORMAT = "La date de naissance s'écrit JJ/MM/AAAA, par exemple 07/12/1985."
BIRTH_DATE_INVALID = "Cette date n'existe pas. Vérifiez le jour et le mois (JJ/MM/AAAA)."
BIRTH_DATE_FUTURE = "La date de naissance ne peut pas être dans le futur."
BIRTH_DATE_TOO_OLD = "La date de naissance doit être postérieure au 01/01/1900."

EMAIL_EMPTY = "Saisissez votre adresse e-mail."
EMAIL_INVALID = "L'adresse e-mail n'est pas valide. Format attendu : nom@domaine.fr."

MOBILE_EMPTY = "Saisissez votre numéro de téléphone mobile."
MOBILE_INVALID = (
    "Le numéro de téléphone mobile n'est pas valide. "
    "Format attendu : 06 11 12 13 14 ou +33 6 11 12 13 14."
)
MOBILE_NOT_FRENCH = (
    "Saisissez un numéro de mobile français (métropole ou outre-mer), par exemple 06 11 12 13 14."
)
MOBILE_NOT_MOBILE = (
    "Ce numéro n'est pas un numéro de mobile. Saisissez un numéro qui commence par 06 ou 07."
)

OTP_EMPTY = "Saisissez le code à usage unique que vous avez reçu."
OTP_FORMAT = "Le code à usage unique est composé de 6 chiffres. Ex. : 034567."

IDENTIFIER_EMPTY = "Saisissez un identifiant."
IDENTIFIER_SHORT = "L'identifiant doit contenir au moins 8 caractères (vous en avez saisi {count})."
IDENTIFIER_LONG = "L'identifiant doit contenir au plus 100 caractères."
IDENTIFIER_EMAIL = "Pour plus de sécurité, l'identifiant ne peut pas être une adresse e-mail."
IDENTIFIER_CHARS = (
    "L'identifiant ne peut contenir que des lettres sans accent, des chiffres, "
    "le point (.), le tiret (-) et le tiret bas (_)."
)

PASSWORD_RULE_LENGTH = "8 caractères minimum"
PASSWORD_RULE_SPECIAL = "1 caractère spécial (!#@;%...)"
PASSWORD_RULE_DIGIT = "1 chiffre"
PASSWORD_RULE_UPPER = "1 majuscule"
PASSWORD_RULE_LOWER = "1 minuscule"
PASSWORD_EMPTY = "Saisissez un mot de passe."
PASSWORD_RULES_UNMET = "Le mot de passe ne respecte pas encore : {rules}."
PASSWORD_MISMATCH = (
    "Les deux mots de passe ne sont pas identiques. Ressaisissez le même mot de passe."
)
PASSWORD_CONTAINS_NAME = "Le mot de passe ne doit pas contenir votre nom ou votre prénom."
PASSWORD_CONTAINS_BIRTH_DATE = "Le mot de passe ne doit pas contenir votre date de naissance."
PASSWORD_CONTAINS_IDENTIFIER = "Le mot de passe ne doit pas contenir votre identifiant."
