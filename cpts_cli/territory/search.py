"""``cpts territory search``: communes and EPCI by name. Kept apart from the other ``territory`` modules
so that a search loads only the reference store (it answers as fast as ``cpts --version``)."""

from __future__ import annotations

from cpts_cli.referentiel import store

KIND_LABELS = {
    "commune-actuelle": "commune",
    "arrondissement-municipal": "arrondissement",
    "commune-deleguee": "commune déléguée",
    "commune-associee": "commune associée",
    store.EPCI_KIND: "EPCI",
}


def search(text: str, limit: int = 20) -> list[store.SearchResult]:
    """Communes, arrondissements, communes déléguées/associées and EPCI matching ``text``."""
    return store.search(text, limit=limit)


def search_to_dict(text: str, results: list[store.SearchResult]) -> dict:
    return {
        "recherche": text,
        "resultats": [
            {
                "type": KIND_LABELS.get(r.kind, r.kind),
                "code": r.code,
                "nom": r.nom,
                "departement": r.departement,
                "population": r.population,
                "commune_parente": r.commune_parente,
            }
            for r in results
        ],
    }
