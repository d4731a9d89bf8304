"""Step 5 — the letter of intent."""

from __future__ import annotations

import re

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source
from cpts_cli.support.formatting import lower_first


def letter(src: Source, territory: dict) -> dict:
    node = src.section("lettre_intention")
    recipients = values.texts(node.get("destinataires"))
    if not recipients:
        recipients = [a["libelle"] for a in territory["ars"]]
    orientations = _orientations(src, values.mapping(node.get("orientations")))
    calendar = [
        {
            "echeance": values.date(c.get("echeance")),
            # The last day a planned month covers (the day itself for a date): a month is
            # past only once it is over.
            "echeance_fin": _last_day(c.get("echeance")),
            "etape": values.text(c.get("etape")),
        }
        for c in values.mappings(node.get("calendrier"))
    ]
    calendar.sort(key=lambda c: c["echeance"] or "")
    means = []
    for m in values.mappings(node.get("moyens_demandes")):
        means.append(
            {
                **src.coded(m, "type", "type_moyen"),
                "description": values.text(m.get("description")),
                "montant": values.number(m.get("montant")),
            }
        )
    amounts = [m["montant"] for m in means if m["montant"] is not None]
    projects = []
    for p in values.mappings(node.get("projets_existants")):
        coded = src.coded(p, "type", "type_projet_existant")
        name = values.text(p.get("nom"))
        projects.append(
            {
                **coded,
                "nom": name,
                "type_a_dire": _kind_not_said(coded["type_libelle"], name),
                "lien": values.text(p.get("lien")),
            }
        )
    signatories = [src.person(s) for s in values.mappings(node.get("signataires"))]
    to_associate = values.text(node.get("acteurs_a_associer"))
    return {
        "date": values.date(node.get("date")),
        **_association_at_letter_date(src, node.get("date")),
        "destinataires": recipients,
        "destinataires_saisis": bool(values.texts(node.get("destinataires"))),
        "orientations": orientations,
        "calendrier": calendar,
        "moyens": means,
        "total_moyens": sum(amounts) if amounts else None,
        "projets_existants": projects,
        "acteurs_a_associer": to_associate,
        # A list typed on one line (« Pharmaciens, kinésithérapeutes, EHPAD »), not sentences:
        # introduced by « Restent à associer au projet : ».
        "acteurs_a_associer_liste": bool(to_associate)
        and "\n" not in to_associate.strip()
        and to_associate.rstrip()[-1] not in ".!?…",
        # « Non » to « Y a-t-il des projets existants… ? » (an empty list written on purpose)
        "aucun_projet_existant": node.get("projets_existants") == [],
        "signataires": [s for s in signatories if s],
    }


def _kind_not_said(label: str | None, name: str | None) -> str | None:
    """The kind of an existing project, to print after its name — unless the name already
    says it (« Contrat local de santé du Val de Saône », « MSP de la Plaine »). Printed in
    parentheses after the name, it loses its own (« Contrat local de santé (CLS) » →
    « contrat local de santé »)."""
    if not label:
        return None
    match = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", label)
    words, acronym = (match.group(1), match.group(2)) if match else (label, None)
    said = (name or "").lower()
    if words.lower() in said or (acronym and re.search(rf"\b{re.escape(acronym.lower())}\b", said)):
        return None
    return lower_first(words)


def _association_at_letter_date(src: Source, letter_date) -> dict:
    """The association's status as it was on the letter's date: one created after the letter
    was still being created then, whatever its status today (a letter re-rendered after the
    association's declaration stays as it was sent)."""
    association = values.mapping(src.section("cpts").get("association"))
    status = association.get("statut")
    created = values.as_date(association.get("date_creation"))
    written = values.as_date(letter_date)
    if status == "declaree" and created and written and created > written:
        status = "en_creation"
    return {
        "statut_association": values.label(src.v["statut_association"], status),
        "association_en_creation": status == "en_creation",
    }


def _orientations(src: Source, orientations_node: dict) -> list[dict]:
    """One orientation per mission written, and per socle mission (written or not), in the
    ACI's order."""
    orientations = []
    codes = list(src.rules.missions) + [c for c in orientations_node if c not in src.rules.missions]
    for code in codes:
        text = values.text(orientations_node.get(code))
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


def _last_day(value) -> str | None:
    from cpts_cli.support.dates import plan_bounds

    bounds = plan_bounds(value)
    return bounds[1].isoformat() if bounds else None
