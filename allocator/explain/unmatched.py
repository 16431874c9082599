"""
Why a household waits: no eligible dwelling, a full cap or quota, or
rivals with more priority; and what it can act on: its queue places,
the first fitting dwelling after the horizon and the smallest changes
that would make a dwelling eligible.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from models import Competitor, SmallestChange, Unmatched, UnmatchedReason

from ..data import RULE_LABEL, RULES, AllocationData
from ..i18n import _, ngettext
from .queues import _fitting, _queues

MAX_COMPETITORS = 3
"""Competitors named in an 'outcompeted' reason."""

MAX_AREAS = 5
"""Areas named in a 'capacity' reason."""

LATE_STEP = 256
"""Dwellings free after the horizon tested at first for a waiting
household's next free date (``_first_fitting``)."""


def no_eligible_message(data: AllocationData, h: int) -> str:
    """Why no dwelling passes every rule, counted exactly before solving."""
    D = data.num_dwellings
    counts = data.excluded_by[h]
    only = data.excluded_only_by[h]
    parts = [
        f"{int(n)} {_short(r)}" for r, n in zip(RULES, counts) if n > 0
    ]
    message = _(
        "No eligible dwelling: 0 of {total} dwellings pass every rule. "
        "Ruled out: {ruled}.", total=D, ruled=", ".join(parts) or _("none")
    )
    relax = [
        _("{n} fail on '{rule}' alone", n=int(n), rule=_short(r))
        for r, n in sorted(zip(RULES, only), key=lambda x: -x[1])
        if n > 0
    ]
    if relax:
        text = "; ".join(relax[:3])
        message += f" {text[0].upper()}{text[1:]}."
    return message


def _short(rule: str) -> str:
    return _(RULE_LABEL[rule])


def _waiting(instance, policy, data, taken_by, waiting, waited,
             assignment=None) -> list[Unmatched]:
    """
    Every waiting household (``waiting``, in order) with why it waits
    (``_reason``) and what it can act on (``_prospects``), each built
    once from parts that households of one class share: its rivals,
    its queue places, the words of its reason.
    """
    if data.lock_conflicts:
        message = _("No proposal was made: the housing office's locks "
                    "conflict (see the conflicts listed with the "
                    "proposal).")
        return [Unmatched(household=instance.households[h].id,
                          priority=int(data.priority[h]),
                          reason=UnmatchedReason.LOCK_CONFLICT,
                          message=message, waited_days=int(waited[h]))
                for h in waiting]
    prospects = _prospects(instance, policy, data, taken_by, waiting,
                           assignment)
    shared: dict = {}
    out = []
    for k, h in enumerate(waiting):
        fields = _reason(instance, data, taken_by, h, shared)
        out.append(Unmatched(**fields, waited_days=int(waited[h]),
                             **prospects[k]))
    return out


def _reason(instance, data, taken_by, h, shared) -> dict:
    """
    The fields of household ``h``'s ``Unmatched`` that say why it waits:
    no eligible dwelling, a full cap or quota, or rivals with more
    priority. ``shared`` keeps what households share: the counts of what
    each rule rules out, the rivals of a class (``_rivals``) and the
    words of a reason.
    """
    priority = int(data.priority[h])
    counts = tuple(data.excluded_by[h].tolist())
    excluded = shared.setdefault("excluded", {})
    if counts not in excluded:
        excluded[counts] = {r: n for r, n in zip(RULES, counts) if n > 0}
    fields = {"household": instance.households[h].id, "priority": priority,
              "excluded_by": excluded[counts]}
    total = int(data.num_eligible_all[h])
    if total == 0:
        return {**fields, "reason": UnmatchedReason.NO_ELIGIBLE_DWELLING,
                "message": no_eligible_message(data, h)}
    competitors, num_rivals, num_empty, areas = _rivals(
        instance, data, taken_by, h, shared.setdefault("rivals", {}))
    words = shared.setdefault("words", {})
    if num_empty:
        key = ("capacity", num_empty, total, areas)
        if key not in words:
            words[key] = _(
                "{n} of its {total} eligible dwellings stay empty "
                "because a cap or quota is full (areas {areas}); "
                "housing it would displace a household with higher "
                "priority or cost more than it gains.", n=num_empty,
                total=total, areas=", ".join(areas))
        return {**fields, "reason": UnmatchedReason.CAPACITY,
                "message": words[key], "competitors": competitors}
    key = ("outcompeted", competitors, num_rivals > MAX_COMPETITORS,
           total, priority)
    if key not in words:
        names = ", ".join(
            _("{household} (priority {priority})", household=c.household,
              priority=c.priority) for c in competitors)
        words[key] = ngettext(
            "Its one eligible dwelling went to another household: "
            "{names}. Its priority is {priority}.",
            "Every one of its {n} eligible dwellings went to another "
            "household: {names}. Its priority is {priority}.", total,
            names=names + (", ..." if num_rivals > MAX_COMPETITORS
                           else ""), priority=priority)
    return {**fields, "reason": UnmatchedReason.OUTCOMPETED,
            "message": words[key], "competitors": competitors}


