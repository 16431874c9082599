"""One HiGHS set-up for the exact engines."""

from __future__ import annotations

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
