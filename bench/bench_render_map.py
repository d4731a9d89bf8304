"""What the map of the territory adds to ``cpts render`` of the worked example (issue 15).

    python bench/bench_render_map.py [--runs 9]

Two whole processes, run alternately (A B A B …) after a warm-up, with the same user cache
(``CPTS_CACHE_DIR``, see ``cpts_cli/support/cache.py``):

* **A**: ``cpts render cpts.yaml --out …``, the six Word documents, the map in three of them;
* **B**: the same with ``--templates`` a copy of the shipped templates whose map partial
  (``partials/carte.md.j2``) is empty: the same documents without the map.

Two states of the cache: **carte en cache** (every render after the first one of a
territory that did not change: targets ≤ 0.3 s more than B) and **carte à dessiner** (the
maps' cache folder emptied before each A, the charts' kept: the first render after the
territory changed; target ≤ 1.5 s more). Prints the medians and the median of the per-pair
differences A − B. Not run by the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"échec de {' '.join(cmd)} :\n{done.stderr.decode(errors='replace')}")
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench-render-map-"))
    try:
        cpts = [sys.executable, "-m", "cpts_cli"]
        subprocess.run([*cpts, "init", "--exemple", "sud-dijonnais", str(work / "ex")],
                       check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        project = work / "ex" / "cpts.yaml"
        bare = work / "sans-carte"
        shutil.copytree(ROOT / "templates", bare)
        (bare / "partials" / "carte.md.j2").write_text("", encoding="utf-8")
        cache = work / "cache"
        env = {**os.environ, "CPTS_CACHE_DIR": str(cache), "NO_COLOR": "1"}
        a = [*cpts, "render", str(project), "--out", str(work / "a")]
        b = [*cpts, "render", str(project), "--out", str(work / "b"), "--templates", str(bare)]
        for cmd in (a, b):  # warm-up: templates compiled, charts and map cached
            _run(cmd, env)
        print(f"cpts render de l'exemple (6 documents), {args.runs} paires A/B, médianes :")
        for state, forget in (("carte en cache", False), ("carte à dessiner", True)):
            times_a, times_b, diffs = [], [], []
            for _ in range(args.runs):
                if forget:
                    for maps in cache.glob("cartes-*"):
                        shutil.rmtree(maps, ignore_errors=True)
                ta = _run(a, env)
                tb = _run(b, env)
                times_a.append(ta)
                times_b.append(tb)
                diffs.append(ta - tb)
            print(
                f"  {state:18} A {statistics.median(times_a):.2f} s · B (sans carte) "
                f"{statistics.median(times_b):.2f} s · A − B {statistics.median(diffs):+.2f} s "
                f"(de {min(diffs):+.2f} à {max(diffs):+.2f})"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
