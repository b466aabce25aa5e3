"""Me connecter: signing in with the identifier and password chosen at activation."""

INTRO = (
    "Je me connecte avec l'identifiant et le mot de passe choisis lors de l'activation de "
    "Mon espace santé."
)
IDENTIFIER_LABEL = "Identifiant"
IDENTIFIER_HINT = "Celui choisi à l'activation, par exemple martine.dupont76."
IDENTIFIER_MISSING = "Saisissez votre identifiant."
PASSWORD_LABEL = "Mot de passe"
PASSWORD_MISSING = "Saisissez votre mot de passe."
SHOW_PASSWORD = "Afficher le mot de passe"
HIDE_PASSWORD = "Masquer le mot de passe"
KEY_SHOW_PASSWORD = "Afficher mot de passe"
KEY_HIDE_PASSWORD = "Masquer mot de passe"
CANCEL = "Annuler"
SUBMIT = "Se connecter"
