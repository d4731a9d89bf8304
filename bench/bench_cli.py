"""Start-up and validation timings of ``cpts`` against their yardsticks (issue 4).

    python bench/bench_cli.py [--runs 15]

Runs each pair alternately (A B A B …) as whole processes, after a warm-up, and prints the
median wall time of each and the median of the per-pair ratios A/B:

- ``cpts validate`` on the worked example vs ``check-jsonschema --schemafile
  schemas/cpts.schema.json`` on the same file (cpts does more: domain rules, positions);
- ``cpts territory search dijon`` vs ``cpts --version``;
- opening the store and resolving 100 communes, then ``--version``, vs ``cpts --version``;
- ``cpts --version`` vs ``python -c "import typer"``.

Needs ``pip install '.[test]'`` (check-jsonschema). Not run by the test suite.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


#: 100 codes: the 75 communes of the worked example, arrondissements, old and overseas codes.
def _codes_100() -> list[str]:
    sys.path.insert(0, str(ROOT))
    from cpts_cli.project.load import read_path

    codes = read_path(ROOT / "cpts_cli" / "examples" / "sud-dijonnais.yaml").plain["territoire"][
        "communes"
    ]
    extra = [
        "21231",
        "21003",
        "75113",
        "13201",
        "69381",
        "2A004",
        "97411",
        "97611",
        "52079",
        "21277",
        "20004",
        "01001",
        "01002",
        "01004",
        "01005",
        "01006",
        "01007",
        "01008",
        "01009",
        "01010",
        "01011",
        "01012",
        "01013",
        "01014",
        "01015",
    ]
    return (codes + extra)[:100]


CODES_100 = _codes_100()


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def pair(name: str, a: list[str], b: list[str], runs: int) -> None:
    wall(a)
    wall(b)
    times_a, times_b, ratios = [], [], []
    for _ in range(runs):
        ta, tb = wall(a), wall(b)
        times_a.append(ta)
        times_b.append(tb)
        ratios.append(ta / tb)
    print(
        f"{name}: A médiane {statistics.median(times_a) * 1000:.0f} ms, "
        f"B médiane {statistics.median(times_b) * 1000:.0f} ms, "
        f"A/B médiane {statistics.median(ratios):.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}, {runs} paires)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cpts = shutil.which("cpts") or sys.exit("cpts n'est pas installé (pip install .)")
    checker = shutil.which("check-jsonschema") or sys.exit(
        "check-jsonschema absent (pip install '.[test]')"
    )
    with tempfile.TemporaryDirectory() as tmp:
        example = Path(tmp) / "cpts.yaml"
        shutil.copy(ROOT / "cpts_cli" / "examples" / "sud-dijonnais.yaml", example)
        pair(
            "validate (A = cpts validate, B = check-jsonschema)",
            [cpts, "validate", str(example)],
            [checker, "--schemafile", str(ROOT / "schemas" / "cpts.schema.json"), str(example)],
            args.runs,
        )
    pair(
        "search (A = cpts territory search dijon, B = cpts --version)",
        [cpts, "territory", "search", "dijon"],
        [cpts, "--version"],
        args.runs,
    )
    resolve = (
        "import sys\n"
        "from cpts_cli.referentiel import store\n"
        f"for c in {CODES_100!r}:\n"
        "    store.resolve_commune(c)\n"
        "sys.argv = ['cpts', '--version']\n"
        "from cpts_cli.cli.app import main\n"
        "main()\n"
    )
    pair(
        "store (A = 100 communes résolues puis --version, B = cpts --version)",
        [sys.executable, "-c", resolve],
        [cpts, "--version"],
        args.runs,
    )
    pair(
        "version (A = cpts --version, B = python -c 'import typer')",
        [cpts, "--version"],
        [sys.executable, "-c", "import typer"],
        args.runs,
    )


if __name__ == "__main__":
    main()
