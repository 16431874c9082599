"""The CP-SAT engine: the integer program of record, solved by OR-Tools."""

from __future__ import annotations

import time

import numpy as np
from ortools.sat.python import cp_model

from models import Status

from .. import interrupt
from ..data import AllocationData
from ..result import Result, SolveStats, empty_result
from .linear import build_linear_model, objective_stages
from .stages import StagesOutcome, program_result, solve_stages

#: CP-SAT works in 64-bit integers; keep the objective well inside them.
EXACT_BELOW = 2.0**60

#: CP-SAT proves far better with its full portfolio, even on two cores
#: (shared/MEASUREMENTS.md: with 2 workers one strategy ran and its bound
#: stayed weak at 1,000 x 1,500; with 8 it proved optimality).
DEFAULT_WORKERS = 8


def solve_cpsat(
    data: AllocationData,
    time_limit: float | None = None,
    workers: int = DEFAULT_WORKERS,
    seed: int = 0,
    hint: np.ndarray | bool | None = None,
    **_,
) -> Result:
    """
    Solves the integer program with CP-SAT.

    Lexicographic mode uses one combined objective, or two stages when it
    would not fit 64-bit integers (see ``objective_stages``) and in a
    re-solve whose kept matches come before quality, the first held on
    its LP's optimal face where that optimum is integral (``face``), else
    by a constraint. Without a
    ``hint`` (``None``) it starts from the repaired flow relaxation;
    ``hint=False`` runs CP-SAT alone, for comparison: CP-SAT finds
    solutions of assignment models slowly and proves them slower still on
    few cores (shared/MEASUREMENTS.md).
    """
    start = time.perf_counter()
    deadline = None if time_limit is None else start + time_limit
    if hint is None:
        from .relax import flow_hint

        hint = flow_hint(data)
    start_pairs = (np.asarray(hint) if hint is not None and hint is not False
                   else None)

    def time_is_up() -> bool:
        return interrupt.stop_requested() or (
            deadline is not None and time.perf_counter() >= deadline
        )

    lm = build_linear_model(data)
    # With a feasible start in hand, a stop request or the end of the time
    # ends the work at once, building included: on the city, building the
    # model takes longer than a short limit.
    model, x = _build(lm, lambda: start_pairs is not None and time_is_up())
    if model is not None and start_pairs is not None:
        _hint(model, x, lm.num_pairs, start_pairs)
    built = time.perf_counter()
    solver = _solver(workers, seed)
    # A re-solve whose keep bonus comes before quality runs in two stages
    # even where the combined objective would fit: priority and kept
    # matches, held on their LP's optimal face, then quality. CP-SAT did
    # not prove the combined objective on the city in 120 s; on the face,
    # with most pairs fixed, it does at once.
    stages = objective_stages(data, lm,
                              0.0 if data.keep_first else EXACT_BELOW)
    if model is None:
        # Given up while building: the start is the answer, unproven.
        outcome = StagesOutcome(None, False, None)
    else:
        outcome = solve_stages(
            lm, _CpSatStages(lm, model, x, solver, deadline), stages,
            start_pairs is not None, deadline, seed, time_is_up)
    if outcome.failed is not None:
        return empty_result(
            data, "cpsat", outcome.failed,
            build_seconds=built - start,
            solve_seconds=time.perf_counter() - built,
            workers=int(workers), seed=int(seed),
        )
    values = outcome.solution
    # CP-SAT alone (hint=False) keeps to its own bound, for comparison.
    return program_result(
        data, "cpsat", outcome, len(stages),
        None if values is None else np.flatnonzero(values > 0), start_pairs,
        seconds=(start, built), relaxation_bound=hint is not False,
        workers=int(workers), seed=int(seed),
        stats=SolveStats(rows=lm.num_rows, vars=lm.num_vars),
    )


