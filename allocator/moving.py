"""
Moving on (DOMAIN.md 7.2.23, 7.4.15, R2): sitting tenants ready to move
on take part in a round, so that a dwelling they hold can go to a waiting
household.

A tenant is a household of the instance with ``moving_on`` set, living in
``current_dwelling``. With policy ``moving.enabled`` it enters the
assignment as a household without priority and without quota use whose
own dwelling is always a candidate: staying is matching it to its own
dwelling, moving is matching it to another eligible dwelling, and moving
out (to the private market or ownership) is leaving it unmatched. Its
dwelling can then go to another household only when the tenant leaves it,
because a dwelling takes one household. Every engine that solves the
pairs as given is exact for it; the class model (which rebuilds pairs from
household classes) is routed around.

Scores (criterion ``moving``), against moving out (0): staying earns
``exit_penalty``; moving to another dwelling earns ``exit_penalty -
move_penalty``, less ``school_change_penalty`` for a tenant with
school-age children when the dwelling lies in another area.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from models import ADULT_AGE, SCHOOL_AGE, Instance, Policy

from .data import CRITERIA, UNLIMITED, AllocationData


def tenants(instance: Instance, policy: Policy) -> dict[int, int]:
    """
    Household position -> the position of the dwelling it holds, for each
    sitting tenant in the round: ``moving_on``, living in one of the
    instance's dwellings (validation makes sure it does).
    """
    if not policy.moving.enabled:
        return {}
    at = {d.id: i for i, d in enumerate(instance.dwellings)}
    return {
        i: at[h.current_dwelling]
        for i, h in enumerate(instance.households)
        if h.moving_on and h.current_dwelling in at
    }


def has_school_children(household) -> bool:
    return any(SCHOOL_AGE <= m.age < ADULT_AGE for m in household.members)


def move_score(policy: Policy, household, own_area, area, stays: bool) -> int:
    """The ``moving`` score of a tenant's pair."""
    m = policy.moving
    if stays:
        return int(m.exit_penalty)
    school = (m.school_change_penalty
              if has_school_children(household) and area != own_area else 0)
    return int(m.exit_penalty - m.move_penalty - school)


def with_tenants(data: AllocationData, instance: Instance,
                 policy: Policy,
                 previous: dict[str, str] | None = None) -> AllocationData:
    """
    The compiled problem with the sitting tenants in the round: their
    pairs become their own dwelling and the dwellings eligible for them,
    scored by the moving policy alone; no priority, no quota; caps of the
    areas and buildings they live in grow by one each, since a tenant
    counts only where it lives after the round. Unchanged without
    tenants. The data must hold every eligible pair (not pruned). With
    a ``previous`` proposal (household id -> dwelling id) a tenant's
    previous pair carries the keep bonus in its quality, as every other
    kept pair does.
    """
    locked = {h for h, _, _ in data.locked_pairs}
    held = {h: d for h, d in tenants(instance, policy).items()
            if h not in locked}
    if not held:
        return data
    nh, nd, nq = _tenant_pairs(data, instance, policy, held)
    scores = np.zeros((len(nh), data.pair_scores.shape[1]),
                      dtype=data.pair_scores.dtype)
    scores[:, CRITERIA.index("moving")] = nq
    if previous and data.keep_bonus:
        hid, did = data.household_ids, data.dwelling_ids
        nq = nq + data.keep_bonus * np.array(
            [previous.get(hid[h]) == did[d]
             for h, d in zip(nh.tolist(), nd.tolist())], dtype=np.int64)
    is_tenant = np.zeros(data.num_households, dtype=bool)
    is_tenant[list(held)] = True
    pairs = _pairs_with(data, ~is_tenant[data.pair_household], nh, nd,
                        scores, nq)
    priority = data.priority.copy()
    priority[list(held)] = 0
    usage = data.household_usage.copy()
    usage[list(held)] = 0
    # A tenant's dwelling is whole: never rooms shared with the tenant.
    slots = data.dwelling_slots.copy()
    slots[list(held.values())] = np.minimum(slots[list(held.values())], 1)
    num_eligible = data.num_eligible.copy()
    num_eligible[list(held)] = np.bincount(nh, minlength=data.num_households
                                           )[list(held)]
    homes = list(held.values())
    return dataclasses.replace(
        data,
        **pairs,
        priority=priority,
        household_usage=usage,
        dwelling_slots=slots,
        area_cap=_grown(data.area_cap, data.dwelling_area, homes),
        area_target=_grown(data.area_target, data.dwelling_area, homes),
        building_cap=_grown(data.building_cap, data.dwelling_building,
                            homes),
        num_eligible=num_eligible,
        scale=_scale_with_tenants(data, nh, nq),
        tenants=tuple(sorted(held.items())),
    )


