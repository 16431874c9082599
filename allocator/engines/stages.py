"""
The lexicographic stages of the integer programs, solved in turn.

Both integer-program engines (``mip`` through HiGHS or PuLP, ``cpsat``
through OR-Tools) solve the same objective stages (``objective_stages``:
priority, with kept matches in a re-solve, then quality) with the same
rules: each stage is held for the next, by the bounds of its LP's optimal
face when that optimum is integral (``face``), else by a row; a stop
request or the end of the time keeps the last stage's solution, or the
warm start. This module holds that loop once; each backend supplies only
how it maximises one stage and how it holds a stage's optimum.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from models import Status

from ..data import AllocationData
from ..result import Result, chosen_result, evaluate
from .face import Face, lp_face
from .linear import LinearModel


class StageBackend(Protocol):
    """What a solver supplies to ``solve_stages``."""

    def maximise(self, objective: np.ndarray):
        """
        Maximises one stage's objective in the time left.

        Returns ``(status, solution, bound)``: ``solution`` is ``None``
        when none was found (``status`` then says whether the model is
        infeasible or the time ran out), and ``bound`` is the solver's
        bound on the stage's objective, when it has one.
        """

    def hold_face(self, face: Face) -> np.ndarray:
        """Holds the model to the stage's integral LP face; returns the
        face's solution in the form ``maximise`` returns solutions."""

    def hold_at_least(self, objective: np.ndarray,
                      solution: np.ndarray) -> None:
        """Holds the stage's objective at the value ``solution`` reached
        while the next stage is solved."""


@dataclass(frozen=True)
class StagesOutcome:
    """
    What the stages gave.

    Parameters
    ----------
    solution
        The last stage's solution, in the backend's form; ``None`` when no
        stage found one (the warm start, if any, then holds).
    proven
        Whether every stage solved was proven optimal and none was left
        out.
    bound
        The solver's bound on the last stage solved, when it has one.
    failed
        The status of a round without any proposal (no solution and no
        warm start, or a proof of infeasibility); ``None`` otherwise.
    """

    solution: np.ndarray | None
    proven: bool
    bound: float | None
    failed: Status | None = None


def solve_stages(
    model: LinearModel,
    backend: StageBackend,
    stages: Sequence[np.ndarray],
    has_start: bool,
    deadline: float | None,
    seed: int,
    time_is_up: Callable[[], bool],
) -> StagesOutcome:
    """
    Solves the objective stages in turn, each held for the next.

    Parameters
    ----------
    model
        The linear model the stages' objectives are over.
    backend
        The solver (see ``StageBackend``).
    stages
        Objective vectors, most important first (``objective_stages``).
    has_start
        Whether the solver was given a feasible warm start: it is then a
        proposal of its own, so a stop before or during a stage is not a
        failure.
    deadline
        ``time.perf_counter()`` value the LP face search keeps to.
    seed
        Random seed of the LP face search.
    time_is_up
        Whether a stop was requested or the time ran out.
    """
    proven = True
    solution = None
    bound = None
    for k, objective in enumerate(stages):
        if (solution is not None or has_start) and time_is_up():
            # Stopped, or out of time: keep the last stage's solution, or
            # the warm start, without starting the solver (again).
            proven = False
            break
        last = k + 1 == len(stages)
        # A stage before the last is held for the next by its LP's
        # optimal face when that optimum is integral (see ``face``); the
        # LP's integral optimum is then the stage's, proven.
        face = None if last else lp_face(model, objective, deadline, seed)
        if face is not None:
            solution = backend.hold_face(face)
            bound = float(face.value)
            continue
        status, found, bound = backend.maximise(objective)
        if found is None:
            if solution is None and (status == Status.INFEASIBLE
                                     or not has_start):
                return StagesOutcome(None, False, None, status)
            # Stopped or out of time before a solution of this stage: the
            # previous stage's solution, or the warm start, still holds.
            proven, bound = False, None
            break
        solution = found
        proven &= status == Status.OPTIMAL
        if not last:
            backend.hold_at_least(objective, found)
    return StagesOutcome(solution, proven, bound)


def program_result(data: AllocationData, engine: str,
                   outcome: StagesOutcome, num_stages: int, pairs,
                   start_pairs, *, seconds: tuple[float, float],
                   relaxation_bound: bool = True, **fields) -> Result:
    """
    The result of an integer program's stages.

    Parameters
    ----------
    outcome
        What ``solve_stages`` gave (not a failure).
    num_stages
        How many stages there were: the solver's bound is on the combined
        value only with one.
    pairs
        The chosen free pairs of the last solution, ``None`` without one.
    start_pairs
        The warm start's pairs, ``None`` without one: it is the answer
        when no stage found a solution, or when the last solution is
        unproven and worse.
    seconds
        When the engine began and when its model was built
        (``time.perf_counter()``).
    relaxation_bound
        Whether an unproven answer is also bounded by the flow
        relaxation (``best_bound``).
    fields
        Further ``Result`` fields: seed, workers, statistics.
    """
    start, built = seconds
    proven = outcome.proven
    chosen = start_pairs if pairs is None else pairs
    if start_pairs is not None and not proven and (
        evaluate(data, start_pairs)[3] > evaluate(data, chosen)[3]
    ):
        # Stopped by the time limit or a stop request: never return worse
        # than the feasible start the solver was given.
        chosen = start_pairs
    bound = outcome.bound
    if bound is None or num_stages != 1 or not np.isfinite(bound):
        bound = None
    elif not isinstance(bound, int):
        bound = int(np.floor(bound))
    if not proven and relaxation_bound:
        bound, proven = best_bound(data, chosen, bound)
    return chosen_result(
        data, engine, np.asarray(chosen), proven=proven, bound=bound,
        build_seconds=built - start,
        solve_seconds=time.perf_counter() - built, **fields)


def best_bound(data: AllocationData, chosen, bound: int | None):
    """
    The better of a solver's bound and the flow relaxation's, for a
    solution that is not proven optimal; and whether that bound proves it.

    The relaxation (``relax.relaxed``) bounds the whole problem from
    above. Solved as a min-cost flow, it costs little beside the search,
    and at a stop or time limit it is often the only bound there is, or
    far tighter than the solver's (city, shared housing: 1 % against
    over 200 %). Returns ``(bound, proven)``.
    """
    from .flow import NotRepresentable, solve_flow
    from .relax import relaxed

    try:
        relaxation = solve_flow(relaxed(data))
    except NotRepresentable:
        relaxation = None
    if relaxation is not None and relaxation.proven_optimal:
        bound = (relaxation.value if bound is None
                 else min(bound, relaxation.value))
    value = evaluate(data, chosen)[3]
    return bound, bound is not None and value >= bound
