"""
The priority stage on counts: who is housed, exactly, without the pairs.

In a lexicographic solve the first stage earns priority alone, and
quality does not count. Which dwelling a household takes then matters
only through the rows it uses, so

- dwellings that every group may or may not take alike, in one
  municipality (and one area or building whose cap can bind), are one
  *dwelling type*, and only how many of a type are taken matters;
- groups that may take the same types and use the quotas alike are one
  *kind*, and a kind houses its members by priority, best first.

The program counts ``n[k, t]`` households of kind ``k`` in dwellings of
type ``t``, with a type row (no more than its dwellings), the area and
building caps that can bind, and the quota rows, and earns each kind's
priorities through ``y[k, v]``: how many of its members of priority ``v``
are housed. Any integer solution becomes an assignment by giving each
count its type's dwellings and its kind's best members, so its optimum is
the class model's first-stage optimum: on national, 73 thousand columns
where the class model has 32 million.

Council decisions that count persons make each municipality a knapsack;
the integer program is solved from a rounded LP start (see
``_repair``) and its bound is HiGHS's.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import defaultdict

import numpy as np

from ..data import UNLIMITED, AllocationData
from ..ledger import CapacityLedger
from ._highs import exact_highs, highs_lp

log = logging.getLogger(__name__)

MAX_TYPES = 50_000
"""Dwelling types beyond which counting no longer pays (then the class
model's own first stage runs)."""


@dataclasses.dataclass(frozen=True)
class Counts:
    """The counting program's data."""

    kind_members: list[np.ndarray]
    """Households of each kind, best priority first."""
    kind_usage: np.ndarray
    """Quota usage of one household of each kind, ``(K, Q)``."""
    type_dwellings: list[np.ndarray]
    """The dwellings of each type."""
    type_municipality: np.ndarray
    type_area: np.ndarray
    """The type's area when its cap can bind, else -1."""
    type_building: np.ndarray
    """The type's building when its cap can bind, else -1."""
    pair_kind: np.ndarray
    pair_type: np.ndarray
    """The eligible (kind, type) pairs, by kind."""

    @property
    def num_kinds(self) -> int:
        return len(self.kind_members)

    @property
    def num_types(self) -> int:
        return len(self.type_dwellings)


@dataclasses.dataclass(frozen=True)
class PriorityStage:
    """The counting program's answer."""

    pairs: list[tuple[int, int]]
    value: int
    bound: float
    proven: bool
    seconds: float


def counts(data: AllocationData, members, dwellings, usage) -> Counts | None:
    """
    The counting program of the class model's groups (their members,
    dwelling rows and quota usage), or ``None`` when the dwellings do not
    fall into few enough types.
    """
    G, D = len(members), data.num_dwellings
    if not G:
        return None
    # Which groups may take each dwelling, as a bit set per dwelling.
    bits = np.zeros((D, (G + 7) // 8), dtype=np.uint8)
    for g, row in enumerate(dwellings):
        bits[row, g >> 3] |= np.uint8(1 << (g & 7))
    area = np.full(D, -1, dtype=np.int64)
    per_area = np.bincount(data.dwelling_area, minlength=len(data.area_cap))
    binds = data.area_cap[data.dwelling_area] < per_area[data.dwelling_area]
    area[binds] = data.dwelling_area[binds]
    building = np.full(D, -1, dtype=np.int64)
    b = data.dwelling_building
    inb = b >= 0
    if inb.any():
        per_building = np.bincount(b[inb], minlength=len(data.building_cap))
        capped = np.zeros(D, dtype=bool)
        capped[inb] = data.building_cap[b[inb]] < per_building[b[inb]]
        building[capped] = b[capped]
    key = np.concatenate([
        np.stack([data.dwelling_municipality.astype(np.int64), area,
                  building], axis=1).view(np.uint8).reshape(D, -1),
        bits,
    ], axis=1)
    key = np.ascontiguousarray(key).view(
        np.dtype((np.void, key.shape[1]))).ravel()
    _, first, type_of = np.unique(key, return_index=True,
                                  return_inverse=True)
    type_of = type_of.ravel()
    T = len(first)
    if T > MAX_TYPES:
        return None
    order = np.argsort(type_of, kind="stable")
    bounds = np.searchsorted(type_of[order], np.arange(T + 1))
    type_dwellings = [order[bounds[t]:bounds[t + 1]] for t in range(T)]
    by_kind = defaultdict(list)
    types_of_row: dict[int, bytes] = {}  # groups of one class share a row
    for g, row in enumerate(dwellings):
        if not len(row) or not len(members[g]):
            continue
        if id(row) not in types_of_row:
            # The types a row reaches, ascending: a mark per type is
            # linear in the row, where a sort of it is not.
            reached = np.zeros(T, dtype=bool)
            reached[type_of[row]] = True
            types_of_row[id(row)] = np.flatnonzero(reached).astype(
                np.int64).tobytes()
        by_kind[(types_of_row[id(row)], usage[g].tobytes())].append(g)
    kind_members, kind_usage, pair_kind, pair_type = [], [], [], []
    for k, ((types, _), gs) in enumerate(sorted(by_kind.items())):
        households = np.concatenate([members[g] for g in gs])
        best_first = np.lexsort((households, -data.priority[households]))
        kind_members.append(households[best_first])
        kind_usage.append(usage[gs[0]])
        t = np.frombuffer(types, dtype=np.int64)
        pair_kind.append(np.full(len(t), k, dtype=np.int64))
        pair_type.append(t)
    Q = usage.shape[1]
    return Counts(
        kind_members=kind_members,
        # Shaped by count, not by -1: with no quota dimension (Q = 0) the
        # number of kinds cannot be inferred from an empty array.
        kind_usage=np.array(kind_usage, dtype=np.int64).reshape(
            len(kind_members), Q),
        type_dwellings=type_dwellings,
        type_municipality=data.dwelling_municipality[first].astype(np.int64),
        type_area=area[first], type_building=building[first],
        pair_kind=np.concatenate(pair_kind) if pair_kind else np.zeros(
            0, np.int64),
        pair_type=np.concatenate(pair_type) if pair_type else np.zeros(
            0, np.int64),
    )


class _Program:
    """The counting program in HiGHS: ``n`` columns, then ``y`` columns."""

    def __init__(self, data: AllocationData, c: Counts, seed: int):
        import highspy

        self.hs, self.data, self.c = highspy, data, c
        P = len(c.pair_kind)
        type_size = np.array([len(d) for d in c.type_dwellings],
                             dtype=np.int64)
        kind_size = np.array([len(m) for m in c.kind_members],
                             dtype=np.int64)
        self.type_size = type_size
        # y columns: each kind's members grouped by priority, best first.
        y_kind, y_value, y_count = [], [], []
        for k, hs in enumerate(c.kind_members):
            values, count = np.unique(data.priority[hs], return_counts=True)
            y_kind.append(np.full(len(values), k, dtype=np.int64))
            y_value.append(values[::-1])
            y_count.append(count[::-1])
        self.y_kind = np.concatenate(y_kind)
        self.y_value = np.concatenate(y_value).astype(np.int64)
        self.y_count = y_count = np.concatenate(y_count)
        self.P, self.Y = P, len(self.y_kind)
        lower, upper, rows, cols, vals = _counting_rows(
            data, c, type_size, self.y_kind)
        kind, typ = c.pair_kind, c.pair_type
        order = np.lexsort((rows, cols))
        n = P + self.Y
        lp = highs_lp(
            cost=np.concatenate([np.zeros(P), self.y_value.astype(float)]),
            col_lower=np.zeros(n),
            col_upper=np.concatenate([
                np.minimum(type_size[typ], kind_size[kind]),
                y_count,
            ]),
            row_lower=lower, row_upper=upper,
            start=np.searchsorted(cols[order], np.arange(n + 1)),
            index=rows[order], value=vals[order], rowwise=False,
        )
        self.highs = exact_highs(seed)
        self.highs.passModel(lp)

    def run(self, deadline: float | None):
        if deadline is not None:
            self.highs.setOptionValue(
                "time_limit", max(0.01, deadline - time.perf_counter()))
        self.highs.run()
        return self.highs.getModelStatus()

    def integral(self):
        self.highs.changeColsIntegrality(
            self.P, np.arange(self.P, dtype=np.int32),
            np.full(self.P, int(self.hs.HighsVarType.kInteger),
                    dtype=np.uint8))

    def n_values(self) -> np.ndarray:
        return np.array(self.highs.getSolution().col_value)[:self.P]

    def value(self, n: np.ndarray) -> int:
        """Priority earned by integer counts: each kind's best members."""
        housed = np.bincount(self.c.pair_kind, weights=n,
                             minlength=self.c.num_kinds).astype(np.int64)
        return int(sum(int(self.data.priority[m[:h]].sum())
                       for m, h in zip(self.c.kind_members, housed)))

    def levels(self, n: np.ndarray) -> np.ndarray:
        """The ``y`` columns of counts: each kind's housed members fill
        its priority levels best first (the order of a kind's columns)."""
        housed = np.bincount(self.c.pair_kind, weights=n,
                             minlength=self.c.num_kinds).astype(np.int64)
        before = np.cumsum(self.y_count) - self.y_count
        first = np.searchsorted(self.y_kind, self.y_kind)
        return np.clip(housed[self.y_kind] - (before - before[first]), 0,
                       self.y_count)

    def start(self, n: np.ndarray):
        x = np.concatenate([n, self.levels(n)]).astype(float)
        self.highs.setSolution(len(x), np.arange(len(x), dtype=np.int32), x)


def _repair(data: AllocationData, c: Counts, program: _Program,
            n_lp: np.ndarray) -> np.ndarray:
    """
    Integer counts near the LP's: its counts rounded down, then the best
    household left (by priority) placed in a type it may take while every
    row holds, preferring the types the LP used for its kind, until no
    household fits.
    """
    import heapq

    n = np.floor(n_lp + 1e-6).astype(np.int64)
    kind, typ = c.pair_kind, c.pair_type
    left_type = program.type_size - np.bincount(typ, weights=n,
                                                minlength=c.num_types
                                                ).astype(np.int64)
    # A type's area or building is -1 where no cap of that kind binds it.
    ledger = CapacityLedger(data)
    on = n > 0
    ledger.add_at(c.type_area[typ[on]], c.type_building[typ[on]],
                  c.type_municipality[typ[on]], c.kind_usage[kind[on]],
                  n[on])
    housed = np.bincount(kind, weights=n, minlength=c.num_kinds).astype(
        np.int64)
    starts = np.searchsorted(kind, np.arange(c.num_kinds + 1))
    fraction = n_lp - n
    heap = [(-int(data.priority[m[housed[k]]]), int(m[housed[k]]), k)
            for k, m in enumerate(c.kind_members) if housed[k] < len(m)]
    heapq.heapify(heap)
    while heap:
        _, _, k = heapq.heappop(heap)
        ps = np.arange(starts[k], starts[k + 1])
        t = typ[ps]
        ok = (left_type[t] > 0) & ledger.room_at(
            c.type_area[t], c.type_building[t], c.type_municipality[t],
            c.kind_usage[k])
        if not ok.any():
            continue  # rows only tighten: this kind fits nowhere from now
        p = int(ps[ok][np.argmax(fraction[ps[ok]])])
        n[p] += 1
        fraction[p] -= 1
        tt = typ[p]
        left_type[tt] -= 1
        ledger.add_one(int(c.type_area[tt]), int(c.type_building[tt]),
                       int(c.type_municipality[tt]), c.kind_usage[k])
        housed[k] += 1
        m = c.kind_members[k]
        if housed[k] < len(m):
            heapq.heappush(heap, (-int(data.priority[m[housed[k]]]),
                                  int(m[housed[k]]), k))
    return n


def assignment(c: Counts, n: np.ndarray) -> list[tuple[int, int]]:
    """Household-dwelling pairs of integer counts: each count takes its
    type's next dwellings and its kind's next best members."""
    used_type = np.zeros(c.num_types, dtype=np.int64)
    used_kind = np.zeros(c.num_kinds, dtype=np.int64)
    pairs = []
    for p in np.flatnonzero(n > 0).tolist():
        k, t, count = int(c.pair_kind[p]), int(c.pair_type[p]), int(n[p])
        hs = c.kind_members[k][used_kind[k]:used_kind[k] + count]
        ds = c.type_dwellings[t][used_type[t]:used_type[t] + count]
        pairs += list(zip(hs.tolist(), ds.tolist()))
        used_kind[k] += count
        used_type[t] += count
    return pairs


def solve_priority(data: AllocationData, c: Counts, deadline: float | None,
                   seed: int = 0, lp_ends: float | None = None
                   ) -> PriorityStage | None:
    """
    The most priority the instance can house, on counts: the LP (by
    ``lp_ends``, default ``deadline``), a rounded start from it, then
    HiGHS's branch and bound until proven or ``deadline``. ``None`` when
    the LP did not finish.
    """
    began = time.perf_counter()
    program = _Program(data, c, seed)
    status = program.run(deadline if lp_ends is None else lp_ends)
    if status != program.hs.HighsModelStatus.kOptimal:
        return None
    lp_bound = program.highs.getInfo().objective_function_value
    n = _repair(data, c, program, program.n_values())
    value = program.value(n)
    log.debug("counts LP %.1f, rounded %d (%.1f s)", lp_bound, value,
              time.perf_counter() - began)
    bound, proven = lp_bound, _reaches(value, lp_bound)
    if not proven and (deadline is None or time.perf_counter() < deadline):
        program.integral()
        program.start(n)
        program.run(deadline)
        info = program.highs.getInfo()
        if info.primal_solution_status == 2:
            found = np.rint(program.n_values()).astype(np.int64)
            if program.value(found) > value:
                n, value = found, program.value(found)
        bound = min(bound, info.mip_dual_bound)
        proven = _reaches(value, bound)
    return PriorityStage(pairs=assignment(c, n), value=value, bound=bound,
                         proven=proven, seconds=time.perf_counter() - began)


def _reaches(value: int, bound: float) -> bool:
    """Whether an integer value proves itself against a floating-point
    bound (with room for the solver's rounding)."""
    return value >= np.floor(bound + 1e-9 * max(1.0, abs(bound)))


def _counting_rows(data: AllocationData, c: Counts, type_size, y_kind):
    """
    Row bounds and the matrix (row, column, value triplets) of the
    counting program: kind balance (each kind's counted pairs less its
    y columns), types, binding areas, binding buildings, quotas.
    """
    K, T, P = c.num_kinds, c.num_types, len(c.pair_kind)
    M, Q = len(data.municipality_ids), c.kind_usage.shape[1]
    areas = np.unique(c.type_area[c.type_area >= 0])
    buildings = np.unique(c.type_building[c.type_building >= 0])
    r_type = K
    r_area = r_type + T
    r_building = r_area + len(areas)
    r_quota = r_building + len(buildings)
    R = r_quota + M * Q
    lower = np.full(R, -np.inf)
    upper = np.full(R, np.inf)
    lower[:K] = upper[:K] = 0.0
    upper[r_type:r_area] = type_size
    upper[r_area:r_building] = data.area_cap[areas]
    upper[r_building:r_quota] = data.building_cap[buildings]
    cap = data.quota_cap.reshape(-1).astype(float)
    upper[r_quota:] = np.where(cap >= UNLIMITED, np.inf, cap)
    kind, typ = c.pair_kind, c.pair_type
    rows = [kind, r_type + typ]
    cols = [np.arange(P), np.arange(P)]
    vals = [np.ones(P), np.ones(P)]
    on = c.type_area[typ] >= 0
    rows.append(r_area + np.searchsorted(areas, c.type_area[typ[on]]))
    cols.append(np.flatnonzero(on))
    vals.append(np.ones(on.sum()))
    on = c.type_building[typ] >= 0
    rows.append(r_building + np.searchsorted(
        buildings, c.type_building[typ[on]]))
    cols.append(np.flatnonzero(on))
    vals.append(np.ones(on.sum()))
    for q in range(Q):
        use = c.kind_usage[kind, q]
        on = use > 0
        rows.append(r_quota + c.type_municipality[typ[on]] * Q + q)
        cols.append(np.flatnonzero(on))
        vals.append(use[on].astype(float))
    rows.append(y_kind)
    cols.append(P + np.arange(len(y_kind)))
    vals.append(-np.ones(len(y_kind)))
    return (lower, upper, np.concatenate(rows), np.concatenate(cols),
            np.concatenate(vals))
