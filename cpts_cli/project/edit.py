"""Editing the user's project file in its round-trip tree: the one place where commands
that write (``territory add/remove``, ``fill``, ``actors import``, ``next``) change it.

What it keeps: the user's comments in front of what they describe, blank lines between
sections, quoting, flow or block style. Saving (only the lines that changed, atomically) is
``cpts_cli.project.save``.

New values are written as the file writes its neighbours (``FileStyle``): a code quoted
with the file's quote character, a sibling written in flow style (``{departement: 8.9}``)
copied as such, a long paragraph folded (``>-``) like the worked example. An empty ``[]`` or
``{}`` becomes a block when it gets its first entry.

Comments. ruamel.yaml keeps the full-line comments that stand between two entries either in
front of the second one (a key's "pre" comments) or, more often, on a token after the first
one: on its deepest last line (slot 2 of a mapping key, slot 0 of a list item). That token
holds first the end of that line (``"\n"``, or ``"# note\n"`` after the value), then the
full lines that follow (blank lines, ``# …`` lines) — except after a block scalar
(``>-``, ``|``), which owns its line end: there the token is only full lines. Those lines
describe what *follows* the entry (the header of the next section, a note on the next
key), so when an entry is added after it, or the entry is removed, they move
(``take_following`` / ``put_following``) to the entry that now precedes what they describe.
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

from cpts_cli.support.errors import CptsError
from cpts_cli.workflow.steps import top_level_position

#: A paragraph longer than this is written as a folded block (``>-``), wrapped at ``WRAP``.
FOLD_OVER = 80
WRAP = 88


class Folded(str):
    """Marks a long text answer: written as a folded block when it is long enough."""


class Quoted(str):
    """Marks a code (INSEE, RPPS…): always written quoted, so it stays a string."""


class Named(Quoted):
    """A code written with its place's name as an end-of-line comment (``"74010"  # Annecy``)."""

    name: str

    def __new__(cls, value: str, name: str) -> Named:
        self = super().__new__(cls, value)
        self.name = name
        return self


def named_code(value: str, kind: str) -> Quoted:
    """A commune's INSEE code or an EPCI's SIREN, with the name the reference data gives it
    (``kind``: "commune" or "epci"); a code it does not know stays a bare ``Quoted``."""
    from cpts_cli.referentiel import store

    place = store.commune(value) if kind == "commune" else store.epci(value)
    return Named(value, place.nom) if place is not None else Quoted(value)


#: A comment after a code: two spaces after the quoted value (``- "74010"  # Annecy``).
_CODE_GAP = 2


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
                if isinstance(v, Named) and not _is_flow(like):
                    column = indent + len(f"{k}: ") + len(v) + 2 + _CODE_GAP
                    out.yaml_add_eol_comment(f"# {v.name}", k, column=column)
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
                for i, v in enumerate(value):
                    if isinstance(v, Named):
                        column = indent + 2 + len(v) + 2 + _CODE_GAP
                        out.yaml_add_eol_comment(f"# {v.name}", i, column=column)
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

#: Where an entry's comment token lives: (comment items, key or index, slot, the value).
Slot = tuple[dict, Any, int, Any]


def _is_block(node: Any) -> bool:
    return (
        isinstance(node, CommentedMap | CommentedSeq)
        and bool(len(node))
        and not (node.fa.flow_style())
    )


def _is_block_scalar(value: Any) -> bool:
    return isinstance(value, FoldedScalarString | LiteralScalarString)


def key_slot(parent: CommentedMap, key: Any) -> Slot:
    return parent.ca.items, key, 2, parent[key]


def item_slot(seq: CommentedSeq, index: int) -> Slot:
    return seq.ca.items, index, 0, seq[index]


def _last_entry(node: Any) -> Slot:
    """The slot of a block collection's last entry."""
    if isinstance(node, CommentedMap):
        return key_slot(node, list(node.keys())[-1])
    return item_slot(node, len(node) - 1)


def _end(slot: Slot) -> Slot:
    """The slot of an entry's last line: its own, or its block value's last entry's."""
    if _is_block(slot[3]):
        return _end(_last_entry(slot[3]))
    return slot


def _token(slot: Slot):
    items, key, pos, _value = slot
    entry = items.get(key)
    return entry[pos] if entry and len(entry) > pos else None


