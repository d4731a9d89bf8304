"""The document being written: the Word package opened on its styles, the page's measures,
and the primitives every part of the writer uses (paragraphs, runs, fields, pictures)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Emu

from cpts_cli.documents.word.meta import DocumentMeta
from cpts_cli.documents.word.numbering import Numbering
from cpts_cli.documents.word.ooxml import clean, element, ppr_set, with_val
from cpts_cli.documents.word.package import open_model, reference_bytes
from cpts_cli.documents.word.styles import USED_STYLES, Styles, set_french
from cpts_cli.support.formatting import french_typography


class Writer:
    """A Word document opened on the reference (or the user's model), its body emptied,
    with what the blocks written so far leave for the next one (``last_block``…)."""

    def __init__(
        self,
        meta: DocumentMeta,
        *,
        model: Path | None = None,
        images: Callable[[str], bytes | None] | None = None,
    ) -> None:
        self.meta = meta
        self.images = images or (lambda _name: None)
        self.user_model = model is not None
        #: What was removed from the Word model (one warning), see :mod:`.model`.
        self.model_warnings: list[str] = []
        self._open(model)
        self._empty_body()
        set_french(self.doc)
        self.numbering = Numbering(self.doc)
        self._measure()
        #: A ``<!-- bloc:… -->`` marker's name, until its ``<!-- fin-bloc -->``.
        self.block_style: str | None = None
        #: The last paragraph written and its style name.
        self.last_paragraph = None
        #: What was written last: "p", "table", "break" (None at the start).
        self.last_block: str | None = None
        self.figure_count = 0
        #: The element written just before a ``<!-- ensemble -->`` marker (the section
        #: properties when it opens the body), until its ``<!-- fin-ensemble -->``.
        self._keep_from = None
        #: A page break asked for, given to the next block written (see :meth:`append`).
        self._break_pending = False

    def _open(self, model: Path | None) -> None:
        reference = Document(io.BytesIO(reference_bytes()))
        if model is not None:
            self.doc = open_model(model, self.model_warnings)
            self.styles = Styles(self.doc, reference)
            self.styles.ensure(USED_STYLES)
        else:
            self.doc = reference
            self.styles = Styles(self.doc)

    def _empty_body(self) -> None:
        self.body = self.doc.element.body
        self.sect_pr = self.body.find(qn("w:sectPr"))
        if self.sect_pr is None:
            self.sect_pr = element("w:sectPr")
            self.body.append(self.sect_pr)
        for child in list(self.body):
            if child is not self.sect_pr:
                self.body.remove(child)

    def _measure(self) -> None:
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

    # -- blocks ----------------------------------------------------------------------------

    def append(self, el) -> None:
        """Add a block at the end of the body (before its section properties). After a page
        break, a paragraph starts the new page itself (« saut de page avant »): a break of
        its own at the foot of a full page would leave a blank page."""
        if self._break_pending:
            self._break_pending = False
            if el.tag == qn("w:p"):
                ppr_set(el, element("w:pageBreakBefore"))
            else:
                self.sect_pr.addprevious(_page_break_paragraph())
        self.sect_pr.addprevious(el)

    def paragraph(self, style: str | None = None, align: str | None = None):
        p = element("w:p")
        ppr = element("w:pPr")
        style_id = self.styles.id(style) if style else None
        if style_id and style != "Normal":
            ppr.append(with_val("w:pStyle", style_id))
        if self.last_block == "table" and not (style or "").startswith("heading"):
            sp = element("w:spacing")
            sp.set(qn("w:before"), "160")
            ppr.append(sp)
        if align:
            ppr.append(with_val("w:jc", align))
        p.append(ppr)
        self.append(p)
        self.last_block = "p"
        self.last_paragraph = (p, style or "Normal")
        return p

    def page_break(self) -> None:
        """What is written next starts a new page (nothing, at the end of the document)."""
        self._break_pending = True
        self.last_block = "break"

    def keep_with_next(self) -> None:
        """An introducing paragraph (« Actions : ») stays on the page of what follows."""
        if self.last_block == "p" and self.last_paragraph is not None:
            p, style = self.last_paragraph
            if style in ("Normal", "Encadré", "Quote"):
                ppr_set(p, element("w:keepNext"))

    def keep_together_start(self) -> None:
        previous = self.sect_pr.getprevious()
        self._keep_from = previous if previous is not None else self.sect_pr

    def keep_together_end(self) -> None:
        """Every paragraph and table row written since the start keeps with the next, the
        last one excepted: Word and LibreOffice then move the whole to the next page when
        it does not fit at the foot of this one (and let it flow when it is longer than a
        page)."""
        if self._keep_from is None:
            return
        start, self._keep_from = self._keep_from, None
        written = []
        el = start.getnext() if start is not self.sect_pr else self.body[0]
        while el is not None and el is not self.sect_pr:
            written.append(el)
            el = el.getnext()
        if not written:
            return
        *before, final = written
        for el in before:
            for p in _paragraphs_of(el):
                ppr_set(p, element("w:keepNext"))
        if final.tag == qn("w:tbl"):
            for tr in final.findall(qn("w:tr"))[:-1]:
                for p in tr.iter(qn("w:p")):
                    ppr_set(p, element("w:keepNext"))

    # -- runs ------------------------------------------------------------------------------

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
        r = element("w:r")
        rpr = element("w:rPr")
        style_id = self.styles.id(style) if style else None
        if style_id:
            rpr.append(with_val("w:rStyle", style_id))
        if code:
            fonts = element("w:rFonts")
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                fonts.set(qn(attr), "Consolas")
            rpr.append(fonts)
        _run_format(rpr, bold=bold, italic=italic, color=color, size=size, mark=mark)
        if len(rpr):
            r.append(rpr)
        t = element("w:t")
        # Every text of the document, the user's and ours, composed the French way (not code).
        t.text = clean(text if code else french_typography(text))
        t.set(qn("xml:space"), "preserve")
        r.append(t)
        parent.append(r)
        return r

    @staticmethod
    def field_start(parent, instr: str, dirty: bool = False) -> None:
        """The runs that open a field: begin, the instruction, separate (result follows)."""
        for kind in ("begin", None, "separate"):
            r = element("w:r")
            if kind:
                fc = element("w:fldChar")
                fc.set(qn("w:fldCharType"), kind)
                if kind == "begin" and dirty:
                    fc.set(qn("w:dirty"), "true")
                r.append(fc)
            else:
                it = element("w:instrText")
                it.set(qn("xml:space"), "preserve")
                it.text = f" {instr} "
                r.append(it)
            parent.append(r)

    @staticmethod
    def field_end(parent) -> None:
        """The run that closes a field."""
        r = element("w:r")
        fc = element("w:fldChar")
        fc.set(qn("w:fldCharType"), "end")
        r.append(fc)
        parent.append(r)

    def field(self, parent, instr: str, cached: str, dirty: bool = False, **fmt) -> None:
        self.field_start(parent, instr, dirty)
        self.run(parent, cached, **fmt)
        self.field_end(parent)

    def hyperlink(self, parent, href: str):
        link = element("w:hyperlink")
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
                doc_pr.set("descr", clean(alt))
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


def _with_type(tag: str, kind: str):
    """A new ``w:…`` element with its ``w:type``."""
    el = element(tag)
    el.set(qn("w:type"), kind)
    return el


def _run_format(rpr, *, bold, italic, color, size, mark) -> None:
    """Bold, italic, colour, size and highlight, in the schema's order."""
    if bold:
        rpr.append(element("w:b"))
    if italic:
        rpr.append(element("w:i"))
    if color:
        rpr.append(with_val("w:color", color))
    if size:
        for tag in ("w:sz", "w:szCs"):
            rpr.append(with_val(tag, str(size)))
    if mark:
        rpr.append(with_val("w:highlight", "yellow"))


def _paragraphs_of(el) -> list:
    """A body paragraph itself, or every paragraph of a table's rows."""
    if el.tag == qn("w:p"):
        return [el]
    if el.tag == qn("w:tbl"):
        return list(el.iter(qn("w:p")))
    return []


def _page_break_paragraph():
    p = element("w:p")
    r = element("w:r")
    r.append(_with_type("w:br", "page"))
    p.append(r)
    return p
