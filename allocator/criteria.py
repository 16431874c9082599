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

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models import Instance, PlacesMode, Policy, RuleMode

from . import affordability
from .i18n import N_


@dataclass(frozen=True)
class PairRule:
    """
    A hard rule that rules pairs out.

    Parameters
    ----------
    name
        As every output names it (and the decision log's overrides).
    text
        Plain words completing "the dwelling ...".
    label
        Short words for counts: "77 too few bedrooms".
    reads
        Household attributes the rule reads: households equal in every
        attribute that some rule or criterion reads form one class, so a
        rule that reads an attribute not listed here would merge
        households it tells apart.
    off
        The policy changes that switch the rule off, by policy section
        (the policy lab prices the rule with them; the explanation tests
        free what the rule alone rules out).
    fails
        ``fails(h, d, policy)``: which pairs break it, broadcasting as
        every expression here does; ``None`` when the policy has it off.
    """

    name: str
    text: str
    label: str
    reads: tuple[str, ...] = ()
    off: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fails: Callable[..., Any] | None = None
    applies: Callable[[Instance], bool] = lambda instance: True
    """Whether the instance gives the rule anything to act on."""


@dataclass(frozen=True)
class Criterion:
    """
    A scored criterion of a pair. Its weight is the policy's field of the
    same name in ``[weights]`` (unless ``weighted`` is false).

    ``score(h, d, policy)`` gives the weighted contribution of pairs
    whose household matters only through its class; ``None`` for the
    individual criteria that ``candidates.Individual`` adds per household
    (a named place, a current school).
    """

    name: str
    label: str
    wish: bool = False
    """A household's wish rather than professional suitability."""
    reads: tuple[str, ...] = ()
    score: Callable[..., Any] | None = None
    weighted: bool = True
    """Weighted by ``[weights]``; otherwise its own policy section sets
    its points (moving on)."""


@dataclass(frozen=True)
class CouplingRule:
    """
    A rule that couples households (caps, quotas, penalties): nothing to
    rule out per pair, but a price in the policy lab.

    ``household_cap``, when given, makes the rule a cap on some households
    per group of dwellings, and is all the engines need of it:
    ``household_cap(instance, policy, hh, dw)`` returns ``None`` while the
    policy leaves the rule off, else ``(usage, group, cap, group_ids)``:
    what each household counts (0: not counted), each dwelling's group
    (-1: none), what each group may take before locks, and each group's
    name. The compiler takes out what locks use
    (``AllocationData.household_caps``).
    """

    name: str
    label: str
    off: Mapping[str, Mapping[str, Any]]
    applies: Callable[[Instance], bool] = lambda instance: True
    household_cap: Callable[..., tuple | None] | None = None


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


def _weight(d, policy: Policy, criterion: str):
    """The weight of ``criterion`` in the dwelling's municipality."""
    return _local(d, f"weight_{criterion}",
                  getattr(policy.weights, criterion))


def rooms(h, d, policy: Policy):
    """Whether the pair would be one room of a shared dwelling."""
    if not policy.shared.enabled:
        # No pair is: the same array of falses made directly, since
        # combining booleans across broadcast axes is slow (some 0.7 ms
        # a million cells, and the class tables ask for hundreds).
        return np.zeros(np.broadcast_shapes(np.shape(h.open_shared),
                                            np.shape(d.shared_rooms)),
                        dtype=bool)
    return h.open_shared & (d.shared_rooms >= 2)


# --- hard rules -----------------------------------------------------------


def _unavailable(h, d, policy: Policy):
    if policy.hard.availability:
        return ~d.available
    return None


def _outside_assigned(h, d, policy: Policy):
    if policy.hard.assigned_municipality:
        return (h.assigned >= 0) & (d.municipality != h.assigned)
    return None


_SHORT = {RuleMode.FORBID: 0, RuleMode.PENALISE: 1, RuleMode.IGNORE: 99}
"""Bedrooms a dwelling may lack: none, one (crowding penalised through
``size_fit``), or any."""