def _padded(items: dict, key: Any) -> list:
    entry = items.setdefault(key, [None, None, None, None])
    while len(entry) < 4:
        entry.append(None)
    return entry


def _make_token(value: str, column: int = 0):
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    return CommentToken(value, CommentMark(column), None)


def split_comment(value: str, block_scalar: bool = False) -> tuple[str, str]:
    """A comment token's text → (the end of the entry's line, the full lines that follow).

    After a block scalar the token has no line end of its own (see the module docstring).
    """
    if block_scalar:
        return "", value
    cut = value.find("\n")
    if cut < 0:
        return value, ""
    return value[: cut + 1], value[cut + 1 :]


def take_following(slot: Slot) -> tuple[str, int]:
    """Remove and return the full lines that follow an entry (and the column of their
    token); its end-of-line comment stays."""
    end = _end(slot)
    token = _token(end)
    if token is None:
        return "", 0
    head, rest = split_comment(token.value, _is_block_scalar(end[3]))
    if not rest:
        return "", 0
    if head.strip():
        token.value = head
    else:
        items, key, pos, _value = end
        entry = items[key]
        entry[pos] = None
        if all(x is None for x in entry):
            del items[key]
    return rest, token.column


def put_following(slot: Slot, rest: str, column: int = 0) -> None:
    """Write full lines after an entry (after its block value's last line)."""
    if not rest:
        return
    end = _end(slot)
    token = _token(end)
    if token is not None:
        value = token.value
        if value and not value.endswith("\n"):
            value += "\n"
        token.value = value + rest
        return
    items, key, pos, value = end
    line_end = "" if _is_block_scalar(value) else "\n"
    _padded(items, key)[pos] = _make_token(line_end + rest, column)


def _move_following(source: Slot, target: Slot) -> None:
    rest, column = take_following(source)
    put_following(target, rest, column)


def eol_token(mapping: CommentedMap, key: Any):
    """The comment token on the line of ``mapping[key]`` (an end-of-line comment and the
    lines after it), or None."""
    entry = mapping.ca.items.get(key)
    return entry[2] if entry and len(entry) > 2 else None


def drop_eol_comment(mapping: CommentedMap, key: Any) -> None:
    """Remove the end-of-line comment of ``mapping[key]``; the comment lines after it stay."""
    token = eol_token(mapping, key)
    if _is_block_scalar(mapping[key]) or token is None:
        return
    if not token.value.lstrip(" ").startswith("#"):
        return
    rest = split_comment(token.value)[1]
    if rest:
        token.value = "\n" + rest
    else:
        del mapping.ca.items[key]


def comment_column(seq: Any) -> int | None:
    """Where the end-of-line comments of a block list's items (``- "21166"  # Nom``) start,
    as a column minus the length of the item's value; None when the items have none."""
    if not isinstance(seq, list) or seq.fa.flow_style():
        return None
    for i in range(len(seq)):
        token = _token(item_slot(seq, i))
        if token is not None and token.value.lstrip(" ").startswith("#"):
            return token.column - len(str(seq[i]))
    return None


# --------------------------------------------------------------------------- sections


def section_header(key: str) -> list[str]:
    """The comment lines ``cpts init`` writes above top-level ``key``."""
    return _section_headers().get(key, [])


@lru_cache(maxsize=1)
def _section_headers() -> dict[str, list[str]]:
    from importlib import resources

    text = (resources.files("cpts_cli") / "data" / "nouveau_projet.yaml").read_text("utf-8")
    headers: dict[str, list[str]] = {}
    block: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            block.append(line)
        elif not line.strip():
            block = []
        else:
            match = re.match(r"([a-z_]+):", line)
            if match:
                headers[match.group(1)] = block
            block = []
    return headers


def section(data: CommentedMap, key: str, *, create: bool, error: str) -> CommentedMap | None:
    """The top-level mapping ``key``; when missing (or empty: ``~``, ``""``) and ``create``,
    a new one (see ``add_section``). Anything else there raises ``CptsError(error)``."""
    found = _existing(data, key, dict, error)
    if found is not None or not create:
        return found
    new = CommentedMap()
    if key not in data:
        add_section(data, key, new)
        return new
    keys = list(data.keys())
    following = keys[keys.index(key) + 1 :]
    rest, column = take_following(key_slot(data, key))
    data[key] = new
    if following:
        # In front of the next section they stay there, whatever the new one gets.
        _prepend_lines(data, following[0], rest)
    else:
        put_following(key_slot(data, key), rest, column)
    return new


