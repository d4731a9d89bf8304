"""The map of the territory: member communes filled, neighbouring communes light, department
borders, the main towns named, structures as points, a scale bar in km and the source.

One call gives the picture, from the user's cache when the same map was drawn before::

    carte.image(codes, points=points, fmt="png").data     # bytes of the PNG

``codes`` are today's commune codes of the territory (what ``Territory.counted_codes``
gives); ``points`` are ``(longitude, latitude, label)`` triples — the project's structures
have no coordinates yet (:func:`structure_points` takes them where a structure has some).
The contours are those of :mod:`.contours` (IGN Admin Express COG 2018); what they lack
(arrondissements, collectivités d'outre-mer) is said in the caption, which
:attr:`Carte.legende` also gives as text for a document.

Projection: equirectangular, longitudes scaled by the cosine of the latitude at the centre
of the map (distances true within a few thousandths on a territory). A territory overseas is
drawn in a frame of its own; one spread over several frames (the mainland and an overseas
department) gets one panel per frame, side by side. matplotlib is imported only to draw
(Agg backend); a PNG is deterministic (fixed size and dpi, no metadata), and so is an SVG.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpts_cli.territory import contours

#: Raise it when the drawing changes: maps cached by an earlier version are drawn again.
DRAWING_VERSION = 2  # 2: typographic apostrophes in the names
FORMATS = ("png", "svg")
DPI = 150
WIDTH_IN = 6.3  # the text width of the documents (16 cm)
CAPTION_LINE_IN = 0.16
COLORS = {
    "membre": "#1F3864",
    "membre_bord": "#FFFFFF",
    "contour": "#0B1A33",
    "voisine": "#E4E8EE",
    "voisine_bord": "#FFFFFF",
    "departement": "#7A7A7A",
    "point": "#C00000",
    "texte": "#262626",
    "note": "#595959",
}
#: How many towns are named, at most.
TOWNS = 7
KM_PER_UNIT = 111.32 / contours.UNITS_PER_DEGREE  # a unit of latitude (and of scaled longitude)


@dataclass(frozen=True)
class Carte:
    """A drawn map: its bytes, its format, and the caption as text (source and notes)."""

    data: bytes
    format: str
    legende: str
    notes: tuple[str, ...] = ()
    sans_contour: tuple[str, ...] = ()


@dataclass
class _Panel:
    """What one frame shows, in scaled units (x = units of longitude × cos(lat0))."""

    frame: str
    members: dict[str, list[str]]  # today's code → 2018 parts
    view: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)
    scale: float = 1.0
    neighbours: list[Any] = field(default_factory=list)
    borders: list[Any] = field(default_factory=list)


#: Highest map (without legend and caption), in inches: alone, and in a document.
MAX_HEIGHT_IN = 7.5
DOCUMENT_HEIGHT_IN = 4.6


def request(
    codes: list[str],
    points: list[tuple[float, float, str]] | None = None,
    titre: str = "",
    hauteur_max: float | None = None,
) -> dict[str, Any]:
    """The inputs of a map, as plain data (its cache key is made from them)."""
    req = {
        "communes": sorted(dict.fromkeys(str(c) for c in codes)),
        "points": [[round(float(x), 6), round(float(y), 6), str(t)] for x, y, t in points or []],
        "titre": titre,
    }
    if hauteur_max is not None:
        req["hauteur_max"] = float(hauteur_max)
    return req


def image(
    codes: list[str],
    points: list[tuple[float, float, str]] | None = None,
    *,
    titre: str = "",
    fmt: str = "png",
    hauteur_max: float | None = None,
) -> Carte:
    """The map of the territory of ``codes`` (today's commune codes), from the cache when
    it was drawn before with the same inputs, else drawn (and kept there)."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: one of {FORMATS}")
    req = request(codes, points, titre, hauteur_max)
    folder = _cache_folder()
    key = _key(req, fmt)
    cached = _read_cached(folder, key, fmt)
    if cached is not None:
        data, said = cached
        return Carte(data, fmt, said["legende"], tuple(said["notes"]), tuple(said["sans_contour"]))
    selection = contours.select(req["communes"])
    said = {
        "legende": _caption(selection),
        "notes": list(selection.notes),
        "sans_contour": list(selection.missing),
    }
    data = draw(req, fmt, selection)
    _write_cached(folder, key, fmt, data, said)
    return Carte(data, fmt, said["legende"], tuple(said["notes"]), tuple(said["sans_contour"]))


