"""The ACI rules of the project's version: missions, amounts by size tier."""

from __future__ import annotations

from cpts_cli.documents.context.base import (
    Source,
    _figure,
    _label,
)


def aci(src: Source, taille: int | None) -> dict:
    r = src.rules
    missions = []
    for m in r.missions.values():
        missions.append(
            {
                "code": m.code,
                "libelle": _label(src.v["mission"], m.code) or m.libelle,
                "socle": m.socle,
                "categorie": m.categorie,
                "demarrage": _figure(m.demarrage_mois),
                "deploiement": _figure(m.deploiement_mois),
                "note_delais": m.note_delais,
                "condition_part_variable": m.condition_part_variable,
            }
        )
    return {
        "version": r.code,
        "titre": r.texte.titre,
        "reference": r.texte.reference,
        "source": r.texte.source,
        "duree_contrat_ans": r.duree_contrat_ans.valeur,
        "missions": missions,
        "missions_socle": [m for m in missions if m["socle"]],
        "taille": taille,
        "fonctionnement": _figure(r.fonctionnement.get(taille)) if taille else None,
        "plafond": _figure(r.plafonds.get(taille)) if taille else None,
        "aide_lettre_intention": _figure(r.aide_lettre_intention.get(taille)) if taille else None,
    }
