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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cpts_cli.checking.check import FileReport, check_document
from cpts_cli.checking.findings import Finding, Severity
from cpts_cli.fill.base import MASKED, SKIP, SKIP_LABEL, Asker, Place, Prompt, filled
from cpts_cli.fill.base import MISSING as _MISSING
from cpts_cli.fill.base import item_name as _item_name
from cpts_cli.fill.base import ordered as _ordered
from cpts_cli.fill.base import schema_tokens as _schema_tokens
from cpts_cli.fill.base import under as _under
from cpts_cli.fill.context import ProjectContext
from cpts_cli.fill.scalars import ScalarAsker
from cpts_cli.fill.spec import Question, property_order, questions, walk
from cpts_cli.fill.tree import TreeEdits
from cpts_cli.project import edit
from cpts_cli.project.document import ProjectDocument, to_plain
from cpts_cli.project.positions import pointer, split
from cpts_cli.support.formatting import counted
from cpts_cli.workflow.steps import STEP_BY_ID, Step


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


class Filler(TreeEdits, ScalarAsker, ProjectContext):
    """Asks for what a step misses and writes the answers; reading and writing the tree
    (``TreeEdits``), asking one value (``ScalarAsker``) and what the project offers to
    choose from (``ProjectContext``) are its parts, each in its module."""

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
                f"{counted(len(state.missing), 'point')} à compléter. Chaque réponse est enregistrée "
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
            # The option chosen says what the list holds (« L'ARS a rendu sa décision »):
            # its first element is asked at once, not « Ajouter une décision ? ».
            self._fill(q, Place(split(q.at)), thorough=True, implied=True)
            return
        self._fill(q, Place(split(q.at)), thorough=True)

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

    def _fill(
        self, q: Question, place: Place, thorough: bool = False, implied: bool = False
    ) -> None:
        """Complete the value of ``q`` at ``place`` in the file, asking what it misses.

        ``implied``: the previous answer says the list has content (an alternative chosen):
        an empty list gets its first element without « Ajouter … ? »."""
        kind = q.kind
        if kind == "list":
            self._fill_list(q, place.tokens, thorough, implied)
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

    def _fill_list(
        self, q: Question, tokens: list[str], thorough: bool, implied: bool = False
    ) -> None:
        about_list = bool(self._about_list(q, tokens))
        seq = self._node(tokens)
        for i, item in enumerate(list(seq) if isinstance(seq, list) else []):
            if isinstance(item, dict) and self._under([*tokens, str(i)]):
                self._complete_item(q, tokens, i)
        if q.keyed:
            self._add_keyed(q, tokens)
        elif about_list or not filled(self._node(tokens)):
            self._add_items(q, tokens, thorough, implied)

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

    def _add_items(
        self, q: Question, tokens: list[str], thorough: bool, implied: bool = False
    ) -> None:
        """New elements, one at a time, each written when complete ("Ajouter un autre ?")."""
        added = 0
        while True:
            existing = self._node(tokens)
            siblings = self._plain(tokens) or []
            n = len(siblings) if isinstance(siblings, list) else 0
            if n == 0 and ((not thorough and q.required) or (implied and not added)):
                # A required list inside an element, or a list the previous answer says has
                # content: its first item is asked without « Ajouter … ? ».
                want = True
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
        present = [x.get(key_field) for x in self._plain(tokens) or [] if isinstance(x, dict)]
        keys = self._key_labels(q.keyed["keys"])
        keys += self._optional_keys(q, [*present, *(k for k, _ in keys)])
        for key, label in keys:
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
                keys = self._key_labels(q.keyed["keys"])
                for key, label in keys + self._optional_keys(q, [k for k, _ in keys]):
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
            self._announce(f, item)
            answer = self._build(f, sub)
            if answer is MASKED:
                item[f.key] = None
                item[f.masked] = True
            elif answer is not SKIP:
                item[f.key] = answer
        return _ordered(item, property_order(_schema_tokens(place.tokens)))
