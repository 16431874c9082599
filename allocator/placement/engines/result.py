"""
What the placement engines return (``PlacementResult``), the error of a
problem the flow cannot represent, and the objective and municipality
of every household read from counts per pair.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models import Status

from ...result import Optimality
from ..data import PlacementData


class NotRepresentable(ValueError):
    """The placement problem at hand is not a min-cost flow."""


@dataclass(frozen=True)
class PlacementResult(Optimality):
    """
    What a placement engine returns.

    Parameters
    ----------
    assignment
        Municipality position of each household, -1 when not placed;
        given households included.
    objective
        ``(primary, secondary)``: priority points and pair-score points of
        every placed household, given ones included.
    value
        The combined objective (``PlacementData.combine``).
    bound
        The engine's bound on ``value`` when it has one.
    """

    engine: str
    status: Status
    assignment: np.ndarray
    objective: tuple[int, int]
    value: int
    bound: int | None
    build_seconds: float
    solve_seconds: float
    workers: int = 1
    seed: int = 0
    detail: dict[str, str] = field(default_factory=dict)


def evaluate(data: PlacementData, assignment: np.ndarray):
    """``(primary, secondary)`` and combined value of an assignment."""
    placed = np.flatnonzero(assignment >= 0)
    points = int(data.points[placed, assignment[placed]].sum())
    if data.score_first:
        primary, secondary = points, len(placed)
    else:
        primary, secondary = int(data.priority[placed].sum()), points
    return (primary, secondary), data.combine(primary, secondary)


def assignment_of(data: PlacementData, counts: np.ndarray) -> np.ndarray:
    """
    Households' municipalities from the counts per pair: each class's
    households, in order, fill its municipalities in order.
    """
    assignment = data.given.copy()
    counts = np.rint(np.asarray(counts)).astype(np.int64)
    next_member = np.zeros(data.num_classes, dtype=np.int64)
    for p in np.flatnonzero(counts > 0).tolist():
        c = int(data.pair_class[p])
        k = int(counts[p])
        members = data.class_members[c][next_member[c]:next_member[c] + k]
        assignment[members] = data.pair_municipality[p]
        next_member[c] += k
    return assignment


def _result(data, engine, status, counts, *, bound=None, build=0.0,
            solve=0.0, **fields) -> PlacementResult:
    if counts is None:
        assignment = data.given.copy()
    else:
        assignment = assignment_of(data, counts)
    objective, value = evaluate(data, assignment)
    if status == Status.OPTIMAL:
        bound = value
    return PlacementResult(
        engine=engine, status=status, assignment=assignment,
        objective=objective, value=value, bound=bound,
        build_seconds=build, solve_seconds=solve, **fields,
    )


def _offset(data: PlacementData) -> int:
    """The given households' part of the combined value."""
    return data.combine(*data.given_value)
