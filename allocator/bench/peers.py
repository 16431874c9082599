"""
Methods measured beside the engines, on the same instances in the same run.

They are not engines of the product. ``limit`` is the speed no engine can
beat, ``naive`` the model a user would write with PuLP, ``cpsat_alone``
CP-SAT without the product's warm start, and ``fcfs`` the practice the
product replaces. Each returns a ``Measurement`` like the engines' run.
"""

from __future__ import annotations

import dataclasses
import time
import warnings
from collections import defaultdict

import numpy as np

from models import Instance, Policy, Status

from ..check import check_matches
from ..data import UNLIMITED, AllocationData
from ..engines import solve
from ..engines.flow import solve_flow
from ..engines.relax import relaxed
from ..baseline import first_come_first_served
from ..result import combine, evaluate
from .measure import Measurement, engine_measurement, housing_counts

NO_HINT = False  # CP-SAT alone: no warm start
"""A CP-SAT hint that chooses no pair: no warm start. The product's cpsat
engine hints itself from the flow relaxation when given no hint at all;
switch to ``hint=False`` once ``solve_cpsat`` understands it."""


class NotApplicable(ValueError):
    """The peer cannot express the policy's rules (shared rooms)."""


def limit(
    instance: Instance,
    policy: Policy,
    data: AllocationData,
    time_limit: float | None = None,
) -> Measurement:
    """
    The pure min-cost flow on the network part of the instance.

    Rules beyond the network (shared rooms, quotas in persons) are dropped,
    so its optimum bounds every engine's from above and its solve time
    bounds their speed from below. Only the solve is timed; its solution is
    not a proposal and is not checked.
    """
    network = relaxed(data)
    if data.pruned:
        # One flow on the candidate pairs: pricing would make it an engine,
        # and the time of one flow is what no engine can beat. Its value
        # bounds nothing once pairs are left out.
        result = solve_flow(network)
        result = dataclasses.replace(result, status=Status.FEASIBLE,
                                     bound=None)
    else:
        result = solve(network, engine="flow")
    housed, within = housing_counts(instance, policy, result.assignment)
    return Measurement(
        status=str(result.status.value),
        proven_optimal=result.proven_optimal,
        timed_out=False,
        build_seconds=result.build_seconds,
        solve_seconds=result.solve_seconds,
        explain_seconds=None,
        check_seconds=None,
        primary=result.objective[0],
        secondary=result.objective[1],
        value=int(result.value),
        bound=None if result.bound is None else int(result.bound),
        gap=result.gap,
        housed=housed,
        housed_within_deadline=within,
        check_ok=None,
        check_violations=0,
        first_violation="",
        detail=result.engine,
    )


def cpsat_alone(
    instance: Instance,
    policy: Policy,
    data: AllocationData,
    time_limit: float | None = None,
) -> Measurement:
    """
    CP-SAT on the full model without the flow relaxation's warm start,
    checked like the engines.
    """
    return engine_measurement(instance, policy, data, "cpsat", time_limit,
                              hint=NO_HINT)


# --- the model a user would write --------------------------------------------


def naive(
    instance: Instance,
    policy: Policy,
    data: AllocationData,
    time_limit: float | None = None,
) -> Measurement:
    """
    The model a user would write: a named PuLP variable per eligible pair,
    constraints summed with ``lpSum`` in Python loops, solved with CBC.

    It is the product's integer program (one dwelling per household, one
    household per dwelling, area and building caps, municipality quotas,
    an excess variable per area priced by the dispersion penalty, the
    combined objective of ``pair_value``), so it must reach the same
    optimum. ``data`` must hold every eligible pair (compile with
    ``candidates_per_household`` at least the number of dwellings).

    Raises
    ------
    NotApplicable
        When the policy has shared rooms, which this model leaves out.
    """
    import pulp

    if data.has_rooms:
        raise NotApplicable("The naive model has no shared rooms.")
    start = time.perf_counter()
    problem, choose = naive_model(data)
    built = time.perf_counter()
    with warnings.catch_warnings():
        # PuLP 3.3 announces that 4.0 drops its bundled CBC; this pinned
        # version still ships it, and it is what a user gets today.
        warnings.simplefilter("ignore", DeprecationWarning)
        solver = pulp.PULP_CBC_CMD(msg=False, gapAbs=0.5, gapRel=0,
                                   timeLimit=time_limit)
    problem.solve(solver)
    solved = time.perf_counter()

    optimal = problem.sol_status == pulp.LpSolutionOptimal
    found = problem.sol_status in (pulp.LpSolutionOptimal,
                                   pulp.LpSolutionIntegerFeasible)
    chosen = [p for p, var in enumerate(choose)
              if found and (var.varValue or 0) > 0.5]
    status = "optimal" if optimal else "feasible" if found else "unknown"
    over = time_limit is not None and not optimal and (
        solved - built >= 0.95 * time_limit
    )
    return _checked(instance, policy, data, chosen, status, optimal, over,
                    built - start, solved - built, "pulp+cbc")


