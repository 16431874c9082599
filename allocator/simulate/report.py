"""
The policy lab's report: one self-contained HTML page (tables and inline
SVG figures, no script and no network fetch), every table and the data of
every figure as CSV beside it, and a JSON summary.
"""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from models import DAYS_PER_MONTH, Instance

from ..forked import beside
from ..htmlparts import BASE_CSS, escape, matplotlib_pyplot, svg_of
from ..i18n import N_, _, current
from ..io._atomic import atomic_folder
from .indicators import (
    GROUPS,
    INDICATORS,
    SENSITIVE_GROUPS,
    SHARES,
    fulfilment,
    wait_samples,
)
from .runner import Sweep, backend_words

OUTPUTS = frozenset({"report.html", "summary.json", "tables", "figures"})
"""What ``write_report`` writes into its folder (other files are kept)."""

GROUP_TEXT = {
    "all": N_("all households"),
    "families_with_children": N_("families with children"),
    "single_adults": N_("single adults"),
    "large_families": N_("large families (5 or more persons)"),
    "unaccompanied_minors": N_("unaccompanied minors"),
    "accessibility_needs": N_("households with accessibility needs"),
}

HEADLINE = (
    "cohort_within_deadline", "within_deadline_share",
    "settled_within_deadline", "within_3m_share",
    "within_6m_share", "within_12m_share", "median_wait_months",
    "p90_wait_months", "waiting_at_end",
)


def write_report(sweep: Sweep, instance: Instance, out_dir: Path) -> Path:
    """
    Writes ``report.html``, ``summary.json``, ``tables/*.csv`` and
    ``figures/*.csv`` into ``out_dir`` atomically.

    Returns the path of the report.
    """
    out_dir = Path(out_dir)
    figures = _figures(sweep, instance)
    with atomic_folder(out_dir, OUTPUTS) as tmp:
        (tmp / "tables").mkdir()
        (tmp / "figures").mkdir()
        t = sweep.tables
        for name in ("indicators", "hindsight", "rule_prices", "dispersion",
                     "tenure", "quota", "audit", "world"):
            _write_csv(tmp / "tables" / f"{name}.csv", getattr(t, name))
        for name, (_, rows) in figures.items():
            _write_csv(tmp / "figures" / f"{name}.csv", rows)
        (tmp / "summary.json").write_text(
            json.dumps(summary(sweep), indent=2, sort_keys=True) + "\n",
            encoding="utf-8",
        )
        (tmp / "report.html").write_text(
            _html(sweep, {k: svg for k, (svg, _) in figures.items()}),
            encoding="utf-8",
        )
    return out_dir / "report.html"


def summary(sweep: Sweep) -> dict:
    """The headline figures as plain data."""
    head = {}
    for row in sweep.tables.indicators:
        if row["indicator"] in HEADLINE and row["group"] in (
            "all", "families_with_children"
        ):
            head.setdefault(row["policy"], {}).setdefault(
                row["group"], {}
            )[row["indicator"]] = {k: row[k] for k in ("mean", "min", "max")}
    return {
        "instance": sweep.instance_name,
        "policies": sweep.labels,
        "params": json.loads(sweep.params.model_dump_json()),
        "headline": head,
        "hindsight": sweep.tables.hindsight,
        "rule_prices": sweep.tables.rule_prices,
    }


def _write_csv(path: Path, rows: list[dict]) -> None:
    columns: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns or ["empty"])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v
                             for k, v in row.items()})


# --- figures -----------------------------------------------------------------


def _figures(sweep: Sweep, instance: Instance) -> dict:
    """Each figure as ``(svg text, rows of its data)``."""
    plt = matplotlib_pyplot()
    # The map, half of the drawing, beside the rest where the caller
    # forks (``allocator.forked``: the CLI's, once the sweep has left
    # both cores free); the same figure either way.
    with beside(lambda: _map_figure(plt, sweep, instance)) as mapped:
        out = {
            "queue": _queue_figure(plt, sweep),
            "waits": _wait_figure(plt, sweep),
            "areas": _area_figure(plt, sweep),
            "map": mapped.result(),
        }
    fulfilled = _fulfilment_figure(plt, sweep)
    if fulfilled is not None:
        out["fulfilment"] = fulfilled
    plt.close("all")
    return out


