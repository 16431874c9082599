"""
Why each match: its rank among the household's eligible dwellings, its
nearest alternative and who holds it, the scores of the free pairs, and
the households a switched-on rule could not judge.
"""

from __future__ import annotations

import numpy as np

from models import Alternative, RuleMode

from ..data import AllocationData
from ..i18n import _


def _rank_and_nearest(candidates, h: int, d: int) -> tuple[int, int, int]:
    """
    Rank of a dwelling among the household's eligible ones (1 is best by
    quality), how many are eligible, and its nearest alternative: the best
    eligible dwelling other than ``d`` (-1 when there is none). One pass
    over the household's row, as ``Candidates.rank``.
    """
    dwellings, quality = candidates.exact_values(h)
    at = np.flatnonzero(dwellings == d)
    if h in candidates.individual:
        # Not sorted: the best other one by quality, ties by position.
        others = dwellings != d
        best = quality[others].max(initial=np.iinfo(np.int64).min)
        near = dwellings[others & (quality == best)]
        other = int(near.min()) if len(near) else -1
    else:
        # Best first, each dwelling once: the best other one is the
        # first, or the second when the first is ``d``.
        others = dwellings[:2][dwellings[:2] != d]
        other = int(others[0]) if len(others) else -1
    if not len(at):
        return 1, max(1, len(dwellings)), other
    return (int((quality > quality[at[0]]).sum()) + 1, len(dwellings),
            other)


def _ranks_and_nearest(candidates, households: list[int],
                       dwellings: list[int]) -> list[tuple[int, int, int]]:
    """
    ``_rank_and_nearest`` of each household and its dwelling. Households
    without individual terms share their class's row (unless rooms
    beside locks make it their own): they are ranked together, in one
    pass over the row per class rather than one per household.
    """
    out: list = [None] * len(households)
    by_class: dict[int, list[int]] = {}
    for i, h in enumerate(households):
        if candidates.co_residents or h in candidates.individual:
            out[i] = _rank_and_nearest(candidates, h, dwellings[i])
        else:
            by_class.setdefault(int(candidates.class_of[h]), []).append(i)
    # Each dwelling's position in the last row that held it, written
    # row by row and never cleared: a position is checked against the
    # row it is read for.
    position = np.zeros(candidates.tables.num_dwellings, dtype=np.int64)
    for members in by_class.values():
        row, quality = candidates.exact_values(households[members[0]])
        # Best first, each dwelling once: the best other one is the
        # first, or the second when the first is the household's own.
        first = int(row[0]) if len(row) else -1
        second = int(row[1]) if len(row) > 1 else -1
        mine = [dwellings[i] for i in members]
        better = _better(row, quality, mine, position)
        for i, d, n in zip(members, mine, better):
            other = first if first != d else second
            out[i] = ((n + 1, len(row), other) if n >= 0
                      else (1, max(1, len(row)), other))
    return out


def _better(row, quality, dwellings: list[int],
            position: np.ndarray) -> list[int]:
    """
    For each of ``dwellings``, how many in ``row`` have a better
    ``quality`` than it (-1: not in the row). ``position``: an array
    over the dwellings that this writes each of the row's positions to.

    Counted by binary search in the row's qualities in ascending order,
    which a class row, best first, holds reversed: a few steps per
    dwelling rather than a pass over the row.
    """
    if not len(row):
        return [-1] * len(dwellings)
    mine = np.array(dwellings, dtype=np.int64)
    position[row] = np.arange(len(row))
    at = position[mine]
    found = (at < len(row)) & (row[np.minimum(at, len(row) - 1)] == mine)
    ascending = (quality[::-1] if (quality[:-1] >= quality[1:]).all()
                 else np.sort(quality))
    better = len(row) - np.searchsorted(
        ascending, quality[np.where(found, at, 0)], side="right")
    return np.where(found, better, -1).tolist()


