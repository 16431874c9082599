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
    sum_m x[c, m] <= n_c                          each household at most once
    sum_{c in t} x[c, m] = y[t, m]                who fills the counts
    sum_t use[t, k] y[t, m] <= left[m, k]         quota dimension or places k
    sum_t (1000 [t in g] - s) y[t, m] <= 1000 a   spread: group g at most
                                                  s/1000 of m's households + a
    maximise  sum priority[c] x[c, m]  then  sum points[c, m] x[c, m]
              (lexicographic), or weight * priority + points (weighted)

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

from .data import SPREAD_SCALE, UNLIMITED, PlacementData

PLACEMENT_ENGINES = ("auto", "mip", "cpsat", "pulp", "flow")
"""Engines of ``solve_placement``."""

#: Objective values are integers: an absolute gap below one is a proof.
ABS_GAP = 0.5

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
    ``PlacementData`` (``x``, continuous), then the counts (``y``,
    integer); rows in compressed sparse row form.

    Parameters
    ----------
    num_pairs
        Number of ``x`` variables; ``y`` follow.
    count_of_pair
        Index (among the counts) of the count each pair fills.
    count_type, count_municipality
        Type and municipality of each count.
    """

    num_pairs: int
    var_upper: np.ndarray
    count_of_pair: np.ndarray
    count_type: np.ndarray
    count_municipality: np.ndarray
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
        return self.num_vars - self.num_pairs

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


def build_model(data: PlacementData) -> PlacementModel:
    """
    Builds the rows of the integer program from the arrays. Rows that can
    never bind (a class with one municipality; a capacity or spread group
    its candidates cannot exceed) are left out.
    """
    size = data.class_size
    pc, pm = data.pair_class, data.pair_municipality
    P = data.num_pairs
    ctype = class_types(data)
    T = int(ctype.max()) + 1 if len(ctype) else 0
    # One count per type and municipality that some pair fills.
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

    cols: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []
    names: list[str] = []

    def add(c, v, lo, up, name):
        cols.append(np.asarray(c, dtype=np.int64))
        vals.append(np.asarray(v, dtype=np.int64))
        lower.append(float(lo))
        upper.append(float(up))
        names.append(name)

    # Each household at most once: rows per class with several
    # municipalities (one municipality: the variable's bound says it).
    order = np.argsort(pc, kind="stable")
    starts = np.searchsorted(pc[order], np.arange(data.num_classes + 1))
    for c in range(data.num_classes):
        mine = order[starts[c]:starts[c + 1]]
        if len(mine) > 1:
            add(mine, np.ones(len(mine)), -np.inf, size[c], f"once[{c}]")
    # The households placed fill the counts exactly.
    by_count = np.argsort(count_of_pair, kind="stable")
    qstarts = np.searchsorted(count_of_pair[by_count], np.arange(Q + 1))
    for q in range(Q):
        mine = by_count[qstarts[q]:qstarts[q + 1]]
        add(np.append(mine, P + q), np.append(np.ones(len(mine)), -1), 0, 0,
            f"fill[{qt[q]},{qm[q]}]")
    # Quotas, places and spread, on the counts of each municipality.
    by_muni = np.argsort(qm, kind="stable")
    mstarts = np.searchsorted(qm[by_muni], np.arange(
        data.num_municipalities + 1))
    for m in range(data.num_municipalities):
        here = by_muni[mstarts[m]:mstarts[m + 1]]
        if not len(here):
            continue
        for k, name in enumerate(data.capacity_names):
            left = data.capacity_left[m, k]
            if left >= UNLIMITED:
                continue
            use = type_usage[qt[here], k]
            if int((use * y_upper[here]).sum()) <= left:
                continue  # cannot bind
            nz = use > 0
            add(P + here[nz], use[nz], -np.inf, left, f"{name}[{m}]")
        for r, kind in enumerate(data.spread_kinds):
            share = data.spread_permille[r]
            groups = type_groups[qt[here], r]
            for g in np.unique(groups[groups >= 0]).tolist():
                inside = groups == g
                if int(y_upper[here[inside]].sum()) <= (
                    data.spread_allowance
                ):
                    continue  # cannot bind
                coef = np.where(inside, SPREAD_SCALE - share, -share)
                keep = coef != 0
                add(P + here[keep], coef[keep], -np.inf,
                    SPREAD_SCALE * data.spread_allowance,
                    f"spread:{kind}[{m},{g}]")

    lengths = np.array([len(c) for c in cols], dtype=np.int64)
    zeros = np.zeros(Q, dtype=np.int64)
    return PlacementModel(
        num_pairs=P,
        var_upper=np.concatenate([size[pc], y_upper]).astype(np.int64),
        count_of_pair=count_of_pair,
        count_type=qt,
        count_municipality=qm,
        row_start=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        col_index=np.concatenate(cols) if cols else np.zeros(0, np.int64),
        values=np.concatenate(vals) if vals else np.zeros(0, np.int64),
        row_lower=np.array(lower, dtype=float),
        row_upper=np.array(upper, dtype=float),
        row_names=tuple(names),
        primary=np.concatenate([data.class_priority[pc], zeros]),
        secondary=np.concatenate([data.pair_points, zeros]),
    )


def objective_stages(data: PlacementData, model: PlacementModel,
                     exact_below: float) -> list[np.ndarray]:
    """
    The objectives to maximise in turn: one combined objective while it
    stays exact for the solver, otherwise priority and then pair scores
    with the priority held at its optimum.
    """
    if not data.lexicographic:
        return [model.primary * data.priority_weight + model.secondary]
    if not model.secondary.any():
        return [model.primary]
    largest = data.scale * (int(model.primary @ model.var_upper) + 1)
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
    the households' municipalities (how many of each class, how many of
    each type where), which is small, with small coefficients; then the
    households for its counts by flow, best pair scores first.

    Returns the start (``None`` when not applicable or not solved) and its
    priority total when the small program proved it the best (``None``
    otherwise). That program relaxes the whole one, so no placement has a
    larger priority total.
    """
    import highspy

    ctype = class_types(data)
    C, P, Q = data.num_classes, model.num_pairs, model.num_counts
    if C == 0 or Q == 0:
        return None, None
    # Compatible municipalities of each class, as sets per type.
    order = np.lexsort((data.pair_municipality, data.pair_class))
    rows: dict[int, bytes] = {}
    starts = np.searchsorted(data.pair_class[order], np.arange(C + 1))
    for c in range(C):
        munis = data.pair_municipality[order[starts[c]:starts[c + 1]]]
        t = int(ctype[c])
        if rows.setdefault(t, munis.tobytes()) != munis.tobytes():
            return None, None
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", ABS_GAP)
    h.setOptionValue("threads", 1)
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    upper = np.concatenate([data.class_size, model.var_upper[P:]])
    h.addVars(C + Q, np.zeros(C + Q), upper.astype(float))
    h.changeColsIntegrality(
        C + Q, np.arange(C + Q, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * (C + Q)),
    )
    h.changeColsCost(C, np.arange(C, dtype=np.int32),
                     data.class_priority.astype(float))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    for t in range(int(ctype.max()) + 1):
        cs = np.flatnonzero(ctype == t)
        qs = np.flatnonzero(model.count_type == t)
        idx = np.concatenate([cs, C + qs]).astype(np.int32)
        h.addRow(0.0, 0.0, len(idx), idx,
                 np.concatenate([np.ones(len(cs)), -np.ones(len(qs))]))
    for cols, vals, up in _count_rows(model):
        h.addRow(-np.inf, float(up), len(cols), (C + cols).astype(np.int32),
                 vals.astype(float))
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return None, None
    solution = np.rint(np.array(h.getSolution().col_value))
    pairs = fill_counts(data, model, solution[C:])
    if pairs is None:
        return None, None
    proven = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    best = int(round(float(data.class_priority @ solution[:C])))
    return (np.concatenate([pairs, solution[C:]]).astype(float),
            best if proven else None)


