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
        found = _child(node, token)
        if found is None:
            break
        address, child = found
        lc = getattr(node, "lc", None)
        if lc is not None:
            at = _position(lc.key if isinstance(node, dict) else lc.item, address)
            if at is not None:
                line, col = at
        node = child
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
        at = None if key is _MISSING else _position(lc.value, key)
        if at is not None:
            return at
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
        found = _child(node, token)
        if found is None:
            return default
        node = found[1]
    return node


def _child(node: Any, token: str) -> tuple[Any, Any] | None:
    """(the key or index ``token`` designates in ``node``, the child there), or None."""
    if isinstance(node, dict):
        key = _find_key(node, token)
        return None if key is _MISSING else (key, node[key])
    if isinstance(node, list):
        try:
            index = int(token)
            return index, node[index]
        except (ValueError, IndexError):
            return None
    return None


def _position(where: Any, address: Any) -> tuple[int, int] | None:
    """1-based (line, column) from ruamel's 0-based ``lc.key`` / ``lc.item`` / ``lc.value``."""
    try:
        line, col = where(address)
    except (KeyError, TypeError, AttributeError):
        return None
    return line + 1, col + 1
