"""Je vérifie mes coordonnées de contact (seed: "Vérification de coordonnées de contact 1/5 … 5/5"):
the summary, the change of e-mail address or mobile number, and the one-time code."""

# -- the summary (1/5, 3/5, 5/5) --------------------------------------------------------------
TITLE = "Je vérifie mes coordonnées de contact"
INTRO = (
    "Ces informations sont indispensables pour assurer la sécurité de Mon espace santé "
    "et ont été transmises par ma caisse d'assurance maladie."
)
EMAIL_HEADING = "Adresse e-mail"
EMAIL_NONE = "Aucune adresse enregistrée"
EMAIL_EDIT_LINK = "✎ Modifier l'adresse e-mail"
EMAIL_ADD_LINK = "✎ Renseigner mon adresse e-mail"
MOBILE_HEADING = "Numéro de téléphone mobile"
MOBILE_NONE = "Aucun numéro enregistré"
MOBILE_ADD_LINK = "✎ Renseigner mon numéro de mobile"
MOBILE_EDIT_LINK = "✎ Modifier le numéro de mobile"
CONTINUE = "Continuer"

EMAIL_CHANGED = "Votre adresse e-mail a bien été modifiée."
EMAIL_ADDED = "Votre adresse e-mail a bien été enregistrée."
MOBILE_CHANGED = "Votre numéro de téléphone mobile a bien été modifié."
MOBILE_ADDED = "Votre numéro de téléphone mobile a bien été enregistré."

# -- entering the new value (2/5, 4/5) ----------------------------------------------------------
EMAIL_EDIT_TITLE = "Je modifie mon adresse e-mail"
EMAIL_EDIT_INTRO = (
    "Je saisis mon adresse e-mail pour recevoir un code à usage unique et valider la modification."
)
EMAIL_LABEL = "Adresse e-mail"
EMAIL_HINT = "Ex. : nom@domaine.fr"

MOBILE_EDIT_TITLE = "Je renseigne mon numéro de téléphone mobile"
MOBILE_EDIT_INTRO = (
    "Je saisis mon nouveau numéro de téléphone mobile pour recevoir un code à usage unique "
    "et valider la modification."
)
MOBILE_LABEL = "Numéro de téléphone mobile"
MOBILE_HINT = "Ex. : 6 11 12 13 14, 06 11 12 13 14 ou +33 6 11 12 13 14"
MOBILE_PREFIX = "+33"

CANCEL = "Annuler"
VALIDATE = "Valider"

# -- the one-time code (2/5, 4/5) --------------------------------------------------------------
EMAIL_OTP_TITLE = "Je valide mon adresse e-mail"
MOBILE_OTP_TITLE = "Je valide mon numéro de téléphone mobile"
SENT_TO_EMAIL = "Un code à usage unique vous a été envoyé à l'adresse "
SENT_TO_MOBILE = "Un code à usage unique vous a été envoyé au "
VALIDITY = "Ce code est valable {minutes} minutes."
OTP_LABEL = "Code à usage unique"
OTP_HINT = "Ex. : 034567"
RESEND_LINK = "Envoyer à nouveau le code"
RESENT_TO_EMAIL = (
    "Un nouveau code vous a été envoyé à l'adresse {to}. Le précédent n'est plus valable."
)
RESENT_TO_MOBILE = "Un nouveau code vous a été envoyé au {to}. Le précédent n'est plus valable."

# -- beyond the bounds on one-time codes: the change cannot go on for now ------------------------
BACK_TO_SUMMARY = "Retour à mes coordonnées de contact"
