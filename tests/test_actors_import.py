"""``cpts actors import``: the RPPS extraction (plain, latin-1, zip) and sheets (CSV, XLSX),
filtered to the territory, deduplicated, merged into ``mobilisation.acteurs`` without ever
losing what the user typed; idempotent; ``--dry-run`` writes nothing; bad input is reported
with its line number or refused with one French message (exit 2)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpts_cli.actors.importing.merge import merge
from cpts_cli.actors.importing.model import ImportedActor
from cpts_cli.actors.importing.run import import_actors
from cpts_cli.actors.importing.sheet import SYNONYMS, field_for, match_columns
from cpts_cli.project.load import read_path
from cpts_cli.project.yamlio import new_yaml

# The header of the public extraction (56 columns, every line ends with "|").
HEADER = (
    "Type d'identifiant PP|Identifiant PP|Identification nationale PP|Code civilité d'exercice|"
    "Libellé civilité d'exercice|Code civilité|Libellé civilité|Nom d'exercice|"
    "Prénom d'exercice|Code profession|Libellé profession|Code catégorie professionnelle|"
    "Libellé catégorie professionnelle|Code type savoir-faire|Libellé type savoir-faire|"
    "Code savoir-faire|Libellé savoir-faire|Code mode exercice|Libellé mode exercice|"
    "Numéro SIRET site|Numéro SIREN site|Numéro FINESS site|"
    "Numéro FINESS établissement juridique|Identifiant technique de la structure|"
    "Raison sociale site|Enseigne commerciale site|Complément destinataire (coord. structure)|"
    "Complément point géographique (coord. structure)|Numéro Voie (coord. structure)|"
    "Indice répétition voie (coord. structure)|Code type de voie (coord. structure)|"
    "Libellé type de voie (coord. structure)|Libellé Voie (coord. structure)|"
    "Mention distribution (coord. structure)|Bureau cedex (coord. structure)|"
    "Code postal (coord. structure)|Code commune (coord. structure)|"
    "Libellé commune (coord. structure)|Code pays (coord. structure)|"
    "Libellé pays (coord. structure)|Téléphone (coord. structure)|"
    "Téléphone 2 (coord. structure)|Télécopie (coord. structure)|"
    "Adresse e-mail (coord. structure)|Code Département (structure)|"
    "Libellé Département (structure)|Ancien identifiant de la structure|"
    "Autorité d'enregistrement|Code secteur d'activité|Libellé secteur d'activité|"
    "Code section tableau pharmaciens|Libellé section tableau pharmaciens|Code rôle|"
    "Libellé rôle|Code genre activité|Libellé genre activité|"
)
COLUMNS = HEADER.split("|")[:-1]


def rpps_line(**values: str) -> str:
    """One line of the extraction; keys are short names of the columns used here."""
    short = {
        "type": "Type d'identifiant PP",
        "id": "Identifiant PP",
        "nom": "Nom d'exercice",
        "prenom": "Prénom d'exercice",
        "prof": "Code profession",
        "sf": "Code savoir-faire",
        "mode": "Code mode exercice",
        "bureau": "Bureau cedex (coord. structure)",
        "cp": "Code postal (coord. structure)",
        "commune": "Code commune (coord. structure)",
        "libelle": "Libellé commune (coord. structure)",
        "tel": "Téléphone (coord. structure)",
        "email": "Adresse e-mail (coord. structure)",
    }
    fields = dict.fromkeys(COLUMNS, "")
    fields["Type d'identifiant PP"] = "8"
    fields["Libellé civilité"] = "Madame"
    for key, value in values.items():
        fields[short[key]] = value
    return "|".join(fields[c] for c in COLUMNS) + "|"


#: A GP (SM54): the person behind the two activities that open ``LINES``.
DUPONT_MARTIN = {
    "id": "10100000001",
    "nom": "DUPONT-MARTIN",
    "prenom": "JEAN-LUC",
    "prof": "10",
    "sf": "SM54",
}

#: A small extraction for the worked example's territory (Côte-d'Or).
LINES = [
    # a GP with two activities in the territory: libéral + salarié → mixte
    rpps_line(**DUPONT_MARTIN, mode="S", cp="21800", commune="21292", libelle="Genlis"),
    rpps_line(
        **DUPONT_MARTIN,
        mode="L",
        cp="21300",
        commune="21166",
        libelle="Chenôve",
        tel="0380112233",
    ),
    # a specialist
    rpps_line(
        id="10100000002",
        nom="LÉGER",
        prenom="HÉLÈNE",
        prof="10",
        sf="SM02",
        mode="S",
        cp="21600",
        commune="21355",
    ),
    # a nurse in Paris: not in the territory
    rpps_line(
        id="10100000003",
        nom="ROUX",
        prenom="ANNE",
        prof="60",
        mode="L",
        cp="75015",
        commune="75115",
    ),
    # a pharmacist with no commune code, postcode 21300 serves Chenôve only
    rpps_line(
        id="10100000004",
        nom="NOËL",
        prenom="FRANÇOIS",
        prof="21",
        mode="L",
        cp="21300",
        email="pharmacie.noel@exemple.fr",
    ),
    # a psychiatric nurse (code 69), salarié
    rpps_line(
        id="10100000005",
        nom="BLANC",
        prenom="LUCIE",
        prof="69",
        mode="S",
        cp="21250",
        commune="21607",
    ),
    # an ADELI psychologist: imported without RPPS number
    rpps_line(
        type="0",
        id="219876543",
        nom="PETIT",
        prenom="MARC",
        prof="93",
        mode="L",
        cp="21600",
        commune="21355",
    ),
]


def extraction(lines: list[str] = LINES, encoding: str = "utf-8") -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode(encoding)


@pytest.fixture
def rpps(tmp_path) -> Path:
    """An RPPS extraction holding ``LINES``."""
    source = tmp_path / "rpps.txt"
    source.write_bytes(extraction())
    return source


def assert_refused(cli, project: Path, source: Path, words: str) -> None:
    """``cpts actors import source`` exits 2 saying ``words`` (no traceback) and leaves the
    project file as it was."""
    before = project.read_bytes()
    result = cli("actors", "import", source, "-f", project)
    assert result.code == 2
    assert words in result.err and "Traceback" not in result.err
    assert project.read_bytes() == before


@pytest.fixture
def project(tmp_path) -> Path:
    """A project with a territory of the worked example, a comment and one typed actor."""
    path = tmp_path / "cpts.yaml"
    path.write_text(
        """\
