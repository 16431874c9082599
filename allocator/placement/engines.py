"""
Engines of the placement level: one integer program, built once from the
arrays, solved by HiGHS (default), CP-SAT or PuLP with CBC; and the exact
min-cost flow when the only capacity in force counts households.

Households of one *type* use every capacity alike and belong to the same
spread groups; within a type they differ only in priority, pair scores
and compatibility. The program counts households of each type per
municipality with integers ``y`` and leaves who they are to continuous
``x`` over classes ``c`` of identical households (see ``PlacementData``)::

    0 <= x[c, m] <= n_c                           households of c in m
    y[t, m] in {0, 1, ...}                        households of type t in m
    h[m] in {0, 1, ...}                           households placed in m
    0 <= z[c] <= n_c                              households of c placed
    sum_m x[c, m] = z[c]                          each household at most once
    sum_{c in t} x[c, m] = y[t, m]                who fills the counts
    sum_{c in t} z[c] = sum_m y[t, m]             (implied; see build_model)
    sum_t y[t, m] = h[m]                          the municipality's total
    sum_t use[t, k] y[t, m] <= left[m, k]         quota dimension or places k
    1000 sum_{t in g} y[t, m] - s h[m] <= 1000 a  spread: group g at most
                                                  s/1000 of m's households + a
    maximise  sum priority[c] z[c]  then  sum points[c, m] x[c, m]
              (lexicographic), or weight * priority + points (weighted),
              or sum points[c, m] x[c, m]  then  sum z[c]  (score)

For integer ``y`` what remains is a transportation problem per type
(totally unimodular), so an integer ``x`` as good as any continuous one
exists: the engines take ``y`` from the solver and find that ``x`` exactly
with a min-cost flow in integers. Branching happens on the few counts,
never on which of two alike households goes where, which is what makes
the program small and its proof fast. With only the households dimension
and no spread rule the whole problem is a transportation problem, and the
``flow`` engine is exact on its own.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np

from models import Status

from ..engines._highs import ABS_GAP, exact_highs, highs_lp
from ..i18n import _
from .data import SPREAD_SCALE, UNLIMITED, PlacementData

PLACEMENT_ENGINES = ("auto", "mip", "cpsat", "pulp", "flow")
"""Engines of ``solve_placement``."""

#: Largest objective handled in one stage by HiGHS and CBC, whose
#: arithmetic is in doubles (exact to 2**53, with room to spare).
EXACT_BELOW_DOUBLE = 2.0**46

#: The same for CP-SAT, which works in 64-bit integers.
EXACT_BELOW_INT = 2.0**60

#: CP-SAT proves far better with its full portfolio, even on two cores
#: (shared/MEASUREMENTS.md).
CPSAT_WORKERS = 8


class NotRepresentable(ValueError):
    """The placement problem at hand is not a min-cost flow."""


@dataclass(frozen=True)
class PlacementResult:
    """
    What a placement engine returns.

    Parameters
    ----------
    assignment
        Municipality position of each household, -1 when not placed;
        given households included.
    objective
        ``(primary, secondary)``: priority points and pair-score points of
        every placed household, given ones included.
    value
        The combined objective (``PlacementData.combine``).
    bound
        The engine's bound on ``value`` when it has one.
    """

    engine: str
    status: Status
    assignment: np.ndarray
    objective: tuple[int, int]
    value: int
    bound: int | None
    build_seconds: float
    solve_seconds: float
    workers: int = 1
    seed: int = 0
    detail: dict[str, str] = field(default_factory=dict)

    @property
    def proven_optimal(self) -> bool:
        return self.status == Status.OPTIMAL

    @property
    def gap(self) -> float | None:
        if self.bound is None:
            return None
        return abs(self.bound - self.value) / max(1, abs(self.value))


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


def fill_counts(data: PlacementData, model: PlacementModel,
                counts: np.ndarray) -> np.ndarray | None:
    """
    The best households for given counts per type and municipality: a
    min-cost flow in integers, source -> class -> count -> sink, with each
    count's arc to the sink exactly full. Returns the households of each
    pair, or ``None`` when the counts cannot be filled.
    """
    from ortools.graph.python import min_cost_flow

    counts = np.rint(np.asarray(counts)).astype(np.int64)
    C, Q, P = data.num_classes, model.num_counts, model.num_pairs
    total = int(counts.sum())
    if total == 0:
        return np.zeros(P, dtype=np.int64)
    size = data.class_size
    source, sink = 0, 1 + C + Q
    tails = np.concatenate([np.zeros(C, np.int64), 1 + data.pair_class,
                            1 + C + np.arange(Q)])
    heads = np.concatenate([1 + np.arange(C), 1 + C + model.count_of_pair,
                            np.full(Q, sink)])
    caps = np.concatenate([size, size[data.pair_class], counts])
    costs = np.concatenate([np.zeros(C, np.int64), -data.pair_value(),
                            np.zeros(Q, np.int64)])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int64), heads.astype(np.int64),
        caps.astype(np.int64), costs.astype(np.int64),
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source], supplies[sink] = total, -total
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    if flow.solve() != flow.OPTIMAL:
        return None
    return flow.flows(arcs)[C:C + P].astype(np.int64)


def type_start(data: PlacementData, model: PlacementModel,
               time_limit: float | None = 10.0
               ) -> tuple[np.ndarray | None, int | None]:
    """
    A start with the best priority total there is, when households of one
    type are compatible with the same municipalities: the program without
    the households' municipalities (``_type_program``), which is small,
    with small coefficients; then the households for its counts by flow,
    best pair scores first.

    With spread rules that program is first solved without them: its
    types then count quota use only, far fewer and without the near
    symmetric copies per group that make the program with the rules slow
    to prove (county preset: 0.05 s against 0.2 to 1 s), and it still
    bounds the whole program. Its counts are then split among the model's
    types so that every spread rule holds, placing households of the same
    priorities (``_spread_counts``): that placement reaches the bound, so
    it is the best. Only when no such split exists is the program solved
    with the rules.

    Returns the start (``None`` when not applicable or not solved) and its
    priority total when the program proved it the best (``None``
    otherwise). That program relaxes the whole one, so no placement has a
    larger priority total.
    """
    C, Q = data.num_classes, model.num_counts
    if C == 0 or Q == 0:
        return None, None
    started = time.perf_counter()
    loose = _without_spread(data)
    if loose is not data and _same_municipalities(loose):
        loose_model = build_model(loose)
        solution, proven = _solve_type_program(loose, loose_model, time_limit)
        if solution is not None and proven:
            counts = _spread_counts(data, model, loose, loose_model, solution,
                                    _left(time_limit, started))
            start = None if counts is None else _start(data, model, counts)
            best = int(round(float(data.class_priority @ solution[:C])))
            # The flow takes the best households of each type, so with a
            # lexicographic objective the start's total is the bound.
            if start is not None and (not data.lexicographic or round(
                    model.primary @ start) == best):
                return start, best
    if not _same_municipalities(data):
        return None, None
    solution, proven = _solve_type_program(data, model,
                                           _left(time_limit, started))
    if solution is None:
        return None, None
    start = _start(data, model, solution[C:C + Q])
    if start is None:
        return None, None
    best = int(round(float(data.class_priority @ solution[:C])))
    return start, best if proven else None


def priority_bounds(data: PlacementData, model: PlacementModel,
                    best: int) -> tuple[np.ndarray, np.ndarray] | None:
    """
    Bounds that every placement with priority total ``best``, the largest
    there is, keeps on how many of each class are placed and on the
    counts: reduced-cost fixing in the linear relaxation of the type
    program (without spread rules, a relaxation still). Its optimum
    exceeds ``best`` by a few points; placing a class its solution leaves
    out (or leaving out one it places) costs at least the class's reduced
    cost, so a class whose reduced cost exceeds that gap is decided, and
    so is a count whose first unit costs more. On the county preset (seeds
    0 to 3) this decides 78 to 96 % of the classes (who is placed is
    almost settled by priority) and removes 17 to 52 % of the pairs.

    Returns ``(lower, upper)`` over the classes then the model's counts,
    or ``None`` when the type program does not apply.
    """
    import highspy

    C, Q = data.num_classes, model.num_counts
    loose = _without_spread(data)
    if _same_municipalities(loose):
        program = loose
        program_model = model if loose is data else build_model(loose)
    elif _same_municipalities(data):
        program, program_model = data, model
    else:
        return None
    h = _type_program(program, program_model, integer=False)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = h.getSolution()
    x = np.array(solution.col_value)
    cost = np.array(solution.col_dual)  # reduced costs (maximising)
    lp = h.getLp()
    lo, up = np.array(lp.col_lower_), np.array(lp.col_upper_)
    value = h.getInfo().objective_function_value
    # A little slack for the LP's tolerances: fixing less is always safe.
    gap = value - best + 1e-6 * max(1.0, abs(value))
    if gap < 0:
        return None  # not a bound on ``best``: something is off
    lower, upper = lo.copy(), up.copy()
    rise = (x <= lo + 1e-9) & (cost < -1e-9)  # at lower, costly to raise
    upper[rise] = lo[rise] + np.floor(gap / -cost[rise] + 1e-9)
    fall = (x >= up - 1e-9) & (cost > 1e-9)  # at upper, costly to lower
    lower[fall] = up[fall] - np.floor(gap / cost[fall] + 1e-9)
    lower, upper = np.minimum(lower, up), np.maximum(upper, lo)
    if program_model is model:
        return lower[:C + Q], upper[:C + Q]
    # The program counted coarser types (quota use only): one of its
    # counts held at zero holds every model count it sums at zero.
    loose_of = _coarse_types(data, loose)
    M = data.num_municipalities
    index = np.full((int(loose_of.max()) + 1) * M, -1, dtype=np.int64)
    index[program_model.count_type * M
          + program_model.count_municipality] = np.arange(
        program_model.num_counts)
    mine = index[loose_of[model.count_type] * M + model.count_municipality]
    count_upper = model.var_upper[model.num_pairs:][:Q].astype(float)
    count_upper[upper[C + mine] < 0.5] = 0
    return (np.concatenate([lower[:C], np.zeros(Q)]),
            np.concatenate([upper[:C], count_upper]))


def _coarse_types(data: PlacementData, loose: PlacementData) -> np.ndarray:
    """For each type of ``data``, its type without the spread rules."""
    types = class_types(data)
    coarse = np.zeros(int(types.max()) + 1, dtype=np.int64)
    coarse[types] = class_types(loose)
    return coarse


def _without_spread(data: PlacementData) -> PlacementData:
    """The same problem without its spread rules (itself if it has none)."""
    if not data.spread_kinds:
        return data
    return replace(data, spread_kinds=(), spread_permille=(),
                   class_groups=data.class_groups[:0])


def _same_municipalities(data: PlacementData) -> bool:
    """
    Whether the classes of each type are compatible with the same
    municipalities, which lets a program count types rather than classes.
    """
    types = class_types(data)
    order = np.lexsort((data.pair_municipality, data.pair_class))
    starts = np.searchsorted(data.pair_class[order],
                             np.arange(data.num_classes + 1))
    seen: dict[int, bytes] = {}
    for c in range(data.num_classes):
        munis = data.pair_municipality[order[starts[c]:starts[c + 1]]]
        if seen.setdefault(int(types[c]), munis.tobytes()) != munis.tobytes():
            return False
    return True


def _type_program(data: PlacementData, model: PlacementModel,
                  integer: bool = True, time_limit: float | None = None):
    """
    The program without the households' municipalities, in HiGHS: how
    many of each class are placed, then the model's counts and totals
    (every row on them), each type's counts summing to its classes;
    maximise priority. Variables: classes, then counts, then totals.
    """
    import highspy

    types = class_types(data)
    C, P = data.num_classes, model.num_pairs
    n = C + model.first_class - P
    h = exact_highs(seed=0)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    upper = np.concatenate([data.class_size,
                            model.var_upper[P:model.first_class]])
    h.addVars(n, np.zeros(n), upper.astype(float))
    if integer:
        h.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32),
            np.array([highspy.HighsVarType.kInteger] * n),
        )
    h.changeColsCost(C, np.arange(C, dtype=np.int32),
                     data.class_priority.astype(float))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    for t in range(int(types.max()) + 1):
        cs = np.flatnonzero(types == t)
        qs = np.flatnonzero(model.count_type == t)
        idx = np.concatenate([cs, C + qs]).astype(np.int32)
        h.addRow(0.0, 0.0, len(idx), idx,
                 np.concatenate([np.ones(len(cs)), -np.ones(len(qs))]))
    for cols, vals, lo, up in _count_rows(model):
        h.addRow(float(lo), float(up), len(cols),
                 (C + cols).astype(np.int32), vals.astype(float))
    return h


def _solve_type_program(data, model, time_limit):
    """
    The type program's solution (classes, counts, totals; ``None`` if
    none was found) and whether it is proven optimal.
    """
    import highspy

    h = _type_program(data, model, time_limit=time_limit)
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return None, False
    solution = np.rint(np.array(h.getSolution().col_value))
    return solution, h.getModelStatus() == highspy.HighsModelStatus.kOptimal


def _spread_counts(data, model, loose, loose_model, solution, time_limit):
    """
    The model's counts for a solution of the type program without spread
    rules (``loose``), split among the model's finer types so that every
    spread rule holds: same counts of each coarse type in each
    municipality, and of each coarse type and priority placed, so the
    priority total stays. A feasibility program in HiGHS; ``None`` when
    no such split exists (or none was found in time).
    """
    C, Q = data.num_classes, model.num_counts
    M = data.num_municipalities
    loose_types = class_types(loose)
    placed = solution[:C]
    loose_counts = solution[C:C + loose_model.num_counts]
    # The type program with the rules (its priority objective is constant
    # once the rows below fix who is placed), plus those rows.
    h = _type_program(data, model, time_limit=time_limit)

    def equal(cols, vals, value):
        h.addRow(float(value), float(value), len(cols),
                 np.asarray(cols, dtype=np.int32),
                 np.asarray(vals, dtype=float))

    level = loose_types * (int(data.class_priority.max()) + 1) + (
        data.class_priority)
    for key in np.unique(level).tolist():
        cs = np.flatnonzero(level == key)
        equal(cs, np.ones(len(cs)), placed[cs].sum())
    coarse_count = (_coarse_types(data, loose)[model.count_type] * M
                    + model.count_municipality)
    for q, value in enumerate(loose_counts.tolist()):
        mine = np.flatnonzero(
            coarse_count == loose_model.count_type[q] * M
            + loose_model.count_municipality[q])
        equal(C + mine, np.ones(len(mine)), value)
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return None
    return np.rint(np.array(h.getSolution().col_value))[C:C + Q]


def _start(data, model, counts) -> np.ndarray | None:
    """A start from counts: the households for them by flow, the totals."""
    pairs = fill_counts(data, model, counts)
    if pairs is None:
        return None
    return model.complete(pairs, np.rint(counts))


def greedy_start(data: PlacementData, model: PlacementModel,
                 relaxed: np.ndarray | None = None,
                 time_limit: float | None = None) -> np.ndarray | None:
    """
    A feasible start for the program: the counts of its linear
    relaxation rounded down (and lowered where a spread rule then breaks),
    topped up greedily with the households left, best pair first; the
    households for the counts by flow. When the relaxation has no
    solution within ``time_limit`` seconds, the counts start from zero and
    the greedy top-up alone fills them: a start without the relaxation's
    guidance beats none, which leaves a national round with no placement
    at all when the solve's limit binds. ``None`` when no start is found.
    """
    if relaxed is None:
        relaxed = _relaxation(model, data, time_limit)
        if relaxed is None:
            relaxed = np.zeros(model.num_vars)
    P, Q = model.num_pairs, model.num_counts
    y = np.floor(relaxed[P:P + Q] + 1e-6).astype(np.int64)
    y = np.minimum(y, model.var_upper[P:P + Q])
    rows = _quota_rows(model)
    # Rounding down keeps every quota; a spread row may break, since
    # households outside the group count against it.
    for cols, vals, up in rows:
        while vals @ y[cols] > up:
            inside = np.flatnonzero((vals > 0) & (y[cols] > 0))
            k = cols[inside[np.argmax(y[cols[inside]])]]
            y[k] -= 1
    pairs = fill_counts(data, model, y)
    if pairs is None:
        return None
    used = np.bincount(data.pair_class, weights=pairs,
                       minlength=data.num_classes).astype(np.int64)
    left = data.class_size - used
    by_count: list[list[tuple]] = [[] for _ in range(Q)]
    for i, (cols, vals, up) in enumerate(rows):
        for c, v in zip(cols.tolist(), vals.tolist(), strict=True):
            by_count[c].append((i, v))
    slack = np.array([up - vals @ y[cols] for cols, vals, up in rows])
    value = data.pair_value()
    for p in np.argsort(-value, kind="stable").tolist():
        c, q = int(data.pair_class[p]), int(model.count_of_pair[p])
        if value[p] <= 0:
            break
        while left[c] > 0 and y[q] < model.var_upper[P + q] and all(
            slack[i] >= v for i, v in by_count[q]
        ):
            y[q] += 1
            left[c] -= 1
            for i, v in by_count[q]:
                slack[i] -= v
    return _start(data, model, y)


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


def _relaxation(model: PlacementModel, data: PlacementData,
                time_limit: float | None = None) -> np.ndarray | None:
    """The linear relaxation's solution under the combined objective, or
    ``None`` when it has none within ``time_limit`` seconds (a start is
    then not worth the solve's whole limit: a national round's LP alone
    ran for over an hour) or a stop was requested."""
    import highspy

    h = exact_highs(seed=0)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    n = model.num_vars
    value = np.concatenate([data.pair_value(),
                            np.zeros(n - model.num_pairs)])
    lp = highs_lp(
        cost=value.astype(float) / max(1.0, float(np.abs(value).max())),
        col_lower=np.zeros(n), col_upper=model.var_upper,
        row_lower=model.row_lower, row_upper=model.row_upper,
        start=model.row_start, index=model.col_index, value=model.values,
    )
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.array(h.getSolution().col_value)


# --- results ---------------------------------------------------------------


def evaluate(data: PlacementData, assignment: np.ndarray):
    """``(primary, secondary)`` and combined value of an assignment."""
    placed = np.flatnonzero(assignment >= 0)
    points = int(data.points[placed, assignment[placed]].sum())
    if data.score_first:
        primary, secondary = points, len(placed)
    else:
        primary, secondary = int(data.priority[placed].sum()), points
    return (primary, secondary), data.combine(primary, secondary)


def assignment_of(data: PlacementData, counts: np.ndarray) -> np.ndarray:
    """
    Households' municipalities from the counts per pair: each class's
    households, in order, fill its municipalities in order.
    """
    assignment = data.given.copy()
    counts = np.rint(np.asarray(counts)).astype(np.int64)
    next_member = np.zeros(data.num_classes, dtype=np.int64)
    for p in np.flatnonzero(counts > 0).tolist():
        c = int(data.pair_class[p])
        k = int(counts[p])
        members = data.class_members[c][next_member[c]:next_member[c] + k]
        assignment[members] = data.pair_municipality[p]
        next_member[c] += k
    return assignment


def _result(data, engine, status, counts, *, bound=None, build=0.0,
            solve=0.0, **fields) -> PlacementResult:
    if counts is None:
        assignment = data.given.copy()
    else:
        assignment = assignment_of(data, counts)
    objective, value = evaluate(data, assignment)
    if status == Status.OPTIMAL:
        bound = value
    return PlacementResult(
        engine=engine, status=status, assignment=assignment,
        objective=objective, value=value, bound=bound,
        build_seconds=build, solve_seconds=solve, **fields,
    )


def _offset(data: PlacementData) -> int:
    """The given households' part of the combined value."""
    return data.combine(*data.given_value)


