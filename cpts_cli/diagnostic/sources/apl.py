"""The DREES workbook of accessibilité potentielle localisée (APL) to general practitioners.

One XLSX, one sheet per vintage (``APL 2022``, ``APL 2023``…; the newest is read), title
and notes above a header row, one row per commune (codes as text or, in a copy saved by a
spreadsheet, as numbers that lost their leading zero), then perhaps notes or totals. The
columns are found by the start of their header (trailing spaces, spellings of older
vintages): ``Code commune``, ``APL aux médecins généralistes`` (``(sans borne d'âge)`` in
2015–2019), the same ``de 65 ans et moins``, ``Population standardisée …`` and
``Population totale …``.

An area's APL is the mean of its communes' APL weighted by their standardised population
(by their total population when the file has no standardised one, and by the reference
store's when it has neither: the figure's ``note`` says which). A commune merged since the
vintage is the weighted mean of the communes it was made of; Paris, Lyon and Marseille are
read by arrondissement when the file has them, as a whole otherwise.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cpts_cli.actors.importing.source import check_parts
from cpts_cli.diagnostic.sources import Figure, Scope, SourceFile
from cpts_cli.referentiel import store
from cpts_cli.support.errors import CptsError, os_error_fr
from cpts_cli.support.formatting import counted

KIND = "apl"
EDITEUR = "DREES"
JEU = "Accessibilité potentielle localisée (APL) aux médecins généralistes"
UNIT = "consultations par an et par habitant standardisé"

#: Rows looked at for the header (the real workbooks have it on row 9).
HEADER_ROWS = 40
_SHEET = re.compile(r"^\s*apl\D{0,20}((?:19|20)\d{2})\s*$", re.I)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_CITIES = {"75056", "69123", "13055"}
_APL_NAME = re.compile(r"(?:^|[^a-z])apl(?:[^a-z]|$)")
#: Sheets of a workbook looked at (their first ``HEADER_ROWS`` rows) to recognise it.
_SNIFF_SHEETS = 4


def sniff(head: bytes, name: str) -> bool:
    """A workbook (XLSX) whose name says APL: the content of a workbook is compressed, so
    its name breaks the tie with the INSEE workbook; ``read`` checks the sheets. A workbook
    renamed is recognised by ``sniff_file``."""
    return head.startswith(b"PK\x03\x04") and bool(_APL_NAME.search(_norm(Path(name).stem)))


def sniff_file(path: Path) -> bool:
    """A workbook whatever its name (``donnees.xlsx``, ``export (1).xlsx``) whose sheet
    titles, or the title and header rows of its first sheets, say APL or « Accessibilité
    potentielle localisée »."""
    try:
        with Path(path).open("rb") as raw:
            if raw.read(4) != b"PK\x03\x04":
                return False
        book = _open(Path(path))
    except Exception:  # noqa: BLE001 - not a workbook we can read: not ours
        return False
    try:
        if any(_says_apl(title) for title in book.sheetnames):
            return True
        for sheet_name in book.sheetnames[:_SNIFF_SHEETS]:
            rows = book[sheet_name].iter_rows(max_row=HEADER_ROWS, values_only=True)
            if any(_says_apl(value) for row in rows for value in row if isinstance(value, str)):
                return True
        return False
    except Exception:  # noqa: BLE001 - a workbook openpyxl cannot go through
        return False
    finally:
        book.close()


def _says_apl(text: str) -> bool:
    text = _norm(text)
    return bool(_APL_NAME.search(text)) or "accessibilite potentielle localisee" in text


def _norm(text: object) -> str:
    return store.normalise(str(text)) if text is not None else ""


# --------------------------------------------------------------------------- columns


@dataclass
class _Columns:
    code: int
    apl: int | None
    apl65: int | None
    standard: int | None
    total: int | None
    year: int | None  # from a header such as « Population standardisée 2022 »


def _columns(row: tuple) -> _Columns | None:
    """The header row's columns, by the start of their names; None when it is not one."""
    names = [_norm(v) for v in row]
    code = next(
        (i for i, n in enumerate(names) if n.startswith(("code commune", "codgeo", "code insee"))),
        None,
    )
    if code is None:
        return None
    found: dict[str, int] = {}
    year = None
    for i, name in enumerate(names):
        if name.startswith("apl aux medecins generalistes"):
            rest = name[len("apl aux medecins generalistes") :]
            if "65" in rest:
                found.setdefault("apl65", i)
            elif not re.search(r"\d", rest):
                found.setdefault("apl", i)
        elif name.startswith("population standardisee"):
            found.setdefault("standard", i)
            year = year or _year(name)
        elif name.startswith("population totale") or name.startswith("population municipale"):
            found.setdefault("total", i)
            year = year or _year(name)
    return _Columns(
        code,
        found.get("apl"),
        found.get("apl65"),
        found.get("standard"),
        found.get("total"),
        year,
    )


