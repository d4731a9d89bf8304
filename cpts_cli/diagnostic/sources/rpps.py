"""The RPPS extraction, counted nationally: professionals per 10 000 inhabitants and their
share in liberal practice, for the territory, its departments, its regions and France.

The file is the one ``cpts actors import`` reads (``PS_LibreAcces_Personne_activite_*.txt``,
plain or in its zip), scanned by the same block reader (``actors.importing.rpps``); but here
every line counts, so each block is split line by line (only up to the last column we
use) and each professional's lines are folded into the areas where they practise:

* a professional counts once in an area (the territory, a department…), whatever the
  number of their activities there; in liberal practice there when one of those activities
  is liberal; a médecin is a GP when one of their activities carries a GP savoir-faire
  (as ``cpts actors import`` decides);
* the place of an activity is its commune code (old codes and arrondissements resolved
  by the reference store), else its postcode (the commune named in the address when the
  postcode serves several; else only the areas all of them are in);
* lines of one professional follow each other in the extraction: one is folded when the
  next professional starts. A professional whose lines are scattered is detected (the
  hashes of the folded identifiers, sorted by bucket at the end) and recounted by a second
  pass over the file — exact either way, never holding the 2 million lines.

Populations are the reference store's (population municipale, the sum over communes).
"""

from __future__ import annotations

import contextlib
import re
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from cpts_cli.actors.importing.limits import MAX_EXTRACTION_BYTES, too_big
from cpts_cli.actors.importing.model import _is_gp, mode_from_text, norm, rpps_profession_codes
from cpts_cli.actors.importing.rpps import (
    _bureau_name,
    is_rpps_header,
    read_header,
    refuse_long_line,
    scan_extraction,
)
from cpts_cli.actors.importing.source import open_member
from cpts_cli.diagnostic.sources import Figure, Scope, SourceFile
from cpts_cli.referentiel import store
from cpts_cli.support.errors import CptsError, os_error_fr
from cpts_cli.support.formatting import fmt_int

KIND = "rpps"
EDITEUR = "ANS (Annuaire Santé)"
JEU = "Extraction publique du RPPS (PS_LibreAcces)"

#: Professions reported: vocabulary value → (code stem, label in the plural).
PROFESSIONS = {
    "medecin_generaliste": ("medecins_generalistes", "médecins généralistes"),
    "medecin_specialiste": ("medecins_specialistes", "médecins spécialistes"),
    "infirmier": ("infirmiers", "infirmiers"),
    "masseur_kinesitherapeute": ("masseurs_kinesitherapeutes", "masseurs-kinésithérapeutes"),
    "chirurgien_dentiste": ("chirurgiens_dentistes", "chirurgiens-dentistes"),
    "sage_femme": ("sages_femmes", "sages-femmes"),
    "pharmacien": ("pharmaciens", "pharmaciens"),
    "orthophoniste": ("orthophonistes", "orthophonistes"),
    "pedicure_podologue": ("pedicures_podologues", "pédicures-podologues"),
    "psychologue": ("psychologues", "psychologues"),
}
#: Reported only when the file has some (a usage title, absent from some extractions).
IF_PRESENT = ("psychologue",)

_STAMP = re.compile(r"PS_LibreAcces(?:_Personne_activite)?_((?:19|20)\d{2})(\d{2})(\d{2})", re.I)
_SNIFF = 64 * 1024
FRANCE = "FR"
TERRITORY = "T"


# --------------------------------------------------------------------------- sniff


def sniff(head: bytes, name: str) -> bool:
    """An extraction: its header row (``Identifiant PP``, ``Code profession``), or a zip
    named (or whose first member is named) ``PS_LibreAcces…``."""
    if head.startswith(b"PK\x03\x04"):
        size = int.from_bytes(head[26:28], "little")
        member = head[30 : 30 + size].decode("latin-1").lower()
        return "ps_libreacces" in name.lower() or "ps_libreacces" in member
    first = head.split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf").decode("latin-1")
    return "|" in first and is_rpps_header([norm(n) for n in first.split("|")])


def vintage(*names: str) -> int | None:
    """The year of the extraction, from its file name (or its zip's), else None."""
    stamp = extraction_date(*names)
    return int(stamp[:4]) if stamp else None


