"""Exactness with pruned candidates: price what was left out, add, repeat."""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from models import Status

from .. import interrupt
from ..data import AllocationData
from ..result import Result
from .flow import solve_flow

MAX_ROUNDS = 100
"""Pricing rounds before giving up the proof (it has never been reached)."""

PER_ROUND = 8
"""Pairs added per household and round, most improving first."""


def with_pairs(data: AllocationData, ph, pd) -> AllocationData:
    """The same data with more free pairs, scored and kept sorted."""
    room, scores = data.candidates.pair_scores(ph, pd)
    if data.relaxation:
        room = np.zeros_like(room)  # the relaxation has no shared rooms
    pair_household = np.concatenate([data.pair_household, ph])
    pair_dwelling = np.concatenate([data.pair_dwelling, pd])
    order = np.lexsort((pair_dwelling, pair_household))
    pair_scores = np.concatenate([data.pair_scores, scores])[order]
    quality = np.concatenate([
        data.pair_quality, data.candidates.pair_quality(ph, pd, scores)
    ])[order]
    return dataclasses.replace(
        data,
        pair_household=pair_household[order].astype(np.int32),
        pair_dwelling=pair_dwelling[order].astype(np.int32),
        pair_scores=pair_scores,
        pair_quality=quality,
        pair_room=np.concatenate([data.pair_room, room])[order],
        household_ptr=np.searchsorted(
            pair_household[order], np.arange(data.num_households + 1)
        ).astype(np.int64),
    )


def household_value(data: AllocationData) -> np.ndarray:
    """The priority part of every pair value of each household."""
    weight = data.scale if data.lexicographic else data.priority_weight
    return data.priority * weight


def solve_flow_priced(
    data: AllocationData, time_limit: float | None = None
) -> tuple[Result, AllocationData]:
    """
    Solves a pruned, network-representable problem exactly.

    Each round solves the flow on the current pairs, takes node potentials
    that prove it optimal there, and adds every pruned pair whose reduced
    cost under them is negative. When none is left the potentials prove
    the flow optimal for all eligible pairs: adding the rest could not
    lower its cost. When ``time_limit`` runs out first, or a stop is
    requested (``allocator.interrupt``), the last flow is returned as
    feasible, without a bound. Returns the result and the
    final data.
    """
    start = time.perf_counter()
    deadline = None if time_limit is None else start + time_limit
    value = household_value(data)
    rounds = 0
    build = solve = 0.0
    present = set(zip(data.pair_household.tolist(),
                      data.pair_dwelling.tolist()))
    while True:
        result = solve_flow(data, potentials=True)
        build += result.build_seconds
        solve += result.solve_seconds
        if result.status != Status.OPTIMAL:
            return result, data
        pot_h, pot_d = result.extra["potentials"]
        new_h, new_d = data.candidates.price(value, pot_h, pot_d, present,
                                             PER_ROUND)
        if not len(new_h):
            break
        rounds += 1
        out_of_time = deadline is not None and time.perf_counter() > deadline
        if rounds > MAX_ROUNDS or out_of_time or interrupt.stop_requested():
            result = dataclasses.replace(result, status=Status.FEASIBLE,
                                         bound=None)
            break
        data = with_pairs(data, new_h, new_d)
        present.update(zip(new_h.tolist(), new_d.tolist()))
    stats = dataclasses.replace(
        result.stats, pricing_rounds=rounds, priced_pairs=data.num_pairs,
        pricing_seconds=time.perf_counter() - start - build - solve)
    return dataclasses.replace(result, build_seconds=build,
                               solve_seconds=time.perf_counter() - start
                               - build, stats=stats), data