def _alternatives(instance, data, quality, nearest, taken_by) -> dict:
    """
    The nearest alternative (``Match.alternative``) of each household in
    ``nearest`` (household -> dwelling): its quality there, scored
    exactly in one call for all of them, what it would have cost against
    ``quality`` (household -> quality of its match), and who holds it.
    """
    if not nearest:
        return {}
    hs = np.fromiter(nearest, dtype=np.int64, count=len(nearest))
    ds = np.fromiter(nearest.values(), dtype=np.int64, count=len(nearest))
    scores = data.candidates.pair_scores(hs, ds)[1]
    there = dict(zip(hs.tolist(), scores.sum(axis=1).tolist()))
    households, dwellings = instance.households, instance.dwellings
    holders = taken_by[ds].tolist()
    priority = data.priority.tolist()
    # The words looked up once in the language in use (``_`` without
    # values gives the message as it is), filled for each household: a
    # national proposal has some 13,000 alternatives.
    less = _("Its nearest alternative, {dwelling}, would have scored "
             "{there} against {here} here ({n} less)")
    more = _("Its nearest alternative, {dwelling}, would have scored "
             "{there} against {here} here ({n} more)")
    empty = _("; it stays empty (a cap, a quota or the round's priority "
              "decides).")
    held = _("; {holder} (priority {priority}) has it, scoring {quality} "
             "there.")
    out = {}
    for (h, d), k in zip(nearest.items(), holders):
        here = quality[h]
        alternative = int(there[h])
        cost = here - alternative
        did = dwellings[d].id
        text = (less if cost >= 0 else more).format(
            dwelling=did, there=alternative, here=here, n=abs(cost))
        if k < 0:
            out[h] = Alternative(
                dwelling=did, quality=alternative, cost=cost, held_by=None,
                held_by_priority=None, held_by_quality=None,
                message=text + empty)
            continue
        holder = households[k].id
        out[h] = Alternative(
            dwelling=did, quality=alternative, cost=cost, held_by=holder,
            held_by_priority=priority[k], held_by_quality=quality[k],
            message=text + held.format(holder=holder, priority=priority[k],
                                       quality=quality[k]),
        )
    return out


def _match_scores(data: AllocationData, assignment, housed: np.ndarray,
                  locked) -> np.ndarray:
    """
    Criterion scores of the pair of each of the ``housed`` households,
    a row each: a lock's as compiled, a free pair's from the compiled
    pairs. An engine that priced pruned pairs may choose pairs the
    compiled data left out: those are scored from the candidates, all in
    one call.
    """
    out = np.zeros((len(housed), data.pair_scores.shape[1]),
                   dtype=data.pair_scores.dtype)
    is_locked = np.array([h in locked for h in housed.tolist()], dtype=bool)
    for i in np.flatnonzero(is_locked).tolist():
        out[i] = data.locked_scores[int(housed[i])]
    rows = np.flatnonzero(~is_locked)
    hs = housed[rows]
    ds = np.asarray(assignment, dtype=np.int64)[hs]
    at = _pairs_of(data, hs, ds)
    found = at < data.household_ptr[hs + 1]
    found[found] = data.pair_dwelling[at[found]] == ds[found]
    out[rows[found]] = data.pair_scores[at[found]]
    if not found.all():
        out[rows[~found]] = data.candidates.pair_scores(hs[~found],
                                                        ds[~found])[1]
    return out


def _not_judged(instance, policy, matches, unmatched):
    """Marks the households a switched-on rule could not judge for lack
    of data: affordability without a known income."""
    if policy.affordability.mode == RuleMode.IGNORE:
        return matches, unmatched
    unknown = {h.id for h in instance.households
               if h.monthly_income_nok is None}

    def mark(row):
        if row.household not in unknown:
            return row
        return row.model_copy(update={"not_judged": ("affordability",)})

    return [mark(m) for m in matches], [mark(u) for u in unmatched]


def _pair_of(data: AllocationData, h: int, d: int) -> int:
    """Position of the free pair (h, d): pairs are sorted by household,
    then dwelling."""
    lo, hi = data.household_ptr[h], data.household_ptr[h + 1]
    return int(lo + np.searchsorted(data.pair_dwelling[lo:hi], d))


def _pairs_of(data: AllocationData, hs: np.ndarray,
              ds: np.ndarray) -> np.ndarray:
    """
    ``_pair_of`` of each household and dwelling of ``hs`` and ``ds``:
    the first position in the household's pairs whose dwelling is not
    below its own. One binary search over every household's pairs at
    once, a step for all of them at a time.
    """
    lo = data.household_ptr[hs].astype(np.int64)
    hi = data.household_ptr[hs + 1].astype(np.int64)
    last = max(0, data.num_pairs - 1)
    while True:
        open_ = lo < hi
        if not open_.any():
            return lo
        middle = (lo + hi) // 2
        below = data.pair_dwelling[np.minimum(middle, last)] < ds
        lo = np.where(open_ & below, middle + 1, lo)
        hi = np.where(open_ & ~below, middle, hi)
