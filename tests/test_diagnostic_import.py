"""``cpts diagnostic import`` with the INSEE and FINESS readers, on small files built in the
real layouts (``tests/opendata_files.py``; ``OPEN_DATA.md``), through the CLI."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from cpts_cli.support.errors import CptsError
from tests.opendata_files import (
    finess_text,
    geolocalisation,
    insee_csv_text,
    insee_rows,
    structureet,
    write_finess,
    write_insee_csv,
    write_insee_xlsx,
    write_insee_zip,
)

# Two communes of the worked example (Côte-d'Or), one outside it, one in the Jura.
AISEREY, AUBIGNY, DIJON, JURA = "21005", "21031", "21231", "39001"


def _plain(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _indicator(path: Path, code: str) -> dict:
    found = [i for i in _plain(path)["diagnostic"]["indicateurs"] if i.get("code") == code]
    assert len(found) == 1, code
    return found[0]


def _structures(path: Path) -> list[dict]:
    return _plain(path)["mobilisation"]["structures"]


def _finess(tmp_path: Path, name="etalab-cs1100507-stock-20240315-0336.csv", **kwargs) -> Path:
    rows = [
        structureet("210000001", "PHARMACIE CENTRALE", "21", "005", "620"),
        structureet(
            "210000002",
            "EHPAD TILLEULS",
            "21",
            "031",
            "500",
            rslongue="EHPAD « Les Tilleuls » – Résidence",
        ),  # fmt: skip
        structureet("210000003", "PHARMACIE DIJON", "21", "231", "620"),
        structureet("390000001", "PHARMACIE JURA", "39", "001", "620"),
        structureet("210000004", 'CH ; SITE "NORD"', "21", "005", "355"),
        structureet("210000005", "ECOLE", "21", "005", "999"),
    ]
    geoloc = [
        geolocalisation("210000002", 855000.0, 6680000.0),
        geolocalisation("210000001", 856000.0, 6681000.0, old=True),
        geolocalisation("210000003", 853000.0, 6690000.0),
    ]
    return write_finess(tmp_path / name, rows, geoloc, **kwargs)


# --------------------------------------------------------------------------- FINESS


def test_finess_writes_indicators_with_references_and_structures(cli, example, tmp_path):
    source = _finess(tmp_path)
    result = cli("diagnostic", "import", "-f", example, source)
    assert result.code == 0, result.err
    count = _indicator(example, "etablissements_pharmacies")
    assert count["valeur"] == 1 and count["annee"] == 2024
    assert count["origine"] == "import" and count["maille"] == "territoire_cpts"
    assert count["source"] == (
        "DREES — FINESS, fichier des établissements (extraction du 15 mars 2024)"
    )
    density = _indicator(example, "pharmacies_pour_10000")
    from cpts_cli.diagnostic.reading import populations
    from cpts_cli.diagnostic.scope import scope_of
    from cpts_cli.territory.summary import derive

    communes, by_dep, france, _ = populations()
    scope = scope_of(derive(_plain(example)["territoire"]))
    territory = sum(communes[c] for c in scope.communes)
    assert density["valeur"] == round(10_000 / territory, 2)
    assert density["references"]["departement"] == round(2 * 10_000 / by_dep["21"], 2)
    assert density["references"]["france"] == round(3 * 10_000 / france, 2)
    assert _indicator(example, "etablissements_hopitaux")["valeur"] == 1
    by_finess = {s.get("finess"): s for s in _structures(example)}
    ehpad = by_finess["210000002"]
    assert ehpad["nom"] == "EHPAD « Les Tilleuls » – Résidence"
    assert ehpad["type"] == "ehpad" and ehpad["commune"] == AUBIGNY
    assert ehpad["origine"] == "import"
    lon, lat = ehpad["coordonnees"]["longitude"], ehpad["coordonnees"]["latitude"]
    assert 4.9 < lon < 5.2 and 47.1 < lat < 47.3  # the Dijon plain
    assert by_finess["210000004"]["nom"] == 'CH ; SITE "NORD"'  # quoted field, ; inside
    assert by_finess["210000004"]["type"] == "centre_hospitalier"
    assert "coordonnees" in by_finess["210000001"]  # the older LAMBERT_93 source text
    assert "210000003" not in by_finess and "390000001" not in by_finess  # out of territory
    assert "210000005" not in by_finess  # a category the project has no type for
    # The structures appear as points on the map, beside the example's own (typed) ones; the
    # example's structures imported from an older extraction are gone with it.
    from cpts_cli.territory.carte import structure_points

    structures = _structures(example)
    typed = [s for s in structures if s.get("origine") != "import"]
    assert len(structure_points(structures)) == len(structure_points(typed)) + 2


def test_importing_twice_changes_nothing_and_dry_run_writes_nothing(cli, example, tmp_path):
    source = _finess(tmp_path)
    before = example.read_bytes()
    dry = cli("diagnostic", "import", "-f", example, source, "--dry-run")
    assert dry.code == 0 and example.read_bytes() == before
    # The example's indicators imported from the 2022 extraction are replaced by the 2024 one.
    assert "~ pharmacies_pour_10000 : remplace l’extraction du 15 septembre 2022" in dry.out.replace("'", "’")
    assert "rien n'a été écrit" in dry.out
    assert "EHPAD « Les Tilleuls » – Résidence (FINESS 210000002)" in dry.out
    assert cli("diagnostic", "import", "-f", example, source).code == 0
    once = example.read_bytes()
    assert once != before
    again = cli("diagnostic", "import", "-f", example, source)
    assert again.code == 0 and "déjà à jour" in again.out
    assert example.read_bytes() == once
    # The comments and layout of the rest of the file are kept.
    assert once.startswith(before[: before.index(b"\nmobilisation:")])


def test_user_indicator_and_user_structure_are_never_changed(cli, example, tmp_path):
    text = example.read_text(encoding="utf-8")
    text = text.replace(
        "  indicateurs:\n",
        "  indicateurs:\n"
        "    - code: pharmacies_pour_10000  # mon chiffre\n"
        "      valeur: 9.9\n"
        "      source: Enquête locale\n",
        1,
    )
    text = text.replace(
        "  structures:\n",
        '  structures:\n    - nom: Ma pharmacie\n      finess: "210000001"\n',
        1,
    )
    example.write_text(text, encoding="utf-8")
    result = cli("diagnostic", "import", "-f", example, _finess(tmp_path), "--format", "json")
    assert result.code == 0
    data = result.json()["imports"][0]
    assert "pharmacies_pour_10000" in data["saisis_conserves"]
    assert [s["finess"] for s in data["structures"]["saisies_conservees"]] == ["210000001"]
    after = example.read_text(encoding="utf-8")
    assert "    - code: pharmacies_pour_10000  # mon chiffre\n      valeur: 9.9\n" in after
    assert '    - nom: Ma pharmacie\n      finess: "210000001"\n' in after
    assert after.count('"210000001"') == 1


def test_newer_vintage_replaces_older_is_refused(cli, example, tmp_path):
    old = _finess(tmp_path, date="2023-01-10", name="a.csv")
    assert cli("diagnostic", "import", "-f", example, old).code == 0
    newer_rows = [
        structureet("210000001", "PHARMACIE CENTRALE", "21", "005", "620"),
        structureet("210000006", "PHARMACIE NOUVELLE", "21", "031", "620"),
    ]
    newer = write_finess(tmp_path / "b.csv", newer_rows, date="2024-06-01")
    result = cli("diagnostic", "import", "-f", example, newer)
    assert result.code == 0, result.err
    assert "pharmacies_pour_10000 : remplace l'extraction du 10 janvier 2023" in result.out
    count = _indicator(example, "etablissements_pharmacies")
    assert count["valeur"] == 2 and count["annee"] == 2024
    finess = {s["finess"] for s in _structures(example) if s.get("origine") == "import"}
    assert finess == {"210000001", "210000006"}  # the EHPAD and the CH closed: removed
    after_new = example.read_bytes()
    refused = cli("diagnostic", "import", "-f", example, old)
    assert refused.code == 0
    assert "plus ancien" in refused.out
    assert example.read_bytes() == after_new


def test_same_year_later_extraction_replaces(cli, example, tmp_path):
    assert (
        cli("diagnostic", "import", "-f", example, _finess(tmp_path, date="2024-01-10")).code == 0
    )
    later = write_finess(
        tmp_path / "later.csv",
        [structureet("210000001", "PHARMACIE CENTRALE", "21", "005", "620")],
        date="2024-09-01",
    )
    assert cli("diagnostic", "import", "-f", example, later).code == 0
    assert (
        "(extraction du 1er septembre 2024)"
        in _indicator(example, "etablissements_ehpad")["source"]
    )
    assert _indicator(example, "etablissements_ehpad")["valeur"] == 0


def test_entry_with_the_iso_date_of_earlier_versions_is_updated_once(cli, example, tmp_path):
    source = _finess(tmp_path)
    assert cli("diagnostic", "import", "-f", example, source).code == 0
    text = example.read_text(encoding="utf-8")
    assert "(extraction du 15 mars 2024)" in text
    example.write_text(text.replace("(extraction du 15 mars 2024)", "(extraction du 2024-03-15)"))
    result = cli("diagnostic", "import", "-f", example, source)
    assert result.code == 0, result.err
    assert "pharmacies_pour_10000 : valeurs mises à jour" in result.out
    assert "remplace" not in result.out and "refusé" not in result.out
    assert example.read_text(encoding="utf-8") == text
    again = cli("diagnostic", "import", "-f", example, source)
    assert again.code == 0 and "déjà à jour" in again.out
    assert example.read_text(encoding="utf-8") == text
    # An older extraction is still refused against the old ISO form.
    example.write_text(text.replace("(extraction du 15 mars 2024)", "(extraction du 2024-03-15)"))
    older = _finess(tmp_path, date="2024-03-01", name="older.csv")
    refused = cli("diagnostic", "import", "-f", example, older)
    assert "refusé, les valeurs en place (extraction du 15 mars 2024)" in refused.out


def _finess_zip(path: Path, member: str, **kwargs) -> Path:
    plain = _finess(path.parent, name=f"{path.stem}-plain.csv", **kwargs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LISEZMOI.txt", "Extraction FINESS\n")
        archive.write(plain, member)
    return path


@pytest.mark.parametrize(
    ("member", "date"),
    [
        ("etalab-cs1100507-stock-20240315-0336.csv", "2024-03-15"),
        ("export/Données FINESS.CSV", "2024-03-15"),
        ("etalab-cs1100502-stock-20240315-0336.csv", None),  # the date from the name
    ],
)
def test_finess_in_a_zip_is_read_like_the_plain_file(cli, example, tmp_path, member, date):
    twin = tmp_path / "twin.yaml"
    twin.write_bytes(example.read_bytes())
    plain = _finess(tmp_path, name="etalab-cs1100507-stock-20240315-0336.csv", date=date)
    assert cli("diagnostic", "import", "-f", twin, plain).code == 0
    archive = _finess_zip(tmp_path / "finess.zip", member, date=date)
    result = cli("diagnostic", "import", "-f", example, archive)
    assert result.code == 0, result.err
    assert "Import de « finess.zip »" in result.out
    assert "(extraction du 15 mars 2024)" in result.out
    assert example.read_bytes() == twin.read_bytes()


def test_zip_with_two_extractions_is_refused(cli, example, tmp_path):
    archive = _finess_zip(tmp_path / "finess.zip", "a.csv")
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("b.csv", finess_text([structureet("210000001", "P", "21", "005", "620")]))
    before = example.read_bytes()
    result = cli("diagnostic", "import", "-f", example, archive)
    assert result.code == 2 and "finess.zip" in result.err
    assert "plusieurs extractions FINESS (a.csv, b.csv)" in result.err
    assert example.read_bytes() == before


def test_malformed_finess_lines_are_counted_and_said(cli, example, tmp_path):
    rows = [
        structureet("210000001", "PHARMACIE CENTRALE", "21", "005", "620"),
        structureet("210000002", "PHARMACIE DU PARC", "21", "031", "620"),
        structureet("210000003", "PHARMACIE TRONQUEE", "21", "005", "620")[:10],
        # a « ; » not quoted in the name: 33 fields, the columns shifted
        ["structureet", "210000004", "x", "PHARMACIE", "GARE", *structureet("2", "", "21", "005", "620")[4:]],
        structureet("210000005", "EHPAD", "21", "005", "500"),
    ]  # fmt: skip
    geoloc = [
        geolocalisation("210000001", 856000.0, 6681000.0),
        ["geolocalisation", "210000002", "abc", "6681000.0", "EPSG:2154", "2023-06-01"],
        ["geolocalisation", "210000005", "", "", "EPSG:2154", "2023-06-01"],  # none: not bad
    ]
    source = write_finess(tmp_path / "finess.csv", rows, geoloc)
    result = cli("diagnostic", "import", "-f", example, source)
    assert result.code == 0, result.err
    assert "2 lignes « structureet » illisibles, ignorées." in result.out
    assert "1 ligne « geolocalisation » illisible, ignorée." in result.out
    assert _indicator(example, "etablissements_pharmacies")["valeur"] == 2
    note = _indicator(example, "pharmacies_pour_10000")["note"]
    assert note.endswith("2 lignes « structureet » illisibles, ignorées.")
    assert "geolocalisation" not in note
    assert (
        "2 lignes « structureet » illisibles" in _indicator(example, "etablissements_ehpad")["note"]
    )
    by_finess = {s.get("finess"): s for s in _structures(example)}
    assert "coordonnees" in by_finess["210000001"] and "coordonnees" not in by_finess["210000002"]
    once = example.read_bytes()
    again = cli("diagnostic", "import", "-f", example, source, "--format", "json")
    assert again.json()["imports"][0]["avertissement"] == (
        "2 lignes « structureet » illisibles, ignorées. "
        "1 ligne « geolocalisation » illisible, ignorée."
    )
    assert example.read_bytes() == once


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "utf-8-sig"])
def test_finess_in_either_encoding(cli, example, tmp_path, encoding):
    source = _finess(tmp_path, encoding=encoding if encoding != "latin-1" else "cp1252")
    assert cli("diagnostic", "import", "-f", example, source).code == 0
    names = {s["finess"]: s["nom"] for s in _structures(example) if s.get("finess")}
    assert names["210000002"] == "EHPAD « Les Tilleuls » – Résidence"


def test_cs1100502_without_coordinates_and_without_first_line(cli, example, tmp_path):
    rows = [structureet("210000001", "PHARMACIE", "21", "005", "620")]
    source = tmp_path / "etalab-cs1100502-stock-20230105-0405.csv"
    source.write_text(finess_text(rows, date=None), encoding="utf-8")
    result = cli("diagnostic", "import", "-f", example, source)
    assert result.code == 0, result.err
    assert _indicator(example, "etablissements_pharmacies")["annee"] == 2023
    imported = [s for s in _structures(example) if s.get("finess") == "210000001"]
    assert imported and "coordonnees" not in imported[0]


def test_overseas_department_letters_and_utm(cli, tmp_path):
    project = tmp_path / "cpts.yaml"
    project.write_text('territoire:\n  communes: ["97101"]\n', encoding="utf-8")
    rows = [structureet("970100001", "MSP DES ABYMES", "9A", "101", "603")]
    geoloc = [
        ["geolocalisation", "970100001", "657000.0", "1796000.0",
         "1,ATLASANTE,96,BAN,EPSG:5490 RGAF09 / UTM zone 20N (Guadeloupe)", "2023-06-01"]
    ]  # fmt: skip
    source = write_finess(tmp_path / "f.csv", rows, geoloc)
    assert cli("diagnostic", "import", "-f", project, source).code == 0
    (msp,) = _structures(project)
    assert msp["commune"] == "97101" and msp["type"] == "msp"
    lon, lat = msp["coordonnees"]["longitude"], msp["coordonnees"]["latitude"]
    assert -61.6 < lon < -61.4 and 16.1 < lat < 16.4
    assert _indicator(project, "etablissements_msp")["valeur"] == 1


def test_old_commune_codes_of_the_file_count_for_the_current_commune(cli, example, tmp_path):
    # 21621 is an old code of Tart (21623); 21486 one of Longeault-Pluvault (21352).
    rows = [
        structureet("210000001", "PHARMACIE", "21", "621", "620"),
        structureet("210000002", "PHARMACIE", "21", "486", "620"),
    ]
    source = write_finess(tmp_path / "f.csv", rows)
    assert cli("diagnostic", "import", "-f", example, source).code == 0
    assert _indicator(example, "etablissements_pharmacies")["valeur"] == 2
    communes = {s["finess"]: s["commune"] for s in _structures(example) if s.get("finess")}
    assert communes["210000001"] == "21623" and communes["210000002"] == "21352"


def test_territory_on_two_departments_is_compared_with_the_most_populated(cli, tmp_path):
    from tests.conftest import EXAMPLES

    project = tmp_path / "cpts.yaml"
    project.write_bytes((EXAMPLES / "val-de-vingeanne.yaml").read_bytes())
    rows = [
        structureet("210000001", "PHARMACIE", "21", "277", "620"),
        structureet("520000001", "PHARMACIE", "52", "001", "620"),
    ]
    assert (
        cli("diagnostic", "import", "-f", project, write_finess(tmp_path / "f.csv", rows)).code == 0
    )
    density = _indicator(project, "pharmacies_pour_10000")
    from cpts_cli.diagnostic.reading import populations

    _, by_dep, _, _ = populations()
    assert density["references"]["departement"] == round(10_000 / by_dep["21"], 2)
    assert "comparé à Côte-d'Or" in density["note"]
    assert (
        f"Haute-Marne (52) : {round(10_000 / by_dep['52'], 2):g}".replace(".", ",")
        in density["note"]
    )


@pytest.mark.parametrize("commune", ["112", "056"])
def test_paris_arrondissement_by_its_code_or_by_the_postcode(cli, tmp_path, commune):
    project = tmp_path / "cpts.yaml"
    project.write_text('territoire:\n  communes: ["75112"]\n', encoding="utf-8")
    rows = [
        structureet("750000001", "PHARMACIE", "75", commune, "620"),
        structureet("750000002", "PHARMACIE", "75", commune, "620"),
    ]
    rows[0][15] = "75012 PARIS"
    rows[1][15] = "75015 PARIS"
    assert (
        cli("diagnostic", "import", "-f", project, write_finess(tmp_path / "f.csv", rows)).code == 0
    )
    expected = 1 if commune == "056" else 2  # the postcode places the whole city's lines
    assert _indicator(project, "etablissements_pharmacies")["valeur"] == expected
    assert {s["commune"] for s in _structures(project)} == {"75112"}


@settings(max_examples=10, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_any_establishment_name_comes_back_as_written(tmp_path_factory, name):
    from tests.conftest import run_cli

    name = name.strip()
    if not name:
        return
    tmp = tmp_path_factory.mktemp("name")
    project = tmp / "cpts.yaml"
    project.write_text('territoire:\n  communes: ["21005"]\n', encoding="utf-8")
    rows = [structureet("210000001", name, "21", "005", "620")]
    result = run_cli(["diagnostic", "import", "-f", project, write_finess(tmp / "f.csv", rows)])
    assert result.code == 0, result.err
    assert _structures(project)[0]["nom"] == name
    # The file is still valid where the import wrote (the rest of this tiny project is not).
    assert "mobilisation" not in run_cli(["validate", project]).out


# --------------------------------------------------------------------------- INSEE

BANDS = {AISEREY: (300, 250, 300, 320, 200, 100, 30), AUBIGNY: (100, 80, 110, 120, 80, 40, 11)}


def _insee_communes(extra: dict | None = None) -> dict:
    return {**BANDS, DIJON: (1000, 2000, 1500, 1400, 1200, 700, 200),
            JURA: (50, 50, 50, 50, 50, 50, 50), **(extra or {})}  # fmt: skip


def _expected_share(codes, band: int) -> float:
    totals = [sum(BANDS[c]) for c in codes]
    return round(100 * sum(BANDS[c][band] for c in codes) / sum(totals), 1)


def _two_commune_project(tmp_path: Path, codes=(AISEREY, AUBIGNY)) -> Path:
    project = tmp_path / "cpts.yaml"
    listed = ", ".join(f'"{c}"' for c in codes)
    project.write_text(f"territoire:\n  communes: [{listed}]\n", encoding="utf-8")
    return project


#: Codes a national file may hold: communes, whole cities and their arrondissements,
#: overseas, Corsica, an old code of Dijon's plain, a code that lost its leading zero, and
#: one that is not a code.
_FAST_CODES = (AISEREY, AUBIGNY, DIJON, JURA, "21019", "75056", "75101", "75115", "69123",
               "69381", "13055", "13201", "97101", "2A004", "01001", "1001", "2é04")  # fmt: skip
_FAST_SCOPE_CODES = (AISEREY, DIJON, "21060", "75115", "69381", "13055", "97101", "2A004")


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(_FAST_CODES),
            st.lists(
                st.one_of(
                    st.integers(0, 10**6).map(str),
                    st.decimals(0, 10**5, places=6).map(str),
                    st.sampled_from(["", "12,5", " 7 ", "n/a"]),
                ),
                min_size=8,
                max_size=8,
            ),
        ),
        min_size=1,
        max_size=14,
    ),
    sort=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
    quote=st.booleans(),
    cut=st.sampled_from([(7, 5), (64, 20), (1 << 16, 256)]),
)
def test_insee_fast_reading_gives_the_figures_of_the_line_by_line_one(
    tmp_path_factory, rows, sort, newline, quote, cut
):
    """Every figure (and every refusal) of the fast reading of the national file is the
    line-by-line reading's; the fast one is taken for a sorted file without quotes."""
    from cpts_cli.diagnostic.sources import Scope, insee

    if sort:
        rows = sorted(rows, key=lambda r: r[0])
    header = insee_rows({})[0]
    lines = [";".join(header)]
    for i, (code, values) in enumerate(rows):
        cells = [code, *values, *(["1.5"] * (len(header) - 9))]
        line = ";".join(cells)
        lines.append(f'"{code}";' + line.split(";", 1)[1] if quote and i == 0 else line)
    path = tmp_path_factory.mktemp("insee") / "base-cc-evol-struct-pop-2021.CSV"
    path.write_bytes(newline.join(lines).encode("utf-8") + newline.encode())
    scope = Scope(_FAST_SCOPE_CODES, ("21", "75", "69", "13", "971", "2A"),
                  ("27", "11", "84", "93", "01", "94"))  # fmt: skip

    def read(fast: bool, how=insee.read):
        saved = insee._fast, insee._CHUNK, insee._HEAD
        insee._CHUNK, insee._HEAD = cut  # chunks and heads cut anywhere in the lines
        if not fast:
            insee._fast = lambda *args: None
        try:
            return how(path, scope)
        except CptsError as exc:
            return str(exc)
        finally:
            insee._fast, insee._CHUNK, insee._HEAD = saved

    assert read(True) == read(False)
    codes = [code for code, _values in rows]
    plain = codes == sorted(codes) and not quote and all(len(c) == 5 and c.isascii() for c in codes)
    taken = read(True, lambda p, s: insee._fast(lambda: p.open("rb"), p.name, s))
    assert (taken is not None) == plain


