"""INSEE, base communale « Évolution et structure de la population » (population by age).

Layouts read (docs: ``OPEN_DATA.md`` §2):

* ``base-cc-evol-struct-pop-YYYY.CSV``: ``;``-separated (``,`` or tab accepted), header row,
  ``CODGEO`` first, read as text; weighted values with a decimal point (a decimal comma is
  accepted too);
* the ``…_csv.zip`` that holds it (beside a ``meta_…`` file, ignored);
* the XLSX variant: sheets ``COM_YYYY`` (and ``ARM_YYYY``), title rows before the header
  (the header is the row whose first cell is ``CODGEO``, wherever it is).

The census year is the column prefix (``P21_POP`` → 2021; the most recent one present).
75 and over = ``POP7589`` + ``POP90P`` (the file has no 75+ column). Paris, Lyon and
Marseille may be given whole *and* by arrondissement: a city is counted once (its own line
when the file has it, else its arrondissements).
"""

from __future__ import annotations

import csv
import math
import re
import zipfile
import zlib
from bisect import bisect_left, bisect_right
from itertools import chain, islice, repeat
from operator import itemgetter
from pathlib import Path

from cpts_cli.diagnostic import reading
from cpts_cli.diagnostic.sources import Figure, Scope, SourceFile
from cpts_cli.support.formatting import counted

KIND = "insee"
EDITEUR = "INSEE"
JEU = "Population par âge (base communale, recensement de la population)"

#: (code, libellé, columns summed) of each age band.
BANDS = (
    ("part_0_14_ans", "Part des 0-14 ans dans la population", ("POP0014",)),
    ("part_15_29_ans", "Part des 15-29 ans dans la population", ("POP1529",)),
    ("part_30_44_ans", "Part des 30-44 ans dans la population", ("POP3044",)),
    ("part_45_59_ans", "Part des 45-59 ans dans la population", ("POP4559",)),
    ("part_60_74_ans", "Part des 60-74 ans dans la population", ("POP6074",)),
    ("part_75_ans_et_plus", "Part des 75 ans et plus dans la population", ("POP7589", "POP90P")),
)
COLUMNS = ("POP", "POP0014", "POP1529", "POP3044", "POP4559", "POP6074", "POP7589", "POP90P")
_PREFIX = re.compile(r"^P(\d\d)_POP$")
_CITIES = {"751": "75056", "693": "69123", "132": "13055"}  # arrondissement code prefixes
_CITY_CODES = frozenset(_CITIES.values())


def sniff(head: bytes, name: str) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip(b'"').upper()
    if text.startswith(b"CODGEO") and b"_POP" in text[:4096]:
        return True
    if head.startswith(b"PK\x03\x04"):
        member = reading.first_zip_member_name(head).lower()
        lowered = name.lower()
        return "evol-struct-pop" in member or "evol-struct-pop" in lowered
    return False


def sniff_file(path: Path) -> bool:
    """A workbook whose sheets are ``COM_YYYY``: the XLSX variant, whatever its name."""
    if path.suffix.lower() != ".xlsx":
        return False
    try:
        return any(re.fullmatch(r"COM_\d{4}", s) for s in _sheet_names(path))
    except Exception:  # noqa: BLE001 - not a workbook we can read: not ours
        return False


def read(path: Path, scope: Scope) -> SourceFile:
    name = path.name
    with path.open("rb") as raw:
        head = raw.read(4)
    if head.startswith(b"PK\x03\x04"):
        archive = reading.open_zip(path)
        with archive:
            names = archive.namelist()
            if "xl/workbook.xml" in names:
                rows = _xlsx_rows(path, name)
                return _compute(rows, name, scope)
            wanted = [
                m
                for m in archive.infolist()
                if m.filename.lower().endswith(".csv")
                and not m.filename.rsplit("/", 1)[-1].lower().startswith("meta")
            ]
            if len(wanted) != 1:
                raise reading.refuse(
                    name,
                    "l'archive ne contient pas un seul fichier base-cc-evol-struct-pop-*.CSV.",
                )
            opener = reading.zip_member(archive, name, wanted[0])
            return _from_text(opener, f"{name}:{wanted[0].filename}", scope)
    return _from_text(lambda: path.open("rb"), name, scope)


def _from_text(opener, name: str, scope: Scope) -> SourceFile:
    fast = _fast(opener, name, scope)
    if fast is not None:
        return fast
    for _encoding, lines in reading.text_lines(opener, name):
        try:
            return _compute(_csv_rows(lines), name, scope)
        except reading.WrongEncoding:
            continue
    raise reading.refuse(name, "encodage illisible.")  # latin-1 reads any byte: not reached


