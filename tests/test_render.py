"""``cpts render`` on the worked example: open every DOCX produced and check what a reviewer
would check — Word styles, table of contents, page fields, language, properties, tables,
lists, the diagnostic's charts — and that rendering is deterministic."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_cli.support.formatting import french_typography as fr

from .conftest import EXAMPLES, TODAY, run_cli
from .test_render_support import (
    W,
    body_text,
    instr_texts,
    open_docx,
    paragraph_style,
    part_xml,
    structure,
)

DOCS = (
    "diagnostic",
    "lettre-intention",
    "presentation",
    "projet-sante",
    "dossier-aci",
    "rapport-annuel",
)
LONG = ("diagnostic", "projet-sante", "dossier-aci", "rapport-annuel")
EPOCH = int(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.timezone.utc).timestamp())
NAME = "CPTS du Sud Dijonnais"


def _run(args: list, cwd: Path | None = None) -> tuple[int, str, str]:
    """Run the CLI in-process outside the function-scoped fixtures."""
    result = run_cli(args, cwd)
    return result.code, result.out, result.err


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """The six deliverables of the worked example, rendered once for the module."""
    folder = tmp_path_factory.mktemp("exemple")
    shutil.copy(EXAMPLES / "sud-dijonnais.yaml", folder / "cpts.yaml")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        mp.setenv("NO_COLOR", "1")
        code, out, err = _run(["render", folder / "cpts.yaml"])
    assert code == 0, out + err
    return folder / "documents"


def test_all_six_deliverables_are_written_beside_the_file(rendered):
    assert sorted(p.name for p in rendered.iterdir()) == sorted(f"{d}.docx" for d in DOCS)


@pytest.mark.parametrize("doc_id", DOCS)
def test_headings_use_the_builtin_heading_styles(rendered, doc_id):
    doc = open_docx(rendered / f"{doc_id}.docx")
    styles = {paragraph_style(p) for p in doc.paragraphs}
    heading = "Heading 3" if doc_id == "lettre-intention" else "Heading 1"
    assert heading in styles
    # The style is Word's built-in one (w:name "heading 1"), which Word shows as Titre 1.
    styles_xml = part_xml(rendered / f"{doc_id}.docx", "word/styles.xml")
    assert f'w:val="{heading.lower()}"' in styles_xml
    assert "Title" in styles or doc_id == "lettre-intention"


@pytest.mark.parametrize("doc_id", DOCS)
def test_table_of_contents_in_long_documents_only(rendered, doc_id):
    fields = instr_texts(rendered / f"{doc_id}.docx")
    has_toc = any(f.startswith("TOC") for f in fields)
    assert has_toc == (doc_id in LONG)
    settings = part_xml(rendered / f"{doc_id}.docx", "word/settings.xml")
    assert ("w:updateFields" in settings) == (doc_id in LONG)


@pytest.mark.parametrize("doc_id", DOCS)
def test_footer_numbers_pages(rendered, doc_id):
    fields = instr_texts(rendered / f"{doc_id}.docx", "word/footer")
    assert "PAGE" in fields and "NUMPAGES" in fields
    header = part_xml(rendered / f"{doc_id}.docx", "word/header")
    assert NAME in header


@pytest.mark.parametrize("doc_id", DOCS)
def test_french_on_document_defaults_and_styles(rendered, doc_id):
    from docx.oxml.ns import qn

    doc = open_docx(rendered / f"{doc_id}.docx")
    styles = doc.styles.element
    default_lang = styles.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert default_lang.get(qn("w:val")) == "fr-FR"
    for name in ("Normal", "Heading 1", "Heading 2", "Title", "Caption"):
        lang = doc.styles[name].element.find(".//" + qn("w:lang"))
        assert lang is not None and lang.get(qn("w:val")) == "fr-FR", name


@pytest.mark.parametrize("doc_id", DOCS)
def test_document_properties_name_the_cpts(rendered, doc_id):
    path = rendered / f"{doc_id}.docx"
    props = open_docx(path).core_properties
    assert props.author == NAME
    assert props.last_modified_by == NAME
    assert props.title and NAME in props.subject
    assert props.created == dt.datetime(
        TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.timezone.utc
    )
    assert props.modified == props.created
    meta = part_xml(path, "docProps/")
    assert "python-docx" not in meta and "Macintosh" not in meta
    assert "<Application>cpts</Application>" in meta
    with zipfile.ZipFile(path) as z:
        assert not any("thumbnail" in n for n in z.namelist())


@pytest.mark.parametrize("doc_id", DOCS)
def test_every_table_repeats_its_header_row(rendered, doc_id):
    from docx.oxml.ns import qn

    doc = open_docx(rendered / f"{doc_id}.docx")
    assert doc.tables
    for table in doc.tables:
        first = table._tbl.findall(qn("w:tr"))[0]
        assert first.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
        layout = table._tbl.tblPr.find(qn("w:tblLayout"))
        assert layout is not None and layout.get(qn("w:type")) == "fixed"


def test_numbers_are_right_aligned_in_tables(rendered):
    doc = open_docx(rendered / "diagnostic.docx")
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Indicateur")
    row = table.rows[7]  # « Part des 75 ans et plus » : 9,6 %
    assert row.cells[1].text == "9,6\u00a0%"
    assert row.cells[1].paragraphs[0].alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    assert row.cells[0].paragraphs[0].alignment is None
    widths = [c.width for c in table.rows[0].cells]
    assert widths[0] > widths[2]  # the label column is wider than a number column


def test_diagnostic_has_the_map_then_one_chart_per_theme_with_a_caption(rendered):
    doc = open_docx(rendered / "diagnostic.docx")
    # The map, then the themes' charts: a profile per shared unit, blocks for the others.
    assert len(doc.inline_shapes) == 11
    captions = [p.text for p in doc.paragraphs if paragraph_style(p) == "Caption"]
    assert len(captions) == 11
    assert captions[0].startswith(fr("Figure 1 : Les 75 communes du territoire et 52 structures"))
    assert captions[1].startswith(fr("Figure 2 : Population — en % : le territoire comparé"))
    assert any(f.startswith("SEQ Figure") for f in instr_texts(rendered / "diagnostic.docx"))
    with zipfile.ZipFile(rendered / "diagnostic.docx") as z:
        pngs = [n for n in z.namelist() if n.endswith(".png")]
        assert len(pngs) == 11
        assert b"matplotlib" not in z.read(pngs[0])  # no software metadata


def test_diagnostic_content(rendered):
    text = body_text(rendered / "diagnostic.docx")
    for expected in (
        "Méthode",
        "Sources",
        "Rézone CPTS (Assurance Maladie)",
        "Médecins généralistes pour 10 000 habitants",
        "Extraction publique du RPPS",
        "Constat C1",
        "masqué",
        "Annexe : communes du territoire",
        "Chenôve",
        "86 751",
    ):
        assert fr(expected) in text or fr(expected).replace(" ", "\u00a0") in text, expected


def test_numbered_lists_restart_at_one(rendered):
    from docx.oxml.ns import qn

    path = rendered / "projet-sante.docx"
    doc = open_docx(path)
    num_ids = []
    for p in doc.paragraphs:
        num = p._p.pPr.find(qn("w:numPr")) if p._p.pPr is not None else None
        if num is not None and paragraph_style(p) == "List Number":
            num_ids.append(num.find(qn("w:numId")).get(qn("w:val")))
    lists = list(dict.fromkeys(num_ids))
    assert len(lists) >= 7  # one « Actions » list per fiche-action
    numbering = part_xml(path, "word/numbering.xml")
    for num_id in lists:
        start = numbering.index(f'w:numId="{num_id}"')
        chunk = numbering[start : numbering.index("</w:num>", start)]
        assert '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>' in chunk


def test_cover_page_then_contents(rendered):
    doc = open_docx(rendered / "projet-sante.docx")
    texts = [p.text for p in doc.paragraphs[:12]]
    assert NAME in texts and "Projet de santé" in texts
    assert "Version 1.0" in texts and "20\u00a0novembre\u00a02023" in texts
    assert doc.sections[0].different_first_page_header_footer
    assert any(paragraph_style(p) == "TOC Heading" for p in doc.paragraphs[:12])
    assert doc.sections[0].page_width.cm == pytest.approx(21, abs=0.01)


def test_projet_sante_has_the_ten_dgos_items(rendered):
    from cpts_cli.support.resources import schema

    text = body_text(rendered / "projet-sante.docx")
    items = schema()["properties"]["projet_sante"]["properties"]["items_dgos"]["properties"]
    for code, sub in items.items():
        assert fr(sub["title"]) in text, code
    for fa in ("FA1", "FA2", "FA3", "FA4", "FA5", "FA6", "FA7"):
        assert f"Fiche-action {fa}" in text


def test_letter_is_a_letter(rendered):
    doc = open_docx(rendered / "lettre-intention.docx")
    text = body_text(rendered / "lettre-intention.docx")
    assert fr("Objet : lettre d'intention pour la création de la CPTS du Sud Dijonnais") in text
    assert "ARS Bourgogne-Franche-Comté" in text
    for part in (
        "porteur",
        "territoire",
        "diagnostic",
        "acteurs",
        "problématiques",
        "orientations",
        "calendrier",
        "moyens",
        "projets existants",
    ):
        assert part in text.lower(), part
    assert "Dr Marc Petitjean" in text  # a signatory
    assert not doc.sections[0].different_first_page_header_footer  # no cover page
    assert not any(f.startswith("TOC") for f in instr_texts(rendered / "lettre-intention.docx"))


def test_rapport_annuel_reports_results_and_variable_part(rendered):
    text = body_text(rendered / "rapport-annuel.docx")
    assert "Niveau intermédiaire atteint" in text
    assert "Registre des demandes" in text
    assert "85\u00a0000\u00a0€" in text  # variable part earned in year 1 (cpts funding)


def test_dossier_aci_lists_contract_amounts(rendered):
    text = body_text(rendered / "dossier-aci.docx")
    assert "90\u00a0000\u00a0€" in text and "75\u00a0000\u00a0€" in text
    assert fr("Socle : 300") in text
    assert "conditionnelle" in text


def test_rendering_is_deterministic(rendered, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    shutil.copy(EXAMPLES / "sud-dijonnais.yaml", tmp_path / "cpts.yaml")
    code, out, err = _run(
        ["render", tmp_path / "cpts.yaml", "--doc", "lettre-intention", "--doc", "diagnostic"]
    )
    assert code == 0, err
    for doc_id in ("lettre-intention", "diagnostic"):
        again = tmp_path / "documents" / f"{doc_id}.docx"
        assert structure(again) == structure(rendered / f"{doc_id}.docx")
        assert body_text(again) == body_text(rendered / f"{doc_id}.docx")
        # With SOURCE_DATE_EPOCH, even the bytes are the same.
        assert again.read_bytes() == (rendered / f"{doc_id}.docx").read_bytes()


def test_xml_parts_are_well_formed_and_ordered(rendered):
    """Every part parses, and paragraph properties follow the schema order Word requires."""
    from lxml import etree

    order = [
        "pStyle",
        "keepNext",
        "keepLines",
        "pageBreakBefore",
        "widowControl",
        "numPr",
        "pBdr",
        "shd",
        "tabs",
        "spacing",
        "ind",
        "contextualSpacing",
        "jc",
        "outlineLvl",
        "rPr",
    ]
    for doc_id in DOCS:
        with zipfile.ZipFile(rendered / f"{doc_id}.docx") as z:
            for name in z.namelist():
                if name.endswith(".xml") or name.endswith(".rels"):
                    root = etree.fromstring(z.read(name))
                    for ppr in root.iter(W + "pPr"):
                        tags = [c.tag.replace(W, "") for c in ppr if c.tag.startswith(W)]
                        known = [t for t in tags if t in order]
                        assert known == sorted(known, key=order.index), (doc_id, name, tags)


def test_each_deliverable_has_its_step_its_template_and_its_snapshot():
    """A new deliverable is a row of workflow.STEPS, a row of render.DELIVERABLES and a
    template: the three agree (and the snapshot test covers it)."""
    from cpts_cli.documents import DELIVERABLES as RENDERED
    from cpts_cli.workflow.steps import DELIVERABLES as BY_STEP

    assert set(RENDERED) == set(BY_STEP)
    templates = Path(__file__).parent.parent / "templates"
    for deliverable in RENDERED.values():
        assert (templates / deliverable.template).is_file(), deliverable.template
    assert set(DOCS) == set(RENDERED)


def test_a_table_of_contents_not_updated_says_how_to_get_page_numbers(rendered):
    """The note sits inside the field's result: Word's and LibreOffice's update replace it."""
    from docx.oxml.ns import qn

    from cpts_cli.documents.word import TOC_NOTE

    body = open_docx(rendered / "projet-sante.docx").element.body
    state, inside = "out", []
    for p in body.iter(qn("w:p")):
        for node in p.iter(qn("w:fldChar"), qn("w:t")):
            if node.tag == qn("w:fldChar"):
                kind = node.get(qn("w:fldCharType"))
                if kind == "separate" and state == "instr":
                    state = "result"
                elif kind == "begin" and state == "out":
                    state = "instr"
                elif kind == "end" and state == "result":
                    state = "done"
            elif state == "result":
                inside.append(node.text or "")
        if state == "done":
            break
    assert state == "done" and fr(TOC_NOTE) in "".join(inside)
    assert "Présentation de la CPTS" in "".join(inside)


