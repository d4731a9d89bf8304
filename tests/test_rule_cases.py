"""Data-driven finding cases: one file per code, ``tests/cases/CPTS-XXXX.yaml``.

Each file lists cases for its code only; every registered code has a file with at least one
case that raises it and one that does not (checked below). A case gives its input as one of:

- ``yaml``: a whole project file (inline); ``expect`` lists ``[line, column]``;
- ``raw`` (+ ``encoding``, default UTF-8; ``repeat``: ``text`` added ``count`` times;
  ``pad_bytes``: grown with comment lines to that size): the bytes of a file, for reading
  problems; ``expect`` lists ``[line, column]``;
  ``parsed`` and ``editable`` say what the loader must conclude (``tests/test_bad_files.py``);
- ``base: example`` (the worked example ``sud-dijonnais``) with ``patch`` edits by JSON
  pointer; ``expect`` lists JSON pointers;
- ``files``: several project files by name (``null``: named but missing), checked together;
  ``expect`` lists ``[file, line, column]``;
- ``import``: a CSV sheet imported (dry run) into the worked example; ``expect`` lists
  ``[line, column]`` in the sheet.

Options: ``etape`` (default ``mise_en_oeuvre``), ``today``, ``stage: documents`` (also the
findings made while preparing the documents), ``migrate_from`` (a format version given a
no-op migration, for the migration notice), ``messages`` (texts that must appear in the
case's findings). The comparison is exact for the file's code: a missing or an extra finding
of that code fails.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from cpts_cli.checking.check import check_document, check_paths
from cpts_cli.checking.codes import all_codes
from cpts_cli.project.document import to_plain
from cpts_cli.project.load import parse_bytes, parse_text
from cpts_cli.project.positions import split

from .conftest import EXAMPLES, TODAY

CASES_DIR = Path(__file__).parent / "cases"
_yaml = YAML(typ="safe")


def _case_files() -> dict[str, list[dict]]:
    return {
        path.stem: _yaml.load(path.read_text(encoding="utf-8"))
        for path in sorted(CASES_DIR.glob("CPTS-*.yaml"))
    }


CASES = _case_files()


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


def raw_bytes(case) -> bytes:
    """The bytes of a ``raw`` case (``repeat``: ``text`` added ``count`` times; ``pad_bytes``:
    comment lines added up to that size)."""
    raw = case["raw"].encode(case.get("encoding", "utf-8"))
    if "repeat" in case:
        raw += case["repeat"]["text"].encode("utf-8") * case["repeat"]["count"]
    return raw + b"# x\n" * max(0, (case.get("pad_bytes", 0) - len(raw)) // 4)


def _document(case):
    if "yaml" in case:
        return parse_bytes(case["yaml"].encode("utf-8"), name="cpts.yaml")
    if "raw" in case:
        return parse_bytes(raw_bytes(case), name="cpts.yaml")
    assert case.get("base") == "example", case
    doc = parse_text((EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8"))
    _apply(doc.data, case.get("patch", []))
    doc.plain = to_plain(doc.data)
    return doc


_COMPUTED: dict[str, tuple] = {}


def _findings(case, tmp_path):
    """(all findings of the case, how one finding is compared to ``expect``).

    Cases of several files often share their input (a case raising two codes is written in
    both files; the worked example is everyone's case without the code): computed once.
    """
    key = json.dumps(
        {k: v for k, v in case.items() if k not in _NOT_INPUT}, sort_keys=True, default=str
    )
    if key not in _COMPUTED:
        _COMPUTED[key] = _compute(case, tmp_path)
    return _COMPUTED[key]


_NOT_INPUT = {"name", "expect", "messages", "parsed", "editable"}


def _compute(case, tmp_path):
    today = dt.date.fromisoformat(case["today"]) if "today" in case else TODAY
    options = {"etape": case.get("etape", "mise_en_oeuvre"), "today": today}
    if "files" in case:
        paths = []
        for name, text in case["files"].items():
            if text is not None:  # null: a file named but missing
                (tmp_path / name).write_text(text, encoding="utf-8")
            paths.append(tmp_path / name)
        reports = check_paths(paths, **options)
        return [f for r in reports for f in r.findings], lambda f: [
            Path(f.file).name,
            f.line,
            f.column,
        ]
    if "import" in case:
        from cpts_cli.actors.importing.run import import_actors

        project = tmp_path / "cpts.yaml"
        project.write_text((EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8"))
        sheet = tmp_path / case.get("source_name", "acteurs.csv")
        # ``import_lines_encoding``: line number → encoding of that line (the others: UTF-8)
        other = case.get("import_lines_encoding", {})
        lines = case["import"].splitlines(keepends=True)
        sheet.write_bytes(
            b"".join(t.encode(other.get(n, "utf-8")) for n, t in enumerate(lines, start=1))
        )
        report = import_actors(project, sheet, dry_run=True)
        return report.findings, lambda f: [f.line, f.column]
    doc = _document(case)
    findings = list(check_document(doc, **options).findings)
    if case.get("stage") == "documents":
        from cpts_cli.documents.sanitize import sanitize

        findings += sanitize(doc.plain, doc.locate, file=doc.name)[1]
    if "base" in case:
        return findings, lambda f: f.path
    return findings, lambda f: [f.line, f.column]


def _params():
    for code, cases in CASES.items():
        for case in cases:
            yield pytest.param(code, case, id=f"{code}: {case['name']}")


@pytest.mark.parametrize("code,case", list(_params()))
def test_rule_case(code, case, tmp_path, monkeypatch):
    if "migrate_from" in case:
        from cpts_cli.project import migrate

        monkeypatch.setattr(migrate, "MIGRATIONS", {case["migrate_from"]: lambda data: None})
    findings, shape = _findings(case, tmp_path)
    got = [f for f in findings if f.code == code]
    actual = sorted((shape(f) for f in got), key=repr)
    expected = sorted(case.get("expect", []), key=repr)
    assert actual == expected, [f"{f.code} {f.line}:{f.column} {f.path} {f.message}" for f in got]
    for text in case.get("messages", []):
        assert any(text in f.message for f in findings), (text, [f.message for f in findings])


def test_every_code_has_a_case_that_raises_it_and_one_that_does_not():
    registered = {c.code for c in all_codes()}
    assert set(CASES) <= registered, sorted(set(CASES) - registered)
    lacking = []
    for code in sorted(registered):
        cases = CASES.get(code, [])
        if not any(c.get("expect") for c in cases) or all(c.get("expect") for c in cases):
            lacking.append(code)
    assert not lacking, f"codes sans cas qui le lève et cas qui ne le lève pas : {lacking}"
