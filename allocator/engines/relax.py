"""A feasible warm start from the flow relaxation of a non-network model."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..data import UNLIMITED, AllocationData
from ..ledger import CapacityLedger
from .flow import solve_flow


def relaxed(data: AllocationData) -> AllocationData:
    """
    The network relaxation: quotas beyond households, service places
    (their penalties too) and caps on some households per group of
    dwellings dropped, and a shared
    dwelling's rooms open to any eligible household regardless of sex, age
    or whether another takes the dwelling whole. Its optimum bounds the
    full problem's from above; its solution may break the dropped rules.
    """
    quota = data.quota_cap.copy()
    for q, dim in enumerate(data.quota_dims):
        if dim != "households":
            quota[:, q] = UNLIMITED
    return dataclasses.replace(
        data,
        quota_cap=quota,
        pair_room=np.zeros_like(data.pair_room),
        relaxation=True,
        place_kinds=(),
        place_cap=(),
        place_penalty=0,
        household_caps=(),
    )


def flow_hint(data: AllocationData) -> np.ndarray | None:
    """
    Chosen free pairs of a feasible solution of the full problem: the flow
    relaxation's pairs, kept best first while every rule still holds, then
    any other pair, best first, that still fits.
    """
    result = solve_flow(relaxed(data))
    if not result.proven_optimal:
        return None
    pair_of = {
        (h, d): p
        for p, (h, d) in enumerate(
            zip(data.pair_household.tolist(), data.pair_dwelling.tolist())
        )
    }
    locked = {h for h, _, _ in data.locked_pairs}
    chosen = [
        pair_of[(h, int(d))]
        for h, d in enumerate(result.assignment.tolist())
        if d >= 0 and h not in locked and (h, int(d)) in pair_of
    ]
    values = data.pair_value()
    chosen.sort(key=lambda p: -int(values[p]))
    # Then every other pair, best first, to fill what the repair freed.
    rest = np.argsort(-values, kind="stable")
    return np.array(_repair(data, chosen + rest.tolist()), dtype=np.int64)


def _repair(data: AllocationData, chosen: list[int]) -> list[int]:
    """The chosen pairs, in order, that still fit beside those kept:
    each household once, rooms beside compatible co-residents, every cap
    and quota, and the service places when they are hard."""
    ledger = CapacityLedger(data, hard_places=True)
    housed = set()
    kept = []
    for p in chosen:
        h, d = int(data.pair_household[p]), int(data.pair_dwelling[p])
        if h in housed:
            continue
        room = bool(data.pair_room[p])
        if not ledger.household_fits(h, d, room):
            continue
        ledger.take_household(h, d, room)
        housed.add(h)
        kept.append(p)
    return kept
