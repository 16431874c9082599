"""The Markdown table of medians, the scaling plots and headline figures."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from pathlib import Path

import numpy as np

from .records import finished
from .suites import ENGINES, PEERS

METHOD_ORDER = {name: i for i, name in enumerate(ENGINES + PEERS)}


def _median_of_medians(runs: list[dict], field: str) -> float | None:
    """The median over repeats of each instance, then over instances."""
    per_seed = defaultdict(list)
    for r in runs:
        if r.get(field) is not None:
            per_seed[r["seed"]].append(r[field])
    medians = [statistics.median(v) for v in per_seed.values()]
    return statistics.median(medians) if medians else None


def _median_per_instance(runs: list[dict], field: str) -> float | None:
    """The median over repeats of each (family, seed, policy), then over
    all of them: one figure across families."""
    per_instance = defaultdict(list)
    for r in runs:
        if r.get(field) is not None:
            per_instance[(r["family"], r["seed"], r["policy"])].append(
                r[field]
            )
    medians = [statistics.median(v) for v in per_instance.values()]
    return statistics.median(medians) if medians else None


def _groups(records: list[dict]) -> dict[tuple, list[dict]]:
    groups = defaultdict(list)
    for r in records:
        if r.get("status") == "not_applicable":
            continue
        size = r.get("households")
        groups[(r["family"], size, r["policy"], r["engine"])].append(r)
    return groups


def _group_order(key):
    family, size, policy, engine = key
    return (size or 0, family, policy, METHOD_ORDER.get(engine, 99))


def markdown_table(records: list[dict]) -> str:
    """
    Medians per (family, size, policy, method), as a Markdown table.

    Times, memory and ratios are medians over repeats, then over seeds.
    ``x limit`` is total time over the limit's solve time on the same
    instance, ``solve x limit`` the method's solve time over it; ``proven`` counts runs that proved optimality; ``housed`` is
    the median number housed with its median difference to the optimum;
    ``objective`` is the value over the optimum's.
    """
    columns = (
        "family", "households", "pairs", "policy", "method", "runs",
        "total s", "solve s", "peak MB", "x limit", "solve x limit",
        "proven",
        "housed (vs opt)", "in deadline (vs opt)", "objective / opt",
        "notes",
    )
    left = {"family", "policy", "method", "notes"}
    lines = [
        "| " + " | ".join(columns) + " |",
        "| " + " | ".join("---" if c in left else "---:" for c in columns)
        + " |",
    ]
    groups = _groups(records)
    for key in sorted(groups, key=_group_order):
        family, size, policy, engine = key
        runs = groups[key]
        done = [r for r in runs if finished(r)]
        proven = sum(bool(r.get("proven_optimal")) for r in runs)
        total = _median_of_medians(done, "total_seconds")
        lines.append(
            "| " + " | ".join([
                family, _int(size), _int(_median_of_medians(runs, "pairs")),
                policy, engine, str(len(runs)), _seconds(total),
                _seconds(_median_of_medians(done, "solve_seconds")),
                _int(_median_of_medians(runs, "memory_mb")),
                _ratio(_median_of_medians(done, "ratio_to_limit")),
                _ratio(_median_of_medians(done, "solve_ratio_to_limit")),
                f"{proven}/{len(runs)}",
                _versus(_median_of_medians(done, "housed"),
                        _median_of_medians(done, "housed_vs_optimum")),
                _versus(_median_of_medians(done, "housed_within_deadline"),
                        _median_of_medians(done,
                                           "within_deadline_vs_optimum")),
                _share(_median_of_medians(done, "objective_ratio")),
                _notes(runs),
            ]) + " |"
        )
    return "\n".join(lines) + "\n"


def _int(value) -> str:
    return "" if value is None else f"{value:,.0f}"


def _seconds(value) -> str:
    if value is None:
        return ""
    if value < 0.01:
        return f"{value:.4f}"
    if value < 10:
        return f"{value:.3g}"
    return f"{value:,.0f}"


def _ratio(value) -> str:
    if value is None:
        return ""
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _share(value) -> str:
    return "" if value is None else f"{value:.4f}"


def _versus(value, difference) -> str:
    if value is None:
        return ""
    if difference is None:
        return f"{value:,.0f}"
    return f"{value:,.0f} ({difference:+,.0f})"


def _notes(runs: list[dict]) -> str:
    """Runs that did not end with an answer or a proof, counted by why."""
    notes = defaultdict(int)
    for r in runs:
        if r.get("status") == "killed":
            notes["stopped: " + (r.get("error") or "")] += 1
        elif r.get("status") == "error":
            notes["error"] += 1
        elif r.get("timed_out"):
            notes["time limit"] += 1
        elif r.get("status") == "unknown":
            notes["no solution"] += 1
        if r.get("check_ok") is False:
            notes["checker failed"] += 1
        if r.get("misses_known_optimum"):
            notes["misses known optimum"] += 1
    return "; ".join(f"{n} {why}" for why, n in notes.items())


# --- plots -------------------------------------------------------------------


def scaling_points(records: list[dict], policy: str, x_field: str):
    """
    Per method, the median total time of each instance against its size,
    and whether every run of it finished within its limit. ``limit`` is
    plotted by its solve time, the figure its ratios are taken to.
    """
    per = defaultdict(list)
    for r in records:
        if r["policy"] != policy or r.get("status") in (
            "not_applicable", "error"
        ):
            continue
        per[(r["engine"], r["family"], r["seed"])].append(r)
    points = defaultdict(list)
    for (engine, _, _), runs in per.items():
        field = "solve_seconds" if engine == "limit" else "total_seconds"
        times = [r[field] for r in runs if r.get(field) is not None]
        size = runs[0].get(x_field)
        if not times or not size:
            continue
        complete = all(finished(r) and not r.get("timed_out") for r in runs)
        points[engine].append((size, statistics.median(times), complete))
    return points


FIT_FROM = {"pairs": 1_000, "households": 50}
"""Smallest size a fit uses: below it fixed costs (a few milliseconds of
set-up) hide how the time grows."""

SPAN = 4
"""Sizes a fit must span (largest over smallest) to mean anything."""


def fitted_exponent(points, smallest: float = 0) -> float | None:
    """
    Slope of log(time) against log(size) over the complete runs from size
    ``smallest`` up; ``None`` unless they span at least a factor of
    ``SPAN``.
    """
    kept = [(x, y) for x, y, ok in points if ok and y > 0 and x >= smallest]
    if not kept or max(x for x, _ in kept) < SPAN * min(x for x, _ in kept):
        return None
    xs = [math.log(x) for x, _ in kept]
    ys = [math.log(y) for _, y in kept]
    slope, _ = np.polyfit(xs, ys, 1)
    return float(slope)


def plot_scaling(records: list[dict], path: Path, x_field: str) -> None:
    """
    Total time against size per method, log-log, one panel per policy,
    with each method's fitted exponent in the legend (from ``FIT_FROM``
    up, when the sizes span a factor of ``SPAN``). Hollow markers are runs
    stopped by a time limit (left out of the fit).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    policies = sorted({r["policy"] for r in records},
                      key=lambda p: (p != "default", p))
    columns = min(2, len(policies))
    rows = math.ceil(len(policies) / columns)
    fig, axes = plt.subplots(rows, columns, squeeze=False,
                             figsize=(6.5 * columns, 4.8 * rows))
    for ax in axes.flat[len(policies):]:
        ax.set_visible(False)
    # One colour per method in every panel.
    palette = plt.get_cmap("tab10")
    label = {"pairs": "eligible pairs", "households": "households"}[x_field]
    for ax, policy in zip(axes.flat, policies):
        points = scaling_points(records, policy, x_field)
        for engine in sorted(points, key=lambda e: METHOD_ORDER.get(e, 99)):
            pts = sorted(points[engine])
            slope = fitted_exponent(pts, FIT_FROM[x_field])
            name = "limit (solve)" if engine == "limit" else engine
            text = name if slope is None else f"{name} (slope {slope:.2f})"
            colour = palette(METHOD_ORDER.get(engine, 9) % 10)
            ax.plot([p[0] for p in pts if p[2]],
                    [p[1] for p in pts if p[2]], "o-", label=text,
                    color=colour, markersize=4, linewidth=1)
            stopped = [p for p in pts if not p[2]]
            if stopped:
                ax.plot([p[0] for p in stopped], [p[1] for p in stopped],
                        "o", markerfacecolor="none", color=colour,
                        markersize=7)
        ax.set_xscale("log")
        ax.set_yscale("log")
        # On a narrow range the minor ticks get labels that overlap.
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(label)
        ax.set_ylabel("seconds (median)")
        ax.set_title(policy)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# --- headline ----------------------------------------------------------------


