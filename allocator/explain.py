"""Turns a result into a proposal a housing officer can defend."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

import numpy as np

from models import (
    Alternative,
    Binding,
    Competitor,
    Instance,
    Kpis,
    Match,
    Move,
    Objective,
    Policy,
    Proposal,
    Provenance,
    QueuePlace,
    RuleMode,
    SmallestChange,
    SolverStats,
    Status,
    Unmatched,
    UnmatchedReason,
)

from . import interrupt
from .compile import bedrooms_needed, deadline_days
from .data import CRITERIA, RULE_LABEL, RULES, UNLIMITED, AllocationData
from .i18n import N_, _, ngettext
from .ledger import CapacityLedger
from .moving import chains
from .result import Result

MAX_COMPETITORS = 3
"""Competitors named in an 'outcompeted' reason."""

MAX_QUEUE = 3
"""Dwellings for which a waiting household is told its place in the
queue: its best eligible ones by quality."""

QUEUE_DWELLINGS_LIMIT = 2_000
"""Distinct dwellings whose queues are counted in one proposal: each costs
a pass over the households."""

MAX_MARGINAL_SOLVES = 25
"""Binding caps whose marginal value is found by re-solving."""

MIN_MARGINAL_SECONDS = 0.05
"""Least time left under a time limit for another marginal-value re-solve."""

MARGINAL_PAIRS_LIMIT = 2_000_000
"""Above this many pairs (or with pruned pairs) re-solving for marginal
values would cost more than the solve: they are left out."""


def build_proposal(
    instance: Instance,
    policy: Policy,
    data: AllocationData,
    result: Result,
    marginal_values: bool = True,
    time_limit: float | None = None,
    ends_at: float | None = None,
) -> Proposal:
    """
    Builds the proposal: matches with scores and ranks, every unmatched
    household with its reason, binding caps with their marginal values,
    KPIs, solver statistics and provenance.

    Parameters
    ----------
    time_limit
        The solve's time limit in seconds, recorded in the proposal. The
        re-solves for marginal values share what the solve left of it.
    ends_at
        When that budget ends, on the ``time.perf_counter()`` clock.
        Default: ``time_limit`` less the result's build and solve seconds,
        from now.
    """
    if ends_at is None and time_limit is not None:
        spent = result.build_seconds + result.solve_seconds
        ends_at = time.perf_counter() + max(0.0, time_limit - spent)
    assignment = result.assignment
    waited = np.array(
        [(instance.as_of - h.permit_date).days for h in instance.households]
    )
    deadline = np.array([deadline_days(h, policy)
                         for h in instance.households])
    held = dict(data.tenants)
    matches, nearest = _matches(instance, data, result, waited, deadline,
                                held)
    # Who holds each dwelling (-1: empty), for the competitors.
    taken_by = np.full(data.num_dwellings, -1, dtype=np.int64)
    housed = np.flatnonzero(assignment >= 0)
    taken_by[assignment[housed]] = housed
    matches = _with_alternatives(instance, data, matches, nearest,
                                 taken_by)
    per_class: dict = {}
    unmatched = [
        _why_unmatched(instance, data, taken_by, h, int(waited[h]),
                       per_class)
        for h in np.flatnonzero(assignment < 0).tolist()
        if h not in held  # a tenant unmatched moved out: see moves
    ]
    unmatched = _with_prospects(instance, policy, data, taken_by,
                                unmatched, assignment=assignment)
    solved = result.status in (Status.OPTIMAL, Status.FEASIBLE)
    binding = (_binding_caps(data, result, ends_at, marginal_values)
               if solved else [])
    matches, unmatched = _not_judged(instance, policy, matches, unmatched)
    return Proposal(
        status=result.status,
        objective=_objective(policy, data, result) if solved else None,
        matches=tuple(matches),
        unmatched=tuple(unmatched),
        binding=tuple(binding),
        conflicts=tuple(c.message for c in data.lock_conflicts),
        kpis=_kpis(instance, policy, result, waited, deadline, held),
        solver=_solver_stats(data, result, time_limit),
        provenance=provenance(instance, policy),
        moves=moves_of(instance, data, assignment) if solved else (),
    )


def _matches(instance, data, result, waited, deadline, held):
    """
    Every match with its scores, rank among the household's eligible
    dwellings and deadline, and for each free household its nearest
    alternative dwelling (household -> dwelling; see
    ``_with_alternatives``).
    """
    assignment = result.assignment
    households, dwellings = instance.households, instance.dwellings
    locked = {h for h, _, _ in data.locked_pairs}
    matches = []
    free_scores = _free_scores(data, assignment, locked)
    nearest = {}
    for h in np.flatnonzero(assignment >= 0).tolist():
        d = int(assignment[h])
        if h in locked:
            scores = data.locked_scores[h]
            rank, eligible = 1, 1
        elif h in held:
            # A sitting tenant: scored by the moving policy alone.
            scores = free_scores[h]
            rank, eligible = 1, int(data.num_eligible[h])
        else:
            scores = free_scores[h]
            rank, eligible, other = _rank_and_nearest(data.candidates, h, d)
            if other >= 0:
                nearest[h] = other
        matches.append(
            Match(
                household=households[h].id,
                dwelling=dwellings[d].id,
                priority=int(data.priority[h]),
                quality=int(np.sum(scores)),
                scores={c: int(v) for c, v in zip(CRITERIA, scores)
                        if c != "moving" or data.tenants},
                rank=rank,
                eligible=eligible,
                shared=bool(result.room[h]),
                locked=h in locked,
                waited_days=int(waited[h]),
                within_deadline=bool(waited[h] <= deadline[h]),
            )
        )
    return matches, nearest


def _objective(policy, data, result) -> Objective:
    """The objective of a solved result, in the policy's mode."""
    return Objective(
        mode=policy.objective.value,
        value=result.value,
        primary=result.objective[0],
        secondary=result.objective[1],
        scale=data.scale if data.lexicographic else data.priority_weight,
        bound=result.bound,
        gap=result.gap,
        primary_bound=(result.primary_bound if data.lexicographic
                       else None),
    )


