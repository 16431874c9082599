"""Exact min-cost flow engine for network-representable rule sets."""

from __future__ import annotations

import time

import numpy as np
from ortools.graph.python import min_cost_flow

from models import Status

from ..data import AllocationData
from ..result import Result, chosen_result, empty_result


class NotRepresentable(ValueError):
    """The rule set at hand is not a min-cost flow."""


def solve_flow(data: AllocationData, potentials: bool = False,
               **_) -> Result:
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
        When the data needs shared rooms, service places or quotas beyond
        households.
    """
    if not data.network_representable:
        raise NotRepresentable(
            "Rule set not understood as a flow: shared rooms, service "
            "places, or quotas in persons or household types need the mip "
            "or cpsat engine."
        )
    start = time.perf_counter()
    H, D = data.num_households, data.num_dwellings
    B, A, M = (
        len(data.building_ids),
        len(data.area_ids),
        len(data.municipality_ids),
    )
    total = max(H, 1)
    source = 0
    household_node = 1
    dwelling_node = household_node + H
    building_node = dwelling_node + D
    area_node = building_node + B
    municipality_node = area_node + A
    sink = municipality_node + M

    tails, heads, caps, costs = [], [], [], []

    def arcs(t, h, c, k):
        tails.append(np.asarray(t, dtype=np.int64))
        heads.append(np.asarray(h, dtype=np.int64))
        caps.append(np.asarray(c, dtype=np.int64))
        costs.append(np.asarray(k, dtype=np.int64))

    # Every household gets its source arc, even without pairs, so that the
    # potentials also bound pairs that pricing may add later.
    arcs(np.full(H, source), household_node + np.arange(H),
         np.ones(H), np.zeros(H))
    first_pair_arc = sum(len(t) for t in tails)
    arcs(household_node + data.pair_household,
         dwelling_node + data.pair_dwelling,
         np.ones(data.num_pairs), -data.pair_value())

    def limit(values):
        return np.minimum(values, total)

    has_building = data.dwelling_building >= 0
    up = np.where(
        has_building,
        building_node + data.dwelling_building,
        area_node + data.dwelling_area,
    )
    # One household per dwelling; the relaxation of shared housing opens
    # each room as a place of its own.
    places = data.dwelling_slots if data.relaxation else np.ones(D)
    arcs(dwelling_node + np.arange(D), up, places, np.zeros(D))
    building_area = np.zeros(B, dtype=np.int64)
    building_area[data.dwelling_building[has_building]] = data.dwelling_area[
        has_building
    ]
    arcs(building_node + np.arange(B), area_node + building_area,
         limit(data.building_cap), np.zeros(B))
    area_municipality = np.zeros(A, dtype=np.int64)
    area_municipality[data.dwelling_area] = data.dwelling_municipality
    target = np.minimum(limit(data.area_target), limit(data.area_cap))
    arcs(area_node + np.arange(A), municipality_node + area_municipality,
         target, np.zeros(A))
    extra = limit(data.area_cap) - target
    soft = extra > 0
    arcs(area_node + np.flatnonzero(soft),
         municipality_node + area_municipality[soft],
         extra[soft], np.full(soft.sum(), data.dispersion_penalty))
    quota = np.full(M, total, dtype=np.int64)
    if "households" in data.quota_dims:
        q = data.quota_dims.index("households")
        quota = limit(data.quota_cap[:, q])
    arcs(municipality_node + np.arange(M), np.full(M, sink), quota,
         np.zeros(M))
    arcs([source], [sink], [total], [0])

    flow = min_cost_flow.SimpleMinCostFlow()
    all_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads),
        np.concatenate(caps), np.concatenate(costs),
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source] = total
    supplies[sink] = -total
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    built = time.perf_counter()
    status = flow.solve()
    solved = time.perf_counter()
    if status != flow.OPTIMAL:
        return empty_result(data, "flow", Status.UNKNOWN,
                            build_seconds=built - start,
                            solve_seconds=solved - built,
                            detail={"flow_status": str(status)})
    flows = flow.flows(all_arcs)
    pair_flow = flows[first_pair_arc:first_pair_arc + data.num_pairs]
    chosen = np.flatnonzero(pair_flow > 0)
    extra = {}
    if potentials:
        pi = flow_potentials(
            sink + 1, np.concatenate(tails), np.concatenate(heads),
            np.concatenate(caps), np.concatenate(costs), flows,
        )
        extra["potentials"] = (
            pi[household_node:household_node + H],
            pi[dwelling_node:dwelling_node + D],
        )
    return chosen_result(
        data, "flow", chosen, proven=True, bound=None,
        build_seconds=built - start, solve_seconds=solved - built,
        detail={"arcs": str(len(all_arcs)), "nodes": str(sink + 1)},
        extra=extra,
    )


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
    for _ in range(num_nodes + 1):
        best = np.minimum.reduceat(pi[t] + c, starts)
        improved = best < pi[targets]
        if not improved.any():
            return pi
        pi[targets[improved]] = best[improved]
    raise RuntimeError("negative cycle: the flow was not optimal")
