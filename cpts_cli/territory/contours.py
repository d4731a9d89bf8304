"""Commune contours for the map of the territory (:mod:`.carte`), read from the compact
dataset ``referentiel/data/contours.bin`` that ``scripts/build_contours.py`` makes from IGN
Admin Express COG 2018 (communes of 2018, simplified to about 30 m, shared borders kept
shared).

Layout of ``contours.bin`` (little-endian):

* ``MAGIC`` (8 bytes), the format ``VERSION`` (uint16), the length of the index (uint32);
* the index, JSON in UTF-8: ``departements`` maps a department code (``"01"``, ``"2A"``,
  ``"974"``) to ``[offset, length, xmin, ymin, xmax, ymax]`` — its block's place after the
  index and its bounding box; ``unites_par_degre``, ``tolerance_m``, ``source``;
* one zlib block per department, which once inflated holds: three uint32 (communes C, rings
  R, outline lines L); C codes of 5 ASCII characters (2018 codes, sorted); C uint16 (rings
  per commune, in order); R + L uint32 (points of each ring, then of each line of the
  department's outline); R + L pairs of int32 (the first point x, y); then every other
  point as int16 deltas from the one before, all the x deltas of all rings and lines first,
  then all the y deltas. Coordinates are in 1/``UNITS_PER_DEGREE`` of a degree of longitude
  (x) and latitude (y), WGS84. A ring repeats its first point at its end; outer rings turn
  counter-clockwise and holes clockwise (fill with the non-zero rule).

Only the departments asked for are inflated (a few milliseconds each) and kept.

Today's communes are mapped to the 2018 contours through the reference store's history of
codes (:func:`cpts_cli.referentiel.store.former_codes`): a commune nouvelle created since
2018 is the union of its old communes. Paris, Lyon and Marseille have no arrondissement
contours: an arrondissement is drawn as its whole city (:attr:`Selection.notes` says so).
The collectivités d'outre-mer (975, 977, 978, 986, 987) have none. Nor have the seven
communes restored since 2018 out of a commune nouvelle (Celles, Chalinargues, Chavagnac and
Sainte-Anastasie out of Neussargues en Pinatelle, 15; Sannerville, 14; L'Oie and
Sainte-Florence, 85): the store no longer links them to it, and the commune that kept the
2018 code is drawn with the 2018 outline of the whole commune nouvelle.
"""

from __future__ import annotations

import json
import struct
import threading
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

MAGIC = b"CPTSCTR\n"
VERSION = 1
UNITS_PER_DEGREE = 10_000
#: Bits per coordinate when ``scripts/build_contours.py`` packs a point in one integer.
SHIFT = 24
SOURCE = "IGN — Admin Express COG 2018"
CAPTION = "Source : IGN — Admin Express COG 2018 ; contours simplifiés."

#: The departments drawn in a frame of their own (never with the mainland nor each other).
OVERSEAS = ("971", "972", "973", "974", "976")
NO_CONTOUR = ("975", "977", "978", "986", "987", "988", "989")

Ring = tuple  # (xs, ys): numpy int64 arrays, in 1/UNITS_PER_DEGREE of a degree

_lock = threading.Lock()


def data_path():  # -> importlib.resources.abc.Traversable
    return files("cpts_cli") / "referentiel" / "data" / "contours.bin"


@dataclass(frozen=True)
class Department:
    """The 2018 communes of one department and its outline."""

    code: str
    communes: dict[str, tuple[Ring, ...]]  # 2018 code → rings
    outline: tuple[Ring, ...]


class _Dataset:
    """The index, read at once; each department's block read and inflated when asked."""

    def __init__(self, path=None) -> None:
        self.path = path or data_path()  # a Traversable or a Path
        with self.path.open("rb") as handle:
            head = handle.read(14)
            if head[:8] != MAGIC:
                raise ValueError("contours.bin: not a contour dataset")
            version, size = struct.unpack_from("<HI", head, 8)
            if version != VERSION:
                raise ValueError(f"contours.bin: format {version}, {VERSION} expected")
            self.index = json.loads(handle.read(size).decode("utf-8"))
        self.start = 14 + size
        self.departments: dict[str, Department] = {}

    def department(self, dep: str) -> Department | None:
        found = self.departments.get(dep)
        if found is None and dep in self.index["departements"]:
            offset, length = self.index["departements"][dep][:2]
            with self.path.open("rb") as handle:
                handle.seek(self.start + offset)
                block = handle.read(length)
            found = _decode(dep, zlib.decompress(block))
            self.departments[dep] = found
        return found


