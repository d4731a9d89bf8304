#!/usr/bin/env python3
"""Build the reference data shipped with ``cpts``: ``cpts_cli/referentiel/data/referentiel.sqlite``.

Source: the npm package ``@etalab/decoupage-administratif`` pinned to 6.0.0 (COG 2026,
populations légales millésime 2023, Licence Ouverte / Etalab 2.0 for the data).

    python scripts/build_referentiel.py                   # runs `npm pack` in a temp dir
    python scripts/build_referentiel.py --tarball X.tgz   # reuses a tarball already downloaded
    python scripts/build_referentiel.py --output /tmp/r.sqlite

The tarball is checked against the sha512 integrity published by the npm registry (hard-coded
below). The build is deterministic: rows are inserted sorted, no timestamp is stored and the file
is VACUUMed, so that two runs give a byte-identical file (with the same SQLite library).
Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"
# `npm view @etalab/decoupage-administratif@6.0.0 dist.integrity`
INTEGRITY = (
    "sha512-"
    "XavYsFlbcM/prKr8hNHPKER94IHw/dsxNM4nxjWMYk6PLFACpEedvn/7wK8Baozm0dCYhWWcf+7bcWpA5pmCaQ=="
)

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
# Names are stored normalised exactly as the tool normalises a search (one function).
from cpts_cli.referentiel.store import normalise  # noqa: E402

DEFAULT_OUTPUT = REPO_ROOT / "cpts_cli" / "referentiel" / "data" / "referentiel.sqlite"

# Types of the etalab data -> INSEE COG abbreviations stored in the file (smaller).
TYPE_CODES = {
    "commune-actuelle": "COM",
    "arrondissement-municipal": "ARM",
    "commune-deleguee": "COMD",
    "commune-associee": "COMA",
}

META = {
    "source": PACKAGE,
    "source_url": "https://www.npmjs.com/package/@etalab/decoupage-administratif/v/6.0.0",
    "version": VERSION,
    "integrity": INTEGRITY,
    "cog": "2026",
    "population": "population municipale (INSEE, populations légales)",
    "population_millesime": "2023",
    "population_en_vigueur": "2026-01-01",
    "population_source_url": "https://www.insee.fr/fr/statistiques/8680726?sommaire=8681011",
    "population_note_mayotte": (
        "Mayotte (976) : population du recensement de 2017 (INSEE), pas du millésime 2023."
    ),
    "population_note_com": (
        "Collectivités d'outre-mer (975, 977, 978, 986, 987, 988) : populations légales publiées "
        "pour les COM ; certaines entités sans population (Terres australes et antarctiques "
        "françaises 984xx, Clipperton 98901) : population inconnue, jamais 0."
    ),
    "epci_source": "DGCL, liste et composition des EPCI à fiscalité propre 2026",
    "licence": "Licence Ouverte / Etalab 2.0",
    "licence_url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
}

# ARS (DOMAIN.md §3): slug, name, INSEE region, departments.
ARS = [
    ("guadeloupe", "Guadeloupe", "01", ["971", "977", "978"]),
    ("martinique", "Martinique", "02", ["972"]),
    ("guyane", "Guyane", "03", ["973"]),
    ("la_reunion", "La Réunion", "04", ["974"]),
    ("mayotte", "Mayotte", "06", ["976"]),
    ("ile_de_france", "Île-de-France", "11", ["75", "77", "78", "91", "92", "93", "94", "95"]),
    ("centre_val_de_loire", "Centre-Val de Loire", "24", ["18", "28", "36", "37", "41", "45"]),
    (
        "bourgogne_franche_comte",
        "Bourgogne-Franche-Comté",
        "27",
        ["21", "25", "39", "58", "70", "71", "89", "90"],
    ),
    ("normandie", "Normandie", "28", ["14", "27", "50", "61", "76"]),
    ("hauts_de_france", "Hauts-de-France", "32", ["02", "59", "60", "62", "80"]),
    (
        "grand_est",
        "Grand Est",
        "44",
        ["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"],
    ),
    ("pays_de_la_loire", "Pays de la Loire", "52", ["44", "49", "53", "72", "85"]),
    ("bretagne", "Bretagne", "53", ["22", "29", "35", "56"]),
    (
        "nouvelle_aquitaine",
        "Nouvelle-Aquitaine",
        "75",
        ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"],
    ),
    (
        "occitanie",
        "Occitanie",
        "76",
        ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"],
    ),
    (
        "auvergne_rhone_alpes",
        "Auvergne-Rhône-Alpes",
        "84",
        ["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"],
    ),
    ("paca", "Provence-Alpes-Côte d'Azur", "93", ["04", "05", "06", "13", "83", "84"]),
    ("corse", "Corse", "94", ["2A", "2B"]),
]

SCHEMA = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Communes actuelles (COM), arrondissements municipaux (ARM), communes déléguées (COMD) and
-- associées (COMA). A COMD/COMA may carry the same code as its commune nouvelle (chef_lieu = 1).
CREATE TABLE communes (
    code TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('COM', 'ARM', 'COMD', 'COMA')),
    nom TEXT NOT NULL,
    nom_normalise TEXT NOT NULL,
    departement TEXT NOT NULL,
    region TEXT NOT NULL,
    population INTEGER,          -- NULL when unknown (COMD/COMA, a few COM), never a fake 0
    commune_parente TEXT,        -- ARM: its commune; COMD/COMA: the commune nouvelle
    chef_lieu INTEGER,           -- COMD/COMA: 1 when its code is the commune nouvelle's code
    PRIMARY KEY (code, type)
) WITHOUT ROWID;
CREATE INDEX communes_nom_normalise ON communes (nom_normalise);
-- Lookups by department use the primary key: a COM/ARM code starts with its department code
-- (checked at build time; 5 communes associées keep the code of their former department).
-- Lookups by region go through `departements`.
CREATE INDEX communes_commune_parente ON communes (commune_parente)
    WHERE commune_parente IS NOT NULL;

-- Every code listed in `anciensCodes` of a commune actuelle (includes the déléguée/associée
-- codes that are not also a current code).
CREATE TABLE anciens_codes (
    ancien_code TEXT PRIMARY KEY,
    commune TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX anciens_codes_commune ON anciens_codes (commune);

CREATE TABLE codes_postaux (
    code_postal TEXT NOT NULL,
    commune TEXT NOT NULL,       -- a COM or ARM code
    PRIMARY KEY (code_postal, commune)
) WITHOUT ROWID;

CREATE TABLE epci (
    siren TEXT PRIMARY KEY,
    nom TEXT NOT NULL,
    nom_normalise TEXT NOT NULL,
    type TEXT NOT NULL,           -- CC, CA, CU, METRO, MET69
    -- Derived at build time from the member communes (for search results): the sum of their
    -- `communes.population` and their departments ("21" or "21, 52"). The EPCI's own
    -- populationMunicipale in the source (another millésime) is deliberately not stored.
    population_communes INTEGER NOT NULL,
    departements TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX epci_nom_normalise ON epci (nom_normalise);

CREATE TABLE epci_membres (
    siren TEXT NOT NULL,
    commune TEXT NOT NULL,
    PRIMARY KEY (siren, commune)
) WITHOUT ROWID;
CREATE INDEX epci_membres_commune ON epci_membres (commune);

CREATE TABLE departements (
    code TEXT PRIMARY KEY,
    nom TEXT NOT NULL,
    region TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX departements_region ON departements (region);

CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    nom TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE ars (
    code TEXT PRIMARY KEY,
    nom TEXT NOT NULL,
    region TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE ars_departements (
    departement TEXT PRIMARY KEY,
    ars TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ars_departements_ars ON ars_departements (ars);
"""


