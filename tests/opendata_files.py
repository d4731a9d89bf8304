"""National open data files in their real layouts (``OPEN_DATA.md``), built small for the
tests of ``cpts diagnostic import``; ``bench/make_finess.py`` builds the national one."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

# --------------------------------------------------------------------------- FINESS

STRUCTUREET_FIELDS = 32


def structureet(
    nofinesset: str,
    rs: str,
    departement: str,
    commune: str,
    categetab: str,
    *,
    rslongue: str = "",
    libcateg: str = "",
) -> list[str]:
    """A ``structureet`` line's 32 fields (OPEN_DATA.md §1), in order."""
    row = [""] * STRUCTUREET_FIELDS
    row[0] = "structureet"
    row[1] = nofinesset
    row[2] = "21000" + nofinesset[-4:]
    row[3] = rs
    row[4] = rslongue
    row[7] = "12"
    row[8] = "R"
    row[9] = "DE LA GARE"
    row[12] = commune
    row[13] = departement
    row[14] = "COTE D OR"
    row[15] = f"{departement}000 VILLE"
    row[16] = "0380000000"
    row[18] = categetab
    row[19] = libcateg or f"Catégorie {categetab}"
    row[20] = "1102"
    row[21] = "Agrégat"
    row[28] = "2001-01-01"
    row[30] = "2023-06-01"
    return row


def geolocalisation(nofinesset: str, x: float, y: float, *, old: bool = False) -> list[str]:
    source = (
        "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93"
        if old
        else "1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)"
    )
    return ["geolocalisation", nofinesset, f"{x:.1f}", f"{y:.1f}", source, "2023-06-01"]


def finess_text(
    structures: list[list[str]],
    geoloc: list[list[str]] = (),
    *,
    date: str | None = "2024-03-15",
) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    if date is not None:
        out.write(f"finess;etalab;{len(structures)};{date}\n")
    for row in structures:
        writer.writerow(row)
    for row in geoloc:
        writer.writerow(row)
    return out.getvalue()


def write_finess(path: Path, *args, encoding: str = "utf-8", **kwargs) -> Path:
    path.write_bytes(finess_text(*args, **kwargs).encode(encoding))
    return path


# --------------------------------------------------------------------------- INSEE

BANDS = ("POP0014", "POP1529", "POP3044", "POP4559", "POP6074", "POP7589", "POP90P")


def insee_rows(communes: dict[str, tuple[float, ...]], year: int = 21) -> list[list[str]]:
    """Header and rows of the base communale: ``communes`` maps CODGEO to the seven age
    bands (POP is their sum); a few other columns around them, like the real file."""
    p = f"P{year:02d}_"
    header = ["CODGEO", p + "POP", *(p + b for b in BANDS), p + "POPH", p + "H0014",
              f"C{year:02d}_POP15P_CS1", "P16_POP", "P16_POP0014"]  # fmt: skip
    rows = [header]
    for code, bands in communes.items():
        total = sum(bands)
        rows.append(
            [
                code,
                _num(total),
                *(_num(b) for b in bands),
                _num(total / 2),
                _num(bands[0] / 2),
                "1.5",
                _num(total * 0.95),
                _num(bands[0]),
            ]  # fmt: skip
        )
    return rows


def _num(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


def insee_csv_text(rows: list[list[str]], *, decimal: str = ".", sep: str = ";") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    for row in rows:
        writer.writerow([c.replace(".", decimal) if decimal != "." else c for c in row])
    return out.getvalue()


def write_insee_csv(path: Path, rows, *, encoding: str = "utf-8", **kwargs) -> Path:
    path.write_bytes(insee_csv_text(rows, **kwargs).encode(encoding))
    return path


def write_insee_zip(path: Path, rows, year: int = 2021) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"meta_base-cc-evol-struct-pop-{year}.CSV", "COD_VAR;LIB_VAR\r\n")
        archive.writestr(f"base-cc-evol-struct-pop-{year}.CSV", insee_csv_text(rows))
    return path


def write_insee_xlsx(path: Path, rows, arm_rows=None, year: int = 2021, titles: int = 5):
    """The XLSX variant: sheets COM_YYYY (and ARM_YYYY), ``titles`` rows before the header,
    numbers as numbers."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheets = [(f"COM_{year}", rows)] + ([(f"ARM_{year}", arm_rows)] if arm_rows else [])
    first = True
    for title, content in sheets:
        sheet = workbook.active if first else workbook.create_sheet()
        first = False
        sheet.title = title
        for i in range(titles):
            sheet.append([f"Titre {i + 1}"] if i == 0 else [])
        for r, row in enumerate(content):
            sheet.append(row if r == 0 else [row[0], *(float(c) for c in row[1:])])
    workbook.save(path)
    return path
