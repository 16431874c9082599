"""One HiGHS set-up for the exact engines."""

from __future__ import annotations

import numpy as np

from .. import interrupt

ABS_GAP = 0.5
"""Objective values are integers, so an absolute gap below one proves
optimality; a relative tolerance would not at national scale."""


def exact_highs(seed: int):
    """
    A silent, single-threaded HiGHS that proves to the last unit (no
    relative gap, an absolute gap below one) and answers a stop request
    (Ctrl-C in the CLI) as it would its time limit, keeping its
    incumbent and its bound.
    """
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", int(seed))
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", ABS_GAP)
    interrupt.highs_listens(h)
    return h


def highs_lp(*, cost, col_lower, col_upper, row_lower, row_upper, start,
             index, value, rowwise: bool = True, integer: bool = False):
    """
    A maximisation for HiGHS from sparse arrays: ``start``, ``index`` and
    ``value`` hold the constraint matrix by rows (``rowwise``) or by
    columns; with ``integer`` every variable is integer. Every engine
    hands its model to HiGHS through here.
    """
    import highspy

    lp = highspy.HighsLp()
    lp.num_col_ = len(col_upper)
    lp.num_row_ = len(row_lower)
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.asarray(col_lower, dtype=float)
    lp.col_upper_ = np.asarray(col_upper, dtype=float)
    lp.row_lower_ = np.asarray(row_lower, dtype=float)
    lp.row_upper_ = np.asarray(row_upper, dtype=float)
    lp.a_matrix_.format_ = (highspy.MatrixFormat.kRowwise if rowwise
                            else highspy.MatrixFormat.kColwise)
    lp.a_matrix_.start_ = np.asarray(start, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=float)
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * lp.num_col_
    lp.sense_ = highspy.ObjSense.kMaximize
    return lp