def _decode(dep: str, raw: bytes) -> Department:
    import numpy as np

    n_communes, n_rings, n_lines = struct.unpack_from("<III", raw, 0)
    pos = 12
    codes = raw[pos : pos + 5 * n_communes].decode("ascii")
    pos += 5 * n_communes

    def take(kind: str, count: int):
        nonlocal pos
        part = np.frombuffer(raw, dtype=kind, count=count, offset=pos)
        pos += part.itemsize * count
        return part

    n_seq = n_rings + n_lines
    per_commune = take("<u2", n_communes).tolist()
    sizes = take("<u4", n_seq).astype(np.int64)
    starts = take("<i4", 2 * n_seq).astype(np.int64).reshape(-1, 2)
    n_deltas = int(sizes.sum()) - n_seq
    deltas = (take("<i2", n_deltas), take("<i2", n_deltas))
    # Every sequence's points from one cumulative sum of the deltas (0 at a first point):
    # a point is its sequence's first point plus the sum since that first point.
    first = np.zeros(n_seq, dtype=np.int64)
    first[1:] = np.cumsum(sizes)[:-1]
    is_first = np.zeros(int(sizes.sum()), dtype=bool)
    is_first[first] = True
    coords = []
    for axis in (0, 1):
        steps = np.zeros(is_first.size, dtype=np.int64)
        steps[~is_first] = deltas[axis]
        total = np.cumsum(steps)
        coords.append(total + np.repeat(starts[:, axis] - total[first], sizes))
    bounds = first.tolist() + [is_first.size]
    xs, ys = coords
    sequences: list[Ring] = [
        (xs[bounds[k] : bounds[k + 1]], ys[bounds[k] : bounds[k + 1]]) for k in range(n_seq)
    ]
    communes, k = {}, 0
    for i, count in enumerate(per_commune):
        communes[codes[5 * i : 5 * i + 5].strip()] = tuple(sequences[k : k + count])
        k += count
    return Department(dep, communes, tuple(sequences[n_rings:]))


_dataset: _Dataset | None = None


def _data() -> _Dataset:
    global _dataset
    with _lock:
        if _dataset is None:
            _dataset = _Dataset()
        return _dataset


def department_codes() -> list[str]:
    """The departments that have contours."""
    return sorted(_data().index["departements"])


def department_bbox(dep: str) -> tuple[int, int, int, int] | None:
    entry = _data().index["departements"].get(dep)
    return tuple(entry[2:6]) if entry else None


def department(dep: str) -> Department | None:
    """The department's 2018 communes and outline (inflated once, then kept)."""
    data = _data()
    with _lock:
        return data.department(dep)


def department_of(code: str) -> str:
    """The department of a commune code (3 characters overseas: 974, 2 else: 21, 2A)."""
    return code[:3] if code[:2] in ("97", "98") else code[:2]


def frame_of(dep: str) -> str:
    """« metropole » or the overseas department: what may be drawn together."""
    return dep if dep in OVERSEAS else "metropole"


@lru_cache(maxsize=4096)
def today_code(code_2018: str) -> str | None:
    """Today's commune of a 2018 code (None when the store does not know it)."""
    from cpts_cli.referentiel import store

    found = store.resolve_commune(code_2018).commune
    if found is None:
        return None
    return found.commune_parente if found.is_arrondissement else found.code


def parts_2018(code: str) -> list[str]:
    """The 2018 communes that make today's commune ``code`` (an arrondissement: its whole
    city), those with a contour only; empty when there is none."""
    from cpts_cli.referentiel import store

    commune = store.commune(code)
    if commune is not None and commune.is_arrondissement and commune.commune_parente:
        code = commune.commune_parente
    parts = []
    for old in store.former_codes(code):
        dep = department(department_of(old))
        if dep is not None and old in dep.communes and today_code(old) == code:
            parts.append(old)
    return parts


def contour(code: str) -> tuple[Ring, ...]:
    """The rings of today's commune ``code`` (its 2018 parts'), empty when it has none."""
    rings: list[Ring] = []
    for old in parts_2018(code):
        rings.extend(department(department_of(old)).communes[old])
    return tuple(rings)


@dataclass
class Selection:
    """Today's communes of a territory with their 2018 contours.

    ``shapes``: drawn code (today's commune, or the city of an arrondissement) → 2018 parts;
    ``missing``: codes with no contour; ``notes``: what the caption must say (« Paris
    entier… », a commune drawn from its old communes, communes without contour).
    """

    shapes: dict[str, list[str]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cities: dict[str, list[str]] = field(default_factory=dict)  # city → its arrondissements

    @property
    def departments(self) -> list[str]:
        return sorted({department_of(p) for parts in self.shapes.values() for p in parts})


def select(codes: list[str]) -> Selection:
    """Map today's ``codes`` to contours; say which have none and why."""
    from cpts_cli.referentiel import store

    result = Selection()
    merged = []
    for code in dict.fromkeys(codes):
        commune = store.commune(code) or store.resolve_commune(code).commune
        drawn = commune.code if commune is not None else code
        if commune is not None and commune.is_arrondissement and commune.commune_parente:
            drawn = commune.commune_parente
            result.cities.setdefault(drawn, []).append(code)
        if drawn in result.shapes:
            continue
        parts = parts_2018(drawn)
        if not parts:
            result.missing.append(code)
            continue
        result.shapes[drawn] = parts
        if len(parts) > 1:
            merged.append(drawn)
    for city, arrondissements in result.cities.items():
        name = _name(city)
        if city in codes:
            continue
        result.notes.append(
            f"{name} est dessinée entière : les contours de ses arrondissements ne sont pas "
            f"dans la source ({len(arrondissements)} arrondissement"
            f"{'s' if len(arrondissements) > 1 else ''} du territoire)."
        )
    if merged:
        names = ", ".join(_name(c) for c in merged[:4]) + ("…" if len(merged) > 4 else "")
        result.notes.append(f"Communes nouvelles dessinées par leurs communes de 2018 : {names}.")
    if result.missing:
        far = [c for c in result.missing if department_of(c) in NO_CONTOUR]
        names = ", ".join(_name(c) for c in result.missing[:5])
        names += "…" if len(result.missing) > 5 else ""
        why = " (collectivités d’outre-mer : absentes de la source)" if far else ""
        result.notes.append(f"Sans contour{why} : {names}.")
    return result


def _name(code: str) -> str:
    from cpts_cli.referentiel import store

    commune = store.commune(code)
    return commune.nom if commune else code
