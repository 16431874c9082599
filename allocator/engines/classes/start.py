"""
Starts of the class model: the greedy start over the class rows, a
caller's hint or start when it keeps every row, and the priority
counted first (``priority``) then improved by the quality moves
(``exchange``).
"""

from __future__ import annotations

import logging
import time

import numpy as np

from ... import progress
from ...data import AllocationData
from ...i18n import _
from ...ledger import CapacityLedger
from ...result import evaluate
from ..exchange import improve
from ..priority import counts, solve_priority
from .groups import _Groups
from .model import _ClassModel, _value
from .rounding import _chosen_pairs

log = logging.getLogger(__name__)


def _better_start(data: AllocationData, groups: _Groups, hint, start):
    """The caller's ``start`` when it fits and houses more priority than
    the hint, else the hint."""
    if start is not None:
        start = [(int(h), int(d)) for h, d in start]
        if _priority_of(data, start) > _priority_of(data, hint) and (
            _fits(data, groups, start)
        ):
            return start
    return hint


def _count_priority_first(data: AllocationData, groups: _Groups, built,
                          deadline, seed: int, hint, detail):
    """
    Proves the priority of a single combined stage by counting, in half
    the time left, and returns the start (the counted answer after the
    quality moves, when it beats the hint) and the priority bound.

    Quotas make priority a knapsack the combined LP rounds poorly (on
    region it stopped 2 points short); counting proves it in seconds,
    and its answer, improved by the quality moves, starts the combined
    stage.
    """
    half = None if deadline is None else (
        built + (deadline - built) / 2)
    counted = _counted(data, groups, half, seed, hint, detail)
    if counted is None:
        return hint, np.inf
    moved = _moved(data, groups, counted[0], half, detail)
    if _objective_of(data, moved) > _objective_of(data, hint):
        hint = moved
    return hint, counted[1].bound


def _counted(data: AllocationData, groups: _Groups, deadline, seed: int,
             hint, detail):
    """
    The priority stage solved on counts (see ``priority``): ``(pairs,
    stage)``, each counted household in the next dwelling of its type
    (``exchange.improve`` then finds it a good one), or ``None`` when
    counting does not apply or its LP did not finish.
    """
    if deadline is not None and time.perf_counter() >= deadline:
        # Out of time already: the LP would still get HiGHS's shortest
        # limit and might finish, so whether counting answers would
        # depend on the machine's load.
        return None
    c = counts(data, groups.members, groups.dwellings, groups.usage)
    if c is None:
        return None
    stage = solve_priority(data, c, deadline, seed)
    if stage is None:
        return None
    detail.update(counted_kinds=c.num_kinds, counted_types=c.num_types,
                  count_seconds=stage.seconds)
    pairs = stage.pairs
    if hint and _priority_of(data, hint) > stage.value:
        pairs = hint  # a caller's start the time limit kept ahead
    log.debug("counted priority %d, bound %.1f (%.1f s)",
              _priority_of(data, pairs), stage.bound, stage.seconds)
    progress.note(_("priority counted"), _priority_of(data, pairs),
                  stage.bound)
    return pairs, stage


def _moved(data: AllocationData, groups: _Groups, pairs, deadline,
           detail):
    """The quality moves from ``pairs`` (see ``exchange``), timed."""
    began = time.perf_counter()
    moved = improve(data, groups.members, groups.dwellings, groups.quality,
                    pairs, deadline)
    detail["moves_seconds"] = time.perf_counter() - began
    return moved


def _counted_outcome(model: _ClassModel, pairs, stage):
    """
    The first of two stages from counting (``_counted``), in the form
    ``_price_and_branch`` returns.
    """
    x = model.start_from_pairs(pairs)
    value = _value(model, x)
    return x, value, max(stage.bound, value), 0, stage.proven and (
        value >= stage.value)


def _hint_pairs(data: AllocationData, groups: _Groups,
                hint) -> list[tuple[int, int]]:
    """
    Pairs of a feasible start, so that a run stopped by its time limit
    still has an answer: the given chosen pairs, or by default a greedy
    pass over the class rows. ``hint=False`` starts from nothing.
    """
    if hint is False:
        return []
    if hint is None:
        return _greedy(data, groups)
    hint = np.asarray(hint, dtype=np.int64)
    return list(zip(data.pair_household[hint].tolist(),
                    data.pair_dwelling[hint].tolist()))


def _priority_of(data: AllocationData, pairs) -> int:
    return int(sum(int(data.priority[h]) for h, _ in pairs))


def _objective_of(data: AllocationData, pairs) -> tuple[int, int]:
    """(primary, secondary) of household-dwelling pairs."""
    return evaluate(*_chosen_pairs(data, pairs))[2]


def _fits(data: AllocationData, groups: _Groups, pairs) -> bool:
    """
    Whether pairs from outside (a caller's start) keep every row of the
    model: each household and dwelling once, each pair eligible, and the
    building, area and quota caps. A start that breaks one is not used.
    """
    if not pairs:
        return True
    h = np.array([a for a, _ in pairs], dtype=np.int64)
    d = np.array([b for _, b in pairs], dtype=np.int64)
    if len(np.unique(h)) < len(h) or len(np.unique(d)) < len(d):
        return False
    group_of = np.full(data.num_households, -1, dtype=np.int64)
    for g, members in enumerate(groups.members):
        group_of[members] = g
    if (group_of[h] < 0).any():
        return False
    if not all(np.isin(dw, groups.dwellings[g]).all() for g, dw in
               _by_group(group_of[h], d)):
        return False
    return CapacityLedger.of_pairs(data, d, h).within_caps()


def _by_group(group: np.ndarray, dwellings: np.ndarray):
    """(group, its dwellings) for each group among the pairs."""
    order = np.argsort(group, kind="stable")
    keys, starts = np.unique(group[order], return_index=True)
    for k, g in enumerate(keys.tolist()):
        end = starts[k + 1] if k + 1 < len(keys) else len(order)
        yield g, dwellings[order[starts[k]:end]]


def _greedy(data: AllocationData, groups: _Groups) -> list[tuple[int, int]]:
    """
    Households by priority, each to the best dwelling of its row that is
    free and within every cap and quota. The pruned pairs cannot serve
    here: every class's best few dwellings are the same few hundred across
    the country, while this spreads over every eligible dwelling.
    """
    free_dwelling = np.ones(data.num_dwellings, dtype=bool)
    ledger = CapacityLedger(data)
    building, area = data.dwelling_building, data.dwelling_area
    municipality = data.dwelling_municipality
    order = sorted(
        ((int(data.priority[h]), -h, g)
         for g, members in enumerate(groups.members)
         for h in members.tolist()),
        reverse=True,
    )
    pairs = []
    for _priority, minus_h, g in order:
        row = groups.dwellings[g]
        use = groups.usage[g]
        ok = free_dwelling[row] & ledger.room_at(
            area[row], building[row], municipality[row], use)
        k = int(np.argmax(ok)) if len(ok) else 0
        if not len(ok) or not ok[k]:
            continue
        d = int(row[k])
        free_dwelling[d] = False
        ledger.add_one(int(area[d]), int(building[d]), int(municipality[d]),
                       use)
        pairs.append((-minus_h, d))
    return pairs
