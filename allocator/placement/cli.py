"""``allocator place``: the placement level and its modes on the command
line. Called from ``allocator.cli``, which owns reading and exit codes."""

from __future__ import annotations

import os
from pathlib import Path

from rich.table import Table
from rich.text import Text

from models import PlacementProposal

from ..i18n import N_, _, ngettext
from ..requirements import MODE_UNAVAILABLE, ModeUnavailable
from .labels import capacity_label, rule_label

INPUT_ERROR = 2
CHECK_FAILED = 1

UNPLACED_TEXT = {
    "no_compatible_municipality": N_("no compatible municipality"),
    "quota_full": N_("quota full"),
    "spread": N_("spread"),
    "objective": N_("objective"),
    "no_solution": N_("no solution"),
}
"""Why a household is not placed (``models.UnplacedReason``), in words."""
DWELLING_FIRST_MD = "dwelling-first.md"


def run_place(*, path, out_dir, policy, mode, engine, dwelling_engine,
              time_limit, seed, household, check_file, read_instance,
              read_policy, fail_on_input, console, errors) -> int:
    """Runs one ``allocator place`` command; returns the exit code."""
    from ..engine_catalogue import ENGINES
    from . import MODES, PLACEMENT_ENGINES

    for value, allowed, what in (
        (mode, MODES, N_("mode")),
        (engine, PLACEMENT_ENGINES, N_("engine")),
        (dwelling_engine, ENGINES, N_("dwelling engine")),
    ):
        if value not in allowed:
            errors.print(_("{what} {value!r} not understood; choose one of "
                           "{choices}.", what=_(what), value=value,
                           choices=", ".join(allowed)), style="red")
            return INPUT_ERROR
    if check_file is None and out_dir is None:
        errors.print(_("--out is required (or --check FILE to verify a "
                       "placement)."), style="red")
        return INPUT_ERROR
    instance = read_instance(path)
    pol = read_policy(policy)
    from ..io.policy import municipal_problems

    unknown = municipal_problems(instance, pol, Path(policy or "").name)
    if unknown:
        fail_on_input(unknown, f"policy {policy} does not fit the instance")
    if check_file is not None:
        return _check(instance, pol, check_file, household, fail_on_input,
                      console, errors)
    try:
        if mode == "placement":
            return _placement(instance, pol, out_dir, engine, time_limit,
                              seed, household, console, errors)
        if mode == "chained":
            return _chained(instance, pol, out_dir, engine, dwelling_engine,
                            time_limit, seed, household, console, errors)
        if mode == "dwelling-first":
            return _dwelling_first(instance, pol, out_dir, dwelling_engine,
                                   time_limit, seed, console, errors)
        return _compare(instance, pol, out_dir, engine, dwelling_engine,
                        time_limit, seed, console, errors)
    except ModeUnavailable as exc:
        errors.print(str(exc), style="red", markup=False, highlight=False)
        return MODE_UNAVAILABLE
    except ValueError as exc:
        errors.print(f"{exc}", highlight=False, style="red")
        return INPUT_ERROR


def _write_folder(out_dir, names, write) -> list[Path]:
    """
    Replace ``out_dir`` as a whole with what ``write(staging)`` writes
    into a temporary sibling folder (``allocator.io._atomic``), so a run
    that fails or is killed while writing leaves the previous folder as
    it was, never a mix of both; other entries of the folder (a user's
    notes) are carried over. ``names``: the entries the mode writes.
    Returns the paths written, under ``out_dir``.
    """
    from ..io._atomic import atomic_folder

    out = Path(out_dir)
    with atomic_folder(out, frozenset(names)) as staging:
        written = write(staging)
        _sync(staging)
    return [out / p.relative_to(staging) for p in written]


