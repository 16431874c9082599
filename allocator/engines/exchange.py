"""
Quality moves that keep every quota row and lose no priority.

After the priority stage on counts, who is housed is settled, and each
municipality's use of every quota dimension with it. The quality stage
may still move households and dwellings, as long as no quota row
changes. Two such neighbourhoods are networks, each searched exactly by
one min-cost flow (the quotas left out, for the moves cannot change
them):

- *within municipalities*: every household keeps its municipality and
  may take any dwelling there it may take;
- *within usages*: every occupied dwelling keeps a household of the same
  quota usage (one household of four persons, say), which may come from
  any municipality, so no municipality's use of any dimension changes;
  a waiting household of that usage may take the place of one it
  outranks.

Both contain the current assignment, so neither makes the objective
worse (priority first), and ``improve`` alternates them while time is
left. On national the class model's own quality stage does not finish
its first LP; these moves are how the quality improves there.
"""

from __future__ import annotations

import dataclasses
import logging
import time

import numpy as np

from ..data import AllocationData

log = logging.getLogger(__name__)

MAX_ROUNDS = 20
"""Rounds of both moves at most, when no time limit stops them first."""

CHOICES = 128
"""Dwellings a group of households may choose among in a move within
usages, besides its members' own: its best by quality. Every eligible
dwelling makes 131 million pairs on national; 128 make 1.7 million and
gained the most quality per second on national (256 and "housed members
+ 32" gained less)."""


def _flow(data: AllocationData, options, at_least: int):
    """
    The best assignment over ``options`` (pairs of a household and the
    dwellings it may move to) with the quotas left out, as ``(pairs,
    objective)``; ``None`` when the rule set is not a network or it
    houses fewer than ``at_least``.
    """
    from .flow import solve_flow
    from .pricing import with_pairs

    ph = np.concatenate([np.full(len(row), h, dtype=np.int64)
                         for h, row in options])
    pd = np.concatenate([row for _, row in options])
    H, M = data.num_households, len(data.municipality_ids)
    bare = dataclasses.replace(
        data,
        pair_household=np.zeros(0, np.int32),
        pair_dwelling=np.zeros(0, np.int32),
        pair_scores=data.pair_scores[:0], pair_quality=np.zeros(0, np.int64),
        pair_room=np.zeros(0, dtype=bool),
        household_ptr=np.zeros(H + 1, dtype=np.int64),
        quota_dims=(), quota_cap=np.zeros((M, 0), dtype=np.int64),
        household_usage=np.zeros((H, 0), dtype=np.int64), pruned=False,
    )
    moves = with_pairs(bare, ph, pd)
    if not moves.network_representable:
        return None
    result = solve_flow(moves)
    housed = np.flatnonzero(result.assignment >= 0)
    if len(housed) < at_least:
        return None
    pairs = list(zip(housed.tolist(), result.assignment[housed].tolist()))
    return pairs, result.objective


MOVE_PAIRS = 4_000_000
"""Pairs a move within municipalities may offer in all: beyond it each
housed household chooses among its best ``MOVE_PAIRS / housed`` dwellings
of its municipality (at least ``MIN_CHOICES``) and its own. Every
eligible dwelling of the municipality grows as households times
dwellings: a town of 18,000 households offered 119 million pairs."""

MIN_CHOICES = 32
"""Dwellings a household chooses among at least, when the move is cut."""


