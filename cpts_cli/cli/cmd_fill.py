"""``cpts fill [ETAPE]``: the questions of a step, in a terminal.

The engine (``cpts_cli.fill``) decides what to ask from the step's findings and writes the
answers; this module only turns its ``Prompt`` objects into the French questions of
:mod:`cpts_cli.cli.questions` and its
messages into coloured lines. ``TerminalAsker(input=…, output=…)`` lets tests drive it
through prompt_toolkit's pipe input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from cpts_cli.cli import questions
from cpts_cli.cli.cmd_project import STEP_HELP, _check_step_id
from cpts_cli.cli.common import FILE_OPTION, QUIET_OPTION, console, is_interactive
from cpts_cli.cli.completion import complete_step

HELP = (
    "Poser, en français, les questions auxquelles l'étape (par défaut l'étape en cours) n'a "
    "pas encore de réponse, d'après les mêmes vérifications que « cpts validate », et écrire "
    "les réponses dans le fichier projet. ETAPE : territoire, mobilisation, diagnostic, "
    "priorites, lettre_intention, presentation, projet_sante, validation, mise_en_oeuvre.\n\n"
    "Le fichier est enregistré après chaque élément : une réponse simple, ou un élément de "
    "liste complet (un acteur, un indicateur, une fiche-action…). Ctrl-C arrête sans écrire "
    "l'élément en cours ; les éléments déjà enregistrés restent. Commentaires et mise en forme "
    "du reste du fichier sont gardés."
)

_STYLES = {
    "title": ("", "bold"),
    "section": ("— ", "bold cyan"),
    "missing": ("✗ ", "yellow"),
    "refused": ("✗ ", "bold red"),
    "warn": ("⚠ ", "yellow"),
    "ok": ("✔ ", "green"),
    "info": ("", "dim"),
}


class TerminalAsker:
    """Questions in French through :mod:`cpts_cli.cli.questions`; ``io`` passes
    ``input``/``output`` (tests)."""

    #: What ``-q`` leaves out: the explanations (above the questions, at the start).
    QUIET_SKIPS = ("info",)

    def __init__(self, out=None, *, quiet: bool = False, **io: Any) -> None:
        self.out = out or console()
        self.quiet = quiet
        self.io = io

    def say(self, text: str, kind: str = "info") -> None:
        from rich.markup import escape

        if self.quiet and kind in self.QUIET_SKIPS:
            return

        prefix, style = _STYLES.get(kind, ("", ""))
        if kind == "title":
            self.out.print()
        # Word-wrapped here (the shared console leaves long lines to the terminal).
        self.out.print(f"{prefix}{escape(text)}", style=style or None, soft_wrap=False)

    def ask(self, prompt) -> Any:
        kind = prompt.kind
        # The schema's description and how to answer, above the question: the instruction
        # sits between the question and the answer, too narrow for a sentence.
        help_text = prompt.help
        if kind == "text" and prompt.hint:
            help_text = f"{help_text} ({prompt.hint})" if help_text else f"({prompt.hint})"
        if help_text:
            self.say(help_text, "info")
        if kind == "text":
            return self._text(prompt)
        if kind == "confirm":
            return questions.confirm(prompt.message, bool(prompt.default), **self.io).unsafe_ask()
        if kind == "checkbox":
            return self._checkbox(prompt)
        return questions.select(
            prompt.message, prompt.choices, default=prompt.default, **self.io
        ).unsafe_ask()

    def _text(self, prompt) -> str:
        # A refused answer: the rule's whole message (prompt_toolkit's validation bar is one
        # line, too short for the suggestions), then the same question with the answer ready
        # to correct.
        answer = prompt.default or ""
        while True:
            answer = questions.text(f"{prompt.message} :", default=answer, **self.io).unsafe_ask()
            problem = prompt.validate(answer) if prompt.validate else None
            if not problem:
                return answer
            self.say(problem, "refused")

    def _checkbox(self, prompt) -> list:
        selected = set(map(_key, prompt.default or []))
        checked = [i for i, (value, _) in enumerate(prompt.choices) if _key(value) in selected]
        return questions.checkbox(
            prompt.message,
            prompt.choices,
            checked=checked,
            validate=prompt.validate,
            **self.io,
        ).unsafe_ask()


def _key(value: Any) -> Any:
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)


def register(app: typer.Typer) -> None:
    app.command("fill", help=HELP)(fill)


def fill(
    etape: str | None = typer.Argument(
        None,
        help="Étape à compléter (défaut : l'étape en cours). " + STEP_HELP,
        show_default=False,
        callback=_check_step_id,
        autocompletion=complete_step,
    ),
    fichier: Path = FILE_OPTION,
    quiet: bool = QUIET_OPTION,
) -> None:
    from cpts_cli.project.save import writable_project_file
    from cpts_cli.support.errors import CptsError

    writable_project_file(fichier)  # a read-only file: said before the first question
    if not is_interactive():
        raise CptsError(
            "Pas de terminal pour poser les questions : « cpts validate » liste ce qui manque, "
            f"complétez {fichier} dans un éditeur de texte."
        )
    from cpts_cli.fill.engine import Filler
    from cpts_cli.project.load import read_usable as read_document

    doc = read_document(fichier)
    out = console()
    filler = Filler(doc, TerminalAsker(out, quiet=quiet), etape)
    try:
        result = filler.run()
    except (KeyboardInterrupt, EOFError):
        out.print()
        message = (
            "rien n'a été écrit."
            if not filler.saved
            else "l'élément en cours n'a pas été écrit ; les réponses précédentes sont "
            f"enregistrées dans {fichier}."
        )
        console(stderr=True).print(f"[bold]Interrompu[/] : {message}", soft_wrap=False)
        raise typer.Exit(2) from None
    print_outcome(out, result, str(fichier))
    raise typer.Exit(0 if result.complete else 1)


def print_outcome(out, result, file: str) -> None:
    from rich.markup import escape

    from cpts_cli.cli.reporters import finding_line

    s = result.step
    out.print()
    if result.complete:
        out.print(f"[green]✔ {escape(completed_hint(result))}[/]")
        return
    out.print(f"[bold]Il manque encore à l'étape {s.number} « {escape(s.label)} » :[/]")
    for f in result.missing:
        out.print("  " + finding_line(f, file))
    out.print(
        f"Relancez « cpts fill {s.id} » ou complétez {escape(file)} dans un éditeur ; "
        "« cpts validate » donne le détail."
    )


def completed_hint(result) -> str:
    """The line that ends a complete step: « cpts next » only when it records this step
    (the project's current one); else where the project is and what to do there, as
    « cpts status » says it."""
    from cpts_cli.workflow.status import next_action

    s, report = result.step, result.report
    current = next((x for x in report.steps if x.status == "en_cours"), None)
    if current is not None and current.step.id == s.id:
        return f"Étape {s.number} « {s.label} » complète : cpts next"
    done = f"Les questions de l'étape {s.number} « {s.label} » ont toutes une réponse."
    if current is None:
        return f"{done} {next_action(report)}"
    c = current.step
    action = next_action(report)
    if action[:1].isupper() and not action[1:2].isupper():  # after a colon, not an acronym
        action = action[0].lower() + action[1:]
    return f"{done} Le projet est à l'étape {c.number} « {c.label} » : {action}"
