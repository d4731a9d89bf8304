"""The questions asked in a terminal, every word on screen in French (issue 14, point 1).

questionary prints English of its own (« (Use arrow keys) », « done (2 selections) »,
« Invalid input ») and its search filter lets only ASCII through (« Accès » becomes « Accs »)
and, when nothing matches, shows every choice and records the first on Entrée. So the lists
(``select``, ``confirm``, ``checkbox``) are built here on prompt_toolkit, the library
questionary drives; free text stays questionary's ``text`` (no English of its own once a
refusal always has a message). Each function returns a question to ``.unsafe_ask()``: Ctrl-C
raises KeyboardInterrupt, nothing is printed.

A long list (more than 8 choices) is filtered by typing: any letter, accented or not, and the
match ignores accents and case (« acces » finds « Accès », « ile » finds « Île-de-France »).
When nothing matches, the list is empty, the question says so and Entrée records nothing.

prompt_toolkit and questionary are imported inside the functions: ``cpts --version`` and
``cpts --help`` load neither. ``input=`` / ``output=`` (prompt_toolkit's pipe input and
dummy output) let tests drive every question.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

SELECT_HELP = "(flèches ↑ ↓ puis Entrée)"
CONFIRM_HELP = "(o, n ou flèches ↑ ↓, puis Entrée)"
FILTER_HELP = "(flèches ↑ ↓ ou tapez pour filtrer, puis Entrée)"
CHECKBOX_HELP = "(flèches ↑ ↓, Espace pour cocher, Entrée pour valider)"
#: A list longer than this is filtered by typing (letters then no longer move the pointer).
FILTER_FROM = 9
REFUSED = "Réponse refusée."

_QMARK = "?"
_POINTER = "»"
_STYLE = [
    ("qmark", "fg:#5f87af bold"),
    ("question", "bold"),
    ("answer", "fg:#FF9D00 bold"),
    ("instruction", "fg:#808080"),
    ("pointer", "fg:#5f87af bold"),
    ("highlighted", "bold"),
    ("filter", "fg:#00af00 bold"),
    ("refused", "fg:#d70000 bold"),
]

Choices = Sequence[tuple[Any, str]]


def folded(text: str) -> str:
    """What the filter compares: no accents, no case, œ/æ spelt out, one space between words
    (« Île-de-France » → « ile de france »)."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(text.replace("-", " ").split())


#: Feminine endings and the masculine the lists are written in (« infirmière » finds
#: « Infirmier », « pharmacienne » « Pharmacien », « coordinatrice » « coordinateur »).
_FEMININE = (
    ("iere", "ier"),
    ("ere", "er"),
    ("enne", "en"),
    ("euse", "eur"),
    ("trice", "teur"),
    ("ve", "f"),
    ("e", ""),
)


def _forms(word: str) -> set[str]:
    forms = {word}
    for feminine, masculine in _FEMININE:
        if word.endswith(feminine) and len(word) - len(feminine) >= 3:
            forms.add(word[: -len(feminine)] + masculine)
    return forms


def matches(wanted: str, text: str) -> bool:
    """Whether a folded label ``text`` answers the folded typed ``wanted``: it contains it, or
    each typed word in any order (« generaliste medecin »), a feminine form finding the
    masculine label (« infirmiere » → « infirmier »). A list shows the labels that contain the
    whole text when there are some, else those that match word by word."""
    if wanted in text:
        return True
    return all(any(form in text for form in _forms(word)) for word in wanted.split())


