"""Reference data store: facts checked against @etalab/decoupage-administratif 6.0.0."""

from __future__ import annotations

import dataclasses
import sqlite3
import time

import pytest

from cpts_cli.referentiel import store


def test_data_file_is_in_the_package():
    path = store.data_path()
    assert path.name == "referentiel.sqlite"
    assert path.is_file()
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"


def test_meta_names_source_version_and_licence():
    m = store.meta()
    assert m["source"] == "@etalab/decoupage-administratif"
    assert m["version"] == "6.0.0"
    assert m["integrity"].startswith("sha512-")
    assert m["licence"] == "Licence Ouverte / Etalab 2.0"
    assert m["cog"] == "2026"
    assert m["population_millesime"] == "2023"
    assert "Mayotte" in m["population_note_mayotte"] and "2017" in m["population_note_mayotte"]


def test_connection_is_read_only():
    con = store._connection()
    assert store._connection() is con
    with pytest.raises(sqlite3.OperationalError):
        con.execute("DELETE FROM meta")


def test_dijon():
    c = store.commune("21231")
    assert c == store.Commune(
        code="21231",
        type="commune-actuelle",
        nom="Dijon",
        departement="21",
        region="27",
        population=161830,
        commune_parente=None,
    )
    assert not c.is_arrondissement
    assert store.departement("21") == store.Departement("21", "Côte-d'Or", "27")
    assert store.region("27") == store.Region("27", "Bourgogne-Franche-Comté")


def test_results_are_frozen():
    c = store.commune("21231")
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.population = 1  # type: ignore[misc]


def test_codes_are_strings_and_cleaned():
    with pytest.raises(TypeError):
        store.commune(21231)  # type: ignore[arg-type]
    assert store.commune(" 2a004 ").nom == "Ajaccio"
    assert store.commune("2B033").nom == "Bastia"


def test_paris_and_its_arrondissements():
    paris = store.commune("75056")
    assert paris.nom == "Paris" and paris.type == "commune-actuelle"
    assert paris.population == 2103778
    a13 = store.commune("75113")
    assert a13.type == "arrondissement-municipal" and a13.is_arrondissement
    assert a13.nom == "Paris 13e Arrondissement"
    assert a13.commune_parente == "75056"
    assert a13.population == 181271
    arr = store.arrondissements("75056")
    assert [a.code for a in arr] == [f"751{i:02d}" for i in range(1, 21)]
    # The whole commune equals the sum of its arrondissements: never count both.
    assert sum(a.population for a in arr) == paris.population


@pytest.mark.parametrize(
    ("commune", "first", "last", "count"),
    [
        ("75056", "75101", "75120", 20),
        ("69123", "69381", "69389", 9),
        ("13055", "13201", "13216", 16),
    ],
)
def test_plm_arrondissements(commune, first, last, count):
    arr = store.arrondissements(commune)
    assert len(arr) == count
    assert (arr[0].code, arr[-1].code) == (first, last)
    assert sum(a.population for a in arr) == store.commune(commune).population


def test_marseille_1er():
    m1 = store.commune("13201")
    assert m1.nom == "Marseille 1er Arrondissement"
    assert m1.commune_parente == "13055"
    assert m1.departement == "13" and m1.region == "93"
    assert m1.population == 37599
    r = store.resolve_commune("13201")
    assert r.status == store.CURRENT and r.commune == m1


def test_resolve_current():
    r = store.resolve_commune("21231")
    assert r.status == store.CURRENT and r.is_current and r.is_known
    assert r.commune.nom == "Dijon"
    assert r.former_nom is None and r.suggestions == ()


def test_resolve_old_code():
    # 01126 is in the anciensCodes of Valserhône (01033) and exists nowhere else.
    assert store.commune("01126") is None
    r = store.resolve_commune("01126")
    assert r.status == store.OLD_CODE and not r.is_current and r.is_known
    assert r.commune.code == "01033" and r.commune.nom == "Valserhône"
    # Corsica before 1976: 20004 is now Ajaccio, 2A004.
    r = store.resolve_commune("20004")
    assert r.status == store.OLD_CODE and r.commune.code == "2A004"