def _too_small(h, d, policy: Policy):
    short = _local(d, "short", _SHORT[policy.size.crowding])
    return ~rooms(h, d, policy) & (d.bedrooms < h.need - short)


def _too_large(h, d, policy: Policy):
    surplus = _local(d, "surplus", policy.size.allowed_surplus)
    return ~rooms(h, d, policy) & (d.bedrooms > h.need + surplus)


def _individual(h, d, policy: Policy):
    # Accessibility and avoided features are one rule, so that no output
    # reveals which kind of need a household has.
    accessibility = _local(d, "accessibility", policy.hard.accessibility)
    avoid = _local(d, "avoid_features", policy.hard.avoid_features)
    if not (np.any(accessibility) or np.any(avoid)):
        return None
    out = np.zeros(np.broadcast_shapes(h.step_free.shape,
                                       d.step_free.shape), dtype=bool)
    if np.any(accessibility):
        out |= accessibility & (
            (h.step_free & ~d.step_free)
            | (h.ground & ~d.ground)
            | (h.no_basement & d.basement)
        )
    if np.any(avoid):
        out |= avoid & ((h.avoid & d.features) != 0)
    return out


def _unsafe(h, d, policy: Policy):
    child_safety = _local(d, "child_safety", policy.hard.child_safety)
    if np.any(child_safety):
        return child_safety & h.minors & d.unsafe_for_children
    return None


def _beside_care(h, d, policy: Policy):
    forbid = _local(d, "care_forbid",
                    policy.hard.care_housing == RuleMode.FORBID)
    if np.any(forbid):
        return d.care & forbid
    return None


def _unaffordable(h, d, policy: Policy):
    if policy.affordability.mode == RuleMode.FORBID:
        return affordability.unaffordable(h, d, policy)
    return None


def _reserved(h, d, policy: Policy):
    """
    A self-found dwelling whose offer stands (``d.found_by`` >= 0) is only
    for the household that found it (``h.finder``), and for it only once
    accepted and approved; a household whose own dwelling is accepted and
    approved gets no other (``h.own_approved``).
    """
    if not policy.hard.self_found:
        return None
    reserved = (d.found_by >= 0) & (
        (h.finder != d.found_by) | ~d.found_approved
    )
    elsewhere = h.own_approved & (d.found_by != h.finder)
    return reserved | elsewhere


def _has_incomes(instance: Instance) -> bool:
    return any(h.monthly_income_nok is not None for h in instance.households)


def _has_self_found(instance: Instance) -> bool:
    return any(d.found_by is not None for d in instance.dwellings)


def _has_assigned(instance: Instance) -> bool:
    return len(instance.municipalities) > 1 and any(
        h.assigned_municipality for h in instance.households
    )


