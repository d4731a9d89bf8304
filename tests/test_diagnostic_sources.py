"""Readers of national files for « cpts diagnostic import »: the RPPS extraction counted
nationally and the DREES APL workbook (``cpts_cli/diagnostic/sources``).

Files are built here in the real layouts (OPEN_DATA.md §3, §4), both ways of each uncertain
point; expected figures are computed by hand from the lines written and the reference
store's populations.
"""

from __future__ import annotations

import importlib.util
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpts_cli.diagnostic.sources import Scope, apl, rpps
from cpts_cli.referentiel import store
from cpts_cli.support.errors import CptsError

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_rpps", ROOT / "bench" / "make_rpps.py")
make_rpps = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_rpps)
HEADER = make_rpps.HEADER  # 56 columns, as published since 2023
#: The 2021–2022 files: 52 columns (no role, no genre d'activité).
HEADER_52 = [h for h in HEADER if not h.startswith(("Code rôle", "Libellé rôle", "Code genre"))]
HEADER_52 = [h for h in HEADER_52 if not h.startswith("Libellé genre")]

DIJON, TALANT_LIKE, BEAUNE = "21231", "21060", "21054"  # 21060 absorbed 21019
OLD_CODE = "21019"
AHUY = "21003"  # Côte-d'Or, outside the territory
PARIS15 = "75115"
TERRITORY = (DIJON, TALANT_LIKE, BEAUNE)
SCOPE = Scope(TERRITORY, ("21",), ("27",))
NAME = "PS_LibreAcces_Personne_activite_202510150930.txt"


def pop(codes) -> int:
    return sum(store.commune(c).population for c in codes)


def pop_dep(dep: str) -> int:
    return sum(c.population or 0 for c in store.communes_in(departement=dep))


def pop_reg(reg: str) -> int:
    return sum(c.population or 0 for c in store.communes_in(region=reg))


def pop_france() -> int:
    regions = sorted({a.region for a in store.ars_list()})
    return sum(pop_reg(r) for r in regions)


# --------------------------------------------------------------------------- RPPS files


def line(header, ident, prof, *, sf="", mode="L", commune="", cp="", cedex="") -> list[str]:
    values = {
        "Type d'identifiant PP": "8",
        "Identifiant PP": ident,
        "Identification nationale PP": "8" + ident,
        "Nom d'exercice": "MARTIN",
        "Prénom d'exercice": "RENÉE",
        "Code profession": prof,
        "Code savoir-faire": sf,
        "Code mode exercice": mode,
        "Code postal (coord. structure)": cp,
        "Code commune (coord. structure)": commune,
        "Bureau cedex (coord. structure)": cedex,
    }
    return [values.get(h, "") for h in header]


def write_rpps(path: Path, rows, *, header=HEADER, encoding="utf-8", trailing=True) -> Path:
    end = "|" if trailing else ""
    text = "|".join(header) + end + "\n"
    text += "".join("|".join(r) + end + "\n" for r in rows)
    path.write_bytes(text.encode(encoding))
    return path


def worked_rows(header=HEADER):
    """Six professionals; F's lines are not together (first and last lines)."""
    L = lambda *a, **k: line(header, *a, **k)  # noqa: E731
    return [
        L("10000000006", "60", mode="L", commune=DIJON),  # F, infirmier (1/2)
        # A: GP, liberal in Dijon, salaried in Beaune: once in the territory
        L("10000000001", "10", sf="SM54", mode="L", commune=DIJON),
        L("10000000001", "10", sf="SM54", mode="S", commune=BEAUNE),
        # B: cardiologue in the territory, GP savoir-faire elsewhere → a GP, salaried here
        L("10000000002", "10", sf="SM04", mode="S", commune=TALANT_LIKE),
        L("10000000002", "10", sf="SM54", mode="L", commune=PARIS15),
        # C: infirmier at an old code of the territory, liberal
        L("10000000003", "60", mode="L", commune=OLD_CODE),
        # D: infirmier without commune code: the postcode 21000 serves Dijon only; salaried
        L("10000000004", "60", mode="S", cp="21000", cedex="21000 DIJON"),
        # E: kiné in Côte-d'Or outside the territory
        L("10000000005", "70", mode="L", commune=AHUY),
        L("10000000006", "60", mode="L", commune=BEAUNE),  # F (2/2)
    ]


