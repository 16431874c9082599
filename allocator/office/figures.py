"""
The report's two figures written directly as SVG: the map of the
instance's geography and the bar chart of the refugee share per area.

They used to be drawn with matplotlib, which cost more than the rest of
a city run together (importing pyplot 0.7 s, laying out and writing the
map 0.6 s) and over a minute for a national map of 30,000 dwellings.
Written by hand, each kind of mark is one ``<path>`` however many marks
it holds, and text is plain ``<text>`` that the browser lays out. At
national scale the map names only the areas with the most dwellings and
the bar chart shows only the areas whose share changed most; the page
says so under each figure.
"""

from __future__ import annotations

import math
from collections import defaultdict
from html import escape

from models import Instance, Policy, Proposal

from ..i18n import N_, Translator

SITE_TEXT = {
    "kindergarten": N_("kindergarten"),
    "school": N_("school"),
    "adult_education": N_("adult education"),
    "public_transport": N_("public transport"),
    "health": N_("health centre"),
    "shop": N_("shop"),
    "nav": N_("NAV office"),
}

# Colours of matplotlib's "tab10" and "tab20", which the figures used
# before; offices that printed earlier reports see the same colours.
BLUE, ORANGE, GREEN, RED = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"
PURPLE, BROWN, OLIVE = "#9467bd", "#8c564b", "#bcbd22"
AREA_COLOURS = (
    "#1f77b4", "#aec7e8", "#ff7f0e", "#ffbb78", "#2ca02c", "#98df8a",
    "#d62728", "#ff9896", "#9467bd", "#c5b0d5", "#8c564b", "#c49c94",
    "#e377c2", "#f7b6d2", "#7f7f7f", "#c7c7c7", "#bcbd22", "#dbdb8d",
    "#17becf", "#9edae5",
)


def _polygon(points, turn: float = 0.0) -> tuple:
    """Unit polygon through ``points`` (angle in degrees, radius)."""
    return tuple((r * math.sin(math.radians(a + turn)),
                  -r * math.cos(math.radians(a + turn)))
                 for a, r in points)


def _cross(turn: float) -> tuple:
    """A filled plus sign of unit radius, turned by ``turn`` degrees."""
    w = 0.32  # half the width of an arm
    corners = ((w, 1), (w, w), (1, w), (1, -w), (w, -w), (w, -1),
               (-w, -1), (-w, -w), (-1, -w), (-1, w), (-w, w), (-w, 1))
    s, c = math.sin(math.radians(turn)), math.cos(math.radians(turn))
    return tuple((x * c - y * s, x * s + y * c) for x, y in corners)


MARKERS = {
    "^": _polygon(((0, 1), (120, 1), (240, 1))),
    "v": _polygon(((0, 1), (120, 1), (240, 1)), 180),
    "s": _polygon(((45, 1.2), (135, 1.2), (225, 1.2), (315, 1.2))),
    "D": _polygon(((0, 1.1), (90, 0.8), (180, 1.1), (270, 0.8))),
    "P": _cross(0),
    "X": _cross(45),
    "*": _polygon([(36 * k, 1.25 if k % 2 == 0 else 0.5)
                   for k in range(10)]),
}
"""Shapes of the service sites' markers, as offsets of unit radius."""

SITE_STYLE = {
    "kindergarten": ("^", GREEN),
    "school": ("s", GREEN),
    "adult_education": ("D", OLIVE),
    "public_transport": ("P", "#595959"),
    "health": ("X", RED),
    "shop": ("v", BROWN),
    "nav": ("*", PURPLE),
}

MAP_WIDTH = 720.0
"""Width of the map's drawing in points (10 inches, as before)."""
MAP_MAX_HEIGHT = 560.0
LEGEND_WIDTH = 190.0
MAX_AREA_LABELS = 60
"""Areas named on the map at most: those with the most dwellings whose
names do not overlap. A national map has 900 areas, whose names would
cover it."""
LABEL_SIZE = 7
MAX_BAR_AREAS = 40
"""Areas in the bar chart at most: those whose share changed most."""

FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
GLYPH = 0.56
"""Mean width of a character in ems, to size boxes around text."""