def _solver_stats(data, result, time_limit) -> SolverStats:
    """What the engine did, without the seconds (they vary from run to
    run and go to the run log)."""
    return SolverStats(
        engine=result.engine,
        status=result.status,
        proven_optimal=result.proven_optimal,
        num_households=data.num_households,
        num_dwellings=data.num_dwellings,
        num_pairs=data.num_pairs,
        workers=result.workers,
        seed=result.seed,
        time_limit=time_limit,
        detail={k: v for k, v in result.detail.items()
                if not k.endswith("_seconds")},
    )


def moves_of(instance: Instance, data: AllocationData,
             assignment) -> tuple[Move, ...]:
    """Each chain of moves of the sitting tenants, step by step."""
    if not data.tenants:
        return ()
    hs, ds = instance.households, instance.dwellings
    held = {hs[h].id: ds[d].id for h, d in data.tenants}
    given = {hs[h].id: ds[int(d)].id
             for h, d in enumerate(assignment.tolist()) if d >= 0}
    at = {h.id: i for i, h in enumerate(hs)}
    d_at = {d.id: i for i, d in enumerate(ds)}
    moving_col = CRITERIA.index("moving")
    out = []
    for c, steps in enumerate(chains(held, given)):
        for k, step in enumerate(steps):
            score = None
            if step.household in held:
                score = 0
                if step.moved_to is not None:
                    p = _pair_of(data, at[step.household],
                                 d_at[step.moved_to])
                    score = int(data.pair_scores[p, moving_col])
            out.append(Move(chain=c, step=k, household=step.household,
                            moved_from=step.moved_from,
                            moved_to=step.moved_to, score=score))
    return tuple(out)


def _rank_and_nearest(candidates, h: int, d: int) -> tuple[int, int, int]:
    """
    Rank of a dwelling among the household's eligible ones (1 is best by
    quality), how many are eligible, and its nearest alternative: the best
    eligible dwelling other than ``d`` (-1 when there is none). One pass
    over the household's row, as ``Candidates.rank``.
    """
    dwellings, quality = candidates.exact_values(h)
    at = np.flatnonzero(dwellings == d)
    if h in candidates.individual:
        # Not sorted: the best other one by quality, ties by position.
        others = dwellings != d
        best = quality[others].max(initial=np.iinfo(np.int64).min)
        near = dwellings[others & (quality == best)]
        other = int(near.min()) if len(near) else -1
    else:
        # Best first, each dwelling once: the best other one is the
        # first, or the second when the first is ``d``.
        others = dwellings[:2][dwellings[:2] != d]
        other = int(others[0]) if len(others) else -1
    if not len(at):
        return 1, max(1, len(dwellings)), other
    return (int((quality > quality[at[0]]).sum()) + 1, len(dwellings),
            other)


def _with_alternatives(instance, data, matches, nearest, taken_by):
    """
    The matches with their nearest alternative (``Match.alternative``):
    the household's quality there, scored exactly in one call for all
    matches, what it would have cost, and who holds it.
    """
    if not nearest:
        return matches
    hs = np.fromiter(nearest, dtype=np.int64, count=len(nearest))
    ds = np.fromiter(nearest.values(), dtype=np.int64, count=len(nearest))
    scores = data.candidates.pair_scores(hs, ds)[1]
    there = dict(zip(hs.tolist(), scores.sum(axis=1).tolist()))
    by_id = {m.household: m for m in matches}
    h_at = {hid: i for i, hid in enumerate(data.household_ids)}
    out = []
    for m in matches:
        h = h_at[m.household]
        if h not in nearest:
            out.append(m)
            continue
        d = nearest[h]
        quality = int(there[h])
        cost = m.quality - quality
        did = instance.dwellings[d].id
        k = int(taken_by[d])
        holder = by_id[instance.households[k].id] if k >= 0 else None
        text = (_("Its nearest alternative, {dwelling}, would have scored "
                  "{there} against {here} here ({n} less)", dwelling=did,
                  there=quality, here=m.quality, n=cost) if cost >= 0
                else _("Its nearest alternative, {dwelling}, would have "
                       "scored {there} against {here} here ({n} more)",
                       dwelling=did, there=quality, here=m.quality, n=-cost))
        if holder is None:
            text += _("; it stays empty (a cap, a quota or the round's "
                      "priority decides).")
        else:
            text += _("; {holder} (priority {priority}) has it, scoring "
                      "{quality} there.", holder=holder.household,
                      priority=holder.priority, quality=holder.quality)
        out.append(m.model_copy(update={"alternative": Alternative(
            dwelling=did, quality=quality, cost=cost,
            held_by=None if holder is None else holder.household,
            held_by_priority=None if holder is None else holder.priority,
            held_by_quality=None if holder is None else holder.quality,
            message=text,
        )}))
    return out