@pytest.mark.parametrize("layout", ["csv", "csv-comma-decimal", "zip", "xlsx", "csv-latin1"])
def test_insee_population_by_age_in_every_layout(cli, tmp_path, layout):
    project = _two_commune_project(tmp_path)
    rows = insee_rows(_insee_communes())
    if layout == "csv":
        source = write_insee_csv(tmp_path / "base-cc-evol-struct-pop-2021.CSV", rows)
    elif layout == "csv-latin1":
        source = write_insee_csv(tmp_path / "pop.csv", rows, encoding="latin-1")
    elif layout == "csv-comma-decimal":
        source = write_insee_csv(tmp_path / "pop.csv", rows, decimal=",", sep=";")
    elif layout == "zip":
        source = write_insee_zip(tmp_path / "base-cc-evol-struct-pop-2021_csv.zip", rows)
    else:
        source = write_insee_xlsx(tmp_path / "population.xlsx", rows)
    result = cli("diagnostic", "import", "-f", project, source)
    assert result.code == 0, result.err
    both = (AISEREY, AUBIGNY)
    old = _indicator(project, "part_75_ans_et_plus")
    assert old["valeur"] == round(100 * (100 + 30 + 40 + 11) / sum(map(sum, BANDS.values())), 1)
    assert old["annee"] == 2021 and old["unite"] == "%"
    assert old["source"].startswith("INSEE — Population par âge")
    young = _indicator(project, "part_0_14_ans")
    assert young["valeur"] == _expected_share(both, 0)
    dep = [*BANDS.values(), (1000, 2000, 1500, 1400, 1200, 700, 200)]
    assert young["references"]["departement"] == round(
        100 * sum(b[0] for b in dep) / sum(map(sum, dep)), 1
    )
    everything = [*dep, (50,) * 7]
    assert young["references"]["france"] == round(
        100 * sum(b[0] for b in everything) / sum(map(sum, everything)), 1
    )
    assert _indicator(project, "population_totale")["valeur"] == sum(map(sum, BANDS.values()))


