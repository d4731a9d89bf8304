"""Charts of the documents: the diagnostic's indicators against department, region and
France (:func:`theme_chart`), and the rapport annuel's result indicators over the contract
years against their targets (:func:`evolution_chart`); :func:`draw` draws either request.

For the diagnostic: one figure per group of indicators of a theme (the context cuts a theme in groups that fit
a page). The indicators of one unit, three or more, make a profile chart: one row each on
one scale, the territory's bar against the references' markers. The others get a block of
horizontal bars each, with its own scale (comparing a rate with a density on one axis
would mislead). matplotlib is imported here only, with the Agg
backend; PNG files are deterministic (fixed size and dpi, no metadata), so the same project
gives the same images — which is what lets :class:`ChartStore` keep them in the user's
cache and draw the missing ones in a helper process (:mod:`.chart_worker`).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import textwrap
from pathlib import Path
from typing import Any

DPI = 150
WIDTH_IN = 6.3  # 16 cm: the text width of the reference document
LEFT_IN = 1.05  # room for the names of the bars
LINE_IN = 0.19  # one line of the chart (a bar, a title, a unit)
COLORS = {"territoire": "#1F3864", "reference": "#9DB3D6", "texte": "#262626", "note": "#595959"}
LABELS = (
    ("territoire", "Territoire"),
    ("departement", "Département"),
    ("region", "Région"),
    ("france", "France"),
)
#: Vertical layout of one indicator's block, in lines.
TITLE_LINES = 1.25
GAP_LINES = 0.9
#: Bars use this share of the width; their value labels the rest.
BAR_SHARE = 0.8


def _fr(value: float) -> str:
    if float(value).is_integer():
        text = f"{int(value):,}".replace(",", "\u00a0")
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        text = text.replace(",", " ").replace(".", ",").replace(" ", "\u00a0")
    return "\u2212" + text[1:] if text.startswith("-") else text  # the minus sign


def _bars(ind: dict[str, Any], territory_label: str) -> list[tuple[str, float, str]]:
    refs = ind.get("references") or {}
    bars = []
    for key, label in LABELS:
        value = ind.get("valeur") if key == "territoire" else refs.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            name = territory_label if key == "territoire" and territory_label else label
            color = COLORS["territoire"] if key == "territoire" else COLORS["reference"]
            bars.append((name, float(value), color))
    return bars


def _title(ind: dict[str, Any]) -> list[str]:
    title = str(ind.get("libelle") or ind.get("code") or "")
    if ind.get("annee") is not None:
        title += f" ({ind['annee']})"
    return textwrap.wrap(title, 95) or [""]


def theme_chart(title: str, indicators: list[dict[str, Any]], territory_label: str = "") -> bytes:
    """PNG bytes: a profile chart (:func:`profile_chart`) for the indicators of one unit
    when they are :data:`PROFILE_MIN` or more, else a block chart (:func:`block_chart`)."""
    units = {unit_of(i) for i in indicators}
    if len(indicators) >= PROFILE_MIN and len(units) == 1 and "" not in units:
        return profile_chart(indicators)
    return block_chart(indicators, territory_label)


def block_chart(indicators: list[dict[str, Any]], territory_label: str = "") -> bytes:
    """PNG bytes: one block per indicator, bars for the territory and its references.

    Each indicator has its own scale (comparing a rate with a density on one axis would
    mislead), so its bars start from its own zero line and carry their values; there is no
    x axis to read. One Axes for the whole figure, drawn with few artists: the charts are
    most of the rendering time of the diagnostic.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    blocks = [(_title(ind), _bars(ind, territory_label), ind) for ind in indicators]
    lines = (
        sum(
            TITLE_LINES * len(head) + max(len(bars), 1) + _unit_lines(ind) + GAP_LINES
            for head, bars, ind in blocks
        )
        or 1.0
    )
    height = lines * LINE_IN + 0.1
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(
        (LEFT_IN / WIDTH_IN, 0.05 / height, 1 - (LEFT_IN + 0.1) / WIDTH_IN, 1 - 0.1 / height)
    )
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(-lines, 0)
    y = 0.0
    rects_y, rects_left, rects_width, rects_color = [], [], [], []

    def write(x: float, y: float, text: str, size: float, ha: str = "left", **style) -> None:
        # User text as written: « $…$ » is not TeX here (parse_math), « \ » not an escape.
        ax.text(
            x,
            y,
            text,
            fontsize=size,
            va="center",
            ha=ha,
            family="DejaVu Sans",
            parse_math=False,
            **style,
        )

    for head, bars, ind in blocks:
        for line in head:
            write(0, y - 0.55 * TITLE_LINES, line, 8, color=COLORS["texte"])
            y -= TITLE_LINES
        values = [v for _n, v, _c in bars]
        low, high = min([0.0, *values]), max([0.0, *values])
        span = (high - low) or 1.0
        zero = -low / span * BAR_SHARE
        unit = ind.get("unite") or ""
        suffix = f"\u00a0{unit}" if unit and len(unit) <= 3 else ""
        top = y
        for name, value, color in bars:
            middle = y - 0.5
            end = (value - low) / span * BAR_SHARE
            rects_y.append(middle)
            rects_left.append(min(zero, end))
            rects_width.append(abs(end - zero))
            rects_color.append(color)
            write(-0.015, middle, name, 7.5, ha="right", color=COLORS["texte"])
            write(max(end, zero) + 0.01, middle, _fr(value) + suffix, 7, color=COLORS["texte"])
            y -= 1
        if not bars:
            write(0, y - 0.5, "pas de valeur chiffrée", 7, style="italic", color=COLORS["note"])
            y -= 1
        else:
            ax.plot([zero, zero], [top, y], color=COLORS["texte"], linewidth=0.8)
        if _unit_lines(ind):
            write(0, y - 0.45, unit, 7, style="italic", color=COLORS["note"])
            y -= 1
        y -= GAP_LINES
    if rects_y:
        ax.barh(rects_y, rects_width, left=rects_left, height=0.72, color=rects_color)
    return _png(fig)