PAIR_RULES = (
    PairRule(
        "availability",
        N_("is not available within the planning horizon"),
        N_("not available in time"),
        off={"hard": {"availability": False}},
        fails=_unavailable,
    ),
    PairRule(
        "assigned_municipality",
        N_("lies outside the household's assigned municipality"),
        N_("outside the assigned municipality"),
        reads=("assigned",),
        off={"hard": {"assigned_municipality": False}},
        fails=_outside_assigned,
        applies=_has_assigned,
    ),
    PairRule(
        "size_too_small",
        N_("has too few bedrooms"),
        N_("too few bedrooms"),
        reads=("need", "open_shared"),
        off={"size": {"crowding": RuleMode.IGNORE}},
        fails=_too_small,
    ),
    PairRule(
        "size_too_large",
        N_("has more bedrooms than the allowed surplus"),
        N_("more bedrooms than the allowed surplus"),
        reads=("need", "open_shared"),
        off={"size": {"allowed_surplus": 12}},  # the most allowed
        fails=_too_large,
    ),
    PairRule(
        "individual_need",
        N_("is ruled out by an individual need"),
        N_("ruled out by an individual need"),
        reads=("step_free", "ground", "no_basement", "avoid"),
        off={"hard": {"accessibility": False, "avoid_features": False}},
        fails=_individual,
    ),
    PairRule(
        "child_safety",
        N_("is damp or unsuitable for children"),
        N_("damp or unsuitable for children"),
        reads=("minors",),
        off={"hard": {"child_safety": False}},
        fails=_unsafe,
    ),
    PairRule(
        "care_housing",
        N_("is beside care housing for substance abuse or psychiatry"),
        N_("beside care housing"),
        off={"hard": {"care_housing": RuleMode.IGNORE}},
        fails=_beside_care,
    ),
    PairRule(
        "affordability",
        N_("costs more of the household's income than the policy allows, "
           "after the housing allowance"),
        N_("not affordable"),
        reads=("income", "size"),
        off={"affordability": {"mode": RuleMode.IGNORE}},
        fails=_unaffordable,
        applies=_has_incomes,
    ),
    PairRule(
        "self_found",
        N_("is a self-found dwelling reserved for its household, or awaits "
           "the municipality's acceptance and IMDi's approval"),
        N_("self-found dwelling reserved or awaiting approval"),
        reads=("finder", "own_approved"),
        off={"hard": {"self_found": False}},
        fails=_reserved,
        applies=_has_self_found,
    ),
    PairRule(
        "banned",
        N_("was banned for this household by the housing office"),
        N_("banned for this household"),
    ),
)
"""Hard rules in the order explanations list them. Bans are the office's
decisions (added by the compiler, never overridden), so they have no
expression and no switch."""


def rule_failures(h, d, policy: Policy) -> np.ndarray:
    """
    Which hard rules each pair breaks, as a boolean array with one leading
    row per rule in ``RULES`` order. Bans are added by the caller.
    """
    shape = np.broadcast_shapes(h.need.shape, d.bedrooms.shape)
    fail = np.zeros((len(PAIR_RULES), *shape), dtype=bool)
    for row, rule in enumerate(PAIR_RULES):
        if rule.fails is not None:
            broken = rule.fails(h, d, policy)
            if broken is not None:
                fail[row] = broken
    return fail


# --- scored criteria --------------------------------------------------------


def _size_fit(h, d, policy: Policy):
    surplus = d.bedrooms - h.need
    size = np.where(surplus >= 0, 100 - 40 * surplus, -100)
    # Near-crowding: Statistics Norway counts under 25 m2 a person as
    # crowded, so each m2 below that costs 4 points (at most 100).
    per_person = d.floor_area / h.size
    size = size - np.minimum(
        100, np.floor(4 * np.maximum(0.0, 25.0 - per_person))
    ).astype(np.int64)
    return _weight(d, policy, "size_fit") * np.where(
        rooms(h, d, policy), 60, size
    )


def _services(h, d, policy: Policy):
    wanted = h.services & d.counted
    count = wanted.sum(axis=-1)
    total = (d.reach * wanted).sum(axis=-1)
    mean = np.where(count > 0, total / np.maximum(count, 1), 0.0)
    return np.rint(_weight(d, policy, "services") * mean).astype(np.int64)


def _condition(h, d, policy: Policy):
    condition = (d.condition - 1) * 25 - 50 * d.damp
    # Standard matters more for children (DOMAIN.md 7.2 item 14).
    return _weight(d, policy, "condition") * condition * (1 + h.minors)


def _child_suitability(h, d, policy: Policy):
    child = np.where(h.minors, 100 * d.playground - 100 * d.nuisance, 0)
    return _weight(d, policy, "child_suitability") * child


def _tenure(h, d, policy: Policy):
    # Security of tenure weighs double for families (DOMAIN.md R2).
    return _weight(d, policy, "tenure") * d.tenure * (1 + h.family)


def _reunification(h, d, policy: Policy):
    gap = h.need_reunited - h.need
    have = np.clip(d.bedrooms - h.need, 0, None)
    reunion = np.where(
        h.reunification & (gap > 0),
        np.rint(100 * np.minimum(have, gap) / np.maximum(gap, 1)),
        0,
    ).astype(np.int64)
    return _weight(d, policy, "reunification") * np.where(
        rooms(h, d, policy), 0, reunion
    )


