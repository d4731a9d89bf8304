"""The ``cpts`` command: a thin Typer face over the core.

Each command parses its options, calls one core function, hands the result to a reporter
and maps it to an exit code: 0 success, 1 the project has errors, 2 the command could not
run, 3 an internal error (a bug: « Erreur interne inattendue »). Heavy libraries are imported inside the commands that need them.
"""

from __future__ import annotations

import sys

import typer

from cpts_cli import __version__
from cpts_cli.cli import completion, i18n

i18n.install()

app = typer.Typer(
    name="cpts",
    help=(
        "Accompagner la création d'une CPTS, du territoire au contrat ACI : un fichier projet "
        "(cpts.yaml), des vérifications à chaque étape, les documents pour l'ARS.\n\n"
        "Commencez par « cpts init », puis « cpts status » pour savoir où vous en êtes."
    ),
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    subcommand_metavar="COMMANDE [ARGUMENTS]...",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        sys.stdout.write(f"cpts {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="Afficher la version et quitter.",
    ),
    debug: bool = typer.Option(
        False,
        "--debug",
        help="En cas d'erreur interne, afficher la trace complète.",
    ),
    install_completion: str | None = completion.install_option(),
    show_completion: str | None = completion.show_option(),
) -> None:
    """Accompagner la création d'une CPTS."""


def _register() -> None:
    from cpts_cli.cli import (
        cmd_actors,
        cmd_diagnostic,
        cmd_fill,
        cmd_funding,
        cmd_info,
        cmd_project,
        cmd_render,
        cmd_territory,
    )

    cmd_project.register(app)
    cmd_info.register(app)
    cmd_funding.register(app)
    cmd_territory.register(app)
    cmd_fill.register(app)
    cmd_render.register(app)
    cmd_actors.register(app)
    cmd_diagnostic.register(app)


_register()


def command():
    """The Click command of ``cpts``: the app, its help and usage errors in French whichever
    Click Typer runs on."""
    import typer.main

    root_command = typer.main.get_command(app)
    i18n.frenchify(root_command)
    return root_command


#: Every file cpts writes is replaced whole (temporary file, then rename): an interruption
#: leaves each one as it was before or as it is after, never half-written.
INTERRUPTED_DETAIL = "aucun fichier n'est resté à moitié écrit."

#: Exit code of an internal error (a bug), told apart from 2, "the command could not run".
EXIT_INTERNAL = 3


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turn every failure into a French message and an exit code.

    Under ``--format json``, an error that stops the command (exit 2 or 3) is also written
    on stdout as ``{"erreur": {"message": …, "code_sortie": …}}``, for the script reading it.
    """
    from cpts_cli.support import debug as debug_details
    from cpts_cli.support.errors import CptsError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    debug_details.set_enabled(debug)
    if debug:
        args = [a for a in args if a != "--debug"]
    as_json = _wants_json(args)
    completion.prepare()
    args = completion.shell_optional(args)
    if any(a in ("-h", "--help") for a in args) or not args:
        _load_rich_help()
    try:
        code = command().main(args=args, prog_name="cpts", standalone_mode=False)
    except CptsError as exc:
        code = _stop(exc.message, exc.exit_code, as_json)
    except typer.Exit as exc:
        code = exc.exit_code
    except i18n.ClickException as exc:
        _load_rich_help()
        from typer import rich_utils

        exc = i18n.french_error(exc)
        rich_utils.rich_format_error(exc)
        code = exc.exit_code
        if as_json:
            _json_error(exc.format_message(), code)
    except (typer.Abort, KeyboardInterrupt, EOFError):
        code = _interrupted(as_json)
    except BrokenPipeError:
        code = 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if debug:
            raise
        message = (
            "Erreur interne inattendue : "
            f"{type(exc).__name__}. Relancez avec --debug pour voir le détail, et signalez-la."
        )
        code = _stop(message, EXIT_INTERNAL, as_json)
    if code == 130:  # Typer turns Ctrl-C into a silent exit 130
        code = _interrupted(as_json)
    sys.exit(code if isinstance(code, int) else 0)


def _wants_json(args: list[str]) -> bool:
    """``--format json`` (or ``--format=json``) on the command line."""
    pairs = zip(args, [*args[1:], ""], strict=False)
    return any(a == "--format=json" or (a == "--format" and b == "json") for a, b in pairs)


def _stop(message: str, code: int, as_json: bool, label: str = "Erreur") -> int:
    """Report an error that stops the command; its exit code."""
    _error(message, label=label)
    if as_json:
        _json_error(message if label == "Erreur" else f"{label} : {message}", code)
    return code


def _json_error(message: str, code: int) -> None:
    from cpts_cli.cli.common import print_json

    print_json({"erreur": {"message": message, "code_sortie": code}})


def _load_rich_help() -> None:
    try:
        from typer import rich_utils  # noqa: F401
    except ImportError:
        return
    i18n.install_rich()


def _error(message: str, label: str = "Erreur") -> None:
    from rich.markup import escape

    from cpts_cli.cli.common import console
    from cpts_cli.cli.reporters import visible

    console(stderr=True).print(f"[bold red]{label} :[/] {escape(visible(message))}")


def _interrupted(as_json: bool = False) -> int:
    return _stop(INTERRUPTED_DETAIL, 2, as_json, label="Interrompu")
