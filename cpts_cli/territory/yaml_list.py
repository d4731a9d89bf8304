"""Items of ``territoire.communes`` / ``territoire.epci`` added and removed in the
round-trip tree, keeping the user's comments in place.

ruamel.yaml keeps the full-line comments that follow a list item on that item's comment
token, so appending or deleting an item would carry them along (a comment written above
``justification:`` would end up inside the list, or vanish): ``_append`` and ``_delete``
move those comment lines to the item that now precedes them.
"""

from __future__ import annotations

from cpts_cli.project.document import ProjectDocument
from cpts_cli.support.errors import CptsError
from cpts_cli.workflow.steps import top_level_position


def territoire_map(doc: ProjectDocument, create: bool):
    """The ``territoire`` mapping of the round-trip tree (created when asked and missing)."""
    from ruamel.yaml.comments import CommentedMap

    data = doc.data
    terr = data.get("territoire")
    if isinstance(terr, dict):
        return terr
    if terr is not None and terr != "":
        raise CptsError(
            f"Dans « {doc.name} », « territoire » n'est pas une suite de clés (communes, "
            "epci, justification) : corrigez-le d'abord (voir « cpts validate »)."
        )
    if not create:
        return None
    new = CommentedMap()
    if "territoire" in data:
        data["territoire"] = new
    else:
        data.insert(top_level_position(list(data.keys()), "territoire"), "territoire", new)
    return new


def code_list(doc: ProjectDocument, terr, key: str, create: bool):
    from ruamel.yaml.comments import CommentedSeq

    if terr is None:
        return None
    value = terr.get(key)
    if isinstance(value, list):
        return value
    if value is not None:
        raise CptsError(
            f"Dans « {doc.name} », « territoire.{key} » n'est pas une liste : corrigez-la "
            "d'abord (voir « cpts validate »)."
        )
    if not create:
        return None
    seq = CommentedSeq()
    if key in terr:
        terr[key] = seq
    else:
        # communes first, then epci, then the rest (justification…), as in the model.
        pos = 0
        if key == "epci" and "communes" in terr:
            pos = list(terr.keys()).index("communes") + 1
        terr.insert(pos, key, seq)
    return seq


def _new_scalar(seq, value: str):
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    if any(isinstance(v, SingleQuotedScalarString) for v in seq) and not any(
        isinstance(v, DoubleQuotedScalarString) for v in seq
    ):
        return SingleQuotedScalarString(value)
    return DoubleQuotedScalarString(value)


def _token(seq, index: int):
    entry = seq.ca.items.get(index)
    return entry[0] if entry else None


def _split_comment(value: str) -> tuple[str, str]:
    """A list item's comment token → (its end-of-line part, the full lines that follow)."""
    cut = value.find("\n")
    if cut < 0:
        return value, ""
    return value[: cut + 1], value[cut + 1 :]


def _make_token(value: str, column: int):
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    return CommentToken(value, CommentMark(column), None)


def comment_column(seq) -> int | None:
    """Where the end-of-line comments of a block list's items (``- "21166"  # Nom``) start,
    as a column minus the length of the item's value; None when the items have none."""
    if not isinstance(seq, list) or seq.fa.flow_style():
        return None
    for i in range(len(seq)):
        token = _token(seq, i)
        if token is not None and token.value.lstrip(" ").startswith("#"):
            return token.column - len(str(seq[i]))
    return None


def append_item(seq, value: str, label: str | None, label_offset: int = 0) -> None:
    """Append ``value`` to a list; in block style, with ``# label`` when one is given, and
    keeping the comments that followed the old last item after the new one (see the module
    docstring)."""
    n = len(seq)
    offset = comment_column(seq)
    seq.append(_new_scalar(seq, value))
    if seq.fa.flow_style():
        return
    rest = ""
    prev = _token(seq, n - 1) if n else None
    if prev is not None:
        head, rest = _split_comment(prev.value)
        if rest and head.strip():
            prev.value = head
        elif rest:
            del seq.ca.items[n - 1]
    head = f"# {label}\n" if label else "\n"
    if label or rest:
        column = len(value) + (label_offset if offset is None else offset)
        seq.ca.items[n] = [_make_token(head + rest, column), None, None, None]


def delete_item(parent, key: str, seq, index: int) -> None:
    """Delete item ``index``, keeping the full-line comments that followed it."""
    block = not seq.fa.flow_style()
    rest = ""
    token = _token(seq, index)
    if token is not None and block:
        rest = _split_comment(token.value)[1]
    del seq[index]
    if block and not seq:
        # An empty block list is written "[]"; the comments go after it, on the key's line.
        seq.fa.set_flow_style()
        entry = parent.ca.items.setdefault(key, [None, None, None, None])
        while len(entry) < 4:
            entry.append(None)
        if isinstance(entry[3], list) and entry[3]:
            # Full-line comments that stood above the first item now follow "[]" too.
            rest = "".join(" " * t.column + t.value for t in entry[3]) + rest
            entry[3] = None
            seq.ca.comment = None
        if rest and entry[2] is not None:
            entry[2].value = entry[2].value + rest
        elif rest:
            entry[2] = _make_token("\n" + rest, 0)
        return
    if not rest:
        return
    if index > 0:
        prev = _token(seq, index - 1)
        if prev is not None:
            prev.value = prev.value + rest
        else:
            seq.ca.items[index - 1] = [_make_token("\n" + rest, 0), None, None, None]
        return
    # The first item: its following comments now come right after the key line. ruamel
    # keeps those on the key's entry (shared with the list): an end-of-line token [2], then
    # a list of comment tokens [3] for full lines; extend whichever comes last.
    entry = parent.ca.items.setdefault(key, [None, None, None, None])
    while len(entry) < 4:
        entry.append(None)
    if isinstance(entry[3], list) and entry[3]:
        entry[3].append(_make_token(rest, 0))
    elif entry[2] is not None:
        entry[2].value = entry[2].value + rest
    else:
        entry[2] = _make_token("\n" + rest, 0)
        if seq.ca.comment is None:
            seq.ca.comment = [entry[2], None]
