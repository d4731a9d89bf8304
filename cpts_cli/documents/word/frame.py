"""Around the content: cover page, table of contents, headers and footers (with the draft
mark), document properties, and the final bytes."""

from __future__ import annotations

import datetime as _dt
import io

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from cpts_cli.documents.word.ooxml import clean, element, ppr_set, reset_paragraph, spacing
from cpts_cli.documents.word.package import (
    normalise_zip,
    reorder_settings,
    write_app_properties,
    zip_date,
)
from cpts_cli.documents.word.styles import LANG
from cpts_cli.documents.word.writer import Writer

#: Said at the end of a table of contents not updated yet (inside it: gone once updated).
TOC_NOTE = (
    "Les numéros de page s'affichent quand la table est mise à jour : Word le propose à "
    "l'ouverture ; dans LibreOffice, Outils › Mettre à jour › Tout mettre à jour."
)


def cover(w: Writer) -> None:
    meta = w.meta
    spacer = w.paragraph("Normal")
    spacing(spacer, before=2400)
    p = w.paragraph("Subtitle")
    w.run(p, meta.organisation)
    p = w.paragraph("Title")
    w.run(p, meta.title)
    if meta.subtitle:
        p = w.paragraph("Subtitle")
        w.run(p, meta.subtitle)
    details = [line for line in meta.cover_lines if line]
    if meta.version:
        details.append(f"Version {meta.version}")
    if meta.date_text:
        details.append(meta.date_text)
    for k, line in enumerate(details):
        p = w.paragraph("Normal")
        if k == 0:
            spacing(p, before=600)
        w.run(p, line, color="404040", size=24)
    if meta.draft:
        p = w.paragraph("Normal")
        spacing(p, before=720)
        w.run(p, "BROUILLON", bold=True, color="C00000", size=48, mark=False)
        if meta.draft_note:
            p = w.paragraph("Normal")
            w.run(p, meta.draft_note, color="C00000")
    w.page_break()


def table_of_contents(w: Writer, headings: list[tuple[int, str]]) -> None:
    """The « Sommaire »: a TOC field showing ``headings`` (level, text) until updated."""
    p = w.paragraph("TOC Heading")
    w.run(p, "Sommaire")
    entries = [(lvl, text) for lvl, text in headings if lvl <= 3]
    instr = 'TOC \\o "1-3" \\h \\z \\u'
    if not entries:
        p = w.paragraph("toc 1")
        w.field(p, instr, "Mettez à jour la table des matières (F9).", dirty=True)
    else:
        _toc_entries(w, entries, instr)
    w.page_break()
    settings = w.doc.settings.element
    if settings.find(qn("w:updateFields")) is None:
        uf = element("w:updateFields")
        uf.set(qn("w:val"), "true")
        settings.append(uf)
        reorder_settings(settings)


def _toc_entries(w: Writer, entries: list[tuple[int, str]], instr: str) -> None:
    paragraphs = []
    for lvl, text in entries:
        paragraphs.append((w.paragraph(f"toc {lvl}"), text))
    # Until the table is updated (Word offers it on opening, our PDF does it), it
    # shows the headings without page numbers, and says so: LibreOffice never
    # updates it by itself. The update replaces this whole text.
    note = w.paragraph("Normal")
    paragraphs.append((note, ""))
    first, _ = paragraphs[0]
    w.field_start(first, instr, dirty=True)
    for para, text in paragraphs[:-1]:
        w.run(para, text)
    w.run(note, TOC_NOTE, italic=True, color="595959", size=18)
    last, _ = paragraphs[-1]
    w.field_end(last)


def headers_and_footers(w: Writer) -> None:
    section = w.doc.sections[-1]
    has_own = w.user_model and not section.header.is_linked_to_previous
    if not has_own:
        section.different_first_page_header_footer = w.meta.cover
        _header(w, section.header)
    if not w.user_model or section.footer.is_linked_to_previous:
        _footer(w, section.footer)
    if section.different_first_page_header_footer:
        # The cover page: explicit empty header and footer (or the user's own).
        for part in (section.first_page_header, section.first_page_footer):
            if not part.paragraphs:
                part.add_paragraph()
    if w.meta.draft:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        if w.doc.settings.odd_and_even_pages_header_footer:
            headers.append(section.even_page_header)
        for header in headers:
            draft_mark(w, header)


def _header(w: Writer, header) -> None:
    """The organisation on the left, the title on the right margin."""
    p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    reset_paragraph(p._p, w.styles.id("header"))
    # The title goes to the right margin whatever tab stops the style has (a Word
    # model's header style has its own): those are cleared on the paragraph.
    ppr_set(p._p, _right_tab_only(w, "header"))
    w.run(p._p, w.meta.organisation)
    r = element("w:r")
    r.append(element("w:tab"))
    p._p.append(r)
    w.run(p._p, w.meta.title)


def _footer(w: Writer, footer) -> None:
    """« Page N sur M », centred."""
    p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    reset_paragraph(p._p, w.styles.id("footer"))
    jc = element("w:jc")
    jc.set(qn("w:val"), "center")
    ppr_set(p._p, jc)
    w.run(p._p, "Page ")
    w.field(p._p, "PAGE", "1")
    w.run(p._p, " sur ")
    w.field(p._p, "NUMPAGES", "1")


def _right_tab_only(w: Writer, style: str):
    """``w:tabs`` clearing the style's tab stops and setting one at the right margin."""
    tabs = element("w:tabs")
    style_id = w.styles.id(style)
    positions = set()
    for el in w.styles.element.findall(qn("w:style")):
        if el.get(qn("w:styleId")) == style_id:
            for tab in el.iter(qn("w:tab")):
                if tab.get(qn("w:val")) != "clear" and tab.get(qn("w:pos")):
                    positions.add(tab.get(qn("w:pos")))
    for pos in sorted(positions, key=lambda v: int(v) if v.lstrip("-").isdigit() else 0):
        clear = element("w:tab")
        clear.set(qn("w:val"), "clear")
        clear.set(qn("w:pos"), pos)
        tabs.append(clear)
    right = element("w:tab")
    right.set(qn("w:val"), "right")
    right.set(qn("w:pos"), str(w.text_width_twips))
    tabs.append(right)
    return tabs


def draft_mark(w: Writer, header) -> None:
    p = header.add_paragraph()
    reset_paragraph(p._p, w.styles.id("header"))
    ppr = p._p.find(qn("w:pPr"))
    jc = element("w:jc")
    jc.set(qn("w:val"), "center")
    ppr.append(jc)
    w.run(
        p._p,
        "BROUILLON — document de travail, ne pas diffuser",
        bold=True,
        color="C00000",
        mark=True,
    )
    p._p.append(parse_xml(_WATERMARK))


def properties(w: Writer) -> None:
    meta = w.meta
    props = w.doc.core_properties
    props.title = clean(meta.title)[:255]
    props.subject = clean(meta.subject or meta.title)[:255]
    props.author = clean(meta.organisation)[:255] or "CPTS"
    props.last_modified_by = props.author
    props.comments = "Document produit avec cpts." + (" Brouillon." if meta.draft else "")
    props.keywords = clean(meta.keywords)[:255]
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
    for rel_id, rel in list(w.doc.part.package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del w.doc.part.package.rels[rel_id]
    write_app_properties(w.doc)


def finish(w: Writer) -> bytes:
    """Headers, footers and properties written: the document's reproducible bytes."""
    headers_and_footers(w)
    properties(w)
    out = io.BytesIO()
    w.doc.save(out)
    return normalise_zip(out.getvalue(), zip_date(w.meta.created))


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
