"""
Reading a PuLP solve back: one place for what PuLP's statuses mean, for
the dwelling engines' pair program and the placement's count program.
"""

from __future__ import annotations

import numpy as np

from models import Status


def pulp_answer(pulp, problem, variables) -> tuple[Status, np.ndarray | None]:
    """
    The status of a solved PuLP ``problem`` and its variables' values
    (``None`` when it has none).

    PuLP reports "Optimal" for a solution found within the limits; with
    zero gap tolerances, and the solver's own solution status 1, that is
    a proof. Any other solution is feasible only.
    """
    status = pulp.LpStatus[problem.status]
    if status == "Infeasible":
        return Status.INFEASIBLE, None
    values = [v.varValue for v in variables]
    if any(v is None for v in values):
        return Status.UNKNOWN, None
    proven = status == "Optimal" and problem.sol_status == 1
    return (Status.OPTIMAL if proven else Status.FEASIBLE,
            np.array(values, dtype=float))