class ChoiceList:
    """What a list question shows and where its pointer is: no terminal here (tested alone).

    ``pointer`` is an index into ``labels``; the filter keeps the labels whose folded text
    contains the folded typed text."""

    def __init__(
        self,
        labels: Sequence[str],
        *,
        pointer: int = 0,
        checked: Sequence[int] = (),
        shortcuts: Sequence[str] = (),
    ) -> None:
        self.labels = list(labels)
        self.folded = [folded(label) for label in self.labels]
        self.pointer = pointer if 0 <= pointer < len(self.labels) else 0
        self.checked = set(checked)
        self.shortcuts = list(shortcuts)
        self.typed = ""
        self.refused: str | None = None
        self.answer: str | None = None  # the answered line, once answered

    # ----------------------------------------------------------------- filter
    def visible(self) -> list[int]:
        wanted = folded(self.typed)
        if not wanted:
            return list(range(len(self.labels)))
        whole = [i for i, text in enumerate(self.folded) if wanted in text]
        return whole or [i for i, text in enumerate(self.folded) if matches(wanted, text)]

    def type(self, text: str) -> None:
        typed = "".join(c for c in text if c.isprintable())
        if typed:
            self.typed += typed
            self._after_filter()

    def erase(self) -> None:
        self.typed = self.typed[:-1]
        self._after_filter()

    def _after_filter(self) -> None:
        self.refused = None
        shown = self.visible()
        if shown and self.pointer not in shown:
            self.pointer = shown[0]

    def pointed(self) -> int | None:
        """The pointed choice, ``None`` when the filter hides every choice."""
        shown = self.visible()
        if not shown:
            return None
        return self.pointer if self.pointer in shown else shown[0]

    def no_match(self) -> str:
        return f"Aucun choix ne correspond à « {self.typed} » : effacez la saisie (Retour arrière)."

    # ----------------------------------------------------------------- moves
    def move(self, step: int) -> None:
        shown = self.visible()
        if shown:
            at = shown.index(self.pointed())
            self.pointer = shown[(at + step) % len(shown)]

    def jump(self, key: str) -> None:
        if key in self.shortcuts:
            self.pointer = self.shortcuts.index(key)

    def toggle(self) -> None:
        at = self.pointed()
        if at is not None:
            self.checked ^= {at}

    def toggle_all(self) -> None:
        everything = set(range(len(self.labels)))
        self.checked = set() if self.checked == everything else everything

    def invert(self) -> None:
        self.checked = set(range(len(self.labels))) - self.checked

    # ----------------------------------------------------------------- screen
    def lines(self, boxes: bool = False) -> list[tuple[str, str]]:
        """The visible choices, one a line, the pointed one marked (and the cursor on it, so
        that a list taller than the terminal scrolls to it)."""
        tokens: list[tuple[str, str]] = []
        at = self.pointed()
        for i in self.visible():
            if tokens:
                tokens.append(("", "\n"))
            if i == at:
                tokens += [("[SetCursorPosition]", ""), ("class:pointer", f" {_POINTER} ")]
            else:
                tokens.append(("", " " * (len(_POINTER) + 2)))
            if boxes:
                tokens.append(
                    ("class:pointer" if i in self.checked else "", _box(i in self.checked))
                )
            shortcut = f"{self.shortcuts[i]}) " if i < len(self.shortcuts) else ""
            tokens.append(("class:highlighted" if i == at else "", shortcut + self.labels[i]))
        return tokens

    def status(self) -> list[tuple[str, str]]:
        """The line under the list: the refusal, the filter typed, or nothing."""
        if self.refused:
            return [("class:refused", self.refused)]
        if not self.typed:
            return []
        if not self.visible():
            return [("class:refused", self.no_match())]
        return [("class:instruction", "Filtre : "), ("class:filter", self.typed)]


def _box(checked: bool) -> str:
    return "● " if checked else "○ "


def checked_summary(labels: Sequence[str]) -> str:
    """The answered line of a checkbox: « aucun », the label, or the labels and their count."""
    if not labels:
        return "aucun"
    if len(labels) == 1:
        return labels[0]
    listed = " ; ".join(labels)
    if len(listed) > 80:
        listed = listed[:79].rstrip() + "…"
    return f"{listed} ({len(labels)} choix)"


# --------------------------------------------------------------------------- questions


def text(
    message: str,
    *,
    default: str = "",
    validate: Callable[[str], bool | str] | None = None,
    instruction: str | None = None,
    **io: Any,
):
    """Free text (questionary's); a refusal without words is said « Réponse refusée. »
    (questionary would say « Invalid input »)."""
    import questionary

    def french(answer: str) -> bool | str:
        verdict = validate(answer)
        return REFUSED if verdict is False else verdict

    return questionary.text(
        message,
        default=default,
        validate=french if validate else None,
        instruction=instruction,
        qmark=_QMARK,
        style=_style(),
        **io,
    )


def select(
    message: str,
    choices: Choices,
    *,
    default: Any = None,
    instruction: str | None = None,
    filtering: bool | None = None,
    shortcuts: Sequence[str] = (),
    **io: Any,
):
    """One value among ``choices`` (value, label); the pointer starts on ``default``.
    ``filtering`` (default: more than 8 choices) lets typing filter the list."""
    if not choices:
        raise ValueError("select: no choice")
    values = [value for value, _ in choices]
    if filtering is None:
        filtering = len(choices) >= FILTER_FROM
    start = next((i for i, v in enumerate(values) if _same(v, default)), 0)
    state = ChoiceList([label for _, label in choices], pointer=start, shortcuts=shortcuts)
    help_text = instruction or (FILTER_HELP if filtering else SELECT_HELP)

    def answer(event) -> None:
        at = state.pointed()
        if at is None:
            state.refused = state.no_match()
            return
        state.answer = state.labels[at]
        event.app.exit(result=values[at])

    bindings = _moves(state, filtering)
    bindings.add("enter", eager=True)(answer)
    return _question(message, help_text, state, bindings, boxes=False, io=io)


