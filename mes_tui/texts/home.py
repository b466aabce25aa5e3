"""The home page of Mon espace santé, once the space is activated or the person signed in, and
the list of attached profiles (also under the opposition's last step)."""

GREETING = "Bonjour {name} !"
NAME = "Nom : {name}"
STATUS = "Statut : {status}"
IDENTIFIER = "Identifiant : {identifier}"
NO_IDENTIFIER = "Identifiant : aucun"

STATUS_ACTIVE = "Mon espace santé activé"
STATUS_ACTIVE_ON = "Mon espace santé activé le {date}"
STATUS_OPPOSED = "Profil opposé"
STATUS_OPPOSED_ON = "Profil opposé le {date}"
STATUS_PENDING = "En attente de décision"

PROFILES_TITLE = "Profils rattachés ({count})"
PROFILES_INTRO = "Vous pouvez également gérer les profils ci-dessous."
PROFILES_HELP = (
    'Je peux sélectionner un profil et cliquer sur le bouton "Gérer le profil" pour '
    "l'activer ou m'y opposer."
)
PROFILES_HINT = "↑ ↓ pour choisir un profil, Entrée pour le gérer."
NO_PROFILES = "Aucun profil n'est rattaché à votre compte."
PROFILE_ROW = "{initials}  {name}  {status}"
MINOR = " (enfant mineur)"
MANAGE = "Gérer le profil"

NEXT_PERSON = "Terminer et accueillir la personne suivante"
