"""Opposition à Mon espace santé 2/4 and 3/4, and the receipt block shared with the profiles."""

from mes_tui.texts import home as _home

CONFIRM_BODY = (
    "En validant cette décision, Mon espace santé ne sera pas créé.\n"
    "Vous pourrez créer Mon espace santé à tout moment."
)
CANCEL = "Annuler"
CONTINUE = "Continuer"

DONE_BODY = (
    "Je peux télécharger mon justificatif d'opposition à la création de Mon espace santé.\n"
    "Attention, celui-ci ne sera plus disponible par la suite."
)
DECIDED_ON = "Opposition enregistrée le {date}."
FINISH = "Terminer"
# The attached profiles under the decision (the same words as on the home page).
PROFILES_INTRO = _home.PROFILES_INTRO
PROFILES_HELP = _home.PROFILES_HELP

# The receipt block (justificatif), on this screen and on a profile's page.
FOLDER_LABEL = "Dossier d'enregistrement du justificatif"
FOLDER_HINT = "Gardez le dossier proposé ou saisissez-en un autre (chemin complet ou ~/…)."
DOWNLOAD = "↓ Télécharger le justificatif (format .pdf)"
PRINT = "Imprimer le justificatif"
SAVED = "Justificatif enregistré : {path}"
SAVED_DETAIL = "Ce fichier n'est lisible que par vous. Il ne pourra pas être téléchargé à nouveau."
UNAVAILABLE = "Le justificatif n'est plus disponible : il a déjà été enregistré."
PRINTED = "Justificatif envoyé à l'imprimante."
PRINT_FAILED = "L'impression a échoué ({reason}). Le justificatif reste enregistré : {path}"
FOLDER_EMPTY = "Saisissez le dossier où enregistrer le justificatif, par exemple ~/Documents."
KEY_NEW_SESSION = "Nouvelle personne"

LEAVE_TITLE = "Quitter sans enregistrer le justificatif ?"
LEAVE_BODY = (
    "Votre opposition est bien enregistrée, mais le justificatif ne sera plus disponible "
    "par la suite."
)
LEAVE_YES = "Quitter sans justificatif"
LEAVE_NO = "Rester"
