"""FINESS, extraction of the establishments (``etalab-cs1100507-stock-…csv``, with
coordinates, or ``cs1100502``, without), as ``OPEN_DATA.md`` §1 describes it.

``;``-separated, no header; line 1 ``finess;etalab;<n>;<YYYY-MM-DD>`` gives the extraction
date (the vintage: its year; the date itself orders two extractions of a year); then the
``structureet`` lines, then the ``geolocalisation`` lines (joined on ``nofinesset``). A line
with a ``"`` goes through the CSV parser (quoted fields, doubled quotes), the others are
split (the file is national: ~200 000 lines). UTF-8 or ISO-8859-1, detected. Plain, or in a
zip (its member whose name ends ``.csv`` and whose content is the extraction).

A malformed line — a ``structureet`` line with fewer fields than up to ``categetab`` or more
than the layout's 32 (a ``;`` not quoted shifts the columns), a ``geolocalisation`` line
with too few fields or coordinates that are not numbers — is not read, but counted
and said (``SourceFile.warning``, and the indicators' ``note`` for ``structureet`` lines); a
file where most lines of a kind are malformed is refused.

Commune: ``departement`` (2 characters; 9A…9J overseas = 971…986) + ``commune`` (3 digits).
Counts by category for the territory, each department and region, and France; per 10 000
inhabitants with the reference populations (``populations légales`` of the store).
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from cpts_cli.diagnostic import reading
from cpts_cli.diagnostic.projection import system_of, to_wgs84
from cpts_cli.diagnostic.sources import Figure, Scope, SourceFile
from cpts_cli.support.formatting import fmt_int

KIND = "finess"
EDITEUR = "DREES"
JEU = "FINESS, fichier des établissements"

#: Overseas department letters of the file → INSEE department (``OPEN_DATA.md`` §1).
OVERSEAS = {
    "9A": "971", "9B": "972", "9C": "973", "9D": "974",
    "9E": "975", "9F": "976", "9J": "986",
}  # fmt: skip

#: (key, libellé, theme, FINESS categories) of the indicators. The codes are DOMAIN.md §6's;
#: 460 (SAA) and 209 (SAAS) are the categories' current names (formerly SAAD and SPASAD).
CATEGORIES = (
    ("ehpad", "EHPAD", "etablissements", ("500",)),
    ("pharmacies", "Pharmacies d'officine", "offre_soins", ("620",)),
    ("msp", "Maisons de santé pluriprofessionnelles", "offre_soins", ("603",)),
    ("centres_sante", "Centres de santé", "offre_soins", ("124",)),
    ("hopitaux", "Centres hospitaliers (dont CHR/CHU)", "etablissements", ("101", "106", "355")),
    ("had", "Établissements d'hospitalisation à domicile", "etablissements", ("127",)),
    ("ssiad", "Services de soins infirmiers à domicile", "etablissements", ("354",)),
    ("saa", "Services d'aide à domicile (SAA)", "etablissements", ("460",)),
    ("saas", "Services d'aide et de soins à domicile (SAAS)", "etablissements", ("209",)),
    ("laboratoires", "Laboratoires de biologie médicale", "offre_soins", ("611",)),
    ("cmp", "Centres médico-psychologiques", "sante_mentale", ("156",)),
    ("chs", "Établissements de santé mentale (CHS)", "sante_mentale", ("292",)),
    ("csapa", "CSAPA (addictologie)", "sante_mentale", ("197",)),
)
_GROUP = {cat: i for i, (_k, _l, _t, cats) in enumerate(CATEGORIES) for cat in cats}
_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
#: Fields of a ``structureet`` line up to ``categetab`` (index 18); the layout has 32.
_MIN_FIELDS = 19
_MAX_FIELDS = 32
_HEAD = 64


def sniff(head: bytes, name: str) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf")
    return text.startswith((b"finess;etalab;", b"structureet;"))


def sniff_file(path: Path) -> bool:
    """A zip holding the extraction: a member named ``….csv`` that starts like one."""
    try:
        with path.open("rb") as raw:
            if raw.read(4) != b"PK\x03\x04":
                return False
        with reading.open_zip(path) as archive:
            return bool(_extractions(archive))
    except Exception:  # noqa: BLE001 - not a zip we can read: not ours
        return False


def _extractions(archive) -> list:
    """The members of ``archive`` named ``….csv`` whose first bytes are an extraction's."""
    found = []
    for member in archive.infolist():
        if member.is_dir() or not member.filename.lower().endswith(".csv"):
            continue
        try:
            with archive.open(member) as raw:
                head = raw.read(_HEAD)
        except Exception:  # noqa: BLE001 - encrypted, damaged: not readable as ours
            continue
        if sniff(head, member.filename):
            found.append(member)
    return found