def _rivals(instance, data, taken_by, h, cache):
    """
    The households holding a household's eligible dwellings, highest
    priority first (at most ``MAX_COMPETITORS``, as ``Competitor``), how
    many there are, how many of its eligible dwellings stay empty, and
    the first ``MAX_AREAS`` of their areas by id. Households of one
    class without locked rivals share the answer: at national scale
    thousands of households with thousands of eligible dwellings each
    are explained.
    """
    # Most households could have had no locked dwelling: no pass over
    # the locks for them.
    lockable = data.locked_eligible.get(h)
    locked = ([(k, d) for k, d, _ in data.locked_pairs if d in lockable]
              if lockable else [])
    key = None if locked else int(data.candidates.class_of[h])
    if key is not None and key in cache:
        return cache[key]
    eligible = data.candidates.eligible_free(h)
    if key is None:
        answer = _rivals_with_locks(data, taken_by, eligible, locked)
    else:
        if "by_dwelling" not in cache:
            cache["by_dwelling"] = _rival_keys(data, taken_by)
        answer = _class_rivals(data, taken_by, eligible,
                               *cache["by_dwelling"])
    rivals, num_rivals, num_empty, areas = answer
    competitors = tuple(
        Competitor(household=instance.households[k].id,
                   dwelling=instance.dwellings[d].id,
                   priority=int(data.priority[k]))
        for k, d in rivals)
    answer = (competitors, num_rivals, num_empty, areas)
    if key is not None:
        cache[key] = answer
    return answer


def _rivals_with_locks(data, taken_by, eligible, locked):
    """``_rivals`` of a household some of whose eligible dwellings are
    locked to others (``locked``: household, dwelling), as
    ``(rivals, num_rivals, num_empty, areas)``."""
    holder = taken_by[eligible]
    held = holder >= 0
    rival_h = np.concatenate([holder[held], [k for k, _ in locked]]).astype(
        np.int64)
    rival_d = np.concatenate([eligible[held], [d for _, d in locked]]).astype(
        np.int64)
    order = _first_by_priority(rival_h, data.priority[rival_h],
                               data.num_households, MAX_COMPETITORS)
    empty = eligible[~held]
    present = np.bincount(data.dwelling_area[empty],
                          minlength=len(data.area_ids))
    areas = _first_areas(data, present)
    rivals = list(zip(rival_h[order].tolist(), rival_d[order].tolist()))
    return rivals, len(rival_h), len(empty), areas


def _rival_keys(data, taken_by) -> tuple[np.ndarray, ...]:
    """
    What ``_class_rivals`` reads of each eligible dwelling: the held
    dwellings in the order of their holders by ``_first_by_priority``
    (more priority first, then by position), each dwelling's area when
    it stays empty (else one past the last area), and the areas in the
    order of their ids.
    """
    held = np.flatnonzero(taken_by >= 0)
    holder = taken_by[held]
    order = np.argsort(
        -data.priority[holder].astype(np.int64) * data.num_households
        + holder, kind="stable")
    empty_area = np.where(taken_by >= 0, len(data.area_ids),
                          data.dwelling_area)
    return held[order], empty_area, _areas_by_id(data)


def _class_rivals(data, taken_by, eligible, by_holder, empty_area, by_id):
    """``_rivals`` of a household no lock competes with, as ``(rivals,
    num_rivals, num_empty, areas)``: each holder holds one dwelling, so
    its first rivals are the first of its eligible dwellings in
    ``by_holder``, found in a few short looks down that order."""
    present = np.bincount(empty_area[eligible],
                          minlength=len(data.area_ids) + 1)[:-1]
    num_empty = int(present.sum())
    mine = np.zeros(data.num_dwellings, dtype=bool)
    mine[eligible] = True
    first: list[int] = []
    start, step = 0, 4 * MAX_COMPETITORS
    while len(first) < MAX_COMPETITORS and start < len(by_holder):
        part = by_holder[start:start + step]
        first += part[mine[part]][:MAX_COMPETITORS - len(first)].tolist()
        start, step = start + step, 4 * step
    rivals = [(int(taken_by[d]), d) for d in first]
    return (rivals, len(eligible) - num_empty, num_empty,
            _first_areas(data, present, by_id))