def _csv_rows(lines):
    """The header, then the rows cut after the last column read: the file has some 100
    columns and the population by age comes first; a line with a ``"`` goes through the
    CSV parser."""
    first = next(lines, "").lstrip("\ufeff")
    delimiter = max((";", ",", "\t"), key=first.count)
    header = next(csv.reader([first], delimiter=delimiter))
    yield header
    names = [h.strip().upper() for h in header]
    years = [int(m.group(1)) for h in names if (m := _PREFIX.match(h))]
    wanted = (
        [
            names.index(f"P{max(years):02d}_{c}")
            for c in COLUMNS
            if f"P{max(years):02d}_{c}" in names
        ]
        if years
        else []
    )
    width = max(wanted, default=len(header)) + 1
    for line in lines:
        if '"' in line:
            yield next(csv.reader([line], delimiter=delimiter), [])
        else:
            yield line.rstrip("\r").split(delimiter, width)[:width]


# --------------------------------------------------------------------------- fast path
#
# The national file, as published: no quotes, every CODGEO of 5 ASCII characters, every
# line as wide as the columns read, sorted by CODGEO. It is read as bytes, in chunks that
# stay in the processor's cache; only the head of each line is cut into fields; each column
# is converted at once; each department is a range of the sorted codes. Any other file goes
# through ``_csv_rows`` and ``_compute`` (same figures, slower): ``_fast`` gives None.

_CHUNK = 1 << 16
_FIRST = 1 << 16  # the header line is in it
_ARM_PREFIX = {b"75": b"751", b"69": b"693", b"13": b"132"}


def _fast(opener, name: str, scope: Scope) -> SourceFile | None:
    try:
        with opener() as raw:
            head = raw.read(_FIRST)
            first, newline, rest = head.partition(b"\n")
            if not newline or b"\x00" in head[:4096] or b'"' in first:
                return None
            try:
                text = first.decode("utf-8-sig").rstrip("\r")
            except UnicodeDecodeError:
                return None
            sep = max((";", ",", "\t"), key=text.count)
            year, cols = _vintage(text.split(sep), name)
            columns = _fast_columns(raw, rest, sep.encode(), (0, *cols.values()))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        return None  # said by the slow path, which reads the file again
    if columns is None or not columns[0]:
        return None
    codes = columns[0]
    if set(map(len, codes)) != {5} or not b"".join(codes).isascii():
        return None
    if codes != sorted(codes) or codes[0] == b"00000":
        return None
    totals, found = _fast_groups(codes, columns[1:], scope)
    return _source(year, _territory(found, scope), totals, scope)


def _fast_columns(raw, rest: bytes, sep: bytes, wanted: tuple[int, ...]):
    """The ``wanted`` columns of every line after the header (tuples of bytes), from
    ``rest`` (what follows the header in the bytes read) and the rest of ``raw``; None for
    a file the fast path does not take (quotes, a short line).

    Only the head of each line (its first ``_HEAD`` bytes) is cut into fields: the lines
    are found with ``bytes.find``, never copied whole. A chunk where a head does not hold
    the columns read and the separator after them is cut line by line instead."""
    width = max(wanted) + 1
    out: list[list[bytes]] = [[] for _ in wanted]

    def columns(texts: list[bytes], least: int) -> list | None:
        # Transposed: as many columns as the shortest text has fields.
        split = map(bytes.split, texts, repeat(sep), repeat(width))
        found = list(islice(zip(*split, strict=False), least))
        return found if len(found) >= least else None

    buffer = rest
    while True:
        data = raw.read(_CHUNK)
        if b'"' in data or b'"' in buffer:
            return None
        buffer += data
        end = buffer.rfind(b"\n") if data else len(buffer)
        if end < 0:
            continue
        found = columns(_heads(buffer, end), width + 1)
        if found is None:  # a line shorter than its head, or fields longer than it
            lines = [line for line in buffer[:end].split(b"\n") if line.strip() or data]
            found = columns(lines, width) if lines else [()] * width
            if found is None:
                return None
        for column, i in zip(out, wanted, strict=True):
            column.extend(found[i])
        buffer = buffer[end + 1 :]
        if not data:
            return out


#: Bytes of a line cut into fields by the fast path: the population by age comes first.
_HEAD = 256


def _heads(buffer: bytes, end: int) -> list[bytes]:
    """The first ``_HEAD`` bytes of each line of ``buffer[:end]``."""
    heads: list[bytes] = []
    add, find, i = heads.append, buffer.find, 0
    while i <= end:
        j = find(b"\n", i, end)
        if j < 0:
            j = end
        add(buffer[i : j if j - i < _HEAD else i + _HEAD])
        i = j + 1
    return heads


