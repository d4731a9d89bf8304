"""The Markdown → DOCX builder on small inputs: lists, tables, breaks, links, images."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_cli.support.formatting import french_typography as fr

from .test_render_support import W, structure


@pytest.fixture
def build(tmp_path):
    from cpts_cli.documents.word import DocumentMeta, build_docx

    def run(markdown: str, images=None, model=None, **meta):
        meta.setdefault("title", "Essai")
        meta.setdefault("organisation", "CPTS d'essai")
        warnings: list[str] = []
        data = build_docx(
            markdown, DocumentMeta(**meta), images=images, model=model, warnings=warnings
        )
        path = tmp_path / f"doc{len(list(tmp_path.iterdir()))}.docx"
        path.write_bytes(data)
        return path, warnings

    return run


def _numbering(path):
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(path))
    items = []
    for p in doc.paragraphs:
        ppr = p._p.pPr
        num = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num is not None:
            items.append(
                (
                    p.text,
                    p.style.name,
                    int(num.find(qn("w:ilvl")).get(qn("w:val"))),
                    num.find(qn("w:numId")).get(qn("w:val")),
                )
            )
    return doc, items


def test_nested_lists_and_numbering_restart(build):
    path, _ = build(
        "1. un\n2. deux\n   - puce\n   - puce\n     1. a\n     2. b\n3. trois\n\n"
        "Texte.\n\n1. encore un\n2. encore deux\n"
    )
    doc, items = _numbering(path)
    assert [(t, s, lvl) for t, s, lvl, _ in items] == [
        ("un", "List Number", 0),
        ("deux", "List Number", 0),
        ("puce", "List Bullet 2", 1),
        ("puce", "List Bullet 2", 1),
        ("a", "List Number 3", 2),
        ("b", "List Number 3", 2),
        ("trois", "List Number", 0),
        ("encore un", "List Number", 0),
        ("encore deux", "List Number", 0),
    ]
    first, second = items[0][3], items[7][3]
    assert first != second  # a new list instance…
    numbering = doc.part.numbering_part.element.xml
    chunk = numbering[numbering.index(f'w:numId="{second}"') :]
    assert '<w:startOverride w:val="1"/>' in chunk[: chunk.index("</w:num>")]  # …from 1


def test_page_break_blocks_and_toc_markers(build):
    path, _ = build(
        "# Un\n\n<!-- saut-de-page -->\n\n<!-- bloc:encadre -->\n\nEncadré.\n\n"
        "<!-- fin-bloc -->\n\n<!-- bloc:droite -->\n\nÀ droite.\n\n<!-- fin-bloc -->\n\n# Deux\n\nFin.\n",
        toc=True,
    )
    items = structure(path)
    styles = [i[1] for i in items if i[0] == "p"]
    assert "TOC Heading" in styles and "toc 1" in styles and "Encadré" in styles
    assert sum(i[4] for i in items if i[0] == "p") == 3  # cover, contents, explicit break
    from docx import Document

    doc = Document(str(path))
    right = next(p for p in doc.paragraphs if p.text == "À droite.")
    assert right.alignment == 2


def test_emphasis_links_and_highlight(build):
    path, _ = build(
        "Du **gras**, de l'*italique*, un [lien](https://www.ameli.fr) et "
        "<mark>\\[À COMPLÉTER : x\\]</mark>.\n"
    )
    from docx import Document

    doc = Document(str(path))
    para = next(p for p in doc.paragraphs if p.text.startswith("Du "))
    runs = {r.text: r for r in para.runs}
    assert runs["gras"].bold and runs["italique"].italic
    assert runs[fr("[À COMPLÉTER : x]")].font.highlight_color is not None
    xml = para._p.xml
    assert "<w:hyperlink" in xml and "lien" in para.text
    rels = [r for r in doc.part.rels.values() if "hyperlink" in r.reltype]
    assert rels and rels[0].target_ref == "https://www.ameli.fr"


def test_tables_numbers_widths_and_adjacent_tables(build):
    path, _ = build(
        "| Commune | Population |\n|---|---|\n| Chenôve | 14 244 |\n| Longvic | 8 896 |\n\n"
        "| A | B |\n|---|---|\n| x | y |\n"
    )
    from docx import Document

    doc = Document(str(path))
    first = doc.tables[0]
    assert first.rows[1].cells[1].paragraphs[0].alignment == 2  # a number column
    assert first.rows[0].cells[1].paragraphs[0].alignment == 2
    assert first.rows[1].cells[0].paragraphs[0].alignment is None
    kinds = [i[0] for i in structure(path)]
    assert "table" in kinds and ("table", "table") not in zip(kinds, kinds[1:], strict=False)


def test_images_with_caption_or_missing(build):
    from cpts_cli.documents.charts import theme_chart

    png = theme_chart("t", [{"libelle": "x", "valeur": 2, "references": {"france": 3}}])
    path, _ = build(
        "![Légende](images/a.png)\n\n![Absente](images/b.png)\n", images={"images/a.png": png}.get
    )
    from docx import Document

    doc = Document(str(path))
    assert len(doc.inline_shapes) == 1
    captions = [p.text for p in doc.paragraphs if p.style.name == "Caption"]
    assert captions == [fr("Figure 1 : Légende"), fr("Figure 2 : Absente")]
    assert any(fr("[image absente : images/b.png]") in p.text for p in doc.paragraphs)
    assert doc.inline_shapes[0].width <= doc.sections[0].page_width


def test_charts_are_deterministic():
    from cpts_cli.documents.charts import theme_chart

    indicators = [
        {
            "libelle": "Taux",
            "valeur": -0.1,
            "unite": "%",
            "annee": 2021,
            "references": {"departement": 0.2, "region": None, "france": 0.3},
        },
    ]
    assert theme_chart("t", indicators) == theme_chart("t", indicators)


def test_control_characters_never_reach_the_xml(build):
    path, _ = build("Un\x07 texte\x1b et\ufffe fin.\n", title="Titre\x0b", organisation="O\x00")
    from docx import Document

    doc = Document(str(path))
    assert any(p.text == "Un texte et fin." for p in doc.paragraphs)
    assert doc.core_properties.title == "Titre"


def test_model_without_numbering_part(build, tmp_path):
    """A Word model with no list definitions at all still gets real lists."""
    import re
    import zipfile

    from docx import Document

    source = io.BytesIO()
    Document().save(source)
    stripped = tmp_path / "sans-listes.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(stripped, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            if item == "word/numbering.xml":
                continue
            if item == "word/_rels/document.xml.rels":
                data = re.sub(rb"<Relationship [^>]*numbering[^>]*/>", b"", data)
            if item == "[Content_Types].xml":
                data = data.replace(
                    b'<Override PartName="/word/numbering.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>',
                    b"",
                )
            zout.writestr(item, data)
    path, warnings = build("- a\n- b\n", model=stripped)
    _, items = _numbering(path)
    assert [t for t, *_ in items] == ["a", "b"]
    assert warnings == []  # every style used exists in python-docx's blank document


def test_front_matter_split():
    from cpts_cli.documents.word import split_front_matter

    meta, body = split_front_matter('---\ntitre: "A: b"\nsommaire: true\nx: [1]\n---\n\n# T\n')
    assert meta == {"titre": "A: b", "sommaire": True, "x": [1]}
    assert body == "\n# T\n"
    assert split_front_matter("# T\n") == ({}, "# T\n")


def test_reference_docx_is_reproducible():
    """The committed reference document is what the script builds."""
    import subprocess
    import sys

    from .conftest import ROOT

    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, 'scripts'); import build_reference_docx as b; "
            "sys.stdout.buffer.write(b.build())",
        ],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == (ROOT / "templates" / "reference.docx").read_bytes()
    assert W  # the namespace helper is shared with the other render tests


@pytest.mark.parametrize(
    ("libelle", "unite", "lines"),
    [
        ("Passages pour 1 000 habitants", "pour 1 000 habitants", 0),  # the title says it
        ("Médecins généralistes", "pour 10 000 habitants", 1),
        ("Part des 75 ans et plus", "%", 0),  # short: written after each value
        ("Taux", None, 0),
    ],
)
def test_chart_unit_line_only_when_the_title_does_not_say_it(libelle, unite, lines):
    from cpts_cli.documents.charts import _unit_lines

    assert _unit_lines({"libelle": libelle, "unite": unite}) == lines


@pytest.mark.parametrize(
    "label",
    [
        "Taux $\\nocommand$ ici",  # would be TeX (and fail) if matplotlib parsed it
        "Coût en $ par habitant, $x^2$",
        "Émoji 😀 et 中文 (glyphes absents de la police)",
        "a\\b _ ^ {x} %",
    ],
)
def test_chart_labels_are_drawn_as_written_without_warnings(label):
    import warnings

    from cpts_cli.documents.charts import theme_chart

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = theme_chart(
            "t", [{"libelle": label, "valeur": 2, "unite": "%", "references": {"france": 3}}]
        )
    assert png.startswith(b"\x89PNG")


_numbers = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
)


@settings(max_examples=40, deadline=None)
@given(
    label=st.text(max_size=120),
    unit=st.one_of(st.none(), st.text(max_size=30)),
    value=_numbers,
    refs=st.dictionaries(st.sampled_from(["departement", "region", "france"]), _numbers),
)
def test_any_indicator_gives_a_chart_and_no_warning(label, unit, value, refs):
    import warnings

    from cpts_cli.documents.charts import theme_chart
    from cpts_cli.documents.sanitize import clean_text

    indicator = {"libelle": clean_text(label), "unite": unit, "valeur": value, "references": refs}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = theme_chart("t", [indicator, indicator])
    assert png.startswith(b"\x89PNG")
