"""
The proposal's report: one self-contained page (``report.html``) that a
housing office can read, print and file.

It holds the round's key figures, a map of the instance's own geography
(areas, dwellings matched and left empty, service sites) and the
dispersion per area before and after, both as inline SVG
(``figures``); the matches as an officer reads them, households left
waiting with their explanation, empty dwellings and binding rules with
their marginal value. No script, no font or image from the network;
print styles put each section on its own landscape page. Sensitive
household fields never appear.
"""

from __future__ import annotations

from itertools import repeat
from pathlib import Path

from models import Instance, Policy, Proposal

from ..htmlparts import BASE_CSS, escape
from ..i18n import Translator, translator
from ..io._atomic import write_text_atomic
from . import views
from .figures import dispersion_figure, map_figure
from .moves import moves_section
from .shared_view import shared_office_view
from .views import Column, OfficeView, column_of

REPORT_NAME = "report.html"

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
    view = shared_office_view(proposal, instance, t, policy)
    drawn_map = map_figure(proposal, instance, t)
    drawn_bars = dispersion_figure(view.areas, t, policy)
    return _page(proposal, instance, view, t, drawn_map, drawn_bars)


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


_CELL_CLASS = {"text": "text", "id": "id", "bool": "bool", "date": "date"}


def _table(rows: list[dict], columns, t: Translator, table_id: str,
           caption: str, empty: str) -> str:
    """A captioned table of view rows; ``empty`` when there are none.

    A national table has 20,000 rows, so it is made column by column:
    each column's class and each distinct value's cell are worked out
    once (numbers and dates through babel cost tens of microseconds
    each), and the rows are joined from the cells."""
    if not rows:
        return f"<p class=\"note\" id=\"{table_id}\">{escape(empty)}</p>"
    out = [f"<div class=\"wide\"><table id=\"{table_id}\">"
           f"<caption>{escape(caption)}</caption><thead><tr>"]
    for c in columns:
        cls = "text" if c.kind in ("text", "id") else c.kind
        out.append(f"<th scope=\"col\" class=\"{cls}\">"
                   f"{escape(t._(c.header))}</th>")
    out.append("</tr></thead><tbody>")
    cells = []
    for c in columns:
        cls = _CELL_CLASS.get(c.kind, "num")
        if c.width >= 40:
            cls += " wide-text"
        values = column_of(rows, c.key)
        opening = f"<td class=\"{cls}\">"
        if c.kind in ("text", "id") and _all_text(values):
            cells.append(_text_cells(values, opening))
        else:
            cells.append(_column_cells(
                values, opening,
                lambda value, c=c: escape(cell_text(value, c, t))))
    out += map("".join, zip(repeat("<tr>"), *cells, repeat("</tr>")))
    out.append("</tbody></table></div>")
    return "".join(out)


def _column_cells(values: list, opening: str, render) -> list[str]:
    """The cell of each value, each distinct value rendered once: by
    type too when a column holds values of more than one type (True and
    1 are equal keys but read differently)."""
    try:
        distinct = dict.fromkeys(values)
    except TypeError:  # an unhashable value: one by one
        return [f"{opening}{render(v)}</td>" for v in values]
    # Every value's type, not the distinct values': those keep the first
    # of 0 and False, which are equal.
    if len(set(map(type, values))) > 1:
        keys = [(v.__class__, v) for v in values]
        cell_of = {key: f"{opening}{render(key[1])}</td>"
                   for key in dict.fromkeys(keys)}
        return list(map(cell_of.__getitem__, keys))
    cell_of = {v: f"{opening}{render(v)}</td>" for v in distinct}
    return list(map(cell_of.__getitem__, values))


def _all_text(values: list) -> bool:
    """Whether a column holds only text (``str`` itself) and blanks."""
    return set(map(type, values)) <= {str, type(None)}


def _text_cells(values: list, opening: str) -> list[str]:
    """The cells of a column of text and blanks (``_all_text``) as
    ``_column_cells`` makes them with ``cell_text``, the distinct texts
    escaped together in one pass: a national report has 60,000 distinct
    ids, addresses and reasons, and escaping each on its own was a
    third of the report's time."""
    distinct = list(dict.fromkeys(values))
    texts = ["" if value is None else value for value in distinct]
    cell_of = dict(zip(distinct, [f"{opening}{text}</td>"
                                  for text in _escape_all(texts)]))
    return list(map(cell_of.__getitem__, values))