def test_insee_missing_commune_is_said(cli, tmp_path):
    project = _two_commune_project(tmp_path, (AISEREY, AUBIGNY, "21042"))
    source = write_insee_csv(tmp_path / "pop.csv", insee_rows(_insee_communes()))
    result = cli("diagnostic", "import", "-f", project, source, "--format", "json")
    assert result.code == 0
    assert result.json()["imports"][0]["communes_manquantes"] == ["21042"]
    share = _indicator(project, "part_0_14_ans")
    assert share["valeur"] == _expected_share((AISEREY, AUBIGNY), 0)
    assert "21042" in share["note"] and "absente" in share["note"]


@pytest.mark.parametrize("with_city", [True, False])
def test_paris_counted_once_whether_or_not_the_file_has_the_whole_city(cli, tmp_path, with_city):
    arrondissements = {f"751{i:02d}": (10, 20, 30, 20, 10, 5, 1) for i in range(1, 21)}
    city = {"75056": tuple(20 * v for v in (10, 20, 30, 20, 10, 5, 1))} if with_city else {}
    communes = {**arrondissements, **city, "92012": (5, 5, 5, 5, 5, 5, 5)}
    project = _two_commune_project(tmp_path, ("75056",))
    source = write_insee_csv(tmp_path / "pop.csv", insee_rows(communes))
    assert cli("diagnostic", "import", "-f", project, source).code == 0
    assert _indicator(project, "population_totale")["valeur"] == 20 * 96
    share = _indicator(project, "part_0_14_ans")
    assert share["valeur"] == round(100 * 10 / 96, 1)
    assert share["references"]["departement"] == round(100 * 10 / 96, 1)  # not doubled
    assert share["references"]["france"] == round(100 * (200 + 5) / (20 * 96 + 35), 1)


