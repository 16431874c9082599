"""
The proposal's report: one self-contained page (``report.html``) that a
housing office can read, print and file.

It holds the round's key figures, a map of the instance's own geography
(areas, dwellings matched and left empty, service sites) and the
dispersion per area before and after, both drawn with matplotlib as
inline SVG; the matches as an officer reads them, households left
waiting with their explanation, empty dwellings and binding rules with
their marginal value. No script, no font or image from the network;
print styles put each section on its own landscape page. Sensitive
household fields never appear.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from models import Instance, Policy, Proposal

from ..htmlparts import BASE_CSS, escape, matplotlib_pyplot, svg_of
from ..i18n import N_, Translator, translator
from ..io._atomic import write_text_atomic
from . import views
from .moves import moves_section
from .views import Column, OfficeView, office_view

REPORT_NAME = "report.html"

SITE_TEXT = {
    "kindergarten": N_("kindergarten"),
    "school": N_("school"),
    "adult_education": N_("adult education"),
    "public_transport": N_("public transport"),
    "health": N_("health centre"),
    "shop": N_("shop"),
    "nav": N_("NAV office"),
}

_SITE_STYLE = {
    "kindergarten": ("^", "tab:green"),
    "school": ("s", "tab:green"),
    "adult_education": ("D", "tab:olive"),
    "public_transport": ("P", "0.35"),
    "health": ("X", "tab:red"),
    "shop": ("v", "tab:brown"),
    "nav": ("*", "tab:purple"),
}

CSS = BASE_CSS + """
body { max-width: 1400px; }
header p { margin: 0.2em 0; }
nav ol { columns: 2; max-width: 40em; }
table.figures { font-size: 1em; }
table.figures th { text-align: left; font-weight: normal; }
table.figures td { font-weight: bold; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
td.bool, td.id { text-align: center; white-space: nowrap; }
td.date, td.num { white-space: nowrap; }
td.wide-text { min-width: 22em; }
.warning { border-left: 4px solid #b35c00; background: #fff4e5;
           padding: 0.4em 0.8em; margin: 0.4em 0; }
figcaption { font-size: 0.85em; color: #444; }
#fig-map svg { width: 100%; max-width: 1100px; }
#fig-dispersion svg { width: 100%; max-width: 800px; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; max-width: none; font-size: 9pt; }
  nav, .screen-only { display: none; }
  section.page { break-before: page; }
  h2 { break-after: avoid; }
  table { font-size: 8pt; width: 100%; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; }
  div.wide { overflow: visible; }
  #fig-map svg { width: auto; max-width: 100%; max-height: 160mm; }
  #fig-dispersion svg { width: auto; max-width: 100%; max-height: 110mm; }
  a { color: inherit; text-decoration: none; }
}
"""


def write_report(proposal: Proposal, instance: Instance,
                 out_dir: str | Path, lang: str | None = None,
                 policy: Policy | None = None) -> Path:
    """
    Write ``report.html`` of a proposal into ``out_dir`` (atomically).

    Parameters
    ----------
    proposal
        The proposal.
    instance
        The instance it was made from.
    out_dir
        Folder of the report, usually the proposal's own.
    lang
        ``nb`` or ``en``; default from the locale.
    policy
        The policy, for the dispersion target and cap on the figure.

    Returns
    -------
    Path
        The report's path.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / REPORT_NAME
    write_text_atomic(path, report_html(proposal, instance, lang, policy))
    return path


def report_html(proposal: Proposal, instance: Instance,
                lang: str | None = None,
                policy: Policy | None = None) -> str:
    """The report page as text (what ``write_report`` writes)."""
    t = translator(lang)
    view = office_view(proposal, instance, t, policy)
    plt = matplotlib_pyplot()
    try:
        map_svg = _map_figure(plt, proposal, instance, t)
        areas_svg = _dispersion_figure(plt, view, t, policy)
    finally:
        plt.close("all")
    return _page(proposal, instance, view, t, map_svg, areas_svg)


# --- figures -----------------------------------------------------------------


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


def _map_figure(plt, proposal: Proposal, instance: Instance,
                t: Translator) -> str | None:
    """The instance's geography, or ``None`` when it has no coordinates."""
    xy = {n.id: (n.x, n.y) for n in instance.nodes}
    placed = [d for d in instance.dwellings if d.node in xy]
    if not placed:
        return None
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Polygon

    taken = {m.dwelling for m in proposal.matches}
    fig, ax = plt.subplots(figsize=(10, 7.5))
    # The travel network as one collection: an artist per edge cost
    # about 4 ms each to draw and write (a minute for a national map).
    segments = [(xy[e.source], xy[e.target]) for e in instance.edges
                if e.source in xy and e.target in xy]
    if segments:
        ax.add_collection(LineCollection(segments, colors="0.86",
                                         linewidths=0.5, zorder=0))
    by_area = defaultdict(list)
    for d in placed:
        by_area[d.area].append(xy[d.node])
    names = {a.id: a.name or a.id for a in instance.areas}
    palette = plt.get_cmap("tab20")
    for k, (area, points) in enumerate(sorted(by_area.items())):
        hull = _hull(points)
        colour = palette(k % 20)
        if len(hull) >= 3:
            ax.add_patch(Polygon(hull, closed=True, facecolor=colour,
                                 edgecolor=colour, alpha=0.18, lw=1,
                                 zorder=1))
        cx = sum(p[0] for p in points) / len(points)
        cy = sum(p[1] for p in points) / len(points)
        ax.annotate(names.get(area, area), (cx, cy), fontsize=7,
                    ha="center", va="center", color="0.15", zorder=5,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white",
                          "ec": "none", "alpha": 0.7})
    matched = [xy[d.node] for d in placed if d.id in taken]
    empty = [xy[d.node] for d in placed if d.id not in taken]
    ax.scatter([p[0] for p in empty], [p[1] for p in empty], s=14,
               facecolors="none", edgecolors="tab:orange", linewidths=0.8,
               zorder=3, label=t._("dwelling left empty ({n})",
                                    n=t.number(len(empty))))
    ax.scatter([p[0] for p in matched], [p[1] for p in matched], s=14,
               c="tab:blue", linewidths=0, zorder=4,
               label=t._("dwelling matched ({n})",
                         n=t.number(len(matched))))
    kinds = defaultdict(list)
    for s in instance.sites:
        if s.node in xy:
            kinds[s.kind.value].append(xy[s.node])
    for kind, points in sorted(kinds.items()):
        marker, colour = _SITE_STYLE.get(kind, ("o", "0.3"))
        ax.scatter([p[0] for p in points], [p[1] for p in points], s=22,
                   marker=marker, c=colour, edgecolors="white",
                   linewidths=0.4, zorder=2,
                   label=t._(SITE_TEXT.get(kind, kind)))
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0),
              frameon=False)
    return svg_of(fig)


