"""Benchmark: ``cpts diagnostic import`` of a national FINESS extraction or INSEE base
communale, against pandas.

How to run (from the repository root; pandas only in a throwaway environment)::

    python -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install pandas
    python bench/bench_opendata_import.py --pandas /tmp/bench-venv/bin/python
    python bench/bench_opendata_import.py --kind insee --pandas /tmp/bench-venv/bin/python
    python bench/bench_opendata_import.py --file /tmp/finess.csv --runs 5 --pandas …

It generates a national extraction with ``bench/make_finess.py`` (100 000 establishments;
``--kind insee``: the base communale with ``bench/make_insee.py``, ~35 000 rows × 100
columns) unless ``--file`` is given, and copies the worked example ``sud-dijonnais`` (75 communes of
Côte-d'Or) as the project. Then, side by side, each in its own process, ``--runs`` times:

* ``cpts``: ``import_files`` (the whole ``cpts diagnostic import``: read the project,
  scan the extraction, count by category for the territory, the departments and France,
  join the coordinates, convert them, merge 26 indicators and the structures, save) into a
  fresh copy of the project file;
* ``pandas``: ``pandas.read_csv(path, sep=";", header=None, skiprows=1, dtype=str)`` then
  the same filter: ``structureet`` rows, INSEE code from department and commune, counts by
  department × category, the territory's rows, their ``geolocalisation`` rows joined;
  INSEE: ``read_csv(path, sep=";", dtype={"CODGEO": str}, usecols=[CODGEO and the 8
  columns read])``, sums by department and over the territory's communes.

It prints the median time of each (work only: interpreter start-up and imports excluded),
their ratio against the target (≤ 1.0), the median of the per-pair ratios of processor time
(reader alone / pandas: what the other processes of a shared machine move least) and each
process's peak memory (``ru_maxrss``) against the target (< 100 MB for cpts). Not run by the
test suite. Linux/macOS only.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_RATIO = 1.0
TARGET_MB = 100.0
EXAMPLE = ROOT / "cpts_cli" / "examples" / "sud-dijonnais.yaml"


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def child_pandas_insee(source: Path, project: Path) -> dict:
    import pandas as pd

    codes = set(json.loads(project.with_suffix(".codes.json").read_text(encoding="utf-8")))
    columns = ["POP", "POP0014", "POP1529", "POP3044", "POP4559", "POP6074", "POP7589", "POP90P"]
    start, cpu = time.perf_counter(), time.process_time()
    frame = pd.read_csv(
        source, sep=";", dtype={"CODGEO": str}, usecols=["CODGEO", *(f"P21_{c}" for c in columns)]
    )
    dep = frame["CODGEO"].str[:2]
    by_dep = frame.drop(columns="CODGEO").groupby(dep).sum()
    territory = frame[frame["CODGEO"].isin(codes)].drop(columns="CODGEO").sum()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": _peak_mb(),
        "territory": round(float(territory["P21_POP"])),
        "groups": len(by_dep),
    }


def child_cpts(source: Path, project: Path) -> dict:
    from cpts_cli.diagnostic.run import import_files, recognise
    from cpts_cli.diagnostic.scope import scope_of
    from cpts_cli.project.load import read_path
    from cpts_cli.territory.summary import derive

    work = project.with_name(f"run-{os.getpid()}.yaml")
    shutil.copy(project, work)
    start = time.perf_counter()
    report = import_files(work, [source])
    seconds = time.perf_counter() - start
    work.unlink()
    # The reader alone (what pandas is compared with, beside the whole command).
    scope = scope_of(derive(read_path(project).plain["territoire"]))
    start, cpu = time.perf_counter(), time.process_time()
    recognise(source).read(source, scope)
    read_seconds, read_cpu = time.perf_counter() - start, time.process_time() - cpu
    item = report.imports[0]
    counted = ("établissements", "habitants")
    return {
        "seconds": seconds,
        "read_seconds": read_seconds,
        "read_cpu_seconds": read_cpu,
        "peak_mb": _peak_mb(),
        "territory": sum(f.territoire or 0 for f in item.source.figures if f.unite in counted),
        "structures": len(item.source.structures),
    }


def child_pandas(source: Path, project: Path) -> dict:
    import pandas as pd

    # The territory's codes, written by the parent (this interpreter may lack cpts's needs).
    codes = set(json.loads(project.with_suffix(".codes.json").read_text(encoding="utf-8")))
    start, cpu = time.perf_counter(), time.process_time()
    frame = pd.read_csv(
        source, sep=";", header=None, skiprows=1, dtype=str, names=list(range(32)),
        encoding="utf-8", keep_default_na=False,
    )  # fmt: skip
    lines = frame[frame[0] == "structureet"]
    dep = lines[13].replace({"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9E": "975",
                             "9F": "976", "9J": "986"})  # fmt: skip
    insee = dep.where(dep.str.len() == 2, dep.str[:2]) + lines[12].str.zfill(3)
    counts = lines.groupby([dep, lines[18]]).size()
    kept = lines[insee.isin(codes)]
    geo = frame[(frame[0] == "geolocalisation") & frame[1].isin(set(kept[1]))]
    joined = kept.merge(geo[[1, 2, 3, 4]], on=1, how="left")
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_mb": _peak_mb(),
        "territory": len(kept),
        "structures": len(joined),
        "groups": len(counts),
    }


def run_child(kind: str, source: Path, project: Path, python: str) -> dict:
    out = subprocess.run(
        [python, __file__, "--child", kind, str(source), str(project)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(source: Path, project: Path, runs: int, pandas_python: str | None, kind: str) -> None:
    size = source.stat().st_size / 1e6
    print(f"\n== {source.name} ({size:,.0f} Mo), {runs} passes ==")
    pythons = {"cpts": sys.executable}
    if pandas_python:
        pythons["pandas"] = pandas_python
    results: dict[str, list[dict]] = {k: [] for k in pythons}
    for _ in range(runs):
        for who, python in pythons.items():  # alternate: both see the same page cache
            child = "pandas-insee" if who == "pandas" and kind == "insee" else who
            results[who].append(run_child(child, source, project, python))
    medians = {}
    for kind, rows in results.items():
        medians[kind] = statistics.median(r["seconds"] for r in rows)
        peak = max(r["peak_mb"] for r in rows)
        times = ", ".join(f"{r['seconds']:.2f}" for r in rows)
        print(
            f"{kind:7s} médiane {medians[kind]:6.2f} s  ({times})  mémoire max {peak:6.0f} Mo  {rows[0]}"
        )
    reader = statistics.median(r["read_seconds"] for r in results["cpts"])
    print(f"cpts, lecteur seul (sans lire ni écrire le fichier projet) : médiane {reader:.2f} s")
    peak = max(r["peak_mb"] for r in results["cpts"])
    print(
        f"cpts: mémoire {peak:.0f} Mo (cible < {TARGET_MB:.0f} Mo) : {'OK' if peak < TARGET_MB else 'DÉPASSÉE'}"
    )
    if "pandas" in medians:
        print(f"rapport lecteur seul / pandas = {reader / medians['pandas']:.2f}")
        pairs = [
            c["read_cpu_seconds"] / p["cpu_seconds"]
            for c, p in zip(results["cpts"], results["pandas"], strict=True)
        ]
        print(
            "rapport lecteur seul / pandas en temps processeur (médiane des paires, moins "
            f"sensible aux autres processus de la machine) = {statistics.median(pairs):.2f}"
        )
        ratio = medians["cpts"] / medians["pandas"]
        print(
            f"rapport cpts / pandas = {ratio:.2f} (cible ≤ {TARGET_RATIO:.1f}) : {'OK' if ratio <= TARGET_RATIO else 'DÉPASSÉE'}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--establishments", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, help="an extraction already generated")
    parser.add_argument("--pandas", help="a Python interpreter that has pandas")
    parser.add_argument("--kind", choices=["finess", "insee"], default="finess")
    parser.add_argument(
        "--child", nargs=3, metavar=("KIND", "SOURCE", "PROJECT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        kind, source, project = args.child
        fn = {"cpts": child_cpts, "pandas": child_pandas, "pandas-insee": child_pandas_insee}[kind]
        print(json.dumps(fn(Path(source), Path(project))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "cpts.yaml"
        shutil.copy(EXAMPLE, project)
        from cpts_cli.project.load import read_path
        from cpts_cli.territory.summary import derive

        codes = sorted(derive(read_path(project).plain["territoire"]).counted)
        project.with_suffix(".codes.json").write_text(json.dumps(codes), encoding="utf-8")
        source = args.file
        if source is None:
            sys.path.insert(0, str(ROOT / "bench"))
            if args.kind == "insee":
                import make_insee

                source = Path(tmp) / "base-cc-evol-struct-pop-2021.CSV"
                make_insee.generate(source, 21, 15)
            else:
                import make_finess

                source = Path(tmp) / "etalab-cs1100507-stock-20240315-0336.csv"
                make_finess.generate(source, args.establishments, 15, "utf-8")
        compare(source, project, args.runs, args.pandas, args.kind)


if __name__ == "__main__":
    main()
