"""`cpts render` of the worked example against pandoc (issue 6).

    python bench/bench_render.py [--runs 9] [--projets 50]

Needs ``pip install '.[bench]'`` (pandoc from the ``pypandoc-binary`` wheel) or a
``pandoc`` on the PATH. Not run by the test suite.

* **A**: one ``cpts render cpts.yaml --out …`` writing the six Word documents, charts
  included, as a whole process;
* **B**: pandoc converting the six Markdown files that ``cpts render --format md`` writes
  (charts already drawn beside them), one ``pandoc X.md -o X.docx`` per file, one after the
  other, as a pandoc user would.

A and B run alternately (A B A B …) after a warm-up; the script prints the median wall time
of each and the median of the per-pair ratios A/B, for three states of the user's cache
(``CPTS_CACHE_DIR``, see ``cpts_cli/support/cache.py``):

* ``cache chaud``: the compiled templates and the charts are in the cache — every render
  after the first one of a project whose indicators did not change;
* ``graphiques à dessiner``: the templates are cached, the charts are not (first render
  after the indicators changed): matplotlib is loaded and draws the six charts;
* ``sans cache``: nothing cached (``CPTS_CACHE_DIR=`` turns the cache off).

Then the peak memory of one render (largest process, ``getrusage`` of the children) and,
with ``--projets N``, one ``cpts render`` of N projects (copies of the example with
distinct names) against N times the median of one render.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pandoc_path() -> str:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        found = shutil.which("pandoc")
        if not found:
            sys.exit("pandoc introuvable : pip install '.[bench]'")
        return found


def run(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"échec ({done.returncode}) : {' '.join(cmd)}\n{done.stderr.decode()}")
    return elapsed


def pandoc_six(pandoc: str, folder: Path) -> float:
    start = time.perf_counter()
    from cpts_cli.documents import DELIVERABLES

    for doc in DELIVERABLES:
        run([pandoc, f"{doc}.md", "-o", f"{doc}.docx"], cwd=folder)
    return time.perf_counter() - start


def pairs(name: str, a, b, runs: int) -> float:
    a()
    b()
    times_a, times_b, ratios = [], [], []
    for _ in range(runs):
        ta, tb = a(), b()
        times_a.append(ta)
        times_b.append(tb)
        ratios.append(ta / tb)
    print(
        f"{name} : A médiane {statistics.median(times_a):.3f} s, "
        f"B médiane {statistics.median(times_b):.3f} s, "
        f"A/B médiane {statistics.median(ratios):.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}, {runs} paires)"
    )
    return statistics.median(times_a)


def peak_mib(cmd: list[str], env: dict) -> float:
    """Largest resident size among the processes of ``cmd`` (measured in a fresh Python)."""
    probe = (
        "import resource, subprocess, sys\n"
        f"subprocess.run({cmd!r}, stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--projets", type=int, default=0)
    args = parser.parse_args()
    cpts = shutil.which("cpts") or sys.exit("cpts n'est pas installé (pip install .)")
    pandoc = pandoc_path()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        example = tmp / "cpts.yaml"
        shutil.copy(ROOT / "cpts_cli" / "examples" / "sud-dijonnais.yaml", example)
        cache = tmp / "cache"
        env = {**os.environ, "CPTS_CACHE_DIR": str(cache)}
        markdown = tmp / "md"
        run([cpts, "render", str(example), "--format", "md", "--out", str(markdown), "-q"], env=env)
        render = [cpts, "render", str(example), "--out", str(tmp / "docx"), "-q"]

        def warm() -> float:
            return run(render, env=env)

        def charts_cold() -> float:
            for folder in cache.glob("graphiques-*"):
                shutil.rmtree(folder)
            return run(render, env=env)

        def no_cache() -> float:
            return run(render, env={**os.environ, "CPTS_CACHE_DIR": ""})

        def yardstick() -> float:
            return pandoc_six(pandoc, markdown)

        one = pairs("cache chaud (A = cpts render, B = 6 × pandoc)", warm, yardstick, args.runs)
        pairs("graphiques à dessiner", charts_cold, yardstick, args.runs)
        pairs("sans cache", no_cache, yardstick, args.runs)
        print(f"mémoire maximale (cache chaud) : {peak_mib(render, env):.0f} Mio")
        print(
            f"mémoire maximale (graphiques à dessiner) : "
            f"{peak_mib(render, {**os.environ, 'CPTS_CACHE_DIR': ''}):.0f} Mio"
        )

        if args.projets:
            text = example.read_text(encoding="utf-8")
            folder = tmp / "projets"
            folder.mkdir()
            for k in range(1, args.projets + 1):
                (folder / f"p{k:02d}.yaml").write_text(
                    re.sub(r"^(  nom: .*?)\s*$", rf"\1 {k}", text, count=1, flags=re.M),
                    encoding="utf-8",
                )
            files = sorted(str(p) for p in folder.glob("*.yaml"))
            many = [cpts, "render", *files, "--out", str(tmp / "n"), "-q"]
            elapsed = run(many, env=env)
            print(
                f"{args.projets} projets en une commande : {elapsed:.1f} s "
                f"({elapsed / (args.projets * one):.2f} × {args.projets} rendus séparés de "
                f"{one:.3f} s), mémoire maximale {peak_mib(many, env):.0f} Mio"
            )


if __name__ == "__main__":
    main()
