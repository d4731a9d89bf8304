"""Data-driven rule cases: tests/cases/<area>.yaml.

Each case gives a project (inline ``yaml``, or ``base: example`` — the worked example — with
``patch`` edits by JSON pointer) and the findings expected for the codes of its area:
``[code, line, column]`` for inline files, ``[code, path]`` for patched examples. The
comparison is exact: a missing or an extra finding fails.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from cpts_cli.checking.check import check_document
from cpts_cli.project.load import parse_text
from cpts_cli.project.positions import split

from .conftest import EXAMPLES, TODAY

CASES_DIR = Path(__file__).parent / "cases"
AREA_LETTER = {
    "territoire": "T",
    "mobilisation": "M",
    "diagnostic": "D",
    "priorites": "P",
    "lettre_intention": "L",
    "presentation": "R",
    "projet_sante": "H",
    "validation": "V",
    "mise_en_oeuvre": "E",
    "general": "G",
    "schema": "S",
}


def _load_cases():
    yaml = YAML(typ="safe")
    for path in sorted(CASES_DIR.glob("*.yaml")):
        area = path.stem
        for case in yaml.load(path.read_text(encoding="utf-8")):
            yield pytest.param(area, case, id=f"{area}: {case['name']}")


def _apply(data, patch):
    for edit in patch:
        parts = split(edit["path"])
        parent = data
        for token in parts[:-1]:
            parent = parent[int(token)] if isinstance(parent, list) else parent[token]
        last = parts[-1]
        if isinstance(parent, list):
            last = int(last) if last != "-" else len(parent)
        if edit.get("delete"):
            del parent[last]
        elif isinstance(parent, list) and last == len(parent):
            parent.append(copy.deepcopy(edit["value"]))
        else:
            parent[last] = copy.deepcopy(edit["value"])


def _document(case):
    if "yaml" in case:
        return parse_text(case["yaml"])
    assert case.get("base") == "example"
    text = (EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8")
    doc = parse_text(text)
    _apply(doc.data, case.get("patch", []))
    from cpts_cli.project.document import to_plain

    doc.plain = to_plain(doc.data)
    return doc


@pytest.mark.parametrize("area,case", list(_load_cases()))
def test_rule_case(area, case):
    doc = _document(case)
    today = dt.date.fromisoformat(case["today"]) if "today" in case else TODAY
    report = check_document(doc, etape=case.get("etape", "mise_en_oeuvre"), today=today)
    prefixes = tuple(f"CPTS-{letter}" for letter in case.get("codes", AREA_LETTER[area]))
    got = [f for f in report.findings if f.code.startswith(prefixes)]
    if "yaml" in case:
        actual = sorted([f.code, f.line, f.column] for f in got)
    else:
        actual = sorted([f.code, f.path] for f in got)
    expected = sorted(list(e) for e in case.get("expect", []))
    assert actual == expected, [f"{f.code} {f.line}:{f.column} {f.path} {f.message}" for f in got]
    for text in case.get("messages", []):
        assert any(text in f.message for f in got), (text, [f.message for f in got])
