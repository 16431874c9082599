"""What one run of an engine or peer measures, and the engines' run."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from models import Instance, Policy

from ..check import CheckReport, check_proposal
from ..compile import deadline_days
from ..data import AllocationData
from ..engines import solve
from ..explain import build_proposal
from ..result import Result


@dataclass
class Measurement:
    """
    The record fields one method fills in (the worker adds the instance,
    compile time, total time and memory).

    Parameters
    ----------
    status
        ``optimal``, ``feasible``, ``infeasible`` or ``unknown`` as the
        method states it; ``heuristic`` for first come, first served.
    proven_optimal
        Whether the method proved its answer optimal (for ``limit``: the
        optimum of the relaxation).
    timed_out
        Whether the time limit stopped the method before a proof.
    build_seconds, solve_seconds
        Model building and solving as the method reports them.
    explain_seconds, check_seconds
        Building the proposal, and the independent checker.
    primary, secondary, value
        The objective as recomputed by the checker where there is a
        proposal, and the combined value ``primary * scale + secondary``
        (lexicographic) or the weighted sum.
    bound, gap
        The method's bound on the value, and its relative gap.
    housed, housed_within_deadline
        Households matched, and those of them still within their deadline.
    check_ok, check_violations, first_violation
        The checker's verdict (``None`` where nothing is checked).
    detail
        Free text: the engine's own name for what ran, pricing rounds,
        and for a two-stage solve without proof the priority bound.
    """

    status: str
    proven_optimal: bool
    timed_out: bool
    build_seconds: float | None
    solve_seconds: float | None
    explain_seconds: float | None
    check_seconds: float | None
    primary: int | None
    secondary: int | None
    value: int | None
    bound: int | None
    gap: float | None
    housed: int | None
    housed_within_deadline: int | None
    check_ok: bool | None
    check_violations: int
    first_violation: str
    detail: str


def housing_counts(
    instance: Instance, policy: Policy, assignment: np.ndarray
) -> tuple[int, int]:
    """
    Households housed, and housed within their settlement deadline, by the
    same definition as the proposal's KPIs (waiting days against the
    deadline of the household's group).
    """
    housed = 0
    within = 0
    for h, d in zip(instance.households, np.asarray(assignment).tolist()):
        if d < 0:
            continue
        housed += 1
        waited = (instance.as_of - h.permit_date).days
        within += waited <= deadline_days(h, policy)
    return housed, within


def timed_out(result: Result, time_limit: float | None) -> bool:
    """Whether a result stopped on its time limit rather than a proof."""
    if result.proven_optimal or time_limit is None:
        return False
    return result.solve_seconds + result.build_seconds >= 0.95 * time_limit


def engine_measurement(
    instance: Instance,
    policy: Policy,
    data: AllocationData,
    engine: str,
    time_limit: float | None,
    **params,
) -> Measurement:
    """
    Runs an engine of the product the way ``propose`` does: solve, build
    the proposal, check it.

    Marginal values of binding caps are left out: they re-solve the problem
    once per full cap (up to 25 times) and would measure the number of
    binding caps rather than the engine.
    """
    start = time.perf_counter()
    result = solve(data, engine=engine, time_limit=time_limit, **params)
    solved = time.perf_counter()
    proposal = build_proposal(instance, policy, data, result,
                              marginal_values=False, time_limit=time_limit)
    explained = time.perf_counter()
    report = check_proposal(instance, policy, proposal)
    checked = time.perf_counter()
    housed, within = housing_counts(instance, policy, result.assignment)
    return Measurement(
        status=str(result.status.value),
        proven_optimal=result.proven_optimal,
        timed_out=timed_out(result, time_limit),
        build_seconds=result.build_seconds,
        solve_seconds=result.solve_seconds,
        explain_seconds=explained - solved,
        check_seconds=checked - explained,
        primary=report.primary if proposal.objective else None,
        secondary=report.secondary if proposal.objective else None,
        value=result.value if proposal.objective else None,
        bound=_int_or_none(result.bound),
        gap=result.gap if proposal.objective else None,
        housed=housed,
        housed_within_deadline=within,
        check_ok=report.ok,
        check_violations=len(report.violations),
        first_violation=_first(report),
        detail=_detail(result, start, solved),
    )


def _int_or_none(value) -> int | None:
    return None if value is None else int(value)


def _first(report: CheckReport) -> str:
    return report.violations[0] if report.violations else ""


def _detail(result: Result, start: float, solved: float) -> str:
    """The engine's own name for what ran, and where its time went beyond
    building and solving (a warm start, pricing rounds)."""
    parts = [result.engine]
    other = (solved - start) - result.build_seconds - result.solve_seconds
    if other > 0.01:
        parts.append(f"other {other:.2f} s")
    for key in sorted(result.detail):
        if key.startswith("pric"):
            parts.append(f"{key} {result.detail[key]}")
    if result.primary_bound is not None and not result.proven_optimal:
        parts.append(f"priority {result.objective[0]} of at most "
                     f"{result.primary_bound}")
    return "; ".join(parts)