def cached(
    codes: list[str],
    points: list | None = None,
    *,
    titre: str = "",
    fmt: str = "png",
    hauteur_max: float | None = None,
) -> bytes | None:
    """The picture :func:`image` would give, when the cache has it (else None): a document
    asks first, and has a missing map drawn in a helper process."""
    req = request(codes, points, titre, hauteur_max)
    found = _read_cached(_cache_folder(), _key(req, fmt), fmt)
    return found[0] if found is not None else None


def structure_points(structures: Any) -> list[tuple[float, float, str]]:
    """(longitude, latitude, name) of the structures that have coordinates.

    The schema of ``mobilisation.structures`` has none yet: a structure is taken when it has
    ``longitude`` and ``latitude`` (numbers), either itself or in ``coordonnees``."""
    found = []
    for item in structures if isinstance(structures, list) else []:
        if not isinstance(item, dict):
            continue
        where = item.get("coordonnees") if isinstance(item.get("coordonnees"), dict) else item
        lon, lat = where.get("longitude"), where.get("latitude")
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lon, lat)):
            if -180 <= lon <= 180 and -90 <= lat <= 90:
                found.append((float(lon), float(lat), str(item.get("nom") or "")))
    return found


def _caption(selection: contours.Selection) -> str:
    return " ".join([contours.CAPTION, *selection.notes])


# --------------------------------------------------------------------------- drawing


