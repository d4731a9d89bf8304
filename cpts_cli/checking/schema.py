"""JSON Schema validation of a project file, every error turned into a French finding."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cpts_cli.checking.codes import define
from cpts_cli.checking.findings import Finding, capped
from cpts_cli.project.document import ProjectDocument
from cpts_cli.project.positions import pointer, resolve
from cpts_cli.support.resources import schema

S_TYPE = define(
    "CPTS-S001",
    "error",
    "Type de valeur incorrect",
    "« {label} » doit être {expected}, pas {found}.{hint}",
    """
    Chaque clé attend un type de valeur : texte, nombre, date, liste ou bloc de clés.
    Incorrect : `communes: 21231` (un nombre seul). Correct : `communes: ["21231"]`.
    Les codes (INSEE, SIREN, RPPS) s'écrivent entre guillemets pour garder les zéros initiaux.
    """,
)
S_UNKNOWN_KEY = define(
    "CPTS-S002",
    "warning",
    "Clé inconnue",
    "Clé inconnue « {key} »{hint}",
    """
    Une clé que l'outil ne connaît pas est ignorée : c'est souvent une faute de frappe.
    Incorrect : `justificaton: …`. Correct : `justification: …` (l'outil propose la clé
    connue la plus proche).
    """,
)
S_ENUM = define(
    "CPTS-S003",
    "error",
    "Valeur hors de la liste",
    "Valeur inconnue « {value} » pour « {label} »{hint} ; valeurs possibles : {choices}.",
    """
    Les professions, types de structure, missions, décisions… sont des listes fermées.
    Incorrect : `profession: médecin`. Correct : `profession: medecin_generaliste`.
    """,
)
S_FORMAT = define(
    "CPTS-S004",
    "error",
    "Format invalide",
    "Format invalide pour « {label} » : « {value} »{hint}.",
    """
    Codes et adresses ont un format fixe. Incorrect : `rna: 123`, `email: claire.martin`.
    Correct : `rna: "W211234567"`, `email: claire.martin@exemple.fr`.
    """,
)
S_DATE = define(
    "CPTS-S005",
    "error",
    "Date invalide",
    "Date invalide pour « {label} » : « {value} » ; écrivez-la sous la forme AAAA-MM-JJ{hint}.",
    """
    Les dates s'écrivent année-mois-jour. Incorrect : `date: 20/06/2024`.
    Correct : `date: 2024-06-20`.
    """,
)
S_REQUIRED = define(
    "CPTS-S006",
    "error",
    "Clé obligatoire absente",
    "« {key} » manque dans « {label} ».",
    """
    Certaines clés identifient un élément et ne peuvent pas manquer. Incorrect : un acteur
    sans `nom`. Correct : `- nom: Martin`.
    """,
)
S_RANGE = define(
    "CPTS-S007",
    "error",
    "Valeur hors limites",
    "Valeur hors limites pour « {label} » : « {value} » ({detail}).",
    """
    Montants et effectifs sont positifs, une part de variable est comprise entre 0 et 1, une
    année de contrat entre 1 et 5 ; aucun nombre ne vaut `.inf` ou `.nan` (écritures YAML de
    l'infini et de « pas un nombre »). Incorrect : `part: 75`. Correct : `part: 0.75`.
    """,
)

_TYPE_FR = {
    "string": "du texte",
    "integer": "un nombre entier",
    "number": "un nombre",
    "boolean": "« true » ou « false »",
    "array": "une liste",
    "object": "un bloc de clés",
    "null": "vide",
}


#: How a finding names the type of a value, first match (a boolean is also an int).
_TYPE_NAMES = (
    (type(None), "une valeur vide"),
    (bool, "un booléen"),
    (int, "un nombre entier"),
    (float, "un nombre"),
    (str, "du texte"),
    (list, "une liste"),
    (dict, "un bloc de clés"),
)


def _type_of(value: Any) -> str:
    return next((name for kind, name in _TYPE_NAMES if isinstance(value, kind)), "une valeur")


#: Where the shipped schema sends a key it does not know: a subschema that accepts any value
#: (an unknown key is no error, for the editor nor for check-jsonschema) and explains, on
#: hover, that cpts ignores it. ``cpts validate`` still finds these keys: it validates with
#: the strict schema, where this subschema is ``false`` again (``S_UNKNOWN_KEY``, a warning).
UNKNOWN_KEY = {"$ref": "#/$defs/cle_inconnue"}


def strict(node: Any) -> Any:
    """The schema with every ``additionalProperties`` sent to ``UNKNOWN_KEY`` set to false."""
    if isinstance(node, dict):
        return {
            key: False if key == "additionalProperties" and value == UNKNOWN_KEY else strict(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [strict(value) for value in node]
    return node


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    cls = jsonschema.Draft202012Validator
    return cls(strict(schema()), format_checker=cls.FORMAT_CHECKER)


def validate_schema(doc: ProjectDocument) -> list[Finding]:
    if not isinstance(doc.plain, dict):
        return []
    errors = _validator().iter_errors(doc.plain)
    findings = capped(f for error in errors for f in _to_findings(doc, error))
    seen = {f.path for f in findings}
    findings.extend(f for f in _non_finite(doc) if f.path not in seen)
    return findings


def _non_finite(doc: ProjectDocument) -> list[Finding]:
    """YAML's ``.inf`` and ``.nan`` are numbers to JSON Schema, never to a CPTS."""
    import math

    found: list[Finding] = []
    stack: list[tuple[Any, tuple]] = [(doc.plain, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, dict):
            stack.extend((v, (*path, k)) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(node))
        elif isinstance(node, float) and not math.isfinite(node):
            ptr = pointer(*path)
            line, col = doc.locate(ptr)
            label = (_subschema_for(list(path)) or {}).get("title") or str(path[-1] if path else "")
            found.append(
                S_RANGE.make(
                    ptr,
                    line,
                    col,
                    file=doc.name,
                    label=label,
                    value=".nan" if math.isnan(node) else ("-.inf" if node < 0 else ".inf"),
                    detail="un nombre chiffré est attendu ; .inf et .nan n'en sont pas",
                )
            )
    return sorted(found, key=Finding.sort_key)


def _label(error, path: list) -> str:
    sub = error.schema if isinstance(error.schema, dict) else {}
    title = sub.get("title")
    if not title and path:
        parent = _subschema_for(path)
        title = parent.get("title") if parent else None
    if title:
        return title
    keys = [p for p in path if isinstance(p, str)]
    return keys[-1] if keys else "fichier"


def _subschema_for(path: list) -> dict | None:
    """The schema of the property at ``path`` (following $ref, items and properties)."""
    root = schema()
    node: dict | None = root
    for token in path:
        node = _deref(node, root)
        if node is None:
            return None
        if isinstance(token, int):
            node = node.get("items")
        else:
            node = (node.get("properties") or {}).get(token)
    return _merge_ref(node, root)


def _deref(node: dict | None, root: dict) -> dict | None:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 10:
        ref = node["$ref"]
        target = resolve(root, ref[1:]) if ref.startswith("#") else None
        if not isinstance(target, dict):
            return node
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
        seen += 1
    return node


def _merge_ref(node: dict | None, root: dict) -> dict | None:
    return _deref(node, root)


def _show(value: Any) -> str:
    """The value as the user wrote it in YAML: ``true``, ``null``, ``["a"]`` — never Python's
    ``True`` or ``['a']``."""
    import json

    if isinstance(value, str):
        text = value
    elif isinstance(value, bool) or value is None or not isinstance(value, int | float):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = str(value)
    text = " ".join(str(text).split())
    return text if len(text) <= 60 else text[:57] + "…"


def _examples_hint(sub: dict | None) -> str:
    if not sub:
        return ""
    examples = sub.get("examples") or []
    if examples and isinstance(examples[0], (str, int, float)):
        return f" (exemple : « {examples[0]} »)"
    return ""


def _raw_token(doc: ProjectDocument, ptr: str) -> str | None:
    """The value as written in the file (``01001`` before YAML turned it into 1001)."""
    line, col = doc.locate_value(ptr)
    lines = doc.text.split("\n")
    if not 0 < line <= len(lines):
        return None
    rest = lines[line - 1][col - 1 :]
    token = re.split(r"[#,\]}]", rest, maxsplit=1)[0].strip()
    if token.startswith("- "):
        token = token[2:].strip()
    return token or None


@dataclass
class _Error:
    """One jsonschema error, where it is in the file, and how to make a finding there."""

    doc: ProjectDocument
    error: Any
    path: list
    ptr: str
    line: int
    column: int
    label: str

    @property
    def value(self) -> Any:
        return self.error.instance

    @property
    def expected(self) -> Any:
        return self.error.validator_value

    def make(self, code, **values) -> Finding:
        return code.make(self.ptr, self.line, self.column, file=self.doc.name, **values)


def _to_findings(doc: ProjectDocument, error) -> Iterable[Finding]:
    path = list(error.absolute_path)
    ptr = pointer(*path)
    line, column = doc.locate(ptr)
    at = _Error(doc, error, path, ptr, line, column, _label(error, path))
    return _TRANSLATE.get(error.validator, _other)(at)


_SUGGESTED_KEYS = 500


def _unknown_keys(at: _Error) -> Iterator[Finding]:
    allowed = list((at.error.schema.get("properties") or {}).keys())
    extras = [k for k in at.value if k not in allowed] if isinstance(at.value, dict) else []
    for n, key in enumerate(extras):
        # Suggestions for the first keys only: past a few hundred unknown keys nobody reads
        # them, and looking for them made a file of 100 000 keys take seconds more.
        close = (
            difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            if n < _SUGGESTED_KEYS
            else None
        )
        if close:
            hint = f" : vouliez-vous dire « {close[0]} » ?"
        else:
            shown = ", ".join(allowed[:12]) + (" …" if len(allowed) > 12 else "")
            hint = f" (clés possibles ici : {shown})."
        key_ptr = pointer(*at.path, key)
        line, col = at.doc.locate(key_ptr)
        yield S_UNKNOWN_KEY.make(key_ptr, line, col, file=at.doc.name, key=key, hint=hint)


def _wrong_type(at: _Error) -> list[Finding]:
    value = at.value
    expected_list = at.expected if isinstance(at.expected, list) else [at.expected]
    hint = ""
    if (
        "string" in expected_list
        and isinstance(value, (int, float))
        and not isinstance(value, bool)
    ):
        raw = _raw_token(at.doc, at.ptr) or str(value)
        hint = f' Écrivez-le entre guillemets : "{raw}".'
    elif "array" in expected_list and isinstance(value, (str, int, float)):
        hint = f' Écrivez une liste, par exemple : ["{value}"].'
    found = f"{_type_of(value)} « {_show(value)} »" if value is not None else _type_of(value)
    return [
        at.make(
            S_TYPE,
            label=at.label,
            expected=" ou ".join(_TYPE_FR.get(t, t) for t in expected_list),
            found=found,
            hint=hint,
        )
    ]


def _not_in_list(at: _Error) -> list[Finding]:
    choices = [str(c) for c in at.expected]
    wanted = _norm(str(at.value))
    close = [c for c in choices if c.startswith(wanted)] or difflib.get_close_matches(
        wanted, choices, n=1, cutoff=0.5
    )
    hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
    shown = ", ".join(choices[:15]) + (" …" if len(choices) > 15 else "")
    return [at.make(S_ENUM, value=_show(at.value), label=at.label, hint=hint, choices=shown)]


def _not_the_constant(at: _Error) -> list[Finding]:
    return [
        at.make(S_ENUM, value=_show(at.value), label=at.label, hint="", choices=str(at.expected))
    ]


def _bad_format(at: _Error) -> list[Finding]:
    if at.expected == "date":
        guess = _guess_date(at.value)
        hint = f", par exemple « {guess} »" if guess else ""
        return [at.make(S_DATE, label=at.label, value=_show(at.value), hint=hint)]
    return _bad_pattern(at)


def _bad_pattern(at: _Error) -> list[Finding]:
    hint = _examples_hint(_subschema_for(at.path))
    return [at.make(S_FORMAT, label=at.label, value=_show(at.value), hint=hint)]


def _missing_key(at: _Error) -> list[Finding]:
    message = at.error.message
    missing = message.split("'")[1] if "'" in message else "?"
    return [at.make(S_REQUIRED, key=missing, label=at.label)]


_BOUND_WORDS = {
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "strictement plus de",
    "exclusiveMaximum": "strictement moins de",
}
_SIZE_WORDS = {
    "minItems": "au moins {}",
    "maxItems": "au plus {}",
    "minLength": "le texte ne peut pas être vide",
    "maxLength": "au plus {} caractères",
    "uniqueItems": "les éléments doivent être tous différents",
}


def _out_of_bounds(at: _Error) -> list[Finding]:
    import math

    from cpts_cli.support.formatting import fmt_int

    if isinstance(at.value, float) and not math.isfinite(at.value):
        return []  # .inf and .nan have their own finding (_non_finite, or the type's)
    bound = at.expected
    bound = fmt_int(bound) if isinstance(bound, int) and not isinstance(bound, bool) else bound
    detail = f"{_BOUND_WORDS[at.error.validator]} {bound}"
    return [at.make(S_RANGE, label=at.label, value=_show(at.value), detail=detail)]


def _wrong_size(at: _Error) -> list[Finding]:
    from cpts_cli.support.formatting import counted

    kind = at.error.validator
    size = counted(at.expected, "élément") if kind in ("minItems", "maxItems") else at.expected
    detail = _SIZE_WORDS[kind].format(size)
    return [at.make(S_RANGE, label=at.label, value=_show(at.value), detail=detail)]


def _other(at: _Error) -> list[Finding]:
    """anyOf / oneOf / others: the most specific sub-error when there is one. A planned date
    (a day or a month, ``$defs/date_ou_mois``) says both forms."""
    options = at.error.validator_value if at.error.validator == "anyOf" else []
    if any(isinstance(o, dict) and o.get("format") == "date" for o in options or []):
        guess = _guess_date(at.value)
        hint = f", par exemple « {guess} »" if guess else ""
        hint += " ; ou un mois : AAAA-MM (« 2027-03 »)"
        return [at.make(S_DATE, label=at.label, value=_show(at.value), hint=hint)]
    if at.error.context:
        best = min(at.error.context, key=lambda e: (len(e.schema_path), str(e.message)))
        return _to_findings(at.doc, best)
    return [at.make(S_FORMAT, label=at.label, value=_show(at.value), hint="")]


#: jsonschema validator name → the French finding(s) for one of its errors.
_TRANSLATE = {
    "additionalProperties": _unknown_keys,
    "type": _wrong_type,
    "enum": _not_in_list,
    "const": _not_the_constant,
    "format": _bad_format,
    "pattern": _bad_pattern,
    "required": _missing_key,
    **dict.fromkeys(_BOUND_WORDS, _out_of_bounds),
    **dict.fromkeys(_SIZE_WORDS, _wrong_size),
}


def _norm(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower().replace(" ", "_").replace("-", "_").replace("'", "_")


def _guess_date(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    m = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", value)
    if m:
        d, mth, y = m.groups()
    else:
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", value)
        if not m:
            return None
        y, mth, d = m.groups()
    import datetime

    try:
        return datetime.date(int(y), int(mth), int(d)).isoformat()
    except ValueError:
        return None


def vocabulary(name: str) -> dict[str, str]:
    """A vocabulary of the schema (``$defs/<name>``) as value → French label."""
    node = schema()["$defs"][name]
    return dict(zip(node["enum"], node.get("enumDescriptions", node["enum"]), strict=False))


def vocabulary_extra(name: str, key: str) -> dict:
    return dict(schema()["$defs"][name].get(key, {}))
