"""
From the LP back to households and dwellings: a feasible integer point
near the LP optimum (rounding), and the household-dwelling pairs of an
integer solution as positions among the data's pairs.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from ...data import AllocationData
from ...ledger import CapacityLedger
from ..pricing import with_pairs
from .model import _ClassModel


def _round(model: _ClassModel, x_lp: np.ndarray) -> np.ndarray:
    """
    A feasible integer point near the LP optimum: the columns the LP
    takes whole, then the fractional ones and every other generated
    column, best first, while every row still holds. Dropping columns
    keeps a point feasible (their coefficients are non-negative), so only
    the added ones are checked.
    """
    data = model.data
    first = model.num_y + model.num_e
    xs = x_lp[first:]
    cost = np.array(
        [model.groups.quality[g][p] * model.quality_weight
         for g, p in zip(model.x_group.tolist(), model.x_pos.tolist())],
        dtype=float,
    )
    # Best household value each group can still earn: its members sorted
    # by y cost, best first.
    y_cost = model.y_cost / model.f
    members = [np.sort(y_cost[model.y_group == g])[::-1]
               for g in range(model.G)] if model.G else []
    y_pos = [np.flatnonzero(model.y_group == g) for g in range(model.G)]
    y_order = [pos[np.argsort(-y_cost[pos], kind="stable")]
               for pos in y_pos]
    housed = np.zeros(model.G, dtype=np.int64)
    dwelling = model.groups.dwellings
    d_of = np.array([dwelling[g][p] for g, p in
                     zip(model.x_group.tolist(), model.x_pos.tolist())],
                    dtype=np.int64)
    # A column takes its dwelling whole: ``taken`` marks it, the ledger
    # counts the caps and quotas.
    taken = np.zeros(model.D, dtype=bool)
    ledger = CapacityLedger(data)
    out = np.zeros(model.num_cols)

    def fits(k):
        g, d = model.x_group[k], int(d_of[k])
        return (housed[g] < len(y_pos[g]) and not taken[d]
                and ledger.caps_fit(d, model.groups.usage[g]))

    def take(k):
        g, d = model.x_group[k], int(d_of[k])
        taken[d] = True
        ledger.take(d, int(data.dwelling_slots[d]), model.groups.usage[g])
        out[y_order[g][housed[g]]] = 1
        housed[g] += 1
        out[first + k] = 1

    whole = np.flatnonzero(xs > 1 - 1e-6)
    value_if = np.array(
        [cost[k] + (members[g][housed[g]] if housed[g] < len(members[g])
                    else 0)
         for k, g in enumerate(model.x_group.tolist())]
    ) if len(cost) else np.zeros(0)
    rest = np.lexsort((-value_if, -xs))
    for k in np.concatenate([whole, rest]).tolist():
        if out[first + k] == 0 and fits(k):
            take(k)
    if model.num_e:
        out[model.num_y:first] = ledger.area_excess()
    return out


def _pairs(model: _ClassModel, x: np.ndarray) -> list[tuple[int, int]]:
    """
    Household-dwelling pairs of an integer solution: in each group the
    housed members (by position) take the chosen dwellings (best first);
    any order earns the same objective.
    """
    y = x[:model.num_y] > 0.5
    xs = x[model.num_y + model.num_e:] > 0.5
    housed = defaultdict(list)
    for h, g in zip(model.y_household[y].tolist(), model.y_group[y].tolist()):
        housed[g].append(h)
    taken = defaultdict(list)
    for g, p in zip(model.x_group[xs].tolist(), model.x_pos[xs].tolist()):
        taken[g].append(p)
    pairs = []
    for g, positions in taken.items():
        hs = sorted(housed[g])
        if len(hs) != len(positions):
            raise AssertionError("class model: balance row broken")
        dws = model.groups.dwellings[g][sorted(positions)]
        pairs += list(zip(hs, dws.tolist()))
    return pairs


def _chosen_pairs(data: AllocationData, pairs):
    """The data with the chosen pairs present, and their positions."""
    if not pairs:
        return data, np.zeros(0, dtype=np.int64)
    ph = np.array([h for h, _ in pairs], dtype=np.int64)
    pd = np.array([d for _, d in pairs], dtype=np.int64)
    present = _positions(data, ph, pd)
    missing = present < 0
    if missing.any():
        data = with_pairs(data, ph[missing], pd[missing])
        present = _positions(data, ph, pd)
    return data, present


def _positions(data: AllocationData, ph, pd) -> np.ndarray:
    out = np.full(len(ph), -1, dtype=np.int64)
    for k, (h, d) in enumerate(zip(ph.tolist(), pd.tolist())):
        lo, hi = data.household_ptr[h], data.household_ptr[h + 1]
        i = lo + np.searchsorted(data.pair_dwelling[lo:hi], d)
        if i < hi and data.pair_dwelling[i] == d:
            out[k] = i
    return out