def extraction_date(*names: str) -> str:
    """The date of the extraction (``YYYY-MM-DD``), from the stamp of its file name
    (``PS_LibreAcces_Personne_activite_AAAAMMJJhhmm.txt``) or its zip's, else ""."""
    for name in names:
        found = _STAMP.search(Path(name).name)
        if found:
            year, month, day = (int(g) for g in found.groups())
            try:
                return date(year, month, day).isoformat()
            except ValueError:
                continue
    return ""


# --------------------------------------------------------------------------- places


class _Areas:
    """Commune code (as written in the file, bytes) → the areas of the scope it is in."""

    def __init__(self, scope: Scope) -> None:
        self.deps = set(scope.departements)
        self.regs = set(scope.regions)
        members = set(scope.communes)
        self.population: dict[str, int] = {}
        self.unknown_population: list[str] = []
        self.by_code: dict[bytes, tuple[str, ...] | None] = {b"": None}
        self._served: dict[bytes, list[str]] = {}
        for commune in national_communes():
            if commune.is_arrondissement:
                inside = commune.code in members or commune.commune_parente in members
                self._add(commune, inside, count=False)
            elif commune.region in _REGIONS_OUTSIDE:  # collectivités d'outre-mer
                self.by_code[commune.code.encode("ascii")] = ()
            else:
                self._add(commune, commune.code in members)
        for code in members:
            found = store.commune(code)
            pop = found.population if found else None
            if pop is None:
                self.unknown_population.append(code)
            else:
                self.population[TERRITORY] = self.population.get(TERRITORY, 0) + pop
        self._postcodes: dict[tuple[bytes, str], tuple[str, ...] | None] = {}

    def _add(self, commune, inside: bool, count: bool = True) -> None:
        areas = [FRANCE]
        if commune.region in self.regs:
            areas.append("R" + commune.region)
        if commune.departement in self.deps:
            areas.append("D" + commune.departement)
        if inside:
            areas.append(TERRITORY)
        key = tuple(areas)
        self.by_code[commune.code.encode("ascii")] = _shared(key)
        if count and commune.population is not None:
            for area in areas[:-1] if inside else areas:
                self.population[area] = self.population.get(area, 0) + commune.population

    def of_code(self, raw: bytes) -> tuple[str, ...] | None:
        """Areas of a commune code the preloaded table does not have (old codes…)."""
        code = raw.strip().decode("latin-1").upper()
        found = self.by_code.get(code.encode("latin-1"))
        if found is None and code and len(code) == 5:
            resolution = store.resolve_commune(code)
            if resolution.commune is not None:
                found = self.by_code.get(resolution.commune.code.encode("ascii"))
        self.by_code[raw] = found
        return found

    def of_postcode(self, cp: bytes, name: str) -> tuple[str, ...] | None:
        """Areas of an address without commune code: its postcode, the commune it names."""
        key = (cp, name)
        if key in self._postcodes:
            return self._postcodes[key]
        served = self._served.get(cp)
        if served is None:
            text = cp.strip().decode("latin-1")
            served = store.postal_codes(text) if text.isdigit() and len(text) == 5 else []
            self._served[cp] = served
        named = [c for c in served if name and len(served) > 1 and _name(c) == name]
        chosen = named if len(named) == 1 else served
        found = [self.by_code.get(c.encode("ascii")) for c in chosen]
        areas = None
        if found and all(found):
            common = set(found[0]).intersection(*found[1:])
            areas = _shared(tuple(a for a in found[0] if a in common))
        self._postcodes[key] = areas
        return areas


_CITIES = ("75056", "69123", "13055")


@lru_cache(maxsize=1 << 16)
def _name(code: str) -> str:
    """The normalised name of a commune (or arrondissement) of the national table."""
    return norm(_names().get(code, ""))


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return {c.code: c.nom for c in national_communes()}


_OUTSIDE = ("975", "977", "978", "984", "986", "987", "988", "989")
_REGIONS_OUTSIDE = frozenset(_OUTSIDE)