def figure(source, code):
    found = [f for f in source.figures if f.code == code]
    assert len(found) == 1, code
    return found[0]


def per10k(n: int, people: int) -> float:
    return round(n * 10_000 / people, 1)


def test_rpps_worked_territory(tmp_path):
    source = rpps.read(write_rpps(tmp_path / NAME, worked_rows()), SCOPE)
    assert (source.kind, source.millesime, source.editeur) == ("rpps", 2025, "ANS (Annuaire Santé)")
    t, d, r, fr = pop(TERRITORY), pop_dep("21"), pop_reg("27"), pop_france()

    gp = figure(source, "medecins_generalistes_pour_10000")
    assert gp.territoire == per10k(2, t)  # A and B, each once
    assert gp.departements == {"21": per10k(2, d)}
    assert gp.regions == {"27": per10k(2, r)}
    assert gp.france == per10k(2, fr)
    assert gp.unite == "pour 10 000 habitants" and gp.theme == "offre_soins"
    assert gp.note.startswith("Médecins généralistes exerçant dans le territoire : 2 (")
    share = figure(source, "medecins_generalistes_part_liberale")
    assert share.territoire == 50.0  # A liberal in Dijon, B salaried in the territory
    assert share.france == 100.0  # B is liberal in Paris
    assert share.departements == {"21": 50.0}

    nurses = figure(source, "infirmiers_pour_10000")
    assert nurses.territoire == per10k(3, t)  # C (old code), D (postcode), F once
    assert figure(source, "infirmiers_part_liberale").territoire == round(200 / 3, 1)
    kine = figure(source, "masseurs_kinesitherapeutes_pour_10000")
    assert kine.territoire == 0.0
    assert kine.departements == {"21": per10k(1, d)}
    assert figure(source, "masseurs_kinesitherapeutes_part_liberale").territoire is None
    spec = figure(source, "medecins_specialistes_pour_10000")
    assert spec.france == 0.0  # B is a GP, as the actors import decides
    # no psychologue in the file: no figure rather than a false zero
    assert not [f for f in source.figures if f.code.startswith("psychologues")]


@pytest.mark.parametrize(
    "header, encoding, trailing, packed",
    [
        (HEADER, "utf-8", True, False),
        (HEADER_52, "latin-1", True, False),
        (HEADER, "latin-1", False, True),
        (HEADER_52, "utf-8", False, True),
    ],
)
def test_rpps_layouts_give_the_same_figures(tmp_path, header, encoding, trailing, packed):
    """56 or 52 columns, UTF-8 or latin-1, with or without the trailing ``|``, plain or
    zipped (the vintage then read from the zip's own name)."""
    reference = rpps.read(write_rpps(tmp_path / NAME, worked_rows()), SCOPE)
    path = write_rpps(tmp_path / "x" / NAME if False else tmp_path / ("b_" + NAME),
                      worked_rows(header), header=header, encoding=encoding,
                      trailing=trailing)  # fmt: skip
    if packed:
        archive = tmp_path / "PS_LibreAcces_202510150930.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(path, "PS_LibreAcces_Personne_activite_202510150930.txt")
        path = archive
        assert rpps.sniff(archive.read_bytes()[:4096], archive.name)
    else:
        path = path.rename(tmp_path / NAME)
        assert rpps.sniff(path.read_bytes()[:4096], path.name)
    source = rpps.read(path, SCOPE)
    assert source.figures == reference.figures
    assert source.millesime == 2025


def test_rpps_psychologues_when_present(tmp_path):
    rows = worked_rows() + [line(HEADER, "10000000007", "93", mode="L", commune=BEAUNE)]
    source = rpps.read(write_rpps(tmp_path / NAME, rows), SCOPE)
    assert figure(source, "psychologues_pour_10000").territoire == per10k(1, pop(TERRITORY))
    assert figure(source, "psychologues_part_liberale").territoire == 100.0


