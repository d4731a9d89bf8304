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
Names, numbers and coordinates are made up. UTF-8 by default (as recent files).
Deterministic: the same arguments give the same bytes (``--seed``). ~35 MB for 100 000.
"""

from __future__ import annotations

import argparse
import bisect
import csv
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


def _coordinates(rng: random.Random, dep: str) -> tuple[float, float, str]:
    if dep in UTM_SOURCE:
        south = dep in ("974", "976")
        x = rng.uniform(300000, 700000)
        y = rng.uniform(7600000, 8000000) if south else rng.uniform(400000, 2000000)
        return x, y, f"1,ATLASANTE,96,BAN,{UTM_SOURCE[dep]}"
    x, y = rng.uniform(100000, 1200000), rng.uniform(6050000, 7100000)
    if rng.random() < 0.3:
        return x, y, "1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93"
    return x, y, "1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)"


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
            x, y, source = _coordinates(rng, insee_dep)
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
