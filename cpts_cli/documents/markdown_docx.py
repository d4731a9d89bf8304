"""Markdown → DOCX: markdown-it-py tokens written with python-docx on a reference document.

The reference document (``templates/reference.docx``, or the user's ``--modele-docx``)
carries the styles, page set-up, headers and footers; its body is replaced by the content.
What the Markdown says maps to real Word structure: ``#``/``##``/``###`` to the built-in
Heading 1–3 styles, lists to numbered paragraphs (each numbered list restarting at 1),
tables to Word tables with a repeated header row, images to inline pictures with a caption.
Our own markers (``<!-- saut-de-page -->``, ``<!-- table-des-matieres -->``, ``<mark>``)
give page breaks, the table of contents field and highlighted placeholders.
"""

from __future__ import annotations

import copy
import datetime as _dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import NamespacePrefixedTag, nsdecls, qn
from docx.oxml.parser import oxml_parser
from docx.shared import Emu
from markdown_it import MarkdownIt

from cpts_cli.documents.environment import (
    BLOCK_END,
    BLOCK_START,
    MARK_CLOSE,
    MARK_OPEN,
    PAGE_BREAK,
    TOC,
)
from cpts_cli.documents.sanitize import clean_text

FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
LANG = "fr-FR"


@cache
def _tag(tag: str) -> tuple[str, dict]:
    nsp = NamespacePrefixedTag(tag)
    return nsp.clark_name, nsp.nsmap


def _el(tag: str):
    """A new ``w:…`` element of python-docx's classes (its ``OxmlElement``, with the tag's
    namespace worked out once: the documents have tens of thousands of elements)."""
    clark, nsmap = _tag(tag)
    return oxml_parser.makeelement(clark, nsmap=nsmap)


#: Said at the end of a table of contents not updated yet (inside it: gone once updated).
TOC_NOTE = (
    "Les numéros de page s'affichent quand la table est mise à jour : Word le propose à "
    "l'ouverture ; dans LibreOffice, Outils › Mettre à jour › Tout mettre à jour."
)

#: Styles the builder may use (Word's built-in names, as in ``w:name``).
USED_STYLES = (
    "Normal",
    "Title",
    "Subtitle",
    "heading 1",
    "heading 2",
    "heading 3",
    "heading 4",
    "List Bullet",
    "List Bullet 2",
    "List Bullet 3",
    "List Number",
    "List Number 2",
    "List Number 3",
    "List Continue",
    "List Continue 2",
    "List Continue 3",
    "caption",
    "Quote",
    "header",
    "footer",
    "TOC Heading",
    "toc 1",
    "toc 2",
    "toc 3",
    "Texte de tableau",
    "Encadré",
    "Hyperlink",
    "Table Grid",
)

#: French names Word shows for the built-in styles (for messages).
STYLE_LABELS = {
    "heading 1": "Titre 1",
    "heading 2": "Titre 2",
    "heading 3": "Titre 3",
    "heading 4": "Titre 4",
    "Title": "Titre",
    "Subtitle": "Sous-titre",
    "List Bullet": "Liste à puces",
    "List Bullet 2": "Liste à puces 2",
    "List Bullet 3": "Liste à puces 3",
    "List Number": "Liste numéros",
    "List Number 2": "Liste numéros 2",
    "List Number 3": "Liste numéros 3",
    "List Continue": "Liste suite",
    "List Continue 2": "Liste suite 2",
    "List Continue 3": "Liste suite 3",
    "caption": "Légende",
    "Quote": "Citation",
    "header": "En-tête",
    "footer": "Pied de page",
    "TOC Heading": "En-tête de table des matières",
    "toc 1": "TM 1",
    "toc 2": "TM 2",
    "toc 3": "TM 3",
    "Hyperlink": "Lien hypertexte",
    "Table Grid": "Grille du tableau",
}


@dataclass
class DocumentMeta:
    """What the cover page, headers and document properties say."""

    title: str
    organisation: str
    subtitle: str = ""
    version: str = ""
    date_text: str = ""
    created: _dt.datetime | None = None
    draft: bool = False
    draft_note: str = ""
    toc: bool = False
    subject: str = ""
    keywords: str = ""
    cover_lines: list[str] = field(default_factory=list)
    #: A cover page (reports); a letter starts on its first page.
    cover: bool = True


# ------------------------------------------------------------------------------ helpers


def reference_bytes() -> bytes:
    from cpts_cli.support.resources import shipped_dir

    return (shipped_dir("templates") / "reference.docx").read_bytes()


def normalise_zip(data: bytes, date: tuple = FIXED_ZIP_DATE) -> bytes:
    """The same archive with fixed timestamps and permissions (reproducible bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    names = src.namelist()
    names.sort(key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", n))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


def set_french(doc) -> None:
    """French (fr-FR) on the document defaults and on every style that names a language."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        rpr_default.append(rpr)
    _set_lang(rpr)
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) not in ("paragraph", "character"):
            continue
        style_rpr = style.find(qn("w:rPr"))
        if style_rpr is None:
            style_rpr = _el("w:rPr")
            _insert_style_child(style, style_rpr)
        _set_lang(style_rpr)


_STYLE_ORDER = (
    "w:name",
    "w:aliases",
    "w:basedOn",
    "w:next",
    "w:link",
    "w:autoRedefine",
    "w:hidden",
    "w:uiPriority",
    "w:semiHidden",
    "w:unhideWhenUsed",
    "w:qFormat",
    "w:locked",
    "w:personal",
    "w:personalCompose",
    "w:personalReply",
    "w:rsid",
    "w:pPr",
    "w:rPr",
)


def _insert_style_child(style, child) -> None:
    """Insert ``child`` (a w:rPr) at its schema position among the style's children."""
    after = _STYLE_ORDER[: _STYLE_ORDER.index("w:rPr")]
    last = None
    for el in style:
        if el.tag in {qn(t) for t in after}:
            last = el
    if last is None:
        style.insert(0, child)
    else:
        last.addnext(child)


