"""Every ``--format json`` speaks one language: French keys, each documented in docs/json.md."""

from __future__ import annotations

import re
import shutil

import pytest

from .conftest import EXAMPLES, ROOT

DOC = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")

# Keys a JSON output used to print in English; none may come back.
ENGLISH = {
    "file", "files", "valid", "step", "findings", "severity", "path", "line", "column",
    "parsed", "recorded", "all_done", "blocking_step", "missing", "error", "exit_code",
    "results", "query", "name", "status", "value", "amount", "year", "start", "end",
}  # fmt: skip


def _sections() -> dict[str, str]:
    """docs/json.md cut at its ``## `cpts …` `` headings (the common objects under "common")."""
    parts = re.split(r"^## ", DOC, flags=re.M)
    out = {"common": parts[1]}
    for part in parts[2:]:
        title, _, body = part.partition("\n")
        for command in re.findall(r"`cpts ([a-z ]+)`", title):
            out[command] = body
    return out


def _keys(data, acc: set[str]) -> set[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            acc.add(key)
            _keys(value, acc)
    elif isinstance(data, list):
        for value in data:
            _keys(value, acc)
    return acc


@pytest.fixture(params=["sud-dijonnais", "val-de-vingeanne"])
def project(request, tmp_path):
    target = tmp_path / "cpts.yaml"
    shutil.copy(EXAMPLES / f"{request.param}.yaml", target)
    return target


def _outputs(cli, project, tmp_path):
    """(command, printed JSON) for every command that has ``--format json``."""
    broken = tmp_path / "casse.yaml"
    broken.write_text("cpts:\n  nom: 12\nterritoire:\n  communes: ['99999']\n", encoding="utf-8")
    odd = tmp_path / "lyon.yaml"
    odd.write_text(
        "cpts: {nom: L}\nterritoire:\n  communes: ['69123', '69381', '20004', '99999']\n  epci: ['242100410']\n",
        encoding="utf-8",
    )
    sheet = tmp_path / "acteurs.csv"
    sheet.write_text("nom,prenom,profession,commune\nDupont,Anne,infirmier,21292\n")
    runs = [
        ("validate", ["validate", project, broken]),
        ("status", ["status", project]),
        ("status", ["status", broken]),
        ("next", ["next", broken]),
        ("guide", ["guide"]),
        ("guide", ["guide", "diagnostic"]),
        ("territory info", ["territory", "info", project]),
        ("territory info", ["territory", "info", odd]),
        ("territory search", ["territory", "search", "Lyon"]),
        ("territory coverage", ["territory", "coverage", project, "--departement", "21"]),
        ("actors stats", ["actors", "stats", project]),
        ("funding", ["funding", project]),
        ("territory add", ["territory", "add", "21231", "-f", project, "--dry-run"]),
        ("territory remove", ["territory", "remove", "21231", "-f", project, "--dry-run"]),
        ("actors import", ["actors", "import", sheet, "-f", project, "--dry-run"]),
        ("next", ["next", project]),
        ("render", ["render", project, "--doc", "lettre-intention", "--format", "md"]),
        ("render", ["render", broken, "--format", "md"]),
    ]
    for command, args in runs:
        result = cli(*args, "--format", "json")
        assert result.code in (0, 1), (command, result.out, result.err)
        yield command, result.json()


def test_every_json_key_is_french_and_documented(cli, project, tmp_path):
    sections = _sections()
    seen = set()
    for command, printed in _outputs(cli, project, tmp_path):
        seen.add(command)
        keys = _keys(printed, set())
        assert not keys & ENGLISH, (command, keys & ENGLISH)
        documented = sections[command] + sections["common"]
        missing = sorted(k for k in keys if f"`{k}`" not in documented)
        assert not missing, f"{command} : clés absentes de docs/json.md : {missing}"
    assert seen == set(sections) - {"common"}


def test_a_finding_has_the_documented_keys(cli, tmp_path):
    broken = tmp_path / "cpts.yaml"
    broken.write_text("cpts:\n  nom: CPTS\nterritoire:\n  communes: ['99999']\n")
    printed = cli("validate", broken, "--format", "json").json()
    (report,) = printed["fichiers"]
    assert report["valide"] is False and report["fichier"] == str(broken)
    finding = next(f for f in report["constats"] if f["code"] == "CPTS-T001")
    assert finding == {
        "gravite": "erreur",
        "code": "CPTS-T001",
        "chemin": "/territoire/communes/0",
        "ligne": 4,
        "colonne": 14,
        "message": finding["message"],
    }
    assert "99999" in finding["message"]
