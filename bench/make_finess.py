"""Generate a national FINESS extraction of the establishments (``etalab-cs1100507-stock-…``).

How to run (from the repository root)::

    python bench/make_finess.py /tmp/finess.csv                # 100 000 establishments
    python bench/make_finess.py /tmp/finess.csv -n 20000
    python bench/make_finess.py /tmp/finess.csv --encoding latin-1

The file has the layout ``OPEN_DATA.md`` §1 gives: ``;``-separated, no header; line 1
``finess;etalab;<n>;<YYYY-MM-DD>``; one ``structureet`` line of 32 fields per
establishment, then one ``geolocalisation`` line per establishment (Lambert-93 in
metropolitan France, UTM overseas, the ``sourcecoordet`` text with its commas). About 2 %
of names carry a ``;`` or a ``"`` (quoted, doubled), as some real ones do. Commune codes
are real (from the reference data shipped with ``cpts``): departments on 2 characters
(``9A``… overseas), communes on 3 digits; establishments are spread over the communes by
population, categories in roughly their national proportions (pharmacies 20 %, EHPAD 7 %…).
Names and numbers are made up; each establishment is placed a few hundred metres from a
point inside its commune (from the contours shipped with ``cpts``), projected as the real
file does it (Lambert-93, or UTM overseas; Saint-Pierre-et-Miquelon and Wallis-et-Futuna in
systems the reader does not know, as in the real file). UTF-8 by default (as recent files).
Deterministic: the same arguments give the same bytes (``--seed``). ~35 MB for 100 000.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import math
import random
import sys
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: (categetab, libcategetab, categagretab, libcategagretab, weight).
CATEGORIES = [
    ("620", "Pharmacie d'Officine", "3301", "Pharmacies d'Officine", 20),
    ("500", "Etablissement d'hébergement pour personnes âgées dépendantes", "4401",
     "Etablissements et Services pour Personnes Agées", 7),
    ("354", "Service de Soins Infirmiers A Domicile (S.S.I.A.D)", "4403",
     "Services à domicile pour Personnes Agées", 2),
    ("460", "Service autonomie aide (SAA)", "4403", "Services à domicile", 6),
    ("209", "Service autonomie aide et soin (SAAS)", "4403", "Services à domicile", 1),
    ("603", "Maison de santé (L.6223-3)", "2206", "Maisons de santé", 2.5),
    ("124", "Centre de Santé", "2204", "Centres de Santé", 3),
    ("611", "Laboratoire de Biologie Médicale", "3101", "Laboratoires", 4),
    ("355", "Centre Hospitalier (C.H.)", "1102", "Centres Hospitaliers", 1),
    ("106", "Centre hospitalier, ex Hôpital local", "1102", "Centres Hospitaliers", 0.3),
    ("101", "Centre Hospitalier Régional (C.H.R.)", "1101", "Centres Hospitaliers Régionaux", 0.2),
    ("127", "Hospitalisation à Domicile", "1109", "Hospitalisation à Domicile", 0.3),
    ("156", "Centre Médico-Psychologique (C.M.P.)", "2201", "Santé mentale", 3),
    ("292", "Centre Hospitalier Spécialisé lutte Maladies Mentales", "1103",
     "Santé mentale", 0.1),
    ("197", "Centre soins accompagnement prévention addictologie (CSAPA)", "2202",
     "Addictologie", 1.3),
    ("365", "Etablissement de Soins Pluridisciplinaire", "1106", "Autres Etab. de soins", 1),
    ("255", "Institut Médico-Educatif (I.M.E.)", "4101", "Enfance handicapée", 3),
    ("441", "Crèche collective", "4601", "Petite enfance", 8),
    ("166", "Etablissement de Transfusion Sanguine", "2401", "Autres", 0.5),
    ("254", "Ecole de formation paramédicale", "9001", "Formation", 35),
]  # fmt: skip
OVERSEAS = {"971": "9A", "972": "9B", "973": "9C", "974": "9D", "975": "9E", "976": "9F",
            "986": "9J"}  # fmt: skip
UTM_SOURCE = {
    "971": "EPSG:5490 RGAF09 / UTM zone 20N (Guadeloupe)",
    "972": "EPSG:5490 RGAF09 / UTM zone 20N (Martinique)",
    "973": "EPSG:2972 RGFG95 / UTM zone 22N (Guyane)",
    "974": "EPSG:2975 RGR92 / UTM zone 40S (Réunion)",
    "976": "EPSG:4471 RGM04 / UTM zone 38S (Mayotte)",
}
VOIES = ["RUE", "AV", "BD", "PL", "CHE", "IMP", "RTE"]
MOTS = (
    "SAINT LOUIS DES TILLEULS DU PARC LES GLYCINES JEAN MOULIN PASTEUR VICTOR HUGO LA "
    "FONTAINE DU LAC VAL DE SAONE MONTAGNE SOLEIL LES CHÊNES ÉTOILE PRÉS FLEURIS ARC-EN-CIEL"
).split()


def load_places() -> list[tuple[str, str, str, int]]:
    """(INSEE code, FINESS department, FINESS commune, population) of every commune."""
    from cpts_cli.diagnostic.reading import departement_of, populations

    communes, _, _, _ = populations()
    places = []
    for code, pop in sorted(communes.items()):
        if code.startswith(("751", "132", "6938")) and code not in ("75056", "13055"):
            continue  # arrondissements: FINESS gives the city
        dep = departement_of(code)
        places.append((code, OVERSEAS.get(dep, dep), code[-3:], max(pop, 1)))
    return places


#: UTM zone and hemisphere of each overseas system (``UTM_SOURCE``'s and ``NO_CONTOUR``'s).
UTM_ZONES = {"971": (20, False), "972": (20, False), "973": (22, False), "974": (40, True),
             "976": (38, True), "975": (21, False), "977": (20, False), "978": (20, False),
             "986": (1, True), "987": (6, True), "988": (58, True)}  # fmt: skip
#: The collectivités without contours: their main town and their system (the reader knows
#: only the Antilles' one).
NO_CONTOUR = {
    "975": ((-56.1773, 46.7811), "EPSG:4467 RGSPM06 / UTM zone 21N (Saint-Pierre-et-Miquelon)"),
    "977": ((-62.8498, 17.8960), "EPSG:5490 RGAF09 / UTM zone 20N (Saint-Barthélemy)"),
    "978": ((-63.0822, 18.0679), "EPSG:5490 RGAF09 / UTM zone 20N (Saint-Martin)"),
    "986": ((-176.1745, -13.2816), "EPSG:8903 RGWF96 / UTM zone 1S (Wallis-et-Futuna)"),
    "987": ((-149.5665, -17.5350), "EPSG:3297 RGPF / UTM zone 6S (Polynésie française)"),
    "988": ((166.4580, -22.2758), "EPSG:3164 RGNC91-93 / UTM zone 58S (Nouvelle-Calédonie)"),
}
#: Spread of the establishments around their commune's point, in metres (standard deviation).
SPREAD_M = 300.0


def lambert93(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 → Lambert-93 (EPSG:2154), the inverse of ``cpts_cli.diagnostic.projection``."""
    from cpts_cli.diagnostic import projection as p

    phi = math.radians(lat)
    s = p.E * math.sin(phi)
    iso = math.log(math.tan(math.pi / 4 + phi / 2) * ((1 - s) / (1 + s)) ** (p.E / 2))
    r = p._C * math.exp(-p._N * iso)
    gamma = p._N * (math.radians(lon) - p._LON0)
    return p._XS + r * math.sin(gamma), p._YS - r * math.cos(gamma)


