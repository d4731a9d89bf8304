"""Step 7 — the health project: the DGOS items, the action sheets by mission, governance,
the deployment calendar, the budget (expenses, income and balance)."""

from __future__ import annotations

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source


def _dgos_titles() -> list[tuple[str, str]]:
    from cpts_cli.support.resources import schema

    node = schema()["properties"]["projet_sante"]["properties"]["items_dgos"]["properties"]
    return [(code, sub.get("title") or code) for code, sub in node.items()]


def health_project(src: Source, priorities: dict, financement: dict | None = None) -> dict:
    node = src.section("projet_sante")
    items_node = values.mapping(node.get("items_dgos"))
    items = [
        {"code": code, "titre": title, "texte": values.text(items_node.get(code))}
        for code, title in _dgos_titles()
    ]
    missions = _missions(src, values.mapping(node.get("missions")), priorities)
    n_sheets = sum(len(m["fiches"]) for m in missions)
    gov = values.mapping(node.get("gouvernance"))
    partnerships = [
        {
            "nom": values.text(p.get("nom")),
            **src.coded(p, "type", "type_structure"),
            "objet": values.text(p.get("objet")),
        }
        for p in values.mappings(node.get("partenariats"))
    ]
    budget = values.expense_lines(node.get("budget"))
    amounts = [b["montant"] for b in budget if b["montant"] is not None]
    return {
        "version": values.text(node.get("version")),
        "date": values.date(node.get("date")),
        "items_dgos": items,
        "items_dgos_par_code": {i["code"]: i for i in items},
        "missions": missions,
        "nb_fiches": n_sheets,
        "gouvernance": {
            "instances": values.text(gov.get("instances")),
            "coordinateur": values.text(gov.get("coordinateur")),
        },
        "partenariats": partnerships,
        "calendrier_deploiement": deployment(
            src, values.mapping(node.get("calendrier_deploiement"))
        ),
        "budget": budget,
        "budget_total": sum(amounts) if amounts else None,
        **_income(src, node, financement),
    }


def _income(src: Source, node: dict, financement: dict | None) -> dict:
    """The budget's income (the ACI's payments, the other funders) and its balance
    (:mod:`cpts_cli.funding.budget`)."""
    from cpts_cli.funding.budget import balance

    result = balance(node, financement).to_dict()
    words = src.v.extra("statut_recette", "x-libelles-documents")
    for line in result["recettes"]:
        line["statut_libelle"] = words.get(line["statut"]) or values.text(line["statut"])
    return {
        "recettes_aci": result.pop("aci"),
        "recettes": result.pop("recettes"),
        "equilibre": result,
    }


def _missions(src: Source, missions_node: dict, priorities: dict) -> list[dict]:
    """The missions the project writes about, and every socle mission, in the ACI's order."""
    codes = sorted(missions_node, key=lambda c: (src.mission_order(c), str(c)))
    for m in src.rules.socle():
        if m.code not in codes:
            codes.append(m.code)
    codes.sort(key=lambda c: (src.mission_order(c), str(c)))
    missions = []
    for code in codes:
        sheets = [
            _sheet(f, priorities)
            for f in values.mappings(values.mapping(missions_node.get(code)).get("fiches_actions"))
        ]
        missions.append(
            {
                "code": code,
                "libelle": src.mission_label(code),
                "socle": src.is_socle(code),
                "fiches": sheets,
            }
        )
    return missions


def _sheet(f: dict, priorities: dict) -> dict:
    """One action sheet (fiche-action)."""
    cal = values.mapping(f.get("calendrier"))
    return {
        "id": values.text(f.get("id")),
        "titre": values.text(f.get("titre")),
        "objectif": values.text(f.get("objectif")),
        "actions": values.texts(f.get("actions")),
        "pilote": values.text(f.get("pilote")),
        "partenaires": values.texts(f.get("partenaires")),
        "calendrier": {
            "debut": values.date(cal.get("debut")),
            "fin": values.date(cal.get("fin")),
        },
        "moyens": values.text(f.get("moyens")),
        "problematiques": [
            {
                "id": pid,
                "libelle": (priorities["par_id"].get(pid) or {}).get("libelle"),
            }
            for pid in values.texts(f.get("problematiques"))
        ],
        "indicateurs": [
            {
                "libelle": values.text(ind.get("libelle")),
                "valeur_initiale": values.scalar(ind.get("valeur_initiale")),
                "cible": values.scalar(ind.get("cible")),
                "unite": values.text(ind.get("unite")),
            }
            for ind in values.mappings(f.get("indicateurs"))
        ],
    }


def deployment(src: Source, node: dict) -> list[dict]:
    out = []
    codes = list(src.rules.missions) + [c for c in node if c not in src.rules.missions]
    for code in codes:
        entry = values.mapping(node.get(code))
        mission = src.rules.missions.get(code)
        if not entry and not (mission and mission.socle):
            continue
        start = values.number(entry.get("demarrage_mois"))
        full = values.number(entry.get("deploiement_mois"))
        max_start = mission.demarrage_mois.valeur if mission and mission.demarrage_mois else None
        max_full = mission.deploiement_mois.valeur if mission and mission.deploiement_mois else None
        ok = None
        if start is not None and full is not None:
            ok = (max_start is None or start <= max_start) and (
                max_full is None or full <= max_full
            )
        out.append(
            {
                "mission": code,
                "libelle": src.mission_label(code),
                "socle": bool(mission and mission.socle),
                "demarrage": start,
                "deploiement": full,
                "max_demarrage": max_start,
                "max_deploiement": max_full,
                "statut_delais": mission.demarrage_mois.statut
                if mission and mission.demarrage_mois
                else None,
                "conforme": ok,
                "note": mission.note_delais if mission else None,
            }
        )
    return out
