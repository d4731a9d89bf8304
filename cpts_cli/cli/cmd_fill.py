"""``cpts fill [ETAPE]``: the questions of a step, in a terminal (questionary).

The engine (``cpts_cli.fill``) decides what to ask from the step's findings and writes the
answers; this module only turns its ``Prompt`` objects into questionary questions and its
messages into coloured lines. ``TerminalAsker(input=…, output=…)`` lets tests drive it
through prompt_toolkit's pipe input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

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
SELECT_HELP = "(flèches ↑ ↓ puis Entrée)"
CONFIRM_HELP = "(o, n ou flèches ↑ ↓, puis Entrée)"
FILTER_HELP = "(flèches ↑ ↓ ou tapez pour filtrer, puis Entrée)"
CHECKBOX_HELP = "(flèches ↑ ↓, Espace pour cocher, Entrée pour valider)"


class TerminalAsker:
    """Questions through questionary; ``io`` passes ``input``/``output`` (tests)."""

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
        import questionary

        style = questionary.Style(
            [("qmark", "fg:#5f87af bold"), ("question", "bold"), ("instruction", "fg:#808080")]
        )
        kind = prompt.kind
        # The schema's description and how to answer, above the question: questionary's own
        # instruction sits between the question and the answer, too narrow for a sentence.
        help_text = prompt.help
        if kind == "text" and prompt.hint:
            help_text = f"{help_text} ({prompt.hint})" if help_text else f"({prompt.hint})"
        if help_text:
            self.say(help_text, "info")
        if kind == "text":
            return self._text(prompt, style)
        if kind == "confirm":
            return self._confirm(prompt, style)
        if kind == "checkbox":
            return self._checkbox(prompt, style)
        return self._select(prompt, style)

    def _text(self, prompt, style) -> str:
        import questionary

        # A refused answer: the rule's whole message (prompt_toolkit's validation bar is one
        # line, too short for the suggestions), then the same question with the answer ready
        # to correct.
        answer = prompt.default or ""
        while True:
            answer = questionary.text(
                f"{prompt.message} :", default=answer, style=style, **self.io
            ).unsafe_ask()
            problem = prompt.validate(answer) if prompt.validate else None
            if not problem:
                return answer
            self.say(problem, "refused")

    def _confirm(self, prompt, style) -> bool:
        import questionary

        # o / n move to « Oui » / « Non » (French keys), arrows too; Entrée answers.
        choices = [
            questionary.Choice("Oui", value=True, shortcut_key="o"),
            questionary.Choice("Non", value=False, shortcut_key="n"),
        ]
        return questionary.select(
            prompt.message,
            choices=choices,
            default=choices[0] if prompt.default else choices[1],
            instruction=CONFIRM_HELP,
            use_shortcuts=True,
            style=style,
            **self.io,
        ).unsafe_ask()

    def _checkbox(self, prompt, style) -> list:
        import questionary

        # Choices are numbered: questionary treats a value of None as "use the title".
        values = [value for value, _ in prompt.choices]
        selected = set(map(_key, prompt.default or []))
        choices = [
            questionary.Choice(label, value=i, checked=_key(value) in selected)
            for i, (value, label) in enumerate(prompt.choices)
        ]
        check = prompt.validate

        def validate_many(indexes: list[int]):
            problem = check([values[i] for i in indexes]) if check else None
            return problem or True

        picked = questionary.checkbox(
            prompt.message,
            choices=choices,
            validate=validate_many,
            instruction=CHECKBOX_HELP,
            style=style,
            **self.io,
        ).unsafe_ask()
        return [values[i] for i in picked or []]

    def _select(self, prompt, style) -> Any:
        import questionary

        # Choices are numbered: questionary treats a value of None as "use the title".
        values = [value for value, _ in prompt.choices]
        choices = [
            questionary.Choice(label, value=i) for i, (_, label) in enumerate(prompt.choices)
        ]
        default = next(
            (c for c, v in zip(choices, values, strict=True) if _same(v, prompt.default)), None
        )
        many = len(choices) > 8
        picked = questionary.select(
            prompt.message,
            choices=choices,
            default=default,
            instruction=FILTER_HELP if many else SELECT_HELP,
            use_search_filter=many,
            use_jk_keys=not many,
            style=style,
            **self.io,
        ).unsafe_ask()
        return values[picked]


def _key(value: Any) -> Any:
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)


def _same(a: Any, b: Any) -> bool:
    return b is not None and type(a) is type(b) and a == b


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
    return f"{done} Le projet est à l'étape {c.number} « {c.label} » : {next_action(report)}"
