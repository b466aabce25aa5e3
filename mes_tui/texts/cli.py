"""Texts of the command line."""

DESCRIPTION = (
    "Mon espace santé : activation et opposition, dans le terminal, sur un back office simulé."
)
USAGE_ERROR = "utilisation incorrecte"
SEE_HELP = "voir mes-tui --help"
HELP_DATA_DIR = (
    "dossier du registre, des messages envoyés et des justificatifs "
    "(défaut : $MES_TUI_DATA_DIR, sinon le dossier de données de l'utilisateur)"
)
HELP_PLAIN = "mode ligne à ligne, pour lecteurs d'écran et plages braille"
HELP_NO_MESSAGES = "ne pas afficher les messages simulés (codes) à l'écran"
HELP_THEME = (
    "couleurs : mes-clair, mes-sombre, mes-contraste (contraste élevé), ansi-light ou "
    "ansi-dark (palette du terminal) ; le choix est mémorisé"
)
HELP_REGISTRY = "registre des assurés (formateurs)"
HELP_REGISTRY_LIST = "lister les personnes du registre"
HELP_REGISTRY_IMPORT = "importer des personnes fictives (CSV ou JSON)"
HELP_REGISTRY_RESET = "restaurer le registre de démonstration"
HELP_OUTBOX = "messages envoyés par la distribution simulée (e-mail, SMS, courrier)"
HELP_JSON = "sortie JSON"
RESET_DONE = "Registre de démonstration restauré."
IMPORT_DONE = "{count} personne(s) importée(s)."
IMPORT_REJECTED = "import refusé, aucune personne importée : {count} ligne(s) invalide(s)"
IMPORT_ROW = "ligne {row} : {reason}"
IO_ERROR = "erreur de fichier : {error}"
JSON_INVALID = "fichier JSON illisible (ligne {line} : {msg})"
JSON_NOT_LIST = "le fichier JSON doit contenir une liste d'objets"
COL_BIRTH = "né(e) le"
COL_CARD = "carte"
COL_STATUS = "statut"
COL_CODE = "code provisoire"
COL_EMAIL = "e-mail"
COL_MOBILE = "mobile"
COL_PROFILES = "profils rattachés :"
