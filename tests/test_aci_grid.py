"""The ACI grid of the CPTS's size in the dossier ACI, and CPTS-V015 (contract above the grid)."""

from __future__ import annotations

import dataclasses
import re
import shutil
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_cli.checking.check import check_document
from cpts_cli.project.document import to_plain
from cpts_cli.project.load import parse_text
from cpts_cli.referentiel import aci

from .conftest import EXAMPLES, TODAY, run_cli
from .test_render_support import open_docx

EXAMPLE = EXAMPLES / "sud-dijonnais.yaml"
SENAT = "https://www.senat.fr/rap/r25-032/r25-0325.html"
LQDM = "interpro-le-projet-davenant-sur-les-cpts-finalise-jusqua-575-000-euros"


def _plain(text: str) -> str:
    return re.sub(r"[\u00a0\u202f]", " ", text).replace("\u2019", "'")


@pytest.fixture(scope="module")
def dossier(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grille")
    shutil.copy(EXAMPLE, tmp / "cpts.yaml")
    for fmt in ("md", "docx"):
        result = run_cli(
            ["render", tmp / "cpts.yaml", "--doc", "dossier-aci", "--format", fmt, "--out", tmp]
        )
        assert result.code == 0, result
    md = _plain((tmp / "dossier-aci.md").read_text(encoding="utf-8"))
    return md, open_docx(tmp / "dossier-aci.docx")


def _section(md: str) -> str:
    return md.split("# Le financement", 1)[1].split("## Les montants par année de contrat", 1)[0]


def test_grid_lines_for_the_example_tier(dossier):
    section = _section(dossier[0])
    assert "| Grille de l'ACI, taille 3 |" in section
    assert "pour une CPTS de taille 3 (de 80 000 à 175 000 habitants)" in section
    rows = {
        cells[0]: cells[1:]
        for line in section.splitlines()
        if line.startswith("| ") and not line.startswith("|---")
        for cells in [[c.strip() for c in line.strip("|").split("|")]]
    }
    assert rows["Fonctionnement"] == ["75 000 €", "—", "75 000 € (1)"]
    assert rows["Accès aux soins (médecin traitant et soins non programmés)"] == [
        "90 000 €",
        "35 000 €",
        "120 000 € au total, parts fixe et variable (2)",
    ]
    for mission in ("Parcours pluriprofessionnels autour du patient", "Actions coordonnées de "
                    "prévention", "Réponse aux crises sanitaires graves"):
        assert rows[mission][2] == "non relevé (3)", mission
    assert rows["Qualité et pertinence des soins (optionnelle)"][2] == "non relevé (3)"
    assert rows["**Total**"] == ["**265 000 €**", "**180 000 €**", "—"]


def test_grid_sources_say_where_each_figure_comes_from(dossier):
    section = _section(dossier[0])
    notes = dict(re.findall(r"^- \((\d)\) (.+)$", section, flags=re.M))
    assert set(notes) == {"1", "2", "3"}
    assert notes["1"].startswith("Sénat") and SENAT in notes["1"]
    assert "presse spécialisée" in notes["1"] and "à confirmer" in notes["1"]
    assert notes["2"].startswith("Le Quotidien du médecin") and LQDM in notes["2"]
    assert "projet de texte" in notes["2"] and "à confirmer" in notes["2"]
    assert notes["3"].startswith("Article 8 de l'ACI (annexe de l'arrêté du 21 août 2019)")
    assert "Journal officiel" in notes["3"] and "à confirmer" in notes["3"]
    # cited as a reviewer reads them: no status word of the data file
    cited = " ".join(notes.values())
    for word in ("sûr", "statut", "non publié", "à vérifier", "presse ;", "par_taille"):
        assert word not in cited, word
    assert "non publié" not in section and "sûr" not in section


def test_grid_says_where_the_contract_differs(dossier):
    section = _section(dossier[0])
    assert (
        "- Accès aux soins (médecin traitant et soins non programmés) : parts fixe et variable "
        "ensemble, 125 000 € au contrat et 120 000 € dans la grille (2), soit 5 000 € de plus. "
        "Le chiffre de la grille n'est pas confirmé par le texte signé" in section
    )
    assert section.count("€ au contrat et") == 1  # fonctionnement follows the grid
    # the tables that follow are kept
    md = dossier[0]
    assert "## Les montants par année de contrat" in md
    assert "# Annexe : calendrier des versements" in md and "# Signatures" in md


def test_grid_in_the_docx(dossier):
    doc = dossier[1]
    [table] = [
        t for t in doc.tables if _plain(t.rows[0].cells[-1].text) == "Grille de l'ACI, taille 3"
    ]
    cells = [[_plain(c.text) for c in row.cells] for row in table.rows]
    assert cells[0][:3] == ["Poste", "Contrat : part fixe", "Contrat : part variable (maximum)"]
    assert cells[1] == ["Fonctionnement", "75 000 €", "—", "75 000 € (1)"]
    assert cells[2][-1] == "120 000 € au total, parts fixe et variable (2)"
    text = "\n".join(_plain(p.text) for p in doc.paragraphs)
    assert "Sources de la grille" in text and SENAT in text
    assert "(3) Article 8 de l'ACI" in text


# --------------------------------------------------------------------------------------------
# CPTS-V015 on mission parts: data-driven, so tried with a grid that has sourced figures
# --------------------------------------------------------------------------------------------


def _figure(valeur: int) -> aci.Figure:
    return aci.Figure(valeur, aci.PRESSE, "Revue d'essai, 2026", "2026")


@pytest.mark.parametrize(
    "parts,expected",
    [
        ({"parcours": {"fixe": _figure(40_000)}}, ["/validation/contrat/missions/1/fixe"]),
        ({"parcours": {"variable": _figure(45_000)}}, []),  # equal: not above
        ({"acces_soins": {"total": _figure(120_000)}}, ["/validation/contrat/missions/0"]),
        ({"prevention": {"variable": _figure(10_000)}}, ["/validation/contrat/missions/2/variable"]),
    ],
)
def test_v015_on_sourced_mission_amounts(monkeypatch, parts, expected):
    real = aci.load("avenant-2")
    grid = {3: MappingProxyType({k: MappingProxyType(v) for k, v in parts.items()})}
    fake = dataclasses.replace(real, montants_missions=MappingProxyType(grid))
    monkeypatch.setattr(aci, "load", lambda version=None: fake)
    doc = parse_text(EXAMPLE.read_text(encoding="utf-8"))
    doc.plain = to_plain(doc.data)
    findings = check_document(doc, etape="validation", today=TODAY).findings
    assert sorted(f.path for f in findings if f.code == "CPTS-V015") == expected
    for f in findings:
        if f.code == "CPTS-V015":
            assert "Revue d'essai" in f.message and "taille 3" in f.message


# --------------------------------------------------------------------------------------------
# The differences listed are exactly those between the contract and a grid figure
# --------------------------------------------------------------------------------------------

_amounts = st.one_of(st.none(), st.integers(0, 400_000))


@settings(max_examples=25, deadline=None)
@given(fonct=_amounts, fixe=_amounts, variable=_amounts)
def test_gaps_are_the_differences_with_the_grid(fonct, fixe, variable):
    from cpts_cli.documents.context import build_context

    data = parse_text(EXAMPLE.read_text(encoding="utf-8")).plain
    contract = data["validation"]["contrat"]
    access = contract["missions"][0]
    for node, key, value in (
        (contract, "fonctionnement", fonct),
        (access, "fixe", fixe),
        (access, "variable", variable),
    ):
        if value is None:
            del node[key]
        else:
            node[key] = value
    g = build_context(data, today=TODAY)["aci"]["grille"]
    gaps = {e["libelle"]: e for e in g["ecarts"]}
    if fonct is None or fonct == 75_000:
        assert "Fonctionnement" not in gaps
    else:
        e = gaps["Fonctionnement"]
        assert (e["contrat"], e["grille"], e["ecart"]) == (fonct, 75_000, abs(fonct - 75_000))
        assert e["au_dessus"] == (fonct > 75_000) and e["confirme"]
    label = "Accès aux soins (médecin traitant et soins non programmés)"
    both = None if fixe is None or variable is None else fixe + variable
    if both is None or both == 120_000:
        assert label not in gaps
    else:
        assert gaps[label]["ecart"] == abs(both - 120_000) and not gaps[label]["confirme"]
    # every gap points to a source note that exists
    assert {e["note"] for e in g["ecarts"]} <= {n["numero"] for n in g["notes"]}


@pytest.mark.parametrize(
    "fixe,expected",
    [
        (85_000, "Là où la grille donne un chiffre, le contrat l'applique."),
        (None, None),  # the amount to compare is missing: nothing is claimed
    ],
)
def test_a_contract_that_follows_the_grid_is_said_to(tmp_path, fixe, expected):
    text = EXAMPLE.read_text(encoding="utf-8")
    old = "      - mission: acces_soins\n        fixe: 90000\n"
    assert old in text
    new = "      - mission: acces_soins\n" + (f"        fixe: {fixe}\n" if fixe else "")
    (tmp_path / "cpts.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    args = ["render", tmp_path / "cpts.yaml", "--doc", "dossier-aci", "--format", "md"]
    result = run_cli([*args, "--brouillon", "--out", tmp_path / "out"])
    assert result.code == 0, result
    [md] = (tmp_path / "out").glob("dossier-aci*.md")
    section = _section(_plain(md.read_text(encoding="utf-8")))
    assert "Écarts entre le contrat et la grille" not in section
    assert ("le contrat l'applique" in section) == (expected is not None)
    if expected:
        assert expected in section