def _sync(folder: Path) -> None:
    """Flush every file to disk before the folder is swapped in."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _rejected(violations, errors, what=N_("proposal")) -> int:
    errors.print(_("The independent checker rejected the {what}:",
                   what=_(what)), style="bold red")
    for v in violations:
        errors.print(f"  {v}", markup=False)
    return CHECK_FAILED


def _placement(instance, policy, out_dir, engine, time_limit, seed,
               household, console, errors) -> int:
    from . import place
    from .io import PLACE_OUTPUT_NAMES, write_placement

    outcome = place(instance, policy, engine=engine, time_limit=time_limit,
                    seed=seed)
    if not outcome.check.ok:
        return _rejected(outcome.check.violations, errors,
                         N_("placement"))
    written = _write_folder(
        out_dir, PLACE_OUTPUT_NAMES,
        lambda staging: write_placement(outcome.proposal, staging))
    print_placement(outcome.proposal, console, errors)
    _story(outcome.proposal, household, console, errors)
    return _finish((), written, console, errors)


def _chained(instance, policy, out_dir, engine, dwelling_engine, time_limit,
             seed, household, console, errors) -> int:
    from .io import PLACE_OUTPUT_NAMES, write_chained, write_placement
    from .modes import run_chained

    outcome = run_chained(instance, policy, engine=engine,
                          dwelling_engine=dwelling_engine,
                          time_limit=time_limit, seed=seed)
    if not outcome.ok:
        return _rejected(outcome.violations(), errors,
                         N_("chained proposal"))
    def write(staging):
        return (write_placement(outcome.placement.proposal, staging)
                + write_chained(outcome.report, staging))

    written = _write_folder(out_dir, PLACE_OUTPUT_NAMES, write)
    print_placement(outcome.placement.proposal, console, errors)
    print_chained(outcome.report, console)
    _story(outcome.placement.proposal, household, console, errors)
    return _finish((), written, console, errors)


def _dwelling_first(instance, policy, out_dir, dwelling_engine, time_limit,
                    seed, console, errors) -> int:
    from ..io import write_proposal
    from .modes import run_dwelling_first

    first = run_dwelling_first(instance, policy, engine=dwelling_engine,
                               time_limit=time_limit, seed=seed)
    if not first.ok:
        return _rejected(first.outcome.check.violations, errors)
    lines = ["# " + _("Dwelling-first"), "",
             *[f"- {n}" for n in first.notes],
             "- " + _("Placement-rule breaches: {n}",
                      n=len(first.breaches)),
             *[f"  - {b}" for b in first.breaches], ""]
    # The summary is one of the proposal folder's files: the folder is
    # replaced as a whole, with it.
    written = write_proposal(first.outcome.proposal, out_dir,
                             extra={DWELLING_FIRST_MD:
                                    lambda: "\n".join(lines)})
    p = first.outcome.proposal
    k = p.kpis
    table = Table(title=_("Dwelling-first"), show_header=False)
    table.add_column(_("what"))
    table.add_column(_("value"), justify="right")
    for name, value in (
        (_("status"), _("{status} (proven)", status=p.status.value)
         if p.solver.proven_optimal else p.status.value),
        (_("engine"), p.solver.engine),
        (_("households housed"), _("{part} of {whole}", part=k.housed,
                                    whole=k.households)),
        (_("housed within deadline"), str(k.housed_within_deadline)),
        (_("priority group housed"),
         _("{part} of {whole}", part=k.housed_priority_group,
           whole=k.priority_group)),
        (_("placement-rule breaches"), str(len(first.breaches))),
    ):
        table.add_row(name, value)
    console.print(table)
    return _finish(first.notes, written, console, errors)


def _finish(notes, written, console, errors) -> int:
    """
    The last lines of a successful run, the same for every mode: notes on
    the run (to stderr, beside warnings) and the files written. Returns
    the exit status 0.
    """
    for n in notes:
        errors.print(Text.assemble((_("note:"), "yellow"), f" {n}"),
                     highlight=False)
    for path in written:
        console.print(_("wrote {path}", path=path))
    return 0


def _compare(instance, policy, out_dir, engine, dwelling_engine, time_limit,
             seed, console, errors) -> int:
    from ..io import write_proposal
    from .io import (
        PLACE_OUTPUT_NAMES,
        comparison_rows,
        write_chained,
        write_comparison,
        write_placement,
    )
    from .modes import compare_modes

    outcome = compare_modes(instance, policy, engine=engine,
                            dwelling_engine=dwelling_engine,
                            time_limit=time_limit, seed=seed)
    if not outcome.chained.ok:
        return _rejected(outcome.chained.violations(), errors,
                         N_("chained proposal"))
    if not outcome.dwelling_first.ok:
        return _rejected(outcome.dwelling_first.outcome.check.violations,
                         errors, N_("dwelling-first proposal"))
    def write(staging):
        return (write_placement(outcome.chained.placement.proposal,
                                staging / "chained")
                + write_chained(outcome.chained.report, staging / "chained")
                + write_proposal(outcome.dwelling_first.outcome.proposal,
                                 staging / "dwelling-first")
                + write_comparison(outcome.report, staging))

    written = _write_folder(out_dir, PLACE_OUTPUT_NAMES, write)
    r = outcome.report
    table = Table(title=_("Chained against dwelling-first: {name}",
                          name=r.instance_name))
    for name, justify in (("", "left"), (_("chained"), "right"),
                          (_("dwelling-first"), "right"),
                          (_("difference"), "right")):
        table.add_column(name, justify=justify)
    for row in comparison_rows(r):
        table.add_row(*row)
    console.print(table)
    console.print(_("Dwelling-first houses {more} households, {within} "
                    "within deadline.", more=format(r.more_housed, "+d"),
                    within=format(r.more_housed_within_deadline, "+d")))
    return _finish(r.notes, written, console, errors)


def _check(instance, policy, check_file, household, fail_on_input, console,
           errors) -> int:
    from ..io import InputError
    from .check import check_placement
    from .io import read_placement

    try:
        proposal = read_placement(check_file)
    except InputError as exc:
        fail_on_input(exc.problems, _("{path} is not a placement",
                                      path=check_file))
    report = check_placement(instance, policy, proposal)
    if not report.ok:
        errors.print(ngettext("{n} violation:", "{n} violations:",
                              len(report.violations)), style="bold red")
        for v in report.violations:
            errors.print(f"  {v}", markup=False)
        return CHECK_FAILED
    console.print(Text.assemble(
        (_("OK"), "green"),
        _(": {n} placements pass every quota, compatibility and spread "
          "rule; objective ({primary}, {secondary}) recomputed.",
          n=len(proposal.placements), primary=report.primary,
          secondary=report.secondary)))
    _story(proposal, household, console, errors)
    return 0


def _story(proposal, household, console, errors) -> None:
    if household is None:
        return
    story = placement_story(proposal, household)
    if story is None:
        errors.print(_("household {household!r} is not in the "
                       "placement.", household=household), style="red")
        return
    console.print(story, markup=False, highlight=False)


def placement_story(proposal: PlacementProposal, household: str
                    ) -> str | None:
    """One household's placement in words, or ``None`` if unknown."""
    from .explain import taker_words

    for p in proposal.placements:
        if p.household != household:
            continue
        lines = [_("{household}: placed in {municipality} (assigned "
                   "before this run).", household=household,
                   municipality=p.municipality) if p.given
                 else _("{household}: placed in {municipality}.",
                        household=household, municipality=p.municipality)]
        by_score = (proposal.objective is not None
                     and proposal.objective.mode == "score")
        waited = (_("no permit date") if p.waited_days is None else
                  _("waited {days} days, within its deadline",
                    days=p.waited_days) if p.within_deadline else
                  _("waited {days} days, past its deadline",
                    days=p.waited_days))
        if not by_score:
            lines.append("  " + _("priority {priority}; {waited}",
                                  priority=p.priority, waited=waited))
        if not p.given:
            score = (_("no imported score") if p.pair_score is None
                     else _("imported score {score}", score=p.pair_score))
            points = ("" if by_score else " " + _(
                "({n} points)", n=p.scores.get("pair_score", 0)))
            lines.append("  " + _("{score}{points}; rank {rank} of "
                                  "{compatible} compatible municipalities",
                                  score=score, points=points, rank=p.rank,
                                  compatible=p.compatible))
        if by_score:
            lines.append(f"  {waited}")
        return "\n".join(lines)
    for u in proposal.unplaced:
        if u.household != household:
            continue
        reason = u.reason.value.replace("_", " ")
        lines = [_("{household}: not placed ({reason}).",
                   household=household,
                   reason=_(UNPLACED_TEXT.get(u.reason.value, reason))),
                 f"  {u.message}"]
        for b in u.blocked:
            took = ", ".join(taker_words(t) for t in b.taken_by)
            lines.append("  " + _("{municipality}: {rule} needs {need}, "
                                  "{used} of {limit} used",
                                  municipality=b.municipality,
                                  rule=rule_label(b.rule),
                                  need=b.need, used=b.used, limit=b.limit)
                         + ("; " + _("taken by {took}", took=took)
                            if took else ""))
        return "\n".join(lines)
    return None


