"""Benchmark: the diagnostic's APL reader against pandas ``read_excel`` (openpyxl).

How to run (from the repository root)::

    python -m venv /tmp/pandas-venv && /tmp/pandas-venv/bin/pip install pandas openpyxl
    python bench/bench_diagnostic_apl.py --pandas-python /tmp/pandas-venv/bin/python --runs 5

It writes a national workbook in the DREES layout (``--file``, default
``/tmp/APL_mg_bench.xlsx``: sheets ``APL 2022`` and ``APL 2023``, rows 1–8 title and
notes, row 9 header, row 10 units, one row per commune of the reference store — Paris,
Lyon and Marseille by arrondissement, ~35 000 rows — then notes), then, side by side,
each in its own process, ``--runs`` times, alternately:

* ``cpts``: ``cpts_cli.diagnostic.sources.apl.read`` — the whole reader (the parts'
  bounds checked, the newest sheet found and read in openpyxl's read-only mode, the
  weighted means of the 50 communes of the worked example, Côte-d'Or, region 27, France);
* ``pandas``: ``pandas.read_excel(path, sheet_name="APL 2023", header=8, dtype={code:
  str})`` then the same weighted means (the table of communes given).

Median times (work only), ratio, peak memory (``ru_maxrss``). Not run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_CPTS = r"""
import json, resource, sys, time
sys.path.insert(0, ROOT)
from pathlib import Path
from cpts_cli.diagnostic.sources import Scope, apl
codes = json.loads(open(PREPARED, encoding="utf-8").read())["members"]
start = time.perf_counter()
source = apl.read(Path(FILE), Scope(tuple(codes), ("21",), ("27",)))
elapsed = time.perf_counter() - start
f = source.figures[0]
print(json.dumps({"time": elapsed, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "values": [f.territoire, f.departements["21"], f.regions["27"], f.france]}))
"""

_PANDAS = r"""
import json, resource, time
import pandas as pd
start = time.perf_counter()
prepared = json.loads(open(PREPARED, encoding="utf-8").read())
table, members = prepared["table"], set(prepared["members"])
df = pd.read_excel(FILE, sheet_name="APL 2023", header=8, dtype={"Code commune INSEE": str})
df = df.iloc[1:]
df.columns = [str(c).strip() for c in df.columns]
df = df[df["Code commune INSEE"].isin(table.keys())]
apl = pd.to_numeric(df["APL aux médecins généralistes"], errors="coerce")
w = pd.to_numeric(df[[c for c in df.columns if c.startswith("Population standardisée")][0]],
                  errors="coerce")
codes = df["Code commune INSEE"]
dep = codes.map(lambda c: table[c][0]); reg = codes.map(lambda c: table[c][1])
def mean(mask):
    ok = mask & apl.notna() & w.notna()
    return round(float((apl[ok] * w[ok]).sum() / w[ok].sum()), 1)
values = [mean(codes.isin(members)), mean(dep == "21"), mean(reg == "27"),
          mean(codes == codes)]
elapsed = time.perf_counter() - start
print(json.dumps({"time": elapsed, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "values": values}))
"""


def make(path: Path, prepared: Path) -> None:
    from openpyxl import Workbook

    from cpts_cli.diagnostic.sources.rpps import national_communes
    from cpts_cli.project.load import read_path
    from cpts_cli.territory.summary import derive

    example = read_path(ROOT / "cpts_cli" / "examples" / "sud-dijonnais.yaml")
    members = sorted(derive(example.plain["territoire"]).members)[:50]
    split = {"75056", "69123", "13055"}
    communes = [
        c
        for c in national_communes()
        if c.code not in split and c.departement not in ("976",) and len(c.departement) < 3
        or c.departement in ("971", "972", "973", "974")
    ]
    rng = random.Random(2023)
    book = Workbook(write_only=True)
    for year in (2022, 2023):
        sheet = book.create_sheet(f"APL {year}")
        sheet.append(["Accessibilité potentielle localisée (APL) aux médecins généralistes"])
        for n in range(7):
            sheet.append([f"Note {n + 1}" if n % 2 else None])
        sheet.append(
            ["Code commune INSEE", "Commune", "APL aux médecins généralistes ",
             "APL aux médecins généralistes de 65 ans et moins",
             "APL aux médecins généralistes de 62 ans et moins",
             "APL aux médecins généralistes de 60 ans et moins",
             f"Population standardisée {year - 2} pour la médecine générale",
             f"Population totale {year - 2}"]  # fmt: skip
        )
        sheet.append([None, None, "consultations/an/hab."])
        for c in communes:
            value = round(rng.uniform(0.5, 6.5), 3)
            pop = c.population or 0
            sheet.append([c.code, c.nom, value, round(value * 0.8, 3), round(value * 0.7, 3),
                          round(value * 0.6, 3), round(pop * rng.uniform(0.8, 1.2), 1), pop])  # fmt: skip
        sheet.append([None])
        sheet.append(["Source : DREES, SNDS, INSEE."])
    book.save(path)
    table = {c.code: (c.departement, c.region) for c in communes}
    prepared.write_text(json.dumps({"table": table, "members": members}), encoding="utf-8")


def run(python: str, script: str, file: Path, prepared: Path) -> dict:
    code = f"ROOT = {str(ROOT)!r}\nFILE = {str(file)!r}\nPREPARED = {str(prepared)!r}\n"
    done = subprocess.run([python, "-c", code + script], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=Path("/tmp/APL_mg_bench.xlsx"))
    parser.add_argument("--pandas-python", required=True, help="a Python with pandas, openpyxl")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    prepared = args.file.with_suffix(".prepared.json")
    make(args.file, prepared)
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
