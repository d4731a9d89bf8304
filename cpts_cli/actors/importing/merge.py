"""Merging imported actors into ``mobilisation.acteurs`` of the round-trip tree.

The rules, so that a user can import again and again without fear:

* an actor is recognised by its RPPS number, or (when one side has none) by its nom and
  prénom with the same profession (or none);
* a new actor is appended, in the file's style (a block mapping, codes quoted like the
  file's, the commune's name as an end-of-line comment), with
  ``origine: import``;
* an actor imported earlier (``origine: import``) is updated only in the fields the import
  gives; the keys it does not give (a ``role`` added by hand) are kept;
* an actor typed by the user (no ``origine: import``) is never changed nor removed;
* with ``replace=True`` (``--remplacer``) imported actors are replaced: those the new import
  does not have are removed, the others keep only what the import gives;
* importing the same data twice changes nothing (the second merge is a no-op).

Full-line comments that followed the last actor (often a comment above ``structures:``)
stay after the last actor once new ones are appended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cpts_cli.actors.importing.model import ACTOR_FIELDS, ImportedActor, name_key
from cpts_cli.project import edit
from cpts_cli.referentiel import store

ORIGIN = "origine"
IMPORTED = "import"
_CODES = ("commune", "rpps")


@dataclass
class MergeResult:
    added: list[dict] = field(default_factory=list)
    updated: list[tuple[dict, list[str]]] = field(default_factory=list)  # (actor, fields)
    unchanged: list[dict] = field(default_factory=list)
    kept: list[dict] = field(default_factory=list)  # typed by the user, left as they are
    removed: list[dict] = field(default_factory=list)  # only with replace=True

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def merge(data: Any, actors: list[ImportedActor], *, replace: bool = False) -> MergeResult:
    """Merge ``actors`` into ``data`` (the ruamel tree of the whole file), in place."""
    result = MergeResult()
    seq = _actors_seq(data, create=bool(actors))
    if seq is None:
        return result
    entries = [(i, e) for i, e in enumerate(seq) if isinstance(e, dict)]
    by_rpps: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for i, entry in entries:
        rpps = _text(entry.get("rpps"))
        if rpps:
            by_rpps.setdefault(rpps, i)
        by_name.setdefault(name_key(entry.get("nom"), entry.get("prenom")), []).append(i)
    used: set[int] = set()
    new: list[ImportedActor] = []
    style = _quote_style(seq)
    comment_column = _commune_comment_column(seq, data["mobilisation"])
    for actor in sorted(actors, key=_order):
        index = _find(seq, actor, by_rpps, by_name, used)
        if index is None:
            new.append(actor)
            continue
        used.add(index)
        entry = seq[index]
        if _text(entry.get(ORIGIN)) != IMPORTED:
            result.kept.append(_summary(entry))
            continue
        changed = _update(entry, actor, replace, style, comment_column)
        if changed:
            result.updated.append((_summary(entry), changed))
        else:
            result.unchanged.append(_summary(entry))

    gone = [
        i
        for i, entry in entries
        if replace and i not in used and _text(entry.get(ORIGIN)) == IMPORTED
    ]
    # The comment lines after the last actor (often above « structures: ») stay after the
    # last one, whatever is removed or added.
    tail = ("", 0)
    if len(seq) and (new or gone):
        tail = edit.take_following(edit.item_slot(seq, len(seq) - 1))
    for i in reversed(gone):
        result.removed.insert(0, _summary(seq[i]))
        edit.delete_item(data["mobilisation"], "acteurs", seq, i)
    if new:
        if seq.fa.flow_style():
            seq.fa.set_block_style()
        for actor in new:
            entry = _new_entry(actor, style, comment_column)
            edit.append(seq, entry)
            result.added.append(_summary(entry))
    if tail[0] and len(seq):
        edit.put_following(edit.item_slot(seq, len(seq) - 1), *tail)
    elif tail[0]:
        edit.emptied(data["mobilisation"], "acteurs", seq, tail[0])
    return result


def existing_actors(data: Any) -> list[dict]:
    seq = _actors_seq(data, create=False)
    return [e for e in seq if isinstance(e, dict)] if seq is not None else []


# --------------------------------------------------------------------------- finding


def _order(actor: ImportedActor) -> tuple:
    from cpts_cli.checking.schema import vocabulary

    ranks = {v: i for i, v in enumerate(vocabulary("profession"))}
    values = actor.values
    return (
        ranks.get(values.get("profession", ""), len(ranks)),
        store.normalise(values.get("nom", "")),
        store.normalise(values.get("prenom", "")),
        values.get("rpps", ""),
    )


def _find(seq, actor: ImportedActor, by_rpps, by_name, used: set[int]) -> int | None:
    if actor.rpps and actor.rpps in by_rpps:
        return by_rpps[actor.rpps]
    profession = actor.values.get("profession")
    for i in by_name.get(actor.name_key, ()):
        if i in used:
            continue
        entry = seq[i]
        other = _text(entry.get("rpps"))
        if other and actor.rpps and other != actor.rpps:
            continue  # two people with the same name
        theirs = _text(entry.get("profession"))
        if theirs and profession and theirs != profession:
            continue
        return i
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _summary(entry) -> dict:
    return {k: _text(entry.get(k)) for k in ACTOR_FIELDS if _text(entry.get(k))}


# --------------------------------------------------------------------------- writing


def _actors_seq(data: Any, *, create: bool):
    if not isinstance(data, dict):
        return None
    mob = edit.section(
        data,
        "mobilisation",
        create=create,
        error="« mobilisation » n'est pas une suite de clés (acteurs, structures, réunions) : "
        "corrigez-la d'abord (voir « cpts validate »). Rien n'a été importé.",
    )
    if mob is None:
        return None
    return edit.child_list(
        mob,
        "acteurs",
        create=create,
        error="« mobilisation.acteurs » n'est pas une liste : corrigez-la d'abord (voir "
        "« cpts validate »). Rien n'a été importé.",
    )


def _quote_style(seq):
    """The quoting the file uses for codes: single quotes if it does, else double."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

    for entry in seq:
        if isinstance(entry, dict):
            for key in _CODES:
                value = entry.get(key)
                if isinstance(value, SingleQuotedScalarString):
                    return SingleQuotedScalarString
                if isinstance(value, DoubleQuotedScalarString):
                    return DoubleQuotedScalarString
    return DoubleQuotedScalarString


