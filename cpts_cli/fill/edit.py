"""Writing answers into the round-trip tree, in the style of the file.

New keys go where the schema puts them among the keys already there; new list items go
last. A value is written as the file writes its neighbours: a code quoted with the file's
quote character, a sibling written in flow style (``{departement: 8.9}``) copied as such,
a long paragraph folded (``>-``) like the worked example. An empty ``[]`` or ``{}`` written by
``cpts init`` becomes a block when it gets its first entry.

ruamel.yaml keeps the full-line comments that follow an entry on that entry (the header of
the next section, a note about the next key…); when an entry is added after it, those lines
move to the new entry so that they stay in front of what they describe.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
from functools import lru_cache
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

#: A paragraph longer than this is written as a folded block (``>-``), wrapped at ``WRAP``.
FOLD_OVER = 80
WRAP = 88


class Folded(str):
    """Marks a long text answer: written as a folded block when it is long enough."""


class Quoted(str):
    """Marks a code (INSEE, RPPS…): always written quoted, so it stays a string."""


# --------------------------------------------------------------------------- style


class FileStyle:
    """How the file writes its scalars, guessed from its text."""

    def __init__(self, text: str) -> None:
        double = len(re.findall(r'(?:^|[:\-,\[{]\s*)"', text, flags=re.M))
        single = len(re.findall(r"(?:^|[:\-,\[{]\s*)'", text, flags=re.M))
        self.quote = "'" if single > double else '"'

    def scalar(self, value: Any, like: Any = None, indent: int = 0) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int | float | _dt.date):
            return value
        if not isinstance(value, str):
            return value
        text = str(value)
        if isinstance(value, Folded) and len(text) > FOLD_OVER and "\n" not in text:
            return _folded(text, max(WRAP - indent, 40))
        quote = None
        if isinstance(like, DoubleQuotedScalarString):
            quote = '"'
        elif isinstance(like, SingleQuotedScalarString):
            quote = "'"
        if quote is None and (isinstance(value, Quoted) or not _plain_ok(text)):
            quote = self.quote
        if quote == '"':
            return DoubleQuotedScalarString(text)
        if quote == "'":
            return SingleQuotedScalarString(text)
        return text

    def node(self, value: Any, like: Any = None, indent: int = 0) -> Any:
        """A plain value (dicts, lists, scalars) → ruamel nodes in the file's style.

        ``like`` is an existing value at the same place (a sibling item, the old value): its
        flow style and quoting are copied.
        """
        if isinstance(value, dict):
            out = CommentedMap()
            for k, v in value.items():
                sibling = like.get(k) if isinstance(like, dict) else None
                out[k] = self.node(v, sibling, indent + 2)
            if _is_flow(like):
                out.fa.set_flow_style()
            return out
        if isinstance(value, list):
            out = CommentedSeq()
            sample = like[-1] if isinstance(like, list) and like else None
            for v in value:
                out.append(self.node(v, sample, indent + 4))
            if _is_flow(like) and value and not any(isinstance(v, dict) for v in value):
                out.fa.set_flow_style()
            else:
                out.fa.set_block_style()
            return out
        return self.scalar(value, like, indent)


def _is_flow(node: Any) -> bool:
    fa = getattr(node, "fa", None)
    return bool(fa is not None and fa.flow_style() and len(node))


@lru_cache(maxsize=2048)
def _plain_ok(text: str) -> bool:
    """Whether ruamel can write ``text`` unquoted and read back the same string."""
    from cpts_cli.project.yamlio import new_yaml

    if not text or text != text.strip():
        return False
    yaml = new_yaml()
    out = io.StringIO()
    yaml.dump({"k": text}, out)
    dumped = out.getvalue()[3:]
    return not dumped.startswith(("'", '"', "|", ">"))


def _folded(text: str, width: int) -> FoldedScalarString:
    """``text`` as a folded block, cut at single spaces so that lines stay under ``width``."""
    folded = FoldedScalarString(text)
    positions: list[int] = []
    line_start = 0
    last_space = None
    for i, ch in enumerate(text):
        if ch != " ":
            continue
        if i == 0 or text[i - 1] == " " or i + 1 >= len(text) or text[i + 1] == " ":
            continue
        if i - line_start > width and last_space is not None and last_space > line_start:
            positions.append(last_space)
            line_start = last_space + 1
        last_space = i
    if len(text) - line_start > width and last_space is not None and last_space > line_start:
        positions.append(last_space)
    folded.fold_pos = positions
    return folded


# --------------------------------------------------------------------------- comments


def _is_block(node: Any) -> bool:
    return (
        isinstance(node, CommentedMap | CommentedSeq)
        and bool(len(node))
        and not (node.fa.flow_style())
    )


def _last_entry(node: Any) -> tuple[dict, Any, int, Any]:
    """(comment items, key or index, slot, value) of a block collection's last entry."""
    if isinstance(node, CommentedMap):
        key = list(node.keys())[-1]
        return node.ca.items, key, 2, node[key]
    index = len(node) - 1
    return node.ca.items, index, 0, node[index]


