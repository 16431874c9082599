"""The PuLP backend of the placement program (``pulp``), solved by CBC."""

from __future__ import annotations

import time

import numpy as np


from ...engines._highs import ABS_GAP
from ...engines._pulp import pulp_answer
from .model import PlacementModel
from .solver import _DoubleSolver


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
        status, x = pulp_answer(pulp, self.problem, self.x)
        return status, x, None

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
