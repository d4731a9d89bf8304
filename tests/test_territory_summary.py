"""The territory summary (communes, population, tier) is computed once, in
``cpts_cli.territory.summary``, and every command shows the same figures — including when
``territoire.population`` is unusable or a city is given whole and by arrondissement."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpts_cli.referentiel import aci, store
from cpts_cli.support.formatting import counted, fmt_int, thousands
from cpts_cli.territory import summary

DIJON = "21231"
METROPOLE_DE_LYON = "200046977"
NBSP = "\u00a0"  # the documents' thousands separator


def write_project(path: Path, communes=(), epci=(), population: str | None = None) -> Path:
    """A small project file; ``population``: the YAML text of ``territoire.population``."""
    lines = ["format: 1", "cpts:", "  nom: CPTS Essai", "territoire:"]
    if communes:
        lines += ["  communes:"] + [f'    - "{c}"' for c in communes]
    if epci:
        lines += ["  epci:"] + [f'    - "{s}"' for s in epci]
    if population is not None:
        lines.append(f"  population: {population}")
    lines.append("  justification: Bassin de vie.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def population_of(codes) -> int:
    """The sum of the communes' population, read from the reference (never a guess)."""
    return sum(store.commune(c).population for c in codes)


COMMANDS = [("validate",), ("status",), ("funding",), ("territory", "info")]

# --------------------------------------------------------------------------- override

#: ``territoire.population`` written with a wrong type or value: (YAML, finding code).
UNUSABLE = [
    ("{valeur: true, source: CPAM}", "CPTS-S001"),
    ("{valeur: false, source: CPAM}", "CPTS-S001"),
    ("{valeur: [34500], source: CPAM}", "CPTS-S001"),
    ("{valeur: trente mille, source: CPAM}", "CPTS-S001"),
    ('{valeur: "34500", source: CPAM}', "CPTS-S001"),
    ("{valeur: -5, source: CPAM}", "CPTS-S007"),
    ("{valeur: 34500.5, source: CPAM}", "CPTS-S001"),
    ("{valeur: {a: 1}, source: CPAM}", "CPTS-S001"),
    ("{valeur: 34500, source: [CPAM]}", "CPTS-S001"),
    ("{valeur: 34500, source: true}", "CPTS-S001"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("written,code", UNUSABLE, ids=[u for u, _ in UNUSABLE])
def test_an_unusable_population_is_a_finding_never_an_internal_error(
    tmp_path, cli, command, written, code
):
    path = write_project(tmp_path / "cpts.yaml", [DIJON], population=written)
    result = cli(*command, path)
    assert "Erreur interne" not in result.out + result.err
    assert result.code in (0, 1), result.err
    if command == ("validate",):
        line = path.read_text(encoding="utf-8").splitlines().index(f"  population: {written}")
        assert f"cpts.yaml:{line + 1}:" in result.out
        assert code in result.out


@pytest.mark.parametrize("written,code", UNUSABLE[:6], ids=[u for u, _ in UNUSABLE[:6]])
def test_an_unusable_population_is_ignored_everywhere(tmp_path, cli, written, code):
    path = write_project(tmp_path / "cpts.yaml", [DIJON], population=written)
    expected = population_of([DIJON])
    info = cli("territory", "info", path, "--format", "json").json()
    assert info["population"]["valeur"] == expected
    assert info["population"]["saisie"] is None
    funding = cli("funding", path, "--format", "json").json()
    assert funding["population"]["valeur"] == expected
    assert any("« territoire.population » ignorée" in a for a in funding["alertes"])
    status = cli("status", path, "--format", "json").json()
    assert status["territoire"]["population"] == expected


def test_a_usable_population_is_the_one_every_command_shows(tmp_path, cli):
    path = write_project(
        tmp_path / "cpts.yaml", [DIJON], population='{valeur: 34500, source: "Courrier CPAM"}'
    )
    info = cli("territory", "info", path, "--format", "json").json()
    assert info["population"]["valeur"] == 34500
    assert info["population"]["saisie"] == {"valeur": 34500, "source": "Courrier CPAM"}
    assert cli("funding", path, "--format", "json").json()["population"]["valeur"] == 34500
    assert cli("status", path, "--format", "json").json()["territoire"]["population"] == 34500
    assert cli("status", path, "--format", "json").json()["territoire"]["taille"] == 1


YAML_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["valeur", "source", "x"]), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valeur=YAML_VALUES, source=YAML_VALUES)
def test_the_summary_takes_any_override_without_failing(valeur, source):
    section = {"communes": [DIJON], "population": {"valeur": valeur, "source": source}}
    territory = summary.derive(section)
    usable = (
        isinstance(valeur, int)
        and not isinstance(valeur, bool)
        and valeur >= 0
        and isinstance(source, str)
        and bool(source)
    )
    if usable:
        assert territory.override == summary.Override(valeur, source)
        assert territory.population == valeur
    else:
        assert territory.override is None
        assert territory.override_ignored
        assert territory.population == population_of([DIJON])
    tier = territory.tier(aci.load(None))
    assert tier is not None and 1 <= tier.taille <= 4


@pytest.mark.parametrize("value", [None, 5, "34500", [], {}])
def test_a_population_that_is_not_a_mapping_is_no_override(value):
    assert summary.read_override(value) is None
    assert summary.derive({"communes": [DIJON], "population": value}).override_ignored is False


# --------------------------------------------------------------------------- arrondissements

