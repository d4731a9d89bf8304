"""Benchmark: the diagnostic's RPPS reader (national counts) against pandas.

How to run (from the repository root)::

    python -m venv /tmp/pandas-venv && /tmp/pandas-venv/bin/pip install pandas
    python bench/make_rpps.py /tmp/PS_LibreAcces_Personne_activite_202511010000.txt --zip
    python bench/bench_diagnostic_rpps.py \\
        --file /tmp/PS_LibreAcces_Personne_activite_202511010000.txt \\
        --pandas-python /tmp/pandas-venv/bin/python --runs 5

The territory is the first 50 communes of the worked example (Côte-d'Or, region 27).
Side by side, each in its own process, ``--runs`` times, alternately:

* ``cpts``: ``cpts_cli.diagnostic.sources.rpps.read`` — the whole reader: the national
  table of communes from the reference store, the scan of the extraction, each
  professional counted once per area, the 20 figures;
* ``pandas``: ``pandas.read_csv(path, sep="|", dtype=str, usecols=[the 8 columns the
  reader uses])`` then the same counts: commune code → areas (the same table, from the
  store), postcode when the code is missing and the postcode serves one commune, GP when
  one of the médecin's lines says so, ``nunique`` of the identifiers per area and
  profession, for all activities and for the liberal ones.

It prints the median time of each (work only: interpreter start-up and imports
excluded), their ratio, each process's peak memory (``ru_maxrss``) and the territory's
GP and nurse counts of both. cpts counts a few more: an activity without commune code
whose postcode serves several communes is placed by the commune its address names
(``21250 SEURRE``), or counted in the territory when all those communes are in it; the
pandas side keeps only postcodes of one commune. Not run by the test suite. Linux only.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_COMMON = r"""
import json, resource, sys, time
sys.path.insert(0, ROOT)
from pathlib import Path
from cpts_cli.referentiel import store
from cpts_cli.project.load import read_path
from cpts_cli.territory.summary import derive
example = read_path(Path(ROOT) / "cpts_cli" / "examples" / "sud-dijonnais.yaml")
codes = sorted(derive(example.plain["territoire"]).members)[:50]
"""

_CPTS = (
    _COMMON
    + r"""
from cpts_cli.diagnostic.sources import Scope
from cpts_cli.diagnostic.sources import rpps
scope = Scope(tuple(codes), ("21",), ("27",))
start = time.perf_counter()
source = rpps.read(Path(FILE), scope)
elapsed = time.perf_counter() - start
notes = {f.code: f.note for f in source.figures}
count = lambda code: int(notes[code].split(" : ")[1].split()[0])
print(json.dumps({"time": elapsed,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "gp": count("medecins_generalistes_pour_10000"),
                  "nurses": count("infirmiers_pour_10000")}))
"""
)

_PANDAS = r"""
import json, resource, sys, time
import pandas as pd
"""
_PANDAS += r"""
start = time.perf_counter()
prepared = json.loads(open(PREPARED, encoding="utf-8").read())
table = {code: tuple(v) for code, v in prepared["table"].items()}
one = prepared["postcodes"]
COLS = ["Identifiant PP", "Code profession", "Code savoir-faire", "Code mode exercice",
        "Code postal (coord. structure)", "Code commune (coord. structure)"]
head = open(FILE, "rb").read(65536)
try:
    head.decode("utf-8"); encoding = "utf-8"
except UnicodeDecodeError:
    encoding = "latin-1"
df = pd.read_csv(FILE, sep="|", dtype=str, usecols=COLS, encoding=encoding,
                 keep_default_na=False)
df.columns = ["id", "prof", "sf", "mode", "cp", "com"]
nocode = df["com"] == ""
df.loc[nocode, "com"] = df.loc[nocode, "cp"].map(one).fillna("")
df = df[df["com"].isin(table.keys())]
place = df["com"].map(table)
df["dep"] = place.str[0]; df["reg"] = place.str[1]; df["inside"] = place.str[2]
gp_ids = set(df.loc[df["sf"].isin(["SM54", "SM53", "SM26"]), "id"])
kinds = {"10": "spec", "60": "infirmier", "69": "infirmier", "70": "kine", "40": "dentiste",
         "50": "sage_femme", "21": "pharmacien", "91": "orthophoniste", "80": "podologue",
         "93": "psychologue"}
df["kind"] = df["prof"].map(kinds)
df.loc[(df["prof"] == "10") & df["id"].isin(gp_ids), "kind"] = "gp"
df = df[df["kind"].notna()]
out = {}
for area, mask in (("T", df["inside"]), ("D", df["dep"] == "21"), ("R", df["reg"] == "27"),
                   ("F", df["reg"].notna())):
    part = df[mask]
    out[area] = part.groupby("kind")["id"].nunique().to_dict()
    out[area + "L"] = part[part["mode"] == "L"].groupby("kind")["id"].nunique().to_dict()
elapsed = time.perf_counter() - start
print(json.dumps({"time": elapsed,
                  "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "gp": out["T"].get("gp", 0), "nurses": out["T"].get("infirmier", 0)}))
"""


def run(python: str, script: str, file: Path, prepared: Path) -> dict:
    code = f"ROOT = {str(ROOT)!r}\nFILE = {str(file)!r}\nPREPARED = {str(prepared)!r}\n"
    code += script
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepare(target: Path) -> None:
    """What the pandas side is given, as its ``table`` of communes and postcodes (the
    reader builds the same from the store, inside its timing)."""
    sys.path.insert(0, str(ROOT))
    from cpts_cli.diagnostic.sources.rpps import national_communes
    from cpts_cli.project.load import read_path
    from cpts_cli.referentiel import store
    from cpts_cli.territory.summary import derive

    example = read_path(ROOT / "cpts_cli" / "examples" / "sud-dijonnais.yaml")
    members = set(sorted(derive(example.plain["territoire"]).members)[:50])
    table = {
        c.code: (c.departement, c.region, c.code in members or c.commune_parente in members)
        for c in national_communes()
        if c.region not in ("975", "977", "978", "984", "986", "987", "988", "989")
    }
    postcodes = {}
    for n in range(100_000):
        served = store.postal_codes(f"{n:05d}")
        if len(served) == 1:
            postcodes[f"{n:05d}"] = served[0]
    target.write_text(json.dumps({"table": table, "postcodes": postcodes}), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, required=True)
    parser.add_argument("--pandas-python", required=True, help="a Python with pandas")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    prepared = args.file.with_suffix(".prepared.json")
    prepare(prepared)
    results: dict[str, list[dict]] = {"cpts": [], "pandas": []}
    for n in range(args.runs):
        results["cpts"].append(run(sys.executable, _CPTS, args.file, prepared))
        results["pandas"].append(run(args.pandas_python, _PANDAS, args.file, prepared))
        print(n + 1, results["cpts"][-1], results["pandas"][-1], flush=True)
    a = statistics.median(r["time"] for r in results["cpts"])
    b = statistics.median(r["time"] for r in results["pandas"])
    print(f"cpts   median {a:.2f} s, peak {max(r['peak'] for r in results['cpts']):.0f} MB")
    print(f"pandas median {b:.2f} s, peak {max(r['peak'] for r in results['pandas']):.0f} MB")
    print(f"ratio  {a / b:.2f} (target ≤ 1.0)")


if __name__ == "__main__":
    main()
