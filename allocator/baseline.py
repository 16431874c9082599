"""
First come, first served: the practice the engines are measured against.

Households in order of waiting (earliest permit first, ties by id) each
take the first dwelling by id that is eligible for them, still free, and
within every cap and quota. The policy lab runs it as its baseline and
the benchmarks as a peer; it is not an engine of the product (it proves
nothing and optimises nothing).
"""

from __future__ import annotations

import numpy as np

from models import Instance

from .data import AllocationData
from .ledger import CapacityLedger


def first_come_first_served(
    instance: Instance, data: AllocationData
) -> tuple[np.ndarray, np.ndarray]:
    """
    The first-come, first-served assignment.

    Returns the dwelling position of each household (-1 when none) and
    whether it takes one room of a shared dwelling; locked pairs are kept.
    """
    H = data.num_households
    assignment = np.full(H, -1, dtype=np.int64)
    room = np.zeros(H, dtype=bool)
    for h, d, r in data.locked_pairs:
        assignment[h], room[h] = d, r
    # Dwelling positions in id order (the generator's ids sort, but a real
    # instance's list need not be sorted).
    id_rank = np.empty(data.num_dwellings, dtype=np.int64)
    id_rank[np.argsort(np.array(data.dwelling_ids))] = np.arange(
        data.num_dwellings
    )
    order = sorted(
        range(H),
        key=lambda h: (instance.households[h].permit_date,
                       data.household_ids[h]),
    )
    # Caps and quotas are already reduced by the locks; the baseline does
    # not count service places.
    ledger = CapacityLedger(data)
    for h in order:
        if assignment[h] >= 0:
            continue
        dwellings = eligible_dwellings(data, h)
        dwellings = dwellings[np.argsort(id_rank[dwellings], kind="stable")]
        is_open = ledger.open(dwellings, data.household_usage[h])
        for d in dwellings[is_open].tolist():
            takes_room = _is_room(data, h, d)
            # The caps were checked by ``open``; the rooms are checked here.
            if ledger.household_fits(h, d, takes_room, caps=False):
                ledger.take_household(h, d, takes_room)
                assignment[h], room[h] = d, takes_room
                break
    return assignment, room


def eligible_dwellings(data: AllocationData, h: int) -> np.ndarray:
    """
    Free dwellings eligible for household ``h``: all of them, also those a
    compiler that prunes to the best candidates left out of the pairs.
    """
    if data.candidates is not None:
        return np.asarray(data.candidates.eligible_free(h), dtype=np.int64)
    lo, hi = data.household_ptr[h], data.household_ptr[h + 1]
    return data.pair_dwelling[lo:hi].astype(np.int64)


def _is_room(data: AllocationData, h: int, d: int) -> bool:
    """Whether household ``h`` would take one room of dwelling ``d``."""
    if data.dwelling_slots[d] <= 1:
        return False
    if data.candidates is not None:
        room, _ = data.candidates.pair_scores(
            np.array([h], dtype=np.int64), np.array([d], dtype=np.int64)
        )
        return bool(room[0])
    lo, hi = data.household_ptr[h], data.household_ptr[h + 1]
    p = lo + int(np.searchsorted(data.pair_dwelling[lo:hi], d))
    return bool(data.pair_room[p])