#: Words of the tool, never of a document an ARS reviewer reads (issue 13, point 2).
TOOL_WORDS = (
    "(s)",
    "mise_en_oeuvre",
    "avenant-2",
    "par l'outil",
    "Étape terminée",
    "Conforme",
    "montant d'exemple",
    "y compris infirmier psychiatrique",
    "autre que médecine générale",
    "((",
    "))",
    "à l'ars",
    "de cpts",
    "fiche-actions",
    " 0 patients",
    " 1 patients",
)


@pytest.mark.parametrize("example_name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_no_word_of_the_tool_in_any_document(example_name, tmp_path):
    shutil.copy(EXAMPLES / example_name, tmp_path / "cpts.yaml")
    for draft in ((), ("--brouillon",)):
        out = tmp_path / ("brouillons" if draft else "documents")
        result = run_cli(["render", tmp_path / "cpts.yaml", "--format", "md", "--out", out, *draft])
        assert result.code == 0, result
        # Documents carry typographic apostrophes; the words above are written plainly.
        texts = {
            p.name: p.read_text(encoding="utf-8").replace("\u2019", "'") for p in out.glob("*.md")
        }
        assert texts
        for name, text in texts.items():
            for word in TOOL_WORDS:
                assert word not in text, (name, word)


def test_documents_are_composed_the_french_way(rendered):
    """No ordinary space before « : ; ! ? » or inside « », no straight apostrophe, in any
    text of the six documents (generated and typed alike)."""
    import re as _re

    for docx in sorted(rendered.glob("*.docx")):
        with zipfile.ZipFile(docx) as z:
            xml = z.read("word/document.xml").decode("utf-8")
        texts = "\n".join(_re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))
        assert not _re.search(r" [:;!?](\s|$)", texts), (
            docx.name,
            _re.search(r".{30} [:;!?]", texts),
        )
        assert "« " not in texts and " »" not in texts, docx.name
        assert "'" not in texts, (docx.name, texts[texts.find("'") - 40 : texts.find("'") + 20])


