"""The diagnostic's profile charts: the indicators of a theme that share a unit (three or
more) in one chart, one row each, through the context API, the drawing and the CLI."""

from __future__ import annotations

import io
import warnings

from hypothesis import given, settings
from hypothesis import strategies as st

from cpts_cli.support.formatting import french_typography as fr
from tests.opendata_files import insee_rows, structureet, write_finess, write_insee_csv

COMPARED = "le territoire comparé au département, à la région et à la France"


def _indicator(code: str, unit: str | None, value=1.0, theme="offre_soins", **more) -> dict:
    return {
        "code": code,
        "libelle": more.pop("libelle", f"Indicateur {code}"),
        "theme": theme,
        "valeur": value,
        "unite": unit,
        "annee": 2024,
        "references": {"departement": 2.0, "region": 3.0, "france": 4.0},
        **more,
    }


def _charts(indicators: list[dict]) -> list[dict]:
    from cpts_cli.documents.context import build_context
    from cpts_cli.support.dates import today

    data = {"diagnostic": {"indicateurs": indicators}}
    return build_context(data, today=today())["diagnostic"]["graphiques"]


def _codes(chart: dict) -> list[str]:
    return [i["code"] for i in chart["indicateurs"]]


def _size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.size


def test_a_unit_of_three_or_more_gets_one_profile_chart_the_others_blocks():
    density = "pour 10 000 habitants"
    indicators = [
        _indicator("d1", density),
        _indicator("p1", "%"),
        _indicator("d2", density),
        _indicator("apl", "consultations par an"),
        _indicator("p2", "%"),  # two « % »: not enough for a profile chart
        _indicator("d3", density),
        _indicator("vide1", None),  # no unit: never grouped
        _indicator("vide2", None),
        _indicator("vide3", None),
        _indicator("masque", density, masque=True),  # not drawn at all
        _indicator("sans_ref", density, references={}),
        _indicator("pop", "%", theme="population"),
    ]
    charts = _charts(indicators)
    assert [_codes(c) for c in charts] == [  # the themes in the vocabulary's order
        ["pop"],
        ["d1", "d2", "d3"],
        ["p1", "apl", "p2", "vide1", "vide2", "vide3"],
    ]
    assert [c["legende"] for c in charts] == [
        f"Population : {COMPARED}",
        f"Offre de soins — pour 10 000 habitants : {COMPARED}",
        f"Offre de soins : {COMPARED}",
    ]
    assert [c["chemin"] for c in charts] == [
        "images/diagnostic-population.png",
        "images/diagnostic-offre-soins.png",
        "images/diagnostic-offre-soins-2.png",
    ]
    more = _charts([*indicators, _indicator("x", "x"), _indicator("y", "y")])
    assert [c["legende"] for c in more][2:] == [
        f"Offre de soins : {COMPARED} (1/2)",  # six blocks a chart
        f"Offre de soins : {COMPARED} (2/2)",
    ]
    assert _codes(more[3]) == ["x", "y"]


def test_more_than_sixteen_rows_are_split_in_charts_of_even_size():
    from cpts_cli.documents.charts import PROFILE_MAX

    indicators = [_indicator(f"p{k}", "%") for k in range(PROFILE_MAX + 1)]
    indicators += [_indicator(f"d{k}", "pour 1 000 habitants") for k in range(PROFILE_MAX)]
    charts = _charts(indicators)
    assert [len(c["indicateurs"]) for c in charts] == [9, 8, PROFILE_MAX]
    assert [c["legende"] for c in charts] == [
        f"Offre de soins — en % : {COMPARED} (1/2)",
        f"Offre de soins — en % : {COMPARED} (2/2)",
        f"Offre de soins — pour 1 000 habitants : {COMPARED}",
    ]
    assert _codes(charts[0]) + _codes(charts[1]) == [f"p{k}" for k in range(PROFILE_MAX + 1)]


def test_profile_row_names_lose_the_unit_and_a_leading_part_des():
    from cpts_cli.documents.charts import _profile_label

    density = "pour 10 000 habitants"
    label = {"libelle": "Médecins généralistes pour 10\u00a0000 habitants"}
    assert _profile_label(label, density, False) == "Médecins généralistes"
    assert _profile_label({"libelle": "pour 10 000 habitants"}, density, False) == (
        "pour 10 000 habitants"  # nothing would be left: kept as written
    )
    share = {"libelle": "Part des infirmiers exerçant en libéral", "annee": 2024}
    assert _profile_label(share, "%", False) == "Infirmiers exerçant en libéral"
    assert _profile_label(share, "%", True) == "Infirmiers exerçant en libéral (2024)"
    assert _profile_label(share, "pour 100", False).startswith("Part des")  # % charts only
    long = {"libelle": "Part des assurés " + "très " * 30 + "fin", "annee": 2022}
    lines = _profile_label(long, "%", True).split("\n")
    assert len(lines) == 2 and lines[1].endswith("\u00a0… (2022)")


def _profile(rows: int, unit: str = "pour 10 000 habitants") -> list[dict]:
    return [
        _indicator(f"i{k}", unit, value=k * 1.5, libelle=f"Profession numéro {k} {unit}")
        for k in range(rows)
    ]