def _year(text: str) -> int | None:
    found = _YEAR.search(text)
    return int(found.group()) if found else None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value else None
    text = str(value).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _code(value: object) -> str | None:
    """A commune code as written: ``01001``, ``2A004``, or ``1001`` (a number cell)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != int(value):
            return None
        value = int(value)
    text = "".join(str(value).split()).upper()
    if len(text) == 4 and text.isdigit():
        text = "0" + text
    if len(text) == 5 and (text.isdigit() or (text[:2] in ("2A", "2B") and text[2:].isdigit())):
        return text
    return None


# --------------------------------------------------------------------------- reading


@dataclass
class _Sums:
    """Weighted sums of one area: APL × weight and weight, for both indicators."""

    values: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0, 0.0])

    def add(self, apl: float | None, apl65: float | None, weight: float) -> None:
        if apl is not None:
            self.values[0] += apl * weight
            self.values[1] += weight
        if apl65 is not None:
            self.values[2] += apl65 * weight
            self.values[3] += weight

    def mean(self, which: int) -> float | None:
        total = self.values[2 * which + 1]
        return round(self.values[2 * which] / total, 1) if total > 0 else None


@dataclass
class _Row:
    code: str  # as in the file
    apl: float | None
    apl65: float | None
    weight: float | None


def read(path: Path, scope: Scope) -> SourceFile:
    """APL to GPs and to GPs of 65 or less, territory / departments / regions / France."""
    path = Path(path)
    name = path.name
    sheet_name, year, rows, columns, weighted_by = _read_sheet(path)
    if year is None:
        raise CptsError(
            f"« {name} » : millésime inconnu (ni la feuille « {sheet_name} » ni ses en-têtes "
            "ne portent d'année, comme « APL 2023 ») : rien n'a été importé."
        )
    figures = _figures(rows, scope, columns, weighted_by, sheet_name)
    return SourceFile(KIND, EDITEUR, JEU, year, tuple(figures))


def _open(path: Path):
    from openpyxl import load_workbook

    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if "xl/workbook.xml" not in [m.filename for m in members]:
                raise CptsError(
                    f"« {name} » est une archive zip mais pas un classeur XLSX : ce n'est pas "
                    "le fichier APL de la DREES."
                )
            check_parts(archive, members, name)
        return load_workbook(path, read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise CptsError(
            f"« {name} » n'est pas un classeur XLSX lisible (fichier abîmé, incomplet ou d'un "
            "autre type) : le fichier APL de la DREES est un .xlsx. Rien n'a été importé."
        ) from None
    except OSError as exc:
        raise CptsError(f"Lecture impossible de « {path} » : {os_error_fr(exc)}.") from None
    except CptsError:
        raise
    except Exception as exc:  # openpyxl: a workbook it cannot read
        raise CptsError(
            f"« {name} » n'est pas un classeur XLSX lisible ({type(exc).__name__}) : "
            "rien n'a été importé."
        ) from None


def _read_sheet(path: Path):
    """The newest APL sheet: (its name, vintage, rows, columns, what weighs the mean)."""
    name = path.name
    book = _open(path)
    try:
        sheets = list(book.sheetnames)
        dated = [(int(m.group(1)), s) for s in sheets if (m := _SHEET.match(s))]
        order = [s for _, s in sorted(dated, reverse=True)] or sheets
        for sheet_name in order:
            found = _rows(book[sheet_name], name, sheet_name)
            if found is None:
                continue
            columns, rows = found
            year = next((y for y, s in dated if s == sheet_name), None) or columns.year
            weighted_by = (
                "standard"
                if columns.standard is not None
                else "total"
                if columns.total is not None
                else "store"
            )
            return sheet_name, year, rows, columns, weighted_by
    finally:
        book.close()
    raise CptsError(
        f"« {name} » n'est pas le fichier APL de la DREES : aucune de ses feuilles ("
        + ", ".join(f"« {s} »" for s in sheets[:6])
        + ") n'a de colonnes « Code commune » et « APL aux médecins généralistes »."
    )


def _rows(sheet, name: str, sheet_name: str):
    rows_iter = sheet.iter_rows(values_only=True)
    columns = None
    for number, row in enumerate(rows_iter, start=1):
        if number > HEADER_ROWS:
            return None
        found = _columns(row)
        if found is not None:
            columns = found
            break
    if columns is None:
        return None
    if columns.apl is None and columns.apl65 is None:
        return None  # a « Code commune » without APL: another sheet, or another file
    weight_at = columns.standard if columns.standard is not None else columns.total
    rows: list[_Row] = []
    width = max(i for i in (columns.code, columns.apl, columns.apl65, weight_at) if i is not None)
    for row in rows_iter:
        if not row:
            continue
        if len(row) <= width:
            row = tuple(row) + (None,) * (width + 1 - len(row))
        code = _code(row[columns.code])
        if code is None:
            continue  # units row, notes, totals
        apl = _number(row[columns.apl]) if columns.apl is not None else None
        apl65 = _number(row[columns.apl65]) if columns.apl65 is not None else None
        weight = _number(row[weight_at]) if weight_at is not None else None
        rows.append(_Row(code, apl, apl65, weight))
    if not rows:
        raise CptsError(
            f"« {name} », feuille « {sheet_name} » : aucune ligne de commune sous l'en-tête "
            "(codes communes attendus dans la colonne « Code commune »)."
        )
    return columns, rows


# --------------------------------------------------------------------------- figures


@dataclass
class _Areas:
    territory: _Sums = field(default_factory=_Sums)
    france: _Sums = field(default_factory=_Sums)
    departements: dict[str, _Sums] = field(default_factory=dict)
    regions: dict[str, _Sums] = field(default_factory=dict)
    seen: dict[str, list[bool]] = field(default_factory=dict)  # commune → [APL, APL 65]
    whole: list[str] = field(default_factory=list)  # arrondissements read as their city


def _aggregate(rows: list[_Row], scope: Scope, weighted_by: str) -> _Areas:
    """Weighted sums of every area of the scope, each commune of the file once."""
    deps, regs = set(scope.departements), set(scope.regions)
    members = set(scope.communes)
    communes = _communes()
    split = {c.commune_parente for r in rows if (c := communes.get(r.code)) and c.commune_parente}
    out = _Areas(
        departements={d: _Sums() for d in scope.departements},
        regions={r: _Sums() for r in scope.regions},
    )
    territory, france, by_dep, by_reg = out.territory, out.france, out.departements, out.regions
    seen = out.seen
    city_rows: dict[str, _Row] = {}
    for row in rows:
        commune = communes.get(row.code) or _current(row.code)
        if commune is None:
            continue
        weight = commune.population if weighted_by == "store" else row.weight
        if weight is None or weight < 0:
            continue
        if commune.code in _CITIES:
            city_rows[commune.code] = row
            if commune.code in split:
                continue  # its arrondissements are in the file: counted through them
        france.add(row.apl, row.apl65, weight)
        if commune.departement in deps:
            by_dep[commune.departement].add(row.apl, row.apl65, weight)
        if commune.region in regs:
            by_reg[commune.region].add(row.apl, row.apl65, weight)
        target = commune.code
        if target not in members and commune.commune_parente in members:
            target = commune.commune_parente
        if target in members:
            territory.add(row.apl, row.apl65, weight)
            state = seen.setdefault(target, [False, False])
            state[0] |= row.apl is not None
            state[1] |= row.apl65 is not None
    whole = sorted(m for m in members if m not in seen and _parent(communes.get(m)) in city_rows)
    for code in whole:  # an arrondissement of a city the file gives as a whole
        row = city_rows[_parent(communes[code])]
        territory.add(row.apl, row.apl65, communes[code].population or 0)
        seen[code] = [row.apl is not None, row.apl65 is not None]
    out.whole = whole
    return out


def _figures(rows: list[_Row], scope: Scope, columns: _Columns, weighted_by: str, sheet: str):
    sums = _aggregate(rows, scope, weighted_by)
    members, whole, seen = set(scope.communes), sums.whole, sums.seen
    weighting = {
        "standard": "pondérée par la population standardisée",
        "total": "pondérée par la population totale (le fichier ne donne pas la population "
        "standardisée)",
        "store": "pondérée par la population municipale du référentiel (le fichier ne donne "
        "ni la population standardisée ni la population totale)",
    }[weighted_by]
    out = []
    for which, column, code, libelle in (
        (0, columns.apl, "apl_medecins_generalistes",
         "Accessibilité potentielle localisée (APL) aux médecins généralistes"),
        (1, columns.apl65, "apl_medecins_generalistes_65_ans_et_moins",
         "APL aux médecins généralistes de 65 ans et moins"),
    ):  # fmt: skip
        if column is None:
            continue
        missing = tuple(sorted(m for m in members if not seen.get(m, [False, False])[which]))
        note = f"Moyenne des communes {weighting} (feuille « {sheet} »)."
        if whole:
            note += (
                " " + ", ".join(sorted(whole)) + " : valeur de la ville entière, le fichier "
                "ne donnant pas ses arrondissements."
            )
        if missing:
            note += (
                " "
                + counted(len(missing), "commune du territoire absente du fichier ou sans valeur",
                          "communes du territoire absentes du fichier ou sans valeur")  # fmt: skip
                + " : " + ", ".join(missing) + " ; la valeur du territoire porte sur les "
                "autres."
            )
        out.append(
            Figure(
                code=code,
                libelle=libelle,
                theme="acces_soins",
                unite=UNIT,
                territoire=sums.territory.mean(which),
                departements={d: sums.departements[d].mean(which) for d in scope.departements},
                regions={r: sums.regions[r].mean(which) for r in scope.regions},
                france=sums.france.mean(which),
                manquantes=missing,
                note=note,
            )
        )
    return out


def _parent(commune) -> str | None:
    return commune.commune_parente if commune is not None else None


def _communes() -> dict:
    """Every commune and arrondissement of the reference store, by code."""
    from cpts_cli.diagnostic.sources.rpps import national_communes

    return {c.code: c for c in national_communes()}


def _current(code: str):
    """The commune (current, or the arrondissement) a code of the file stands for."""
    found = store.commune(code)
    if found is not None:
        return found
    resolution = store.resolve_commune(code)
    return resolution.commune