# --- engines -----------------------------------------------------------------


def solve_placement(
    data: PlacementData,
    engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    workers: int | None = None,
) -> PlacementResult:
    """
    Solves the placement problem with the chosen engine.

    ``auto`` takes the min-cost flow when only the households dimension
    is in force and no spread rule applies, and HiGHS otherwise.

    Parameters
    ----------
    engine
        ``auto``, ``mip`` (HiGHS through highspy), ``cpsat``, ``pulp``
        (PuLP with CBC) or ``flow``.
    time_limit
        Seconds; ``None`` for no limit.
    seed
        Random seed of the solvers.
    workers
        CP-SAT workers (default 8).

    Raises
    ------
    ValueError
        When the engine is not understood, or ``flow`` is asked for a
        problem that is not a transportation problem.
    """
    if engine not in PLACEMENT_ENGINES:
        raise ValueError(_(
            "engine {engine!r} not understood; choose one of {choices}.",
            engine=engine, choices=", ".join(PLACEMENT_ENGINES)))
    if data.num_pairs == 0:
        return _result(data, engine, Status.OPTIMAL,
                       np.zeros(0, dtype=np.int64))
    if engine == "auto":
        engine = "flow" if data.network_representable else "mip"
        result = _dispatch(data, engine, time_limit, seed, workers)
        return _renamed(result, f"auto:{engine}")
    return _dispatch(data, engine, time_limit, seed, workers)


