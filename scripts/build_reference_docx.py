"""Build ``templates/reference.docx``, the Word document that carries the styles of the
deliverables: ``python scripts/build_reference_docx.py``.

The output is committed. It starts from python-docx's blank document and sets: A4 pages,
French language on the document defaults and on every style, the built-in heading styles
(Word shows them as Titre 1-3), list, caption, quote, table of contents, header and footer
styles, a table style, and the two styles of our own (« Texte de tableau », « Encadré »).
The library's traces (author « python-docx », description, Macintosh application name,
thumbnail) are removed. The result is byte-for-byte reproducible.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cpts_cli.documents.word import (  # noqa: E402
    FIXED_ZIP_DATE,
    USED_STYLES,
    normalise_zip,
    set_french,
    write_app_properties,
)

OUT = ROOT / "templates" / "reference.docx"

BLUE_DARK = "1F3864"
BLUE = "2E74B5"
GREY = "595959"
TEXT_WIDTH = 9071  # twips: A4 (11 906) minus 2 × 2.5 cm margins

# Paragraph and run properties of each style we set, as WordprocessingML fragments.
PARAGRAPH_STYLES: dict[str, tuple[str, str]] = {
    "Normal": (
        '<w:spacing w:after="120" w:line="264" w:lineRule="auto"/>',
        '<w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Calibri"/>'
        '<w:sz w:val="22"/><w:szCs w:val="22"/>',
    ),
    "Title": (
        '<w:spacing w:before="0" w:after="240" w:line="240" w:lineRule="auto"/>'
        "<w:contextualSpacing/>",
        f'<w:b/><w:color w:val="{BLUE_DARK}"/><w:kern w:val="28"/>'
        '<w:sz w:val="56"/><w:szCs w:val="56"/>',
    ),
    "Subtitle": (
        '<w:spacing w:before="0" w:after="160"/>',
        f'<w:color w:val="{BLUE}"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
    ),
    "heading 1": (
        '<w:keepNext/><w:keepLines/><w:pBdr><w:bottom w:val="single" w:sz="6" w:space="2" '
        f'w:color="{BLUE}"/></w:pBdr><w:spacing w:before="360" w:after="160"/>'
        '<w:outlineLvl w:val="0"/>',
        f'<w:b/><w:bCs/><w:color w:val="{BLUE_DARK}"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
    ),
    "heading 2": (
        '<w:keepNext/><w:keepLines/><w:spacing w:before="280" w:after="100"/>'
        '<w:outlineLvl w:val="1"/>',
        f'<w:b/><w:bCs/><w:color w:val="{BLUE}"/><w:sz w:val="26"/><w:szCs w:val="26"/>',
    ),
    "heading 3": (
        '<w:keepNext/><w:keepLines/><w:spacing w:before="220" w:after="80"/>'
        '<w:outlineLvl w:val="2"/>',
        f'<w:b/><w:bCs/><w:color w:val="{BLUE_DARK}"/><w:sz w:val="23"/><w:szCs w:val="23"/>',
    ),
    "heading 4": (
        '<w:keepNext/><w:keepLines/><w:spacing w:before="160" w:after="60"/>'
        '<w:outlineLvl w:val="3"/>',
        f'<w:b/><w:bCs/><w:i/><w:color w:val="{BLUE_DARK}"/>',
    ),
    "List Bullet": ('<w:spacing w:after="60"/><w:contextualSpacing/>', ""),
    "List Bullet 2": ('<w:spacing w:after="60"/><w:contextualSpacing/>', ""),
    "List Bullet 3": ('<w:spacing w:after="60"/><w:contextualSpacing/>', ""),
    "List Number": ('<w:spacing w:after="60"/><w:contextualSpacing/>', ""),
    "List Number 2": ('<w:spacing w:after="60"/><w:contextualSpacing/>', ""),
    "List Number 3": ('<w:spacing w:after="60"/><w:contextualSpacing/>', ""),
    "List Continue": ('<w:spacing w:after="60"/><w:ind w:left="357"/>', ""),
    "List Continue 2": ('<w:spacing w:after="60"/><w:ind w:left="714"/>', ""),
    "List Continue 3": ('<w:spacing w:after="60"/><w:ind w:left="1071"/>', ""),
    "caption": (
        '<w:keepLines/><w:spacing w:before="60" w:after="240"/><w:jc w:val="center"/>',
        f'<w:i/><w:iCs/><w:color w:val="{GREY}"/><w:sz w:val="18"/><w:szCs w:val="18"/>',
    ),
    "Quote": (
        '<w:pBdr><w:left w:val="single" w:sz="18" w:space="8" '
        f'w:color="{BLUE}"/></w:pBdr><w:shd w:val="clear" w:color="auto" w:fill="EEF3FA"/>'
        '<w:spacing w:before="120" w:after="120"/><w:ind w:left="284" w:right="284"/>',
        '<w:color w:val="262626"/>',
    ),
    "header": (
        f'<w:tabs><w:tab w:val="clear" w:pos="4680"/><w:tab w:val="clear" w:pos="9360"/>'
        f'<w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs><w:spacing w:after="0"/>',
        f'<w:color w:val="{GREY}"/><w:sz w:val="17"/><w:szCs w:val="17"/>',
    ),
    "footer": (
        f'<w:tabs><w:tab w:val="clear" w:pos="4680"/><w:tab w:val="clear" w:pos="9360"/>'
        f'<w:tab w:val="right" w:pos="{TEXT_WIDTH}"/></w:tabs><w:spacing w:after="0"/>'
        '<w:jc w:val="center"/>',
        f'<w:color w:val="{GREY}"/><w:sz w:val="17"/><w:szCs w:val="17"/>',
    ),
    "TOC Heading": (
        '<w:keepNext/><w:spacing w:before="0" w:after="240"/><w:outlineLvl w:val="9"/>',
        f'<w:b/><w:color w:val="{BLUE_DARK}"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
    ),
}

# Styles python-docx's blank document lacks: (name, styleId, type, basedOn, pPr, rPr).
NEW_STYLES: list[tuple[str, str, str, str | None, str, str]] = [
    (
        "toc 1",
        "TOC1",
        "paragraph",
        "Normal",
        f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
        '<w:spacing w:before="120" w:after="40"/>',
        "<w:b/>",
    ),
    (
        "toc 2",
        "TOC2",
        "paragraph",
        "Normal",
        f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
        '<w:spacing w:after="40"/><w:ind w:left="284"/>',
        "",
    ),
    (
        "toc 3",
        "TOC3",
        "paragraph",
        "Normal",
        f'<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{TEXT_WIDTH}"/></w:tabs>'
        '<w:spacing w:after="40"/><w:ind w:left="567"/>',
        '<w:sz w:val="20"/><w:szCs w:val="20"/>',
    ),
    (
        "Texte de tableau",
        "Textedetableau",
        "paragraph",
        "Normal",
        '<w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/>',
        '<w:sz w:val="19"/><w:szCs w:val="19"/>',
    ),
    (
        "Encadré",
        "Encadr",
        "paragraph",
        "Normal",
        '<w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="C00000"/>'
        '<w:left w:val="single" w:sz="4" w:space="4" w:color="C00000"/>'
        '<w:bottom w:val="single" w:sz="4" w:space="4" w:color="C00000"/>'
        '<w:right w:val="single" w:sz="4" w:space="4" w:color="C00000"/></w:pBdr>'
        '<w:shd w:val="clear" w:color="auto" w:fill="FFF4E5"/>'
        '<w:spacing w:before="120" w:after="120"/><w:ind w:left="113" w:right="113"/>',
        "",
    ),
    (
        "Hyperlink",
        "Hyperlink",
        "character",
        None,
        "",
        '<w:color w:val="0563C1"/><w:u w:val="single"/>',
    ),
]

TABLE_GRID = (
    "<w:tblPr>"
    '<w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
    '<w:left w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
    '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
    '<w:right w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
    '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
    '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/></w:tblBorders>'
    '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
    '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
    "</w:tblPr>"
)


def _style_by_name(styles_el, name: str):
    for el in styles_el.findall(qn("w:style")):
        n = el.find(qn("w:name"))
        if n is not None and n.get(qn("w:val")).lower() == name.lower():
            return el
    return None


def _replace_props(style_el, ppr: str, rpr: str) -> None:
    for tag in ("w:pPr", "w:rPr"):
        for old in style_el.findall(qn(tag)):
            style_el.remove(old)
    if ppr:
        style_el.append(parse_xml(f"<w:pPr {nsdecls('w')}>{ppr}</w:pPr>"))
    if rpr:
        style_el.append(parse_xml(f"<w:rPr {nsdecls('w')}>{rpr}</w:rPr>"))


def _prune_styles(styles_el) -> None:
    """Keep the styles the builder uses, what they are based on, linked to or followed by,
    and the defaults; drop the rest of python-docx's 170 (Word knows its built-in styles
    from ``w:latentStyles`` and adds them back when a user picks one)."""
    by_id = {el.get(qn("w:styleId")): el for el in styles_el.findall(qn("w:style"))}
    wanted = {n.lower() for n in USED_STYLES}
    todo = [
        el
        for el in by_id.values()
        if el.get(qn("w:default")) == "1"
        or (
            el.find(qn("w:name")) is not None
            and el.find(qn("w:name")).get(qn("w:val")).lower() in wanted
        )
    ]
    keep: set[str] = set()
    while todo:
        el = todo.pop()
        style_id = el.get(qn("w:styleId"))
        if style_id in keep:
            continue
        keep.add(style_id)
        for tag in ("w:basedOn", "w:link", "w:next"):
            ref = el.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) in by_id:
                todo.append(by_id[ref.get(qn("w:val"))])
    for style_id, el in by_id.items():
        if style_id not in keep:
            styles_el.remove(el)


def build() -> bytes:
    doc = Document()
    styles_el = doc.styles.element

    # Document defaults: Calibri 11, French.
    defaults = styles_el.find(qn("w:docDefaults"))
    if defaults is not None:
        styles_el.remove(defaults)
    styles_el.insert(
        0,
        parse_xml(
            f"<w:docDefaults {nsdecls('w')}><w:rPrDefault><w:rPr>"
            '<w:rFonts w:asciiTheme="minorHAnsi" w:eastAsiaTheme="minorHAnsi" '
            'w:hAnsiTheme="minorHAnsi" w:cstheme="minorBidi"/>'
            '<w:sz w:val="22"/><w:szCs w:val="22"/>'
            '<w:lang w:val="fr-FR" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
            '<w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/>'
            "</w:pPr></w:pPrDefault></w:docDefaults>"
        ),
    )

    for name, (ppr, rpr) in PARAGRAPH_STYLES.items():
        el = _style_by_name(styles_el, name)
        if el is None:
            raise SystemExit(f"style absent du document de base : {name}")
        _replace_props(el, ppr, rpr)
        # python-docx's list styles point at its own numbering: the builder numbers lists.
    for name, style_id, kind, based_on, ppr, rpr in NEW_STYLES:
        based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
        extra = '<w:uiPriority w:val="39"/><w:unhideWhenUsed/>' if name.startswith("toc") else ""
        el = parse_xml(
            f'<w:style {nsdecls("w")} w:type="{kind}" w:customStyle="'
            f'{"1" if name in ("Texte de tableau", "Encadré") else "0"}" '
            f'w:styleId="{style_id}"><w:name w:val="{name}"/>{based}'
            f'<w:next w:val="Normal"/>{extra}<w:qFormat/></w:style>'
            if kind == "paragraph"
            else f'<w:style {nsdecls("w")} w:type="{kind}" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/></w:style>'
        )
        if el.get(qn("w:customStyle")) == "0":
            del el.attrib[qn("w:customStyle")]
        _replace_props(el, ppr, rpr)
        styles_el.append(el)

    table = _style_by_name(styles_el, "Table Grid")
    for old in table.findall(qn("w:tblPr")):
        table.remove(old)
    table.append(parse_xml(TABLE_GRID.replace("<w:tblPr>", f"<w:tblPr {nsdecls('w')}>", 1)))

    for name in (n for n in USED_STYLES if n.startswith(("List Bullet", "List Number"))):
        el = _style_by_name(styles_el, name)
        ppr = el.find(qn("w:pPr"))
        for num in ppr.findall(qn("w:numPr")) if ppr is not None else ():
            ppr.remove(num)

    _prune_styles(styles_el)
    set_french(doc)

    # A4 portrait, 2.5 cm side margins.
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.2)
    section.header_distance = section.footer_distance = Cm(1.0)

    # Empty body (only the section properties stay).
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)

    # French settings: decimal comma, list separator.
    settings = doc.settings.element
    for tag, val in (("w:decimalSymbol", ","), ("w:listSeparator", ";")):
        el = settings.find(qn(tag))
        if el is None:
            el = parse_xml(f'<{tag} {nsdecls("w")} w:val="{val}"/>')
            settings.append(el)
        el.set(qn("w:val"), val)
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = parse_xml(f'<w:themeFontLang {nsdecls("w")} w:val="fr-FR"/>')
        settings.append(lang)
    lang.set(qn("w:val"), "fr-FR")

    # No trace of the library or of an author.
    props = doc.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.title = ""
    props.subject = ""
    props.keywords = ""
    props.category = ""
    props.revision = 1
    props.language = "fr-FR"
    import datetime as dt

    props.created = props.modified = dt.datetime(*FIXED_ZIP_DATE)
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
    # Word 2010's copy of the styles: Word rebuilds it; carrying it doubles every file.
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del doc.part.rels[rel_id]
    write_app_properties(doc)

    out = io.BytesIO()
    doc.save(out)
    return normalise_zip(out.getvalue())


def main() -> None:
    data = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(data)
    print(f"{OUT.relative_to(ROOT)} : {len(data)} octets")


if __name__ == "__main__":
    main()