def test_dossier_aci_calendar_is_one_table_per_year_and_ends_with_signatures(rendered):
    doc = open_docx(rendered / "dossier-aci.docx")
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    years = [h for h in headings if h.startswith("Année ")]
    assert len(years) == 5 and years[0].replace("\u00a0", " ").startswith(
        "Année 1 (du 20 juin 2024"
    )
    assert headings[-1] == "Signatures"
    calendar = [t for t in doc.tables if t.rows[0].cells[1].text == "Mission"]
    assert len(calendar) == 5
    first = calendar[0]
    assert first.rows[1].cells[1].text == "Fonctionnement de la CPTS"
    assert first.rows[-1].cells[0].text == fr("Total de l'année 1")
    signatures = doc.tables[-1]
    assert [c.text for c in signatures.rows[0].cells] == [
        "Pour la CPTS",
        fr("Pour la caisse primaire d'assurance maladie"),
        fr("Pour l'agence régionale de santé"),
    ]


def test_a_column_is_never_narrower_than_what_a_line_cannot_cut():
    """« 20 septembre 2024 » (no-break spaces) was cut « 20 septembre 20/24 »."""
    from cpts_cli.documents.word.tables import column_widths

    date = "20\u00a0septembre\u00a02024"
    texts = [["Date", "Texte"], [date, "un texte " * 60]]
    widths = column_widths(texts, [False, False], 9000)
    assert widths[0] >= (len(date) + 3) * 112


