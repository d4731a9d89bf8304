"""Step 9 — what the rapport annuel adds to a year's results: the money planned against the
money received, its use against the projet de santé's budget, and the charts of the result
indicators over the contract years."""

from __future__ import annotations

import re
from decimal import Decimal

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source

#: The ACI's parts, as ``financeur`` codes, with the calendar's key for the planned amount.
ACI_PARTS = (
    ("aci_fonctionnement", "fonctionnement"),
    ("aci_part_fixe", "fixe"),
    ("aci_part_variable", "variable"),
)
ACI_CODES = frozenset(code for code, _key in ACI_PARTS) | {"aci"}


def _sum(amounts) -> int | float:
    total = sum((Decimal(str(a)) for a in amounts if a is not None), Decimal(0))
    return int(total) if total == total.to_integral_value() else float(total)


def _diff(received, planned) -> int | float | None:
    if received is None or planned is None:
        return None
    return _sum([received, -planned])


def year_money(
    src: Source, node: dict, index: object, funding: dict | None, budget: list[dict]
) -> dict:
    """The « financement » of one contract year: the resources planned and received, what
    remains to be paid after the year's end, the use of the funds against the budget."""
    fin = values.mapping(node.get("financement"))
    received = [
        {
            "financeur": values.text(r.get("financeur")),
            "libelle": values.text(r.get("libelle")),
            "montant": values.number(r.get("montant")),
        }
        for r in values.mappings(fin.get("recu"))
    ]
    spent = values.expense_lines(fin.get("utilisation"))
    calendar = (funding or {}).get("calendrier") or {}
    planned = next((y for y in calendar.get("annees") or [] if y.get("annee") == index), None)
    payments = [p for p in calendar.get("versements") or [] if p.get("annee") == index]
    rows = _resource_rows(src, received, planned)
    aci_rows = [r for r in rows if r["aci"]]
    later = [p for p in payments if not p.get("echu")]
    total_received = _sum(r["montant"] for r in received)
    total_spent = _sum(u["montant"] for u in spent)
    aci_received = _sum(r["recu"] for r in aci_rows)
    aci_planned = planned["total"] if planned else None
    # What the ACI still owes for the year and is not due yet (balances, variable part):
    # the part of a shortfall the calendar explains.
    missing = _diff(aci_planned, aci_received)
    not_due = min(missing, _sum(p["montant"] for p in later)) if later and missing else None
    return {
        "renseigne": bool(received),
        "ressources": rows,
        "aci": {
            "prevu": aci_planned,
            "recu": aci_received,
            "ecart": _diff(aci_received, aci_planned),
        },
        "variable_maximum": bool(planned and planned.get("variable_certitude") == "maximum"),
        "total_recu": total_received if received else None,
        "reste_a_verser": not_due if not_due and not_due > 0 else None,
        "reste_date": min(p["date"] for p in later) if later else None,
        "utilisation": _use_rows(spent, budget),
        "utilisation_renseignee": bool(spent),
        "budget_total": _sum(b["montant"] for b in budget) if budget else None,
        "total_depense": total_spent if spent else None,
        "solde": _diff(total_received, total_spent) if received and spent else None,
    }


def _resource_rows(src: Source, received: list[dict], planned: dict | None) -> list[dict]:
    """ACI rows (one per part, or one for the whole contract when a line gives no part),
    then the other funders' lines as recorded."""
    label = src.v["financeur"]
    rows = []
    if any(r["financeur"] == "aci" for r in received):
        got = [r["montant"] for r in received if r["financeur"] in ACI_CODES]
        rows.append(
            {
                "libelle": "Contrat ACI (toutes parts)",
                "prevu": planned["total"] if planned else None,
                "recu": _sum(got),
                "aci": True,
            }
        )
    else:
        for code, key in ACI_PARTS:
            got = [r["montant"] for r in received if r["financeur"] == code]
            rows.append(
                {
                    "libelle": values.label(label, code),
                    "prevu": planned[key] if planned else None,
                    "recu": _sum(got),
                    "aci": True,
                }
            )
    for r in received:
        if r["financeur"] in ACI_CODES:
            continue
        rows.append(
            {
                "libelle": r["libelle"] or values.label(label, r["financeur"]),
                "prevu": None,
                "recu": r["montant"],
                "aci": False,
            }
        )
    for row in rows:
        row["ecart"] = _diff(row["recu"], row["prevu"]) if row["aci"] else None
    return rows


def _key(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("’", "'")).strip().casefold()


def _use_rows(spent: list[dict], budget: list[dict]) -> list[dict]:
    """The budget's lines with what was spent on each (same wording of the poste), then the
    expenses outside the budget."""
    by_key: dict[str, list[dict]] = {}
    for u in spent:
        by_key.setdefault(_key(u["poste"]), []).append(u)
    rows = []
    for b in budget:
        matched = by_key.pop(_key(b["poste"]), [])
        amount = _sum(u["montant"] for u in matched) if matched else None
        rows.append(
            {
                "poste": b["poste"],
                "prevu": b["montant"],
                "depense": amount,
                "ecart": _diff(amount if matched else 0, b["montant"]),
            }
        )
    for group in by_key.values():
        rows.append(
            {
                "poste": group[0]["poste"],
                "prevu": None,
                "depense": _sum(u["montant"] for u in group),
                "ecart": None,
            }
        )
    return rows


def indicator_charts(contract: dict, years: list[dict]) -> list[dict]:
    """One chart per result indicator of the contract with a figure in at least one year:
    its result in each contract year up to the last one recorded, and its targets."""
    recorded = [y for y in years if isinstance(y["annee"], int)]
    if not recorded:
        return []
    last = max(y["annee"] for y in recorded)
    charts = []
    used: set[str] = set()
    for ind in contract.get("indicateurs") or []:
        if ind.get("type") != "resultat" or not ind.get("id"):
            continue
        points = {}
        for y in recorded:
            for r in y["resultats"]:
                value = r["resultat"]
                if r["indicateur"] == ind["id"] and values.number(value) is not None:
                    points.setdefault(y["annee"], value)
        if not points:
            continue
        name = values.slug(ind["id"]) or "indicateur"
        path, k = f"images/rapport-annuel-{name}.png", 1
        while path in used:
            k += 1
            path = f"images/rapport-annuel-{name}-{k}.png"
        used.add(path)
        targets = [
            {"libelle": lv["libelle"], "valeur": lv["cible"]}
            for lv in ind.get("niveaux") or []
            if values.number(lv.get("cible")) is not None
        ]
        charts.append(
            {
                "type": "evolution",
                "chemin": path,
                "indicateur": ind["id"],
                "legende": f"{ind['id']}. {ind.get('libelle') or ''} : résultat de chaque "
                "année de contrat et cibles du contrat",
                "serie": {
                    "titre": f"{ind['id']}. {ind.get('libelle') or ''}",
                    "annees": list(range(1, last + 1)),
                    "valeurs": [points.get(k) for k in range(1, last + 1)],
                    "cibles": targets,
                },
            }
        )
    return charts
