"""French renderings of dates and numbers, shared by the commands and the documents."""

from __future__ import annotations

import datetime as _dt

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

NARROW_NBSP = "\u202f"


def long_date(day: _dt.date, space: str = " ") -> str:
    """``2024-06-20`` → ``20 juin 2024`` (``1er`` for the first day)."""
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first}{space}{MONTHS[day.month - 1]} {day.year}"


def thousands(n: int, sep: str = NARROW_NBSP) -> str:
    """``86751`` → ``86 751``."""
    return f"{n:,}".replace(",", sep)
