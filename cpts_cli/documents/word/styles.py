"""Styles: the ones the writer uses, French language on them, and those a Word model lacks
copied from our reference document."""

from __future__ import annotations

import copy

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from cpts_cli.documents.word.ooxml import element

LANG = "fr-FR"

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


def set_french(doc) -> None:
    """French (fr-FR) on the document defaults and on every style that names a language."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = element("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = element("w:rPr")
        rpr_default.append(rpr)
    _set_lang(rpr)
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) not in ("paragraph", "character"):
            continue
        style_rpr = style.find(qn("w:rPr"))
        if style_rpr is None:
            style_rpr = element("w:rPr")
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
        lang = element("w:lang")
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


def missing_styles_warning(names: list[str]) -> str:
    """The French warning for the styles a Word model lacks (Word's French names)."""
    shown = ", ".join(f"« {STYLE_LABELS.get(n, n)} »" for n in names)
    many = len(names) > 1
    return (
        f"Le modèle Word n'a pas {'ces styles' if many else 'ce style'} : {shown} ; "
        f"{'ceux' if many else 'celui'} de cpts {'sont utilisés' if many else 'est utilisé'}."
    )