def _existing(parent: CommentedMap, key: str, kind: type, error: str) -> Any:
    """``parent[key]`` when it is a ``kind``; None when it is missing or empty (``~``,
    ``""``); anything else raises ``CptsError(error)``."""
    value = parent.get(key)
    if isinstance(value, kind):
        return value
    if value is not None and value != "":
        raise CptsError(error)
    return None


def add_section(data: CommentedMap, key: str, node: Any) -> None:
    """Insert the missing top-level ``key`` where the SPEC puts it, with the header
    ``cpts init`` writes above it; the header of the next section stays in front of that
    one (ruamel keeps it after the previous section's last line)."""
    keys = list(data.keys())
    pos = top_level_position(keys, key)
    rest, column = take_following(key_slot(data, keys[pos - 1])) if pos else ("", 0)
    data.insert(pos, key, node)
    header = section_header(key)
    if pos and header:
        _prepend_lines(data, key, "\n" + "".join(line + "\n" for line in header))
    if pos < len(keys):
        _prepend_lines(data, keys[pos], rest)
    elif rest:
        put_following(key_slot(data, keys[pos - 1]), rest, column)


def _prepend_lines(mapping: CommentedMap, key: Any, lines: str) -> None:
    """Write full comment lines (and blank lines) in front of ``mapping[key]``."""
    if not lines:
        return
    if not lines.endswith("\n"):
        lines += "\n"
    entry = _padded(mapping.ca.items, key)
    tokens = [_make_token(line + "\n") for line in lines.split("\n")[:-1]]
    entry[1] = tokens + list(entry[1] or [])


def child_list(parent: CommentedMap, key: str, *, create: bool, error: str, position: int = 0):
    """The list ``parent[key]``; when missing and ``create``, a new empty one (inserted at
    ``position`` when the key is absent). Anything else there raises ``CptsError(error)``."""
    found = _existing(parent, key, list, error)
    if found is not None or not create:
        return found
    seq = CommentedSeq()
    if key in parent:
        parent[key] = seq
    else:
        parent.insert(position, key, seq)
    return seq


# --------------------------------------------------------------------------- edits


def set_value(parent: CommentedMap, key: Any, node: Any) -> None:
    """Replace the value of an existing key; the lines that followed the old value follow
    the new one."""
    rest, column = take_following(key_slot(parent, key))
    parent[key] = node
    put_following(key_slot(parent, key), rest, column)


def insert_key(parent: CommentedMap, pos: int, key: Any, node: Any) -> None:
    """Insert a new key at ``pos``; the lines that followed the previous entry (they describe
    what follows it) now follow the new one."""
    if parent.fa.flow_style():
        parent.fa.set_block_style()
    keys = list(parent.keys())
    parent.insert(pos, key, node)
    if pos > 0:
        _move_following(key_slot(parent, keys[pos - 1]), key_slot(parent, key))


def set_key(parent: CommentedMap, key: str, node: Any, order: list[str]) -> None:
    """Set ``parent[key]``; a new key goes where ``order`` (the schema's) puts it."""
    if key in parent:
        set_value(parent, key, node)
        return
    keys = list(parent.keys())
    rank = order.index(key) if key in order else len(order)
    pos = len(keys)
    for i, existing in enumerate(keys):
        if existing in order and order.index(existing) > rank:
            pos = i
            break
    insert_key(parent, pos, key, node)


def append(seq: CommentedSeq, node: Any) -> None:
    """Append an item to a list, in block style, keeping the comments after it in place."""
    if seq.fa.flow_style() and (not len(seq) or isinstance(node, CommentedMap)):
        seq.fa.set_block_style()
    index = len(seq)
    seq.append(node)
    if seq.fa.flow_style() or index == 0:
        return
    _move_following(item_slot(seq, index - 1), item_slot(seq, index))


def _code_scalar(seq, value: str):
    if any(isinstance(v, SingleQuotedScalarString) for v in seq) and not any(
        isinstance(v, DoubleQuotedScalarString) for v in seq
    ):
        return SingleQuotedScalarString(value)
    return DoubleQuotedScalarString(value)