def _total(column: list[bytes], ranges: list[tuple[int, int]]) -> float:
    """The sum of the values (bytes) of ``column`` in ``ranges``: ``float``, else
    ``_number`` (a decimal comma…)."""
    try:
        return math.fsum(map(float, chain.from_iterable(column[a:b] for a, b in ranges)))
    except ValueError:
        return math.fsum(map(_value, chain.from_iterable(column[a:b] for a, b in ranges)))


def _value(raw: bytes) -> float:
    try:
        return float(raw)
    except ValueError:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", "replace")
        return _number(text)


def _fast_groups(codes: list[bytes], values: list[list[bytes]], scope: Scope):
    """Sums by department (in the order of the file, as ``_compute``) and the territory's
    rows, from the sorted codes."""
    by_dep: dict[str, list[tuple[int, int]]] = {}  # department → ranges of rows
    arm: dict[str, list[tuple[int, int]]] = {}
    cities: set[str] = set()
    n, i = len(codes), 0
    while i < n:
        code = codes[i]
        key = code[:3] if code[:2] in (b"97", b"98") else code[:2]
        j = bisect_left(codes, key + b"\xff", i)
        dep = key.decode("latin-1")
        prefix = _ARM_PREFIX.get(key)
        if prefix is None:
            by_dep[dep] = [(i, j)]
        else:
            a, b = bisect_left(codes, prefix, i, j), bisect_left(codes, prefix + b"\xff", i, j)
            own = [r for r in ((i, a), (b, j)) if r[0] < r[1]]
            if own:
                by_dep[dep] = own
            if a < b:
                arm[_CITIES[prefix.decode()]] = [(a, b)]
            city = _CITIES[prefix.decode()].encode()
            k = bisect_left(codes, city, i, j)
            if k < j and codes[k] == city:
                cities.add(city.decode())
        i = j
    for city, ranges in arm.items():
        if city not in cities:
            by_dep.setdefault(reading.departement_of(city), []).extend(ranges)
    totals = {dep: [_total(column, ranges) for column in values] for dep, ranges in by_dep.items()}
    found: dict[str, dict[str, tuple[float, ...]]] = {}
    for code, target in reading.territory_codes(scope).items():
        raw = code.encode("latin-1")
        k = bisect_right(codes, raw) - 1
        if k >= 0 and codes[k] == raw:
            found.setdefault(target, {})[code] = tuple(_value(col[k]) for col in values)
    return totals, found