def _tenant_pairs(data: AllocationData, instance: Instance, policy: Policy,
                  held: dict[int, int]):
    """
    Each tenant's pairs: its own dwelling (unless a lock takes it) and
    every other whole dwelling eligible for it, with their moving scores.
    Returns household, dwelling and score arrays, tenants in order.
    """
    locked_d = {d for _, d, _ in data.locked_pairs}
    pd = data.pair_dwelling.astype(np.int64)
    area = data.dwelling_area
    new_h, new_d, new_q = [], [], []
    for h, own in sorted(held.items()):
        household = instance.households[h]
        lo, hi = data.household_ptr[h], data.household_ptr[h + 1]
        mine = pd[lo:hi][~data.pair_room[lo:hi]]
        others = [int(d) for d in mine if d != own]
        options = ([own] if own not in locked_d else []) + others
        for d in options:
            new_h.append(h)
            new_d.append(d)
            new_q.append(move_score(policy, household, int(area[own]),
                                    int(area[d]), d == own))
    return (np.array(new_h, dtype=np.int64), np.array(new_d, dtype=np.int64),
            np.array(new_q, dtype=np.int64))


def _pairs_with(data: AllocationData, keep, nh, nd, scores, quality):
    """The pair arrays of ``data`` (those ``keep`` marks) with the new
    pairs added, sorted by household and dwelling, as fields of
    ``AllocationData``."""
    all_h = np.concatenate([data.pair_household.astype(np.int64)[keep], nh])
    all_d = np.concatenate([data.pair_dwelling.astype(np.int64)[keep], nd])
    order = np.lexsort((all_d, all_h))
    all_h, all_d = all_h[order], all_d[order]
    return {
        "pair_household": all_h.astype(np.int32),
        "pair_dwelling": all_d.astype(np.int32),
        "pair_scores": np.concatenate([data.pair_scores[keep], scores])[order],
        "pair_quality": np.concatenate(
            [data.pair_quality[keep], quality.astype(data.pair_quality.dtype)]
        )[order],
        "pair_room": np.concatenate(
            [data.pair_room[keep], np.zeros(len(nh), dtype=bool)])[order],
        "household_ptr": np.searchsorted(
            all_h, np.arange(data.num_households + 1)).astype(np.int64),
    }


def _grown(cap: np.ndarray, index: np.ndarray, homes) -> np.ndarray:
    """Caps grown by one for each tenant's home they hold (a tenant
    counts only where it lives after the round); unlimited ones stay."""
    cap = cap.copy()
    for d in homes:
        i = int(index[d])
        if i >= 0 and cap[i] < UNLIMITED:
            cap[i] += 1
    return cap


def _scale_with_tenants(data: AllocationData, nh, nq) -> int:
    """The lexicographic scale, widened by twice the sum of each tenant's
    largest moving score, which the quality part now also spans."""
    scale = data.scale
    if data.lexicographic:
        worst = np.zeros(data.num_households, dtype=np.int64)
        np.maximum.at(worst, nh, np.abs(nq))
        scale += 2 * int(worst.sum())
    return scale


@dataclasses.dataclass(frozen=True, slots=True)
class Step:
    """One move of a chain: ``household`` leaves ``moved_from`` (None for
    a waiting household) for ``moved_to`` (None: out to the private market
    or ownership)."""

    household: str
    moved_from: str | None
    moved_to: str | None


def chains(held: dict[str, str], given: dict[str, str]) -> list[list[Step]]:
    """
    The chains of moves of an assignment.

    Parameters
    ----------
    held
        Tenant household id -> the dwelling it held before the round.
    given
        Household id -> dwelling id of every match (tenants that stay
        included; tenants that move out absent).

    Each chain starts with the household that takes a tenant's dwelling
    (or with the tenant, when nobody does) and follows each tenant to
    where it goes: another tenant's dwelling (whose move follows), a free
    dwelling, or out. Moves that only go round in a circle form a chain
    of their own.
    """
    moved = {t for t, d in held.items() if given.get(t) != d}
    tenant_at = {held[t]: t for t in moved}
    taker = {d: h for h, d in given.items()}
    result, seen = [], set()

    def follow(start: list[Step], tenant: str | None):
        steps = start
        while tenant is not None and tenant not in seen:
            seen.add(tenant)
            to = given.get(tenant)
            steps.append(Step(tenant, held[tenant], to))
            tenant = tenant_at.get(to)
        result.append(steps)

    heads = sorted(
        (h, held[t]) for t in moved
        if (h := taker.get(held[t])) is not None and h not in moved
    )
    for h, d in heads:
        follow([Step(h, None, d)], tenant_at[d])
    for t in sorted(moved):
        if t not in seen and held[t] not in taker:
            follow([], t)
    for t in sorted(moved):
        if t not in seen:
            follow([], t)
    return result