def _left(time_limit, started, share=1.0):
    """Seconds left of a time limit (a share of them), or ``None``."""
    if time_limit is None:
        return None
    return max(0.01, share * (time_limit - (time.perf_counter() - started)))


def _renamed(result: PlacementResult, engine: str) -> PlacementResult:
    return replace(result, engine=engine)


def _dispatch(data, engine, time_limit, seed, workers):
    if engine == "flow":
        return solve_flow(data)
    return solve_program(data, engine, time_limit, seed, workers)


def solve_program(data: PlacementData, engine: str = "mip",
                  time_limit=None, seed=0, workers=None,
                  warm_start: bool = True) -> PlacementResult:
    """
    The integer program through HiGHS (``mip``), PuLP with CBC (``pulp``)
    or CP-SAT (``cpsat``), then the households for its counts by flow.

    With ``warm_start`` the solver starts from the best-priority solution
    of the program without households' municipalities (``type_start``),
    or a greedy one. That solution's priority total, when proven, also
    checks the answer: a lexicographic optimum solved in one combined
    stage must reach it, or the solver's tolerances have blurred the
    large combined coefficients, and the program is solved again in two
    stages with small ones.

    HiGHS (``mip``) with a lexicographic objective also gets that total's
    consequences (``priority_bounds``): classes whose placement it
    decides and counts it rules out, as bounds. Every lexicographic
    optimum keeps them, so the answer is the same; the check above would
    catch a bound that did not hold (the program is then solved again
    without them). CBC and CP-SAT solve the program as it is and so stay
    independent checks of these reductions.
    """
    started = time.perf_counter()
    model = build_model(data)
    kind = {"mip": _Highs, "pulp": _Cbc, "cpsat": _CpSat}[engine]
    runner = kind(model, time_limit, seed, workers)
    built = time.perf_counter()
    start_x, best_primary = None, None
    if warm_start:
        start_x, best_primary = _warm_start(data, model, time_limit, started)
    if (engine == "mip" and best_primary is not None
            and not model.secondary.any()):
        # Priority is the whole objective, and the small program (HiGHS)
        # proved the start's priority total the best there is: nothing is
        # left to find or prove.
        pairs = _pairs(data, model, start_x)
        return _result(
            data, engine, Status.OPTIMAL, pairs, build=built - started,
            solve=time.perf_counter() - built, seed=seed,
            workers=runner.workers,
            detail={"backend": "highspy (types)", "rows": str(
                model.num_rows), "vars": str(model.num_vars),
                "counts": str(model.num_counts), "stages": "types"},
        )
    stages = objective_stages(data, model, runner.exact_below)
    bounds = None
    if engine == "mip" and best_primary is not None and data.lexicographic:
        bounds = priority_bounds(data, model, best_primary)
    if bounds is not None:
        runner.restrict(data, *bounds)
    status, x, bound = _run_stages(runner, stages, start_x)
    pairs = None if x is None else _pairs(data, model, x)
    if _missed_priority(data, best_primary, len(stages), bounds, status,
                        pairs):
        runner = kind(model, _left(time_limit, started), seed, workers)
        stages, bounds = [model.primary, model.secondary], None
        status, x, bound = _run_stages(
            runner, stages, x if x is not None else start_x)
        pairs = None if x is None else _pairs(data, model, x)
    if x is None:
        return _result(
            data, engine, status, None, build=built - started,
            solve=time.perf_counter() - built, seed=seed,
            workers=runner.workers, detail={"backend": runner.name},
        )
    return _result(
        data, engine, status, pairs,
        bound=(int(np.floor(bound + ABS_GAP)) + _offset(data)
               if bound is not None and np.isfinite(bound)
               and len(stages) == 1 else None),
        build=built - started, solve=time.perf_counter() - built,
        seed=seed, workers=runner.workers,
        detail=_program_detail(data, model, runner.name, len(stages),
                               bounds),
    )