def print_placement(proposal: PlacementProposal, console, errors) -> None:
    """The placement summary and each municipality's use, as tables."""
    k, s = proposal.kpis, proposal.solver
    table = Table(title=_("Placement"), show_header=False)
    table.add_column(_("what"))
    table.add_column(_("value"), justify="right")
    rows = [
        (_("status"), _("{status} (proven)", status=proposal.status.value)
         if s.proven_optimal else proposal.status.value),
        (_("engine"), s.engine),
        (_("pairs / classes"), f"{s.num_pairs} / {s.num_classes}"),
        (_("build / solve seconds"),
         f"{s.build_seconds:.3f} / {s.solve_seconds:.3f}"),
    ]
    if proposal.objective is not None:
        rows.append(objective_row(proposal))
    rows += [
        (_("households placed"), _("{part} of {whole}", part=k.placed,
                                    whole=k.households)
         + (" " + _("({n} assigned before)", n=k.given) if k.given else "")),
        (_("priority group placed"),
         _("{part} of {whole}", part=k.placed_priority_group,
           whole=k.priority_group)),
        (_("placed within deadline"), str(k.placed_within_deadline)),
        (_("pair-score total"), score_text(k.pair_score_total,
                                        proposal.score_decimals)),
    ]
    reasons: dict[str, int] = {}
    for u in proposal.unplaced:
        reasons[u.reason.value] = reasons.get(u.reason.value, 0) + 1
    rows += [(_("unplaced: {reason}",
                reason=_(UNPLACED_TEXT.get(r, r.replace("_", " ")))), str(n))
             for r, n in sorted(reasons.items())]
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    dims = [d.dimension for d in (proposal.municipalities[0].dimensions
                                  if proposal.municipalities else ())]
    uses = Table(title=_("Use of every quota dimension (used / limit)"))
    uses.add_column(_("municipality"))
    uses.add_column(_("households"), justify="right")
    for dim in dims:
        uses.add_column(capacity_label(dim), justify="right")
    for u in proposal.municipalities:
        if not u.households and all(d.limit is None or not d.limit
                                    for d in u.dimensions):
            continue
        uses.add_row(u.municipality, str(u.households), *[
            f"{d.given + d.placed} / {'-' if d.limit is None else d.limit}"
            for d in u.dimensions
        ])
    console.print(uses)
    for c in proposal.conflicts:
        errors.print(Text.assemble((_("conflict:"), "yellow"), f" {c}"),
                     highlight=False)
    for n in proposal.notes:
        errors.print(_("note:") + " " + n, markup=False, highlight=False)


