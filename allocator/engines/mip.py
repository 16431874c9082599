"""The integer program solved by HiGHS, directly or through PuLP."""

from __future__ import annotations

import time

import numpy as np

from models import Status

from .. import interrupt
from ..data import AllocationData
from ..i18n import _
from ..result import Result, SolveStats, empty_result
from ._highs import ABS_GAP, exact_highs, highs_lp
from ._pulp import pulp_answer
from .linear import LinearModel, build_linear_model, objective_stages
from .stages import program_result, solve_stages

#: Largest objective value handled in one stage: doubles hold integers
#: exactly to 2**53, and this leaves room for the solver's arithmetic.
EXACT_BELOW = 2.0**46


def solve_mip(
    data: AllocationData,
    time_limit: float | None = None,
    backend: str = "highs",
    hint: np.ndarray | None = None,
    seed: int = 0,
    **_,
) -> Result:
    """
    Solves the integer program of record.

    In lexicographic mode it maximises ``priority * scale + quality`` in
    one stage while that stays exact in floating point, and otherwise
    twice: priority (with kept matches in a re-solve), then quality with
    the first stage held at its optimum (see ``objective_stages``), by
    the bounds of its LP's optimal face when that optimum is integral
    (``face``), else by a row.

    Parameters
    ----------
    backend
        ``highs`` passes the arrays straight to HiGHS (highspy); ``pulp``
        builds the same model with PuLP and solves it with PuLP's HiGHS, or
        CBC when HiGHS is not available; ``cbc`` forces CBC.
    hint
        Chosen free pairs of a known feasible solution, as a warm start.
    """
    start = time.perf_counter()
    model = build_linear_model(data)
    built = time.perf_counter()
    runner = _runner(model, backend, time_limit, start, seed, hint)
    stages = objective_stages(data, model, EXACT_BELOW)
    deadline = None if time_limit is None else start + time_limit
    outcome = solve_stages(
        model, runner, stages, hint is not None, deadline, seed,
        lambda: interrupt.stop_requested() or (
            deadline is not None and time.perf_counter() >= deadline))
    if outcome.failed is not None:
        return empty_result(
            data, "mip", outcome.failed, build_seconds=built - start,
            solve_seconds=time.perf_counter() - built,
            stats=SolveStats(backend=backend),
        )
    x = outcome.solution
    return program_result(
        data, "mip", outcome, len(stages),
        None if x is None else np.flatnonzero(x[: model.num_pairs] > 0.5),
        hint, seconds=(start, built), seed=seed,
        stats=SolveStats(backend=runner.name, rows=model.num_rows,
                         vars=model.num_vars),
    )


def _runner(model: LinearModel, backend: str, time_limit, start, seed: int,
            hint):
    """
    The backend's solver for the model, given the time left of the limit
    (which covers building the model too, as in CP-SAT) and the warm
    start.
    """
    solver = {
        "highs": _HighsSolver,
        "pulp": _PulpSolver,
        "cbc": _PulpSolver,
    }.get(backend)
    if solver is None:
        raise ValueError(_("backend {backend!r} not understood.",
                           backend=backend))
    left = (None if time_limit is None
            else max(0.01, time_limit - (time.perf_counter() - start)))
    runner = solver(model, left, seed, backend)
    if hint is not None:
        runner.hint(hint)
    return runner


class _HighsSolver:
    """HiGHS through highspy, fed with the arrays."""

    def __init__(self, model: LinearModel, time_limit, seed, backend):
        import highspy

        self.name = "highspy"
        self.model = model
        self.highs = h = exact_highs(seed)
        if time_limit is not None:
            h.setOptionValue("time_limit", float(time_limit))
        self.deadline = (
            None if time_limit is None else time.perf_counter() + time_limit
        )
        lp = highs_lp(
            cost=np.zeros(model.num_vars), col_lower=model.var_lower,
            col_upper=model.var_upper, row_lower=model.row_lower,
            row_upper=model.row_upper, start=model.row_start,
            index=model.col_index, value=model.values, integer=True,
        )
        h.passModel(lp)
        self._highspy = highspy

    def hint(self, chosen_pairs):
        self._start = np.zeros(self.model.num_pairs)
        self._start[chosen_pairs] = 1

    def _give_start(self):
        # Only the pair variables are given: HiGHS completes the area
        # excess, sex and age-band variables itself (a full vector with
        # them at zero is infeasible and silently dropped). Given right
        # before the run, since changing costs discards a stored start.
        if getattr(self, "_start", None) is None:
            return
        self.highs.setSolution(
            self.model.num_pairs,
            np.arange(self.model.num_pairs, dtype=np.int32),
            self._start,
        )

    def maximise(self, objective):
        h = self.highs
        # Costs scaled by a power of two (exact) to at most about a
        # million: HiGHS's dual simplex fails on costs of 1e10 with
        # "excessive dual values". The gap tolerance scales with them.
        largest = max(1.0, float(np.abs(objective).max(initial=0)))
        f = 2.0 ** -max(0, int(np.ceil(np.log2(largest / 1e6))))
        h.setOptionValue("mip_abs_gap", ABS_GAP * f)
        h.changeColsCost(
            self.model.num_vars,
            np.arange(self.model.num_vars, dtype=np.int32),
            objective.astype(float) * f,
        )
        if self.deadline is not None:
            h.setOptionValue(
                "time_limit", max(0.01, self.deadline - time.perf_counter())
            )
        self._give_start()
        h.run()
        status = h.getModelStatus()
        ms = self._highspy.HighsModelStatus
        if h.getInfo().primal_solution_status != 2:  # no feasible point
            if status == ms.kInfeasible:
                return Status.INFEASIBLE, None, None
            return Status.UNKNOWN, None, None
        x = np.rint(np.array(h.getSolution().col_value))
        proven = status == ms.kOptimal
        return (
            Status.OPTIMAL if proven else Status.FEASIBLE,
            x,
            h.getInfo().mip_dual_bound / f,
        )

    def hold_face(self, face):
        h = self.highs
        fixed = face.fixed.astype(np.int32)
        if len(fixed):
            h.changeColsBounds(len(fixed), fixed, face.fixed_at.astype(float),
                               face.fixed_at.astype(float))
        for i, v in zip(face.tight.tolist(), face.tight_at.tolist()):
            h.changeRowBounds(int(i), float(v), float(v))
        self.hint(np.flatnonzero(face.x[: self.model.num_pairs] > 0.5))
        return face.x

    def hold_at_least(self, objective, x):
        value = round(float(objective @ x))
        cols = np.flatnonzero(objective)
        self.highs.addRow(
            value - 0.5, np.inf, len(cols), cols.astype(np.int32),
            objective[cols].astype(float),
        )
        self.hint(np.flatnonzero(x[: self.model.num_pairs] > 0.5))