def _value(key: str, value: str, style):
    return style(value) if key in _CODES else value


def _commune_comment_column(seq, parent) -> int:
    """Where the name of an actor's commune goes, as an end-of-line comment: the column most
    of the file's commented communes use, else two spaces after the code (``commune: "21166"``
    under the first actor's keys, or under ``acteurs:`` as ``cpts init`` indents a list)."""
    columns: list[int] = []
    key_column = None
    for entry in seq:
        if not isinstance(entry, dict):
            continue
        if key_column is None and getattr(entry.lc, "col", None) is not None:
            key_column = entry.lc.col
        token = edit.eol_token(entry, "commune") if "commune" in entry else None
        if token is not None and token.value.lstrip(" ").startswith("#"):
            columns.append(token.column)
    if columns:
        return max(set(columns), key=columns.count)
    if key_column is None:
        lines = getattr(getattr(parent, "lc", None), "data", None)
        position = lines.get("acteurs") if isinstance(lines, dict) else None
        key_column = position[1] + 4 if position else 6
    return key_column + len('commune: "21166"') + 2


def _name_comment(entry, commune: str, column: int) -> None:
    found = store.commune(commune)
    if found is not None:
        edit.name_key(entry, "commune", found.nom, column)


def _new_entry(actor: ImportedActor, style, comment_column: int):
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap()
    for key in ACTOR_FIELDS:
        if key in actor.values:
            entry[key] = _value(key, actor.values[key], style)
    entry[ORIGIN] = IMPORTED
    commune = actor.values.get("commune")
    if commune:
        _name_comment(entry, commune, comment_column)
    return entry


def _update(entry, actor: ImportedActor, replace: bool, style, comment_column: int) -> list[str]:
    changed: list[str] = []
    for key in ACTOR_FIELDS:
        if key not in actor.values:
            continue
        new = actor.values[key]
        if _text(entry.get(key)) == new and (key not in _CODES or isinstance(entry[key], str)):
            continue
        if key in entry:
            entry[key] = _value(key, new, style)
            if key == "commune":
                edit.drop_eol_comment(entry, key)
        else:
            entry.insert(_key_position(entry, key), key, _value(key, new, style))
        if key == "commune":
            _name_comment(entry, new, comment_column)
        changed.append(key)
    if replace:
        for key in list(entry.keys()):
            if key != ORIGIN and key not in actor.values:
                edit.delete_key(entry, key)
                changed.append(key)
    return changed


def _key_position(entry, key: str) -> int:
    rank = ACTOR_FIELDS.index(key)
    for i, existing in enumerate(entry.keys()):
        if existing == ORIGIN or (existing in ACTOR_FIELDS and ACTOR_FIELDS.index(existing) > rank):
            return i
    return len(entry)
