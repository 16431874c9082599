"""
The class model's solve entry, ``solve_classes``: the stages of the
objective, each solved in turn from the best start and holding the ones
before it, and the proven bounds of the answer.
"""

from __future__ import annotations

import time

import numpy as np

from models import Status

from ...data import AllocationData
from ...result import (
    Result,
    SolveStats,
    chosen_result,
    combine,
    empty_result,
)
from .groups import _Groups, _groups
from .model import _add_priced, _ClassModel, _padded, _value
from .rounding import _chosen_pairs, _pairs
from .search import BOUND_SLACK, _price_and_branch
from .start import (
    _better_start,
    _count_priority_first,
    _counted,
    _counted_outcome,
    _hint_pairs,
    _moved,
    lp_deadline,
)

INITIAL_SPARE = 8
"""Columns per group at the start beyond one per member, best first."""

EXACT_BELOW = 2.0**46
"""Largest objective handled in one stage (as in the pair model)."""


def solve_classes(
    data: AllocationData,
    time_limit: float | None = None,
    seed: int = 0,
    hint=None,
    start=None,
    **_,
) -> Result:
    """
    Solves with the class model (see the package docstring), exactly over
    every eligible pair whether or not the data is pruned.

    ``start`` is a feasible assignment to start from, as (household,
    dwelling) positions, for instance a decomposition's (place households
    in municipalities, then match each municipality); the solve starts
    from it or from the greedy start, whichever houses more priority.

    Shared rooms are outside this model (a room's co-residents must be
    compatible pair by pair); callers use the pair model for them.
    """
    began = time.perf_counter()
    deadline = None if time_limit is None else began + time_limit
    groups = _groups(data)
    model = _ClassModel(data, groups, seed)
    initial = _initial_columns(groups)
    stages = _stages(data, model)
    starts = hint is not False
    hint = _better_start(data, groups, _hint_pairs(data, groups, hint),
                         start)
    built = time.perf_counter()
    # The solve's figures by ``SolveStats`` field, filled as it goes.
    detail: dict[str, object] = {"stage_bounds": []}
    priority_bound = np.inf
    if len(stages) == 1 and data.lexicographic and data.quota_dims and (
        starts
    ):
        hint, priority_bound = _count_priority_first(
            data, groups, built, deadline, seed, hint, detail)
    solved = _solve_stages(model, data, groups, stages, initial, hint,
                           deadline, seed, detail)
    if solved is None:
        return empty_result(data, "classes", Status.UNKNOWN,
                            build_seconds=built - began,
                            solve_seconds=time.perf_counter() - built)
    x, bound, rounds, proven, first_bound = solved
    if len(stages) > 1:
        priority_bound = first_bound
    chosen = _pairs(model, x)
    data_out, chosen_pairs = _chosen_pairs(data, chosen)
    combined_bound, primary_bound = _final_bounds(
        data, len(stages), bound, priority_bound)
    result = chosen_result(
        data_out, "classes", chosen_pairs, proven=proven,
        bound=combined_bound, primary_bound=primary_bound,
        build_seconds=built - began,
        solve_seconds=time.perf_counter() - built, seed=seed,
        stats=SolveStats(**{
            **detail, "stage_bounds": tuple(detail["stage_bounds"]),
            "groups": model.G, "columns": model.num_cols,
            "rows": model.num_rows, "pricing_rounds": rounds}),
    )
    return result


def _initial_columns(groups: _Groups):
    """The first columns of each group: its best dwellings, as many as it
    has members plus ``INITIAL_SPARE``."""
    init_g, init_p = [], []
    for g, row in enumerate(groups.dwellings):
        k = min(len(row), len(groups.members[g]) + INITIAL_SPARE)
        init_g.append(np.full(k, g, dtype=np.int64))
        init_p.append(np.arange(k, dtype=np.int64))
    return init_g, init_p


