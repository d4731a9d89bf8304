"""Today's date for the whole tool.

``SOURCE_DATE_EPOCH`` (the reproducible-builds convention, seconds since 1970 UTC), when
set, fixes it: documents then carry the same date at every render, and checks that depend on
the date (elapsed contract years, tacit validation) give the same answer.
"""

from __future__ import annotations

import datetime as _dt
import os


def today() -> _dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).date()
        except (ValueError, OverflowError, OSError):
            pass
    return _dt.date.today()