def headline(records: list[dict]) -> dict:
    """
    The figures of one row of benchmarks/RESULTS.md (``None`` where the
    suite did not run them).
    """
    def runs(family, engine, policy="default"):
        return [r for r in records if r["family"] == family
                and r["engine"] == engine and r["policy"] == policy]

    national = [r for r in runs("national", "auto") if finished(r)]
    city = [r for r in runs("city", "auto") if finished(r)]
    auto = [r for r in records if r["engine"] == "auto" and finished(r)]
    fcfs = [r for r in records if r["engine"] == "fcfs" and finished(r)]
    region_auto = _median_of_medians(
        [r for r in runs("region", "auto") if finished(r)], "total_seconds"
    )
    region_naive = runs("region", "naive")
    naive_time = _median_of_medians(region_naive, "total_seconds")
    return {
        "git_revision": records[0].get("git_revision") if records else None,
        "national_auto_seconds": _median_of_medians(national,
                                                    "total_seconds"),
        # Also of a run stopped by the watchdog: the most it held.
        "national_auto_peak_mb": _median_of_medians(
            runs("national", "auto"), "memory_mb"
        ),
        "national_auto_status": ", ".join(
            sorted({str(r.get("status")) for r in runs("national", "auto")})
        ) or None,
        "city_auto_seconds": _median_of_medians(city, "total_seconds"),
        "auto_over_limit_median": _median_per_instance(auto,
                                                       "ratio_to_limit"),
        "auto_over_limit_by_family": _by_family(auto, "ratio_to_limit"),
        "auto_solve_over_limit_median": _median_per_instance(
            auto, "solve_ratio_to_limit"),
        "auto_solve_over_limit_by_family": _by_family(
            auto, "solve_ratio_to_limit"),
        "region_naive_over_auto": (
            naive_time / region_auto
            if naive_time and region_auto else None
        ),
        "region_naive_finished": any(
            r.get("proven_optimal") for r in region_naive
        ),
        "fcfs_housed_share_of_optimum": _median_per_instance(
            _shares(fcfs, "housed", "optimum_housed"), "share"
        ),
        "fcfs_within_deadline_share_of_optimum": _median_per_instance(
            _shares(fcfs, "housed_within_deadline",
                    "optimum_housed_within_deadline"), "share"
        ),
        "fcfs_housed_vs_optimum": _median_per_instance(fcfs,
                                                       "housed_vs_optimum"),
        "fcfs_within_deadline_vs_optimum": _median_per_instance(
            fcfs, "within_deadline_vs_optimum"
        ),
        "fcfs_objective_ratio": _median_per_instance(fcfs,
                                                     "objective_ratio"),
    }


