"""
Assembling the proposal document: the matches with their scores, the
waiting households with their reasons, the binding caps, the objective,
KPIs, solver statistics, the sitting tenants' moves and the provenance
that makes the proposal reproducible.
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from importlib import metadata

import numpy as np

from models import (
    Instance,
    Kpis,
    Match,
    Move,
    Objective,
    Policy,
    Proposal,
    Provenance,
    SolverStats,
    Status,
)

from .. import household_columns as columns
from ..collector import paused as collector_paused
from ..data import CRITERIA, AllocationData
from ..moving import chains
from ..result import Result
from .binding import _binding_caps
from .matched import (
    _alternatives,
    _match_scores,
    _not_judged,
    _pair_of,
    _ranks_and_nearest,
)
from .unmatched import _waiting


# Paused: the proposal is some 100,000 objects that all live on (a match,
# its scores and alternative for each of 13,000 housed households on
# national), and the passes of the collector their making set off took a
# tenth of the time.
@collector_paused()
def build_proposal(
    instance: Instance,
    policy: Policy,
    data: AllocationData,
    result: Result,
    marginal_values: bool = True,
    time_limit: float | None = None,
    ends_at: float | None = None,
    instance_hash: Callable[[], str] | None = None,
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
    instance_hash
        Gives the instance's hash (``instance_sha256``) for the
        provenance, when it is being worked out elsewhere meanwhile (the
        pipeline hashes it in a forked child while it solves). Default:
        hashed here.
    """
    if ends_at is None and time_limit is not None:
        spent = result.build_seconds + result.solve_seconds
        ends_at = time.perf_counter() + max(0.0, time_limit - spent)
    assignment = result.assignment
    # Every household's members as columns, read in one pass: its days
    # waited, type, deadline and bedrooms needed follow for all at once.
    members = columns.Members.of(instance.households)
    waited = instance.as_of.toordinal() - members.permit_day
    group, deadline = _by_type(members, policy)
    held = dict(data.tenants)
    # Who holds each dwelling (-1: empty), for the competitors.
    taken_by = np.full(data.num_dwellings, -1, dtype=np.int64)
    housed = np.flatnonzero(assignment >= 0)
    taken_by[assignment[housed]] = housed
    matches = _matches(instance, data, result, waited, deadline, held,
                       taken_by)
    waiting = [h for h in np.flatnonzero(assignment < 0).tolist()
               if h not in held]  # a tenant unmatched moved out: see moves
    unmatched = _waiting(instance, policy, data, taken_by, waiting, waited,
                         assignment=assignment)
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
        kpis=_kpis(instance, policy, result, waited, deadline, held,
                   members, group),
        solver=_solver_stats(data, result, time_limit),
        provenance=provenance(instance, policy, instance_hash),
        moves=moves_of(instance, data, assignment) if solved else (),
    )


def _matches(instance, data, result, waited, deadline, held, taken_by):
    """
    Every match with its scores, rank among the household's eligible
    dwellings, deadline and, for a free household, its nearest
    alternative dwelling (``_alternatives``).
    """
    assignment = result.assignment
    households, dwellings = instance.households, instance.dwellings
    locked = {h for h, _, _ in data.locked_pairs}
    housed_at = np.flatnonzero(assignment >= 0)
    housed = housed_at.tolist()
    table = _match_scores(data, assignment, housed_at, locked)
    quality = dict(zip(housed, table.sum(axis=1).tolist()))
    ranked = [h for h in housed if h not in locked and h not in held]
    ranks = dict(zip(ranked, _ranks_and_nearest(
        data.candidates, ranked, [int(assignment[h]) for h in ranked])))
    nearest = {h: other for h, (_, _, other) in ranks.items()
               if other >= 0}
    alternatives = _alternatives(instance, data, quality, nearest,
                                 taken_by)
    shown = [c for c in CRITERIA if c != "moving" or data.tenants]
    scores = table[:, [CRITERIA.index(c) for c in shown]].tolist()
    # Read once as Python values: an element of an array read one at a
    # time costs more than the row it comes from.
    dwelling_of, priority = assignment.tolist(), data.priority.tolist()
    room, num_eligible = result.room.tolist(), data.num_eligible.tolist()
    waited_days, deadline_days = waited.tolist(), deadline.tolist()
    matches = []
    for h, row in zip(housed, scores):
        if h in locked:
            rank, eligible = 1, 1
        elif h in held:
            # A sitting tenant: scored by the moving policy alone.
            rank, eligible = 1, num_eligible[h]
        else:
            rank, eligible, _other = ranks[h]
        matches.append(Match(
            household=households[h].id,
            dwelling=dwellings[dwelling_of[h]].id,
            priority=priority[h],
            quality=quality[h],
            scores=dict(zip(shown, row)),
            rank=rank,
            eligible=eligible,
            shared=room[h],
            locked=h in locked,
            waited_days=waited_days[h],
            within_deadline=waited_days[h] <= deadline_days[h],
            alternative=alternatives.get(h),
        ))
    return matches


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


