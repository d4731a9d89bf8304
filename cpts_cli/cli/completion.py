"""Shell completion: ``--install-completion`` and ``--show-completion`` in French, and the
values the shell offers for step and document names.

Typer's own completion machinery does the work (its scripts for bash, zsh, fish and
PowerShell, and the ``_CPTS_COMPLETE`` protocol they speak); only the options, their help and
their messages are ours. Typer already imports all of it at start-up: this module adds no
import to ``cpts --version``.
"""

from __future__ import annotations

import os

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
        value = _detected_shell()
        if not value:
            raise typer.BadParameter(
                f"shell non détecté : nommez-le ({_SHELLS_TEXT}), par exemple "
                "« cpts --show-completion bash »."
            )
    if value not in SHELLS:
        raise typer.BadParameter(f"shell non pris en charge : « {value} » ({_SHELLS_TEXT}).")
    return value


def _detected_shell() -> str:
    """The shell cpts runs in, as shellingham (Typer's own means) detects it; empty if
    unknown."""
    try:
        import shellingham
    except ImportError:
        return ""
    try:
        name, _command = shellingham.detect_shell()
    except shellingham.ShellDetectionFailure:
        return ""
    return name.lower()


def show_completion(ctx: typer.Context, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from typer._completion_shared import get_completion_script

    shell = _shell(value)
    typer.echo(get_completion_script(prog_name=PROG_NAME, complete_var=COMPLETE_VAR, shell=shell))
    raise typer.Exit(0)


def install_completion(ctx: typer.Context, value: str | None) -> None:
    if value is None or ctx.resilient_parsing:
        return
    from typer._completion_shared import install

    shell, path = install(shell=_shell(value), prog_name=PROG_NAME, complete_var=COMPLETE_VAR)
    typer.echo(f"Complétion {shell} installée dans {path}.")
    typer.echo("Elle fonctionnera dans les terminaux ouverts à partir de maintenant.")
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


def _complete_shell(incomplete: str) -> list[str]:
    return [s for s in SHELLS if s.startswith(incomplete)]


def _option(name: str, callback, help_text: str):
    """``--install-completion [SHELL]`` or ``--show-completion [SHELL]``, declared through
    Typer (a parameter of the root callback) so that it belongs to whichever Click Typer
    runs on. The shell may be left out (then the shell cpts runs in): ``shell_optional``
    gives the option an empty value then, Typer having no option with an optional value."""
    return typer.Option(
        None,
        name,
        expose_value=False,
        is_eager=True,
        metavar="[SHELL]",
        callback=callback,
        autocompletion=_complete_shell,
        help=help_text,
    )


OPTIONS = ("--install-completion", "--show-completion")


def shell_optional(args: list[str]) -> list[str]:
    """``args`` with an empty shell after ``--install-completion``/``--show-completion``
    given without one (last, or followed by another option) among the options of ``cpts``
    itself (those before the command)."""
    result: list[str] = []
    for index, arg in enumerate(args):
        result.append(arg)
        if not arg.startswith("-"):
            return result + args[index + 1 :]
        following = args[index + 1] if index + 1 < len(args) else "-"
        if arg in OPTIONS and following.startswith("-"):
            result.append("")
    return result


def install_option():
    return _option("--install-completion", install_completion, INSTALL_HELP)


def show_option():
    return _option("--show-completion", show_completion, SHOW_HELP)
