"""Benchmark: the map of the territory (issue 15), drawn and cached, for the worked example.

    python bench/bench_carte.py [--runs 9]

Each run is a fresh process (the map is drawn once per render, in a process that may not
have loaded matplotlib: a render whose charts are cached does not load it), timing in it:

* **drawn**: ``carte.image(codes)`` of the 75 communes of ``sud-dijonnais`` with an empty
  cache folder — loading matplotlib and numpy, inflating the contours of the Côte-d'Or,
  the Jura, the Saône-et-Loire… in view, drawing, writing the PNG and caching it
  (target ≤ 1.5 s);
* **cached**: the same call once the map is in the cache — what the map adds to a render
  when the territory did not change (target ≤ 0.3 s);
* **contours**: ``contours.select(codes)`` alone, cold (the 75 communes mapped to their
  2018 contours: the store, the dataset index, one department inflated);

then ``cpts territory carte`` as whole processes, drawn and cached, beside
``cpts --version``. Medians of ``--runs`` runs. Not run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "cpts_cli" / "examples" / "sud-dijonnais.yaml"

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from cpts_cli.project.load import read_usable
from cpts_cli.checking.rules.engine import Context
codes = Context(read_usable(sys.argv[2])).territory.counted_codes
t1 = time.perf_counter()
if sys.argv[1] == "select":
    from cpts_cli.territory import contours
    contours.select(codes)
else:
    from cpts_cli.territory import carte
    carte.image(codes)
t2 = time.perf_counter()
print(json.dumps({"work": t2 - t1, "codes": len(codes)}))
"""


def child(kind: str, cache: str) -> float:
    env = dict(os.environ, CPTS_CACHE_DIR=cache, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(EXAMPLE)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])["work"]


def whole(args: list[str], cache: str, cwd: Path) -> float:
    env = dict(os.environ, CPTS_CACHE_DIR=cache, PYTHONPATH=str(ROOT))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cpts_cli", *args], env=env, cwd=cwd, check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    results: dict[str, list[float]] = {k: [] for k in
                                       ("drawn", "cached", "contours", "cmd drawn",
                                        "cmd cached", "--version")}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(EXAMPLE, work / "cpts.yaml")
        for _ in range(args.runs):
            cache = work / "cache"
            shutil.rmtree(cache, ignore_errors=True)
            results["contours"].append(child("select", str(cache)))
            results["drawn"].append(child("image", str(cache)))
            results["cached"].append(child("image", str(cache)))
            shutil.rmtree(cache, ignore_errors=True)
            results["cmd drawn"].append(whole(["territory", "carte"], str(cache), work))
            results["cmd cached"].append(whole(["territory", "carte"], str(cache), work))
            results["--version"].append(whole(["--version"], str(cache), work))
    targets = {"drawn": "≤ 1.5 s", "cached": "≤ 0.3 s"}
    for name, values in results.items():
        print(f"{name:12} median {statistics.median(values):6.3f} s  "
              f"(min {min(values):.3f}, max {max(values):.3f})  {targets.get(name, '')}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