def test_insee_xlsx_with_arrondissement_sheet_and_other_title_rows(cli, tmp_path):
    rows = insee_rows(_insee_communes({"75056": (200, 400, 600, 400, 200, 100, 20)}))
    arm = insee_rows({f"751{i:02d}": (10, 20, 30, 20, 10, 5, 1) for i in range(1, 21)})
    source = write_insee_xlsx(tmp_path / "p.xlsx", rows, arm, titles=3)
    project = _two_commune_project(tmp_path, ("75112",))
    assert cli("diagnostic", "import", "-f", project, source).code == 0
    assert _indicator(project, "population_totale")["valeur"] == 96


def test_newer_census_replaces_older(cli, tmp_path):
    project = _two_commune_project(tmp_path)
    old = write_insee_csv(tmp_path / "a.csv", insee_rows(_insee_communes(), year=20))
    new = write_insee_csv(tmp_path / "b.csv", insee_rows(_insee_communes(), year=21))
    assert cli("diagnostic", "import", "-f", project, old).code == 0
    result = cli("diagnostic", "import", "-f", project, new)
    assert "part_0_14_ans : remplace le millésime 2020" in result.out
    assert _indicator(project, "part_0_14_ans")["annee"] == 2021
    kept = project.read_bytes()
    refused = cli("diagnostic", "import", "-f", project, old)
    assert "plus ancien" in refused.out and project.read_bytes() == kept


