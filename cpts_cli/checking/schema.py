"""JSON Schema validation of a project file, every error turned into a French finding."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from typing import Any

from cpts_cli.checking.codes import define
from cpts_cli.checking.findings import Finding
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


def _type_of(value: Any) -> str:
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int):
        return "un nombre entier"
    if isinstance(value, float):
        return "un nombre"
    if isinstance(value, str):
        return "du texte"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "un bloc de clés"
    return "une valeur"


@lru_cache(maxsize=1)
def _validator():
    import jsonschema

    cls = jsonschema.Draft202012Validator
    return cls(schema(), format_checker=cls.FORMAT_CHECKER)


def validate_schema(doc: ProjectDocument) -> list[Finding]:
    if not isinstance(doc.plain, dict):
        return []
    findings: list[Finding] = []
    for error in _validator().iter_errors(doc.plain):
        findings.extend(_to_findings(doc, error))
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
    text = (
        value
        if isinstance(value, str)
        else repr(value)
        if not isinstance(value, (int, float))
        else str(value)
    )
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


def _to_findings(doc: ProjectDocument, error) -> list[Finding]:
    path = list(error.absolute_path)
    ptr = pointer(*path)
    kind = error.validator
    value = error.instance
    file = doc.name

    def at(p: str = ptr):
        return doc.locate(p)

    if kind == "additionalProperties":
        allowed = list((error.schema.get("properties") or {}).keys())
        out = []
        extras = [k for k in value if k not in allowed] if isinstance(value, dict) else []
        for key in extras:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            if close:
                hint = f" : vouliez-vous dire « {close[0]} » ?"
            else:
                shown = ", ".join(allowed[:12]) + (" …" if len(allowed) > 12 else "")
                hint = f" (clés possibles ici : {shown})."
            key_ptr = pointer(*path, key)
            line, col = at(key_ptr)
            out.append(S_UNKNOWN_KEY.make(key_ptr, line, col, file=file, key=key, hint=hint))
        return out
    line, col = at()
    label = _label(error, path)
    if kind == "type":
        expected = error.validator_value
        expected_list = expected if isinstance(expected, list) else [expected]
        expected_fr = " ou ".join(_TYPE_FR.get(t, t) for t in expected_list)
        hint = ""
        if (
            "string" in expected_list
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            raw = _raw_token(doc, ptr) or str(value)
            hint = f' Écrivez-le entre guillemets : "{raw}".'
        elif "array" in expected_list and isinstance(value, (str, int, float)):
            hint = f' Écrivez une liste, par exemple : ["{value}"].'
        return [
            S_TYPE.make(
                ptr,
                line,
                col,
                file=file,
                label=label,
                expected=expected_fr,
                found=f"{_type_of(value)} « {_show(value)} »"
                if value is not None
                else _type_of(value),
                hint=hint,
            )
        ]
    if kind == "enum":
        choices = [str(c) for c in error.validator_value]
        wanted = _norm(str(value))
        close = [c for c in choices if c.startswith(wanted)] or difflib.get_close_matches(
            wanted, choices, n=1, cutoff=0.5
        )
        hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
        shown = ", ".join(choices[:15]) + (" …" if len(choices) > 15 else "")
        return [
            S_ENUM.make(
                ptr, line, col, file=file, value=_show(value), label=label, hint=hint, choices=shown
            )
        ]
    if kind == "format" and error.validator_value == "date":
        hint = ""
        guess = _guess_date(value)
        if guess:
            hint = f", par exemple « {guess} »"
        return [S_DATE.make(ptr, line, col, file=file, label=label, value=_show(value), hint=hint)]
    if kind in ("pattern", "format"):
        sub = _subschema_for(path)
        return [
            S_FORMAT.make(
                ptr, line, col, file=file, label=label, value=_show(value), hint=_examples_hint(sub)
            )
        ]
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return [S_REQUIRED.make(ptr, line, col, file=file, key=missing, label=label)]
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {
            "minimum": "minimum",
            "maximum": "maximum",
            "exclusiveMinimum": "strictement plus de",
            "exclusiveMaximum": "strictement moins de",
        }
        detail = f"{words[kind]} {error.validator_value}"
        return [
            S_RANGE.make(ptr, line, col, file=file, label=label, value=_show(value), detail=detail)
        ]
    if kind in ("minItems", "maxItems", "minLength", "maxLength", "uniqueItems"):
        details = {
            "minItems": f"au moins {error.validator_value} élément(s)",
            "maxItems": f"au plus {error.validator_value} élément(s)",
            "minLength": "le texte ne peut pas être vide",
            "maxLength": f"au plus {error.validator_value} caractères",
            "uniqueItems": "les éléments doivent être tous différents",
        }
        return [
            S_RANGE.make(
                ptr, line, col, file=file, label=label, value=_show(value), detail=details[kind]
            )
        ]
    if kind in ("const",):
        return [
            S_ENUM.make(
                ptr,
                line,
                col,
                file=file,
                value=_show(value),
                label=label,
                hint="",
                choices=str(error.validator_value),
            )
        ]
    # anyOf / oneOf / others: report the most specific sub-error when there is one.
    if error.context:
        best = min(error.context, key=lambda e: (len(e.schema_path), str(e.message)))
        return _to_findings(doc, best)
    return [S_FORMAT.make(ptr, line, col, file=file, label=label, value=_show(value), hint="")]


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
