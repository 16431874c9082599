"""
The hindsight optimum: every arrival and vacancy known in advance, solved
once as one matching.

A pair (household, dwelling) is eligible by the same compiled rules as in
the rounds. It can be matched at the first round at which the household
waits, the dwelling is known and the policy's horizon reaches its
availability, provided the dwelling's window is still open then; it then
settles at that round or when the dwelling is free, whichever is later.
Matching it at that earliest round is never worse, so one bipartite
matching over the whole horizon, with the policy's caps and quotas, gives
the most households settled within their deadline that any sequence of
rounds could reach; among those, the most households settled at all.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import numpy as np

from models import DecisionKind, Instance, Policy, SimulationParams

from ..compile import compile_instance
from ..criteria import rooms
from ..data import AllocationData
from ..engines.flow import solve_flow
from ..engines.relax import relaxed
from .reservations import unreserved_without
from .world import World, deadline_of


@dataclass(frozen=True)
class Hindsight:
    """
    The hindsight optimum of one world under one policy.

    Parameters
    ----------
    within
        Households settled within their deadline.
    housed
        Households settled during the horizon.
    within_by_household
        Ids of the households settled within their deadline.
    bound_only
        Whether rules beyond a network (shared rooms, quotas in persons)
        were relaxed: the figure is then an upper bound, not a matching
        the rules allow.
    """

    within: int
    housed: int
    within_by_household: frozenset[str]
    bound_only: bool


def union_instance(world: World) -> Instance:
    """Every household and dwelling of the world in one instance, dated at
    the end of the horizon (so every permit lies before it)."""
    inst = world.instance
    households = {h.id for h in world.households}
    dwellings = {d.id for d in world.dwellings}
    bans = tuple(
        d for d in inst.decisions
        if d.kind == DecisionKind.BAN and d.household in households
        and d.dwelling in dwellings
    )
    travel = tuple(
        t.model_copy(update={"dwelling": did})
        for did in sorted(world.templates)
        for t in inst.travel_times
        if t.dwelling == world.templates[did]
    ) if inst.travel_times else ()
    return Instance(
        name=f"{inst.name[:80]}-hindsight",
        as_of=max(world.end, *(h.permit_date for h in world.households))
        if world.households else world.end,
        municipalities=inst.municipalities,
        areas=inst.areas,
        buildings=inst.buildings,
        area_nationalities=inst.area_nationalities,
        nodes=inst.nodes,
        edges=inst.edges,
        sites=inst.sites,
        travel_times=travel,
        dwellings=tuple(unreserved_without(
            world.dwellings, {h.id for h in world.households})),
        households=tuple(
            h if h.current_dwelling is None or h.current_dwelling in dwellings
            else h.model_copy(update={"current_dwelling": None,
                                      "moving_on": False})
            for h in world.households
        ),
        decisions=bans,
    )


_UNIONS: list[tuple[World, Instance]] = []
"""The union instances of the last worlds: a seed's hindsight optima
(one per policy and rule switched off) share their world's."""


def _union_of(world: World) -> Instance:
    """``union_instance`` of the world, made once for its optima."""
    for known, union in _UNIONS:
        if known is world:
            return union
    union = union_instance(world)
    _UNIONS.insert(0, (world, union))
    del _UNIONS[4:]
    return union


def timing(world: World, policy: Policy, params: SimulationParams,
           pair_household: np.ndarray, pair_dwelling: np.ndarray):
    """
    For each pair: whether some round can match it, and whether it then
    settles within the household's deadline.
    """
    start = world.start

    def day(d: date) -> int:
        return (d - start).days

    rounds = np.array([day(r) for r in world.rounds], dtype=np.int64)
    joins = np.array([day(j) for j in world.joins], dtype=np.int64)
    permits = np.array([day(h.permit_date) for h in world.households],
                       dtype=np.int64)
    deadlines = np.array([deadline_of(h, params) for h in world.households],
                         dtype=np.int64)
    known = np.array([day(k) for k in world.known], dtype=np.int64)
    opens = np.array([day(d.available_from) for d in world.dwellings],
                     dtype=np.int64)
    never = np.iinfo(np.int64).max // 4
    until = np.array([
        never if d.available_until is None else day(d.available_until)
        for d in world.dwellings
    ], dtype=np.int64)

    h, d = pair_household, pair_dwelling
    # A pair's first round is the first at or after the later of the
    # household's joining and the dwelling's earliest day. Finding the
    # first round is monotone, so that is the later of the household's
    # and the dwelling's first rounds: two look-ups, not one search per
    # pair.
    earliest = known
    if policy.hard.availability:
        earliest = np.maximum(known, opens - policy.horizon_days)
    k = np.maximum(
        np.searchsorted(rounds, joins, side="left").astype(np.int32)[h],
        np.searchsorted(rounds, earliest, side="left").astype(np.int32)[d])
    exists = k < len(rounds)
    matched_at = np.append(rounds, never)[k]  # ``never`` past the last
    feasible = exists & (matched_at <= until[d])
    settled = np.maximum(matched_at, opens[d])
    within = feasible & (settled <= (permits + deadlines)[h])
    return feasible, within


