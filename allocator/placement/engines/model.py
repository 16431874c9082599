"""
The placement integer program as arrays (``PlacementModel``): the
household types, the variables, the municipality, capacity, spread and
type rows, the objective's stages, and readers of its count and quota
rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import SPREAD_SCALE, UNLIMITED, PlacementData


@dataclass(frozen=True)
class PlacementModel:
    """
    The integer program as arrays. Variables: the pairs of
    ``PlacementData`` (``x``), then the counts (``y``), the totals
    (``h``) and the households placed of each class (``z``); rows in
    compressed sparse row form.

    Parameters
    ----------
    num_pairs
        Number of ``x`` variables; ``y`` follow.
    class_of_pair
        Class of each pair.
    count_of_pair
        Index (among the counts) of the count each pair fills.
    count_type, count_municipality
        Type and municipality of each count.
    total_municipality
        Municipality of each total: one per municipality with counts.
    """

    num_pairs: int
    var_upper: np.ndarray
    class_of_pair: np.ndarray
    count_of_pair: np.ndarray
    count_type: np.ndarray
    count_municipality: np.ndarray
    total_municipality: np.ndarray
    row_start: np.ndarray
    col_index: np.ndarray
    values: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    row_names: tuple[str, ...]
    primary: np.ndarray
    secondary: np.ndarray

    @property
    def num_vars(self) -> int:
        return len(self.var_upper)

    @property
    def num_counts(self) -> int:
        return len(self.count_type)

    @property
    def num_totals(self) -> int:
        return len(self.total_municipality)

    @property
    def first_class(self) -> int:
        """Index of the first ``z`` variable."""
        return self.num_pairs + self.num_counts + self.num_totals

    def complete(self, pairs: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """
        A solution from households per pair and counts: the totals and
        the households placed of each class follow from them.
        """
        pairs = np.asarray(pairs, dtype=float)
        counts = np.asarray(counts, dtype=float)
        order = np.searchsorted(self.total_municipality,
                                self.count_municipality)
        totals = np.bincount(order, weights=counts,
                             minlength=self.num_totals)
        placed = np.bincount(self.class_of_pair, weights=pairs,
                             minlength=self.num_vars - self.first_class)
        return np.concatenate([pairs, counts, totals, placed])

    @property
    def num_rows(self) -> int:
        return len(self.row_upper)

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.row_start[i], self.row_start[i + 1]
        return self.col_index[lo:hi], self.values[lo:hi]


def class_types(data: PlacementData) -> np.ndarray:
    """
    Type of each class: classes using every limited capacity alike and in
    the same spread groups share a type.
    """
    limited = (data.capacity_left < UNLIMITED).any(axis=0)
    keys = np.concatenate(
        [data.class_usage[:, limited], data.class_groups.T], axis=1
    )
    if data.num_classes == 0:
        return np.zeros(0, dtype=np.int64)
    _, types = np.unique(keys, axis=0, return_inverse=True)
    return types.reshape(-1).astype(np.int64)


@dataclass(frozen=True)
class _Counts:
    """
    The count variables: how many households of one class type go to one
    municipality, with the most each can hold.
    """

    of_pair: np.ndarray
    type_of: np.ndarray
    municipality_of: np.ndarray
    type_usage: np.ndarray
    type_groups: np.ndarray
    upper: np.ndarray

    @property
    def num_counts(self) -> int:
        return len(self.type_of)


def _counts(data: PlacementData, ctype: np.ndarray) -> _Counts:
    """
    One count per type and municipality that some pair fills, bounded by
    the households its pairs hold and by every capacity left, so that the
    solver starts from tight bounds.
    """
    size = data.class_size
    pc, pm = data.pair_class, data.pair_municipality
    T = int(ctype.max()) + 1 if len(ctype) else 0
    key = ctype[pc] * data.num_municipalities + pm
    count_keys, count_of_pair = np.unique(key, return_inverse=True)
    count_of_pair = count_of_pair.reshape(-1).astype(np.int64)
    Q = len(count_keys)
    qt = (count_keys // max(data.num_municipalities, 1)).astype(np.int64)
    qm = (count_keys % max(data.num_municipalities, 1)).astype(np.int64)
    type_usage = np.zeros((T, len(data.capacity_names)), dtype=np.int64)
    type_groups = np.full((T, len(data.spread_kinds)), -1, dtype=np.int64)
    type_usage[ctype] = data.class_usage
    type_groups[ctype] = data.class_groups.T
    supply = np.bincount(count_of_pair, weights=size[pc], minlength=Q)
    y_upper = supply.astype(np.int64)
    for k in range(len(data.capacity_names)):
        use = type_usage[qt, k]
        left = data.capacity_left[qm, k]
        fit = np.where(use > 0, left // np.maximum(use, 1), UNLIMITED)
        y_upper = np.minimum(y_upper, fit)
    return _Counts(count_of_pair, qt, qm, type_usage, type_groups, y_upper)


class _Rows:
    """
    The constraint rows in compressed form, gathered block by block in
    the order the solvers receive them.
    """

    def __init__(self) -> None:
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.names: list[str] = []

    def add(self, c, v, lo, up, name) -> None:
        """One row: ``lo <= sum(v * x[c]) <= up``."""
        self.cols.append(np.asarray(c, dtype=np.int64))
        self.vals.append(np.asarray(v, dtype=np.int64))
        self.lengths.append(np.array([len(c)]))
        self.lower.append(float(lo))
        self.upper.append(float(up))
        self.names.append(name)

    def add_sums(self, owner, num, total, label) -> None:
        """
        For each ``i < num`` owning pairs: the pairs ``p`` with
        ``owner[p] == i`` sum to variable ``total[i]``, in one block.
        """
        order = np.argsort(owner, kind="stable")
        members = np.bincount(owner, minlength=num)
        ends, used = np.cumsum(members), np.flatnonzero(members)
        self.cols.append(np.insert(order, ends[used], total[used]))
        self.vals.append(np.insert(np.ones(len(order), dtype=np.int64),
                                   ends[used], -1))
        self.lengths.append(members[used] + 1)
        self.lower.extend([0.0] * len(used))
        self.upper.extend([0.0] * len(used))
        self.names.extend(label(i) for i in used.tolist())


def build_model(data: PlacementData) -> PlacementModel:
    """
    Builds the rows of the integer program from the arrays. Rows that can
    never bind (a capacity or spread group its candidates cannot exceed)
    are left out.
    """
    size = data.class_size
    pc = data.pair_class
    P = data.num_pairs
    ctype = class_types(data)
    counts = _counts(data, ctype)
    Q = counts.num_counts
    qt, qm = counts.type_of, counts.municipality_of
    rows = _Rows()
    # Each household at most once: a class's pairs sum to its households
    # placed, z[c] <= n_c.
    C = data.num_classes
    first_class = P + Q + len(np.unique(qm))
    rows.add_sums(pc, C, first_class + np.arange(C), "once[{}]".format)
    # The households placed fill the counts exactly.
    rows.add_sums(counts.of_pair, Q, P + np.arange(Q),
                  lambda q: f"fill[{qt[q]},{qm[q]}]")
    total_muni, total_upper = _municipality_rows(data, counts, rows, P)
    _type_rows(ctype, counts, rows, P, first_class)

    lengths = (np.concatenate(rows.lengths) if rows.lengths
               else np.zeros(0, np.int64))
    zeros = np.zeros(Q + len(total_muni), dtype=np.int64)
    has_pairs = np.bincount(pc, minlength=C) > 0
    by_class = np.concatenate([np.zeros(P, dtype=np.int64), zeros,
                               data.class_priority])
    by_pair = np.concatenate([data.pair_points, zeros,
                              np.zeros(C, dtype=np.int64)])
    # The score objective: score points first, households placed
    # (class_priority is 1 each) second.
    primary, secondary = ((by_pair, by_class) if data.score_first
                          else (by_class, by_pair))
    return PlacementModel(
        num_pairs=P,
        var_upper=np.concatenate([
            size[pc], counts.upper, total_upper,
            np.where(has_pairs, size, 0),
        ]).astype(np.int64),
        class_of_pair=pc.astype(np.int64),
        count_of_pair=counts.of_pair,
        count_type=qt,
        count_municipality=qm,
        total_municipality=total_muni.astype(np.int64),
        row_start=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        col_index=(np.concatenate(rows.cols) if rows.cols
                   else np.zeros(0, np.int64)),
        values=(np.concatenate(rows.vals) if rows.vals
                else np.zeros(0, np.int64)),
        row_lower=np.array(rows.lower, dtype=float),
        row_upper=np.array(rows.upper, dtype=float),
        row_names=tuple(rows.names),
        primary=primary,
        secondary=secondary,
    )


def _municipality_rows(data: PlacementData, counts: _Counts, rows: _Rows,
                       P: int) -> tuple[np.ndarray, np.ndarray]:
    """
    Quotas, places and spread, on the counts of each municipality, and
    the rows that make its total the sum of its counts. Returns the
    municipalities with a total and the bound of each total.

    The total h[m] is a variable of its own: a spread row then holds the
    group's counts and the total rather than every count of the
    municipality, and HiGHS solves these short rows faster (county preset
    with a nationality rule: up to half the time, a third on average over
    seeds 0 to 3).
    """
    qt, qm, y_upper = counts.type_of, counts.municipality_of, counts.upper
    Q = counts.num_counts
    by_muni = np.argsort(qm, kind="stable")
    mstarts = np.searchsorted(qm[by_muni], np.arange(
        data.num_municipalities + 1))
    total_muni = np.unique(qm)
    total_of = {int(m): P + Q + i for i, m in enumerate(total_muni.tolist())}
    total_upper = np.zeros(len(total_muni), dtype=np.int64)
    for m in range(data.num_municipalities):
        here = by_muni[mstarts[m]:mstarts[m + 1]]
        if not len(here):
            continue
        i = total_of[m] - P - Q
        total_upper[i] = y_upper[here].sum()
        for k in range(len(data.capacity_names)):
            use = counts.type_usage[qt[here], k]
            if data.capacity_left[m, k] < UNLIMITED and use.min() > 0:
                total_upper[i] = min(total_upper[i],
                                     data.capacity_left[m, k] // use.min())
        _capacity_rows(data, counts, rows, P, m, here)
        _spread_rows(data, counts, rows, P, m, here, total_of[m])
    for m, i in total_of.items():
        here = by_muni[mstarts[m]:mstarts[m + 1]]
        rows.add(np.append(P + here, i), np.append(np.ones(len(here)), -1),
                 0, 0, f"total[{m}]")
    return total_muni, total_upper


def _capacity_rows(data: PlacementData, counts: _Counts, rows: _Rows, P: int,
                   m: int, here: np.ndarray) -> None:
    """One row per quota dimension or service place of municipality ``m``
    that its counts could overrun."""
    for k, name in enumerate(data.capacity_names):
        left = data.capacity_left[m, k]
        if left >= UNLIMITED:
            continue
        use = counts.type_usage[counts.type_of[here], k]
        if int((use * counts.upper[here]).sum()) <= left:
            continue  # cannot bind
        nz = use > 0
        rows.add(P + here[nz], use[nz], -np.inf, left, f"{name}[{m}]")


def _spread_rows(data: PlacementData, counts: _Counts, rows: _Rows, P: int,
                 m: int, here: np.ndarray, total: int) -> None:
    """One row per spread group of municipality ``m`` that could exceed
    its share of the municipality's total plus the allowance."""
    for r, kind in enumerate(data.spread_kinds):
        share = data.spread_permille[r]
        groups = counts.type_groups[counts.type_of[here], r]
        for g in np.unique(groups[groups >= 0]).tolist():
            inside = groups == g
            if int(counts.upper[here[inside]].sum()) <= (
                data.spread_allowance
            ):
                continue  # cannot bind
            # 1000 (group) - s (total): the group's own households
            # count in the total too.
            c = P + here[inside]
            v = np.full(len(c), SPREAD_SCALE)
            if share:
                c, v = np.append(c, total), np.append(v, -share)
            rows.add(c, v, -np.inf, SPREAD_SCALE * data.spread_allowance,
                     f"spread:{kind}[{m},{g}]")


