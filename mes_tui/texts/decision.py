"""Je prends ma décision (seed: "Finalisation de Mon espace santé" and "Opposition 1/4")."""

HELLO = "Bonjour {name} !"
ACTIVATE = "J'active Mon espace santé"
ACTIVATE_DETAIL = (
    "J'active Mon espace santé et j'accède à mon dossier médical, mes documents et mes "
    "mesures de santé."
)
OPPOSE = "Je m'oppose à la création de Mon espace santé"
OPPOSE_DETAIL = "Si je change d'avis, je peux à tout moment ouvrir Mon espace santé."
CHOICE_LABEL = "Ma décision"
CHOICE_HINT = "Choisissez avec ↑ ↓ puis Espace, ou tapez 1 ou 2."
CHOICE_MISSING = "Choisissez d'activer Mon espace santé ou de vous opposer à sa création."
OPPOSED_BEFORE = (
    "Vous vous êtes opposé(e) à la création de Mon espace santé le {date}. "
    "Vous pouvez changer d'avis et l'activer maintenant."
)
TERMS_LABEL = "Conditions d'utilisation"
TERMS = (
    "J'accepte les Conditions Générales d'Utilisation et la Politique de protection des "
    "données personnelles."
)
TERMS_MISSING = (
    "Pour activer Mon espace santé, cochez la case « J'accepte les Conditions Générales "
    "d'Utilisation et la Politique de protection des données personnelles »."
)
READ_CGU = "Lire les Conditions Générales d'Utilisation"
READ_PRIVACY = "Lire la Politique de protection des données personnelles"
CGU_TITLE = "Conditions Générales d'Utilisation"
PRIVACY_TITLE = "Politique de protection des données personnelles"
CONTINUE = "Continuer"
LEAVE_TITLE = "Quitter sans décider ?"
LEAVE_BODY = (
    "Aucune décision n'a été enregistrée. Vous pourrez revenir plus tard avec votre code "
    "provisoire."
)