# Order of w:rPr children (schema CT_RPr) up to w:lang, to insert w:lang at its place.
_RPR_ORDER = [
    qn(t)
    for t in (
        "w:rStyle w:rFonts w:b w:bCs w:i w:iCs w:caps w:smallCaps w:strike w:dstrike w:outline "
        "w:shadow w:emboss w:imprint w:noProof w:snapToGrid w:vanish w:webHidden w:color "
        "w:spacing w:w w:kern w:position w:sz w:szCs w:highlight w:u w:effect w:bdr w:shd "
        "w:fitText w:vertAlign w:rtl w:cs w:em w:lang"
    ).split()
]


def _set_lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = _el("w:lang")
        index = _RPR_ORDER.index(qn("w:lang"))
        before = {t for t in _RPR_ORDER[:index]}
        last = None
        for el in rpr:
            if el.tag in before:
                last = el
        if last is None:
            rpr.insert(0, lang)
        else:
            last.addnext(lang)
    lang.set(qn("w:val"), LANG)


def write_app_properties(doc) -> None:
    """docProps/app.xml naming this tool, never another application."""
    from cpts_cli import __version__

    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        '2006/docPropsVTypes"><Application>cpts</Application>'
        f"<AppVersion>{_app_version(__version__)}</AppVersion><DocSecurity>0</DocSecurity>"
        "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
        "</Properties>"
    ).encode()
    package = doc.part.package
    for rel in package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
            rel.target_part._blob = xml
            return


def _app_version(version: str) -> str:
    # Office expects XX.YYYY.
    parts = re.findall(r"\d+", version) + ["0", "0"]
    return f"{int(parts[0]):02d}.{int(parts[1]):04d}"


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """``---`` block of ``key: <JSON value>`` lines at the top of the Markdown, and the rest."""
    import json

    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, text
    meta: dict[str, object] = {}
    for line in text[4:end].splitlines():
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            continue
        try:
            meta[key.strip()] = json.loads(value.strip())
        except ValueError:
            meta[key.strip()] = value.strip()
    return meta, text[end + 5 :]


def parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")


_W_W = qn("w:w")
_W_TYPE = qn("w:type")

# ------------------------------------------------------------------------------ styles


class Styles:
    """Styles of the target document, by Word built-in name; missing ones come from ours."""

    def __init__(self, doc, fallback_doc=None) -> None:
        self.doc = doc
        self.fallback_doc = fallback_doc
        self.element = doc.styles.element
        self.by_name: dict[str, str] = {}
        self._index()
        self.copied: list[str] = []
        self.used: set[str] = set()

    def _index(self) -> None:
        self.by_name.clear()
        for el in self.element.findall(qn("w:style")):
            name = el.find(qn("w:name"))
            if name is not None and el.get(qn("w:styleId")):
                self.by_name.setdefault(name.get(qn("w:val")).lower(), el.get(qn("w:styleId")))

    def ensure(self, names) -> None:
        if self.fallback_doc is None:
            return
        source = self.fallback_doc.styles.element
        for name in names:
            if name.lower() in self.by_name:
                continue
            self._copy(source, name)
            self.copied.append(name)
        self._index()

    def _copy(self, source, name: str) -> None:
        src = _find_style(source, name)
        if src is None:
            return
        el = copy.deepcopy(src)
        ids = {e.get(qn("w:styleId")) for e in self.element.findall(qn("w:style"))}
        style_id = el.get(qn("w:styleId"))
        if style_id in ids:
            el.set(qn("w:styleId"), style_id + "Cpts")
        for tag in ("w:link",):
            for child in el.findall(qn(tag)):
                el.remove(child)
        based = el.find(qn("w:basedOn"))
        if based is not None:
            base_id = based.get(qn("w:val"))
            base_name = _name_of_id(source, base_id)
            if base_name and base_name.lower() in self.by_name:
                based.set(qn("w:val"), self.by_name[base_name.lower()])
            elif base_name:
                self._copy(source, base_name)
                self._index()
                if base_name.lower() in self.by_name:
                    based.set(qn("w:val"), self.by_name[base_name.lower()])
            else:
                el.remove(based)
        self.element.append(el)
        self._index()

    def id(self, name: str) -> str | None:
        self.used.add(name)
        return self.by_name.get(name.lower())

    def missing_used(self) -> list[str]:
        return [n for n in self.copied if n in self.used]


def _find_style(styles_el, name: str):
    for el in styles_el.findall(qn("w:style")):
        n = el.find(qn("w:name"))
        if n is not None and n.get(qn("w:val")).lower() == name.lower():
            return el
    return None


def _name_of_id(styles_el, style_id: str) -> str | None:
    for el in styles_el.findall(qn("w:style")):
        if el.get(qn("w:styleId")) == style_id:
            n = el.find(qn("w:name"))
            return n.get(qn("w:val")) if n is not None else None
    return None


# ------------------------------------------------------------------------------ numbering

_BULLETS = ("•", "–", "▪")
_NUMBER_FORMATS = (("decimal", "%{n}."), ("lowerLetter", "%{n}."), ("lowerRoman", "%{n}."))


class Numbering:
    """Our two list definitions (bullets, numbers) added to the document's numbering part."""

    def __init__(self, doc) -> None:
        self.part = _numbering_part(doc)
        self.root = self.part.element
        ids = [int(a.get(qn("w:abstractNumId"))) for a in self.root.findall(qn("w:abstractNum"))]
        nums = [int(n.get(qn("w:numId"))) for n in self.root.findall(qn("w:num"))]
        base = max(ids + [0]) + 1
        self.bullet_abstract = base
        self.number_abstract = base + 1
        self.next_num = max(nums + [0]) + 1
        self._add_abstract(self.bullet_abstract, bullet=True)
        self._add_abstract(self.number_abstract, bullet=False)
        self.bullet_num = self.new_list(bullet=True)

    def _add_abstract(self, abstract_id: int, bullet: bool) -> None:
        levels = []
        for lvl in range(9):
            left = 357 * (lvl + 1)
            if bullet:
                fmt, text = "bullet", _BULLETS[lvl % 3]
                rpr = '<w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/></w:rPr>'
            else:
                fmt, pattern = _NUMBER_FORMATS[lvl % 3]
                text = pattern.format(n=lvl + 1)
                rpr = ""
            levels.append(
                f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{left}" w:hanging="357"/></w:pPr>{rpr}</w:lvl>'
            )
        el = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            '<w:multiLevelType w:val="hybridMultilevel"/>' + "".join(levels) + "</w:abstractNum>"
        )
        first_num = self.root.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(el)
        else:
            self.root.append(el)

    def new_list(self, bullet: bool, start: int = 1, level: int = 0) -> int:
        """A new list instance; a numbered one restarts at ``start``."""
        num_id = self.next_num
        self.next_num += 1
        abstract = self.bullet_abstract if bullet else self.number_abstract
        override = ""
        if not bullet:
            override = "".join(
                f'<w:lvlOverride w:ilvl="{i}"><w:startOverride w:val="{start if i == level else 1}"/>'
                "</w:lvlOverride>"
                for i in range(9)
            )
        self.root.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{num_id}">'
                f'<w:abstractNumId w:val="{abstract}"/>{override}</w:num>'
            )
        )
        return num_id


