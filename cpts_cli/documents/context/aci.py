"""The ACI rules of the project's version: missions, amounts by size tier."""

from __future__ import annotations

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source

NBSP = "\u00a0"


def aci(src: Source, taille: int | None) -> dict:
    r = src.rules
    missions = []
    for m in r.missions.values():
        missions.append(
            {
                "code": m.code,
                "libelle": values.label(src.v["mission"], m.code) or m.libelle,
                "socle": m.socle,
                "categorie": m.categorie,
                "demarrage": values.figure(m.demarrage_mois),
                "deploiement": values.figure(m.deploiement_mois),
                "note_delais": m.note_delais,
                "condition_part_variable": m.condition_part_variable,
            }
        )
    return {
        "version": r.code,
        "intitule": _name(r),
        "titre": r.texte.titre,
        "reference": r.texte.reference,
        "source": r.texte.source,
        "duree_contrat_ans": r.duree_contrat_ans.valeur,
        "missions": missions,
        "missions_socle": [m for m in missions if m["socle"]],
        "taille": taille,
        "libelle_taille": r.tier_label(taille) if taille else None,
        "fonctionnement": values.figure(r.fonctionnement.get(taille)) if taille else None,
        "plafond": values.figure(r.plafonds.get(taille)) if taille else None,
        "aide_lettre_intention": values.figure(r.aide_lettre_intention.get(taille))
        if taille
        else None,
    }


def _name(r) -> str:
    """The text as a reviewer names it: « Accord conventionnel interprofessionnel du 20 juin
    2019, modifié par l'avenant 2 du 20 décembre 2021 » (never the tool's « avenant-2 »)."""
    from cpts_cli.referentiel import aci as aci_rules
    from cpts_cli.support.formatting import long_date

    if not r.texte.modifie:
        return f"Accord conventionnel interprofessionnel du {long_date(r.texte.signature, NBSP)}"
    base = aci_rules.load(r.texte.modifie)
    number = r.code.rpartition("-")[2]
    return f"{_name(base)}, modifié par l'avenant {number} du {long_date(r.texte.signature, NBSP)}"
