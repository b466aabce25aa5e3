"""Texts of the configuration: sources, expected values, errors."""

SOURCE_DEFAULT = "défaut"
SOURCE_PROFILE = "profil {profile}"
SOURCE_PROFILE_CHOICE = "choix du profil"
SOURCE_FILE = "fichier {path}"
SOURCE_PREFERENCES = "préférences enregistrées"
SOURCE_ENV = "variable {var}"
SOURCE_CLI = "ligne de commande"

EXPECT_BOOLEAN = "attendu : true ou false (oui / non)"
EXPECT_SECONDS = "attendu : un nombre entier de secondes entre 0 et 86400 (0 : jamais)"
EXPECT_THEME = "attendu : l'un de {themes}"
EXPECT_PROFILE = "attendu : l'un de {profiles}"
EXPECT_PATH = "attendu : un chemin de dossier"
EXPECT_KEY_FILE = (
    "attendu : le chemin absolu d'un fichier (vide : trousseau, sinon dossier de données)"
)
EXPECT_PATHS = "attendu : une liste de chemins de dossiers"

BAD_VALUE = "réglage « {key} » invalide ({where}) : {reason}"
UNKNOWN_KEY = "réglage inconnu « {key} » dans {path} ; réglages possibles : {keys}"
FILE_MISSING = "fichier de configuration introuvable : {path}"
FILE_UNREADABLE = "fichier de configuration illisible : {path} ({error})"
FILE_INVALID = "fichier de configuration mal formé : {path} ({error})"
FILE_USED = "Fichier de configuration : {path}"
FILE_NONE = "Fichier de configuration : aucun (valeurs par défaut)"

HELP_PROFILE = "standard, ou guichet (accueil CPAM : effacement après 2 min, pas de messages)"
HELP_DATA_DIR = "dossier du registre, des messages et des justificatifs"
HELP_IDLE_TIMEOUT = "secondes sans action avant l'avertissement d'effacement (0 : jamais)"
HELP_IDLE_COUNTDOWN = "durée du compte à rebours avant l'effacement, en secondes"
HELP_SHOW_MESSAGES = "montrer à l'écran les messages simulés (ils contiennent des codes)"
HELP_THEME = "couleurs"
HELP_SHOW_CURSOR = "montrer le curseur du terminal sur l'élément actif"
HELP_CALM = "affichage calme : ni clignotement ni animation"
HELP_RECEIPT_FOLDERS = (
    "dossiers où un justificatif peut être enregistré (vide : tous ; conseillé en SSH)"
)
HELP_KEY_FILE = (
    "fichier de la clé qui protège les codes, hors du dossier de données (conseillé en SSH ; "
    "vide : trousseau système, sinon secret.key du dossier de données)"
)
