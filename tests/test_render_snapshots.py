"""Snapshots of the six deliverables of the worked example: their structure, read back.

Each ``tests/snapshots/<document>.txt`` is the outline of the document's body as python-docx
reads it: one line per paragraph (style, numbering, pictures, page breaks; the text of
headings and captions) or table (rows × columns, header cells). Not the zip bytes: a change
of library that rewrites the XML differently does not matter, a heading that moves does.

After an intended change of a template or of the builder, rewrite them and review the
diff: ``UPDATE_SNAPSHOTS=1 python -m pytest tests/test_render_snapshots.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .test_render import DOCS, rendered  # noqa: F401 - the module's fixture
from .test_render_support import open_docx

SNAPSHOTS = Path(__file__).parent / "snapshots"
TEXT_STYLES = ("Title", "Subtitle", "Heading", "Caption", "TOC Heading")


def outline(path: Path) -> str:
    from docx.oxml.ns import qn

    doc = open_docx(path)
    styles = {s.style_id: s.name for s in doc.styles}
    lines = []
    for el in doc.element.body:
        if el.tag == qn("w:p"):
            ppr = el.find(qn("w:pPr"))
            style_el = ppr.find(qn("w:pStyle")) if ppr is not None else None
            style = styles.get(style_el.get(qn("w:val")), "?") if style_el is not None else "Normal"
            marks = []
            if ppr is not None and ppr.find(qn("w:numPr")) is not None:
                marks.append("numéroté")
            pictures = len(el.findall(".//" + qn("w:drawing")))
            if pictures:
                marks.append(f"image×{pictures}")
            breaks = sum(1 for b in el.iter(qn("w:br")) if b.get(qn("w:type")) == "page")
            if breaks:
                marks.append("saut de page")
            if ppr is not None and ppr.find(qn("w:pageBreakBefore")) is not None:
                marks.append("nouvelle page")
            if any(f.get(qn("w:instr"), "") for f in el.iter(qn("w:fldSimple"))) or any(
                (t.text or "").strip().startswith("TOC") for t in el.iter(qn("w:instrText"))
            ):
                marks.append("champ")
            line = f"p {style}" + (f" [{', '.join(marks)}]" if marks else "")
            if style.startswith(TEXT_STYLES):
                text = "".join(t.text or "" for t in el.iter(qn("w:t")))
                line += f" | {text}"
            lines.append(line)
        elif el.tag == qn("w:tbl"):
            rows = el.findall(qn("w:tr"))
            cols = len(el.find(qn("w:tblGrid")).findall(qn("w:gridCol")))
            head = (
                [
                    "".join(t.text or "" for t in tc.iter(qn("w:t")))
                    for tc in rows[0].findall(qn("w:tc"))
                ]
                if rows
                else []
            )
            lines.append(f"table {len(rows)}×{cols} | " + " | ".join(head))
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("doc_id", DOCS)
def test_structure_matches_the_snapshot(rendered, doc_id):  # noqa: F811
    got = outline(rendered / f"{doc_id}.docx")
    snapshot = SNAPSHOTS / f"{doc_id}.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(got, encoding="utf-8")
    assert snapshot.exists(), f"instantané absent : UPDATE_SNAPSHOTS=1 pour créer {snapshot}"
    assert got == snapshot.read_text(encoding="utf-8")
