"""``cpts init``: a new commented project file, or a copy of a worked example."""

from __future__ import annotations

import datetime as _dt
import json
import os
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from cpts_cli.project.save import write_atomic
from cpts_cli.support import dates
from cpts_cli.support.errors import CptsError, os_error_fr

FILE_NAME = "cpts.yaml"


@dataclass(frozen=True)
class Example:
    name: str
    description: str


def examples() -> list[Example]:
    folder = resources.files("cpts_cli") / "examples"
    out = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        description = ""
        for line in entry.read_text(encoding="utf-8").splitlines():
            if line.startswith("# exemple:"):
                description = line.split(":", 1)[1].strip()
                break
        out.append(Example(entry.name[: -len(".yaml")], description))
    return out


def example_text(name: str) -> str:
    names = [e.name for e in examples()]
    if name not in names:
        raise CptsError(f"Exemple inconnu : « {name} ». Exemples disponibles : {', '.join(names)}.")
    text = (resources.files("cpts_cli") / "examples" / f"{name}.yaml").read_text(encoding="utf-8")
    return modeline() + "\n" + text


def modeline() -> str:
    """The editor modeline: the schema copy written beside the file (relative path, so the
    folder can be copied, sent or cloned; see project/schema_copy.py)."""
    from cpts_cli.project.schema_copy import MODELINE

    return MODELINE


def _yaml_str(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, whatever it contains.
    return json.dumps(value, ensure_ascii=False)


def new_project_text(
    nom: str,
    porteur: str = "",
    email: str | None = None,
    telephone: str | None = None,
    profession: str | None = None,
    communes: list[str] | None = None,
    epci: list[str] | None = None,
    today: _dt.date | None = None,
) -> str:
    template = (resources.files("cpts_cli") / "data" / "nouveau_projet.yaml").read_text(
        encoding="utf-8"
    )
    extra = [f"    nom: {_yaml_str(porteur)}"]
    if profession:
        extra.append(f"    profession: {profession}")
    if email:
        extra.append(f"    email: {_yaml_str(email)}")
    if telephone:
        extra.append(f"    telephone: {_yaml_str(telephone)}")
    text = string.Template(template).substitute(
        schema_uri=modeline().split("$schema=", 1)[1],
        nom=_yaml_str(nom),
        nom_comment="".join(c for c in " ".join(nom.split()) if c.isprintable()),
        date=(today or dates.today()).isoformat(),
        porteur_block="\n".join(extra),
        communes=_code_list(communes or [], _commune_name),
        epci=_code_list(epci or [], _epci_name),
    )
    return text


def _code_list(codes: list[str], name_of) -> str:
    """A YAML list of codes, each with its place's name as a comment (as the worked example
    writes them), aligned; `` []`` when there is none (it follows ``key:``)."""
    if not codes:
        return " []"
    quoted = [_yaml_str(c) for c in codes]
    width = max(map(len, quoted))
    lines = []
    for code, text in zip(codes, quoted, strict=True):
        name = name_of(code)
        comment = f"  # {name}" if name else ""
        lines.append(f"    - {text.ljust(width) if name else text}{comment}")
    return "\n" + "\n".join(lines)


def _commune_name(code: str) -> str:
    from cpts_cli.referentiel import store

    found = store.commune(code)
    return found.nom if found else ""


def _epci_name(code: str) -> str:
    from cpts_cli.referentiel import store

    found = store.epci(code)
    return found.nom if found else ""


def write_new(directory: Path, text: str, force: bool = False) -> Path:
    directory = Path(directory)
    if directory.suffix.lower() in (".yaml", ".yml") and not directory.exists():
        raise CptsError(
            f"« {directory} » ressemble à un nom de fichier : « cpts init » attend un dossier, "
            f"où il crée {FILE_NAME} (par exemple : cpts init {directory.stem})."
        )
    if directory.exists() and not directory.is_dir():
        raise CptsError(f"« {directory} » existe et n'est pas un dossier.")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CptsError(
            f"Impossible de créer le dossier « {directory} » : {os_error_fr(exc)}."
        ) from None
    target = directory / FILE_NAME
    if target.is_symlink():
        # Written through, the link could replace any file elsewhere with a new project;
        # replaced, it would silently stop pointing where the user made it point.
        raise CptsError(
            f"« {target} » est un lien symbolique (vers « {os.readlink(target)} ») : rien n'a "
            "été écrit. Supprimez le lien, ou créez le projet dans un autre dossier."
        )
    if target.exists() and not force:
        raise CptsError(
            f"« {target} » existe déjà : rien n'a été écrit. Utilisez --force pour le remplacer."
        )
    write_atomic(target, text.encode("utf-8"))
    from cpts_cli.project.schema_copy import after_write

    after_write(target, text)
    return target