def _first_areas(data, present, by_id=None) -> tuple[str, ...]:
    """The first ``MAX_AREAS`` ids, in order, of the areas ``present``
    counts dwellings in (on national, hundreds of areas); ``by_id``:
    the areas in the order of their ids, when known."""
    if by_id is None:
        by_id = _areas_by_id(data)
    chosen = by_id[present[by_id] > 0][:MAX_AREAS]
    return tuple(data.area_ids[a] for a in chosen.tolist())


def _areas_by_id(data) -> np.ndarray:
    """The areas in the order of their ids."""
    return np.argsort(np.array(data.area_ids, dtype=object), kind="stable")


def _first_by_priority(households: np.ndarray, priority: np.ndarray,
                       bound: int, n: int) -> np.ndarray:
    """
    Positions of the first ``n`` households by priority, highest first,
    then by position in the data (``households`` are below ``bound``),
    ties kept in the order given: the first ``n`` of
    ``np.lexsort((households, -priority))``, without sorting every one
    (a national household has thousands of rivals).
    """
    key = -priority.astype(np.int64) * bound + households
    if len(key) > n:
        least = np.partition(key, n - 1)[n - 1]
        near = np.flatnonzero(key <= least)
        return near[np.argsort(key[near], kind="stable")][:n]
    return np.argsort(key, kind="stable")[:n]


def _prospects(instance, policy, data, taken_by, waiting,
               assignment=None) -> list[dict]:
    """
    What each waiting household (``waiting``, in order) can act on, as
    fields of its ``Unmatched``: its place in the queue for its best
    eligible dwellings, the first date a fitting dwelling frees up after
    the horizon, and, for those no dwelling is eligible for, the
    smallest change that would make one eligible.

    The work is bounded: dwellings are tested against one representative
    of each household class (what compiling did for every dwelling), and
    only for the waiting households' few best dwellings and the dwellings
    the horizon leaves out.
    """
    cand = data.candidates
    if cand is None or not len(waiting):
        return [{} for _ in waiting]
    at = np.array(waiting, dtype=np.int64)
    queues = _queues(instance, data, taken_by, at, assignment)
    late, days = _late_dwellings(instance, policy)
    # Soonest free first: a class's first fitting dwelling is its soonest.
    soonest = np.argsort(days, kind="stable")
    late, days = late[soonest], days[soonest]
    classes, class_at = np.unique(cand.class_of[at], return_inverse=True)
    first = _first_fitting(cand, policy, classes, late)
    free_on = {}  # days -> date
    sizes: dict = {}  # (class, size rule) -> bedrooms of what fits but size
    fitting: dict = {}  # class -> which late dwellings fit it
    out = []
    for h, c in zip(waiting, class_at.tolist()):
        update = {}
        if h in queues:
            update["queue"] = queues[h]
        if first[c] >= 0:
            wait = int(days[first[c]])
            if wait not in free_on:
                free_on[wait] = instance.as_of + timedelta(days=wait)
            update["next_free"] = free_on[wait]
        if data.num_eligible_all[h] == 0:
            if c not in fitting:
                fitting[c] = _fitting(cand, policy, classes[[c]], late)[0]
            fit = fitting[c]
            update["smallest_change"] = tuple(_smallest_changes(
                instance, policy, data, h, late[fit], days[fit], sizes))
        out.append(update)
    return out


def _first_fitting(cand, policy, classes, late) -> np.ndarray:
    """
    For each of ``classes``, the position of the first of ``late`` that
    fits it but for the horizon (-1: none does). The dwellings are tested
    a slice at a time, each slice twice the last, and only for the
    classes not yet fitted: most fit one of the first few hundred, and
    the whole table (on national, 1,322 classes by 11,126 dwellings) is
    seldom needed.
    """
    first = np.full(len(classes), -1, dtype=np.int64)
    unfitted = np.arange(len(classes))
    start, step = 0, LATE_STEP
    while len(unfitted) and start < len(late):
        fits = _fitting(cand, policy, classes[unfitted],
                        late[start:start + step])
        hit = fits.any(axis=1)
        first[unfitted[hit]] = start + fits[hit].argmax(axis=1)
        unfitted = unfitted[~hit]
        start, step = start + step, 2 * step
    return first


