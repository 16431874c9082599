"""The whole chain in one call: compile, solve, explain, check."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from models import DecisionLog, Instance, Policy, Proposal

from .check import CheckReport, check_proposal
from .compile import compile_instance
from .data import AllocationData
from .engines import solve
from .explain import build_proposal
from .result import Result


@dataclass(frozen=True)
class Outcome:
    """A proposal with the compiled data, the raw result and its check."""

    proposal: Proposal
    data: AllocationData
    result: Result
    check: CheckReport


def _positions(data, pairs) -> list[tuple[int, int]]:
    """(household, dwelling) ids as positions; unknown ids are left out."""
    h_at = {h: i for i, h in enumerate(data.household_ids)}
    d_at = {d: i for i, d in enumerate(data.dwelling_ids)}
    return [(h_at[h], d_at[d]) for h, d in pairs if h in h_at and d in d_at]


def _quiet(description: str, key: str) -> None:
    """The default stage hook: says nothing."""


def propose(
    instance: Instance,
    policy: Policy | None = None,
    engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    marginal_values: bool = True,
    on_stage: Callable[[str, str], None] = _quiet,
    decisions: DecisionLog | None = None,
    previous: Proposal | None = None,
    **params,
) -> Outcome:
    """
    Proposes an allocation and checks it with the independent checker:
    the one solve chain behind the CLI, the policy lab, the placement
    modes and the workbench.

    Parameters
    ----------
    instance
        The validated instance.
    policy
        The matching rules. Default ``Policy()`` (the default preset).
    engine
        ``auto``, ``flow``, ``mip``, ``cpsat`` or ``classes``.
    time_limit
        Seconds for the solve and the marginal-value re-solves, which
        share what the solve leaves; compiling is not counted. ``None``
        for no limit.
    marginal_values
        Whether to re-solve for the marginal value of each full cap.
    on_stage
        Called as ``on_stage(description, key)`` when each stage starts,
        ``key`` one of ``compile``, ``solve``, ``explain``, ``check``: the
        CLI's progress line and stage timings, the workbench's progress.
    decisions
        The office's decision log: the policy's ``[decisions]`` rules
        derive locks, bans and parks from it, on top of the instance's
        own ``decisions`` table.
    previous
        The previous proposal of the round: the re-solve keeps its
        matches unless changing them houses more priority, and states
        what it kept and changed, and why.
    params
        Engine parameters; ``start``, a feasible assignment as (household
        id, dwelling id) pairs, seeds the class model.
    """
    policy = Policy() if policy is None else policy
    if decisions is not None or previous is not None:
        raise NotImplementedError("decision logs and previous proposals "
                                  "are not wired in yet")
    on_stage("compiling eligible pairs", "compile")
    data = compile_instance(instance, policy)
    if params.get("start") is not None:
        params["start"] = _positions(data, params["start"])
    on_stage(f"solving {data.num_pairs} pairs with {engine}"
             + ("" if time_limit is None else f" (limit {time_limit:g} s)"),
             "solve")
    ends_at = (None if time_limit is None
               else time.perf_counter() + time_limit)
    result = solve(data, engine=engine, time_limit=time_limit, seed=seed,
                   **params)
    on_stage("explaining", "explain")
    proposal = build_proposal(
        instance, policy, data, result,
        marginal_values=marginal_values, time_limit=time_limit,
        ends_at=ends_at,
    )
    on_stage("checking independently", "check")
    return Outcome(proposal, data, result,
                   check_proposal(instance, policy, proposal))
