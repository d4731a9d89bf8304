"""Benchmark: ``cpts validate`` on a whole country of CPTS files.

How to run (from the repository root, with the package installed or importable)::

    python bench/bench_validate_national.py              # 1 000 files, all of France
    python bench/bench_validate_national.py -n 200       # fewer files
    python bench/bench_validate_national.py --keep       # keep the generated folder
    python bench/bench_validate_national.py --profile    # cProfile the run, top functions

It writes N project files (default 1 000) into a temporary folder: the communes of every
department (Paris, Lyon and Marseille by arrondissement) are cut into groups of consecutive
communes (about 35 each, so that the N files cover all of France), one group per file, and
about 5 % of the files also take the first 3 communes of their neighbour's group, which
creates overlaps (``CPTS-X001``). Then it times ``python -m cpts_cli validate <folder>
--format json`` in a subprocess and prints the wall time and the peak memory of that
subprocess (``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``), against the targets
(< 20 s, < 200 MB). It also checks that the overlaps found are exactly those created.

Not run by the test suite. Linux/macOS only (``resource``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cpts_cli.referentiel import store  # noqa: E402

TARGET_SECONDS = 20.0
TARGET_MB = 200.0
#: One file in OVERLAP_EVERY takes OVERLAP_SIZE communes of the next group.
OVERLAP_EVERY = 20
OVERLAP_SIZE = 3

TEMPLATE = """\
# Fichier généré par bench/bench_validate_national.py
format: 1
aci: avenant-2
cpts:
  nom: CPTS {nom}
  porteur:
    nom: Dr Porteur {n}
    profession: medecin_generaliste
    email: porteur{n}@exemple.fr
territoire:
  communes:
{communes}
  justification: Bassin de vie autour de {nom}.
mobilisation:
  acteurs:
    - nom: Martin
      profession: medecin_generaliste
    - nom: Bernard
      profession: infirmier
    - nom: Petit
      profession: pharmacien
  structures:
    - nom: MSP de {nom}
      type: msp
  reunions:
    - date: 2025-03-14
      objet: Réunion de lancement
"""


def departments() -> dict[str, list[store.Commune]]:
    """Communes of every department that has an ARS, by department, arrondissements for PLM."""
    out: dict[str, list[store.Commune]] = {}
    for ars in store.ars_list():
        for commune in store.communes_in(region=ars.region, arrondissements=True):
            out.setdefault(commune.departement, []).append(commune)
    return out


def split_counts(sizes: dict[str, int], n_files: int) -> dict[str, int]:
    """Files per department, proportional to its communes (largest remainder), at least 1."""
    total = sum(sizes.values())
    if n_files < len(sizes):
        raise SystemExit(f"at least {len(sizes)} files are needed (one per department)")
    quotas = {d: max(1.0, s * n_files / total) for d, s in sizes.items()}
    counts = {d: max(1, int(q)) for d, q in quotas.items()}
    order = sorted(sizes, key=lambda d: quotas[d] - int(quotas[d]), reverse=True)
    i = 0
    while sum(counts.values()) < n_files:
        counts[order[i % len(order)]] += 1
        i += 1
    while sum(counts.values()) > n_files:
        d = max(counts, key=lambda k: counts[k])
        counts[d] -= 1
    return counts


def generate(folder: Path, n_files: int) -> tuple[int, int, int]:
    """Write the files; return (files, communes listed, overlapping (commune, file) pairs)."""
    by_dep = departments()
    counts = split_counts({d: len(c) for d, c in by_dep.items()}, n_files)
    written = listed = overlaps = 0
    for dep in sorted(by_dep):
        communes = by_dep[dep]
        k = counts[dep]
        bounds = [round(i * len(communes) / k) for i in range(k + 1)]
        groups = [communes[bounds[i] : bounds[i + 1]] for i in range(k)]
        for g, group in enumerate(groups):
            members = list(group)
            if written % OVERLAP_EVERY == 0 and g + 1 < len(groups):
                shared = groups[g + 1][:OVERLAP_SIZE]
                members += shared
                overlaps += 2 * len(shared)  # one finding in each of the two files
            lines = "\n".join(f'    - "{c.code}"  # {c.nom}' for c in members)
            text = TEMPLATE.format(nom=group[0].nom, n=written, communes=lines)
            (folder / f"cpts-{dep}-{g + 1:03d}.yaml").write_text(text, encoding="utf-8")
            written += 1
            listed += len(members)
    return written, listed, overlaps


def run(folder: Path, profile: bool) -> tuple[float, float, dict]:
    cmd = [sys.executable]
    prof_file = folder.parent / "validate.prof"
    if profile:
        cmd += ["-m", "cProfile", "-o", str(prof_file)]
    cmd += ["-m", "cpts_cli", "validate", str(folder), "--format", "json"]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=folder.parent)
    elapsed = time.perf_counter() - start
    rss_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rss_mb = rss_kb / 1024 if sys.platform != "darwin" else rss_kb / (1024 * 1024)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"validate failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    if profile:
        import pstats

        pstats.Stats(str(prof_file)).sort_stats("cumulative").print_stats(30)
    return elapsed, rss_mb, json.loads(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--files", type=int, default=1000, help="number of files")
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    parser.add_argument("--profile", action="store_true", help="run under cProfile")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="cpts-bench-"))
    folder = tmp / "cpts"
    folder.mkdir()
    try:
        t0 = time.perf_counter()
        files, listed, expected = generate(folder, args.files)
        print(
            f"generated {files} files, {listed} communes listed, "
            f"{expected} overlap findings expected ({time.perf_counter() - t0:.1f} s)"
        )
        elapsed, rss_mb, report = run(folder, args.profile)
        findings = [f for r in report["fichiers"] for f in r["constats"]]
        x001 = sum(1 for f in findings if f["code"] == "CPTS-X001")
        others = sorted({f["code"] for f in findings if f["code"] != "CPTS-X001"})
        print(f"validated {len(report['fichiers'])} files: {x001} CPTS-X001, other codes: {others}")
        print(
            f"wall time {elapsed:.2f} s (target < {TARGET_SECONDS:.0f} s), "
            f"peak RSS {rss_mb:.0f} MB (target < {TARGET_MB:.0f} MB)"
        )
        ok = elapsed < TARGET_SECONDS and rss_mb < TARGET_MB and x001 == expected
        if x001 != expected:
            print(f"MISMATCH: expected {expected} CPTS-X001 findings, got {x001}")
        if args.keep:
            print(f"files kept in {folder}")
        return 0 if ok else 1
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