def _free_scores(data: AllocationData, assignment, locked) -> dict:
    """
    Criterion scores of every chosen free pair by household. An engine
    that priced pruned pairs may choose pairs the compiled data left out:
    those are scored from the candidates, all in one call.
    """
    hs = [h for h in np.flatnonzero(assignment >= 0).tolist()
          if h not in locked]
    out, missing = {}, []
    for h in hs:
        d = int(assignment[h])
        p = _pair_of(data, h, d)
        if p < data.household_ptr[h + 1] and data.pair_dwelling[p] == d:
            out[h] = data.pair_scores[p]
        else:
            missing.append(h)
    if missing:
        ph = np.array(missing, dtype=np.int64)
        scores = data.candidates.pair_scores(ph, assignment[ph])[1]
        out.update(zip(missing, scores))
    return out


def _not_judged(instance, policy, matches, unmatched):
    """Marks the households a switched-on rule could not judge for lack
    of data: affordability without a known income."""
    if policy.affordability.mode == RuleMode.IGNORE:
        return matches, unmatched
    unknown = {h.id for h in instance.households
               if h.monthly_income_nok is None}

    def mark(row):
        if row.household not in unknown:
            return row
        return row.model_copy(update={"not_judged": ("affordability",)})

    return [mark(m) for m in matches], [mark(u) for u in unmatched]


def _pair_of(data: AllocationData, h: int, d: int) -> int:
    """Position of the free pair (h, d): pairs are sorted by household,
    then dwelling."""
    lo, hi = data.household_ptr[h], data.household_ptr[h + 1]
    return int(lo + np.searchsorted(data.pair_dwelling[lo:hi], d))


def no_eligible_message(data: AllocationData, h: int) -> str:
    """Why no dwelling passes every rule, counted exactly before solving."""
    D = data.num_dwellings
    counts = data.excluded_by[h]
    only = data.excluded_only_by[h]
    parts = [
        f"{int(n)} {_short(r)}" for r, n in zip(RULES, counts) if n > 0
    ]
    message = _(
        "No eligible dwelling: 0 of {total} dwellings pass every rule. "
        "Ruled out: {ruled}.", total=D, ruled=", ".join(parts) or _("none")
    )
    relax = [
        _("{n} fail on '{rule}' alone", n=int(n), rule=_short(r))
        for r, n in sorted(zip(RULES, only), key=lambda x: -x[1])
        if n > 0
    ]
    if relax:
        text = "; ".join(relax[:3])
        message += f" {text[0].upper()}{text[1:]}."
    return message


def _short(rule: str) -> str:
    return _(RULE_LABEL[rule])


def _rivals(data, taken_by, h, cache):
    """
    The households holding a household's eligible dwellings, highest
    priority first (at most ``MAX_COMPETITORS``), how many there are, how
    many of its eligible dwellings stay empty, and their areas. Households
    of one class without locked rivals share the answer: at national scale
    thousands of households with thousands of eligible dwellings each are
    explained.
    """
    # Most households could have had no locked dwelling: no pass over
    # the locks for them.
    lockable = data.locked_eligible.get(h)
    locked = ([(k, d) for k, d, _ in data.locked_pairs if d in lockable]
              if lockable else [])
    key = None if locked else int(data.candidates.class_of[h])
    if key is not None and key in cache:
        return cache[key]
    eligible = data.candidates.eligible_free(h)
    holder = taken_by[eligible]
    held = holder >= 0
    rival_h = np.concatenate([holder[held], [k for k, _ in locked]]).astype(
        np.int64)
    rival_d = np.concatenate([eligible[held], [d for _, d in locked]]).astype(
        np.int64)
    order = _first_by_priority(rival_h, data.priority[rival_h],
                               data.num_households, MAX_COMPETITORS)
    empty = eligible[~held]
    present = np.bincount(data.dwelling_area[empty],
                          minlength=len(data.area_ids))
    areas = sorted(data.area_ids[a] for a in np.flatnonzero(present).tolist())
    answer = (list(zip(rival_h[order].tolist(), rival_d[order].tolist())),
              len(rival_h), len(empty), areas)
    if key is not None:
        cache[key] = answer
    return answer


def _first_by_priority(households: np.ndarray, priority: np.ndarray,
                       bound: int, n: int) -> np.ndarray:
    """
    Positions of the first ``n`` households by priority, highest first,
    then by position in the data (``households`` are below ``bound``),
    ties kept in the order given: the first ``n`` of
    ``np.lexsort((households, -priority))``, without sorting every one
    (a national household has thousands of rivals).
    """
    key = -priority.astype(np.int64) * bound + households
    if len(key) > n:
        least = np.partition(key, n - 1)[n - 1]
        near = np.flatnonzero(key <= least)
        return near[np.argsort(key[near], kind="stable")][:n]
    return np.argsort(key, kind="stable")[:n]


