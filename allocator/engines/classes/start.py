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

COUNTING_LP_SHARE = 0.75
"""
Share of the time left that the counting program's LP may take, where
its stage has half: without the LP the stage has no bound, and on
national it takes 3 to 7 s by the machine's load (with half of a 30 s
command's solve it did not finish in one quiet run of four). The branch
and bound after it, which has never moved national's bound, keeps to
the half.
"""


def lp_deadline(now: float, deadline: float | None) -> float | None:
    """When the counting LP must end, the stage's share of the time
    from ``now`` to ``deadline`` being half."""
    return None if deadline is None else (
        now + COUNTING_LP_SHARE * (deadline - now))


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
    counted = _counted(data, groups, half, seed, hint, detail,
                       lp_deadline(built, deadline))
    if counted is None:
        return hint, np.inf
    moved = _moved(data, groups, counted[0], half, detail)
    if _objective_of(data, moved) > _objective_of(data, hint):
        hint = moved
    return hint, counted[1].bound


def _counted(data: AllocationData, groups: _Groups, deadline, seed: int,
             hint, detail, lp_ends=None):
    """
    The priority stage solved on counts (see ``priority``): ``(pairs,
    stage)``, each counted household in the next dwelling of its type
    (``exchange.improve`` then finds it a good one), or ``None`` when
    counting does not apply or its LP did not finish by ``lp_ends``
    (default ``deadline``, which ends the search after it).
    """
    if deadline is not None and time.perf_counter() >= deadline:
        # Out of time already: the LP would still get HiGHS's shortest
        # limit and might finish, so whether counting answers would
        # depend on the machine's load.
        return None
    c = counts(data, groups.members, groups.dwellings, groups.usage)
    if c is None:
        return None
    stage = solve_priority(data, c, deadline, seed, lp_ends)
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
               _members_by(group_of[h], d).items()):
        return False
    return CapacityLedger.of_pairs(data, d, h).within_caps()


def _greedy(data: AllocationData, groups: _Groups) -> list[tuple[int, int]]:
    """
    Households by priority, each to the best dwelling of its row that is
    free and within every cap and quota. The pruned pairs cannot serve
    here: every class's best few dwellings are the same few hundred across
    the country, while this spreads over every eligible dwelling.

    A dwelling once taken, or once its building, area or municipality is
    full for a group's quota usage, stays so for the rest of the pass
    (counts only grow), so each group resumes its row where its last
    member stopped: every row is read about once in all, in growing
    chunks, instead of once per household (national: 20,000 households
    over rows of thousands of dwellings).
    """
    ledger = CapacityLedger(data)
    spread = _SpreadOpen(data, ledger)
    order = sorted(
        ((int(data.priority[h]), -h, g)
         for g, members in enumerate(groups.members)
         for h in members.tolist()),
        reverse=True,
    )
    resume = np.zeros(len(groups.members), dtype=np.int64)
    pairs = []
    for _priority, minus_h, g in order:
        row = groups.dwellings[g]
        use = groups.usage[g]
        k = _first_open(row, int(resume[g]), spread.open,
                        ledger.quota_room(use), data.dwelling_municipality)
        resume[g] = k
        if k < len(row):
            d = int(row[k])
            spread.take(d, use)
            pairs.append((-minus_h, d))
    return pairs


class _SpreadOpen:
    """
    The dwellings that are free and within their area's and building's
    dispersion caps (``open``), kept as the greedy start takes dwellings:
    a take closes its dwelling, and its area's and building's dwellings
    when it fills them.
    """

    def __init__(self, data: AllocationData, ledger: CapacityLedger):
        self.data, self.ledger = data, ledger
        everyone = np.arange(data.num_dwellings)
        self.open = ledger.spread_room(data.dwelling_area,
                                       data.dwelling_building)
        self.in_area = _members_by(data.dwelling_area, everyone)
        self.in_building = _members_by(data.dwelling_building, everyone)

    def take(self, d: int, usage) -> None:
        data, ledger = self.data, self.ledger
        area, building = int(data.dwelling_area[d]), int(
            data.dwelling_building[d])
        ledger.add_one(area, building, int(data.dwelling_municipality[d]),
                       usage)
        self.open[d] = False
        if not ledger.spread_room([area], [building])[0]:
            for near in (self.in_area.get(area), self.in_building.get(
                    building)):
                if near is not None:
                    self.open[near] &= ledger.spread_room(
                        data.dwelling_area[near],
                        data.dwelling_building[near])


def _members_by(key: np.ndarray, items: np.ndarray) -> dict[int, np.ndarray]:
    """The items of each key value at or above 0, in their order."""
    order = np.argsort(key, kind="stable")
    values, starts = np.unique(key[order], return_index=True)
    parts = np.split(items[order], starts[1:])
    return {int(v): part for v, part in zip(values.tolist(), parts)
            if v >= 0}


FIRST_CHUNK = 16
"""Dwellings of a row read at once by the greedy start, doubling while
none is open."""


def _first_open(row: np.ndarray, begin: int, spread_open: np.ndarray,
                quota_open: np.ndarray, municipality: np.ndarray) -> int:
    """Position of the first dwelling of ``row`` from ``begin`` on that is
    open under the dispersion caps (``spread_open``, by dwelling) and the
    quotas (``quota_open``, by municipality); ``len(row)`` when none
    is."""
    chunk = FIRST_CHUNK
    while begin < len(row):
        part = row[begin:begin + chunk]
        ok = spread_open[part] & quota_open[municipality[part]]
        k = int(np.argmax(ok))
        if ok[k]:
            return begin + k
        begin += len(part)
        chunk *= 2
    return len(row)
