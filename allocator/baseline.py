"""
First come, first served: the practice the engines are measured against.

Households in order of waiting (earliest permit first, ties by id) each
take the first dwelling by id that is eligible for them, still free, and
within every cap and quota. The policy lab runs it as its baseline and
the benchmarks as a peer; it is not an engine of the product (it proves
nothing and optimises nothing).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from models import Instance

from .data import AllocationData


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
    capacity = _Capacity(data)
    for h in order:
        if assignment[h] >= 0:
            continue
        dwellings = eligible_dwellings(data, h)
        dwellings = dwellings[np.argsort(id_rank[dwellings], kind="stable")]
        for d in dwellings[capacity.open(h, dwellings)].tolist():
            takes_room = _is_room(data, h, d)
            if capacity.fits(h, d, takes_room):
                capacity.take(h, d, takes_room)
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


class _Capacity:
    """What is left of dwellings, caps and quotas as households take
    dwellings (caps and quotas are already reduced by the locks)."""

    def __init__(self, data: AllocationData):
        self.data = data
        self.used_slots = np.zeros(data.num_dwellings, dtype=np.int64)
        self.residents: dict[int, list[int]] = defaultdict(list)
        self.building_left = data.building_cap.astype(np.int64).copy()
        self.area_left = data.area_cap.astype(np.int64).copy()
        self.quota_left = data.quota_cap.astype(np.int64).copy()

    def open(self, h: int, dwellings: np.ndarray) -> np.ndarray:
        """Which of the dwellings have a slot and every cap left for
        ``h``; rooms of shared dwellings are checked by ``fits``."""
        data = self.data
        free = self.used_slots[dwellings] < data.dwelling_slots[dwellings]
        building = data.dwelling_building[dwellings]
        in_building = building >= 0
        building_ok = np.ones(len(dwellings), dtype=bool)
        building_ok[in_building] = self.building_left[
            building[in_building]
        ] >= 1
        area_ok = self.area_left[data.dwelling_area[dwellings]] >= 1
        usage = data.household_usage[h]
        quota_ok_by_municipality = np.all(self.quota_left >= usage, axis=1)
        quota_ok = quota_ok_by_municipality[
            data.dwelling_municipality[dwellings]
        ]
        return free & building_ok & area_ok & quota_ok

    def fits(self, h: int, d: int, takes_room: bool) -> bool:
        """Whether the dwelling still has room for ``h`` as it would take
        it: one room next to compatible co-residents, or all of it."""
        data = self.data
        slots = int(data.dwelling_slots[d])
        need = 1 if takes_room else slots
        if self.used_slots[d] + need > slots:
            return False
        others = self.residents[d]
        return not (takes_room and others and not self._compatible(h, others))

    def _compatible(self, h: int, others: list[int]) -> bool:
        data = self.data
        group = [h, *others]
        if data.shared_same_sex and len(set(data.household_sex[group])) > 1:
            return False
        ages = data.household_age[group]
        return int(ages.max() - ages.min()) <= data.shared_max_age_gap

    def take(self, h: int, d: int, takes_room: bool) -> None:
        data = self.data
        self.used_slots[d] += 1 if takes_room else int(data.dwelling_slots[d])
        self.residents[d].append(h)
        b = int(data.dwelling_building[d])
        if b >= 0:
            self.building_left[b] -= 1
        self.area_left[int(data.dwelling_area[d])] -= 1
        m = int(data.dwelling_municipality[d])
        self.quota_left[m] -= data.household_usage[h]
