"""The carte Vitale: the two models, where to read the serial, and the 3422 line."""

CARD_WORD = "Carte Vitale"
SANS_PHOTO_SHORT = "sans photo"
AVEC_PHOTO_SHORT = "avec photo"
DRAWING_SANS_PHOTO = (
    " ┌ n° de série (au dos, en haut",
    " │ à gauche) : 8 à 13 chiffres",
)
DRAWING_AVEC_PHOTO = (
    " [photo]   n° de série en haut",
    "           à droite : 11 derniers",
)
KEY_PREVIOUS = "Carte précédente"
KEY_NEXT = "Carte suivante"
KEY_CHOOSE = "Choisir"
KEY_CHOOSE_1 = "Carte sans photo"
KEY_CHOOSE_2 = "Carte avec photo"

LABEL = "Ma carte Vitale"
HINT = "Choisissez le modèle de votre carte : ← → ou 1 / 2, puis Espace."
SERIAL_LABEL = "Numéro de série de carte Vitale"
SERIAL_HINT_NONE = "Choisissez d'abord le type de votre carte Vitale. Ex : 0102457612 4"
SERIAL_HINT_SANS_PHOTO = "8 à 13 chiffres, au dos en haut à gauche. Ex : 01024576124"
SERIAL_HINT_AVEC_PHOTO = "Les 11 derniers chiffres, en haut à droite. Ex : 0102457612 4"
SERIAL_HELP_TITLE = "Où trouver mon numéro de série de carte Vitale ?"
HELP_3422 = (
    "Et si je n'arrive pas à lire le numéro de série de ma carte Vitale ?\n"
    "Afin d'obtenir le numéro de série de votre carte Vitale, contactez le : 3422\n"
    "Service disponible du lundi au vendredi de 8h30 à 17h30."
)
SERIAL_HELP_NONE = (
    "Le numéro de série se lit sur la carte Vitale. Choisissez le type de votre carte pour "
    "savoir où le trouver.\n\n" + HELP_3422
)
SERIAL_HELP_SANS_PHOTO = (
    "Carte Vitale sans photo\n"
    "┌──────────────────────────┐\n"
    "│ 01024576124  ← ici       │   (au dos de la carte)\n"
    "│                          │\n"
    "│        ▒▒▒▒ puce         │\n"
    "└──────────────────────────┘\n"
    "Le numéro de série se situe au dos en haut à gauche de votre carte Vitale. "
    "Il est composé de 8 à 13 chiffres.\n\n" + HELP_3422
)
SERIAL_HELP_AVEC_PHOTO = (
    "Carte Vitale avec photo\n"
    "┌──────────────────────────────────┐\n"
    "│      8025000002 0102457612 4 ← ici\n"
    "│ ┌─────┐                          │\n"
    "│ │photo│  NOM Prénom              │\n"
    "└──────────────────────────────────┘\n"
    "Le numéro de série se situe en haut à droite de votre carte Vitale. "
    "Renseignez les 11 derniers chiffres de votre numéro de série.\n\n" + HELP_3422
)
