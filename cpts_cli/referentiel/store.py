"""Read-only access to the reference data shipped with ``cpts`` (communes, EPCI, ARS…).

The data file ``referentiel/data/referentiel.sqlite`` is built by
``scripts/build_referentiel.py`` from the npm package ``@etalab/decoupage-administratif``
6.0.0 (COG 2026, populations légales millésime 2023; Mayotte: 2017 census). See ``meta()``.

Codes are strings (leading zeros, ``2A``/``2B``). Populations are INSEE *population
municipale*; ``None`` means "unknown", never 0 (a few communes genuinely have 0 inhabitants:
the villages "morts pour la France" of the Meuse). A territory's population is the sum over its
communes, never an EPCI's own figure (none is stored).

The connection is opened lazily, once, read-only (``mode=ro&immutable=1``).
"""

from __future__ import annotations

import atexit
import re
import sqlite3
import threading
import unicodedata
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path

__all__ = [
    "Ars",
    "Commune",
    "Departement",
    "Epci",
    "Region",
    "Resolution",
    "SearchResult",
    "CURRENT",
    "OLD_CODE",
    "COMMUNE_DELEGUEE",
    "COMMUNE_ASSOCIEE",
    "UNKNOWN",
    "arrondissements",
    "ars",
    "ars_for_departement",
    "ars_list",
    "close_codes",
    "commune",
    "communes_by_name",
    "communes_in",
    "data_path",
    "departement",
    "epci",
    "epci_for_commune",
    "former_codes",
    "meta",
    "normalise",
    "postal_codes",
    "region",
    "resolve_commune",
    "search",
]

# Commune types, as named in the etalab data (stored as INSEE COG abbreviations).
COMMUNE_ACTUELLE = "commune-actuelle"
ARRONDISSEMENT_MUNICIPAL = "arrondissement-municipal"
_TYPE_NAMES = {
    "COM": COMMUNE_ACTUELLE,
    "ARM": ARRONDISSEMENT_MUNICIPAL,
    "COMD": "commune-deleguee",
    "COMA": "commune-associee",
}
EPCI_KIND = "epci"

# Resolution statuses.
CURRENT = "current"
OLD_CODE = "old_code"
COMMUNE_DELEGUEE = "commune_deleguee"
COMMUNE_ASSOCIEE = "commune_associee"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Commune:
    """A commune actuelle or an arrondissement municipal."""

    code: str
    type: str  # "commune-actuelle" | "arrondissement-municipal"
    nom: str
    departement: str
    region: str
    population: int | None  # population municipale; None = unknown (never a fake 0)
    commune_parente: str | None = None  # for an arrondissement: 75056, 69123 or 13055

    @property
    def is_arrondissement(self) -> bool:
        return self.type == ARRONDISSEMENT_MUNICIPAL


@dataclass(frozen=True)
class Resolution:
    """What a code given by a user stands for.

    ``status``: ``CURRENT`` (``commune`` is that commune or arrondissement), ``OLD_CODE`` (a code
    that no longer exists; ``commune`` is the current one), ``COMMUNE_DELEGUEE`` /
    ``COMMUNE_ASSOCIEE`` (a code that is only a déléguée/associée code; ``commune`` is its
    commune nouvelle, ``former_nom`` its own name), or ``UNKNOWN`` (``commune`` is None,
    ``suggestions`` holds close codes). When a current code is also the code of a commune
    déléguée (the chef-lieu of a commune nouvelle), ``former_nom`` names that déléguée.
    """

    code: str
    status: str
    commune: Commune | None
    former_nom: str | None = None
    suggestions: tuple[str, ...] = ()

    @property
    def is_current(self) -> bool:
        return self.status == CURRENT

    @property
    def is_known(self) -> bool:
        return self.status != UNKNOWN


@dataclass(frozen=True)
class Epci:
    siren: str
    nom: str
    type: str  # CC, CA, CU, METRO, MET69
    membres: tuple[str, ...]  # commune codes, sorted
    departements: tuple[str, ...]  # departments of the members, sorted
    population: int  # sum of the members' population municipale (not the EPCI's own figure)


@dataclass(frozen=True)
class SearchResult:
    # commune-actuelle, arrondissement-municipal, commune-deleguee, commune-associee, epci
    kind: str
    code: str  # INSEE code, or SIREN for an EPCI
    nom: str
    departement: str | None  # for an EPCI: its members' departments joined by ", "
    population: int | None
    commune_parente: str | None = None  # arrondissement/déléguée/associée: the current commune
    # How it was found: "nom", "code" (INSEE or SIREN), "code postal", "nom approché" (a
    # typo), "nom usuel" (an EPCI's usual name). See ``finder``.
    correspondance: str = "nom"


@dataclass(frozen=True)
class Departement:
    code: str
    nom: str
    region: str


