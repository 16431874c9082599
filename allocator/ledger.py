"""
What is used and left of every capacity as households take dwellings.

Dwellings hold one household whole, or one per room in shared housing;
buildings and areas have dispersion caps counted in households;
municipalities have council decisions (quotas) counted in each quota
dimension; areas and municipalities may have hard service places; a
household cap (``AllocationData.household_caps``) counts some households
per group of dwellings. The compiled caps are already reduced by the
locks (``compile``), so a ledger starts empty. The engines' greedy
starts and repairs, the first-come, first-served baseline and the
objective's dispersion excess all keep their counts here, so that a
rule's arithmetic is written once.

Caps of ``UNLIMITED`` are large finite numbers: the same comparisons hold
for them.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .data import AllocationData


class CapacityLedger:
    """
    Counts of what households took, against the compiled caps.

    Parameters
    ----------
    data
        The compiled problem: its dwelling slots, caps, quotas, household
        usage and service places.
    hard_places
        Whether the ledger also keeps the service places, when they are a
        hard cap (``places.mode = "cap"``; priced places may be exceeded).
    """

    def __init__(self, data: AllocationData, *, hard_places: bool = False):
        self.data = data
        self.slots_used = np.zeros(data.num_dwellings, dtype=np.int64)
        self.building_used = np.zeros(len(data.building_ids), dtype=np.int64)
        self.area_used = np.zeros(len(data.area_ids), dtype=np.int64)
        self.quota_used = np.zeros(data.quota_cap.shape, dtype=np.int64)
        self.place_caps = (list(data.place_cap)
                           if hard_places and not data.place_penalty else [])
        self.places_used = [np.zeros_like(cap) for cap in self.place_caps]
        self.household_caps_used = [np.zeros(len(cap.cap), dtype=np.int64)
                                    for cap in data.household_caps]
        self.residents: dict[int, list[int]] = defaultdict(list)

    @classmethod
    def of_pairs(cls, data: AllocationData, dwellings: np.ndarray,
                 households: np.ndarray | None = None) -> CapacityLedger:
        """The ledger of households taking these dwellings, counted at
        once (the chosen pairs of an engine): areas and buildings, and
        the quotas and household caps when the households are given."""
        ledger = cls(data)
        dwellings = np.asarray(dwellings, dtype=np.int64)
        ledger.area_used += np.bincount(data.dwelling_area[dwellings],
                                        minlength=len(data.area_ids))
        buildings = data.dwelling_building[dwellings]
        ledger.building_used += np.bincount(
            buildings[buildings >= 0], minlength=len(data.building_ids))
        if households is not None:
            np.add.at(ledger.quota_used,
                      data.dwelling_municipality[dwellings],
                      data.household_usage[np.asarray(households,
                                                      dtype=np.int64)])
            for cap, used in zip(data.household_caps,
                                 ledger.household_caps_used):
                group, usage = cap.pair_usage(
                    np.asarray(households, dtype=np.int64), dwellings)
                counted = usage > 0
                np.add.at(used, group[counted], usage[counted])
        return ledger

    def area_excess(self) -> np.ndarray:
        """Households above each area's dispersion target."""
        return over_target(self.data, self.area_used)

    def within_caps(self) -> bool:
        """Whether every building, area, quota and household cap count is
        within its cap."""
        data = self.data
        return bool((self.building_used <= data.building_cap).all()
                    and (self.area_used <= data.area_cap).all()
                    and (self.quota_used <= data.quota_cap).all()
                    and all((used <= cap.cap).all() for cap, used in zip(
                        data.household_caps, self.household_caps_used)))

    # Whole counts at given buildings, areas and municipalities.

    def room_at(self, areas, buildings, municipalities, usage,
                count: int = 1) -> np.ndarray:
        """
        Whether ``count`` more households of quota ``usage`` (one row of
        quota dimensions) fit each (area, building, municipality):
        dispersion caps and quotas, an index below 0 meaning no cap of
        that kind there. Arrays in, an array of booleans out.
        """
        # Per municipality first: there are few, and many dwellings each.
        ok = self.quota_room(usage, count)[
            np.asarray(municipalities, dtype=np.int64)]
        ok &= self.spread_room(areas, buildings, count)
        return ok

    def quota_room(self, usage, count: int = 1) -> np.ndarray:
        """Whether ``count`` more households of quota ``usage`` fit each
        municipality's quotas, by municipality."""
        return np.all(self.quota_used + count * np.asarray(usage)
                      <= self.data.quota_cap, axis=1)

    def spread_room(self, areas, buildings, count: int = 1) -> np.ndarray:
        """Whether ``count`` more households fit the dispersion caps of
        each (area, building), whatever their quota usage; an index
        below 0 means no cap of that kind."""
        data = self.data
        areas = np.asarray(areas, dtype=np.int64)
        buildings = np.asarray(buildings, dtype=np.int64)
        ok = _room(self.area_used, data.area_cap, areas, count)
        ok &= _room(self.building_used, data.building_cap, buildings, count)
        return ok

    def add_at(self, areas, buildings, municipalities, usage,
               counts) -> None:
        """Counts ``counts[i]`` households of quota usage ``usage[i]`` at
        each (area, building, municipality) ``i``; an index below 0
        counts nowhere."""
        areas = np.asarray(areas, dtype=np.int64)
        buildings = np.asarray(buildings, dtype=np.int64)
        counts = np.asarray(counts, dtype=np.int64)
        np.add.at(self.area_used, areas[areas >= 0], counts[areas >= 0])
        np.add.at(self.building_used, buildings[buildings >= 0],
                  counts[buildings >= 0])
        np.add.at(self.quota_used, np.asarray(municipalities),
                  counts[:, None] * np.asarray(usage, dtype=np.int64))

    def add_one(self, area: int, building: int, municipality: int,
                usage) -> None:
        """Counts one household of quota ``usage`` at an area, building
        (below 0: none) and municipality."""
        if building >= 0:
            self.building_used[building] += 1
        if area >= 0:
            self.area_used[area] += 1
        self.quota_used[municipality] += usage

    # One household in one dwelling.

    def slots_fit(self, d: int, need: int) -> bool:
        """Whether dwelling ``d`` has ``need`` slots left (all of them
        for a whole dwelling, one for a room)."""
        return int(self.slots_used[d]) + need <= int(
            self.data.dwelling_slots[d])

    def caps_fit(self, d: int, usage, place_usage=None) -> bool:
        """Whether one more household of quota ``usage`` (and service
        place use ``place_usage`` by kind, when the ledger keeps places)
        fits dwelling ``d``'s building, area, municipality and places."""
        data = self.data
        b, a = int(data.dwelling_building[d]), int(data.dwelling_area[d])
        m = int(data.dwelling_municipality[d])
        if b >= 0 and self.building_used[b] + 1 > data.building_cap[b]:
            return False
        if self.area_used[a] + 1 > data.area_cap[a]:
            return False
        if np.any(self.quota_used[m] + usage > data.quota_cap[m]):
            return False
        return not any(
            used[data.place_group[d, k]] + place_usage[k]
            > self.place_caps[k][data.place_group[d, k]]
            for k, used in enumerate(self.places_used))

    def open(self, dwellings: np.ndarray, usage) -> np.ndarray:
        """Which of the dwellings have a slot left and room under every
        cap and quota for a household of quota ``usage``."""
        data = self.data
        free = self.slots_used[dwellings] < data.dwelling_slots[dwellings]
        return free & self.room_at(
            data.dwelling_area[dwellings], data.dwelling_building[dwellings],
            data.dwelling_municipality[dwellings], usage)

    def take(self, d: int, need: int, usage, place_usage=None,
             household: int | None = None) -> None:
        """Counts one household of quota ``usage`` taking ``need`` slots
        of dwelling ``d`` (and its service places, when kept)."""
        data = self.data
        self.slots_used[d] += need
        if household is not None:
            self.residents[d].append(household)
        self.add_one(int(data.dwelling_area[d]),
                     int(data.dwelling_building[d]),
                     int(data.dwelling_municipality[d]), usage)
        for k, used in enumerate(self.places_used):
            used[data.place_group[d, k]] += place_usage[k]

    # Households in shared housing.

    def need(self, d: int, takes_room: bool) -> int:
        """Slots a household takes of dwelling ``d``: one room, or all."""
        return 1 if takes_room else int(self.data.dwelling_slots[d])

    def household_fits(self, h: int, d: int, takes_room: bool,
                       caps: bool = True) -> bool:
        """Whether household ``h`` fits dwelling ``d`` as it would take it
        (a room beside compatible co-residents, or all of it) under every
        household cap and, with ``caps``, under every cap, quota and kept
        service place. ``caps=False`` leaves out only what ``open`` checks
        (the counts of every household alike), not the household caps,
        which depend on the household."""
        if not self.slots_fit(d, self.need(d, takes_room)):
            return False
        others = self.residents[d]
        if takes_room and others and not compatible(self.data, h, others):
            return False
        if not self.household_caps_fit(h, d):
            return False
        data = self.data
        return not caps or self.caps_fit(
            d, data.household_usage[h],
            data.place_usage[h] if self.places_used else None)

    def household_caps_fit(self, h: int, d: int) -> bool:
        """Whether household ``h`` in dwelling ``d`` stays within every
        household cap that counts it there."""
        for cap, used in zip(self.data.household_caps,
                             self.household_caps_used):
            g, usage = int(cap.group[d]), int(cap.usage[h])
            if g >= 0 and usage and used[g] + usage > cap.cap[g]:
                return False
        return True

    def take_household(self, h: int, d: int, takes_room: bool) -> None:
        """Counts household ``h`` taking dwelling ``d`` (or a room)."""
        data = self.data
        self.take(d, self.need(d, takes_room), data.household_usage[h],
                  data.place_usage[h] if self.places_used else None,
                  household=h)
        for cap, used in zip(data.household_caps, self.household_caps_used):
            g = int(cap.group[d])
            if g >= 0:
                used[g] += cap.usage[h]