def confirm(message: str, default: bool = True, **io: Any):
    """Oui / Non: o and n move to the answer, arrows too, Entrée answers."""
    return select(
        message,
        [(True, "Oui"), (False, "Non")],
        default=bool(default),
        instruction=CONFIRM_HELP,
        shortcuts=("o", "n"),
        filtering=False,
        **io,
    )


def checkbox(
    message: str,
    choices: Choices,
    *,
    checked: Sequence[int] = (),
    validate: Callable[[list], str | None] | None = None,
    instruction: str | None = None,
    **io: Any,
):
    """Several values among ``choices`` (value, label), those at ``checked`` ticked at first;
    ``validate`` (the values ticked → a French refusal or None) is applied on Entrée."""
    values = [value for value, _ in choices]
    state = ChoiceList([label for _, label in choices], checked=checked)

    def ticked() -> list[int]:
        return sorted(state.checked)

    def answer(event) -> None:
        problem = validate([values[i] for i in ticked()]) if validate else None
        if problem:
            state.refused = problem
            return
        state.answer = checked_summary([state.labels[i] for i in ticked()])
        event.app.exit(result=[values[i] for i in ticked()])

    bindings = _moves(state, filtering=False)
    bindings.add("enter", eager=True)(answer)
    for key, act in ((" ", state.toggle), ("a", state.toggle_all), ("i", state.invert)):
        bindings.add(key, eager=True)(_then_clear(state, act))
    return _question(message, instruction or CHECKBOX_HELP, state, bindings, boxes=True, io=io)


# --------------------------------------------------------------------------- machinery


def _same(a: Any, b: Any) -> bool:
    return b is not None and type(a) is type(b) and a == b


def _style():
    from prompt_toolkit.styles import Style

    return Style(_STYLE)


def _then_clear(state: ChoiceList, act: Callable[[], None]):
    def handler(_event) -> None:
        state.refused = None
        act()

    return handler


def _moves(state: ChoiceList, filtering: bool):
    """Arrows, Ctrl-N/P, j/k (not when typing filters), shortcuts, Ctrl-C; typing filters."""
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys

    bindings = KeyBindings()

    @bindings.add("c-c", eager=True)
    @bindings.add("c-q", eager=True)
    def interrupt(event) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    for keys, step in (((Keys.Down,), 1), ((Keys.Up,), -1), (("c-n",), 1), (("c-p",), -1)):
        bindings.add(*keys, eager=True)(_then_clear(state, lambda s=step: state.move(s)))
    if not filtering:
        for key, step in (("j", 1), ("k", -1)):
            if key not in state.shortcuts:
                bindings.add(key, eager=True)(_then_clear(state, lambda s=step: state.move(s)))
    for key in state.shortcuts:
        bindings.add(key, eager=True)(_then_clear(state, lambda k=key: state.jump(k)))

    @bindings.add(Keys.Any)
    def typed(event) -> None:
        """A letter (accented or not), a digit, a space…: the filter; else nothing."""
        if filtering:
            state.type(event.data)

    @bindings.add(Keys.BracketedPaste)
    def pasted(event) -> None:
        if filtering:
            state.type(event.data.replace("\n", " ").replace("\r", " "))

    @bindings.add(Keys.Backspace)
    def erased(_event) -> None:
        if filtering:
            state.erase()

    return bindings


def _question(message: str, help_text: str, state: ChoiceList, bindings, *, boxes: bool, io):
    """The question line (its help, then its answer), the list and its status line."""
    import questionary
    from prompt_toolkit.application import Application
    from prompt_toolkit.filters import Condition, IsDone
    from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl

    def head() -> list[tuple[str, str]]:
        tokens = [("class:qmark", _QMARK), ("class:question", f" {message} ")]
        if state.answer is not None:
            return tokens + [("class:answer", state.answer)]
        return tokens + [("class:instruction", help_text)]

    choices = Window(
        FormattedTextControl(lambda: state.lines(boxes), focusable=True, show_cursor=False),
        dont_extend_height=True,
    )
    layout = Layout(
        HSplit(
            [
                Window(FormattedTextControl(head), dont_extend_height=True, wrap_lines=True),
                ConditionalContainer(
                    choices, filter=~IsDone() & Condition(lambda: bool(state.visible()))
                ),
                ConditionalContainer(
                    Window(FormattedTextControl(state.status), wrap_lines=True),
                    filter=~IsDone() & Condition(lambda: bool(state.status())),
                ),
            ]
        ),
        focused_element=choices,
    )
    application = Application(
        layout=layout,
        key_bindings=bindings,
        style=_style(),
        input=io.get("input"),
        output=io.get("output"),
    )
    return questionary.Question(application)
