"""The map of the territory in the documents (diagnostic, présentation, lettre d'intention),
the structures imported from FINESS kept apart from those the project names, and the
numbered sources of the diagnostic."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ruamel.yaml import YAML

from cpts_cli.support.formatting import french_typography as fr

from .test_render_support import body_text, open_docx, paragraph_style

MAP = "images/carte-territoire.png"


def _edit(path: Path, change) -> None:
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def _with_imported_establishments(data) -> None:
    structures = data["mobilisation"]["structures"]
    structures.append(
        {"nom": "Cabinet X", "type": "autre", "commune": "21554",
         "coordonnees": {"longitude": 5.165, "latitude": 47.043}}  # Saint-Jean-de-Losne
    )  # fmt: skip
    for n, (name, kind, commune) in enumerate(
        [
            ("PHARMACIE DES TILLEULS", "pharmacie", "21292"),
            ("PHARMACIE DU PONT", "pharmacie", "21554"),
            ("EHPAD LES GLYCINES", "ehpad", "21607"),
        ]
    ):
        structures.append(
            {
                "nom": name,
                "type": kind,
                "commune": commune,
                "finess": f"21990{n:04d}",
                "coordonnees": {"longitude": 5.2 + n / 100, "latitude": 47.1},
                "origine": "import",
            }
        )


def _captions(path: Path) -> list[str]:
    return [p.text for p in open_docx(path).paragraphs if paragraph_style(p) == "Caption"]


def test_the_map_opens_the_territory_in_three_documents(example, cli, tmp_path):
    _edit(example, _with_imported_establishments)
    out = tmp_path / "docs"
    result = cli("render", example, "--out", out)
    assert result.code == 0, result.err
    for doc in ("diagnostic", "presentation", "lettre-intention"):
        captions = _captions(out / f"{doc}.docx")
        assert captions[0] == fr(
            "Figure 1 : Les 75 communes du territoire et 56 structures de santé localisées, "
            "parmi les communes voisines"
        ), doc
        with zipfile.ZipFile(out / f"{doc}.docx") as z:
            pictures = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
        assert any(p.startswith(b"\x89PNG") for p in pictures), doc
    for doc in ("projet-sante", "dossier-aci", "rapport-annuel"):
        assert not any("communes voisines" in c for c in _captions(out / f"{doc}.docx")), doc


def test_imported_establishments_are_not_called_involved(example, cli, tmp_path):
    _edit(example, _with_imported_establishments)
    out = tmp_path / "docs"
    assert cli("render", example, "--out", out).code == 0
    letter = body_text(out / "lettre-intention.docx")
    assert "MSP du Val de Saône" in letter  # named by the project: involved
    assert "PHARMACIE DES TILLEULS" not in letter  # only found in FINESS
    diagnostic = body_text(out / "diagnostic.docx")
    said = (
        "Outre les structures associées, le fichier national des établissements (FINESS) "
        "recense sur le territoire 47 autres établissements sanitaires et médico-sociaux"
    )
    assert said in diagnostic.replace("\u00a0", " ")
    assert fr("Annexe : établissements du territoire") in diagnostic
    assert "PHARMACIE DES TILLEULS" in diagnostic
    table = next(
        t
        for t in open_docx(out / "diagnostic.docx").tables
        if t.rows[0].cells[0].text == "Établissement"
    )
    # by category, then name (the example's 44, and these three)
    # (the document's typographic apostrophes back to the file's)
    rows = [(r.cells[1].text.replace("’", "'"), r.cells[0].text) for r in table.rows[1:]]
    from cpts_cli.documents.context.values import sort_key_fr

    assert len(rows) == 47
    assert rows == sorted(rows, key=lambda r: (sort_key_fr(r[0]), sort_key_fr(r[1])))
    names = [name for _kind, name in rows]
    assert {"PHARMACIE DES TILLEULS", "PHARMACIE DU PONT", "EHPAD LES GLYCINES"} <= set(names)


def test_a_project_without_commune_has_no_map(tmp_path, cli):
    assert cli("init", "--no-input", "--nom", "CPTS du Val", "--porteur", "Dr Martin",
               "--email", "martin@exemple.fr", tmp_path / "p").code == 0  # fmt: skip
    project = tmp_path / "p" / "cpts.yaml"
    result = cli("render", project, "--brouillon", "--doc", "presentation", "--format", "md")
    assert result.code == 0, result.err
    text = (tmp_path / "p" / "documents" / "presentation-brouillon.md").read_text("utf-8")
    assert MAP not in text


def test_sources_are_numbered_in_the_order_the_tables_cite_them():
    from cpts_cli.documents.context import build_context

    indicators = [
        {"code": "a", "libelle": "A", "theme": "population", "valeur": 1, "annee": 2021,
         "source": "INSEE, recensement", "origine": "import",
         "note": "Calcul A. 2 communes du territoire absentes du fichier : 21001, 21002."},
        {"code": "b", "libelle": "B", "theme": "population", "valeur": 2, "annee": 2021,
         "source": "INSEE, recensement", "origine": "import",
         "note": "Calcul B. 2 communes du territoire absentes du fichier : 21001, 21002."},
        {"code": "c", "libelle": "C", "theme": "social", "valeur": 3, "annee": 2022,
         "source": "Rézone CPTS", "note": "Saisi à la main."},
    ]  # fmt: skip
    ctx = build_context({"diagnostic": {"indicateurs": indicators}})
    cited = ctx["diagnostic"]["sources_citees"]
    assert [(s["numero"], s["texte"], s["indicateurs"], s["importe"]) for s in cited] == [
        (1, "INSEE, recensement", 2, True),
        (2, "Rézone CPTS", 1, False),
    ]
    # What every indicator of a file says is said once, with the source.
    assert cited[0]["remarques"] == [
        "2 communes du territoire absentes du fichier : 21001, 21002."
    ]
    numbers = {i["code"]: i["source_numero"] for i in ctx["diagnostic"]["indicateurs"]}
    assert numbers == {"a": 1, "b": 1, "c": 2}


def test_indicators_without_references_are_grouped_by_their_reason():
    from cpts_cli.documents.context import build_context

    same = "Effectif propre au territoire, sans équivalent à comparer."
    indicators = [
        {"code": "a", "libelle": "Pharmacies", "theme": "offre_soins", "valeur": 3,
         "sans_reference": same},
        {"code": "b", "libelle": "Centres de santé", "theme": "offre_soins", "valeur": 1,
         "sans_reference": same},
        {"code": "c", "libelle": "Podologues", "theme": "offre_soins", "valeur": 2},
        {"code": "d", "libelle": "EHPAD", "theme": "offre_soins", "valeur": 2,
         "sans_reference": same},
    ]  # fmt: skip
    (theme,) = build_context({"diagnostic": {"indicateurs": indicators}})["diagnostic"]["themes"]
    assert theme["sans_comparaison"] == [
        {"libelles": ["Pharmacies", "Centres de santé", "EHPAD"], "raison": same},
        {"libelles": ["Podologues"], "raison": None},
    ]


def test_a_territory_on_two_departments_shows_the_other_ones_values(cli, tmp_path):
    """The references compare with the most populated department; the documents give the
    other department's value of each imported indicator too."""
    from tests.opendata_files import insee_rows, write_insee_csv

    project = tmp_path / "cpts.yaml"
    project.write_text('territoire:\n  communes: ["21005", "39001"]\n', encoding="utf-8")
    insee = write_insee_csv(
        tmp_path / "base-cc-evol-struct-pop-2021.CSV",
        insee_rows({"21005": (300, 250, 300, 320, 200, 100, 30),
                    "39001": (90, 80, 70, 60, 50, 40, 10),
                    "21231": (9,) * 7}),
    )  # fmt: skip
    assert cli("diagnostic", "import", "-f", project, insee).code == 0
    result = cli("render", project, "--doc", "diagnostic", "--brouillon", "--format", "md")
    assert result.code == 0, result.err
    text = (tmp_path / "documents" / "diagnostic-brouillon.md").read_text(encoding="utf-8")
    precisions = text[text.index("Précisions :") :].split("\n\n")[1]
    assert "Territoire sur plusieurs départements : comparé à Côte-d'Or, le plus peuplé" in (
        precisions.replace("’", "'").replace("\u202f", " ").replace("\u00a0", " ")
    )
    assert "Jura (39)" in precisions
