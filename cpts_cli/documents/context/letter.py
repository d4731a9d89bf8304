"""Step 5 — the letter of intent."""

from __future__ import annotations

from cpts_cli.documents.context.base import (
    Source,
    _date,
    _dict,
    _dicts,
    _label,
    _num,
    _str,
    _strs,
)


def letter(src: Source, territory: dict) -> dict:
    node = src.section("lettre_intention")
    recipients = _strs(node.get("destinataires"))
    if not recipients:
        recipients = [a["libelle"] for a in territory["ars"]]
    orientations = _orientations(src, _dict(node.get("orientations")))
    calendar = [
        {"echeance": _date(c.get("echeance")), "etape": _str(c.get("etape"))}
        for c in _dicts(node.get("calendrier"))
    ]
    calendar.sort(key=lambda c: c["echeance"] or "")
    means = []
    for m in _dicts(node.get("moyens_demandes")):
        means.append(
            {
                "type": _str(m.get("type")),
                "type_libelle": _label(src.v["type_moyen"], m.get("type")),
                "description": _str(m.get("description")),
                "montant": _num(m.get("montant")),
            }
        )
    amounts = [m["montant"] for m in means if m["montant"] is not None]
    projects = []
    for p in _dicts(node.get("projets_existants")):
        projects.append(
            {
                "type": _str(p.get("type")),
                "type_libelle": _label(src.v["type_projet_existant"], p.get("type")),
                "nom": _str(p.get("nom")),
                "lien": _str(p.get("lien")),
            }
        )
    signatories = [src.person(s) for s in _dicts(node.get("signataires"))]
    return {
        "date": _date(node.get("date")),
        "destinataires": recipients,
        "destinataires_saisis": bool(_strs(node.get("destinataires"))),
        "orientations": orientations,
        "calendrier": calendar,
        "moyens": means,
        "total_moyens": sum(amounts) if amounts else None,
        "projets_existants": projects,
        "acteurs_a_associer": _str(node.get("acteurs_a_associer")),
        "signataires": [s for s in signatories if s],
    }


def _orientations(src: Source, orientations_node: dict) -> list[dict]:
    """One orientation per mission written, and per socle mission (written or not), in the
    ACI's order."""
    orientations = []
    codes = list(src.rules.missions) + [c for c in orientations_node if c not in src.rules.missions]
    for code in codes:
        text = _str(orientations_node.get(code))
        if text is None and not src.is_socle(code):
            continue
        orientations.append(
            {
                "mission": code,
                "libelle": src.mission_label(code),
                "socle": src.is_socle(code),
                "texte": text,
            }
        )
    return orientations
