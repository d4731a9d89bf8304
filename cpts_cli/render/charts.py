"""Charts of the diagnostic: each theme's indicators against department, region and France.

One figure per theme, one small horizontal bar chart per indicator (its own unit and
scale: comparing a rate with a density on one axis would mislead). matplotlib is imported
here only, with the Agg backend; PNG files are deterministic (fixed size and dpi, no
metadata), so the same project gives the same images.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

DPI = 150
WIDTH_IN = 6.3  # 16 cm: the text width of the reference document
ROW_IN = 1.25  # height of one indicator's block (title, bars, axis, unit)
AXIS_IN = 0.62  # height of the bars themselves
TOP_IN = 0.3
COLORS = {"territoire": "#1F3864", "reference": "#9DB3D6"}
LABELS = (
    ("territoire", "Territoire"),
    ("departement", "Département"),
    ("region", "Région"),
    ("france", "France"),
)


def _fr(value: float) -> str:
    if float(value).is_integer():
        text = f"{int(value):,}".replace(",", "\u00a0")
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        text = text.replace(",", " ").replace(".", ",").replace(" ", "\u00a0")
    return text


def theme_chart(title: str, indicators: list[dict[str, Any]], territory_label: str = "") -> bytes:
    """PNG bytes: one row per indicator, bars for the territory and its references."""
    from matplotlib import rcParams
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rcParams["font.family"] = "DejaVu Sans"
    rows = max(len(indicators), 1)
    height = TOP_IN + ROW_IN * rows - (ROW_IN - AXIS_IN) + 0.45
    # A Figure without pyplot (no global state) and fixed margins: faster than
    # tight_layout, and the same layout for every chart.
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(
        left=1.05 / WIDTH_IN,
        right=1 - 0.15 / WIDTH_IN,
        top=1 - TOP_IN / height,
        bottom=0.45 / height,
        hspace=(ROW_IN - AXIS_IN) / AXIS_IN,
    )
    axes = fig.subplots(rows, 1, squeeze=False)
    for ax, ind in zip(axes[:, 0], indicators, strict=False):
        _indicator_axis(ax, ind, territory_label)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _indicator_axis(ax, ind: dict[str, Any], territory_label: str) -> None:
    refs = ind.get("references") or {}
    names, values, colors = [], [], []
    for key, label in LABELS:
        value = ind.get("valeur") if key == "territoire" else refs.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            names.append(territory_label if key == "territoire" and territory_label else label)
            values.append(float(value))
            colors.append(COLORS["territoire"] if key == "territoire" else COLORS["reference"])
    positions = list(range(len(values)))[::-1]
    ax.barh(positions, values, color=colors, height=0.7)
    ax.set_yticks(positions)
    ax.set_yticklabels(names, fontsize=7.5)
    unit = ind.get("unite") or ""
    title = str(ind.get("libelle") or ind.get("code") or "")
    if ind.get("annee") is not None:
        title += f" ({ind['annee']})"
    ax.set_title("\n".join(textwrap.wrap(title, 95)), fontsize=8, loc="left", pad=4)
    low = min([0.0, *values])
    high = max([0.0, *values])
    span = (high - low) or 1.0
    ax.set_xlim(low - (0.02 * span if low < 0 else 0), high + 0.22 * span)
    for pos, value in zip(positions, values, strict=True):
        label = _fr(value) + (f"\u00a0{unit}" if unit and len(unit) <= 3 else "")
        # Labels to the right of the bar, or of the zero line for a negative value (never
        # over the names on the left).
        ax.text(max(value, 0) + 0.01 * span, pos, label, va="center", ha="left", fontsize=7)
    if unit and len(unit) > 3:
        ax.set_xlabel(unit, fontsize=7)
    ax.tick_params(axis="x", labelsize=6.5)
    ax.xaxis.set_major_formatter(_formatter())
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: _fr(round(x, 6)))


class ChartStore:
    """The diagnostic's charts, drawn on demand by image path, each once."""

    def __init__(self, context: dict) -> None:
        self._specs: dict[str, dict] = {}
        for chart in context.get("diagnostic", {}).get("graphiques", []):
            self._specs[chart["chemin"]] = chart
        self._done: dict[str, bytes] = {}

    @property
    def paths(self) -> list[str]:
        return list(self._specs)

    def __call__(self, path: str) -> bytes | None:
        if path in self._done:
            return self._done[path]
        spec = self._specs.get(path)
        if spec is None:
            return None
        data = theme_chart(spec["legende"], spec["indicateurs"])
        self._done[path] = data
        return data
