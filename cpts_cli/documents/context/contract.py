"""Step 8 — the ACI contract: missions, indicators and their levels, contract years, deadlines."""

from __future__ import annotations

import datetime as _dt

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source
from cpts_cli.support.dates import add_months

#: The levels of an indicator, in order, with their labels.
LEVELS = {"socle": "Socle", "intermediaire": "Intermédiaire", "objectif": "Objectif"}
#: The kinds of indicator and their labels.
KINDS = {"processus": "Processus", "resultat": "Résultat"}


def contract(src: Source, node: dict) -> dict | None:
    if not node:
        return None
    missions = [_mission(src, m) for m in values.mappings(node.get("missions"))]
    missions.sort(key=lambda m: src.mission_order(m["code"]))
    fonctionnement = values.number(node.get("fonctionnement"))
    fixed = sum(m["fixe"] for m in missions if m["fixe"] is not None)
    variable = sum(m["variable"] for m in missions if m["variable"] is not None)
    signature = values.as_date(values.date(node.get("date_signature")))
    return {
        "date_signature": values.date(node.get("date_signature")),
        "fonctionnement": fonctionnement,
        "missions": missions,
        "indicateurs": [i for m in missions for i in m["indicateurs"]],
        "total_fixe": fixed,
        "total_variable": variable,
        "annees": _years(src, signature) if signature else [],
        "echeances": _deadlines(src, missions, signature) if signature else [],
    }


def _mission(src: Source, m: dict) -> dict:
    code = values.text(m.get("mission"))
    rule = src.rules.missions.get(code) if code else None
    return {
        "code": code,
        "libelle": src.mission_label(code),
        "socle": bool(rule and rule.socle),
        "fixe": values.number(m.get("fixe")),
        "variable": values.number(m.get("variable")),
        "conditionnelle": bool(rule and rule.condition_part_variable),
        "condition": rule.condition_part_variable if rule else None,
        "indicateurs": [
            _indicator(src, ind, code) for ind in values.mappings(m.get("indicateurs"))
        ],
    }


def _indicator(src: Source, ind: dict, mission: str | None) -> dict:
    kind = values.text(ind.get("type"))
    return {
        "id": values.text(ind.get("id")),
        "libelle": values.text(ind.get("libelle")),
        "type": kind,
        "type_libelle": KINDS.get(kind or "", kind),
        "montant": values.number(ind.get("montant")),
        "niveaux": _levels(values.mapping(ind.get("niveaux"))),
        "preuves": values.texts(ind.get("preuves")),
        "mission": mission,
        "mission_libelle": src.mission_label(mission),
    }


def _levels(niveaux: dict) -> list[dict]:
    levels = []
    for level, label in LEVELS.items():
        lv = values.mapping(niveaux.get(level))
        if lv:
            levels.append(
                {
                    "niveau": level,
                    "libelle": label,
                    "cible": values.scalar(lv.get("cible")),
                    "part": values.number(lv.get("part")),
                }
            )
    return levels


def _years(src: Source, signature: _dt.date) -> list[dict]:
    from cpts_cli.referentiel.aci import contract_years

    n = src.rules.duree_contrat_ans.valeur or 5
    return [
        {"index": y.index, "debut": y.start.isoformat(), "fin": y.end.isoformat()}
        for y in contract_years(signature, n)
    ]


def _deadlines(src: Source, missions: list[dict], signature: _dt.date) -> list[dict]:
    deadlines = []
    for m in missions:
        rule = src.rules.missions.get(m["code"]) if m["code"] else None
        if rule is None:
            continue
        start = rule.demarrage_mois.valeur if rule.demarrage_mois else None
        full = rule.deploiement_mois.valeur if rule.deploiement_mois else None
        deadlines.append(
            {
                "mission": m["code"],
                "libelle": m["libelle"],
                "demarrage_mois": start,
                "deploiement_mois": full,
                "demarrage_le": add_months(signature, start).isoformat()
                if start is not None
                else None,
                "deploiement_le": add_months(signature, full).isoformat()
                if full is not None
                else None,
            }
        )
    return deadlines
