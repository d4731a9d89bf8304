"""What kind of file a path is: a project file must be a plain file on disk, never a device,
a FIFO, a socket or a folder — refused in the same words by reading and writing commands."""

from __future__ import annotations

import stat

from cpts_cli.support.errors import CptsError

KINDS = (
    (stat.S_ISDIR, "un dossier"),
    (stat.S_ISCHR, "un périphérique"),
    (stat.S_ISBLK, "un périphérique"),
    (stat.S_ISFIFO, "un tube (FIFO)"),
    (stat.S_ISSOCK, "une socket"),
)

NOTHING_DONE = "rien n'a été lu ni écrit. Donnez le chemin d'un fichier .yaml."


def refuse_not_regular(mode: int, name: object) -> None:
    """``CptsError`` (exit 2) unless ``mode`` is a plain file's."""
    if stat.S_ISREG(mode):
        return
    kind = next((k for test, k in KINDS if test(mode)), None)
    refused = f"« {name} » n'est pas un fichier projet"
    if kind is None:
        raise CptsError(f"{refused} ordinaire : {NOTHING_DONE}")
    raise CptsError(f"{refused} mais {kind} : {NOTHING_DONE}")
