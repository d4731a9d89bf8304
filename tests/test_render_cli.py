"""``cpts render`` as a user runs it: which documents, refusals and drafts, user templates
and Word models, several projects, output folder safety, Markdown and PDF."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from cpts_cli.support.formatting import french_typography as fr
from cpts_cli.workflow.steps import STEP_IDS

from .conftest import EXAMPLES
from .test_render_support import body_text, open_docx, part_xml, structure

LATER_STEPS = STEP_IDS[2:]  # diagnostic … mise_en_oeuvre


def load_example():
    from cpts_cli.project.yamlio import new_yaml

    return new_yaml().load((EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8"))


def save(data, path: Path) -> Path:
    from cpts_cli.project.yamlio import new_yaml

    out = io.StringIO()
    new_yaml().dump(data, out)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def keep_steps(data, *done: str) -> None:
    for step in list(data["etapes"]):
        if step not in done:
            del data["etapes"][step]


@pytest.fixture
def half_done(tmp_path) -> Path:
    """Steps 1-2 done; the diagnostic has no constats (step 3 incomplete)."""
    data = load_example()
    keep_steps(data, "territoire", "mobilisation")
    del data["diagnostic"]["constats"]
    return save(data, tmp_path / "cpts.yaml")


def test_default_documents_are_those_whose_step_is_reached(half_done, cli):
    result = cli("render", half_done)
    assert result.code == 0, result
    written = sorted(p.name for p in (half_done.parent / "documents").iterdir())
    # Its own step is incomplete: a draft, under its own name, said so.
    assert written == ["diagnostic-brouillon.docx"]
    assert "diagnostic : brouillon" in result.out


def test_document_whose_earlier_steps_are_incomplete_is_refused(half_done, cli):
    result = cli("render", half_done, "--doc", "lettre-intention")
    assert result.code == 1
    assert "Refusé" in result.err and "--brouillon" in result.err
    assert "CPTS-D007" in result.err or "constat" in result.err.lower()
    assert not (half_done.parent / "documents").exists()


def test_refused_documents_list_each_missing_point_once(half_done, tmp_path, cli):
    def refused(project, *docs):
        result = cli("render", project, *[a for d in docs for a in ("--doc", d)])
        assert result.code == 1, result
        lines = result.err.splitlines()
        findings = [line for line in lines if "CPTS-" in line]
        assert findings and len(findings) == len(set(findings))  # each point printed once
        return lines

    # The same points block three documents: one list, naming them all.
    lines = refused(half_done, "presentation", "projet-sante", "lettre-intention")
    assert lines[1].startswith("presentation, projet-sante, lettre-intention — ce qui manque")
    # A new project: each later document adds its own points and counts the others.
    assert cli("init", tmp_path / "neuf", "--no-input", "--nom", "CPTS Neuve").code == 0
    lines = refused(tmp_path / "neuf" / "cpts.yaml", "diagnostic", "lettre-intention")
    assert any(line.strip().startswith("… et") and "plus haut" in line for line in lines)


def test_brouillon_marks_every_page_and_shows_missing_items(half_done, cli):
    result = cli("render", half_done, "--doc", "lettre-intention", "--brouillon")
    assert result.code == 0, result
    path = half_done.parent / "documents" / "lettre-intention-brouillon.docx"
    headers = part_xml(path, "word/header")
    assert headers.count("BROUILLON — document de travail") >= 1
    assert "PowerPlusWaterMarkObject" in headers
    doc = open_docx(path)
    for section in doc.sections:
        assert "BROUILLON" in "".join(p.text for p in section.header.paragraphs)
    text = body_text(path)
    assert fr("[À COMPLÉTER : premiers constats du diagnostic]") in text
    assert "Brouillon — document de travail, à ne pas diffuser." in text
    highlighted = [
        r.text for p in doc.paragraphs for r in p.runs if r.font.highlight_color is not None
    ]
    assert any("À COMPLÉTER" in t for t in highlighted)
    assert doc.core_properties.content_status == "Brouillon"


def test_brouillon_puts_the_mark_on_the_cover_page_too(half_done, cli):
    result = cli("render", half_done, "--doc", "projet-sante", "--brouillon")
    assert result.code == 0, result
    path = half_done.parent / "documents" / "projet-sante-brouillon.docx"
    doc = open_docx(path)
    assert doc.sections[0].different_first_page_header_footer
    first = "".join(p.text for p in doc.sections[0].first_page_header.paragraphs)
    assert "BROUILLON" in first
    assert "BROUILLON" in [p.text for p in doc.paragraphs[:15]]


def test_control_characters_are_removed_with_a_finding(tmp_path, cli):
    import re

    text = (EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8")
    # YAML escapes in a double-quoted string: \a (bell) and \v (vertical tab).
    text = re.sub(
        r"  justification: >-\n(    .*\n)+",
        '  justification: "Bassin\\\\a de vie\\\\v des patients."\n',
        text,
        count=1,
    )
    path = tmp_path / "cpts.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("render", path, "--doc", "lettre-intention", "--format", "md")
    assert result.code == 0, result
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "Bassin" in text)
    assert f"cpts.yaml:{line}:" in result.err and "CPTS-Y012" in result.err
    text = (tmp_path / "documents" / "lettre-intention.md").read_text()
    assert "Bassin de vie des patients." in text and "\x07" not in text


def test_letter_goes_to_every_ars_of_the_territory(tmp_path, cli):
    """Val de Vingeanne spans Côte-d'Or and Haute-Marne: two ARS."""
    path = shutil.copy(EXAMPLES / "val-de-vingeanne.yaml", tmp_path / "cpts.yaml")
    result = cli("render", path, "--doc", "lettre-intention", "--brouillon", "--format", "md")
    assert result.code == 0, result
    text = (tmp_path / "documents" / "lettre-intention-brouillon.md").read_text(encoding="utf-8")
    start = text.index("<!-- bloc:droite -->")
    block = text[start : text.index("<!-- fin-bloc -->", start)]
    assert "ARS Bourgogne-Franche-Comté" in block and "ARS Grand Est" in block
    assert "ARS référente : ARS Bourgogne-Franche-Comté" in block
    assert "cette lettre est adressée à chacune d'elles" in text


