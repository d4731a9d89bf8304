"""Generate the INSEE base communale « Évolution et structure de la population » of every
commune (``base-cc-evol-struct-pop-YYYY.CSV``, or its ``_csv.zip``).

How to run (from the repository root)::

    python bench/make_insee.py /tmp/base-cc-evol-struct-pop-2021.CSV
    python bench/make_insee.py /tmp/base-cc-evol-struct-pop-2021.CSV --zip

The layout of ``OPEN_DATA.md`` §2: ``;``-separated, a header row, ``CODGEO`` first, then
the census of the year (``P21_POP``, ``P21_POP0014`` … ``P21_POP90P``, by sex, socio-
professional categories ``C21_…``), then the older censuses (``P15_…``, ``P10_…``): about
100 columns of weighted values with a decimal point. One row per commune of the reference
data shipped with ``cpts`` and per arrondissement of Paris, Lyon and Marseille (beside the
whole cities). Population = the reference population, spread over the age bands at random.
Deterministic (``--seed``). About 30 MB.
"""

from __future__ import annotations

import argparse
import random
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BANDS = ("0014", "1529", "3044", "4559", "6074", "7589", "90P")


def header(year: int) -> list[str]:
    cols = ["CODGEO"]
    for y in (year, year - 6, year - 11):
        p = f"P{y:02d}_"
        cols += [p + "POP", *(p + "POP" + b for b in BANDS)]
        cols += [
            p + "POPH",
            *(p + "H" + b for b in BANDS),
            p + "POPF",
            *(p + "F" + b for b in BANDS),
        ]
        cols += [f"C{y:02d}_POP15P", *(f"C{y:02d}_POP15P_CS{i}" for i in range(1, 9))]
    return cols


def generate(path: Path, year: int, seed: int) -> None:
    from cpts_cli.diagnostic.reading import populations

    rng = random.Random(seed)
    communes, _, _, _ = populations()
    names = header(year)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(";".join(names) + "\r\n")
        for code, pop in sorted(communes.items()):
            values: list[str] = []
            for factor in (1.0, 0.97, 0.94):
                weights = [rng.uniform(0.5, 1.5) * w for w in (17, 17, 19, 20, 17, 8, 2)]
                total = pop * factor
                bands = [total * w / sum(weights) for w in weights]
                values += [f"{total:.5f}".rstrip("0").rstrip("."), *(f"{b:.6f}" for b in bands)]
                for share in (0.49, 0.51):
                    values += [f"{total * share:.6f}", *(f"{b * share:.6f}" for b in bands)]
                adults = total * 0.83
                values += [f"{adults:.6f}", *(f"{adults * rng.random() / 4:.6f}" for _ in range(8))]
            out.write(code + ";" + ";".join(values) + "\r\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--year", type=int, default=21, help="census year on 2 digits")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--zip", action="store_true", help="also write the _csv.zip beside it")
    args = parser.parse_args(argv)
    generate(args.path, args.year, args.seed)
    print(f"{args.path} : {args.path.stat().st_size / 1e6:,.1f} Mo")
    if args.zip:
        target = args.path.with_name(f"base-cc-evol-struct-pop-20{args.year:02d}_csv.zip")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                f"meta_base-cc-evol-struct-pop-20{args.year:02d}.CSV", "COD_VAR;LIB_VAR\r\n"
            )
            archive.write(args.path, f"base-cc-evol-struct-pop-20{args.year:02d}.CSV")
        print(f"{target} : {target.stat().st_size / 1e6:,.1f} Mo")


if __name__ == "__main__":
    main()
