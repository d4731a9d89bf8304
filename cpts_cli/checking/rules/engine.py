"""Domain rules: small generators registered with their code, step and message.

A rule is a function ``check(ctx) -> Iterable[Hit]``; ``@rule`` declares its code (in the
code registry, with the function's docstring as its documentation) and the step whose
completion it gates. ``Hit`` says where (a JSON pointer) and fills the message template.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cpts_cli.checking.codes import Code, define
from cpts_cli.checking.findings import Finding, Severity, capped
from cpts_cli.project.document import ProjectDocument
from cpts_cli.project.positions import escape, pointer, resolve, split
from cpts_cli.support import dates


@dataclass(frozen=True)
class Hit:
    path: str
    values: dict[str, Any] = field(default_factory=dict)
    severity: Severity | None = None


def hit(path: str, severity: Severity | str | None = None, **values: Any) -> Hit:
    return Hit(path, values, Severity(severity) if severity else None)


@dataclass(frozen=True)
class Entry:
    """A mapping item of a list: its pointer, itself, its index in the list, and the mapping
    item that holds the list when a wildcard led to it (else ``None``)."""

    ptr: str
    item: dict
    index: int
    parent: dict | None = None

    def at(self, key: str) -> str:
        """The pointer of ``key`` in this item."""
        return f"{self.ptr}/{escape(key)}"


@dataclass(frozen=True)
class Rule:
    code: Code
    step: str | None
    func: Callable[[Context], Iterable[Hit]]

    @property
    def doc(self) -> str:
        return self.code.doc


RULES: dict[str, Rule] = {}


def rule(code: str, *, step: str | None, title: str, message: str, severity: str = "error"):
    """Register a rule. ``step=None``: a rule over several sections, always run; each of its
    findings belongs to the step of the section it points to (``/etapes``: general)."""

    def decorate(func: Callable[[Context], Iterable[Hit]]):
        entry = define(code, severity, title, message, func.__doc__ or "", step=step)
        RULES[code] = Rule(entry, step, func)
        return func

    return decorate


class Context:
    """What a rule sees: the project's plain data, its reference data, and today's date."""

    def __init__(self, doc: ProjectDocument, today: _dt.date | None = None) -> None:
        self.doc = doc
        self.data: dict = doc.plain if isinstance(doc.plain, dict) else {}
        self.today = today or dates.today()

    def get(self, ptr: str, default: Any = None) -> Any:
        value = resolve(self.data, ptr, default)
        return default if value is None else value

    def section(self, name: str) -> dict:
        value = self.data.get(name)
        return value if isinstance(value, dict) else {}

    def items(self, ptr: str) -> Iterator[tuple[int, dict]]:
        """Enumerate the mapping items of the list at ``ptr`` (non-mappings are skipped)."""
        value = self.get(ptr)
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    yield i, item

    def entries(self, pattern: str) -> Iterator[Entry]:
        """The mapping items of the lists ``pattern`` names. A ``*`` step stands for each
        mapping value of a mapping, a ``[]`` step for each mapping item of a list:
        ``/projet_sante/missions/*/fiches_actions``, ``/mise_en_oeuvre/annees/[]/resultats``.
        Values of another type are skipped (the schema reports them)."""
        yield from self._entries(split(pattern), [], None)

    def _entries(self, tokens: list[str], done: list, parent: dict | None) -> Iterator[Entry]:
        wild = next((k for k, t in enumerate(tokens) if t in ("*", "[]")), None)
        if wild is None:
            for i, item in self.items(pointer(*done, *tokens)):
                yield Entry(pointer(*done, *tokens, i), item, i, parent)
            return
        head = [*done, *tokens[:wild]]
        if tokens[wild] == "[]":
            children: Iterable = self.items(pointer(*head))
        else:
            container = self.get(pointer(*head)) or {}
            children = container.items() if isinstance(container, dict) else ()
        for key, child in children:
            if isinstance(child, dict):
                yield from self._entries(tokens[wild + 1 :], [*head, key], child)

    @cached_property
    def aci(self):
        from cpts_cli.referentiel import aci

        return aci.of_project(self.data.get("aci"))[0]

    @cached_property
    def socle_missions(self) -> list[str]:
        return [m.code for m in self.aci.socle()]

    @cached_property
    def territory(self):
        from cpts_cli.territory.summary import of_document

        return of_document(self.doc)


def run_rules(ctx: Context, steps: Iterable[str]) -> list[Finding]:
    wanted = set(steps)
    findings: list[Finding] = []
    for entry in RULES.values():
        if entry.step is None or entry.step in wanted:
            findings.extend(capped(_made(ctx, entry)))
    return findings


def _made(ctx: Context, entry) -> Iterator[Finding]:
    from dataclasses import replace

    from cpts_cli.checking.check import step_of

    for h in entry.func(ctx) or ():
        line, column = ctx.doc.locate(h.path)
        made = entry.code.make(
            h.path, line, column, file=ctx.doc.name, severity=h.severity, **h.values
        )
        yield made if entry.step else replace(made, step=step_of(made))


def parse_date(value: Any) -> _dt.date | None:
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def scalar(value: Any) -> Any:
    """``value`` when it can name something (text, number, boolean), else ``None``.

    An identifier or a code written as a list or a mapping is a type error the schema
    reports at its place; the rules that look it up, count or compare it see nothing.
    """
    return value if isinstance(value, str | int | float | bool) else None


def listed(value: Any) -> list:
    """``value`` when it is a list, else an empty one (a wrong type the schema reports)."""
    return value if isinstance(value, list) else []


def filled(value: Any) -> bool:
    """A value the user actually wrote (not absent, not empty, not blank text)."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True
