"""Bounds on what ``cpts actors import`` reads, so that a hostile file (a zip bomb, a sheet
that claims a million rows, a line without end) is refused in French within seconds and a
few MB, while the largest real inputs pass: the national RPPS extraction (811 MB, 140 MB
zipped, lines of ~500 bytes) and sheets of a few thousand rows.
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

from cpts_cli.support.errors import CptsError

#: The RPPS extraction, plain or once decompressed: 2.5 times the national file of 2026.
MAX_EXTRACTION_BYTES = 2 * 1024**3
#: A CSV sheet is read whole; beyond this it is not a list of a CPTS's actors.
MAX_SHEET_BYTES = 64 * 1024**2
#: Each part of an XLSX workbook once decompressed (the sheet's XML, its shared strings…).
MAX_XLSX_PART_BYTES = 32 * 1024**2
#: A sheet of a workbook: rows, columns and cells (rows × columns, as openpyxl gives them).
MAX_SHEET_ROWS = 1_048_576  # Excel's own limit
MAX_SHEET_COLUMNS = 1_000
MAX_SHEET_CELLS = 5_000_000
#: Lines kept (in the territory, or every row of a sheet) and professionals once
#: deduplicated: a CPTS of 400 000 inhabitants has some 20 000 lines in the extraction, for
#: 7 000 professionals.
MAX_KEPT_LINES = 60_000
MAX_ACTORS = 20_000
#: One line of a text file (the extraction's lines are ~500 bytes).
MAX_LINE_BYTES = 1024**2


def mib(size: int) -> str:
    """``2147483648`` → ``2 048 Mo``."""
    return f"{size / 1024**2:,.0f} Mo".replace(",", "\u202f")


def too_big(label: str, size: int | None, limit: int, what: str) -> str:
    """The message for a file (or a zip member) beyond ``limit``."""
    found = f" ({mib(size)})" if size is not None else ""
    trap = " (archive piégée ?)" if "décompressé" in what else ""
    return (
        f"« {label} » est trop gros{found} : au-delà de {mib(limit)} {what}, ce n'est "
        f"pas un fichier à importer{trap}. Rien n'a été importé."
    )


def too_many_kept(source: str) -> str:
    return (
        f"« {source} » a plus de {MAX_KEPT_LINES:,} lignes à importer".replace(",", "\u202f")
        + " : ce n'est pas la liste des acteurs d'une CPTS (le territoire est-il le bon ?). "
        "Rien n'a été importé."
    )


def refuse_encrypted(member: zipfile.ZipInfo, name: str) -> None:
    if member.flag_bits & 0x1:
        raise CptsError(
            f"L'archive « {name} » est protégée par un mot de passe : décompressez-la "
            "vous-même, puis importez le fichier qu'elle contient. Rien n'a été importé."
        )


class Bounded:
    """A binary stream that refuses to give more than ``limit`` bytes in all: what a zip
    member actually decompresses to is counted, whatever its header declares."""

    def __init__(self, stream: BinaryIO, label: str, limit: int) -> None:
        self.stream = stream
        self.label = label
        self.limit = limit
        self.total = 0

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            n = self.limit + 1 - self.total
        data = self.stream.read(min(n, self.limit + 1 - self.total))
        self.total += len(data)
        if self.total > self.limit:
            raise CptsError(too_big(self.label, None, self.limit, "une fois décompressé"))
        return data


def long_line(buf: bytes, lo: int, hi: int, cap: int = MAX_LINE_BYTES) -> int:
    """Where the first line of ``buf[lo:hi]`` longer than ``cap`` bytes starts, or -1.

    A few ``find`` per block, not one per line: a line longer than ``cap`` holds a whole
    window of ``cap // 2`` bytes aligned on ``step`` from where the search restarted, so
    only windows without a line end are looked at closer.
    """
    if hi - lo <= cap:
        return -1
    step = max(cap // 2, 1)
    w = lo
    while w + step <= hi:
        if buf.find(b"\n", w, w + step) >= 0:
            w += step
            continue
        start = buf.rfind(b"\n", lo, w) + 1 or lo
        end = buf.find(b"\n", w + step, hi)
        end = hi if end < 0 else end
        if end - start > cap:
            return start
        w = end + 1
    return -1