# --------------------------------------------------------------------------- bad input


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    rows = insee_rows(_insee_communes())
    out: dict[str, tuple[Path, str]] = {}
    other = tmp_path / "notes.txt"
    other.write_text("Compte rendu de la réunion du 3 mars\n", encoding="utf-8")
    out["autre"] = (other, "type de fichier non reconnu")
    no_year = [[c.replace("P21_", "X21_").replace("P16_", "X16_") for c in row] for row in rows]
    out["millesime"] = (write_insee_csv(tmp_path / "x.csv", no_year), "millésime")
    missing = [row[:7] for row in rows]  # no P21_POP90P
    out["colonnes"] = (write_insee_csv(tmp_path / "y.csv", missing), "P21_POP90P")
    whole = write_insee_zip(tmp_path / "full.zip", rows).read_bytes()
    cut = tmp_path / "base-cc-evol-struct-pop-2021_csv.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    out["zip"] = (cut, "abîmée ou incomplète")
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(insee_csv_text(rows).encode("utf-16"))
    out["encodage"] = (utf16, "")
    finess_no_date = tmp_path / "finess.csv"
    finess_no_date.write_text(
        finess_text([structureet("210000001", "P", "21", "005", "620")], date=None),
        encoding="utf-8",
    )
    out["finess-millesime"] = (finess_no_date, "millésime inconnu")
    short = tmp_path / "short.csv"
    short.write_text("finess;etalab;1;2024-01-01\nstructureet;210000001;x\n", encoding="utf-8")
    out["finess-colonnes"] = (short, "colonnes manquantes")
    other_zip = tmp_path / "documents.zip"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("notes.txt", "Compte rendu\n")
        archive.writestr("tableau.csv", "nom;valeur\na;1\n")
    out["zip-autre"] = (other_zip, "aucun fichier n'est reconnu (elle contient « notes.txt »")
    whole = _finess_zip(tmp_path / "whole.zip", "x.csv").read_bytes()
    cut = tmp_path / "finess.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    out["finess-zip-coupe"] = (cut, "abîmée ou incomplète")
    mostly = [structureet(f"21000000{i}", "P", "21", "005", "620")[:12] for i in range(3)]
    mostly.append(structureet("210000009", "P", "21", "005", "620"))
    out["finess-illisible"] = (
        write_finess(tmp_path / "mostly.csv", mostly),
        "3 lignes « structureet » sur 4 sont illisibles",
    )
    return out