def test_several_files_one_folder_per_cpts(tmp_path, cli):
    first = save(load_example(), tmp_path / "a.yaml")
    other = load_example()
    other["cpts"]["nom"] = "CPTS « Val / Saône » ../.."
    second = save(other, tmp_path / "b.yaml")
    third = shutil.copy(first, tmp_path / "c.yaml")
    out = tmp_path / "sortie"
    result = cli(
        "render", first, second, third, "--out", out, "--format", "md", "--doc", "presentation"
    )
    assert result.code == 0, result
    folders = sorted(p.name for p in out.iterdir())
    assert folders == ["cpts-du-sud-dijonnais", "cpts-du-sud-dijonnais-2", "cpts-val-saone"]
    for folder in folders:
        assert (out / folder / "presentation.md").is_file()
    # Nothing was written outside --out.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml", "c.yaml", "sortie"]


def test_existing_document_is_replaced_atomically(example, cli):
    target = example.parent / "documents" / "presentation.docx"
    target.parent.mkdir()
    target.write_bytes(b"ancien")
    result = cli("render", example, "--doc", "presentation")
    assert result.code == 0, result
    assert target.read_bytes()[:2] == b"PK"
    # Its step is done: the file it replaced is kept (see test_render_archives.py).
    assert sorted(p.name for p in target.parent.iterdir()) == ["archives", "presentation.docx"]
    (kept,) = (target.parent / "archives").iterdir()
    assert kept.read_bytes() == b"ancien"


def test_markdown_output_is_the_intermediate_text(example, cli, monkeypatch):
    from cpts_cli.documents import word

    seen: list[str] = []
    original = word.split_front_matter

    def spy(text):
        seen.append(text)
        return original(text)

    monkeypatch.setattr(word, "split_front_matter", spy)
    assert cli("render", example, "--doc", "diagnostic").code == 0
    assert cli("render", example, "--doc", "diagnostic", "--format", "md").code == 0
    md = (example.parent / "documents" / "diagnostic.md").read_text(encoding="utf-8")
    assert seen == [md]
    assert md.startswith('---\ntitre: "Diagnostic territorial"')
    # The map and the charts the Markdown links to are written beside it.
    images = sorted(p.name for p in (example.parent / "documents" / "images").iterdir())
    assert len(images) == 11 and all(f"images/{name}" in md for name in images)
    assert "carte-territoire.png" in images