def _wish_central(h, d, policy: Policy):
    sv = policy.services
    central = np.where(
        h.wish_central,
        reach_score(d.centre_minutes, sv.central_minutes, sv.zero_at_factor),
        0.0,
    )
    return np.rint(_weight(d, policy, "wish_central") * central).astype(
        np.int64
    )


def _wish_compatriots(h, d, policy: Policy):
    # Households of the household's own nationality already in the area,
    # for households that asked to live near compatriots (0 otherwise).
    compatriots = d.compatriot_table[d.area, h.nationality]
    return _weight(d, policy, "wish_compatriots") * np.minimum(
        100, 10 * compatriots
    )


def _care_housing(h, d, policy: Policy):
    penalise = _local(d, "care_penalise",
                      policy.hard.care_housing == RuleMode.PENALISE)
    if np.any(penalise):
        return (-100 * _weight(d, policy, "care_housing")
                * (d.care & penalise))
    return None


def _late_move_in(h, d, policy: Policy):
    # A dwelling free only after the household's deadline makes it miss
    # the settlement target it could still meet (DOMAIN.md 7.2 item 12).
    late = d.free_in >= h.late_from
    return -100 * _weight(d, policy, "late_move_in") * late


def _affordability(h, d, policy: Policy):
    if policy.affordability.mode == RuleMode.PENALISE:
        return -_weight(d, policy, "affordability") * (
            affordability.penalty_points(h, d, policy)
        )
    return None


CRITERIA_RECORDS = (
    Criterion("size_fit", N_("size fit"), reads=("need", "size",
              "open_shared"), score=_size_fit),
    Criterion("services", N_("services within reach"), reads=("services",),
              score=_services),
    Criterion("condition", N_("dwelling condition"), reads=("minors",),
              score=_condition),
    Criterion("child_suitability", N_("child-friendly surroundings"),
              reads=("minors",), score=_child_suitability),
    Criterion("tenure", N_("security of tenure"), reads=("family",),
              score=_tenure),
    Criterion("reunification", N_("room for expected reunification"),
              reads=("need", "need_reunited", "reunification",
                     "open_shared"), score=_reunification),
    Criterion("wish_central", N_("wish: central"), wish=True,
              reads=("wish_central",), score=_wish_central),
    Criterion("wish_compatriots", N_("wish: near compatriots"), wish=True,
              reads=("nationality",), score=_wish_compatriots),
    Criterion("wish_place", N_("wish: near a named place"), wish=True),
    Criterion("school_change", N_("keeping the children's school")),
    Criterion("care_housing", N_("beside care housing"),
              score=_care_housing),
    Criterion("late_move_in", N_("moving in after the settlement deadline"),
              reads=("late_from",), score=_late_move_in),
    Criterion("affordability", N_("housing cost against income"),
              reads=("income", "size"), score=_affordability),
    # Scored per tenant by ``allocator.moving``, not per class.
    Criterion("moving", N_("a sitting tenant staying or moving on"),
              weighted=False),
)
"""Scored criteria of a pair, in the order of ``pair_scores``' columns;
each weighted contribution is an integer."""


def _has_tenants(instance: Instance) -> bool:
    return any(h.moving_on for h in instance.households)


def _has_service_places(instance: Instance) -> bool:
    """Whether some area or municipality limits a kind of service place."""
    return any(a.school_places is not None
               or a.kindergarten_places is not None
               for a in instance.areas) or any(
        m.introduction_places is not None for m in instance.municipalities)


def _has_quotas(instance: Instance) -> bool:
    return any(m.quotas for m in instance.municipalities)


