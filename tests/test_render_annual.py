"""The rapport annuel's money and review (issue 13, point 5): for each contract year the
money planned by the ACI calendar against the money received, the difference, the use of the
funds against the projet de santé's budget, the difficulties and the next steps; and a chart
of each result indicator over the contract years. Through the command line, in Markdown and
in Word."""

from __future__ import annotations

import io
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from .conftest import EXAMPLES
from .test_render_support import body_text, open_docx

NBSP = "\u00a0"
RESULT_INDICATORS = ("I1", "I4", "I5", "I10")  # with a figure in some year; I8 has none


def _euros(text: str) -> str:
    return text.replace(" ", NBSP) + f"{NBSP}€"


def _example(tmp_path: Path, change=None) -> Path:
    yaml = YAML()
    data = yaml.load((EXAMPLES / "sud-dijonnais.yaml").read_text(encoding="utf-8"))
    if change is not None:
        change(data)
    out = io.StringIO()
    yaml.dump(data, out)
    path = tmp_path / "cpts.yaml"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _render_md(cli, path: Path, *extra) -> str:
    result = cli("render", path, "--format", "md", "--doc", "rapport-annuel", *extra)
    assert result.code == 0, result
    name = "rapport-annuel-brouillon.md" if "--brouillon" in extra else "rapport-annuel.md"
    return (path.parent / "documents" / name).read_text(encoding="utf-8")


