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
                "instance": values.text(p.get("instance")),
                "instance_libelle": values.label(src.v["instance_presentation"], p.get("instance")),
                "participants": values.text(p.get("participants")),
                "resultat": values.text(p.get("resultat")),
                "resultat_libelle": values.label(src.v["resultat_presentation"], p.get("resultat")),
                "retours": values.text(p.get("retours")),
            }
        )
    items.sort(key=lambda p: p["date"] or "")
    return {"presentations": items}
