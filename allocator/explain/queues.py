"""
A waiting household's place in the queue of its best eligible dwellings:
who holds each, why, and the full caps or quotas that keep it out. Also
which dwellings fit a household class but for one rule, which the
queues and the waiting households' prospects both ask.
"""

from __future__ import annotations

import numpy as np

from models import QueuePlace

from ..data import RULES
from ..i18n import N_, _
from ..ledger import CapacityLedger

MAX_QUEUE = 3
"""Dwellings for which a waiting household is told its place in the
queue: its best eligible ones by quality."""


QUEUE_DWELLINGS_LIMIT = 2_000
"""Distinct dwellings whose queues are counted in one proposal: each costs
a pass over the households."""


def _fitting(cand, policy, classes, dwellings, ignore="availability"):
    """
    Which of ``dwellings`` pass every hard rule but ``ignore`` for one
    household of each of ``classes`` (rows in the order given): one rule
    evaluation per distinct class and dwelling, in bounded chunks; bans
    of a household count.
    """
    from ..compile import DENSE_CELLS, _take
    from ..criteria import rule_failures

    out = np.zeros((len(classes), len(dwellings)), dtype=bool)
    if not len(dwellings) or not len(classes):
        return out
    distinct, back = np.unique(classes, return_inverse=True)
    first = np.zeros(len(cand.tables.eligible), dtype=np.int64)
    first[cand.class_of[::-1]] = np.arange(len(cand.class_of))[::-1]
    reps = first[distinct]
    d = _take(cand.dw, dwellings, dense=False)
    ok = np.zeros((len(distinct), len(dwellings)), dtype=bool)
    step = max(1, DENSE_CELLS // len(dwellings))
    skip = RULES.index(ignore) if ignore in RULES else None
    for start in range(0, len(reps), step):
        part = reps[start:start + step]
        fail = rule_failures(_take(cand.hh, part, dense=True), d, policy)
        if skip is not None:
            fail[skip] = False
        ok[start:start + len(part)] = ~fail.any(axis=0)
    for k, rep in enumerate(reps.tolist()):
        if rep in cand.banned:
            ok[k] &= ~np.isin(dwellings, list(cand.banned[rep]))
    return ok[back]


def _queues(instance, data, taken_by, waiting, assignment=None) -> dict:
    """
    Each waiting household's place in the queue for its best eligible
    dwellings (``MAX_QUEUE``; in all at most ``QUEUE_DWELLINGS_LIMIT``
    distinct dwellings are counted, the households first in the order
    given): households not locked elsewhere for which the dwelling is
    eligible, and how many of them have more priority. Where a full cap
    or quota, not the queue, keeps the household out (``_blocked_by``),
    the place says so and names it.

    A place depends on the household only through its priority and what
    it uses of the caps and quotas: households that share these share one
    ``QueuePlace`` for a dwelling, and its words are made once (on
    national, 30,000 places are 4,000 distinct ones).
    """
    picks, chosen = _queue_picks(data, waiting)
    if not picks:
        return {}
    lines = _queue_lines(data, chosen)
    locked = {h for h, _, _ in data.locked_pairs}
    use = None if assignment is None else _cap_use(data, assignment)
    usage_of = {} if use is None else _usage_keys(data, list(picks))
    holder_of = dict(zip(chosen, taken_by[chosen].tolist()))
    priority = data.priority.tolist()
    blocks_of: dict = {}
    places: dict = {}
    out = {}
    for h, row in picks.items():
        p = priority[h]
        usage = usage_of.get(h)
        row_places = []
        for d in row:
            k = holder_of[d]
            blocks = ()
            if usage is not None and k not in locked:
                if (d, usage) not in blocks_of:
                    blocks_of[d, usage] = tuple(
                        _blocked_by(data, use, h, d, k))
                blocks = blocks_of[d, usage]
            key = (d, p, blocks)
            if key not in places:
                places[key] = _queue_place(data, taken_by, locked, blocks,
                                           p, d, lines[d])
            row_places.append(places[key])
        out[h] = tuple(row_places)
    return out


def _usage_keys(data, households: list[int]) -> dict[int, tuple]:
    """What each of ``households`` uses of each quota dimension and
    household cap, as a tuple: all that ``_blocked_by`` reads of a
    household, read for all of them at once."""
    at = np.array(households, dtype=np.int64)
    usage = np.column_stack(
        [data.household_usage[at]]
        + [cap.usage[at] for cap in data.household_caps]
    ).reshape(len(at), -1)
    return dict(zip(households, map(tuple, usage.tolist())))


def _queue_picks(data, waiting) -> tuple[dict[int, list[int]], list[int]]:
    """
    The dwellings whose queue each waiting household is told (its best
    ``MAX_QUEUE`` eligible ones, within ``QUEUE_DWELLINGS_LIMIT``
    distinct dwellings in all), and those distinct dwellings in the
    order first chosen. Households of a class without individual terms
    share their class's row.
    """
    cand = data.candidates
    picks: dict[int, list[int]] = {}
    chosen: dict[int, None] = {}
    per_class: dict[int, list[int]] = {}
    num_eligible = data.num_eligible[waiting].tolist()
    class_of = cand.class_of[waiting].tolist()
    for h, n, c in zip(waiting.tolist(), num_eligible, class_of):
        if n == 0:
            continue
        if h in cand.individual or c not in per_class:
            row = cand.exact_row(h, MAX_QUEUE)[0].tolist()
            if h not in cand.individual:
                per_class[c] = row
        else:
            row = per_class[c]
        keep = []
        for d in row:
            if d in chosen or len(chosen) < QUEUE_DWELLINGS_LIMIT:
                chosen.setdefault(d, None)
                keep.append(d)
        if keep:
            picks[h] = keep
    return picks, list(chosen)


def _queue_lines(data, chosen: list[int]) -> dict[int, np.ndarray]:
    """
    The queue of each chosen dwelling: the priorities of the free
    households it is eligible for, in ascending order. The free
    households are sorted by priority once, so that each dwelling's
    queue is a selection of them, already in order.
    """
    cand = data.candidates
    dwellings = np.array(chosen, dtype=np.int64)
    is_free = np.ones(data.num_households, dtype=bool)
    is_free[list(cand.locked_households)] = False
    free = np.flatnonzero(is_free)
    priority = data.priority[free]
    by_priority = np.argsort(priority, kind="stable")
    free_class = cand.class_of[free[by_priority]]
    classes = np.unique(free_class)
    # Dwellings by rows, so that each dwelling's classes lie together.
    eligible = np.ascontiguousarray(
        _fitting(cand, cand.policy, classes, dwellings, ignore="").T)
    free_at = np.searchsorted(classes, free_class)
    ascending = priority[by_priority]
    return {d: ascending[eligible[j][free_at]]
            for j, d in enumerate(chosen)}


def _queue_place(data, taken_by, locked, blocks, p, d, line) -> QueuePlace:
    """The place in the queue ``line`` of dwelling ``d`` of a waiting
    household of priority ``p``, who holds the dwelling and why this
    household does not; ``blocks``: the full caps and quotas that keep
    it out (``_blocked_by``)."""
    hids, dids = data.household_ids, data.dwelling_ids
    ahead = len(line) - int(np.searchsorted(line, p, side="right"))
    count = max(1, len(line))
    k = int(taken_by[d])
    head = _("{dwelling}: place {place} of {count} in its queue",
             dwelling=dids[d], place=ahead + 1, count=count)
    if k < 0:
        why, text = "empty", _("it stays empty because a cap or quota is "
                               "full")
    elif k in locked:
        why, text = "locked", _("the housing office locked {holder} there",
                                holder=hids[k])
    else:
        why, text = _holder_reason(data, p, k)
    if blocks and why in ("empty", "equal_priority", "rules"):
        # Not behind the holder in the queue: the cap decides.
        why, text = _blocked_text(data, blocks, k)
    return QueuePlace(
        dwelling=dids[d], place=ahead + 1, eligible=count,
        held_by=None if k < 0 else hids[k],
        held_by_priority=None if k < 0 else int(data.priority[k]),
        why=why, message=_("{head}; {text}.", head=head, text=text),
        blocked_by=tuple(b[0] for b in blocks),
    )


def _holder_reason(data, p: int, k: int) -> tuple[str, str]:
    """Why a free holder of priority ``data.priority[k]`` has the
    dwelling rather than a waiting household of priority ``p``."""
    holder = data.household_ids[k]
    pk = int(data.priority[k])
    if pk > p:
        return "higher_priority", _(
            "{holder} has it with more priority ({theirs} against "
            "{ours})", holder=holder, theirs=pk, ours=p)
    if pk == p:
        return "equal_priority", _(
            "{holder} has it with equal priority ({theirs}); the round's "
            "quality decides", holder=holder, theirs=pk)
    return "rules", _(
        "{holder} has it with less priority ({theirs} against {ours}): "
        "housing this household there instead would break a cap or quota "
        "or lower the round's objective", holder=holder, theirs=pk, ours=p)


BLOCK_TEXT = {
    "building_cap": N_("building {subject} is full ({used} of {limit} "
                       "refugee households)"),
    "area_cap": N_("area {subject} is full ({used} of {limit} refugee "
                   "households)"),
    "quota_households": N_("municipality {subject} has settled "
                           "{used} of its quota of {limit} households"),
    "quota_persons": N_("municipality {subject} has settled {used} of "
                        "its quota of {limit} persons, and this household "
                        "would add {need}"),
    "quota": N_("municipality {subject} has used {used} of its quota of "
                "{limit} ({dimension}), and this household would add "
                "{need}"),
}
"""What each full cap or quota that keeps a waiting household out of a
dwelling says."""

HOUSEHOLD_CAP_TEXT = N_("{subject} has reached its cap ({label}: {used} "
                        "of {limit})")
"""What a full household cap (``AllocationData.household_caps``) that
keeps a waiting household out says, naming its record's label."""


def _free_matches(data, assignment) -> tuple[np.ndarray, np.ndarray]:
    """The households the proposal matched freely (not by a lock), and
    their dwellings: the caps in ``data`` are what locks left."""
    locked = {h for h, _, _ in data.locked_pairs}
    free = np.array([h for h in np.flatnonzero(assignment >= 0).tolist()
                     if h not in locked], dtype=np.int64)
    return free, np.asarray(assignment, dtype=np.int64)[free]


def _cap_use(data, assignment) -> CapacityLedger:
    """
    What the proposal's free matches use of each cap: refugee households
    per building and per area, quota places per municipality and
    dimension, and each household cap per group.
    """
    free, dwellings = _free_matches(data, assignment)
    return CapacityLedger.of_pairs(data, dwellings, free)


def _blocked_by(data, use, h, d, k):
    """
    The caps and quotas that housing household ``h`` in dwelling ``d``
    instead of its holder ``k`` (-1: it stays empty) would exceed, as
    ``(rule, subject, used, limit, need)``: a building or area cap only
    when nobody leaves the dwelling, a quota or household cap when ``h``
    needs more of it than the holder frees.
    """
    used_b, used_a, used_q = use.building_used, use.area_used, use.quota_used
    out = []
    if k < 0:
        b = int(data.dwelling_building[d])
        if b >= 0 and used_b[b] + 1 > data.building_cap[b]:
            out.append(("building_cap", data.building_ids[b],
                        int(used_b[b]), int(data.building_cap[b]), 1))
        a = int(data.dwelling_area[d])
        if used_a[a] + 1 > data.area_cap[a]:
            out.append(("area_cap", data.area_ids[a], int(used_a[a]),
                        int(data.area_cap[a]), 1))
    m = int(data.dwelling_municipality[d])
    for q, dim in enumerate(data.quota_dims):
        need = int(data.household_usage[h, q]) - (
            int(data.household_usage[k, q]) if k >= 0 else 0)
        if need > 0 and used_q[m, q] + need > data.quota_cap[m, q]:
            out.append((f"quota_{dim}", data.municipality_ids[m],
                        int(used_q[m, q]), int(data.quota_cap[m, q]), need))
    for cap, used in zip(data.household_caps, use.household_caps_used):
        g = int(cap.group[d])
        if g < 0:
            continue
        # The holder is in the same dwelling, so in the same group.
        need = int(cap.usage[h]) - (int(cap.usage[k]) if k >= 0 else 0)
        if need > 0 and used[g] + need > cap.cap[g]:
            out.append((cap.rule, cap.group_ids[g], int(used[g]),
                        int(cap.cap[g]), need))
    return out


def _blocked_text(data, blocks, k):
    """The ``why`` and the words of a queue place that a full cap or
    quota, not the queue, decides."""
    labels = {cap.rule: cap.label for cap in data.household_caps}
    parts = "; ".join(
        _(HOUSEHOLD_CAP_TEXT, subject=subject, label=_(labels[rule]),
          used=used, limit=limit)
        if rule in labels else
        _(BLOCK_TEXT.get(rule, BLOCK_TEXT["quota"]),
          subject=subject, used=used, limit=limit, need=need,
          dimension=rule.removeprefix("quota_").replace("_", " "))
        for rule, subject, used, limit, need in blocks)
    if k < 0:
        return "empty", _(
            "it stays empty, and a cap or quota, not the queue, keeps this "
            "household out: {blocks}", blocks=parts)
    return "cap", _(
        "{holder} has it, and a cap or quota, not the queue, keeps this "
        "household out: {blocks}", holder=data.household_ids[k],
        blocks=parts)
