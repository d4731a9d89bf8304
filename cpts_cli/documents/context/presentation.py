"""Step 6 — the presentations to the ARS and the Assurance Maladie."""

from __future__ import annotations

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source


def presentation(src: Source) -> dict:
    node = src.section("presentation")
    items = []
    for p in values.mappings(node.get("presentations")):
        items.append(
            {
                "date": values.date(p.get("date")),
                **src.coded(p, "instance", "instance_presentation"),
                "participants": values.text(p.get("participants")),
                **src.coded(p, "resultat", "resultat_presentation"),
                "retours": values.text(p.get("retours")),
            }
        )
    items.sort(key=lambda p: p["date"] or "")
    return {"presentations": items}
