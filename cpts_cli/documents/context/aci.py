"""The ACI rules of the project's version: missions, amounts by size tier."""

from __future__ import annotations

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source


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
        "titre": r.texte.titre,
        "reference": r.texte.reference,
        "source": r.texte.source,
        "duree_contrat_ans": r.duree_contrat_ans.valeur,
        "missions": missions,
        "missions_socle": [m for m in missions if m["socle"]],
        "taille": taille,
        "fonctionnement": values.figure(r.fonctionnement.get(taille)) if taille else None,
        "plafond": values.figure(r.plafonds.get(taille)) if taille else None,
        "aide_lettre_intention": values.figure(r.aide_lettre_intention.get(taille))
        if taille
        else None,
    }
