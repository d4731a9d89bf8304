"""The bounds of a project file, checked before anything is built from it.

A project file is some 100 KB, 4 000 values, 9 levels deep (the worked example with its
imported diagnostic); the worked examples made 60 times larger still fit. Beyond these
bounds a file is not a project file (an export, a generated or hostile file), and reading it
could cost time and memory without end: it is refused with a finding before any value is
built from it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

#: A project file is a few hundred kilobytes at most; beyond this, it is not one.
MAX_BYTES = 8 * 1024 * 1024
#: Levels of lists and tables nested in one another, block (indented) or flow (``[``, ``{``).
MAX_DEPTH = 64
#: Values in the file: every key, every value and every list item (the worked example has
#: 4 000; the same file 60 times larger, 240 000).
MAX_NODES = 300_000
#: Below this nesting, the composer (recursive, in C) is safe and the depth is counted on
#: its nodes; above, the parser's events are counted first (iteratively, whatever the depth).
_SAFE_COMPOSE_DEPTH = 1000

#: The indentation of a line and its block indicators (« - », « ? », « : »): a block list or
#: table begins no further right than this, and each two levels of nesting move one column.
_BLOCK_PREFIX = re.compile(r"^[ \t?:-]*", re.MULTILINE)


@dataclass(frozen=True)
class Excess:
    """The first place where the file goes beyond a bound."""

    kind: str  # "depth" | "nodes"
    line: int
    column: int


def may_exceed(text: str) -> bool:
    """Whether ``text`` could go beyond a bound (cheap, never wrong the other way): if not,
    the file is composed directly and only its depth is checked, on the nodes."""
    if 2 * len(text) + 2 > MAX_NODES:
        return True
    flow = text.count("[") + text.count("{")
    if flow > _SAFE_COMPOSE_DEPTH:
        return True
    block = max((len(m) for m in _BLOCK_PREFIX.findall(text)), default=0)
    return 2 * block + 2 + flow > _SAFE_COMPOSE_DEPTH


def first_excess(text: str) -> Excess | None:
    """Count nesting and values on the parser's events (iterative, whatever the depth),
    stopping at the first one beyond a bound. A syntax error ends the count: loading the
    file reports it."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        ScalarEvent,
    )

    depth = 0
    nodes = 0
    try:
        for event in YAML(typ="safe").parse(io.StringIO(text)):
            if isinstance(event, CollectionEndEvent):
                depth -= 1
                continue
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return _at("depth", event)
            elif not isinstance(event, ScalarEvent | AliasEvent):
                continue  # stream and document events
            nodes += 1
            if nodes > MAX_NODES:
                return _at("nodes", event)
    except YAMLError:
        return None
    return None


def _at(kind: str, event) -> Excess:
    mark = event.start_mark
    return Excess(kind, mark.line + 1, mark.column + 1)
