"""``cpts territory``: info, add, remove, search, coverage — as a user runs them."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from cpts_cli.referentiel import store
from cpts_cli.territory import info as territory_info

DIJON_METROPOLE = "242100410"
PLAINE_DIJONNAISE = "200000925"


def write_project(
    path: Path,
    nom: str,
    communes: list[str] = (),
    epci: list[str] = (),
    population: tuple[int, str] | None = None,
) -> Path:
    """A small project file; ``population``: the (value, source) the user entered, if any."""
    lines = [
        "format: 1",
        "cpts:",
        f"  nom: {nom}",
        "  porteur:",
        "    nom: Dr Claire Martin",
        "territoire:",
    ]
    if communes:
        lines += ["  communes:"] + [f'    - "{c}"' for c in communes]
    if epci:
        lines += ["  epci:"] + [f'    - "{s}"' for s in epci]
    lines.append("  justification: Bassin de vie.")
    if population is not None:
        value, source = population
        lines += ["  population:", f"    valeur: {value}", f'    source: "{source}"']
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def info_json(cli, path: Path) -> dict:
    """What ``cpts territory info --format json`` says of the project at ``path``."""
    return cli("territory", "info", path, "--format", "json").json()


def population(codes) -> int:
    return sum(store.commune(c).population for c in codes)


def changed_lines(before: str, after: str) -> list[str]:
    """The lines removed (-) and added (+) between two texts."""
    return [
        line.rstrip("\n")
        for line in difflib.ndiff(before.splitlines(True), after.splitlines(True))
        if line[:2] in ("- ", "+ ")
    ]


# --------------------------------------------------------------------------- info


def test_info_on_the_worked_example(example, cli):
    data = info_json(cli, example)
    assert data["cpts"] == "CPTS du Sud Dijonnais"
    assert data["nombre_communes"] == 75
    assert data["population"]["valeur"] == 86751
    assert data["population"]["calculee"] == 86751
    assert data["population"]["millesime"] == "2023"
    assert data["aci"]["taille"] == 3
    assert [a["code"] for a in data["ars"]] == ["bourgogne_franche_comte"]
    assert [d["code"] for d in data["departements"]] == ["21"]
    assert data["regions"] == [{"code": "27", "nom": "Bourgogne-Franche-Comté"}]
    assert {c["origine"] for c in data["communes"]} == {"direct"}
    assert data == territory_info.info(example).to_dict()  # JSON = the API

    text = cli("territory", "info", example)
    assert text.code == 0
    assert "86\u202f751 habitants" in text.out
    assert "millésime 2023" in text.out
    assert "Taille ACI : 3 (de 80\u202f000 à 175\u202f000 habitants, règles avenant-2)" in text.out
    assert "ARS Bourgogne-Franche-Comté" in text.out
    assert "Chenôve" in text.out  # the table of communes
    quiet = cli("territory", "info", example, "-q")
    assert "Chenôve" not in quiet.out and "Taille ACI : 3" in quiet.out


def test_info_default_file_is_cpts_yaml(example, cli):
    result = cli("territory", "info", "--format", "json", cwd=example.parent)
    assert result.code == 0 and result.json()["nombre_communes"] == 75


def test_info_across_two_regions_lists_both_ars(tmp_path, cli):
    path = write_project(tmp_path / "cpts.yaml", "CPTS 21-52", ["21277", "52405"])
    data = info_json(cli, path)
    assert [a["code"] for a in data["ars"]] == ["bourgogne_franche_comte", "grand_est"]
    assert [r["code"] for r in data["regions"]] == ["27", "44"]
    assert data["population"]["valeur"] == population(["21277", "52405"])
    text = cli("territory", "info", path).out
    assert "ARS concernées : ARS Bourgogne-Franche-Comté, ARS Grand Est" in text
    assert "ARS référente à désigner" in text

    path.write_text(path.read_text() + "  ars_referente: grand_est\n")
    data = info_json(cli, path)
    assert data["ars_referente"] == "grand_est"
    assert "ARS référente : ARS Grand Est" in cli("territory", "info", path).out


def test_info_arrondissements_epci_and_old_code(tmp_path, cli):
    path = write_project(
        tmp_path / "cpts.yaml", "CPTS mixte", ["75113", "75114", "20004"], [PLAINE_DIJONNAISE]
    )
    data = info_json(cli, path)
    members = store.epci(PLAINE_DIJONNAISE).membres
    assert data["nombre_communes"] == 3 + len(members)
    expected = population(["75113", "75114", "2A004", *members])
    assert data["population"]["valeur"] == expected
    assert data["anciens_codes"] == [{"code": "20004", "actuel": "2A004"}]
    rows = {c["code"]: c for c in data["communes"]}
    assert rows["75113"]["nom"] == store.commune("75113").nom
    assert rows["21292"]["origine"] == "CC de la Plaine Dijonnaise"
    assert rows["21292"]["epci"] == PLAINE_DIJONNAISE
    assert rows["2A004"]["origine"] == "direct"
    assert {a["code"] for a in data["ars"]} == {"ile_de_france", "bourgogne_franche_comte", "corse"}
    text = cli("territory", "info", path).out
    assert "« 20004 » est un ancien code : commune actuelle 2A004" in text
    assert "par l'intercommunalité CC de la Plaine Dijonnaise" in text


def test_info_mayotte_note_override_and_missing_population(tmp_path, cli):
    path = write_project(
        tmp_path / "cpts.yaml", "CPTS Mayotte", ["97601"], population=(42000, "Estimation ARS 2025")
    )
    data = info_json(cli, path)
    assert data["population"]["valeur"] == 42000
    assert data["population"]["saisie"] == {"valeur": 42000, "source": "Estimation ARS 2025"}
    assert data["population"]["calculee"] == store.commune("97601").population
    assert any("Mayotte" in n and "2017" in n for n in data["population"]["notes"])
    assert data["aci"]["taille"] == 2
    text = cli("territory", "info", path).out
    assert "valeur saisie dans le fichier" in text and "Estimation ARS 2025" in text
    assert "Mayotte" in text

    # No population published (Clipperton): said so, never 0, no tier.
    path = write_project(tmp_path / "b" / "cpts.yaml", "CPTS Clipperton", ["98901"])
    data = info_json(cli, path)
    assert data["population"]["valeur"] is None
    assert data["population"]["communes_sans_population"] == ["98901"]
    assert data["aci"] is None
    result = cli("territory", "info", path)
    assert result.code == 0 and "incalculable" in result.out and " 0 habitant" not in result.out


def test_info_tier_near_a_bound_says_so(tmp_path, cli):
    path = write_project(
        tmp_path / "cpts.yaml", "CPTS A", ["21231"], population=(79500, "Recensement local")
    )
    data = info_json(cli, path)
    assert data["aci"]["taille"] == 2 and data["aci"]["seuil_proche"] == 80000
    assert "à confirmer avec l'ARS et la CPAM" in data["aci"]["note"]
    assert "Attention :" in cli("territory", "info", path).out


def test_info_unreadable_file_exits_2(tmp_path, cli):
    bad = tmp_path / "cpts.yaml"
    bad.write_text("territoire: [\n")
    result = cli("territory", "info", bad)
    assert result.code == 2 and "ne peut pas être lu" in result.err
    assert cli("territory", "info", tmp_path / "absent.yaml").code == 2


# --------------------------------------------------------------------------- add / remove


def test_add_then_remove_round_trip(example, cli):
    original = example.read_bytes()
    result = cli("territory", "add", "21231", "-f", example)
    assert result.code == 0, result.err
    assert "Ajoutée : Dijon (21231)" in result.out
    assert "248\u202f581 habitants, taille ACI 4" in result.out
    after = example.read_text()
    # Only the new line; comments and every other line byte-identical.
    assert changed_lines(original.decode(), after) == ['+     - "21231"  # Dijon']
    # The comment that followed the list still sits right above justification.
    assert "    # Pourquoi ce périmètre" not in after
    lines = after.splitlines()
    i = lines.index('    - "21231"  # Dijon')
    assert lines[i + 1].lstrip().startswith("#") and lines[i + 2].startswith("  justification:")

    result = cli("territory", "remove", "21231", "-f", example)
    assert result.code == 0 and "Retirée : Dijon (21231)" in result.out
    assert example.read_bytes() == original


def test_add_several_and_an_epci_replaces_its_listed_communes(example, cli):
    original = example.read_text()
    members = set(store.epci(PLAINE_DIJONNAISE).membres)
    result = cli("territory", "add", PLAINE_DIJONNAISE, "-f", example)
    assert result.code == 0, result.err
    assert "retirées de « communes »" in result.out
    after = example.read_text()
    changes = changed_lines(original, after)
    removed = [line for line in changes if line.startswith("- ")]
    added = [line for line in changes if line.startswith("+ ")]
    assert {line.split('"')[1] for line in removed} == members
    assert added == ["+   epci:", f'+     - "{PLAINE_DIJONNAISE}"  # CC de la Plaine Dijonnaise']
    data = info_json(cli, example)
    assert data["nombre_communes"] == 75 and data["population"]["valeur"] == 86751
    assert cli("validate", example).code == 0


def test_add_old_code_adds_the_current_commune(example, cli):
    result = cli("territory", "add", "20004", "-f", example)
    assert result.code == 0
    assert "« 20004 » est un ancien code" in result.out and "Ajaccio (2A004)" in result.out
    text = example.read_text()
    assert '"2A004"' in text and '"20004"' not in text


def test_add_already_present_changes_nothing(tmp_path, example, cli):
    original = example.read_bytes()
    result = cli("territory", "add", "21166", "-f", example)
    assert result.code == 0
    assert "Chenôve (21166) est déjà dans le territoire" in result.out
    assert "Aucune modification" in result.out
    assert example.read_bytes() == original

    path = write_project(tmp_path / "m" / "cpts.yaml", "CPTS Métropole", epci=[DIJON_METROPOLE])
    before = path.read_bytes()
    result = cli("territory", "add", "21231", DIJON_METROPOLE, "-f", path)
    assert result.code == 0
    assert "par l'intercommunalité Dijon Métropole" in result.out
    assert "Dijon Métropole (242100410, 23 communes) est déjà dans le territoire" in result.out
    assert path.read_bytes() == before


def test_add_unknown_code_exits_2_and_writes_nothing(example, cli):
    original = example.read_bytes()
    result = cli("territory", "add", "21231", "21999", "-f", example)
    assert result.code == 2
    assert "Code commune inconnu : « 21999 »" in result.err
    assert "codes proches" in result.err
    assert "Le fichier n'a pas été modifié" in result.err
    assert example.read_bytes() == original
    for bad, words in (
        ("21000", "code postal"),
        ("1053", "zéro initial"),
        ("abc", "aucune commune ni intercommunalité de ce nom"),  # a name, since issue 14
        ("242100411", "Intercommunalité inconnue"),
    ):
        result = cli("territory", "add", bad, "-f", example)
        assert result.code == 2 and words in result.err, (bad, result.err)
    assert example.read_bytes() == original


def test_remove_commune_brought_by_an_epci_explains(tmp_path, cli):
    path = write_project(tmp_path / "cpts.yaml", "CPTS Métropole", epci=[DIJON_METROPOLE])
    before = path.read_bytes()
    result = cli("territory", "remove", "21231", "-f", path)
    assert result.code == 0
    assert "par l'intercommunalité Dijon Métropole" in result.out
    assert "Rien n'a été modifié" in result.out and "--detailler-epci" in result.out
    assert path.read_bytes() == before
    result = cli("territory", "remove", "21292", "-f", path)
    assert result.code == 0 and "n'est pas dans le territoire" in result.out
    result = cli("territory", "remove", DIJON_METROPOLE, "-f", path)
    assert result.code == 0 and "Retirée : l'intercommunalité Dijon Métropole" in result.out
    assert f'"{DIJON_METROPOLE}"' not in path.read_text()


def test_remove_commune_of_an_epci_with_detailler_epci(tmp_path, cli):
    """The EPCI is replaced by its other communes; a commune the file lists itself is
    neither added twice nor lost; the territory is the EPCI minus the removed communes."""
    from cpts_cli.project.load import read_path
    from cpts_cli.territory.summary import derive

    path = write_project(
        tmp_path / "cpts.yaml", "CPTS Métropole", ["21171"], epci=[DIJON_METROPOLE]
    )
    before = set(derive(read_path(path).plain["territoire"]).members)
    original = path.read_bytes()
    result = cli(
        "territory", "remove", "21231", "21166", "-f", path, "--detailler-epci", "--dry-run"
    )
    assert result.code == 0 and path.read_bytes() == original  # --dry-run writes nothing
    assert '+    - "21003"' in result.out  # the diff shows the communes that come in
    result = cli("territory", "remove", "21231", "21166", "-f", path, "--detailler-epci")
    assert result.code == 0, result
    assert "Retirée : Dijon (21231)" in result.out and "remplacée par la liste" in result.out
    data = read_path(path).plain["territoire"]
    assert DIJON_METROPOLE not in (data.get("epci") or [])
    assert data["communes"].count("21171") == 1
    assert set(derive(data).members) == before - {"21231", "21166"}


def test_remove_a_mistyped_code_written_in_the_file(tmp_path, cli):
    path = write_project(tmp_path / "cpts.yaml", "CPTS A", ["21166", "21999"])
    result = cli("territory", "remove", "21999", "-f", path)
    assert result.code == 0
    assert '"21999"' not in path.read_text() and '"21166"' in path.read_text()


def test_paris_whole_city_and_arrondissements(tmp_path, cli):
    path = write_project(tmp_path / "cpts.yaml", "CPTS Paris", ["75056"])
    result = cli("territory", "add", "75113", "-f", path)
    assert result.code == 0 and "Paris (75056) figure entière" in result.out
    path = write_project(tmp_path / "b" / "cpts.yaml", "CPTS Paris 13", ["75113", "75114"])
    result = cli("territory", "remove", "75056", "-f", path)
    assert result.code == 0 and "75113, 75114 y sont" in result.out


def test_codes_are_written_with_their_names_and_dry_run_writes_nothing(tmp_path, cli):
    """« cpts init » and « cpts territory add » write each code with its place's name as a
    comment, aligned (``- "21166"  # Chenôve``), as the worked example does."""
    args = ("init", tmp_path, "--no-input", "--nom", "A", "--communes", "21166,21355")
    assert cli(*args).code == 0
    path = tmp_path / "cpts.yaml"
    original = path.read_text()
    assert '  communes:\n    - "21166"  # Chenôve\n    - "21355"  # Longvic\n  epci: []' in original
    result = cli("territory", "add", "21390", "-f", path, "--dry-run")
    assert result.code == 0
    assert "Simulation (--dry-run)" in result.out
    assert '+    - "21390"  # Marsannay-la-Côte' in result.out
    assert path.read_text() == original
    assert cli("territory", "add", "21390", "200000925", "-f", path).code == 0
    changes = changed_lines(original, path.read_text())
    assert changes == [
        '+     - "21390"  # Marsannay-la-Côte',
        "-   epci: []",
        "+   epci:",
        '+     - "200000925"  # CC de la Plaine Dijonnaise',
    ]


def test_a_flow_list_becomes_a_block_list_with_every_name(tmp_path, cli):
    path = tmp_path / "cpts.yaml"
    path.write_text(
        'format: 1\ncpts:\n  nom: A\nterritoire:\n  communes: ["21166", "21999"]  # à revoir\n'
        "  epci: []\n  justification: Bassin.\n"
    )
    assert cli("territory", "add", "21355", "-f", path).code == 0
    assert path.read_text() == (
        "format: 1\ncpts:\n  nom: A\nterritoire:\n"
        "  communes:                     # à revoir\n"
        '    - "21166"  # Chenôve\n    - "21999"\n    - "21355"  # Longvic\n'
        "  epci: []\n  justification: Bassin.\n"
    )


def test_a_block_list_without_names_gets_them_on_the_new_codes_only(tmp_path, cli):
    path = tmp_path / "cpts.yaml"
    path.write_text(
        "format: 1\ncpts:\n  nom: A\nterritoire:\n  communes:\n  - '21166'\n"
        "  # plus tard : Genlis\n  justification: Bassin.\n"
    )
    assert cli("territory", "add", "Longvic", "-f", path).code == 0
    assert path.read_text() == (
        "format: 1\ncpts:\n  nom: A\nterritoire:\n  communes:\n  - '21166'\n"
        "  - '21355'  # Longvic\n  # plus tard : Genlis\n  justification: Bassin.\n"
    )


def test_add_creates_the_missing_lists(tmp_path, cli):
    path = tmp_path / "cpts.yaml"
    path.write_text("format: 1\n# L'identité\ncpts:\n  nom: A\n")
    result = cli("territory", "add", "21231", "-f", path, "--format", "json")
    assert result.code == 0
    data = result.json()
    assert data["apres"]["communes"] == 1 and data["enregistre"] is True
    # The new section gets the header « cpts init » writes above it.
    assert path.read_text() == (
        "format: 1\n# L'identité\ncpts:\n  nom: A\n\n# Étape 1 — Identifier un territoire.\n"
        "# communes : codes INSEE (« cpts territory search NOM » les retrouve) ;\n"
        "# epci : numéros SIREN des intercommunalités entièrement couvertes.\n"
        'territoire:\n  communes:\n    - "21231"  # Dijon\n'
    )


def test_a_new_section_goes_before_the_header_of_the_next_one(tmp_path, cli):
    path = tmp_path / "cpts.yaml"
    path.write_text(
        "format: 1\ncpts:\n  nom: A\n\n# Étape 2 — Les acteurs.\nmobilisation:\n  acteurs: []\n"
    )
    assert cli("territory", "add", "21231", "-f", path).code == 0
    text = path.read_text()
    assert text.startswith("format: 1\ncpts:\n  nom: A\n\n# Étape 1 — Identifier")
    assert text.endswith(
        'territoire:\n  communes:\n    - "21231"  # Dijon\n\n# Étape 2 — Les acteurs.\n'
        "mobilisation:\n  acteurs: []\n"
    )


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    ("text", "code"), [("ÉPINAL", "88160"), ("saint-etienne", "42218"), ("epinal", "88160")]
)
def test_search_is_accent_and_case_insensitive(cli, text, code):
    data = cli("territory", "search", text, "--format", "json").json()
    assert data["resultats"][0]["code"] == code
    assert data["resultats"][0]["type"] == "commune"