def _warm_start(data: PlacementData, model: PlacementModel, time_limit,
                started: float):
    """
    A first solution for the solver: the best-priority one of the program
    without households' municipalities, with its priority total when
    proven, or else a greedy one (total ``None``); each may use a quarter
    of the time left.
    """
    start_x, best_primary = type_start(
        data, model, _left(time_limit, started, 0.25)
    )
    if start_x is None:
        start_x = greedy_start(
            data, model, time_limit=_left(time_limit, started, 0.25))
    return start_x, best_primary


def _missed_priority(data: PlacementData, best_primary, num_stages: int,
                     bounds, status: Status, pairs) -> bool:
    """
    Whether a lexicographic answer falls short of the proven best
    priority total: the one combined stage's large coefficients were
    blurred by the solver's tolerances, or a priority bound did not hold,
    and the program must be solved again in two stages without bounds.
    """
    return bool(
        best_primary is not None and data.lexicographic
        and (num_stages == 1 or bounds is not None)
        and (status == Status.OPTIMAL or (
            bounds is not None and status == Status.INFEASIBLE))
        and (pairs is None
             or evaluate(data, assignment_of(data, pairs))[0][0]
             < best_primary + data.given_value[0]))


def _program_detail(data: PlacementData, model: PlacementModel,
                    backend: str, num_stages: int, bounds) -> dict[str, str]:
    """The size of the program and how it was solved, for the report."""
    detail = {"backend": backend, "rows": str(model.num_rows),
              "vars": str(model.num_vars), "counts": str(model.num_counts),
              "stages": str(num_stages)}
    if bounds is not None:
        C = data.num_classes
        detail["decided_classes"] = str(int(
            (bounds[0][:C] == bounds[1][:C]).sum()))
    return detail


