"""Rules declared as data in ``declared.yaml``: a field to fill, one of several fields to fill,
a list that needs at least one entry, a field every entry of a list must fill, a key whose value is unique in a list, and
references that must name an existing item of another list.

Each entry is registered with ``@rule`` like the rules written in Python, so codes, steps,
documentation (``docs/codes.md``) and findings do not tell them apart. A new rule of one of
these forms is one entry of the data file (and its case file in ``tests/cases/``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from importlib.resources import files
from typing import Any

from cpts_cli.checking.rules.engine import Context, Entry, Hit, filled, hit, rule, scalar

Check = Callable[[Context], Iterable[Hit]]


def _field(ptr: str) -> Check:
    def check(ctx: Context) -> Iterable[Hit]:
        if not filled(ctx.get(ptr)):
            yield hit(ptr)

    return check


def _non_empty_list(ptr: str) -> Check:
    def check(ctx: Context) -> Iterable[Hit]:
        if not any(True for _ in ctx.items(ptr)):
            yield hit(ptr)

    return check


def _one_of(section: str, keys: list[str], not_from: str | None = None) -> Check:
    """One of ``keys`` of ``section`` is filled; items of a list whose ``origine`` is
    ``not_from`` (``sans_origine``: what an import wrote, not what the user did) do not count."""

    def counted(value: Any) -> Any:
        if not_from is None or not isinstance(value, list):
            return value
        return [v for v in value if not (isinstance(v, dict) and v.get("origine") == not_from)]

    def check(ctx: Context) -> Iterable[Hit]:
        found = ctx.get(section)
        given = found if isinstance(found, dict) else {}
        if not any(filled(counted(given.get(key))) for key in keys):
            yield hit(section)

    return check


def _field_of_each(entry: dict[str, Any]) -> Check:
    """``liste``, and ``champ_de_chaque`` (one key) or ``champs_de_chaque`` (key: the label
    that fills ``{champ}``), each item named by ``nomme_par``; ``sauf_si_vrai`` (key: flag)
    does not expect a key of an item whose flag is ``true``."""
    fields = entry.get("champs_de_chaque") or {entry["champ_de_chaque"]: None}
    names = _names(entry["nomme_par"])
    unless = entry.get("sauf_si_vrai", {})

    def check(ctx: Context) -> Iterable[Hit]:
        for e in ctx.entries(entry["liste"]):
            for key, label in fields.items():
                if key in unless and e.item.get(unless[key]) is True:
                    continue
                if not filled(e.item.get(key)):
                    values = {name: _named(e, source) for name, source in names.items()}
                    yield hit(e.ptr, **values, **({"champ": label} if label else {}))

    return check


def _unique(entry: dict[str, Any]) -> Check:
    """``unique_dans`` (lists, each its own scope), ``cle``; ``valeurs: scalaires`` also
    counts absent and non-text values (a list or a mapping is skipped); ``pointe: element``
    points at the item rather than at its key. The message names the value by the key's name
    and ``{first}`` is the position of its first use in its list."""
    key, everything = entry["cle"], entry.get("valeurs") == "scalaires"
    at_item = entry.get("pointe") == "element"

    def counted(value: Any) -> bool:
        return (
            (value is None or scalar(value) is not None) if everything else isinstance(value, str)
        )

    def check(ctx: Context) -> Iterable[Hit]:
        for scope in entry["unique_dans"]:
            seen: dict[Any, int] = {}
            for e in ctx.entries(scope):
                value = e.item.get(key)
                if not counted(value):
                    continue
                if value in seen:
                    yield hit(e.ptr if at_item else e.at(key), **{key: value, "first": seen[value]})
                else:
                    seen[value] = e.index + 1

    return check


def _names(named_by: str | list[str] | dict[str, str]) -> dict[str, str]:
    """``nomme_par``: a key, a list of keys, or message field: key; ``../key`` is the key of
    the item that holds the list."""
    if isinstance(named_by, dict):
        return named_by
    keys = [named_by] if isinstance(named_by, str) else named_by
    return {key.removeprefix("../"): key for key in keys}


def _named(e: Entry, key: str) -> Any:
    """``key`` of the item, or of the item holding its list (``../key``); ``?`` if absent."""
    if key.startswith("../"):
        return (e.parent or {}).get(key[3:], "?")
    return e.item.get(key, "?")


def _references(e: Entry, entry: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    if "renvoi" in entry:
        yield e.at(entry["renvoi"]), e.item.get(entry["renvoi"])
        return
    refs = e.item.get(entry["renvois"])
    if isinstance(refs, list):
        for j, ref in enumerate(refs):
            yield f"{e.at(entry['renvois'])}/{j}", ref


def _reference(entry: dict[str, Any]) -> Check:
    """``renvois_de`` (the list whose items refer), ``renvois`` (a key holding a list of
    identifiers) or ``renvoi`` (a key holding one), ``vers`` (the list referred to) and its
    ``identifiant``; the message names the item by ``nomme_par`` and the unknown identifier
    by ``nomme_renvoi``; ``suggestion: true`` fills ``{hint}`` with the closest identifier."""
    names = _names(entry["nomme_par"])

    def check(ctx: Context) -> Iterable[Hit]:
        ident = entry["identifiant"]
        known = [
            e.item[ident] for e in ctx.entries(entry["vers"]) if isinstance(e.item.get(ident), str)
        ]
        for e in ctx.entries(entry["renvois_de"]):
            for ptr, ref in _references(e, entry):
                if not isinstance(ref, str) or ref in known:
                    continue
                values = {name: _named(e, source) for name, source in names.items()}
                values[entry["nomme_renvoi"]] = ref
                if entry.get("suggestion"):
                    close = difflib.get_close_matches(ref, known, n=1)
                    values["hint"] = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
                yield hit(ptr, **values)

    return check


def _check_of(entry: dict[str, Any]) -> Check:
    if "champ" in entry:
        return _field(entry["champ"])
    if "au_moins_un_de" in entry:
        return _one_of(entry["dans"], entry["au_moins_un_de"], entry.get("sans_origine"))
    if "liste_non_vide" in entry:
        return _non_empty_list(entry["liste_non_vide"])
    if "unique_dans" in entry:
        return _unique(entry)
    if "renvois_de" in entry:
        return _reference(entry)
    return _field_of_each(entry)


def _register() -> None:
    from ruamel.yaml import YAML

    text = (files("cpts_cli.checking.rules") / "declared.yaml").read_text(encoding="utf-8")
    for entry in YAML(typ="safe").load(text):
        check = _check_of(entry)
        check.__doc__ = entry["doc"]
        rule(
            entry["code"],
            step=entry["etape"],
            title=entry["titre"],
            message=entry["message"],
            severity=entry.get("gravite", "error"),
        )(check)


_register()
