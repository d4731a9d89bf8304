"""FINESS, extraction of the establishments (``etalab-cs1100507-stock-…csv``, with
coordinates, or ``cs1100502``, without), as ``OPEN_DATA.md`` §1 describes it.

``;``-separated, no header; line 1 ``finess;etalab;<n>;<YYYY-MM-DD>`` gives the extraction
date (the vintage: its year; the date itself orders two extractions of a year); then the
``structureet`` lines, then the ``geolocalisation`` lines (joined on ``nofinesset``). A line
with a ``"`` goes through the CSV parser (quoted fields, doubled quotes), the others are
split (the file is national: ~200 000 lines). UTF-8 or ISO-8859-1, detected.

Commune: ``departement`` (2 characters; 9A…9J overseas = 971…986) + ``commune`` (3 digits).
Counts by category for the territory, each department and region, and France; per 10 000
inhabitants with the reference populations (``populations légales`` of the store).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from cpts_cli.diagnostic import reading
from cpts_cli.diagnostic.projection import system_of, to_wgs84
from cpts_cli.diagnostic.sources import Figure, Scope, SourceFile

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
#: Fields of a ``structureet`` line up to ``categetab`` (index 18); the file has 32.
_MIN_FIELDS = 19


def sniff(head: bytes, name: str) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf")
    return text.startswith((b"finess;etalab;", b"structureet;"))


def read(path: Path, scope: Scope) -> SourceFile:
    name = path.name
    for _encoding, lines in reading.text_lines(lambda: path.open("rb"), name):
        try:
            return _read_lines(lines, name, scope)
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


def _vintage(first: str, name: str) -> tuple[int, str]:
    parts = first.split(";")
    if parts[0] == "finess" and len(parts) >= 4 and (m := _DATE.fullmatch(parts[3].strip())):
        return int(m.group(1)), f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    if m := _DATE.search(name.replace("_", "-")):
        if 1990 <= int(m.group(1)) <= 2100:
            return int(m.group(1)), f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    raise reading.refuse(
        name,
        "date d'extraction inconnue (ni ligne « finess;etalab;…;AAAA-MM-JJ » en tête, ni "
        "date dans le nom du fichier) : millésime inconnu.",
    )


def _read_lines(lines, name: str, scope: Scope) -> SourceFile:
    first = next(lines, "")
    if not sniff(first.encode("utf-8", "replace"), name):
        raise reading.refuse(name, "ce n'est pas une extraction FINESS des établissements.")
    year, date = _vintage(first.lstrip("\ufeff"), name)
    wanted = reading.territory_codes(scope)
    width = len(CATEGORIES)
    by_dep: dict[str, list[int]] = {}
    territory = [0] * width
    kept: dict[str, dict] = {}  # nofinesset → structure (territory, mapped category)
    types = _structure_types()
    structures = bad = 0
    pending = [first] if first.startswith("structureet;") else []
    for line in _chain(pending, lines):
        if line.startswith("structureet;"):
            row = _fields(line)
            if len(row) < _MIN_FIELDS:
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
        elif line.startswith("geolocalisation;") and kept:
            row = _fields(line)
            if len(row) >= 5 and row[1].strip() in kept:
                _locate(kept[row[1].strip()], row)
    if not structures:
        raise reading.refuse(
            name,
            "aucune ligne « structureet » complète (colonnes manquantes ?) : ce n'est pas "
            "une extraction FINESS des établissements lisible.",
        )
    return _source(year, date, territory, by_dep, scope, kept)


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


def _locate(structure: dict, row: list[str]) -> None:
    try:
        x = float(row[2].replace(",", ".").strip())
        y = float(row[3].replace(",", ".").strip())
    except ValueError:
        return
    epsg = system_of(row[4], reading.departement_of(structure["commune"]))
    point = to_wgs84(x, y, epsg)
    if point is not None:
        structure["coordonnees"] = {"longitude": point[0], "latitude": point[1]}


def _source(year, date, territory, by_dep, scope: Scope, kept) -> SourceFile:
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
    figures: list[Figure] = []
    for i, (key, libelle, theme, cats) in enumerate(CATEGORIES):
        figures.append(
            Figure(
                code=f"etablissements_{key}",
                libelle=f"{libelle} (nombre)",
                theme=theme,
                unite="établissements",
                territoire=territory[i],
                note=f"Catégorie(s) FINESS {', '.join(cats)}.",
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