def check_integrity(data: bytes) -> None:
    algo, _, expected = INTEGRITY.partition("-")
    assert algo == "sha512"
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if actual != expected:
        raise SystemExit(
            f"Integrity check failed for {PACKAGE}@{VERSION}: expected sha512-{expected}, "
            f"got sha512-{actual}"
        )


def fetch_tarball(workdir: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm not found: install Node.js/npm or pass --tarball PATH")
    result = subprocess.run(
        [npm, "pack", f"{PACKAGE}@{VERSION}", "--json", "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(result.stdout)
    return workdir / info[0]["filename"]


def read_package(tarball: Path) -> dict[str, object]:
    data = tarball.read_bytes()
    check_integrity(data)
    wanted = {
        "package/package.json",
        "package/data/communes.json",
        "package/data/epci.json",
        "package/data/departements.json",
        "package/data/regions.json",
    }
    files: dict[str, object] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            if member.name in wanted and member.isfile():
                fh = tar.extractfile(member)
                assert fh is not None
                files[member.name.rsplit("/", 1)[-1]] = json.loads(fh.read().decode("utf-8"))
    missing = {w.rsplit("/", 1)[-1] for w in wanted} - files.keys()
    if missing:
        raise SystemExit(f"Missing files in the tarball: {sorted(missing)}")
    pkg = files["package.json"]
    assert isinstance(pkg, dict)
    if pkg.get("name") != PACKAGE or pkg.get("version") != VERSION:
        raise SystemExit(f"Unexpected package: {pkg.get('name')}@{pkg.get('version')}")
    return files


def build_rows(files: dict[str, object]) -> dict[str, list[tuple]]:
    communes = files["communes.json"]
    epcis = files["epci.json"]
    departements = files["departements.json"]
    regions = files["regions.json"]
    assert isinstance(communes, list) and isinstance(epcis, list)
    assert isinstance(departements, list) and isinstance(regions, list)

    current = {c["code"] for c in communes if c["type"] == "commune-actuelle"}
    arrondissements = {c["code"] for c in communes if c["type"] == "arrondissement-municipal"}

    commune_rows: list[tuple] = []
    anciens: dict[str, str] = {}
    postaux: set[tuple[str, str]] = set()
    for c in communes:
        typ = TYPE_CODES[c["type"]]
        code = c["code"]
        population = c.get("population")
        if typ in ("COMD", "COMA"):
            parent = c["chefLieu"]
            assert parent in current, code
            chef_lieu = 1 if code == parent else 0
            # A code shared with the commune nouvelle must be that commune nouvelle.
            assert code not in current or chef_lieu == 1, code
            population = None  # the data gives none; never invent one
        elif typ == "ARM":
            parent = c["commune"]
            assert parent in current, code
            chef_lieu = None
        else:
            parent = None
            chef_lieu = None
        if population is not None:
            assert isinstance(population, int) and population >= 0, code
        if typ in ("COM", "ARM"):
            assert code.startswith(c["departement"]), code
        commune_rows.append(
            (
                code,
                typ,
                c["nom"],
                normalise(c["nom"]),
                c["departement"],
                c["region"],
                population,
                parent,
                chef_lieu,
            )
        )
        if typ in ("COM", "ARM"):
            for cp in c.get("codesPostaux", []):
                postaux.add((cp, code))
        for old in c.get("anciensCodes", []):
            assert old not in current and old not in arrondissements, old
            assert anciens.get(old, code) == code, old
            anciens[old] = code

    by_code = {c["code"]: c for c in communes if c["type"] == "commune-actuelle"}
    epci_rows: list[tuple] = []
    membres: set[tuple[str, str]] = set()
    for e in epcis:
        members = [by_code[m["code"]] for m in e["membres"]]
        assert members and all(m.get("population") is not None for m in members), e["code"]
        epci_rows.append(
            (
                e["code"],
                e["nom"],
                normalise(e["nom"]),
                e["type"],
                sum(m["population"] for m in members),
                ", ".join(sorted({m["departement"] for m in members})),
            )
        )
        for m in members:
            membres.add((e["code"], m["code"]))

    dep_rows = [(d["code"], d["nom"], d["region"]) for d in departements]
    reg_rows = [(r["code"], r["nom"]) for r in regions]
    dep_codes = {d[0] for d in dep_rows}
    reg_by_code = {r[0] for r in reg_rows}

    ars_rows = []
    ars_dep_rows = []
    for slug, nom, region, deps in ARS:
        assert region in reg_by_code, region
        ars_rows.append((slug, nom, region))
        for dep in deps:
            assert dep in dep_codes, dep
            ars_dep_rows.append((dep, slug))

    return {
        "meta": sorted(META.items()),
        "communes": sorted(commune_rows, key=lambda r: (r[0], r[1])),
        "anciens_codes": sorted(anciens.items()),
        "codes_postaux": sorted(postaux),
        "epci": sorted(epci_rows),
        "epci_membres": sorted(membres),
        "departements": sorted(dep_rows),
        "regions": sorted(reg_rows),
        "ars": sorted(ars_rows),
        "ars_departements": sorted(ars_dep_rows),
    }


def write_sqlite(rows: dict[str, list[tuple]], output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".referentiel-", suffix=".sqlite", dir=output.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA page_size = 4096")
            con.execute("PRAGMA journal_mode = DELETE")
            con.executescript(SCHEMA)
            with con:
                for table, table_rows in rows.items():
                    if not table_rows:
                        continue
                    placeholders = ", ".join("?" * len(table_rows[0]))
                    con.executemany(f"INSERT INTO {table} VALUES ({placeholders})", table_rows)
            con.execute("ANALYZE")
            con.execute("VACUUM")
        finally:
            con.close()
        os.replace(tmp, output)
    finally:
        if tmp.exists():
            tmp.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="reuse this npm tarball instead of npm pack")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="cpts-referentiel-") as workdir:
        tarball = args.tarball or fetch_tarball(Path(workdir))
        files = read_package(tarball)
        rows = build_rows(files)
    write_sqlite(rows, args.output)

    digest = hashlib.sha256(args.output.read_bytes()).hexdigest()
    counts = ", ".join(f"{t}={len(r)}" for t, r in rows.items())
    print(f"{args.output}: {args.output.stat().st_size} bytes, sha256 {digest}")
    print(counts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
