#!/usr/bin/env python3
"""Build the commune contours shipped with ``cpts``: ``cpts_cli/referentiel/data/contours.bin``.

Source: ``../shared/data/france-geojson/`` — IGN Admin Express COG 2018, one GeoJSON file of
communes per department (``departements/<dep>-<name>/communes-<dep>-<name>.geojson``, 46 MB),
already simplified by its author. Not shipped: this script makes a compact copy.

    python scripts/build_contours.py [SOURCE] [--output FILE] [--tolerance METRES]

Steps:

1. coordinates quantised to 1/10 000 of a degree (11 m of latitude);
2. the shared borders found (a vertex where the neighbours of a point differ from one
   commune to another is a junction; the rings are cut there into arcs) and each arc
   simplified once with Douglas-Peucker (tolerance in metres, 30 m by default: a commune
   stays recognisable at the scale of a department, and of a 30 km territory), so that two
   neighbouring communes keep the same border — no gap, no overlap;
3. outer rings turned counter-clockwise and holes clockwise (a fill with the non-zero rule
   then leaves the holes empty), rings that vanish dropped (a commune keeps at least one);
4. each department's outline (the arcs its communes use once) stored as lines;
5. written in the layout documented in :mod:`cpts_cli.territory.contours` (one zlib block per
   department, integer deltas).

Deterministic: files, communes and rings are taken in a sorted order, zlib at a fixed
level, no timestamp — two runs give the same bytes. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import sys
import zlib
from array import array
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cpts_cli.territory.contours import (  # noqa: E402
    MAGIC,
    SHIFT,
    UNITS_PER_DEGREE,
    VERSION,
)

DEFAULT_SOURCE = Path("/work/shared/data/france-geojson")
DEFAULT_OUTPUT = ROOT / "cpts_cli" / "referentiel" / "data" / "contours.bin"
OFFSET = 1 << (SHIFT - 1)
MASK = (1 << SHIFT) - 1
METRES_PER_UNIT = 111_320 / UNITS_PER_DEGREE
INT16 = 32767


def pack(x: int, y: int) -> int:
    return ((x + OFFSET) << SHIFT) | (y + OFFSET)


def unpack(p: int) -> tuple[int, int]:
    return (p >> SHIFT) - OFFSET, (p & MASK) - OFFSET


def dep_of(folder: str) -> str:
    return folder.split("-", 1)[0]


def read_source(source: Path) -> dict[str, list[tuple[str, list[list[list[int]]]]]]:
    """{department: [(code, [polygon: [ring: [packed point…]]])…]} sorted by code."""
    files = sorted(source.glob("departements/*/communes-*.geojson"))
    if not files:
        sys.exit(f"no communes-*.geojson under {source}/departements")
    result: dict[str, list] = {}
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        communes = []
        for feature in data["features"]:
            geometry = feature["geometry"]
            polygons = geometry["coordinates"]
            if geometry["type"] == "Polygon":
                polygons = [polygons]
            shapes = []
            for polygon in polygons:
                rings = [quantised(ring) for ring in polygon]
                rings = [r for r in rings if len(r) >= 3]
                if rings:
                    shapes.append(rings)
            communes.append((str(feature["properties"]["code"]), shapes))
        communes.sort(key=lambda c: c[0])
        result[dep_of(path.parent.name)] = communes
    return result


def quantised(ring: list[list[float]]) -> list[int]:
    """Packed integer points, consecutive repeats and the closing point removed."""
    out: list[int] = []
    for lon, lat, *_ in ring:
        p = pack(round(lon * UNITS_PER_DEGREE), round(lat * UNITS_PER_DEGREE))
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return out


def junctions(rings: list[list[int]]) -> set[int]:
    """Points where borders meet: seen with different neighbours in different rings."""
    seen: dict[int, tuple[int, int]] = {}
    fixed: set[int] = set()
    for ring in rings:
        n = len(ring)
        for i, p in enumerate(ring):
            a, b = ring[i - 1], ring[(i + 1) % n]
            pair = (a, b) if a < b else (b, a)
            known = seen.setdefault(p, pair)
            if known != pair:
                fixed.add(p)
    return fixed


def douglas_peucker(points: list[int], tolerance: float) -> list[int]:
    """Douglas-Peucker on packed points (ends kept), distances in metres."""
    if len(points) <= 2:
        return list(points)
    xy = [unpack(p) for p in points]
    scale = math.cos(math.radians(xy[0][1] / UNITS_PER_DEGREE))
    coords = [(x * scale * METRES_PER_UNIT, y * METRES_PER_UNIT) for x, y in xy]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = coords[first], coords[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        best, index = -1.0, -1
        for i in range(first + 1, last):
            x, y = coords[i]
            if length:
                d = abs(dy * (x - x1) - dx * (y - y1)) / length
            else:
                d = math.hypot(x - x1, y - y1)
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=False) if k]


class Simplifier:
    """Each arc (a piece of ring between two junctions) simplified once, whichever ring —
    and whichever direction — it is met in."""

    def __init__(self, fixed: set[int], tolerance: float) -> None:
        self.fixed = fixed
        self.tolerance = tolerance
        self.arcs: dict[tuple[int, ...], list[int]] = {}

    def arc(self, points: list[int]) -> list[int]:
        key = tuple(points)
        backwards = key[-1] < key[0] or (key[-1] == key[0] and len(key) > 2 and key[-2] < key[1])
        if backwards:
            key = key[::-1]
        done = self.arcs.get(key)
        if done is None:
            done = self.arcs[key] = self._simplify(list(key))
        return done[::-1] if backwards else done

    def _simplify(self, points: list[int]) -> list[int]:
        if points[0] != points[-1]:
            return douglas_peucker(points, self.tolerance)
        # A closed loop with no junction: cut at its farthest point from the start.
        x0, y0 = unpack(points[0])
        far = max(range(len(points)), key=lambda i: _d2(unpack(points[i]), (x0, y0)))
        head = douglas_peucker(points[: far + 1], self.tolerance)
        tail = douglas_peucker(points[far:], self.tolerance)
        return head + tail[1:]

    def ring(self, ring: list[int]) -> list[int]:
        cuts = [i for i, p in enumerate(ring) if p in self.fixed]
        if not cuts:  # a loop of its own (an island, an enclave): one way to read it
            start = min(range(len(ring)), key=ring.__getitem__)
            loop = ring[start:] + ring[:start]
            forward = loop[1] < loop[-1]
            canon = loop if forward else [loop[0], *loop[:0:-1]]
            simple = self.arc([*canon, canon[0]])[:-1]
            return simple if forward else [simple[0], *simple[:0:-1]]
        out: list[int] = []
        n = len(ring)
        for k, start in enumerate(cuts):
            end = cuts[(k + 1) % len(cuts)]
            length = (end - start) % n or n
            piece = [ring[(start + j) % n] for j in range(length + 1)]
            out.extend(self.arc(piece)[:-1])
        return out


def _d2(a: tuple[int, int], b: tuple[int, int]) -> int:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def signed_area(ring: list[int]) -> float:
    pts = [unpack(p) for p in ring]
    return (
        sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=False))
        / 2
    )


def oriented(ring: list[int], outer: bool) -> list[int]:
    area = signed_area(ring)
    return ring if (area > 0) == outer else ring[::-1]


def simplify_all(source: dict, tolerance: float) -> dict:
    """{department: ([(code, [ring…])…], [outline line…])}."""
    every = [ring for communes in source.values() for _c, shapes in communes
             for rings in shapes for ring in rings]  # fmt: skip
    simplifier = Simplifier(junctions(every), tolerance)
    result = {}
    for dep, communes in source.items():
        out = []
        for code, shapes in communes:
            rings = []
            for shape in shapes:
                for k, ring in enumerate(shape):
                    small = simplifier.ring(ring)
                    if len(set(small)) >= 3 and signed_area(small):
                        rings.append(oriented(small, k == 0))
            if not rings:  # a tiny commune: its largest ring as it is
                largest = max((r for s in shapes for r in s[:1]), key=lambda r: abs(signed_area(r)))
                rings = [oriented(largest, True)]
            out.append((code, rings))
        result[dep] = (out, outline(out))
    return result


def outline(communes: list[tuple[str, list[list[int]]]]) -> list[list[int]]:
    """The department's border: the edges its communes use once, joined into lines."""
    count: dict[tuple[int, int], int] = {}
    for _code, rings in communes:
        for ring in rings:
            for a, b in zip(ring, ring[1:] + ring[:1], strict=False):
                key = (a, b) if a < b else (b, a)
                count[key] = count.get(key, 0) + 1
    directed: dict[int, list[int]] = {}
    for _code, rings in communes:
        for ring in rings:
            for a, b in zip(ring, ring[1:] + ring[:1], strict=False):
                if count[(a, b) if a < b else (b, a)] == 1:
                    directed.setdefault(a, []).append(b)
    for targets in directed.values():
        targets.sort()
    lines = []
    starts = sorted(directed)
    for start in starts:
        while directed.get(start):
            line = [start]
            point = start
            while directed.get(point):
                point = directed[point].pop(0)
                line.append(point)
                if point == start:
                    break
            lines.append(line)
    return lines


