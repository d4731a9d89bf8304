"""The engine of ``cpts fill``: from the findings of a step, what to ask, and where to write it.

It never prints and never imports questionary: it hands ``Prompt`` objects to an ``Asker``
(the terminal face in ``cpts_cli.cli.cmd_fill``, or a script in tests) and gets plain
answers back. What it asks is read from ``schemas/prompts.yaml`` (see ``spec``); whether it
asks is decided by the findings ``check_document`` gives for the step — the same ones
``cpts validate`` prints — so a complete step asks nothing.

Saving: the file is written after each item — one answer to a simple question, or one whole
element of a list (an actor, an indicator, a fiche-action with its indicators) — atomically,
through ``cpts_cli.project.save``. An interrupted item (Ctrl-C) is never written: the file
stays as it was after the previous item.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from cpts_cli.checking.check import FileReport, check_document
from cpts_cli.checking.findings import Finding, Severity
from cpts_cli.fill.spec import Question, property_order, questions, walk
from cpts_cli.project import edit
from cpts_cli.project.document import ProjectDocument, to_plain
from cpts_cli.project.positions import pointer, split
from cpts_cli.workflow.steps import STEP_BY_ID, Step


class _Skip:
    def __repr__(self) -> str:
        return "SKIP"


#: An answer left empty: nothing is written.
SKIP: Any = _Skip()
#: « masqué » given for a number the source hides: null, and the ``masked`` key set to true.
MASKED: Any = _Skip()
_MASKED_WORDS = {"masque", "masquee", "secret", "cache", "cachee"}
_MISSING: Any = object()
SKIP_LABEL = "(passer pour l'instant)"
NONE_LABEL = "(ne pas préciser)"


@dataclass
class Prompt:
    """One question for the asker.

    ``kind``: ``text`` (a typed answer, checked by ``validate``), ``select`` (one of
    ``choices``), ``checkbox`` (several of ``choices``), ``confirm`` (yes or no).
    ``choices`` are (value, French label) pairs. ``help`` is the schema's description,
    ``hint`` how to answer (format, optional…).
    """

    kind: str
    message: str
    help: str = ""
    hint: str = ""
    default: Any = None
    choices: list[tuple[Any, str]] = field(default_factory=list)
    validate: Callable[[Any], str | None] | None = None


@dataclass
class Place:
    """Where a value goes: its path, the element it belongs to (answers so far), and the other
    elements of the list holding that element (for defaults like C3 and unique checks)."""

    tokens: list[str]
    item: dict = field(default_factory=dict)
    siblings: list = field(default_factory=list)
    index: int | None = None


class Asker(Protocol):
    def ask(self, prompt: Prompt) -> Any: ...

    def say(self, text: str, kind: str = "info") -> None:
        """``kind``: title, section, missing, ok, warn, info."""


@dataclass
class FillResult:
    step: Step
    saved: int
    report: FileReport

    @property
    def findings(self) -> list[Finding]:
        return self.report.state(self.step.id).findings if self.report.steps else []

    @property
    def missing(self) -> list[Finding]:
        """The step's errors, and the general ones (they keep every step incomplete)."""
        from cpts_cli.checking.check import step_of

        own = [f for f in self.findings if f.severity is Severity.ERROR]
        general = [
            f for f in self.report.findings if f.severity is Severity.ERROR and step_of(f) is None
        ]
        return own + [f for f in general if f not in own]

    @property
    def complete(self) -> bool:
        return bool(self.report.steps) and self.report.state(self.step.id).complete


def fill(
    doc: ProjectDocument,
    asker: Asker,
    step_id: str | None = None,
    *,
    today: _dt.date | None = None,
    write: bool = True,
) -> FillResult:
    """Ask for what ``step_id`` (default: the current step) still misses, write the answers."""
    return Filler(doc, asker, step_id, today=today, write=write).run()


# --------------------------------------------------------------------------- helpers


def filled(value: Any) -> bool:
    from cpts_cli.checking.rules.engine import filled as rule_filled

    return rule_filled(to_plain(value) if value is not _MISSING else None)


def slug(text: str, limit: int = 40) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if len(text) > limit:
        cut = text[: limit + 1].rfind("_")
        text = text[: cut if cut > 0 else limit]
    return text.rstrip("_") or "indicateur"


def _under(path: str, base: str) -> bool:
    return path == base or path.startswith(base + "/")