def _late_dwellings(instance, policy):
    """Dwellings free only after the planning horizon (not withdrawn),
    and the days until each is free."""
    # A municipality's own policy may set its dwellings' horizon.
    horizons = {m.id: policy.for_municipality(m.id).horizon_days
                for m in instance.municipalities}
    late, days = [], []
    for d, x in enumerate(instance.dwellings):
        wait = (x.available_from - instance.as_of).days
        horizon = horizons.get(x.municipality, policy.horizon_days)
        if wait > horizon and (x.available_until is None
                               or x.available_until >= x.available_from):
            late.append(d)
            days.append(wait)
    return np.array(late, dtype=np.int64), np.array(days, dtype=np.int64)


def _smallest_changes(instance, policy, data, h, late, days, cache):
    """
    For a household no dwelling is eligible for: changes to one rule each
    that would make a dwelling eligible, from the exact counts, and the
    bedroom count the stock lacks when no dwelling has one the size norm
    allows. ``late`` and ``days``: the dwellings that fit it but for the
    horizon, and the days until each is free. ``cache`` keeps what a
    household class shares (a pass over every dwelling per size rule).
    """
    cand = data.candidates
    D = data.num_dwellings
    only = dict(zip(RULES, data.excluded_only_by[h].tolist()))
    excluded = dict(zip(RULES, data.excluded_by[h].tolist()))
    need = int(cand.hh.need[h])
    size = policy.size
    short = {"forbid": 0, "penalise": 1}.get(size.crowding.value, 99)
    low, high = max(0, need - short), need + size.allowed_surplus
    out = []
    if len(late):
        first = int(days.min())
        n = int((days == first).sum())
        out.append(SmallestChange(
            rule="availability", dwellings=n, horizon_days=first,
            first_date=instance.as_of + timedelta(days=first),
            message=_("A planning horizon of {days} days (now {now}) "
                      "would make {n} dwelling(s) eligible, the first "
                      "free on {first}.", days=first,
                      now=policy.horizon_days, n=n,
                      first=instance.as_of + timedelta(days=first)),
        ))
    bedrooms = cand.dw.bedrooms
    for rule in ("size_too_small", "size_too_large"):
        if not only[rule]:
            continue
        key = (int(cand.class_of[h]), rule)
        if key not in cache:
            fits = _fitting(cand, policy, cand.class_of[[h]],
                            np.arange(D, dtype=np.int64), ignore=rule)[0]
            cache[key] = bedrooms[fits & (
                (bedrooms < low) if rule == "size_too_small"
                else (bedrooms > high))]
        beds = cache[key]
        if not len(beds):
            continue
        if rule == "size_too_small":
            b = int(beds.max())
            text = _("{n} dwelling(s) fail only on too few bedrooms; the "
                     "largest has {largest}, the size norm asks for at "
                     "least {least}: allowing {fewer} bedroom(s) fewer "
                     "would make one eligible.", n=only[rule], largest=b,
                     least=low, fewer=low - b)
        else:
            b = int(beds.min())
            text = _("{n} dwelling(s) fail only on too many bedrooms; "
                     "the smallest has {smallest}: an allowed surplus of "
                     "{surplus} (now {now}) would make one eligible.",
                     n=only[rule], smallest=b, surplus=b - need,
                     now=size.allowed_surplus)
        out.append(SmallestChange(rule=rule, dwellings=int(only[rule]),
                                  bedrooms=b, message=text))
    for rule in RULES:
        if rule in ("availability", "size_too_small", "size_too_large"):
            continue
        if only[rule]:
            out.append(SmallestChange(
                rule=rule, dwellings=int(only[rule]),
                message=_("{n} dwelling(s) fail only on '{rule}'.",
                          n=only[rule], rule=_short(rule)),
            ))
    if D - excluded["size_too_small"] - excluded["size_too_large"] <= 0:
        wanted = (_("{low} to {high}", low=low, high=high) if low != high
                  else str(low))
        out.append(SmallestChange(
            rule="bedrooms", bedrooms=need,
            message=_("None of the {total} dwellings has {wanted} "
                      "bedrooms, as the size norm asks for this household: "
                      "a dwelling with {need} bedrooms is needed.",
                      total=D, wanted=wanted, need=need),
        ))
    return out