def test_rpps_whole_city_and_arrondissements(tmp_path):
    """A territory given as the whole of Paris counts the lines of its arrondissements."""
    rows = [
        line(HEADER, "10000000001", "60", commune="75115"),
        line(HEADER, "10000000002", "60", commune="75101"),
        line(HEADER, "10000000003", "60", commune="75056"),
    ]
    scope = Scope(("75056",), ("75",), ("11",))
    source = rpps.read(write_rpps(tmp_path / NAME, rows), scope)
    nurses = figure(source, "infirmiers_pour_10000")
    assert nurses.territoire == per10k(3, store.commune("75056").population)
    assert nurses.departements == {"75": per10k(3, pop_dep("75"))}
    scope = Scope(("75115",), ("75",), ("11",))  # one arrondissement only
    source = rpps.read(write_rpps(tmp_path / NAME, rows), scope)
    assert figure(source, "infirmiers_pour_10000").territoire == per10k(1, pop(["75115"]))


def test_rpps_malformed_lines_are_said(tmp_path):
    rows = worked_rows()
    text = write_rpps(tmp_path / NAME, rows).read_text(encoding="utf-8")
    (tmp_path / NAME).write_text(text + "10000000009|60|L|\n", encoding="utf-8")
    source = rpps.read(tmp_path / NAME, SCOPE)
    clean = rpps.read(write_rpps(tmp_path / ("b" + NAME), rows), SCOPE)

    def values(src):
        return [(f.code, f.territoire, f.departements, f.regions, f.france) for f in src.figures]

    assert values(source) == values(clean)
    note = figure(source, "infirmiers_pour_10000").note
    assert "1 lignes n'avaient pas le nombre de champs de l'en-tête : ignorées." in note
    assert "lignes n'avaient pas" not in figure(clean, "infirmiers_pour_10000").note


def test_rpps_vintage_unknown_is_refused(tmp_path):
    path = write_rpps(tmp_path / "extraction.txt", worked_rows())
    with pytest.raises(CptsError) as exc:
        rpps.read(path, SCOPE)
    assert "extraction.txt" in str(exc.value) and "millésime inconnu" in str(exc.value)


def test_rpps_vintage_from_names():
    assert rpps.vintage("PS_LibreAcces_Personne_activite_202403120830.txt") == 2024
    assert rpps.vintage("PS_LibreAcces_202212010101.zip") == 2022
    assert rpps.vintage("rpps.txt", "PS_LibreAcces_Personne_activite_202101310000.txt") == 2021
    assert rpps.vintage("PS_LibreAcces_Personne_activite_20241399.txt") is None


def test_rpps_extraction_date_from_names(tmp_path):
    assert rpps.extraction_date("PS_LibreAcces_Personne_activite_202403120830.txt") == "2024-03-12"
    assert rpps.extraction_date("x.zip", "PS_LibreAcces_202210010101.zip") == "2022-10-01"
    assert rpps.extraction_date("PS_LibreAcces_Personne_activite_202402300000.txt") == ""
    assert rpps.read(write_rpps(tmp_path / NAME, worked_rows()), SCOPE).version == "2025-10-15"


def _rpps_indicator(path: Path, code: str) -> dict:
    from ruamel.yaml import YAML

    entries = YAML(typ="safe").load(path.read_text(encoding="utf-8"))["diagnostic"]["indicateurs"]
    return next(e for e in entries if e.get("code") == code)