def utm(lon: float, lat: float, zone: int, south: bool) -> tuple[float, float]:
    """WGS84 → UTM ``zone`` (Snyder's series, well under a metre near the zone)."""
    from cpts_cli.diagnostic.projection import E2, A

    e4, e6, ep2, k0 = E2 * E2, E2**3, E2 / (1 - E2), 0.9996
    phi = math.radians(lat)
    n = A / math.sqrt(1 - E2 * math.sin(phi) ** 2)
    t, c = math.tan(phi) ** 2, ep2 * math.cos(phi) ** 2
    a = (math.radians(lon) - math.radians(-183 + 6 * zone)) * math.cos(phi)
    m = A * ((1 - E2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * phi
             - (3 * E2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * math.sin(2 * phi)
             + (15 * e4 / 256 + 45 * e6 / 1024) * math.sin(4 * phi)
             - 35 * e6 / 3072 * math.sin(6 * phi))  # fmt: skip
    x = k0 * n * (a + (1 - t + c) * a**3 / 6
                  + (5 - 18 * t + t * t + 72 * c - 58 * ep2) * a**5 / 120)  # fmt: skip
    y = k0 * (m + n * math.tan(phi) * (a * a / 2 + (5 - t + 9 * c + 4 * c * c) * a**4 / 24
                                       + (61 - 58 * t + t * t + 600 * c - 330 * ep2) * a**6 / 720))  # fmt: skip
    return 500000.0 + x, y + (10_000_000.0 if south else 0.0)


def inner_point(code: str) -> tuple[float, float] | None:
    """A point inside commune ``code`` (longitude, latitude), from the contours shipped with
    ``cpts``: the middle of the widest stretch of its largest ring along the latitude of the
    ring's centroid (inside even when the commune is not convex); None without contour."""
    import numpy as np

    from cpts_cli.territory import contours

    rings = contours.contour(code)
    if not rings:
        return None
    xs, ys = max(rings, key=lambda r: np.ptp(r[0]) * np.ptp(r[1]))
    xs, ys = xs.astype(float), ys.astype(float)
    cy = ys.mean() + 0.25  # off the vertices' exact latitudes
    x0, y0, x1, y1 = xs[:-1], ys[:-1], xs[1:], ys[1:]
    crossing = (y0 <= cy) != (y1 <= cy)
    cuts = np.sort(x0[crossing] + (cy - y0[crossing]) * (x1 - x0)[crossing] / (y1 - y0)[crossing])
    pairs = len(cuts) // 2
    if not pairs:
        return xs.mean() / contours.UNITS_PER_DEGREE, cy / contours.UNITS_PER_DEGREE
    widest = int(np.argmax(cuts[1 : 2 * pairs : 2] - cuts[0 : 2 * pairs : 2]))
    mid = (cuts[2 * widest] + cuts[2 * widest + 1]) / 2
    return mid / contours.UNITS_PER_DEGREE, cy / contours.UNITS_PER_DEGREE


_POINTS: dict[str, tuple[float, float] | None] = {}


def _department_centre(dep: str) -> tuple[float, float] | None:
    """The middle of the department's bounding box: for the few communes restored since
    2018, which have no contour of their own."""
    from cpts_cli.territory import contours

    box = contours.department_bbox(dep)
    if box is None:
        return None
    unit = 2 * contours.UNITS_PER_DEGREE
    return (box[0] + box[2]) / unit, (box[1] + box[3]) / unit


def _coordinates(rng: random.Random, code: str, dep: str) -> tuple[float, float, str]:
    """The establishment's metric coordinates near a point inside its commune, in the
    system the real file uses for ``dep``, and the ``sourcecoordet`` text."""
    if code not in _POINTS:
        _POINTS[code] = inner_point(code) or _department_centre(dep)
    point, source = _POINTS[code], None
    if dep in NO_CONTOUR:
        point, source = NO_CONTOUR[dep]
    if dep in UTM_ZONES:
        x, y = utm(*point, *UTM_ZONES[dep])
        source = f"1,ATLASANTE,96,BAN,{source or UTM_SOURCE[dep]}"
    else:
        x, y = lambert93(*point)
        source = "1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)"
        if rng.random() < 0.3:
            source = "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93"
    return x + rng.gauss(0, SPREAD_M), y + rng.gauss(0, SPREAD_M), source


def _name(rng: random.Random, libelle: str) -> str:
    words = " ".join(rng.choice(MOTS) for _ in range(rng.randint(1, 3)))
    name = f"{libelle.split(' (')[0].upper()[:30]} {words}"
    roll = rng.random()
    if roll < 0.01:
        name += ' "SITE NORD"'
    elif roll < 0.02:
        name += " ; ANNEXE"
    return name


def generate(path: Path, n: int, seed: int, encoding: str) -> None:
    rng = random.Random(seed)
    places = load_places()
    cumulative = list(accumulate(p[3] for p in places))
    cat_cumulative = list(accumulate(c[4] for c in CATEGORIES))
    geoloc: list[list[str]] = []
    with path.open("w", encoding=encoding, newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        out.write(f"finess;etalab;{n};2024-03-15\n")
        for i in range(n):
            code, dep, commune, _ = places[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
            cat = CATEGORIES[bisect.bisect(cat_cumulative, rng.random() * cat_cumulative[-1])]
            insee_dep = code[:3] if code[:2] in ("97", "98") else code[:2]
            number = f"{insee_dep[:2]}{i:07d}"[:9]
            name = _name(rng, cat[1])
            writer.writerow(
                ["structureet", number, f"{insee_dep[:2]}{(i * 7) % 10**7:07d}", name[:38],
                 name if rng.random() < 0.3 else "", "", "", str(rng.randint(1, 200)),
                 rng.choice(VOIES), f"DE LA {rng.choice(MOTS)}", "", "", commune, dep,
                 "DEPARTEMENT", f"{code} VILLE", f"0{rng.randint(100000000, 999999999)}", "",
                 cat[0], cat[1], cat[2], cat[3], f"{rng.randint(10**13, 10**14 - 1)}",
                 "8610Z", "03", "ARS dotation globale",
                 "1", "Etab. public de santé", "1990-01-01", "1990-01-01",
                 "2023-11-20", ""]
            )  # fmt: skip
            x, y, source = _coordinates(rng, code, insee_dep)
            geoloc.append(["geolocalisation", number, f"{x:.1f}", f"{y:.1f}", source, "2023-11-20"])
        writer.writerows(geoloc)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("-n", "--establishments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--encoding", default="utf-8")
    args = parser.parse_args(argv)
    generate(args.path, args.establishments, args.seed, args.encoding)
    size = args.path.stat().st_size / 1e6
    print(f"{args.path} : {args.establishments:,} établissements, {size:,.1f} Mo")


if __name__ == "__main__":
    main()