def _dispersion_figure(plt, view: OfficeView, t: Translator,
                       policy: Policy | None) -> str | None:
    rows = [r for r in view.areas if r["share_before"] is not None]
    if not rows:
        return None
    rows = rows[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(rows) + 1.2))
    ys = range(len(rows))
    ax.barh([y + 0.2 for y in ys], [r["share_before"] for r in rows],
            height=0.4, color="lightgrey", label=t._("before this round"))
    ax.barh([y - 0.2 for y in ys], [r["share_after"] or 0 for r in rows],
            height=0.4, color="tab:blue", label=t._("after this round"))
    ax.set_yticks(list(ys), [r["area"] for r in rows], fontsize=7)
    if policy is not None:
        d = policy.dispersion
        if d.area_target_share is not None:
            ax.axvline(d.area_target_share, color="tab:orange", ls="--",
                       lw=1, label=t._("target share"))
        if d.area_cap_share is not None:
            ax.axvline(d.area_cap_share, color="tab:red", lw=1,
                       label=t._("cap"))
    ax.xaxis.set_major_formatter(
        plt.FuncFormatter(lambda v, _: t.percent(v, 0)))
    ax.set_xlabel(t._("refugee share of the area's households"))
    ax.grid(alpha=0.3, axis="x")
    ax.legend(fontsize=7, loc="lower right")
    return svg_of(fig)


