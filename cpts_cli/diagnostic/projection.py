"""FINESS coordinates to WGS84 longitude/latitude, without a projection library.

The file gives metric coordinates in Lambert-93 (EPSG:2154) in metropolitan France and in
UTM overseas: EPSG:5490 (UTM 20 N, Antilles), 2972 (UTM 22 N, Guyane), 2975 (UTM 40 S,
Réunion), 4471 (UTM 38 S, Mayotte). Their datums (RGF93, RGAF09, RGFG95, RGR92, RGM04) are
realisations of the ITRS on the GRS80 ellipsoid: they coincide with WGS84 to within a few
centimetres, so only the projection is inverted (IGN note NTG-71 for Lambert, the usual
Transverse Mercator series for UTM, both exact to well under a metre).
"""

from __future__ import annotations

import math
import re

A = 6378137.0  # GRS80
E = 0.0818191910428158
E2 = E * E

# Lambert-93 (IGN): cone constant, projection constant, false origin, central meridian.
_N = 0.7256077650532670
_C = 11754255.426096
_XS = 700000.0
_YS = 12655612.049876
_LON0 = math.radians(3.0)

#: EPSG code → (UTM zone, southern hemisphere).
UTM = {"5490": (20, False), "2972": (22, False), "2975": (40, True), "4471": (38, True)}
#: The system a department's coordinates are in when the file does not say.
BY_DEPARTEMENT = {"971": "5490", "972": "5490", "973": "2972", "974": "2975", "976": "4471"}

_EPSG = re.compile(r"EPSG[:\s]*(\d{4,5})", re.IGNORECASE)


def system_of(source: str, departement: str) -> str:
    """The EPSG code of a ``sourcecoordet`` (``…,EPSG:2154 RGF93 / Lambert-93…``, or the
    older ``…,LAMBERT_93``), else the department's usual one."""
    found = _EPSG.search(source)
    if found:
        return found.group(1)
    upper = source.upper()
    if "LAMBERT" in upper and "93" in upper:
        return "2154"
    for code, (zone, _south) in UTM.items():
        if f"UTM{zone}" in upper.replace(" ", "").replace("_", ""):
            return code
    return BY_DEPARTEMENT.get(departement, "2154")


def to_wgs84(x: float, y: float, epsg: str) -> tuple[float, float] | None:
    """(longitude, latitude) in degrees, rounded to 6 decimals (~0.1 m); None for a system
    this module does not know or a point outside its domain."""
    if epsg == "2154":
        lon, lat = _lambert93(x, y)
    elif epsg in UTM:
        zone, south = UTM[epsg]
        lon, lat = _utm(x, y, zone, south)
    else:
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or math.isnan(lon + lat):
        return None
    return round(lon, 6), round(lat, 6)


def _lambert93(x: float, y: float) -> tuple[float, float]:
    dx, dy = x - _XS, _YS - y
    r = math.hypot(dx, dy)
    gamma = math.atan2(dx, dy)
    lon = _LON0 + gamma / _N
    iso = -math.log(r / _C) / _N
    lat = 2 * math.atan(math.exp(iso)) - math.pi / 2
    for _ in range(12):
        s = E * math.sin(lat)
        new = 2 * math.atan(((1 + s) / (1 - s)) ** (E / 2) * math.exp(iso)) - math.pi / 2
        if abs(new - lat) < 1e-12:
            lat = new
            break
        lat = new
    return math.degrees(lon), math.degrees(lat)


def _utm(x: float, y: float, zone: int, south: bool) -> tuple[float, float]:
    k0 = 0.9996
    ep2 = E2 / (1 - E2)
    xx = x - 500000.0
    yy = y - (10000000.0 if south else 0.0)
    m = yy / k0
    mu = m / (A * (1 - E2 / 4 - 3 * E2**2 / 64 - 5 * E2**3 / 256))
    e1 = (1 - math.sqrt(1 - E2)) / (1 + math.sqrt(1 - E2))
    phi1 = (
        mu
        + (3 * e1 / 2 - 27 * e1**3 / 32) * math.sin(2 * mu)
        + (21 * e1**2 / 16 - 55 * e1**4 / 32) * math.sin(4 * mu)
        + (151 * e1**3 / 96) * math.sin(6 * mu)
        + (1097 * e1**4 / 512) * math.sin(8 * mu)
    )
    sin1, cos1, tan1 = math.sin(phi1), math.cos(phi1), math.tan(phi1)
    n1 = A / math.sqrt(1 - E2 * sin1**2)
    t1 = tan1**2
    c1 = ep2 * cos1**2
    r1 = A * (1 - E2) / (1 - E2 * sin1**2) ** 1.5
    d = xx / (n1 * k0)
    lat = phi1 - (n1 * tan1 / r1) * (
        d**2 / 2
        - (5 + 3 * t1 + 10 * c1 - 4 * c1**2 - 9 * ep2) * d**4 / 24
        + (61 + 90 * t1 + 298 * c1 + 45 * t1**2 - 252 * ep2 - 3 * c1**2) * d**6 / 720
    )
    lon = (
        d
        - (1 + 2 * t1 + c1) * d**3 / 6
        + (5 - 2 * c1 + 28 * t1 - 3 * c1**2 + 8 * ep2 + 24 * t1**2) * d**5 / 120
    ) / cos1
    lon0 = math.radians(-183 + 6 * zone)
    return math.degrees(lon0 + lon), math.degrees(lat)
