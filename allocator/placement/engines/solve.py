"""
The placement solve entry: ``solve_placement`` chooses the engine, and
``solve_program`` solves the integer program in stages from a warm
start, checked against the priority total the start proved.
"""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np

from models import Status

from ...engines._highs import ABS_GAP
from ...i18n import _
from ..data import PlacementData
from .cbc import _Cbc
from .cpsat import _CpSat
from .flow import _pairs, solve_flow
from .highs import _Highs
from .model import PlacementModel, build_model, objective_stages
from .result import PlacementResult, _offset, _result, assignment_of, evaluate
from .solver import _left
from .start import greedy_start, priority_bounds, type_start

PLACEMENT_ENGINES = ("auto", "mip", "cpsat", "pulp", "flow")
"""Engines of ``solve_placement``."""


def solve_placement(
    data: PlacementData,
    engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    workers: int | None = None,
) -> PlacementResult:
    """
    Solves the placement problem with the chosen engine.

    ``auto`` takes the min-cost flow when only the households dimension
    is in force and no spread rule applies, and HiGHS otherwise.

    Parameters
    ----------
    engine
        ``auto``, ``mip`` (HiGHS through highspy), ``cpsat``, ``pulp``
        (PuLP with CBC) or ``flow``.
    time_limit
        Seconds; ``None`` for no limit.
    seed
        Random seed of the solvers.
    workers
        CP-SAT workers (default 8).

    Raises
    ------
    ValueError
        When the engine is not understood, or ``flow`` is asked for a
        problem that is not a transportation problem.
    """
    if engine not in PLACEMENT_ENGINES:
        raise ValueError(_(
            "engine {engine!r} not understood; choose one of {choices}.",
            engine=engine, choices=", ".join(PLACEMENT_ENGINES)))
    if data.num_pairs == 0:
        return _result(data, engine, Status.OPTIMAL,
                       np.zeros(0, dtype=np.int64))
    if engine == "auto":
        engine = "flow" if data.network_representable else "mip"
        result = _dispatch(data, engine, time_limit, seed, workers)
        return _renamed(result, f"auto:{engine}")
    return _dispatch(data, engine, time_limit, seed, workers)


def _renamed(result: PlacementResult, engine: str) -> PlacementResult:
    return replace(result, engine=engine)


def _dispatch(data, engine, time_limit, seed, workers):
    if engine == "flow":
        return solve_flow(data)
    return solve_program(data, engine, time_limit, seed, workers)


def solve_program(data: PlacementData, engine: str = "mip",
                  time_limit=None, seed=0, workers=None,
                  warm_start: bool = True) -> PlacementResult:
    """
    The integer program through HiGHS (``mip``), PuLP with CBC (``pulp``)
    or CP-SAT (``cpsat``), then the households for its counts by flow.

    With ``warm_start`` the solver starts from the best-priority solution
    of the program without households' municipalities (``type_start``),
    or a greedy one. That solution's priority total, when proven, also
    checks the answer: a lexicographic optimum solved in one combined
    stage must reach it, or the solver's tolerances have blurred the
    large combined coefficients, and the program is solved again in two
    stages with small ones.

    HiGHS (``mip``) with a lexicographic objective also gets that total's
    consequences (``priority_bounds``): classes whose placement it
    decides and counts it rules out, as bounds. Every lexicographic
    optimum keeps them, so the answer is the same; the check above would
    catch a bound that did not hold (the program is then solved again
    without them). CBC and CP-SAT solve the program as it is and so stay
    independent checks of these reductions.
    """
    started = time.perf_counter()
    model = build_model(data)
    kind = {"mip": _Highs, "pulp": _Cbc, "cpsat": _CpSat}[engine]
    runner = kind(model, time_limit, seed, workers)
    built = time.perf_counter()
    start_x, best_primary = None, None
    if warm_start:
        start_x, best_primary = _warm_start(data, model, time_limit, started)
    if (engine == "mip" and best_primary is not None
            and not model.secondary.any()):
        # Priority is the whole objective, and the small program (HiGHS)
        # proved the start's priority total the best there is: nothing is
        # left to find or prove.
        pairs = _pairs(data, model, start_x)
        return _result(
            data, engine, Status.OPTIMAL, pairs, build=built - started,
            solve=time.perf_counter() - built, seed=seed,
            workers=runner.workers,
            detail={"backend": "highspy (types)", "rows": str(
                model.num_rows), "vars": str(model.num_vars),
                "counts": str(model.num_counts), "stages": "types"},
        )
    stages = objective_stages(data, model, runner.exact_below)
    bounds = None
    if engine == "mip" and best_primary is not None and data.lexicographic:
        bounds = priority_bounds(data, model, best_primary)
    if bounds is not None:
        runner.restrict(data, *bounds)
    status, x, bound = _run_stages(runner, stages, start_x)
    pairs = None if x is None else _pairs(data, model, x)
    if _missed_priority(data, best_primary, len(stages), bounds, status,
                        pairs):
        runner = kind(model, _left(time_limit, started), seed, workers)
        stages, bounds = [model.primary, model.secondary], None
        status, x, bound = _run_stages(
            runner, stages, x if x is not None else start_x)
        pairs = None if x is None else _pairs(data, model, x)
    if x is None:
        return _result(
            data, engine, status, None, build=built - started,
            solve=time.perf_counter() - built, seed=seed,
            workers=runner.workers, detail={"backend": runner.name},
        )
    return _result(
        data, engine, status, pairs,
        bound=(int(np.floor(bound + ABS_GAP)) + _offset(data)
               if bound is not None and np.isfinite(bound)
               and len(stages) == 1 else None),
        build=built - started, solve=time.perf_counter() - built,
        seed=seed, workers=runner.workers,
        detail=_program_detail(data, model, runner.name, len(stages),
                               bounds),
    )


