"""The code registry and its generated documentation."""

from __future__ import annotations

import re

from cpts_cli.checking.codes import all_codes
from cpts_cli.checking.docs_codes import render

from .conftest import ROOT


def test_docs_codes_is_up_to_date():
    current = (ROOT / "docs" / "codes.md").read_text(encoding="utf-8")
    assert current == render(), "docs/codes.md est périmé : python -m cpts_cli.checking.docs_codes"


def test_every_code_is_documented_with_a_french_title_and_doc():
    codes = all_codes()
    assert len(codes) > 60
    for code in codes:
        assert re.fullmatch(r"CPTS-[A-Z]\d{3}", code.code)
        assert code.title and code.doc, code.code


def test_rule_docs_show_an_example():
    from cpts_cli.checking.rules import RULES

    for entry in RULES.values():
        assert (
            "Incorrect" in entry.doc
            or "Correct" in entry.doc
            or entry.code.severity.value == "warning"
        ), entry.code.code
