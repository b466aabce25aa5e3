"""Je m'identifie (seed: "Activation de Mon espace santé avec le code reçu par mail ou par courrier")."""

INTRO = (
    "Pour vous identifier, veuillez saisir le code provisoire reçu par e-mail ou courrier, "
    "votre numéro de sécurité sociale ainsi que le numéro de série de votre carte Vitale."
)
CODE_LABEL = "Code provisoire composé de 12 caractères"
CODE_HINT = "Ex. : HuqZF3KXCz8k (majuscules et minuscules comptent)"
GENERATE_LINK = "Générer un nouveau code provisoire"
NIR_LABEL = "Numéro de sécurité sociale"
NIR_HINT = "Ex. : 1 55 12 55 555 555 55 (15 chiffres, clé comprise)"
NIR_HELP_TITLE = "Où trouver mon numéro de sécurité sociale ?"
NIR_HELP = (
    "Votre numéro de sécurité sociale (15 chiffres) est inscrit sur votre carte Vitale, "
    "sur votre attestation de droits et sur vos relevés de remboursement.\n"
    "Il commence par 1 ou 2, suivi de votre année et de votre mois de naissance. "
    "Les 2 derniers chiffres sont la clé.\n"
    "Pour la Corse, le département s'écrit 2A ou 2B."
)
CANCEL = "Annuler"
CONTINUE = "Continuer"
CODE_SENT = "Un nouveau code provisoire vous a été envoyé par e-mail à l'adresse {to}."
ALREADY_ACTIVE = (
    "Mon espace santé est déjà activé pour vous. Pour y accéder, utilisez « Me connecter » "
    "sur l'écran d'accueil avec votre identifiant et votre mot de passe."
)
