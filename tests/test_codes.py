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


def test_findings_of_one_code_are_capped_with_an_exact_count():
    from cpts_cli.checking.findings import Finding, Severity, capped, count_by_severity

    def many(code, n, severity=Severity.ERROR):
        return (Finding(severity, code, f"/x/{i}", i + 1, 1, f"Message {i}.") for i in range(n))

    kept = capped([*many("A", 2005), *many("B", 3, Severity.WARNING), *many("C", 2001)], limit=2000)
    a = [f for f in kept if f.code == "A"]
    assert len(a) == 2001 and [f.repeats for f in a[:2000]] == [0] * 2000
    assert a[-1].repeats == 4 and a[-1].path == "/x/2000"
    assert a[-1].message == (
        "Message 2000 (et 4 autres constats A dans ce fichier, non détaillés : corrigez ceux "
        "qui le sont et relancez)."
    )
    assert a[-1].to_dict()["autres"] == 4 and "autres" not in a[0].to_dict()
    # Exactly one over the limit: shown as it is, nothing to count.
    c = [f for f in kept if f.code == "C"]
    assert len(c) == 2001 and c[-1].repeats == 0 and c[-1].message == "Message 2000."
    assert count_by_severity(kept) == {Severity.ERROR: 4006, Severity.WARNING: 3, Severity.INFO: 0}
