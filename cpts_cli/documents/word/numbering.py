"""List definitions: our bullets and numbers, added to the document's numbering part."""

from __future__ import annotations

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

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