def _solve_stages(model, data: AllocationData, groups: _Groups, stages,
                  initial, hint, deadline, seed: int, detail):
    """
    Solves the stages in turn, each holding the best value of those
    before it, and returns the last stage's solution and bound, the
    pricing rounds, whether every stage was proven, and the first
    stage's bound; ``None`` when a stage finds no solution in time.
    """
    rounds = 0
    x = None
    counted_pairs = None  # the first stage's, when counting answered it
    proven = True
    first_bound = np.inf
    for k, (y_cost, quality_weight, penalty_weight) in enumerate(stages):
        if k:
            model.integral(False)
        model.set_costs(y_cost, quality_weight, penalty_weight)
        if k == 0:
            x = _add_initial_columns(model, initial, hint)
        # Each stage but the last leaves half of the time left to the next.
        stage_deadline = lp_ends = deadline
        if deadline is not None and k + 1 < len(stages):
            now = time.perf_counter()
            stage_deadline = now + (deadline - now) / 2
            lp_ends = lp_deadline(now, deadline)
        outcome, x, counted_pairs = _stage_outcome(
            model, data, groups, k == 0 and len(stages) > 1,
            (stage_deadline, lp_ends), seed, hint, detail, x, counted_pairs)
        if outcome is None:
            return None
        x, value, bound, stage_rounds, stage_proven = outcome
        rounds += stage_rounds
        proven &= stage_proven
        detail["stage_bounds"].append(float(bound))
        if k == 0 and len(stages) > 1:
            first_bound = bound
        if k + 1 < len(stages):
            # Hold this stage's best (proven or not) while improving the
            # next one.
            model.hold(y_cost, value - 0.5)
    return x, bound, rounds, proven, first_bound


def _add_initial_columns(model, initial, hint):
    """Adds the first columns to the model and returns the start from the
    hint (``None`` without one)."""
    init_g, init_p = initial
    if init_g:
        _add_priced(model, np.concatenate(init_g), np.concatenate(init_p))
    return model.start_from_pairs(hint) if hint else None


def _stage_outcome(model, data: AllocationData, groups: _Groups,
                   priority_stage: bool, deadlines, seed: int, hint,
                   detail, x, counted_pairs):
    """
    One stage's outcome, the start it improved and the counted pairs:
    counting answers the priority stage of two when it can, the quality
    moves from the counted pairs give the next stage its start, and
    price and branch does the rest.
    """
    stage_deadline, lp_ends = deadlines
    outcome = None
    if priority_stage:
        # Priority alone: exact on counts, far smaller than the pairs.
        counted = _counted(data, groups, stage_deadline, seed, hint,
                           detail, lp_ends)
        if counted is not None:
            counted_pairs = counted[0]
            outcome = _counted_outcome(model, *counted)
    elif counted_pairs is not None:
        # Quality moves that keep the counted priority and every quota
        # first: on national they are all the quality stage achieves,
        # for its LP does not finish.
        moved = model.start_from_pairs(_moved(
            data, groups, counted_pairs, stage_deadline, detail))
        if model.keeps_hold(moved) and (
            _value(model, moved) >= _value(model, _padded(model, x))
        ):
            x = moved
    if outcome is None:
        outcome = _price_and_branch(model, stage_deadline, x)
    return outcome, x, counted_pairs


def _final_bounds(data: AllocationData, num_stages: int, bound,
                  priority_bound):
    """
    The proven bounds in whole units, locks included: a single stage's
    bound bounds the combined value; the first of two stages, or
    counting, bounds the priority alone.
    """
    combined_bound = None
    if num_stages == 1 and np.isfinite(bound):
        combined_bound = int(np.floor(
            bound + BOUND_SLACK * max(1.0, abs(bound))
        )) + combine(data, *data.locked_value)
    primary_bound = None
    if np.isfinite(priority_bound):
        primary_bound = int(np.floor(
            priority_bound + BOUND_SLACK * max(1.0, abs(priority_bound))
        )) + data.locked_value[0]
    return combined_bound, primary_bound


def _stages(data: AllocationData, model: _ClassModel):
    """(y costs, quality weight, penalty weight) per stage."""
    priority = data.priority[model.y_household].astype(np.int64)
    if not data.lexicographic:
        return [(priority * data.priority_weight, 1, 1)]
    if data.scale * (int(data.priority.sum()) + 1) < EXACT_BELOW:
        # One exact combined stage keeps the LP's structure: a held
        # stage row breaks it (see objective_stages).
        return [(priority * data.scale, 1, 1)]
    return [(priority, 0, 0), (np.zeros_like(priority), 1, 1)]
