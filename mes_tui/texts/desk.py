"""Serving one person after another: the new-session key and the idle wipe."""

NEW_SESSION_TITLE = "Passer à la personne suivante ?"
NEW_SESSION_BODY = (
    "Tout ce qui concerne la personne en cours (saisies, décisions non terminées, messages) "
    "sera effacé de l'écran."
)
NEW_SESSION_YES = "Personne suivante"
NEW_SESSION_NO = "Rester"  # as Ctrl+Q and leaving a receipt say it: stay with this person
IDLE_TITLE = "Êtes-vous toujours là ?"
IDLE_BODY = (
    "Sans action de votre part, les informations saisies seront effacées dans "
    "{seconds} seconde(s), pour protéger vos données."
)
IDLE_STAY = "Je suis là"
IDLE_HINT = "Appuyez sur une touche pour continuer."
WIPED = "Les informations de la personne précédente ont été effacées."