def _by_family(records: list[dict], field: str) -> dict:
    """``field``'s median per instance, for each family in order."""
    return {
        family: _median_per_instance(
            [r for r in records if r["family"] == family], field)
        for family in dict.fromkeys(r["family"] for r in records)
    }


def _shares(records: list[dict], field: str, of: str) -> list[dict]:
    """Records reduced to ``share = field / of`` where both are known."""
    return [
        {"family": r["family"], "seed": r["seed"], "policy": r["policy"],
         "share": r[field] / r[of]}
        for r in records
        if r.get(field) is not None and r.get(of)
    ]


HEADLINE_COLUMNS = (
    "date", "revision", "national auto s", "national auto peak MB",
    "city auto s", "auto / limit: city, all (median)",
    "auto solve / limit solve: city, all (median)", "region naive / auto",
    "FCFS housed / opt", "FCFS in deadline / opt", "FCFS objective / opt",
)
"""Columns of a row of benchmarks/RESULTS.md."""


def headline_row(figures: dict, date: str) -> str:
    """One Markdown row of benchmarks/RESULTS.md from ``headline``."""
    national = _seconds(figures["national_auto_seconds"])
    if figures.get("national_auto_status") not in (None, "optimal"):
        national = (national + " " if national else "") + (
            f"({figures['national_auto_status']})"
        )
    naive = figures["region_naive_over_auto"]
    city_ratio = _ratio(figures["auto_over_limit_by_family"].get("city"))
    cells = [
        date, str(figures["git_revision"]), national,
        _int(figures["national_auto_peak_mb"]),
        _seconds(figures["city_auto_seconds"]),
        f"{city_ratio}; {_ratio(figures['auto_over_limit_median'])}",
        f"{_ratio(figures['auto_solve_over_limit_by_family'].get('city'))}; "
        f"{_ratio(figures['auto_solve_over_limit_median'])}",
        "" if naive is None else f"{naive:,.1f}",
        _share(figures["fcfs_housed_share_of_optimum"]),
        _share(figures["fcfs_within_deadline_share_of_optimum"]),
        _share(figures["fcfs_objective_ratio"]),
    ]
    return "| " + " | ".join(cells) + " |"
