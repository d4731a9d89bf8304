"""Dates for the whole tool: today's date, and month arithmetic.

``SOURCE_DATE_EPOCH`` (the reproducible-builds convention, seconds since 1970 UTC), when
set, fixes today's date: documents then carry the same date at every render, and checks that
depend on the date (elapsed contract years, tacit validation) give the same answer.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import os
import re
from typing import Any


def today() -> _dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            pass
    return _dt.date.today()


def add_months(day: _dt.date, months: int) -> _dt.date:
    """The same day ``months`` later, or the month's last day (31 January + 1 → 28/29 Feb)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return _dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def as_date(value: Any) -> _dt.date | None:
    """A date from a date or an ISO text (``2024-06-20``, ``2024-06-20T…``); else None."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


#: A month written for a plan (« 2027-03 »): the schema's form of a planned month.
MONTH_RE = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")


def as_month(value: Any) -> tuple[int, int] | None:
    """``2027-03`` → (2027, 3): a month written for a plan; anything else → None."""
    if isinstance(value, str):
        m = MONTH_RE.match(value.strip())
        if m:
            return int(m.group(1)), int(m.group(2))
    return None


def plan_bounds(value: Any) -> tuple[_dt.date, _dt.date] | None:
    """The first and last days a planned date covers: a day itself, or a whole month."""
    day = as_date(value)
    if day is not None:
        return day, day
    month = as_month(value)
    if month is None:
        return None
    year, number = month
    return _dt.date(year, number, 1), _dt.date(year, number, calendar.monthrange(year, number)[1])
