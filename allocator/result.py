"""The result of a solve, and the objective of an assignment."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from models import Status

from . import ledger
from .data import AllocationData
from .places import place_excess


@dataclass(frozen=True)
class Route:
    """
    Which engine was asked for, which one ran, and why.

    Parameters
    ----------
    requested
        The engine asked for: ``auto`` or a name in the registry.
    ran
        The engine that solved, ``None`` when none had to (conflicting
        locks, or no free pair).
    pruned
        Whether the engine solved the candidates a relaxation priced and
        the relaxation's bound proves (or bounds) the answer for every
        eligible pair.
    reason
        Why ``ran`` ran, as a short key for logs and tests
        (``ROUTE_REASONS``).
    """

    requested: str
    ran: str | None
    pruned: bool = False
    reason: str = "asked"

    @property
    def rerun_engine(self) -> str:
        """The engine to ask for to solve a variant of the same problem the
        same way (a marginal value's re-solve): the engine asked for on a
        pruned route or when none ran, ``auto`` when auto chose a model
        other than the flow, else the engine that ran."""
        if self.pruned or self.ran in (None, self.requested):
            return self.requested
        if self.requested == "auto" and self.ran != "flow":
            return "auto"
        return self.ran

    @property
    def label(self) -> str:
        """
        The route as ``proposal.json`` and ``run.json`` state it: the
        engine that ran (``flow``, ``mip``...), ``auto:<engine>`` when
        auto chose a model other than the flow, ``<asked>:pruned`` on
        priced candidates, or the engine asked for when none ran.
        """
        if self.pruned:
            return f"{self.requested}:pruned"
        if self.rerun_engine == "auto" and self.ran not in (None, "auto"):
            return f"auto:{self.ran}"
        return self.rerun_engine


ROUTE_REASONS = {
    "asked": "the engine asked for ran",
    "exact flow": "auto: the rules are a network and every pair is present",
    "class model": "auto: the class model covers the rules",
    "pair program": "auto: shared rooms, tenants or service places",
    "pruned": "candidates priced by the flow relaxation",
    "lock conflicts": "the locks cannot all hold; nothing solved",
    "no free pair": "the locks are the whole answer; nothing solved",
}
"""Every ``Route.reason``, with what it means."""


@dataclass(frozen=True)
class SolveStats:
    """
    Figures an engine reports about its solve, each ``None`` where the
    engine has none.

    Parameters
    ----------
    flow_status
        OR-Tools' status of a min-cost flow that found no optimum.
    arcs, nodes
        Size of the min-cost flow network.
    backend
        The solver the integer program ran in (``highspy``,
        ``pulp-highs``, ``pulp-cbc``), or the backend asked for when none
        found a solution.
    counted_kinds, counted_types
        Size of the counted priority program (``engines.priority``).
    stage_bounds
        The class model's bound at the end of each stage.
    groups, columns
        Household classes and generated columns of the class model.
    rows, vars
        Size of the integer program.
    pricing_rounds
        Rounds of pricing (of the class model's columns, or of pruned
        pairs into the flow).
    priced_pairs
        Pairs present after pricing pruned candidates into the flow.
    relaxation_bound
        On a pruned route, the relaxation's bound over every pair; ``None``
        when the relaxation was not solved to proven optimality.
    count_seconds, moves_seconds, pricing_seconds
        Seconds of counting, of the quality moves and of pricing; they go
        to the run log, never to the proposal.
    """

    flow_status: str | None = None
    arcs: int | None = None
    nodes: int | None = None
    backend: str | None = None
    counted_kinds: int | None = None
    counted_types: int | None = None
    stage_bounds: tuple[float, ...] = ()
    groups: int | None = None
    columns: int | None = None
    rows: int | None = None
    vars: int | None = None
    pricing_rounds: int | None = None
    priced_pairs: int | None = None
    relaxation_bound: int | None = None
    count_seconds: float | None = None
    moves_seconds: float | None = None
    pricing_seconds: float | None = None

    def seconds(self) -> dict[str, float]:
        """The seconds of the engine's own steps by step name
        (``count``, ``moves``, ``pricing``), those it took."""
        steps = {"count": self.count_seconds, "moves": self.moves_seconds,
                 "pricing": self.pricing_seconds}
        return {name: s for name, s in steps.items() if s is not None}

    def as_strings(self, pruned: bool = False) -> dict[str, str]:
        """
        The figures as the strings ``proposal.json``'s ``solver.detail``
        and the benchmark records have always held, in their order; a
        pruned route (``Route.pruned``) also states its relaxation bound,
        ``None`` when there is none.
        """
        out: dict[str, str] = {}

        def put(name, value, text=str):
            if value is not None:
                out[name] = text(value)

        put("flow_status", self.flow_status)
        put("arcs", self.arcs)
        put("nodes", self.nodes)
        put("backend", self.backend)
        put("counted_kinds", self.counted_kinds)
        put("counted_types", self.counted_types)
        put("count_seconds", self.count_seconds, "{:.1f}".format)
        put("moves_seconds", self.moves_seconds, "{:.1f}".format)
        for k, bound in enumerate(self.stage_bounds):
            out[f"stage{k + 1}_bound"] = f"{bound:.1f}"
        put("groups", self.groups)
        put("columns", self.columns)
        put("rows", self.rows)
        put("vars", self.vars)
        put("pricing_rounds", self.pricing_rounds)
        put("priced_pairs", self.priced_pairs)
        put("pricing_seconds", self.pricing_seconds, "{:.3f}".format)
        if pruned:
            out["relaxation_bound"] = str(self.relaxation_bound)
        return out


class Optimality:
    """
    Whether a solve is proven optimal, and its relative gap, from its
    ``status``, ``value`` and ``bound``: the same for a dwelling engine's
    ``Result`` and for a placement.
    """

    @property
    def proven_optimal(self) -> bool:
        return self.status == Status.OPTIMAL

    @property
    def gap(self) -> float | None:
        if self.bound is None:
            return None
        return abs(self.bound - self.value) / max(1, abs(self.value))


@dataclass(frozen=True)
class Result(Optimality):
    """
    What an engine returns.

    Parameters
    ----------
    route
        The engine asked for, the engine that ran and why (``engine`` is
        its label as the proposal states it).
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
    stats
        The engine's figures about its solve (``SolveStats``).
    primary_bound
        In lexicographic mode, a bound on the primary part alone (the
        priority), when the engine has one: a solve in two stages has
        this but no combined bound, and a class-model solve under
        council decisions has it from counting.
    """

    route: Route
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
    stats: SolveStats = field(default_factory=SolveStats)
    primary_bound: int | None = None
    extra: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def engine(self) -> str:
        """The route as the proposal states it (``Route.label``)."""
        return self.route.label

    @property
    def detail(self) -> dict[str, str]:
        """The statistics as the strings the proposal stores
        (``SolveStats.as_strings``)."""
        return self.stats.as_strings(self.route.pruned)


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
    return ledger.area_excess(data, dwellings)


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
        route=Route(engine, engine),
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
        route=Route(engine, engine),
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
