"""WordprocessingML elements: new ``w:…`` elements, and paragraph properties set in order."""

from __future__ import annotations

from functools import cache

from docx.oxml.ns import NamespacePrefixedTag, qn
from docx.oxml.parser import oxml_parser

from cpts_cli.documents.sanitize import clean_text


@cache
def _tag(tag: str) -> tuple[str, dict]:
    nsp = NamespacePrefixedTag(tag)
    return nsp.clark_name, nsp.nsmap


def element(tag: str):
    """A new ``w:…`` element of python-docx's classes (its ``OxmlElement``, with the tag's
    namespace worked out once: the documents have tens of thousands of elements)."""
    clark, nsmap = _tag(tag)
    return oxml_parser.makeelement(clark, nsmap=nsmap)


def clean(text: str) -> str:
    """Text as Word may hold it: no control characters, no tabs."""
    return clean_text(text).replace("\t", " ")


def with_val(tag: str, value: str):
    """A new ``w:…`` element with its ``w:val``."""
    el = element(tag)
    el.set(qn("w:val"), value)
    return el


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
        ppr = element("w:pPr")
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


def spacing(p, before: int | None = None, after: int | None = None) -> None:
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = element("w:pPr")
        p.insert(0, ppr)
    sp = element("w:spacing")
    if before is not None:
        sp.set(qn("w:before"), str(before))
    if after is not None:
        sp.set(qn("w:after"), str(after))
    ppr_set(p, sp)


def reset_paragraph(p, style_id: str | None) -> None:
    """Empty the paragraph, keeping only its style."""
    for child in list(p):
        p.remove(child)
    ppr = element("w:pPr")
    if style_id:
        ppr.append(with_val("w:pStyle", style_id))
    p.append(ppr)
