"""Exact min-cost flow engine for network-representable rule sets."""

from __future__ import annotations

import time

import numpy as np
from ortools.graph.python import min_cost_flow

from models import Status

from ..data import AllocationData
from ..i18n import _
from ..result import Result, SolveStats, chosen_result, empty_result


class NotRepresentable(ValueError):
    """The rule set at hand is not a min-cost flow."""


def solve_flow(data: AllocationData, potentials: bool = False,
               **_unused) -> Result:
    """
    Solves the free problem as a min-cost flow.

    The network is source -> household -> dwelling -> [building] -> area
    -> municipality -> sink, with a bypass arc from source to sink for
    households left unmatched. Area arcs come in two parallel pieces: up to
    the target at no cost, then up to the cap at the dispersion penalty per
    household (a convex soft cap). Pair costs are the negated pair values,
    so the cheapest flow is the best proposal; integer costs make it exact.

    With ``potentials``, the result's ``detail`` carries node potentials
    that prove the flow optimal (see ``flow_potentials``), under the key
    ``"potentials"`` as ``(household, dwelling)`` arrays.

    Raises
    ------
    NotRepresentable
        When the data needs shared rooms, service places, quotas beyond
        households or a cap on some households per group of dwellings.
    """
    if data.household_caps:
        raise NotRepresentable(_(
            "Rule set not understood as a flow: a cap on some households "
            "per group of dwellings ({rules}) needs the mip or cpsat "
            "engine.", rules=data.household_cap_labels()))
    if not data.network_representable:
        raise NotRepresentable(_(
            "Rule set not understood as a flow: shared rooms, service "
            "places, or quotas in persons or household types need the mip "
            "or cpsat engine."
        ))
    start = time.perf_counter()
    H, D = data.num_households, data.num_dwellings
    nodes = _Nodes(data)
    arcs, first_pair_arc = _network(data, nodes)
    tails, heads, caps, costs = arcs.arrays()
    flow = min_cost_flow.SimpleMinCostFlow()
    all_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails, heads, caps, costs)
    supplies = np.zeros(nodes.sink + 1, dtype=np.int64)
    supplies[nodes.source] = nodes.total
    supplies[nodes.sink] = -nodes.total
    flow.set_nodes_supplies(np.arange(nodes.sink + 1), supplies)
    built = time.perf_counter()
    status = flow.solve()
    solved = time.perf_counter()
    if status != flow.OPTIMAL:
        return empty_result(data, "flow", Status.UNKNOWN,
                            build_seconds=built - start,
                            solve_seconds=solved - built,
                            stats=SolveStats(flow_status=str(status)))
    flows = flow.flows(all_arcs)
    pair_flow = flows[first_pair_arc:first_pair_arc + data.num_pairs]
    chosen = np.flatnonzero(pair_flow > 0)
    extra = {}
    if potentials:
        pi = flow_potentials(nodes.sink + 1, tails, heads, caps, costs,
                             flows)
        extra["potentials"] = (
            pi[nodes.household:nodes.household + H],
            pi[nodes.dwelling:nodes.dwelling + D],
        )
    return chosen_result(
        data, "flow", chosen, proven=True, bound=None,
        build_seconds=built - start, solve_seconds=solved - built,
        stats=SolveStats(arcs=len(all_arcs), nodes=nodes.sink + 1),
        extra=extra,
    )


class _Nodes:
    """The first node of each layer of the network, in order from the
    source to the sink, and the flow that passes (every household)."""

    def __init__(self, data: AllocationData):
        self.total = max(data.num_households, 1)
        self.source = 0
        self.household = 1
        self.dwelling = self.household + data.num_households
        self.building = self.dwelling + data.num_dwellings
        self.area = self.building + len(data.building_ids)
        self.municipality = self.area + len(data.area_ids)
        self.sink = self.municipality + len(data.municipality_ids)


class _Arcs:
    """Arcs added in blocks of arrays, joined once for the solver."""

    def __init__(self):
        self.tails, self.heads, self.caps, self.costs = [], [], [], []

    def add(self, t, h, c, k) -> None:
        self.tails.append(np.asarray(t, dtype=np.int64))
        self.heads.append(np.asarray(h, dtype=np.int64))
        self.caps.append(np.asarray(c, dtype=np.int64))
        self.costs.append(np.asarray(k, dtype=np.int64))

    def __len__(self) -> int:
        return sum(len(t) for t in self.tails)

    def arrays(self):
        """Tails, heads, capacities and unit costs of every arc."""
        return tuple(np.concatenate(part) for part in
                     (self.tails, self.heads, self.caps, self.costs))