COUPLING_RULES = (
    CouplingRule("municipality_quota", N_("council decision (quota)"),
                 off={"hard": {"municipality_quota": False}},
                 applies=_has_quotas),
    CouplingRule("count_reunification",
                 N_("bedrooms counted for expected reunification"),
                 off={"size": {"count_reunification": False}}),
    CouplingRule("area_cap", N_("dispersion cap of an area"),
                 off={"dispersion": {"area_cap_share": None}}),
    CouplingRule("building_cap", N_("dispersion cap of a building"),
                 off={"dispersion": {"building_cap": None}}),
    CouplingRule("soft_dispersion", N_("dispersion target of an area"),
                 off={"dispersion": {"area_target_share": None}}),
    CouplingRule("moving_on", N_("sitting tenants moving on"),
                 off={"moving": {"enabled": False}}, applies=_has_tenants),
    CouplingRule("service_places",
                 N_("school, kindergarten and introduction places"),
                 off={"places": {"mode": PlacesMode.OFF}},
                 applies=_has_service_places),
    CouplingRule("municipal_policies", N_("each municipality's own rules"),
                 off={"municipal": {}}),
)
"""Rules between households, and settings priced like rules."""


RULES = tuple(rule.name for rule in PAIR_RULES)
CRITERIA = tuple(c.name for c in CRITERIA_RECORDS)
CRITERION_COL = {c: i for i, c in enumerate(CRITERIA)}
CLASS_FIELDS = tuple(dict.fromkeys(
    name for record in (*PAIR_RULES, *CRITERIA_RECORDS)
    for name in record.reads
))
"""Household attributes that rules and class criteria read: households
equal in all of them form one class."""


def class_scores(h, d, policy: Policy, leave_out=()) -> np.ndarray:
    """
    Weighted contribution of every criterion that depends on the household
    only through its class; the last axis follows ``CRITERIA``. The two
    individual criteria (a named place, a current school) are left at zero
    and added by ``Individual``, as are the criteria named in
    ``leave_out`` (the caller fills them in its own way).
    """
    shape = rooms(h, d, policy).shape
    out = np.zeros((*shape, len(CRITERIA)), dtype=np.int64)
    for criterion, values in _class_criteria(h, d, policy, leave_out):
        out[..., CRITERION_COL[criterion]] = values
    return out


def class_quality(h, d, policy: Policy, leave_out=()) -> np.ndarray:
    """
    The sum of ``class_scores`` over the criteria, added up criterion by
    criterion: on national's class tables the per-criterion array would
    be most of the compile's time and memory. The criteria named in
    ``leave_out`` are not added (the caller adds them its own way, as
    the class tables add ``services`` from ``services_table``).
    """
    total = np.zeros(rooms(h, d, policy).shape, dtype=np.int64)
    for _, values in _class_criteria(h, d, policy, leave_out):
        total += values
    return total


def criteria_table(names, h, d, policy: Policy) -> np.ndarray:
    """
    The sum of the class criteria ``names`` for each household row of
    ``h`` (shaped ``(rows, 1)``) against every dwelling of ``d`` (shaped
    ``(1, D)``), shape ``(rows, D)``: the same expressions per pair as
    ``class_scores``, so the same values, for criteria whose household
    attributes take few distinct values (the class tables look each
    cell up here instead of computing it).
    """
    shape = np.broadcast_shapes(h.need.shape, d.bedrooms.shape)
    total = np.zeros(shape, dtype=np.int64)
    for criterion in CRITERIA_RECORDS:
        if criterion.score is not None and criterion.name in names:
            values = criterion.score(h, d, policy)
            if values is not None:
                total += values
    return total


def _class_criteria(h, d, policy: Policy, leave_out=()):
    """(criterion, weighted values) of each class criterion in turn."""
    for criterion in CRITERIA_RECORDS:
        if criterion.score is not None and criterion.name not in leave_out:
            values = criterion.score(h, d, policy)
            if values is not None:
                yield criterion.name, values


def without(policy: Policy, rule: PairRule | CouplingRule) -> Policy:
    """The policy with ``rule`` switched off as its record says: each
    section named takes the values given, and a section given no values
    is emptied (each municipality's own rules)."""
    data = policy.model_dump()
    for section, values in rule.off.items():
        data[section] = {**data[section], **values} if values else {}
    return Policy.model_validate(data)