def encode_block(communes: list[tuple[str, list[list[int]]]], lines: list[list[int]]) -> bytes:
    codes = b"".join(code.encode("ascii").ljust(5, b" ") for code, _r in communes)
    ring_counts = array("H", [len(rings) for _c, rings in communes])
    sequences = [ring + ring[:1] for _c, rings in communes for ring in rings] + lines
    sizes, starts, dxs, dys = array("I"), array("i"), array("h"), array("h")
    for seq in sequences:
        pts = [unpack(p) for p in seq]
        expanded = [pts[0]]
        for x, y in pts[1:]:
            px, py = expanded[-1]
            steps = max(1, math.ceil(max(abs(x - px), abs(y - py)) / INT16))
            for s in range(1, steps + 1):
                expanded.append((px + (x - px) * s // steps, py + (y - py) * s // steps))
        sizes.append(len(expanded))
        starts.extend(expanded[0])
        for (x1, y1), (x2, y2) in zip(expanded, expanded[1:], strict=False):
            dxs.append(x2 - x1)
            dys.append(y2 - y1)
    body = [ring_counts, sizes, starts, dxs, dys]
    if sys.byteorder == "big":
        for part in body:
            part.byteswap()
    head = struct.pack("<III", len(communes), len(sequences) - len(lines), len(lines))
    raw = head + codes + b"".join(part.tobytes() for part in body)
    return zlib.compress(raw, 9)


def bbox(communes) -> list[int]:
    xs, ys = [], []
    for _c, rings in communes:
        for ring in rings:
            for p in ring:
                x, y = unpack(p)
                xs.append(x)
                ys.append(y)
    return [min(xs), min(ys), max(xs), max(ys)]


def build(source: Path, tolerance: float) -> bytes:
    simplified = simplify_all(read_source(source), tolerance)
    blocks, index, offset = [], {}, 0
    for dep in sorted(simplified):
        communes, lines = simplified[dep]
        block = encode_block(communes, lines)
        index[dep] = [offset, len(block), *bbox(communes)]
        blocks.append(block)
        offset += len(block)
    header = json.dumps(
        {
            "departements": index,
            "source": "IGN — Admin Express COG 2018 (france-geojson 5d34ee6d)",
            "tolerance_m": tolerance,
            "unites_par_degre": UNITS_PER_DEGREE,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    return MAGIC + struct.pack("<HI", VERSION, len(header)) + header + b"".join(blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--tolerance", type=float, default=30.0, help="metres (default 30)")
    args = parser.parse_args(argv)
    data = build(args.source, args.tolerance)
    tmp = args.output.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(args.output)
    print(f"{args.output}: {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