def _type_rows(ctype: np.ndarray, counts: _Counts, rows: _Rows, P: int,
               first_class: int) -> None:
    """
    Each type's counts sum to its households placed: implied by the other
    rows, but it hands HiGHS the type program's structure (classes,
    counts, quotas), on which it finds the cuts that close the priority
    gap of the linear relaxation (county preset, seed 6: 5 to 7 s before,
    about 2 s with them).
    """
    qt = counts.type_of
    T = int(ctype.max()) + 1 if len(ctype) else 0
    by_type = np.argsort(qt, kind="stable")
    tstarts = np.searchsorted(qt[by_type], np.arange(T + 1))
    for t in range(T):
        cs = np.flatnonzero(ctype == t)
        qs = by_type[tstarts[t]:tstarts[t + 1]]
        rows.add(np.concatenate([first_class + cs, P + qs]),
                 np.concatenate([np.ones(len(cs)), -np.ones(len(qs))]), 0, 0,
                 f"type[{t}]")


def objective_stages(data: PlacementData, model: PlacementModel,
                     exact_below: float) -> list[np.ndarray]:
    """
    The objectives to maximise in turn: one combined objective while it
    stays exact for the solver, otherwise priority and then pair scores
    with the priority held at its optimum.
    """
    if not (data.lexicographic or data.score_first):
        return [model.primary * data.priority_weight + model.secondary]
    if not model.secondary.any():
        return [model.primary]
    largest = data.scale * (int(np.abs(model.primary) @ model.var_upper)
                            + 1)
    if largest < exact_below:
        return [model.primary * data.scale + model.secondary]
    return [model.primary, model.secondary]