def _token_slot(items: dict, key: Any, pos: int, value: Any) -> tuple[dict, Any, int] | None:
    """Where the comment lines after this entry are kept: on the entry, or deeper."""
    entry = items.get(key)
    if entry and len(entry) > pos and entry[pos] is not None:
        return items, key, pos
    if _is_block(value):
        return _token_slot(*_last_entry(value))
    return None


def _end_slot(items: dict, key: Any, pos: int, value: Any) -> tuple[dict, Any, int, Any]:
    """Where a comment following this (new) entry goes: its deepest last line (and value)."""
    if _is_block(value):
        return _end_slot(*_last_entry(value))
    return items, key, pos, value


def _settle(slot: tuple[dict, Any, int, Any]) -> None:
    """A block scalar ends with its own line break: the comment after it must not add one
    (ruamel would write an extra blank line)."""
    items, key, pos, value = slot
    entry = items.get(key)
    token = entry[pos] if entry and len(entry) > pos else None
    if (
        token is not None
        and isinstance(value, FoldedScalarString | LiteralScalarString)
        and token.value.startswith("\n")
    ):
        token.value = token.value[1:]


def _move_comments(source: tuple | None, target: tuple) -> None:
    """Move the full-line comments at ``source`` to ``target``; the end-of-line comment of
    the source line stays."""
    if source is None:
        return
    items, key, pos = source
    entry = items[key]
    token = entry[pos]
    cut = token.value.find("\n")
    if cut < 0 or not token.value[cut + 1 :]:
        return
    head, rest = token.value[: cut + 1], token.value[cut + 1 :]
    if head.strip():
        token.value = head
    else:
        entry[pos] = None
        if all(x is None for x in entry):
            del items[key]
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    t_items, t_key, t_pos = target[:3]
    t_entry = t_items.setdefault(t_key, [None, None, None, None])
    while len(t_entry) < 4:
        t_entry.append(None)
    t_entry[t_pos] = CommentToken("\n" + rest, CommentMark(token.column), None)


# --------------------------------------------------------------------------- edits


def set_key(parent: CommentedMap, key: str, node: Any, order: list[str]) -> None:
    """Set ``parent[key]``; a new key goes where ``order`` (the schema's) puts it."""
    if key in parent:
        old = parent[key]
        parent[key] = node
        end = _end_slot(parent.ca.items, key, 2, node)
        if not _is_block(old) and _is_block(node):
            # ``key: ~`` followed by comment lines: they stay after the new block.
            _move_comments(_token_slot(parent.ca.items, key, 2, old), end)
        _settle(end)
        return
    if parent.fa.flow_style():
        parent.fa.set_block_style()
    keys = list(parent.keys())
    rank = order.index(key) if key in order else len(order)
    pos = len(keys)
    for i, existing in enumerate(keys):
        if existing in order and order.index(existing) > rank:
            pos = i
            break
    parent.insert(pos, key, node)
    end = _end_slot(parent.ca.items, key, 2, node)
    if pos > 0:
        # The comment lines after the previous entry describe what follows it: they now
        # follow the new entry.
        before = keys[pos - 1]
        _move_comments(_token_slot(parent.ca.items, before, 2, parent[before]), end)
    _settle(end)


def append(seq: CommentedSeq, node: Any) -> None:
    """Append an item to a list, in block style, keeping the comments after it in place."""
    if seq.fa.flow_style() and (not len(seq) or isinstance(node, CommentedMap)):
        seq.fa.set_block_style()
    index = len(seq)
    seq.append(node)
    if seq.fa.flow_style():
        return
    end = _end_slot(seq.ca.items, index, 0, node)
    if index > 0:
        _move_comments(_token_slot(seq.ca.items, index - 1, 0, seq[index - 1]), end)
    _settle(end)


def block(container: Any) -> Any:
    """An empty flow ``[]``/``{}`` about to get entries becomes a block."""
    fa = getattr(container, "fa", None)
    if fa is not None and fa.flow_style() and not len(container):
        fa.set_block_style()
    return container
