"""Helpers shared by the render tests: read what a produced DOCX contains (no tests here)."""

from __future__ import annotations

import zipfile
from pathlib import Path

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def open_docx(path: Path):
    from docx import Document

    return Document(str(path))


def paragraph_style(p) -> str:
    return p.style.name if p.style is not None else "Normal"


def structure(path: Path) -> list[tuple]:
    """The document's body as (kind, style or shape) items, without any text."""
    from docx.oxml.ns import qn

    doc = open_docx(path)
    styles = {s.style_id: s.name for s in doc.styles}
    out: list[tuple] = []
    for el in doc.element.body:
        if el.tag == qn("w:p"):
            ppr = el.find(qn("w:pPr"))
            style_el = ppr.find(qn("w:pStyle")) if ppr is not None else None
            style = styles.get(style_el.get(qn("w:val")), "?") if style_el is not None else "Normal"
            numbered = ppr is not None and ppr.find(qn("w:numPr")) is not None
            pictures = len(el.findall(".//" + qn("w:drawing")))
            breaks = len([b for b in el.iter(qn("w:br")) if b.get(qn("w:type")) == "page"])
            if ppr is not None and ppr.find(qn("w:pageBreakBefore")) is not None:
                breaks += 1  # the paragraph starts a new page itself
            out.append(("p", style, numbered, pictures, breaks))
        elif el.tag == qn("w:tbl"):
            rows = el.findall(qn("w:tr"))
            cols = len(el.find(qn("w:tblGrid")).findall(qn("w:gridCol")))
            out.append(("table", len(rows), cols))
    return out


def body_text(path: Path) -> str:
    doc = open_docx(path)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def part_xml(path: Path, prefix: str) -> str:
    """The concatenated XML of the package parts whose name starts with ``prefix``."""
    with zipfile.ZipFile(path) as z:
        return "".join(
            z.read(n).decode("utf-8") for n in sorted(z.namelist()) if n.startswith(prefix)
        )


def instr_texts(path: Path, prefix: str = "word/document") -> list[str]:
    from lxml import etree

    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith(prefix) and name.endswith(".xml"):
                root = etree.fromstring(z.read(name))
                found.extend((t.text or "").strip() for t in root.iter(W + "instrText"))
    return found
