"""Step 2 — mobilisation: the actors (their counts are those of ``cpts actors stats``), the
structures, the meetings."""

from __future__ import annotations

from typing import Any

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source


def actors(src: Source) -> dict:
    node = src.section("mobilisation")
    actors = []
    for a in values.mappings(node.get("acteurs")):
        profession = values.text(a.get("profession"))
        nom = values.text(a.get("nom"))
        prenom = values.text(a.get("prenom"))
        actors.append(
            {
                "nom": nom,
                "prenom": prenom,
                "nom_complet": " ".join(p for p in (prenom, nom) if p) or None,
                "profession": profession,
                "profession_libelle": src.profession(profession)[0],
                **src.coded(a, "mode_exercice"),
                "commune": values.text(a.get("commune")),
                "commune_nom": src.commune_name(a.get("commune")),
                "structure": values.text(a.get("structure")),
                "role": values.text(a.get("role")),
            }
        )
    # The counts are those of `cpts actors stats`: one computation for both.
    from cpts_cli.actors.stats import compute

    stats = compute(src.data)
    by_profession = [
        {
            "code": c.code,
            "libelle": src.profession(c.code)[0],
            "libelle_pluriel": src.profession(c.code)[1],
            "nombre": c.effectif,
        }
        for c in stats.professions
        if c.code
    ]
    medecins = sum(c.effectif for c in stats.professions if c.code and c.code.startswith("medecin"))
    return {
        "liste": actors,
        "total": stats.total,
        "par_profession": by_profession,
        "nb_professions": len(by_profession),
        "nb_medecins": medecins,
        "par_commune": [c.to_dict() for c in stats.communes],
        "par_mode": [c.to_dict() for c in stats.modes],
        "generalistes": stats.generalistes,
        "generalistes_pour_10000": stats.generalistes_pour_10000,
    }


def structures(src: Source, value: Any, *, imported: bool = False) -> list[dict]:
    """The structures the user listed (``imported=False``: those associated with the
    project), or those ``cpts diagnostic import`` took from FINESS (``origine: import``:
    the establishments of the territory, which the documents do not call involved)."""
    out = []
    for s in values.mappings(value):
        if (s.get("origine") == "import") != imported:
            continue
        out.append(
            {
                "nom": values.text(s.get("nom")),
                **src.coded(s, "type", "type_structure"),
                "commune": values.text(s.get("commune")),
                "commune_nom": src.commune_name(s.get("commune")),
                "finess": values.text(s.get("finess")),
            }
        )
    return out


def establishments(found: list[dict]) -> dict:
    """The establishments imported from FINESS: the list (by category, then name) and how
    many of each category."""
    listed = sorted(
        found,
        key=lambda s: (
            values.sort_key_fr(s["type_libelle"] or ""),
            values.sort_key_fr(s["nom"] or ""),
        ),
    )
    counts: dict[str, int] = {}
    for s in listed:
        counts[s["type_libelle"] or "autre"] = counts.get(s["type_libelle"] or "autre", 0) + 1
    return {
        "liste": listed,
        "par_type": [{"libelle": k, "nombre": n} for k, n in counts.items()],
        "total": len(listed),
    }


def meetings(src: Source, value: Any) -> list[dict]:
    out = []
    for r in values.mappings(value):
        out.append(
            {
                "date": values.date(r.get("date")),
                "objet": values.text(r.get("objet")),
                "participants": values.scalar(r.get("participants")),
                "lieu": values.text(r.get("lieu")),
            }
        )
    out.sort(key=lambda r: r["date"] or "")
    return out