def read(path: Path, scope: Scope) -> SourceFile:
    name = path.name
    with path.open("rb") as raw:
        zipped = raw.read(4) == b"PK\x03\x04"
    if not zipped:
        return _read_text(lambda: path.open("rb"), name, (name,), scope)
    with reading.open_zip(path) as archive:
        found = _extractions(archive)
        if len(found) != 1:
            inside = ", ".join(m.filename for m in found) or ", ".join(
                m.filename for m in archive.infolist()[:6]
            )
            raise reading.refuse(
                name,
                (
                    f"l'archive contient plusieurs extractions FINESS ({inside}) : "
                    "importez-les une à une."
                )
                if found
                else f"l'archive ne contient pas d'extraction FINESS des établissements "
                f"(un fichier .csv commençant par « finess;etalab; ») : elle contient {inside}.",
            )
        opener = reading.zip_member(archive, name, found[0])
        return _read_text(opener, name, (found[0].filename, name), scope)


def _read_text(opener, name: str, names: tuple[str, ...], scope: Scope) -> SourceFile:
    for _encoding, lines in reading.text_lines(opener, name):
        try:
            return _read_lines(lines, name, names, scope)
        except reading.WrongEncoding:
            continue
    raise reading.refuse(name, "encodage illisible.")  # latin-1 reads any byte: not reached


def _fields(line: str) -> list[str]:
    line = line.rstrip("\r")
    if '"' in line:
        return next(csv.reader([line], delimiter=";"), [])
    return line.split(";")


def _insee(departement: str, commune: str) -> str:
    dep = departement.strip().upper()
    dep = OVERSEAS.get(dep, dep)
    if len(dep) == 3:  # 971 + 101 → 97101
        return dep[:2] + commune.strip().zfill(3)
    return dep.zfill(2) + commune.strip().zfill(3)


def _vintage(first: str, name: str, names: tuple[str, ...]) -> tuple[int, str]:
    parts = first.split(";")
    if parts[0] == "finess" and len(parts) >= 4 and (m := _DATE.fullmatch(parts[3].strip())):
        return int(m.group(1)), f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    for each in names:
        m = _DATE.search(Path(each).name.replace("_", "-"))
        if m and 1990 <= int(m.group(1)) <= 2100:
            return int(m.group(1)), f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    raise reading.refuse(
        name,
        "date d'extraction inconnue (ni ligne « finess;etalab;…;AAAA-MM-JJ » en tête, ni "
        "date dans le nom du fichier) : millésime inconnu.",
    )


def _read_lines(lines, name: str, names: tuple[str, ...], scope: Scope) -> SourceFile:
    first = next(lines, "")
    if not sniff(first.encode("utf-8", "replace"), name):
        raise reading.refuse(name, "ce n'est pas une extraction FINESS des établissements.")
    year, date = _vintage(first.lstrip("\ufeff"), name, names)
    wanted = reading.territory_codes(scope)
    width = len(CATEGORIES)
    by_dep: dict[str, list[int]] = {}
    territory = [0] * width
    kept: dict[str, dict] = {}  # nofinesset → structure (territory, mapped category)
    types = _structure_types()
    structures = bad = located = bad_located = 0
    pending = [first] if first.startswith("structureet;") else []
    for line in _chain(pending, lines):
        if line.startswith("structureet;"):
            row = _fields(line)
            if not _MIN_FIELDS <= len(row) <= _MAX_FIELDS:
                bad += 1
                continue
            structures += 1
            code = _insee(row[13], row[12])
            cat = row[18].strip()
            group = _GROUP.get(cat)
            target = wanted.get(code)
            if target is None and code in _CITIES:
                target = wanted.get(_arrondissement(row[15]))
            if group is not None:
                dep = reading.departement_of(code)
                counts = by_dep.get(dep)
                if counts is None:
                    counts = by_dep[dep] = [0] * width
                counts[group] += 1
                if target is not None:
                    territory[group] += 1
            if target is not None and cat in types:
                kept[row[1].strip()] = _structure(row, types[cat], target)
        elif line.startswith("geolocalisation;"):
            row = _fields(line)
            try:
                point = _coordinates(row)
            except ValueError:
                bad_located += 1
                continue
            located += 1
            if point is not None and row[1].strip() in kept:
                _locate(kept[row[1].strip()], row[4], point)
    if not structures:
        raise reading.refuse(
            name,
            "aucune ligne « structureet » complète (colonnes manquantes ?) : ce n'est pas "
            "une extraction FINESS des établissements lisible.",
        )
    lost = _malformed(name, (structures, bad), (located, bad_located))
    source = _source(year, date, territory, by_dep, scope, kept, lost[0])
    return replace(source, warning=" ".join(s for s in lost if s))