#: A unit shared by this many indicators of a theme gets one profile chart (one row each).
PROFILE_MIN = 3
#: Rows of one profile chart at most: more are split in charts of even size (« (1/2) »).
PROFILE_MAX = 16
PROFILE_LABEL_IN = 2.45  # room for the names of the rows
PROFILE_ROW_IN = 0.27  # one row: up to two lines of its name
PROFILE_WRAP = 42  # characters in a line of a row's name
#: The references' markers: (key, legend, marker, colour, size), drawn in this order.
MARKERS = (
    ("france", "France", "s", "#A6A6A6", 5.5),
    ("region", "Région", "o", "#737373", 5.0),
    ("departement", "Département", "D", "#262626", 4.0),
)


def unit_of(ind: dict[str, Any]) -> str:
    """The unit an indicator is grouped by (« » when it has none: never grouped)."""
    return " ".join(str(ind.get("unite") or "").split())


def profile_parts(indicators: list[dict[str, Any]]) -> tuple[list[list[dict]], list[dict]]:
    """(the profile charts, the indicators left for block charts): the indicators of a
    unit shared by :data:`PROFILE_MIN` or more go in one profile chart, several of even size
    when they are more than :data:`PROFILE_MAX`; the units in the order they first come."""
    units: dict[str, list[dict]] = {}
    for ind in indicators:
        units.setdefault(unit_of(ind), []).append(ind)
    parts, rest = [], []
    for unit, members in units.items():
        if not unit or len(members) < PROFILE_MIN:
            continue
        count = -(-len(members) // PROFILE_MAX)
        size = -(-len(members) // count)
        parts.extend(members[k : k + size] for k in range(0, len(members), size))
    grouped = {id(i) for part in parts for i in part}
    rest = [i for i in indicators if id(i) not in grouped]
    return parts, rest


def unit_phrase(unit: str) -> str:
    """The unit as said after a theme or on an axis: « pour 10 000 habitants », « en % »."""
    first = unit.split(" ", 1)[0].lower()
    return unit if first in {"pour", "par", "en", "sur"} else f"en {unit}"


def _profile_label(ind: dict[str, Any], unit: str, with_year: bool) -> str:
    """The row's name: the label without the unit at its end (« Médecins généralistes pour
    10 000 habitants » → « Médecins généralistes »), and without a leading « Part des » in a
    chart of percentages (the axis says « en % »)."""
    label = " ".join(str(ind.get("libelle") or ind.get("code") or "").split())
    plain = label.replace("\u00a0", " ").replace("\u202f", " ").lower()
    said = unit.replace("\u00a0", " ").replace("\u202f", " ").lower()
    if said and plain.endswith(said) and label[: -len(said)].strip(" ,;:-–—"):
        label = label[: -len(said)].rstrip(" ,;:-–—(")
    if unit == "%":
        short = re.sub(r"^part (des |de la |de l[’']|du |de )", "", label, flags=re.IGNORECASE)
        if short != label and len(short) >= 3:
            label = short[0].upper() + short[1:]
    year = f" ({ind['annee']})" if with_year and ind.get("annee") is not None else ""
    words = label.split()
    lines = textwrap.wrap(label + year, PROFILE_WRAP) or [""]
    while len(lines) > 2 and words:  # two lines at most: the end of the label gives way
        words.pop()
        lines = textwrap.wrap(" ".join(words) + " …" + year, PROFILE_WRAP)
    return "\n".join(lines)


def _reference(ind: dict[str, Any], key: str) -> float | None:
    value = ind.get("valeur") if key == "territoire" else (ind.get("references") or {}).get(key)
    return float(value) if _numbers(value) else None


def _marks(ind: dict[str, Any]) -> list[float | None]:
    """The territory's value and its references' (None where there is none)."""
    return [_reference(ind, k) for k in ("territoire", *(m[0] for m in MARKERS))]


def _value_text(ind: dict[str, Any]) -> str:
    value = _reference(ind, "territoire")
    return _fr(value) if value is not None else "non chiffré"


def _profile_scale(indicators: list[dict[str, Any]], plot_in: float) -> tuple[float, float, int]:
    """(low, high, ticks at most) of a profile chart's axis: zero and every value in, room
    on the right for the longest value written after a bar (about 0.075 in a character),
    as many ticks as their labels leave room for."""
    every = [v for i in indicators for v in _marks(i) if v is not None] or [0.0]
    low, high = min(0.0, *every), max(0.0, *every)
    low -= (high - low) * 0.02 if low < 0 else 0.0
    text_in = max(len(_value_text(i)) for i in indicators) * 0.075 + 0.17
    span = (high - low) or 1.0
    high = low + span / (1 - min(text_in / plot_in, 0.5))
    label_in = max(len(_fr(round(v, 6))) for v in (low, high)) * 0.06 + 0.25
    return low, high, max(2, min(8, int(plot_in / label_in)))


def profile_chart(indicators: list[dict[str, Any]]) -> bytes:
    """PNG bytes: one row per indicator of one unit — a bar for the territory with its
    value, a marker for each reference (département, région, France) — on one scale, the
    legend at the top and the unit on the axis. Few artists, like :func:`theme_chart`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import MaxNLocator

    unit = unit_of(indicators[0])
    years = {str(i.get("annee")) for i in indicators if i.get("annee") is not None}
    with_year = len(years) > 1
    rows = len(indicators)
    head_in, foot_in = 0.32, 0.42
    height = head_in + rows * PROFILE_ROW_IN + foot_in
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    left = PROFILE_LABEL_IN / WIDTH_IN
    width = 1 - left - 0.15 / WIDTH_IN
    ax = fig.add_axes((left, foot_in / height, width, rows * PROFILE_ROW_IN / height))
    low, high, bins = _profile_scale(indicators, width * WIDTH_IN)
    ax.set_xlim(low, high)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10]))
    ax.set_ylim(rows - 0.5, -0.5)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_yticks(range(rows))
    ax.set_yticklabels([_profile_label(i, unit, with_year) for i in indicators],
                       fontsize=7, family="DejaVu Sans", color=COLORS["texte"])  # fmt: skip
    ax.tick_params(axis="y", length=0, pad=4)
    ax.tick_params(axis="x", labelsize=6.5, length=2, colors=COLORS["note"])
    ax.xaxis.set_major_formatter(_axis_fr())
    ax.grid(axis="x", color="#E3E3E3", linewidth=0.6)
    ax.set_axisbelow(True)
    label = unit_phrase(unit) + (f" ({years.pop()})" if len(years) == 1 else "")
    ax.set_xlabel(label[0].upper() + label[1:], fontsize=7, family="DejaVu Sans",
                  color=COLORS["note"], labelpad=2)  # fmt: skip
    values = [_reference(i, "territoire") or 0.0 for i in indicators]
    ax.barh(range(rows), values, height=0.5, color=COLORS["territoire"])
    ax.axvline(0, color=COLORS["texte"], linewidth=0.8)
    handles = [Line2D([], [], color=COLORS["territoire"], linewidth=6)]
    for key, _name, marker, color, size in MARKERS:
        points = [(v, y) for y, i in enumerate(indicators) if (v := _reference(i, key)) is not None]
        style = {"marker": marker, "markersize": size, "markerfacecolor": color,
                 "markeredgecolor": "white", "markeredgewidth": 0.6, "linestyle": "none"}  # fmt: skip
        ax.plot([v for v, _y in points], [y for _v, y in points], **style)
        handles.append(Line2D([], [], **style))
    per_in = (high - low) / (width * WIDTH_IN)
    for y, ind in enumerate(indicators):
        value, text = _reference(ind, "territoire"), _value_text(ind)
        x = max(value or 0.0, 0.0) + 0.05 * per_in
        # At the end of the bar, unless a marker would cover it: then after the last one.
        end = x + (len(text) * 0.075 + 0.05) * per_in
        if any(v is not None and x - 0.05 * per_in < v < end for v in _marks(ind)[1:]):
            x = max(v for v in _marks(ind) if v is not None) + 0.07 * per_in
        ax.text(x, y, text, fontsize=7, va="center", family="DejaVu Sans",
                color=COLORS["territoire"], fontweight="bold", parse_math=False)  # fmt: skip
    names = ["Territoire", *(m[1] for m in MARKERS[::-1])]
    handles = [handles[0], *handles[:0:-1]]
    fig.legend(handles, names, loc="upper center", ncol=4, frameon=False, handlelength=1.4,
               columnspacing=2.5, bbox_to_anchor=(0.5, 1.0), prop={"family": "DejaVu Sans", "size": 7})  # fmt: skip
    return _png(fig)


#: Colours of the target lines of an evolution chart, from the lowest level to the highest.
TARGET_COLORS = ("#C55A11", "#7F6000", "#375623")


def _numbers(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _evolution_data(serie: dict[str, Any]) -> tuple[list[int], list, list]:
    """(years, points (year, value), targets (name, value, colour) in the order of values)."""
    years = [int(y) for y in serie.get("annees") or []] or [1]
    values = list(serie.get("valeurs") or [])
    points = [(y, float(v)) for y, v in zip(years, values, strict=False) if _numbers(v)]
    given = [
        (str(t.get("libelle") or ""), float(t["valeur"]))
        for t in serie.get("cibles") or []
        if _numbers(t.get("valeur"))
    ]
    # Each level keeps its colour (socle, intermédiaire, objectif), in the order of values.
    targets = sorted(
        ((name, value, TARGET_COLORS[min(k, 2)]) for k, (name, value) in enumerate(given)),
        key=lambda nvc: nvc[1],
    )
    return years, points, targets


def evolution_chart(serie: dict[str, Any]) -> bytes:
    """PNG bytes: the result of each contract year as a point (joined by a line; « non
    chiffré » where the year has no figure), and a dashed line for each target level of the
    contract, named at its end.

    The scale starts at zero unless every value lies in the upper half of the range, where
    a zero would crush the differences (a rate between 48 and 52 %). With one year only,
    the point against the target lines still says which level the result reached.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    years, points, targets = _evolution_data(serie)
    every = [v for _y, v in points] + [v for _n, v, _c in targets] or [0.0]
    low, high = min(every), max(every)
    if low < 0 or low < high / 2:
        low = min(0.0, low)
    span = (high - low) or abs(high) or 1.0
    bottom, top = (low - span * 0.15 if low else 0.0), high + span * 0.2
    fig = Figure(figsize=(WIDTH_IN, 2.3), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.09, 0.13, 0.66, 0.8))
    ax.set_xlim(0.5, len(years) + 0.5)
    ax.set_ylim(bottom, top)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xticks(years)
    ax.set_xticklabels([f"Année {y}" for y in years], fontsize=7.5, family="DejaVu Sans")
    ax.tick_params(axis="y", labelsize=7)
    ax.yaxis.set_major_formatter(_axis_fr())

    def write(x: float, y: float, text: str, size: float, color: str, **style) -> None:
        ax.text(x, y, text, fontsize=size, color=color, family="DejaVu Sans",
                parse_math=False, clip_on=False, **style)  # fmt: skip

    gap, placed = (top - bottom) * 0.09, []  # names moved apart when levels are close
    for name, value, color in targets:
        ax.axhline(value, color=color, linestyle="--", linewidth=1)
        placed.append(max(value, placed[-1] + gap) if placed else value)
        write(len(years) + 0.55, placed[-1], f"{name} : {_fr(value)}", 7, color, va="center")
    if points:
        xs, ys = [y for y, _v in points], [v for _y, v in points]
        ax.plot(xs, ys, color=COLORS["territoire"], linewidth=1.6, marker="o", markersize=6)
        for y, v in points:
            write(y, v + (top - bottom) * 0.05, _fr(v), 7.5, COLORS["territoire"],
                  ha="center", va="bottom", fontweight="bold")  # fmt: skip
    for y in sorted(set(years) - {p for p, _v in points}):
        write(y, bottom + (top - bottom) * 0.04, "non chiffré", 7, COLORS["note"],
              ha="center", va="bottom", style="italic")  # fmt: skip
    return _png(fig)


def _axis_fr():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: _fr(round(value, 6)))