def within_municipalities(data: AllocationData, dwellings, pairs,
                          quality=None):
    """
    The best dwellings for the same households in the same
    municipalities (``dwellings``: each household's eligible dwellings;
    ``quality``: their class quality, by which the choices are cut to
    ``MOVE_PAIRS`` in all), as ``(pairs, objective)``, or ``None`` when
    the flow does not apply.
    """
    if not pairs:
        return None
    municipality = data.dwelling_municipality
    # Households of one class in one municipality share their choices:
    # each row is cut to a municipality, and to its best, once (a
    # national row holds thousands of dwellings, and thousands of
    # households share it). The rows are kept with their cuts, so that
    # their ids are not reused.
    shared: dict[tuple[int, int, int], tuple] = {}
    keys = []
    for h, d in pairs:
        row = dwellings(h)
        q = None if quality is None else quality(h)
        key = (id(row), id(q), int(municipality[d]))
        if key not in shared:
            same = municipality[row] == municipality[d]
            shared[key] = (row, q, row[same],
                           None if q is None else q[same])
        keys.append(key)
    total = sum(len(shared[key][2]) for key in keys)
    if quality is None or total <= MOVE_PAIRS:
        options = [(h, shared[key][2]) for (h, _), key in zip(pairs, keys)]
    else:
        keep = max(MIN_CHOICES, MOVE_PAIRS // len(pairs))
        best = {key: np.sort(choices[np.argpartition(-q, keep - 1)[:keep]])
                for key, (_, _, choices, q) in shared.items()
                if keep < len(choices)}
        options = [(h, _with(best[key], d) if key in best
                    else shared[key][2])
                   for (h, d), key in zip(pairs, keys)]
    return _flow(data, options, len(pairs))


def _with(ascending: np.ndarray, d: int) -> np.ndarray:
    """Distinct ascending dwellings with ``d`` among them (as
    ``np.union1d(ascending, [d])``, without sorting again)."""
    at = int(np.searchsorted(ascending, d))
    if at < len(ascending) and ascending[at] == d:
        return ascending
    return np.insert(ascending, at, d)


def within_usages(data: AllocationData, members, dwellings, quality,
                  pairs):
    """
    The best households for the occupied dwellings, each dwelling kept
    for a household of its occupant's quota usage: housed households of
    a group (``members``, sharing ``dwellings`` and their ``quality``)
    choose among their current dwellings and the group's ``CHOICES``
    best, in any municipality; waiting ones among all the group's, when
    they outrank someone housed of their usage.
    """
    if not pairs:
        return None
    H, D = data.num_households, data.num_dwellings
    usage = np.zeros(H, dtype=np.int64)
    if H and data.household_usage.shape[1]:
        usage = np.unique(data.household_usage, axis=0,
                          return_inverse=True)[1].ravel()
    current = np.full(H, -1, dtype=np.int64)
    dwelling_usage = np.full(D, -1, dtype=np.int64)
    for h, d in pairs:
        current[h] = d
        dwelling_usage[d] = usage[h]
    # Waiting households that outrank someone housed of their usage may
    # take that one's place: the counted priority is not always proven.
    is_housed = current >= 0
    lowest = np.full(int(usage.max(initial=0)) + 1, np.inf)
    np.minimum.at(lowest, usage[is_housed], data.priority[is_housed])
    options = []
    for group, row, q in zip(members, dwellings, quality):
        same = dwelling_usage[row] == usage[group[0]]
        row, q = row[same], q[same]
        waiting = group[~is_housed[group]]
        waiting = waiting[data.priority[waiting] >= lowest[usage[waiting]]]
        options += [(h, row) for h in waiting.tolist()]
        if CHOICES < len(row):
            row = row[np.argpartition(-q, CHOICES - 1)[:CHOICES]]
        options += [(h, np.union1d(row, [current[h]]))
                    for h in group[is_housed[group]].tolist()]
    return _flow(data, options, len(pairs))


def improve(data: AllocationData, members, dwellings, quality, pairs,
            deadline: float | None) -> list[tuple[int, int]]:
    """
    Moves within municipalities from ``pairs`` (always: counted pairs
    come in the next dwellings of their types, far from the best), then
    alternately within usages and within municipalities until a round of
    both gains nothing or the next move would not finish by ``deadline``
    (a move is assumed to take as long as its last one, or as the other
    move's).
    """
    group_of = np.full(data.num_households, -1, dtype=np.int64)
    for g, group in enumerate(members):
        group_of[group] = g

    def eligible(h):
        return dwellings[group_of[h]]

    def eligible_quality(h):
        return quality[group_of[h]]

    moves = (
        lambda p: within_municipalities(data, eligible, p,
                                        eligible_quality),
        lambda p: within_usages(data, members, dwellings, quality, p),
    )
    took = [0.0, 0.0]
    best = None
    since_gain = 0  # moves in a row that gained nothing
    for k in range(2 * MAX_ROUNDS):
        step = k % 2
        began = time.perf_counter()
        if k and deadline is not None and (
            began + (took[step] or max(took)) > deadline
        ):
            break
        moved = moves[step](pairs)
        took[step] = time.perf_counter() - began
        if moved is not None and (best is None or moved[1] > best):
            pairs, best = moved
            since_gain = 0
        else:
            since_gain += 1
        log.debug("exchange move %d: %s (%.1f s)", k, best, took[step])
        if since_gain == 2:
            break  # neither move gains from here
    return pairs