def _by_type(members: columns.Members, policy):
    """
    Whether each household is of the priority group, and its deadline in
    days: both depend on the household through its type alone
    (``members.type``).
    """
    return (members.of_type(columns.PRIORITY_GROUP),
            columns.deadline_days(members, policy))


def _kpis(instance, policy, result, waited, deadline, held, members,
          group) -> Kpis:
    """The proposal's key figures; ``members``: every household's
    members as columns (``household_columns.Members``), ``group``:
    whether each household is of the priority group."""
    assignment = result.assignment
    housed = assignment >= 0
    housed[list(held)] = False  # sitting tenants were housed already
    hs = instance.households
    of_type = np.bincount(members.type, minlength=len(columns.TYPES))
    housed_of_type = np.bincount(members.type[housed],
                                 minlength=len(columns.TYPES))
    by_type = sorted((kind.value, (int(housed_of_type[c]), int(of_type[c])))
                     for c, kind in enumerate(columns.TYPES) if of_type[c])
    chosen = np.flatnonzero(housed)
    dwellings = [instance.dwellings[d] for d in assignment[chosen].tolist()]
    tenure = Counter(d.tenure for d in dwellings)
    # A room in shared housing is left out of the surplus and crowding.
    whole = ~result.room[chosen].astype(bool)
    bedrooms = np.array([d.bedrooms for d in dwellings], dtype=np.int64)
    need = columns.bedrooms_needed(members, policy.size)[chosen]
    surplus = (bedrooms - need)[whole]
    # Statistics Norway: crowded when more residents than rooms, and
    # rooms here count bedrooms plus the living room.
    crowded = (members.size[chosen] > bedrooms + 1)[whole].sum()
    per_area = Counter(d.area for d in dwellings)
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
        if len(surplus) else 0.0,
        shared=int(result.room.sum()),
        by_type=dict(by_type),
        by_tenure=dict(sorted((t.value, n) for t, n in tenure.items())),
        area_refugee_share_after=share_after,
    )


def provenance(instance: Instance, policy: Policy,
               instance_hash: Callable[[], str] | None = None) -> Provenance:
    """Hashes, versions and revision that make a proposal reproducible;
    ``instance_hash`` gives the instance's hash when it is worked out
    elsewhere (see ``build_proposal``)."""
    return Provenance(
        instance_name=instance.name,
        instance_sha256=(instance_sha256(instance) if instance_hash is None
                         else instance_hash()),
        as_of=instance.as_of,
        policy_name=policy.name,
        policy_sha256=_sha(policy.model_dump_json()),
        versions=dict(_versions()),
        git_revision=_git_revision(),
        created_at=datetime.now(UTC).replace(microsecond=0),
    )


def instance_sha256(instance: Instance) -> str:
    """The instance's hash, by which a proposal names what it was made
    from."""
    return _sha(instance.model_dump_json())


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    """Installed versions, read once per process."""
    from ..build_info import installed_version

    versions = []
    for package in ("housing-allocator", "ortools", "highspy", "pulp",
                    "numpy", "networkx", "pydantic"):
        try:
            versions.append((package, installed_version(package)))
        except metadata.PackageNotFoundError:
            versions.append((package, "not installed"))
    return tuple(versions)


@functools.cache
def _git_revision() -> str:
    """The checkout's revision, asked of git once per process (started
    early by the commands that build a proposal: ``build_info``)."""
    from ..build_info import git_revision

    return git_revision()
