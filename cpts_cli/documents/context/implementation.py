"""Step 9 — implementation: the annual results, what they earned, the money of each year
(:mod:`.annual`) and the charts of the result indicators."""

from __future__ import annotations

from cpts_cli.documents.context import values
from cpts_cli.documents.context.annual import indicator_charts, year_money
from cpts_cli.documents.context.base import Source


def funding(src: Source) -> dict | None:
    """What the ACI pays and what the results earned (:mod:`cpts_cli.funding.model`)."""
    from cpts_cli.funding import model as funding

    try:
        return funding.compute(src.data, today=src.today).to_dict()
    except Exception:  # noqa: BLE001 - a draft of a broken file still renders
        return None


def implementation(
    src: Source, validation: dict, financement: dict | None, budget: list[dict] | None = None
) -> dict:
    node = src.section("mise_en_oeuvre")
    contract = validation["contrat"] or {"indicateurs": [], "missions": [], "annees": []}
    periods = {y["index"]: y for y in contract["annees"]}
    earned_years = {y["annee"]: y for y in (financement or {}).get("variable_acquise") or []}
    years = []
    for y in values.mappings(node.get("annees")):
        index = values.number(y.get("annee"))
        earned = earned_years.get(index) if isinstance(index, int) else None
        results = _results(src, y, contract, earned)
        activity = values.mapping(y.get("activite"))
        period = periods.get(index) if isinstance(index, int) else None
        reported = {r["indicateur"] for r in results}
        years.append(
            {
                "annee": index,
                "debut": period["debut"] if period else None,
                "fin": period["fin"] if period else None,
                "crise_reconnue": y.get("crise_reconnue") is True,
                "resultats": results,
                "sans_resultat": [
                    i for i in contract["indicateurs"] if i["id"] and i["id"] not in reported
                ],
                "variable": earned,
                "financement": year_money(src, y, index, financement, budget or []),
                "difficultes": values.text(y.get("difficultes")),
                "perspectives": values.text(y.get("perspectives")),
                "derniere_du_contrat": index == len(contract["annees"]),
                "activite": {
                    "reunions": values.scalar(activity.get("reunions")),
                    "adherents": values.scalar(activity.get("adherents")),
                    "actions": values.text(activity.get("actions")),
                },
            }
        )
    years.sort(key=lambda y: y["annee"] if isinstance(y["annee"], (int, float)) else 99)
    charts = indicator_charts(contract, years)
    charted = {c["indicateur"] for c in charts}
    return {
        "annees": years,
        "graphiques": charts,
        "sans_graphique": [
            i
            for i in contract["indicateurs"]
            if i["type"] == "resultat" and i["id"] and i["id"] not in charted
        ]
        if years
        else [],
    }


def _results(src: Source, y: dict, contract: dict, earned: dict | None) -> list[dict]:
    """The results of one year, each with its contract indicator and what it earned."""
    by_id = {i["id"]: i for i in contract["indicateurs"] if i["id"]}
    earned_ind = {i["id"]: i for m in (earned or {}).get("missions", []) for i in m["indicateurs"]}
    results = []
    for r in values.mappings(y.get("resultats")):
        ind_id = values.text(r.get("indicateur"))
        ind = by_id.get(ind_id) or {}
        level = values.text(r.get("niveau_atteint"))
        money = earned_ind.get(ind_id) or {}
        results.append(
            {
                "indicateur": ind_id,
                "libelle": ind.get("libelle"),
                "type": ind.get("type"),
                "type_libelle": ind.get("type_libelle"),
                "mission": ind.get("mission"),
                "mission_libelle": ind.get("mission_libelle"),
                "niveaux": ind.get("niveaux", []),
                "resultat": values.scalar(r.get("resultat")),
                "niveau": level,
                "niveau_libelle": values.label(src.v["niveau"], level),
                "preuves": values.texts(r.get("preuves")),
                "montant": ind.get("montant"),
                "part": money.get("part"),
                "acquis": money.get("montant_acquis"),
                "note": money.get("note"),
            }
        )
    return results
