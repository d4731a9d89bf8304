"""``cpts territory search`` finds what people type (issue 14, point 3): typos, ``St``/``Ste``,
hyphens and apostrophes, postcodes, usual EPCI names, ties by population, exit 1 on nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_cli.referentiel import finder, store

# (text typed, expected first code, how it was found) — every example of the issue, and more.
CASES = [
    ("Anecy", "74010", "nom approché"),
    ("Bordeux", "33063", "nom approché"),
    ("Chnove", "21166", "nom approché"),
    ("Sant Etienne", "42218", "nom approché"),
    ("St Jorioz", "74242", "nom"),
    ("St-Jorioz", "74242", "nom"),
    ("St Etienne", "42218", "nom"),
    ("ST-ÉTIENNE", "42218", "nom"),
    ("Ste Marie", "97418", "nom"),  # Sainte-Marie (La Réunion), the largest Sainte-Marie
    ("Lhay les Roses", "94038", "nom"),  # L'Haÿ-les-Roses, apostrophe and hyphens left out
    ("L Hay les Roses", "94038", "nom"),
    ("21000", "21231", "code postal"),  # Dijon
    ("74000", "74010", "code postal"),  # Annecy
    ("75016", "75116", "code postal"),  # Paris 16e: the arrondissement, not Paris
    ("Grand Lyon", "200046977", "nom usuel"),  # Métropole de Lyon
    ("Grand Paris", "200054781", "nom usuel"),  # Métropole du Grand Paris
    ("MEL", "200093201", "nom usuel"),  # Métropole Européenne de Lille
    ("Évry", "91228", "nom"),  # Évry-Courcouronnes (66 919 hab.) before Évry (402 hab.)
    ("dijon", "21231", "nom"),
    ("21231", "21231", "code"),
]


@pytest.mark.parametrize(("text", "code", "how"), CASES)
def test_search_first_result(text, code, how):
    first = finder.search(text)[0]
    assert (first.code, first.correspondance) == (code, how)
    assert store.search(text)[0].code == code  # the store's search is the same one


@pytest.mark.parametrize(("text", "code", "how"), CASES)
def test_search_cli_first_result_and_exit_0(cli, text, code, how):
    result = cli("territory", "search", text, "--format", "json")
    assert result.code == 0
    first = result.json()["resultats"][0]
    label = {"code": "SIREN" if len(code) == 9 else "code INSEE"}.get(how, how)
    assert (first["code"], first["correspondance"]) == (code, label)


def test_insee_code_and_postcode_both_listed_and_labelled(cli):
    # 13001 is Aix-en-Provence's INSEE code and Marseille 1er's postcode.
    found = {(r.code, r.correspondance) for r in finder.search("13001")}
    assert found == {("13001", "code"), ("13201", "code postal")}
    out = cli("territory", "search", "13001").out
    assert "Trouvé par" in out
    lines = {line.split()[1]: line for line in out.splitlines() if line.split()[1:2]}
    assert "Aix-en-Provence" in lines["13001"] and lines["13001"].endswith("code INSEE")
    assert "Marseille 1er" in lines["13201"] and lines["13201"].endswith("code postal")
    # Lyon 1er likewise: the arrondissement for the postcode, Affoux for the INSEE code.
    assert {(r.code, r.correspondance) for r in finder.search("69001")} == {
        ("69381", "code postal"),
        ("69001", "code"),
    }


def test_shared_postcode_lists_every_commune():
    codes = store.postal_codes("01400")
    assert len(codes) > 5
    found = finder.search("01400", limit=50)
    results = [r for r in found if r.correspondance == "code postal"]
    assert sorted(r.code for r in results) == sorted(codes)
    # 01400 is also an INSEE code (Seillonnaz): listed too, labelled.
    assert [r.code for r in found if r.correspondance != "code postal"] == ["01400"]
    pops = [r.population or 0 for r in results]
    assert pops == sorted(pops, reverse=True)


def test_a_postcode_lists_all_its_communes_whatever_the_limit(cli):
    codes = store.postal_codes("51300")
    assert len(codes) > 40
    data = cli("territory", "search", "51300", "--format", "json").json()  # default limit 20
    by_postcode = [r["code"] for r in data["resultats"] if r["correspondance"] == "code postal"]
    assert sorted(by_postcode) == sorted(codes)
    assert [r["nom"] for r in data["resultats"] if r["correspondance"] == "code INSEE"] == [
        store.commune("51300").nom  # 51300 is also an INSEE code
    ]


def test_an_elided_article_written_without_apostrophe():
    assert finder.search("Lisle Adam")[0].nom == "L'Isle-Adam"
    assert finder.search("Lile Rousse")[0].nom == "L'Île-Rousse"


def test_ties_by_population():
    evry = [r.nom for r in finder.search("Évry", limit=3)]
    assert evry == ["Évry-Courcouronnes", "Évry-Grégy-sur-Yerre", "Évry"]
    marie = [r for r in finder.search("Ste Marie", limit=40) if r.nom == "Sainte-Marie"]
    assert len(marie) > 5
    assert [r.population for r in marie] == sorted((r.population for r in marie), reverse=True)


def test_plain_names_have_no_match_column(cli):
    out = cli("territory", "search", "dijon").out
    assert "Trouvé par" not in out and "Dijon Métropole" in out


def test_epci_named_after_a_commune_comes_right_after_it():
    assert [r.nom for r in finder.search("bordeaux", limit=2)] == ["Bordeaux", "Bordeaux Métropole"]
    assert [r.nom for r in finder.search("St Etienne", limit=2)] == [
        "Saint-Étienne",
        "Saint-Étienne Métropole",
    ]


def test_nothing_found_exits_1_with_nearest_names(cli):
    result = cli("territory", "search", "Bordooxx")
    assert result.code == 1
    assert "Aucune commune ni intercommunalité pour « Bordooxx »" in result.out
    assert "Noms les plus proches : Bordeaux (33063)" in result.out
    data = cli("territory", "search", "Bordooxx", "--format", "json")
    assert data.code == 1
    assert data.json()["resultats"] == []
    assert data.json()["suggestions"][0]["code"] == "33063"
    empty = cli("territory", "search", "zzzzzz")
    assert empty.code == 1 and "Noms les plus proches" not in empty.out


def test_resolve():
    assert [r.code for r in finder.resolve("Annecy")] == ["74010"]
    assert [r.code for r in finder.resolve("St Jorioz")] == ["74242"]
    assert [r.code for r in finder.resolve("Chnove")] == ["21166"]
    assert [r.code for r in finder.resolve("74000")] == ["74010"]
    assert [r.code for r in finder.resolve("Grand Lyon")] == ["200046977"]
    assert [r.code for r in finder.resolve("Évry")] == ["89162"]  # the very name, not a longer one
    assert len(finder.resolve("Sainte-Colombe")) > 5
    assert finder.resolve("zzzzzz") == []


def test_usual_names_point_to_existing_epci():
    for name, siren in finder._usual_names():
        assert store.epci(siren) is not None, name


_COMMUNES = [r[0] for r in store._all("SELECT nom FROM communes WHERE type = 'COM' ORDER BY code")]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_COMMUNES))
def test_any_commune_name_is_found_first_or_among_equals(nom):
    """A commune's exact name finds it: resolved, and listed in the first tier (only names
    equal to it, or starting with it as whole words and more populous, come before)."""
    q = store.normalise(nom)
    assert nom in [r.nom for r in finder.resolve(nom)]
    results = finder.search(nom, limit=500)
    position = next(i for i, r in enumerate(results) if r.nom == nom)
    for r in results[:position]:
        name = store.normalise(r.nom)
        assert name == q or (name.startswith(q + " ") and r.kind != store.EPCI_KIND), r


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=40), st.integers(min_value=1, max_value=30))
def test_arbitrary_text_never_crashes(text, limit):
    results = finder.search(text, limit)
    assert len(results) <= limit
    assert all(isinstance(r, store.SearchResult) for r in results)
    finder.suggestions(text)
    finder.resolve(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="abcde ", max_size=9),
    st.text(alphabet="abcde ", max_size=9),
    st.integers(min_value=0, max_value=3),
)
def test_banded_distance_is_the_bounded_osa_distance(a, b, bound):
    expected = store._osa_distance(a, b)
    assert finder._distance(a, b, bound) == (expected if expected <= bound else bound + 1)


def test_st_abbreviated_in_an_official_epci_name_is_found():
    # « CC du Pays de Pontchâteau St-Gildas-des-Bois »: its name keeps « St », the search
    # spells it out; the usual-name table carries the spelt-out name.
    found = {r.code: r for r in finder.search("St Gildas des Bois")}
    assert "44161" in found and "200000438" in found