def _solver(workers: int, seed: int) -> cp_model.CpSolver:
    """A CP-SAT solver with the run's workers and seed."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    # Ctrl-C is the caller's: CP-SAT's own handler would replace Python's
    # for the length of the solve (see allocator.interrupt).
    solver.parameters.catch_sigint_signal = False
    return solver


class _CpSatStages:
    """The CP-SAT model as a ``StageBackend`` of ``solve_stages``: its
    solutions are the pair variables' values."""

    def __init__(self, lm, model, x, solver, deadline):
        self.lm, self.model, self.x = lm, model, x
        self.solver, self.deadline = solver, deadline
        self.expression = None

    def maximise(self, objective):
        """Maximises one stage's objective in the time left."""
        model, x, solver = self.model, self.x, self.solver
        if self.deadline is not None:
            solver.parameters.max_time_in_seconds = max(
                0.01, self.deadline - time.perf_counter()
            )
        cols = np.flatnonzero(objective)
        # Kept to hold the stage's optimum later (``hold_at_least``).
        self.expression = cp_model.LinearExpr.weighted_sum(
            [x[c] for c in cols.tolist()], objective[cols].tolist()
        )
        model.maximize(self.expression)
        with interrupt.on_stop(solver.stop_search):
            status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return (Status.INFEASIBLE if status == cp_model.INFEASIBLE
                    else Status.UNKNOWN), None, None
        bound = (int(np.floor(solver.best_objective_bound))
                 if np.isfinite(solver.best_objective_bound) else None)
        values = np.array([solver.value(v) for v in x[: self.lm.num_pairs]])
        return (Status.OPTIMAL if status == cp_model.OPTIMAL
                else Status.FEASIBLE), values, bound

    def hold_face(self, face):
        """Holds the model to an LP's optimal face (see ``face``)."""
        model, x, lm = self.model, self.x, self.lm
        for j, v in zip(face.fixed.tolist(), face.fixed_at.tolist()):
            model.add(x[j] == int(v))
        for i, v in zip(face.tight.tolist(), face.tight_at.tolist()):
            cols, vals = lm.row(i)
            model.add(cp_model.LinearExpr.weighted_sum(
                [x[c] for c in cols.tolist()], vals.tolist()) == int(v))
        values = face.x[: lm.num_pairs].astype(np.int64)
        _hint(model, x, lm.num_pairs, np.flatnonzero(values))
        return values

    def hold_at_least(self, objective, values):
        """Holds the last stage's objective at CP-SAT's best value (the
        solution's pair values alone do not give it: the objective also
        counts excess variables)."""
        best = int(round(self.solver.objective_value))
        self.model.add(self.expression >= best)
        _hint(self.model, self.x, self.lm.num_pairs, np.flatnonzero(values))


def _build(lm, give_up):
    """
    The CP-SAT model of the linear model and its variables, or
    ``(None, None)`` when ``give_up()`` says so while it is being built.
    """
    if give_up():
        return None, None
    model = cp_model.CpModel()
    x = [
        model.new_int_var(int(lo), int(up), "")
        for lo, up in zip(lm.var_lower, lm.var_upper)
    ]
    for i in range(lm.num_rows):
        if i % 512 == 0 and give_up():
            return None, None
        cols, vals = lm.row(i)
        expr = cp_model.LinearExpr.weighted_sum(
            [x[c] for c in cols.tolist()], vals.tolist()
        )
        lo, up = lm.row_lower[i], lm.row_upper[i]
        if np.isfinite(lo) and np.isfinite(up):
            model.add_linear_constraint(expr, int(lo), int(up))
        elif np.isfinite(up):
            model.add(expr <= int(up))
        elif np.isfinite(lo):
            model.add(expr >= int(lo))
    if give_up():
        return None, None
    return model, x


def _hint(model, x, num_pairs, chosen):
    model.clear_hints()
    chosen = set(np.asarray(chosen).tolist())
    for i in range(num_pairs):
        model.add_hint(x[i], 1 if i in chosen else 0)
