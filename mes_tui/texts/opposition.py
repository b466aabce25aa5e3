"""Opposition à Mon espace santé 2/4 and 3/4."""

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
FOLDER_LABEL = "Dossier d'enregistrement du justificatif"
FOLDER_HINT = "Gardez le dossier proposé ou saisissez-en un autre."
DOWNLOAD = "↓ Télécharger le justificatif (format .pdf)"
PRINT = "Imprimer le justificatif"
SAVED = "Justificatif enregistré : {path}"
PRINTED = "Justificatif envoyé à l'imprimante."
PRINT_FAILED = "L'impression a échoué ({reason}). Le justificatif reste enregistré : {path}"
FOLDER_INVALID = "Ce dossier ne peut pas être utilisé : {reason}. Saisissez un autre dossier."
FOLDER_EMPTY = "Saisissez le dossier où enregistrer le justificatif."
DECIDED_ON = "Opposition enregistrée le {date}."
PROFILES_INTRO = "Vous pouvez également gérer les profils ci-dessous."
PROFILES_HELP = (
    'Je peux sélectionner un profil et cliquer sur le bouton "Gérer le profil" pour '
    "l'activer ou m'y opposer."
)
FINISH = "Terminer"
LEAVE_TITLE = "Quitter sans enregistrer le justificatif ?"
LEAVE_BODY = (
    "Votre opposition est bien enregistrée, mais le justificatif ne sera plus disponible "
    "par la suite."
)
LEAVE_YES = "Quitter sans justificatif"
LEAVE_NO = "Rester"
