"""The result of a solve, and the objective of an assignment."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models import Status

from .data import AllocationData
from .places import place_excess


@dataclass(frozen=True)
class Result:
    """
    What an engine returns.

    Parameters
    ----------
    status
        ``optimal`` when the engine proved optimality, ``feasible`` when it
        found a solution without proof, ``infeasible`` or ``unknown``.
    assignment
        Dwelling position of each household, -1 when unmatched; locked
        pairs included.
    room
        Whether each household takes one room of a shared dwelling.
    objective
        ``(primary, secondary)``; in weighted mode primary is 0 and
        secondary holds the whole weighted sum.
    bound
        The engine's best bound on the combined value, when it has one.
    primary_bound
        In lexicographic mode, a bound on the primary part alone (the
        priority), when the engine has one: a solve in two stages has
        this but no combined bound, and a class-model solve under
        council decisions has it from counting.
    """

    engine: str
    status: Status
    assignment: np.ndarray
    room: np.ndarray
    objective: tuple[int, int]
    value: int
    bound: int | None
    build_seconds: float
    solve_seconds: float
    workers: int = 1
    seed: int = 0
    detail: dict[str, str] = field(default_factory=dict)
    primary_bound: int | None = None
    extra: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def proven_optimal(self) -> bool:
        return self.status == Status.OPTIMAL

    @property
    def gap(self) -> float | None:
        if self.bound is None:
            return None
        return abs(self.bound - self.value) / max(1, abs(self.value))


def evaluate(data: AllocationData, chosen_pairs: np.ndarray):
    """
    Assignment, room flags and objective of a set of chosen free pairs.

    The locked pairs are added. Returns ``(assignment, room, (primary,
    secondary), value)``.
    """
    chosen_pairs = np.asarray(chosen_pairs, dtype=np.int64)
    assignment = np.full(data.num_households, -1, dtype=np.int64)
    room = np.zeros(data.num_households, dtype=bool)
    ph = data.pair_household[chosen_pairs]
    pd = data.pair_dwelling[chosen_pairs]
    assignment[ph] = pd
    room[ph] = data.pair_room[chosen_pairs]
    for h, d, r in data.locked_pairs:
        assignment[h] = d
        room[h] = r
    primary = int(data.priority[ph].sum()) + data.locked_value[0]
    secondary = int(data.pair_quality[chosen_pairs].sum())
    secondary += data.locked_value[1]
    secondary -= data.dispersion_penalty * int(area_excess(data, pd).sum())
    if data.place_penalty:
        secondary -= data.place_penalty * place_excess(
            data.place_kinds, data.place_usage, data.place_group,
            data.place_cap, ph, pd)
    return assignment, room, (primary, secondary), combine(data, primary,
                                                           secondary)


def area_excess(data: AllocationData, dwellings: np.ndarray) -> np.ndarray:
    """Free households above each area's target (after locks)."""
    used = np.bincount(
        data.dwelling_area[dwellings], minlength=len(data.area_ids)
    )
    return np.clip(used - data.area_target, 0, None)


def combine(data: AllocationData, primary: int, secondary: int) -> int:
    if data.lexicographic:
        return primary * data.scale + secondary
    return primary * data.priority_weight + secondary


def chosen_result(data: AllocationData, engine: str, chosen, *,
                  proven: bool, bound: int | None, build_seconds: float,
                  solve_seconds: float, **fields) -> Result:
    """
    The result of an engine that chose these free pairs.

    ``bound`` is the engine's bound on the combined value, when it has one
    that holds without a proof (a single-stage objective); a proof makes
    the value its own bound.
    """
    assignment, room, objective, value = evaluate(data, chosen)
    primary_bound = fields.pop("primary_bound", None)
    return Result(
        engine=engine,
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        assignment=assignment,
        room=room,
        objective=objective,
        value=value,
        bound=value if proven else bound,
        primary_bound=objective[0] if proven else primary_bound,
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        **fields,
    )


def empty_result(data: AllocationData, engine: str, status: Status, *,
                 build_seconds: float = 0.0, solve_seconds: float = 0.0,
                 **fields) -> Result:
    """A result without a solution: infeasible, or none found in time."""
    H = data.num_households
    return Result(
        engine=engine,
        status=status,
        assignment=np.full(H, -1),
        room=np.zeros(H, dtype=bool),
        objective=(0, 0),
        value=0,
        bound=None,
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        **fields,
    )