@lru_cache(maxsize=1)
def national_communes() -> tuple[store.Commune, ...]:
    """Every commune of the reference store in a region, then the arrondissements of
    Paris, Lyon and Marseille, then the communes of the collectivités d'outre-mer."""
    out: list[store.Commune] = []
    for region in sorted({a.region for a in store.ars_list()}):
        out.extend(store.communes_in(region=region))
    for city in _CITIES:
        out.extend(store.arrondissements(city))
    for dep in _OUTSIDE:
        out.extend(c for c in store.communes_in(departement=dep) if c.region in _OUTSIDE)
    return tuple(out)


_TUPLES: dict[tuple[str, ...], tuple[str, ...]] = {}


def _shared(key: tuple[str, ...]) -> tuple[str, ...]:
    return _TUPLES.setdefault(key, key)


# --------------------------------------------------------------------------- counting


@dataclass
class _Result:
    lines: int = 0
    bad_lines: int = 0


@dataclass
class _Counts:
    """Professionals per (area, profession), and those in liberal practice."""

    total: dict[tuple[str, str], int] = field(default_factory=dict)
    liberal: dict[tuple[str, str], int] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)  # professions seen in the file
    unplaced: int = 0  # activities without a place we can tell


_FIELDS = ("ident", "code_profession", "savoir_faire", "code_mode", "code_commune")
_FIELDS += ("code_postal", "libelle_commune", "bureau_cedex")

#: What one professional adds to the counts: their profession codes, whether a médecin is
#: a GP, the (profession, areas) where they practise and those where they practise in
#: liberal practice.
Pattern = tuple[frozenset, bool, frozenset, frozenset]