def _f(value: float) -> str:
    """A coordinate with one decimal, which is finer than print shows."""
    return f"{value:.1f}"


def _svg(width: float, height: float, parts: list[str]) -> str:
    return (f"<svg xmlns=\"http://www.w3.org/2000/svg\" "
            f"width=\"{_f(width)}pt\" height=\"{_f(height)}pt\" "
            f"viewBox=\"0 0 {_f(width)} {_f(height)}\" "
            f"font-family=\"{FONT}\">" + "".join(parts) + "</svg>")


# The path data below formats its coordinates as ``_f`` does, written
# out in place: a national map has 30,000 dwellings, and the call per
# coordinate was most of the map's time.


def _circles(centres, radius: float) -> str:
    """Path data of circles, two arcs each; each centre's worked out
    once, as dwellings share the nodes of the network (30,000 dwellings
    on 9,700 nodes in a national instance). Centres inside the drawing
    are positive, so no two that compare equal read apart (as -0.0 and
    0.0 would)."""
    r, d = _f(radius), _f(2 * radius)
    arcs = f"a{r} {r} 0 1 0 {d} 0a{r} {r} 0 1 0 -{d} 0z"
    circle_at = {(x, y): f"M{x - radius:.1f} {y:.1f}{arcs}"
                 for x, y in dict.fromkeys(centres)}
    return "".join(map(circle_at.__getitem__, centres))


def _shapes(centres, shape: tuple, radius: float) -> str:
    """Path data of one marker shape at each centre: each corner of the
    shape at every centre in turn, then the corners of each centre
    joined (a national map has 8,000 sites, each with its own centre)."""
    corners = [[f"{x + dx:.1f} {y + dy:.1f}" for x, y in centres]
               for dx, dy in [(dx * radius, dy * radius)
                              for dx, dy in shape]]
    return "".join(["M" + "L".join(points) + "Z"
                    for points in zip(*corners)])


def _label(x: float, y: float, text: str, size: float) -> str:
    """Text centred on a point, on a white box that keeps it legible."""
    w = GLYPH * size * len(text) + 3
    h = size * 1.35
    return (f"<rect x=\"{_f(x - w / 2)}\" y=\"{_f(y - h / 2)}\" "
            f"width=\"{_f(w)}\" height=\"{_f(h)}\" rx=\"1.5\" "
            f"fill=\"white\" fill-opacity=\"0.7\"/>"
            f"<text x=\"{_f(x)}\" y=\"{_f(y + size * 0.35)}\" "
            f"font-size=\"{size}\" text-anchor=\"middle\" "
            f"fill=\"#262626\">{escape(text)}</text>")