def test_user_templates_override_file_by_file(example, tmp_path, cli):
    mine = tmp_path / "modeles"
    mine.mkdir()
    (mine / "presentation.md.j2").write_text(
        '{% set titre = "Notre projet" %}{% set sous_titre = "" %}{% set version = none %}'
        "{% set date_document = document.date_fr %}{% set page_de_garde = true %}"
        "{% set couverture = [] %}\n"
        '{% include "partials/entete.md.j2" %}\n'
        "# Présentation maison\n\nLa {{ cpts.nom }} compte "
        "{{ territoire.nb_communes }} communes.\n",
        encoding="utf-8",
    )
    result = cli(
        "render", example, "--templates", mine, "--doc", "presentation", "--doc", "lettre-intention"
    )
    assert result.code == 0, result
    text = body_text(example.parent / "documents" / "presentation.docx")
    assert "Présentation maison" in text and fr("La CPTS du Sud Dijonnais compte 75 communes.") in text
    assert open_docx(example.parent / "documents" / "presentation.docx").core_properties.title == (
        "Notre projet"
    )
    # The letter still comes from the built-in template.
    assert fr("Objet : lettre d'intention") in body_text(
        example.parent / "documents" / "lettre-intention.docx"
    )


@pytest.mark.parametrize(
    ("source", "line", "words"),
    [
        ("Ligne 1\n\n{% if %}\n", 3, "erreur de syntaxe"),
        ("Ligne 1\n\n\n\n{{ territoire.nope.x }}\n", 5, "variable ou clé inconnue"),
        ("{{ cpts.__class__.__mro__ }}\n", 1, ""),
        ("{% for x in range(10**9) %}{% endfor %}{{ ''.format.__globals__ }}\n", 1, ""),
    ],
)
def test_user_template_errors_name_the_file_and_line(example, tmp_path, cli, source, line, words):
    mine = tmp_path / "modeles"
    mine.mkdir()
    (mine / "diagnostic.md.j2").write_text(source, encoding="utf-8")
    result = cli("render", example, "--templates", mine, "--doc", "diagnostic")
    assert result.code == 2
    assert "diagnostic.md.j2" in result.err and f"ligne {line}" in result.err
    assert words in result.err
    assert "Traceback" not in result.err


def test_word_model_gives_styles_headers_and_footers(example, tmp_path, cli):
    from docx import Document
    from docx.shared import Pt, RGBColor

    model = Document()
    heading = model.styles["Heading 1"]
    heading.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    heading.font.size = Pt(20)
    heading.font.name = "Georgia"
    model.sections[0].header.paragraphs[0].text = "EN-TÊTE DE LA MAISON"
    model.add_paragraph("Contenu du modèle, à ne pas reprendre.")
    path = tmp_path / "modele.docx"
    model.save(str(path))
    result = cli(
        "render",
        example,
        "--modele-docx",
        path,
        "--doc",
        "diagnostic",
        "--doc",
        "lettre-intention",
    )
    assert result.code == 0, result
    out = example.parent / "documents" / "diagnostic.docx"
    doc = open_docx(out)
    assert doc.styles["Heading 1"].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert doc.styles["Heading 1"].font.name == "Georgia"
    assert "EN-TÊTE DE LA MAISON" in part_xml(out, "word/header")
    assert "Contenu du modèle" not in body_text(out)
    # Styles the model lacks come from ours, with a warning naming them.
    assert "Texte de tableau" in result.err and "ceux de cpts sont utilisés" in result.err
    # One warning for all the documents, each style named once.
    assert result.err.count("Le modèle Word n'a pas") == 1
    assert result.err.count("« Texte de tableau »") == 1 and "« TM 1 »" in result.err
    assert doc.core_properties.author == "CPTS du Sud Dijonnais"
    assert (
        doc.styles.element.find(
            ".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}lang"
        )
        is not None
    )


def test_unreadable_word_model_is_a_clear_error(example, tmp_path, cli):
    bad = tmp_path / "modele.docx"
    bad.write_bytes(b"pas un document Word")
    result = cli("render", example, "--modele-docx", bad, "--doc", "presentation")
    assert result.code == 2 and "modèle Word" in result.err


