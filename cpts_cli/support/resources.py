"""Files shipped with the package, read through importlib.resources.

In the wheel, ``schemas/`` and ``templates/`` are copied inside the package
(``cpts_cli/schemas``, ``cpts_cli/templates``); in a source checkout they sit at the top of
the repository, where editors and ``check-jsonschema`` find them too.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path


def shipped_dir(name: str) -> Traversable:
    packaged = resources.files("cpts_cli") / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def package_file(*parts: str) -> Traversable:
    node = resources.files("cpts_cli")
    for part in parts:
        node = node / part
    return node


def schema_text() -> str:
    return (shipped_dir("schemas") / "cpts.schema.json").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def schema() -> dict:
    return json.loads(schema_text())