def _hull(points):
    """Convex hull of points (monotone chain), counter-clockwise."""
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def _projection(points, margin: float = 8.0):
    """The map's scale: data coordinates to drawing points, north up,
    equal in both directions; and the drawing's width and height."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    span_x, span_y = (x1 - x0) or 1.0, (y1 - y0) or 1.0
    scale = min((MAP_WIDTH - 2 * margin) / span_x,
                (MAP_MAX_HEIGHT - 2 * margin) / span_y)

    def project(p):
        return (margin + (p[0] - x0) * scale, margin + (y1 - p[1]) * scale)

    return project, margin * 2 + span_x * scale, margin * 2 + span_y * scale


def map_figure(proposal: Proposal, instance: Instance,
               t: Translator) -> tuple[str, str] | None:
    """
    The instance's geography as SVG: the travel network, each area's
    dwellings shaded by their convex hull and named, dwellings matched
    (dots) and left empty (rings), service sites by kind, and a legend.

    Returns
    -------
    tuple or None
        The SVG and a note for the caption when areas were left unnamed
        (else ``""``); ``None`` when the instance has no coordinates.
    """
    xy = {n.id: (n.x, n.y) for n in instance.nodes}
    placed = [d for d in instance.dwellings if d.node in xy]
    if not placed:
        return None
    project, width, height = _projection(list(xy.values()))
    at = {node: project(p) for node, p in xy.items()}
    point = {node: f"{x:.1f} {y:.1f}" for node, (x, y) in at.items()}
    network = "".join([
        f"M{point[e.source]}L{point[e.target]}"
        for e in instance.edges if e.source in at and e.target in at])
    parts = [f"<path d=\"{network}\" fill=\"none\" stroke=\"#dbdbdb\" "
             f"stroke-width=\"0.5\"/>"] if network else []
    by_area = defaultdict(list)
    for d in placed:
        by_area[d.area].append(at[d.node])
    for k, (_, points) in enumerate(sorted(by_area.items())):
        hull = _hull(points)
        if len(hull) >= 3:
            colour = AREA_COLOURS[k % len(AREA_COLOURS)]
            parts.append(
                "<polygon points=\"" + " ".join(
                    f"{_f(x)},{_f(y)}" for x, y in hull)
                + f"\" fill=\"{colour}\" stroke=\"{colour}\" "
                "opacity=\"0.18\"/>")
    kinds = defaultdict(list)
    for s in instance.sites:
        if s.node in at:
            kinds[s.kind.value].append(at[s.node])
    for kind, points in sorted(kinds.items()):
        marker, colour = SITE_STYLE.get(kind, ("s", "#4d4d4d"))
        parts.append(f"<path d=\"{_shapes(points, MARKERS[marker], 2.6)}\""
                     f" fill=\"{colour}\" stroke=\"white\" "
                     "stroke-width=\"0.4\"/>")
    taken = {m.dwelling for m in proposal.matches}
    matched = [at[d.node] for d in placed if d.id in taken]
    empty = [at[d.node] for d in placed if d.id not in taken]
    if empty:
        parts.append(f"<path d=\"{_circles(empty, 1.9)}\" fill=\"none\" "
                     f"stroke=\"{ORANGE}\" stroke-width=\"0.8\"/>")
    if matched:
        parts.append(f"<path d=\"{_circles(matched, 1.9)}\" "
                     f"fill=\"{BLUE}\"/>")
    labels, note = _area_labels(by_area, instance, width, t)
    parts += [_label(x, y, text, LABEL_SIZE) for x, y, text in labels]
    legend, legend_height = _map_legend(width + 12, len(matched),
                                        len(empty), sorted(kinds), t)
    parts += legend
    return (_svg(width + 12 + LEGEND_WIDTH, max(height, legend_height),
                 parts), note)


def _area_labels(by_area: dict, instance: Instance, width: float,
                 t: Translator) -> tuple[list[tuple], str]:
    """
    The names to write on the map, each at its area's centre: areas with
    more dwellings first, an area whose name would overlap one already
    written left out, at most ``MAX_AREA_LABELS``; and the caption's note
    when some area is not named. A name near an edge is moved in to
    stay whole.
    """
    names = {a.id: a.name or a.id for a in instance.areas}
    placed: list[tuple[float, float, float, float]] = []
    labels = []
    for area in sorted(by_area, key=lambda a: (-len(by_area[a]), a)):
        if len(labels) == MAX_AREA_LABELS:
            break
        points = by_area[area]
        x = sum(p[0] for p in points) / len(points)
        y = sum(p[1] for p in points) / len(points)
        text = names.get(area, area)
        half_w = (GLYPH * LABEL_SIZE * len(text) + 3) / 2
        half_h = LABEL_SIZE * 1.35 / 2
        x = min(max(x, half_w), width - half_w)
        if any(abs(x - ox) < half_w + ow and abs(y - oy) < half_h + oh
               for ox, oy, ow, oh in placed):
            continue
        placed.append((x, y, half_w, half_h))
        labels.append((x, y, text))
    note = ""
    if len(labels) < len(by_area):
        note = t._("Only {shown} of the {total} areas are named: those "
                   "with the most dwellings, where the name has room.",
                   shown=t.number(len(labels)),
                   total=t.number(len(by_area)))
    return labels, note


def _map_legend(x: float, matched: int, empty: int, kinds: list[str],
                t: Translator) -> tuple[list[str], float]:
    """The map's legend in a column from ``x``; its parts and height."""
    step, size, y = 15.0, 8, 14.0
    parts = [
        f"<path d=\"{_circles([(x + 6, y)], 2.6)}\" fill=\"none\" "
        f"stroke=\"{ORANGE}\" stroke-width=\"0.8\"/>",
        f"<path d=\"{_circles([(x + 6, y + step)], 2.6)}\" "
        f"fill=\"{BLUE}\"/>",
    ]
    texts = [t._("dwelling left empty ({n})", n=t.number(empty)),
             t._("dwelling matched ({n})", n=t.number(matched))]
    for k, kind in enumerate(kinds):
        marker, colour = SITE_STYLE.get(kind, ("s", "#4d4d4d"))
        centre = [(x + 6, y + (k + 2) * step)]
        parts.append(f"<path d=\"{_shapes(centre, MARKERS[marker], 3.6)}\""
                     f" fill=\"{colour}\"/>")
        texts.append(t._(SITE_TEXT.get(kind, kind)))
    parts += [f"<text x=\"{_f(x + 15)}\" y=\"{_f(y + k * step + 3)}\" "
              f"font-size=\"{size}\" fill=\"#222\">{escape(text)}</text>"
              for k, text in enumerate(texts)]
    return parts, y + len(texts) * step