def test_resolve_deleguee_only_code():
    # Crimolois (21213) is only a commune déléguée of Neuilly-Crimolois (21452).
    assert store.commune("21213") is None
    r = store.resolve_commune("21213")
    assert r.status == store.COMMUNE_DELEGUEE
    assert r.former_nom == "Crimolois"
    assert r.commune.code == "21452" and r.commune.nom == "Neuilly-Crimolois"


def test_resolve_associee_only_code():
    # Mornay (21443) is a commune associée of 21433.
    r = store.resolve_commune("21443")
    assert r.status == store.COMMUNE_ASSOCIEE
    assert r.former_nom == "Mornay"
    assert r.commune.code == "21433"


def test_code_shared_by_deleguee_and_commune_nouvelle_is_the_commune_actuelle():
    # 21452 is both Neuilly-lès-Dijon (déléguée, chef-lieu) and Neuilly-Crimolois (actuelle).
    c = store.commune("21452")
    assert c.nom == "Neuilly-Crimolois" and c.type == "commune-actuelle"
    assert c.population == 3588
    r = store.resolve_commune("21452")
    assert r.status == store.CURRENT
    assert r.commune == c
    assert r.former_nom == "Neuilly-lès-Dijon"
    r = store.resolve_commune("01015")
    assert r.status == store.CURRENT and r.commune.nom == "Arboys en Bugey"
    assert r.former_nom == "Arbignieu"


def test_584_deleguee_or_associee_codes_are_shared():
    con = store._connection()
    shared = con.execute(
        "SELECT count(*) FROM communes d JOIN communes c ON c.code = d.code AND c.type = 'COM' "
        "WHERE d.type IN ('COMD', 'COMA')"
    ).fetchone()[0]
    assert shared == 584
    counts = dict(con.execute("SELECT type, count(*) FROM communes GROUP BY type").fetchall())
    assert counts == {"COM": 34969, "ARM": 45, "COMD": 2105, "COMA": 471}


def test_unknown_code_with_suggestions():
    assert store.commune("21999") is None
    # Close codes cost milliseconds: only for the callers that show them.
    assert store.resolve_commune("21999").suggestions == ()
    r = store.resolve_commune("21999", suggest=True)
    assert r.status == store.UNKNOWN and not r.is_known and r.commune is None
    assert 0 < len(r.suggestions) <= 5
    assert all(s.startswith("21") and store.commune(s) for s in r.suggestions)
    # A lost leading zero is the first suggestion.
    assert store.close_codes("1053")[0] == "01053"
    # A digit left out.
    assert "75056" in store.close_codes("7505")
    # Same department, one typo.
    assert "21231" in store.close_codes("21232")
    assert store.close_codes("") == []


def test_population_unknown_is_none_never_zero():
    taaf = store.commune("98411")
    assert taaf is not None and taaf.population is None
    assert store.commune("98901").population is None  # Clipperton
    # Genuinely 0 inhabitants: the villages "morts pour la France" of the Meuse.
    assert store.commune("55039").population == 0
    # Mayotte: 2017 census figure.
    assert store.commune("97611").population == 71437


def test_epci_dijon_metropole():
    e = store.epci("242100410")
    assert e.nom == "Dijon Métropole" and e.type == "METRO"
    assert len(e.membres) == 23
    assert "21231" in e.membres and "21452" in e.membres
    assert list(e.membres) == sorted(e.membres)
    assert e.departements == ("21",)
    total = sum(store.commune(code).population for code in e.membres)
    assert total == 261178
    assert e.population == total
    assert store.epci_for_commune("21231") == e
    assert store.epci("000000000") is None
    # Some islands belong to no EPCI.
    assert store.epci_for_commune("29155") is None  # Ouessant


def test_ars():
    for dep in ("971", "977", "978"):
        assert store.ars_for_departement(dep).code == "guadeloupe"
    assert store.ars_for_departement("976") == store.Ars("mayotte", "Mayotte", "06")
    assert store.ars_for_departement("2A").code == "corse"
    assert store.ars_for_departement("2B").code == "corse"
    assert store.ars_for_departement("21").code == "bourgogne_franche_comte"
    assert store.ars_for_departement("52").code == "grand_est"
    assert store.ars_for_departement("13").code == "paca"
    assert store.ars_for_departement("975") is None
    for dep in ("984", "986", "987", "988", "989"):
        assert store.ars_for_departement(dep) is None
    assert store.ars("paca").libelle == "ARS Provence-Alpes-Côte d'Azur"
    assert len(store.ars_list()) == 18


