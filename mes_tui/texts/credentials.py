"""Je choisis mon identifiant et mon mot de passe, and Mon espace santé a bien été activé !
(seed: "Création de l'identifiant et du mot de passe")."""

INTRO = (
    "Ils sont indispensables pour me connecter à Mon espace santé.\n"
    "Pour plus de sécurité, l'identifiant ne peut pas être une adresse e-mail."
)

IDENTIFIER_LABEL = "Identifiant"
IDENTIFIER_HINT = (
    "Minimum 8 caractères.\n"
    "Lettres sans accent, chiffres, point (.), tiret (-) et tiret bas (_) ; "
    "pas d'adresse e-mail. Ex. : martine.dupont76"
)
IDENTIFIER_FREE = "Cet identifiant est disponible."
IDENTIFIER_TAKEN = "Cet identifiant est déjà utilisé. Choisissez-en un autre."
SUGGESTIONS_INTRO = "Identifiants disponibles (choisissez-en un pour remplir le champ) :"
SUGGESTION_LINK = "Utiliser « {identifier} »"
SUGGESTION_CHOSEN = "Identifiant « {identifier} » choisi : il est disponible."

PASSWORD_LABEL = "Mot de passe"
CONFIRMATION_LABEL = "Confirmer le mot de passe"
CONFIRMATION_HINT = "Ressaisissez votre mot de passe."
SHOW_PASSWORD = "Afficher le mot de passe"
HIDE_PASSWORD = "Masquer le mot de passe"
KEY_SHOW_PASSWORD = "Afficher mot de passe"
KEY_HIDE_PASSWORD = "Masquer mot de passe"

CHECKLIST_TITLE = "Votre mot de passe doit contenir :"
RULE_MET = "[x] {rule} (respecté)"
RULE_UNMET = "[ ] {rule} (manquant)"
CHECKLIST_ALL_MET = "Toutes les règles sont respectées."
CHECKLIST_LEFT = "Règles restant à respecter : {count} sur {total}."

VALIDATE = "Valider"
NO_PERSON = (
    "Votre identification n'est plus disponible. Recommencez depuis l'écran d'accueil (Ctrl+N)."
)

ACTIVATED_TEXT = (
    "Je peux dès à présent découvrir toutes les fonctionnalités de Mon espace santé "
    "et commencer à compléter mon profil."
)
ACTIVATED_IDENTIFIER = "Pour me connecter, j'utiliserai mon identifiant : {identifier}"
DISCOVER = "Découvrir Mon espace santé"
