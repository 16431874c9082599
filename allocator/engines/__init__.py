"""Engines behind one solve(): a registry of exact engines, and auto to
pick the first that applies.

Each engine's module is loaded when it runs (auto's choice decides), not
with this package: a city solve by the flow needs neither the class model
nor the integer program, whose modules took 0.015 to 0.03 s to load.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from models import Status

from ..data import AllocationData
from ..engine_catalogue import ENGINE_SUMMARIES, ENGINES
from ..i18n import _
from ..result import Result, Route, chosen_result, empty_result
from .flow import NotRepresentable


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
    from .pricing import solve_flow_priced
    from .relax import flow_hint, relaxed

    start = time.perf_counter()
    if data.network_representable:
        if engine not in ("auto", "flow"):
            # Price with the flow, then solve the priced pairs exactly.
            data = solve_flow_priced(data, time_limit)[1]
            return solve(dataclasses.replace(data, pruned=False), engine,
                          _left(time_limit, start), seed, **params)
        result = solve_flow_priced(data, time_limit)[0]
        return dataclasses.replace(
            result, route=Route(engine, "flow", reason="pruned"))
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
    pricing = bound_result.stats
    stats = dataclasses.replace(
        result.stats, pricing_rounds=pricing.pricing_rounds,
        priced_pairs=pricing.priced_pairs,
        pricing_seconds=pricing.pricing_seconds, relaxation_bound=bound)
    return dataclasses.replace(
        result,
        route=Route(engine, result.route.ran, pruned=True, reason="pruned"),
        status=Status.OPTIMAL if proven else Status.FEASIBLE,
        bound=result.value if proven else bound,
        stats=stats,
    )


def _left(time_limit, start):
    if time_limit is None:
        return None
    return max(0.1, time_limit - (time.perf_counter() - start))


def nothing_to_choose(data: AllocationData, engine: str) -> Result:
    """No free pair: the locks (if any) are the whole, optimal answer."""
    result = chosen_result(data, engine, [], proven=True, bound=None,
                           build_seconds=0.0, solve_seconds=0.0)
    return dataclasses.replace(
        result, route=Route(engine, None, reason="no free pair"))


def class_model_applies(data: AllocationData) -> bool:
    """Whether the class model covers the rules: every pair takes a whole
    dwelling (shared rooms are compatible only pair by pair), no sitting
    tenant moves on (its pairs are not those of its class), and no service
    places nor caps on some households per group of dwellings are counted
    (they couple households across dwellings by what each household is,
    which its groups do not split by)."""
    if data.has_rooms or data.candidates is None or data.tenants:
        return False
    if data.place_kinds:
        return False  # service places are rows the class model lacks
    if data.household_caps:
        return False  # and so are the caps on some households
    return data.relaxation or not data.candidates.has_rooms


def _exact_flow_applies(data: AllocationData) -> bool:
    """Whether the min-cost flow alone is exact: the rules are a network
    and every eligible pair is present."""
    return data.network_representable and not data.pruned


def _run_flow(data, time_limit, seed, **params):
    from .flow import solve_flow

    return solve_flow(data, **params)


def _run_mip(data, time_limit, seed, **params):
    from .mip import solve_mip

    return solve_mip(data, time_limit=time_limit, seed=seed, **params)


def _run_cpsat(data, time_limit, seed, **params):
    # Imported here: CP-SAT's Python layer pulls in pandas, a second of
    # start-up that no other engine needs.
    from .cpsat import solve_cpsat

    return solve_cpsat(data, time_limit=time_limit, seed=seed, **params)


def _run_classes(data, time_limit, seed, **params):
    if data.household_caps:
        raise NotRepresentable(_(
            "the class model does not cover a cap on some households per "
            "group of dwellings ({rules}); use mip or cpsat.",
            rules=data.household_cap_labels()))
    if not class_model_applies(data):
        raise NotRepresentable(_(
            "the class model does not cover rooms in shared housing or "
            "sitting tenants moving on or service places; use mip or "
            "cpsat (or flow, where it applies)."
        ))
    from .classes import solve_classes

    return solve_classes(data, time_limit=time_limit, seed=seed, **params)


@dataclass(frozen=True)
class Engine:
    """
    An exact engine behind ``solve``.

    Parameters
    ----------
    name
        What ``solve(engine=...)`` and ``allocator solve --engine`` call it.
    summary
        One line for the CLI's help.
    parameters
        The engine parameters it takes; any other is an error.
    applies
        Whether it takes the compiled problem as it is (``auto`` picks the
        first engine of ``AUTO_ORDER`` that does).
    run
        ``run(data, time_limit, seed, **parameters) -> Result``.
    """

    name: str
    summary: str
    parameters: frozenset[str]
    applies: Callable[[AllocationData], bool]
    run: Callable[..., Result]


REGISTRY: dict[str, Engine] = {
    e.name: e for e in (
        Engine("flow", ENGINE_SUMMARIES["flow"], frozenset(),
               lambda data: data.network_representable, _run_flow),
        Engine("mip", ENGINE_SUMMARIES["mip"], frozenset({"backend", "hint"}),
               lambda data: True, _run_mip),
        Engine("cpsat", ENGINE_SUMMARIES["cpsat"],
               frozenset({"hint", "workers"}), lambda data: True,
               _run_cpsat),
        Engine("classes", ENGINE_SUMMARIES["classes"],
               frozenset({"hint", "start"}), class_model_applies,
               _run_classes),
    )
}
"""Every engine by name; ``auto`` is not one of them but a choice."""

AUTO_ORDER = (
    ("flow", _exact_flow_applies),
    ("classes", class_model_applies),
    ("mip", lambda data: True),
)
"""``auto``'s choice: the first engine whose test holds. The flow only
when it is exact alone; the class model where it covers the rules; the
pair integer program otherwise (shared rooms, service places, caps on
some households per group of dwellings)."""

AUTO_REASONS = {"flow": "exact flow", "classes": "class model",
                "mip": "pair program"}
"""Why ``auto`` chose each engine of ``AUTO_ORDER`` (``Route.reason``)."""


AUTO_PARAMETERS = frozenset().union(
    *(REGISTRY[name].parameters for name, _ in AUTO_ORDER)
)


def _checked(engine: str, params: dict) -> None:
    """Unknown engines and parameters are errors that name the engine."""
    if engine not in ENGINES:
        raise ValueError(_(
            "engine {engine!r} not understood; choose one of {choices}.",
            engine=engine, choices=", ".join(ENGINES)))
    allowed = (AUTO_PARAMETERS if engine == "auto"
               else REGISTRY[engine].parameters)
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise ValueError(_(
            "engine {engine!r} takes no parameter {unknown}; it takes "
            "{allowed}.", engine=engine, unknown=", ".join(map(repr, unknown)),
            allowed=", ".join(sorted(allowed)) or _("none")))


def auto_choice(data: AllocationData) -> str:
    """The engine ``auto`` runs for this compiled problem."""
    return next(name for name, applies in AUTO_ORDER if applies(data))


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
    representable and every eligible pair is present; otherwise the class
    model (one column per household class and dwelling, generated by
    pricing, proven over every eligible pair) when no household takes a
    room in shared housing; and otherwise the pair integer program through
    HiGHS, warm-started from the repaired flow relaxation (see
    ``AUTO_ORDER``). The result's ``route`` says which engine was asked
    for, which ran and why; its label (``Result.engine``) is what the
    proposal states, such as ``auto:classes``.

    Parameters
    ----------
    engine
        ``auto`` or a name in ``REGISTRY``.
    time_limit
        Seconds; ``None`` for no limit.
    seed
        Random seed for engines that use one.
    params
        Engine parameters, each engine's own (``REGISTRY[name].parameters``):
        ``workers`` for cpsat, ``backend`` for mip, ``start`` for the
        class model (household, dwelling) positions of a feasible
        assignment to start from, ``hint`` for the integer programs.
        ``auto`` passes on those the engine it picks takes.

    Raises
    ------
    ValueError
        When the engine or a parameter is not understood.
    NotRepresentable
        When ``flow`` or ``classes`` is asked for rules it does not cover.
    """
    _checked(engine, params)
    if data.lock_conflicts:
        # The office's locks cannot all hold: no proposal, only the
        # conflicts (already explained exactly by the compiler).
        return dataclasses.replace(
            empty_result(data, engine, Status.INFEASIBLE),
            route=Route(engine, None, reason="lock conflicts"))
    if data.num_pairs == 0:
        return nothing_to_choose(data, engine)
    chosen = auto_choice(data) if engine == "auto" else engine
    if chosen != "classes" and data.pruned:
        params.pop("start", None)
        return _solve_pruned(data, engine, time_limit, seed, **params)
    if engine == "auto":
        params = {k: v for k, v in params.items()
                  if k in REGISTRY[chosen].parameters}
        if chosen == "mip":
            from .relax import flow_hint

            params.setdefault("hint", flow_hint(data))
    result = REGISTRY[chosen].run(data, time_limit, seed, **params)
    if engine == "auto":
        result = dataclasses.replace(
            result, route=Route("auto", chosen, reason=AUTO_REASONS[chosen]))
    return result


__all__ = ["AUTO_ORDER", "ENGINES", "REGISTRY", "Engine", "NotRepresentable",
           "Result", "auto_choice", "class_model_applies", "solve"]