def _room(used: np.ndarray, cap: np.ndarray, at: np.ndarray,
          count: int) -> np.ndarray:
    """Whether ``count`` more fit under the cap at each index of ``at``;
    an index below 0 has no cap."""
    if len(at) and at.min() >= 0:  # every dwelling has an area
        return used[at] + count <= cap[at]
    ok = np.ones(len(at), dtype=bool)
    capped = at >= 0
    ok[capped] = used[at[capped]] + count <= cap[at[capped]]
    return ok


def area_excess(data: AllocationData, dwellings: np.ndarray) -> np.ndarray:
    """Households above each area's dispersion target when households take
    these dwellings: the ledger's count of areas alone, without a ledger
    (the objective counts it at every evaluation)."""
    used = np.bincount(data.dwelling_area[dwellings],
                       minlength=len(data.area_ids))
    return over_target(data, used)


def over_target(data: AllocationData, area_used: np.ndarray) -> np.ndarray:
    """Households above each area's dispersion target, of these counts."""
    return np.clip(area_used - data.area_target, 0, None)


def compatible(data: AllocationData, h: int, others: list[int]) -> bool:
    """Whether household ``h`` may share a dwelling with ``others``: the
    same sex when the policy asks for it, and ages within its band."""
    group = [h, *others]
    if data.shared_same_sex and len(set(data.household_sex[group])) > 1:
        return False
    ages = data.household_age[group]
    return int(ages.max() - ages.min()) <= data.shared_max_age_gap
