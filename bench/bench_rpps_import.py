"""Benchmark: ``cpts actors import`` of a national RPPS extraction, against pandas.

How to run (from the repository root, with the package installed or importable)::

    pip install pandas                                   # the yardstick, not a dependency
    python bench/bench_rpps_import.py                    # 2 000 000 lines, 3 runs each
    python bench/bench_rpps_import.py --file /tmp/rpps.txt   # reuse a generated file
    python bench/bench_rpps_import.py -n 200000 --runs 5
    python bench/bench_rpps_import.py --zip              # also time the .zip

It generates an extraction with ``bench/make_rpps.py`` (latin-1, real commune codes and
postcodes, ~3 activities per professional) unless ``--file`` is given, and a project file
whose territory is 50 communes of Côte-d'Or (the first 50 codes of the worked example
``sud-dijonnais``). Then, side by side, each in its own process, ``--runs`` times:

* ``cpts``: ``import_actors`` (the whole ``cpts actors import``: read the project, scan
  the extraction, deduplicate, merge, save) into a fresh copy of the project file;
* ``pandas``: ``pandas.read_csv(path, sep="|", dtype=str, usecols=[the 13 columns cpts
  reads])`` then the same filter (commune code in the territory, or no commune code and a
  postcode serving the territory).

It prints the median time of each (work only, interpreter start-up and imports excluded),
their ratio against the target (≤ 1.0), and each process's peak memory (``ru_maxrss``)
against the target (< 150 MB for cpts). Not run by the test suite. Linux/macOS only.
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
TARGET_MB = 150.0
USECOLS = [
    "Type d'identifiant PP",
    "Identifiant PP",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Code profession",
    "Code savoir-faire",
    "Code mode exercice",
    "Code postal (coord. structure)",
    "Code commune (coord. structure)",
    "Libellé commune (coord. structure)",
    "Bureau cedex (coord. structure)",
    "Téléphone (coord. structure)",
    "Adresse e-mail (coord. structure)",
]


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def write_project(path: Path) -> list[str]:
    from cpts_cli.project.load import read_path
    from cpts_cli.territory.summary import derive

    example = read_path(ROOT / "cpts_cli" / "examples" / "sud-dijonnais.yaml")
    codes = sorted(derive(example.plain["territoire"]).members)[:50]
    lines = [
        "format: 1",
        "aci: avenant-2",
        "cpts:",
        "  nom: CPTS du banc d'essai",
        "  porteur:",
        "    nom: Dr Claire Essai",
        "territoire:",
        "  communes:",
        *[f'    - "{c}"' for c in codes],
        "  justification: Territoire du banc d'essai (50 communes de Côte-d'Or).",
        "mobilisation:",
        "  acteurs: []",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return codes


# --------------------------------------------------------------------------- children


def child_cpts(source: Path, project: Path) -> dict:
    from cpts_cli.actors.importing.run import import_actors

    work = project.with_name(f"run-{os.getpid()}.yaml")
    shutil.copy(project, work)
    start = time.perf_counter()
    report = import_actors(work, source)
    seconds = time.perf_counter() - start
    work.unlink()
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "lines_kept": report.activities,
        "professionals": report.professionals,
        "added": len(report.merge.added),
    }


def child_pandas(source: Path, project: Path) -> dict:
    import pandas as pd

    from cpts_cli.actors.importing.place import Places
    from cpts_cli.project.load import read_path
    from cpts_cli.territory.summary import derive

    places = Places(derive(read_path(project).plain["territoire"]))
    codes, postcodes = sorted(places.members), sorted(places.postcodes)
    compression = "zip" if source.suffix == ".zip" else None
    start = time.perf_counter()
    frame = pd.read_csv(
        source,
        sep="|",
        dtype=str,
        usecols=USECOLS,
        encoding="latin-1",
        compression=compression,
    )
    commune = frame["Code commune (coord. structure)"]
    postcode = frame["Code postal (coord. structure)"]
    kept = frame[commune.isin(codes) | (commune.isna() & postcode.isin(postcodes))]
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "peak_mb": _peak_mb(),
        "lines_kept": len(kept),
        "professionals": kept["Identifiant PP"].nunique(),
    }


# --------------------------------------------------------------------------- driver


def run_child(kind: str, source: Path, project: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(source), str(project)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(source: Path, project: Path, runs: int, with_pandas: bool) -> None:
    size = source.stat().st_size / 1e6
    print(f"\n== {source.name} ({size:,.0f} Mo), {runs} passes ==")
    results: dict[str, list[dict]] = {"cpts": [], "pandas": []}
    kinds = ["cpts", "pandas"] if with_pandas else ["cpts"]
    for _ in range(runs):
        for kind in kinds:  # alternate, so that both see the same page cache
            results[kind].append(run_child(kind, source, project))
    medians = {}
    for kind in kinds:
        rows = results[kind]
        medians[kind] = statistics.median(r["seconds"] for r in rows)
        peak = max(r["peak_mb"] for r in rows)
        times = ", ".join(f"{r['seconds']:.2f}" for r in rows)
        print(
            f"{kind:7s} médiane {medians[kind]:6.2f} s  ({times})  mémoire max {peak:6.0f} Mo  "
            f"lignes retenues {rows[0]['lines_kept']:,}  professionnels {rows[0]['professionals']:,}"
        )
    peak = max(r["peak_mb"] for r in results["cpts"])
    print(
        f"cpts: mémoire {peak:.0f} Mo (cible < {TARGET_MB:.0f} Mo) : "
        f"{'OK' if peak < TARGET_MB else 'DÉPASSÉE'}"
    )
    if with_pandas:
        ratio = medians["cpts"] / medians["pandas"]
        print(
            f"rapport cpts / pandas = {ratio:.2f} (cible ≤ {TARGET_RATIO:.1f}) : "
            f"{'OK' if ratio <= TARGET_RATIO else 'DÉPASSÉE'}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--lines", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--file", type=Path, help="an extraction already generated")
    parser.add_argument("--zip", action="store_true", help="also time the .zip")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    parser.add_argument(
        "--child", nargs=3, metavar=("KIND", "SOURCE", "PROJECT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        kind, source, project = args.child
        run = child_cpts if kind == "cpts" else child_pandas
        print(json.dumps(run(Path(source), Path(project))))
        return

    try:
        import pandas  # noqa: F401

        with_pandas = True
    except ImportError:
        print("pandas n'est pas installé : pip install pandas (seul cpts sera mesuré).")
        with_pandas = False

    folder = Path(tempfile.mkdtemp(prefix="cpts-bench-rpps-"))
    try:
        project = folder / "cpts.yaml"
        write_project(project)
        if args.file:
            source = args.file
        else:
            from bench.make_rpps import generate

            source = folder / "PS_LibreAcces_Personne_activite_bench.txt"
            start = time.perf_counter()
            generate(source, args.lines, 20251101, "latin-1")
            print(f"Extraction générée en {time.perf_counter() - start:.0f} s : {source}")
        compare(source, project, args.runs, with_pandas)
        if args.zip:
            import zipfile

            archive = folder / (source.stem + ".zip")
            with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
                out.write(source, arcname=source.name)
            compare(archive, project, args.runs, with_pandas)
    finally:
        if args.keep:
            print(f"Fichiers gardés dans {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