def test_unknown_document_suggests_the_right_one(example, cli):
    result = cli("render", example, "--doc", "lettre")
    assert result.code == 2
    assert "lettre-intention" in result.out + result.err


def test_unparsable_file_exits_2(tmp_path, cli):
    path = tmp_path / "cpts.yaml"
    path.write_text("cpts: [\n", encoding="utf-8")
    result = cli("render", path)
    assert result.code == 2 and "CPTS-Y001" in result.err


def test_pdf_without_libreoffice_is_a_french_error(example, cli, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    result = cli("render", example, "--doc", "presentation", "--format", "pdf")
    assert result.code == 2 and "LibreOffice" in result.err
    assert not (example.parent / "documents" / "presentation.pdf").exists()


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice absent"
)
def test_pdf_with_libreoffice(example, cli):
    result = cli("render", example, "--doc", "lettre-intention", "--format", "pdf")
    assert result.code == 0, result
    pdf = example.parent / "documents" / "lettre-intention.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftotext"),
    reason="LibreOffice ou pdftotext absent",
)
def test_pdf_table_of_contents_has_page_numbers(example, cli):
    import re
    import subprocess

    from cpts_cli.documents.word import TOC_NOTE

    result = cli("render", example, "--doc", "projet-sante", "--format", "pdf")
    assert result.code == 0, result
    pdf = example.parent / "documents" / "projet-sante.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "2", "-l", "2", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.search(r"Le territoire d.action\W+\d+\s*$", text, flags=re.M), text
    assert TOC_NOTE[:40] not in text  # the update replaced the note


def test_ctrl_c_is_a_french_message_and_exit_2(example, cli, monkeypatch):
    import cpts_cli.documents as render

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "render_project", interrupted)
    result = cli("render", example)
    assert result.code == 2
    assert "Interrompu : aucun fichier n'est resté à moitié écrit." in result.err
    assert "Traceback" not in result.err


def _as_package(source, target, old: bytes, new: bytes) -> None:
    import zipfile

    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(old, new)
            out.writestr(info, data)


def test_word_template_dotx_is_a_model_too(example, tmp_path, cli):
    from docx import Document

    model = Document()
    model.sections[0].header.paragraphs[0].text = "CHARTE DE L'UNION"
    docx_path = tmp_path / "charte.docx"
    model.save(str(docx_path))
    dotx = tmp_path / "charte.dotx"
    _as_package(docx_path, dotx, b"document.main+xml", b"template.main+xml")
    result = cli("render", example, "--modele-docx", dotx, "--doc", "presentation")
    assert result.code == 0, result
    out = example.parent / "documents" / "presentation.docx"
    assert "CHARTE DE L'UNION" in part_xml(out, "word/header")
    # What is written is a document, which Word opens as such.
    assert "document.main+xml" in part_xml(out, "[Content_Types]")
    assert "template.main+xml" not in part_xml(out, "[Content_Types]")


def test_word_model_with_macros_is_refused_clearly(example, tmp_path, cli):
    from docx import Document

    docx_path = tmp_path / "charte.docx"
    Document().save(str(docx_path))
    docm = tmp_path / "charte.docm"
    _as_package(
        docx_path,
        docm,
        b"officedocument.wordprocessingml.document.main+xml",
        b"ms-word.document.macroEnabled.main+xml",
    )
    result = cli("render", example, "--modele-docx", docm, "--doc", "presentation")
    assert result.code == 2 and "macros" in result.err and "Traceback" not in result.err
    assert not (example.parent / "documents" / "presentation.docx").exists()


