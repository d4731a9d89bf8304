"""Files broken in many ways: findings or one French line with exit 2, never a traceback,
never a changed file."""

from __future__ import annotations

import pytest

from cpts_cli.checking.codes import all_codes
from cpts_cli.checking.findings import Severity
from cpts_cli.project.load import MAX_BYTES, parse_bytes


def _reading_cases():
    """The reading problems of ``tests/cases/CPTS-Y*.yaml`` (one file per code), plus one
    too deep to write there: (name, bytes, first expected (code, line, column), parsed)."""
    from .test_rule_cases import CASES as BY_CODE
    from .test_rule_cases import raw_bytes

    errors = {c.code for c in all_codes() if c.severity is Severity.ERROR}
    for code, cases in BY_CODE.items():
        for case in cases:
            if "raw" in case and case.get("expect") and code in errors and "pad_bytes" not in case:
                line, column = case["expect"][0]
                yield (case["name"], raw_bytes(case), (code, line, column), case["parsed"])
    yield (
        "deep_nesting",
        b"format: 1\nx: " + b"[" * 3000 + b"]" * 3000 + b"\n",
        ("CPTS-Y001", 2, 67),  # the 65th « [ »
        False,
    )


CASES = list(_reading_cases())


@pytest.mark.parametrize("name,raw,expected,parsed", CASES, ids=[c[0] for c in CASES])
def test_loader_findings(name, raw, expected, parsed):
    doc = parse_bytes(raw, name="cpts.yaml")
    codes = [(f.code, f.line, f.column) for f in doc.findings if f.code != "CPTS-Y009"]
    assert expected in codes, codes
    assert doc.parsed is parsed
    if expected[0] in ("CPTS-Y005", "CPTS-Y006"):
        assert doc.editable is False  # the case files say so too (``editable: false``)


@pytest.mark.parametrize("name,raw,expected,parsed", CASES, ids=[c[0] for c in CASES])
def test_cli_never_crashes_nor_writes(tmp_path, cli, name, raw, expected, parsed):
    path = tmp_path / "cpts.yaml"
    path.write_bytes(raw)
    for command in (["validate"], ["status"], ["next"], ["validate", "--format", "json"]):
        result = cli(*command, path)
        assert "Traceback" not in result.out + result.err
        assert result.code in (1, 2), (command, result)
        if not parsed:
            assert result.code == 2
        assert path.read_bytes() == raw
    result = cli("validate", path)
    assert f"cpts.yaml:{expected[1]}:{expected[2]}: erreur {expected[0]}" in result.out


def test_huge_file_is_refused(tmp_path, cli):
    path = tmp_path / "cpts.yaml"
    path.write_bytes(b"format: 1\n" + b"# x\n" * (MAX_BYTES // 4 + 10))
    result = cli("validate", path)
    assert result.code == 2
    assert "CPTS-Y010" in result.out


def test_missing_file_and_folder(tmp_path, cli):
    result = cli("validate", tmp_path / "absent.yaml")
    assert result.code == 2 and "Fichier introuvable" in result.err
    result = cli("status", tmp_path)
    assert result.code == 2
    assert "Traceback" not in result.err


def test_unreadable_file(tmp_path, cli):
    import os

    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    path = tmp_path / "cpts.yaml"
    path.write_text("format: 1\n")
    path.chmod(0)
    result = cli("validate", path)
    assert result.code == 2 and "permission refusée" in result.err


def test_edit_refused_on_duplicate_keys(tmp_path, cli):
    from cpts_cli.project.load import read_path
    from cpts_cli.project.save import save
    from cpts_cli.support.errors import CptsError

    path = tmp_path / "cpts.yaml"
    raw = b"format: 1\ncpts:\n  nom: A\n  nom: B\n"
    path.write_bytes(raw)
    doc = read_path(path)
    doc.data["cpts"]["nom"] = "C"
    with pytest.raises(CptsError):
        save(doc)
    assert path.read_bytes() == raw


IMPOSSIBLE_DATES = ["2023-02-30", "2023-13-45", "2023-04-31", "2023-00-10", "2023-02-30 25:61:00"]


@pytest.mark.parametrize("date", IMPOSSIBLE_DATES)
def test_impossible_date_is_reported_at_its_place(tmp_path, cli, example, date):
    """An unquoted impossible date is a finding at its own line and column; every other
    finding of the file is still reported (it was one CPTS-Y001 at 1:1, exit 2)."""
    text = example.read_text(encoding="utf-8")
    lines = text.splitlines()
    where = next(i for i, line in enumerate(lines) if "date_creation:" in line)
    column = lines[where].index("date_creation") + 1
    rna = next(i for i, line in enumerate(lines) if "rna:" in line)
    lines[where] = lines[where].split(":")[0] + f": {date}"
    lines[rna] = lines[rna].split(":")[0] + ": 12"
    example.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("validate", example)
    assert result.code == 1, result
    assert f"cpts.yaml:{where + 1}:{column}: erreur CPTS-S005" in result.out, result.out
    assert f"« {date} »" in result.out
    assert f"cpts.yaml:{rna + 1}:" in result.out and "CPTS-S001" in result.out
    assert "CPTS-Y001" not in result.out
    findings = cli("validate", "--format", "json", example).json()["fichiers"][0]["constats"]
    assert {"/cpts/association/date_creation", "/cpts/association/rna"} <= {
        f["chemin"] for f in findings
    }


def test_impossible_date_in_a_file_that_is_rewritten(tmp_path, cli, example):
    """A command that edits the file reads the impossible date as written and keeps it."""
    text = example.read_text(encoding="utf-8").replace(
        "date_creation: 2022-12-13", "date_creation: 2023-02-30"
    )
    example.write_text(text, encoding="utf-8")
    result = cli("territory", "add", "21003", "--fichier", example)
    assert result.code == 0, result
    written = example.read_text(encoding="utf-8")
    assert "date_creation: 2023-02-30" in written and '"21003"' in written
