"""Travel minutes without a car, from the walking and transit network."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from models import Instance, ServiceKind


MEMO_SEARCHES = 2048
"""Searches kept on one graph before they are forgotten."""

_GRAPHS: list[tuple[tuple, tuple, nx.Graph]] = []
"""The last networks built, with the node and edge objects they were built
from: instances that share those (immutable) objects, as the policy lab's
rounds do, share one graph and its searches."""


def travel_graph(instance: Instance) -> nx.Graph:
    """The network as an undirected graph weighted by minutes; where two
    edges join the same nodes the faster one counts. Treat it as read-only:
    the same graph (with its searches, see ``shortest_minutes``) is
    returned for instances made of the same node and edge objects."""
    for nodes, edges, graph in _GRAPHS:
        if _same(nodes, instance.nodes) and _same(edges, instance.edges):
            return graph
    graph = _build_graph(instance)
    _GRAPHS.insert(0, (instance.nodes, instance.edges, graph))
    del _GRAPHS[4:]
    return graph


def _same(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def shortest_minutes(graph: nx.Graph, sources, cutoff=None) -> dict:
    """Minutes from the nearest of ``sources`` to every node reached (within
    ``cutoff``), kept on the graph for the next call. Do not modify."""
    key = (tuple(sources), cutoff)
    memo = graph.graph.setdefault("shortest_minutes", {})
    if key not in memo:
        if len(memo) >= MEMO_SEARCHES:
            memo.clear()
        memo[key] = nx.multi_source_dijkstra_path_length(
            graph, list(key[0]), cutoff=cutoff, weight="minutes"
        )
    return memo[key]


def _build_graph(instance: Instance) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(n.id for n in instance.nodes)
    for e in instance.edges:
        old = graph.get_edge_data(e.source, e.target)
        if old is None or e.minutes < old["minutes"]:
            graph.add_edge(e.source, e.target, minutes=e.minutes)
    return graph


def minutes_to_services(instance: Instance, graph=None,
                        within=None) -> np.ndarray:
    """
    Minutes from each dwelling to the nearest site of each service kind.

    Parameters
    ----------
    instance
        The instance.
    graph
        Its travel graph (``travel_graph``); built when ``None``.
    within
        Service kind -> minutes: only these kinds are searched, each only
        as far as its minutes (every search is a pass over the whole
        network). ``None`` (default) searches every kind to its end.

    Returns
    -------
    np.ndarray
        Shape ``(num_dwellings, num_kinds)`` with columns in
        ``ServiceKind`` order; ``inf`` where no site is reachable (or none
        within the kind's minutes, or the kind is not searched). A
        precomputed travel time replaces the network's figure.
    """
    kinds = list(ServiceKind)
    out = np.full((len(instance.dwellings), len(kinds)), math.inf)
    graph = travel_graph(instance) if graph is None else graph
    # Multi-source Dijkstra per service kind: one search per kind instead of
    # one per dwelling; each kind's minutes read once per distinct node.
    nodes = list(dict.fromkeys(d.node for d in instance.dwellings
                               if d.node is not None))
    node_of = {n: i for i, n in enumerate(nodes)}
    placed = np.array([d.node is not None for d in instance.dwellings],
                      dtype=bool)
    at = np.array([node_of[d.node] for d in instance.dwellings
                   if d.node is not None], dtype=np.int64)
    for k, kind in enumerate(kinds):
        sources = sorted({s.node for s in instance.sites if s.kind == kind})
        if not sources or (within is not None and kind not in within):
            continue
        dist = shortest_minutes(graph, sources,
                                None if within is None else within[kind])
        per_node = np.array([dist.get(n, math.inf) for n in nodes],
                            dtype=float)
        out[placed, k] = per_node[at]
    if not instance.travel_times:
        return out
    row = {d.id: i for i, d in enumerate(instance.dwellings)}
    for t in instance.travel_times:
        out[row[t.dwelling], kinds.index(t.kind)] = t.minutes
    return out


def minutes_between(graph: nx.Graph, pairs) -> np.ndarray:
    """Minutes for each ``(source node, target node)`` pair; one Dijkstra
    per distinct source; ``inf`` when either is missing or unreachable."""
    out = np.full(len(pairs), math.inf)
    by_source: dict = {}
    for i, (a, b) in enumerate(pairs):
        if a is not None and b is not None and a in graph:
            by_source.setdefault(a, []).append((i, b))
    for a, items in by_source.items():
        dist = shortest_minutes(graph, (a,))
        for i, b in items:
            out[i] = dist.get(b, math.inf)
    return out