def _numbering_part(doc):
    """The numbering part, created when the document has none (python-docx cannot)."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.packuri import PackURI
    from docx.parts.numbering import NumberingPart

    try:
        return doc.part.part_related_by(RT.NUMBERING)
    except KeyError:
        pass
    names = {str(p.partname) for p in doc.part.package.iter_parts()}
    name = "/word/numbering.xml"
    k = 1
    while name in names:
        k += 1
        name = f"/word/numbering{k}.xml"
    part = NumberingPart(
        PackURI(name),
        CT.WML_NUMBERING,
        parse_xml(f"<w:numbering {nsdecls('w')}/>"),
        doc.part.package,
    )
    doc.part.relate_to(part, RT.NUMBERING)
    return part


# ------------------------------------------------------------------------------ text


_WORD = re.compile(r"\S+")


def _clean(text: str) -> str:
    return clean_text(text).replace("\t", " ")


def _inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_alt(child))
        elif child.type == "html_inline" and child.content not in (MARK_OPEN, MARK_CLOSE):
            parts.append(child.content)
    return "".join(parts)


def _alt(token) -> str:
    """An image's alternative text (markdown-it keeps it in ``content``)."""
    return token.content or token.attrGet("alt") or ""


_NUMERIC = re.compile(r"^[−+\-]?\d[\d\s\u00a0\u202f]*(?:[,.]\d+)?\s*(?:%|€|k€|‰)?$")


def is_numeric_text(text: str) -> bool:
    return bool(_NUMERIC.match(text.strip()))


# ------------------------------------------------------------------------------ the writer


@dataclass
class _ListState:
    bullet: bool
    num_id: int
    level: int


