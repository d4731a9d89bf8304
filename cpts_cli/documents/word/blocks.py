"""Block Markdown (markdown-it's token stream) written as Word paragraphs: headings, lists,
quotes, figures, tables, rules, code and our markers. One handler per token type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from cpts_cli.documents.environment import (
    BLOCK_END,
    BLOCK_START,
    KEEP_END,
    KEEP_START,
    PAGE_BREAK,
    TOC,
)
from cpts_cli.documents.word.frame import cover, table_of_contents
from cpts_cli.documents.word.inline import write_inline
from cpts_cli.documents.word.markdown import image_alt, inline_text, parser
from cpts_cli.documents.word.ooxml import element, ppr_set, with_val
from cpts_cli.documents.word.tables import write_table
from cpts_cli.documents.word.writer import Writer

#: Paragraph style inside a ``<!-- bloc:… -->`` marker (alignment for droite/centre).
_BLOCK_STYLES = {"encadre": ("Encadré", None), "petit": ("Texte de tableau", None)}
_BLOCK_ALIGN = {"droite": "right", "centre": "center"}


@dataclass
class _ListState:
    bullet: bool
    num_id: int
    level: int


def render(w: Writer, markdown: str) -> None:
    """The cover, the table of contents if asked for, then the Markdown's blocks."""
    Blocks(w, markdown).write()


