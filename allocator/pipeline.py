"""The whole chain in one call: compile, solve, explain, check."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from models import Instance, Policy, Proposal

from .check import CheckReport, check_proposal
from .compile import compile_instance
from .data import AllocationData
from .engines import class_model_applies, solve
from .explain import build_proposal
from .result import Result


@dataclass(frozen=True)
class Outcome:
    """A proposal with the compiled data, the raw result and its check."""

    proposal: Proposal
    data: AllocationData
    result: Result
    check: CheckReport


DECOMPOSE_FROM = 5_000
"""Households from which a pruned instance with council decisions starts
from the decomposition (see ``decomposition_start``)."""


def decomposes(instance: Instance, data: AllocationData, engine: str) -> bool:
    """
    Whether the class model will solve a national-size instance whose
    council decisions bind: then the decomposition gives it a far better
    start than its greedy one (on national, 3.9 million priority points
    housed against 3.3 million).
    """
    return (
        engine in ("auto", "classes")
        and data.pruned
        and data.num_households >= DECOMPOSE_FROM
        and len(instance.municipalities) > 1
        and bool(data.quota_dims)
        and class_model_applies(data)
    )


def decomposition_start(instance: Instance, policy: Policy,
                        time_limit: float | None, seed: int):
    """
    A feasible start by decomposition: households placed in
    municipalities within the council decisions, then each municipality's
    households matched to its dwellings (the chained mode). The class
    model starts from it when it houses more priority than its greedy
    start and keeps every row; it is a start, not an answer, so the
    solve's proof and bound are unchanged.
    """
    from .placement.modes import run_chained  # placement builds on this

    share = None if time_limit is None else time_limit / 3
    chained = run_chained(instance, policy, time_limit=share, seed=seed,
                          check_whole=False)
    return [(m.household, m.dwelling) for m in chained.report.matches]


def solve_instance(
    instance: Instance,
    policy: Policy,
    data: AllocationData,
    engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    **params,
) -> Result:
    """
    Solves compiled data as ``engines.solve`` does, with what only the
    instance can give: the decomposition start of a national-size instance
    (``decomposes``), whose seconds count in the solve's and its time
    limit; and a ``start`` given as (household id, dwelling id) pairs.
    """
    start = params.pop("start", None)
    decomposed = start is None and decomposes(instance, data, engine)
    if decomposed:
        began = time.perf_counter()
        start = decomposition_start(instance, policy, time_limit, seed)
        spent = time.perf_counter() - began
        if time_limit is not None:
            time_limit = max(0.01, time_limit - spent)
    if start is not None:
        params["start"] = _positions(data, start)
    result = solve(data, engine=engine, time_limit=time_limit, seed=seed,
                   **params)
    if not decomposed:
        return result
    return replace(
        result, solve_seconds=result.solve_seconds + spent,
        detail={**result.detail, "start_seconds": f"{spent:.2f}"},
    )


def _positions(data, pairs) -> list[tuple[int, int]]:
    """(household, dwelling) ids as positions; unknown ids are left out."""
    h_at = {h: i for i, h in enumerate(data.household_ids)}
    d_at = {d: i for i, d in enumerate(data.dwelling_ids)}
    return [(h_at[h], d_at[d]) for h, d in pairs if h in h_at and d in d_at]


def propose(
    instance: Instance,
    policy: Policy | None = None,
    engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    marginal_values: bool = True,
    **params,
) -> Outcome:
    """
    Proposes an allocation and checks it with the independent checker.

    Parameters
    ----------
    instance
        The validated instance.
    policy
        The matching rules. Default ``Policy()`` (the default preset).
    engine
        ``auto``, ``flow``, ``mip`` or ``cpsat``.
    time_limit
        Seconds for the solve; ``None`` for no limit.
    marginal_values
        Whether to re-solve for the marginal value of each full cap.
    params
        Engine parameters; ``start``, a feasible assignment as (household
        id, dwelling id) pairs, seeds the class model (see
        ``solve_instance``).
    """
    policy = Policy() if policy is None else policy
    data = compile_instance(instance, policy)
    result = solve_instance(instance, policy, data, engine=engine,
                            time_limit=time_limit, seed=seed, **params)
    proposal = build_proposal(
        instance, policy, data, result,
        marginal_values=marginal_values, time_limit=time_limit,
    )
    return Outcome(proposal, data, result,
                   check_proposal(instance, policy, proposal))
