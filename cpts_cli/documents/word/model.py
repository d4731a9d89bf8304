"""A user's Word model reduced to what it is for: styles, page set-up, headers and footers.

Whatever could fetch or run something when the document is opened is removed before the
model is used (:func:`clean_model`): external relationships (``TargetMode="External"``: web
addresses, ``file:///…``), the attached template and the mail-merge data source of the
settings, linked (not embedded) pictures and objects, imported chunks and sub-documents, and
fields other than the page and reference ones (``DDEAUTO``, ``INCLUDEPICTURE``,
``HYPERLINK``…; their last shown text stays as plain text). What was removed is said in one
warning. A picture too large to be drawn (in pixels or bytes), or an archive too large once
expanded, refuses the model.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from lxml import etree

from cpts_cli.support.errors import CptsError

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


#: Fields kept: those this tool writes (PAGE, NUMPAGES, TOC and its PAGEREF) and the
#: page, heading and date ones of a header or footer; they only show the document itself.
ALLOWED_FIELDS = frozenset(
    "PAGE NUMPAGES SECTIONPAGES SECTION TOC PAGEREF STYLEREF TITLE SUBJECT DATE".split()
)
#: Limits of a model: expanded archive, one part, one picture (pixels and side).
MAX_MODEL_BYTES = 64 * 1024 * 1024
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 12_000

_XML_PART = re.compile(r"\.(xml|rels)$", re.I)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class _Dropped:
    """What was removed, by kind (French labels, in a stable order)."""

    LABELS = {
        "external": "liens vers l'extérieur",
        "template": "modèle attaché",
        "mailmerge": "source de publipostage",
        "image": "images liées (non incorporées)",
        "object": "objets liés ou importés",
        "field": "champs",
    }

    def __init__(self) -> None:
        self.kinds: dict[str, set[str]] = {}

    def add(self, kind: str, detail: str = "") -> None:
        self.kinds.setdefault(kind, set())
        if detail:
            self.kinds[kind].add(detail)

    def warning(self, path) -> str | None:
        if not self.kinds:
            return None
        parts = []
        for kind, label in self.LABELS.items():
            if kind in self.kinds:
                details = sorted(self.kinds[kind])
                parts.append(label + (f" ({', '.join(details)})" if details else ""))
        return (
            f"Modèle Word « {path} » : seuls ses styles, sa mise en page, ses en-têtes et pieds "
            f"de page sont repris ; retiré : {' ; '.join(parts)}."
        )


def clean_model(package: zipfile.ZipFile, path) -> tuple[dict[str, bytes], str | None]:
    """The parts of the model (name → bytes) without external content; the warning."""
    parts = _read_parts(package, path)
    dropped = _Dropped()
    removed_ids: dict[str, set[str]] = {}
    for name in list(parts):
        if name.endswith(".rels"):
            parts[name], ids = _clean_rels(parts[name], dropped)
            removed_ids[_source_of(name)] = ids
    for name in list(parts):
        if name.endswith(".xml") and name.startswith("word/"):
            parts[name] = _clean_part(parts[name], removed_ids.get(name, set()), dropped)
    for name, data in parts.items():
        if name.startswith("word/media/") or name.startswith("word/embeddings/"):
            _check_picture(name, data, path)
    return parts, dropped.warning(path)


def _too_large(path) -> CptsError:
    return CptsError(
        f"Le modèle Word « {path} » est trop volumineux une fois décompressé (plus de "
        f"{MAX_MODEL_BYTES // (1024 * 1024)} Mo) : un modèle n'a besoin que de ses styles, "
        "en-têtes et pieds de page."
    )


def _read_parts(package: zipfile.ZipFile, path) -> dict[str, bytes]:
    infos = package.infolist()
    if sum(i.file_size for i in infos) > MAX_MODEL_BYTES:
        raise _too_large(path)
    parts: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        with package.open(info) as member:
            data = member.read(MAX_PART_BYTES + 1)
        total += len(data)
        if len(data) > MAX_PART_BYTES or total > MAX_MODEL_BYTES:
            raise _too_large(path)
        parts[info.filename] = data
    return parts


def _source_of(rels_name: str) -> str:
    """``word/_rels/header1.xml.rels`` → ``word/header1.xml``."""
    folder, base = posixpath.split(rels_name)
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")])


def _clean_rels(data: bytes, dropped: _Dropped) -> tuple[bytes, set[str]]:
    root = etree.fromstring(data, _PARSER)
    ids = set()
    for rel in list(root):
        if rel.get("TargetMode", "").lower() == "external":
            ids.add(rel.get("Id", ""))
            dropped.add("external", _scheme(rel.get("Target", "")))
            if rel.get("Type", "").endswith("/attachedTemplate"):
                dropped.add("template")
            root.remove(rel)
    if not ids:
        return data, ids
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True), ids


def _scheme(target: str) -> str:
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", target.strip())
    return m[1].lower() if m else "chemin"


def _clean_part(data: bytes, removed: set[str], dropped: _Dropped) -> bytes:
    if (
        b"instr" not in data
        and not removed
        and b"attachedTemplate" not in data
        and (b"mailMerge" not in data and b"altChunk" not in data and b"subDoc" not in data)
    ):
        return data
    root = etree.fromstring(data, _PARSER)
    changed = _drop_settings(root, dropped)
    changed |= _drop_references(root, removed, dropped)
    changed |= _drop_fields(root, dropped)
    if not changed:
        return data
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _drop_settings(root, dropped: _Dropped) -> bool:
    changed = False
    for tag, kind in (("attachedTemplate", "template"), ("mailMerge", "mailmerge")):
        for el in root.iter(_w(tag)):
            el.getparent().remove(el)
            dropped.add(kind)
            changed = True
    for tag in ("altChunk", "subDoc"):
        for el in list(root.iter(_w(tag))):
            el.getparent().remove(el)
            dropped.add("object")
            changed = True
    return changed


def _drop_references(root, removed: set[str], dropped: _Dropped) -> bool:
    """Elements that point to a removed (external) relationship."""
    changed = False
    for el in list(root.iter()):
        if el.getparent() is None and el is not root:
            continue  # already removed with an ancestor
        refs = {k: v for k, v in el.attrib.items() if k.startswith(f"{{{_R}}}")}
        if not refs or not (set(refs.values()) & removed):
            continue
        changed = True
        if el.tag == _w("hyperlink"):  # the text stays, without its link
            _unwrap(el)
        elif el.tag == f"{{{_A}}}blip" or el.tag.endswith("}imagedata"):
            dropped.add("image")
            _remove(_ancestor_run(el))
        else:
            dropped.add("object")
            _remove(_ancestor_run(el))
    return changed


def _ancestor_run(el):
    node = el
    while node is not None:
        if node.tag == _w("r"):
            return node
        node = node.getparent()
    return el


def _remove(el) -> None:
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _unwrap(el) -> None:
    parent = el.getparent()
    index = parent.index(el)
    for child in list(el):
        parent.insert(index, child)
        index += 1
    parent.remove(el)


def _field_name(instr: str) -> str:
    words = instr.strip().split()
    return words[0].upper() if words else ""


def _drop_fields(root, dropped: _Dropped) -> bool:
    """Fields other than :data:`ALLOWED_FIELDS`: the instruction goes, the shown text stays."""
    changed = False
    for simple in list(root.iter(_w("fldSimple"))):
        name = _field_name(simple.get(_w("instr"), ""))
        if name not in ALLOWED_FIELDS:
            dropped.add("field", name or "?")
            _unwrap(simple)
            changed = True
    stack: list[dict] = []
    doomed = []
    for run in list(root.iter(_w("r"))):
        char = run.find(_w("fldChar"))
        kind = char.get(_w("fldCharType")) if char is not None else None
        if kind == "begin":
            stack.append({"runs": [run], "instr": [], "open": True})
            continue
        if not stack:
            continue
        top = stack[-1]
        if kind == "separate":
            top["runs"].append(run)
            top["open"] = False
        elif kind == "end":
            stack.pop()
            name = _field_name("".join(top["instr"]))
            if name not in ALLOWED_FIELDS:
                dropped.add("field", name or "?")
                doomed.extend(top["runs"] + [run])
            elif stack and stack[-1]["open"]:
                stack[-1]["runs"].extend(top["runs"] + [run])
        elif top["open"]:
            top["runs"].append(run)
            for text in run.iter(_w("instrText"), _w("delInstrText")):
                top["instr"].append(text.text or "")
    for run in stack:  # a field never closed: its instruction goes
        dropped.add("field", _field_name("".join(run["instr"])) or "?")
        doomed.extend(run["runs"])
    for run in doomed:
        _remove(run)
    return changed or bool(doomed)


def _check_picture(name: str, data: bytes, path) -> None:
    size = _picture_size(data)
    if size is None:
        return
    width, height = size
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise CptsError(
            f"Le modèle Word « {path} » contient une image trop grande "
            f"({posixpath.basename(name)} : {width} × {height} pixels ; au plus "
            f"{MAX_SIDE} pixels de côté et {MAX_PIXELS // 1_000_000} millions de pixels) : "
            "réduisez-la dans Word ou dans un logiciel d'images, puis enregistrez le modèle."
        )


def _picture_size(data: bytes) -> tuple[int, int] | None:
    """Width and height read from the picture's header (PNG, GIF, BMP, JPEG, TIFF…)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    if data[:2] == b"BM" and len(data) >= 26:
        return int.from_bytes(data[18:22], "little", signed=True), abs(
            int.from_bytes(data[22:26], "little", signed=True)
        )
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                return image.size
    except Image.DecompressionBombError:
        return MAX_SIDE + 1, MAX_SIDE + 1
    except Exception:  # noqa: BLE001 - not a picture PIL knows (or a damaged one)
        return None