def _run_stages(runner, stages, start_x):
    """
    Maximises each objective in turn, holding the earlier ones at their
    optimum. Returns the status (optimal only if every stage was proven),
    the solution (``None`` if none was found) and the last bound.
    """
    proven, x, bound, status = True, None, None, Status.UNKNOWN
    for k, objective in enumerate(stages):
        status, x_new, bound = runner.maximise(
            objective, x if x is not None else start_x
        )
        if x_new is None:
            if x is None:
                return status, None, None
            proven = False  # stopped in a later stage: keep the earlier
            break
        x = x_new
        proven &= status == Status.OPTIMAL
        if k + 1 < len(stages):
            runner.hold_at_least(objective, int(round(float(objective @ x))))
    return (Status.OPTIMAL if proven else Status.FEASIBLE), x, bound


def _pairs(data, model, x) -> np.ndarray:
    """Households per pair for the solution's counts, by flow."""
    P = model.num_pairs
    pairs = fill_counts(data, model, x[P:P + model.num_counts])
    if pairs is None:  # not expected: the solver's own pairs fill them
        pairs = np.rint(x[:P]).astype(np.int64)
    return pairs


def _deadline_after(time_limit) -> float | None:
    """
    The moment (``time.perf_counter``) a solver must stop, so that every
    stage of one solve shares the time limit; ``None`` without a limit.
    """
    return None if time_limit is None else time.perf_counter() + time_limit