def draw(req: dict[str, Any], fmt: str = "png", selection=None) -> bytes:
    """The picture of a map request (:func:`request`), in ``fmt``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    selection = selection or contours.select(req["communes"])
    panels = _panels(selection)
    caption = textwrap.wrap(_caption(selection), 120)
    legend_in = 0.3
    bottom_in = legend_in + CAPTION_LINE_IN * len(caption) + 0.1
    top_in = 0.3 if req["titre"] else 0.08
    map_w = WIDTH_IN - 0.16
    # One height for the panels (each at its own scale), their widths in proportion.
    ratios = [(p.view[2] - p.view[0]) / (p.view[3] - p.view[1]) for p in panels] or [1.0]
    highest = req.get("hauteur_max") or MAX_HEIGHT_IN
    map_h = min(max(map_w / sum(ratios), 2.4), highest) if panels else 0.8
    height = map_h + bottom_in + top_in
    fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    FigureCanvasAgg(fig)
    left = 0.08
    for panel, ratio in zip(panels, ratios, strict=False):
        share = map_w * ratio / sum(ratios)
        ax = fig.add_axes((left / WIDTH_IN, bottom_in / height, share / WIDTH_IN, map_h / height))
        left += share
        _fit(panel, share / map_h)
        _surroundings(panel)
        _draw_panel(ax, panel, req["points"], len(panels) > 1)
    if not panels:
        fig.text(0.5, (bottom_in + map_h / 2) / height, "Aucune commune du territoire n’a de contour.", ha="center",
                 va="center", fontsize=9, color=COLORS["note"], family="DejaVu Sans")  # fmt: skip
    _frame_text(fig, req["titre"], caption, height, bottom_in, legend_in, bool(req["points"]))
    return _render(fig, fmt)


def _panels(selection: contours.Selection) -> list[_Panel]:
    by_frame: dict[str, dict[str, list[str]]] = {}
    for code, parts in selection.shapes.items():
        frame = contours.frame_of(contours.department_of(parts[0]))
        by_frame.setdefault(frame, {})[code] = parts
    order = sorted(by_frame, key=lambda f: (-len(by_frame[f]), f))
    return [_layout(_Panel(f, by_frame[f])) for f in order]


def _rings(code_2018: str):
    return contours.department(contours.department_of(code_2018)).communes[code_2018]


def _layout(panel: _Panel) -> _Panel:
    """The view of a panel: its members' box, a margin, the neighbours and borders in it."""
    import numpy as np

    rings = [r for parts in panel.members.values() for p in parts for r in _rings(p)]
    xs = np.concatenate([r[0] for r in rings])
    ys = np.concatenate([r[1] for r in rings])
    lat0 = (ys.min() + ys.max()) / 2 / contours.UNITS_PER_DEGREE
    panel.scale = math.cos(math.radians(lat0))
    x0, x1 = xs.min() * panel.scale, xs.max() * panel.scale
    y0, y1 = float(ys.min()), float(ys.max())
    margin = max(0.08 * max(x1 - x0, y1 - y0), 0.02 * contours.UNITS_PER_DEGREE)
    x0, x1, y0, y1 = x0 - margin, x1 + margin, y0 - margin, y1 + margin
    if (y1 - y0) < 0.45 * (x1 - x0):  # not thinner than a band: room for the labels
        grow = (0.45 * (x1 - x0) - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    panel.view = (x0, y0, x1, y1)
    return panel


def _fit(panel: _Panel, ratio: float) -> None:
    """Widen or heighten the view, around its centre, to the ``ratio`` (width / height) of
    its axes: one unit of x is then one of y (distances true in every direction)."""
    x0, y0, x1, y1 = panel.view
    w, h = x1 - x0, y1 - y0
    if w / h < ratio:
        grow = (h * ratio - w) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (w / ratio - h) / 2
        y0, y1 = y0 - grow, y1 + grow
    panel.view = (x0, y0, x1, y1)


def _surroundings(panel: _Panel) -> None:
    """The other communes in view (of any department of the same frame) and the outlines
    of the departments in view."""
    x0, y0, x1, y1 = panel.view
    inner = {p for parts in panel.members.values() for p in parts}
    box = (x0 / panel.scale, y0, x1 / panel.scale, y1)
    for dep in contours.department_codes():
        if contours.frame_of(dep) != panel.frame:
            continue
        if not _overlaps(contours.department_bbox(dep), box):
            continue
        department = contours.department(dep)
        for code, parts in department.communes.items():
            if code not in inner and any(_ring_overlaps(r, box) for r in parts):
                panel.neighbours.extend(parts)
        panel.borders.extend(department.outline)


def _overlaps(a, b) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _ring_overlaps(ring, box) -> bool:
    xs, ys = ring
    return xs.min() <= box[2] and box[0] <= xs.max() and ys.min() <= box[3] and box[1] <= ys.max()


def _xy(ring, scale: float):
    import numpy as np

    return np.column_stack((ring[0] * scale, ring[1].astype(float)))


def _draw_panel(ax, panel: _Panel, points, named: bool) -> None:
    from matplotlib.collections import LineCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    ax.set_xlim(panel.view[0], panel.view[2])
    ax.set_ylim(panel.view[1], panel.view[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    s = panel.scale

    def patch(rings, face, edge, width, z):
        path = MplPath.make_compound_path(*(MplPath(_xy(r, s), closed=True) for r in rings))
        # add_artist, not add_patch: the limits are set, and add_patch would spend 0.4 s
        # walking every ring to update them.
        ax.add_artist(PathPatch(path, facecolor=face, edgecolor=edge, linewidth=width, zorder=z))

    if panel.neighbours:
        patch(panel.neighbours, COLORS["voisine"], COLORS["voisine_bord"], 0.5, 1)
    member_rings = [r for parts in panel.members.values() for p in parts for r in _rings(p)]
    patch(member_rings, COLORS["membre"], COLORS["membre"], 0.3, 2)
    lines = []
    for parts in panel.members.values():
        lines.extend(_outline([r for p in parts for r in _rings(p)], s))
    ax.add_collection(LineCollection(lines, colors=COLORS["membre_bord"], linewidths=0.45,
                                     zorder=3))  # fmt: skip
    ax.add_collection(LineCollection(_outline(member_rings, s), colors=COLORS["contour"],
                                     linewidths=1.3, zorder=4))  # fmt: skip
    ax.add_collection(LineCollection([_xy(r, s) for r in panel.borders], colors=COLORS["departement"],
                                     linewidths=1.0, zorder=5))  # fmt: skip
    _draw_points(ax, panel, points)
    _draw_towns(ax, panel)
    _draw_scale(ax, panel)
    if named:  # several frames: each says where it is
        ax.text(0.02, 0.98, _frame_name(panel.frame), transform=ax.transAxes, ha="left",
                va="top", fontsize=8, fontweight="bold", color=COLORS["texte"],
                family="DejaVu Sans", zorder=10)  # fmt: skip


def _frame_name(frame: str) -> str:
    from cpts_cli.referentiel import store

    if frame == "metropole":
        return "France métropolitaine"
    found = store.departement(frame)
    return found.nom if found else frame


def _outline(rings, scale: float) -> list:
    """The edges of ``rings`` that only one of them has, as polylines: the outline of their
    union (the borders between the old communes of a commune nouvelle vanish)."""
    import numpy as np

    if len(rings) == 1:
        return [_xy(rings[0], scale)]
    count: dict[tuple, int] = {}
    edges = []
    for xs, ys in rings:
        pts = list(zip(xs.tolist(), ys.tolist(), strict=False))
        for a, b in zip(pts, pts[1:], strict=False):
            key = (a, b) if a < b else (b, a)
            count[key] = count.get(key, 0) + 1
            edges.append((a, b))
    kept = [(a, b) for a, b in edges if count[(a, b) if a < b else (b, a)] == 1]
    if not kept:
        return []
    segments = np.array(kept, dtype=float)
    segments[:, :, 0] *= scale
    return list(segments)


def _draw_points(ax, panel: _Panel, points) -> None:
    x0, y0, x1, y1 = panel.view
    u = contours.UNITS_PER_DEGREE
    inside = [(lon * u * panel.scale, lat * u) for lon, lat, _t in points]
    inside = [(x, y) for x, y in inside if x0 <= x <= x1 and y0 <= y <= y1]
    if inside:
        ax.scatter([x for x, _ in inside], [y for _, y in inside], s=16, marker="o",
                   color=COLORS["point"], edgecolors="white", linewidths=0.6, zorder=7)  # fmt: skip


def _towns(panel: _Panel) -> list[tuple[str, float, float]]:
    """The most populated member communes: name and a point inside their largest ring."""
    from cpts_cli.referentiel import store

    ranked = []
    for code, parts in panel.members.items():
        commune = store.commune(code)
        if commune is not None:
            ranked.append((-(commune.population or 0), code, commune.nom, parts))
    ranked.sort()
    towns = []
    for _pop, _code, name, parts in ranked[:TOWNS]:
        ring = max((r for p in parts for r in _rings(p)), key=_area)
        x, y = _centroid(ring)
        towns.append((name, x * panel.scale, y))
    return towns


def _area(ring) -> float:
    xs, ys = ring[0].astype(float), ring[1].astype(float)
    return abs(float((xs[:-1] * ys[1:] - xs[1:] * ys[:-1]).sum())) / 2


def _centroid(ring) -> tuple[float, float]:
    xs, ys = ring[0].astype(float), ring[1].astype(float)
    cross = xs[:-1] * ys[1:] - xs[1:] * ys[:-1]
    area = cross.sum() / 2
    if not area:
        return float(xs.mean()), float(ys.mean())
    cx = ((xs[:-1] + xs[1:]) * cross).sum() / (6 * area)
    cy = ((ys[:-1] + ys[1:]) * cross).sum() / (6 * area)
    return float(cx), float(cy)


def _draw_towns(ax, panel: _Panel) -> None:
    """Names of the main towns, each placed right, left, above or below its dot, where it
    overlaps no name already placed; a name that fits nowhere is left out."""
    renderer = ax.figure.canvas.get_renderer()
    placed = []
    frame = ax.get_window_extent(renderer)
    for name, x, y in _towns(panel):
        ax.plot([x], [y], marker="o", markersize=2.6, color="white", markeredgecolor=COLORS["texte"],
                markeredgewidth=0.6, zorder=8)  # fmt: skip
        for dx, dy, ha, va in ((4, 0, "left", "center"), (-4, 0, "right", "center"),
                               (0, 4, "center", "bottom"), (0, -4, "center", "top")):  # fmt: skip
            text = ax.annotate(
                name.replace("'", "’"), (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                fontsize=7, color=COLORS["texte"], family="DejaVu Sans", zorder=9,
                annotation_clip=False,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.75,
                      "linewidth": 0},
            )  # fmt: skip
            box = text.get_window_extent(renderer).expanded(1.05, 1.1)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in placed):
                placed.append(box)
                break
            text.remove()


def _draw_scale(ax, panel: _Panel) -> None:
    """A bar of a round number of km, a fifth of the width or less, bottom left."""
    x0, y0, x1, y1 = panel.view
    width_km = (x1 - x0) * KM_PER_UNIT
    length = next((n for n in (500, 200, 100, 50, 20, 10, 5, 2, 1, 0.5) if n <= width_km / 5), 0.2)
    units = length / KM_PER_UNIT
    bx, by = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.05
    tick = (y1 - y0) * 0.012
    ax.plot([bx, bx, bx + units, bx + units], [by + tick, by, by, by + tick],
            color=COLORS["texte"], linewidth=1.2, zorder=9, solid_capstyle="butt")  # fmt: skip
    label = f"{length:g} km".replace(".", ",")
    ax.text(bx + units / 2, by + tick * 1.5, label, ha="center", va="bottom", fontsize=7,
            color=COLORS["texte"], family="DejaVu Sans", zorder=9,
            bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.7,
                  "linewidth": 0})  # fmt: skip


def _frame_text(fig, titre: str, caption: list[str], height, bottom_in, legend_in, points) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if titre:
        fig.text(0.5, 1 - 0.05 / height, titre, ha="center", va="top", fontsize=10,
                 color=COLORS["texte"], family="DejaVu Sans", parse_math=False)  # fmt: skip
    handles = [
        Patch(facecolor=COLORS["membre"], label="Communes du territoire"),
        Patch(facecolor=COLORS["voisine"], label="Communes voisines"),
        Line2D([], [], color=COLORS["departement"], linewidth=1.0, label="Limite de département"),
    ]  # fmt: skip
    if points:
        handles.append(Line2D([], [], marker="o", linestyle="", color=COLORS["point"],
                              markeredgecolor="white", label="Structures"))  # fmt: skip
    fig.legend(handles=handles, loc="center", ncol=len(handles), frameon=False, fontsize=7,
               bbox_to_anchor=(0.5, (bottom_in - legend_in / 2) / height), handlelength=1.6,
               prop={"family": "DejaVu Sans", "size": 7})  # fmt: skip
    for k, line in enumerate(caption):
        y = bottom_in - legend_in - 0.02 - CAPTION_LINE_IN * (k + 0.5)
        fig.text(0.08 / WIDTH_IN, y / height, line, ha="left", va="center", fontsize=6.5,
                 style="italic", color=COLORS["note"], family="DejaVu Sans", parse_math=False)  # fmt: skip


def _render(fig, fmt: str) -> bytes:
    if fmt == "png":
        from cpts_cli.documents.charts import _png

        return _png(fig)
    import warnings

    import matplotlib

    out = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "cpts-carte", "svg.fonttype": "path"}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return out.getvalue()


