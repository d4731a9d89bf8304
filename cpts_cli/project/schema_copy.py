"""The copy of the schema beside the project file, and the editor modeline that points to it.

The first line of a project file tells the YAML language server (the engine of VS Code's YAML
extension, among others) where the file's schema is::

    # yaml-language-server: $schema=./cpts.schema.json

The path is relative to the YAML file's folder, so the modeline works on any machine and in a
cloned repository, as long as ``cpts.schema.json`` sits beside the file. ``cpts init`` writes
both; every command that writes the project file refreshes a missing or outdated copy (the
copy is the installed package's schema, byte for byte), and repairs a modeline written by an
older ``cpts init`` (an absolute ``file://…/cpts.schema.json``, into the installer's
environment) into the relative one — only the path changes, the rest of the file is kept.

For a project file that is a symbolic link, the copy goes beside the real file (the one
written; the link's folder gets nothing new). A modeline of the user's own (an https address, another relative path) is left alone and no
copy is written for it; so is a file without a modeline. A copy that cannot be written never
makes the command fail: it gives a warning (on stderr).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from cpts_cli.support.errors import CptsError, os_error_fr

SCHEMA_FILE = "cpts.schema.json"
RELATIVE_TARGET = f"./{SCHEMA_FILE}"
MODELINE = f"# yaml-language-server: $schema={RELATIVE_TARGET}"

#: A comment line carrying a modeline, as the YAML language server reads it: the target is
#: what follows ``$schema=`` up to the first blank.
_MODELINE = re.compile(r"^(\s*#\s*yaml-language-server\s*:.*?\$schema=)(\S+)(.*)$")
#: A Windows drive path (``C:\…``, ``C:/…``) or its file URI form.
_DRIVE = re.compile(r"^(?:/)?[A-Za-z]:[\\/]")

#: The copies already warned about in this run (``fill`` saves after every answer).
_warned: set[str] = set()


def schema_bytes() -> bytes:
    from cpts_cli.support.resources import shipped_dir

    return (shipped_dir("schemas") / SCHEMA_FILE).read_bytes()


def _is_ours_absolute(target: str) -> bool:
    """An absolute path or ``file:`` URI to a ``cpts.schema.json`` (what older versions of
    ``cpts init`` wrote: the schema inside the installer's environment)."""
    name = target.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if name != SCHEMA_FILE:
        return False
    lowered = target.lower()
    return (
        lowered.startswith("file:")
        or target.startswith("/")
        or target.startswith("\\")
        or bool(_DRIVE.match(target))
    )


def _uses_copy(target: str) -> bool:
    return target in (RELATIVE_TARGET, SCHEMA_FILE)


def repair_modeline(text: str) -> str:
    """``text`` with every modeline that points at an absolute ``cpts.schema.json`` made to
    point at the copy beside the file. Nothing else changes, byte for byte."""
    if "yaml-language-server" not in text:
        return text
    lines = text.split("\n")  # YAML's line breaks only (not \u2028 and the like)
    changed = False
    for i, line in enumerate(lines):
        body = line.removesuffix("\r")
        match = _MODELINE.match(body)
        if match is None or not _is_ours_absolute(match.group(2)):
            continue
        lines[i] = match.group(1) + RELATIVE_TARGET + match.group(3) + line[len(body) :]
        changed = True
    return "\n".join(lines) if changed else text


def points_to_copy(text: str) -> bool:
    """Whether the file's modeline names the schema copy beside it."""
    for line in text.split("\n"):
        match = _MODELINE.match(line.removesuffix("\r"))
        if match is not None:
            return _uses_copy(match.group(2))
    return False


def refresh_copy(folder: Path) -> str | None:
    """Make ``folder/cpts.schema.json`` the installed schema, if it is missing or differs.
    Returns a French warning when it could not (nothing raised), else None."""
    from cpts_cli.project.save import write_atomic

    target = Path(folder) / SCHEMA_FILE
    wanted = schema_bytes()
    try:
        if target.read_bytes() == wanted:
            return None
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError:
        pass  # a folder named so, unreadable…: write_atomic says why
    try:
        if target.is_symlink():
            raise CptsError(f"« {target} » est un lien symbolique : il n'a pas été remplacé.")
        write_atomic(target, wanted)
    except CptsError as exc:
        return _warning(target, exc.message)
    except OSError as exc:
        return _warning(target, f"{os_error_fr(exc)}.")
    return None


def _warning(target: Path, reason: str) -> str:
    return (
        f"la copie du schéma « {target} » n'a pas pu être mise à jour ({reason.rstrip('.')}). "
        "Le fichier projet est enregistré ; seule l'aide de l'éditeur (complétion, "
        "vérification) peut manquer ou être dépassée."
    )


def after_write(project_path: Path, text: str) -> None:
    """After the project file at ``project_path`` was written with ``text``: refresh the
    schema copy beside it when its modeline uses one; warn (once per copy) on failure."""
    if not points_to_copy(text):
        return
    warning = refresh_copy(Path(project_path).parent)
    if warning is None:
        return
    key = str(Path(project_path).parent / SCHEMA_FILE)
    if key in _warned:
        return
    _warned.add(key)
    print(f"Attention : {warning}", file=sys.stderr)
