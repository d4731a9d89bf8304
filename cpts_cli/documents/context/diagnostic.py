"""Step 3 — the territorial diagnostic: indicators by theme, their charts, the findings
(constats)."""

from __future__ import annotations

from cpts_cli.documents import charts
from cpts_cli.documents.context import values
from cpts_cli.documents.context.base import Source

#: Indicators in one block chart: more would make a figure taller than a page.
CHART_SIZE = 6


def _theme_charts(code: str, label: str, chartable: list[dict]) -> list[dict]:
    """The charts of a theme: a profile chart per unit shared by three indicators or more
    (:func:`.charts.profile_parts`; one row each, several when they are many), then the
    block charts of the others, :data:`CHART_SIZE` a chart (« (1/2) »… in the caption when
    a unit or the blocks take several charts)."""
    profiles, rest = charts.profile_parts(chartable)
    groups: dict[str, list[list[dict]]] = {}
    for part in profiles:
        groups.setdefault(charts.unit_of(part[0]), []).append(part)
    blocks = [rest[k : k + CHART_SIZE] for k in range(0, len(rest), CHART_SIZE)]
    compared = "le territoire comparé au département, à la région et à la France"
    captions = [
        (f"{label} — {charts.unit_phrase(unit)} : {compared}", part)
        for unit, parts in groups.items()
        for part in parts
    ] + [(f"{label} : {compared}", part) for part in blocks]
    counts = {caption: [c for c, _p in captions].count(caption) for caption, _p in captions}
    seen: dict[str, int] = {}
    result = []
    for n, (caption, part) in enumerate(captions, start=1):
        seen[caption] = seen.get(caption, 0) + 1
        suffix = f" ({seen[caption]}/{counts[caption]})" if counts[caption] > 1 else ""
        result.append(
            {
                "chemin": f"images/diagnostic-{values.slug(code)}{f'-{n}' if n > 1 else ''}.png",
                "indicateurs": part,
                "legende": caption + suffix,
            }
        )
    return result


def diagnostic(src: Source) -> dict:
    node = src.section("diagnostic")
    indicators = [_indicator(src, i) for i in values.mappings(node.get("indicateurs"))]
    by_code = {i["code"]: i for i in indicators if i["code"]}
    themes = _themes(src.v["theme"], indicators)
    constats = [_constat(c, by_code) for c in values.mappings(node.get("constats"))]
    sources = sorted({i["source"] for i in indicators if i["source"]}, key=values.sort_key_fr)
    cited = _cited_sources(themes)
    years = sorted({i["annee"] for i in indicators if isinstance(i["annee"], int)})
    return {
        "methode": values.text(node.get("methode")),
        "indicateurs": indicators,
        "par_code": by_code,
        "themes": themes,
        "constats": constats,
        "par_constat": {c["id"]: c for c in constats if c["id"]},
        "sources": sources,
        "sources_citees": cited,
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
        "note": values.text(i.get("note")),
        "importe": i.get("origine") == "import",
        "autres_niveaux": _other_levels(i),
    }


def _other_levels(i: dict) -> str | None:
    """The values of the other departments and regions of a territory spread over several,
    as ``cpts diagnostic import`` wrote them in an imported indicator's note."""
    from cpts_cli.diagnostic.merge import OTHER_LEVELS

    if i.get("origine") != "import":
        return None
    found = [t for t in _sentences(values.text(i.get("note"))) if t.startswith(OTHER_LEVELS)]
    return found[0] if found else None


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
                "sans_comparaison": _without_references(members),
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


def _sentences(text: str | None) -> list[str]:
    """The sentences of a note (a full stop followed by a space and a capital or a digit
    ends one)."""
    import re

    return [t.strip() for t in re.split(r"(?<=\.)\s+(?=[A-ZÀ-Ý0-9«])", text or "") if t.strip()]


def _cited_sources(themes: list[dict]) -> list[dict]:
    """The sources of the indicators, numbered in the order the theme tables cite them
    (each indicator gets ``source_numero``): the source, the years, how many indicators,
    whether a file was imported (``cpts diagnostic import``), and the remarks its imported
    indicators share (what the file lacks, what was not counted) — said once here rather
    than under every figure."""
    cited: dict[str, dict] = {}
    for theme in themes:
        for i in theme["indicateurs"]:
            if not i["source"]:
                i["source_numero"] = None
                continue
            entry = cited.setdefault(
                i["source"],
                {"numero": len(cited) + 1, "texte": i["source"], "annees": set(),
                 "indicateurs": 0, "importe": False, "_notes": []},
            )  # fmt: skip
            i["source_numero"] = entry["numero"]
            entry["indicateurs"] += 1
            if isinstance(i["annee"], int):
                entry["annees"].add(i["annee"])
            if i["importe"]:
                entry["importe"] = True
                entry["_notes"].append(_sentences(i["note"]))
    for entry in cited.values():
        notes = entry.pop("_notes")
        shared = [t for t in notes[0] if all(t in n for n in notes[1:])] if notes else []
        entry["remarques"] = shared if len(notes) > 1 or not notes else notes[0]
        entry["annees"] = sorted(entry["annees"])
    return list(cited.values())


def _without_references(members: list[dict]) -> list[dict]:
    """The theme's indicators without reference values, grouped by the reason given (the
    counts an import writes all say the same): ``{"libelles": [...], "raison": ...}``, in
    the order of their first indicator; ``raison`` None when the user gave none."""
    groups: dict[str | None, list[str | None]] = {}
    for i in members:
        if not i["a_references"]:
            groups.setdefault(i["sans_reference"], []).append(i["libelle"])
    return [{"libelles": labels, "raison": reason} for reason, labels in groups.items()]
