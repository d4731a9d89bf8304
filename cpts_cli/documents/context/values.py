"""The user's values made plain and complete for the templates: text as written (``text``),
numbers (``number``), mappings and lists that are always there (``mapping``, ``mappings``),
dates, vocabulary labels. Every section of the context reads the project through these, so
that a wrong type anywhere in the file gives an empty field, never an error."""

from __future__ import annotations

import datetime as _dt
import unicodedata
from typing import Any


def text(value: Any) -> str | None:
    """Text the user wrote (numbers shown as written), or None."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    text = str(value)
    return text if text.strip() else None


def number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def scalar(value: Any) -> Any:
    """A number stays a number, anything else becomes text (or None)."""
    n = number(value)
    return n if n is not None else text(value)


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def mappings(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def expense_lines(value: Any) -> list[dict]:
    """``[{poste, montant}]`` as written: the projet de santé's budget, a year's spending."""
    return [
        {"poste": text(item.get("poste")), "montant": number(item.get("montant"))}
        for item in mappings(value)
    ]


def texts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [s for s in (text(v) for v in value) if s is not None]
    single = text(value)
    return [single] if single else []


def date(value: Any) -> str | None:
    """An ISO date string when the value is a valid date, else the text as written."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    return text(value)


def as_date(value: Any) -> _dt.date | None:
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def sort_key_fr(text: str | None) -> tuple:
    base = unicodedata.normalize("NFKD", text or "")
    base = "".join(c for c in base if not unicodedata.combining(c)).casefold()
    return (base, text or "")


def label(vocab: dict[str, str], code: Any) -> str | None:
    """The French label of a vocabulary value, or the value as written when unknown."""
    if code is None:
        return None
    if isinstance(code, str) and code in vocab:
        return vocab[code]
    return text(code)


def figure(fig) -> dict | None:
    """An ACI data figure with its provenance."""
    if fig is None:
        return None
    return {
        "valeur": fig.valeur,
        "lectures": list(fig.lectures),
        "statut": fig.statut,
        "source": fig.source,
        "date": fig.date,
        "note": fig.note,
        "url": fig.url,
        "publie": fig.published,
    }


def slug(text: str) -> str:
    base = unicodedata.normalize("NFKD", str(text))
    base = "".join(c for c in base if not unicodedata.combining(c)).lower()
    out = []
    for ch in base:
        out.append(ch if ch.isascii() and ch.isalnum() else "-")
    slug = "-".join(part for part in "".join(out).split("-") if part)
    return slug[:60] or "x"
