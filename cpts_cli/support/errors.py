"""The one exception for "the command could not run" (exit code 2)."""

from __future__ import annotations


class CptsError(Exception):
    """A problem that stops a command: one French message for the user, exit code 2.

    Raised by the core for unreadable files, I/O errors and concurrent edits; the CLI
    catches it at the top and prints the message alone, never a traceback.
    """

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConflictError(CptsError):
    """The file changed on disk since it was read: writing would lose someone's edit."""


#: French for the system's error messages (``strerror`` is in the system's language).
_OS_ERRORS = {
    "ENOENT": "dossier ou fichier introuvable",
    "EACCES": "permission refusée",
    "EPERM": "opération non permise",
    "EROFS": "disque en lecture seule",
    "ENOSPC": "plus de place sur le disque",
    "EDQUOT": "quota du disque dépassé",
    "EEXIST": "existe déjà",
    "ENOTDIR": "un élément du chemin n'est pas un dossier",
    "EISDIR": "c'est un dossier",
    "ENAMETOOLONG": "nom trop long",
    "EBUSY": "ressource occupée",
    "EMFILE": "trop de fichiers ouverts",
    "EIO": "erreur d'entrée-sortie du disque",
    "ELOOP": "trop de liens symboliques",
    "ENOEXEC": "programme non exécutable",
    "ETXTBSY": "fichier en cours d'utilisation",
}


def os_error_fr(exc: OSError) -> str:
    """What went wrong, in French: « permission refusée », « disque en lecture seule »…"""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    if name in _OS_ERRORS:
        return _OS_ERRORS[name]
    return f"erreur système {name or exc.errno or type(exc).__name__}"
