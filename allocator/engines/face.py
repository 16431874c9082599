"""
Holding one stage's optimum for the next without an extra row.

In lexicographic mode, when ``primary * scale + secondary`` is too large to
be exact, the integer program is solved in stages (``objective_stages``):
the first stage's optimum must then hold while the next improves. A row
``objective >= optimum`` does that, but it breaks the network structure of
the matrix: the LP relaxation stops being integral and branch and bound
must close the gap (the city re-solve with the keep bonus ran for more
than 15 minutes). When the stage's LP relaxation has an integral optimum,
the optimal integer solutions are exactly the integer points of the LP's
optimal face, and complementary slackness describes that face with bounds
alone: a variable with a non-zero reduced cost stays at its bound, and a
row with a non-zero dual stays at its active side. Bounds and equality
rows keep a totally unimodular matrix so, and the next stage's LP stays
integral.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .linear import LinearModel

TOLERANCE = 1e-6
"""Below this a value is an integer, and a reduced cost or dual zero:
stage objectives are integers, and on network matrices their basic duals
are integers too."""


@dataclass(frozen=True)
class Face:
    """
    The optimal face of one stage's LP relaxation.

    ``x`` is an integral optimum (so also the stage's integer optimum),
    ``value`` its objective; ``fixed`` the variables held at ``fixed_at``;
    ``tight`` the rows held at ``tight_at``.
    """

    x: np.ndarray
    value: int
    fixed: np.ndarray
    fixed_at: np.ndarray
    tight: np.ndarray
    tight_at: np.ndarray


def lp_face(model: LinearModel, objective: np.ndarray,
            deadline: float | None = None, seed: int = 0,
            var_lower: np.ndarray | None = None,
            var_upper: np.ndarray | None = None,
            row_lower: np.ndarray | None = None,
            row_upper: np.ndarray | None = None) -> Face | None:
    """
    The optimal face of ``objective`` over the LP relaxation (within the
    bounds given, the model's by default), or ``None`` when its optimum is
    not integral, or time ran out: then the caller holds the optimum with
    a row.
    """
    import highspy

    from ._highs import exact_highs, highs_lp

    if deadline is not None and time.perf_counter() >= deadline:
        return None
    lo = model.var_lower if var_lower is None else var_lower
    up = model.var_upper if var_upper is None else var_upper
    rlo = model.row_lower if row_lower is None else row_lower
    rup = model.row_upper if row_upper is None else row_upper
    h = exact_highs(seed)
    if deadline is not None:
        h.setOptionValue("time_limit",
                         max(0.01, deadline - time.perf_counter()))
    lp = highs_lp(
        cost=objective, col_lower=lo, col_upper=up, row_lower=rlo,
        row_upper=rup, start=model.row_start, index=model.col_index,
        value=model.values,
    )
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = h.getSolution()
    if not solution.dual_valid:
        return None
    x = np.asarray(solution.col_value)
    xi = np.rint(x)
    if np.abs(x - xi).max(initial=0) > TOLERANCE:
        return None
    fixed = np.flatnonzero(np.abs(np.asarray(solution.col_dual)) > TOLERANCE)
    tight = np.flatnonzero(np.abs(np.asarray(solution.row_dual)) > TOLERANCE)
    rows = np.rint(np.asarray(solution.row_value))
    return Face(
        x=xi,
        value=int(round(float(objective @ xi))),
        fixed=fixed,
        fixed_at=xi[fixed],
        tight=tight,
        tight_at=rows[tight],
    )