def naive_model(data: AllocationData):
    """
    Builds the PuLP model pair by pair, as a user would.

    Returns the problem and the variable of each free pair.
    """
    import pulp

    problem = pulp.LpProblem("housing", pulp.LpMaximize)
    households = data.pair_household.tolist()
    dwellings = data.pair_dwelling.tolist()
    values = data.pair_value().tolist()
    choose = [
        problem.add_variable(f"x_{h}_{d}", cat=pulp.LpBinary)
        for h, d in zip(households, dwellings)
    ]

    per_household = defaultdict(list)
    per_dwelling = defaultdict(list)
    per_building = defaultdict(list)
    per_area = defaultdict(list)
    per_municipality = defaultdict(list)
    for p, (h, d) in enumerate(zip(households, dwellings)):
        per_household[h].append(p)
        per_dwelling[d].append(p)
        if data.dwelling_building[d] >= 0:
            per_building[int(data.dwelling_building[d])].append(p)
        per_area[int(data.dwelling_area[d])].append(p)
        per_municipality[int(data.dwelling_municipality[d])].append(p)

    for h, pairs in per_household.items():
        problem += pulp.lpSum(choose[p] for p in pairs) <= 1, f"house_{h}"
    for d, pairs in per_dwelling.items():
        problem += pulp.lpSum(choose[p] for p in pairs) <= 1, f"dwell_{d}"
    for b, pairs in per_building.items():
        cap = int(data.building_cap[b])
        if cap < UNLIMITED:
            problem += (pulp.lpSum(choose[p] for p in pairs) <= cap,
                        f"building_{b}")
    for a, pairs in per_area.items():
        cap = int(data.area_cap[a])
        if cap < UNLIMITED:
            problem += pulp.lpSum(choose[p] for p in pairs) <= cap, f"area_{a}"
    for q, dim in enumerate(data.quota_dims):
        for m, pairs in per_municipality.items():
            cap = int(data.quota_cap[m, q])
            if cap >= UNLIMITED:
                continue
            usage = [int(data.household_usage[households[p], q])
                     for p in pairs]
            problem += (
                pulp.lpSum(u * choose[p] for u, p in zip(usage, pairs))
                <= cap,
                f"quota_{dim}_{m}",
            )

    # Soft dispersion: households above an area's target cost the penalty
    # each; the excess may be continuous, the penalty makes it exact.
    penalties = []
    for a, pairs in per_area.items():
        target = int(data.area_target[a])
        if data.dispersion_penalty <= 0 or len(pairs) <= target:
            continue
        excess = problem.add_variable(f"excess_{a}", lowBound=0)
        problem += (excess >= pulp.lpSum(choose[p] for p in pairs) - target,
                    f"target_{a}")
        penalties.append(excess)
    problem += (
        pulp.lpSum(v * x for v, x in zip(values, choose))
        - data.dispersion_penalty * pulp.lpSum(penalties)
    )
    return problem, choose


# --- first come, first served ------------------------------------------------


def fcfs(
    instance: Instance,
    policy: Policy,
    data: AllocationData,
    time_limit: float | None = None,
) -> Measurement:
    """
    First come, first served: the practice the product replaces.

    Households in order of waiting (earliest permit first, ties by id) each
    take the first dwelling by id that is eligible for them, still free,
    and within every cap and quota. The objective is recomputed by the
    independent checker.
    """
    start = time.perf_counter()
    assignment, room = first_come_first_served(instance, data)
    solved = time.perf_counter()
    return _measured(instance, policy, data, assignment, room,
                     status="heuristic", optimal=False, over=False,
                     build_seconds=0.0, solve_seconds=solved - start,
                     detail="first come, first served")


# --- shared helpers ----------------------------------------------------------


def _matches(data: AllocationData, assignment, room):
    """``(household_id, dwelling_id, shared)`` of every match."""
    return [
        (data.household_ids[h], data.dwelling_ids[int(d)], bool(room[h]))
        for h, d in enumerate(np.asarray(assignment).tolist())
        if d >= 0
    ]


def _checked(instance, policy, data, chosen, status, optimal, over,
             build_seconds, solve_seconds, detail) -> Measurement:
    """A peer's chosen free pairs, checked and scored by the checker."""
    assignment, room, _, _ = evaluate(data, np.array(chosen, dtype=np.int64))
    return _measured(instance, policy, data, assignment, room,
                     status=status, optimal=optimal, over=over,
                     build_seconds=build_seconds,
                     solve_seconds=solve_seconds, detail=detail)


def _measured(instance, policy, data, assignment, room, *, status,
              optimal, over, build_seconds, solve_seconds,
              detail) -> Measurement:
    """A peer's assignment, checked and scored by the independent
    checker (the objective is the checker's, not the peer's)."""
    start = time.perf_counter()
    report = check_matches(instance, policy, _matches(data, assignment, room))
    checked = time.perf_counter()
    housed, within = housing_counts(instance, policy, assignment)
    found = status in ("optimal", "feasible", "heuristic")
    return Measurement(
        status=status,
        proven_optimal=optimal,
        timed_out=over,
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        explain_seconds=None,
        check_seconds=checked - start,
        primary=report.primary if found else None,
        secondary=report.secondary if found else None,
        value=combine(data, report.primary, report.secondary)
        if found else None,
        bound=None,
        gap=None,
        housed=housed,
        housed_within_deadline=within,
        check_ok=report.ok,
        check_violations=len(report.violations),
        first_violation=report.violations[0] if report.violations else "",
        detail=detail,
    )


__all__ = [
    "NO_HINT",
    "NotApplicable",
    "cpsat_alone",
    "fcfs",
    "first_come_first_served",
    "limit",
    "naive",
    "naive_model",
]
