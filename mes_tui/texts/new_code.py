"""Je génère un nouveau code provisoire (seed: "en générant un code provisoire 2/3 et 3/3")."""

INTRO = "Afin de sécuriser l'envoi de mon nouveau code provisoire, j'ai besoin de m'identifier."
NIR_LABEL = "Numéro de sécurité sociale"
NIR_HINT = "Les 13 premiers caractères, sans la clé. Ex. : 1 55 12 55 555 555"
BIRTH_TITLE = "Ma date de naissance"
BIRTH_NOTE = (
    "Si la demande me concerne, je saisis ma date de naissance. "
    "Si cela concerne mon enfant, j'indique sa date de naissance."
)
BIRTH_LABEL = "Date de naissance"
BIRTH_HINT = "JJ MM AAAA, par exemple 07 12 1985"
DAY = "JJ"
MONTH = "MM"
YEAR = "AAAA"
SERIAL_EXAMPLE = "Ex : 953701166"
BACK = "← Retour"
CONTINUE = "Continuer"

DELIVERY_TITLE = "Envoi du code provisoire"
DELIVERY_MODE = "Mon mode de réception :"
DELIVERY_EMAIL = "Par e-mail : {to}"
WRONG_DETAILS_TITLE = "Mes coordonnées sont incorrectes ?"
WRONG_DETAILS = (
    "Le code provisoire est envoyé uniquement par e-mail, à l'adresse connue de votre caisse "
    "d'assurance maladie. Si cette adresse n'est plus la bonne, contactez le 3422, du lundi "
    "au vendredi de 8h30 à 17h30, ou votre caisse, pour la faire corriger."
)
VALIDATE = "Valider"
SENT = "Un nouveau code provisoire vous a été envoyé par e-mail à l'adresse {to}. Il remplace le précédent."
