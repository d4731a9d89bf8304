"""Asking ``cpts fill``'s questions one value at a time: a typed answer, a choice, several
codes or sentences; their checks, and codes found by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cpts_cli.fill.base import (
    MASKED,
    NONE_LABEL,
    OTHER,
    OTHER_LABEL,
    SKIP,
    SKIP_LABEL,
    Place,
    Prompt,
    slug,
)
from cpts_cli.fill.base import MASKED_WORDS as _MASKED_WORDS
from cpts_cli.fill.base import MISSING as _MISSING
from cpts_cli.fill.base import answer_hint as _hint
from cpts_cli.fill.base import clean_code as _clean_code
from cpts_cli.fill.base import describe as _describe
from cpts_cli.fill.base import entries as _entries
from cpts_cli.fill.base import example_text as _example
from cpts_cli.fill.base import glob_items as _glob
from cpts_cli.fill.base import looks_like_code as _looks_like_code
from cpts_cli.fill.spec import Question
from cpts_cli.project import edit


class ScalarAsker:
    """One prompt, one value: asked, checked, converted. Part of ``Filler``."""

    def _ask_scalar(self, q: Question, place: Place, strict: bool = False) -> Any:
        """One prompt for one value. ``strict`` (a new element): a required answer is due."""
        must = strict and q.required
        kind = q.kind
        default = self._default(q, place)
        if kind == "person":
            picked = self._ask_person(q, place, default, must, strict)
            if picked is not OTHER:
                return picked
            default = None  # « autre (saisir) »: typed below, checked like any text
        elif kind in ("choice", "multi_choice", "boolean"):
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
                    hint=_hint(q, must, self._own_example(q)),
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

    def _ask_person(self, q: Question, place: Place, default: Any, must: bool, strict: bool):
        """One of the people the file knows, « autre (saisir) », or nothing.

        In a list of unique names (signataires), the people already given are not offered
        again; the proposal is never one of them."""
        from cpts_cli.fill.context import _person_key

        taken = set()
        if q.unique:
            taken = {
                _person_key(str(x.get(q.key)))
                for i, x in enumerate(place.siblings)
                if isinstance(x, dict) and i != place.index and isinstance(x.get(q.key), str)
            }
        choices: list = [
            (n, label) for n, label, _ in self._people() if _person_key(n) not in taken
        ]
        if not choices:
            return OTHER
        choices.append((OTHER, OTHER_LABEL))
        if not must:
            choices.append((SKIP, NONE_LABEL if strict else SKIP_LABEL))
        if default is not None and not any(v == default for v, _ in choices):
            default = None
        return self.asker.ask(
            Prompt("select", q.title, help=q.help, default=default, choices=choices)
        )

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
                out.append(_code_value(code, q))
        return out

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
            if kind == "month":
                return v.check_plan_date(text, label)
            if kind in ("integer", "number"):
                problem = v.check_number(text, label, integer=kind == "integer")
                if problem:
                    return problem
                problem = v.check_range(_number(text, q), label, q.minimum, q.maximum)
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

    def _own_example(self, q: Question) -> str | None:
        """For a commune, one of the project's own (« Annecy ou 74010 »), not the worked
        example's; ``None`` keeps the schema's example."""
        if q.search != "commune":
            return None
        from cpts_cli.referentiel import store

        territory = self.doc.plain.get("territoire")
        codes = territory.get("communes") if isinstance(territory, dict) else None
        for code in codes if isinstance(codes, list) else []:
            commune = store.commune(str(code)) if isinstance(code, str) else None
            if commune is not None:
                return f"{commune.nom} ou {commune.code}"
        return None

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
        if kind == "month":
            return v.parse_plan_date(text)
        if kind in ("integer", "number"):
            return _number(text, q)
        if kind == "value":
            number = v.parse_number(text)
            return number if number is not None else text
        if kind == "code":
            code = self._resolve_code(q, text)
            return _code_value(code, q) if code else _MISSING
        if kind == "long_text":
            return edit.Folded(text)
        return text

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
        from cpts_cli.support.formatting import counted
        from cpts_cli.territory.summary import derive

        names = []
        for code in codes:
            found = store.commune(code) if len(code) == 5 else store.epci(code)
            names.append(f"{found.nom} ({code})" if found else code)
        t = derive(self.doc.plain.get("territoire"))
        parts = [counted(len(t.counted), "commune")]
        if t.population is not None:
            parts.append(counted(t.population, "habitant"))
        if t.departements:
            word = "département" if len(t.departements) == 1 else "départements"
            parts.append(f"{word} {', '.join(t.departements)}")
        self.asker.say(f"Ajouté : {', '.join(names)}. Territoire : {', '.join(parts)}.", "ok")


def _code_value(code: str, q: Question):
    """A code to write: a commune's or an EPCI's carries its name as a comment."""
    if q.search in ("commune", "epci"):
        return edit.named_code(code, q.search)
    return edit.Quoted(code)


def _number(text: str, q: Question):
    """A number typed; for a share between 0 and 1, « 25 % » is 0.25."""
    from cpts_cli.fill import validators as v

    value = v.parse_number(text)
    if value is not None and "%" in text and q.minimum == 0 and q.maximum == 1:
        share = round(value / 100, 6)
        return int(share) if share.is_integer() else share
    return value
