"""The DOCX package: the reference document, a Word model opened, reproducible bytes,
document settings and application properties."""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from pathlib import Path

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from cpts_cli.support.archives import too_many_files

FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def reference_bytes() -> bytes:
    from cpts_cli.support.resources import shipped_dir

    return (shipped_dir("templates") / "reference.docx").read_bytes()


def normalise_zip(data: bytes, date: tuple = FIXED_ZIP_DATE) -> bytes:
    """The same archive with fixed timestamps and permissions (reproducible bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    names = src.namelist()
    names.sort(key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", n))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


def zip_date(created: _dt.datetime | None) -> tuple:
    """The archive entries' date: the document's, or the fixed one."""
    if created is None:
        return FIXED_ZIP_DATE
    return (
        max(created.year, 1980),
        created.month,
        created.day,
        created.hour,
        created.minute,
        created.second,
    )


def write_app_properties(doc) -> None:
    """docProps/app.xml naming this tool, never another application."""
    from cpts_cli import __version__

    xml = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/'
        '2006/docPropsVTypes"><Application>cpts</Application>'
        f"<AppVersion>{_app_version(__version__)}</AppVersion><DocSecurity>0</DocSecurity>"
        "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
        "</Properties>"
    ).encode()
    package = doc.part.package
    for rel in package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
            rel.target_part._blob = xml
            return


def _app_version(version: str) -> str:
    # Office expects XX.YYYY.
    parts = re.findall(r"\d+", version) + ["0", "0"]
    return f"{int(parts[0]):02d}.{int(parts[1]):04d}"


# Order of the w:settings children that matter here (updateFields must come early).
def reorder_settings(settings) -> None:
    uf = settings.find(qn("w:updateFields"))
    if uf is None:
        return
    # Schema: ... w:alwaysMergeEmptyNamespace, w:updateFields, w:hdrShapeDefaults ...
    anchors = [
        "w:hdrShapeDefaults",
        "w:footnotePr",
        "w:endnotePr",
        "w:compat",
        "w:docVars",
        "w:rsids",
        "m:mathPr",
        "w:attachedSchema",
        "w:themeFontLang",
        "w:clrSchemeMapping",
        "w:doNotIncludeSubdocsInStats",
        "w:doNotAutoCompressPictures",
        "w:forceUpgrade",
        "w:captions",
        "w:readModeInkLockDown",
        "w:smartTagType",
        "sl:schemaLibrary",
        "w:shapeDefaults",
        "w:doNotEmbedSmartTags",
        "w:decimalSymbol",
        "w:listSeparator",
    ]
    names = {qn(a) if not a.startswith("sl:") else None for a in anchors}
    for child in settings:
        if child.tag in names:
            child.addprevious(uf)
            return


_MAIN_DOCUMENT = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_MAIN_TEMPLATE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
_MACROS = (b"ms-word.document.macroEnabled", b"ms-word.template.macroEnabledTemplate")


def open_model(path: Path, warnings: list[str] | None = None):
    """The user's Word model: a document (.docx) or a template (.dotx, opened as a document:
    only its styles, headers and footers are used), without what could fetch or run
    something (see :mod:`.model`; what was removed is said in ``warnings``)."""
    from cpts_cli.documents.word.model import clean_model
    from cpts_cli.support.errors import CptsError, os_error_fr

    unreadable = (
        f"Le modèle Word « {path} » ne peut pas être lu : donnez un document (.docx) ou un "
        "modèle (.dotx) enregistré par Word ou LibreOffice."
    )
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise CptsError(f"Modèle Word introuvable : « {path} ».") from None
    except OSError as exc:
        raise CptsError(f"Modèle Word illisible « {path} » : {os_error_fr(exc)}.") from None
    if too_many_files(io.BytesIO(raw)):
        raise CptsError(
            f"Le modèle Word « {path} » contient trop de parties (une table de plus de 4 Mo) : "
            "ce n'est pas un modèle enregistré par Word ou LibreOffice."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            types = package.read("[Content_Types].xml")
            if any(m in types for m in _MACROS):
                raise CptsError(
                    f"Le modèle Word « {path} » contient des macros (.docm, .dotm) : "
                    "enregistrez-le sans macros, en .docx ou .dotx."
                )
            parts, dropped = clean_model(package, path)
        if _MAIN_TEMPLATE in types:
            parts["[Content_Types].xml"] = types.replace(_MAIN_TEMPLATE, _MAIN_DOCUMENT)
        if dropped and warnings is not None and dropped not in warnings:
            warnings.append(dropped)
        return Document(io.BytesIO(_zip_parts(parts)))
    except CptsError:
        raise
    except Exception:  # noqa: BLE001 - any unreadable file gets one clear message
        raise CptsError(unreadable) from None


def _zip_parts(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy_:
        for name, data in parts.items():
            copy_.writestr(name, data)
    return out.getvalue()
