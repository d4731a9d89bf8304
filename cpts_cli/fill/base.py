"""What the parts of ``cpts fill`` share: the answers' markers (``SKIP``, ``MASKED``), the
``Prompt`` handed to the asker, the ``Place`` a value goes, and small helpers."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from cpts_cli.fill.spec import Question
from cpts_cli.project.document import to_plain
from cpts_cli.project.positions import split


class _Skip:
    def __repr__(self) -> str:
        return "SKIP"


#: An answer left empty: nothing is written.
SKIP: Any = _Skip()
#: « masqué » given for a number the source hides: null, and the ``masked`` key set to true.
MASKED: Any = _Skip()
MASKED_WORDS = {"masque", "masquee", "secret", "cache", "cachee"}
MISSING: Any = object()
SKIP_LABEL = "(passer pour l'instant)"
#: A person not among those the file knows: typed at the next prompt.
OTHER: Any = _Skip()
OTHER_LABEL = "autre (saisir)"
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


def filled(value: Any) -> bool:
    from cpts_cli.checking.rules.engine import filled as rule_filled

    return rule_filled(to_plain(value) if value is not MISSING else None)


def slug(text: str, limit: int = 40) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if len(text) > limit:
        cut = text[: limit + 1].rfind("_")
        text = text[: cut if cut > 0 else limit]
    return text.rstrip("_") or "indicateur"


def under(path: str, base: str) -> bool:
    return path == base or path.startswith(base + "/")


def schema_tokens(tokens: list[str]) -> list[str]:
    return ["[]" if t.isdigit() else t for t in tokens]


def ordered(item: dict, order: list[str]) -> dict:
    rank = {k: i for i, k in enumerate(order)}
    return dict(sorted(item.items(), key=lambda kv: rank.get(kv[0], len(rank))))


def item_name(item: dict) -> str:
    for key in ("nom", "code", "id", "indicateur", "libelle", "titre", "date", "annee", "mission"):
        value = item.get(key)
        if value not in (None, ""):
            return str(value)
    return ""


def entries(text: str) -> list[str]:
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


def looks_like_code(text: str, search: str | None) -> bool:
    compact = "".join(text.split()).upper()
    if search == "epci":
        return compact.isdigit()
    return bool(re.fullmatch(r"[0-9]{5}|2[AB][0-9]{3}|[0-9]{2,4}", compact)) or compact.isdigit()


def clean_code(text: str, q: Question) -> str:
    compact = "".join(text.split())
    return compact.upper() if q.validator in ("commune", "finess", "rna") else compact


def describe(result) -> str:
    from cpts_cli.support.formatting import fmt_int

    where = f"dép. {result.departement}" if result.departement else ""
    pop = f"{fmt_int(result.population)} hab." if result.population is not None else ""
    extra = ", ".join(x for x in (where, pop) if x)
    return f"{result.nom} ({result.code}{', ' + extra if extra else ''})"


def answer_hint(q: Question, must: bool, example: str | None = None) -> str:
    """How to answer ``q``; ``example`` replaces the schema's (a commune of the project's own
    territory rather than one of the worked example's)."""
    parts = []
    if q.kind == "date":
        parts.append("AAAA-MM-JJ ou JJ/MM/AAAA")
    elif q.kind == "month":
        parts.append("un jour, AAAA-MM-JJ ou JJ/MM/AAAA, ou un mois : mars 2027, 03/2027")
    elif q.kind in ("integer", "number"):
        parts.append(
            "un nombre, ou « masqué » si la source cache la valeur" if q.masked else "un nombre"
        )
    if q.search:
        parts.append("code ou nom")
    if example is None and q.example is not None:
        example = str(q.example)
    if example is not None and q.kind in ("text", "code", "value") and not q.default:
        parts.append(f"ex. {example}")
    if not must:
        parts.append("Entrée vide pour passer")
    return " ; ".join(parts)


def example_text(q: Question) -> str | None:
    return str(q.example) if q.example is not None else None


def resolve_pointer(data: Any, ptr: str) -> Any:
    from cpts_cli.project.positions import resolve

    return resolve(data, ptr, None)


def glob_items(data: Any, pattern: str) -> Iterator[Any]:
    """Items of the lists a pointer with ``*`` designates (``/a/*/b``: every ``b`` under ``a``;
    ``[]`` for the items of a list reads the same)."""
    nodes = [data]
    for token in split(pattern):
        nxt = []
        for node in nodes:
            if token in ("*", "[]"):
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
