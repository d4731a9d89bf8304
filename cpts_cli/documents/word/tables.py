"""Markdown tables as Word tables: a repeated, shaded header row, numbers aligned right,
column widths from the content, short tables kept on one page."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from cpts_cli.documents.word.inline import write_inline
from cpts_cli.documents.word.markdown import inline_text, is_numeric_text
from cpts_cli.documents.word.ooxml import element, ppr_set, with_val
from cpts_cli.documents.word.writer import Writer

_W_W = qn("w:w")
#: What a line cannot cut: no-break spaces join (a date, « 75 000 € »).
UNBREAKABLE = re.compile(r"[^ \t\n]+")
_W_TYPE = qn("w:type")

#: A cell: its inline token and its alignment from the Markdown (``:--:``), if any.
Cell = tuple[object, str | None]


@dataclass
class _Columns:
    """Per column: all numbers (aligned right), width in twips."""

    numeric: list[bool]
    widths: list[int]


def write_table(w: Writer, tokens) -> None:
    """The table of ``tokens`` (from ``table_open`` to ``table_close``)."""
    rows, header_rows = _read_rows(tokens)
    if not rows:
        return
    ncols = max(len(r) for r in rows)
    texts = [[inline_text(c[0]) for c in r] + [""] * (ncols - len(r)) for r in rows]
    numeric = _numeric_columns(texts[header_rows:], ncols)
    widths = column_widths(texts, numeric, w.text_width_twips)
    if w.block_style == "signatures":
        widths = [w.text_width_twips // ncols] * ncols
    columns = _Columns(numeric, widths)
    _spacer(w)
    tbl = _table_element(w, widths)
    cell_style = w.styles.id("Texte de tableau")
    for r_index, row in enumerate(rows):
        tbl.append(_row(w, columns, row, r_index < header_rows, cell_style))
    # A short table stays on one page: every row keeps with the next. A long one keeps its
    # last three rows together, so that a total never stands alone on a new page.
    kept = tbl.findall(qn("w:tr"))[:-1] if len(rows) <= 12 else tbl.findall(qn("w:tr"))[-3:-1]
    for tr in kept:
        for p in tr.iter(qn("w:p")):
            ppr_set(p, element("w:keepNext"))
    w.append(tbl)
    w.last_block = "table"


def _read_rows(tokens) -> tuple[list[list[Cell]], int]:
    """The rows of cells, and how many of them are header rows."""
    rows: list[list[Cell]] = []
    header_rows = 0
    current: list[Cell] | None = None
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
            m = re.search(r"text-align:(left|center|right)", tok.attrGet("style") or "")
            if current is not None:
                current.append((tokens[j + 1], m.group(1) if m else None))
    return rows, header_rows


def _numeric_columns(body_texts: list[list[str]], ncols: int) -> list[bool]:
    """Columns whose every filled body cell is a number."""
    numeric = []
    for col in range(ncols):
        values = [r[col].strip() for r in body_texts if r[col].strip() not in ("", "—", "-")]
        numeric.append(bool(values) and all(is_numeric_text(v) for v in values))
    return numeric


def _spacer(w: Writer) -> None:
    """Two tables in a row would merge; a list right above needs some room."""
    if w.last_block == "table" or (
        w.last_block == "p"
        and w.last_paragraph is not None
        and w.last_paragraph[1].startswith("List")
    ):
        spacer = w.paragraph("Normal")
        ppr_set(
            spacer,
            parse_xml(
                f'<w:spacing {nsdecls("w")} w:before="0" w:after="0" w:line="120" '
                'w:lineRule="exact"/>'
            ),
        )


def _table_element(w: Writer, widths: list[int]):
    return parse_xml(
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        f'<w:tblStyle w:val="{w.styles.id("Table Grid") or "TableGrid"}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
        + "</w:tblGrid></w:tbl>"
    )


def _row(w: Writer, columns: _Columns, row: list[Cell], is_header: bool, cell_style):
    tr = element("w:tr")
    trpr = element("w:trPr")
    trpr.append(element("w:cantSplit"))
    if is_header:
        trpr.append(element("w:tblHeader"))
    elif w.block_style == "signatures":
        # Room to sign.
        height = element("w:trHeight")
        height.set(qn("w:val"), "900")
        height.set(qn("w:hRule"), "atLeast")
        trpr.append(height)
    tr.append(trpr)
    for col in range(len(columns.widths)):
        inline_tok, align = row[col] if col < len(row) else (None, None)
        if align is None and columns.numeric[col]:
            align = "right"
        tc = _cell(columns.widths[col], is_header)
        p = _cell_paragraph(cell_style, is_header, align)
        tc.append(p)
        if inline_tok is not None:
            write_inline(w, p, inline_tok, bold=is_header)
        tr.append(tc)
    return tr


def _cell(width: int, is_header: bool):
    """A ``w:tc`` with its width, shaded in the header row."""
    tc = element("w:tc")
    tcpr = element("w:tcPr")
    tcw = element("w:tcW")
    tcw.set(_W_W, str(width))
    tcw.set(_W_TYPE, "dxa")
    tcpr.append(tcw)
    if is_header:
        shd = element("w:shd")
        for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "DCE6F2")):
            shd.set(qn(key), value)
        tcpr.append(shd)
    tc.append(tcpr)
    return tc


def _cell_paragraph(cell_style: str | None, is_header: bool, align: str | None):
    p = element("w:p")
    ppr = element("w:pPr")
    if cell_style:
        ppr.append(with_val("w:pStyle", cell_style))
    if is_header:
        ppr.append(element("w:keepNext"))
    if align in ("right", "center"):
        ppr.append(with_val("w:jc", "right" if align == "right" else "center"))
    if len(ppr):
        p.append(ppr)
    return p


def column_widths(texts: list[list[str]], numeric: list[bool], total: int) -> list[int]:
    """Column widths (twips) filling the text width ``total``: numbers never wrap, words
    are not cut when there is room, long texts share what is left."""
    floors, desired = _column_needs(texts, numeric)
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
    out = [max(int(width), 300) for width in widths]
    out[-1] += max(total - sum(out), 0)
    return out


def _column_needs(texts: list[list[str]], numeric: list[bool]) -> tuple[list[int], list[int]]:
    """Each column's least width (its longest word, or whole number) and wished width."""
    char = 112  # twips per character at 9.5 pt, bold headers included, roughly
    pad = 3  # characters of cell margin
    floors, desired = [], []
    for col in range(len(texts[0])):
        cells = [r[col] for r in texts]
        longest = max((len(t) for t in cells), default=1)
        word = max((len(w) for t in cells for w in UNBREAKABLE.findall(t)), default=1)
        if numeric[col]:
            need = max(longest if longest <= 16 else word, word, 4) + pad
            floors.append(need * char)
            desired.append(need * char)
        else:
            floors.append((min(max(word, 4), 24) + pad) * char)
            desired.append((min(max(longest, 4), 70) + pad) * char)
    return floors, desired