def _why_unmatched(instance, data, taken_by, h, waited,
                   cache=None) -> Unmatched:
    hid = instance.households[h].id
    priority = int(data.priority[h])
    if data.lock_conflicts:
        return Unmatched(
            household=hid,
            priority=priority,
            reason=UnmatchedReason.LOCK_CONFLICT,
            message=_("No proposal was made: the housing office's locks "
                      "conflict (see the conflicts listed with the "
                      "proposal)."),
            waited_days=waited,
        )
    excluded = {
        r: int(n) for r, n in zip(RULES, data.excluded_by[h]) if n > 0
    }
    if data.num_eligible_all[h] == 0:
        return Unmatched(
            household=hid,
            priority=priority,
            reason=UnmatchedReason.NO_ELIGIBLE_DWELLING,
            message=no_eligible_message(data, h),
            excluded_by=excluded,
            waited_days=waited,
        )
    rivals, num_rivals, num_empty, areas = _rivals(
        data, taken_by, h, {} if cache is None else cache)
    competitors = tuple(
        Competitor(
            household=instance.households[k].id,
            dwelling=instance.dwellings[d].id,
            priority=int(data.priority[k]),
        )
        for k, d in rivals
    )
    if num_empty:
        return Unmatched(
            household=hid,
            priority=priority,
            reason=UnmatchedReason.CAPACITY,
            message=_("{n} of its {total} eligible dwellings stay empty "
                      "because a cap or quota is full (areas {areas}); "
                      "housing it would displace a household with higher "
                      "priority or cost more than it gains.", n=num_empty,
                      total=int(data.num_eligible_all[h]),
                      areas=", ".join(areas[:5])),
            excluded_by=excluded,
            competitors=competitors,
            waited_days=waited,
        )
    names = ", ".join(
        _("{household} (priority {priority})", household=c.household,
          priority=c.priority) for c in competitors
    )
    return Unmatched(
        household=hid,
        priority=priority,
        reason=UnmatchedReason.OUTCOMPETED,
        message=ngettext("Its one eligible dwelling went to another "
                         "household: {names}. Its priority is {priority}.",
                         "Every one of its {n} eligible dwellings went to "
                         "another household: {names}. Its priority is "
                         "{priority}.", int(data.num_eligible_all[h]),
                         names=names + (", ..." if num_rivals
                                        > MAX_COMPETITORS else ""),
                         priority=priority),
        excluded_by=excluded,
        competitors=competitors,
        waited_days=waited,
    )


def _with_prospects(instance, policy, data, taken_by, unmatched,
                    assignment=None):
    """
    The waiting households with what they can act on: their place in the
    queue for their best eligible dwellings, the first date a fitting
    dwelling frees up after the horizon, and, for those no dwelling is
    eligible for, the smallest change that would make one eligible.

    The work is bounded: dwellings are tested against one representative
    of each household class (what compiling did for every dwelling), and
    only for the waiting households' few best dwellings and the dwellings
    the horizon leaves out.
    """
    if data.lock_conflicts or data.candidates is None or not unmatched:
        return unmatched
    cand = data.candidates
    h_at = {hid: i for i, hid in enumerate(data.household_ids)}
    waiting = np.array([h_at[u.household] for u in unmatched],
                       dtype=np.int64)
    queues = _queues(instance, data, taken_by, waiting, assignment)
    late, days = _late_dwellings(instance, policy)
    fits_late = _fitting(cand, policy, cand.class_of[waiting], late)
    sizes: dict = {}  # (class, size rule) -> bedrooms of what fits but size
    out = []
    for k, (u, h) in enumerate(zip(unmatched, waiting.tolist())):
        update = {}
        if h in queues:
            update["queue"] = queues[h]
        fit = fits_late[k]
        if fit.any():
            first = int(days[fit].min())
            update["next_free"] = instance.as_of + timedelta(days=first)
        if u.reason == UnmatchedReason.NO_ELIGIBLE_DWELLING:
            update["smallest_change"] = tuple(_smallest_changes(
                instance, policy, data, h, late[fit], days[fit], sizes))
        out.append(u.model_copy(update=update) if update else u)
    return out


def _late_dwellings(instance, policy):
    """Dwellings free only after the planning horizon (not withdrawn),
    and the days until each is free."""
    # A municipality's own policy may set its dwellings' horizon.
    horizons = {m.id: policy.for_municipality(m.id).horizon_days
                for m in instance.municipalities}
    late, days = [], []
    for d, x in enumerate(instance.dwellings):
        wait = (x.available_from - instance.as_of).days
        horizon = horizons.get(x.municipality, policy.horizon_days)
        if wait > horizon and (x.available_until is None
                               or x.available_until >= x.available_from):
            late.append(d)
            days.append(wait)
    return np.array(late, dtype=np.int64), np.array(days, dtype=np.int64)