class Blocks:
    """The token stream of one Markdown text, written block by block."""

    def __init__(self, w: Writer, markdown: str) -> None:
        self.w = w
        self.tokens = parser().parse(markdown)
        self.headings = [
            (int(tok.tag[1]), inline_text(self.tokens[i + 1]))
            for i, tok in enumerate(self.tokens)
            if tok.type == "heading_open"
        ]
        self.lists: list[_ListState] = []
        #: Per open list item: is its next paragraph the item's first (the numbered one)?
        self.item_first: list[bool] = []
        self.quote_depth = 0

    def write(self) -> None:
        if self.w.meta.cover:
            cover(self.w)
        # A contents page listing one part (the draft of a rapport with no year yet) is a
        # near-empty page: left out.
        if self.w.meta.toc and sum(1 for level, _text in self.headings if level == 1) >= 2:
            table_of_contents(self.w, self.headings)
        i = 0
        while i < len(self.tokens):
            handler = _HANDLERS.get(self.tokens[i].type)
            i = handler(self, i) if handler is not None else i + 1

    # -- handlers, by token type: each takes the token's index, returns the next one --------

    def heading(self, i: int) -> int:
        level = min(int(self.tokens[i].tag[1]), 4)
        p = self.w.paragraph(f"heading {level}")
        # On the paragraph too: the table of contents (\u switch) finds the headings
        # even when a Word model's heading styles carry no outline level.
        ppr_set(p, with_val("w:outlineLvl", str(level - 1)))
        write_inline(self.w, p, self.tokens[i + 1])
        return i + 3

    def paragraph(self, i: int) -> int:
        self._paragraph(self.tokens[i + 1])
        return i + 3

    def list_open(self, i: int) -> int:
        tok = self.tokens[i]
        if not self.lists:
            self.w.keep_with_next()
        bullet = tok.type == "bullet_list_open"
        level = min(len(self.lists), 8)
        if bullet:
            num_id = self.w.numbering.bullet_num
        else:
            num_id = self.w.numbering.new_list(False, _list_start(tok), level)
        self.lists.append(_ListState(bullet, num_id, level))
        return i + 1

    def list_close(self, i: int) -> int:
        if self.lists:
            self.lists.pop()
        return i + 1

    def item_open(self, i: int) -> int:
        self.item_first.append(True)
        return i + 1

    def item_close(self, i: int) -> int:
        if self.item_first:
            self.item_first.pop()
        return i + 1

    def quote_open(self, i: int) -> int:
        self.quote_depth += 1
        return i + 1

    def quote_close(self, i: int) -> int:
        self.quote_depth = max(0, self.quote_depth - 1)
        return i + 1

    def table(self, i: int) -> int:
        self.w.keep_with_next()
        end = i
        while end < len(self.tokens) and self.tokens[end].type != "table_close":
            end += 1
        write_table(self.w, self.tokens[i : end + 1])
        return end + 1

    def rule(self, i: int) -> int:
        p = self.w.paragraph("Normal")
        ppr_set(
            p,
            parse_xml(
                f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="6" '
                'w:space="1" w:color="A6A6A6"/></w:pBdr>'
            ),
        )
        return i + 1

    def marker(self, i: int) -> int:
        """Our HTML comments: page break, table of contents, start and end of a block or of
        what stays on one page."""
        marker = self.tokens[i].content.strip()
        if marker == PAGE_BREAK:
            self.w.page_break()
        elif marker == TOC and not self.w.meta.toc:
            table_of_contents(self.w, self.headings)
        elif marker.startswith(BLOCK_START) and marker.endswith("-->"):
            self.w.block_style = marker[len(BLOCK_START) : -3].strip() or None
        elif marker == BLOCK_END:
            self.w.block_style = None
        elif marker == KEEP_START:
            self.w.keep_together_start()
        elif marker == KEEP_END:
            self.w.keep_together_end()
        return i + 1

    def code(self, i: int) -> int:
        for line in self.tokens[i].content.rstrip("\n").split("\n"):
            p = self.w.paragraph("Normal")
            self.w.run(p, line, code=True)
        return i + 1

    # -- paragraphs --------------------------------------------------------------------------

    def _paragraph(self, inline_tok) -> None:
        children = [c for c in inline_tok.children or [] if c.type != "softbreak"]
        if len(children) == 1 and children[0].type == "image" and not self.lists:
            self._figure(children[0].attrGet("src") or "", image_alt(children[0]))
            return
        if self.lists and self.item_first:
            p = self._list_paragraph()
        elif self.quote_depth:
            p = self.w.paragraph("Quote")
        elif self.w.block_style in _BLOCK_STYLES:
            p = self.w.paragraph(*_BLOCK_STYLES[self.w.block_style])
        elif self.w.block_style in _BLOCK_ALIGN:
            p = self.w.paragraph("Normal", align=_BLOCK_ALIGN[self.w.block_style])
        else:
            p = self.w.paragraph("Normal")
        write_inline(self.w, p, inline_tok)

    def _list_paragraph(self):
        """An item's first paragraph is numbered; the next ones continue it."""
        state = self.lists[-1]
        depth = min(state.level, 2)
        if not self.item_first[-1]:
            return self.w.paragraph("List Continue" if depth == 0 else f"List Continue {depth + 1}")
        self.item_first[-1] = False
        base = "List Bullet" if state.bullet else "List Number"
        p = self.w.paragraph(base if depth == 0 else f"{base} {depth + 1}")
        ppr_set(
            p,
            parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{min(state.level, 8)}"/>'
                f'<w:numId w:val="{state.num_id}"/></w:numPr>'
            ),
        )
        return p

    def _figure(self, src: str, alt: str) -> None:
        """A picture alone in its paragraph: centred, with a numbered caption."""
        w = self.w
        after_table = w.last_block == "table"
        p = w.paragraph("Normal", align="center")
        ppr_set(p, element("w:keepNext"))
        # Single line spacing: a proportional one makes LibreOffice draw the picture over
        # the bottom border of a table just above.
        ppr_set(
            p,
            parse_xml(
                f'<w:spacing {nsdecls("w")} w:before="{160 if after_table else 60}" '
                'w:after="0" w:line="240" w:lineRule="auto"/>'
            ),
        )
        w.picture_run(p, src, alt)
        w.figure_count += 1
        cap = w.paragraph("caption")
        w.run(cap, "Figure ")
        w.field(cap, "SEQ Figure \\* ARABIC", str(w.figure_count))
        w.run(cap, f" : {alt}" if alt else "")


def _list_start(tok) -> int:
    """Where an ordered list starts (``3.`` → 3)."""
    try:
        return int(tok.attrGet("start") or 1)
    except ValueError:
        return 1


_HANDLERS: dict[str, Callable[[Blocks, int], int]] = {
    "heading_open": Blocks.heading,
    "paragraph_open": Blocks.paragraph,
    "bullet_list_open": Blocks.list_open,
    "ordered_list_open": Blocks.list_open,
    "bullet_list_close": Blocks.list_close,
    "ordered_list_close": Blocks.list_close,
    "list_item_open": Blocks.item_open,
    "list_item_close": Blocks.item_close,
    "blockquote_open": Blocks.quote_open,
    "blockquote_close": Blocks.quote_close,
    "table_open": Blocks.table,
    "hr": Blocks.rule,
    "html_block": Blocks.marker,
    "fence": Blocks.code,
    "code_block": Blocks.code,
}
