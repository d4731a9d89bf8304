"""Sizes of the package's code: classes over 400 lines, functions over 80 lines.

``python scripts/code_size.py`` lists them (longest first); ``tests/test_code_size.py`` keeps
the package under both limits. Declarative tables (a module-level dict or list literal) are
not functions and do not count.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLASS_LIMIT = 400
FUNCTION_LIMIT = 80


def sizes(package: Path = ROOT / "cpts_cli") -> list[tuple[str, str, int]]:
    """(kind, "path:line name", length in lines) of every class and function of the package."""
    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(package.parent)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                kind = "class" if isinstance(node, ast.ClassDef) else "function"
                length = node.end_lineno - node.lineno + 1
                found.append((kind, f"{rel}:{node.lineno} {node.name}", length))
    return found


def oversized(package: Path = ROOT / "cpts_cli") -> list[tuple[str, str, int]]:
    limit = {"class": CLASS_LIMIT, "function": FUNCTION_LIMIT}
    return sorted(
        (s for s in sizes(package) if s[2] > limit[s[0]]), key=lambda s: -s[2]
    )


if __name__ == "__main__":
    rows = oversized()
    for kind, where, length in rows:
        print(f"{length:5d}  {kind:8s} {where}")
    print(f"{len(rows)} over the limits (classes {CLASS_LIMIT}, functions {FUNCTION_LIMIT})")
    sys.exit(1 if rows else 0)