def append_code(seq: CommentedSeq, value: str, label: str | None, label_offset: int = 0) -> None:
    """Append a code to a list, quoted like its neighbours, in the list's style; in block
    style with ``# label`` as end-of-line comment when one is given."""
    n = len(seq)
    offset = comment_column(seq)
    seq.append(_code_scalar(seq, value))
    if seq.fa.flow_style():
        return
    rest = take_following(item_slot(seq, n - 1))[0] if n else ""
    head = f"# {label}\n" if label else "\n"
    if label or rest:
        column = len(value) + (label_offset if offset is None else offset)
        _padded(seq.ca.items, n)[0] = _make_token(head + rest, column)


def name_key(mapping: CommentedMap, key: Any, name: str, column: int) -> None:
    """``mapping[key]``'s end-of-line comment becomes ``# name`` (at ``column``, or after the
    value when the line is longer); the comment lines that follow the entry stay."""
    token = _token(key_slot(mapping, key))
    rest = split_comment(token.value)[1] if token is not None else ""
    _padded(mapping.ca.items, key)[2] = _make_token(f"# {name}\n" + rest, column)


def label_items(seq: CommentedSeq, labels: dict[int, str], label_offset: int) -> None:
    """Give items ``labels`` (index → name) as end-of-line comments (``- "74010"  # Annecy``),
    aligned on the list's comments if it has some, else ``label_offset`` columns before the
    end of the value (the value's column, its quotes and two spaces). A flow list becomes a
    block list (a flow list cannot carry them). An item's own comment is kept; the comment
    lines that follow an item stay after it."""
    flow = seq.fa.flow_style()
    if flow:
        seq.fa.set_block_style()
    offset = comment_column(seq)
    lines = getattr(getattr(seq, "lc", None), "data", None)
    first = lines.get(0) if isinstance(lines, dict) and not flow else None
    if offset is None and first:  # a block list read from the file: its items' column
        offset = first[1] + 4
    base = label_offset if offset is None else offset
    for index, label in labels.items():
        token = _token(item_slot(seq, index))
        head, rest = split_comment(token.value) if token is not None else ("", "")
        if head.lstrip(" ").startswith("#"):
            continue
        value = f"# {label}\n" + rest
        _padded(seq.ca.items, index)[0] = _make_token(value, base + len(str(seq[index])))


def delete_item(parent: CommentedMap, key: Any, seq: CommentedSeq, index: int) -> None:
    """Delete item ``index`` of ``parent[key]``, keeping the full-line comments that
    followed it (after the previous item, or after the key's line)."""
    block = not seq.fa.flow_style()
    rest = take_following(item_slot(seq, index))[0] if block else ""
    del seq[index]
    if block and not seq:
        emptied(parent, key, seq, rest)
        return
    if not rest:
        return
    if index > 0:
        put_following(item_slot(seq, index - 1), rest)
        return
    # The first item: its following comments now come right after the key line. ruamel
    # keeps those on the key's entry (shared with the list): an end-of-line token [2], then
    # a list of comment tokens [3] for full lines; extend whichever comes last.
    entry = _padded(parent.ca.items, key)
    if isinstance(entry[3], list) and entry[3]:
        entry[3].append(_make_token(rest))
    elif entry[2] is not None:
        entry[2].value = entry[2].value + rest
    else:
        entry[2] = _make_token("\n" + rest)
        if seq.ca.comment is None:
            seq.ca.comment = [entry[2], None]


def emptied(parent: CommentedMap, key: Any, seq: CommentedSeq, rest: str) -> None:
    """``parent[key]``, a block list just emptied, is written ``[]``; the comment lines
    that followed its items (``rest``) go after it, on the key's line."""
    seq.fa.set_flow_style()
    entry = _padded(parent.ca.items, key)
    if isinstance(entry[3], list) and entry[3]:
        # Full-line comments that stood above the first item now follow "[]" too.
        rest = "".join(" " * t.column + t.value for t in entry[3]) + rest
        entry[3] = None
        seq.ca.comment = None
    if rest and entry[2] is not None:
        entry[2].value = entry[2].value + rest
    elif rest:
        entry[2] = _make_token("\n" + rest)


def delete_key(mapping: CommentedMap, key: Any) -> None:
    """Delete ``mapping[key]``; the comment lines after it follow the previous key."""
    keys = list(mapping.keys())
    at = keys.index(key)
    rest, column = take_following(key_slot(mapping, key))
    del mapping[key]
    if rest and at > 0:
        put_following(key_slot(mapping, keys[at - 1]), rest, column)