class _DoubleSolver:
    """
    What HiGHS and CBC share: both count in doubles (so a combined
    objective stays exact only below ``EXACT_BELOW_DOUBLE``), run on one
    thread, and hold every stage of a solve to one deadline.
    """

    exact_below = EXACT_BELOW_DOUBLE
    workers = 1

    def __init__(self, model: PlacementModel, time_limit, seed, workers):
        self.model = model
        self.deadline = _deadline_after(time_limit)
        self._load(model, seed)

    def _load(self, model: PlacementModel, seed) -> None:
        """Hands the program to the solver."""
        raise NotImplementedError


class _Highs(_DoubleSolver):
    """HiGHS through highspy, fed with the arrays."""

    name = "highspy"

    def _load(self, model: PlacementModel, seed) -> None:
        import highspy

        self._highspy = highspy
        self.highs = h = exact_highs(seed)
        n = model.num_vars
        # Every variable integer: the counts carry the structure, and the
        # households' integrality gives HiGHS its strongest cuts (on the
        # county preset, 1 node instead of hundreds with continuous x).
        lp = highs_lp(
            cost=np.zeros(n), col_lower=np.zeros(n),
            col_upper=model.var_upper, row_lower=model.row_lower,
            row_upper=model.row_upper, start=model.row_start,
            index=model.col_index, value=model.values, integer=True,
        )
        h.passModel(lp)

    def restrict(self, data: PlacementData, lower: np.ndarray,
                 upper: np.ndarray) -> None:
        """
        Applies ``priority_bounds``: households placed of each class and
        counts within their bounds, pairs of a class or count bound to
        zero removed.

        The program is then one HiGHS proves with a different balance,
        measured on the county preset (seeds 0 to 3, both policies, three
        random seeds): counts and totals continuous (sums of households,
        so integral with them) and no root reduced-cost heuristic (a
        sub-MIP from the root's reduced costs, the reasoning the bounds
        already applied) take about a third off the time.
        """
        highspy = self._highspy
        model, h = self.model, self.highs
        C, P, Q = data.num_classes, model.num_pairs, model.num_counts
        first = model.first_class
        col_lower = np.zeros(model.num_vars)
        col_upper = model.var_upper.astype(float)
        col_lower[P:P + Q] = lower[C:]
        col_upper[P:P + Q] = np.minimum(col_upper[P:P + Q], upper[C:])
        col_lower[first:] = lower[:C]
        col_upper[first:] = np.minimum(col_upper[first:], upper[:C])
        out = (col_upper[first:][model.class_of_pair] < 0.5) | (
            col_upper[P:P + Q][model.count_of_pair] < 0.5)
        col_upper[:P][out] = 0
        n = model.num_vars
        h.changeColsBounds(n, np.arange(n, dtype=np.int32), col_lower,
                           col_upper)
        h.changeColsIntegrality(
            first - P, np.arange(P, first, dtype=np.int32),
            np.array([highspy.HighsVarType.kContinuous] * (first - P)))
        h.setOptionValue("mip_heuristic_run_root_reduced_cost", False)

    def maximise(self, objective, start):
        h = self.highs
        n = self.model.num_vars
        h.changeColsCost(n, np.arange(n, dtype=np.int32),
                         objective.astype(float))
        if self.deadline is not None:
            h.setOptionValue(
                "time_limit", max(0.01, self.deadline - time.perf_counter())
            )
        if start is not None:
            h.setSolution(n, np.arange(n, dtype=np.int32),
                          start.astype(float))
        h.run()
        status = h.getModelStatus()
        ms = self._highspy.HighsModelStatus
        if h.getInfo().primal_solution_status != 2:
            return (Status.INFEASIBLE if status == ms.kInfeasible
                    else Status.UNKNOWN), None, None
        x = np.array(h.getSolution().col_value)
        proven = status == ms.kOptimal
        return (Status.OPTIMAL if proven else Status.FEASIBLE, x,
                h.getInfo().mip_dual_bound)

    def hold_at_least(self, objective, value):
        cols = np.flatnonzero(objective)
        self.highs.addRow(value - ABS_GAP, np.inf, len(cols),
                          cols.astype(np.int32),
                          objective[cols].astype(float))