def _bar_rows(view_areas: list[dict],
              t: Translator) -> tuple[list[dict], str]:
    """The areas of the bar chart (those whose share changed most, at
    most ``MAX_BAR_AREAS``, in the table's order) and the caption's note
    when some are left out."""
    rows = [r for r in view_areas if r["share_before"] is not None]
    if len(rows) <= MAX_BAR_AREAS:
        return rows, ""
    change = {id(r): abs((r["share_after"] or 0) - r["share_before"])
              for r in rows}
    ranked = sorted(range(len(rows)),
                    key=lambda i: (-change[id(rows[i])], i))
    keep = set(ranked[:MAX_BAR_AREAS])
    note = t._("Only the {shown} of {total} areas whose share changes "
               "most are shown; the table lists every area.",
               shown=t.number(len(keep)), total=t.number(len(rows)))
    return [r for i, r in enumerate(rows) if i in keep], note


def _nice_step(span: float, most: int = 6) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) that
    gives at most ``most`` steps over ``span``."""
    raw = span / most
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power


def dispersion_figure(view_areas: list[dict], t: Translator,
                      policy: Policy | None) -> tuple[str, str] | None:
    """
    The refugee share of each area's households before (grey) and after
    (blue) this round as horizontal bars, with the policy's target share
    and cap as vertical lines.

    Returns
    -------
    tuple or None
        The SVG and a note for the caption when areas were left out
        (else ``""``); ``None`` when no area has resident households.
    """
    rows, note = _bar_rows(view_areas, t)
    if not rows:
        return None
    lines = []
    if policy is not None:
        d = policy.dispersion
        if d.area_target_share is not None:
            lines.append((d.area_target_share, ORANGE, "4 2",
                          t._("target share")))
        if d.area_cap_share is not None:
            lines.append((d.area_cap_share, RED, "", t._("cap")))
    top = max([r["share_before"] for r in rows]
              + [r["share_after"] or 0 for r in rows]
              + [share for share, *_ in lines]) * 1.05 or 0.05
    step = _nice_step(top)
    top = max(top, step)
    row_height, size = 20.0, 7
    left = min(max(GLYPH * size * len(r["area"]) for r in rows) + 10, 170)
    plot_width, plot_top = 480.0, 8.0
    plot_height = row_height * len(rows) + 8

    def x_of(share: float) -> float:
        return left + share / top * plot_width

    parts = [_bar_grid(x_of, step, top, plot_top, plot_height, t)]
    before, after, names = [], [], []
    for k, r in enumerate(rows):
        y = plot_top + 4 + k * row_height
        before.append(_bar(x_of, r["share_before"], y + 2))
        after.append(_bar(x_of, r["share_after"] or 0, y + 10))
        names.append(f"<text x=\"{_f(left - 4)}\" y=\"{_f(y + 12.5)}\" "
                      f"font-size=\"{size}\" text-anchor=\"end\">"
                      f"{escape(r['area'])}</text>")
    parts += [f"<path d=\"{''.join(before)}\" fill=\"lightgrey\"/>",
              f"<path d=\"{''.join(after)}\" fill=\"{BLUE}\"/>", *names]
    bottom = plot_top + plot_height
    for share, colour, dash, _ in lines:
        parts.append(
            f"<path d=\"M{_f(x_of(share))} {_f(plot_top)}V{_f(bottom)}\" "
            f"stroke=\"{colour}\" stroke-width=\"1\""
            + (f" stroke-dasharray=\"{dash}\"" if dash else "") + "/>")
    parts.append(f"<rect x=\"{_f(left)}\" y=\"{_f(plot_top)}\" "
                 f"width=\"{_f(plot_width)}\" height=\"{_f(plot_height)}\""
                 " fill=\"none\" stroke=\"#222\" stroke-width=\"0.8\"/>")
    parts += _bar_legend(left + plot_width, bottom, lines, t)
    parts.append(
        f"<text x=\"{_f(left + plot_width / 2)}\" y=\"{_f(bottom + 30)}\" "
        f"font-size=\"9\" text-anchor=\"middle\">"
        + escape(t._("refugee share of the area's households"))
        + "</text>")
    return _svg(left + plot_width + 10, bottom + 38, parts), note


def _bar(x_of, share: float, y: float) -> str:
    """Path data of one bar, 8 points high, from zero to ``share``."""
    return (f"M{_f(x_of(0))} {_f(y)}H{_f(x_of(share))}v8"
            f"H{_f(x_of(0))}z")


def _bar_grid(x_of, step: float, top: float, plot_top: float,
              plot_height: float, t: Translator) -> str:
    """The vertical grid lines and the percentages under the axis."""
    ticks = [k * step for k in range(int(top / step + 1e-9) + 1)]
    bottom = plot_top + plot_height
    grid = "".join(f"M{_f(x_of(v))} {_f(plot_top)}V{_f(bottom)}"
                   for v in ticks)
    labels = "".join(
        f"<text x=\"{_f(x_of(v))}\" y=\"{_f(bottom + 12)}\" "
        f"font-size=\"8\" text-anchor=\"middle\">"
        f"{escape(t.percent(v, 0))}</text>" for v in ticks)
    return (f"<path d=\"{grid}\" stroke=\"#b0b0b0\" stroke-opacity=\"0.5\""
            f" stroke-width=\"0.8\"/>" + labels)


def _bar_legend(right: float, bottom: float, lines: list,
                t: Translator) -> list[str]:
    """The bar chart's legend in its lower right corner."""
    entries = [("lightgrey", "", t._("before this round"), "bar"),
               (BLUE, "", t._("after this round"), "bar")]
    entries += [(colour, dash, text, "line")
                for _, colour, dash, text in lines]
    width = max(GLYPH * 7 * len(e[2]) for e in entries) + 30
    height = 12 * len(entries) + 6
    x, y = right - width - 6, bottom - height - 6
    parts = [f"<rect x=\"{_f(x)}\" y=\"{_f(y)}\" width=\"{_f(width)}\" "
             f"height=\"{_f(height)}\" rx=\"2\" fill=\"white\" "
             "fill-opacity=\"0.85\" stroke=\"#ccc\" stroke-width=\"0.5\"/>"]
    for k, (colour, dash, text, kind) in enumerate(entries):
        cy = y + 9 + 12 * k
        if kind == "bar":
            parts.append(f"<rect x=\"{_f(x + 5)}\" y=\"{_f(cy - 3.5)}\" "
                         f"width=\"16\" height=\"7\" fill=\"{colour}\"/>")
        else:
            parts.append(
                f"<path d=\"M{_f(x + 5)} {_f(cy)}h16\" stroke=\"{colour}\""
                + (f" stroke-dasharray=\"{dash}\"" if dash else "") + "/>")
        parts.append(f"<text x=\"{_f(x + 25)}\" y=\"{_f(cy + 2.5)}\" "
                     f"font-size=\"7\">{escape(text)}</text>")
    return parts


__all__ = ["SITE_TEXT", "dispersion_figure", "map_figure"]