def test_presentation_shows_done_steps_as_done(tmp_path):
    """The plan of the letter was shown as the calendar even for what was already done."""
    shutil.copy(EXAMPLES / "sud-dijonnais.yaml", tmp_path / "cpts.yaml")
    out = tmp_path / "md"
    result = run_cli(
        ["render", tmp_path / "cpts.yaml", "--doc", "presentation", "--format", "md", "--out", out]
    )
    assert result.code == 0, result
    text = (out / "presentation.md").read_text(encoding="utf-8")
    done = text[text.index("## Ce qui est fait") : text.index("## Ce qui est prévu")]
    planned = text[text.index("## Ce qui est prévu") : text.index("# Les présentations")]
    assert "| 15\u00a0mars\u00a02022 | Territoire du projet arrêté |" in done
    assert "Présentation du projet à l'ARS et à la CPAM" not in planned  # done on 28 Feb 2023
    assert "Signature du contrat ACI" in planned
    assert "Étape terminée" not in text


def test_a_document_is_dated_from_its_step_not_from_the_render(tmp_path):
    """The cover of a final diagnostic said the day it was rendered (issue 13, point 3)."""
    shutil.copy(EXAMPLES / "sud-dijonnais.yaml", tmp_path / "cpts.yaml")
    out = tmp_path / "md"
    docs = ["--doc", "diagnostic", "--doc", "presentation", "--doc", "lettre-intention"]
    result = run_cli(["render", tmp_path / "cpts.yaml", *docs, "--format", "md", "--out", out])
    assert result.code == 0, result
    dates = {
        p.stem: next(
            line for line in p.read_text(encoding="utf-8").splitlines() if line.startswith("date:")
        )
        for p in out.glob("*.md")
    }
    assert dates == {
        "diagnostic": 'date: "14\u00a0octobre\u00a02022"',
        "presentation": 'date: "12\u00a0avril\u00a02023"',
        "lettre-intention": 'date: "16\u00a0janvier\u00a02023"',
    }


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        ("2022-12-13", "se sont constitués en association (association loi 1901, déclarée en"),
        (
            "2023-03-14",
            "se constituent en association (association loi 1901, en cours de création)",
        ),
    ],
)
def test_letter_shows_the_association_as_it_was_on_the_letters_date(tmp_path, created, expected):
    """Re-rendered after the association's declaration, the letter of 16 January 2023 said
    « déclarée en préfecture » of an association created on 14 March (issue 13, point 3)."""
    source = (EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8")
    assert "date_creation: 2022-12-13" in source
    (tmp_path / "cpts.yaml").write_text(
        source.replace("date_creation: 2022-12-13", f"date_creation: {created}"), encoding="utf-8"
    )
    out = tmp_path / "md"
    args = ["render", tmp_path / "cpts.yaml", "--doc", "lettre-intention", "--format", "md"]
    result = run_cli([*args, "--out", out])
    assert result.code == 0, result
    text = (out / "lettre-intention.md").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert expected in text


def test_each_fiche_action_is_kept_on_one_page(rendered):
    """Every paragraph and table row of a fiche-action keeps with the next, but the last:
    Word and LibreOffice move a fiche to the next page rather than cut it (issue 13, point 4)."""
    from docx.oxml.ns import qn

    doc = open_docx(rendered / "projet-sante.docx")
    body = list(doc.element.body)

    def keeps(p) -> bool:
        ppr = p.find(qn("w:pPr"))
        return ppr is not None and ppr.find(qn("w:keepNext")) is not None

    def heading(el) -> str:
        ppr = el.find(qn("w:pPr")) if el.tag == qn("w:p") else None
        style = ppr.find(qn("w:pStyle")) if ppr is not None else None
        return style.get(qn("w:val")) if style is not None else ""

    starts = [
        i
        for i, el in enumerate(body)
        if heading(el).startswith("Heading") and "".join(el.itertext()).startswith("Fiche-action")
    ]
    assert len(starts) == 7
    for start in starts:
        end = next(j for j in range(start + 1, len(body)) if heading(body[j]).startswith("Heading"))
        fiche = [el for el in body[start:end] if el.tag in (qn("w:p"), qn("w:tbl"))]
        paragraphs = [
            p for el in fiche for p in (el.iter(qn("w:p")) if el.tag == qn("w:tbl") else [el])
        ]
        last_row = list(fiche[-1].findall(qn("w:tr"))[-1].iter(qn("w:p")))
        assert all(keeps(p) for p in paragraphs if p not in last_row), start
        assert not any(keeps(p) for p in last_row)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Contrat local de santé de la Plaine", None),
        ("CLS du Val de Saône", None),
        ("Projet territorial du Val", "contrat local de santé"),
        (None, "contrat local de santé"),
    ],
)
def test_an_existing_project_is_named_with_its_kind_once(name, said):
    """« Contrat local de santé de la Plaine (Contrat local de santé (CLS)) » in the letter."""
    from cpts_cli.documents.context.letter import _kind_not_said

    assert _kind_not_said("Contrat local de santé (CLS)", name) == said