class _PulpSolver:
    """The same model through PuLP (HiGHS, or CBC as the fallback)."""

    def __init__(self, model: LinearModel, time_limit, seed, backend):
        import pulp

        self.pulp = pulp
        self.model = model
        self.time_limit = time_limit
        self.deadline = (
            None if time_limit is None else time.perf_counter() + time_limit
        )
        available = pulp.listSolvers(onlyAvailable=True)
        self.use_highs = backend != "cbc" and "HiGHS" in available
        self.name = "pulp-highs" if self.use_highs else "pulp-cbc"
        self.problem = pulp.LpProblem("allocation", pulp.LpMaximize)
        self.x = [
            pulp.LpVariable(
                f"v{i}", lowBound=float(lo), upBound=float(up),
                cat=pulp.LpInteger,
            )
            for i, (lo, up) in enumerate(
                zip(model.var_lower, model.var_upper)
            )
        ]
        for i in range(model.num_rows):
            cols, vals = model.row(i)
            expr = pulp.LpAffineExpression(
                [(self.x[c], float(v)) for c, v in zip(cols, vals)]
            )
            lo, up = model.row_lower[i], model.row_upper[i]
            if np.isfinite(up):
                self.problem += expr <= float(up), f"r{i}u"
            if np.isfinite(lo):
                self.problem += expr >= float(lo), f"r{i}l"
        self.seed = seed
        self.warm = False

    def hint(self, chosen_pairs):
        chosen = set(np.asarray(chosen_pairs).tolist())
        for i in range(self.model.num_pairs):
            self.x[i].setInitialValue(1 if i in chosen else 0)
        self.warm = True

    def _solver(self):
        pulp = self.pulp
        limit = (
            None
            if self.deadline is None
            else max(1, int(self.deadline - time.perf_counter()))
        )
        if self.use_highs:
            return pulp.HiGHS(
                msg=False, timeLimit=limit, gapAbs=ABS_GAP, gapRel=0.0,
            )
        return pulp.PULP_CBC_CMD(
            msg=False, timeLimit=limit, gapAbs=ABS_GAP, gapRel=0.0,
            warmStart=self.warm,
        )

    def maximise(self, objective):
        pulp = self.pulp
        cols = np.flatnonzero(objective)
        self.problem.setObjective(
            pulp.LpAffineExpression(
                [(self.x[c], float(objective[c])) for c in cols]
            )
        )
        self.problem.solve(self._solver())
        status, x = pulp_answer(pulp, self.problem, self.x)
        return status, None if x is None else np.rint(x), None

    def hold_face(self, face):
        for j, v in zip(face.fixed.tolist(), face.fixed_at.tolist()):
            self.x[j].lowBound = self.x[j].upBound = float(v)
        for i, v in zip(face.tight.tolist(), face.tight_at.tolist()):
            cols, vals = self.model.row(i)
            self.problem += self.pulp.LpAffineExpression(
                [(self.x[c], float(a)) for c, a in zip(cols, vals)]
            ) == float(v), f"face{i}"
        self.hint(np.flatnonzero(face.x[: self.model.num_pairs] > 0.5))
        return face.x

    def hold_at_least(self, objective, x):
        value = round(float(objective @ x))
        pulp = self.pulp
        cols = np.flatnonzero(objective)
        self.problem += (
            pulp.LpAffineExpression(
                [(self.x[c], float(objective[c])) for c in cols]
            )
            >= value - 0.5,
            "hold_primary",
        )
        self.hint(np.flatnonzero(x[: self.model.num_pairs] > 0.5))
