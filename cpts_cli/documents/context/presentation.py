"""Step 6 — the presentations to the ARS and the Assurance Maladie."""

from __future__ import annotations

from cpts_cli.documents.context.base import (
    Source,
    _date,
    _dicts,
    _label,
    _str,
)


def presentation(src: Source) -> dict:
    node = src.section("presentation")
    items = []
    for p in _dicts(node.get("presentations")):
        items.append(
            {
                "date": _date(p.get("date")),
                "instance": _str(p.get("instance")),
                "instance_libelle": _label(src.v["instance_presentation"], p.get("instance")),
                "participants": _str(p.get("participants")),
                "resultat": _str(p.get("resultat")),
                "resultat_libelle": _label(src.v["resultat_presentation"], p.get("resultat")),
                "retours": _str(p.get("retours")),
            }
        )
    items.sort(key=lambda p: p["date"] or "")
    return {"presentations": items}