def hindsight(world: World, policy: Policy,
              params: SimulationParams) -> Hindsight:
    """
    Solves the hindsight matching of one world under one policy.

    The pairs are compiled from the union instance with the availability
    rule switched off (timing is added here instead); their value is
    ``num_households + 1`` for a settlement within the deadline plus 1 for
    any settlement, so the flow maximises settlements within deadline
    first. Soft dispersion is left out: it does not count here.
    """
    union = _union_of(world)
    rules = hindsight_rules(policy)
    # Only eligibility is needed here, not the scores of the pairs: the
    # compiler keeps no scored pair per household and _all_pairs reads
    # every eligible pair from its candidates.
    data = compile_instance(union, rules, candidates_per_household=0)
    ph, pd = _all_pairs(data)
    feasible, within = timing(world, policy, params, ph, pd)
    ph, pd, within = ph[feasible], pd[feasible], within[feasible]
    H = data.num_households
    value = within.astype(np.int64) * (H + 1) + 1
    valued = _with_pairs(data, ph, pd, value)
    flow_data = valued
    bound_only = not flow_data.network_representable
    if bound_only:
        flow_data = relaxed(flow_data)
    result = solve_flow(flow_data)
    chosen = np.asarray(result.assignment, dtype=np.int64)
    matched = np.flatnonzero(chosen >= 0)
    wins = _within_chosen(valued, matched, chosen[matched])
    return Hindsight(
        within=len(wins), housed=len(matched),
        within_by_household=frozenset(data.household_ids[h]
                                      for h in wins.tolist()),
        bound_only=bound_only,
    )


def _within_chosen(flow_data: AllocationData, hs: np.ndarray,
                   ds: np.ndarray) -> np.ndarray:
    """The chosen households whose pair settles within the deadline: a
    pair's value is above 1 exactly then (``_with_pairs`` sorts the pairs
    by household and dwelling, so each is found by bisection)."""
    if not len(hs):
        return hs
    D = max(flow_data.num_dwellings, 1)
    keys = (flow_data.pair_household.astype(np.int64) * D
            + flow_data.pair_dwelling.astype(np.int64))
    want = hs * D + ds
    pos = np.minimum(np.searchsorted(keys, want), len(keys) - 1)
    found = keys[pos] == want
    return hs[found & (flow_data.pair_quality[pos] > 1)]


def hindsight_rules(policy: Policy) -> Policy:
    """
    The rules the hindsight optimum compiles with: the policy's, with the
    availability rule off (timing is added instead) and no criterion
    weighted. The pairs' scores are not used, so the compiler then spends
    nothing on them (its searches for the wish to live near a place or the
    children's school); eligibility, caps and quotas are the policy's.
    Two policies with the same rules have the same hindsight optimum.
    """
    return policy.model_copy(update={
        "name": "hindsight",
        "description": "",
        "hard": policy.hard.model_copy(update={"availability": False}),
        "weights": policy.weights.model_copy(update={
            name: 0 for name in type(policy.weights).model_fields
        }),
    })


def _all_pairs(data: AllocationData) -> tuple[np.ndarray, np.ndarray]:
    """Every eligible pair, also those a pruning compiler left out, sorted
    by household, then dwelling: each household's free eligible
    dwellings (its class's), placed class by class where its run of
    pairs starts, not household by household."""
    if not data.pruned:
        return (data.pair_household.astype(np.int64),
                data.pair_dwelling.astype(np.int64))
    cand = data.candidates
    rows = [np.sort(np.asarray(cand.free[c][0], dtype=np.int64))
            for c in range(len(cand.members))]
    counts = np.zeros(data.num_households, dtype=np.int64)
    for members, row in zip(cand.members, rows, strict=True):
        counts[members] = len(row)
    starts = np.cumsum(counts) - counts
    ph = np.repeat(np.arange(data.num_households, dtype=np.int64), counts)
    pd = np.empty(len(ph), dtype=np.int64)
    for members, row in zip(cand.members, rows, strict=True):
        if len(members) and len(row):
            at = starts[members][:, None] + np.arange(len(row))
            pd[at] = row
    if not cand.co_residents:  # no locks: every pair is admitted
        return ph, pd
    keep = cand.admits(ph, pd)
    return ph[keep], pd[keep]


def _with_pairs(data: AllocationData, ph: np.ndarray, pd: np.ndarray,
                value: np.ndarray) -> AllocationData:
    """The compiled data with these pairs valued ``value`` each, no
    priority and no dispersion penalty."""
    keys = ph * max(data.num_dwellings, 1) + pd
    if len(keys) > 1 and not (keys[1:] > keys[:-1]).all():
        # (_all_pairs gives them sorted already.)
        order = np.lexsort((pd, ph))
        ph, pd, value = ph[order], pd[order], value[order]
    room = np.zeros(len(ph), dtype=bool)
    if data.candidates is not None and len(ph):
        # Only the room flags: the pairs' scores are not used here.
        cand = data.candidates
        room = np.broadcast_to(rooms(
            SimpleNamespace(open_shared=cand.hh.open_shared[ph]),
            SimpleNamespace(shared_rooms=cand.dw.shared_rooms[pd]),
            cand.policy,
        ), ph.shape)
    return dataclasses.replace(
        data,
        priority=np.zeros(data.num_households, dtype=np.int64),
        pair_household=ph.astype(np.int32),
        pair_dwelling=pd.astype(np.int32),
        pair_scores=np.zeros((len(ph), data.pair_scores.shape[1]),
                             dtype=np.int64),
        pair_quality=value.astype(np.int64),
        pair_room=np.asarray(room, dtype=bool),
        household_ptr=np.searchsorted(
            ph, np.arange(data.num_households + 1)
        ).astype(np.int64),
        dispersion_penalty=0,
        lexicographic=True,
        scale=1,
        locked_pairs=(),
        locked_value=(0, 0),
        pruned=False,
    )
