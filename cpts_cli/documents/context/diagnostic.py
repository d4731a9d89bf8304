"""Step 3 — the territorial diagnostic: indicators by theme, their charts, the findings
(constats)."""

from __future__ import annotations

from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source

#: Indicators in one chart: more would make a figure taller than a page.
CHART_SIZE = 6


def _theme_charts(code: str, label: str, chartable: list[dict]) -> list[dict]:
    """The charts of a theme: one per group of :data:`CHART_SIZE` indicators (« (1/2) »…
    in the caption when there are several)."""
    parts = [chartable[k : k + CHART_SIZE] for k in range(0, len(chartable), CHART_SIZE)]
    charts = []
    for n, part in enumerate(parts, start=1):
        suffix = f" ({n}/{len(parts)})" if len(parts) > 1 else ""
        charts.append(
            {
                "chemin": f"images/diagnostic-{values.slug(code)}{f'-{n}' if n > 1 else ''}.png",
                "indicateurs": part,
                "legende": f"{label} : le territoire comparé au département, à la région et "
                f"à la France{suffix}",
            }
        )
    return charts


def diagnostic(src: Source) -> dict:
    node = src.section("diagnostic")
    indicators = [_indicator(src, i) for i in values.mappings(node.get("indicateurs"))]
    by_code = {i["code"]: i for i in indicators if i["code"]}
    themes = _themes(src.v["theme"], indicators)
    constats = [_constat(c, by_code) for c in values.mappings(node.get("constats"))]
    sources = sorted({i["source"] for i in indicators if i["source"]}, key=values.sort_key_fr)
    years = sorted({i["annee"] for i in indicators if isinstance(i["annee"], int)})
    return {
        "methode": values.text(node.get("methode")),
        "indicateurs": indicators,
        "par_code": by_code,
        "themes": themes,
        "constats": constats,
        "par_constat": {c["id"]: c for c in constats if c["id"]},
        "sources": sources,
        "annees": years,
        "graphiques": [g for t in themes for g in t["graphiques"]],
    }


def _indicator(src: Source, i: dict) -> dict:
    refs = values.mapping(i.get("references"))
    references = {k: values.number(refs.get(k)) for k in ("departement", "region", "france")}
    theme = values.text(i.get("theme")) or "autre"
    return {
        "code": values.text(i.get("code")),
        "libelle": values.text(i.get("libelle")),
        "theme": theme,
        "theme_libelle": values.label(src.v["theme"], theme),
        "valeur": values.scalar(i.get("valeur")),
        "masque": i.get("masque") is True,
        "unite": values.text(i.get("unite")),
        "annee": values.scalar(i.get("annee")),
        "source": values.text(i.get("source")),
        **src.coded(i, "maille"),
        "references": references,
        "a_references": any(v is not None for v in references.values()),
        "sans_reference": values.text(i.get("sans_reference")),
    }


def _themes(themes_vocab: dict[str, str], indicators: list[dict]) -> list[dict]:
    """The themes of the indicators, in the vocabulary's order, each with its charts."""
    order = list(themes_vocab)
    themes = []
    for code in sorted(
        {i["theme"] for i in indicators},
        key=lambda t: (order.index(t) if t in order else len(order), t),
    ):
        members = [i for i in indicators if i["theme"] == code]
        chartable = [
            i
            for i in members
            if values.number(i["valeur"]) is not None and not i["masque"] and i["a_references"]
        ]
        charts = _theme_charts(code, values.label(themes_vocab, code), chartable)
        themes.append(
            {
                "code": code,
                "libelle": values.label(themes_vocab, code),
                "indicateurs": members,
                "graphiques": charts,
                "graphique": charts[0] if charts else None,
            }
        )
    return themes


def _constat(c: dict, by_code: dict[str, dict]) -> dict:
    codes = values.texts(c.get("indicateurs"))
    return {
        "id": values.text(c.get("id")),
        "libelle": values.text(c.get("libelle")),
        "indicateurs": [
            {
                "code": code,
                "libelle": (by_code.get(code) or {}).get("libelle") or code,
                "connu": code in by_code,
            }
            for code in codes
        ],
    }
