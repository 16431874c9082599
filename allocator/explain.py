"""Turns a result into a proposal a housing officer can defend."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import subprocess
import time
from collections import Counter
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np

from models import (
    Binding,
    Competitor,
    Instance,
    Kpis,
    Match,
    Objective,
    Policy,
    Proposal,
    Provenance,
    SolverStats,
    Status,
    Unmatched,
    UnmatchedReason,
)

from . import interrupt
from .compile import bedrooms_needed, deadline_days
from .data import CRITERIA, RULE_LABEL, RULES, UNLIMITED, AllocationData
from .result import Result

MAX_COMPETITORS = 3
"""Competitors named in an 'outcompeted' reason."""

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
    households = instance.households
    dwellings = instance.dwellings
    waited = np.array(
        [(instance.as_of - h.permit_date).days for h in households]
    )
    deadline = np.array([deadline_days(h, policy) for h in households])
    locked = {h for h, _, _ in data.locked_pairs}

    matches = []
    free_scores = _free_scores(data, assignment, locked)
    for h in np.flatnonzero(assignment >= 0).tolist():
        d = int(assignment[h])
        if h in locked:
            scores = data.locked_scores[h]
            rank, eligible = 1, 1
        else:
            scores = free_scores[h]
            rank, eligible = data.candidates.rank(h, d)
        matches.append(
            Match(
                household=households[h].id,
                dwelling=dwellings[d].id,
                priority=int(data.priority[h]),
                quality=int(np.sum(scores)),
                scores={c: int(v) for c, v in zip(CRITERIA, scores)},
                rank=rank,
                eligible=eligible,
                shared=bool(result.room[h]),
                locked=h in locked,
                waited_days=int(waited[h]),
                within_deadline=bool(waited[h] <= deadline[h]),
            )
        )

    # Who holds each dwelling (-1: empty), for the competitors.
    taken_by = np.full(data.num_dwellings, -1, dtype=np.int64)
    housed = np.flatnonzero(assignment >= 0)
    taken_by[assignment[housed]] = housed
    per_class: dict = {}
    unmatched = [
        _why_unmatched(instance, data, taken_by, h, int(waited[h]),
                       per_class)
        for h in np.flatnonzero(assignment < 0).tolist()
    ]
    binding = (
        _binding_caps(data, result, ends_at, marginal_values)
        if result.status in (Status.OPTIMAL, Status.FEASIBLE)
        else []
    )
    solved = result.status in (Status.OPTIMAL, Status.FEASIBLE)
    objective = None
    if solved:
        objective = Objective(
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
    return Proposal(
        status=result.status,
        objective=objective,
        matches=tuple(matches),
        unmatched=tuple(unmatched),
        binding=tuple(binding),
        conflicts=tuple(c.message for c in data.lock_conflicts),
        kpis=_kpis(instance, policy, result, waited, deadline),
        solver=SolverStats(
            engine=result.engine,
            status=result.status,
            proven_optimal=result.proven_optimal,
            num_households=data.num_households,
            num_dwellings=data.num_dwellings,
            num_pairs=data.num_pairs,
            workers=result.workers,
            seed=result.seed,
            time_limit=time_limit,
            # Seconds vary from run to run: they go to the run log.
            detail={k: v for k, v in result.detail.items()
                    if not k.endswith("_seconds")},
        ),
        provenance=provenance(instance, policy),
    )


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
    message = (
        f"No eligible dwelling: 0 of {D} dwellings pass every rule. Ruled "
        f"out: {', '.join(parts) or 'none'}."
    )
    relax = [
        f"{int(n)} fail on '{_short(r)}' alone"
        for r, n in sorted(zip(RULES, only), key=lambda x: -x[1])
        if n > 0
    ]
    if relax:
        text = "; ".join(relax[:3])
        message += f" {text[0].upper()}{text[1:]}."
    return message


def _short(rule: str) -> str:
    return RULE_LABEL[rule]


def _rivals(data, taken_by, h, cache):
    """
    The households holding a household's eligible dwellings, highest
    priority first (at most ``MAX_COMPETITORS``), how many there are, how
    many of its eligible dwellings stay empty, and their areas. Households
    of one class without locked rivals share the answer: at national scale
    thousands of households with thousands of eligible dwellings each are
    explained.
    """
    locked = [(k, d) for k, d, _ in data.locked_pairs
              if d in data.locked_eligible.get(h, ())]
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
    order = np.lexsort((rival_h, -data.priority[rival_h]))[:MAX_COMPETITORS]
    empty = eligible[~held]
    areas = sorted(data.area_ids[a]
                   for a in np.unique(data.dwelling_area[empty]).tolist())
    answer = (list(zip(rival_h[order].tolist(), rival_d[order].tolist())),
              len(rival_h), len(empty), areas)
    if key is not None:
        cache[key] = answer
    return answer


def _why_unmatched(instance, data, taken_by, h, waited,
                   cache=None) -> Unmatched:
    hid = instance.households[h].id
    priority = int(data.priority[h])
    if data.lock_conflicts:
        return Unmatched(
            household=hid,
            priority=priority,
            reason=UnmatchedReason.LOCK_CONFLICT,
            message="No proposal was made: the housing office's locks "
            "conflict (see the conflicts listed with the proposal).",
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
            message=f"{num_empty} of its {int(data.num_eligible_all[h])} "
            "eligible dwellings stay empty because a cap or quota is full "
            f"(areas {', '.join(areas[:5])}); housing it would displace a "
            "household with higher priority or cost more than it gains.",
            excluded_by=excluded,
            competitors=competitors,
            waited_days=waited,
        )
    names = ", ".join(
        f"{c.household} (priority {c.priority})" for c in competitors
    )
    return Unmatched(
        household=hid,
        priority=priority,
        reason=UnmatchedReason.OUTCOMPETED,
        message=f"Every one of its {int(data.num_eligible_all[h])} eligible "
        f"dwellings went to another household: {names}"
        + (", ..." if num_rivals > MAX_COMPETITORS else "")
        + f". Its priority is {priority}.",
        excluded_by=excluded,
        competitors=competitors,
        waited_days=waited,
    )


def _binding_caps(data, result, ends_at, marginal_values) -> list[Binding]:
    """
    Full caps and quotas, with what one more place would give.

    The re-solves share the time left before ``ends_at`` and stop when
    a stop is requested (see ``_resolve_one_more``).
    """
    free = np.flatnonzero(result.assignment >= 0)
    locked = {h for h, _, _ in data.locked_pairs}
    free = np.array([h for h in free.tolist() if h not in locked], dtype=int)
    dwellings = result.assignment[free].astype(int)
    used_area = np.bincount(data.dwelling_area[dwellings],
                            minlength=len(data.area_ids))
    candidates = []
    for a in range(len(data.area_ids)):
        if data.area_cap[a] < UNLIMITED and used_area[a] >= data.area_cap[a]:
            candidates.append(("area_cap", a, f"area {data.area_ids[a]}",
                               int(used_area[a]), int(data.area_cap[a])))
    in_building = data.dwelling_building[dwellings]
    used_b = np.bincount(in_building[in_building >= 0],
                         minlength=len(data.building_ids))
    for b in range(len(data.building_ids)):
        if data.building_cap[b] < UNLIMITED and used_b[b] >= data.building_cap[b]:
            candidates.append(("building_cap", b,
                               f"building {data.building_ids[b]}",
                               int(used_b[b]), int(data.building_cap[b])))
    muni = data.dwelling_municipality[dwellings]
    for q, dim in enumerate(data.quota_dims):
        used = np.bincount(muni, weights=data.household_usage[free, q],
                           minlength=len(data.municipality_ids))
        for m in range(len(data.municipality_ids)):
            cap = data.quota_cap[m, q]
            if cap < UNLIMITED and used[m] >= cap:
                candidates.append((f"quota_{dim}", (m, q),
                                   f"municipality {data.municipality_ids[m]}",
                                   int(used[m]), int(cap)))
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
            "area_cap": "refugee households (area cap)",
            "building_cap": "refugee households (building cap)",
        }.get(rule, rule.replace("quota_", "places in the quota of "))
        message = f"{subject} is full: {used} of {cap} {what}."
        if marginal_housed is not None:
            message += (
                f" One more place would house {marginal_housed} more "
                f"household(s) and change the objective by "
                f"{marginal_objective}."
            )
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
                 engine=result.engine.split(":")[0], time_limit=left)


def _one_more(data: AllocationData, rule, index) -> AllocationData:
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


def _kpis(instance, policy, result, waited, deadline) -> Kpis:
    assignment = result.assignment
    housed = assignment >= 0
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