_svg = svg_of


def _fulfilment_figure(plt, sweep: Sweep):
    """A map of council decisions fulfilled, by municipality and policy
    (mean over seeds); ``None`` when no decision counts households."""
    rows = []
    for label in sweep.labels:
        runs = [r for r in sweep.runs if r.label == label and not r.variant]
        shares = [fulfilment(r) for r in runs]
        if not runs or not shares[0]:
            continue
        for m, (x, y) in sorted(runs[0].municipality_xy.items()):
            if m not in shares[0]:
                continue
            rows.append({"policy": label, "municipality": m, "x": x, "y": y,
                         "fulfilment_mean": round(float(np.mean(
                             [s[m] for s in shares])), 4)})
    if not rows:
        return None
    labels = [lb for lb in sweep.labels if any(r["policy"] == lb
                                               for r in rows)]
    fig, axes = plt.subplots(1, len(labels),
                             figsize=(3.6 * len(labels), 4.2), squeeze=False)
    for ax, label in zip(axes[0], labels, strict=True):
        mine = [r for r in rows if r["policy"] == label]
        dots = ax.scatter([r["x"] for r in mine], [r["y"] for r in mine],
                          c=[r["fulfilment_mean"] for r in mine], s=10,
                          cmap="viridis", vmin=0, vmax=1, linewidths=0)
        ax.set_title(_("{policy}: decisions fulfilled", policy=label),
                     fontsize=8)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(dots, ax=axes[0].tolist(), shrink=0.7,
                 label=_("share of the decision's households settled"))
    return _svg(fig), rows


def _queue_figure(plt, sweep: Sweep):
    rows = sweep.tables.queue
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
    for label in sweep.labels:
        mine = [r for r in rows if r["policy"] == label]
        days = [r["day"] / DAYS_PER_MONTH for r in mine]
        axes[0].plot(days, [r["waiting_mean"] for r in mine], label=label)
        axes[0].fill_between(days, [r["waiting_min"] for r in mine],
                             [r["waiting_max"] for r in mine], alpha=0.15)
        axes[1].plot(days, [r["vacancies_mean"] for r in mine], label=label)
    axes[0].set_title(_("Households waiting at each round (band: seeds)"))
    axes[1].set_title(_("Dwellings free or soon free at each round"))
    for ax in axes:
        ax.set_xlabel(_("months from start"))
        ax.grid(alpha=0.3)
    axes[0].legend()
    return _svg(fig), rows


def _wait_figure(plt, sweep: Sweep):
    groups = [g for g in GROUPS if g not in SENSITIVE_GROUPS]
    fig, axes = plt.subplots(1, len(groups), figsize=(2.4 * len(groups), 3.4),
                             sharey=True)
    rows = []
    for ax, g in zip(axes, groups, strict=True):
        data, names = [], []
        for label in sweep.labels:
            samples = wait_samples(sweep.runs, label, g)
            data.append(samples or [math.nan])
            names.append(label)
            rows += [{"policy": label, "group": g,
                      "wait_months": round(x, 4)} for x in samples]
        ax.boxplot(data, showfliers=False)
        ax.set_xticks(range(1, len(names) + 1), names, rotation=30)
        ax.set_title(_(GROUP_TEXT[g]), fontsize=8)
        ax.grid(alpha=0.3, axis="y")
    axes[0].set_ylabel(_("months from permit to settlement"))
    return _svg(fig), rows