def score_text(total: float, places: int | None) -> str:
    """A score total to the data's precision (``places`` decimals)."""
    return f"{total:.{3 if places is None else places}f}"


def objective_row(proposal: PlacementProposal) -> tuple[str, str]:
    """The summary row of the objective in force, with what it counts."""
    o = proposal.objective
    if o.mode == "score":
        places = proposal.score_decimals or 0
        total = score_text(o.primary / 10**places, places)
        return (_("objective (total score, households placed)"),
                f"{total}, {o.secondary}")
    if o.mode == "weighted":
        return (_("objective ({scale} x priority + pair-score points)",
                  scale=o.scale),
                _("{value} ({primary} priority, {secondary} points)",
                  value=o.value, primary=o.primary, secondary=o.secondary))
    return (_("objective (priority, then pair-score points)"),
            f"{o.primary}, {o.secondary}")


def placement_rows(instance, policy) -> list[tuple[str, str]]:
    """
    Validation summary rows of placement: what the compatibility table
    lists and what an unlisted pair is under the policy, the pair scores
    and their precision, and the placement objective.
    """
    from models import compatibility_kind, unlisted_pairs_allowed

    from .data import decimals

    rules = policy.placement
    kind = compatibility_kind(instance.compatibility)
    lists = _({"none": N_("no table"), "allowed": N_("allowed pairs only"),
               "forbidden": N_("forbidden pairs only"),
               "both": N_("allowed and forbidden pairs")}[kind])
    allowed = unlisted_pairs_allowed(rules.unlisted_pairs.value,
                                     instance.compatibility)
    rows = [
        (_("compatibility"), _("{n} pairs: {lists}",
                               n=len(instance.compatibility), lists=lists)),
        ("  " + _("unlisted pairs"), _(
            "{allowed} (policy {policy}: placement.unlisted_pairs = "
            "{value})", allowed=_("allowed") if allowed else _("forbidden"),
            policy=policy.name, value=rules.unlisted_pairs.value)),
    ]
    scores = instance.pair_scores
    places = max((decimals(s.score) for s in scores), default=0)
    rows.append((_("pair scores"), _("{n} pairs, up to {places} decimals",
                                     n=len(scores), places=places)
                 if scores else _("{n} pairs", n=0)))
    if rules.objective.value == "score":
        objective = _("score: the total pair score, then households "
                      "placed; a missing score counts {missing}",
                      missing=format(rules.missing_score, "g"))
    elif rules.score_weight == 0:
        objective = _("{objective}: priority only; the pair scores do not "
                      "count (placement.score_weight 0; --policy score "
                      "places by score)", objective=policy.objective.value)
    else:
        objective = _("{objective}: priority and {weight} points per unit "
                      "of score", objective=policy.objective.value,
                      weight=rules.score_weight)
    rows.append((_("placement objective"), objective))
    return rows


def print_chained(report, console) -> None:
    """Per municipality: placed, dwellings, housed and why not."""
    table = Table(title=_("Chained: each municipality's dwellings"))
    for name in (N_("municipality"), N_("placed"), N_("dwellings"),
                 N_("housed"), N_("not housed"), N_("why not")):
        table.add_column(_(name), justify="left" if name in (
            "municipality", "why not") else "right")
    for m in report.municipalities:
        why = ", ".join(f"{r.replace('_', ' ')} {n}"
                        for r, n in m.reasons.items())
        table.add_row(m.municipality, str(m.placed), str(m.dwellings),
                      str(m.housed), str(m.not_housed), why)
    console.print(table)
    console.print(_(
        "housed {housed}; not housed {unhoused} (placement {placement}, "
        "dwelling {dwelling})", housed=len(report.matches),
        unhoused=len(report.unhoused),
        placement=sum(u.stage == "placement" for u in report.unhoused),
        dwelling=sum(u.stage == "dwelling" for u in report.unhoused)))
