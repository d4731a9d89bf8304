"""Inline Markdown (an ``inline`` token's children) written as runs: text, emphasis, links,
line breaks, highlighted placeholders (``<mark>``) and pictures. One handler per token type."""

from __future__ import annotations

from collections.abc import Callable

from cpts_cli.documents.environment import MARK_CLOSE, MARK_OPEN
from cpts_cli.documents.word.markdown import image_alt
from cpts_cli.documents.word.ooxml import element
from cpts_cli.documents.word.writer import Writer

_LINE_BREAKS = ("<br>", "<br/>", "<br />")


def write_inline(w: Writer, parent, token, *, bold=False, italic=False) -> None:
    """The runs of ``token`` (an ``inline`` token) at the end of the paragraph ``parent``."""
    runs = _Runs(w, parent, bold=bold, italic=italic)
    for child in token.children or []:
        handler = _HANDLERS.get(child.type)
        if handler is not None:
            handler(runs, child)


class _Runs:
    """Where the runs go (the paragraph, or a link inside it) and the emphasis open there."""

    def __init__(self, w: Writer, parent, *, bold: bool, italic: bool) -> None:
        self.w = w
        self.parent = parent
        self.bold = 1 if bold else 0
        self.italic = 1 if italic else 0
        self.mark = 0
        self.container = [parent]

    @property
    def target(self):
        return self.container[-1]

    def run(self, text: str, **extra) -> None:
        fmt = {"bold": self.bold > 0, "italic": self.italic > 0, "mark": self.mark > 0}
        if self.target is not self.parent:
            fmt["style"] = "Hyperlink"
        self.w.run(self.target, text, **fmt, **extra)

    def line_break(self) -> None:
        r = element("w:r")
        r.append(element("w:br"))
        self.target.append(r)

    # -- handlers, by token type -----------------------------------------------------------

    def text(self, token) -> None:
        if token.content:
            self.run(token.content)

    def softbreak(self, _token) -> None:
        self.run(" ")

    def hardbreak(self, _token) -> None:
        self.line_break()

    def code_inline(self, token) -> None:
        self.run(token.content, code=True)

    def strong_open(self, _token) -> None:
        self.bold += 1

    def strong_close(self, _token) -> None:
        self.bold -= 1

    def em_open(self, _token) -> None:
        self.italic += 1

    def em_close(self, _token) -> None:
        self.italic -= 1

    def link_open(self, token) -> None:
        self.container.append(self.w.hyperlink(self.parent, token.attrGet("href") or ""))

    def link_close(self, _token) -> None:
        if len(self.container) > 1:
            self.container.pop()

    def html_inline(self, token) -> None:
        tag = token.content.strip().lower()
        if tag == MARK_OPEN:
            self.mark += 1
        elif tag == MARK_CLOSE:
            self.mark = max(0, self.mark - 1)
        elif tag in _LINE_BREAKS:
            self.line_break()
        else:
            self.run(token.content)

    def image(self, token) -> None:
        self.w.picture_run(self.target, token.attrGet("src") or "", image_alt(token))


_HANDLERS: dict[str, Callable[[_Runs, object], None]] = {
    "text": _Runs.text,
    "softbreak": _Runs.softbreak,
    "hardbreak": _Runs.hardbreak,
    "code_inline": _Runs.code_inline,
    "strong_open": _Runs.strong_open,
    "strong_close": _Runs.strong_close,
    "em_open": _Runs.em_open,
    "em_close": _Runs.em_close,
    "link_open": _Runs.link_open,
    "link_close": _Runs.link_close,
    "html_inline": _Runs.html_inline,
    "image": _Runs.image,
}