def test_search_table_kinds_and_limit(cli):
    result = cli("territory", "search", "saint", "etienne", "--limit", "3")
    assert result.code == 0
    assert "Saint-Étienne Métropole" in result.out and "EPCI" in result.out
    assert "commune" in result.out and "42218" in result.out
    data = cli("territory", "search", "paris", "--format", "json", "-n", "50").json()
    kinds = {r["type"] for r in data["resultats"]}
    assert "arrondissement" in kinds
    empty = cli("territory", "search", "zzzzzz")
    assert empty.code == 1 and "Aucune commune" in empty.out


# --------------------------------------------------------------------------- coverage


def test_coverage_of_a_department_gaps_and_overlaps(tmp_path, cli):
    communes = [c.code for c in store.communes_in(departement="90", arrondissements=True)]
    folder = tmp_path / "cpts"
    write_project(folder / "a.yaml", "CPTS A", communes[:40])
    write_project(folder / "b.yaml", "CPTS B", communes[39:70])  # shares communes[39]
    write_project(folder / "c.yaml", "CPTS C", communes[75:])  # communes[70:75]: no CPTS
    data = cli("territory", "coverage", folder, "--departement", "90", "--format", "json").json()

    gap = communes[70:75]
    total = population(communes)
    assert data["zone"] == {"type": "departement", "code": "90", "nom": "Territoire de Belfort"}
    assert data["communes"] == len(communes)
    assert data["population"] == total
    assert data["zones_blanches"]["communes"] == 5
    assert [c["code"] for c in data["zones_blanches"]["liste"]] == gap
    assert data["zones_blanches"]["population"] == population(gap)
    assert data["chevauchements"] == [
        {
            "code": communes[39],
            "nom": store.commune(communes[39]).nom,
            "population": store.commune(communes[39]).population,
            "fichiers": [str(folder / "a.yaml"), str(folder / "b.yaml")],
        }
    ]
    cov = data["couverture"]
    assert cov["communes"] == len(communes) - 5
    assert cov["population"] == total - population(gap)
    assert cov["pourcentage_communes"] == round(100 * (len(communes) - 5) / len(communes), 1)
    assert cov["pourcentage_population"] == round(100 * (total - population(gap)) / total, 1)
    assert [f["communes"] for f in data["fichiers"]] == [40, 31, len(communes) - 75]

    text = cli("territory", "coverage", folder, "-d", "90")
    assert text.code == 0
    assert "Zones blanches : 5 communes" in text.out
    assert "Chevauchements : 1 commune" in text.out
    assert store.commune(gap[0]).nom in text.out


