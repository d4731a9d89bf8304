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
from operator import itemgetter
from pathlib import Path

from cpts_cli.diagnostic import reading
from cpts_cli.diagnostic.sources import Figure, Scope, SourceFile

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
            f"{len(missing)} commune(s) du territoire absente(s) du fichier "
            f"({', '.join(missing[:10])}{'…' if len(missing) > 10 else ''}) : la valeur "
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
