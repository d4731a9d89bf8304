"""Step 8 — validation by the ARS: decisions, tacit validation, FIR funding."""

from __future__ import annotations

from cpts_cli.documents.context.base import (
    Source,
    _as_date,
    _date,
    _dict,
    _dicts,
    _label,
    _num,
    _str,
)
from cpts_cli.documents.context.contract import contract
from cpts_cli.support.dates import add_months


def validation(src: Source) -> dict:
    node = src.section("validation")
    sent = _date(node.get("envoi_projet"))
    sent_date = _as_date(sent)
    decisions = []
    for d in _dicts(node.get("decisions")):
        decisions.append(
            {
                "date": _date(d.get("date")),
                "instance": _str(d.get("instance")),
                "instance_libelle": _label(src.v["instance_decision"], d.get("instance")),
                "decision": _str(d.get("decision")),
                "decision_libelle": _label(src.v["decision"], d.get("decision")),
                "commentaire": _str(d.get("commentaire")),
            }
        )
    decisions.sort(key=lambda d: d["date"] or "")
    fir = [
        {
            "objet": _str(f.get("objet")),
            "montant": _num(f.get("montant")),
            "date": _date(f.get("date")),
        }
        for f in _dicts(node.get("fir"))
    ]
    fir_amounts = [f["montant"] for f in fir if f["montant"] is not None]
    return {
        "envoi_projet": sent,
        "validation_tacite_le": add_months(sent_date, 2).isoformat() if sent_date else None,
        "decisions": decisions,
        "fir": fir,
        "fir_total": sum(fir_amounts) if fir_amounts else None,
        "contrat": contract(src, _dict(node.get("contrat"))),
    }