def test_coverage_paris_whole_city_covers_its_arrondissements(tmp_path, cli):
    a = write_project(tmp_path / "a.yaml", "CPTS Paris", ["75056"])
    b = write_project(tmp_path / "b.yaml", "CPTS Paris 13", ["75113"])
    data = cli("territory", "coverage", a, b, "--departement", "75", "--format", "json").json()
    assert data["communes"] == 20  # by arrondissement
    assert data["population"] == store.commune("75056").population
    assert data["zones_blanches"]["communes"] == 0
    assert [o["code"] for o in data["chevauchements"]] == ["75113"]


def test_coverage_region_unreadable_file_and_bad_zone(tmp_path, cli):
    good = write_project(tmp_path / "a.yaml", "CPTS A", ["21231"])
    bad = tmp_path / "b.yaml"
    bad.write_text("cpts: [\n")
    result = cli("territory", "coverage", good, bad, "--region", "27", "--format", "json")
    assert result.code == 2
    data = result.json()
    assert [f["fichier"] for f in data["fichiers"]] == [str(good)]
    assert data["couverture"]["communes"] == 1
    assert str(bad) in result.err and len(result.err.strip().splitlines()) == 1
    assert cli("territory", "coverage", good, "-d", "99").code == 2
    assert cli("territory", "coverage", good).code == 2  # no zone
    assert cli("territory", "coverage", good, "-d", "21", "-r", "27").code == 2