def greedy_start(data: PlacementData, model: PlacementModel,
                 relaxed: np.ndarray | None = None) -> np.ndarray | None:
    """
    A feasible start for the program: the counts of its linear
    relaxation rounded down (and lowered where a spread rule then breaks),
    topped up greedily with the households left, best pair first; the
    households for the counts by flow. ``None`` when the relaxation has
    no solution.
    """
    if relaxed is None:
        relaxed = _relaxation(model, data)
        if relaxed is None:
            return None
    P, Q = model.num_pairs, model.num_counts
    y = np.floor(relaxed[P:] + 1e-6).astype(np.int64)
    y = np.minimum(y, model.var_upper[P:])
    rows = _count_rows(model)
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
    pairs = fill_counts(data, model, y)
    if pairs is None:
        return None
    return np.concatenate([pairs, y]).astype(float)


def _count_rows(model: PlacementModel):
    """The rows on counts only (quotas, places, spread), by count index."""
    P = model.num_pairs
    rows = []
    for i in range(model.num_rows):
        cols, vals = model.row(i)
        if len(cols) and cols.min() >= P:
            rows.append((cols - P, vals, model.row_upper[i]))
    return rows


def _relaxation(model: PlacementModel, data: PlacementData
                ) -> np.ndarray | None:
    """The linear relaxation's solution under the combined objective."""
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    n = model.num_vars
    lp.num_col_ = n
    lp.num_row_ = model.num_rows
    value = np.concatenate([data.pair_value(), np.zeros(model.num_counts)])
    lp.col_cost_ = value.astype(float) / max(1.0, float(np.abs(value).max()))
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = model.var_upper.astype(float)
    lp.row_lower_ = model.row_lower
    lp.row_upper_ = model.row_upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = model.row_start.astype(np.int32)
    lp.a_matrix_.index_ = model.col_index.astype(np.int32)
    lp.a_matrix_.value_ = model.values.astype(float)
    lp.sense_ = highspy.ObjSense.kMaximize
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.array(h.getSolution().col_value)


