"""
Placement outputs: proposals, chained reports and mode comparisons as
JSON, CSV, XLSX and Markdown, every file written atomically.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from models import ChainedReport, ModeComparison, PlacementProposal

from ..i18n import _
from ..io._atomic import atomic_file, write_text_atomic
from ..io.jsonform import read_model
from ..io.layout import text_of
from ..io.tabular import save_workbook

PLACEMENT_JSON = "placement.json"
PLACEMENT_CSV = "placement.csv"
PLACEMENT_XLSX = "placement.xlsx"
CHAINED_JSON = "chained.json"
CHAINED_CSV = "chained.csv"
COMPARISON_JSON = "comparison.json"
COMPARISON_MD = "comparison.md"

PLACE_OUTPUT_NAMES = frozenset({
    PLACEMENT_JSON, PLACEMENT_CSV, PLACEMENT_XLSX, CHAINED_JSON, CHAINED_CSV,
    COMPARISON_JSON, COMPARISON_MD, "chained", "dwelling-first",
})
"""Entries of an output folder that ``allocator place`` (placement,
chained and compare modes) replaces as a whole, whichever mode wrote them
before; other entries (a user's notes) are carried over."""

_CSV_COLUMNS = (
    "household", "placed", "municipality", "given", "priority",
    "pair_score", "score_points", "rank", "compatible", "waited_days",
    "within_deadline", "reason", "message",
)
_USE_COLUMNS = (
    "municipality", "name", "households", "persons", "dimension", "limit",
    "given", "placed", "remaining",
)


def write_placement(proposal: PlacementProposal, out_dir: str | Path
                    ) -> list[Path]:
    """
    Write a placement proposal as ``placement.json``, ``placement.csv``
    (one row per household) and ``placement.xlsx`` (placements, unplaced,
    each municipality's use of every quota dimension, spread, KPIs,
    solver), each file atomically.

    Returns
    -------
    list
        The paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / PLACEMENT_JSON, out / PLACEMENT_CSV, out / PLACEMENT_XLSX]
    write_text_atomic(paths[0], proposal.model_dump_json(indent=2) + "\n")
    write_text_atomic(paths[1], _csv(_CSV_COLUMNS, _household_rows(proposal)))
    with atomic_file(paths[2]) as temporary:
        save_workbook(_sheets(proposal), temporary)
    return paths


def read_placement(path: str | Path) -> PlacementProposal:
    """
    Read a placement proposal from ``placement.json`` (or its folder).

    Raises
    ------
    InputError
        When the file is missing, not JSON or not a placement proposal.
    """
    return read_model(path, PlacementProposal,
                      _("Placement proposal file not found."),
                      name_in_folder=PLACEMENT_JSON)


def _household_rows(proposal: PlacementProposal) -> list[list]:
    rows = []
    for p in proposal.placements:
        rows.append([
            p.household, True, p.municipality, p.given, p.priority,
            p.pair_score, p.scores.get("pair_score"), p.rank, p.compatible,
            p.waited_days, p.within_deadline, None, None,
        ])
    for u in proposal.unplaced:
        rows.append([
            u.household, False, None, False, u.priority, None, None, None,
            u.compatible, u.waited_days, None, u.reason.value, u.message,
        ])
    rows.sort(key=lambda row: row[0])
    return rows


def _use_rows(proposal: PlacementProposal) -> list[list]:
    return [
        [u.municipality, u.name, u.households, u.persons, d.dimension,
         d.limit, d.given, d.placed, d.remaining]
        for u in proposal.municipalities for d in u.dimensions
    ]


def _sheets(proposal: PlacementProposal) -> dict:
    placements = [r for r in _household_rows(proposal) if r[1]]
    return {
        "placements": (list(_CSV_COLUMNS[:11]),
                       [r[:11] for r in placements]),
        "unplaced": (
            ["household", "priority", "reason", "message", "compatible",
             "waited_days", "excluded_by", "blocked"],
            [[u.household, u.priority, u.reason.value, u.message,
              u.compatible, u.waited_days,
              "; ".join(f"{k}: {v}" for k, v in u.excluded_by.items()),
              "; ".join(f"{b.municipality} {b.rule} {b.used}/{b.limit}"
                        for b in u.blocked)]
             for u in proposal.unplaced],
        ),
        "municipalities": (list(_USE_COLUMNS), _use_rows(proposal)),
        "spread": (
            ["municipality", "kind", "group", "households", "allowed"],
            [[u.municipality, s.kind, s.group, s.households, s.allowed]
             for u in proposal.municipalities for s in u.spread],
        ),
        "kpis": (["kpi", "value"], _flat(proposal.kpis.model_dump())),
        "solver": (["field", "value"], _solver_rows(proposal)),
    }


def _flat(values: dict, prefix: str = "") -> list[list]:
    rows = []
    for name, value in values.items():
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, tuple | list):
                    item = " of ".join(str(v) for v in item)
                rows.append([f"{prefix}{name}.{key}", item])
        else:
            rows.append([f"{prefix}{name}", value])
    return rows


def _solver_rows(proposal: PlacementProposal) -> list[list]:
    rows = [["schema_version", proposal.schema_version],
            ["status", proposal.status.value]]
    for prefix, part in (("objective", proposal.objective),
                         ("solver", proposal.solver),
                         ("provenance", proposal.provenance)):
        if part is not None:
            rows += _flat(part.model_dump(mode="json"), f"{prefix}.")
    rows += [[f"conflicts.{i}", c]
             for i, c in enumerate(proposal.conflicts, start=1)]
    return rows


def _csv(columns, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([text_of(v) for v in row] for row in rows)
    return buffer.getvalue()


def write_chained(report: ChainedReport, out_dir: str | Path) -> list[Path]:
    """
    Write a chained report as ``chained.json`` and ``chained.csv`` (one
    row per household: where it was placed, the dwelling it got, or at
    which stage and why it was not housed), atomically.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = [[m.household, m.dwelling, True, None, None, None]
            for m in report.matches]
    rows += [[u.household, None, False, u.stage, u.reason, u.message]
             for u in report.unhoused]
    rows.sort(key=lambda row: row[0])
    paths = [out / CHAINED_JSON, out / CHAINED_CSV]
    write_text_atomic(paths[0], report.model_dump_json(indent=2) + "\n")
    write_text_atomic(paths[1], _csv(
        ("household", "dwelling", "housed", "stage", "reason", "message"),
        rows,
    ))
    return paths


def comparison_rows(report: ModeComparison) -> list[tuple[str, str, str,
                                                            str]]:
    """``(what, chained, dwelling-first, difference)`` rows of a report."""
    a, b = report.chained, report.dwelling_first

    def row(name, x, y):
        return (name, str(x), str(y), f"{y - x:+d}")

    def status(side):
        if side.proven_optimal:
            return _("{status} (proven)", status=side.status.value)
        return f"{side.status.value}"

    rows = [
        (_("status"), status(a), status(b), ""),
        row(_("households housed"), a.housed, b.housed),
        row(_("housed within deadline"), a.housed_within_deadline,
            b.housed_within_deadline),
        row(_("housed within the maximum deadline"),
            a.housed_within_maximum, b.housed_within_maximum),
        row(_("priority group housed"), a.housed_priority_group,
            b.housed_priority_group),
        row(_("priority points housed"), a.priority_points,
            b.priority_points),
    ]
    for group in sorted(set(a.by_group) | set(b.by_group)):
        x = a.by_group.get(group, (0, 0, 0))
        y = b.by_group.get(group, (0, 0, 0))
        rows.append((_("{group}: housed / within deadline (of {n})",
                       group=group.replace("_", " "), n=x[2]),
                     f"{x[1]} / {x[0]}", f"{y[1]} / {y[0]}",
                     f"{y[1] - x[1]:+d} / {y[0] - x[0]:+d}"))
    rows += [
        row(_("placement-rule breaches"), a.placement_breaches,
            b.placement_breaches),
        (_("pair-score total"), f"{a.pair_score_total:.3f}",
         f"{b.pair_score_total:.3f}",
         f"{b.pair_score_total - a.pair_score_total:+.3f}"),
        (_("seconds"), f"{a.seconds:.2f}", f"{b.seconds:.2f}", ""),
    ]
    return rows


def comparison_markdown(report: ModeComparison) -> str:
    """The comparison as a Markdown report."""
    lines = [
        "# " + _("Chained against dwelling-first: {name}",
                 name=report.instance_name),
        "",
        _("Policy `{policy}`; planning date {date}. Chained: IMDi places "
          "households in municipalities, then each municipality matches "
          "its households to its dwellings. Dwelling-first: the engine "
          "proposes households nationwide for the dwellings municipalities "
          "report, within each council decision. Both are counted the same "
          "way; within deadline means housed before the household's "
          "deadline (permit date plus the policy's deadline for its type) "
          "has passed.", policy=report.policy_name,
          date=report.provenance.as_of),
        "",
        "**" + _("Dwelling-first houses {more} households, {within} within "
                 "deadline, against chained.",
                 more=format(report.more_housed, "+d"),
                 within=format(report.more_housed_within_deadline, "+d"))
        + "**",
        "",
        "| | {} | {} | {} |".format(_("chained"), _("dwelling-first"),
                                   _("difference")),
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [f"| {a} | {b} | {c} | {d} |"
              for a, b, c, d in comparison_rows(report)]
    if report.notes:
        lines += ["", _("Notes:"), ""] + [f"- {n}" for n in report.notes]
    prov = report.provenance
    lines += ["", _("Instance sha256 `{instance}`, policy sha256 "
                    "`{policy}`, revision `{revision}`, {created}.",
                    instance=prov.instance_sha256[:16],
                    policy=prov.policy_sha256[:16],
                    revision=prov.git_revision,
                    created=prov.created_at.isoformat()), ""]
    return "\n".join(lines)


def write_comparison(report: ModeComparison, out_dir: str | Path
                     ) -> list[Path]:
    """Write ``comparison.json`` and ``comparison.md``, atomically."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / COMPARISON_JSON, out / COMPARISON_MD]
    write_text_atomic(paths[0], report.model_dump_json(indent=2) + "\n")
    write_text_atomic(paths[1], comparison_markdown(report))
    return paths