@dataclass(frozen=True)
class Region:
    code: str
    nom: str


@dataclass(frozen=True)
class Ars:
    code: str  # slug used in cpts.yaml (`ars_referente`), e.g. "bourgogne_franche_comte"
    nom: str  # e.g. "Bourgogne-Franche-Comté"
    region: str  # INSEE region code

    @property
    def libelle(self) -> str:
        return f"ARS {self.nom}"


# --------------------------------------------------------------------------- connection

_lock = threading.Lock()
_con: sqlite3.Connection | None = None
_files = ExitStack()


def data_path():  # -> importlib.resources.abc.Traversable
    """The packaged data file (a Traversable; a real file in a normal install)."""
    return files("cpts_cli") / "referentiel" / "data" / "referentiel.sqlite"


def _connection() -> sqlite3.Connection:
    global _con
    con = _con
    if con is not None:
        return con
    with _lock:
        if _con is None:
            resource = data_path()
            path = Path(_files.enter_context(as_file(resource)))
            if path != resource:  # extracted from a zip: remove the temporary copy at exit
                atexit.register(_close)
            if not path.is_file():
                raise FileNotFoundError(f"reference data missing: {path}")
            uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
            _con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        return _con


def _one(sql: str, params: tuple | dict = ()) -> tuple | None:
    return _connection().execute(sql, params).fetchone()


def _all(sql: str, params: tuple | dict = ()) -> list[tuple]:
    return _connection().execute(sql, params).fetchall()


def _close() -> None:
    """Close the cached connection (tests only)."""
    global _con
    with _lock:
        if _con is not None:
            _con.close()
            _con = None
        _files.close()


# --------------------------------------------------------------------------- helpers


def normalise(text: str) -> str:
    """Lowercase, accents stripped, hyphens/apostrophes/punctuation -> spaces, spaces collapsed.

    "Saint-Étienne" -> "saint etienne", "L'Haÿ-les-Roses" -> "l hay les roses".
    ``scripts/build_referentiel.py`` stores the names normalised by this function.
    """
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    text = re.sub(r"[^0-9a-z]+", " ", text)
    return text.strip()


def _clean_code(code: str) -> str:
    if not isinstance(code, str):
        raise TypeError(f"codes are strings, got {type(code).__name__}: {code!r}")
    return "".join(code.split()).upper()


def _dep_prefix(code: str) -> str:
    return code[:3] if code[:2] in ("97", "98") else code[:2]


_COMMUNE_COLS = "c.code, c.type, c.nom, c.departement, c.region, c.population, c.commune_parente"


def _commune_from_row(row: tuple) -> Commune:
    code, typ, nom, dep, reg, pop, parent = row
    return Commune(code, _TYPE_NAMES[typ], nom, dep, reg, pop, parent)


# --------------------------------------------------------------------------- communes


def commune(code: str) -> Commune | None:
    """The commune actuelle or arrondissement municipal with this code, else None.

    A code shared by a commune nouvelle and its chef-lieu déléguée returns the commune nouvelle.
    """
    code = _clean_code(code)
    row = _one(
        f"SELECT {_COMMUNE_COLS} FROM communes c WHERE c.code = ? AND c.type IN ('COM', 'ARM')",
        (code,),
    )
    return _commune_from_row(row) if row else None


def resolve_commune(code: str, suggest: bool = False) -> Resolution:
    """Say whether ``code`` is current, an old code, a déléguée/associée, or unknown (with
    close codes when ``suggest``: a few milliseconds each)."""
    return _resolve(_clean_code(code), suggest)


@lru_cache(maxsize=1 << 16)
def _resolve(code: str, suggest: bool) -> Resolution:
    # Cached: a territory is resolved by the checks, the documents and the actors' counts,
    # each from its own copy of the data (a file of 140 000 codes: 4 times 3 s).
    rows = _all(f"SELECT {_COMMUNE_COLS} FROM communes c WHERE c.code = ?", (code,))
    current = next((r for r in rows if r[1] in ("COM", "ARM")), None)
    former = next((r for r in rows if r[1] in ("COMD", "COMA")), None)
    if current is not None:
        return Resolution(code, CURRENT, _commune_from_row(current), former[2] if former else None)
    if former is not None:
        status = COMMUNE_DELEGUEE if former[1] == "COMD" else COMMUNE_ASSOCIEE
        return Resolution(code, status, commune(former[6]), former[2])
    row = _one("SELECT commune FROM anciens_codes WHERE ancien_code = ?", (code,))
    if row is not None:
        return Resolution(code, OLD_CODE, commune(row[0]))
    return Resolution(code, UNKNOWN, None, suggestions=tuple(close_codes(code) if suggest else ()))


