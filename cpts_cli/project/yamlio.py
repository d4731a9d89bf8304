"""The round-trip YAML engine, configured once (ruamel.yaml; PyYAML cannot keep comments)."""

from __future__ import annotations

import functools
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor, SafeConstructor
from ruamel.yaml.nodes import ScalarNode

_TIMESTAMP = "tag:yaml.org,2002:timestamp"


def _lenient(base: type) -> type:
    """``base`` reading a value it cannot convert as the text written, never failing.

    An impossible date (``2023-02-30``, ``2023-13-45``) is that text: the schema then
    reports it at its own line, instead of the whole file failing. Any other value that
    cannot be converted (a 4 400-digit number, ``!!float dix``, ``!!bool peut-être``, an
    unknown tag) is that text too, and its node is kept in ``unreadable``: loading reports
    it at its place (CPTS-Y015), and the rest of the file is still checked.
    """

    class Lenient(base):  # type: ignore[misc, valid-type]
        def construct_yaml_timestamp(self, node: Any, values: Any = None) -> Any:
            try:
                return super().construct_yaml_timestamp(node, values)
            except (ValueError, OverflowError):
                return str(node.value)

        def construct_non_recursive_object(self, node: Any, tag: Any = None) -> Any:
            if not isinstance(node, ScalarNode):
                return super().construct_non_recursive_object(node, tag)
            try:
                return super().construct_non_recursive_object(node, tag)
            except Exception:  # noqa: BLE001 - any value the library cannot convert
                self.__dict__.setdefault("unreadable", []).append(node)
                return str(node.value)

    Lenient.__name__ = f"Lenient{base.__name__}"
    Lenient.add_constructor(_TIMESTAMP, Lenient.construct_yaml_timestamp)
    return Lenient


_SAFE_CONSTRUCTOR = _lenient(SafeConstructor)
_ROUND_TRIP_CONSTRUCTOR = _lenient(RoundTripConstructor)


def safe_yaml() -> YAML:
    """The fast loader (C when ruamel.yaml.clib is installed), plain Python values."""
    yaml = YAML(typ="safe")
    yaml.Constructor = _SAFE_CONSTRUCTOR
    yaml.Resolver = _quick_resolver()
    return yaml


@functools.lru_cache(maxsize=1)
def _quick_resolver():
    """ruamel.yaml's resolver, asking once per document which YAML version it reads.

    With the C parser there is no scanner to ask: ruamel.yaml's resolver then finds the
    version through two caught AttributeErrors for every scalar — a third of the time of
    reading a large file. The answer cannot change within a document there, so it is kept;
    with the pure-Python parser (no ruamel.yaml.clib), where a ``%YAML`` directive may set
    it, the resolver asks each time as before."""
    from ruamel.yaml.resolver import VersionedResolver

    class QuickResolver(VersionedResolver):
        _version_kept: Any = None

        @property
        def processing_version(self) -> Any:
            if self._version_kept is not None:
                return self._version_kept
            version = VersionedResolver.processing_version.fget(self)
            if not hasattr(getattr(self.loadumper, "_scanner", None), "yaml_version"):
                self._version_kept = version  # C parser: no directive read here
            return version

    return QuickResolver


def new_yaml() -> YAML:
    """A round-trip YAML instance that rewrites as little as it can.

    Quotes are preserved, lines are never re-wrapped, and the indentation is set by
    ``configure_indent`` from the file itself before any dump.
    """
    yaml = YAML(typ="rt")
    yaml.Constructor = _ROUND_TRIP_CONSTRUCTOR
    yaml.preserve_quotes = True
    yaml.width = 1_000_000
    yaml.allow_unicode = True
    yaml.explicit_start = False
    yaml.representer.add_representer(type(None), _represent_none)
    yaml.representer.add_representer(str, _represent_str)
    return yaml


_LINE_BREAKS = {"\x85", "\u2028", "\u2029"}


def _represent_str(representer, value: str):
    # YAML reads NEL and the Unicode line/paragraph separators as line breaks, and cannot
    # hold most control characters unescaped: such text is written double-quoted, escaped.
    if any(c in _LINE_BREAKS or (not c.isprintable() and c not in "\n") for c in value):
        return representer.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return representer.represent_str(value)


def _represent_none(representer, _value):
    # ruamel writes None as an empty value; "null" is what users read and write.
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def configure_indent(yaml: YAML, text: str) -> None:
    """Guess the mapping and sequence indentation the user wrote, so a dump matches it."""
    mapping = _first_nested_mapping_indent(text) or 2
    seq_indent, seq_offset = _sequence_style(text, mapping)
    yaml.indent(mapping=mapping, sequence=seq_indent, offset=seq_offset)


def _content_lines(text: str):
    """(line, line without its indentation, indentation) of each line that is not blank
    nor a comment."""
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#"):
            yield line, stripped, len(line) - len(stripped)


def _first_nested_mapping_indent(text: str) -> int | None:
    """The most frequent indentation step under a block key (ties: the smallest)."""
    counts: dict[int, int] = {}
    prev_indent = None
    prev_opens_block = False
    for line, stripped, indent in _content_lines(text):
        if prev_opens_block and prev_indent is not None and indent > prev_indent:
            if not stripped.startswith("- "):
                step = indent - prev_indent
                counts[step] = counts.get(step, 0) + 1
        prev_indent = indent
        prev_opens_block = line.endswith(":") and not stripped.startswith("- ")
    if not counts:
        return None
    return max(sorted(counts), key=lambda k: counts[k])


def _sequence_style(text: str, mapping: int) -> tuple[int, int]:
    """Return (sequence indent, dash offset): block lists under a key, as the user wrote them."""
    counts: dict[int, int] = {}
    prev_key_indent = None
    for line, stripped, indent in _content_lines(text):
        if stripped.startswith("- ") or stripped == "-":
            if prev_key_indent is not None:
                offset = max(indent - prev_key_indent, 0)
                counts[offset] = counts.get(offset, 0) + 1
            prev_key_indent = None
            continue
        prev_key_indent = indent if line.endswith(":") else None
    if not counts:
        return mapping + 2, mapping
    offset = max(sorted(counts), key=lambda k: counts[k])
    return offset + 2, offset
