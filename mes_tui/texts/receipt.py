"""Opposition à Mon espace santé 4/4: the opposition receipt (justificatif), a one-page PDF."""

PAGE = "Page {page}/{pages}"
NIR_LINE = "Numéro de l'assuré : {nir}"
NAME_LINE = "Nom de l'assuré : {name}"
ISSUED_ON = "Le {date}"
TITLE = "Votre justificatif d'opposition"
GREETING = "Bonjour {name},"
GREETING_NO_NAME = "Bonjour,"
TAKEN_INTO_ACCOUNT = (
    "Votre demande d'opposition à la création de Mon espace santé a bien été prise en compte "
    "le {date}."
)
CHANGE_OF_MIND = (
    "Vous pouvez revenir à tout moment sur votre décision en vous connectant sur monespacesante.fr."
)
CLOSING = "Avec toute mon attention,"
SIGNATURE = "Votre conseiller Mon espace santé"

# PDF document properties, shown by PDF readers ("Propriétés du document").
META_TITLE = "Justificatif d'opposition à Mon espace santé"
META_AUTHOR = "Mon espace santé — l'Assurance Maladie"
META_SUBJECT = "Opposition à la création de Mon espace santé, prise en compte le {date}"
META_CREATOR = "mes-tui"

# The file name: the decision date and a short random part, never the NIR.
FILE_NAME = "justificatif-opposition-{date}-{token}.pdf"

# Why a folder could not take the receipt, in the person's words (by errno name).
FOLDER_REASONS = {
    "EACCES": "accès refusé",
    "EPERM": "accès refusé",
    "EROFS": "support en lecture seule",
    "ENOSPC": "disque plein",
    "EDQUOT": "quota disque atteint",
    "ENOTDIR": "un élément du chemin est un fichier, pas un dossier",
    "EEXIST": "un élément du chemin est un fichier, pas un dossier",  # mkdir over a file
    "ENAMETOOLONG": "chemin trop long",
    "ENOENT": "chemin introuvable",
    "ELOOP": "trop de liens symboliques",
    "EIO": "erreur de lecture ou d'écriture du disque",
}
FOLDER_REASON_OTHER = "erreur du système de fichiers"


def system_reason(error: OSError) -> str:
    """Why the system refused, in the person's words ("accès refusé", "disque plein"): for a
    receipt's folder, and for the registry's file too."""
    import errno

    return FOLDER_REASONS.get(errno.errorcode.get(error.errno or 0, ""), FOLDER_REASON_OTHER)