def _fitting(cand, policy, classes, dwellings, ignore="availability"):
    """
    Which of ``dwellings`` pass every hard rule but ``ignore`` for one
    household of each of ``classes`` (rows in the order given): one rule
    evaluation per distinct class and dwelling, in bounded chunks; bans
    of a household count.
    """
    from .compile import DENSE_CELLS, _take
    from .criteria import rule_failures

    out = np.zeros((len(classes), len(dwellings)), dtype=bool)
    if not len(dwellings) or not len(classes):
        return out
    distinct, back = np.unique(classes, return_inverse=True)
    first = np.zeros(len(cand.tables.eligible), dtype=np.int64)
    first[cand.class_of[::-1]] = np.arange(len(cand.class_of))[::-1]
    reps = first[distinct]
    d = _take(cand.dw, dwellings, dense=False)
    ok = np.zeros((len(distinct), len(dwellings)), dtype=bool)
    step = max(1, DENSE_CELLS // len(dwellings))
    skip = RULES.index(ignore) if ignore in RULES else None
    for start in range(0, len(reps), step):
        part = reps[start:start + step]
        fail = rule_failures(_take(cand.hh, part, dense=True), d, policy)
        if skip is not None:
            fail[skip] = False
        ok[start:start + len(part)] = ~fail.any(axis=0)
    for k, rep in enumerate(reps.tolist()):
        if rep in cand.banned:
            ok[k] &= ~np.isin(dwellings, list(cand.banned[rep]))
    return ok[back]


def _queues(instance, data, taken_by, waiting, assignment=None) -> dict:
    """
    Each waiting household's place in the queue for its best eligible
    dwellings (``MAX_QUEUE``; in all at most ``QUEUE_DWELLINGS_LIMIT``
    distinct dwellings are counted, the households first in the order
    given): households not locked elsewhere for which the dwelling is
    eligible, and how many of them have more priority. Where a full cap
    or quota, not the queue, keeps the household out (``_blocked_by``),
    the place says so and names it.
    """
    picks, chosen = _queue_picks(data, waiting)
    if not picks:
        return {}
    rivals = _queue_lines(data, chosen)
    locked = {h for h, _, _ in data.locked_pairs}
    use = None if assignment is None else _cap_use(data, assignment)
    return {
        h: tuple(_queue_place(data, taken_by, locked, use, h, d, rivals(d))
                 for d in row)
        for h, row in picks.items()
    }


def _queue_picks(data, waiting) -> tuple[dict[int, list[int]], list[int]]:
    """
    The dwellings whose queue each waiting household is told (its best
    ``MAX_QUEUE`` eligible ones, within ``QUEUE_DWELLINGS_LIMIT``
    distinct dwellings in all), and those distinct dwellings in the
    order first chosen. Households of a class without individual terms
    share their class's row.
    """
    cand = data.candidates
    picks: dict[int, list[int]] = {}
    chosen: dict[int, None] = {}
    per_class: dict[int, np.ndarray] = {}
    for h in waiting.tolist():
        if data.num_eligible[h] == 0:
            continue
        c = int(cand.class_of[h])
        if h in cand.individual or c not in per_class:
            row = cand.exact_row(h, MAX_QUEUE)[0]
            if h not in cand.individual:
                per_class[c] = row
        else:
            row = per_class[c]
        keep = []
        for d in row.tolist():
            if d in chosen or len(chosen) < QUEUE_DWELLINGS_LIMIT:
                chosen.setdefault(d, None)
                keep.append(d)
        if keep:
            picks[h] = keep
    return picks, list(chosen)


def _queue_lines(data, chosen: list[int]):
    """
    The queue of each chosen dwelling, as a function of the dwelling:
    the priorities of the free households it is eligible for, in
    ascending order, counted once per dwelling when first asked.
    """
    cand = data.candidates
    dwellings = np.array(chosen, dtype=np.int64)
    column = {d: j for j, d in enumerate(chosen)}
    free = np.array([h for h in range(data.num_households)
                     if h not in cand.locked_households], dtype=np.int64)
    free_class = cand.class_of[free]
    classes = np.unique(free_class)
    eligible = _fitting(cand, cand.policy, classes, dwellings, ignore="")
    free_at = np.searchsorted(classes, free_class)
    priority = data.priority[free]
    queue: dict[int, np.ndarray] = {}

    def rivals(d: int) -> np.ndarray:
        if d not in queue:
            queue[d] = np.sort(priority[eligible[free_at, column[d]]])
        return queue[d]

    return rivals


def _queue_place(data, taken_by, locked, use, h, d, line) -> QueuePlace:
    """Household ``h``'s place in the queue ``line`` of dwelling ``d``,
    who holds the dwelling and why this household does not."""
    hids, dids = data.household_ids, data.dwelling_ids
    p = int(data.priority[h])
    ahead = len(line) - int(np.searchsorted(line, p, side="right"))
    count = max(1, len(line))
    k = int(taken_by[d])
    head = _("{dwelling}: place {place} of {count} in its queue",
             dwelling=dids[d], place=ahead + 1, count=count)
    if k < 0:
        why, text = "empty", _("it stays empty because a cap or quota is "
                               "full")
    elif k in locked:
        why, text = "locked", _("the housing office locked {holder} there",
                                holder=hids[k])
    else:
        why, text = _holder_reason(data, p, k)
    blocks = ([] if use is None or k in locked
              else _blocked_by(data, use, h, d, k))
    if blocks and why in ("empty", "equal_priority", "rules"):
        # Not behind the holder in the queue: the cap decides.
        why, text = _blocked_text(data, blocks, k)
    return QueuePlace(
        dwelling=dids[d], place=ahead + 1, eligible=count,
        held_by=None if k < 0 else hids[k],
        held_by_priority=None if k < 0 else int(data.priority[k]),
        why=why, message=_("{head}; {text}.", head=head, text=text),
        blocked_by=tuple(b[0] for b in blocks),
    )


def _holder_reason(data, p: int, k: int) -> tuple[str, str]:
    """Why a free holder of priority ``data.priority[k]`` has the
    dwelling rather than a waiting household of priority ``p``."""
    holder = data.household_ids[k]
    pk = int(data.priority[k])
    if pk > p:
        return "higher_priority", _(
            "{holder} has it with more priority ({theirs} against "
            "{ours})", holder=holder, theirs=pk, ours=p)
    if pk == p:
        return "equal_priority", _(
            "{holder} has it with equal priority ({theirs}); the round's "
            "quality decides", holder=holder, theirs=pk)
    return "rules", _(
        "{holder} has it with less priority ({theirs} against {ours}): "
        "housing this household there instead would break a cap or quota "
        "or lower the round's objective", holder=holder, theirs=pk, ours=p)


BLOCK_TEXT = {
    "building_cap": N_("building {subject} is full ({used} of {limit} "
                       "refugee households)"),
    "area_cap": N_("area {subject} is full ({used} of {limit} refugee "
                   "households)"),
    "quota_households": N_("municipality {subject} has settled "
                           "{used} of its quota of {limit} households"),
    "quota_persons": N_("municipality {subject} has settled {used} of "
                        "its quota of {limit} persons, and this household "
                        "would add {need}"),
    "quota": N_("municipality {subject} has used {used} of its quota of "
                "{limit} ({dimension}), and this household would add "
                "{need}"),
}
"""What each full cap or quota that keeps a waiting household out of a
dwelling says."""


def _free_matches(data, assignment) -> tuple[np.ndarray, np.ndarray]:
    """The households the proposal matched freely (not by a lock), and
    their dwellings: the caps in ``data`` are what locks left."""
    locked = {h for h, _, _ in data.locked_pairs}
    free = np.array([h for h in np.flatnonzero(assignment >= 0).tolist()
                     if h not in locked], dtype=np.int64)
    return free, np.asarray(assignment, dtype=np.int64)[free]


def _cap_use(data, assignment) -> CapacityLedger:
    """
    What the proposal's free matches use of each cap: refugee households
    per building and per area, and quota places per municipality and
    dimension.
    """
    free, dwellings = _free_matches(data, assignment)
    return CapacityLedger.of_pairs(data, dwellings, free)


def _blocked_by(data, use, h, d, k):
    """
    The caps and quotas that housing household ``h`` in dwelling ``d``
    instead of its holder ``k`` (-1: it stays empty) would exceed, as
    ``(rule, subject, used, limit, need)``: a building or area cap only
    when nobody leaves the dwelling, a quota when ``h`` needs more of it
    than the holder frees.
    """
    used_b, used_a, used_q = use.building_used, use.area_used, use.quota_used
    out = []
    if k < 0:
        b = int(data.dwelling_building[d])
        if b >= 0 and used_b[b] + 1 > data.building_cap[b]:
            out.append(("building_cap", data.building_ids[b],
                        int(used_b[b]), int(data.building_cap[b]), 1))
        a = int(data.dwelling_area[d])
        if used_a[a] + 1 > data.area_cap[a]:
            out.append(("area_cap", data.area_ids[a], int(used_a[a]),
                        int(data.area_cap[a]), 1))
    m = int(data.dwelling_municipality[d])
    for q, dim in enumerate(data.quota_dims):
        need = int(data.household_usage[h, q]) - (
            int(data.household_usage[k, q]) if k >= 0 else 0)
        if need > 0 and used_q[m, q] + need > data.quota_cap[m, q]:
            out.append((f"quota_{dim}", data.municipality_ids[m],
                        int(used_q[m, q]), int(data.quota_cap[m, q]), need))
    return out


def _blocked_text(data, blocks, k):
    """The ``why`` and the words of a queue place that a full cap or
    quota, not the queue, decides."""
    parts = "; ".join(
        _(BLOCK_TEXT.get(rule, BLOCK_TEXT["quota"]),
          subject=subject, used=used, limit=limit, need=need,
          dimension=rule.removeprefix("quota_").replace("_", " "))
        for rule, subject, used, limit, need in blocks)
    if k < 0:
        return "empty", _(
            "it stays empty, and a cap or quota, not the queue, keeps this "
            "household out: {blocks}", blocks=parts)
    return "cap", _(
        "{holder} has it, and a cap or quota, not the queue, keeps this "
        "household out: {blocks}", holder=data.household_ids[k],
        blocks=parts)


def _smallest_changes(instance, policy, data, h, late, days, cache):
    """
    For a household no dwelling is eligible for: changes to one rule each
    that would make a dwelling eligible, from the exact counts, and the
    bedroom count the stock lacks when no dwelling has one the size norm
    allows. ``late`` and ``days``: the dwellings that fit it but for the
    horizon, and the days until each is free. ``cache`` keeps what a
    household class shares (a pass over every dwelling per size rule).
    """
    cand = data.candidates
    D = data.num_dwellings
    only = dict(zip(RULES, data.excluded_only_by[h].tolist()))
    excluded = dict(zip(RULES, data.excluded_by[h].tolist()))
    need = int(cand.hh.need[h])
    size = policy.size
    short = {"forbid": 0, "penalise": 1}.get(size.crowding.value, 99)
    low, high = max(0, need - short), need + size.allowed_surplus
    out = []
    if len(late):
        first = int(days.min())
        n = int((days == first).sum())
        out.append(SmallestChange(
            rule="availability", dwellings=n, horizon_days=first,
            first_date=instance.as_of + timedelta(days=first),
            message=_("A planning horizon of {days} days (now {now}) "
                      "would make {n} dwelling(s) eligible, the first "
                      "free on {first}.", days=first,
                      now=policy.horizon_days, n=n,
                      first=instance.as_of + timedelta(days=first)),
        ))
    bedrooms = cand.dw.bedrooms
    for rule in ("size_too_small", "size_too_large"):
        if not only[rule]:
            continue
        key = (int(cand.class_of[h]), rule)
        if key not in cache:
            fits = _fitting(cand, policy, cand.class_of[[h]],
                            np.arange(D, dtype=np.int64), ignore=rule)[0]
            cache[key] = bedrooms[fits & (
                (bedrooms < low) if rule == "size_too_small"
                else (bedrooms > high))]
        beds = cache[key]
        if not len(beds):
            continue
        if rule == "size_too_small":
            b = int(beds.max())
            text = _("{n} dwelling(s) fail only on too few bedrooms; the "
                     "largest has {largest}, the size norm asks for at "
                     "least {least}: allowing {fewer} bedroom(s) fewer "
                     "would make one eligible.", n=only[rule], largest=b,
                     least=low, fewer=low - b)
        else:
            b = int(beds.min())
            text = _("{n} dwelling(s) fail only on too many bedrooms; "
                     "the smallest has {smallest}: an allowed surplus of "
                     "{surplus} (now {now}) would make one eligible.",
                     n=only[rule], smallest=b, surplus=b - need,
                     now=size.allowed_surplus)
        out.append(SmallestChange(rule=rule, dwellings=int(only[rule]),
                                  bedrooms=b, message=text))
    for rule in RULES:
        if rule in ("availability", "size_too_small", "size_too_large"):
            continue
        if only[rule]:
            out.append(SmallestChange(
                rule=rule, dwellings=int(only[rule]),
                message=_("{n} dwelling(s) fail only on '{rule}'.",
                          n=only[rule], rule=_short(rule)),
            ))
    if D - excluded["size_too_small"] - excluded["size_too_large"] <= 0:
        wanted = (_("{low} to {high}", low=low, high=high) if low != high
                  else str(low))
        out.append(SmallestChange(
            rule="bedrooms", bedrooms=need,
            message=_("None of the {total} dwellings has {wanted} "
                      "bedrooms, as the size norm asks for this household: "
                      "a dwelling with {need} bedrooms is needed.",
                      total=D, wanted=wanted, need=need),
        ))
    return out


SUBJECT_TEXT = {
    "area": N_("area {id}"),
    "building": N_("building {id}"),
    "municipality": N_("municipality {id}"),
}
"""What a full cap or quota is of, in words (``Binding.subject`` keeps the
English, as the proposal's files name it)."""


def _binding_caps(data, result, ends_at, marginal_values) -> list[Binding]:
    """
    Full caps and quotas, with what one more place would give.

    The re-solves share the time left before ``ends_at`` and stop when
    a stop is requested (see ``_resolve_one_more``).
    """
    free, dwellings = _free_matches(data, result.assignment)
    use = CapacityLedger.of_pairs(data, dwellings, free)
    used_area = use.area_used
    candidates = []
    for a in range(len(data.area_ids)):
        if data.area_cap[a] < UNLIMITED and used_area[a] >= data.area_cap[a]:
            candidates.append(("area_cap", a, f"area {data.area_ids[a]}",
                               int(used_area[a]), int(data.area_cap[a])))
    used_b = use.building_used
    for b in range(len(data.building_ids)):
        if data.building_cap[b] < UNLIMITED and used_b[b] >= data.building_cap[b]:
            candidates.append(("building_cap", b,
                               f"building {data.building_ids[b]}",
                               int(used_b[b]), int(data.building_cap[b])))
    for q, dim in enumerate(data.quota_dims):
        used = use.quota_used[:, q]
        for m in range(len(data.municipality_ids)):
            cap = data.quota_cap[m, q]
            if cap < UNLIMITED and used[m] >= cap:
                candidates.append((f"quota_{dim}", (m, q),
                                   f"municipality {data.municipality_ids[m]}",
                                   int(used[m]), int(cap)))
    candidates += _full_places(data, free, dwellings)
    housed = int((result.assignment >= 0).sum())
    out = []
    for k, (rule, index, subject, used, cap) in enumerate(candidates):
        marginal_housed = marginal_objective = None
        if (marginal_values and k < MAX_MARGINAL_SOLVES
                and result.proven_optimal and not data.pruned
                and data.num_pairs <= MARGINAL_PAIRS_LIMIT):
            again = _resolve_one_more(data, result, rule, index, ends_at)
            if again is not None and again.proven_optimal:
                marginal_housed = int((again.assignment >= 0).sum()) - housed
                marginal_objective = int(again.value - result.value)
        what = {
            "area_cap": _("refugee households (area cap)"),
            "building_cap": _("refugee households (building cap)"),
        }.get(rule)
        if what is None and rule.startswith("places_"):
            what = _("free places: {kind}",
                     kind=rule.removeprefix("places_"))
        elif what is None:
            what = _("places in the quota of {dimension}",
                     dimension=rule.removeprefix("quota_"))
        kind, _space, ident = subject.partition(" ")
        message = _("{subject} is full: {used} of {cap} {what}.",
                    subject=_(SUBJECT_TEXT[kind], id=ident)
                    if kind in SUBJECT_TEXT else subject, used=used,
                    cap=cap, what=what)
        if marginal_housed is not None:
            message += " " + _(
                "One more place would house {n} more household(s) and "
                "change the objective by {change}.", n=marginal_housed,
                change=marginal_objective)
        out.append(Binding(rule=rule, subject=subject, used=used, limit=cap,
                           marginal_housed=marginal_housed,
                           marginal_objective=marginal_objective,
                           message=message))
    return out


def _resolve_one_more(data, result, rule, index, ends_at):
    """The solve with one more place, or None when time or a stop says
    not to start it."""
    from .engines import solve

    if interrupt.stop_requested():
        return None
    left = None if ends_at is None else ends_at - time.perf_counter()
    # A re-solve needs about as long as the solve itself (the flow engine
    # has no time limit of its own), so none starts with less left.
    if left is not None and left < max(
        MIN_MARGINAL_SECONDS, result.build_seconds + result.solve_seconds
    ):
        return None
    return solve(_one_more(data, rule, index),
                 engine=result.route.rerun_engine, time_limit=left)


def _full_places(data, free, dwellings) -> list[tuple]:
    """Areas and municipalities whose free service places the free
    households use up (``allocator.places``)."""
    out = []
    for k, kind in enumerate(data.place_kinds):
        cap = data.place_cap[k]
        used = np.bincount(data.place_group[dwellings, k],
                           weights=data.place_usage[free, k],
                           minlength=len(cap)).astype(np.int64)
        ids = (data.municipality_ids if kind == "introduction"
               else data.area_ids)
        what = "municipality" if kind == "introduction" else "area"
        for g in np.flatnonzero((cap < UNLIMITED) & (used >= cap)
                                & (used > 0)).tolist():
            out.append((f"places_{kind}", (k, g), f"{what} {ids[g]}",
                        int(used[g]), int(cap[g])))
    return out


def _one_more(data: AllocationData, rule, index) -> AllocationData:
    if rule.startswith("places_"):
        k, g = index
        caps = list(data.place_cap)
        caps[k] = caps[k].copy()
        caps[k][g] += 1
        return dataclasses.replace(data, place_cap=tuple(caps))
    if rule == "area_cap":
        cap = data.area_cap.copy()
        cap[index] += 1
        return dataclasses.replace(data, area_cap=cap)
    if rule == "building_cap":
        cap = data.building_cap.copy()
        cap[index] += 1
        return dataclasses.replace(data, building_cap=cap)
    quota = data.quota_cap.copy()
    quota[index] += 1
    return dataclasses.replace(data, quota_cap=quota)


def _kpis(instance, policy, result, waited, deadline, held=()) -> Kpis:
    assignment = result.assignment
    housed = assignment >= 0
    housed[list(held)] = False  # sitting tenants were housed already
    hs = instance.households
    group = np.array([h.is_priority_group for h in hs], dtype=bool)
    by_type: dict[str, list[int]] = {}
    for h, ok in zip(hs, housed.tolist()):
        row = by_type.setdefault(h.household_type.value, [0, 0])
        row[0] += int(ok)
        row[1] += 1
    surplus, crowded = [], 0
    tenure = Counter()
    for h in np.flatnonzero(housed).tolist():
        d = instance.dwellings[int(assignment[h])]
        tenure[d.tenure.value] += 1
        if result.room[h]:
            continue
        need = bedrooms_needed(hs[h].members, policy.size)
        surplus.append(d.bedrooms - need)
        # Statistics Norway: crowded when more residents than rooms, and
        # rooms here count bedrooms plus the living room.
        crowded += hs[h].size > d.bedrooms + 1
    per_area = Counter(
        instance.dwellings[int(d)].area for d in assignment[housed]
    )
    share_after = {}
    for a in instance.areas:
        total = a.resident_households + per_area[a.id]
        share_after[a.id] = round(
            (a.refugee_households + per_area[a.id]) / total, 4
        ) if total else 0.0
    return Kpis(
        households=len(hs),
        dwellings=len(instance.dwellings),
        housed=int(housed.sum()),
        housed_within_deadline=int((housed & (waited <= deadline)).sum()),
        housed_priority_group=int((housed & group).sum()),
        priority_group=int(group.sum()),
        crowded=int(crowded),
        mean_surplus_bedrooms=round(float(np.mean(surplus)), 3)
        if surplus else 0.0,
        shared=int(result.room.sum()),
        by_type={k: (v[0], v[1]) for k, v in sorted(by_type.items())},
        by_tenure=dict(sorted(tenure.items())),
        area_refugee_share_after=share_after,
    )


def provenance(instance: Instance, policy: Policy) -> Provenance:
    """Hashes, versions and revision that make a proposal reproducible."""
    return Provenance(
        instance_name=instance.name,
        instance_sha256=_sha(instance.model_dump_json()),
        as_of=instance.as_of,
        policy_name=policy.name,
        policy_sha256=_sha(policy.model_dump_json()),
        versions=dict(_versions()),
        git_revision=_git_revision(),
        created_at=datetime.now(UTC).replace(microsecond=0),
    )


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    """Installed versions, read once per process."""
    versions = []
    for package in ("housing-allocator", "ortools", "highspy", "pulp",
                    "numpy", "networkx", "pydantic"):
        try:
            versions.append((package, metadata.version(package)))
        except metadata.PackageNotFoundError:
            versions.append((package, "not installed"))
    return tuple(versions)


@functools.cache
def _git_revision() -> str:
    """The checkout's revision, asked of git once per process."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, timeout=5,
            cwd=Path(__file__).resolve().parent,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""