def test_every_department_with_an_ars():
    con = store._connection()
    deps = [r[0] for r in con.execute("SELECT code FROM departements ORDER BY code")]
    without = [d for d in deps if store.ars_for_departement(d) is None]
    assert without == ["975", "984", "986", "987", "988", "989"]
    # Outside 977/978, an ARS covers exactly the departments of its region.
    for d in deps:
        a = store.ars_for_departement(d)
        if a is not None and d not in ("977", "978"):
            assert store.departement(d).region == a.region


def test_977_978_have_a_pseudo_region():
    assert store.commune("97701").region == "977"
    assert store.departement("978").region == "978"


def test_search_saint_etienne():
    results = store.search("saint etienne")
    first = results[0]
    assert (first.kind, first.code, first.nom) == ("commune-actuelle", "42218", "Saint-Étienne")
    assert first.departement == "42" and first.population == 173136
    assert any(r.kind == "epci" and r.nom == "Saint-Étienne Métropole" for r in results)
    assert len(results) == 20


def test_search_is_accent_and_case_insensitive():
    results = store.search("ÉPINAL")
    assert results[0].code == "88160" and results[0].nom == "Épinal"
    assert store.search("epinal")[0].code == "88160"
    assert [r.code for r in store.search("Saint-ÉTIENNE", limit=3)] == [
        r.code for r in store.search("saint etienne", limit=3)
    ]


def test_search_ranking_and_kinds():
    results = store.search("dijon", limit=5)
    assert results[0].code == "21231"  # exact name first
    epci = next(r for r in results if r.kind == "epci")
    assert epci.code == "242100410" and epci.departement == "21" and epci.population == 261178
    # Exact code finds the commune too.
    assert store.search("21231")[0].nom == "Dijon"
    # A déléguée whose name is its commune nouvelle's is not listed twice.
    annecy = store.search("annecy")
    assert [r.code for r in annecy].count("74010") == 1
    assert store.search("  ") == []
    assert store.search("zzzzzz") == []
    assert len(store.search("a", limit=7)) == 7


def test_communes_by_name():
    assert [c.code for c in store.communes_by_name("SAINT-ÉTIENNE")] == ["42218"]
    same = store.communes_by_name("Sainte-Colombe")
    assert len(same) > 5 and same[0].population >= same[-1].population


def test_postal_codes():
    assert store.postal_codes("21000") == ["21231"]
    # Paris 16e has two postal codes; Paris itself is not returned with its arrondissement.
    assert store.postal_codes("75016") == ["75116"]
    assert store.postal_codes("75116") == ["75116"]
    assert "01001" in store.postal_codes("01400")
    assert store.postal_codes("00000") == []


def test_communes_in():
    assert [c.code for c in store.communes_in(departement="75")] == ["75056"]
    assert len(store.communes_in(departement="75", arrondissements=True)) == 20
    corse = store.communes_in(region="94")
    assert {c.departement for c in corse} == {"2A", "2B"}
    with pytest.raises(ValueError):
        store.communes_in()


def test_normalise():
    assert store.normalise("L'Haÿ-les-Roses") == "l hay les roses"
    assert store.normalise("Saint-Étienne") == "saint etienne"
    assert store.normalise("Vandœuvre-lès-Nancy") == "vandoeuvre les nancy"


def test_resolving_100_communes_is_fast():
    store._close()
    codes = [c.code for c in store.communes_in(departement="21")][:100]
    store._close()
    start = time.perf_counter()
    resolved = [store.resolve_commune(code) for code in codes]
    elapsed = time.perf_counter() - start
    assert all(r.is_current for r in resolved) and len(resolved) == 100
    assert elapsed < 0.5  # measured: a few milliseconds


def test_close_codes_of_a_text_that_is_no_code_are_none():
    """A 5 000-character « code » built 25 million variants (580 MB, then MemoryError)."""
    assert store.close_codes("2" * 5000) == []
    assert store.resolve_commune("2" * 100_000, suggest=True).suggestions == ()
    assert store.close_codes("2123") and store.close_codes("212311")
