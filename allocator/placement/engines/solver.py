"""
Time and precision the backends share: one deadline for every stage of
a solve, the seconds left of a time limit (the starts take a share of
them), and the largest objective the double-precision backends (HiGHS
and CBC) hold exactly in one stage.
"""

from __future__ import annotations

import time

from .model import PlacementModel

#: Largest objective handled in one stage by HiGHS and CBC, whose
#: arithmetic is in doubles (exact to 2**53, with room to spare).
EXACT_BELOW_DOUBLE = 2.0**46


def _left(time_limit, started, share=1.0):
    """Seconds left of a time limit (a share of them), or ``None``."""
    if time_limit is None:
        return None
    return max(0.01, share * (time_limit - (time.perf_counter() - started)))


def _deadline_after(time_limit) -> float | None:
    """
    The moment (``time.perf_counter``) a solver must stop, so that every
    stage of one solve shares the time limit; ``None`` without a limit.
    """
    return None if time_limit is None else time.perf_counter() + time_limit


class _DoubleSolver:
    """
    What HiGHS and CBC share: both count in doubles (so a combined
    objective stays exact only below ``EXACT_BELOW_DOUBLE``), run on one
    thread, and hold every stage of a solve to one deadline.
    """

    exact_below = EXACT_BELOW_DOUBLE
    workers = 1

    def __init__(self, model: PlacementModel, time_limit, seed, workers):
        self.model = model
        self.deadline = _deadline_after(time_limit)
        self._load(model, seed)

    def _load(self, model: PlacementModel, seed) -> None:
        """Hands the program to the solver."""
        raise NotImplementedError