class _Counter:
    """Folds an extraction's lines (``scan_extraction``'s reader) into patterns.

    A professional becomes a ``Pattern`` (a few hundred distinct ones for the whole of
    France): the counter keeps how many professionals have each pattern, and for each
    professional the hash of their identifier and their pattern's number (12 bytes), so
    that one whose lines are not together is found at the end and counted once.
    """

    def __init__(self, header, sample, source, areas: _Areas) -> None:
        parsed = read_header(header, sample)
        self.source = source
        self.encoding = parsed.encoding
        cols = parsed.columns
        if "ident" not in cols and "ident_national" in cols:
            cols["ident"] = cols["ident_national"]
        missing = [k for k in ("ident", "code_profession") if k not in cols]
        if "code_mode" not in cols and "mode" not in cols:
            missing.append("code_mode")
        if "code_commune" not in cols and "code_postal" not in cols:
            missing.append("code_commune")
        if missing:
            raise CptsError(
                f"« {source} » ressemble à une extraction RPPS mais il lui manque les colonnes "
                + ", ".join(f"« {_LABELS[k]} »" for k in missing)
                + " : est-ce bien le fichier PS_LibreAcces_Personne_activite ?"
            )
        cols.setdefault("code_mode", cols.get("mode"))
        # A column the file lacks reads the "" appended to each line's fields (index -1).
        self.idx = [cols.get(k, -1) for k in _FIELDS]
        self.maxsplit = max(self.idx) + 1
        self.accepted = parsed.pipes
        self.expected = parsed.expected
        self.result = _Result()
        self.line = 1
        self.areas = areas
        self.unplaced = 0
        self.patterns: dict[Pattern, int] = {}
        self.people: list[int] = []  # professionals per pattern number
        self.hashes = [array("q") for _ in range(256)]
        self.numbers = [array("l") for _ in range(256)]
        #: the current professional: identifier, first profession code, GP, places and
        #: liberal places of that profession, (profession, places, liberal) of others
        self.state: tuple = (None, None, False, set(), set(), None)
        self._gp: dict[bytes, bool] = {}
        self._liberal: dict[bytes, bool] = {}
        self._places: dict[tuple, tuple[str, ...] | None] = {}
        self._professions = {
            k.encode(): v
            for k, v in rpps_profession_codes().items()
            if any(kind in PROFESSIONS for kind in v)
        }

    def block(self, buf: bytes, lo: int = 0, hi: int | None = None, last: bool = False) -> None:
        hi = len(buf) if hi is None else hi
        if hi <= lo:
            return
        refuse_long_line(self.source, self.line, buf, lo, hi)
        lines = buf[lo:hi].split(b"\n")
        if buf[hi - 1 : hi] == b"\n":
            lines.pop()
        self.line += len(lines)
        self.result.lines += len(lines)
        if buf.count(b"|", lo, hi) != len(lines) * self.accepted:
            good = [x for x in lines if x.count(b"|") == self.accepted]
            self.result.bad_lines += sum(1 for x in lines if x.strip()) - len(good)
            lines = good
        self._lines(lines)

    def _lines(self, lines: list[bytes]) -> None:
        """Sound lines: each professional's (those that follow each other) folded into the
        state of the current one, closed when the next one starts."""
        i_id, i_prof, i_sf, i_mode, i_com, i_cp, i_lib, i_cedex = self.idx
        maxsplit, professions, by_code = self.maxsplit, self._professions, self.areas.by_code
        liberal_mode, gp_cache = self._liberal, self._gp
        current, first, gp, places, liberal, others = self.state
        for line in lines:
            f = line.split(b"|", maxsplit)
            f.append(b"")
            ident = f[i_id]
            if ident != current:
                if first is not None:
                    self._close(current, first, gp, places, liberal, others)
                current, first, gp, places, liberal, others = ident, None, False, set(), set(), None
            prof = f[i_prof]
            if prof not in professions:
                prof = prof.strip()
                if prof not in professions:
                    continue
            sf = f[i_sf]
            if sf and not gp:
                gp = gp_cache.get(sf)
                if gp is None:
                    gp = self._is_gp(sf)
            if first is None:
                first = prof
            areas = by_code.get(f[i_com])
            if areas is None:
                areas = self._place(f[i_com], f[i_cp], f[i_lib], f[i_cedex])
                if areas is None:
                    self.unplaced += 1
                    if prof != first:
                        others = others or set()
                        others.add((prof, None, False))
                    continue
            mode = f[i_mode]
            is_liberal = liberal_mode.get(mode)
            if is_liberal is None:
                is_liberal = self._is_liberal(mode)
            if prof == first:
                places.add(areas)
                if is_liberal:
                    liberal.add(areas)
            else:  # a second profession (rare): its own places
                others = others or set()
                others.add((prof, areas, is_liberal))
        self.state = (current, first, gp, places, liberal, others)

    def _close(self, ident: bytes, first: bytes, gp, places, liberal, others) -> None:
        """One professional → their pattern's count, and their identifier's hash."""
        if others is None:
            key = (first, bool(gp), frozenset(places), frozenset(liberal))
        else:
            key = (
                frozenset({first, *(o[0] for o in others)}),
                bool(gp),
                frozenset({*((first, a) for a in places), *((o[0], o[1]) for o in others if o[1])}),
                frozenset(
                    {*((first, a) for a in liberal), *((o[0], o[1]) for o in others if o[2])}
                ),
            )
        number = self.patterns.get(key)
        if number is None:
            number = self.patterns[key] = len(self.people)
            self.people.append(0)
        self.people[number] += 1
        h = hash(ident)
        self.hashes[h & 255].append(h)
        self.numbers[h & 255].append(number)

    def finish(self) -> _Counts:
        """The counts, each professional once (their scattered groups merged)."""
        if self.state[1] is not None:
            self._close(*self.state)
            self.state = (None, None, False, set(), set(), None)
        patterns = [_canonical(p) for p in self.patterns]
        self.patterns = dict(zip(patterns, range(len(patterns)), strict=True))
        people = self.people
        for hashes, numbers in zip(self.hashes, self.numbers, strict=True):
            ordered = sorted(hashes)
            twice = {a for a, b in zip(ordered, ordered[1:], strict=False) if a == b}
            if not twice:
                continue
            groups: dict[int, list[int]] = {}
            for h, number in zip(hashes, numbers, strict=True):
                if h in twice:
                    groups.setdefault(h, []).append(number)
            for numbers_of_one in groups.values():
                merged = _merge([patterns[n] for n in numbers_of_one])
                for n in numbers_of_one:
                    people[n] -= 1
                number = self.patterns.get(merged)
                if number is None:
                    number = self.patterns[merged] = len(people)
                    patterns.append(merged)
                    people.append(0)
                people[number] += 1
        counts = _Counts(unplaced=self.unplaced)
        for (kinds, gp, places, liberal), n in zip(patterns, people, strict=True):
            if not n:
                continue
            counts.present.update(self._kind(code, gp) for code in kinds)
            for target, found in ((counts.total, places), (counts.liberal, liberal)):
                pairs = {(area, self._kind(code, gp)) for code, areas in found for area in areas}
                for pair in pairs:
                    target[pair] = target.get(pair, 0) + n
        return counts

    def _kind(self, code: bytes, gp: bool) -> str:
        values = self._professions[code.strip()]
        return values[0] if len(values) == 1 or gp else values[1]

    def _place(self, com: bytes, cp: bytes, lib: bytes, cedex: bytes) -> tuple[str, ...] | None:
        key = (com, cp, lib, cedex)
        if key in self._places:
            return self._places[key]
        found = self.areas.of_code(com) if com.strip() else None
        if found is None and cp.strip():
            name = norm(lib.decode(self.encoding, errors="replace"))
            if not name and cedex:
                name = _bureau_name(cedex.decode(self.encoding, errors="replace"))
            found = self.areas.of_postcode(cp, name)
        self._places[key] = found
        return found

    def _is_gp(self, sf: bytes) -> bool:
        found = self._gp.get(sf)
        if found is None:
            found = self._gp[sf] = _is_gp(sf.decode(self.encoding, errors="replace"))
        return found

    def _is_liberal(self, mode: bytes) -> bool:
        text = mode.decode(self.encoding, errors="replace")
        found = self._liberal[mode] = mode_from_text(text) in ("liberal", "mixte")
        return found


