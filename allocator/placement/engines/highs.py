"""The HiGHS backend of the placement program (``mip``), through highspy."""

from __future__ import annotations

import time

import numpy as np

from models import Status

from ...engines._highs import ABS_GAP, exact_highs, highs_lp
from ..data import PlacementData
from .model import PlacementModel
from .solver import _DoubleSolver


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
