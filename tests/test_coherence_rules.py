"""Issue 13, point 3: a project consistent with itself and with the calendar.

The rule cases (tests/cases/CPTS-*.yaml) give one raising and one quiet case per code; here,
the issue's worked inconsistencies through the CLI, and the open-ended parts (dates in any
order, any figure, any targets) with hypothesis.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from cpts_cli.checking.rules.diagnostic import direction
from cpts_cli.checking.rules.mise_en_oeuvre import level_reached
from cpts_cli.funding.yearly import cumulative_figures
from cpts_cli.support.formatting import thousands


def _edit(path, change):
    yaml = YAML()
    data = yaml.load(path.read_text(encoding="utf-8"))
    change(data)
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(data, out)


def test_the_issue_inconsistencies_are_reported_by_validate(cli, example):
    """The letter before the association's creation, 830 « depuis la signature » after 540,
    and « des personnes âgées nombreuses » with 9,6 % of 75+ against 10,4 %."""

    def inconsistent(data):
        data["cpts"]["association"]["date_creation"] = dt.date(2023, 3, 14)
        data["mise_en_oeuvre"]["annees"][1]["activite"]["actions"] = (
            "830 patients orientés vers un médecin traitant depuis la signature."
        )
        data["diagnostic"]["constats"][3]["indicateurs"].append("part_75_ans_et_plus")

    assert cli("validate", example).code == 0
    _edit(example, inconsistent)
    result = cli("validate", example)
    assert result.code == 1
    out = " ".join(result.out.split())
    assert "CPTS-E008 Année 2, indicateur « I1 » : le résultat 830 compte depuis le début" in out
    assert "830 − 540 = 290" in out
    # The letter was sent (its step is done): it is rendered with the association's status
    # of its date (test_render.py), there is nothing left to fix in the file.
    assert "CPTS-L009" not in out
    assert "CPTS-D011 Le constat « C4 » s'appuie sur l'indicateur « part_75_ans_et_plus »" in out


def test_a_future_signature_holds_back_the_validation_step(cli, example):
    _edit(example, lambda d: d["validation"]["contrat"].update(date_signature=dt.date(2026, 6, 20)))
    result = cli("validate", example)
    assert result.code == 1
    assert "CPTS-G005 La signature du contrat ACI porte la date du 20 juin 2026" in " ".join(
        result.out.split()
    )
    assert "L'étape 8" in result.out  # the validation step is no longer complete (CPTS-G002)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2025, 10, 31)), min_size=1, max_size=8))
def test_meetings_in_any_order(days):
    from cpts_cli.checking.check import check_document
    from cpts_cli.project.load import parse_text

    text = "format: 1\ncpts: {nom: A}\nmobilisation:\n  reunions:\n" + "".join(
        f"    - {{date: {d.isoformat()}, objet: x}}\n" for d in days
    )
    report = check_document(parse_text(text), etape="mobilisation", today=dt.date(2025, 11, 1))
    found = [f.path for f in report.findings if f.code == "CPTS-G006"]
    first = next((i for i in range(1, len(days)) if days[i] < max(days[:i])), None)
    assert found == ([] if first is None else [f"/mobilisation/reunions/{first}/date"])


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**7), st.integers(0, 10**7), st.sampled_from([" ", "\u202f", "\u00a0"]))
def test_the_cumulative_figure_is_the_one_before_the_words(total, year, space):
    written = thousands(total, space)
    assert cumulative_figures(f"{written} patients orientés depuis la signature") == [total]
    text = f"{year} patients dans l'année ({written} depuis la signature), 12 médecins."
    assert cumulative_figures(text) == [total]
    assert cumulative_figures(f"{year} patients orientés dans l'année") == []


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(1, 1000), min_size=3, max_size=3, unique=True), st.integers(0, 1100))
def test_the_level_reached_follows_the_targets_either_way(targets, value):
    names = ("socle", "intermediaire", "objectif")
    up = sorted(targets)
    levels = {n: {"cible": c, "part": 1} for n, c in zip(names, up, strict=True)}
    reached = [n for n, c in zip(names, up, strict=True) if value >= c]
    assert level_reached(value, levels) == (reached[-1] if reached else "aucun")
    # Targets that go down (a rate to lower): the mirror image reaches the same level.
    mirrored = level_reached(-value, {n: {"cible": -levels[n]["cible"]} for n in levels})
    assert mirrored == level_reached(value, levels)


def test_directions_of_the_worked_example_indicators():
    need = {"sans_medecin_traitant", "part_ald", "part_75_ans_et_plus", "polymedication_75",
            "urgences_sans_hospitalisation", "mg_60_ans_et_plus", "taux_pauvrete"}  # fmt: skip
    offer = {"densite_mg", "apl_mg", "densite_infirmiers", "places_ehpad",
             "depistage_cancer_sein", "vaccination_grippe_65"}  # fmt: skip
    assert {c for c in need if direction({"code": c}) == 1} == need
    assert {c for c in offer if direction({"code": c}) == -1} == offer
    assert direction({"code": "evolution_population"}) is None
    assert direction({"code": "x", "libelle": "Densité de médecins généralistes"}) == -1