@pytest.mark.parametrize(
    "kind",
    [
        "autre",
        "millesime",
        "colonnes",
        "zip",
        "encodage",
        "finess-millesime",
        "finess-colonnes",
        "zip-autre",
        "finess-zip-coupe",
        "finess-illisible",
    ],  # fmt: skip
)
def test_bad_file_exit_2_names_it_and_writes_nothing(cli, example, tmp_path, kind):
    bad, words = _bad_files(tmp_path)[kind]
    good = _finess(tmp_path)
    before = example.read_bytes()
    result = cli("diagnostic", "import", "-f", example, good, bad)
    assert result.code == 2
    assert bad.name in result.err and words in result.err
    assert "Rien n'a été importé" in result.err
    assert "Traceback" not in result.err
    assert example.read_bytes() == before


def test_json_error_under_format_json(cli, example, tmp_path):
    bad, _ = _bad_files(tmp_path)["autre"]
    result = cli("diagnostic", "import", "-f", example, bad, "--format", "json")
    assert result.code == 2 and result.json()["erreur"]["code_sortie"] == 2


def test_readers_not_there_yet_are_skipped(monkeypatch):
    from cpts_cli.diagnostic import run

    monkeypatch.setattr(run, "READERS", ("insee", "nothing_here", "finess"))
    assert [m.KIND for m in run.readers()] == ["insee", "finess"]


