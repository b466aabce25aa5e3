"""Réglages: colours, cursor, calm output, simulated messages."""

TITLE = "Réglages"
THEME_LABEL = "Couleurs"
THEME_HINT = "L'information ne passe jamais par la couleur seule : choisissez selon votre confort."
THEMES = {
    "mes-clair": ("Clair", "Fond clair, bleu de l'Assurance Maladie."),
    "mes-sombre": ("Sombre", "Fond sombre, couleurs adoucies."),
    "mes-contraste": ("Contraste élevé", "Blanc et jaune sur noir."),
    "ansi-light": ("Couleurs du terminal (clair)", "La palette de votre terminal."),
    "ansi-dark": ("Couleurs du terminal (sombre)", "La palette de votre terminal."),
}
CURSOR = "Afficher le curseur du terminal sur l'élément actif (plage braille, loupe)"
CALM = "Affichage calme : ni clignotement ni animation"
MESSAGES = "Montrer les messages reçus (simulation), qui contiennent des codes"
SAVE = "Enregistrer"
SAVED = "Réglages enregistrés."
