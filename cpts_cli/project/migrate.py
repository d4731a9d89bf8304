"""Versions of the file format, and the migrations from older ones.

``format`` is the version of the file's structure (not of the ACI rules). Each migration
takes the round-trip tree of version N and edits it in place into version N+1, so that the
user's comments survive; the tool applies them when it loads a file, and writes the result
the next time a command saves the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CURRENT_FORMAT = 1

#: version N → function turning a version-N tree into version N+1 (none yet: 1 is the first).
MIGRATIONS: dict[int, Callable[[Any], None]] = {}


def file_format(data: Any) -> int | None:
    value = data.get("format") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def migrate(data: Any, migrations: dict[int, Callable[[Any], None]] | None = None) -> list[int]:
    """Bring ``data`` up to ``CURRENT_FORMAT``; return the versions migrated from."""
    table = MIGRATIONS if migrations is None else migrations
    done: list[int] = []
    version = file_format(data)
    while version is not None and version < CURRENT_FORMAT and version in table:
        table[version](data)
        done.append(version)
        version += 1
        data["format"] = version
    return done