def test_a_long_table_keeps_its_last_rows_together(rendered):
    """« Total de l'année 4 » stood alone at the top of a page of the dossier ACI."""
    from docx.oxml.ns import qn

    doc = open_docx(rendered / "dossier-aci.docx")
    calendars = [t for t in doc.tables if t.rows[0].cells[1].text == "Mission" and len(t.rows) > 12]
    assert calendars
    for table in calendars:
        rows = table._tbl.findall(qn("w:tr"))
        keeps = [
            all(
                p.find(qn("w:pPr")) is not None
                and p.find(qn("w:pPr")).find(qn("w:keepNext")) is not None
                for p in tr.iter(qn("w:p"))
            )
            for tr in rows
        ]
        assert keeps[-3:] == [True, True, False]
        assert not any(keeps[1:-3])  # the header keeps with the first row; the body flows
        assert all(
            "(au plus) (au plus)" not in c.text and ") (au plus)" not in c.text
            for r in table.rows
            for c in r.cells
        )


def test_a_draft_gap_on_an_absent_section_has_no_line(tmp_path):
    """The box of a draft said « ligne 1 — Le diagnostic ne contient aucun indicateur »:
    line 1 is where the finding of an absent section falls back, not where to write."""
    shutil.copy(EXAMPLES / "val-de-vingeanne.yaml", tmp_path / "cpts.yaml")
    out = tmp_path / "md"
    args = ["render", tmp_path / "cpts.yaml", "--brouillon", "--doc", "projet-sante"]
    result = run_cli([*args, "--format", "md", "--out", out])
    assert result.code == 0, result
    text = (out / "projet-sante-brouillon.md").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert "• Le diagnostic ne contient aucun indicateur" in text
    assert "ligne 1 —" not in text
    assert "• ligne 15 — " in text  # a gap inside a written section keeps its line


