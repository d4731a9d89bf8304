"""The project's history, as the projet de santé tells it: dated events in order of date
(the first meeting, the steps done, the letter sent, the presentations, the association
created), in a reviewer's words — never « Étape terminée : … »."""

from __future__ import annotations

from typing import Any

from cpts_cli.support.formatting import list_fr, lower_first


def history(ctx: dict[str, Any]) -> list[dict]:
    """The events sorted by date (one whose date is missing last). A step done carries its
    number (``etape``): a document shows the steps before its own only."""
    events: list[dict] = []
    meetings = ctx.get("reunions") or []
    if meetings:
        first = meetings[0]
        what = (
            f"Première réunion : {lower_first(first['objet'])}"
            if first.get("objet")
            else "Première réunion"
        )
        events.append({"date": first.get("date"), "evenement": what})
    for step in ctx.get("etapes") or []:
        if step.get("terminee_le") and step.get("evenement"):
            events.append(
                {
                    "date": step["terminee_le"],
                    "evenement": step["evenement"],
                    "etape": step["numero"],
                }
            )
    letter = ctx.get("lettre") or {}
    if letter.get("date"):
        to = list_fr(letter.get("destinataires") or [])
        events.append(
            {
                "date": letter["date"],
                "evenement": "Envoi de la lettre d'intention" + (f" ({to})" if to else ""),
            }
        )
    for p in (ctx.get("presentation") or {}).get("presentations") or []:
        where = f" ({p['instance_libelle']})" if p.get("instance_libelle") else ""
        result = lower_first(p.get("resultat_libelle") or "avis à préciser")
        events.append(
            {"date": p.get("date"), "evenement": f"Présentation du projet{where} : {result}"}
        )
    association = (ctx.get("cpts") or {}).get("association") or {}
    if association.get("date_creation"):
        name = f" {association['nom']}" if association.get("nom") else ""
        events.append(
            {"date": association["date_creation"], "evenement": f"Création de l'association{name}"}
        )
    events.sort(key=lambda e: (e["date"] is None, e["date"] or ""))
    return [{"etape": None, **e} for e in events]
