"""Step 8 — validation by the ARS: decisions, tacit validation, FIR funding."""

from __future__ import annotations

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source
from cpts_cli.documents.context.contract import contract
from cpts_cli.support.dates import add_months


def validation(src: Source) -> dict:
    node = src.section("validation")
    sent = values.date(node.get("envoi_projet"))
    sent_date = values.as_date(sent)
    decisions = []
    for d in values.mappings(node.get("decisions")):
        decisions.append(
            {
                "date": values.date(d.get("date")),
                **src.coded(d, "instance", "instance_decision"),
                **src.coded(d, "decision"),
                "commentaire": values.text(d.get("commentaire")),
            }
        )
    decisions.sort(key=lambda d: d["date"] or "")
    fir = [
        {
            "objet": values.text(f.get("objet")),
            "montant": values.number(f.get("montant")),
            "date": values.date(f.get("date")),
        }
        for f in values.mappings(node.get("fir"))
    ]
    fir_amounts = [f["montant"] for f in fir if f["montant"] is not None]
    return {
        "envoi_projet": sent,
        "validation_tacite_le": add_months(sent_date, 2).isoformat() if sent_date else None,
        "decisions": decisions,
        "fir": fir,
        "fir_total": sum(fir_amounts) if fir_amounts else None,
        "contrat": contract(src, values.mapping(node.get("contrat"))),
    }