def _malformed(name: str, *tallies: tuple[int, int]) -> tuple[str, str]:
    """The sentences saying the malformed lines of each kind (``structureet``,
    ``geolocalisation``), given (read, malformed) for each; refused when most are."""
    said = []
    for kind, (good, bad) in zip(("structureet", "geolocalisation"), tallies, strict=True):
        if bad > good:
            raise reading.refuse(
                name,
                f"{fmt_int(bad)} lignes « {kind} » sur {fmt_int(good + bad)} sont illisibles "
                "(nombre de champs ou coordonnées inattendus) : ce n'est pas une extraction "
                "FINESS des établissements lisible.",
            )
        said.append(
            (
                f"{fmt_int(bad)} lignes « {kind} » illisibles, ignorées."
                if bad > 1
                else f"1 ligne « {kind} » illisible, ignorée."
            )
            if bad
            else ""
        )
    return said[0], said[1]


#: Paris, Lyon, Marseille: a line may give the whole city; a territory made of some of
#: its arrondissements finds its establishments through their postcode.
_CITIES = ("75056", "69123", "13055")


@lru_cache(maxsize=512)
def _arrondissement_of(postcode: str) -> str:
    from cpts_cli.referentiel import store

    found = [c for c in store.postal_codes(postcode) if c[:3] in ("751", "693", "132")]
    return found[0] if len(found) == 1 else ""


def _arrondissement(acheminement: str) -> str:
    """The arrondissement of a ``ligneacheminement`` (``75012 PARIS``, ``69003 LYON``)."""
    postcode = acheminement.strip()[:5]
    return _arrondissement_of(postcode) if postcode.isdigit() else ""


def _chain(first: list[str], rest):
    yield from first
    yield from rest


def _structure_types() -> dict[str, str]:
    """FINESS category → the project's ``type_structure`` (the schema's
    ``x-categories-finess``, so that the vocabulary has one source)."""
    from cpts_cli.support.resources import schema

    mapping = schema()["$defs"]["type_structure"].get("x-categories-finess", {})
    return {cat: kind for kind, cats in mapping.items() for cat in cats}


def _structure(row: list[str], kind: str, commune: str) -> dict:
    nom = (row[4].strip() if len(row) > 4 else "") or row[3].strip()
    return {"finess": row[1].strip(), "nom": nom, "type": kind, "commune": commune}


def _coordinates(row: list[str]) -> tuple[float, float] | None:
    """The coordinates of a ``geolocalisation`` line; None when it has none; ValueError
    when it is malformed (too few fields, coordinates that are not numbers)."""
    if len(row) < 5:
        raise ValueError(row)
    x, y = row[2].strip(), row[3].strip()
    if not x and not y:
        return None
    return float(x.replace(",", ".")), float(y.replace(",", "."))


def _locate(structure: dict, system: str, xy: tuple[float, float]) -> None:
    epsg = system_of(system, reading.departement_of(structure["commune"]))
    point = to_wgs84(xy[0], xy[1], epsg)
    if point is not None:
        structure["coordonnees"] = {"longitude": point[0], "latitude": point[1]}


def _source(year, date, territory, by_dep, scope: Scope, kept, lost: str) -> SourceFile:
    pop_communes, pop_deps, pop_france, pop_year = reading.populations()
    pop_territory = sum(pop_communes.get(c, 0) for c in scope.communes)
    by_reg: dict[str, list[int]] = {}
    france = [0] * len(CATEGORIES)
    pop_regs: dict[str, int] = {}
    for dep, counts in by_dep.items():
        _add(france, counts)
        _add(by_reg.setdefault(reading.region_of(dep), [0] * len(CATEGORIES)), counts)
    for dep, pop in pop_deps.items():
        reg = reading.region_of(dep)
        pop_regs[reg] = pop_regs.get(reg, 0) + pop
    note = (
        f"Densité calculée avec la population municipale {pop_year} (INSEE, populations légales)."
    )
    suffix = f" {lost}" if lost else ""
    note += suffix
    figures: list[Figure] = []
    for i, (key, libelle, theme, cats) in enumerate(CATEGORIES):
        figures.append(
            Figure(
                code=f"etablissements_{key}",
                libelle=libelle,
                theme=theme,
                unite="établissements",
                territoire=territory[i],
                note=f"{'Catégorie' if len(cats) == 1 else 'Catégories'} FINESS "
                f"{', '.join(cats)}.{suffix}",
            )
        )
        figures.append(
            Figure(
                code=f"{key}_pour_10000",
                libelle=f"{libelle} pour 10 000 habitants",
                theme=theme,
                unite="pour 10 000 habitants",
                territoire=reading.per(territory[i], pop_territory),
                departements={
                    d: reading.per(by_dep.get(d, [0] * len(CATEGORIES))[i], pop_deps.get(d))
                    for d in scope.departements
                },
                regions={
                    r: reading.per(by_reg.get(r, [0] * len(CATEGORIES))[i], pop_regs.get(r))
                    for r in scope.regions
                },
                france=reading.per(france[i], pop_france),
                note=note,
            )
        )
    structures = tuple(sorted(kept.values(), key=lambda s: (s["type"], s["nom"], s["finess"])))
    return SourceFile(KIND, EDITEUR, JEU, year, tuple(figures), structures, version=date)


def _add(total: list[int], values: list[int]) -> None:
    for i, v in enumerate(values):
        total[i] += v