def _count_rows(model: PlacementModel):
    """
    The rows on counts and totals only (quotas, places, spread, totals):
    ``(columns from the first count on, values, lower, upper)``.
    """
    P, end = model.num_pairs, model.first_class
    starts = model.row_start[:-1]
    filled = starts < model.row_start[1:]
    first = np.full(model.num_rows, -1, dtype=np.int64)
    last = np.full(model.num_rows, end, dtype=np.int64)
    if len(model.col_index):
        first[filled] = np.minimum.reduceat(model.col_index, starts[filled])
        last[filled] = np.maximum.reduceat(model.col_index, starts[filled])
    rows = []
    for i in np.flatnonzero((first >= P) & (last < end)).tolist():
        cols, vals = model.row(i)
        rows.append((cols - P, vals, model.row_lower[i], model.row_upper[i]))
    return rows


def _quota_rows(model: PlacementModel):
    """
    The upper-bounded rows on counts only, each total written out as the
    sum of its municipality's counts: ``(counts, values, upper)``.
    """
    Q = model.num_counts
    rows = []
    for cols, vals, lo, up in _count_rows(model):
        if lo == up:
            continue  # a total's definition
        coef = np.zeros(Q, dtype=np.int64)
        for c, v in zip(cols.tolist(), vals.tolist(), strict=True):
            if c < Q:
                coef[c] += v
            else:
                m = model.total_municipality[c - Q]
                coef[model.count_municipality == m] += v
        nz = np.flatnonzero(coef)
        rows.append((nz, coef[nz], up))
    return rows