def _canonical(key: tuple) -> Pattern:
    """A pattern of one profession (its code, places as areas) in the general form."""
    if isinstance(key[0], frozenset):
        return key
    prof, gp, places, liberal = key
    return (
        frozenset((prof,)),
        gp,
        frozenset((prof, a) for a in places),
        frozenset((prof, a) for a in liberal),
    )


def _merge(patterns: list[Pattern]) -> Pattern:
    """One professional whose lines were in several places of the file."""
    return (
        frozenset().union(*(p[0] for p in patterns)),
        any(p[1] for p in patterns),
        frozenset().union(*(p[2] for p in patterns)),
        frozenset().union(*(p[3] for p in patterns)),
    )


_LABELS = {
    "ident": "Identifiant PP",
    "code_profession": "Code profession",
    "code_mode": "Code mode exercice",
    "code_commune": "Code commune (coord. structure)",
}


# --------------------------------------------------------------------------- reading


@contextlib.contextmanager
def _open(path: Path) -> Iterator[tuple[BinaryIO, bytes, str, str]]:
    """The extraction's stream, its first bytes, its label and its own file name."""
    name = path.name
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise CptsError(f"Lecture impossible de « {path} » : {os_error_fr(exc)}.") from None
    with handle:
        head = handle.read(_SNIFF)
        if not head:
            raise CptsError(f"« {name} » est vide.")
        if not head.startswith(b"PK\x03\x04"):
            if path.stat().st_size > MAX_EXTRACTION_BYTES:
                raise CptsError(
                    too_big(name, path.stat().st_size, MAX_EXTRACTION_BYTES, "pour une extraction")
                )
            yield handle, head, name, name
            return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise CptsError(_broken_zip(name)) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        wanted = [m for m in members if "personne_activite" in m.filename.lower()]
        if len(wanted) != 1:
            raise CptsError(
                f"L'archive « {name} » ne contient pas un (seul) fichier "
                "PS_LibreAcces_Personne_activite_*.txt : ce n'est pas l'extraction RPPS."
            )
        try:
            with open_member(archive, wanted[0], name, MAX_EXTRACTION_BYTES) as stream:
                head = stream.read(_SNIFF)
                yield stream, head, stream.label, wanted[0].filename
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            raise CptsError(_broken_zip(name)) from None


def _broken_zip(name: str) -> str:
    return (
        f"L'archive « {name} » est abîmée ou incomplète (téléchargement interrompu ?) : "
        "téléchargez-la de nouveau. Rien n'a été importé."
    )


