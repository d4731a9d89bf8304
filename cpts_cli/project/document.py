"""A project file in memory: its bytes as read, its round-trip tree, and what loading found."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpts_cli.checking.findings import Finding


@dataclass
class ProjectDocument:
    """One loaded project file.

    ``data`` is the ruamel.yaml round-trip tree (``None`` when the file could not be
    parsed); ``plain`` is the same content as plain JSON-like Python values (dates as ISO
    strings), which the schema and the rules read.
    """

    path: Path | None
    name: str
    raw: bytes
    text: str
    plain: Any = None
    findings: list[Finding] = field(default_factory=list)
    bom: bool = False
    crlf: bool = False
    #: ``False`` when loading found something that makes a rewrite unsafe (duplicate keys,
    #: aliases): commands that edit refuse, validation goes on.
    editable: bool = True
    #: ``False`` when the file could not be parsed into a mapping at all (exit code 2).
    parsed: bool = True

    #: JSON pointer → 1-based (line, column) of the key or item; and of the value itself.
    positions: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    value_positions: dict[str, tuple[int, int]] = field(default_factory=dict, repr=False)
    _data: Any = field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @property
    def data(self) -> Any:
        """The ruamel.yaml round-trip tree, built on first use.

        Checking reads ``plain`` and ``positions`` (from the fast C parser when available);
        only commands that edit the file need this slower, comment-keeping tree.
        """
        if self._data is None and self.parsed and self.text:
            from cpts_cli.project.yamlio import new_yaml

            yaml = new_yaml()
            yaml.allow_duplicate_keys = True
            self._data = yaml.load(self.text)
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data = value

    def locate(self, ptr: str) -> tuple[int, int]:
        """Position of ``ptr``, or of its deepest parent that exists in the file."""
        while True:
            found = self.positions.get(ptr)
            if found is not None:
                return found
            if not ptr:
                return (1, 1)
            ptr = ptr.rsplit("/", 1)[0]

    def locate_value(self, ptr: str) -> tuple[int, int]:
        return self.value_positions.get(ptr) or self.locate(ptr)


def to_plain(value: Any) -> Any:
    """Round-trip tree → plain JSON-like values; dates become ISO strings."""
    if isinstance(value, dict):
        return {str(k) if not isinstance(k, str) else k: to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return str(value)
