"""What kind of file a path is: a project file must be a plain file on disk, never a device,
a FIFO, a socket or a folder — refused in the same words by reading and writing commands."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cpts_cli.support.errors import CptsError, os_error_fr

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


#: Folders whose entries only look like files: /dev/stdin leads to /proc/self/fd/0, and a file
#: of /proc or /sys is "regular" but made up by the system when it is read.
_SYSTEM_FOLDERS = ("/proc", "/sys", "/dev/fd")
_SYSTEM_NAMES = ("/dev/stdin", "/dev/stdout", "/dev/stderr")


def _system_path(path: str) -> bool:
    return path in _SYSTEM_NAMES or any(
        path == folder or path.startswith(folder + "/") for folder in _SYSTEM_FOLDERS
    )


def _link_chain(path: Path) -> list[str]:
    """Every name ``path`` goes through to reach a file: itself, then each symbolic link's
    target in turn (absolute, with the folders above it resolved)."""
    chain: list[str] = []
    current = os.path.abspath(path)
    for _ in range(40):
        head, tail = os.path.split(current)
        current = os.path.join(os.path.realpath(head), tail)
        chain.append(current)
        if not os.path.islink(current):
            return chain
        current = os.path.join(os.path.dirname(current), os.readlink(current))
    raise CptsError(f"« {path} » : trop de liens symboliques. Rien n'a été lu ni écrit.")


def check_project_path(path: Path) -> None:
    """Refuse, before anything is read or written, a project file that is not a plain file
    on disk: a device, a FIFO, a folder, the standard input (/dev/stdin), a file of /proc…

    A path that does not exist passes: the command says so in its own words."""
    path = Path(path)
    if any(_system_path(name) for name in _link_chain(path)):
        raise CptsError(
            f"« {path} » n'est pas un fichier projet (entrée standard ou fichier du système) : "
            f"{NOTHING_DONE}"
        )
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise CptsError(f"Lecture impossible de « {path} » : {os_error_fr(exc)}.") from None
    refuse_not_regular(mode, path)