def test_a_final_document_with_an_unasked_gap_is_written_as_a_draft(tmp_path):
    """Safety net of issue 13, point 1: should a template print a gap the checks never asked
    about, the final file is not produced; the draft is, and the user is told."""
    shutil.copy(EXAMPLES / "sud-dijonnais.yaml", tmp_path / "cpts.yaml")
    mine = tmp_path / "modeles"
    shutil.copytree(Path(__file__).parent.parent / "templates", mine)
    letter = mine / "lettre-intention.md.j2"
    letter.write_text(
        letter.read_text(encoding="utf-8") + '\n{{ a_completer("passage oublié") }}\n',
        encoding="utf-8",
    )
    out = tmp_path / "md"
    args = ["render", tmp_path / "cpts.yaml", "--doc", "lettre-intention", "--format", "md"]
    result = run_cli([*args, "--templates", mine, "--out", out])
    assert result.code == 0, result
    assert sorted(p.name for p in out.glob("*.md")) == ["lettre-intention-brouillon.md"]
    text = (out / "lettre-intention-brouillon.md").read_text(encoding="utf-8")
    assert "brouillon: true" in text and "passage oublié" in text
    said = " ".join((result.out + result.err).split())
    assert "vérifications n’ont pas signalés : il est écrit comme brouillon" in said.replace(
        "'", "’"
    )
    assert "lettre-intention : brouillon (des passages restent à compléter)" in said