def _scan(path: Path, areas: _Areas) -> tuple[_Counter, str, str]:
    with _open(path) as (stream, head, label, member):
        first = head.split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf").decode("latin-1")
        if not ("|" in first and is_rpps_header([norm(n) for n in first.split("|")])):
            raise CptsError(
                f"« {label} » n'est pas une extraction RPPS : sa première ligne n'a pas les "
                "colonnes « Identifiant PP » et « Code profession » séparées par « | »."
            )
        counter = scan_extraction(
            stream,
            source=label,
            first=head,
            make_reader=lambda h, s: _Counter(h, s, label, areas),
        )
    return counter, label, member


def read(path: Path, scope: Scope) -> SourceFile:
    """Professionals per 10 000 inhabitants and liberal share, by profession."""
    path = Path(path)
    extracted = extraction_date(path.name, *_members(path))
    if not extracted:
        raise CptsError(
            f"« {path.name} » : millésime inconnu. Le nom du fichier doit garder la date de "
            "l'extraction (PS_LibreAcces_Personne_activite_AAAAMMJJ….txt ou "
            "PS_LibreAcces_AAAAMMJJ….zip, tel que téléchargé) : rien n'a été importé."
        )
    areas = _Areas(scope)
    counter, _label, _member = _scan(path, areas)
    counts = counter.finish()
    figures = _figures(counts, areas, scope, counter.result)
    return SourceFile(KIND, EDITEUR, JEU, int(extracted[:4]), tuple(figures), version=extracted)


def _members(path: Path) -> list[str]:
    """Names of a zip's members (none for a plain file or a zip we cannot read yet)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return [n for n in archive.namelist() if "personne_activite" in n.lower()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return []


def _figures(counts: _Counts, areas: _Areas, scope: Scope, read: _Result) -> list[Figure]:
    pop = areas.population
    missing_pop = ""
    if areas.unknown_population:
        missing_pop = (
            " Population inconnue pour " + ", ".join(areas.unknown_population)
            + " : le territoire est compté sans elles."
        )  # fmt: skip
    unplaced = ""
    if counts.unplaced:
        unplaced = (
            f" {fmt_int(counts.unplaced)} activités de l'extraction (sur {fmt_int(read.lines)} "
            "lignes) n'ont ni "
            "code commune ni code postal utilisable : elles ne sont comptées nulle part."
        )
    if read.bad_lines:
        unplaced += (
            f" {fmt_int(read.bad_lines)} lignes n'avaient pas le nombre de champs de l'en-tête : "
            "ignorées."
        )
    out: list[Figure] = []
    for kind, (stem, plural) in PROFESSIONS.items():
        if kind in IF_PRESENT and kind not in counts.present:
            continue

        def density(area: str, kind=kind) -> float | None:
            people = pop.get(area)
            if not people:
                return None
            return round(counts.total.get((area, kind), 0) * 10_000 / people, 1)

        def share(area: str, kind=kind) -> float | None:
            total = counts.total.get((area, kind), 0)
            if not total:
                return None
            return round(counts.liberal.get((area, kind), 0) * 100 / total, 1)

        here = counts.total.get((TERRITORY, kind), 0)
        note = (
            f"{plural.capitalize()} exerçant dans le territoire : {fmt_int(here)} (chacun compté une "
            "fois, quel que soit le nombre de ses activités), rapportés à la population "
            "municipale." + missing_pop + unplaced
        )
        for code, libelle, unit, value in (
            (f"{stem}_pour_10000", f"{plural.capitalize()} pour 10 000 habitants",
             "pour 10 000 habitants", density),
            (f"{stem}_part_liberale", f"Part des {plural} exerçant en libéral", "%", share),
        ):  # fmt: skip
            out.append(
                Figure(
                    code=code,
                    libelle=libelle,
                    theme="offre_soins",
                    unite=unit,
                    territoire=value(TERRITORY),
                    departements={d: value("D" + d) for d in scope.departements},
                    regions={r: value("R" + r) for r in scope.regions},
                    france=value(FRANCE),
                    note=note if value is density else _share_note(here, plural),
                )
            )
    return out


def _share_note(here: int, plural: str) -> str:
    return (
        f"Part des {here} {plural} du territoire dont au moins une activité y est libérale "
        "(exclusive ou mixte)."
    )
