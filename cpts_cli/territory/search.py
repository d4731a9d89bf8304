"""``cpts territory search``: communes and EPCI by name. Kept apart from the other ``territory`` modules
so that a search loads only the reference store (it answers as fast as ``cpts --version``)."""

from __future__ import annotations

from cpts_cli.referentiel import finder, store

KIND_LABELS = {
    "commune-actuelle": "commune",
    "arrondissement-municipal": "arrondissement",
    "commune-deleguee": "commune déléguée",
    "commune-associee": "commune associée",
    store.EPCI_KIND: "EPCI",
}


# How a result was found, as the table says it (``correspondance`` in JSON keeps the key).
MATCH_LABELS = {
    finder.NOM: "nom",
    finder.CODE: "code INSEE",
    finder.CODE_POSTAL: "code postal",
    finder.NOM_APPROCHE: "nom approché",
    finder.NOM_USUEL: "nom usuel",
}


def search(text: str, limit: int = 20) -> list[store.SearchResult]:
    """Communes, arrondissements, communes déléguées/associées and EPCI matching ``text``
    (names as typed, typos, postcodes, codes, usual EPCI names: ``finder``)."""
    return finder.search(text, limit)


def suggestions(text: str) -> list[store.SearchResult]:
    """The nearest names when nothing matches ``text``."""
    return finder.suggestions(text)


def match_label(r: store.SearchResult) -> str:
    if r.correspondance == finder.CODE and r.kind == store.EPCI_KIND:
        return "SIREN"
    return MATCH_LABELS.get(r.correspondance, r.correspondance)


def _item(r: store.SearchResult) -> dict:
    return {
        "type": KIND_LABELS.get(r.kind, r.kind),
        "code": r.code,
        "nom": r.nom,
        "departement": r.departement,
        "population": r.population,
        "commune_parente": r.commune_parente,
        "correspondance": match_label(r),
    }


def search_to_dict(
    text: str, results: list[store.SearchResult], near: list[store.SearchResult] = ()
) -> dict:
    data = {"recherche": text, "resultats": [_item(r) for r in results]}
    if not results:
        data["suggestions"] = [_item(r) for r in near]
    return data
