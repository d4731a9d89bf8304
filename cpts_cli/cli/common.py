"""What every command shares: the console, output format, project file arguments."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path

import typer

DEFAULT_FILE = Path("cpts.yaml")


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


FORMAT_OPTION = typer.Option(
    OutputFormat.text, "--format", help="Format de sortie : text (lisible) ou json (scripts)."
)
QUIET_OPTION = typer.Option(False, "-q", "--quiet", help="N'afficher que l'essentiel.")


def _project_file(value: Path) -> Path:
    """The project file of a command that writes it: refused (exit 2), before anything is
    read or written, when it is not a plain file (device, FIFO, /dev/stdin…)."""
    from cpts_cli.project.files import check_project_path

    check_project_path(value)
    return value


#: The project file as the positional argument of commands that read one file.
FILE_ARGUMENT = typer.Argument(
    DEFAULT_FILE, help="Fichier projet (défaut : cpts.yaml).", dir_okay=False
)
#: The same, for a command that writes it (``cpts next``).
WRITTEN_FILE_ARGUMENT = typer.Argument(
    DEFAULT_FILE,
    help="Fichier projet (défaut : cpts.yaml).",
    dir_okay=False,
    callback=_project_file,
)
#: The project file of the commands that write it (``-f``).
FILE_OPTION = typer.Option(
    DEFAULT_FILE,
    "-f",
    "--fichier",
    help="Fichier projet (défaut : cpts.yaml).",
    dir_okay=False,
    callback=_project_file,
)


def console(stderr: bool = False, wrap: bool = False):
    """Findings are never wrapped (one line each, easy to grep); prose (``wrap``) is."""
    from rich.console import Console

    return Console(
        stderr=stderr,
        highlight=False,
        emoji=False,
        soft_wrap=not wrap,
        no_color="NO_COLOR" in os.environ,
    )


def print_json(data) -> None:
    """``data`` as indented JSON, written by pieces: a report of a hundred thousand findings
    never exists whole as one string (the same text as ``json.dumps``)."""
    import json

    pieces: list[str] = []
    for piece in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(data):
        pieces.append(piece)
        if len(pieces) >= 8192:
            sys.stdout.write("".join(pieces))
            pieces.clear()
    sys.stdout.write("".join(pieces) + "\n")


def show(result, fmt: OutputFormat, print_text: Callable[[], None]) -> None:
    """A command's report: its ``to_dict()`` as JSON under ``--format json``, else the text
    ``print_text`` prints — the one place where a command chooses between the two."""
    if fmt is OutputFormat.json:
        print_json(result.to_dict())
    else:
        print_text()


def is_interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def project_files(files: list[Path] | None) -> list[Path]:
    """Project files named on the command line; a folder stands for its ``*.yaml`` files."""
    from cpts_cli.support.errors import CptsError

    if not files:
        return [DEFAULT_FILE]
    out: list[Path] = []
    for path in files:
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and not p.is_dir()
            )
            if not found:
                raise CptsError(f"Aucun fichier .yaml dans le dossier « {path} ».")
            out.extend(found)
        else:
            out.append(path)
    return out


def check_choice(value: str, choices, unknown: str, help_text: str) -> None:
    """A usage error (exit 2) naming the nearest choice when ``value`` is not one of them;
    ``unknown``: « étape inconnue », « document inconnu »…"""
    if value in choices:
        return
    import difflib

    close = difflib.get_close_matches(value, list(choices), n=1)
    hint = f" Vouliez-vous dire « {close[0]} » ?" if close else ""
    raise typer.BadParameter(f"{unknown} « {value} ».{hint} {help_text}")


def command_group(help_text: str) -> typer.Typer:
    """A group of subcommands (``cpts territory …``, ``cpts actors …``) with the settings every
    group shares: French metavar, ``-h``, help when called alone."""
    return typer.Typer(
        help=help_text,
        no_args_is_help=True,
        rich_markup_mode="rich",
        subcommand_metavar="COMMANDE [ARGUMENTS]...",
        context_settings={"help_option_names": ["-h", "--help"]},
    )