def test_any_word_model_keeps_toc_levels_title_at_right_and_centred_page_numbers(
    example, tmp_path, cli
):
    """A model (here python-docx's own, as a LibreOffice one) whose heading styles carry no
    outline level and whose header style has other tab stops."""
    from docx import Document
    from docx.oxml.ns import qn

    model = Document()
    for name in ("Heading 1", "Heading 2"):
        ppr = model.styles[name].element.find(qn("w:pPr"))
        for outline in ppr.findall(qn("w:outlineLvl")) if ppr is not None else []:
            ppr.remove(outline)
    path = tmp_path / "modele.docx"
    model.save(str(path))
    assert cli("render", example, "--modele-docx", path, "--doc", "diagnostic").code == 0
    doc = open_docx(example.parent / "documents" / "diagnostic.docx")
    headings = [p for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings and all(
        p._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}") is not None for p in headings
    )
    levels = {
        p.style.name: p._p.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}").get(qn("w:val"))
        for p in headings
    }
    assert levels["Heading 1"] == "0" and levels["Heading 2"] == "1"
    header = doc.sections[0].header.paragraphs[0]._p
    tabs = [
        (t.get(qn("w:val")), t.get(qn("w:pos")))
        for t in header.iter(qn("w:tab"))
        if t.getparent().tag == qn("w:tabs")
    ]
    assert ("clear", "4680") in tabs and ("clear", "9360") in tabs
    section = doc.sections[0]
    width = (section.page_width - section.left_margin - section.right_margin) // 635
    assert tabs[-1] == ("right", str(width))  # the model's text width (Letter, 1 inch)
    footer = doc.sections[0].footer.paragraphs[0]._p
    assert footer.find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == "center"


def test_exported_templates_render_the_same_documents_and_are_never_overwritten(
    example, tmp_path, cli
):
    mine = tmp_path / "mes-modeles"
    first = cli("render", "--exporter-modeles", mine)
    assert first.code == 0, first
    names = sorted(str(p.relative_to(mine)) for p in mine.rglob("*") if p.is_file())
    assert "projet-sante.md.j2" in names and "partials/macros.md.j2" in names
    assert "reference.docx" in names and "README.md" in names

    def letter(out, *more):
        result = cli("render", example, "--doc", "lettre-intention", "--out", out, *more)
        assert result.code == 0, result
        return out / "lettre-intention.docx"

    # Unchanged, they give the built-in documents.
    a, b = letter(tmp_path / "a"), letter(tmp_path / "b", "--templates", mine)
    assert structure(a) == structure(b) and body_text(a) == body_text(b)
    # An edited partial is used; exporting again keeps the user's edit.
    macros = mine / "partials" / "signatures.md.j2"
    macros.write_text(macros.read_text("utf-8") + "\nSignature ajoutée par la maison.\n", "utf-8")
    again = cli("render", "--exporter-modeles", mine)
    assert again.code == 0 and "existe déjà" in again.out and "Aucun fichier copié" in again.out
    assert "Signature ajoutée par la maison." in macros.read_text("utf-8")
    letter(tmp_path / "c", "--templates", mine)
    assert "Signature ajoutée par la maison." in body_text(tmp_path / "c" / "lettre-intention.docx")


def test_the_filters_of_the_templates_readme_give_what_it_says(example, tmp_path, cli):
    """Each example of the table in templates/README.md, rendered through a user template."""
    import re

    readme = (Path(__file__).parent.parent / "templates" / "README.md").read_text("utf-8")
    rows = re.findall(r"^\| [^|]+ \| `(\{\{.*?\}\})` \| (.+?) \|$", readme, flags=re.M)
    examples = [
        (expression.replace("\\|", "|"), expected)
        for expression, expected in rows
        if not expected.startswith(("la valeur", "un ", "nouvelle", "le sommaire"))
    ]
    assert len(examples) >= 7
    mine = tmp_path / "modeles"
    mine.mkdir()
    body = "\n".join(f"R{i}: {expression}" for i, (expression, _) in enumerate(examples))
    (mine / "presentation.md.j2").write_text(
        '{% set titre = "Essai" %}{% set sous_titre = "" %}{% set version = none %}'
        "{% set date_document = document.date_fr %}{% set page_de_garde = false %}"
        '{% set couverture = [] %}\n{% include "partials/entete.md.j2" %}\n' + body + "\n",
        encoding="utf-8",
    )
    result = cli("render", example, "--templates", mine, "--doc", "presentation", "--format", "md")
    assert result.code == 0, result
    text = (example.parent / "documents" / "presentation.md").read_text("utf-8")
    for i, (expression, expected) in enumerate(examples):
        got = re.search(rf"^R{i}: (.*)$", text, flags=re.M).group(1).replace("\u00a0", " ")
        assert got == expected, (expression, got)