class _Cbc(_DoubleSolver):
    """The same program through PuLP, solved by CBC."""

    name = "pulp-cbc"

    def _load(self, model: PlacementModel, seed) -> None:
        import pulp

        self.pulp = pulp
        self.problem = pulp.LpProblem("placement", pulp.LpMaximize)
        self.x = [
            pulp.LpVariable(
                f"v{i}", lowBound=0, upBound=int(u),
                cat=pulp.LpInteger,
            )
            for i, u in enumerate(model.var_upper.tolist())
        ]
        for i in range(model.num_rows):
            c, v = model.row(i)
            expr = pulp.LpAffineExpression(
                list(zip([self.x[j] for j in c.tolist()], v.tolist(),
                         strict=True))
            )
            lo, up = model.row_lower[i], model.row_upper[i]
            if lo == up:
                self.problem += expr == float(up), f"r{i}"
            else:
                self.problem += expr <= float(up), f"r{i}"
        self.seed = seed
        self.holds = 0

    def maximise(self, objective, start):
        pulp = self.pulp
        cols = np.flatnonzero(objective).tolist()
        self.problem.setObjective(pulp.LpAffineExpression(
            [(self.x[c], float(objective[c])) for c in cols]
        ))
        if start is not None:
            for var, value in zip(self.x, start.tolist(), strict=True):
                var.setInitialValue(value)
        left = None if self.deadline is None else (
            self.deadline - time.perf_counter())
        limit = None if left is None else max(1, int(np.ceil(left)))
        solver = pulp.PULP_CBC_CMD(
            msg=False, timeLimit=limit, gapAbs=ABS_GAP, gapRel=0.0,
            warmStart=start is not None,
            options=[f"randomSeed {int(self.seed) % (2**31 - 2) + 1}"],
        )
        self.problem.solve(solver)
        status = pulp.LpStatus[self.problem.status]
        if status == "Infeasible":
            return Status.INFEASIBLE, None, None
        values = [v.varValue for v in self.x]
        if any(v is None for v in values):
            return Status.UNKNOWN, None, None
        x = np.array(values, dtype=float)
        # PuLP says "Optimal" for a solution found within the limits; with
        # zero gap tolerances that is a proof.
        proven = status == "Optimal" and self.problem.sol_status == 1
        return Status.OPTIMAL if proven else Status.FEASIBLE, x, None

    def hold_at_least(self, objective, value):
        pulp = self.pulp
        cols = np.flatnonzero(objective).tolist()
        self.holds += 1
        self.problem += (
            pulp.LpAffineExpression(
                [(self.x[c], float(objective[c])) for c in cols]
            ) >= value - ABS_GAP,
            f"hold{self.holds}",
        )


