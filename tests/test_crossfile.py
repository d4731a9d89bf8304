"""Checks between several files: communes in more than one CPTS territory (CPTS-X001)."""

from __future__ import annotations

import time

from cpts_cli.checking.check import check_paths, reports_to_dict
from cpts_cli.checking.codes import REGISTRY, all_codes
from cpts_cli.checking.rules.crossfile import overlap_findings
from cpts_cli.project.load import parse_bytes
from cpts_cli.referentiel import store

from .test_territory_cli import DIJON_METROPOLE, write_project


def position(path, needle: str) -> tuple[int, int]:
    """1-based line and column of the first occurrence of ``needle`` in the file."""
    for i, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return i, line.index(needle) + 1
    raise AssertionError(f"{needle} not in {path}")


def x001(report_dict: dict) -> list[dict]:
    return [f for f in report_dict["constats"] if f["code"] == "CPTS-X001"]


def test_overlap_reported_in_both_files_with_position(tmp_path, cli):
    a = write_project(tmp_path / "a.yaml", "CPTS A", ["21166", "21355"])
    b = write_project(tmp_path / "b.yaml", "CPTS B", ["21390", "21355"])
    data = cli("validate", a, b, "--format", "json").json()
    fa, fb = (x001(f) for f in data["fichiers"])
    assert len(fa) == 1 and len(fb) == 1
    line, col = position(a, '"21355"')
    assert (fa[0]["chemin"], fa[0]["ligne"], fa[0]["colonne"]) == (
        "/territoire/communes/1",
        line,
        col,
    )
    line, col = position(b, '"21355"')
    assert (fb[0]["chemin"], fb[0]["ligne"], fb[0]["colonne"]) == (
        "/territoire/communes/1",
        line,
        col,
    )
    assert fa[0]["gravite"] == "erreur"
    assert fa[0]["message"].startswith("Longvic (21355) figure aussi dans le territoire de")
    assert f"« CPTS B » ({b})" in fa[0]["message"]
    assert f"« CPTS A » ({a})" in fb[0]["message"]

    result = cli("validate", a, b)
    assert result.code == 1
    assert f"{a}:{fa[0]['ligne']}:{fa[0]['colonne']}: erreur CPTS-X001" in result.out


def test_overlap_through_an_epci_is_located_at_the_epci(tmp_path):
    a = write_project(tmp_path / "a.yaml", "CPTS A", epci=[DIJON_METROPOLE])
    b = write_project(tmp_path / "b.yaml", "CPTS B", ["21231", "21292"])
    ra, rb = reports_to_dict(check_paths([a, b]))["fichiers"]
    fa = x001(ra)
    assert [f["chemin"] for f in fa] == ["/territoire/epci/0"]
    assert (fa[0]["ligne"], fa[0]["colonne"]) == position(a, f'"{DIJON_METROPOLE}"')
    assert "Dijon (21231)" in fa[0]["message"]
    assert [f["chemin"] for f in x001(rb)] == ["/territoire/communes/0"]


def test_whole_city_overlaps_its_arrondissements_only(tmp_path):
    paris = write_project(tmp_path / "paris.yaml", "CPTS Paris", ["75056"])
    p13 = write_project(tmp_path / "p13.yaml", "CPTS Paris 13", ["75113"])
    p14 = write_project(tmp_path / "p14.yaml", "CPTS Paris 14", ["75114"])
    r_paris, r13, r14 = reports_to_dict(check_paths([paris, p13, p14]))["fichiers"]
    assert sorted(f["message"].split(" figure")[0] for f in x001(r_paris)) == [
        f"{store.commune(c).nom} ({c})" for c in ("75113", "75114")
    ]
    assert len(x001(r13)) == 1 and len(x001(r14)) == 1  # 13e and 14e do not overlap each other
    assert "« CPTS Paris »" in x001(r13)[0]["message"]


def test_no_cross_check_for_one_file_or_the_same_file_twice(tmp_path):
    a = write_project(tmp_path / "a.yaml", "CPTS A", ["21166"])
    assert not x001(reports_to_dict(check_paths([a]))["fichiers"][0])
    assert all(not x001(f) for f in reports_to_dict(check_paths([a, a]))["fichiers"])


def test_unparsable_file_takes_no_part(tmp_path, cli):
    a = write_project(tmp_path / "a.yaml", "CPTS A", ["21166"])
    bad = tmp_path / "bad.yaml"
    bad.write_text('territoire: {communes: ["21166"\n')
    result = cli("validate", a, bad, "--format", "json")
    assert result.code == 2
    assert all(not x001(f) for f in result.json()["fichiers"])


def test_json_equals_the_api_for_several_files(tmp_path, cli):
    folder = tmp_path / "cpts"
    write_project(folder / "a.yaml", "CPTS A", ["21166", "21355", "21999"])
    write_project(folder / "b.yaml", "CPTS B", ["21355"], [DIJON_METROPOLE])
    write_project(folder / "c.yaml", "CPTS C", ["52405"])
    paths = sorted(folder.glob("*.yaml"))
    printed = cli("validate", folder, "--format", "json").json()
    assert printed == reports_to_dict(check_paths(paths))
    codes = [f["code"] for f in printed["fichiers"][0]["constats"]]
    assert "CPTS-X001" in codes and "CPTS-T001" in codes
    findings = printed["fichiers"][1]["constats"]
    assert [(f["ligne"], f["colonne"]) for f in findings] == sorted(
        (f["ligne"], f["colonne"]) for f in findings
    )


def test_message_names_three_cpts_then_counts_the_rest():
    text = 'cpts:\n  nom: CPTS {n}\nterritoire:\n  communes: ["21231", "{own}"]\n'
    own = [c.code for c in store.communes_in(departement="21")[:300]]
    docs = [
        parse_bytes(text.format(n=i, own=code).encode(), name=f"f{i}.yaml")
        for i, code in enumerate(own)
    ]
    start = time.perf_counter()
    results = overlap_findings(docs)
    assert time.perf_counter() - start < 2
    first = results[0]
    assert len(first) == 1 and first[0].path == "/territoire/communes/0"
    assert first[0].line == 4 and first[0].column == 14
    assert "« CPTS 1 » (f1.yaml), « CPTS 2 » (f2.yaml), « CPTS 3 » (f3.yaml) et 296 autres" in (
        first[0].message
    )
    assert all(len(r) == 1 for r in results)


def test_code_is_documented():
    all_codes()
    code = REGISTRY["CPTS-X001"]
    assert code.severity.value == "error"
    assert "Incorrect" in code.doc and "Correct" in code.doc
