"""JSON pointer ↔ 1-based line and column in the round-trip tree."""

from __future__ import annotations

from typing import Any


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*parts: object) -> str:
    return "".join("/" + escape(str(p)) for p in parts)


def split(ptr: str) -> list[str]:
    if not ptr:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in ptr.lstrip("/").split("/")]


def locate(data: Any, ptr: str) -> tuple[int, int]:
    """Position (1-based line, column) of what ``ptr`` designates.

    A mapping entry is located at its key, a sequence item at the item itself; a path that
    does not exist (a missing key) is located at the deepest parent that does exist.
    """
    line, col = 1, 1
    node = data
    for token in split(ptr):
        lc = getattr(node, "lc", None)
        if isinstance(node, dict):
            key = _find_key(node, token)
            if key is _MISSING:
                break
            if lc is not None:
                try:
                    line, col = lc.key(key)
                    line, col = line + 1, col + 1
                except (KeyError, TypeError, AttributeError):
                    pass
            node = node[key]
        elif isinstance(node, list):
            try:
                index = int(token)
                item = node[index]
            except (ValueError, IndexError):
                break
            if lc is not None:
                try:
                    line, col = lc.item(index)
                    line, col = line + 1, col + 1
                except (KeyError, TypeError, AttributeError):
                    pass
            node = item
        else:
            break
    return line, col


def locate_value(data: Any, ptr: str) -> tuple[int, int]:
    """Position of the value (not the key) of a mapping entry, when it has one of its own."""
    parts = split(ptr)
    if not parts:
        return 1, 1
    parent_ptr = pointer(*parts[:-1])
    parent = resolve(data, parent_ptr)
    lc = getattr(parent, "lc", None)
    if isinstance(parent, dict) and lc is not None:
        key = _find_key(parent, parts[-1])
        if key is not _MISSING:
            try:
                line, col = lc.value(key)
                return line + 1, col + 1
            except (KeyError, TypeError, AttributeError):
                pass
    return locate(data, ptr)


_MISSING = object()


def _find_key(mapping: dict, token: str) -> Any:
    if token in mapping:
        return token
    for key in mapping:
        if str(key) == token:
            return key
    return _MISSING


def resolve(data: Any, ptr: str, default: Any = None) -> Any:
    node = data
    for token in split(ptr):
        if isinstance(node, dict):
            key = _find_key(node, token)
            if key is _MISSING:
                return default
            node = node[key]
        elif isinstance(node, list):
            try:
                node = node[int(token)]
            except (ValueError, IndexError):
                return default
        else:
            return default
    return node
