"""Where a deliverable is written, and what was sent stays as it was sent.

- A draft has its own file name (``lettre-intention-brouillon.docx``): it never overwrites,
  nor archives, the final document (``lettre-intention.docx``), and a final document never
  overwrites a draft.
- A final document whose step is recorded as done (``etapes.<étape>.terminee_le``) has been
  sent, or may have been. Written again over a file whose content differs, the previous
  file is first kept in ``archives/`` beside it, named with its own date (its modification
  date): ``archives/lettre-intention-2026-11-30.docx``, then ``…-2026-11-30-2.docx``… An
  archive is never overwritten. The same content (only the render time differs) leaves the
  file as it was: no archive, the file is not rewritten.

Writes stay atomic (:func:`cpts_cli.project.save.write_atomic`); the archive is made (a hard
link, or else an exclusive copy) before the file is replaced, so the previous version is
never missing.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from cpts_cli.support.errors import CptsError, os_error_fr

DRAFT_SUFFIX = "-brouillon"
ARCHIVES = "archives"
#: Beyond this many versions of one document on one day, something is wrong.
MAX_SAME_DAY = 999
#: A Word file larger than this once unzipped is not compared: it is kept in archives.
MAX_COMPARED_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Written:
    """One deliverable's file, as this render left it."""

    doc_id: str
    path: Path
    draft: bool
    #: Where the previous version (a document already sent) was kept, else None.
    previous: Path | None = None
    #: The file already had this content: left as it was.
    unchanged: bool = False


def file_name(doc_id: str, extension: str, draft: bool) -> str:
    """``diagnostic.docx``, or ``diagnostic-brouillon.docx`` for a draft."""
    return f"{doc_id}{DRAFT_SUFFIX if draft else ''}.{extension}"


def publish(
    out: Path, target: Path, data: bytes, *, doc_id: str, draft: bool, sent: bool
) -> Written:
    """Write ``data`` at ``target`` (in the folder ``out``), atomically.

    ``sent``: a final document whose step is done. An existing file with other content is
    then first kept in ``out/archives/``; with the same content it is left untouched."""
    from cpts_cli.project.save import write_atomic

    previous = None
    if sent and not draft:
        old = _existing(target)
        if old is not None:
            if same_content(old, data, target.suffix.lower()):
                return Written(doc_id, target, draft, unchanged=True)
            _refuse_unwritable(target)
            previous = _archive(out, target, old)
    write_atomic(target, data)
    return Written(doc_id, target, draft, previous)


def _existing(target: Path) -> bytes | None:
    """The content of the regular file at ``target``; None when there is none (a symbolic
    link is replaced by the new file, never followed: what it points to stays)."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CptsError(f"Lecture impossible de « {target} » : {os_error_fr(exc)}.") from None
    if not stat.S_ISREG(mode):
        return None  # (write_atomic refuses what is neither a file nor a link)
    try:
        return target.read_bytes()
    except OSError as exc:
        raise CptsError(f"Lecture impossible de « {target} » : {os_error_fr(exc)}.") from None


def _refuse_unwritable(target: Path) -> None:
    """A read-only file is refused before anything, an archive included, is made."""
    from cpts_cli.project.save import _check_replaceable

    _check_replaceable(target)


# ------------------------------------------------------------------------------ content

_CORE_DATES = re.compile(rb"<(dcterms:created|dcterms:modified|cp:lastPrinted)\b[^>]*>[^<]*</\1>")
_PDF_DATES = re.compile(rb"/(CreationDate|ModDate)\s*\([^)]*\)")
_PDF_ID = re.compile(rb"/ID\s*\[\s*<[0-9A-Fa-f]*>\s*<[0-9A-Fa-f]*>\s*\]")
#: LibreOffice's checksum of the document, its date included.
_PDF_CHECKSUM = re.compile(rb"/DocChecksum\s*/[0-9A-Fa-f]+")
_XMP_DATES = re.compile(rb"<(xmp:\w*Date)>[^<]*</\1>")


def same_content(old: bytes, new: bytes, suffix: str) -> bool:
    """Whether two renders of a document say the same thing: the same bytes, or (Word,
    PDF) the same once the render time they carry is set aside."""
    if old == new:
        return True
    if suffix == ".docx":
        parts = _docx_parts(old)
        return parts is not None and parts == _docx_parts(new)
    if suffix == ".pdf":
        return _pdf_text(old) == _pdf_text(new)
    return False


def _docx_parts(data: bytes) -> dict[str, bytes] | None:
    """The parts of a DOCX, the dates of its properties left out; None when unreadable."""
    import io
    import zipfile

    from cpts_cli.support.archives import too_many_files

    stream = io.BytesIO(data)
    try:
        if too_many_files(stream):
            return None
        with zipfile.ZipFile(stream) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_COMPARED_BYTES:
                return None
            parts = {i.filename: zf.read(i) for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return None
    core = parts.get("docProps/core.xml")
    if core is not None:
        parts["docProps/core.xml"] = _CORE_DATES.sub(rb"<\1/>", core)
    return parts


def _pdf_text(data: bytes) -> bytes:
    data = _PDF_DATES.sub(rb"/\1()", data)
    data = _XMP_DATES.sub(rb"<\1/>", data)
    data = _PDF_CHECKSUM.sub(b"/DocChecksum", data)
    return _PDF_ID.sub(b"/ID[]", data)


# ------------------------------------------------------------------------------ archives


def _archive(out: Path, target: Path, old: bytes) -> Path:
    """Keep the file ``target`` (content ``old``) in ``out/archives/``; the archive's path.

    Named after the file's modification date; never over an existing archive."""
    from cpts_cli.documents import _check_inside, _prepare_out

    folder = out / ARCHIVES
    _check_inside(folder, out)
    _prepare_out(folder, out)
    try:
        mtime = os.stat(target).st_mtime
    except OSError as exc:
        raise CptsError(f"Lecture impossible de « {target} » : {os_error_fr(exc)}.") from None
    day = _dt.date.fromtimestamp(mtime).isoformat()
    for k in range(1, MAX_SAME_DAY + 1):
        name = f"{target.stem}-{day}{'' if k == 1 else f'-{k}'}{target.suffix}"
        path = folder / name
        if _keep_as(target, path, old, mtime):
            return path
    raise CptsError(
        f"Trop de versions de « {target.name} » datées du {day} dans « {folder} » : rien "
        "n'a été écrit. Rangez ce dossier, puis relancez."
    )


def _keep_as(target: Path, path: Path, old: bytes, mtime: float) -> bool:
    """Make ``path`` a copy of ``target`` (its content ``old``): a hard link, or else a
    new file; False when ``path`` already exists (it is never overwritten)."""
    try:
        os.link(target, path, follow_symlinks=False)
        return True
    except FileExistsError:
        return False
    except OSError:
        pass  # (no hard links here: a copy)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return False
    except OSError as exc:
        raise CptsError(
            f"Version précédente impossible à garder dans « {path} » : {os_error_fr(exc)}. "
            f"« {target} » n'a pas été modifié."
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(old)
            handle.flush()
            os.fsync(handle.fileno())
        os.utime(path, (mtime, mtime))
    except OSError as exc:
        try:
            os.unlink(path)
        except OSError:
            pass
        raise CptsError(
            f"Version précédente impossible à garder dans « {path} » : {os_error_fr(exc)}. "
            f"« {target} » n'a pas été modifié."
        ) from None
    return True