def draw(request: dict[str, Any]) -> bytes:
    """The PNG of a chart request (:func:`_request`); a map is kept in the maps' own cache
    (``territory.carte``) as it is drawn."""
    if request.get("type") == "carte":
        from cpts_cli.territory import carte

        return carte.image(
            request["communes"], request["points"], titre=request["titre"],
            hauteur_max=request.get("hauteur_max"),
        ).data  # fmt: skip
    if request.get("type") == "evolution":
        return evolution_chart(request["serie"])
    return theme_chart(request["legende"], request["indicateurs"])


def _png(fig) -> bytes:
    """The figure as an RGB PNG without metadata (deterministic; no alpha channel, which
    Word does not need: a quarter smaller and quicker to compress than matplotlib's RGBA)."""
    import warnings

    from PIL import Image

    canvas = fig.canvas
    with warnings.catch_warnings():
        # « Glyph … missing from font(s) »: a character the font lacks shows as a box; the
        # user's terminal gets no English warning for it.
        warnings.simplefilter("ignore")
        canvas.draw()
    rgba = canvas.buffer_rgba()
    image = Image.frombuffer("RGBA", canvas.get_width_height(), rgba, "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", compress_level=3, dpi=(DPI, DPI))
    return out.getvalue()


def _unit_lines(ind: dict[str, Any]) -> int:
    """1 when the unit is long (not written after each value) and the title does not say
    it already (« … pour 1 000 habitants »)."""
    unit = str(ind.get("unite") or "")
    said = unit.lower() in str(ind.get("libelle") or "").lower()
    return 1 if len(unit) > 3 and not said else 0