def _sheet_names(path: Path) -> list[str]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def _xlsx_rows(path: Path, name: str):
    """The rows of sheet ``COM_YYYY`` (the most recent), then those of ``ARM_YYYY`` (without
    their header), from the header row on."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any failure of openpyxl is a bad workbook
        raise reading.refuse(name, "le classeur est abîmé ou illisible.") from None
    try:
        sheets = sorted(s for s in workbook.sheetnames if re.fullmatch(r"COM_\d{4}", s))
        if not sheets:
            raise reading.refuse(
                name,
                "le classeur n'a pas de feuille COM_AAAA (communes) : ce n'est pas la "
                "base communale de l'INSEE.",
            )
        rows: list[list[str]] = []
        arm = sheets[-1].replace("COM_", "ARM_")
        for sheet in (sheets[-1], arm):
            if sheet not in workbook.sheetnames:
                continue
            found = _sheet_rows(workbook[sheet])
            rows.extend(found if not rows else found[1:])
        return iter(rows)
    finally:
        workbook.close()


def _sheet_rows(sheet) -> list[list[str]]:
    rows: list[list[str]] = []
    for values in sheet.iter_rows(values_only=True):
        cells = ["" if v is None else str(v) for v in values]
        if not rows:
            if cells and cells[0].strip().upper() == "CODGEO":
                rows.append(cells)
            continue
        rows.append(cells)
    return rows


def _vintage(header: list[str], name: str) -> tuple[int, dict[str, int]]:
    names = [h.strip().upper() for h in header]
    years = sorted({int(m.group(1)) for h in names if (m := _PREFIX.match(h))})
    if not names or names[0] != "CODGEO":
        raise reading.refuse(
            name, "pas de colonne CODGEO en tête : ce n'est pas la base communale de l'INSEE."
        )
    if not years:
        raise reading.refuse(name, "aucune colonne Pxx_POP : millésime du recensement inconnu.")
    year = years[-1]
    prefix = f"P{year:02d}_"
    index = {h: i for i, h in enumerate(names)}
    missing = [prefix + c for c in COLUMNS if prefix + c not in index]
    if missing:
        raise reading.refuse(name, f"colonnes manquantes : {', '.join(missing)}.")
    return 2000 + year, {c: index[prefix + c] for c in COLUMNS}


def _number(text: str) -> float:
    """A value written with a decimal comma, spaces, or nothing (0); not a number: 0."""
    text = text.strip().strip('"').replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        return float(text) if text else 0.0
    except ValueError:
        return 0.0


def _compute(rows, name: str, scope: Scope) -> SourceFile:
    header = next(rows, None)
    if header is None:
        raise reading.refuse(name, "le fichier est vide.")
    year, cols = _vintage(header, name)
    wanted = reading.territory_codes(scope)
    width = max(cols.values()) + 1
    pick = itemgetter(*cols.values())
    # Values stay text until the end, where each column is summed at once (much faster
    # than adding row by row).
    by_dep: dict[str, list[tuple[str, ...]]] = {}
    arm: dict[str, list[tuple[str, ...]]] = {}  # city → its arrondissements' rows
    cities: set[str] = set()
    found: dict[str, dict[str, tuple[str, ...]]] = {}  # territory commune → file code → row
    for row in rows:
        if len(row) < width:
            continue
        code = row[0]
        if len(code) != 5:
            code = code.strip().upper().zfill(5)
            if not code.strip("0"):
                continue
        values = pick(row)
        target = wanted.get(code)
        if target is not None:
            found.setdefault(target, {})[code] = values
        prefix = code[:3]
        if prefix in _CITIES and code != _CITIES[prefix]:
            arm.setdefault(_CITIES[prefix], []).append(values)
            continue
        if code in _CITY_CODES:
            cities.add(code)
        dep = code[:3] if code[:2] in ("97", "98") else code[:2]
        by_dep.setdefault(dep, []).append(values)
    if not by_dep and not arm:
        raise reading.refuse(name, "aucune ligne de commune lisible.")
    for city, values in arm.items():
        if city not in cities:
            by_dep.setdefault(reading.departement_of(city), []).extend(values)
    totals = {dep: _sums(values) for dep, values in by_dep.items()}
    return _source(year, _territory(found, scope), totals, scope)


def _sums(rows: list[tuple[str, ...]]) -> list[float]:
    """Each column of ``rows`` summed (a decimal comma or an empty cell read too)."""
    try:
        return [math.fsum(map(float, column)) for column in zip(*rows, strict=True)]
    except ValueError:
        return [math.fsum(map(_number, column)) for column in zip(*rows, strict=True)]


def _territory(found, scope: Scope) -> tuple[list[float], tuple[str, ...]]:
    chosen: list[tuple[str, ...]] = []
    missing: list[str] = []
    for commune in scope.communes:
        lines = found.get(commune)
        if not lines:
            missing.append(commune)
            continue
        chosen.extend([lines[commune]] if commune in lines else lines.values())
    return (_sums(chosen) if chosen else [0.0] * len(COLUMNS)), tuple(missing)


def _add(total: list[float], values: list[float]) -> None:
    for i, v in enumerate(values):
        total[i] += v


def _source(year: int, territory, by_dep, scope: Scope) -> SourceFile:
    total, missing = territory
    by_reg: dict[str, list[float]] = {}
    france = [0.0] * len(total)
    for dep, values in by_dep.items():
        _add(france, values)
        _add(by_reg.setdefault(reading.region_of(dep), [0.0] * len(total)), values)
    note = ""
    if missing:
        note = (
            counted(len(missing), "commune du territoire absente du fichier",
                    "communes du territoire absentes du fichier")  # fmt: skip
            + f" ({', '.join(missing[:10])}{'…' if len(missing) > 10 else ''}) : la valeur "
            "couvre les autres seulement."
        )
    covered = bool(len(missing) < len(scope.communes))

    def levels(fn):
        return dict(
            territoire=fn(total) if covered else None,
            departements={d: fn(by_dep[d]) if d in by_dep else None for d in scope.departements},
            regions={r: fn(by_reg[r]) if r in by_reg else None for r in scope.regions},
            france=fn(france),
        )

    figures = [
        Figure(
            code="population_totale",
            libelle="Population du territoire (recensement)",
            theme="population",
            unite="habitants",
            territoire=round(total[0]) if covered else None,
            manquantes=missing,
            note=note,
        )
    ]
    for code, libelle, columns in BANDS:
        positions = [COLUMNS.index(c) for c in columns]
        figures.append(
            Figure(
                code=code,
                libelle=libelle,
                theme="population",
                unite="%",
                manquantes=missing,
                note=note,
                **levels(lambda v, p=positions: reading.share(sum(v[i] for i in p), v[0])),
            )
        )
    return SourceFile(KIND, EDITEUR, JEU, year, tuple(figures))