# --- the page ----------------------------------------------------------------


def cell_text(value, column: Column, t: Translator) -> str:
    """A typed value as text in the view's language."""
    if value is None:
        return ""
    kind = column.kind
    if kind == "int":
        return t.number(value)
    if kind == "money":
        return t.money(value)
    if kind == "area":
        return t.number(value, 0)
    if kind == "date":
        return t.date(value, "short")
    if kind == "bool":
        return t.yes_no(value)
    if kind == "share":
        return t.percent(value)
    return str(value)


def _table(rows: list[dict], columns, t: Translator, table_id: str,
           caption: str, empty: str) -> str:
    if not rows:
        return f"<p class=\"note\" id=\"{table_id}\">{escape(empty)}</p>"
    out = [f"<div class=\"wide\"><table id=\"{table_id}\">"
           f"<caption>{escape(caption)}</caption><thead><tr>"]
    for c in columns:
        cls = "text" if c.kind in ("text", "id") else c.kind
        out.append(f"<th scope=\"col\" class=\"{cls}\">"
                   f"{escape(t._(c.header))}</th>")
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for c in columns:
            cls = {"text": "text", "id": "id", "bool": "bool",
                   "date": "date"}.get(c.kind, "num")
            if c.width >= 40:
                cls += " wide-text"
            out.append(f"<td class=\"{cls}\">"
                       f"{escape(cell_text(row.get(c.key), c, t))}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _figure(fig_id: str, svg: str | None, caption: str, alt: str,
            missing: str) -> str:
    if svg is None:
        return f"<p class=\"note\" id=\"{fig_id}\">{escape(missing)}</p>"
    svg = svg.replace("<svg ", f"<svg role=\"img\" aria-label=\""
                      f"{escape(alt)}\" ", 1)
    return (f"<figure id=\"{fig_id}\">{svg}"
            f"<figcaption>{escape(caption)}</figcaption></figure>")


