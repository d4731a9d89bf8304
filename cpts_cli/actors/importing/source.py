"""What the file to import is, by its content (not its name): the RPPS extraction (plain or
in its ``.zip``), an XLSX workbook, or a CSV sheet; and reading it with the right reader."""

from __future__ import annotations

import contextlib
import stat
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Protocol

from cpts_cli.actors.importing.limits import (
    MAX_EXTRACTION_BYTES,
    MAX_SHEET_BYTES,
    Bounded,
    mib,
    refuse_encrypted,
    too_big,
)
from cpts_cli.actors.importing.model import Activity, norm
from cpts_cli.actors.importing.place import Places
from cpts_cli.actors.importing.rpps import is_rpps_header, read_rpps
from cpts_cli.actors.importing.sheet import read_csv, read_xlsx
from cpts_cli.checking.findings import Finding
from cpts_cli.support.archives import too_many_files
from cpts_cli.support.errors import CptsError, os_error_fr

_SNIFF = 64 * 1024


class Progress(Protocol):
    """How the reader reports its progress (bytes), for the CLI's bar."""

    def start(self, total: int | None) -> None: ...

    def advance(self, n: int) -> None: ...


@dataclass
class SourceRead:
    kind: str  # "rpps", "csv", "xlsx"
    name: str  # file name as shown to the user (with the zip member: "x.zip:y.txt")
    activities: list[Activity] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    lines: int = 0
    bad_lines: int = 0
    encoding: str | None = None
    by_postcode: int = 0
    detail: str = ""  # "séparateur ;", "feuille Acteurs"…
    #: One line per activity (the extraction, or a sheet with its columns): several lines
    #: for one professional are expected, not worth a finding.
    per_activity: bool = False


def read_source(path: Path, places: Places, progress: Progress | None = None) -> SourceRead:
    """Read the file to import. Cannot read it at all → ``CptsError`` (nothing is written)."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise CptsError(f"Fichier introuvable : « {path} ».")
    if path.is_dir():
        raise CptsError(f"« {path} » est un dossier : indiquez le fichier à importer.")
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise CptsError(
                f"« {path} » n'est pas un fichier ordinaire (périphérique, tube…) : indiquez "
                "le fichier à importer. Rien n'a été importé."
            )
        size = info.st_size
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF)
            if not head:
                raise CptsError(f"« {name} » est vide.")
            if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
                handle.close()
                return _read_zip(path, places, progress)
            return _read_stream(handle, head, size, name, places, progress, path=path)
    except OSError as exc:
        raise CptsError(f"Lecture impossible de « {path} » : {os_error_fr(exc)}.") from None


def _read_stream(
    stream: BinaryIO,
    head: bytes,
    size: int | None,
    name: str,
    places: Places,
    progress: Progress | None,
    *,
    path: Path | None = None,
) -> SourceRead:
    _refuse_binary(head, name)
    first_line = head.split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf")
    names = [norm(n) for n in first_line.decode("latin-1").split("|")]
    if "|" in first_line.decode("latin-1") and is_rpps_header(names):
        if size is not None and size > MAX_EXTRACTION_BYTES:
            raise CptsError(too_big(name, size, MAX_EXTRACTION_BYTES, "pour une extraction RPPS"))
        if progress:
            progress.start(size)
        if not places.members:
            raise CptsError(
                "Le territoire de la CPTS est vide : ajoutez ses communes (« cpts territory "
                "add CODE… ») avant d'importer l'extraction RPPS, qui est filtrée sur elles."
            )
        read = read_rpps(
            stream,
            places=places,
            source=name,
            progress=progress.advance if progress else None,
            first=head,
        )
        return _result("rpps", name, read, per_activity=True)
    if size is not None and size > MAX_SHEET_BYTES:
        raise CptsError(
            f"« {name} » est trop gros pour un tableau d'acteurs ({mib(size)}) et ce "
            "n'est pas l'extraction RPPS (fichier .txt aux colonnes séparées par « | », dont "
            "« Identifiant PP » et « Code profession »)."
        )
    data = head + stream.read(MAX_SHEET_BYTES + 1 - len(head))
    if len(data) > MAX_SHEET_BYTES:
        raise CptsError(too_big(name, None, MAX_SHEET_BYTES, "pour un tableau d'acteurs"))
    sheet = read_csv(data, places=places, source=name)
    detail = f"séparateur « {_delimiter_label(sheet.delimiter)} »"
    return _result("csv", name, sheet, detail=detail, per_activity=sheet.rpps_like)


def _result(kind: str, name: str, read, *, detail: str = "", per_activity: bool) -> SourceRead:
    """A reader's result (``RppsRead`` or ``SheetRead``) as a ``SourceRead``."""
    if per_activity and kind != "rpps":
        detail += ", colonnes de l'extraction RPPS"
    return SourceRead(
        kind,
        name,
        read.activities,
        read.findings,
        read.lines,
        read.bad_lines,
        read.encoding,
        read.by_postcode,
        detail,
        per_activity,
    )