def test_profile_chart_is_16_cm_wide_one_row_each_and_deterministic():
    from cpts_cli.documents.charts import DPI, PROFILE_ROW_IN, WIDTH_IN, theme_chart

    small, big = theme_chart("t", _profile(3)), theme_chart("t", _profile(16))
    (w3, h3), (w16, h16) = _size(small), _size(big)
    assert w3 == w16 == round(WIDTH_IN * DPI)
    assert abs(h16 - h3 - 13 * PROFILE_ROW_IN * DPI) <= 1  # each row the same height
    assert h16 < 6 * DPI  # 16 rows fit well within a page
    assert theme_chart("t", _profile(16)) == big
    # Two indicators of a unit, or mixed units, keep the block chart (taller per indicator).
    block = _size(theme_chart("t", _profile(2)))[1]
    assert block > _size(theme_chart("t", _profile(3)[:1]))[1]
    assert _size(theme_chart("t", _profile(3)[:2] + _profile(1, "%")))[1] > h3


_numbers = st.one_of(
    st.none(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
)


@settings(max_examples=25, deadline=None)
@given(
    labels=st.lists(st.text(max_size=120), min_size=3, max_size=5),
    unit=st.text(min_size=1, max_size=30).filter(str.strip),
    value=_numbers,
    refs=st.dictionaries(st.sampled_from(["departement", "region", "france"]), _numbers),
)
def test_any_profile_gives_a_chart_and_no_warning(labels, unit, value, refs):
    from cpts_cli.documents.charts import theme_chart
    from cpts_cli.documents.sanitize import clean_text

    indicators = [
        {"libelle": clean_text(label), "unite": unit, "valeur": value, "references": refs}
        for label in labels
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = theme_chart("t", indicators)
    assert png.startswith(b"\x89PNG") and _size(png)[0] == 945


def test_imported_project_renders_one_image_per_chart(cli, example, tmp_path):
    """FINESS and INSEE imported into the worked example: the densities of the offer of care
    in one chart, the age bands in another, and the docx has an image for every chart."""
    from cpts_cli.documents.context import build_context
    from cpts_cli.project.load import read_path
    from cpts_cli.support.dates import today

    rows = [structureet(f"21000000{k}", f"PHARMACIE {k}", "21", "005", "620") for k in range(3)]
    finess = write_finess(tmp_path / "etalab-cs1100507-stock-20240315-0336.csv", rows)
    insee = write_insee_csv(
        tmp_path / "base-cc-evol-struct-pop-2021.CSV",
        insee_rows({"21005": (300, 250, 300, 320, 200, 100, 30), "21231": (9,) * 7}),
    )
    result = cli("diagnostic", "import", "-f", example, finess, insee)
    assert result.code == 0, result.err
    charts = build_context(read_path(example).plain, today=today())["diagnostic"]["graphiques"]
    captions = [c["legende"] for c in charts]
    assert [c.split(" : ")[0] for c in captions] == [
        "Population — en %",  # the six age bands (75+ typed in the example)
        "Population",  # the yearly change, alone in « % par an »
        "Situation sociale — en %",
        "Offre de soins — pour 10 000 habitants",  # every profession, the FINESS densities
        "Offre de soins — en %",  # the shares in liberal practice, the GPs of 60 or more
        "Accès aux soins",  # the APL, the patients without a GP (units used twice: blocks)
        "Prévention — en %",
        "Établissements et services — pour 10 000 habitants",
        "Établissements et services",
        "Santé mentale — pour 10 000 habitants",
    ]
    ages = charts[0]
    assert {"part_0_14_ans", "part_60_74_ans", "part_75_ans_et_plus"} <= set(_codes(ages))
    assert "pharmacies_pour_10000" in _codes(charts[3])
    result = cli("render", example, "--doc", "diagnostic", "--brouillon")
    assert result.code == 0, result
    from tests.test_render_support import open_docx

    doc = open_docx(example.parent / "documents" / "diagnostic-brouillon.docx")
    figures = [p.text.split(fr(" : "), 1)[1] for p in doc.paragraphs if p.style.name == "Caption"]
    assert [f for f in figures if f.endswith(fr(COMPARED))] == [fr(c) for c in captions]
    assert len(doc.inline_shapes) == len(figures)  # each figure its picture (and the map's)
    assert not any("image absente" in p.text for p in doc.paragraphs)


@settings(max_examples=60, deadline=None)
@given(
    units=st.lists(
        st.sampled_from(["%", "pour 10 000 habitants", "euros", " % ", None, ""]), max_size=40
    ),
    themes=st.lists(st.sampled_from(["offre_soins", "population", "social"]), min_size=1),
)
def test_every_chartable_indicator_is_in_one_chart_that_fits(units, themes):
    from cpts_cli.documents.charts import PROFILE_MAX, PROFILE_MIN, unit_of
    from cpts_cli.documents.context import CHART_SIZE

    indicators = [
        _indicator(f"i{k}", unit, theme=themes[k % len(themes)]) for k, unit in enumerate(units)
    ]
    charts = _charts(indicators)
    drawn = [code for chart in charts for code in _codes(chart)]
    assert sorted(drawn) == sorted(i["code"] for i in indicators)
    assert len({c["chemin"] for c in charts}) == len(charts)
    assert len({c["legende"] for c in charts}) == len(charts)
    for chart in charts:
        members = chart["indicateurs"]
        chart_units = {unit_of(i) for i in members}
        same = {unit_of(i) for i in indicators if i["theme"] == members[0]["theme"]}
        if " — " in chart["legende"]:  # a profile chart: one unit, three rows or more
            assert len(chart_units) == 1 and "" not in chart_units
            assert PROFILE_MIN <= len(members) <= PROFILE_MAX
        else:  # blocks: none of a unit that had a profile chart
            assert len(members) <= CHART_SIZE
            counts = [unit_of(i) for i in indicators if i["theme"] == members[0]["theme"]]
            assert all(not u or counts.count(u) < PROFILE_MIN for u in chart_units)
        assert chart_units <= same