#: A city given whole together with some of its arrondissements, as a user might write it.
CITY_AND_ARRONDISSEMENTS = [
    pytest.param(["69123", "69381"], [], "69123", id="Lyon + Lyon 1er"),
    pytest.param(["75056", "75101"], [], "75056", id="Paris + Paris 1er"),
    pytest.param(["13055", "13201", "13202"], [], "13055", id="Marseille + 1er + 2e"),
    pytest.param(["69381"], [METROPOLE_DE_LYON], None, id="Métropole de Lyon + Lyon 1er"),
]


def test_lyon_whole_is_519_127_in_the_reference():
    """The figure the issue quotes is the one the embedded reference gives."""
    assert store.commune("69123").population == 519_127
    assert store.commune("69381").commune_parente == "69123"


def _expected(communes, epci) -> tuple[int, int]:
    """(communes counted, population): each city once, its arrondissements inside it."""
    codes = set(communes)
    for siren in epci:
        codes |= set(store.epci(siren).membres)
    codes = {c for c in codes if store.commune(c).commune_parente not in codes}
    return len(codes), population_of(codes)


@pytest.mark.parametrize("communes,epci,city", CITY_AND_ARRONDISSEMENTS)
def test_a_city_and_its_arrondissements_count_once_in_json(tmp_path, cli, communes, epci, city):
    path = write_project(tmp_path / "cpts.yaml", communes, epci)
    n, expected = _expected(communes, epci)
    if city is not None:
        assert expected == store.commune(city).population
    info = cli("territory", "info", path, "--format", "json").json()
    assert info["population"]["valeur"] == expected
    assert info["population"]["calculee"] == expected
    assert info["nombre_communes"] == n
    arrondissements = [c for c in communes if store.commune(c).commune_parente]
    assert [a["code"] for a in info["arrondissements_dans_la_ville"]] == arrondissements
    status = cli("status", path, "--format", "json").json()
    assert status["territoire"]["population"] == expected
    assert status["territoire"]["communes"] == n
    funding = cli("funding", path, "--format", "json").json()
    assert funding["population"]["valeur"] == expected
    assert funding["communes"] == n
    assert funding["taille"]["taille"] == aci.load(None).tier_for(expected).taille
    # the file still says it twice: validate keeps telling so (CPTS-T004)
    assert "CPTS-T004" in cli("validate", path).out


@pytest.mark.parametrize("communes,epci,city", CITY_AND_ARRONDISSEMENTS)
def test_a_city_and_its_arrondissements_count_once_in_text(tmp_path, cli, communes, epci, city):
    path = write_project(tmp_path / "cpts.yaml", communes, epci)
    n, expected = _expected(communes, epci)
    wrong = population_of(set(communes) | {c for s in epci for c in store.epci(s).membres})
    assert wrong != expected
    figure = f"{fmt_int(expected)} habitants"
    info = cli("territory", "info", path).out
    assert f"Population : {figure}" in info
    assert f"Communes : {n}" in info
    assert "fait partie de" in info
    assert fmt_int(wrong) not in info
    status = cli("status", path).out
    assert f"{counted(n, 'commune')} · {figure}" in status
    funding = cli("funding", path).out
    assert figure in funding
    assert fmt_int(wrong) not in funding


def test_arrondissements_without_their_city_all_count(tmp_path, cli):
    communes = ["69381", "69382"]
    path = write_project(tmp_path / "cpts.yaml", communes)
    info = cli("territory", "info", path, "--format", "json").json()
    assert info["population"]["valeur"] == population_of(communes)
    assert info["nombre_communes"] == 2
    assert info["arrondissements_dans_la_ville"] == []
    assert "CPTS-T004" not in cli("validate", path).out


def test_territory_add_counts_the_city_once_in_its_summary(tmp_path, cli):
    """``territory add`` of an arrondissement to a file that has its whole city refuses
    it; written by hand, the edit summary still counts the city once."""
    path = write_project(tmp_path / "cpts.yaml", ["69123", "69381"])
    result = cli("territory", "add", DIJON, "--fichier", path, "--format", "json").json()
    assert result["avant"]["population"] == store.commune("69123").population
    assert result["avant"]["communes"] == 1
    assert result["apres"]["population"] == population_of(["69123", DIJON])
    assert result["apres"]["communes"] == 2


@pytest.mark.parametrize("communes,epci,city", CITY_AND_ARRONDISSEMENTS[:2])
def test_the_documents_count_the_city_once(tmp_path, cli, communes, epci, city):
    path = write_project(tmp_path / "cpts.yaml", communes, epci)
    n, expected = _expected(communes, epci)
    out = tmp_path / "docs"
    args = ("render", path, "--doc", "lettre-intention", "--format", "md", "--brouillon")
    result = cli(*args, "--out", out)
    assert result.code == 0, result.err
    text = (out / "lettre-intention-brouillon.md").read_text(encoding="utf-8")
    assert f"compte {n} commune et {thousands(expected, NBSP)} habitants" in text


def test_the_documents_ignore_an_unusable_population(tmp_path, cli):
    path = write_project(tmp_path / "cpts.yaml", [DIJON], population="{valeur: true, source: CPAM}")
    out = tmp_path / "docs"
    args = ("render", path, "--doc", "lettre-intention", "--format", "md", "--brouillon")
    result = cli(*args, "--out", out)
    assert "Erreur interne" not in result.out + result.err
    assert result.code == 0, result.err
    text = (out / "lettre-intention-brouillon.md").read_text(encoding="utf-8")
    assert f"compte 1 commune et {thousands(population_of([DIJON]), NBSP)} habitants" in text