def test_rpps_newer_extraction_of_the_same_year_replaces_older_refused(cli, example, tmp_path):
    march = write_rpps(tmp_path / "PS_LibreAcces_Personne_activite_202403120830.txt", worked_rows())
    result = cli("diagnostic", "import", "-f", example, march)
    assert result.code == 0, result.err
    entry = _rpps_indicator(example, "infirmiers_pour_10000")
    assert entry["annee"] == 2024
    assert entry["source"] == (
        "ANS (Annuaire Santé) — Extraction publique du RPPS (PS_LibreAcces) "
        "(extraction du 12 mars 2024)"
    )
    october = write_rpps(
        tmp_path / "PS_LibreAcces_Personne_activite_202410010930.txt", worked_rows()[:-1]
    )
    result = cli("diagnostic", "import", "-f", example, october)
    assert result.code == 0, result.err
    assert "infirmiers_pour_10000 : remplace l'extraction du 12 mars 2024" in result.out
    entry = _rpps_indicator(example, "infirmiers_pour_10000")
    assert entry["source"].endswith("(extraction du 1er octobre 2024)")
    after = example.read_bytes()
    refused = cli("diagnostic", "import", "-f", example, march)
    assert refused.code == 0, refused.err
    assert "plus ancien" in refused.out and "(extraction du 1er octobre 2024)" in refused.out
    assert example.read_bytes() == after


def test_rpps_missing_columns(tmp_path):
    header = [h for h in HEADER if h != "Code mode exercice" and h != "Libellé mode exercice"]
    rows = [line(header, "10000000001", "60", commune=DIJON)]
    with pytest.raises(CptsError) as exc:
        rpps.read(write_rpps(tmp_path / NAME, rows, header=header), SCOPE)
    assert NAME in str(exc.value) and "« Code mode exercice »" in str(exc.value)


def test_rpps_truncated_zip(tmp_path):
    path = write_rpps(tmp_path / NAME, worked_rows() * 200)
    archive = tmp_path / "PS_LibreAcces_202510150930.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(path, NAME)
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(CptsError) as exc:
        rpps.read(archive, SCOPE)
    assert archive.name in str(exc.value) and "abîmée ou incomplète" in str(exc.value)


def test_rpps_other_files_refused(tmp_path):
    other = tmp_path / NAME
    other.write_bytes("CODGEO;P22_POP\n21231;161830\n".encode("utf-16"))
    assert not rpps.sniff(other.read_bytes(), other.name)
    with pytest.raises(CptsError) as exc:
        rpps.read(other, SCOPE)
    assert NAME in str(exc.value) and "n'est pas une extraction RPPS" in str(exc.value)
    lines = "|".join(HEADER) + "|\n" + "".join("a;b;c\n" for _ in range(30))
    other.write_text(lines, encoding="utf-8")
    with pytest.raises(CptsError) as exc:
        rpps.read(other, SCOPE)
    assert NAME in str(exc.value) and "ne ressemble pas à une extraction RPPS" in str(exc.value)


# hypothesis: any set of professionals, any order of their lines, compared with a
# straightforward count (a set of identifiers per area).
_PLACES = [DIJON, BEAUNE, TALANT_LIKE, AHUY, PARIS15, "69381", "97101", ""]
_AREAS = {
    DIJON: {"T", "D", "R", "F"},
    BEAUNE: {"T", "D", "R", "F"},
    TALANT_LIKE: {"T", "D", "R", "F"},
    AHUY: {"D", "R", "F"},
    PARIS15: {"F"},
    "69381": {"F"},
    "97101": {"F"},
    "": set(),
}
_activity = st.tuples(
    st.sampled_from(["60", "70", "10"]),
    st.sampled_from(["", "SM54", "SM04"]),
    st.sampled_from(["L", "S", "B"]),
    st.sampled_from(_PLACES),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    people=st.lists(st.lists(_activity, min_size=1, max_size=4), min_size=1, max_size=12),
    seed=st.integers(0, 10**6),
    shuffle=st.booleans(),
)
def test_rpps_counts_each_professional_once(tmp_path, people, seed, shuffle):
    rows = []
    expected: dict[tuple[str, str], set] = {}
    liberal: dict[tuple[str, str], set] = {}
    for n, acts in enumerate(people):
        ident = f"1{n:010d}"
        gp = any(sf == "SM54" for _, sf, _, _ in acts)
        for prof, sf, mode, place in acts:
            kind = {"60": "infirmier", "70": "kine"}.get(prof) or ("gp" if gp else "spec")
            rows.append(line(HEADER, ident, prof, sf=sf, mode=mode, commune=place))
            for area in _AREAS[place]:
                expected.setdefault((area, kind), set()).add(ident)
                if mode == "L":
                    liberal.setdefault((area, kind), set()).add(ident)
    if shuffle:
        random.Random(seed).shuffle(rows)
    source = rpps.read(write_rpps(tmp_path / NAME, rows), SCOPE)
    people_of = {"T": pop(TERRITORY), "D": pop_dep("21"), "R": pop_reg("27"), "F": pop_france()}
    for kind, stem in (("infirmier", "infirmiers"), ("kine", "masseurs_kinesitherapeutes"),
                       ("gp", "medecins_generalistes"), ("spec", "medecins_specialistes")):  # fmt: skip
        dens = figure(source, f"{stem}_pour_10000")
        share = figure(source, f"{stem}_part_liberale")
        got = {"T": dens.territoire, "D": dens.departements["21"], "R": dens.regions["27"],
               "F": dens.france}  # fmt: skip
        got_share = {"T": share.territoire, "D": share.departements["21"],
                     "R": share.regions["27"], "F": share.france}  # fmt: skip
        for area, people_here in people_of.items():
            n = len(expected.get((area, kind), ()))
            assert got[area] == per10k(n, people_here), (kind, area)
            lib = len(liberal.get((area, kind), ()))
            assert got_share[area] == (round(lib * 100 / n, 1) if n else None), (kind, area)