class _CpSat:
    """The same program in CP-SAT, every variable an integer."""

    name = "cpsat"
    exact_below = EXACT_BELOW_INT

    def __init__(self, model: PlacementModel, time_limit, seed, workers):
        from ortools.sat.python import cp_model

        self.cp_model = cp_model
        self.workers = int(workers or CPSAT_WORKERS)
        self.deadline = _deadline_after(time_limit)
        self.model = m = cp_model.CpModel()
        self.x = [m.new_int_var(0, int(u), "")
                  for u in model.var_upper.tolist()]
        for i in range(model.num_rows):
            c, v = model.row(i)
            expr = cp_model.LinearExpr.weighted_sum(
                [self.x[j] for j in c.tolist()], v.tolist()
            )
            lo, up = model.row_lower[i], model.row_upper[i]
            if lo == up:
                m.add(expr == int(up))
            else:
                m.add(expr <= int(up))
        self.solver = cp_model.CpSolver()
        self.solver.parameters.num_workers = self.workers
        self.solver.parameters.random_seed = int(seed)
        self.expr = None

    def maximise(self, objective, start):
        cp_model = self.cp_model
        if self.deadline is not None:
            self.solver.parameters.max_time_in_seconds = max(
                0.01, self.deadline - time.perf_counter()
            )
        cols = np.flatnonzero(objective).tolist()
        self.expr = cp_model.LinearExpr.weighted_sum(
            [self.x[j] for j in cols], objective[cols].tolist()
        )
        self.model.maximize(self.expr)
        if start is not None:
            self.model.clear_hints()
            for var, value in zip(self.x, np.rint(start).tolist(),
                                  strict=True):
                self.model.add_hint(var, int(value))
        status = self.solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return (Status.INFEASIBLE if status == cp_model.INFEASIBLE
                    else Status.UNKNOWN), None, None
        x = np.array([self.solver.value(v) for v in self.x], dtype=float)
        return (Status.OPTIMAL if status == cp_model.OPTIMAL
                else Status.FEASIBLE, x, self.solver.best_objective_bound)

    def hold_at_least(self, objective, value):
        self.model.add(self.expr >= value)


def solve_flow(data: PlacementData) -> PlacementResult:
    """
    The transportation problem as a min-cost flow: source -> class
    (its households) -> compatible municipality -> sink (the households
    left in its decision), and a bypass from source to sink for
    households not placed. Pair costs are the negated combined values,
    exact integers, so the cheapest flow is the lexicographic (or
    weighted) optimum.

    Raises
    ------
    NotRepresentable
        When a capacity other than households, or a spread rule, is in
        force.
    """
    from ortools.graph.python import min_cost_flow

    if not data.network_representable:
        raise NotRepresentable(_(
            "Placement not understood as a flow: quotas beyond households, "
            "service places or spread rules need the mip, cpsat or pulp "
            "engine."
        ))
    start = time.perf_counter()
    C, M = data.num_classes, data.num_municipalities
    size = data.class_size
    total = max(int(size.sum()), 1)
    source, sink = 0, 1 + C + M
    cap = np.full(M, total, dtype=np.int64)
    if "households" in data.capacity_names:
        k = data.capacity_names.index("households")
        cap = np.minimum(data.capacity_left[:, k], total)
    tails = np.concatenate([
        np.zeros(C, np.int64), 1 + data.pair_class,
        1 + C + np.arange(M), [source],
    ])
    heads = np.concatenate([
        1 + np.arange(C), 1 + C + data.pair_municipality,
        np.full(M, sink), [sink],
    ])
    caps = np.concatenate([size, size[data.pair_class], cap, [total]])
    costs = np.concatenate([
        np.zeros(C, np.int64), -data.pair_value(), np.zeros(M, np.int64),
        [0],
    ])
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int64), heads.astype(np.int64),
        caps.astype(np.int64), costs.astype(np.int64),
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source], supplies[sink] = total, -total
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    built = time.perf_counter()
    status = flow.solve()
    solved = time.perf_counter()
    if status != flow.OPTIMAL:
        return _result(data, "flow", Status.UNKNOWN, None,
                       build=built - start, solve=solved - built,
                       detail={"flow_status": str(status)})
    flows = flow.flows(arcs)
    counts = flows[C:C + data.num_pairs]
    return _result(data, "flow", Status.OPTIMAL, counts,
                   build=built - start, solve=solved - built,
                   detail={"arcs": str(len(arcs)), "nodes": str(sink + 1)})