def test_a_document_of_one_part_has_no_contents_page(tmp_path):
    """The draft rapport annuel of a project with no contract year had a contents page
    listing « Synthèse » alone: a near-empty page (issue 13, point 4)."""
    shutil.copy(EXAMPLES / "val-de-vingeanne.yaml", tmp_path / "cpts.yaml")
    out = tmp_path / "docx"
    args = ["render", tmp_path / "cpts.yaml", "--brouillon", "--doc", "rapport-annuel"]
    result = run_cli([*args, "--doc", "projet-sante", "--out", out])
    assert result.code == 0, result
    styles = {
        name: [p.style.name for p in open_docx(out / f"{name}-brouillon.docx").paragraphs]
        for name in ("rapport-annuel", "projet-sante")
    }
    assert "TOC Heading" not in styles["rapport-annuel"]
    assert "TOC Heading" in styles["projet-sante"]


@given(st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=200, deadline=None)
def test_euros_writes_any_amount(value):
    """Found by the hostile-values test: −1e30 € in a contract's mission crashed the rapport
    annuel (Decimal's default precision is 28 digits)."""
    from decimal import ROUND_HALF_UP, Context, Decimal

    from cpts_cli.support.formatting import euros

    text = euros(value)
    assert text.endswith("\u00a0€")
    written = Decimal(text[:-2].replace("\u202f", "").replace(",", "."))
    assert written == Decimal(str(value)).quantize(
        Decimal("0.01"), ROUND_HALF_UP, Context(prec=400)
    )


def test_letter_says_what_short_answers_of_fill_mean(tmp_path):
    """Seen driving « cpts fill lettre_intention » for a new project: « Non » to the existing
    projects printed « [À COMPLÉTER : projets existants…] », a one-line list of actors to
    associate stood alone as a paragraph, a description typed without a full stop ran into
    « Montant demandé », and « porté par Dr … » lacked its article."""
    source = (EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8")
    start = source.index("  projets_existants:\n")
    end = source.index("  signataires:", start)
    source = (
        source[:start]
        + "  projets_existants: []\n"
        + "  acteurs_a_associer: Pharmaciens, kinésithérapeutes, EHPAD du territoire\n"
        + source[end:]
    ).replace(
        "      description: Accompagnement juridique pour le règlement intérieur de l'association "
        "et les conventions avec les partenaires.",
        "      description: Accompagnement juridique\n      montant: 5000",
    )
    (tmp_path / "cpts.yaml").write_text(source, encoding="utf-8")
    out = tmp_path / "md"
    args = ["render", tmp_path / "cpts.yaml", "--doc", "lettre-intention", "--format", "md"]
    result = run_cli([*args, "--out", out])
    assert result.code == 0, result
    text = (out / "lettre-intention.md").read_text(encoding="utf-8").replace("\u00a0", " ")
    assert "À COMPLÉTER" not in text
    assert "Le territoire ne compte pas encore de démarche coordonnée" in text
    assert (
        "Restent à associer au projet : pharmaciens, kinésithérapeutes, EHPAD du territoire."
        in text
    )
    assert "Accompagnement juridique. Montant demandé : 5 000 €." in text
    assert "Le projet est porté par le Dr Claire Morel" in text