# --- results ---------------------------------------------------------------


def evaluate(data: PlacementData, assignment: np.ndarray):
    """``(primary, secondary)`` and combined value of an assignment."""
    placed = np.flatnonzero(assignment >= 0)
    primary = int(data.priority[placed].sum())
    secondary = int(data.points[placed, assignment[placed]].sum())
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
        raise ValueError(
            f"engine {engine!r} not understood; choose one of "
            f"{', '.join(PLACEMENT_ENGINES)}."
        )
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
    """
    started = time.perf_counter()
    model = build_model(data)
    kind = {"mip": _Highs, "pulp": _Cbc, "cpsat": _CpSat}[engine]
    runner = kind(model, time_limit, seed, workers)
    built = time.perf_counter()
    start_x, best_primary = None, None
    if warm_start:
        start_x, best_primary = type_start(
            data, model, _left(time_limit, started, 0.25)
        )
        if start_x is None:
            start_x = greedy_start(data, model)
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
    status, x, bound = _run_stages(runner, stages, start_x)
    if x is None:
        return _result(
            data, engine, status, None, build=built - started,
            solve=time.perf_counter() - built, seed=seed,
            workers=runner.workers, detail={"backend": runner.name},
        )
    pairs = _pairs(data, model, x)
    if (status == Status.OPTIMAL and best_primary is not None
            and len(stages) == 1 and data.lexicographic
            and evaluate(data, assignment_of(data, pairs))[0][0]
            < best_primary + data.given_value[0]):
        runner = kind(model, _left(time_limit, started), seed, workers)
        stages = [model.primary, model.secondary]
        status, x, bound = _run_stages(runner, stages, x)
        pairs = _pairs(data, model, x)
    detail = {"backend": runner.name, "rows": str(model.num_rows),
              "vars": str(model.num_vars), "counts": str(model.num_counts),
              "stages": str(len(stages))}
    return _result(
        data, engine, status, pairs,
        bound=(int(np.floor(bound + ABS_GAP)) + _offset(data)
               if bound is not None and np.isfinite(bound)
               and len(stages) == 1 else None),
        build=built - started, solve=time.perf_counter() - built,
        seed=seed, workers=runner.workers, detail=detail,
    )


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
    pairs = fill_counts(data, model, x[P:])
    if pairs is None:  # not expected: the solver's own pairs fill them
        pairs = np.rint(x[:P]).astype(np.int64)
    return pairs


class _Highs:
    """HiGHS through highspy, fed with the arrays."""

    name = "highspy"
    exact_below = EXACT_BELOW_DOUBLE
    workers = 1

    def __init__(self, model: PlacementModel, time_limit, seed, workers):
        import highspy

        self._highspy = highspy
        self.model = model
        self.deadline = (
            None if time_limit is None else time.perf_counter() + time_limit
        )
        self.highs = h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_abs_gap", ABS_GAP)
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("random_seed", int(seed))
        h.setOptionValue("threads", 1)
        lp = highspy.HighsLp()
        n = model.num_vars
        lp.num_col_ = n
        lp.num_row_ = model.num_rows
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.zeros(n)
        lp.col_upper_ = model.var_upper.astype(float)
        lp.row_lower_ = model.row_lower
        lp.row_upper_ = model.row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = model.row_start.astype(np.int32)
        lp.a_matrix_.index_ = model.col_index.astype(np.int32)
        lp.a_matrix_.value_ = model.values.astype(float)
        # Every variable integer: the counts carry the structure, and the
        # households' integrality gives HiGHS its strongest cuts (on the
        # county preset, 1 node instead of hundreds with continuous x).
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        lp.sense_ = highspy.ObjSense.kMaximize
        h.passModel(lp)

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


class _Cbc:
    """The same program through PuLP, solved by CBC."""

    name = "pulp-cbc"
    exact_below = EXACT_BELOW_DOUBLE
    workers = 1

    def __init__(self, model: PlacementModel, time_limit, seed, workers):
        import pulp

        self.pulp = pulp
        self.model = model
        self.deadline = (
            None if time_limit is None else time.perf_counter() + time_limit
        )
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
        self.deadline = (
            None if time_limit is None else time.perf_counter() + time_limit
        )
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
        raise NotRepresentable(
            "Placement not understood as a flow: quotas beyond households, "
            "service places or spread rules need the mip, cpsat or pulp "
            "engine."
        )
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
