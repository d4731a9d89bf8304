"""Shell completion: ``--install-completion`` and ``--show-completion`` in French, and the
values the shell offers for step and document names.

Typer's own completion machinery does the work (its scripts for bash, zsh, fish and
PowerShell, and the ``_CPTS_COMPLETE`` protocol they speak); only the options, their help and
their messages are ours. Typer already imports all of it at start-up: this module adds no
import to ``cpts --version``.
"""

from __future__ import annotations

import os

import click
import typer

PROG_NAME = "cpts"
COMPLETE_VAR = "_CPTS_COMPLETE"
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
_SHELLS_TEXT = ", ".join(SHELLS[:-1]) + " ou " + SHELLS[-1]


def prepare() -> None:
    """Before the command line is read: Typer's completion classes registered, and the
    instruction of ``_CPTS_COMPLETE`` accepted in Click's order too (``bash_source``, as
    Click's documentation writes it) besides Typer's (``source_bash``)."""
    from typer._completion_classes import completion_init

    completion_init()
    instruction = os.environ.get(COMPLETE_VAR)
    if instruction:
        shell, _, action = instruction.partition("_")
        if shell in SHELLS and action in ("source", "complete"):
            os.environ[COMPLETE_VAR] = f"{action}_{shell}"


def _shell(value: str) -> str:
    """The shell named on the command line, or the one cpts runs in; a usage error (exit 2)
    when it is neither known nor detected."""
    if not value:
        from typer._completion_shared import _get_shell_name

        value = _get_shell_name() or ""
        if not value:
            raise typer.BadParameter(
                f"shell non détecté : nommez-le ({_SHELLS_TEXT}), par exemple "
                "« cpts --show-completion bash »."
            )
    if value not in SHELLS:
        raise typer.BadParameter(f"shell non pris en charge : « {value} » ({_SHELLS_TEXT}).")
    return value


def show_completion(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from typer._completion_shared import get_completion_script

    shell = _shell(value)
    click.echo(get_completion_script(prog_name=PROG_NAME, complete_var=COMPLETE_VAR, shell=shell))
    raise typer.Exit(0)


def install_completion(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from typer._completion_shared import install

    shell, path = install(shell=_shell(value), prog_name=PROG_NAME, complete_var=COMPLETE_VAR)
    click.echo(f"Complétion {shell} installée dans {path}.")
    click.echo("Elle fonctionnera dans les terminaux ouverts à partir de maintenant.")
    raise typer.Exit(0)


SHOW_HELP = (
    "Afficher le script de complétion du shell nommé (bash, zsh, fish, powershell) ou du "
    "shell en cours, pour le copier ou l'installer à la main."
)
INSTALL_HELP = (
    "Installer la complétion (touche Tab) des commandes, options, étapes et documents dans "
    "le shell nommé (bash, zsh, fish, powershell) ou, sans valeur, dans le shell en cours."
)


def complete_step(incomplete: str) -> list[tuple[str, str]]:
    """The step ids, each with its number and label (shown by zsh and fish): the values of
    ``fill ETAPE``, ``guide ETAPE``, ``validate --etape``."""
    from cpts_cli.workflow.steps import STEPS

    return [(s.id, f"{s.number}. {s.label}") for s in STEPS if s.id.startswith(incomplete)]


def complete_document(incomplete: str) -> list[tuple[str, str]]:
    """The deliverable ids of ``render --doc``, each with its title."""
    from cpts_cli.documents import DELIVERABLES

    return [(d.id, d.title) for d in DELIVERABLES.values() if d.id.startswith(incomplete)]


def options() -> list[click.Option]:
    """``--install-completion [SHELL]`` and ``--show-completion [SHELL]``: the shell may be
    named or left out (then the shell cpts runs in)."""
    common = {
        "is_flag": False,
        "flag_value": "",
        "default": None,
        "expose_value": False,
        "is_eager": True,
        "metavar": "[SHELL]",
        "shell_complete": lambda ctx, param, incomplete: [
            s for s in SHELLS if s.startswith(incomplete)
        ],
    }
    return [
        click.Option(
            ["--install-completion"], callback=install_completion, help=INSTALL_HELP, **common
        ),
        click.Option(["--show-completion"], callback=show_completion, help=SHOW_HELP, **common),
    ]