# --------------------------------------------------------------------------- cache


def _key(req: dict[str, Any], fmt: str) -> str:
    from cpts_cli.referentiel import store

    keyed = {"dessin": DRAWING_VERSION, "format": fmt, "referentiel": store.meta(), **req}
    text = json.dumps(keyed, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _cache_folder() -> Path | None:
    """Maps are kept in the user's cache like the charts, in a folder named after the code
    that draws them, the contour dataset and matplotlib."""
    from cpts_cli.support import cache

    here = Path(__file__)
    try:
        with contours.data_path().open("rb") as handle:
            dataset = handle.read(4096)
    except OSError:
        return None
    code = here.read_bytes() + (here.parent / "contours.py").read_bytes()
    return cache.folder("cartes", cache.fingerprint(code, dataset, cache.package_id("matplotlib")))


def _read_cached(folder: Path | None, key: str, fmt: str) -> tuple[bytes, dict] | None:
    """(picture, caption data) kept for ``key``; None when absent or damaged. An entry (see
    ``support.cache``) holds the length of the caption data (4 bytes), the caption data
    (JSON) and the picture."""
    from cpts_cli.support import cache

    rest = cache.read_entry(folder, f"{key}.{fmt}")
    if rest is None or len(rest) < 4:
        return None
    size = int.from_bytes(rest[:4], "little")
    try:
        said = json.loads(rest[4 : 4 + size].decode("utf-8"))
    except ValueError:
        return None
    return rest[4 + size :], said


def _write_cached(folder: Path | None, key: str, fmt: str, data: bytes, said: dict) -> None:
    from cpts_cli.support import cache

    meta = json.dumps(said, sort_keys=True, ensure_ascii=False).encode("utf-8")
    cache.write_entry("cartes", folder, f"{key}.{fmt}", len(meta).to_bytes(4, "little") + meta + data)


# --------------------------------------------------------------------------- project


@dataclass(frozen=True)
class MapWritten:
    """What ``cpts territory carte`` did."""

    fichier: str
    sortie: str
    format: str
    communes: int
    legende: str
    notes: tuple[str, ...]
    sans_contour: tuple[str, ...]
    structures: int

    def to_dict(self) -> dict:
        return {
            "fichier": self.fichier,
            "sortie": self.sortie,
            "format": self.format,
            "communes": self.communes,
            "structures": self.structures,
            "sans_contour": list(self.sans_contour),
            "notes": list(self.notes),
            "legende": self.legende,
        }


DEFAULT_NAME = "carte-territoire.png"


def output_format(sortie: Path) -> str:
    """``png`` or ``svg`` from the name's extension; anything else is refused (CptsError)."""
    from cpts_cli.support.errors import CptsError

    suffix = sortie.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        said = f"l’extension « .{suffix} »" if suffix else "un nom sans extension"
        raise CptsError(
            f"« {sortie} » : {said} n’est pas un format de carte ; écrivez la carte en .png "
            "(image) ou en .svg (dessin vectoriel). Rien n’a été écrit."
        )
    return suffix


def write_project_map(fichier: Path, sortie: Path | None = None) -> MapWritten:
    """Draw the map of the project ``fichier`` into ``sortie`` (default: carte-territoire.png
    beside the project file), written whole or not at all."""
    from cpts_cli.checking.rules.engine import Context
    from cpts_cli.project.load import read_usable
    from cpts_cli.project.save import write_atomic
    from cpts_cli.support.errors import CptsError
    from cpts_cli.support.formatting import french_typography

    if sortie is None:
        sortie = Path(fichier).parent / DEFAULT_NAME
    fmt = output_format(sortie)
    doc = read_usable(fichier)
    ctx = Context(doc)
    codes = ctx.territory.counted_codes
    if not codes:
        raise CptsError(
            f"Le territoire de « {doc.name} » n’a aucune commune connue : ajoutez-en (cpts "
            "territory add CODE…) avant de dessiner sa carte. Rien n’a été écrit."
        )
    nom = ctx.get("/cpts/nom")
    mobilisation = doc.plain.get("mobilisation") if isinstance(doc.plain, dict) else None
    structures = mobilisation.get("structures") if isinstance(mobilisation, dict) else None
    points = structure_points(structures)
    titre = f"Territoire de la {nom}" if isinstance(nom, str) and nom.strip() else ""
    titre = french_typography(titre)  # a picture for a document: « Lac d’Annecy »
    carte = image(codes, points, titre=titre, fmt=fmt)
    write_atomic(sortie, carte.data)
    return MapWritten(
        doc.name, str(sortie), fmt, len(codes), carte.legende, carte.notes, carte.sans_contour,
        len(points),
    )  # fmt: skip
