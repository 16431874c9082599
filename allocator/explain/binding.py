"""
The caps and quotas the proposal fills, and their marginal values: what
one more place would give, found by re-solving within the time left.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from models import Binding

from .. import interrupt
from ..data import UNLIMITED, AllocationData
from ..i18n import N_, _
from ..ledger import CapacityLedger
from .queues import _free_matches

MAX_MARGINAL_SOLVES = 25
"""Binding caps whose marginal value is found by re-solving."""


MIN_MARGINAL_SECONDS = 0.05
"""Least time left under a time limit for another marginal-value re-solve."""


MARGINAL_PAIRS_LIMIT = 2_000_000
"""Above this many pairs (or with pruned pairs) re-solving for marginal
values would cost more than the solve: they are left out."""


SUBJECT_TEXT = {
    "area": N_("area {id}"),
    "building": N_("building {id}"),
    "municipality": N_("municipality {id}"),
}
"""What a full cap or quota is of, in words (``Binding.subject`` keeps the
English, as the proposal's files name it)."""


def _binding_caps(data, result, ends_at, marginal_values) -> list[Binding]:
    """
    Full caps and quotas, with what one more place would give.

    The re-solves share the time left before ``ends_at`` and stop when
    a stop is requested (see ``_resolve_one_more``).
    """
    free, dwellings = _free_matches(data, result.assignment)
    use = CapacityLedger.of_pairs(data, dwellings, free)
    used_area = use.area_used
    candidates = []
    for a in range(len(data.area_ids)):
        if data.area_cap[a] < UNLIMITED and used_area[a] >= data.area_cap[a]:
            candidates.append(("area_cap", a, f"area {data.area_ids[a]}",
                               int(used_area[a]), int(data.area_cap[a])))
    used_b = use.building_used
    for b in range(len(data.building_ids)):
        if data.building_cap[b] < UNLIMITED and used_b[b] >= data.building_cap[b]:
            candidates.append(("building_cap", b,
                               f"building {data.building_ids[b]}",
                               int(used_b[b]), int(data.building_cap[b])))
    for q, dim in enumerate(data.quota_dims):
        used = use.quota_used[:, q]
        for m in range(len(data.municipality_ids)):
            cap = data.quota_cap[m, q]
            if cap < UNLIMITED and used[m] >= cap:
                candidates.append((f"quota_{dim}", (m, q),
                                   f"municipality {data.municipality_ids[m]}",
                                   int(used[m]), int(cap)))
    candidates += _full_places(data, free, dwellings)
    housed = int((result.assignment >= 0).sum())
    out = []
    for k, (rule, index, subject, used, cap) in enumerate(candidates):
        marginal_housed = marginal_objective = None
        if (marginal_values and k < MAX_MARGINAL_SOLVES
                and result.proven_optimal and not data.pruned
                and data.num_pairs <= MARGINAL_PAIRS_LIMIT):
            again = _resolve_one_more(data, result, rule, index, ends_at)
            if again is not None and again.proven_optimal:
                marginal_housed = int((again.assignment >= 0).sum()) - housed
                marginal_objective = int(again.value - result.value)
        what = {
            "area_cap": _("refugee households (area cap)"),
            "building_cap": _("refugee households (building cap)"),
        }.get(rule)
        if what is None and rule.startswith("places_"):
            what = _("free places: {kind}",
                     kind=rule.removeprefix("places_"))
        elif what is None:
            what = _("places in the quota of {dimension}",
                     dimension=rule.removeprefix("quota_"))
        kind, _space, ident = subject.partition(" ")
        message = _("{subject} is full: {used} of {cap} {what}.",
                    subject=_(SUBJECT_TEXT[kind], id=ident)
                    if kind in SUBJECT_TEXT else subject, used=used,
                    cap=cap, what=what)
        if marginal_housed is not None:
            message += " " + _(
                "One more place would house {n} more household(s) and "
                "change the objective by {change}.", n=marginal_housed,
                change=marginal_objective)
        out.append(Binding(rule=rule, subject=subject, used=used, limit=cap,
                           marginal_housed=marginal_housed,
                           marginal_objective=marginal_objective,
                           message=message))
    return out


def _resolve_one_more(data, result, rule, index, ends_at):
    """The solve with one more place, or None when time or a stop says
    not to start it."""
    from ..engines import solve

    if interrupt.stop_requested():
        return None
    left = None if ends_at is None else ends_at - time.perf_counter()
    # A re-solve needs about as long as the solve itself (the flow engine
    # has no time limit of its own), so none starts with less left.
    if left is not None and left < max(
        MIN_MARGINAL_SECONDS, result.build_seconds + result.solve_seconds
    ):
        return None
    return solve(_one_more(data, rule, index),
                 engine=result.route.rerun_engine, time_limit=left)


def _full_places(data, free, dwellings) -> list[tuple]:
    """Areas and municipalities whose free service places the free
    households use up (``allocator.places``)."""
    out = []
    for k, kind in enumerate(data.place_kinds):
        cap = data.place_cap[k]
        used = np.bincount(data.place_group[dwellings, k],
                           weights=data.place_usage[free, k],
                           minlength=len(cap)).astype(np.int64)
        ids = (data.municipality_ids if kind == "introduction"
               else data.area_ids)
        what = "municipality" if kind == "introduction" else "area"
        for g in np.flatnonzero((cap < UNLIMITED) & (used >= cap)
                                & (used > 0)).tolist():
            out.append((f"places_{kind}", (k, g), f"{what} {ids[g]}",
                        int(used[g]), int(cap[g])))
    return out


def _one_more(data: AllocationData, rule, index) -> AllocationData:
    if rule.startswith("places_"):
        k, g = index
        caps = list(data.place_cap)
        caps[k] = caps[k].copy()
        caps[k][g] += 1
        return dataclasses.replace(data, place_cap=tuple(caps))
    if rule == "area_cap":
        cap = data.area_cap.copy()
        cap[index] += 1
        return dataclasses.replace(data, area_cap=cap)
    if rule == "building_cap":
        cap = data.building_cap.copy()
        cap[index] += 1
        return dataclasses.replace(data, building_cap=cap)
    quota = data.quota_cap.copy()
    quota[index] += 1
    return dataclasses.replace(data, quota_cap=quota)