def _escape_all(texts: list[str]) -> list[str]:
    """``escape`` of each text, joined by a character that escaping
    keeps and none of them holds, escaped at once and split again."""
    joined = "\0".join(texts)
    if joined.count("\0") != len(texts) - 1:  # some text holds it
        return [escape(text) for text in texts]
    return escape(joined).split("\0")


def _figure(fig_id: str, drawn: tuple[str, str] | None, caption: str,
            alt: str, missing: str) -> str:
    """A figure with its caption and the figure's own note, if any."""
    if drawn is None:
        return f"<p class=\"note\" id=\"{fig_id}\">{escape(missing)}</p>"
    svg, note = drawn
    svg = svg.replace("<svg ", f"<svg role=\"img\" aria-label=\""
                      f"{escape(alt)}\" ", 1)
    if note:
        caption = f"{caption} {note}"
    return (f"<figure id=\"{fig_id}\">{svg}"
            f"<figcaption>{escape(caption)}</figcaption></figure>")


def _page(proposal: Proposal, instance: Instance, view: OfficeView,
          t: Translator, drawn_map: tuple[str, str] | None,
          drawn_bars: tuple[str, str] | None) -> str:
    """The whole page: head and contents, then each section in turn."""
    warnings = getattr(proposal, "warnings", ())
    parts = [
        *_head(proposal, instance, t, bool(warnings)),
        *_figures_section(proposal, view, t),
        *_warnings_section(warnings, t),
        *_drawn_sections(view, t, drawn_map, drawn_bars),
        *_table_sections(view, t),
        moves_section(proposal, t, _table),
        _footer(proposal, t),
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _head(proposal: Proposal, instance: Instance, t: Translator,
          warned: bool) -> list[str]:
    """The document's head, the page's header and its table of contents."""
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
    if not warned:
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
    return head


def _figures_section(proposal: Proposal, view: OfficeView,
                     t: Translator) -> list[str]:
    """The key figures, then the proposal's conflicts as warnings."""
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
    return body


def _warnings_section(warnings, t: Translator) -> list[str]:
    """The proposal's warnings of silent loss; none without any."""
    if not warnings:
        return []
    from .warnings_text import warning_text

    body = ["<section id=\"warnings\"><h2>" + escape(t._("Warnings"))
            + "</h2>"]
    body += [f"<p class=\"warning\">{escape(warning_text(w, t))}</p>"
             for w in warnings]
    body.append("</section>")
    return body


def _drawn_sections(view: OfficeView, t: Translator,
                    drawn_map: tuple[str, str] | None,
                    drawn_bars: tuple[str, str] | None) -> list[str]:
    """The map, and the dispersion per area with its table."""
    return [
        "<section id=\"map\" class=\"page\"><h2>" + escape(t._("Map"))
        + "</h2>",
        _figure("fig-map", drawn_map, t._(
            "Areas (shaded), dwellings matched (filled) and left empty "
            "(rings), and service sites, on the instance's own "
            "coordinates."), t._("Map of the areas, dwellings and service "
                                 "sites"),
            t._("The instance has no coordinates, so no map is drawn.")),
        "</section>",
        "<section id=\"dispersion\" class=\"page\"><h2>"
        + escape(t._("Dispersion per area")) + "</h2>",
        _figure("fig-dispersion", drawn_bars, t._(
            "Refugee households as a share of each area's households, "
            "before and after this round."),
            t._("Bar chart of the refugee share per area before and "
                "after"), t._("No area has resident households.")),
        _table(view.areas, views.AREA_COLUMNS, t, "areas-table",
               t._("Areas"), t._("No areas.")),
        "</section>",
    ]


def _table_sections(view: OfficeView, t: Translator) -> list[str]:
    """Matches, households waiting, empty dwellings and binding rules."""
    return [
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
    ]


def _footer(proposal: Proposal, t: Translator) -> str:
    p = proposal.provenance
    return ("<footer><p class=\"note\">" + escape(t._(
        "Engine {engine}; instance {sha}; policy {policy} ({psha}).",
        engine=proposal.solver.engine, sha=p.instance_sha256[:12],
        policy=p.policy_name, psha=p.policy_sha256[:12]))
        + "</p></footer>")


__all__ = ["REPORT_NAME", "report_html", "write_report"]