def communes_by_name(nom: str) -> list[Commune]:
    """Communes actuelles and arrondissements whose name equals ``nom`` once normalised
    (accents, case, hyphens ignored), larger population first. Indexed: use it to match names
    from imported files; ``search`` is for people typing."""
    rows = _all(
        f"SELECT {_COMMUNE_COLS} FROM communes c "
        "WHERE c.nom_normalise = ? AND c.type IN ('COM', 'ARM') "
        "ORDER BY c.population IS NULL, c.population DESC, c.code",
        (normalise(nom),),
    )
    return [_commune_from_row(r) for r in rows]


def arrondissements(code: str) -> list[Commune]:
    """The arrondissements municipaux of Paris (75056), Lyon (69123) or Marseille (13055)."""
    code = _clean_code(code)
    rows = _all(
        f"SELECT {_COMMUNE_COLS} FROM communes c "
        "WHERE c.commune_parente = ? AND c.type = 'ARM' ORDER BY c.code",
        (code,),
    )
    return [_commune_from_row(r) for r in rows]


def former_codes(code: str) -> list[str]:
    """The codes that stand for commune ``code`` today, sorted: its own, its old codes and
    those of its communes déléguées or associées (what a commune nouvelle was made of)."""
    code = _clean_code(code)
    rows = _all(
        "SELECT ancien_code FROM anciens_codes WHERE commune = ? UNION "
        "SELECT code FROM communes WHERE commune_parente = ? AND type IN ('COMD', 'COMA')",
        (code, code),
    )
    return sorted({code, *(r[0] for r in rows)})


def communes_in(
    *,
    departement: str | None = None,
    region: str | None = None,
    arrondissements: bool = False,
) -> list[Commune]:
    """Communes actuelles of a department or a region, sorted by code.

    With ``arrondissements=True``, Paris, Lyon and Marseille are replaced by their
    arrondissements municipaux (what CPTS territories list), so that nothing is counted twice.
    """
    if (departement is None) == (region is None):
        raise ValueError("give exactly one of departement= or region=")
    con = _connection()
    if departement is not None:
        deps = [_clean_code(departement)]
    else:
        reg = _clean_code(region)  # type: ignore[arg-type]
        deps = [
            r[0]
            for r in con.execute(
                "SELECT code FROM departements WHERE region = ? ORDER BY code", (reg,)
            )
        ]
    types = "('COM', 'ARM')" if arrondissements else "('COM')"
    result: list[Commune] = []
    for dep in deps:
        # A COM/ARM code starts with its department code: range scan on the primary key.
        rows = con.execute(
            f"SELECT {_COMMUNE_COLS} FROM communes c "
            "WHERE c.code >= ? AND c.code < ? AND c.departement = ? "
            f"AND c.type IN {types} ORDER BY c.code",
            (dep, dep + "~", dep),
        ).fetchall()
        communes = [_commune_from_row(r) for r in rows]
        if arrondissements:
            parents = {c.commune_parente for c in communes if c.is_arrondissement}
            communes = [c for c in communes if c.code not in parents]
        result.extend(communes)
    return result


def postal_codes(code_postal: str) -> list[str]:
    """Codes of the communes (and arrondissements) served by a postal code, sorted.

    For Paris, Lyon and Marseille, the arrondissements are returned instead of the whole
    commune, so that nothing is counted twice.
    """
    cp = _clean_code(code_postal)
    rows = _all(
        "SELECT p.commune, c.commune_parente FROM codes_postaux p "
        "JOIN communes c ON c.code = p.commune AND c.type IN ('COM', 'ARM') "
        "WHERE p.code_postal = ? ORDER BY p.commune",
        (cp,),
    )
    parents = {parent for _, parent in rows if parent}
    return [code for code, _ in rows if code not in parents]


def _osa_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein + adjacent transpositions)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


_CODE_ALPHABET = "0123456789AB"


