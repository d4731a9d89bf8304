"""Step 2 — mobilisation: the actors (their counts are those of ``cpts actors stats``), the
structures, the meetings."""

from __future__ import annotations

from typing import Any

from cpts_cli.documents.context.base import (
    Source,
    _date,
    _dicts,
    _label,
    _scalar,
    _str,
)


def actors(src: Source) -> dict:
    node = src.section("mobilisation")
    actors = []
    for a in _dicts(node.get("acteurs")):
        profession = _str(a.get("profession"))
        nom = _str(a.get("nom"))
        prenom = _str(a.get("prenom"))
        actors.append(
            {
                "nom": nom,
                "prenom": prenom,
                "nom_complet": " ".join(p for p in (prenom, nom) if p) or None,
                "profession": profession,
                "profession_libelle": _label(src.v["profession"], profession),
                "mode_exercice": _str(a.get("mode_exercice")),
                "mode_exercice_libelle": _label(src.v["mode_exercice"], a.get("mode_exercice")),
                "commune": _str(a.get("commune")),
                "commune_nom": src.commune_name(a.get("commune")),
                "structure": _str(a.get("structure")),
                "role": _str(a.get("role")),
            }
        )
    # The counts are those of `cpts actors stats`: one computation for both.
    from cpts_cli.actors.stats import compute

    stats = compute(src.data)
    by_profession = [
        {"code": c.code, "libelle": c.libelle, "nombre": c.effectif}
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


def structures(src: Source, value: Any) -> list[dict]:
    out = []
    for s in _dicts(value):
        out.append(
            {
                "nom": _str(s.get("nom")),
                "type": _str(s.get("type")),
                "type_libelle": _label(src.v["type_structure"], s.get("type")),
                "commune": _str(s.get("commune")),
                "commune_nom": src.commune_name(s.get("commune")),
                "finess": _str(s.get("finess")),
            }
        )
    return out


def meetings(src: Source, value: Any) -> list[dict]:
    out = []
    for r in _dicts(value):
        out.append(
            {
                "date": _date(r.get("date")),
                "objet": _str(r.get("objet")),
                "participants": _scalar(r.get("participants")),
                "lieu": _str(r.get("lieu")),
            }
        )
    out.sort(key=lambda r: r["date"] or "")
    return out