@pytest.mark.parametrize(
    ("errno_name", "words"),
    [
        ("ENOENT", "introuvable"),
        ("EACCES", "permission refusée"),
        ("EROFS", "lecture seule"),
        ("ENOSPC", "plus de place"),
        ("ENOTDIR", "n'est pas un dossier"),
        ("EOVERFLOW", "erreur système EOVERFLOW"),
    ],
)
def test_system_errors_are_said_in_french(errno_name, words):
    import errno

    from cpts_cli.support.errors import os_error_fr

    code = getattr(errno, errno_name)
    assert words in os_error_fr(OSError(code, "English text from the system"))


def test_output_folder_that_cannot_be_made_is_a_french_message(example, tmp_path, cli):
    blocker = tmp_path / "fichier"
    blocker.write_text("x", encoding="utf-8")
    result = cli("render", example, "--out", blocker / "sous-dossier", "-q")
    assert result.code == 2 and "Traceback" not in result.err
    assert "n'est pas un dossier" in result.err or "existe" in result.err
    assert "directory" not in result.err.lower()


@pytest.mark.parametrize(
    ("source", "said"),
    [
        ("{{ territoire.nope }}", "pas de champ « nope »"),
        ("{{ inconnu }}", "« inconnu » n'existe pas"),
        ("{{ cpts.nom|nomber }}", "filtre inconnu « nomber » ; vouliez-vous dire « nombre » ?"),
        ("{% fro x in y %}{% endfor %}", "balise inconnue « {% fro %} »"),
        ("{% if x %}", "le bloc « if » n'est pas fermé (« {% endif %} » manque)."),
        ("{% if %}", "une valeur ou une variable manque avant « %} »"),
        ("{{ 1/0 }}", "division par zéro"),
        ("{{ cpts.__class__ }}", "accès interdit à « __class__ »"),
        ("{{ cpts.nom.upper(1) }}", "opération impossible sur ce type de valeur"),
        (b"\xff\xfe{{ x }}", "n'est pas écrit en UTF-8 (octet n° 1)"),
    ],
)
def test_template_errors_are_explained_in_french(example, tmp_path, cli, source, said):
    mine = tmp_path / "modeles"
    mine.mkdir()
    template = mine / "presentation.md.j2"
    if isinstance(source, bytes):
        template.write_bytes(source + b"\n")
    else:
        template.write_text(source + "\n", encoding="utf-8")
    result = cli("render", example, "--templates", mine, "--doc", "presentation")
    assert result.code == 2, result
    assert "presentation.md.j2" in result.err
    assert "ligne 1" in result.err or isinstance(source, bytes)
    assert said in result.err
    assert "?." not in result.err and "Traceback" not in result.err


def test_a_theme_with_many_indicators_gets_several_charts_that_fit_a_page(example, cli):
    from cpts_cli.documents.context import CHART_SIZE
    from cpts_cli.project.load import read_path

    data = read_path(example).plain
    population = [
        i
        for i in data["diagnostic"]["indicateurs"]
        if i["theme"] == "population" and i.get("references")
    ]  # chartable: 6 age shares in % (one profile) and 1 other; + 12 copies → 13 blocks
    extra = []
    for k in range(2 * CHART_SIZE):
        copy_ = dict(population[k % len(population)])
        copy_["code"] = f"copie_{k}"
        copy_["unite"] = f"unité {k}"  # no unit shared by three: block charts
        extra.append(copy_)
    data["diagnostic"]["indicateurs"] += extra
    import json

    example.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = cli("render", example, "--doc", "diagnostic", "--brouillon")
    assert result.code == 0, result
    doc = open_docx(example.parent / "documents" / "diagnostic-brouillon.docx")
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    parts = [c for c in captions if c.split(fr(" : "))[1] == "Population"]
    assert len(parts) == 3 and parts[0].endswith("(1/3)") and parts[2].endswith("(3/3)")
    section = doc.sections[0]
    room = section.page_height - section.top_margin - section.bottom_margin
    text_width = section.page_width - section.left_margin - section.right_margin
    assert all(shape.height < room and shape.width <= text_width for shape in doc.inline_shapes)
