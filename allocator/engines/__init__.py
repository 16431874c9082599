"""Engines behind one solve(): flow, mip and cpsat, and auto to pick."""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from models import Status

from ..data import AllocationData
from ..result import Result, chosen_result, empty_result
from .cpsat import solve_cpsat
from .flow import NotRepresentable, solve_flow
from .mip import solve_mip
from .pricing import solve_flow_priced
from .relax import flow_hint, relaxed


def _solve_pruned(data, engine, time_limit, seed, **params) -> Result:
    """
    Solves with pruned candidates and proves the answer for every pair.

    Network-representable rules: the flow with pricing is exact. Other
    rules: the flow relaxation with pricing gives an upper bound over all
    pairs and the candidate pairs that matter to it; the integer program
    on those pairs, warm-started from the relaxation, is optimal for the
    whole instance when it reaches that bound, and otherwise reported as
    feasible with the bound and gap.
    """
    start = time.perf_counter()
    if data.network_representable:
        if engine not in ("auto", "flow"):
            # Price with the flow, then solve the priced pairs exactly.
            data = solve_flow_priced(data, time_limit)[1]
            return solve(dataclasses.replace(data, pruned=False), engine,
                          _left(time_limit, start), seed, **params)
        return solve_flow_priced(data, time_limit)[0]
    bound_result, priced = solve_flow_priced(relaxed(data), time_limit)
    data = dataclasses.replace(
        data,
        **{
            name: getattr(priced, name)
            for name in ("pair_household", "pair_dwelling", "pair_scores",
                         "pair_quality", "household_ptr")
        },
        pair_room=data.candidates.pair_scores(
            priced.pair_household.astype(np.int64),
            priced.pair_dwelling.astype(np.int64),
        )[0],
        pruned=False,
    )
    inner = "mip" if engine == "auto" else engine
    params = {**params, "hint": params.get("hint", flow_hint(data))}
    result = solve(data, inner, _left(time_limit, start), seed, **params)
    if result.status not in (Status.OPTIMAL, Status.FEASIBLE):
        return result
    # Only a relaxation solved to proven optimality over all pairs bounds
    # the whole instance.
    bound = bound_result.value if bound_result.proven_optimal else None
    proven = bound is not None and result.value >= bound
    detail = {**result.detail, **{
        k: v for k, v in bound_result.detail.items() if k.startswith("pric")
    }, "relaxation_bound": str(bound)}
    return dataclasses.replace(
        result,
        engine=f"{engine}:pruned",
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        bound=result.value if proven else bound,
        detail=detail,
    )


def _left(time_limit, start):
    if time_limit is None:
        return None
    return max(0.1, time_limit - (time.perf_counter() - start))


def nothing_to_choose(data: AllocationData, engine: str) -> Result:
    """No free pair: the locks (if any) are the whole, optimal answer."""
    return chosen_result(data, engine, [], proven=True, bound=None,
                         build_seconds=0.0, solve_seconds=0.0)


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
    if engine not in ENGINES:
        raise ValueError(
            f"engine {engine!r} not understood; choose one of {ENGINES}."
        )
    if data.lock_conflicts:
        # The office's locks cannot all hold: no proposal, only the
        # conflicts (already explained exactly by the compiler).
        return empty_result(data, engine, Status.INFEASIBLE)
    if data.num_pairs == 0:
        return nothing_to_choose(data, engine)
    if data.pruned:
        return _solve_pruned(data, engine, time_limit, seed, **params)
    if engine == "auto":
        if data.network_representable:
            return solve_flow(data)
        hint = flow_hint(data)
        result = solve_mip(data, time_limit=time_limit, seed=seed,
                           hint=hint, **params)
        return dataclasses.replace(result, engine="auto:mip")
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