def _network(data: AllocationData, nodes: _Nodes):
    """The arcs of the network and the index of the first pair arc."""
    H, D = data.num_households, data.num_dwellings
    arcs = _Arcs()
    # Every household gets its source arc, even without pairs, so that the
    # potentials also bound pairs that pricing may add later.
    arcs.add(np.full(H, nodes.source), nodes.household + np.arange(H),
             np.ones(H), np.zeros(H))
    first_pair_arc = len(arcs)
    arcs.add(nodes.household + data.pair_household,
             nodes.dwelling + data.pair_dwelling,
             np.ones(data.num_pairs), -data.pair_value())
    has_building = data.dwelling_building >= 0
    up = np.where(
        has_building,
        nodes.building + data.dwelling_building,
        nodes.area + data.dwelling_area,
    )
    # One household per dwelling; the relaxation of shared housing opens
    # each room as a place of its own.
    places = data.dwelling_slots if data.relaxation else np.ones(D)
    arcs.add(nodes.dwelling + np.arange(D), up, places, np.zeros(D))
    _cap_arcs(data, nodes, arcs, has_building)
    arcs.add([nodes.source], [nodes.sink], [nodes.total], [0])
    return arcs, first_pair_arc


def _cap_arcs(data: AllocationData, nodes: _Nodes, arcs: _Arcs,
              has_building) -> None:
    """The arcs from buildings, areas and municipalities up to the sink,
    each capped by its cap, target or household quota."""
    B, A, M = (
        len(data.building_ids),
        len(data.area_ids),
        len(data.municipality_ids),
    )

    def limit(values):
        return np.minimum(values, nodes.total)

    building_area = np.zeros(B, dtype=np.int64)
    building_area[data.dwelling_building[has_building]] = data.dwelling_area[
        has_building
    ]
    arcs.add(nodes.building + np.arange(B), nodes.area + building_area,
             limit(data.building_cap), np.zeros(B))
    area_municipality = np.zeros(A, dtype=np.int64)
    area_municipality[data.dwelling_area] = data.dwelling_municipality
    target = np.minimum(limit(data.area_target), limit(data.area_cap))
    arcs.add(nodes.area + np.arange(A),
             nodes.municipality + area_municipality, target, np.zeros(A))
    extra = limit(data.area_cap) - target
    soft = extra > 0
    arcs.add(nodes.area + np.flatnonzero(soft),
             nodes.municipality + area_municipality[soft],
             extra[soft], np.full(soft.sum(), data.dispersion_penalty))
    quota = np.full(M, nodes.total, dtype=np.int64)
    if "households" in data.quota_dims:
        q = data.quota_dims.index("households")
        quota = limit(data.quota_cap[:, q])
    arcs.add(nodes.municipality + np.arange(M), np.full(M, nodes.sink),
             quota, np.zeros(M))


def flow_potentials(num_nodes, tails, heads, caps, costs, flows):
    """
    Node potentials proving a flow optimal: shortest distances in its
    residual graph from a virtual root joined to every node at no cost.

    An optimal flow's residual graph has no negative cycle, so the
    distances exist, and every residual arc then has a non-negative
    reduced cost ``cost + pi[tail] - pi[head]``. Any new arc whose reduced
    cost is non-negative under them cannot improve the flow. Bellman-Ford
    with vectorised relaxation rounds over all residual arcs.
    """
    forward = flows < caps
    backward = flows > 0
    t = np.concatenate([tails[forward], heads[backward]])
    h = np.concatenate([heads[forward], tails[backward]])
    c = np.concatenate([costs[forward], -costs[backward]])
    order = np.argsort(h, kind="stable")
    t, h, c = t[order], h[order], c[order]
    targets, starts = np.unique(h, return_index=True)
    pi = np.zeros(num_nodes, dtype=np.int64)
    for _round in range(num_nodes + 1):
        best = np.minimum.reduceat(pi[t] + c, starts)
        improved = best < pi[targets]
        if not improved.any():
            return pi
        pi[targets[improved]] = best[improved]
    raise RuntimeError("negative cycle: the flow was not optimal")
