"""Whatever shape the file has, checking it never raises: findings only."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpts_cli.check import check_document
from cpts_cli.project.load import parse_text, read_path
from cpts_cli.workflow import STEP_IDS, TOP_LEVEL_KEYS

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
