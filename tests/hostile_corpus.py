"""Hostile project files, for the tests and for a reviewer: ``tests/hostile/`` holds the
small ones; the large ones (up to 8 MB) are written by this script.

    python -m tests.hostile_corpus DOSSIER    # the whole corpus, small and large, in DOSSIER
    cpts validate DOSSIER                      # every file reported, none hangs
    cpts territory coverage DOSSIER --departement 21

Each file must give, within 30 s and 500 MB, a French finding or message and never an
internal error; none is ever changed.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

SMALL = Path(__file__).parent / "hostile"


def billion_laughs() -> bytes:
    """Nine levels of aliases, each nine times the one before (9⁹ values once expanded)."""
    lines = ["format: 1", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return ("\n".join(lines) + "\n").encode()


def nested_dashes(levels: int = 2000) -> bytes:
    """A list in a list… ``levels`` times, one indented ``-`` a line."""
    return b"format: 1\nx:\n" + b"".join(b" " * i + b"-\n" for i in range(1, levels + 1))


def compact_dashes(levels: int = 100_000) -> bytes:
    """``- - - - …`` on one line: ``levels`` nested lists (the C composer crashed on it)."""
    return b"format: 1\nx:\n" + b"- " * levels + b"a\n"


def nested_keys(levels: int = 3000) -> bytes:
    """A table in a table… ``levels`` times, one key a line."""
    body = b"".join(b" " * i + b"k%d:\n" % i for i in range(levels))
    return b"format: 1\n" + body + b" " * levels + b"v\n"


def many_keys(count: int = 700_000) -> bytes:
    """``count`` keys at the top, some 7.7 MB: under the 8 MiB limit."""
    return b"format: 1\n" + b"".join(b"k%06d: 0\n" % i for i in range(count))


def unknown_keys(count: int = 140_000) -> bytes:
    """``count`` unknown keys: readable (under the 300 000 values), one finding each."""
    return b"format: 1\n" + b"".join(b"k%06d: 0\n" % i for i in range(count))


def wrong_codes(count: int = 140_000) -> bytes:
    """A territory of ``count`` codes, malformed and well-formed in turn, most of those
    unknown (each one used to cost a search for close codes: minutes in all). Departments
    30 to 89 only: no overlap with the worked examples (Côte-d'Or) in a reviewer's batch."""
    codes = b"".join(
        (b'    - "ab%d"\n' % i) if i % 2 else (b'    - "%05d"\n' % (30_000 + i % 60_000))
        for i in range(count)
    )
    return b"format: 1\nterritoire:\n  communes:\n" + codes


LARGE = {
    "billion-laughs.yaml": billion_laughs,
    "tirets-imbriques.yaml": nested_dashes,
    "tirets-compacts.yaml": compact_dashes,
    "cles-imbriquees.yaml": nested_keys,
    "700000-cles.yaml": many_keys,
    "140000-cles-inconnues.yaml": unknown_keys,
    "140000-codes-faux.yaml": wrong_codes,
}


def write_corpus(folder: Path) -> list[Path]:
    """Every hostile file (the small ones copied) in ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for small in sorted(SMALL.glob("*.yaml")):
        paths.append(Path(shutil.copy(small, folder / small.name)))
    for name, make in LARGE.items():
        (folder / name).write_bytes(make())
        paths.append(folder / name)
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage : python -m tests.hostile_corpus DOSSIER")
    for path in write_corpus(Path(sys.argv[1])):
        print(path)