def _delimiter_label(delimiter: str | None) -> str:
    return {"\t": "tabulation", None: "?"}.get(delimiter, delimiter or "?")


def _refuse_binary(head: bytes, name: str) -> None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text ("Texte Unicode" export of a spreadsheet)
    if head.startswith(b"\xd0\xcf\x11\xe0") and "EncryptedPackage".encode("utf-16-le") in head:
        raise CptsError(
            f"« {name} » est un classeur protégé par un mot de passe : enregistrez-le sans "
            "mot de passe (ou exportez-le en CSV), puis relancez l'import. Rien n'a été "
            "importé."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise CptsError(
            f"« {name} » est un classeur Excel ancien (.xls) : enregistrez-le au format .xlsx "
            "ou exportez-le en CSV, puis relancez l'import."
        )
    if head.startswith(b"%PDF"):
        raise CptsError(
            f"« {name} » est un PDF : l'import lit un tableau (CSV, XLSX) ou "
            "l'extraction RPPS (.txt ou .zip)."
        )
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    if b"\x00" in head or control > len(head) // 20:
        raise CptsError(
            f"« {name} » est un fichier binaire : l'import lit un tableau (CSV, XLSX) ou "
            "l'extraction RPPS (.txt ou .zip)."
        )


def _read_zip(path: Path, places: Places, progress: Progress | None) -> SourceRead:
    name = path.name
    try:
        with path.open("rb") as raw:
            if too_many_files(raw):
                raise CptsError(
                    f"L'archive « {name} » contient trop de fichiers (une table de plus de "
                    "4 Mo, quelque 50 000 fichiers) : ce n'est pas un fichier à importer ; "
                    "elle n'a pas été lue."
                )
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise CptsError(_broken_zip(name)) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        names = [m.filename for m in members]
        if "xl/workbook.xml" in names:
            check_parts(archive, members, name)
            read = read_xlsx(path, places=places, source=name)
            detail = f"feuille « {read.sheet} »"
            return _result("xlsx", name, read, detail=detail, per_activity=read.rpps_like)
        wanted = [m for m in members if "personne_activite" in m.filename.lower()]
        if not wanted:
            wanted = [m for m in members if m.filename.lower().endswith((".txt", ".csv"))]
        if len(wanted) != 1:
            listed = ", ".join(names[:8]) + ("…" if len(names) > 8 else "")
            raise CptsError(
                f"L'archive « {name} » ne contient pas un seul fichier à importer "
                f"(PS_LibreAcces_Personne_activite_*.txt ou un .csv) : {listed or 'vide'}."
            )
        member = wanted[0]
        try:
            with open_member(archive, member, name, MAX_EXTRACTION_BYTES) as stream:
                head = stream.read(_SNIFF)
                if not head:
                    raise CptsError(f"« {stream.label} » est vide.")
                return _read_stream(stream, head, member.file_size, stream.label, places, progress)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            raise CptsError(_broken_zip(name)) from None


def check_parts(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], name: str) -> None:
    """Every part of a workbook: not encrypted, and at most ``MAX_XLSX_PART_BYTES`` once
    decompressed, as declared and as actually decompressed (counted, stopped at the limit)
    — before openpyxl reads any of them."""
    from cpts_cli.actors.importing.limits import MAX_XLSX_PART_BYTES

    for member in members:
        try:
            with open_member(archive, member, name, MAX_XLSX_PART_BYTES) as stream:
                while stream.read(1024 * 1024):
                    pass
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            raise CptsError(_broken_zip(name)) from None


@contextlib.contextmanager
def open_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, limit: int
) -> Iterator[Bounded]:
    """A member of a zip read through a counter: refused when it is encrypted, or bigger than
    ``limit`` once decompressed — as its header declares, then as actually read."""
    label = f"{name}:{member.filename}"
    refuse_encrypted(member, name)
    if member.file_size > limit:
        raise CptsError(too_big(label, member.file_size, limit, "une fois décompressé"))
    with archive.open(member) as raw:
        yield Bounded(raw, label, limit)


def _broken_zip(name: str) -> str:
    return (
        f"L'archive « {name} » est abîmée ou incomplète (téléchargement interrompu ?) : "
        "téléchargez-la de nouveau. Rien n'a été importé."
    )
