"""How a contract year's result is read: the value of that year alone, never a total since
the signature. Shared by the checks (CPTS-E008) and the variable part earned (earned.py)."""

from __future__ import annotations

import re

#: Words that say a figure counts since the start of the contract, not over one year.
CUMULATIVE_RE = re.compile(
    r"\bcumul\w*|\bdepuis (?:la signature|le (?:début|debut|démarrage|demarrage|lancement)"
    r"|l['’]origine|la création|la creation)|\bau total depuis\b|\ben tout depuis\b",
    re.IGNORECASE,
)
#: A number as written in a sentence: ``830``, ``1 370``, ``49,3``.
_NUMBER_RE = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?")


def _as_number(text: str) -> float:
    return float(re.sub(r"[ \u00a0\u202f]", "", text).replace(",", "."))


def number(value: object) -> float | None:
    """A result written as a number (not a boolean), else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def cumulative_figures(text: str) -> list[float]:
    """The figures a text gives as counted since the start: in each clause (between « , »,
    « ; », « . », parentheses), the last number written before a cumulative phrase
    (« 830 patients orientés depuis la signature » → 830)."""
    out = []
    for clause in re.split(r"[;,()]|\.(?!\d)|\n", text):
        for match in CUMULATIVE_RE.finditer(clause):
            numbers = _NUMBER_RE.findall(clause[: match.start()])
            if numbers:
                out.append(_as_number(numbers[-1]))
    return out


def cumulative_reason(result: dict, year: dict) -> str | None:
    """Why a year's result reads as a total since the start of the contract, or ``None``:
    its text or one of its proofs says so, or the year's activity gives its figure as one."""
    proofs = result.get("preuves")
    for text in [result.get("resultat"), *(proofs if isinstance(proofs, list) else [])]:
        found = CUMULATIVE_RE.search(text) if isinstance(text, str) else None
        if found:
            return f"« {found.group(0)} » dans le résultat ou ses preuves"
    value = number(result.get("resultat"))
    activity = year.get("activite") if isinstance(year.get("activite"), dict) else {}
    text = activity.get("actions")
    if value is not None and isinstance(text, str) and value in cumulative_figures(text):
        return "l'activité de l'année le présente comme un cumul"
    return None
