"""
Min-cost flows of the placement level: the households for given counts
per type and municipality (``fill_counts``), and the ``flow`` engine,
exact on its own when the problem is a transportation problem.
"""

from __future__ import annotations

import time

import numpy as np

from models import Status

from ...i18n import _
from ..data import PlacementData
from .model import PlacementModel
from .result import NotRepresentable, PlacementResult, _result


def _flow_network(tails, heads, caps, costs, source: int, sink: int,
                  total: int):
    """
    A min-cost flow, not yet solved, of ``total`` units from ``source``
    to ``sink`` over the arcs (tails, heads, capacities and unit costs,
    in integers), with the arcs' indices.
    """
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int64), heads.astype(np.int64),
        caps.astype(np.int64), costs.astype(np.int64),
    )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[source], supplies[sink] = total, -total
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    return flow, arcs


def fill_counts(data: PlacementData, model: PlacementModel,
                counts: np.ndarray) -> np.ndarray | None:
    """
    The best households for given counts per type and municipality: a
    min-cost flow in integers, source -> class -> count -> sink, with each
    count's arc to the sink exactly full. Returns the households of each
    pair, or ``None`` when the counts cannot be filled.
    """
    counts = np.rint(np.asarray(counts)).astype(np.int64)
    C, Q, P = data.num_classes, model.num_counts, model.num_pairs
    total = int(counts.sum())
    if total == 0:
        return np.zeros(P, dtype=np.int64)
    size = data.class_size
    source, sink = 0, 1 + C + Q
    tails = np.concatenate([np.zeros(C, np.int64), 1 + data.pair_class,
                            1 + C + np.arange(Q)])
    heads = np.concatenate([1 + np.arange(C), 1 + C + model.count_of_pair,
                            np.full(Q, sink)])
    caps = np.concatenate([size, size[data.pair_class], counts])
    costs = np.concatenate([np.zeros(C, np.int64), -data.pair_value(),
                            np.zeros(Q, np.int64)])
    flow, arcs = _flow_network(tails, heads, caps, costs, source, sink,
                               total)
    if flow.solve() != flow.OPTIMAL:
        return None
    return flow.flows(arcs)[C:C + P].astype(np.int64)


def _pairs(data, model, x) -> np.ndarray:
    """Households per pair for the solution's counts, by flow."""
    P = model.num_pairs
    pairs = fill_counts(data, model, x[P:P + model.num_counts])
    if pairs is None:  # not expected: the solver's own pairs fill them
        pairs = np.rint(x[:P]).astype(np.int64)
    return pairs


def solve_flow(data: PlacementData) -> PlacementResult:
    """
    The transportation problem as a min-cost flow: source -> class
    (its households) -> compatible municipality -> sink (the households
    left in its decision), and a bypass from source to sink for
    households not placed. Pair costs are the negated combined values,
    exact integers, so the cheapest flow is the lexicographic (or
    weighted) optimum.

    Raises
    ------
    NotRepresentable
        When a capacity other than households, or a spread rule, is in
        force.
    """
    if not data.network_representable:
        raise NotRepresentable(_(
            "Placement not understood as a flow: quotas beyond households, "
            "service places or spread rules need the mip, cpsat or pulp "
            "engine."
        ))
    start = time.perf_counter()
    C, M = data.num_classes, data.num_municipalities
    size = data.class_size
    total = max(int(size.sum()), 1)
    source, sink = 0, 1 + C + M
    cap = np.full(M, total, dtype=np.int64)
    if "households" in data.capacity_names:
        k = data.capacity_names.index("households")
        cap = np.minimum(data.capacity_left[:, k], total)
    tails = np.concatenate([
        np.zeros(C, np.int64), 1 + data.pair_class,
        1 + C + np.arange(M), [source],
    ])
    heads = np.concatenate([
        1 + np.arange(C), 1 + C + data.pair_municipality,
        np.full(M, sink), [sink],
    ])
    caps = np.concatenate([size, size[data.pair_class], cap, [total]])
    costs = np.concatenate([
        np.zeros(C, np.int64), -data.pair_value(), np.zeros(M, np.int64),
        [0],
    ])
    flow, arcs = _flow_network(tails, heads, caps, costs, source, sink,
                               total)
    built = time.perf_counter()
    status = flow.solve()
    solved = time.perf_counter()
    if status != flow.OPTIMAL:
        return _result(data, "flow", Status.UNKNOWN, None,
                       build=built - start, solve=solved - built,
                       detail={"flow_status": str(status)})
    flows = flow.flows(arcs)
    counts = flows[C:C + data.num_pairs]
    return _result(data, "flow", Status.OPTIMAL, counts,
                   build=built - start, solve=solved - built,
                   detail={"arcs": str(len(arcs)), "nodes": str(sink + 1)})