def _page(proposal: Proposal, instance: Instance, view: OfficeView,
          t: Translator, map_svg: str | None,
          areas_svg: str | None) -> str:
    p = proposal.provenance
    title = t._("Housing proposal: {name}", name=instance.name)
    sections = [
        ("figures", t._("Key figures")),
        ("warnings", t._("Warnings")),
        ("map", t._("Map")),
        ("dispersion", t._("Dispersion per area")),
        ("matches", t._("Matches")),
        ("waiting", t._("Households left waiting")),
        ("empty", t._("Empty dwellings")),
        ("binding", t._("Binding rules")),
    ]
    if proposal.moves:
        sections.append(("moves", t._("Chains of moves")))
    warnings = getattr(proposal, "warnings", ())
    if not warnings:
        sections = [s for s in sections if s[0] != "warnings"]
    head = [
        "<!DOCTYPE html>",
        f"<html lang=\"{t.lang}\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width\">",
        f"<title>{escape(title)}</title>",
        f"<style>{CSS}</style></head><body>",
        "<header>",
        f"<h1>{escape(title)}</h1>",
        "<p>" + escape(t._(
            "Planning date {date}; policy {policy}; made {made}.",
            date=t.date(p.as_of, "long"), policy=p.policy_name,
            made=t.date(p.created_at.date(), "long"))) + "</p>",
        "<p class=\"note\">" + escape(t._(
            "A proposal for the housing office to review: every match "
            "passes every hard rule of the policy, checked independently. "
            "Households are shown by their pseudonymous id; sensitive "
            "needs are never shown, only that an individual need rules a "
            "dwelling out.")) + "</p>",
        "</header>",
        "<nav aria-label=\"" + escape(t._("Contents")) + "\"><ol>",
    ]
    head += [f"<li><a href=\"#{k}\">{escape(v)}</a></li>"
             for k, v in sections]
    head.append("</ol></nav><main>")
    body = [
        "<section id=\"figures\"><h2>" + escape(t._("Key figures"))
        + "</h2>",
        "<table class=\"figures\" id=\"key-figures\"><caption>"
        + escape(t._("The round in figures")) + "</caption><tbody>",
    ]
    body += [f"<tr><th scope=\"row\">{escape(k)}</th>"
             f"<td>{escape(v)}</td></tr>" for k, v in view.figures]
    body.append("</tbody></table>")
    for c in proposal.conflicts:
        body.append(f"<p class=\"warning\">{escape(c)}</p>")
    body.append("</section>")
    if warnings:
        from .warnings_text import warning_text

        body.append("<section id=\"warnings\"><h2>"
                    + escape(t._("Warnings")) + "</h2>")
        body += [f"<p class=\"warning\">{escape(warning_text(w, t))}</p>"
                 for w in warnings]
        body.append("</section>")
    body += [
        "<section id=\"map\" class=\"page\"><h2>" + escape(t._("Map"))
        + "</h2>",
        _figure("fig-map", map_svg, t._(
            "Areas (shaded), dwellings matched (filled) and left empty "
            "(rings), and service sites, on the instance's own "
            "coordinates."), t._("Map of the areas, dwellings and service "
                                 "sites"),
            t._("The instance has no coordinates, so no map is drawn.")),
        "</section>",
        "<section id=\"dispersion\" class=\"page\"><h2>"
        + escape(t._("Dispersion per area")) + "</h2>",
        _figure("fig-dispersion", areas_svg, t._(
            "Refugee households as a share of each area's households, "
            "before and after this round."),
            t._("Bar chart of the refugee share per area before and "
                "after"), t._("No area has resident households.")),
        _table(view.areas, views.AREA_COLUMNS, t, "areas-table",
               t._("Areas"), t._("No areas.")),
        "</section>",
        "<section id=\"matches\" class=\"page\"><h2>"
        + escape(t._("Matches")) + "</h2>",
        "<p class=\"note\">" + escape(t._(
            "Why this dwelling: its rank among the household's eligible "
            "dwellings by quality, and the criteria that counted most. A "
            "dwelling ranked below the first went that way because the "
            "better-ranked ones went to others or would have left someone "
            "with higher priority waiting.")) + "</p>",
        _table(view.matches, [c for c in views.MATCH_COLUMNS
                              if c.key in views.REPORT_MATCH_KEYS],
               t, "matches-table",
               t.ngettext("{n} household offered a dwelling",
                          "{n} households offered a dwelling",
                          len(view.matches)),
               t._("No household is offered a dwelling.")),
        "</section>",
        "<section id=\"waiting\" class=\"page\"><h2>"
        + escape(t._("Households left waiting")) + "</h2>",
        _table(view.waiting, views.WAITING_COLUMNS, t, "waiting-table",
               t.ngettext("{n} household left waiting, highest priority "
                          "first", "{n} households left waiting, highest "
                          "priority first", len(view.waiting)),
               t._("No household is left waiting.")),
        "</section>",
        "<section id=\"empty\" class=\"page\"><h2>"
        + escape(t._("Empty dwellings")) + "</h2>",
        _table(view.empty, views.EMPTY_COLUMNS, t, "empty-table",
               t.ngettext("{n} dwelling left empty",
                          "{n} dwellings left empty", len(view.empty)),
               t._("Every dwelling is matched.")),
        "</section>",
        "<section id=\"binding\"><h2>" + escape(t._("Binding rules"))
        + "</h2>",
        "<p class=\"note\">" + escape(t._(
            "Caps and council decisions that are full, with what one more "
            "place would give, found by solving again.")) + "</p>",
        _table(view.binding, views.BINDING_COLUMNS, t, "binding-table",
               t._("Binding rules and their marginal value"),
               t._("No cap or council decision is full: none limits "
                   "this proposal.")),
        "</section>",
        moves_section(proposal, t, _table),
        "<footer><p class=\"note\">" + escape(t._(
            "Engine {engine}; instance {sha}; policy {policy} ({psha}).",
            engine=proposal.solver.engine, sha=p.instance_sha256[:12],
            policy=p.policy_name, psha=p.policy_sha256[:12]))
        + "</p></footer>",
        "</main></body></html>",
    ]
    return "\n".join(head + body) + "\n"


__all__ = ["REPORT_NAME", "report_html", "write_report"]
