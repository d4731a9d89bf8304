"""The finding type, shared by every layer (YAML, schema, domain rules, cross-file checks)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import Enum

from cpts_cli.support.formatting import counted


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "erreur", "warning": "avertissement", "info": "info"}[self.value]


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, order=False, slots=True)
class Finding:
    """One problem found in a project file.

    ``path`` is a JSON pointer into the document; ``line`` and ``column`` are 1-based and
    point at the offending key or item (0 when the file could not be positioned at all).
    """

    severity: Severity
    code: str
    path: str
    line: int
    column: int
    message: str
    file: str = field(default="", compare=True)
    step: str | None = field(default=None, compare=False)
    # Findings of the same code beyond FINDINGS_PER_CODE, counted here and not detailed.
    repeats: int = field(default=0, compare=False)

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.path, self.message)

    def to_dict(self) -> dict:
        """The finding as ``--format json`` prints it (French keys, ``docs/json.md``)."""
        return {
            "gravite": self.severity.label,
            "code": self.code,
            "chemin": self.path,
            "ligne": self.line,
            "colonne": self.column,
            "message": self.message,
            **({"autres": self.repeats} if self.repeats else {}),
        }


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Sorted by file, line, column, code; the same finding reported twice is kept once."""
    seen: set[tuple] = set()
    unique = []
    for f in findings:
        key = (f.code, f.path, f.line, f.column, f.message)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return sorted(unique, key=Finding.sort_key)


def count_by_severity(findings: list[Finding]) -> dict[Severity, int]:
    counts = {s: 0 for s in Severity}
    for f in findings:
        counts[f.severity] += 1 + f.repeats
    return counts


# A real project gets a few dozen findings of a code; thousands mean a generated or hostile
# file, whose every finding would cost memory and a line nobody reads (as a compiler stops
# after so many errors). The count stays exact.
FINDINGS_PER_CODE = 2000


def capped(findings: Iterable[Finding], limit: int = FINDINGS_PER_CODE) -> list[Finding]:
    """The first ``limit`` findings of each code, then one that stands for the rest of them
    (its ``repeats``), said in its message. Consumes ``findings`` lazily: the ones left out
    are never kept."""
    kept: list[Finding] = []
    seen: dict[str, int] = {}
    first_left_out: dict[str, Finding] = {}
    for f in findings:
        n = seen.get(f.code, 0)
        seen[f.code] = n + 1
        if n < limit:
            kept.append(f)
        elif n == limit:
            first_left_out[f.code] = f
    for code, f in first_left_out.items():
        more = seen[code] - limit - 1
        if more:
            others = counted(more, "autre constat", "autres constats")
            note = (
                f" (et {others} {code} dans ce fichier, non détaillés : corrigez ceux qui "
                "le sont et relancez)."
            )
            f = replace(f, message=f.message.rstrip(".") + note, repeats=more)
        kept.append(f)
    return kept
