"""Sheets: a CSV (``,`` ``;`` tab or ``|``, sniffed) or an XLSX workbook with a header row.

Columns are matched by name, trimmed, case- and accent-insensitive, with the synonyms people
use ("Courriel", "E-mail", "Adresse mail"…). A column that matches nothing is a finding and
is ignored. A sheet whose columns are those of the RPPS extraction (someone opened the
extraction in a spreadsheet and saved it) is read as the extraction: filtered to the
territory. Any other sheet is the user's own list: every row is imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from cpts_cli.actors.importing.codes import A_FIELD_COUNT, A_UNKNOWN_COLUMN
from cpts_cli.actors.importing.limits import (
    MAX_KEPT_LINES,
    MAX_LINE_BYTES,
    MAX_SHEET_CELLS,
    MAX_SHEET_COLUMNS,
    MAX_SHEET_ROWS,
    long_line,
    too_many_kept,
)
from cpts_cli.actors.importing.model import Activity, clean_code, from_national_id, norm
from cpts_cli.actors.importing.place import Places
from cpts_cli.actors.importing.rpps import (
    MAX_LINE_FINDINGS,
    _bureau_name,
    is_rpps_header,
    line_too_long,
)
from cpts_cli.actors.importing.text import DecodedText, encoding_findings
from cpts_cli.checking.findings import Finding
from cpts_cli.support.errors import CptsError

# --------------------------------------------------------------------------- column matcher

#: Field → the column names that mean it (normalised). The first is the one shown to users.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "nom": (
        "nom",
        "nom d exercice",
        "nom de famille",
        "nom d usage",
        "nom usuel",
        "patronyme",
    ),
    "prenom": ("prenom", "prenom d exercice", "prenoms", "prenom usuel"),
    "nom_complet": (
        "nom prenom",
        "nom et prenom",
        "prenom nom",
        "prenom et nom",
        "identite",
        "nom complet",
        "professionnel",
        "praticien",
    ),
    "profession": (
        "profession",
        "libelle profession",
        "metier",
        "profession de sante",
        "categorie professionnelle",
    ),
    "code_profession": ("code profession",),
    "savoir_faire": (
        "specialite",
        "code savoir faire",
        "libelle savoir faire",
        "savoir faire",
        "specialite medicale",
        "qualification",
    ),
    "mode": (
        "mode d exercice",
        "mode exercice",
        "libelle mode exercice",
        "libelle mode d exercice",
        "type d exercice",
        "exercice",
        "statut",
        "mode",
    ),
    "code_mode": ("code mode exercice", "code mode d exercice"),
    "commune": (
        "commune",
        "ville",
        "localite",
        "commune d exercice",
        "lieu d exercice",
        "libelle commune",
        "nom commune",
        "nom de la commune",
        "libelle commune coord structure",
    ),
    "code_commune": (
        "code commune",
        "code insee",
        "insee",
        "code insee commune",
        "code insee de la commune",
        "code commune insee",
        "code officiel geographique",
        "cog",
        "code commune coord structure",
    ),
    "code_postal": ("code postal", "cp", "code postal coord structure", "postal"),
    "bureau_cedex": ("bureau cedex coord structure", "bureau distributeur"),
    "email": (
        "courriel",
        "email",
        "e mail",
        "mail",
        "mel",
        "adresse mail",
        "adresse e mail",
        "adresse email",
        "adresse electronique",
        "adresse de messagerie",
        "adresse e mail coord structure",
        "courriel professionnel",
        "email professionnel",
    ),
    "telephone": (
        "telephone",
        "tel",
        "telephone portable",
        "portable",
        "mobile",
        "numero de telephone",
        "telephone professionnel",
        "telephone coord structure",
        "telephone fixe",
        "tel portable",
    ),
    "ident": (
        "rpps",
        "n rpps",
        "no rpps",
        "num rpps",
        "numero rpps",
        "numero de rpps",
        "identifiant rpps",
        "identifiant pp",
        "code rpps",
    ),
    "ident_type": ("type d identifiant pp",),
    "ident_national": ("identification nationale pp",),
    "structure": (
        "structure",
        "structure d exercice",
        "etablissement",
        "cabinet",
        "employeur",
        "raison sociale",
        "raison sociale site",
        "lieu d exercice structure",
    ),
    "role": ("role", "role dans le projet", "role dans la cpts", "fonction", "mission"),
}

#: How each field is named to users, in the order they are listed.
FIELD_LABELS = {
    "nom": "Nom",
    "prenom": "Prénom",
    "nom_complet": "Nom et prénom",
    "profession": "Profession",
    "code_profession": "Code profession",
    "savoir_faire": "Spécialité",
    "mode": "Mode d'exercice",
    "code_mode": "Code mode exercice",
    "commune": "Commune",
    "code_commune": "Code commune (INSEE)",
    "code_postal": "Code postal",
    "bureau_cedex": "Bureau cedex",
    "email": "Courriel",
    "telephone": "Téléphone",
    "ident": "RPPS",
    "ident_type": "Type d'identifiant PP",
    "ident_national": "Identification nationale PP",
    "structure": "Structure",
    "role": "Rôle",
}

_STOP = frozenset("n no num numero de du d la le l les des en a au aux et".split())


def _reduced(name: str) -> str:
    words = [w for w in name.split() if w not in _STOP]
    return " ".join(words)


def _index() -> tuple[dict[str, str], dict[str, str]]:
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for key, names in SYNONYMS.items():
        for name in names:
            exact.setdefault(name, key)
            loose.setdefault(_reduced(name), key)
    return exact, loose


_EXACT, _LOOSE = _index()


def field_for(header: object) -> str | None:
    """The field a column name stands for, or None."""
    name = norm(header) if header is not None else ""
    if not name:
        return None
    found = _EXACT.get(name)
    if found:
        return found
    for suffix in (" coord structure", " structure"):
        if name.endswith(suffix) and name[: -len(suffix)] in _EXACT:
            return _EXACT[name[: -len(suffix)]]
    return _LOOSE.get(_reduced(name))


@dataclass
class ColumnMatch:
    fields: dict[str, int] = field(default_factory=dict)  # field → column index (0-based)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (index, header text)
    repeated: list[tuple[int, str, int]] = field(default_factory=list)  # (index, text, first)
    rpps_like: bool = False


def match_columns(headers: list[object]) -> ColumnMatch:
    """Map header cells to fields: each field once (first column wins), the rest reported."""
    result = ColumnMatch()
    names = [norm(h) if h is not None else "" for h in headers]
    result.rpps_like = is_rpps_header(names)
    for i, header in enumerate(headers):
        text = "" if header is None else str(header).strip()
        if not text:
            continue
        key = field_for(text)
        if key is None:
            result.unknown.append((i, text))
        elif key in result.fields:
            result.repeated.append((i, text, result.fields[key]))
        else:
            result.fields[key] = i
    return result


# --------------------------------------------------------------------------- reading


@dataclass
class SheetRead:
    activities: list[Activity] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    lines: int = 0  # data rows read
    bad_lines: int = 0
    encoding: str | None = None
    delimiter: str | None = None
    rpps_like: bool = False
    by_postcode: int = 0
    sheet: str | None = None


def read_csv(data: bytes, *, places: Places, source: str) -> SheetRead:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CptsError(f"« {source} » est un fichier binaire, pas un tableau CSV.")
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and b"\n" not in data and b"\r" in data:
        data = data.replace(b"\r", b"\n")  # "CSV (Macintosh)": lines end with a CR alone
    long = long_line(data, 0, len(data))
    if long >= 0:
        raise CptsError(line_too_long(source, data.count(b"\n", 0, long) + 1))
    decoded = DecodedText(data, source)
    first = next((line for line in decoded.lines() if line.strip()), None)
    if first is None:
        raise CptsError(f"« {source} » est vide.")
    delimiter = _sniff_delimiter(first)
    result = _read_rows(
        _csv_rows(decoded.lines(), delimiter, source),
        places=places,
        source=source,
        strict_width=True,
    )
    result.findings += encoding_findings(decoded.others, decoded.encoding, source)
    result.encoding = decoded.encoding
    result.delimiter = delimiter
    return result


def _csv_rows(lines, delimiter: str, source: str):
    """(number of its first line, cells) of each non-empty row, one at a time."""
    reader = csv.reader(lines, delimiter=delimiter)
    last = 0
    csv.field_size_limit(MAX_LINE_BYTES)
    try:
        for row in reader:
            start = last + 1
            last = reader.line_num
            if start > MAX_SHEET_ROWS + 1:
                raise SizeRefused(
                    f"« {source} » a plus de {_count(MAX_SHEET_ROWS)} lignes : ce n'est pas un "
                    "tableau d'acteurs. Rien n'a été importé."
                )
            if any(cell.strip() for cell in row):
                yield start, row
    except csv.Error:  # a quoted cell that never ends
        raise CptsError(
            f"La cellule entre guillemets qui commence à la ligne {last + 1} de « {source} » "
            f"dépasse {MAX_LINE_BYTES // 1024**2} Mo (guillemet non fermé ?) : corrigez-la. "
            "Rien n'a été importé."
        ) from None


def _count(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


class SizeRefused(CptsError):
    """A refusal for size: the whole import stops (no other sheet of a workbook is tried)."""


def _sniff_delimiter(header: str) -> str:
    """The separator of the header line: the most frequent of ; , tab | (ties: ;)."""
    counts = {d: header.count(d) for d in (";", "\t", ",", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def read_xlsx(path: Path, *, places: Places, source: str) -> SheetRead:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - a dependency of the package
        raise CptsError(
            "La lecture des fichiers .xlsx demande le paquet openpyxl (pip install openpyxl)."
        ) from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook says the same
        raise CptsError(
            f"Le classeur « {source} » est illisible ({type(exc).__name__}) : fichier "
            "abîmé ou incomplet ? Réenregistrez-le au format .xlsx ou exportez-le en CSV."
        ) from None
    try:
        first_error: CptsError | None = None
        for sheet in workbook.worksheets:
            rows = _sheet_rows(sheet, source)
            first = next(rows, None)
            if first is None:
                continue
            try:
                result = _read_rows(
                    itertools.chain([first], rows),
                    places=places,
                    source=source,
                    strict_width=False,
                )
            except SizeRefused:
                raise
            except CptsError as exc:
                first_error = first_error or exc
                continue
            result.sheet = sheet.title
            return result
        if first_error is not None:
            raise first_error
        raise CptsError(f"Le classeur « {source} » ne contient aucune ligne.")
    finally:
        workbook.close()


def _sheet_rows(sheet, source: str):
    """The non-empty rows of a sheet (number, texts), one at a time, within bounds: the
    dimension the sheet declares is checked before reading, and reading stops at the first
    row beyond a bound (a sheet without dimension, or one that lies about it)."""
    try:
        declared = (sheet.max_row or 0, sheet.max_column or 0)
        _check_size(sheet, source, *declared, declared=True)
        cells = 0
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells += len(values)
            if (
                number > MAX_SHEET_ROWS
                or len(values) > MAX_SHEET_COLUMNS
                or cells > MAX_SHEET_CELLS
            ):
                _check_size(sheet, source, number, len(values), cells=cells)
            if any(v is not None and str(v).strip() for v in values):
                yield number, [_cell_text(v) for v in values]
    except CptsError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken sheet inside a readable zip
        raise SizeRefused(
            f"La feuille « {sheet.title} » de « {source} » est illisible "
            f"({type(exc).__name__}) : réenregistrez le classeur ou exportez-le en CSV."
        ) from None


def _check_size(
    sheet, source: str, rows: int, columns: int, *, cells: int = 0, declared: bool = False
) -> None:
    what = None
    if rows > MAX_SHEET_ROWS:
        what = f"plus de {MAX_SHEET_ROWS:,} lignes".replace(",", "\u202f")
    elif columns > MAX_SHEET_COLUMNS:
        what = f"plus de {MAX_SHEET_COLUMNS:,} colonnes".replace(",", "\u202f")
    elif max(cells, rows * columns if declared else 0) > MAX_SHEET_CELLS:
        what = f"plus de {MAX_SHEET_CELLS:,} cellules".replace(",", "\u202f")
    if what is None:
        return
    where = (
        f"déclare {_count(rows)}\u202f×\u202f{_count(columns)} cellules ({what})"
        if declared
        else f"a {what}"
    )
    raise SizeRefused(
        f"La feuille « {sheet.title} » de « {source} » {where} : ce n'est pas un "
        "tableau d'acteurs. Supprimez les lignes et colonnes vides en trop, ou exportez-la en "
        "CSV. Rien n'a été importé."
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


_UPPER_WORD = re.compile(r"^[^a-zà-ÿ]*[A-ZÀ-Þ][^a-zà-ÿ]*$")


def split_full_name(text: str) -> tuple[str, str]:
    """``MARTIN Claire`` → (``MARTIN``, ``Claire``); without capitals to tell: all is nom."""
    words = text.split()
    upper = [w for w in words if _UPPER_WORD.match(w) and len(w) > 1]
    if upper and len(upper) < len(words):
        nom = " ".join(w for w in words if w in upper)
        prenom = " ".join(w for w in words if w not in upper)
        return nom, prenom
    return " ".join(words), ""


def _ignored_columns(match, header) -> list[tuple[int, str]]:
    """(column index, why it is ignored) for each column of the header the import skips."""
    if match.rpps_like:
        return []
    technical = ("ident_type", "ident_national", "code_profession", "code_mode", "bureau_cedex")
    listed = ", ".join(FIELD_LABELS[k] for k in FIELD_LABELS if k not in technical)
    out = [
        (i, f"Colonne « {text} » non reconnue : elle est ignorée. Colonnes reconnues : {listed}.")
        for i, text in match.unknown
    ]
    out += [
        (
            i,
            f"Colonne « {text} » : même information que la colonne « {header[first]} » "
            f"(colonne {first + 1}), déjà lue ; elle est ignorée.",
        )
        for i, text, first in match.repeated
    ]
    return out


def _read_rows(rows, *, places: Places, source: str, strict_width: bool) -> SheetRead:
    """Read ``rows`` — (line number, cells), the header first — one at a time."""
    result = SheetRead()
    rows = iter(rows)
    header_line, header = next(rows)
    match = match_columns(header)
    result.rpps_like = match.rpps_like
    known = ", ".join(FIELD_LABELS[k] for k in ("nom", "prenom", "profession", "commune"))
    if not match.fields:
        raise CptsError(
            f"La première ligne de « {source} » (ligne {header_line}) ne contient aucun nom "
            f"de colonne reconnu : elle doit nommer les colonnes ({known}, Courriel, "
            "Téléphone, RPPS…)."
        )
    if "nom" not in match.fields and "nom_complet" not in match.fields:
        found = ", ".join(f"« {header[i]} »" for i in sorted(match.fields.values()))
        raise CptsError(
            f"« {source} » n'a pas de colonne « Nom » (colonnes reconnues : {found}) : "
            "ajoutez-la ou renommez la colonne des noms de famille."
        )
    for i, detail in _ignored_columns(match, header):
        result.findings.append(
            A_UNKNOWN_COLUMN.make("", header_line, i + 1, file=source, detail=detail)
        )
    width = len(header)
    while width and not str(header[width - 1]).strip():
        width -= 1
    cols = match.fields
    for number, row in rows:
        result.lines += 1
        extra = [c for c in row[width:] if c.strip()]
        if strict_width and (len(row) < width or extra):
            result.bad_lines += 1
            if result.bad_lines > MAX_LINE_FINDINGS:
                continue
            result.findings.append(
                A_FIELD_COUNT.make(
                    "",
                    number,
                    0,
                    file=source,
                    detail=f"{len(row)} champs au lieu de {width} (comme la ligne d'en-tête) : "
                    "ligne ignorée.",
                )
            )
            continue

        def get(key: str, row: list[str] = row) -> str:
            i = cols.get(key)
            return str(row[i]).strip() if i is not None and i < len(row) else ""

        found = _activity(number, get, places, match.rpps_like)
        if found is None:
            continue
        activity, by_postcode = found
        result.by_postcode += by_postcode
        result.activities.append(activity)
        if len(result.activities) > MAX_KEPT_LINES:
            raise SizeRefused(too_many_kept(source))
    if result.bad_lines > MAX_LINE_FINDINGS:
        result.findings.append(
            A_FIELD_COUNT.make(
                "",
                0,
                0,
                file=source,
                detail=f"… et {result.bad_lines - MAX_LINE_FINDINGS} autres lignes au nombre "
                "de champs incorrect, ignorées elles aussi.",
            )
        )
    return result


def _activity(number: int, get, places: Places, rpps_like: bool) -> tuple[Activity, bool] | None:
    nom, prenom = get("nom"), get("prenom")
    if not nom and get("nom_complet"):
        nom, other = split_full_name(get("nom_complet"))
        prenom = prenom or other
    cp = clean_code(get("code_postal"))
    if len(cp) == 4 and cp.isdigit():
        cp = "0" + cp
    code = clean_code(get("code_commune")).upper()
    if len(code) == 4 and code.isdigit():
        code = "0" + code
    if rpps_like:
        names = (get("commune"), _bureau_name(get("bureau_cedex")))
        place = places.locate(code, cp, names)
        if not place.keep:
            return None
    elif code:
        place = places.resolve_text(code)
    else:
        place = places.resolve_text(get("commune"), cp)
    ident = clean_code(get("ident")) or from_national_id(get("ident_national"))
    activity = Activity.read(
        number,
        get,
        place,
        ident=ident,
        nom=nom,
        prenom=prenom,
        commune_text=get("commune") or code,
        code_postal=cp,
        # the extraction's "Raison sociale site" is a cabinet's name, not a structure of
        # the CPTS: read like the extraction itself, which does not import it
        structure="" if rpps_like else get("structure"),
    )
    return activity, place.by_postcode
