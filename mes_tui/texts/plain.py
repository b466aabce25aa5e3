"""Texts of the plain, line-by-line mode only (mes-tui --plain): how to answer, numbered choices,
yes-or-no questions, and the few sentences the full-screen app says with its layout instead.

Everything else the plain mode prints comes from the other text modules, as the screens do.
"""

INTRO = (
    "Mon espace santé, mode ligne à ligne.\n"
    "À chaque question, tapez votre réponse puis Entrée. Tapez ? pour l'aide de la question, "
    "< pour revenir à la question précédente. Ctrl+C pour quitter."
)
STEP = "Étape {n} sur {m} : {title}"
BULLET = "- {item}"
FIELD_VALUE = "{label} : {value}"

# -- answering ---------------------------------------------------------------------------------
PROMPT = "Réponse"
PROMPT_CHOICE = "Votre choix"
SECRET_NOTE = "saisie masquée"
DEFAULT = "défaut : {value}"
HELP_NOTE = "? pour l'aide"
GENERAL_HELP = (
    "Tapez votre réponse puis Entrée. Tapez < pour revenir à la question précédente. "
    "Ctrl+C pour quitter."
)
OPTION = "  {number}. {label}"
OPTION_DETAIL = "     {detail}"
CHOICE_INVALID = "Tapez le numéro de votre choix, de 1 à {count}."
YES_NO_NOTE = "o pour oui, n pour non"
YES_WORD = "oui"
NO_WORD = "non"
YES_ANSWERS = ("o", "oui", "y", "yes")
NO_ANSWERS = ("n", "non", "no")
YES_NO_INVALID = "Répondez o pour oui ou n pour non."
YES_NO_HELP = "Tapez o pour oui ou n pour non, puis Entrée. Tapez < pour revenir en arrière."

WHAT_NEXT = "Que voulez-vous faire ?"
AT_WELCOME = "Vous êtes à l'accueil : il n'y a pas de question précédente."
NO_GOING_BACK = "Votre décision est enregistrée : il n'est plus possible de revenir en arrière."
RETRY_ANSWERS = "Corriger mes réponses"
TO_WELCOME = "Revenir à l'accueil"
BACK_TO_WELCOME = "Retour à l'accueil."

# -- identification and new code -----------------------------------------------------------------
CODE_HELP = (
    "Le code provisoire vous a été envoyé par e-mail ou par courrier : 12 lettres ou chiffres, "
    "majuscules et minuscules comptent. La saisie est masquée.\n"
    "Vous n'avez plus ce code ? Tapez < pour revenir à l'accueil, puis choisissez "
    "« Générer un nouveau code provisoire »."
)
CARD_HELP = (
    "La carte Vitale avec photo porte votre photo sur sa face avant ; la carte sans photo est "
    "le modèle plus ancien. Le numéro de série ne se lit pas au même endroit sur les deux."
)
BIRTH_HINT = "Format attendu : JJ/MM/AAAA, par exemple 07/12/1985."
SEND_CODE_QUESTION = "Envoyer le nouveau code provisoire à cette adresse ?"
WRONG_DETAILS_HINT = "Mes coordonnées sont incorrectes ? Tapez ? pour savoir quoi faire."

# -- decision ------------------------------------------------------------------------------------
TERMS_HINT = (
    "Tapez c pour lire les Conditions Générales d'Utilisation, "
    "p pour lire la Politique de protection des données personnelles."
)
TERMS_READ_CGU = "c"
TERMS_READ_PRIVACY = "p"
TEXT_END = "Fin du texte : {title}."
TEXT_UNAVAILABLE = "Ce texte ne peut pas être affiché pour le moment."
OPPOSE_QUESTION = "Confirmez-vous votre opposition à la création de Mon espace santé ?"

# -- contact details -----------------------------------------------------------------------------
OTP_EMPTY_HINT = (
    "Pas de code reçu ? Validez sans rien saisir pour le faire renvoyer ou annuler la modification."
)
OTP_HELP = (
    "Le code à usage unique compte 6 chiffres ; il vous a été envoyé par e-mail ou par SMS. "
    "La saisie est masquée.\n"
    "Validez sans rien saisir pour recevoir un nouveau code ou annuler la modification."
)
OTP_RETYPE = "Saisir le code reçu"
CANCEL_CHANGE = "Annuler la modification"

# -- credentials ---------------------------------------------------------------------------------
RULE = "- {rule}"
PASSWORD_HELP = (
    "Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre date de naissance, "
    "ni votre identifiant. La saisie est masquée ; après chaque essai, la liste des règles "
    "indique celles qui sont respectées."
)
SUGGESTIONS_LABEL = "Identifiants disponibles :"
OTHER_IDENTIFIER = "Saisir un autre identifiant"

# -- profiles ------------------------------------------------------------------------------------
PROFILE_LINE = "{name} : {status}"
PROFILES_QUESTION = "Choisissez un profil à gérer, ou terminez :"
NOTHING_RECORDED = "Aucune décision n'a été enregistrée."

# -- simulated messages --------------------------------------------------------------------------
MESSAGE_LINE = "{notice} : {body}"

# -- leaving -------------------------------------------------------------------------------------
GOODBYE = "Au revoir."
EOF_GOODBYE = "Fin de la saisie. Au revoir."
INTERRUPTED = "Interruption. Au revoir."
PENDING_JOURNEY = "fin de la saisie avant la fin du parcours ; il faudra le reprendre."
PENDING_RECEIPT = (
    "fin de la saisie : l'opposition est enregistrée, mais le justificatif ne l'a pas été "
    "et ne sera plus disponible."
)
FAILED = (
    "une erreur inattendue a arrêté le mode ligne à ligne. Relancez mes-tui ; si le problème "
    "persiste, contactez le 3422."
)
OPEN_FAILED = "le service n'a pas pu démarrer : {reason}"