# Mon projet de CPTS
format: 1
cpts:
  nom: CPTS du Val
  porteur:
    nom: Dr Claire Morel
territoire:
  epci:
    - "200000925"  # CC de la Plaine Dijonnaise
  communes: ["21166", "21355", "21607"]
  justification: Bassin de vie.
mobilisation:
  # Les acteurs saisis à la main
  acteurs:
    - nom: Morel
      prenom: Claire
      profession: medecin_generaliste
      commune: "21166"
      rpps: "10100000009"
      role: porteuse du projet
  # Les structures
  structures: []
""",
        encoding="utf-8",
    )
    return path


def _acteurs(path: Path) -> list[dict]:
    return read_path(path).plain["mobilisation"]["acteurs"]


def _by_name(path: Path) -> dict[str, dict]:
    return {a["nom"]: a for a in _acteurs(path)}


# --------------------------------------------------------------------------- RPPS extraction


def test_rpps_import_filters_dedupes_maps(project, tmp_path, cli):
    source = tmp_path / "PS_LibreAcces_Personne_activite_202511010000.txt"
    source.write_bytes(extraction())
    result = cli("actors", "import", source, "-f", project)
    assert result.code == 0, result
    actors = _by_name(project)
    assert "Roux" not in actors  # Paris: outside the territory
    gp = actors["Dupont-Martin"]
    assert gp == {
        "nom": "Dupont-Martin",
        "prenom": "Jean-Luc",
        "profession": "medecin_generaliste",
        "mode_exercice": "mixte",
        "commune": "21166",  # the libéral activity's commune
        "rpps": "10100000001",
        "telephone": "03 80 11 22 33",
        "origine": "import",
    }
    assert actors["Léger"]["profession"] == "medecin_specialiste"
    assert actors["Noël"]["commune"] == "21166"  # from postcode 21300
    assert actors["Noël"]["email"] == "pharmacie.noel@exemple.fr"
    assert actors["Blanc"]["profession"] == "infirmier"
    assert "rpps" not in actors["Petit"] and actors["Petit"]["profession"] == "psychologue"
    assert actors["Morel"]["role"] == "porteuse du projet"
    assert "7 lignes lues ; 6 dans les 25 communes du territoire" in result.out
    assert "(dont 1 par leur seul code postal) ; 5 professionnels." in result.out
    assert "cpts.yaml enregistré" in result.out
    # the project stays valid (schema and rules on the imported entries)
    check = cli("validate", project, "--format", "json").json()
    codes = {f["code"] for f in check["fichiers"][0]["constats"]}
    assert not any(c.startswith(("CPTS-S", "CPTS-M00")) for c in codes), codes


def test_rpps_latin1_inside_zip_gives_the_same_actors(project, tmp_path):
    plain = tmp_path / "a" / "cpts.yaml"
    plain.parent.mkdir()
    plain.write_bytes(project.read_bytes())
    txt = tmp_path / "rpps.txt"
    txt.write_bytes(extraction(encoding="utf-8"))
    import_actors(plain, txt)

    archive = tmp_path / "PS_LibreAcces_202511010000.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        # latin-1 with Windows line ends
        content = extraction(encoding="latin-1").replace(b"\n", b"\r\n")
        z.writestr("PS_LibreAcces_Personne_activite_202511010000.txt", content)
        z.writestr("PS_LibreAcces_Dipl_AutExerc_202511010000.txt", "autre|fichier|\n")
    report = import_actors(project, archive)
    assert report.kind == "rpps" and report.encoding == "latin-1"
    assert report.source.endswith(":PS_LibreAcces_Personne_activite_202511010000.txt")
    assert project.read_bytes() == plain.read_bytes()
    assert _by_name(project)["Noël"]["prenom"] == "François"


def test_utf8_bom_and_paris_arrondissements(tmp_path):
    path = tmp_path / "cpts.yaml"
    path.write_text(
        'format: 1\ncpts:\n  nom: X\nterritoire:\n  communes: ["75115", "75114"]\n',
        encoding="utf-8",
    )
    source = tmp_path / "rpps.txt"
    lines = [
        # the whole city's code: the postcode tells the arrondissement
        rpps_line(
            id="10100000021",
            nom="HUET",
            prenom="IRIS",
            prof="91",
            mode="L",
            cp="75015",
            commune="75056",
        ),
        rpps_line(
            id="10100000022",
            nom="JOLY",
            prenom="ELSA",
            prof="60",
            mode="L",
            cp="75014",
            commune="75114",
        ),
        rpps_line(
            id="10100000023",
            nom="KLEIN",
            prenom="OTTO",
            prof="60",
            mode="L",
            cp="75013",
            commune="75113",
        ),
    ]
    source.write_bytes(b"\xef\xbb\xbf" + extraction(lines))
    report = import_actors(path, source)
    assert report.encoding == "utf-8"
    assert {a["nom"]: a["commune"] for a in _acteurs(path)} == {"Huet": "75115", "Joly": "75114"}


def test_postcode_shared_by_several_communes(project, tmp_path):
    source = tmp_path / "rpps.txt"
    source.write_bytes(
        extraction(
            [
                # 21110 serves 25 communes; the post office name tells Genlis
                rpps_line(
                    id="10100000011",
                    nom="ADAM",
                    prenom="LÉA",
                    prof="70",
                    mode="L",
                    cp="21110",
                    bureau="21110 GENLIS",
                ),
                # 21110 without any name: kept, commune left empty, and said so
                rpps_line(
                    id="10100000012", nom="BRUN", prenom="PAUL", prof="60", mode="L", cp="21110"
                ),
                # 21110 but the address names Soirans, outside the territory: dropped
                rpps_line(
                    id="10100000013",
                    nom="CARON",
                    prenom="ZOÉ",
                    prof="60",
                    mode="L",
                    cp="21110",
                    bureau="21110 SOIRANS",
                ),
            ]
        )
    )
    report = import_actors(project, source)
    actors = _by_name(project)
    assert actors["Adam"]["commune"] == "21292"
    assert "commune" not in actors["Brun"]
    assert "Caron" not in actors
    assert report.by_postcode == 2
    notes = [f for f in report.findings if f.code == "CPTS-A005"]
    assert len(notes) == 1 and notes[0].line == 3
    assert "le code postal 21110 dessert 25 communes" in notes[0].message
    assert "hors du territoire" in notes[0].message


def test_lines_with_a_wrong_number_of_fields_are_reported_with_their_number(project, tmp_path, cli):
    good = LINES[1]
    cut = good.rsplit("|", 20)[0]  # a line cut in the middle
    source = tmp_path / "rpps.txt"
    source.write_bytes(extraction([LINES[2], cut, good, good[: len(good) // 2]])[:-1])
    result = cli("actors", "import", source, "-f", project, "--format", "json")
    assert result.code == 1  # lines were skipped
    data = result.json()
    bad = [f for f in data["constats"] if f["code"] == "CPTS-A001"]
    assert [f["ligne"] for f in bad] == [3, 5]
    assert "37 champs au lieu de 56" in bad[0]["message"]
    assert "tronqué" in bad[1]["message"]
    assert data["professionnels"] == 2 and data["lignes_ignorees"] == 2
    assert data["enregistre"] is True


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00garbage", "abîmée ou incomplète"),
        (bytes(range(256)) * 40, "binaire"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "(.xls)"),
        (b"", "vide"),
    ],
)
def test_unreadable_sources_exit_2_and_write_nothing(project, tmp_path, cli, content, words):
    source = tmp_path / "source.zip"
    source.write_bytes(content)
    assert_refused(cli, project, source, words)


def test_truncated_zip_of_a_real_extraction(project, tmp_path, cli):
    archive = tmp_path / "PS_LibreAcces.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("PS_LibreAcces_Personne_activite_1.txt", extraction(LINES * 50))
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) * 2 // 3])
    assert_refused(cli, project, archive, "téléchargez-la de nouveau")


def test_a_text_file_that_is_not_an_extraction(project, tmp_path, cli):
    source = tmp_path / "rpps.txt"
    lines = [HEADER] + ["n'importe|quoi"] * 30
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_refused(cli, project, source, "ne ressemble pas à une extraction RPPS")


def test_extraction_needs_a_territory(tmp_path, rpps, cli):
    path = tmp_path / "cpts.yaml"
    path.write_text("format: 1\ncpts:\n  nom: X\n", encoding="utf-8")
    assert_refused(cli, path, rpps, "territoire de la CPTS est vide")


# --------------------------------------------------------------------------- merge rules


def test_import_twice_is_byte_for_byte_idempotent(project, rpps, cli):
    assert cli("actors", "import", rpps, "-f", project).code == 0
    once = project.read_bytes()
    result = cli("actors", "import", rpps, "-f", project)
    assert result.code == 0 and "déjà à jour" in result.out
    assert project.read_bytes() == once


def test_dry_run_writes_nothing_and_lists_changes(project, rpps, cli):
    before = project.read_bytes()
    mtime = project.stat().st_mtime_ns
    result = cli("actors", "import", rpps, "-f", project, "--dry-run")
    assert result.code == 0
    assert project.read_bytes() == before and project.stat().st_mtime_ns == mtime
    assert "+ Jean-Luc Dupont-Martin — Médecin généraliste — Chenôve (21166)" in result.out
    assert "à ajouter : 5" in result.out and "rien n'a été écrit" in result.out


def test_comments_and_layout_of_the_project_are_kept(project, rpps):
    before = project.read_text(encoding="utf-8").splitlines()
    import_actors(project, rpps)
    after = project.read_text(encoding="utf-8").splitlines()
    # Only additions: every original line is still there, in the same order.
    it = iter(after)
    assert all(any(line == other for other in it) for line in before)
    text = "\n".join(after)
    # New entries come after the typed actor and before the comment above "structures".
    assert text.index("role: porteuse du projet") < text.index("- nom: Dupont-Martin")
    assert text.index("origine: import") < text.index("  # Les structures")
    assert '      rpps: "10100000001"' in after  # codes quoted like the file's


def test_user_typed_actors_are_never_changed_or_removed(example, tmp_path, cli):
    before = {a["nom"]: a for a in _acteurs(example)}
    # The same RPPS as Dr Morel (typed by hand) with other details, and Lefebvre (no RPPS
    # in the file) found by name: neither is touched nor duplicated.
    source = tmp_path / "rpps.txt"
    source.write_bytes(
        extraction(
            [
                rpps_line(
                    id="10999000077",
                    nom="MOREL",
                    prenom="CLAIRE",
                    prof="10",
                    sf="SM54",
                    mode="S",
                    cp="21300",
                    commune="21166",
                    email="autre@exemple.fr",
                ),
                rpps_line(
                    id="10100000077",
                    nom="LEFEBVRE",
                    prenom="CAMILLE",
                    prof="10",
                    sf="SM54",
                    mode="L",
                    cp="21600",
                    commune="21355",
                ),
                rpps_line(
                    id="10100000078",
                    nom="NOUVEAU",
                    prenom="NOÉ",
                    prof="60",
                    mode="L",
                    cp="21600",
                    commune="21355",
                ),
            ]
        )
    )
    for args in ((), ("--remplacer",)):
        result = cli("actors", "import", source, "-f", example, *args, "--format", "json")
        assert result.code == 0, result
        data = result.json()
        assert {a["nom"] for a in data["saisis_conserves"]} == {"Morel", "Lefebvre"}
        after = {a["nom"]: a for a in _acteurs(example)}
        for name, actor in before.items():
            assert after[name] == actor
        assert len(after) == len(before) + 1 and after["Nouveau"]["origine"] == "import"


def test_reimport_updates_only_imported_fields_and_remplacer_removes(project, rpps, cli):
    import_actors(project, rpps)
    # the user adds a role to an imported actor
    text = project.read_text(encoding="utf-8").replace(
        '      rpps: "10100000004"\n', '      rpps: "10100000004"\n      role: référent\n'
    )
    project.write_text(text, encoding="utf-8")
    # the new extraction: Noël has a new e-mail, Léger is gone
    lines = [line.replace("pharmacie.noel@", "noel@") for line in LINES if "LÉGER" not in line]
    rpps.write_bytes(extraction(lines))
    report = import_actors(project, rpps)
    assert [(a["nom"], f) for a, f in report.merge.updated] == [("Noël", ["email"])]
    noel = _by_name(project)["Noël"]
    assert noel["email"] == "noel@exemple.fr" and noel["role"] == "référent"
    assert "Léger" in _by_name(project)  # kept without --remplacer
    result = cli("actors", "import", rpps, "-f", project, "--remplacer", "--format", "json")
    data = result.json()
    assert [a["nom"] for a in data["retires"]] == ["Léger"]
    assert [(a["nom"], a["champs"]) for a in data["mis_a_jour"]] == [("Noël", ["role"])]
    assert "Léger" not in _by_name(project) and "role" not in _by_name(project)["Noël"]
    assert "Morel" in _by_name(project)


def test_json_output_equals_the_api(project, rpps, cli):
    result = cli("actors", "import", rpps, "-f", project, "--dry-run", "--format", "json")
    assert result.json() == import_actors(project, rpps, dry_run=True).to_dict()


# --------------------------------------------------------------------------- sheets


def test_csv_with_semicolons_in_windows_1252(project, tmp_path, cli):
    source = tmp_path / "acteurs.csv"
    source.write_bytes(
        (
            "Nom;Prénom;Profession;Commune;E-mail;Tél.;Remarques\r\n"
            "Lambert;Nadia;IDE;Chenôve;nadia@exemple.fr;0380000001;vue en réunion\r\n"
            "Girard;Thomas;Kiné;21355;;;\r\n"
            "Faure;Élise;Soignante;Dijon;;;\r\n"
            "Lambert;Nadia;Infirmière;Chenôve;;;doublon\r\n"
            ";;Pharmacien;;;;\r\n"
        ).encode("cp1252")
    )
    result = cli("actors", "import", source, "-f", project, "--format", "json")
    assert result.code == 0, result
    data = result.json()
    assert data["type"] == "csv" and data["encodage"] == "windows-1252"
    codes = [(f["code"], f["ligne"], f["colonne"]) for f in data["constats"]]
    assert ("CPTS-A002", 1, 7) in codes  # "Remarques"
    assert ("CPTS-A003", 4, 0) in codes  # "Soignante"
    assert ("CPTS-A005", 4, 0) in codes  # Dijon: outside the territory
    assert ("CPTS-A007", 5, 0) in codes  # Lambert twice
    assert ("CPTS-A006", 6, 0) in codes  # no name
    actors = _by_name(project)
    assert actors["Lambert"] == {
        "nom": "Lambert",
        "prenom": "Nadia",
        "profession": "infirmier",
        "commune": "21166",
        "email": "nadia@exemple.fr",
        "telephone": "03 80 00 00 01",
        "origine": "import",
    }
    assert actors["Girard"]["profession"] == "masseur_kinesitherapeute"
    assert actors["Faure"]["commune"] == "21231" and "profession" not in actors["Faure"]


def test_csv_wrong_number_of_fields_and_no_header(project, tmp_path, cli):
    source = tmp_path / "acteurs.csv"
    source.write_text("nom,profession\nMartin,infirmier\nDurand,infirmier,en trop\n")
    result = cli("actors", "import", source, "-f", project, "--format", "json")
    assert result.code == 1
    bad = [f for f in result.json()["constats"] if f["code"] == "CPTS-A001"]
    assert [f["ligne"] for f in bad] == [3] and "3 champs au lieu de 2" in bad[0]["message"]
    assert "Martin" in _by_name(project)

    source.write_text("Martin;Claire;infirmier\nDurand;Paul;pharmacien\n")
    assert_refused(cli, project, source, "aucun nom de colonne reconnu")


def test_xlsx_sheet(project, tmp_path, cli):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Acteurs"
    sheet.append(["NOM ", "prénom", "Métier", "Code INSEE", "N° RPPS", "Mode d'exercice"])
    sheet.append(["Perrin", "Nadia", "Infirmière", 21166, 10101234567, "Libéral"])
    sheet.append(["Roussel", "Anne", "Médecin", "21607", None, "salariée"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["Garcia", "Luis", "Sage-femme", "1053", "123", "temps partiel"])
    source = tmp_path / "acteurs.xlsx"
    workbook.save(source)
    result = cli("actors", "import", source, "-f", project, "--format", "json")
    assert result.code == 0, result
    data = result.json()
    assert data["type"] == "xlsx" and data["lignes_lues"] == 3
    actors = _by_name(project)
    assert actors["Perrin"]["rpps"] == "10101234567" and actors["Perrin"]["commune"] == "21166"
    assert actors["Perrin"]["mode_exercice"] == "liberal"
    assert actors["Roussel"]["profession"] == "medecin_generaliste"
    assert actors["Garcia"]["commune"] == "01053"  # the lost leading zero
    codes = [(f["code"], f["ligne"]) for f in data["constats"]]
    assert ("CPTS-A003", 3) in codes  # "Médecin" alone: généraliste, to check
    assert ("CPTS-A004", 5) in codes and ("CPTS-A008", 5) in codes
    # twice: nothing changes
    once = project.read_bytes()
    assert cli("actors", "import", source, "-f", project).code == 0
    assert project.read_bytes() == once


def test_broken_xlsx(project, tmp_path, cli):
    source = tmp_path / "acteurs.xlsx"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<pas du xml")
    source.write_bytes(buffer.getvalue())
    assert_refused(cli, project, source, "illisible")


# --------------------------------------------------------------------------- properties

_BEFORE = st.sampled_from(["", " ", "  ", "*", "\t"])
_AFTER = st.sampled_from(["", " ", "  ", ".", " :", " *", " (coord. structure)"])


@given(
    st.sampled_from(sorted((k, n) for k, names in SYNONYMS.items() for n in names)),
    st.sampled_from([str.upper, str.lower, str.title, str.capitalize]),
    st.sampled_from([" ", "  ", "-", "_", "'", " - "]),
    _BEFORE,
    _AFTER,
)
def test_column_matcher_finds_every_synonym_whatever_its_spelling(pair, case, sep, before, after):
    key, name = pair
    if name.endswith("structure"):
        after = after.replace(" (coord. structure)", "")
    header = before + case(name.replace(" ", sep)) + after
    assert field_for(header) == key


@given(st.lists(st.one_of(st.none(), st.text(max_size=30)), max_size=25))
def test_column_matcher_maps_each_field_at_most_once(headers):
    match = match_columns(headers)
    assert len(set(match.fields.values())) == len(match.fields)
    seen = set(match.fields.values()) | {i for i, _ in match.unknown}
    seen |= {i for i, _, _ in match.repeated}
    assert seen == {i for i, h in enumerate(headers) if h is not None and str(h).strip()}
    for key, index in match.fields.items():
        assert field_for(headers[index]) == key


_NAMES = st.sampled_from(["Martin", "Durand", "Noël", "Léger"])
_PRENOMS = st.sampled_from(["Anne", "Luc", "Zoé"])
_PROFESSIONS = st.sampled_from(["infirmier", "pharmacien", "medecin_generaliste"])
_RPPS = st.one_of(st.none(), st.sampled_from(["10100000001", "10100000002", "10100000003"]))


@st.composite
def imported(draw):
    values = {"nom": draw(_NAMES), "prenom": draw(_PRENOMS), "profession": draw(_PROFESSIONS)}
    rpps = draw(_RPPS)
    if rpps:
        values["rpps"] = rpps
    if draw(st.booleans()):
        values["commune"] = draw(st.sampled_from(["21166", "21355"]))
    key = f"rpps:{rpps}" if rpps else f"nom:{values['nom']}|{values['prenom']}"
    return ImportedActor(key, values, [1])


def _distinct(actors: list[ImportedActor]) -> list[ImportedActor]:
    # the readers give one actor per key
    return list({a.key: a for a in actors}.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(imported(), max_size=6).map(_distinct),
    st.lists(imported(), max_size=4).map(_distinct),
    st.booleans(),
)
def test_merge_twice_equals_once_and_never_loses_user_entries(users, actors, replace):
    yaml = new_yaml()
    lines = ["mobilisation:", "  # commentaire", "  acteurs:"]
    for user in users:
        lines.append(f"    - nom: {user.values['nom']}")
        for key, value in user.values.items():
            if key != "nom":
                lines.append(
                    f'      {key}: "{value}"'
                    if key in ("rpps", "commune")
                    else f"      {key}: {value}"
                )
    if not users:
        lines[-1] += " []"
    lines.append("  structures: []")
    data = yaml.load("\n".join(lines) + "\n")
    typed = [dict(e) for e in data["mobilisation"]["acteurs"]]

    merge(data, actors, replace=replace)
    once = io.StringIO()
    yaml.dump(data, once)
    second = merge(data, actors, replace=replace)
    twice = io.StringIO()
    yaml.dump(data, twice)
    assert not second.changed and once.getvalue() == twice.getvalue()

    entries = [dict(e) for e in data["mobilisation"]["acteurs"]]
    for entry in typed:
        assert entry in entries  # user entries: all there, unchanged
    assert "# commentaire" in twice.getvalue()


def test_remplacer_removing_every_imported_actor_keeps_the_comment_after_them():
    yaml = new_yaml()
    text = (
        "mobilisation:\n  acteurs:\n    - nom: Martin\n      origine: import\n"
        "    - nom: Durand\n      origine: import\n"
        "  # Les structures du territoire\n  structures: []\n"
    )
    data = yaml.load(text)
    result = merge(data, [], replace=True)
    assert [a["nom"] for a in result.removed] == ["Martin", "Durand"]
    out = io.StringIO()
    yaml.dump(data, out)
    assert out.getvalue() == (
        "mobilisation:\n  acteurs: []\n  # Les structures du territoire\n  structures: []\n"
    )


def test_remplacer_removing_the_first_actor_keeps_the_comment_above_the_next(tmp_path):
    from cpts_cli.project.save import save

    path = tmp_path / "cpts.yaml"
    path.write_text(
        "mobilisation:\n  acteurs:\n    - nom: Martin\n      origine: import\n"
        "    # Saisie à la main\n    - nom: Durand\n  structures: []\n",
        encoding="utf-8",
    )
    doc = read_path(path)
    merge(doc.data, [], replace=True)
    save(doc)
    assert path.read_text(encoding="utf-8") == (
        "mobilisation:\n  acteurs:\n    # Saisie à la main\n    - nom: Durand\n  structures: []\n"
    )


@pytest.mark.parametrize(
    ("text", "savoir_faire", "expected"),
    [
        ("IDE", "", "infirmier"),
        ("Infirmières", "", "infirmier"),
        ("Pharmacienne", "", "pharmacien"),
        ("Masseur-Kinésithérapeute", "", "masseur_kinesitherapeute"),
        ("Assistante sociale", "", "travailleur_social"),
        ("Médecin", "Médecine générale", "medecin_generaliste"),
        ("Médecin", "Cardiologie", "medecin_specialiste"),
        ("10", "SM53", "medecin_generaliste"),
        ("10", "SM02", "medecin_specialiste"),
        ("69", "", "infirmier"),
        ("Soignant", "", None),
    ],
)
def test_profession_words(text, savoir_faire, expected):
    from cpts_cli.actors.importing.model import profession_from_text

    assert profession_from_text(text, savoir_faire)[0] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L", "liberal"),
        ("Libérale", "liberal"),
        ("salariée", "salarie"),
        ("Mixte (libéral et salarié)", "mixte"),
        ("libéral / salarié", "mixte"),
        ("B", ""),
        ("temps partiel", None),
    ],
)
def test_mode_words(text, expected):
    from cpts_cli.actors.importing.model import mode_from_text

    assert mode_from_text(text) == expected


def test_lines_without_the_trailing_pipe_are_read_and_checked(project, tmp_path):
    lines = [line[:-1] for line in LINES]  # the other convention: no "|" at the end
    lines.insert(2, lines[2].replace("|LÉGER|", "|"))  # one field missing
    source = tmp_path / "rpps.txt"
    source.write_bytes(extraction(lines))
    report = import_actors(project, source)
    assert report.professionals == 5
    assert [(f.code, f.line) for f in report.findings] == [("CPTS-A001", 4)]


def test_a_city_and_its_arrondissement_are_one_commune_of_the_territory(tmp_path):
    """Lyon listed whole and by its 1st arrondissement is one commune, as everywhere else."""
    import types

    from cpts_cli.cli.cmd_actors import _reading_line

    project = tmp_path / "cpts.yaml"
    project.write_text(
        "format: 1\ncpts: {nom: CPTS de Lyon}\n"
        "territoire:\n  communes: ['69123', '69381']\n  justification: x\n",
        encoding="utf-8",
    )
    source = tmp_path / "acteurs.csv"
    source.write_text("nom,prenom,profession,commune\nMartin,Anne,infirmier,69381\n")
    report = import_actors(project, source, dry_run=True)
    assert report.territory_communes == 1
    rpps = types.SimpleNamespace(**{**vars(report), "kind": "rpps", "lines": 40})
    assert _reading_line(rpps) == (
        "40 lignes lues ; 1 dans la commune du territoire ; 1 professionnel."
    )


def test_every_commune_written_carries_its_name_as_a_comment(project, tmp_path, cli):
    """Codes written into the file carry the commune's name (``commune: "21166"  # Chenôve``),
    even when the file's own actors have none; a commune changed by a new import gets the new
    name. The typed actor is left as it was."""
    source = tmp_path / "equipe.csv"
    source.write_text("nom,prenom,profession,commune\nLambert,Nadia,IDE,Chnove\n")
    assert cli("actors", "import", source, "-f", project).code == 0
    text = project.read_text(encoding="utf-8")
    assert '      commune: "21166"  # Chenôve\n      origine: import' in text
    assert '      commune: "21166"\n      rpps: "10100000009"' in text  # typed: untouched
    source.write_text("nom,prenom,profession,commune\nLambert,Nadia,IDE,Longvic\n")
    assert cli("actors", "import", source, "-f", project).code == 0
    text = project.read_text(encoding="utf-8")
    assert '      commune: "21355"  # Longvic\n      origine: import' in text
    assert "Chenôve" not in text


def test_a_new_commune_keeps_the_comment_lines_after_it(project, tmp_path, cli):
    source = tmp_path / "equipe.csv"
    source.write_text("nom,prenom,profession,commune\nLambert,Nadia,IDE,Chenôve\n")
    assert cli("actors", "import", source, "-f", project).code == 0
    text = project.read_text(encoding="utf-8").replace(
        "  # Chenôve\n      origine: import",
        "  # Chenôve\n      # vue le 3 mars\n      origine: import",
    )
    project.write_text(text, encoding="utf-8")
    source.write_text("nom,prenom,profession,commune\nLambert,Nadia,IDE,Longvic\n")
    assert cli("actors", "import", source, "-f", project).code == 0
    assert (
        '      commune: "21355"  # Longvic\n      # vue le 3 mars\n      origine: import'
        in project.read_text(encoding="utf-8")
    )
