"""Step 1 — the territory: communes, EPCI, population and size tier, departments, regions, ARS."""

from __future__ import annotations

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source


def territory(src: Source) -> dict:
    from cpts_cli.referentiel import store
    from cpts_cli.territory.summary import derive

    node = src.section("territoire")
    terr = derive(node)
    src.derived_territory = terr
    communes = []
    for code in terr.counted_codes:
        c = terr.members[code].commune
        dep = store.departement(c.departement)
        communes.append(
            {
                "code": c.code,
                "nom": c.nom,
                "departement": c.departement,
                "departement_nom": dep.nom if dep else None,
                "population": c.population,
            }
        )
    communes.sort(key=lambda c: (*values.sort_key_fr(c["nom"]), c["code"]))
    departements = []
    for code in terr.departements:
        dep = store.departement(code)
        departements.append({"code": code, "nom": dep.nom if dep else code})
    regions = []
    for code in terr.regions:
        reg = store.region(code)
        regions.append({"code": code, "nom": reg.nom if reg else code})
    ars = [{"code": a.code, "nom": a.nom, "libelle": a.libelle} for a in terr.ars]
    referente = _referente(ars, values.text(node.get("ars_referente")))
    meta = store.meta()
    population = terr.population
    override = terr.override
    taille = None
    taille_note = None
    result = terr.tier(src.rules)
    if result is not None:
        taille, taille_note = result.taille, result.bound_note
    epcis = []
    for _ptr, e in terr.epcis:
        epcis.append(
            {"siren": e.siren, "nom": e.nom, "type": e.type, "nb_communes": len(e.membres)}
        )
    return {
        "communes": communes,
        "nb_communes": len(communes),
        "epci": epcis,
        "population": population,
        "population_reference": terr.population_reference,
        "population_source": (
            override.source
            if override
            else f"INSEE, populations légales, millésime {meta.get('population_millesime', '?')}"
        ),
        "population_saisie": bool(override),
        "population_millesime": meta.get("population_millesime"),
        "communes_sans_population": terr.communes_without_population,
        "departements": departements,
        "regions": regions,
        "ars": ars,
        "plusieurs_ars": len(ars) > 1,
        "ars_referente": referente,
        "justification": values.text(node.get("justification")),
        "taille": taille,
        "taille_note": taille_note,
        "source_referentiel": (
            f"{meta.get('source', '')} {meta.get('version', '')}, "
            f"COG {meta.get('cog', '')}, {meta.get('licence', '')}"
        ).strip(),
        "codes_inconnus": [r.code for _p, r in terr.unknown_communes]
        + [s for _p, s in terr.unknown_epci],
    }


def _referente(ars: list[dict], referente_code: str | None) -> dict | None:
    """The referent ARS: the one the user named (among the territory's or any other), else
    the territory's only ARS."""
    from cpts_cli.referentiel import store

    referente = next((a for a in ars if a["code"] == referente_code), None)
    if referente is None and referente_code:
        known = store.ars(referente_code)
        if known is not None:
            referente = {"code": known.code, "nom": known.nom, "libelle": known.libelle}
    if referente is None and len(ars) == 1:
        referente = ars[0]
    return referente


#: Where the documents show the map of the territory, and its image path.
MAP_PATH = "images/carte-territoire.png"


def territory_map(territoire: dict, structures_node) -> dict | None:
    """The map request of the documents (drawn by ``documents.charts.ChartStore`` through
    ``territory.carte``): the territory's communes and the structures that have coordinates;
    None without a commune."""
    from cpts_cli.territory.carte import DOCUMENT_HEIGHT_IN, structure_points

    codes = [c["code"] for c in territoire["communes"]]
    if not codes:
        return None
    points = structure_points(structures_node)
    said = f"{len(codes)} communes du territoire" if len(codes) > 1 else "La commune du territoire"
    if len(codes) > 1:
        said = "Les " + said
    if points:
        said += (
            f" et {len(points)} structures de santé localisées"
            if len(points) > 1
            else " et la structure de santé localisée"
        )
    return {
        "type": "carte",
        "chemin": MAP_PATH,
        "legende": said + ", parmi les communes voisines",
        "communes": codes,
        "points": [list(p) for p in points],
        "titre": "",
        "hauteur_max": DOCUMENT_HEIGHT_IN,
        "nb_structures": len(points),
    }
