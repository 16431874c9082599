"""Households to municipalities: compile, solve, explain and check one
placement (``place``), the step every national mode builds on."""

from __future__ import annotations

from dataclasses import dataclass

from models import Instance, PlacementProposal, Policy

from .check import PlacementCheck, check_placement
from .data import PlacementData, compile_placement
from .engines import PlacementResult, solve_placement
from .explain import build_placement_proposal


@dataclass(frozen=True)
class PlacementOutcome:
    """A placement proposal with its arrays, raw result and check."""

    proposal: PlacementProposal
    data: PlacementData
    result: PlacementResult
    check: PlacementCheck


def place(
    instance: Instance,
    policy: Policy | None = None,
    engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    workers: int | None = None,
) -> PlacementOutcome:
    """
    Places households in municipalities and checks the proposal with the
    independent checker.

    Parameters
    ----------
    instance
        The validated instance.
    policy
        The rules. Default ``Policy()``.
    engine
        ``auto`` (flow when only households are counted, else ``mip``),
        ``mip`` (HiGHS), ``cpsat``, ``pulp`` (CBC) or ``flow``.
    time_limit
        Seconds for the solve; ``None`` for no limit.
    seed
        Random seed of the solvers.
    workers
        CP-SAT workers.
    """
    policy = Policy() if policy is None else policy
    data = compile_placement(instance, policy)
    result = solve_placement(data, engine=engine, time_limit=time_limit,
                             seed=seed, workers=workers)
    proposal = build_placement_proposal(instance, policy, data, result,
                                        time_limit=time_limit)
    return PlacementOutcome(proposal, data, result,
                            check_placement(instance, policy, proposal))
