"""The keyboard map, shown by F1 (outside a field with help) or ?, and in the README."""

TITLE = "Touches du clavier"
INTRO = "Tout se fait au clavier ; la souris n'est jamais nécessaire."
KEYS = (
    ("Tab / Maj+Tab", "élément suivant / précédent"),
    ("Entrée", "valider le formulaire, activer le bouton ou le lien"),
    ("Échap", "revenir à l'écran précédent (ou fermer cette fenêtre)"),
    ("Espace", "cocher une case, choisir l'option pointée"),
    ("↑ ↓ puis Espace", "se déplacer dans une liste de choix"),
    ("1, 2, 3…", "choisir directement la 1re, 2e, 3e option d'une liste"),
    ("← → ou 1 / 2", "choisir le type de carte Vitale"),
    ("F1", "aide du champ en cours (sinon cette liste)"),
    ("?", "cette liste (hors champ de saisie)"),
    ("F2", "messages reçus (simulation)"),
    ("F3", "afficher ou masquer le mot de passe"),
    ("F4", "réglages : couleurs, curseur, affichage calme"),
    ("Ctrl+N", "nouvelle personne : tout est effacé"),
    ("Ctrl+L", "redessiner l'écran"),
    ("Ctrl+Q", "quitter (confirmation si des saisies seraient perdues)"),
)
