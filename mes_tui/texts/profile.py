"""Managing an attached profile: activate it or oppose its creation."""

TITLE = "Je gère le profil de {name}"
STATUS = "Statut actuel : {status}"
MINOR_NOTE = "Ce profil est celui d'un enfant mineur : seul son représentant légal peut le gérer."

CHOICE_LABEL = "Ma décision pour ce profil"
CHOICE_HINT = "Choisissez avec ↑ ↓ puis Espace, ou tapez le numéro du choix."
ACTIVATE = "J'active Mon espace santé pour ce profil"
ACTIVATE_DETAIL = "Le profil a accès à son dossier médical, ses documents et ses mesures de santé."
REACTIVATE_DETAIL = "Je change d'avis : Mon espace santé est créé pour ce profil."
OPPOSE = "Je m'oppose à la création de Mon espace santé pour ce profil"
OPPOSE_DETAIL = "Si je change d'avis, je peux à tout moment ouvrir Mon espace santé pour ce profil."
CLOSE = "Je ferme Mon espace santé de ce profil"
CLOSE_DETAIL = "Le profil n'aura plus accès à Mon espace santé. Je peux le rouvrir à tout moment."
CHOICE_MISSING = "Choisissez d'activer Mon espace santé pour ce profil ou de vous y opposer."

CERTIFY_LABEL = "Représentant légal"
CERTIFY = "Je certifie être le représentant légal de {name}"
CERTIFY_MISSING = "Pour gérer le profil d'un enfant mineur, cochez la case « {certify} »."

CANCEL = "Annuler"
VALIDATE = "Valider"

CONFIRM_TITLE = "Je valide l'opposition à la création de Mon espace santé pour {name}"
CONFIRM_BODY = (
    "En validant cette décision, Mon espace santé ne sera pas créé pour ce profil.\n"
    "Vous pourrez le créer à tout moment."
)
CONFIRM_CLOSE_TITLE = "Je valide la fermeture de Mon espace santé de {name}"
CONFIRM_CLOSE_BODY = (
    "En validant cette décision, Mon espace santé de ce profil sera fermé.\n"
    "Vous pourrez le rouvrir à tout moment."
)
CONFIRM_YES = "Valider l'opposition"
CONFIRM_NO = "Annuler"

ACTIVATED = "Mon espace santé est activé pour {name}."
OPPOSED = "Votre décision pour {name} a bien été prise en compte : {status}."
RECEIPT_INTRO = (
    "Je peux télécharger le justificatif d'opposition de ce profil.\n"
    "Attention, celui-ci ne sera plus disponible par la suite."
)
BACK_TO_LIST = "Retour aux profils"