def _area_figure(plt, sweep: Sweep):
    rows = sweep.tables.areas
    areas = sorted({r["area"] for r in rows})
    fig, ax = plt.subplots(figsize=(max(6, 0.5 * len(areas) + 2), 3.4))
    width = 0.8 / (len(sweep.labels) + 1)
    start = {r["area"]: r["share_start"] for r in rows
             if r["policy"] == sweep.labels[0]}
    xs = range(len(areas))
    ax.bar([x - 0.4 + width / 2 for x in xs],
           [start.get(a) or 0 for a in areas], width, label=_("start"),
           color="lightgrey")
    for k, label in enumerate(sweep.labels, start=1):
        end = {r["area"]: r["share_end"] for r in rows
               if r["policy"] == label}
        ax.bar([x - 0.4 + width / 2 + k * width for x in xs],
               [end.get(a) or 0 for a in areas], width,
               label=_("{policy} end", policy=label))
    ax.set_xticks(list(xs), areas, rotation=60)
    ax.set_ylabel(_("refugee share of households"))
    ax.set_title(_("Refugee households per area, at the start and the end"))
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3, axis="y")
    return _svg(fig), rows


def _map_figure(plt, sweep: Sweep, instance: Instance):
    rows = sweep.tables.placements
    xy = {n.id: (n.x, n.y) for n in instance.nodes}
    fig, axes = plt.subplots(1, len(sweep.labels),
                             figsize=(3.6 * len(sweep.labels), 3.6),
                             squeeze=False)
    colours = {"family_with_children": "tab:orange",
               "single_parent": "tab:orange",
               "single_adult": "tab:blue",
               "unaccompanied_minor": "tab:green"}
    centre = defaultdict(list)
    for d in instance.dwellings:
        if d.node in xy:
            centre[d.area].append(xy[d.node])
    for ax, label in zip(axes[0], sweep.labels, strict=True):
        for e in instance.edges:
            if e.source in xy and e.target in xy:
                (x0, y0), (x1, y1) = xy[e.source], xy[e.target]
                ax.plot([x0, x1], [y0, y1], color="0.88", lw=0.4,
                        zorder=0)
        mine = [r for r in rows if r["policy"] == label
                and r["x"] is not None]
        ax.scatter([r["x"] for r in mine], [r["y"] for r in mine], s=6,
                   c=[colours.get(r["household_type"], "tab:purple")
                      for r in mine], alpha=0.6, linewidths=0)
        for area, points in sorted(centre.items()):
            if len(centre) > 40:
                break
            ax.annotate(area, (sum(p[0] for p in points) / len(points),
                               sum(p[1] for p in points) / len(points)),
                        fontsize=6, ha="center", color="0.3")
        seed = mine[0]["seed"] if mine else 0
        ax.set_title(_("{policy}: placements, seed {seed}", policy=label,
                       seed=seed), fontsize=8)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=t)
               for t, c in ((_("families"), "tab:orange"),
                            (_("single adults"), "tab:blue"),
                            (_("minors"), "tab:green"),
                            (_("other"), "tab:purple"))]
    axes[0][-1].legend(handles=handles, fontsize=7, loc="lower right")
    return _svg(fig), rows


# --- the page ----------------------------------------------------------------


CSS = BASE_CSS