class Filler:
    def __init__(
        self,
        doc: ProjectDocument,
        asker: Asker,
        step_id: str | None = None,
        *,
        today: _dt.date | None = None,
        write: bool = True,
    ) -> None:
        from cpts_cli.support.errors import CptsError

        if not doc.editable:
            raise CptsError(
                f"« {doc.name} » contient des clés en double ou des alias YAML : corrigez-les "
                "d'abord (voir « cpts validate »), rien n'a été demandé."
            )
        if not isinstance(doc.data, dict):
            raise CptsError(f"« {doc.name} » ne contient pas de projet à compléter.")
        self.doc = doc
        self.asker = asker
        self.today = today
        self.write = write
        self.saved = 0
        self.style = edit.FileStyle(doc.text)
        self.report = check_document(doc, today=today)
        if not self.report.steps:
            raise CptsError(
                f"« {doc.name} » ne peut pas être complété : voir « cpts validate {doc.name} »."
            )
        self.step = STEP_BY_ID[step_id or self.report.current or "territoire"]
        self._depth = 0
        #: Codes the step's questions are about: a new finding with one of them is said when
        #: its question comes, not when it appears; other new ones (a commune outside the
        #: territory, a double count…) are said as soon as the answer is written.
        self._quiet = {c for q in walk(questions()[self.step.id]) for c in q.codes}

    # ----------------------------------------------------------------- findings

    @property
    def findings(self) -> list[Finding]:
        return self.report.state(self.step.id).findings

    def _codes_present(self, codes: tuple[str, ...]) -> list[Finding]:
        return [f for f in self.findings if f.code in codes]

    def _under(self, tokens: list[str], codes: tuple[str, ...] | None = None) -> list[Finding]:
        base = pointer(*tokens)
        return [
            f for f in self.findings if _under(f.path, base) and (codes is None or f.code in codes)
        ]

    # ----------------------------------------------------------------- running

    def run(self) -> FillResult:
        state = self.report.state(self.step.id)
        s = self.step
        self.asker.say(f"Étape {s.number} « {s.label} »", "title")
        if not state.missing:
            self.asker.say("Rien ne manque à cette étape.", "ok")
        else:
            self.asker.say(
                f"{len(state.missing)} point(s) à compléter. Chaque réponse est enregistrée "
                f"dans {self.doc.name} dès qu'elle est complète ; Ctrl-C pour arrêter.",
                "info",
            )
        shown: set[str] = set()
        for q in questions()[self.step.id]:
            found = self._codes_present(q.codes)
            if not found:
                continue
            for message in dict.fromkeys(f.message for f in found):
                if message not in shown:
                    self.asker.say(message, "missing")
            shown = {f.message for f in found}
            self._top(q)
        if self.write and self.doc.path is not None and self.saved:
            from cpts_cli.project.load import read_path

            # Fresh positions for the final report (line numbers moved with the edits).
            self.report = check_document(read_path(self.doc.path), today=self.today)
        return FillResult(self.step, self.saved, self.report)

    def _top(self, q: Question) -> None:
        if q.kind == "alternatives":
            choices = [(i, opt.label) for i, opt in enumerate(q.options)]
            choices.append((None, SKIP_LABEL))
            picked = self.asker.ask(Prompt("select", q.title, choices=choices, default=0))
            if picked is None:
                return
            q = q.options[picked]
        self._fill(q, Place(split(q.at)), thorough=True)

    # ----------------------------------------------------------------- the tree

    def _node(self, tokens: list[str]) -> Any:
        node: Any = self.doc.data
        for token in tokens:
            if isinstance(node, dict):
                if token not in node:
                    return _MISSING
                node = node[token]
            elif isinstance(node, list):
                try:
                    node = node[int(token)]
                except (ValueError, IndexError):
                    return _MISSING
            else:
                return _MISSING
        return node

    def _plain(self, tokens: list[str]) -> Any:
        node = self._node(tokens)
        return None if node is _MISSING else to_plain(node)

    def _parent(self, tokens: list[str]) -> tuple[Any, int]:
        """The deepest mapping that exists on the way to ``tokens``, and the index in
        ``tokens`` of the key to write in it.

        An empty value (``~``, ``""``) on the way counts as missing; anything else that is not
        what the path needs stops the edit before anything is changed.
        """
        node: Any = self.doc.data
        i = 0
        last = len(tokens) - 1
        while i < last:
            nxt = node.get(tokens[i]) if isinstance(node, dict) else None
            if isinstance(nxt, dict):
                node, i = nxt, i + 1
                continue
            if isinstance(nxt, list) and i + 1 < last and tokens[i + 1].isdigit():
                index = int(tokens[i + 1])
                if index < len(nxt) and isinstance(nxt[index], dict):
                    node, i = nxt[index], i + 2
                    continue
            if nxt is not None and nxt != "":
                from cpts_cli.support.errors import CptsError

                raise CptsError(
                    f"Dans « {self.doc.name} », « {'.'.join(tokens[: i + 1])} » n'a pas la "
                    "forme attendue : corrigez-la d'abord (voir « cpts validate »)."
                )
            break
        return node, i

    def _set(self, tokens: list[str], value: Any) -> None:
        """Write ``value`` at ``tokens``; missing mappings on the way are written with it, in
        one piece (an empty one would get the comments that follow it between its key and
        its content)."""
        parent, depth = self._parent(tokens)
        for key in reversed(tokens[depth + 1 :]):
            value = {key: value}
        key = tokens[depth]
        # The old value (its quotes) or the same key in a sibling element sets the style.
        like = parent.get(key)
        if like is None:
            like = self._sibling_value(tokens[: depth + 1])
        node = self.style.node(value, like, indent=2 * (depth + 1))
        edit.set_key(parent, key, node, property_order(_schema_tokens(tokens[:depth])))

    def _sibling_value(self, tokens: list[str]) -> Any:
        """The same key in the previous item of the enclosing list (to copy its style)."""
        for depth in range(len(tokens) - 1, 0, -1):
            if tokens[depth - 1].isdigit():
                index = int(tokens[depth - 1])
                seq = self._node(tokens[: depth - 1])
                if isinstance(seq, list):
                    for other in reversed(seq[:index] + seq[index + 1 :]):
                        node: Any = other
                        for token in tokens[depth:]:
                            node = node.get(token) if isinstance(node, dict) else None
                        if node is not None:
                            return node
                return None
        return None

    def _append(self, tokens: list[str], value: Any) -> None:
        seq = self._node(tokens)
        if isinstance(seq, list):
            like = seq[-1] if len(seq) else None
            edit.append(seq, self.style.node(value, like, indent=2 * len(tokens)))
        else:
            self._set(tokens, [value])

    @contextmanager
    def _unit(self) -> Iterator[None]:
        """One item: written when the outermost unit ends normally, never when interrupted."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if self._depth == 0:
            self._commit()

    def _commit(self) -> None:
        from cpts_cli.project.save import save

        self.doc.plain = to_plain(self.doc.data)
        if self.write and self.doc.path is not None:
            if save(self.doc):
                self.saved += 1
        else:
            self.saved += 1
        before = {(f.code, f.path, f.message) for f in self.findings}
        self.report = check_document(self.doc, today=self.today)
        for f in self.findings:
            if f.code in self._quiet or f.severity is Severity.INFO:
                continue
            if (f.code, f.path, f.message) not in before:
                self.asker.say(f.message, "warn" if f.severity is Severity.WARNING else "missing")

    # ----------------------------------------------------------------- filling in place

    def _fill(self, q: Question, place: Place, thorough: bool = False) -> None:
        """Complete the value of ``q`` at ``place`` in the file, asking what it misses."""
        kind = q.kind
        if kind == "list":
            self._fill_list(q, place.tokens, thorough)
        elif kind == "group":
            self._fill_group(q, place.tokens, thorough)
        elif kind == "map":
            self._fill_map(q, place.tokens)
        elif kind in ("codes", "texts"):
            self._add_scalars(q, place.tokens)
        elif not filled(self._node(place.tokens)):
            with self._unit():
                value = self._ask_scalar(q, place)
                if value is not SKIP:
                    self._set(place.tokens, value)

    def _fill_group(self, q: Question, tokens: list[str], thorough: bool) -> None:
        for f in q.fields:
            need = self._need(f, tokens, thorough)
            if need is not None:
                item = self._plain(tokens) or {}
                self._fill(f, Place([*tokens, f.key], item), thorough=need == "ask" and thorough)

    def _need(self, f: Question, tokens: list[str], thorough: bool) -> str | None:
        """What field ``f`` of the element at ``tokens`` needs: "ask" (its value is missing
        and wanted), "complete" (a list or block with findings inside), or nothing."""
        sub = [*tokens, f.key]
        if not self._applies(f, self._plain(tokens) or {}):
            return None
        if not self._missing(f, self._node(sub)):
            inside = self._under(sub) or self._under(tokens, f.codes)
            return "complete" if f.kind in ("list", "group", "map") and inside else None
        if thorough or f.required or self._under(tokens, f.codes) or self._under(sub):
            return "ask"
        return None

    def _fill_map(self, q: Question, tokens: list[str]) -> None:
        for key in self._keys(q.keys or "all", q):
            vq = q.for_key(key)
            sub = [*tokens, key]
            if self._missing(vq, self._node(sub)):
                if vq.kind in ("list", "group", "map"):
                    self.asker.say(vq.title, "section")
                self._fill(vq, Place(sub, self._plain(tokens) or {}), thorough=True)
            elif self._under(sub):
                self._fill(vq, Place(sub, self._plain(tokens) or {}))

    def _fill_list(self, q: Question, tokens: list[str], thorough: bool) -> None:
        about_list = bool(self._about_list(q, tokens))
        seq = self._node(tokens)
        for i, item in enumerate(list(seq) if isinstance(seq, list) else []):
            if isinstance(item, dict) and self._under([*tokens, str(i)]):
                self._complete_item(q, tokens, i)
        if q.keyed:
            self._add_keyed(q, tokens)
        elif about_list or not filled(self._node(tokens)):
            self._add_items(q, tokens, thorough)

    def _about_list(self, q: Question, tokens: list[str]) -> list[Finding]:
        """The findings about a list as a whole (empty, one profession only…): they call for
        new elements, while those about one element call for completing it."""
        base = pointer(*tokens)
        return [f for f in self._under(tokens[:-1], q.codes) if not f.path.startswith(base + "/")]

    def _complete_item(self, q: Question, list_tokens: list[str], index: int) -> None:
        """Ask what an existing element lacks (its required keys, or those a finding names).

        Its missing values are written together; then the lists inside it that findings
        point at are completed, each of their elements written on its own.
        """
        tokens = [*list_tokens, str(index)]
        name = _item_name(self._plain(tokens) or {}) or str(index + 1)
        self.asker.say(f"{q.item_title or q.title} « {name} » : à compléter", "section")
        nested: list[Question] = []
        with self._unit():
            for f in q.fields:
                need = self._need(f, tokens, thorough=False)
                if need == "complete":
                    nested.append(f)
                elif need == "ask":
                    sub = [*tokens, f.key]
                    item = self._plain(tokens) or {}
                    answer = self._build(f, Place(sub, item, self._plain(list_tokens), index))
                    if answer is MASKED:
                        self._set(sub, None)
                        self._set([*tokens, f.masked], True)
                    elif answer is not SKIP:
                        self._set(sub, answer)
        for f in nested:
            sub = [*tokens, f.key]
            self._fill(f, Place(sub, self._plain(tokens) or {}, self._plain(list_tokens), index))

    def _add_items(self, q: Question, tokens: list[str], thorough: bool) -> None:
        """New elements, one at a time, each written when complete ("Ajouter un autre ?")."""
        added = 0
        while True:
            existing = self._node(tokens)
            siblings = self._plain(tokens) or []
            n = len(siblings) if isinstance(siblings, list) else 0
            if not thorough and q.required and n == 0:
                want = True  # a required list inside an element: its first item is asked
            else:
                found = self._about_list(q, tokens) if thorough else []
                still = bool(found)
                if n and found:
                    for text in dict.fromkeys(f.message for f in found):
                        self.asker.say(text, "missing")
                message = (q.again if n else q.add) or f"Ajouter : {q.item_title} ?"
                want = self.asker.ask(Prompt("confirm", message, default=still or n == 0))
            if not want:
                if added == 0 and n == 0 and q.allow_empty and existing is _MISSING:
                    with self._unit():
                        self._set(tokens, [])
                return
            self.asker.say(f"{q.item_title or q.title} {n + 1}", "section")
            with self._unit():
                value = self._build_group(q, {}, Place([*tokens, str(n)], {}, siblings, n))
                self._append(tokens, value)
            added += 1

    def _add_keyed(self, q: Question, tokens: list[str]) -> None:
        """One element per key (per socle mission, per contract indicator)."""
        assert q.keyed is not None
        key_field = q.keyed["field"]
        for key, label in self._key_labels(q.keyed["keys"]):
            siblings = self._plain(tokens) or []
            if any(isinstance(x, dict) and x.get(key_field) == key for x in siblings):
                continue
            self.asker.say(label, "section")
            n = len(siblings)
            with self._unit():
                place = Place([*tokens, str(n)], {}, siblings, n)
                self._append(tokens, self._build_group(q, {key_field: key}, place))

    def _add_scalars(self, q: Question, tokens: list[str]) -> None:
        """A list of codes or sentences, one answer at a time (an empty answer ends it)."""
        while True:
            values = self._ask_scalar_list(q, self._plain(tokens) or [])
            if not values:
                return
            with self._unit():
                for value in values:
                    self._append(tokens, value)
            if q.search in ("commune", "epci"):
                self._say_territory(values)

    # ----------------------------------------------------------------- building new values

    def _build(self, q: Question, place: Place) -> Any:
        """Ask everything for a new value of ``q`` (written by the caller): plain data or SKIP."""
        if q.kind == "group":
            value = self._build_group(q, {}, Place(place.tokens, {}))
            return value or SKIP
        if q.kind == "list":
            out: list = []
            if q.keyed:
                for key, label in self._key_labels(q.keyed["keys"]):
                    self.asker.say(label, "section")
                    sub = Place([*place.tokens, str(len(out))], {}, out, len(out))
                    out.append(self._build_group(q, {q.keyed["field"]: key}, sub))
                return out or SKIP
            while True:
                if out or not q.required:
                    message = q.again if out else q.add
                    if not self.asker.ask(Prompt("confirm", message, default=False)):
                        break
                self.asker.say(f"{q.item_title or q.title} {len(out) + 1}", "section")
                sub = Place([*place.tokens, str(len(out))], {}, list(out), len(out))
                out.append(self._build_group(q, {}, sub))
            return out or SKIP
        if q.kind == "map":
            answers = {}
            for key in self._keys(q.keys or "all", q):
                answer = self._build(q.for_key(key), Place([*place.tokens, key], {}))
                if answer is not SKIP:
                    answers[key] = answer
            return answers or SKIP
        if q.kind in ("codes", "texts"):
            values: list = []
            while True:
                batch = self._ask_scalar_list(q, values, strict=q.required and not values)
                if not batch:
                    return values or SKIP
                values.extend(batch)
        return self._ask_scalar(q, place, strict=True)

    def _build_group(self, q: Question, preset: dict, place: Place) -> dict:
        """A new element: every field of ``q`` asked in order (``preset`` ones excepted)."""
        item = dict(preset)
        for f in q.fields:
            if f.key in item or not self._applies(f, item):
                continue
            sub = Place([*place.tokens, f.key], item, place.siblings, place.index)
            answer = self._build(f, sub)
            if answer is MASKED:
                item[f.key] = None
                item[f.masked] = True
            elif answer is not SKIP:
                item[f.key] = answer
        return _ordered(item, property_order(_schema_tokens(place.tokens)))

    # ----------------------------------------------------------------- asking one value

    def _ask_scalar(self, q: Question, place: Place, strict: bool = False) -> Any:
        """One prompt for one value. ``strict`` (a new element): a required answer is due."""
        must = strict and q.required
        kind = q.kind
        default = self._default(q, place)
        if kind in ("choice", "multi_choice", "boolean"):
            choices = [(True, "Oui"), (False, "Non")] if kind == "boolean" else self._choices(q)
            if not choices:
                return SKIP
            if kind == "multi_choice":
                current = self._plain(place.tokens)
                selected = current if isinstance(current, list) else []
                return self._ask_checkbox(q, choices, selected, must)
            if not must:
                choices = [*choices, (SKIP, NONE_LABEL if strict else SKIP_LABEL)]
            return self.asker.ask(
                Prompt("select", q.title, help=q.help, default=default, choices=choices)
            )
        check = self._checker(q, place)

        def validate(text: str) -> str | None:
            if not text.strip():
                return "Réponse obligatoire." if must else None
            return check(text.strip())

        while True:
            raw = self.asker.ask(
                Prompt(
                    "text",
                    q.title,
                    help=q.help,
                    hint=_hint(q, must),
                    default="" if default is None else str(default),
                    validate=validate,
                )
            )
            text = (raw or "").strip()
            if not text:
                return SKIP
            value = self._convert(q, text)
            if value is not _MISSING:  # a name that matched nothing the user wanted: ask again
                return value

    def _ask_checkbox(self, q: Question, choices, selected, must: bool) -> Any:
        def validate(values: list) -> str | None:
            return "Cochez au moins un élément." if must and not values else None

        values = self.asker.ask(
            Prompt(
                "checkbox",
                q.title,
                help=q.help,
                default=selected,
                choices=choices,
                validate=validate,
            )
        )
        return list(values) if values else SKIP

    def _ask_scalar_list(self, q: Question, current: list, strict: bool = False) -> list:
        """One answer for a list: sentences one by one; codes (or names) several at once."""
        n = len(current)
        if q.kind == "texts":

            def validate_text(text: str) -> str | None:
                return "Réponse obligatoire." if strict and not text.strip() else None

            raw = self.asker.ask(
                Prompt(
                    "text",
                    f"{q.item_title or q.title} {n + 1}",
                    help=(q.item_help or q.help) if n == 0 else "",
                    hint="" if strict else "Entrée vide pour terminer",
                    validate=validate_text,
                )
            )
            text = (raw or "").strip()
            return [edit.Folded(text)] if text else []
        check = self._checker(q, Place([], {}), existing=current)
        what = "code ou nom" if q.search else "code"

        def validate_all(text: str) -> str | None:
            entries = _entries(text)
            if strict and not entries:
                return "Réponse obligatoire."
            seen: set[str] = set()
            for entry in entries:
                problem = check(entry)
                if problem:
                    return problem
                if entry.upper() in seen:
                    return f"« {entry} » est donné deux fois."
                seen.add(entry.upper())
            return None

        raw = self.asker.ask(
            Prompt(
                "text",
                f"{q.title} à ajouter" if n else q.title,
                help=q.help if n == 0 else "",
                hint=f"{what} ; plusieurs séparés par des virgules ; Entrée vide pour terminer",
                validate=validate_all,
            )
        )
        out: list = []
        for entry in _entries(raw or ""):
            code = self._resolve_code(q, entry)
            if code and code not in current and code not in out:
                out.append(edit.Quoted(code))
        return out

    # ----------------------------------------------------------------- checks and conversions

    def _checker(
        self, q: Question, place: Place, existing: list | None = None
    ) -> Callable[[str], str | None]:
        """The checks of one answer: the schema's (format, range), the named validator, the
        list's (already there, unique)."""
        from cpts_cli.fill import validators as v

        label = q.item_title if q.kind == "codes" else q.title
        kind = q.kind

        def check(text: str) -> str | None:
            if q.masked and slug(text) in _MASKED_WORDS:
                return None
            if kind == "date":
                return v.check_date(text, label)
            if kind in ("integer", "number"):
                problem = v.check_number(text, label, integer=kind == "integer")
                if problem:
                    return problem
                problem = v.check_range(v.parse_number(text), label, q.minimum, q.maximum)
                if problem:
                    return problem
            if q.search and not _looks_like_code(text, q.search):
                if not self._search(q.search, text):
                    what = "commune" if q.search == "commune" else "intercommunalité"
                    return (
                        f"Aucune {what} ne correspond à « {text} » : tapez son code ou une "
                        "partie de son nom."
                    )
                return None
            if q.validator == "year":
                problem = v.check_year(text, self.today, code=str(place.item.get("code", "?")))
            elif q.validator == "aci_deadline":
                problem = v.check_deadline(text, **self._deadline(q, place))
            elif q.validator:
                problem = v.NAMED[q.validator](text)
            else:
                problem = None
            if problem:
                return problem
            if q.pattern and kind in ("text", "code"):
                value = _clean_code(text, q) if kind == "code" else text
                problem = v.check_pattern(value, q.pattern, label, _example(q))
                if problem:
                    return problem
            if existing is not None and _clean_code(text, q) in existing:
                return f"« {_clean_code(text, q)} » est déjà dans la liste."
            if q.unique:
                return self._unique_problem(q, text, place)
            return None

        return check

    def _unique_problem(self, q: Question, text: str, place: Place) -> str | None:
        value = self._convert(q, text)
        among = q.default.get("among") if isinstance(q.default, dict) else None
        others = list(_glob(self.doc.plain, among)) if among else list(place.siblings)
        for i, other in enumerate(others):
            if not among and i == place.index:
                continue
            if isinstance(other, dict) and other.get(q.key) == value:
                return (
                    f"« {value} » est déjà utilisé (position {i + 1}) : chaque "
                    f"{q.title.lower()} est unique."
                )
        return None

    def _convert(self, q: Question, text: str) -> Any:
        from cpts_cli.fill import validators as v

        kind = q.kind
        if q.masked and slug(text) in _MASKED_WORDS:
            return MASKED
        if kind == "date":
            return v.parse_date(text)
        if kind in ("integer", "number"):
            return v.parse_number(text)
        if kind == "value":
            number = v.parse_number(text)
            return number if number is not None else text
        if kind == "code":
            code = self._resolve_code(q, text)
            return edit.Quoted(code) if code else _MISSING
        if kind == "long_text":
            return edit.Folded(text)
        return text

    # ----------------------------------------------------------------- search (codes by name)

    def _search(self, what: str, text: str) -> list:
        from cpts_cli.referentiel import store

        kinds = (
            {store.EPCI_KIND}
            if what == "epci"
            else {store.COMMUNE_ACTUELLE, store.ARRONDISSEMENT_MUNICIPAL}
        )
        return [r for r in store.search(text, limit=30) if r.kind in kinds][:12]

    def _resolve_code(self, q: Question, entry: str) -> str | None:
        """A code typed, or a name looked up (a choice when several places match)."""
        from cpts_cli.referentiel import store

        if not q.search or _looks_like_code(entry, q.search):
            code = _clean_code(entry, q)
            self._postal_note(q, code)
            return code
        results = self._search(q.search, entry)
        exact = [r for r in results if store.normalise(r.nom) == store.normalise(entry)]
        if len(exact) == 1 or len(results) == 1:
            return (exact or results)[0].code
        choices = [(r.code, _describe(r)) for r in results]
        choices.append((None, "(aucune de celles-ci)"))
        return self.asker.ask(
            Prompt("select", f"Laquelle, pour « {entry} » ?", choices=choices, default=None)
        )

    def _postal_note(self, q: Question, code: str) -> None:
        from cpts_cli.referentiel import store

        if q.search != "commune" or not code.isdigit():
            return
        served = [c for c in store.postal_codes(code) if c != code]
        if served:
            names = ", ".join(
                f"{c.nom} ({c.code})" for c in (store.commune(x) for x in served[:3]) if c
            )
            commune = store.commune(code)
            self.asker.say(
                f"« {code} » est aussi un code postal ({names}) : le code INSEE {code} est "
                f"celui de {commune.nom if commune else '?'}. Vérifiez que c'est bien la "
                "commune voulue.",
                "warn",
            )

    def _say_territory(self, codes: list[str]) -> None:
        from cpts_cli.referentiel import store
        from cpts_cli.support.formatting import fmt_int
        from cpts_cli.territory.summary import derive

        names = []
        for code in codes:
            found = store.commune(code) if len(code) == 5 else store.epci(code)
            names.append(f"{found.nom} ({code})" if found else code)
        t = derive(self.doc.plain.get("territoire"))
        deps = ", ".join(t.departements)
        self.asker.say(
            f"Ajouté : {', '.join(names)}. Territoire : {len(t.members)} commune(s), "
            f"{fmt_int(t.population)} habitants"
            + (f", département(s) {deps}" if deps else "")
            + ".",
            "ok",
        )

    # ----------------------------------------------------------------- choices, defaults, keys

    def _choices(self, q: Question) -> list[tuple[Any, str]]:
        source = q.choices
        if source is None:
            return list(q.enum)
        if source == "territory_ars":
            from cpts_cli.territory.summary import derive

            t = derive(self.doc.plain.get("territoire"))
            return [(a.code, a.libelle) for a in t.ars]
        if source == "structures":
            items = _resolve(self.doc.plain, "/mobilisation/structures") or []
            return [
                (s["nom"], s["nom"])
                for s in items
                if isinstance(s, dict) and isinstance(s.get("nom"), str)
            ]
        if isinstance(source, dict):
            items = _resolve(self.doc.plain, source["from"]) or []
            out = []
            for item in items:
                if not isinstance(item, dict) or item.get(source["value"]) in (None, ""):
                    continue
                value = item[source["value"]]
                label = item.get(source.get("label", ""))
                out.append((value, f"{value} — {label}" if label else str(value)))
            if not out:
                self.asker.say(
                    f"« {q.title} » : rien à choisir pour l'instant ({source['from']} est vide).",
                    "info",
                )
            return out
        return []

    def _default(self, q: Question, place: Place) -> Any:
        d = q.default
        if d is None or not isinstance(d, dict):
            return d
        if "from" in d:
            value = _resolve(self.doc.plain, d["from"])
            return value if isinstance(value, str | int | float) else None
        siblings = [x for x in place.siblings if isinstance(x, dict)]
        if "slug" in d:
            base = place.item.get(d["slug"])
            if not isinstance(base, str) or not base.strip():
                return None
            text = slug(base)
            taken = {x.get(q.key) for x in siblings}
            candidate, n = text, 2
            while candidate in taken:
                candidate, n = f"{text}_{n}", n + 1
            return candidate
        if "next_id" in d:
            prefix = d["next_id"]
            pool = list(_glob(self.doc.plain, d["among"])) if d.get("among") else siblings
            numbers = [0]
            for x in pool:
                value = x.get(q.key) if isinstance(x, dict) else None
                m = re.fullmatch(re.escape(prefix) + r"(\d+)", str(value or ""))
                if m:
                    numbers.append(int(m.group(1)))
            return f"{prefix}{max(numbers) + 1}"
        if "next_number" in d:
            numbers = [x.get(q.key) for x in siblings if isinstance(x.get(q.key), int)]
            return max(numbers, default=0) + 1
        if d.get("named") == "aci_deadline":
            return self._deadline(q, place)["limit"]
        if d.get("named") == "uncovered_mission":
            uncovered = self._keys("uncovered_socle")
            return uncovered[0] if uncovered else None
        if d.get("named") == "association_form":
            from cpts_cli.checking.rules.projet_sante import LOCAL_LAW_DEPARTMENTS
            from cpts_cli.territory.summary import derive

            deps = set(derive(self.doc.plain.get("territoire")).departements)
            return "droit_local" if deps and deps <= set(LOCAL_LAW_DEPARTMENTS) else "loi_1901"
        return None

    def _deadline(self, q: Question, place: Place) -> dict:
        """The ACI's deadline for the mission a deployment month is asked for (CPTS-H009)."""
        from cpts_cli.checking.rules.engine import Context

        aci = Context(self.doc, self.today).aci
        mission = aci.missions.get(place.tokens[-2]) if len(place.tokens) > 1 else None
        figure = getattr(mission, q.key, None) if mission is not None else None
        return {
            "mission": mission.libelle if mission is not None else "?",
            "limit": getattr(figure, "valeur", None),
            "what": "démarre" if q.key == "demarrage_mois" else "est pleinement déployée",
            "version": aci.code,
        }

    def _keys(self, source: str, q: Question | None = None) -> list[str]:
        from cpts_cli.checking.rules.engine import Context

        ctx = Context(self.doc, self.today)
        socle = ctx.socle_missions
        if source == "socle":
            return list(socle)
        if source == "projet":
            missions = self.doc.plain.get("projet_sante", {}) or {}
            with_fiches = {
                m
                for m, content in (missions.get("missions") or {}).items()
                if isinstance(content, dict) and content.get("fiches_actions")
            }
            return [m for m in ctx.aci.missions if m in socle or m in with_fiches]
        if source == "uncovered_socle":
            covered = {p.get("mission") for _, p in ctx.items("/priorites/problematiques")}
            return [m for m in socle if m not in covered]
        if source == "contract_indicators":
            from cpts_cli.checking.rules.mise_en_oeuvre import contract_indicators

            return list(contract_indicators(ctx))
        return q.key_order() if q is not None else []

    def _key_labels(self, source: str) -> list[tuple[str, str]]:
        if source == "contract_indicators":
            from cpts_cli.checking.rules.engine import Context
            from cpts_cli.checking.rules.mise_en_oeuvre import contract_indicators

            found = contract_indicators(Context(self.doc, self.today))
            return [
                (k, f"Indicateur {k} — {v.get('libelle') or ''}".rstrip(" —"))
                for k, v in found.items()
            ]
        from cpts_cli.checking.schema import vocabulary

        labels = vocabulary("mission")
        return [(k, f"Mission « {labels.get(k, k)} »") for k in self._keys(source)]

    # ----------------------------------------------------------------- conditions

    def _applies(self, q: Question, ctx: dict) -> bool:
        cond = q.when
        if not cond:
            return True
        value = ctx.get(cond.get("field", ""))
        if "equals" in cond:
            return value == cond["equals"]
        if "empty" in cond:
            return (not filled(value)) == bool(cond["empty"])
        return True

    def _missing(self, q: Question, value: Any) -> bool:
        if value is _MISSING or not filled(value):
            return True
        plain = to_plain(value)
        if q.kind == "group" and isinstance(plain, dict):
            return any(
                f.required and self._applies(f, plain) and not filled(plain.get(f.key, _MISSING))
                for f in q.fields
            )
        if q.kind == "map" and isinstance(plain, dict):
            return any(not filled(plain.get(k)) for k in self._keys(q.keys or "all", q))
        return False


