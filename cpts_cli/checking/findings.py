"""The finding type, shared by every layer (YAML, schema, domain rules, cross-file checks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "erreur", "warning": "avertissement", "info": "info"}[self.value]


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, order=False)
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
        counts[f.severity] += 1
    return counts