def _warm_start(data: PlacementData, model: PlacementModel, time_limit,
                started: float):
    """
    A first solution for the solver: the best-priority one of the program
    without households' municipalities, with its priority total when
    proven, or else a greedy one (total ``None``); each may use a quarter
    of the time left.
    """
    start_x, best_primary = type_start(
        data, model, _left(time_limit, started, 0.25)
    )
    if start_x is None:
        start_x = greedy_start(
            data, model, time_limit=_left(time_limit, started, 0.25))
    return start_x, best_primary


def _missed_priority(data: PlacementData, best_primary, num_stages: int,
                     bounds, status: Status, pairs) -> bool:
    """
    Whether a lexicographic answer falls short of the proven best
    priority total: the one combined stage's large coefficients were
    blurred by the solver's tolerances, or a priority bound did not hold,
    and the program must be solved again in two stages without bounds.
    """
    return bool(
        best_primary is not None and data.lexicographic
        and (num_stages == 1 or bounds is not None)
        and (status == Status.OPTIMAL or (
            bounds is not None and status == Status.INFEASIBLE))
        and (pairs is None
             or evaluate(data, assignment_of(data, pairs))[0][0]
             < best_primary + data.given_value[0]))


def _program_detail(data: PlacementData, model: PlacementModel,
                    backend: str, num_stages: int, bounds) -> dict[str, str]:
    """The size of the program and how it was solved, for the report."""
    detail = {"backend": backend, "rows": str(model.num_rows),
              "vars": str(model.num_vars), "counts": str(model.num_counts),
              "stages": str(num_stages)}
    if bounds is not None:
        C = data.num_classes
        detail["decided_classes"] = str(int(
            (bounds[0][:C] == bounds[1][:C]).sum()))
    return detail


def _run_stages(runner, stages, start_x):
    """
    Maximises each objective in turn, holding the earlier ones at their
    optimum. Returns the status (optimal only if every stage was proven),
    the solution (``None`` if none was found) and the last bound.
    """
    proven, x, bound, status = True, None, None, Status.UNKNOWN
    for k, objective in enumerate(stages):
        status, x_new, bound = runner.maximise(
            objective, x if x is not None else start_x
        )
        if x_new is None:
            if x is None:
                return status, None, None
            proven = False  # stopped in a later stage: keep the earlier
            break
        x = x_new
        proven &= status == Status.OPTIMAL
        if k + 1 < len(stages):
            runner.hold_at_least(objective, int(round(float(objective @ x))))
    return (Status.OPTIMAL if proven else Status.FEASIBLE), x, bound
