"""``--debug``: whether the user asked for technical details (set once per run by the CLI).

Without it, every message is French only; with it, a message that replaces a library's own
(an unknown parser error, say) also shows the original, for a bug report.
"""

from __future__ import annotations

_enabled = False


def enabled() -> bool:
    return _enabled


def set_enabled(value: bool) -> None:
    global _enabled
    _enabled = value
