"""What the readers of national files share: text lines in the file's encoding, a zip's
member, the territory's codes as a file may write them, departments and regions of a code,
and the reference populations.

Encoding: a file is read as UTF-8 (with or without BOM); the first byte that is not UTF-8
makes the reader start again in Windows-1252 (the ISO-8859-1 of older files, plus the
typographic signs Excel adds). A file with NUL bytes (UTF-16, a binary) is refused.
"""

from __future__ import annotations

import codecs
import io
import zipfile
import zlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import IO

from cpts_cli.diagnostic.sources import Scope
from cpts_cli.support.errors import CptsError

#: A national file: FINESS ~35 MB, INSEE ~150 MB once unzipped. Beyond, it is not one.
MAX_TEXT_BYTES = 1024**3
NOTHING = "Rien n'a été importé."


class WrongEncoding(Exception):
    """A byte the current encoding cannot read: read the file again in the next one."""


def refuse(name: str, what: str) -> CptsError:
    """One French message naming the file and what is wrong."""
    return CptsError(f"« {name} » : {what} {NOTHING}")


def text_lines(
    opener, name: str, encodings: tuple[str, ...] = ("utf-8-sig", "cp1252", "latin-1")
) -> Iterator[tuple[str, Iterator[str]]]:
    """``(encoding, lines)`` for each encoding to try, in order: the caller reads the lines
    and, on ``WrongEncoding``, goes on with the next pair. ``opener()`` gives a new binary
    stream each time."""
    for encoding in encodings:
        yield encoding, _decoded(opener, name, encoding)


def _decoded(opener, name: str, encoding: str) -> Iterator[str]:
    with opener() as raw:
        head = raw.read(4096)
        if b"\x00" in head:
            raise refuse(
                name,
                "le fichier n'est pas un texte en UTF-8 ni en ISO-8859-1 (UTF-16, ou un "
                "fichier binaire ?) : enregistrez-le en UTF-8.",
            )
        stream = io.BufferedReader(_Prefixed(head, raw)) if head else raw
        reader = codecs.getreader(encoding)(stream, errors="strict")
        try:
            yield from _lines(reader)
        except UnicodeDecodeError:
            raise WrongEncoding(encoding) from None
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise refuse(
                name,
                "l'archive est abîmée ou incomplète (téléchargement "
                "interrompu ?) : téléchargez-la de nouveau.",
            ) from exc


def _lines(reader) -> Iterator[str]:
    rest = ""
    while True:
        chunk = reader.read(1 << 20)
        if not chunk:
            break
        parts = (rest + chunk).split("\n")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


class _Prefixed(io.RawIOBase):
    """A binary stream whose first bytes were already read (the head)."""

    def __init__(self, head: bytes, raw: IO[bytes]) -> None:
        self._head = head
        self._raw = raw

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise refuse(
            path.name,
            "l'archive est abîmée ou incomplète (téléchargement interrompu ?) : "
            "téléchargez-la de nouveau.",
        ) from None


def zip_member(archive: zipfile.ZipFile, name: str, member: zipfile.ZipInfo):
    """An opener for ``member`` of ``archive`` (refused encrypted or too big)."""
    if member.flag_bits & 0x1:
        raise refuse(name, "l'archive est protégée par un mot de passe : décompressez-la.")
    if member.file_size > MAX_TEXT_BYTES:
        raise refuse(name, f"« {member.filename} » est trop gros une fois décompressé.")

    def opener():
        try:
            return archive.open(member)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError):
            raise refuse(
                name,
                "l'archive est abîmée ou incomplète (téléchargement "
                "interrompu ?) : téléchargez-la de nouveau.",
            ) from None

    return opener


def first_zip_member_name(head: bytes) -> str:
    """The name of a zip's first member, from its local header (the file's first bytes)."""
    if not head.startswith(b"PK\x03\x04") or len(head) < 30:
        return ""
    length = int.from_bytes(head[26:28], "little")
    return head[30 : 30 + length].decode("cp437", "replace")


# --------------------------------------------------------------------------- places


def departement_of(code: str) -> str:
    """The department of an INSEE commune code (971…, 2A, 2B)."""
    return code[:3] if code[:2] in ("97", "98") else code[:2]


@lru_cache(maxsize=256)
def region_of(departement: str) -> str:
    from cpts_cli.referentiel import store

    found = store.departement(departement)
    return found.region if found is not None else ""


def territory_codes(scope: Scope) -> dict[str, str]:
    """Every code a national file may give a commune of the territory under, mapped to the
    territory's commune: its own code, its old codes and those of its communes déléguées
    (a file of an older geography), and for Paris, Lyon or Marseille their arrondissements
    (a file that has them and not the city)."""
    from cpts_cli.referentiel import store

    found: dict[str, str] = {}
    for code in scope.communes:
        for old in store.former_codes(code):
            found.setdefault(old, code)
        for arm in store.arrondissements(code):
            found.setdefault(arm.code, code)
    for code in scope.communes:
        found[code] = code
    return found


@lru_cache(maxsize=1)
def populations() -> tuple[dict[str, int], dict[str, int], int, str]:
    """Population municipale by commune (communes and arrondissements) and by department,
    France's, and the reference store's vintage (for the per-10 000 figures)."""
    from cpts_cli.referentiel import store

    con = store._connection()  # noqa: SLF001 - one query instead of 35 000
    communes: dict[str, int] = {}
    by_dep: dict[str, int] = {}
    for code, typ, dep, pop in con.execute(
        "SELECT code, type, departement, population FROM communes WHERE type IN ('COM', 'ARM')"
    ):
        if pop is None:
            continue
        communes[code] = pop
        if typ == "COM":
            by_dep[dep] = by_dep.get(dep, 0) + pop
    vintage = store.meta().get("population_millesime", "") or store.meta().get("millesime", "")
    return communes, by_dep, sum(by_dep.values()), str(vintage)


def per(count: float, population: int | None, scale: int = 10_000, digits: int = 2):
    """``count`` per ``scale`` inhabitants, rounded; None without a population."""
    if not population:
        return None
    return round(count * scale / population, digits)


def share(part: float, whole: float, digits: int = 1):
    """``part`` as a % of ``whole``, rounded; None when ``whole`` is 0."""
    if not whole:
        return None
    return round(100 * part / whole, digits)
