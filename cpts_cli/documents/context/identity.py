"""The CPTS itself: its name, its holder, its coordinator, its association."""

from __future__ import annotations

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source


def cpts(src: Source) -> dict:
    node = src.section("cpts")
    assoc = values.mapping(node.get("association"))
    association = None
    if assoc:
        bureau = []
        for member in values.mappings(assoc.get("bureau")):
            fonction = values.text(member.get("fonction"))
            bureau.append(
                {
                    "fonction": fonction,
                    "fonction_libelle": values.label(src.v["fonction_bureau"], fonction),
                    "nom": values.text(member.get("nom")),
                    "profession": values.text(member.get("profession")),
                    "profession_libelle": src.profession(member.get("profession"))[0],
                }
            )
        association = {
            "nom": values.text(assoc.get("nom")),
            **src.coded(assoc, "forme", "forme_association"),
            **src.coded(assoc, "statut", "statut_association"),
            "rna": values.text(assoc.get("rna")),
            "date_creation": values.date(assoc.get("date_creation")),
            "siege": values.text(assoc.get("siege")),
            "bureau": bureau,
            "colleges": values.texts(assoc.get("colleges")),
        }
    return {
        "nom": values.text(node.get("nom")),
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