# --------------------------------------------------------------------------- small helpers


def _schema_tokens(tokens: list[str]) -> list[str]:
    return ["[]" if t.isdigit() else t for t in tokens]


def _ordered(item: dict, order: list[str]) -> dict:
    rank = {k: i for i, k in enumerate(order)}
    return dict(sorted(item.items(), key=lambda kv: rank.get(kv[0], len(rank))))


def _item_name(item: dict) -> str:
    for key in ("nom", "code", "id", "indicateur", "libelle", "titre", "date", "annee", "mission"):
        value = item.get(key)
        if value not in (None, ""):
            return str(value)
    return ""


def _entries(text: str) -> list[str]:
    """Codes or names separated by commas or semicolons (codes also by spaces)."""
    out: list[str] = []
    for part in re.split(r"[,;]", text or ""):
        part = part.strip()
        if not part:
            continue
        words = part.split()
        if len(words) > 1 and all(re.fullmatch(r"[0-9AaBb]{5,9}", w) for w in words):
            out.extend(words)
        else:
            out.append(part)
    return out


def _looks_like_code(text: str, search: str | None) -> bool:
    compact = "".join(text.split()).upper()
    if search == "epci":
        return compact.isdigit()
    return bool(re.fullmatch(r"[0-9]{5}|2[AB][0-9]{3}|[0-9]{2,4}", compact)) or compact.isdigit()


