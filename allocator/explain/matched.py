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


def _with_alternatives(instance, data, matches, nearest, taken_by):
    """
    The matches with their nearest alternative (``Match.alternative``):
    the household's quality there, scored exactly in one call for all
    matches, what it would have cost, and who holds it.
    """
    if not nearest:
        return matches
    hs = np.fromiter(nearest, dtype=np.int64, count=len(nearest))
    ds = np.fromiter(nearest.values(), dtype=np.int64, count=len(nearest))
    scores = data.candidates.pair_scores(hs, ds)[1]
    there = dict(zip(hs.tolist(), scores.sum(axis=1).tolist()))
    by_id = {m.household: m for m in matches}
    h_at = {hid: i for i, hid in enumerate(data.household_ids)}
    out = []
    for m in matches:
        h = h_at[m.household]
        if h not in nearest:
            out.append(m)
            continue
        d = nearest[h]
        quality = int(there[h])
        cost = m.quality - quality
        did = instance.dwellings[d].id
        k = int(taken_by[d])
        holder = by_id[instance.households[k].id] if k >= 0 else None
        text = (_("Its nearest alternative, {dwelling}, would have scored "
                  "{there} against {here} here ({n} less)", dwelling=did,
                  there=quality, here=m.quality, n=cost) if cost >= 0
                else _("Its nearest alternative, {dwelling}, would have "
                       "scored {there} against {here} here ({n} more)",
                       dwelling=did, there=quality, here=m.quality, n=-cost))
        if holder is None:
            text += _("; it stays empty (a cap, a quota or the round's "
                      "priority decides).")
        else:
            text += _("; {holder} (priority {priority}) has it, scoring "
                      "{quality} there.", holder=holder.household,
                      priority=holder.priority, quality=holder.quality)
        out.append(m.model_copy(update={"alternative": Alternative(
            dwelling=did, quality=quality, cost=cost,
            held_by=None if holder is None else holder.household,
            held_by_priority=None if holder is None else holder.priority,
            held_by_quality=None if holder is None else holder.quality,
            message=text,
        )}))
    return out


def _free_scores(data: AllocationData, assignment, locked) -> dict:
    """
    Criterion scores of every chosen free pair by household. An engine
    that priced pruned pairs may choose pairs the compiled data left out:
    those are scored from the candidates, all in one call.
    """
    hs = [h for h in np.flatnonzero(assignment >= 0).tolist()
          if h not in locked]
    out, missing = {}, []
    for h in hs:
        d = int(assignment[h])
        p = _pair_of(data, h, d)
        if p < data.household_ptr[h + 1] and data.pair_dwelling[p] == d:
            out[h] = data.pair_scores[p]
        else:
            missing.append(h)
    if missing:
        ph = np.array(missing, dtype=np.int64)
        scores = data.candidates.pair_scores(ph, assignment[ph])[1]
        out.update(zip(missing, scores))
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