class Builder:
    def __init__(
        self,
        meta: DocumentMeta,
        *,
        model: Path | None = None,
        images: Callable[[str], bytes | None] | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        self.meta = meta
        self.images = images or (lambda _name: None)
        self.warnings = warnings if warnings is not None else []
        reference = Document(io.BytesIO(reference_bytes()))
        self.user_model = model is not None
        if model is not None:
            self.doc = _open_model(model)
            self.styles = Styles(self.doc, reference)
            self.styles.ensure(USED_STYLES)
        else:
            self.doc = reference
            self.styles = Styles(self.doc)
        self.body = self.doc.element.body
        self.sect_pr = self.body.find(qn("w:sectPr"))
        if self.sect_pr is None:
            self.sect_pr = _el("w:sectPr")
            self.body.append(self.sect_pr)
        for child in list(self.body):
            if child is not self.sect_pr:
                self.body.remove(child)
        set_french(self.doc)
        self.numbering = Numbering(self.doc)
        section = self.doc.sections[-1]
        width = (
            (section.page_width or Emu(7560310))
            - (section.left_margin or 0)
            - (section.right_margin or 0)
        )
        self.text_width_twips = max(int(width / 635), 2000)
        self.text_width_emu = int(width)
        height = (
            (section.page_height or Emu(10692130))
            - (section.top_margin or 0)
            - (section.bottom_margin or 0)
        )
        # An image keeps room on its page for its caption and a line of text.
        self.image_height_emu = max(int(height * 0.85), 914400)
        self.lists: list[_ListState] = []
        self.quote_depth = 0
        self.block_style: str | None = None
        self.last_paragraph = None
        self.figure_count = 0
        self.bookmark_id = 0
        self.last_block: str | None = None

    # -- low-level blocks ------------------------------------------------------------------

    def _append(self, el) -> None:
        self.sect_pr.addprevious(el)

    def paragraph(self, style: str | None = None, align: str | None = None):
        p = _el("w:p")
        ppr = _el("w:pPr")
        style_id = self.styles.id(style) if style else None
        if style_id and style != "Normal":
            ps = _el("w:pStyle")
            ps.set(qn("w:val"), style_id)
            ppr.append(ps)
        if self.last_block == "table" and not (style or "").startswith("heading"):
            sp = _el("w:spacing")
            sp.set(qn("w:before"), "160")
            ppr.append(sp)
        if align:
            jc = _el("w:jc")
            jc.set(qn("w:val"), align)
            ppr.append(jc)
        p.append(ppr)
        self._append(p)
        self.last_block = "p"
        self.last_paragraph = (p, style or "Normal")
        return p

    def run(
        self,
        parent,
        text: str,
        *,
        bold=False,
        italic=False,
        mark=False,
        code=False,
        style: str | None = None,
        color: str | None = None,
        size: int | None = None,
    ):
        r = _el("w:r")
        rpr = _el("w:rPr")
        if style:
            style_id = self.styles.id(style)
            if style_id:
                rs = _el("w:rStyle")
                rs.set(qn("w:val"), style_id)
                rpr.append(rs)
        if code:
            fonts = _el("w:rFonts")
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                fonts.set(qn(attr), "Consolas")
            rpr.append(fonts)
        if bold:
            rpr.append(_el("w:b"))
        if italic:
            rpr.append(_el("w:i"))
        if color:
            c = _el("w:color")
            c.set(qn("w:val"), color)
            rpr.append(c)
        if size:
            for tag in ("w:sz", "w:szCs"):
                s = _el(tag)
                s.set(qn("w:val"), str(size))
                rpr.append(s)
        if mark:
            h = _el("w:highlight")
            h.set(qn("w:val"), "yellow")
            rpr.append(h)
        if len(rpr):
            r.append(rpr)
        t = _el("w:t")
        t.text = _clean(text)
        t.set(qn("xml:space"), "preserve")
        r.append(t)
        parent.append(r)
        return r

    def page_break(self) -> None:
        p = _el("w:p")
        r = _el("w:r")
        br = _el("w:br")
        br.set(qn("w:type"), "page")
        r.append(br)
        p.append(r)
        self._append(p)
        self.last_block = "break"

    @staticmethod
    def field_start(parent, instr: str, dirty: bool = False) -> None:
        """The runs that open a field: begin, the instruction, separate (result follows)."""
        for kind in ("begin", None, "separate"):
            r = _el("w:r")
            if kind:
                fc = _el("w:fldChar")
                fc.set(qn("w:fldCharType"), kind)
                if kind == "begin" and dirty:
                    fc.set(qn("w:dirty"), "true")
                r.append(fc)
            else:
                it = _el("w:instrText")
                it.set(qn("xml:space"), "preserve")
                it.text = f" {instr} "
                r.append(it)
            parent.append(r)

    def field(self, parent, instr: str, cached: str, dirty: bool = False, **fmt) -> None:
        self.field_start(parent, instr, dirty)
        self.run(parent, cached, **fmt)
        r = _el("w:r")
        fc = _el("w:fldChar")
        fc.set(qn("w:fldCharType"), "end")
        r.append(fc)
        parent.append(r)

    # -- inline content --------------------------------------------------------------------

    def inline(self, parent, token, *, bold=False, italic=False) -> None:
        state = {"bold": 1 if bold else 0, "italic": 1 if italic else 0, "mark": 0}
        container = [parent]
        for child in token.children or []:
            kind = child.type
            target = container[-1]
            fmt = {
                "bold": state["bold"] > 0,
                "italic": state["italic"] > 0,
                "mark": state["mark"] > 0,
            }
            if target is not parent:
                fmt["style"] = "Hyperlink"
            if kind == "text":
                if child.content:
                    self.run(target, child.content, **fmt)
            elif kind == "softbreak":
                self.run(target, " ", **fmt)
            elif kind == "hardbreak":
                r = _el("w:r")
                r.append(_el("w:br"))
                target.append(r)
            elif kind == "code_inline":
                self.run(target, child.content, code=True, **fmt)
            elif kind == "strong_open":
                state["bold"] += 1
            elif kind == "strong_close":
                state["bold"] -= 1
            elif kind == "em_open":
                state["italic"] += 1
            elif kind == "em_close":
                state["italic"] -= 1
            elif kind == "link_open":
                link = self.hyperlink(parent, child.attrGet("href") or "")
                container.append(link)
            elif kind == "link_close":
                if len(container) > 1:
                    container.pop()
            elif kind == "html_inline":
                tag = child.content.strip().lower()
                if tag == MARK_OPEN:
                    state["mark"] += 1
                elif tag == MARK_CLOSE:
                    state["mark"] = max(0, state["mark"] - 1)
                elif tag in ("<br>", "<br/>", "<br />"):
                    r = _el("w:r")
                    r.append(_el("w:br"))
                    target.append(r)
                else:
                    self.run(target, child.content, **fmt)
            elif kind == "image":
                self.picture_run(target, child.attrGet("src") or "", _alt(child))

    def hyperlink(self, parent, href: str):
        link = _el("w:hyperlink")
        if href.startswith("#"):
            link.set(qn("w:anchor"), href[1:])
        elif re.match(r"^(https?|mailto):", href):
            rel = self.doc.part.relate_to(href, RT.HYPERLINK, is_external=True)
            link.set(qn("r:id"), rel)
        parent.append(link)
        return link

    def picture_run(self, parent, src: str, alt: str):
        data = self.images(src)
        if data is None:
            return self.run(parent, f"[image absente : {src}]", italic=True)
        from docx.text.paragraph import Paragraph

        p = parent if parent.tag == qn("w:p") else parent.getparent()
        para = Paragraph(p, self.doc.part)
        width = self._picture_width(data)
        run = para.add_run()
        run.add_picture(io.BytesIO(data), width=width)
        inline = run._r.find(".//" + qn("wp:inline"))
        if inline is not None:
            doc_pr = inline.find(qn("wp:docPr"))
            if doc_pr is not None:
                doc_pr.set("descr", _clean(alt))
                doc_pr.set("name", f"Figure {self.figure_count + 1}")
        if p is not parent:
            parent.append(run._r)
        return run._r

    def _picture_width(self, data: bytes) -> int:
        """At most the text width, and narrower when needed for the image to fit in the
        page's height (Word would cut a taller one off at the bottom of the page)."""
        from docx.image.image import Image

        try:
            img = Image.from_blob(data)
            natural, tall = int(img.width), int(img.height)  # EMU at the image's own dpi
        except Exception:  # noqa: BLE001 - an unreadable image takes the full width
            return self.text_width_emu
        width = min(natural, self.text_width_emu)
        if tall and natural and tall * width / natural > self.image_height_emu:
            width = int(natural * self.image_height_emu / tall)
        return max(width, 1)

    # -- blocks ----------------------------------------------------------------------------

    def render(self, markdown: str) -> None:
        tokens = parser().parse(markdown)
        self.headings = [
            (int(tok.tag[1]), _inline_text(tokens[i + 1]))
            for i, tok in enumerate(tokens)
            if tok.type == "heading_open"
        ]
        if self.meta.cover:
            self.cover()
        if self.meta.toc:
            self.table_of_contents()
        i = 0
        item_first: list[bool] = []
        while i < len(tokens):
            tok = tokens[i]
            kind = tok.type
            if kind == "heading_open":
                level = min(int(tok.tag[1]), 4)
                p = self.paragraph(f"heading {level}")
                # On the paragraph too: the table of contents (\u switch) finds the headings
                # even when a Word model's heading styles carry no outline level.
                outline = _el("w:outlineLvl")
                outline.set(qn("w:val"), str(level - 1))
                ppr_set(p, outline)
                self.inline(p, tokens[i + 1])
                i += 3
                continue
            if kind == "paragraph_open":
                inline_tok = tokens[i + 1]
                self.block_paragraph(inline_tok, item_first)
                i += 3
                continue
            if kind in ("bullet_list_open", "ordered_list_open"):
                if not self.lists:
                    self.keep_with_next()
                bullet = kind == "bullet_list_open"
                level = min(len(self.lists), 8)
                start = 1
                if not bullet:
                    try:
                        start = int(tok.attrGet("start") or 1)
                    except ValueError:
                        start = 1
                num_id = (
                    self.numbering.bullet_num
                    if bullet
                    else self.numbering.new_list(False, start, level)
                )
                self.lists.append(_ListState(bullet, num_id, level))
            elif kind in ("bullet_list_close", "ordered_list_close"):
                if self.lists:
                    self.lists.pop()
            elif kind == "list_item_open":
                item_first.append(True)
            elif kind == "list_item_close":
                if item_first:
                    item_first.pop()
            elif kind == "blockquote_open":
                self.quote_depth += 1
            elif kind == "blockquote_close":
                self.quote_depth = max(0, self.quote_depth - 1)
            elif kind == "table_open":
                self.keep_with_next()
                end = i
                while end < len(tokens) and tokens[end].type != "table_close":
                    end += 1
                self.table(tokens[i : end + 1])
                i = end + 1
                continue
            elif kind == "hr":
                p = self.paragraph("Normal")
                ppr_set(
                    p,
                    parse_xml(
                        f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" '
                        'w:space="1" w:color="A6A6A6"/></w:pBdr>'
                    ),
                )
            elif kind == "html_block":
                marker = tok.content.strip()
                if marker == PAGE_BREAK:
                    self.page_break()
                elif marker == TOC and not self.meta.toc:
                    self.table_of_contents()
                elif marker.startswith(BLOCK_START) and marker.endswith("-->"):
                    self.block_style = marker[len(BLOCK_START) : -3].strip() or None
                elif marker == BLOCK_END:
                    self.block_style = None
            elif kind in ("fence", "code_block"):
                for line in tok.content.rstrip("\n").split("\n"):
                    p = self.paragraph("Normal")
                    self.run(p, line, code=True)
            i += 1

    def keep_with_next(self) -> None:
        """An introducing paragraph (« Actions : ») stays on the page of what follows."""
        if self.last_block == "p" and self.last_paragraph is not None:
            p, style = self.last_paragraph
            if style in ("Normal", "Encadré", "Quote"):
                ppr_set(p, _el("w:keepNext"))

    def block_paragraph(self, inline_tok, item_first: list[bool]) -> None:
        children = [c for c in inline_tok.children or [] if c.type != "softbreak"]
        if len(children) == 1 and children[0].type == "image" and not self.lists:
            self.figure(children[0].attrGet("src") or "", _alt(children[0]))
            return
        if self.lists and item_first:
            state = self.lists[-1]
            depth = min(state.level, 2)
            if item_first[-1]:
                item_first[-1] = False
                base = "List Bullet" if state.bullet else "List Number"
                style = base if depth == 0 else f"{base} {depth + 1}"
                p = self.paragraph(style)
                ppr_set(
                    p,
                    parse_xml(
                        f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{min(state.level, 8)}"/>'
                        f'<w:numId w:val="{state.num_id}"/></w:numPr>'
                    ),
                )
            else:
                style = "List Continue" if depth == 0 else f"List Continue {depth + 1}"
                p = self.paragraph(style)
        elif self.quote_depth:
            p = self.paragraph("Quote")
        elif self.block_style == "encadre":
            p = self.paragraph("Encadré")
        elif self.block_style in ("droite", "centre"):
            p = self.paragraph(
                "Normal", align="right" if self.block_style == "droite" else "center"
            )
        elif self.block_style == "petit":
            p = self.paragraph("Texte de tableau")
        else:
            p = self.paragraph("Normal")
        self.inline(p, inline_tok)

    def figure(self, src: str, alt: str) -> None:
        after_table = self.last_block == "table"
        p = self.paragraph("Normal", align="center")
        ppr_set(p, _el("w:keepNext"))
        # Single line spacing: a proportional one makes LibreOffice draw the picture over
        # the bottom border of a table just above.
        ppr_set(
            p,
            parse_xml(
                f'<w:spacing {nsdecls("w")} w:before="{160 if after_table else 60}" '
                'w:after="0" w:line="240" w:lineRule="auto"/>'
            ),
        )
        self.picture_run(p, src, alt)
        self.figure_count += 1
        cap = self.paragraph("caption")
        self.run(cap, "Figure ")
        self.field(cap, "SEQ Figure \\* ARABIC", str(self.figure_count))
        self.run(cap, f" : {alt}" if alt else "")

    # -- tables ----------------------------------------------------------------------------

    def table(self, tokens) -> None:
        rows: list[list[tuple[object, str | None]]] = []
        header_rows = 0
        current: list[tuple[object, str | None]] | None = None
        in_head = False
        for j, tok in enumerate(tokens):
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                current = []
            elif tok.type == "tr_close":
                if current is not None:
                    rows.append(current)
                    if in_head:
                        header_rows += 1
                current = None
            elif tok.type in ("th_open", "td_open"):
                style = tok.attrGet("style") or ""
                align = None
                m = re.search(r"text-align:(left|center|right)", style)
                if m:
                    align = m.group(1)
                if current is not None:
                    current.append((tokens[j + 1], align))
        if not rows:
            return
        ncols = max(len(r) for r in rows)
        texts = [[_inline_text(c[0]) for c in r] + [""] * (ncols - len(r)) for r in rows]
        body_texts = texts[header_rows:]
        numeric = []
        for col in range(ncols):
            values = [r[col].strip() for r in body_texts if r[col].strip() not in ("", "—", "-")]
            numeric.append(bool(values) and all(is_numeric_text(v) for v in values))
        widths = self.column_widths(texts, numeric)
        if self.block_style == "signatures":
            widths = [self.text_width_twips // ncols] * ncols
        if self.last_block == "table" or (
            self.last_block == "p"
            and self.last_paragraph is not None
            and self.last_paragraph[1].startswith("List")
        ):
            # Two tables in a row would merge; a list right above needs some room.
            spacer = self.paragraph("Normal")
            ppr_set(
                spacer,
                parse_xml(
                    f'<w:spacing {nsdecls("w")} w:before="0" w:after="0" w:line="120" '
                    'w:lineRule="exact"/>'
                ),
            )
        tbl = parse_xml(
            f"<w:tbl {nsdecls('w')}><w:tblPr>"
            f'<w:tblStyle w:val="{self.styles.id("Table Grid") or "TableGrid"}"/>'
            f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
            + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
            + "</w:tblGrid></w:tbl>"
        )
        cell_style = self.styles.id("Texte de tableau")
        for r_index, row in enumerate(rows):
            is_header = r_index < header_rows
            tr = _el("w:tr")
            trpr = _el("w:trPr")
            trpr.append(_el("w:cantSplit"))
            if is_header:
                trpr.append(_el("w:tblHeader"))
            elif self.block_style == "signatures":
                # Room to sign.
                height = _el("w:trHeight")
                height.set(qn("w:val"), "900")
                height.set(qn("w:hRule"), "atLeast")
                trpr.append(height)
            tr.append(trpr)
            for col in range(ncols):
                inline_tok, align = row[col] if col < len(row) else (None, None)
                if align is None and numeric[col]:
                    align = "right"
                tc = _el("w:tc")
                tcpr = _el("w:tcPr")
                tcw = _el("w:tcW")
                tcw.set(_W_W, str(widths[col]))
                tcw.set(_W_TYPE, "dxa")
                tcpr.append(tcw)
                if is_header:
                    shd = _el("w:shd")
                    for key, value in (
                        ("w:val", "clear"),
                        ("w:color", "auto"),
                        ("w:fill", "DCE6F2"),
                    ):
                        shd.set(qn(key), value)
                    tcpr.append(shd)
                tc.append(tcpr)
                p = _el("w:p")
                ppr = _el("w:pPr")
                if cell_style:
                    ps = _el("w:pStyle")
                    ps.set(qn("w:val"), cell_style)
                    ppr.append(ps)
                if is_header:
                    ppr.append(_el("w:keepNext"))
                if align in ("right", "center"):
                    jc = _el("w:jc")
                    jc.set(qn("w:val"), "right" if align == "right" else "center")
                    ppr.append(jc)
                if len(ppr):
                    p.append(ppr)
                tc.append(p)
                if inline_tok is not None:
                    self.inline(p, inline_tok, bold=is_header)
                tr.append(tc)
            tbl.append(tr)
        if len(rows) <= 12:
            # A short table stays on one page: every row keeps with the next.
            for tr in tbl.findall(qn("w:tr"))[:-1]:
                for p in tr.iter(qn("w:p")):
                    ppr_set(p, _el("w:keepNext"))
        self._append(tbl)
        self.last_block = "table"

    def column_widths(self, texts: list[list[str]], numeric: list[bool]) -> list[int]:
        """Column widths (twips) filling the text width: numbers never wrap, words are
        not cut when there is room, long texts share what is left."""
        ncols = len(texts[0])
        total = self.text_width_twips
        char = 112  # twips per character at 9.5 pt, bold headers included, roughly
        pad = 3  # characters of cell margin
        floors, desired = [], []
        for col in range(ncols):
            cells = [r[col] for r in texts]
            longest = max((len(t) for t in cells), default=1)
            word = max((len(w) for t in cells for w in _WORD.findall(t)), default=1)
            if numeric[col]:
                need = max(longest if longest <= 16 else word, word, 4) + pad
                floors.append(need * char)
                desired.append(need * char)
            else:
                floors.append((min(max(word, 4), 15) + pad) * char)
                desired.append((min(max(longest, 4), 70) + pad) * char)
        if sum(desired) <= total:
            scale = total / sum(desired)
            widths = [d * scale for d in desired]
        elif sum(floors) >= total:
            widths = [f * total / sum(floors) for f in floors]
        else:
            # Floors first, then the room left in proportion to what each column wants more.
            extra = [max(d - f, 0) for d, f in zip(desired, floors, strict=True)]
            room = total - sum(floors)
            widths = [
                f + (room * e / sum(extra) if sum(extra) else 0)
                for f, e in zip(floors, extra, strict=True)
            ]
        out = [max(int(w), 300) for w in widths]
        out[-1] += max(total - sum(out), 0)
        return out

    # -- cover, table of contents, headers -------------------------------------------------

    def cover(self) -> None:
        meta = self.meta
        spacer = self.paragraph("Normal")
        _spacing(spacer, before=2400)
        p = self.paragraph("Subtitle")
        self.run(p, meta.organisation)
        p = self.paragraph("Title")
        self.run(p, meta.title)
        if meta.subtitle:
            p = self.paragraph("Subtitle")
            self.run(p, meta.subtitle)
        details = [line for line in meta.cover_lines if line]
        if meta.version:
            details.append(f"Version {meta.version}")
        if meta.date_text:
            details.append(meta.date_text)
        for k, line in enumerate(details):
            p = self.paragraph("Normal")
            if k == 0:
                _spacing(p, before=600)
            self.run(p, line, color="404040", size=24)
        if meta.draft:
            p = self.paragraph("Normal")
            _spacing(p, before=720)
            self.run(p, "BROUILLON", bold=True, color="C00000", size=48, mark=False)
            if meta.draft_note:
                p = self.paragraph("Normal")
                self.run(p, meta.draft_note, color="C00000")
        self.page_break()

    def table_of_contents(self) -> None:
        p = self.paragraph("TOC Heading")
        self.run(p, "Sommaire")
        entries = [(lvl, text) for lvl, text in self.headings if lvl <= 3]
        instr = 'TOC \\o "1-3" \\h \\z \\u'
        if not entries:
            p = self.paragraph("toc 1")
            self.field(p, instr, "Mettez à jour la table des matières (F9).", dirty=True)
        else:
            paragraphs = []
            for lvl, text in entries:
                paragraphs.append((self.paragraph(f"toc {lvl}"), text))
            # Until the table is updated (Word offers it on opening, our PDF does it), it
            # shows the headings without page numbers, and says so: LibreOffice never
            # updates it by itself. The update replaces this whole text.
            note = self.paragraph("Normal")
            paragraphs.append((note, ""))
            first, _ = paragraphs[0]
            self.field_start(first, instr, dirty=True)
            for para, text in paragraphs[:-1]:
                self.run(para, text)
            self.run(note, TOC_NOTE, italic=True, color="595959", size=18)
            last, _ = paragraphs[-1]
            r = _el("w:r")
            fc = _el("w:fldChar")
            fc.set(qn("w:fldCharType"), "end")
            r.append(fc)
            last.append(r)
        self.page_break()
        settings = self.doc.settings.element
        if settings.find(qn("w:updateFields")) is None:
            uf = _el("w:updateFields")
            uf.set(qn("w:val"), "true")
            settings.append(uf)
            _reorder_settings(settings)

    def headers_and_footers(self) -> None:
        section = self.doc.sections[-1]
        has_own = self.user_model and not section.header.is_linked_to_previous
        if not has_own:
            section.different_first_page_header_footer = self.meta.cover
            header = section.header
            p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            _reset_paragraph(p._p, self.styles.id("header"))
            # The title goes to the right margin whatever tab stops the style has (a Word
            # model's header style has its own): those are cleared on the paragraph.
            ppr_set(p._p, self._right_tab_only("header"))
            self.run(p._p, self.meta.organisation)
            r = _el("w:r")
            r.append(_el("w:tab"))
            p._p.append(r)
            self.run(p._p, self.meta.title)
        if not self.user_model or section.footer.is_linked_to_previous:
            footer = section.footer
            p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            _reset_paragraph(p._p, self.styles.id("footer"))
            jc = _el("w:jc")
            jc.set(qn("w:val"), "center")
            ppr_set(p._p, jc)
            self.run(p._p, "Page ")
            self.field(p._p, "PAGE", "1")
            self.run(p._p, " sur ")
            self.field(p._p, "NUMPAGES", "1")
        if section.different_first_page_header_footer:
            # The cover page: explicit empty header and footer (or the user's own).
            for part in (section.first_page_header, section.first_page_footer):
                if not part.paragraphs:
                    part.add_paragraph()
        if self.meta.draft:
            headers = [section.header]
            if section.different_first_page_header_footer:
                headers.append(section.first_page_header)
            if self.doc.settings.odd_and_even_pages_header_footer:
                headers.append(section.even_page_header)
            for header in headers:
                self.draft_mark(header)

    def _right_tab_only(self, style: str):
        """``w:tabs`` clearing the style's tab stops and setting one at the right margin."""
        tabs = _el("w:tabs")
        style_id = self.styles.id(style)
        positions = set()
        for el in self.styles.element.findall(qn("w:style")):
            if el.get(qn("w:styleId")) == style_id:
                for tab in el.iter(qn("w:tab")):
                    if tab.get(qn("w:val")) != "clear" and tab.get(qn("w:pos")):
                        positions.add(tab.get(qn("w:pos")))
        for pos in sorted(positions, key=lambda v: int(v) if v.lstrip("-").isdigit() else 0):
            clear = _el("w:tab")
            clear.set(qn("w:val"), "clear")
            clear.set(qn("w:pos"), pos)
            tabs.append(clear)
        right = _el("w:tab")
        right.set(qn("w:val"), "right")
        right.set(qn("w:pos"), str(self.text_width_twips))
        tabs.append(right)
        return tabs

    def draft_mark(self, header) -> None:
        p = header.add_paragraph()
        _reset_paragraph(p._p, self.styles.id("header"))
        ppr = p._p.find(qn("w:pPr"))
        jc = _el("w:jc")
        jc.set(qn("w:val"), "center")
        ppr.append(jc)
        self.run(
            p._p,
            "BROUILLON — document de travail, ne pas diffuser",
            bold=True,
            color="C00000",
            mark=True,
        )
        p._p.append(parse_xml(_WATERMARK))

    def properties(self) -> None:
        meta = self.meta
        props = self.doc.core_properties
        props.title = _clean(meta.title)[:255]
        props.subject = _clean(meta.subject or meta.title)[:255]
        props.author = _clean(meta.organisation)[:255] or "CPTS"
        props.last_modified_by = props.author
        props.comments = "Document produit avec cpts." + (" Brouillon." if meta.draft else "")
        props.keywords = _clean(meta.keywords)[:255]
        props.category = "CPTS"
        props.language = LANG
        props.revision = 1
        props.content_status = "Brouillon" if meta.draft else "Final"
        when = (meta.created or _dt.datetime.now(_dt.timezone.utc)).replace(microsecond=0)
        if when.tzinfo is not None:
            when = when.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        props.created = when
        props.modified = when
        props.last_printed = when
        for rel_id, rel in list(self.doc.part.package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                del self.doc.part.package.rels[rel_id]
        write_app_properties(self.doc)

    def finish(self) -> bytes:
        self.headers_and_footers()
        self.properties()
        out = io.BytesIO()
        self.doc.save(out)
        created = self.meta.created
        date = FIXED_ZIP_DATE
        if created is not None:
            date = (
                max(created.year, 1980),
                created.month,
                created.day,
                created.hour,
                created.minute,
                created.second,
            )
        return normalise_zip(out.getvalue(), date)


_PPR_ORDER = [
    qn(t)
    for t in (
        "w:pStyle w:keepNext w:keepLines w:pageBreakBefore w:framePr w:widowControl w:numPr "
        "w:suppressLineNumbers w:pBdr w:shd w:tabs w:suppressAutoHyphens w:kinsoku "
        "w:wordWrap w:overflowPunct w:topLinePunct w:autoSpaceDE w:autoSpaceDN w:bidi "
        "w:adjustRightInd w:snapToGrid w:spacing w:ind w:contextualSpacing w:mirrorIndents "
        "w:suppressOverlap w:jc w:textDirection w:textAlignment w:textboxTightWrap "
        "w:outlineLvl w:divId w:cnfStyle w:rPr w:sectPr w:pPrChange"
    ).split()
]


def ppr_set(p, child) -> None:
    """Put ``child`` in the paragraph's properties at its schema place (replacing one of
    the same kind)."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = _el("w:pPr")
        p.insert(0, ppr)
    for old in ppr.findall(child.tag):
        ppr.remove(old)
    rank = _PPR_ORDER.index(child.tag) if child.tag in _PPR_ORDER else len(_PPR_ORDER)
    for el in ppr:
        other = _PPR_ORDER.index(el.tag) if el.tag in _PPR_ORDER else len(_PPR_ORDER)
        if other > rank:
            el.addprevious(child)
            return
    ppr.append(child)


def _spacing(p, before: int | None = None, after: int | None = None) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = _el("w:pPr")
        p.insert(0, ppr)
    sp = _el("w:spacing")
    if before is not None:
        sp.set(qn("w:before"), str(before))
    if after is not None:
        sp.set(qn("w:after"), str(after))
    ppr_set(p, sp)


def _reset_paragraph(p, style_id: str | None) -> None:
    for child in list(p):
        p.remove(child)
    ppr = _el("w:pPr")
    if style_id:
        ps = _el("w:pStyle")
        ps.set(qn("w:val"), style_id)
        ppr.append(ps)
    p.append(ppr)


# Order of the w:settings children that matter here (updateFields must come early).
def _reorder_settings(settings) -> None:
    uf = settings.find(qn("w:updateFields"))
    if uf is None:
        return
    # Schema: ... w:alwaysMergeEmptyNamespace, w:updateFields, w:hdrShapeDefaults ...
    anchors = [
        "w:hdrShapeDefaults",
        "w:footnotePr",
        "w:endnotePr",
        "w:compat",
        "w:docVars",
        "w:rsids",
        "m:mathPr",
        "w:attachedSchema",
        "w:themeFontLang",
        "w:clrSchemeMapping",
        "w:doNotIncludeSubdocsInStats",
        "w:doNotAutoCompressPictures",
        "w:forceUpgrade",
        "w:captions",
        "w:readModeInkLockDown",
        "w:smartTagType",
        "sl:schemaLibrary",
        "w:shapeDefaults",
        "w:doNotEmbedSmartTags",
        "w:decimalSymbol",
        "w:listSeparator",
    ]
    names = {qn(a) if not a.startswith("sl:") else None for a in anchors}
    for child in settings:
        if child.tag in names:
            child.addprevious(uf)
            return


_WATERMARK = (
    f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"><w:rPr><w:noProof/></w:rPr><w:pict>'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:formulas><v:f eqn="sum #0 0 10800"/>'
    '<v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/><v:f eqn="sum 0 0 @2"/>'
    '<v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>'
    '<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/>'
    '<v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>'
    '<v:f eqn="sum @6 0 @5"/></v:formulas><v:path textpathok="t" o:connecttype="custom" '
    'o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0"/>'
    '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" '
    'xrange="6629,14971"/></v:handles><o:lock v:ext="edit" text="t" shapetype="t"/>'
    '</v:shapetype><v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" '
    'type="#_x0000_t136" style="position:absolute;margin-left:0;margin-top:0;'
    "width:470pt;height:117pt;rotation:315;z-index:-251657216;"
    "mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
    'mso-position-vertical:center;mso-position-vertical-relative:margin" '
    'o:allowincell="f" fillcolor="#d8d8d8" stroked="f"><v:fill opacity=".5"/>'
    '<v:textpath style="font-family:&quot;Calibri&quot;;font-size:1pt" string="BROUILLON"/>'
    '<w10:wrap anchorx="margin" anchory="margin"/></v:shape></w:pict></w:r>'
)


_MAIN_DOCUMENT = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MAIN_TEMPLATE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_MACROS = (b"ms-word.document.macroEnabled", b"ms-word.template.macroEnabledTemplate")


def _open_model(path: Path):
    """The user's Word model: a document (.docx) or a template (.dotx, opened as a document:
    only its styles, headers and footers are used)."""
    from cpts_cli.support.errors import CptsError, os_error_fr

    unreadable = (
        f"Le modèle Word « {path} » ne peut pas être lu : donnez un document (.docx) ou un "
        "modèle (.dotx) enregistré par Word ou LibreOffice."
    )
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise CptsError(f"Modèle Word introuvable : « {path} ».") from None
    except OSError as exc:
        raise CptsError(f"Modèle Word illisible « {path} » : {os_error_fr(exc)}.") from None
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            types = package.read("[Content_Types].xml")
            if any(m in types for m in _MACROS):
                raise CptsError(
                    f"Le modèle Word « {path} » contient des macros (.docm, .dotm) : "
                    "enregistrez-le sans macros, en .docx ou .dotx."
                )
            if _MAIN_TEMPLATE in types:
                raw = _replace_part(
                    package, "[Content_Types].xml", types.replace(_MAIN_TEMPLATE, _MAIN_DOCUMENT)
                )
        return Document(io.BytesIO(raw))
    except CptsError:
        raise
    except Exception:  # noqa: BLE001 - any unreadable file gets one clear message
        raise CptsError(unreadable) from None


def _replace_part(package: zipfile.ZipFile, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy_:
        for info in package.infolist():
            copy_.writestr(info, data if info.filename == name else package.read(info.filename))
    return out.getvalue()


def build_docx(
    markdown: str,
    meta: DocumentMeta,
    *,
    model: Path | None = None,
    images: Callable[[str], bytes | None] | None = None,
    warnings: list[str] | None = None,
    missing_styles: list[str] | None = None,
) -> bytes:
    """The DOCX bytes for ``markdown`` (front matter already removed).

    The styles a Word model (``model``) lacks, and that ours replaced, are added to
    ``missing_styles`` when given (several documents: one warning for all, see
    :func:`missing_styles_warning`), else said in ``warnings``.
    """
    builder = Builder(meta, model=model, images=images, warnings=warnings)
    builder.render(markdown)
    data = builder.finish()
    missing = builder.styles.missing_used()
    if missing_styles is not None:
        missing_styles.extend(n for n in missing if n not in missing_styles)
    elif missing and warnings is not None:
        warnings.append(missing_styles_warning(missing))
    return data


def missing_styles_warning(names: list[str]) -> str:
    """The French warning for the styles a Word model lacks (Word's French names)."""
    shown = ", ".join(f"« {STYLE_LABELS.get(n, n)} »" for n in names)
    many = len(names) > 1
    return (
        f"Le modèle Word n'a pas {'ces styles' if many else 'ce style'} : {shown} ; "
        f"{'ceux' if many else 'celui'} de cpts {'sont utilisés' if many else 'est utilisé'}."
    )