def _request(spec: dict) -> dict:
    if spec.get("type") == "carte":
        return {k: spec[k] for k in ("type", "communes", "points", "titre", "hauteur_max")}
    if spec.get("type") == "evolution":
        return {"type": "evolution", "legende": spec["legende"], "serie": spec["serie"]}
    return {"legende": spec["legende"], "indicateurs": spec["indicateurs"]}


#: Raise it when the drawing changes (colours, labels, signs): pictures cached by an earlier
#: version are then drawn again.
DRAWING_VERSION = 3  # 3: profile charts (one row per indicator of a unit)


def _spec_key(request: dict) -> str:
    keyed = {"dessin": DRAWING_VERSION, **request}
    text = json.dumps(keyed, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _cache_folder() -> Path | None:
    """Drawn charts are kept in the user's cache, keyed by what they show: re-rendering a
    project whose indicators did not change does not load matplotlib at all."""
    from cpts_cli.support import cache

    return cache.folder("graphiques", cache.fingerprint(Path(__file__).read_bytes(), _mpl_id()))


def _mpl_id() -> bytes:
    from cpts_cli.support import cache

    return cache.package_id("matplotlib")


def _read_cached(folder: Path | None, key: str, request: dict | None = None) -> bytes | None:
    if request is not None and request.get("type") == "carte":
        from cpts_cli.territory import carte

        return carte.cached(
            request["communes"], request["points"], titre=request["titre"],
            hauteur_max=request.get("hauteur_max"),
        )  # fmt: skip
    from cpts_cli.support import cache

    data = cache.read_entry(folder, f"{key}.png")
    return data if data is not None and data.startswith(b"\x89PNG") else None


def _write_cached(folder: Path | None, key: str, data: bytes, request: dict | None = None) -> None:
    if request is not None and request.get("type") == "carte":
        return  # kept by territory.carte as it was drawn
    from cpts_cli.support import cache

    cache.write_entry("graphiques", folder, f"{key}.png", data)


#: The deliverables with charts, and the section of the context that lists them.
CHART_SECTIONS = {"diagnostic": "diagnostic", "rapport-annuel": "mise_en_oeuvre"}
#: The deliverables that show the map of the territory (the context's ``carte``).
MAP_DOCUMENTS = ("diagnostic", "presentation", "lettre-intention")
#: Every deliverable with a picture drawn by matplotlib.
PICTURED = frozenset(CHART_SECTIONS) | frozenset(MAP_DOCUMENTS)


class ChartStore:
    """The charts of the documents (the diagnostic's, the rapport annuel's) by image path,
    each drawn once.

    A chart comes from the user's cache when it was drawn before with the same content;
    otherwise :meth:`prefetch` draws the missing ones in a helper process (see
    :mod:`.chart_worker`) while this one builds the other documents, and a chart asked for
    before the helper has finished waits for it. Whatever goes wrong in the helper, the
    chart is drawn here instead.
    """

    def __init__(self, context: dict, documents: list[str] | None = None) -> None:
        """The charts of ``documents`` (deliverable ids; all of them by default)."""
        self._specs: dict[str, dict] = {}
        for doc_id, section in CHART_SECTIONS.items():
            if documents is not None and doc_id not in documents:
                continue
            for chart in context.get(section, {}).get("graphiques", []):
                self._specs[chart["chemin"]] = chart
        carte = context.get("carte")
        if carte and (documents is None or any(d in documents for d in MAP_DOCUMENTS)):
            self._specs[carte["chemin"]] = carte
        self._done: dict[str, bytes] = {}
        self._keys: dict[str, str] = {}
        self._folder: Path | None = None
        self._looked = False
        self._worker = None
        self._pending: list[str] = []
        self.failures: list[str] = []

    @property
    def paths(self) -> list[str]:
        return list(self._specs)

    def _lookup(self) -> None:
        """Read what the cache has; remember the keys of the others."""
        if self._looked:
            return
        self._looked = True
        self._folder = _cache_folder() if self._specs else None
        for path, spec in self._specs.items():
            key = _spec_key(_request(spec))
            self._keys[path] = key
            data = _read_cached(self._folder, key, _request(spec))
            if data is not None:
                self._done[path] = data

    def prefetch(self) -> None:
        """Start drawing the charts the cache lacks in a helper process."""
        self._lookup()
        missing = [p for p in self._specs if p not in self._done]
        if not missing or self._worker is not None:
            return
        from cpts_cli.documents.chart_worker import start

        self._worker = start([_request(self._specs[p]) for p in missing])
        if self._worker is not None:
            self._pending = missing

    @property
    def drawing(self) -> bool:
        """Whether a helper process is drawing charts."""
        return self._worker is not None

    def _collect(self) -> None:
        from cpts_cli.documents.chart_worker import finish

        worker, self._worker = self._worker, None
        results = finish(worker, len(self._pending))
        for path, data in zip(self._pending, results, strict=False):
            if data is not None:
                self._done[path] = data
                _write_cached(self._folder, self._keys[path], data, _request(self._specs[path]))
        self._pending = []

    def close(self) -> None:
        """Stop the helper if it still runs (a document was refused, an error occurred)."""
        if self._worker is not None:
            from cpts_cli.documents.chart_worker import stop

            stop(self._worker)
            self._worker = None

    def __call__(self, path: str) -> bytes | None:
        spec = self._specs.get(path)
        if spec is None:
            return None
        self._lookup()
        if path not in self._done and self._worker is not None and path in self._pending:
            self._collect()
        if path not in self._done:
            try:
                data = draw(_request(spec))
            except Exception as exc:  # noqa: BLE001 - a document without a chart, not no document
                self.failures.append(f"{path} ({type(exc).__name__} : {exc})")
                return None  # the builder writes « [image absente : …] » in its place
            self._done[path] = data
            _write_cached(self._folder, self._keys[path], data, _request(spec))
        return self._done[path]

    def failure_warning(self) -> str | None:
        """The warning to give when charts could not be drawn (matplotlib missing or broken)."""
        if not self.failures:
            return None
        return (
            (
                "1 graphique n'a pas pu être dessiné : "
                if len(self.failures) == 1
                else f"{len(self.failures)} graphiques n'ont pas pu être dessinés : "
            )
            + ", ".join(self.failures)
            + " ; le document les signale à leur place. Réinstallez cpts (pip install "
            "--force-reinstall cpts) puis relancez."
        )