# --------------------------------------------------------------------------- APL workbooks


def write_apl(path: Path, sheets: dict, *, old=False, codes_as_numbers=False,
              standard=True, total=True) -> Path:  # fmt: skip
    """A workbook in the DREES layout: rows 1–8 title and notes, row 9 header, row 10
    units, then the communes, then a note and a total. ``sheets``: name → rows of
    (code, name, apl, apl65, standardised population, total population)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet_name, rows in sheets.items():
        sheet = book.create_sheet(sheet_name)
        sheet.append(["Accessibilité potentielle localisée (APL) aux médecins généralistes"])
        for n in range(7):
            sheet.append([f"Note {n + 1} : source DREES, SNIIR-AM, INSEE." if n % 2 else None])
        year = "".join(ch for ch in sheet_name if ch.isdigit()) or "2022"
        if old:
            header = ["Code commune", "Commune",
                      "APL aux médecins généralistes (sans borne d'âge)"]  # fmt: skip
        else:
            header = ["Code commune INSEE ", "Commune", "APL aux médecins généralistes  ",
                      "APL aux médecins généralistes de 65 ans et moins",
                      "APL aux médecins généralistes de 62 ans et moins",
                      "APL aux médecins généralistes de 60 ans et moins"]  # fmt: skip
        extra = []
        if standard:
            extra.append(f"Population standardisée {year} pour la médecine générale ")
        if total:
            extra.append(f"Population totale {year}")
        sheet.append(header + extra)
        sheet.append([None, None, "consultations/an/hab."] + [None] * (len(header) + 1))
        for code, nom, value, value65, std, tot in rows:
            cell = int(code) if codes_as_numbers and code.isdigit() else code
            data = [cell, nom, value] if old else [cell, nom, value, value65, value65, value65]
            data += ([std] if standard else []) + ([tot] if total else [])
            sheet.append(data)
        sheet.append([None])
        sheet.append(["Lecture : …"])
        sheet.append(["France entière", None, 3.4])
    book.save(path)
    return path


TOWN_ROWS = [
    # code, name, APL, APL 65, standardised pop., total pop.
    (DIJON, "Dijon", 4.0, 3.5, 1000.0, 2000),
    (OLD_CODE, "(ancienne commune de 21060)", 2.0, 1.5, 3000.0, 1000),
    (AHUY, "Ahuy", 1.0, 1.0, 1000.0, 1000),
    ("75115", "Paris 15e", 5.0, 4.0, 2000.0, 2000),
    ("75056", "Paris", 9.0, 9.0, 99999.0, 99999),  # whole city beside its arrondissements
    ("01001", "L'Abergement-Clémenciat", 3.0, None, 1000.0, 500),
]  # Beaune (21054) absent


def test_apl_worked_territory(tmp_path):
    path = write_apl(tmp_path / "DREES_APL_MG.xlsx",
                     {"APL 2022": [(DIJON, "Dijon", 1.0, 1.0, 1.0, 1.0)],
                      "APL 2023": TOWN_ROWS})  # fmt: skip
    assert apl.sniff(path.read_bytes()[:4096], path.name)
    source = apl.read(path, SCOPE)
    assert (source.kind, source.millesime, source.editeur) == ("apl", 2023, "DREES")
    mg = figure(source, "apl_medecins_generalistes")
    assert mg.territoire == round((4.0 * 1000 + 2.0 * 3000) / 4000, 1)  # 2.5
    assert mg.departements == {"21": round((4.0 * 1000 + 2.0 * 3000 + 1.0 * 1000) / 5000, 1)}
    assert mg.regions == {"27": 2.2}
    # France: every commune once (Paris through its arrondissement only)
    assert mg.france == round((4000 + 6000 + 1000 + 5.0 * 2000 + 3.0 * 1000) / 8000, 1)
    assert mg.manquantes == (BEAUNE,)
    assert BEAUNE in mg.note and "population standardisée" in mg.note
    assert mg.unite == "consultations par an et par habitant standardisé"
    mg65 = figure(source, "apl_medecins_generalistes_65_ans_et_moins")
    assert mg65.territoire == round((3.5 * 1000 + 1.5 * 3000) / 4000, 1)  # 2.0
    assert mg65.france == round((3500 + 4500 + 1000 + 8000) / 7000, 1)  # 01001 has none


@pytest.mark.parametrize("codes_as_numbers", [False, True])
def test_apl_old_vintage_and_weights(tmp_path, codes_as_numbers):
    """2015–2019 headers (« Code commune », « (sans borne d'âge) »), codes saved as numbers,
    no standardised population: weighted by the total population, said in the note."""
    path = write_apl(tmp_path / "APL_mg_2019.xlsx", {"APL 2019": TOWN_ROWS}, old=True,
                     standard=False, codes_as_numbers=codes_as_numbers)  # fmt: skip
    source = apl.read(path, SCOPE)
    assert source.millesime == 2019
    mg = figure(source, "apl_medecins_generalistes")
    assert mg.territoire == round((4.0 * 2000 + 2.0 * 1000) / 3000, 1)
    assert "population totale" in mg.note
    assert mg.departements == {"21": round((8000 + 2000 + 1000) / 4000, 1)}
    assert [f.code for f in source.figures] == ["apl_medecins_generalistes"]


def test_apl_weighted_by_store_population(tmp_path):
    path = write_apl(tmp_path / "APL.xlsx", {"APL 2024": TOWN_ROWS[:2]}, standard=False,
                     total=False)  # fmt: skip
    mg = figure(apl.read(path, SCOPE), "apl_medecins_generalistes")
    p1, p2 = store.commune(DIJON).population, store.commune(TALANT_LIKE).population
    assert mg.territoire == round((4.0 * p1 + 2.0 * p2) / (p1 + p2), 1)
    assert "population municipale du référentiel" in mg.note


def test_apl_arrondissement_of_a_city_given_whole(tmp_path):
    rows = [("75056", "Paris", 2.5, 2.0, 100.0, 100)]
    path = write_apl(tmp_path / "APL.xlsx", {"APL 2023": rows})
    mg = figure(apl.read(path, Scope(("75115",), ("75",), ("11",))), "apl_medecins_generalistes")
    assert mg.territoire == 2.5 and mg.manquantes == ()
    assert "ville entière" in mg.note


def test_apl_bad_files(tmp_path):
    not_xlsx = tmp_path / "apl.xlsx"
    not_xlsx.write_text("Code commune;APL\n21231;3,1\n", encoding="utf-8")
    with pytest.raises(CptsError) as exc:
        apl.read(not_xlsx, SCOPE)
    assert "apl.xlsx" in str(exc.value) and "classeur XLSX" in str(exc.value)
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Feuil1"
    book.active.append(["CODGEO", "P22_POP"])
    book.active.append(["21231", 161830])
    book.save(tmp_path / "apl_insee.xlsx")
    with pytest.raises(CptsError) as exc:
        apl.read(tmp_path / "apl_insee.xlsx", SCOPE)
    assert "apl_insee.xlsx" in str(exc.value) and "APL aux médecins généralistes" in str(exc.value)
    book = Workbook()
    book.active.title = "Données"
    book.active.append(["Code commune", "APL aux médecins généralistes"])
    book.active.append(["21231", 3.1])
    book.save(tmp_path / "apl_sans_annee.xlsx")
    with pytest.raises(CptsError) as exc:
        apl.read(tmp_path / "apl_sans_annee.xlsx", SCOPE)
    assert "apl_sans_annee.xlsx" in str(exc.value) and "millésime inconnu" in str(exc.value)
    truncated = tmp_path / "APL_tronque.xlsx"
    write_apl(tmp_path / "full.xlsx", {"APL 2023": TOWN_ROWS})
    data = (tmp_path / "full.xlsx").read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(CptsError) as exc:
        apl.read(truncated, SCOPE)
    assert "APL_tronque.xlsx" in str(exc.value)
    assert not apl.sniff(b"Code commune;APL\n", "apl.csv")
    assert apl.sniff(b"PK\x03\x04", "apl2023.xlsx") and not apl.sniff(b"PK\x03\x04", "pop.xlsx")


@pytest.mark.parametrize(
    ("name", "sheet", "year"),
    [
        ("donnees.xlsx", "APL 2023", 2023),
        ("export (1).xlsx", "Données 2023", 2023),
        ("a.xlsx", "Données", 2022),  # the year of the header « Population … 2022 »
    ],
)
def test_apl_workbook_renamed_is_recognised_by_its_content(
    cli, example, tmp_path, name, sheet, year
):
    path = write_apl(tmp_path / name, {sheet: TOWN_ROWS})
    result = cli("diagnostic", "import", "-f", example, path)
    assert result.code == 0, result.err
    entry = _rpps_indicator(example, "apl_medecins_generalistes")
    assert entry["annee"] == year and entry["source"].startswith("DREES — Accessibilité")


def test_workbook_of_another_kind_is_not_recognised(cli, example, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Feuil1"
    book.active.append(["Liste des adhérents (aplomb)"])
    book.active.append(["Code commune", "Nom", "Cotisation"])
    book.active.append(["21231", "Dupont", 30])
    book.save(tmp_path / "donnees.xlsx")
    before = example.read_bytes()
    result = cli("diagnostic", "import", "-f", example, tmp_path / "donnees.xlsx")
    assert result.code == 2
    assert "« donnees.xlsx » : type de fichier non reconnu." in result.err
    assert example.read_bytes() == before


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(
        st.tuples(
            st.floats(0, 10, allow_nan=False).map(lambda x: round(x, 3)),
            st.floats(0, 5000, allow_nan=False).map(lambda x: round(x, 1)),
        ),
        min_size=3,
        max_size=3,
    ),
    drop=st.sets(st.sampled_from(TERRITORY), max_size=2),
)
def test_apl_weighted_mean(tmp_path, values, drop):
    rows = [
        (code, code, value, value, weight, weight)
        for code, (value, weight) in zip(TERRITORY, values, strict=True)
        if code not in drop
    ]
    path = write_apl(tmp_path / "APL.xlsx", {"APL 2023": rows})
    mg = figure(apl.read(path, SCOPE), "apl_medecins_generalistes")
    kept = [(v, w) for c, (v, w) in zip(TERRITORY, values, strict=True) if c not in drop]
    total = sum(w for _, w in kept)
    assert mg.territoire == (round(sum(v * w for v, w in kept) / total, 1) if total else None)
    assert mg.manquantes == tuple(sorted(drop))
