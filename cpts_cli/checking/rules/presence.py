"""Presence rules, declared as data in ``presence.yaml``: a field to fill, a list that needs
at least one entry, a field every entry of a list must fill.

Each entry is registered with ``@rule`` like the rules written in Python, so codes, steps,
documentation (``docs/codes.md``) and findings do not tell them apart. A new rule of one of
these three forms is one entry of the data file (and its case file in ``tests/cases/``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.resources import files
from typing import Any

from cpts_cli.checking.rules.engine import Context, Hit, filled, hit, rule


def _field(ptr: str) -> Callable[[Context], Iterable[Hit]]:
    def check(ctx: Context) -> Iterable[Hit]:
        if not filled(ctx.get(ptr)):
            yield hit(ptr)

    return check


def _non_empty_list(ptr: str) -> Callable[[Context], Iterable[Hit]]:
    def check(ctx: Context) -> Iterable[Hit]:
        if not any(True for _ in ctx.items(ptr)):
            yield hit(ptr)

    return check


def _field_of_each(ptr: str, key: str, named_by: str) -> Callable[[Context], Iterable[Hit]]:
    def check(ctx: Context) -> Iterable[Hit]:
        for i, item in ctx.items(ptr):
            if not filled(item.get(key)):
                yield hit(f"{ptr}/{i}", **{named_by: item.get(named_by, "?")})

    return check


def _check_of(entry: dict[str, Any]) -> Callable[[Context], Iterable[Hit]]:
    if "champ" in entry:
        return _field(entry["champ"])
    if "liste_non_vide" in entry:
        return _non_empty_list(entry["liste_non_vide"])
    return _field_of_each(entry["liste"], entry["champ_de_chaque"], entry["nomme_par"])


def _register() -> None:
    from ruamel.yaml import YAML

    text = (files("cpts_cli.checking.rules") / "presence.yaml").read_text(encoding="utf-8")
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
