"""Texts of the interface that are not tied to one screen."""

APP_TITLE = "Mon espace santé"
STEP = "Étape {n} sur {m} — {title}"
ERROR_PREFIX = "Erreur : "
LIMIT_REACHED = "Maximum atteint : {count} caractères ; le reste n'a pas été pris."
ERROR_SUMMARY_ONE = "Il y a 1 erreur à corriger :"
ERROR_SUMMARY_MANY = "Il y a {count} erreurs à corriger :"
HELP_OPEN = "[+]"
HELP_CLOSE = "[-]"

KEY_BACK = "Retour"
KEY_HELP = "Aide"
KEY_QUIT = "Quitter"
KEY_REDRAW = "Redessiner"
KEY_MESSAGES = "Messages"
KEY_NEW_SESSION = "Nouvelle personne"
KEY_KEYS = "Touches"
KEY_SETTINGS = "Réglages"
SETTINGS_SAVED = "Réglages enregistrés."
SETTINGS_FOR_THIS_SESSION = (
    "Réglages appliqués pour cette session ; ils ne sont pas enregistrés sur ce poste."
)

BUSY = "Traitement en cours…"
UNEXPECTED_ERROR = (
    "Une erreur inattendue s'est produite. Vos saisies sont conservées : réessayez. "
    "Si le problème persiste, contactez le 3422."
)
QUIT_CONFIRM_TITLE = "Quitter Mon espace santé ?"
QUIT_CONFIRM_BODY = "Les informations saisies pour la personne en cours seront effacées."
CONFIRM_YES = "Quitter"
CONFIRM_NO = "Rester"

MESSAGES_TITLE = "Messages reçus (simulation)"
MESSAGES_EMPTY = "Aucun message envoyé pour la personne en cours."
MESSAGE_NOTICE = "Message reçu (simulation) — {channel} à {to}"
CHANNEL_LABELS = {"email": "E-mail", "sms": "SMS", "courrier": "Courrier"}
KEY_PREVIOUS_CHOICE = "Choix précédent"
KEY_NEXT_CHOICE = "Choix suivant"
KEY_CHOOSE = "Choisir"
CLOSE = "Fermer"
MESSAGES_OFF = "L'affichage des messages simulés est désactivé sur ce poste."
SHOW_PASSWORD = "Afficher le mot de passe"
HIDE_PASSWORD = "Masquer le mot de passe"
KEY_SHOW_PASSWORD = "Afficher mot de passe"
KEY_HIDE_PASSWORD = "Masquer mot de passe"
KEY_NEXT_FIELD = "Élément suivant"
KEY_PREVIOUS_FIELD = "Élément précédent"