def _clean_code(text: str, q: Question) -> str:
    compact = "".join(text.split())
    return compact.upper() if q.validator in ("commune", "finess", "rna") else compact


def _describe(result) -> str:
    from cpts_cli.support.formatting import fmt_int

    where = f"dép. {result.departement}" if result.departement else ""
    pop = f"{fmt_int(result.population)} hab." if result.population is not None else ""
    extra = ", ".join(x for x in (where, pop) if x)
    return f"{result.nom} ({result.code}{', ' + extra if extra else ''})"


def _hint(q: Question, must: bool) -> str:
    parts = []
    if q.kind == "date":
        parts.append("AAAA-MM-JJ ou JJ/MM/AAAA")
    elif q.kind in ("integer", "number"):
        parts.append(
            "un nombre, ou « masqué » si la source cache la valeur" if q.masked else "un nombre"
        )
    if q.search:
        parts.append("code ou nom")
    if q.example is not None and q.kind in ("text", "code", "value") and not q.default:
        parts.append(f"ex. {q.example}")
    if not must:
        parts.append("Entrée vide pour passer")
    return " ; ".join(parts)


def _example(q: Question) -> str | None:
    return str(q.example) if q.example is not None else None


def _resolve(data: Any, ptr: str) -> Any:
    from cpts_cli.project.positions import resolve

    return resolve(data, ptr, None)


def _glob(data: Any, pattern: str) -> Iterator[Any]:
    """Items of the lists a pointer with ``*`` designates (``/a/*/b``: every ``b`` under ``a``)."""
    nodes = [data]
    for token in split(pattern):
        nxt = []
        for node in nodes:
            if token == "*":
                if isinstance(node, dict):
                    nxt.extend(node.values())
                elif isinstance(node, list):
                    nxt.extend(node)
            elif isinstance(node, dict) and token in node:
                nxt.append(node[token])
        nodes = nxt
    for node in nodes:
        if isinstance(node, list):
            yield from node
