"""The CPTS itself: its name, its holder, its coordinator, its association."""

from __future__ import annotations

from cpts_cli.documents.context.base import (
    Source,
    _date,
    _dict,
    _dicts,
    _label,
    _str,
    _strs,
)


def cpts(src: Source) -> dict:
    node = src.section("cpts")
    assoc = _dict(node.get("association"))
    association = None
    if assoc:
        bureau = []
        for member in _dicts(assoc.get("bureau")):
            fonction = _str(member.get("fonction"))
            bureau.append(
                {
                    "fonction": fonction,
                    "fonction_libelle": _label(src.v["fonction_bureau"], fonction),
                    "nom": _str(member.get("nom")),
                    "profession": _str(member.get("profession")),
                    "profession_libelle": _label(src.v["profession"], member.get("profession")),
                }
            )
        association = {
            "nom": _str(assoc.get("nom")),
            "forme": _str(assoc.get("forme")),
            "forme_libelle": _label(src.v["forme_association"], assoc.get("forme")),
            "statut": _str(assoc.get("statut")),
            "statut_libelle": _label(src.v["statut_association"], assoc.get("statut")),
            "rna": _str(assoc.get("rna")),
            "date_creation": _date(assoc.get("date_creation")),
            "siege": _str(assoc.get("siege")),
            "bureau": bureau,
            "colleges": _strs(assoc.get("colleges")),
        }
    return {
        "nom": _str(node.get("nom")),
        "porteur": src.person(node.get("porteur"))
        or {
            "nom": None,
            "profession": None,
            "profession_libelle": None,
            "email": None,
            "telephone": None,
            "fonction": None,
        },
        "coordinateur": src.person(node.get("coordinateur")),
        "association": association,
    }
