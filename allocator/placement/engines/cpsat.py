"""The CP-SAT backend of the placement program (``cpsat``)."""

from __future__ import annotations

import time

import numpy as np

from models import Status

from .model import PlacementModel
from .solver import _deadline_after

#: The same for CP-SAT, which works in 64-bit integers.
EXACT_BELOW_INT = 2.0**60

#: CP-SAT proves far better with its full portfolio, even on two cores
#: (shared/MEASUREMENTS.md).
CPSAT_WORKERS = 8


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
