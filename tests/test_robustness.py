"""Whatever shape the file has, checking it never raises: findings only."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpts_cli.checking.check import check_document
from cpts_cli.project.load import parse_text, read_path
from cpts_cli.workflow.steps import STEP_IDS, TOP_LEVEL_KEYS

from .conftest import EXAMPLES

SECTIONS = list(TOP_LEVEL_KEYS)
KEYS = [
    "nom",
    "communes",
    "epci",
    "acteurs",
    "indicateurs",
    "constats",
    "problematiques",
    "missions",
    "fiches_actions",
    "contrat",
    "annees",
    "resultats",
    "indicateur",
    "mission",
    "valeur",
    "date",
    "terminee_le",
    "references",
    "orientations",
    "calendrier_deploiement",
    "decisions",
    "association",
    "porteur",
    "profession",
    "commune",
    "id",
    "code",
    "niveau_atteint",
    "variable",
    "fixe",
    "acces_soins",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            "21231",
            "75056",
            "242100410",
            "2024-06-20",
            "I1",
            "acces_soins",
            "medecin_generaliste",
            "C1",
            "P1",
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.sampled_from(KEYS), children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(SECTIONS), values, max_size=8))
def test_any_shape_gives_findings_not_exceptions(data):
    doc = parse_text(json.dumps(data))
    for etape in (None, "mise_en_oeuvre"):
        report = check_document(doc, etape=etape, today=dt.date(2025, 11, 1))
        assert all(f.line >= 1 and f.column >= 1 for f in report.findings)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(section=st.sampled_from(SECTIONS[2:]), value=values)
def test_example_with_one_section_replaced(section, value):
    doc = read_path(EXAMPLES / "sud-dijonnais.yaml")
    doc.plain[section] = json.loads(json.dumps(value))
    report = check_document(doc, etape=STEP_IDS[-1], today=dt.date(2025, 11, 1))
    assert report.parsed


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    section=st.sampled_from(SECTIONS[2:]),
    value=values,
    fmt=st.sampled_from(["md", "md", "md", "docx"]),
)
def test_drafts_of_every_document_whatever_one_section_holds(tmp_path_factory, section, value, fmt):
    """The built-in templates, the context and the Word builder never fail on a section of
    any shape: a draft of all six documents is written."""
    from cpts_cli.documents import DELIVERABLES, ProjectUnreadable, render_project

    plain = read_path(EXAMPLES / "sud-dijonnais.yaml").plain
    plain[section] = json.loads(json.dumps(value))
    folder = tmp_path_factory.mktemp("forme")
    path = folder / "cpts.yaml"
    path.write_text(json.dumps(plain, ensure_ascii=False, default=str), encoding="utf-8")
    try:
        written = render_project(path, list(DELIVERABLES), folder / "docs", fmt, brouillon=True)
    except ProjectUnreadable:  # a shape the schema cannot even read: findings, no render
        return
    drafts = {p.name for p in written if p.suffix == f".{fmt}"}
    assert drafts == {f"{d}-brouillon.{fmt}" for d in DELIVERABLES}