def close_codes(code: str, limit: int = 5) -> list[str]:
    """A handful of current commune codes close to ``code`` (for an unknown code).

    A 4-digit code first gets its lost leading zero back; then codes one typo away (anywhere),
    then codes of the same department at edit distance 2. Ties: larger population first.
    """
    code = _clean_code(code)
    # A commune code has 5 characters: one typo away is 4 to 6. Anything longer is not a
    # typo, and its variants (as many as its length squared) would exhaust the memory.
    if not 3 <= len(code) <= 7 or limit <= 0:
        return []
    con = _connection()
    scored: dict[str, tuple[float, int, int]] = {}

    def consider(cands: list[tuple[str, int | None]], distance_of) -> None:
        for cand, pop in cands:
            if cand == code:
                continue
            d = distance_of(cand)
            if d is None:
                continue
            same_dep = 0 if _dep_prefix(cand) == _dep_prefix(code) else 1
            key = (d, same_dep, -(pop or 0))
            if cand not in scored or key < scored[cand]:
                scored[cand] = key

    def fetch(codes: set[str]) -> list[tuple[str, int | None]]:
        codes = {c for c in codes if c}
        if not codes:
            return []
        marks = ",".join("?" * len(codes))
        return con.execute(
            f"SELECT code, population FROM communes WHERE type IN ('COM', 'ARM') "
            f"AND code IN ({marks})",
            sorted(codes),
        ).fetchall()

    if len(code) == 4 and code.isdigit():
        consider(fetch({"0" + code}), lambda c: 0.5)

    variants: set[str] = set()
    for i in range(len(code)):
        for ch in _CODE_ALPHABET:
            variants.add(code[:i] + ch + code[i + 1 :])  # substitution
            variants.add(code[:i] + ch + code[i:])  # insertion
        variants.add(code[:i] + code[i + 1 :])  # deletion
        if i + 1 < len(code):
            variants.add(code[:i] + code[i + 1] + code[i] + code[i + 2 :])  # transposition
    for ch in _CODE_ALPHABET:
        variants.add(code + ch)
    consider(fetch({v for v in variants if len(v) == 5}), lambda c: 1)

    dep = _dep_prefix(code)
    if len(dep) >= 2:
        rows = con.execute(
            "SELECT code, population FROM communes WHERE code >= ? AND code < ? "
            "AND type IN ('COM', 'ARM')",
            (dep, dep + "~"),
        ).fetchall()

        def within_two(cand: str) -> int | None:
            d = _osa_distance(code, cand)
            return d if d <= 2 else None

        consider(rows, within_two)

    ranked = sorted(scored.items(), key=lambda kv: (kv[1], kv[0]))
    return [c for c, _ in ranked[:limit]]


# --------------------------------------------------------------------------- EPCI


def epci(siren: str) -> Epci | None:
    """An EPCI à fiscalité propre by SIREN, with its member communes."""
    siren = _clean_code(siren)
    con = _connection()
    row = _one("SELECT siren, nom, type FROM epci WHERE siren = ?", (siren,))
    if row is None:
        return None
    members = con.execute(
        "SELECT m.commune, c.departement, c.population FROM epci_membres m "
        "JOIN communes c ON c.code = m.commune AND c.type = 'COM' "
        "WHERE m.siren = ? ORDER BY m.commune",
        (siren,),
    ).fetchall()
    return Epci(
        siren=row[0],
        nom=row[1],
        type=row[2],
        membres=tuple(m[0] for m in members),
        departements=tuple(sorted({m[1] for m in members})),
        population=sum(m[2] or 0 for m in members),
    )


def epci_for_commune(code: str) -> Epci | None:
    """The EPCI à fiscalité propre a commune actuelle belongs to (a few islands: none)."""
    code = _clean_code(code)
    row = _one("SELECT siren FROM epci_membres WHERE commune = ?", (code,))
    return epci(row[0]) if row else None


# --------------------------------------------------------------------------- search


def search(text: str, limit: int = 20) -> list[SearchResult]:
    """Communes (also arrondissements, déléguées, associées) and EPCI matching ``text``: a
    name as people type it (accents, case, hyphens, ``St``/``Ste``, typos), an INSEE code, a
    postcode, a SIREN or a usual EPCI name. See ``cpts_cli.referentiel.finder``."""
    from cpts_cli.referentiel import finder

    return finder.search(text, limit)


# --------------------------------------------------------------------------- territory


def departement(code: str) -> Departement | None:
    row = _one("SELECT code, nom, region FROM departements WHERE code = ?", (_clean_code(code),))
    return Departement(*row) if row else None


def region(code: str) -> Region | None:
    row = _one("SELECT code, nom FROM regions WHERE code = ?", (_clean_code(code),))
    return Region(*row) if row else None


def ars_for_departement(dep: str) -> Ars | None:
    """The ARS of a department (977/978 -> Guadeloupe; 975, 984, 986-989 -> None)."""
    row = _one(
        "SELECT a.code, a.nom, a.region FROM ars_departements d "
        "JOIN ars a ON a.code = d.ars WHERE d.departement = ?",
        (_clean_code(dep),),
    )
    return Ars(*row) if row else None


def ars(code: str) -> Ars | None:
    """An ARS by slug (``ars_referente`` value)."""
    row = _one("SELECT code, nom, region FROM ars WHERE code = ?", (code.strip().lower(),))
    return Ars(*row) if row else None


def ars_list() -> list[Ars]:
    """The 18 ARS, sorted by region code."""
    rows = _all("SELECT code, nom, region FROM ars ORDER BY region")
    return [Ars(*r) for r in rows]


def meta() -> dict[str, str]:
    """Source, version, COG year, population millésime, licence and notes of the data."""
    return dict(_all("SELECT key, value FROM meta ORDER BY key"))
