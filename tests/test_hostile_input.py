"""Hostile project files (issue 12): bounded in time and memory, French findings at their
place, and a reviewer's batch that always reports every file. Cases that could hang or
exhaust memory run in a child limited to 500 MB and 30 s, so a regression fails instead of
hanging the suite. The corpus: ``tests/hostile/`` and ``tests/hostile_corpus.py``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from . import hostile_corpus
from .conftest import EXAMPLES, ROOT

#: English the YAML, date and number parsers write; never shown to the user.
ENGLISH = (
    "out of range",
    "must be in",
    "Exceeds the limit",
    "unacceptable character",
    "could not",
    "found ",
    "expected ",
    "Traceback",
    "Erreur interne",
)


def run_limited(*args, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``cpts ARGS`` in a child with at most 500 MB of memory and 30 s."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (500 * 2**20, 500 * 2**20))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "cpts_cli", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=limit,
        env=env,
    )


def french_only(text: str) -> None:
    for word in ENGLISH:
        assert word not in text, (word, text[-2000:])


LARGE = [
    ("billion-laughs.yaml", "CPTS-Y006", "2:5"),
    ("tirets-imbriques.yaml", "CPTS-Y001", "66:65"),
    ("tirets-compacts.yaml", "CPTS-Y001", "3:127"),
    ("cles-imbriquees.yaml", "CPTS-Y001", "66:65"),
    ("700000-cles.yaml", "CPTS-Y013", "150000:10"),
]


@pytest.mark.parametrize("name,code,where", LARGE, ids=[c[0] for c in LARGE])
def test_large_hostile_file_ends_with_a_finding(tmp_path, name, code, where):
    """Aliases are refused before anything expands them (the billion laughs grew without
    end), nesting is counted for indented lists and tables too (RecursionError, or a crash
    of the C parser for ``- - - …``), and 700 000 keys stop at the bound (over 300 s)."""
    path = tmp_path / name
    raw = hostile_corpus.LARGE[name]()
    assert len(raw) < 8 * 1024 * 1024
    path.write_bytes(raw)
    result = run_limited("validate", path, cwd=tmp_path)
    assert result.returncode == 2, result
    assert f"{name}:{where}: erreur {code}" in result.stdout, result.stdout
    french_only(result.stdout + result.stderr)
    result = run_limited("validate", "--format", "json", path, cwd=tmp_path)
    assert result.returncode == 2
    assert '"code": "' + code + '"' in result.stdout
    assert path.read_bytes() == raw


MANY_FINDINGS = [
    ("140000-cles-inconnues.yaml", "CPTS-S002", "140000 avertissements"),
    ("140000-codes-faux.yaml", "CPTS-T001", "197699 erreurs"),
]


@pytest.mark.parametrize("name,code,total", MANY_FINDINGS, ids=[c[0] for c in MANY_FINDINGS])
def test_a_file_of_thousands_of_findings_is_reported_whole_and_briefly(
    tmp_path, name, code, total
):
    """Readable files of 140 000 wrong keys or codes took 28 s and minutes (a search for
    close codes each). Now: 2 000 findings of a code, then one that counts the rest, and
    the totals stay exact, in text and JSON."""
    path = tmp_path / name
    raw = hostile_corpus.LARGE[name]()
    path.write_bytes(raw)
    result = run_limited("validate", path, cwd=tmp_path)
    assert result.returncode == 1, result
    lines = result.stdout.splitlines()
    assert len(lines) < 12_000
    assert total in lines[-1], lines[-1]
    summary = [line for line in lines if f"{code} dans ce fichier, non détaillés" in line]
    assert len(summary) == 1 and " autres constats " in summary[0], summary
    assert sum(f" {code} " in line for line in lines) == 2001
    french_only(result.stdout + result.stderr)
    result = run_limited("validate", "--format", "json", path, cwd=tmp_path)
    assert result.returncode == 1
    import json

    findings = json.loads(result.stdout)["fichiers"][0]["constats"]
    shown = [f for f in findings if f["code"] == code]
    assert len(shown) == 2001
    severity = shown[0]["gravite"]
    counted = sum(1 + f.get("autres", 0) for f in findings if f["gravite"] == severity)
    assert counted == int(total.split()[0])
    assert path.read_bytes() == raw


def test_billion_laughs_is_refused_by_a_command_that_edits(tmp_path):
    path = tmp_path / "cpts.yaml"
    raw = hostile_corpus.billion_laughs()
    path.write_bytes(raw)
    result = run_limited("territory", "add", "21003", "--fichier", path, cwd=tmp_path)
    assert result.returncode == 2, result
    assert "ancres, alias et fusions YAML ne sont pas acceptés" in result.stderr
    french_only(result.stdout + result.stderr)
    assert path.read_bytes() == raw


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_device_and_fifo_are_refused_before_reading(tmp_path, special):
    """``cpts validate /dev/zero`` read forever (the size check used ``stat``: 0)."""
    if special == "fifo":
        special = tmp_path / "cpts.yaml"
        os.mkfifo(special)
    elif not Path(special).exists():
        pytest.skip("no /dev/zero")
    for command in (["validate"], ["status"], ["territory", "add", "21003", "--fichier"]):
        result = run_limited(*command, special, cwd=tmp_path)
        assert result.returncode == 2, result
        assert "rien n'a été lu ni écrit" in result.stderr, result
        french_only(result.stdout + result.stderr)


SMALL = [
    ("nombre-4400-chiffres.yaml", ["4:12: erreur CPTS-Y015"], 1),
    ("caractere-controle.yaml", ["3:13: erreur CPTS-Y001", "U+000B"], 2),
    ("etiquettes-fausses.yaml", ["4:12: erreur CPTS-Y015", "5:17: erreur CPTS-Y015"], 1),
    ("etiquette-inconnue.yaml", ["2:7: erreur CPTS-Y001", "étiquette YAML"], 2),
    ("dates-impossibles.yaml", ["5:5: erreur CPTS-S005", "« 2023-02-30 »"], 1),
    ("ancre-alias.yaml", ["3:8: erreur CPTS-Y006"], 2),
    ("crochets-profonds.yaml", ["2:67: erreur CPTS-Y001"], 2),
    ("code-geant.yaml", ["5:7: erreur CPTS-T001", "caractères) »"], 1),
]


@pytest.mark.parametrize("name,expected,code", SMALL, ids=[c[0] for c in SMALL])
def test_small_hostile_file_gives_french_findings_at_their_place(
    tmp_path, cli, name, expected, code
):
    """A 4 400-digit integer, a control character, a wrong tag: French at line and column
    (they were one English CPTS-Y001 at 1:1, or an internal KeyError for ``!!bool``)."""
    path = tmp_path / name
    shutil.copy(hostile_corpus.SMALL / name, path)
    raw = path.read_bytes()
    result = cli("validate", path)
    assert result.code == code, result
    for text in expected:
        assert text in result.out, result.out
    french_only(result.out + result.err)
    for command in (["status"], ["next"], ["territory", "info", "--fichier"]):
        result = cli(*command, path)
        assert result.code in (1, 2), (command, result)
        french_only(result.out + result.err)
    assert path.read_bytes() == raw


def test_impossible_dates_of_every_kind_are_text_for_the_schema(tmp_path, cli):
    path = tmp_path / "cpts.yaml"
    shutil.copy(hostile_corpus.SMALL / "dates-impossibles.yaml", path)
    findings = cli("validate", "--format", "json", path).json()["fichiers"][0]["constats"]
    assert {"/cpts/association/date_creation", "/etapes/territoire/terminee_le"} <= {
        f["chemin"] for f in findings
    }
    assert not [f for f in findings if f["code"].startswith("CPTS-Y")]


def test_an_unknown_parser_message_is_french_and_kept_for_debug(tmp_path, cli, monkeypatch):
    from cpts_cli.project import load

    monkeypatch.setattr(load, "_PROBLEMS", {})
    path = tmp_path / "cpts.yaml"
    path.write_text("format: 1\ncpts:\n  nom: CPTS: du Val\n")
    result = cli("validate", path)
    assert (
        "cpts.yaml:3:12: erreur CPTS-Y001 Syntaxe YAML invalide : erreur de lecture à la "
        "ligne 3." in result.out
    )
    french_only(result.out)
    result = cli("--debug", "validate", path)
    assert "détail technique" in result.out and "mapping values" in result.out


def _reviewer_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "dossiers"
    hostile_corpus.write_corpus(folder)
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, folder / example.name)
    os.mkfifo(folder / "tube.yaml")
    (folder / "lien-perdu.yaml").symlink_to(tmp_path / "absent.yaml")
    return folder


def test_reviewer_batch_reports_every_file(tmp_path):
    """In a folder of hostile files, every one gets its own finding and the valid ones are
    checked as usual; JSON prints the whole report (it was « Erreur interne inattendue :
    RecursionError », nothing in JSON, or a run that never ended)."""
    folder = _reviewer_folder(tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    names = sorted(p.name for p in folder.iterdir())
    result = run_limited("validate", "--format", "json", folder, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    import json

    files = {Path(f["fichier"]).name: f for f in json.loads(result.stdout)["fichiers"]}
    assert sorted(files) == names
    alone = run_limited("validate", "--format", "json", folder / "sud-dijonnais.yaml", cwd=tmp_path)
    assert (
        files["sud-dijonnais.yaml"]["constats"]
        == json.loads(alone.stdout)["fichiers"][0]["constats"]
    )
    for name in names:
        if name not in ("sud-dijonnais.yaml", "val-de-vingeanne.yaml"):
            assert files[name]["constats"] and not files[name]["valide"], name
    assert files["tube.yaml"]["constats"][0]["code"] == "CPTS-Y014"
    assert "Fichier introuvable" in files["lien-perdu.yaml"]["constats"][0]["message"]
    text = run_limited("validate", folder, cwd=tmp_path)
    assert text.returncode == 2
    assert f"sur {len(names)} — " in text.stdout
    french_only(text.stdout + text.stderr)
    assert before == {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_reviewer_coverage_reports_every_file(tmp_path):
    folder = _reviewer_folder(tmp_path)
    names = sorted(p.name for p in folder.iterdir())
    result = run_limited(
        "territory", "coverage", "--format", "json", folder, "--departement", "21", cwd=tmp_path
    )
    assert result.returncode == 2, result.stderr
    import json

    report = json.loads(result.stdout)
    read = {Path(f["fichier"]).name for f in report["fichiers"]}
    failed = {Path(e["fichier"]).name for e in report["erreurs"]}
    assert sorted(read | failed) == names and not read & failed
    assert {"sud-dijonnais.yaml", "val-de-vingeanne.yaml"} <= read
    assert report["couverture"]["communes"] > 0
    french_only(result.stdout + result.stderr)


def test_an_internal_error_on_one_file_does_not_stop_the_batch(tmp_path, cli, monkeypatch):
    from cpts_cli.checking import check

    real = check.check_document

    def fragile(doc, **kwargs):
        if doc.name.endswith("val-de-vingeanne.yaml"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(doc, **kwargs)

    monkeypatch.setattr(check, "check_document", fragile)
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, tmp_path / example.name)
    result = cli("validate", tmp_path)
    assert result.code == 2
    assert (
        "val-de-vingeanne.yaml: erreur CPTS-Y014 Vérification interrompue par une erreur "
        "interne (RecursionError)" in result.out
    )
    assert "1 fichier valide sur 2 — " in result.out
    with pytest.raises(RecursionError):
        cli("--debug", "validate", tmp_path)


def test_examples_sixty_times_larger_are_read():
    """The bounds let the largest worked example through 60 times over (``README``): the
    file, then 59 copies of it as the items of a list. (It was 100 times until the example
    held the output of « cpts diagnostic import »: 55 computed indicators, ~100 KB.)"""
    from cpts_cli.project.load import parse_bytes

    text = (EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    copy = "  - " + "\n".join("    " + line for line in lines)[4:] + "\n"
    big = (text + "copies:\n" + copy * 59).encode("utf-8")
    doc = parse_bytes(big)
    assert doc.parsed, doc.findings[:3]
    assert not [f for f in doc.findings if f.code.startswith("CPTS-Y")]
    assert len(doc.plain["copies"]) == 59
    assert len(doc.positions) > 60 * len(parse_bytes(text.encode("utf-8")).positions)


def test_an_internal_error_on_one_file_does_not_stop_coverage(tmp_path, cli, monkeypatch):
    from cpts_cli.territory import coverage

    real = coverage.covered_units
    calls = []

    def fragile(territory):
        calls.append(territory)
        if len(calls) == 1:
            raise RecursionError("maximum recursion depth exceeded")
        return real(territory)

    monkeypatch.setattr(coverage, "covered_units", fragile)
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, tmp_path / example.name)
    report = cli("territory", "coverage", "--format", "json", tmp_path, "-d", "21").json()
    assert (
        len(report["fichiers"]) == 1
        and "erreur interne RecursionError" in (report["erreurs"][0]["message"])
    )


STYLES = ("block_list", "block_table", "flow_list", "flow_table")


def _nested(styles: list[str]) -> str:
    """A value nested in the given styles, outermost first (flow only inside flow)."""
    text = " x"
    indent = 2 + 2 * len(styles)
    for style in reversed(styles):
        indent -= 2
        if style == "flow_list":
            text = " [" + text.strip() + "]"
        elif style == "flow_table":
            text = " {k: " + text.strip() + "}"
        else:
            mark = "-" if style == "block_list" else "k:"
            text = "\n" + " " * indent + mark + text
    return text


def test_nesting_is_bounded_in_every_style():
    """Indented lists and tables count as much as brackets; the count is the same whether
    the parser's events are counted first (a large file) or the nodes (a small one)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from cpts_cli.project.limits import MAX_DEPTH
    from cpts_cli.project.load import parse_bytes

    block = st.lists(st.sampled_from(STYLES[:2]), max_size=90)
    flow = st.lists(st.sampled_from(STYLES[2:]), max_size=90)

    @settings(max_examples=60, deadline=None)
    @given(block, flow, st.booleans())
    def check(outer, inner, large):
        styles = outer + inner
        text = "format: 1\nx:" + _nested(styles) + "\n"
        if large:  # over the size below which nodes are counted: the events are
            text += "# " + "x" * 160_000 + "\n"
        doc = parse_bytes(text.encode("utf-8"))
        deep = 1 + len(styles) > MAX_DEPTH
        assert doc.parsed is not deep, (styles, doc.findings)
        codes = [f.code for f in doc.findings]
        assert codes == (["CPTS-Y001"] if deep else []), codes

    check()


@pytest.mark.parametrize("command", [["validate"], ["status"], ["territory", "info"]], ids=" ".join)
def test_the_standard_input_is_refused_even_redirected_from_a_file(tmp_path, command):
    """``cpts validate /dev/stdin < cpts.yaml`` read the file (exit 0): the README says the
    standard input is refused before reading, for reading and writing alike."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    with (EXAMPLES / "sud-dijonnais.yaml").open("rb") as stdin:
        result = subprocess.run(
            [sys.executable, "-m", "cpts_cli", *command, "/dev/stdin"],
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
        )
    assert result.returncode == 2, result
    assert "n'est pas un fichier projet (entrée standard" in result.stderr