def _year(text: str, k: int) -> str:
    start = text.index(f"# Année {k} du contrat")
    end = text.find("\n# ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _row(section: str, first_cell: str) -> list[str]:
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("|") and cells[0] == first_cell:
            return cells
    raise AssertionError(f"no row « {first_cell} »")


def test_each_year_compares_money_planned_and_received_and_its_use(cli, tmp_path):
    text = _render_md(cli, _example(tmp_path))
    year1 = _year(text, 1)
    money = year1[year1.index("## Le financement") : year1.index("### L'utilisation des fonds")]
    # Planned: the ACI calendar of year 1 (fixed parts pro rata of the missions' start).
    assert _row(money, "ACI : fonctionnement de la CPTS")[1:] == [
        _euros("75 000"),
        _euros("75 000"),
        _euros("0"),
    ]
    assert _row(money, "ACI : parts fixes des missions")[1] == _euros("98 750")
    assert _row(money, "ACI : part variable")[1] == _euros("85 000")  # earned by the levels
    assert _row(money, "**Total du contrat ACI**")[1:3] == [
        f"**{_euros('258 750')}**",
        f"**{_euros('258 750')}**",
    ]
    other = "Communautés de communes (contrat local de santé) : repérage des personnes vulnérables"
    assert _row(money, other)[1:] == ["—", _euros("6 000"), "—"]
    assert _row(money, "**Total des sommes reçues**")[2] == f"**{_euros('264 750')}**"
    use = year1[year1.index("### L'utilisation des fonds") : year1.index("## Les difficultés")]
    coordination = "Coordination (coordinateur à temps plein, assistante à mi-temps)"
    assert _row(use, coordination)[1:] == [
        _euros("78 000"),
        _euros("71 500"),
        f"−{_euros('6 500')}",
    ]
    assert _row(use, "**Total**")[1:] == [
        f"**{_euros('286 000')}**",
        f"**{_euros('252 300')}**",
        f"**−{_euros('33 700')}**",
    ]
    assert f"il reste {_euros('12 450')}" in use
    assert "Le coordinateur a été recruté en cinq mois" in year1
    assert "## Les perspectives pour l'année suivante" in year1
    assert "Former les pharmaciens aux bilans partagés" in year1
    # Year 2: an expense outside the budget has no planned amount.
    year2 = _year(text, 2)
    assert _row(year2, "Chargée de mission parcours (à partir de janvier 2026)")[1:] == [
        "—",
        _euros("28 000"),
        "—",
    ]
    assert "La part variable qui résulte des niveaux atteints s'élève à" in text
    assert "par l'outil" not in text


def test_a_difference_the_calendar_has_not_yet_paid_is_said(cli, tmp_path):
    """Year 2 (20 June 2025 – 19 June 2026), on 1 November 2025: only the advances are
    paid; the balances and the variable part come from 20 June 2026."""

    def advances_only(data):
        recu = data["mise_en_oeuvre"]["annees"][1]["financement"]["recu"]
        recu[:3] = [
            {"financeur": "aci_fonctionnement", "montant": 56250},
            {"financeur": "aci_part_fixe", "montant": 142500},
        ]

    year2 = _year(_render_md(cli, _example(tmp_path, advances_only)), 2)
    assert _row(year2, "ACI : part variable")[1:] == [
        _euros("102 500"),
        _euros("0"),
        f"−{_euros('102 500')}",
    ]
    assert _row(year2, "**Total du contrat ACI**")[3] == f"**−{_euros('168 750')}**"
    assert (
        f"{_euros('168 750')} de l'écart ne sont pas encore échus : le calendrier du contrat "
        "les verse à partir du 20\u00a0juin\u00a02026" in year2
    )


def test_an_aci_line_without_its_parts_is_one_row(cli, tmp_path):
    def one_line(data):
        recu = data["mise_en_oeuvre"]["annees"][0]["financement"]["recu"]
        recu[:3] = [{"financeur": "aci", "montant": 250000}]

    year1 = _year(_render_md(cli, _example(tmp_path, one_line)), 1)
    assert _row(year1, "Contrat ACI (toutes parts)")[1:] == [
        _euros("258 750"),
        _euros("250 000"),
        f"−{_euros('8 750')}",
    ]
    assert "ACI : fonctionnement de la CPTS" not in year1


def test_each_result_indicator_with_a_figure_has_its_chart(cli, tmp_path):
    path = _example(tmp_path)
    text = _render_md(cli, path)
    charts = re.findall(r"!\[([^\]]*)\]\((images/[^)]+)\)", text)
    assert [c[1] for c in charts] == [
        f"images/rapport-annuel-{i.lower()}.png" for i in RESULT_INDICATORS
    ]
    for (caption, rel), ident in zip(charts, RESULT_INDICATORS, strict=True):
        assert caption.startswith(f"{ident}. ") and "cibles du contrat" in caption
        assert (path.parent / "documents" / rel).read_bytes().startswith(b"\x89PNG")
    assert "L'indicateur de résultat I8 « Personnes vulnérables" in text  # no figure: no chart
    # Process indicators get none.
    assert not any(f"rapport-annuel-i{n}.png" in text for n in (2, 3, 6, 7, 9))


def test_the_word_document_has_the_tables_the_texts_and_a_picture_per_chart(cli, tmp_path):
    path = _example(tmp_path)
    result = cli("render", path, "--doc", "rapport-annuel")
    assert result.code == 0, result
    docx = path.parent / "documents" / "rapport-annuel.docx"
    doc = open_docx(docx)
    assert len(doc.inline_shapes) == len(RESULT_INDICATORS)
    text = body_text(docx)
    for ident in RESULT_INDICATORS:
        assert f"{ident}. " in text and "résultat de chaque année de contrat" in text
    headers = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert headers.count(["Ressource", "Prévu", "Reçu", "Écart"]) == 2  # one per year
    assert headers.count(["Poste", "Budget prévu", "Dépensé", "Écart"]) == 2
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for heading in ("Le financement", "L’utilisation des fonds", "Les difficultés rencontrées"):
        assert headings.count(heading) == 2, heading
    assert "Deux médecins effecteurs du SAS ont cessé leur activité" in text
    assert "258\u00a0750\u00a0€" in text and "378\u00a0500\u00a0€" in text


def test_one_year_only_still_charts_each_result_against_its_targets(cli, tmp_path):
    def first_year(data):
        del data["mise_en_oeuvre"]["annees"][1:]

    text = _render_md(cli, _example(tmp_path, first_year))
    assert "Une seule année est écoulée" in text
    assert len(re.findall(r"!\[[^\]]*\]\(images/rapport-annuel-", text)) == 4
    assert "# Année 2 du contrat" not in text


def test_a_year_without_its_review_is_a_draft_that_marks_each_gap(cli, tmp_path):
    def no_review(data):
        year = data["mise_en_oeuvre"]["annees"][0]
        for key in ("financement", "difficultes", "perspectives"):
            del year[key]

    result = cli("render", _example(tmp_path, no_review), "--format", "md")
    assert result.code == 0 and "rapport-annuel : brouillon" in result.out, result
    drafts = tmp_path / "documents"
    year1 = _year((drafts / "rapport-annuel-brouillon.md").read_text(encoding="utf-8"), 1)
    for gap in (
        "sommes reçues au titre de l'année",
        "utilisation des fonds",
        "difficultés rencontrées",
        "perspectives pour l'année suivante",
    ):
        assert f"À COMPLÉTER : {gap}" in year1, gap


@settings(max_examples=15, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.floats(-1e9, 1e9, allow_nan=False), st.integers(-(10**6), 10**6)),
        min_size=1,
        max_size=5,
    ),
    targets=st.lists(st.floats(-1e9, 1e9, allow_nan=False), max_size=3),
)
def test_any_series_of_results_draws_a_chart(values, targets):
    from cpts_cli.documents.charts import draw

    serie = {
        "titre": "I1. x",
        "annees": list(range(1, len(values) + 1)),
        "valeurs": values,
        "cibles": [
            {"libelle": n, "valeur": v}
            for n, v in zip(("Socle", "Intermédiaire", "Objectif"), targets, strict=False)
        ],
    }
    request = {"type": "evolution", "legende": "x", "serie": serie}
    png = draw(request)
    assert png.startswith(b"\x89PNG") and png == draw(request)


def test_the_deliverables_with_charts_are_named_once():
    from cpts_cli.documents import CHARTED, DELIVERABLES
    from cpts_cli.documents.charts import CHART_SECTIONS

    assert set(CHART_SECTIONS) < CHARTED <= set(DELIVERABLES)
    assert {"presentation", "lettre-intention"} < CHARTED  # the map


def test_rendering_one_document_draws_only_its_own_charts(example, tmp_path, cli, monkeypatch):
    from cpts_cli.documents import chart_worker

    monkeypatch.setenv("CPTS_CACHE_DIR", str(tmp_path / "c"))
    started = []
    real_start = chart_worker.start
    monkeypatch.setattr(
        chart_worker, "start", lambda requests: started.append(requests) or real_start(requests)
    )
    result = cli("render", example, "--out", tmp_path / "a", "--doc", "rapport-annuel")
    assert result.code == 0, result
    assert [[r.get("type") for r in batch] for batch in started] == [["evolution"] * 4]
    assert len(open_docx(tmp_path / "a" / "rapport-annuel.docx").inline_shapes) == 4