def _html(sweep: Sweep, svgs: dict[str, str]) -> str:
    """
    The whole report page, section by section in reading order: what was
    run and the headline, what each rule costs, how households fared,
    and who waits longest with the inputs that produced it.
    """
    parts = [
        *_html_opening(sweep),
        *_html_rule_prices(sweep),
        *_html_outcomes(sweep, svgs),
        *_html_audit_and_inputs(sweep),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _html_opening(sweep: Sweep) -> list[str]:
    """The page head, what the sweep ran, its world and the headline."""
    p = sweep.params
    t = sweep.tables
    return [
        f"<!DOCTYPE html><html lang=\"{current().lang}\"><head>"
        "<meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width\">",
        "<title>" + _e(_("Policy lab: {name}", name=sweep.instance_name))
        + "</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>" + _e(_("Policy lab: {name}", name=sweep.instance_name))
        + "</h1>",
        "<p>" + _("{months} months of {round} matching rounds, {seeds} "
                  "seeds; policies {policies} against first come, first "
                  "served (<em>fcfs</em>). Every policy meets the same "
                  "arrivals and vacancies in each seed. Figures are means "
                  "over seeds, with the lowest and highest seed in "
                  "brackets. Indicator definitions and sources: "
                  "docs/indicators.md.", months=p.months,
                  round=p.round.value, seeds=p.seeds,
                  policies=_e(", ".join(sweep.labels[1:]))) + "</p>",
        "<h2 id=\"world\">" + _("The simulated world") + "</h2>",
        _table(t.world, ["policy", "seeds", "households",
                         "arrivals_per_month", "vacancies_per_month",
                         "rounds", "vacancies_lapsed_mean"]),
        "<h2 id=\"headline\">" + _("Settled within deadline") + "</h2>",
        _headline(sweep),
    ]


def _html_rule_prices(sweep: Sweep) -> list[str]:
    """Hindsight against the rounds, and the price of each rule."""
    t = sweep.tables
    return [
        "<h2 id=\"hindsight\">" + _("The price of a rule") + "</h2>",
        "<p class=\"note\">" + _(
            "Hindsight: every arrival and vacancy known in advance and "
            "solved once, under the policy's rules. The ratio is the "
            "simulated households settled within deadline over the "
            "hindsight optimum; <em>cohort</em> counts only households "
            "whose deadline fell within the horizon (nothing censored at "
            "the end), the other columns every household, so a household "
            "that arrived late and still waits at the end counts against "
            "the rounds though its deadline has not passed. Families: the "
            "same for families with children.") + "</p>",
        _table(t.hindsight, ["policy", "cohort_simulated_within_deadline",
                             "cohort_hindsight_within_deadline",
                             "cohort_ratio_mean", "cohort_ratio_min",
                             "cohort_ratio_max",
                             "cohort_families_ratio_mean",
                             "simulated_within_deadline",
                             "hindsight_within_deadline", "ratio_mean",
                             "ratio_min", "ratio_max", "families_ratio_mean",
                             "hindsight_is_bound_only", "seeds"],
               table_id="hindsight-table"),
        "<p class=\"note\">" + (_(
            "Each rule switched off in turn: households settled within "
            "deadline gained without it (its cost), in hindsight and "
            "simulated.") if sweep.rule_prices == "simulation" else _(
            "Each rule switched off in turn: households settled within "
            "deadline gained without it (its cost), in hindsight."))
        + "</p>",
        _table(t.rule_prices, ["policy", "rule_off", "hindsight_cost_mean",
                               "hindsight_cost_min", "hindsight_cost_max",
                               "simulated_cost_mean", "simulated_cost_min",
                               "simulated_cost_max", "seeds"],
               table_id="rule-prices"),
    ]


def _html_outcomes(sweep: Sweep, svgs: dict[str, str]) -> list[str]:
    """
    The queue, the indicators of every household group, waits,
    dispersion, where households were settled, tenure and quotas.
    """
    t = sweep.tables
    parts = [
        "<h2 id=\"queue\">" + _("The queue over time") + "</h2>",
        f"<figure id=\"fig-queue\">{svgs['queue']}</figure>",
        "<h2 id=\"indicators\">" + _("Indicators by household group")
        + "</h2>",
    ]
    for g in GROUPS:
        parts.append(f"<h3>{_e(_(GROUP_TEXT[g]))}</h3>")
        parts.append(_group_table(sweep, g))
    parts += [
        "<h2 id=\"waits\">" + _("Wait from permit to settlement, by "
                                  "group") + "</h2>",
        f"<figure id=\"fig-waits\">{svgs['waits']}</figure>",
        "<h2 id=\"dispersion\">" + _("Dispersion") + "</h2>",
        _table(t.dispersion, ["policy", "when", "largest_area_share_mean",
                              "largest_area_share_min",
                              "largest_area_share_max", "dissimilarity_mean",
                              "dissimilarity_min", "dissimilarity_max"]),
        f"<figure id=\"fig-areas\">{svgs['areas']}</figure>",
        "<h2 id=\"map\">" + _("Where households were settled") + "</h2>",
        f"<figure id=\"fig-map\">{svgs['map']}</figure>",
        "<h2 id=\"tenure\">" + _("Tenure and contract mix") + "</h2>",
        _table(t.tenure, ["policy", "tenure", "share_mean", "share_min",
                          "share_max"]),
        "<h2 id=\"quota\">" + _("Quota fulfilment") + "</h2>",
        _table(t.quota, sorted({k for r in t.quota for k in r},
                               key=_quota_order)),
        *([
            "<h2 id=\"fulfilment-map\">" + _(
                "Council decisions fulfilled, by municipality") + "</h2>",
            "<p class=\"note\">" + _(
                "Households settled for the first time over the households "
                "of each council decision (mean over seeds; at most 1).")
            + "</p>",
            f"<figure id=\"fig-fulfilment\">{svgs['fulfilment']}</figure>",
        ] if "fulfilment" in svgs else []),
    ]
    return parts


def _html_audit_and_inputs(sweep: Sweep) -> list[str]:
    """
    The fairness audit, and the policies, parameters and backend the
    figures came from.
    """
    p = sweep.params
    t = sweep.tables
    return [
        "<h2 id=\"audit\">" + _("Who waits longest (fairness audit)")
        + "</h2>",
        "<p class=\"note\">" + _(
            "Groups by mean days from permit to settlement (or to the end, "
            "for those still waiting); groups of fewer than five households "
            "are left out so that no household can be singled out.")
        + "</p>",
        _table([r for r in t.audit if r["rank"] <= 12],
               ["policy", "rank", "group", "households", "mean_days_waited",
                "waiting_at_end_share", "within_deadline_share"],
               table_id="audit-table"),
        "<h2 id=\"policies\">" + _("Policies and parameters") + "</h2>",
        _table([{"policy": k, "name": v.name, "description": v.description}
                for k, v in sweep.policies.items()],
               ["policy", "name", "description"]),
        f"<pre>{_e(p.model_dump_json(indent=2))}</pre>",
        "<p class=\"note\">" + _e(_("Run on {backend}; rule prices: "
                                      "{prices}.", backend=backend_words(sweep.backend),
                                      prices=sweep.rule_prices)) + "</p>",
    ]


def _quota_order(key: str):
    first = ["policy", "municipality", "requested", "settled_households"]
    return (first.index(key) if key in first else len(first), key)


def _headline(sweep: Sweep) -> str:
    rows = []
    for label in sweep.labels:
        for g in ("all", "families_with_children"):
            row = {"policy": label, "group": _(GROUP_TEXT[g])}
            for r in sweep.tables.indicators:
                if (r["policy"], r["group"]) == (label, g) and \
                        r["indicator"] in HEADLINE:
                    row[r["indicator"]] = _cell(r)
            rows.append(row)
    names = dict(INDICATORS)
    return _table(rows, ["policy", "group", *HEADLINE],
                  headers={k: _(names[k]) if k in names else k
                           for k in HEADLINE},
                  table_id="headline-table", raw=frozenset(HEADLINE))


def _group_table(sweep: Sweep, group: str) -> str:
    mine = [r for r in sweep.tables.indicators if r["group"] == group]
    if mine and all(r["note"] for r in mine):
        return (f"<p class=\"note\" id=\"group-{group}\">" + _(
            "Fewer than five households in this group: its figures are "
            "left out so that no household can be singled out.") + "</p>")
    rows = []
    for key, name in INDICATORS:
        row = {"indicator": _(name)}
        for r in sweep.tables.indicators:
            if r["group"] == group and r["indicator"] == key:
                row[r["policy"]] = _cell(r)
        rows.append(row)
    return _table(rows, ["indicator", *sweep.labels],
                  headers={label: label for label in sweep.labels},
                  table_id=f"group-{group}", raw=frozenset(sweep.labels))


def _cell(r: dict) -> str:
    if r["note"]:
        return "<em>" + _("suppressed") + "</em>"
    if r["mean"] is None:
        return "–"
    share = r["indicator"] in SHARES
    fmt = (lambda v: f"{100 * v:.1f} %") if share else (
        lambda v: f"{v:.2f}" if abs(v) < 100 else f"{v:.1f}")
    if r["min"] == r["max"]:
        return fmt(r["mean"])
    return (f"{fmt(r['mean'])} <small>[{fmt(r['min'])}–{fmt(r['max'])}]"
            "</small>")


COLUMN_WORDS = {
    "policy": N_("policy"),
    "when": N_("when"),
    "tenure": N_("tenure"),
    "municipality": N_("municipality"),
    "requested": N_("households in the council decision"),
    "settled_households": N_("households settled"),
    "rank": N_("rank"),
    "group": N_("group"),
    "households": N_("households"),
    "mean_days_waited": N_("mean days waited"),
    "waiting_at_end_share": N_("share still waiting at the end"),
    "within_deadline_share": N_("share settled within the deadline"),
    "name": N_("name"),
    "description": N_("description"),
    "note": N_("note"),
    "indicator": N_("indicator"),
    "largest_area_share": N_("largest share in one area"),
    "dissimilarity": N_("dissimilarity index"),
    "share": N_("share"),
    "seeds": N_("seeds"),
    "rule_off": N_("rule switched off"),
    "cohort_simulated_within_deadline": N_(
        "cohort: simulated, within deadline"),
    "cohort_hindsight_within_deadline": N_(
        "cohort: hindsight, within deadline"),
    "cohort_ratio": N_("cohort: ratio"),
    "cohort_families_ratio": N_("cohort: ratio for families"),
    "simulated_within_deadline": N_("simulated, within deadline"),
    "hindsight_within_deadline": N_("hindsight, within deadline"),
    "ratio": N_("ratio"),
    "families_ratio": N_("ratio for families"),
    "hindsight_is_bound_only": N_("hindsight only a bound"),
    "hindsight_cost": N_("cost in hindsight"),
    "arrivals_per_month": N_("arrivals a month"),
    "vacancies_per_month": N_("vacancies a month"),
    "rounds": N_("rounds"),
    "vacancies_lapsed": N_("vacancies lapsed"),
    "simulated_cost": N_("cost simulated"),
}
"""The words over the lab tables' columns; the CSV files keep the keys."""

STATISTIC_WORDS = {
    "mean": N_("{column}, mean"),
    "min": N_("{column}, lowest"),
    "max": N_("{column}, highest"),
}
"""A column's statistic over the seeds (``<column>_mean``)."""

QUOTA_WORDS = {
    "quota": N_("quota: {dimension}"),
    "used": N_("used: {dimension}"),
    "fulfilment": N_("fulfilment: {dimension}"),
}
"""A quota column per dimension (``quota_<dimension>``)."""


def column_words(key: str) -> str:
    """
    A lab table column's header in the user's language: its own words,
    a statistic of a column, or a quota column of a dimension; an
    unknown key as written.
    """
    from ..placement.labels import dimension_label

    if key in COLUMN_WORDS:
        return _(COLUMN_WORDS[key])
    base, _sep, last = key.rpartition("_")
    if last in STATISTIC_WORDS and base in COLUMN_WORDS:
        return _(STATISTIC_WORDS[last], column=_(COLUMN_WORDS[base]))
    first, _sep, dimension = key.partition("_")
    if first in QUOTA_WORDS and dimension:
        return _(QUOTA_WORDS[first], dimension=dimension_label(dimension))
    return key


def _table(rows: list[dict], columns: list[str], headers=None,
           table_id: str | None = None,
           raw: frozenset = frozenset()) -> str:
    """An HTML table; columns in ``raw`` hold cells already in HTML.
    Headers not given are the columns' words (``column_words``)."""
    headers = headers or {}
    ident = f" id=\"{table_id}\"" if table_id else ""
    if not rows:
        return f"<p class=\"note\"{ident}>" + _("Nothing to show.") + "</p>"
    out = [f"<div class=\"wide\"><table{ident}><thead><tr>"]
    for c in columns:
        header = headers[c] if c in headers else column_words(c)
        out.append(f"<th class=\"text\">{_e(header)}</th>")
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>")
        for c in columns:
            value = row.get(c)
            text = "" if value is None else (
                str(value) if c in raw else _e(_fmt(value)))
            cls = " class=\"text\"" if isinstance(value, str) else ""
            out.append(f"<td{cls}>{text}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


_e = escape


__all__ = ["OUTPUTS", "summary", "write_report"]