def test_help_is_french(cli):
    result = cli("territory", "--help")
    assert result.code == 0
    for command in ("info", "add", "remove", "search", "coverage"):
        assert command in result.out
    assert "Commandes" in result.out
    assert "zones blanches" in cli("territory", "coverage", "--help").out


def test_add_commune_and_its_epci_on_one_line(tmp_path, cli):
    assert cli("init", tmp_path, "--no-input", "--nom", "A", "--communes", "21166").code == 0
    path = tmp_path / "cpts.yaml"
    result = cli("territory", "add", "21231", "242100410", "-f", path)
    assert result.code == 0, result
    assert "fait partie de l'intercommunalité Dijon Métropole" in result.out
    report = cli("validate", path, "--format", "json").json()
    codes = [f["code"] for f in report["fichiers"][0]["constats"]]
    assert "CPTS-T005" not in codes  # nothing counted twice
    from cpts_cli.project.load import read_path

    territoire = read_path(path).plain["territoire"]
    assert territoire["communes"] == [] and territoire["epci"] == ["242100410"]


def test_codes_written_as_numbers_still_count_and_are_reported(tmp_path, cli):
    """``- 21166`` (no quotes) is read by YAML as a number, ``- 01001`` as 1001: the
    territory counts them (population, tier, funding stay true), the schema says to quote
    them, and ``remove`` finds them."""
    path = tmp_path / "cpts.yaml"
    path.write_text(
        "format: 1\ncpts:\n  nom: CPTS Nombres\nterritoire:\n  communes:\n"
        '    - 21166  # Chenôve\n    - 01001\n    - "21355"\n'
        f"  epci:\n    - {PLAINE_DIJONNAISE}\n  justification: Bassin de vie.\n",
        encoding="utf-8",
    )
    from cpts_cli.project.load import read_path
    from cpts_cli.territory.summary import derive

    territory = derive(read_path(path).plain["territoire"])
    assert {"21166", "01001", "21355"} <= set(territory.members)
    assert [e.siren for _p, e in territory.epcis] == [PLAINE_DIJONNAISE]
    info = cli("territory", "info", path)
    assert info.code == 0, info
    assert f"Communes : {len(territory.members)}" in info.out
    validate = cli("validate", path)
    assert validate.out.count("CPTS-S001") == 3 and 'Écrivez-le entre guillemets : "01001"' in (
        validate.out
    )
    removed = cli("territory", "remove", "21166", "-f", path)
    assert removed.code == 0, removed
    text = path.read_text(encoding="utf-8")
    assert "21166" not in text and "01001" in text
