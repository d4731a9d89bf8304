"""``bench/make_finess.py``: the national FINESS file it generates places each establishment
in its commune (not anywhere in France), in the system the real file uses there, so that the
benchmarks and the worked example's map see establishments where they belong."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_cli.diagnostic.projection import system_of, to_wgs84
from cpts_cli.territory import contours

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_finess", ROOT / "bench" / "make_finess.py")
make_finess = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_finess)

MARGIN = 0.03  # degrees (about 2–3 km): the spread around the commune's point is 300 m


def _box(code: str) -> tuple[float, float, float, float] | None:
    rings = contours.contour(code)
    if not rings:
        return None
    unit = contours.UNITS_PER_DEGREE
    xs = [v for xs, _ys in rings for v in (xs.min(), xs.max())]
    ys = [v for _xs, ys in rings for v in (ys.min(), ys.max())]
    return min(xs) / unit, min(ys) / unit, max(xs) / unit, max(ys) / unit


def test_each_establishment_is_placed_in_its_commune(tmp_path):
    path = tmp_path / "etalab-cs1100507-stock-20220915-0336.csv"
    make_finess.generate(path, 1500, 15, "utf-8")
    rows = list(csv.reader(path.open(encoding="utf-8", newline=""), delimiter=";"))[1:]
    communes = {r[1]: r[15].split()[0] for r in rows if r[0] == "structureet"}
    placed = checked = 0
    for row in (r for r in rows if r[0] == "geolocalisation"):
        code = communes[row[1]]
        dep = code[:3] if code.startswith(("97", "98")) else code[:2]
        point = to_wgs84(float(row[2]), float(row[3]), system_of(row[4], dep))
        box = _box(code)
        if box is None:
            continue
        checked += 1
        assert point is not None, row
        lon, lat = point
        assert box[0] - MARGIN <= lon <= box[2] + MARGIN, (code, point, box)
        assert box[1] - MARGIN <= lat <= box[3] + MARGIN, (code, point, box)
        placed += 1
    assert checked == placed >= 1450  # all but the few communes without a contour


@settings(max_examples=200, deadline=None)
@given(st.floats(-5.5, 9.8), st.floats(41.2, 51.2))
def test_lambert93_is_the_inverse_of_the_reader(lon, lat):
    """The generator's direct formulas (IGN, ALG0003) against the reader's inverse: each
    tests the other, across the mainland and Corsica."""
    back = to_wgs84(*make_finess.lambert93(lon, lat), "2154")
    assert abs(back[0] - lon) < 2e-6 and abs(back[1] - lat) < 2e-6


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["971", "972", "973", "974", "976"]), st.floats(-2.5, 2.5),
       st.floats(-1.5, 1.5))  # fmt: skip
def test_utm_is_the_inverse_of_the_reader(dep, dlon, dlat):
    epsg = system_of("", dep)
    zone, south = make_finess.UTM_ZONES[dep]
    lon, lat = -183 + 6 * zone + dlon, (-20.0 if south else 14.0) + dlat
    back = to_wgs84(*make_finess.utm(lon, lat, zone, south), epsg)
    assert abs(back[0] - lon) < 1e-5 and abs(back[1] - lat) < 1e-5