# --------------------------------------------------------------------------- projections


def test_lambert93_origin():
    from cpts_cli.diagnostic.projection import to_wgs84

    assert to_wgs84(700000.0, 6600000.0, "2154") == (3.0, 46.5)


@pytest.mark.parametrize(
    ("epsg", "x", "y", "lon", "lat"),
    [
        ("5490", 500000.0, 0.0, -63.0, 0.0),  # UTM 20 N: central meridian, equator
        ("2972", 500000.0, 0.0, -51.0, 0.0),
        ("2975", 500000.0, 10000000.0, 57.0, 0.0),  # southern: false northing
        ("4471", 500000.0, 10000000.0, 45.0, 0.0),
    ],
)
def test_utm_origins(epsg, x, y, lon, lat):
    from cpts_cli.diagnostic.projection import to_wgs84

    assert to_wgs84(x, y, epsg) == (lon, lat)


@settings(max_examples=100, deadline=None)
@given(st.floats(-200000, 200000), st.floats(1_500_000, 2_000_000))
def test_utm_symmetric_about_the_central_meridian(dx, y):
    from cpts_cli.diagnostic.projection import to_wgs84

    east = to_wgs84(500000 + dx, y, "5490")
    west = to_wgs84(500000 - dx, y, "5490")
    assert abs((east[0] + 63) + (west[0] + 63)) < 2e-6 and abs(east[1] - west[1]) < 2e-6
    assert 13 < east[1] < 18.2  # the Antilles' latitudes


def test_coordinate_system_from_the_source_text_or_the_department():
    from cpts_cli.diagnostic.projection import system_of

    assert system_of("1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)", "21") == "2154"
    assert system_of("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93", "21") == "2154"
    assert system_of("1,ATLASANTE,96,BAN,EPSG:2975 RGR92 / UTM zone 40S", "974") == "2975"
    assert system_of("", "973") == "2972"


def test_zip_sniff_reads_the_first_member_name(tmp_path):
    from cpts_cli.diagnostic.sources import insee

    path = tmp_path / "renamed.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("base-cc-evol-struct-pop-2021.CSV", "CODGEO;P21_POP\n")
    assert insee.sniff(path.read_bytes()[:4096], "renamed.zip")
