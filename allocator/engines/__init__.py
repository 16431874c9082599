"""Engines behind one solve(): flow, mip and cpsat, and auto to pick."""

from __future__ import annotations

from ..data import AllocationData
from ..result import Result
from .cpsat import solve_cpsat
from .flow import NotRepresentable, solve_flow
from .mip import solve_mip

ENGINES = ("auto", "flow", "mip", "cpsat")


def solve(
    data: AllocationData,
    engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    **params,
) -> Result:
    """
    Solves the compiled problem with the chosen engine.

    ``auto`` takes the exact min-cost flow when the rule set is network
    representable, and otherwise the integer program through HiGHS,
    warm-started from the flow solution of the relaxation without the
    non-network rules when that solution is feasible.

    Parameters
    ----------
    engine
        ``auto``, ``flow``, ``mip`` or ``cpsat``.
    time_limit
        Seconds; ``None`` for no limit.
    seed
        Random seed for engines that use one.
    params
        Engine parameters (``workers`` for cpsat, ``backend`` for mip).

    Raises
    ------
    ValueError
        When the engine is not understood, or ``flow`` is asked for a rule
        set that is not network representable.
    """
    if engine == "auto":
        if data.network_representable:
            return solve_flow(data)
        return solve_mip(data, time_limit=time_limit, seed=seed, **params)
    if engine == "flow":
        return solve_flow(data)
    if engine == "mip":
        return solve_mip(data, time_limit=time_limit, seed=seed, **params)
    if engine == "cpsat":
        return solve_cpsat(data, time_limit=time_limit, seed=seed, **params)
    raise ValueError(
        f"engine {engine!r} not understood; choose one of {ENGINES}."
    )


__all__ = ["ENGINES", "NotRepresentable", "Result", "solve"]
