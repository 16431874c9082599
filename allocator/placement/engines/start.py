"""
Starts and bounds for the placement program: the best-priority
solution of the program over household types, the priority bounds it
proves (classes decided, counts ruled out), and the greedy start.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from ...engines._highs import exact_highs, highs_lp
from ..data import PlacementData
from .flow import fill_counts
from .model import (
    PlacementModel,
    _count_rows,
    _quota_rows,
    build_model,
    class_types,
)
from .solver import _left


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
