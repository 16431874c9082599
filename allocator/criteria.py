"""
Hard rules and scored criteria as NumPy expressions that broadcast.

Each function takes household attributes ``h`` and dwelling attributes ``d``
(namespaces of arrays) and works on any shapes that broadcast: ``(n, 1)``
against ``(1, D)`` gives an ``(n, D)`` matrix for n household classes and
every dwelling; ``(P,)`` against ``(P,)`` gives one value per pair. One
implementation serves both, so pruning, pricing and the per-pair breakdown
can never disagree.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from models import Policy, RuleMode

from .data import CRITERIA, RULES

RULE_ROW = {rule: i for i, rule in enumerate(RULES)}
CRITERION_COL = {c: i for i, c in enumerate(CRITERIA)}


def reach_score(minutes, target, zero_at_factor):
    """
    100 within ``target`` minutes, falling linearly to 0 at
    ``target * zero_at_factor``; works on arrays.
    """
    zero = target * zero_at_factor
    fraction = (zero - np.asarray(minutes, dtype=float)) / (zero - target)
    return np.clip(fraction, 0.0, 1.0) * 100.0


def _local(d, name, value):
    """
    A rule or weight of the dwelling's municipality: its own
    (``d.local_<name>``, one per dwelling, when the policy gives some
    municipality its own rules; see ``models.municipal``), else the
    national ``value``.
    """
    return getattr(d, f"local_{name}", value)


def rooms(h, d, policy: Policy):
    """Whether the pair would be one room of a shared dwelling."""
    return policy.shared.enabled & h.open_shared & (d.shared_rooms >= 2)


def rule_failures(h, d, policy: Policy) -> np.ndarray:
    """
    Which hard rules each pair breaks, as a boolean array with one leading
    row per rule in ``RULES`` order. Bans are added by the caller.
    """
    shape = np.broadcast_shapes(h.need.shape, d.bedrooms.shape)
    fail = np.zeros((len(RULES), *shape), dtype=bool)
    hard = policy.hard
    if hard.availability:
        fail[RULE_ROW["availability"]] = ~d.available
    if hard.assigned_municipality:
        fail[RULE_ROW["assigned_municipality"]] = (h.assigned >= 0) & (
            d.municipality != h.assigned
        )
    room = rooms(h, d, policy)
    short = _local(d, "short", {
        RuleMode.FORBID: 0, RuleMode.PENALISE: 1, RuleMode.IGNORE: 99,
    }[policy.size.crowding])
    fail[RULE_ROW["size_too_small"]] = ~room & (d.bedrooms < h.need - short)
    fail[RULE_ROW["size_too_large"]] = ~room & (
        d.bedrooms > h.need + _local(d, "surplus", policy.size.allowed_surplus)
    )
    individual = fail[RULE_ROW["individual_need"]]
    accessibility = _local(d, "accessibility", hard.accessibility)
    if np.any(accessibility):
        individual |= accessibility & (
            (h.step_free & ~d.step_free)
            | (h.ground & ~d.ground)
            | (h.no_basement & d.basement)
        )
    avoid = _local(d, "avoid_features", hard.avoid_features)
    if np.any(avoid):
        individual |= avoid & ((h.avoid & d.features) != 0)
    child_safety = _local(d, "child_safety", hard.child_safety)
    if np.any(child_safety):
        fail[RULE_ROW["child_safety"]] = (
            child_safety & h.minors & d.unsafe_for_children)
    forbid = _local(d, "care_forbid", hard.care_housing == RuleMode.FORBID)
    if np.any(forbid):
        fail[RULE_ROW["care_housing"]] = np.broadcast_to(d.care & forbid,
                                                         shape)
    return fail


def class_scores(h, d, policy: Policy) -> np.ndarray:
    """
    Weighted contribution of every criterion that depends on the household
    only through its class; the last axis follows ``CRITERIA``. The two
    individual criteria (a named place, a current school) are left at zero
    and added by ``Individual``.
    """
    shape = rooms(h, d, policy).shape
    out = np.zeros((*shape, len(CRITERIA)), dtype=np.int64)
    for criterion, values in _class_criteria(h, d, policy):
        out[..., CRITERION_COL[criterion]] = values
    return out


def class_quality(h, d, policy: Policy) -> np.ndarray:
    """
    The sum of ``class_scores`` over the criteria, added up criterion by
    criterion: on national's class tables the per-criterion array would
    be most of the compile's time and memory.
    """
    total = np.zeros(rooms(h, d, policy).shape, dtype=np.int64)
    for _, values in _class_criteria(h, d, policy):
        total += values
    return total


def _class_criteria(h, d, policy: Policy):
    """(criterion, weighted values) of each class criterion in turn."""
    national = policy.weights
    w = SimpleNamespace(**{
        name: _local(d, f"weight_{name}", getattr(national, name))
        for name in type(national).model_fields
    })
    sv = policy.services
    room = rooms(h, d, policy)

    surplus = d.bedrooms - h.need
    size = np.where(surplus >= 0, 100 - 40 * surplus, -100)
    # Near-crowding: Statistics Norway counts under 25 m2 a person as
    # crowded, so each m2 below that costs 4 points (at most 100).
    per_person = d.floor_area / h.size
    size = size - np.minimum(
        100, np.floor(4 * np.maximum(0.0, 25.0 - per_person))
    ).astype(np.int64)
    yield "size_fit", w.size_fit * np.where(room, 60, size)

    wanted = h.services & d.counted
    count = wanted.sum(axis=-1)
    total = (d.reach * wanted).sum(axis=-1)
    mean = np.where(count > 0, total / np.maximum(count, 1), 0.0)
    yield "services", np.rint(w.services * mean).astype(np.int64)

    condition = (d.condition - 1) * 25 - 50 * d.damp
    # Standard matters more for children (DOMAIN.md 7.2 item 14).
    yield "condition", w.condition * condition * (1 + h.minors)

    child = np.where(h.minors, 100 * d.playground - 100 * d.nuisance, 0)
    yield "child_suitability", w.child_suitability * child

    # Security of tenure weighs double for families (DOMAIN.md R2).
    yield "tenure", w.tenure * d.tenure * (1 + h.family)

    gap = h.need_reunited - h.need
    have = np.clip(d.bedrooms - h.need, 0, None)
    reunion = np.where(
        h.reunification & (gap > 0),
        np.rint(100 * np.minimum(have, gap) / np.maximum(gap, 1)),
        0,
    ).astype(np.int64)
    yield "reunification", w.reunification * np.where(
        room, 0, reunion
    )

    central = np.where(
        h.wish_central,
        reach_score(d.centre_minutes, sv.central_minutes, sv.zero_at_factor),
        0.0,
    )
    yield "wish_central", np.rint(w.wish_central * central).astype(
        np.int64
    )

    compatriots = _compatriots(h, d)
    yield "wish_compatriots", w.wish_compatriots * np.minimum(
        100, 10 * compatriots
    )

    # A dwelling free only after the household's deadline makes it miss
    # the settlement target it could still meet (DOMAIN.md 7.2 item 12).
    late = d.free_in >= h.late_from
    yield "late_move_in", -100 * w.late_move_in * late

    penalise = _local(d, "care_penalise",
                      policy.hard.care_housing == RuleMode.PENALISE)
    if np.any(penalise):
        yield "care_housing", -100 * w.care_housing * (d.care & penalise)


def _compatriots(h, d):
    """Households of the household's own nationality already in the area,
    for households that asked to live near compatriots (0 otherwise)."""
    return d.compatriot_table[d.area, h.nationality]
