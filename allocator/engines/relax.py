"""A feasible warm start from the flow relaxation of a non-network model."""

from __future__ import annotations

import dataclasses

import numpy as np

from ..data import UNLIMITED, AllocationData
from .flow import solve_flow


def relaxed(data: AllocationData) -> AllocationData:
    """
    The network relaxation: quotas beyond households and service places
    dropped (their penalties too), and a shared
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
    used_slots = np.zeros(data.num_dwellings, dtype=np.int64)
    residents: dict[int, list[int]] = {}
    used_building = np.zeros(len(data.building_ids), dtype=np.int64)
    used_area = np.zeros(len(data.area_ids), dtype=np.int64)
    used_quota = np.zeros_like(data.quota_cap)
    # Hard service places are kept; priced ones may be exceeded.
    place_caps = [] if data.place_penalty else list(data.place_cap)
    used_places = [np.zeros_like(cap) for cap in place_caps]
    housed = set()
    kept = []
    for p in chosen:
        h, d = int(data.pair_household[p]), int(data.pair_dwelling[p])
        if h in housed:
            continue
        room = bool(data.pair_room[p])
        need = 1 if room else int(data.dwelling_slots[d])
        if used_slots[d] + need > data.dwelling_slots[d]:
            continue
        others = residents.get(d, [])
        if room and others and not _compatible(data, h, others):
            continue
        b, a, m = (int(data.dwelling_building[d]), int(data.dwelling_area[d]),
                   int(data.dwelling_municipality[d]))
        if b >= 0 and used_building[b] + 1 > data.building_cap[b]:
            continue
        if used_area[a] + 1 > data.area_cap[a]:
            continue
        usage = data.household_usage[h]
        if np.any(used_quota[m] + usage > data.quota_cap[m]):
            continue
        if any(used[data.place_group[d, k]] + data.place_usage[h, k]
               > place_caps[k][data.place_group[d, k]]
               for k, used in enumerate(used_places)):
            continue
        for k, used in enumerate(used_places):
            used[data.place_group[d, k]] += data.place_usage[h, k]
        used_slots[d] += need
        residents.setdefault(d, []).append(h)
        if b >= 0:
            used_building[b] += 1
        used_area[a] += 1
        used_quota[m] += usage
        housed.add(h)
        kept.append(p)
    return kept


def _compatible(data: AllocationData, h: int, others: list[int]) -> bool:
    group = [h, *others]
    if data.shared_same_sex and len(set(data.household_sex[group])) > 1:
        return False
    ages = data.household_age[group]
    return int(ages.max() - ages.min()) <= data.shared_max_age_gap
