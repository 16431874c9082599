"""Compiles an instance and a policy into AllocationData arrays."""

from __future__ import annotations

import math
import operator
from collections import defaultdict
from datetime import date
from types import SimpleNamespace

import numpy as np

from models import (
    ADULT_AGE,
    DAYS_PER_MONTH,
    Approval,
    DecisionKind,
    DwellingFeature,
    HouseholdType,
    Instance,
    Policy,
    Relation,
    ServiceKind,
    Sex,
    Tenure,
    UnknownNeed,
)
from models.municipal import MunicipalWeights
from models.policy import ObjectiveMode, RuleMode

from . import criteria, memory, moving
from . import household_columns as columns
from .affordability import UNKNOWN_INCOME, applies, housing_cost
from .arrays import DwellingArrays, GatheredRows, HouseholdArrays, Rows
from .candidates import (
    Candidates,
    ClassTable,
    Individual,
    best_first,
    lock_check,
)
from .collector import paused as collector_paused
from .criteria import (
    CLASS_FIELDS,
    CRITERIA_RECORDS,
    PAIR_RULES,
    class_quality,
    criteria_table,
    reach_score,
    rooms,
    rule_failures,
)
from .data import RULES, UNLIMITED, AllocationData, HouseholdCap, LockConflict
from .household_columns import SENIOR_AGE
from .i18n import _
from .locks import apply_locks, rooms_left
from .places import apply_place_locks, compile_places
from .proximity import minutes_to_services, travel_graph

FULL_PAIRS_LIMIT = 4_000_000
"""Above this many eligible pairs the compiler keeps only the best
candidates per household; engines then price the rest (see pricing)."""

CANDIDATES_PER_HOUSEHOLD = 24
"""Candidates kept per household when pruning."""

DENSE_CELLS = 1_000_000
"""Class-by-dwelling cells evaluated at a time: bounds memory."""


TENURE_SECURITY = {
    Tenure.RENT_TO_OWN: 100,
    Tenure.MUNICIPAL: 80,
    Tenure.GUARANTEED_PRIVATE: 60,
    Tenure.SUBLET: 50,
    Tenure.PRIVATE_LEASE: 40,
    Tenure.SELF_FOUND: 40,
}
"""Security of tenure, 0-100 (DOMAIN.md D1, D9, R2: renting privately is
"never safe and long-term"; rent-to-own gives a path to stay)."""

CARE_FEATURES = frozenset(
    {
        DwellingFeature.CARE_HOUSING_SUBSTANCE,
        DwellingFeature.CARE_HOUSING_PSYCHIATRY,
    }
)

FEATURE_BIT = {feature: 1 << i for i, feature in enumerate(DwellingFeature)}


def _bits(features) -> int:
    return sum(FEATURE_BIT[f] for f in features or ())


def bedrooms_needed(members, norm) -> int:
    """
    Bedrooms a household needs under the policy's size norm.

    A lone adult or minor needs none (a bedsit will do). Otherwise the head
    and a partner share when ``couples_share``, other adults get a room
    each, teenagers from ``own_room_age`` a room each, and younger children
    share ``children_per_room`` to a room, of the same sex once one of them
    has reached ``mixed_sex_until_age``.
    """
    if len(members) == 1:
        return 0
    adults = [m for m in members if m.age >= ADULT_AGE]
    partners = any(m.relation == Relation.PARTNER for m in adults)
    rooms_ = len(adults)
    if norm.couples_share and partners and len(adults) >= 2:
        rooms_ -= 1
    children = [m for m in members if m.age < ADULT_AGE]
    rooms_ += sum(m.age >= norm.own_room_age for m in children)
    young = [m for m in children if m.age < norm.own_room_age]
    small = [m for m in young if m.age < norm.mixed_sex_until_age]
    older = [m for m in young if m.age >= norm.mixed_sex_until_age]
    per = norm.children_per_room
    # Older children share only with their own sex; small children fill the
    # remaining places in any room, then rooms of their own.
    spare = 0
    for sex in Sex:
        group = sum(m.sex == sex for m in older)
        rooms_ += math.ceil(group / per)
        spare += (-group) % per
    rooms_ += math.ceil(max(0, len(small) - spare) / per)
    return max(rooms_, 1)


def household_priority(household, as_of: date, policy: Policy) -> int:
    """Priority points from waiting time against the household's deadline."""
    waited = (as_of - household.permit_date).days
    deadline = deadline_days(household, policy, exact=True)
    p = policy.priority
    urgency = p.per_deadline * min(waited / deadline, p.cap)
    points = p.base + int(round(urgency))
    if household.is_priority_group:
        points += p.group_bonus
    if waited > policy.deadlines.maximum_months * DAYS_PER_MONTH:
        points += p.overdue_bonus
    return points


def deadline_days(household, policy: Policy, exact: bool = False):
    """The household's settlement deadline in days (3 or 6 months)."""
    months = (
        policy.deadlines.priority_months
        if household.is_priority_group
        else policy.deadlines.standard_months
    )
    days = months * DAYS_PER_MONTH
    return days if exact else int(round(days))


def quota_usage(household, dim: str) -> int:
    """What a household uses of one quota dimension."""
    return quota_usages(household)[dim]


def quota_usages(household) -> dict[str, int]:
    """What a household uses of each quota dimension: its type and ages
    read once for all of them."""
    t = household.household_type
    ages = [m.age for m in household.members]
    return {
        "households": 1,
        "persons": len(ages),
        "single_adults": int(t == HouseholdType.SINGLE_ADULT),
        "families": int(
            t
            in (
                HouseholdType.FAMILY_WITH_CHILDREN,
                HouseholdType.SINGLE_PARENT,
                HouseholdType.COUPLE,
                HouseholdType.OTHER_ADULTS,
            )
        ),
        "unaccompanied_minors": int(t == HouseholdType.UNACCOMPANIED_MINOR),
        "children": sum(a < ADULT_AGE for a in ages),
        "adults": sum(ADULT_AGE <= a < SENIOR_AGE for a in ages),
        "seniors": sum(a >= SENIOR_AGE for a in ages),
    }


def area_room(share, residents, existing):
    """
    Refugee households that can be added to an area while the share of
    refugee households stays at most ``share`` after the batch:
    ``(existing + x) / (residents + x) <= share``.
    """
    if share is None or share >= 1:
        return UNLIMITED
    return max(0, math.floor((share * residents - existing) / (1 - share)))


def _first_sex(hs, members) -> np.ndarray:
    """The sex of each household's first member, as its position in
    ``Sex``."""
    sex = members.sex[members.first]
    if (sex < 0).any():
        # Fails as a lookup of the unknown sex fails.
        return np.array([list(Sex).index(h.members[0].sex) for h in hs],
                        dtype=np.int64)
    return sex


def _households(instance: Instance, policy: Policy, nationality_index,
                late_from: np.ndarray, members,
                found_by: np.ndarray) -> HouseholdArrays:
    """Per-household attributes as arrays of shape (H,); what follows
    from the members and dates is computed from ``members``
    (``household_columns.Members``) for all at once, and the dwellings
    found by households from ``found_by`` (``_found_by``)."""
    hs = instance.households
    H = len(hs)
    unknown_is_need = policy.unknown_need == UnknownNeed.NEED
    m_index = {m.id: i for i, m in enumerate(instance.municipalities)}

    def need(values):
        return np.array(
            [bool(v) or (v is None and unknown_is_need) for v in values],
            dtype=bool,
        ).reshape(H)

    def arr(values, dtype):
        return np.array(list(values), dtype=dtype).reshape(H)

    need_rooms = columns.bedrooms_needed(members, policy.size)
    extra = columns.extra_rooms(members)
    if policy.size.count_reunification:
        need_rooms = need_rooms + extra
    adults = members.count(members.age >= ADULT_AGE)
    return HouseholdArrays(
        n=H,
        need=need_rooms,
        need_reunited=need_rooms + extra,
        size=members.size,
        minors=adults < members.size,
        family=members.of_type(columns.WITH_CHILDREN),
        reunification=members.reunification > 0,
        step_free=need(h.needs_step_free for h in hs),
        ground=need(h.needs_ground_floor for h in hs),
        no_basement=need(h.needs_no_basement for h in hs),
        avoid=arr((_bits(h.avoid_features) for h in hs), np.int64),
        open_shared=arr(
            (
                h.open_to_shared is True
                and h.size == 1
                and h.members[0].age >= policy.shared.min_age
                for h in hs
            ),
            bool,
        ),
        assigned=arr(
            (m_index.get(h.assigned_municipality, -1) for h in hs), np.int64
        ),
        wish_central=arr((h.wish_central for h in hs), bool),
        nationality=arr(
            (
                nationality_index.get(h.nationality, -1)
                if h.wish_near_compatriots
                else -1
                for h in hs
            ),
            np.int64,
        ),
        services=columns.services_needed(members),
        priority=columns.priority(members, instance.as_of, policy),
        sex=_first_sex(hs, members),
        age=members.age[members.first],
        income=_incomes(hs, policy),
        **_finders(instance, found_by),
        late_from=late_from,
    )


def _incomes(hs, policy: Policy) -> np.ndarray:
    """Monthly income in whole kroner, ``UNKNOWN_INCOME`` when unknown or
    while the affordability rule is off (so that income splits no
    class)."""
    on = applies(policy)
    return np.array(
        [
            UNKNOWN_INCOME
            if not on or h.monthly_income_nok is None
            else int(round(h.monthly_income_nok))
            for h in hs
        ],
        dtype=np.int64,
    ).reshape(len(hs))


def offer_stands(d, as_of: date) -> bool:
    """Whether a dwelling is self-found and its landlord's offer stands."""
    return d.found_by is not None and (
        d.offer_lapses is None or as_of <= d.offer_lapses
    )


def _found_by(instance: Instance, policy: Policy) -> np.ndarray:
    """Position of the household each dwelling is reserved for while its
    offer stands (DOMAIN.md 7.1.9), else -1."""
    h_index = {h.id: i for i, h in enumerate(instance.households)}
    on = policy.hard.self_found
    return np.array(
        [
            h_index[d.found_by] if on and offer_stands(d, instance.as_of)
            else -1
            for d in instance.dwellings
        ],
        dtype=np.int64,
    ).reshape(len(instance.dwellings))


def _approved(d) -> bool:
    return (d.municipal_acceptance == Approval.GRANTED
            and d.imdi_approval == Approval.GRANTED)


def _finders(instance: Instance, found: np.ndarray) -> dict:
    """``finder``: the household's own position when a dwelling is reserved
    for it (a class of its own), else -1; ``own_approved``: whether one of
    them is accepted and approved; ``found`` is ``_found_by``."""
    H = len(instance.households)
    finder = np.full(H, -1, dtype=np.int64)
    own = np.zeros(H, dtype=bool)
    for d, h in zip(instance.dwellings, found.tolist()):
        if h >= 0:
            finder[h] = h
            own[h] |= _approved(d)
    return {"finder": finder, "own_approved": own}


NEVER_LATE = np.iinfo(np.int64).max
"""``late_from`` of a household no dwelling can make late."""


def _late_from(instance: Instance, policy: Policy, free_in: np.ndarray,
               members) -> np.ndarray:
    """
    For each household, the fewest days until a dwelling is free that make
    it move in after its settlement deadline, or ``NEVER_LATE``.

    Households already past the deadline, and those whose deadline falls
    after every dwelling is free, are never late. The value is rounded up
    to the next day on which some dwelling frees, so that households late
    for the same dwellings share a class.
    """
    opens = np.unique(free_in)
    slack = (members.permit_day - instance.as_of.toordinal()
             + columns.deadline_days(members, policy))
    k = np.searchsorted(opens, slack, side="right")
    # Already late (negative slack), whichever dwelling it takes.
    made_late = (slack >= 0) & (k < len(opens))
    out = np.full(len(instance.households), NEVER_LATE, dtype=np.int64)
    out[made_late] = opens[k[made_late]]
    return out


DWELLING_FIELDS = (
    "bedrooms", "floor_area_m2", "floor", "step_free", "lift", "basement",
    "damp", "child_suitable", "shared_rooms", "condition", "rent_nok",
    "municipality", "area",
)
"""Dwelling fields read as they are, one column each (``_dwellings``)."""


def _dwelling_columns(ds, as_of: date) -> SimpleNamespace:
    """
    The dwellings' fields as columns, read in one pass: those of
    ``DWELLING_FIELDS`` as they are, features as bits (each distinct set
    once), dates as days from ``as_of`` (``available_until`` as
    ``NEVER_LATE`` when open), tenure as its security, and utilities as
    NaN when unknown.
    """
    read = operator.attrgetter(*DWELLING_FIELDS, "features", "tenure",
                               "lease_months", "available_from",
                               "available_until", "utilities_nok")
    rows = list(map(read, ds))
    n = len(DWELLING_FIELDS)
    columns = dict(zip(DWELLING_FIELDS, zip(*rows))) if rows else {
        name: () for name in DWELLING_FIELDS}
    bits: dict[frozenset, int] = {}
    day = as_of.toordinal()
    features, tenure, free_from, until, utilities = [], [], [], [], []
    for row in rows:
        found, kind, lease, start, end, extra = row[n:]
        if found not in bits:
            bits[found] = _bits(found)
        features.append(bits[found])
        tenure.append(TENURE_SECURITY[kind]
                      - (30 if lease is not None and lease < 12 else 0))
        free_from.append(start.toordinal() - day)
        until.append(NEVER_LATE if end is None else end.toordinal() - day)
        utilities.append(np.nan if extra is None else extra)
    return SimpleNamespace(
        **columns, features=features, tenure=tenure, free_from=free_from,
        until=until, utilities=utilities)


def _dwellings(instance: Instance, policy: Policy, graph, nationality_index
               ) -> DwellingArrays:
    """Per-dwelling attributes as arrays of shape (D,)."""
    ds = instance.dwellings
    D = len(ds)
    m_index = {m.id: i for i, m in enumerate(instance.municipalities)}
    a_index = {a.id: i for i, a in enumerate(instance.areas)}
    col = _dwelling_columns(ds, instance.as_of)

    def arr(values, dtype):
        return np.array(values, dtype=dtype).reshape(D)

    features = arr(col.features, np.int64)
    floor = arr(col.floor, np.int64)
    basement = arr(col.basement, bool)
    bedrooms = arr(col.bedrooms, np.int64)
    free_from = arr(col.free_from, np.int64)
    municipality = arr([m_index[m] for m in col.municipality], np.int64)
    reach, counted = _service_reach(instance, policy, graph)
    local = _local_policies(instance, policy)
    per_municipality = [local[m.id] for m in instance.municipalities]
    horizon = np.array([p.horizon_days for p in per_municipality],
                       dtype=np.int64)[municipality]
    damp = arr(col.damp, bool)
    return DwellingArrays(
        n=D,
        bedrooms=bedrooms,
        floor_area=arr(col.floor_area_m2, float),
        step_free=arr(col.step_free, bool) & (
            (floor == 0) | arr(col.lift, bool)),
        ground=(floor == 0) & ~basement,
        basement=basement,
        features=features,
        care=(features & _bits(CARE_FEATURES)) != 0,
        unsafe_for_children=damp | ~arr(col.child_suitable, bool),
        available=(free_from <= horizon) & (arr(col.until, np.int64) >= 0),
        shared_rooms=arr(col.shared_rooms, np.int64),
        free_in=np.maximum(0, free_from),
        condition=arr(col.condition, np.int64),
        damp=damp,
        tenure=arr(col.tenure, np.int64),
        playground=(features & FEATURE_BIT[DwellingFeature.PLAYGROUND]) != 0,
        nuisance=(features & _bits({DwellingFeature.BUSY_ROAD,
                                    DwellingFeature.NOISE})) != 0,
        municipality=municipality,
        area=arr([a_index[a] for a in col.area], np.int64),
        reach=reach,
        counted=counted,
        centre_minutes=_centre_minutes(instance, graph),
        compatriot_table=_compatriots(instance, a_index, nationality_index),
        cost=housing_cost(arr(col.rent_nok, float),
                          arr(col.utilities, float), bedrooms, policy),
        found_by=_found_by(instance, policy),
        found_approved=arr([_approved(d) for d in ds], bool),
        local=(_local_rules(per_municipality, municipality)
               if policy.municipal else {}),
    )


def _service_reach(instance: Instance, policy: Policy, graph):
    """
    Reach score of each dwelling for each service kind, shape (D, K),
    and which kinds count: only those with a target time in
    ``services.target_minutes`` (the others stay zero).
    """
    sv = policy.services
    targets = np.array([sv.target_minutes.get(k, 0) for k in ServiceKind],
                       float)
    counted = targets > 0
    # A kind's score is zero from ``zero_at_factor`` times its target on
    # (the factor is above 1): its search stops there, and the kinds
    # that do not count are not searched.
    within = {kind: float(targets[k] * sv.zero_at_factor)
              for k, kind in enumerate(ServiceKind) if counted[k]}
    minutes = minutes_to_services(instance, graph, within)
    reach = np.zeros_like(minutes)
    for k in np.flatnonzero(counted):
        reach[:, k] = reach_score(minutes[:, k], targets[k],
                                  sv.zero_at_factor)
    return reach, counted


def _centre_minutes(instance: Instance, graph) -> np.ndarray:
    """Travel minutes from each dwelling's municipality centre to it."""
    centre = {m.id: m.centre_node for m in instance.municipalities}
    from .proximity import minutes_between

    return minutes_between(
        graph, [(centre[d.municipality], d.node) for d in instance.dwellings]
    )


def _compatriots(instance: Instance, a_index, nationality_index):
    """Households of each nationality already living in each area, shape
    (areas, nationalities + 1); the last column stays zero for households
    of no known nationality (index -1)."""
    compatriots = np.zeros(
        (len(instance.areas), len(nationality_index) + 1), dtype=np.int64
    )
    for row in instance.area_nationalities:
        if row.nationality in nationality_index:
            compatriots[a_index[row.area],
                        nationality_index[row.nationality]] += row.households
    return compatriots


SHORT_ALLOWED = {RuleMode.FORBID: 0, RuleMode.PENALISE: 1, RuleMode.IGNORE: 99}
"""Bedrooms a dwelling may be short by each ``size.crowding`` mode."""

LOCAL_WEIGHTS = tuple(MunicipalWeights.model_fields)
"""Criteria weights a municipality's own policy may change."""


def _local_policies(instance: Instance, policy: Policy) -> dict:
    """
    Each municipality's rules for its dwellings (``Policy.municipal``).
    Rules for municipalities outside the instance play no part (one
    municipality's own instance in a chained run); the commands report
    them for a whole instance (``io.policy.municipal_problems``).
    """
    return {m.id: policy.for_municipality(m.id)
            for m in instance.municipalities}


def _local_rules(per_municipality, municipality) -> dict[str, np.ndarray]:
    """
    Per-dwelling copies of the rules and weights a municipality may set
    (``models.municipal``), read as ``local_*`` arrays; ``criteria``
    takes them in place of the national values where present. Each is
    taken once per municipality (``per_municipality``, in the order of
    the instance's) and spread to the dwellings by their
    ``municipality`` positions.
    """

    def arr(values, dtype):
        return np.array(list(values), dtype=dtype).reshape(
            len(per_municipality))[municipality]

    local = {
        "surplus": arr((p.size.allowed_surplus for p in per_municipality),
                       np.int64),
        "short": arr((SHORT_ALLOWED[p.size.crowding]
                      for p in per_municipality), np.int64),
    }
    for rule in ("accessibility", "avoid_features", "child_safety"):
        local[rule] = arr((getattr(p.hard, rule) for p in per_municipality),
                          bool)
    local["care_forbid"] = arr((p.hard.care_housing == RuleMode.FORBID
                                for p in per_municipality), bool)
    local["care_penalise"] = arr((p.hard.care_housing == RuleMode.PENALISE
                                  for p in per_municipality), bool)
    for name in LOCAL_WEIGHTS:
        local[f"weight_{name}"] = arr(
            (getattr(p.weights, name) for p in per_municipality), np.int64)
    return local


def _take(ns: Rows, index, dense: bool) -> Rows:
    """Attributes of some rows, shaped to broadcast: ``(n, 1)`` (dense)
    or ``(P,)`` (pairs); per-kind arrays keep their last axis."""

    def pick(value: np.ndarray) -> np.ndarray:
        part = value[index]
        if dense:
            part = part[:, None] if part.ndim == 1 else part[:, None, :]
        return part

    return ns.with_rows(pick)


def _all(ns: DwellingArrays) -> DwellingArrays:
    """Every dwelling, shaped ``(1, D)`` to broadcast against classes."""
    return ns.with_rows(lambda value: value[None, ...])


def compile_instance(
    instance: Instance,
    policy: Policy,
    candidates_per_household: int | None = None,
    *,
    previous: dict[str, str] | None = None,
    overrides: dict[tuple[str, str], str] | None = None,
) -> AllocationData:
    """
    Compiles a validated instance into solver-ready arrays.

    Rules and class criteria are evaluated once per household class (the
    households equal in every attribute they read) against every dwelling,
    so the cost grows with classes times dwellings, not households times
    dwellings.

    Parameters
    ----------
    instance
        The validated instance.
    policy
        The matching rules.
    candidates_per_household
        Keep only this many best dwellings per household as free pairs,
        leaving the rest to be priced by the engines. ``None`` (default)
        keeps every eligible pair unless there are more than
        ``FULL_PAIRS_LIMIT``, and then keeps ``CANDIDATES_PER_HOUSEHOLD``.
    previous
        Household id -> dwelling id of a previous proposal. Each still
        eligible previous pair gets the keep bonus in its quality (see
        ``keep_bonus``), so that the engines house the most priority,
        then keep the most previous matches, then seek quality.
    overrides
        (household id, dwelling id) -> the hard rule a lock of that pair
        breaks on purpose: the lock holds although it breaks that rule
        (and only that one).

    Returns
    -------
    AllocationData
        Eligible free pairs with integer scores, capacities and quotas after
        locks, and the exact per-rule exclusion counts of every household.
    """
    with collector_paused():
        return _compiled(instance, policy, candidates_per_household,
                         previous, overrides)


def _compiled(instance, policy, candidates_per_household, previous,
              overrides) -> AllocationData:
    """``compile_instance``, with the collector paused."""
    nationality_index = _nationality_index(instance)
    graph = travel_graph(instance)
    dw = _dwellings(instance, policy, graph, nationality_index)
    members = columns.Members.of(instance.households)
    hh = _households(instance, policy, nationality_index, _late_from(
        instance, policy, dw.free_in[dw.available], members), members,
        dw.found_by)
    h_index = {h.id: i for i, h in enumerate(instance.households)}
    d_index = {d.id: i for i, d in enumerate(instance.dwellings)}
    banned, locks = _decisions(instance, h_index, d_index)
    candidates, rooms = _candidates(
        instance, policy, graph, hh, dw, banned, locks, overrides or {},
        candidates_per_household,
    )
    lexicographic = policy.objective == ObjectiveMode.LEXICOGRAPHIC
    penalty = _dispersion_penalty(policy)
    places = compile_places(instance, policy, dw.area, dw.municipality)
    # The most any assignment can pay for places over: every free
    # household's places, each at the penalty.
    places_bound = places.penalty * int(places.usage.sum())
    keep_bonus = 0
    if previous is not None:
        keep_bonus = _keep(instance, policy, candidates, previous, locks,
                           h_index, d_index, lexicographic, penalty,
                           places_bound)
    keep = _kept_per_household(instance, policy, candidates,
                               candidates_per_household)
    pairs = _free_pairs(candidates, keep, hh.n)
    caps = _caps(instance, policy, hh, dw, members)
    locked, places = _locked(
        instance, policy, hh, dw, candidates, locks, rooms, caps, places,
        penalty, keep_bonus, previous, h_index, d_index,
    )
    scale = _scale(candidates, penalty, hh.n, places_bound)
    return moving.with_tenants(_allocation_data(
        instance, policy, hh, dw, candidates, pairs, rooms, caps, locked,
        places, locks, keep, keep_bonus, penalty,
        scale if lexicographic else 1,
    ), instance, policy, previous)


def _dispersion_penalty(policy: Policy) -> int:
    """The penalty per household beyond an area's target; none without
    a target."""
    return (
        policy.weights.dispersion
        if policy.dispersion.area_target_share is not None
        else 0
    )


def _scale(candidates, penalty, H: int, places_bound: int) -> int:
    """
    The weight of one priority point in lexicographic mode.

    Exact lexicographic order. Between two assignments the secondary
    objective differs by at most twice every free household's largest
    absolute quality (from its worst pair in one to its best in the
    other; the keep bonus is part of it) plus every dispersion penalty;
    locks are in both. A scale above that keeps priority strictly
    first: one priority point outweighs any change of quality.
    """
    return (
        2 * int(candidates.best_abs_quality().sum())
        + penalty * H
        + places_bound
        + 1
    )


def _nationality_index(instance: Instance) -> dict[str, int]:
    """Column of each nationality named by a household or an area, in
    sorted order, so that the compatriot table is the same every run."""
    return {
        nat: i
        for i, nat in enumerate(
            sorted({h.nationality for h in instance.households
                    if h.nationality} | {
                r.nationality for r in instance.area_nationalities
            })
        )
    }


def _decisions(instance: Instance, h_index, d_index):
    """
    The office's decisions as indices: the dwellings banned to each
    household, and the dwelling each locked household must take.
    """
    banned = defaultdict(set)
    locks: dict[int, int] = {}
    for dec in instance.decisions:
        h, d = h_index[dec.household], d_index[dec.dwelling]
        if dec.kind == DecisionKind.BAN:
            banned[h].add(d)
        else:
            locks[h] = d
    return banned, locks


def _candidates(instance, policy, graph, hh, dw, banned, locks, overrides,
                candidates_per_household):
    """
    The eligible pairs and their scores, evaluated per household class,
    and the rooms the locks leave free (``_lock_rooms``). Memory is
    checked against an estimate before the class tables are built, so
    that an instance too large fails before it takes the memory.
    """
    individual = Individual(instance, policy, graph)
    class_of, representatives = _classes(hh, banned)
    memory.check(_estimate(hh, dw, policy, class_of, representatives,
                           candidates_per_household))
    tables = _class_tables(hh, dw, policy, representatives, class_of, banned)
    rooms = _lock_rooms(instance, policy, hh, dw, locks, overrides)
    locked_dwellings = np.array(sorted(set(locks.values())), dtype=np.int64)
    candidates = Candidates(
        hh=hh, dw=dw, policy=policy, class_of=class_of, tables=tables,
        individual=individual, locked_households=frozenset(locks),
        locked_dwellings=locked_dwellings, take=_take,
        co_residents=rooms.co_residents, banned=banned,
    )
    return candidates, rooms


def _lock_rooms(instance, policy, hh, dw, locks, overrides):
    """
    Whether each lock keeps the hard rules (or breaks only the rule its
    override names, on purpose), and the places of each dwelling: a
    shared dwelling has one per room when ``shared`` is on. Locks on
    rooms of a shared dwelling leave its other rooms free.
    """
    dwelling_slots = np.where(
        policy.shared.enabled & (dw.shared_rooms >= 2), dw.shared_rooms, 1
    ).astype(np.int64)
    lock_rules = {}
    for h, d in locks.items():
        ok, room, rules = lock_check(hh, dw, policy, _take, h, d)
        rule = overrides.get((instance.households[h].id,
                              instance.dwellings[d].id))
        if not ok and rule is not None and set(rules) <= {rule}:
            ok, rules = True, []  # broken on purpose, with a reason
        lock_rules[h] = (ok, room, rules)
    slots_left, co_residents = rooms_left(locks, lock_rules, dwelling_slots)
    return SimpleNamespace(dwelling_slots=dwelling_slots,
                           lock_rules=lock_rules, slots_left=slots_left,
                           co_residents=co_residents)


def _kept_per_household(instance, policy, candidates,
                        candidates_per_household) -> int | None:
    """
    Free pairs kept per household, or ``None`` for all: the caller's
    number, else ``CANDIDATES_PER_HOUSEHOLD`` once the eligible pairs
    pass ``FULL_PAIRS_LIMIT``; all when tenants move on, since a
    tenant's pairs are rebuilt from every dwelling it may take.
    """
    total = candidates.num_free_eligible().sum()
    keep = candidates_per_household
    if keep is None and total > FULL_PAIRS_LIMIT:
        keep = CANDIDATES_PER_HOUSEHOLD
    if moving.tenants(instance, policy):
        keep = None
    return keep


def _free_pairs(candidates, keep, H: int) -> SimpleNamespace:
    """The free pairs the engines get, sorted by household, with their
    scores, quality and the start of each household's run of pairs."""
    pair_household, pair_dwelling = candidates.initial_pairs(keep)
    pair_room, pair_scores = candidates.pair_scores(pair_household,
                                                    pair_dwelling)
    pair_quality = candidates.pair_quality(pair_household, pair_dwelling,
                                           pair_scores)
    household_ptr = np.searchsorted(
        pair_household, np.arange(H + 1)
    ).astype(np.int64)
    return SimpleNamespace(household=pair_household, dwelling=pair_dwelling,
                           room=pair_room, scores=pair_scores,
                           quality=pair_quality, household_ptr=household_ptr)


def _caps(instance: Instance, policy: Policy, hh, dw,
          members) -> SimpleNamespace:
    """
    Caps of buildings and areas (``dispersion``) and quotas of
    municipalities (``hard.municipality_quota``), before locks take
    their share, with each household's use of each quota, and the caps
    on some households per group of dwellings (``household_caps``).
    """
    building_ids = tuple(b.id for b in instance.buildings)
    b_index = {b: i for i, b in enumerate(building_ids)}
    dwelling_building = np.array(
        [b_index.get(d.building, -1) for d in instance.dwellings],
        dtype=np.int32,
    ).reshape(len(instance.dwellings))
    disp = policy.dispersion

    def per_area(share):
        return np.array(
            [area_room(share, a.resident_households, a.refugee_households)
             for a in instance.areas],
            dtype=np.int64,
        )

    area_cap = per_area(disp.area_cap_share)
    area_target = np.minimum(per_area(disp.area_target_share), area_cap)
    building_cap = np.array(
        [
            UNLIMITED
            if disp.building_cap is None
            else max(0, disp.building_cap - b.refugee_households)
            for b in instance.buildings
        ],
        dtype=np.int64,
    )
    quota_dims, quota_cap, household_usage = _quotas(instance, policy,
                                                     members)
    return SimpleNamespace(
        building_ids=building_ids, dwelling_building=dwelling_building,
        area_cap=area_cap, area_target=area_target,
        building_cap=building_cap, quota_dims=quota_dims,
        quota_cap=quota_cap, household_usage=household_usage,
        household_caps=_household_caps(instance, policy, hh, dw),
    )


def _household_caps(instance: Instance, policy: Policy, hh,
                    dw) -> tuple[HouseholdCap, ...]:
    """
    The caps on some households per group of dwellings, before locks:
    one for each coupling rule whose record has a cap builder and that
    the policy has on, in the records' order.
    """
    out = []
    for record in criteria.COUPLING_RULES:
        if record.household_cap is None:
            continue
        built = record.household_cap(instance, policy, hh, dw)
        if built is None:
            continue
        usage, group, cap, group_ids = built
        out.append(HouseholdCap(
            rule=record.name, label=record.label,
            usage=np.asarray(usage, dtype=np.int64).reshape(
                len(instance.households)),
            group=np.asarray(group, dtype=np.int64).reshape(
                len(instance.dwellings)),
            cap=np.array(cap, dtype=np.int64).reshape(len(group_ids)),
            group_ids=tuple(group_ids),
        ))
    return tuple(out)


def _lock_household_caps(instance: Instance, household_caps,
                         locked_pairs) -> tuple[tuple[HouseholdCap, ...],
                                                list[LockConflict]]:
    """
    The household caps less what the locks use in each group, and a
    conflict for each group whose locks alone use more than its cap.
    """
    out, conflicts = [], []
    for cap in household_caps:
        left = cap.cap.copy()
        holders = defaultdict(list)
        for h, d, _room in locked_pairs:
            g = int(cap.group[d])
            if g >= 0 and cap.usage[h]:
                holders[g].append(h)
        for g, hs in sorted(holders.items()):
            used = int(cap.usage[hs].sum())
            if used > left[g]:
                names = tuple(sorted(instance.households[h].id for h in hs))
                conflicts.append(LockConflict(
                    rule=cap.rule, subject=cap.group_ids[g],
                    households=names,
                    message=_("Locks of {names} count {used} against the "
                              "cap at {subject} ({label}), which allows "
                              "{limit}.", names=", ".join(names), used=used,
                              label=_(cap.label), subject=cap.group_ids[g],
                              limit=int(left[g])),
                ))
            left[g] = max(0, left[g] - used)
        out.append(HouseholdCap(rule=cap.rule, label=cap.label,
                                usage=cap.usage, group=cap.group, cap=left,
                                group_ids=cap.group_ids))
    return tuple(out), conflicts


def _quotas(instance: Instance, policy: Policy, members):
    """The quota dimensions in force, each municipality's quota in each
    (``UNLIMITED`` where it sets none), and each household's use."""
    quota_dims = tuple(
        sorted({dim.value for m in instance.municipalities
                for dim in m.quotas})
    ) if policy.hard.municipality_quota else ()
    quota_cap = np.full(
        (len(instance.municipalities), len(quota_dims)), UNLIMITED,
        dtype=np.int64,
    )
    for i, m in enumerate(instance.municipalities):
        for q, dim in enumerate(quota_dims):
            if dim in m.quotas:
                quota_cap[i, q] = m.quotas[dim]
    household_usage = columns.quota_usages(members, quota_dims)
    return quota_dims, quota_cap, household_usage


def _locked(instance, policy, hh, dw, candidates, locks, rooms, caps, places,
            penalty, keep_bonus, previous, h_index, d_index):
    """
    Takes what the locks use out of the caps, quotas, places and
    household caps (in place), and returns the locked pairs with their
    value and conflicts (``_locked_value``), and the places left.
    """
    target_before = caps.area_target.copy()
    conflicts, locked_pairs = apply_locks(
        instance, locks, rooms.lock_rules, hh, dw, rooms.dwelling_slots,
        caps.dwelling_building, dw.area, dw.municipality,
        caps.building_cap, caps.area_cap, caps.area_target, caps.quota_cap,
        caps.household_usage, caps.quota_dims, policy,
    )
    places, place_conflicts, places_over = apply_place_locks(
        instance, places, locked_pairs)
    caps.household_caps, cap_conflicts = _lock_household_caps(
        instance, caps.household_caps, locked_pairs)
    locked = _locked_value(
        instance, hh, dw, candidates, locked_pairs, target_before, penalty,
        places.penalty * places_over, keep_bonus, previous, h_index,
        d_index,
    )
    locked.conflicts = [*conflicts, *place_conflicts, *cap_conflicts]
    return locked, places


def _locked_value(instance, hh, dw, candidates, locked_pairs, target_before,
                  penalty, places_cost, keep_bonus, previous, h_index,
                  d_index) -> SimpleNamespace:
    """
    Scores and quality of each locked pair, and the objective the locks
    add to every assignment: their priority (primary) and their quality,
    less the dispersion penalty of locks beyond an area's target and the
    cost of places over, plus the keep bonus of locked previous matches
    (secondary).
    """
    locked_scores, locked_quality = {}, {}
    if locked_pairs:
        lh = np.array([h for h, _, _ in locked_pairs], dtype=np.int64)
        ld = np.array([d for _, d, _ in locked_pairs], dtype=np.int64)
        _, s = candidates.pair_scores(lh, ld)
        for k, h in enumerate(lh.tolist()):
            locked_scores[h] = s[k]
            locked_quality[h] = int(s[k].sum())
    primary = sum(int(hh.priority[h]) for h, _, _ in locked_pairs)
    locked_per_area = np.bincount(
        [int(dw.area[d]) for _, d, _ in locked_pairs],
        minlength=len(instance.areas),
    )
    # Locks beyond an area's target pay the dispersion penalty up front.
    secondary = sum(locked_quality.values()) - penalty * int(
        np.clip(locked_per_area - target_before, 0, None).sum()
    ) - places_cost
    # Locks on previous matches are kept matches too.
    previous_at = {h_index[h]: d_index.get(d) for h, d in
                   (previous or {}).items() if h in h_index}
    secondary += keep_bonus * sum(
        previous_at.get(h) == d for h, d, _ in locked_pairs
    )
    return SimpleNamespace(pairs=locked_pairs, scores=locked_scores,
                           quality=locked_quality,
                           value=(primary, secondary))


def _allocation_data(instance, policy, hh, dw, candidates, pairs, rooms,
                     caps, locked, places, locks, keep, keep_bonus,
                     penalty, scale) -> AllocationData:
    """The compiled parts gathered into the engines' read-only data."""
    lexicographic = policy.objective == ObjectiveMode.LEXICOGRAPHIC
    return AllocationData(
        household_ids=tuple(h.id for h in instance.households),
        dwelling_ids=tuple(d.id for d in instance.dwellings),
        building_ids=caps.building_ids,
        area_ids=tuple(a.id for a in instance.areas),
        municipality_ids=tuple(m.id for m in instance.municipalities),
        priority=hh.priority,
        household_size=hh.size,
        household_sex=hh.sex,
        household_age=hh.age,
        pair_household=pairs.household.astype(np.int32),
        pair_dwelling=pairs.dwelling.astype(np.int32),
        pair_scores=pairs.scores,
        pair_quality=pairs.quality,
        pair_room=pairs.room,
        household_ptr=pairs.household_ptr,
        dwelling_slots=rooms.slots_left,
        dwelling_building=caps.dwelling_building,
        dwelling_area=dw.area.astype(np.int32),
        dwelling_municipality=dw.municipality.astype(np.int32),
        building_cap=caps.building_cap,
        area_cap=caps.area_cap,
        area_target=caps.area_target,
        dispersion_penalty=int(penalty),
        quota_dims=caps.quota_dims,
        quota_cap=caps.quota_cap,
        household_usage=caps.household_usage,
        lexicographic=lexicographic,
        priority_weight=int(policy.weights.housed),
        scale=scale,
        shared_same_sex=policy.shared.same_sex,
        shared_max_age_gap=policy.shared.max_age_gap,
        locked_pairs=tuple(locked.pairs),
        locked_value=locked.value,
        lock_conflicts=tuple(locked.conflicts),
        excluded_by=candidates.excluded_by(),
        excluded_only_by=candidates.excluded_only_by(),
        num_eligible=candidates.num_free_eligible(),
        num_eligible_all=candidates.num_eligible_all(),
        locked_scores=locked.scores,
        locked_quality=locked.quality,
        locked_eligible=candidates.locked_eligible(locks),
        candidates=candidates,
        pruned=keep is not None,
        keep_bonus=keep_bonus,
        place_kinds=places.kinds,
        place_usage=places.usage,
        place_group=places.group,
        place_cap=places.cap,
        place_penalty=places.penalty,
        household_caps=caps.household_caps,
        keep_first=bool(keep_bonus) and lexicographic
        and policy.decisions.keep_weight is None,
    )


def _keep(instance, policy, candidates, previous, locks, h_index, d_index,
          lexicographic, penalty, places_bound=0) -> int:
    """
    Gives each previous match that is still an eligible free pair the keep
    bonus, and returns the bonus.

    In lexicographic mode (and without ``decisions.keep_weight``) the
    bonus exceeds any difference in quality between two assignments
    (twice every household's largest absolute quality, every dispersion
    penalty and the quality of locks, plus one), so one more kept match
    always outweighs quality; the scale of priority grows by the bonuses,
    so priority stays strictly first.
    """
    weight = policy.decisions.keep_weight
    if weight is not None:
        bonus = int(weight)
    elif lexicographic:
        locked = 0
        if locks:
            lh = np.array(sorted(locks), dtype=np.int64)
            ld = np.array([locks[h] for h in lh.tolist()], dtype=np.int64)
            _, s = candidates.pair_scores(lh, ld)
            locked = int(np.abs(s.sum(axis=1)).sum())
        bonus = (2 * int(candidates.best_abs_quality().sum())
                 + penalty * len(instance.households) + places_bound
                 + 2 * locked + 1)
    else:
        bonus = 100 * int(policy.weights.housed)
    keep = {}
    for hid, did in previous.items():
        h, d = h_index.get(hid), d_index.get(did)
        if h is None or d is None or h in locks:
            continue
        if np.isin(d, candidates.eligible_free(h)):
            keep[h] = d
    candidates.individual.set_keep(keep, bonus)
    return bonus


SAMPLE_HOUSEHOLDS = 64
"""Households whose eligible dwellings are counted to estimate memory."""


def _estimate(hh, dw, policy, class_of, representatives,
              keep) -> memory.Estimate:
    """
    The sizes that memory grows with, before the class tables are built:
    the eligible cells of the class tables and the pairs the engines get,
    from the eligible dwellings of the classes of ``SAMPLE_HOUSEHOLDS``
    households spread evenly over the instance (bans left out: an upper
    bound).
    """
    H, D = hh.n, dw.n
    n_classes = len(representatives)
    if not H or not D:
        return memory.Estimate(H, D, n_classes, 0, 0)
    sample = np.unique(np.linspace(0, H - 1, min(H, SAMPLE_HOUSEHOLDS))
                       .round().astype(np.int64))
    classes, weight = np.unique(class_of[sample], return_counts=True)
    h = GatheredRows(hh, representatives[classes], dense=True)
    eligible = (rule_failures(h, _all(dw), policy).sum(axis=0) == 0
                ).sum(axis=1)
    cells = int(eligible.mean() * n_classes)
    total = int((eligible * weight).sum() / weight.sum() * H)
    if keep is None and total > FULL_PAIRS_LIMIT:
        keep = CANDIDATES_PER_HOUSEHOLD
    pairs = total if keep is None else min(total, keep * H)
    # The quality moves of the class engine may offer up to MOVE_PAIRS
    # pairs (or MIN_CHOICES per household) beside them.
    from .engines.exchange import MIN_CHOICES, MOVE_PAIRS

    pairs = max(pairs, min(total, max(MOVE_PAIRS, MIN_CHOICES * H)))
    return memory.Estimate(H, D, n_classes, cells, pairs)


def _classes(hh, banned) -> tuple[np.ndarray, np.ndarray]:
    """
    Class of each household and one representative per class: the
    households equal in every attribute of ``CLASS_FIELDS``, numbered in
    the order of their first household, which represents the class.
    Households with bans form classes of their own (their rows differ).
    """
    if not hh.n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    columns = [np.asarray(getattr(hh, f)).reshape(hh.n, -1).astype(np.int64)
               for f in CLASS_FIELDS]
    # A banned household's own position sets it apart; -1 for the rest.
    own = np.full((hh.n, 1), -1, dtype=np.int64)
    own[list(banned), 0] = list(banned)
    keys = np.hstack([*columns, own])
    _rows, first, inverse = np.unique(_row_codes(keys), return_index=True,
                                      return_inverse=True)
    # Number the distinct rows by their first household, as a pass over
    # the households in order would.
    order = np.argsort(first, kind="stable")
    number = np.empty(len(first), dtype=np.int64)
    number[order] = np.arange(len(first))
    return number[inverse.reshape(-1)], first[order].astype(np.int64)


def _chunk_rows(hh, dw, policy, reps, start, ok, tabled, tables, rows):
    """
    Appends to ``rows`` (eligible dwellings, quality, room flags) the
    row of each class of a chunk (``reps``, the classes from ``start``
    on; ``ok`` its eligible cells), best first.

    Each class's quality is looked up in the criteria tables at its
    eligible dwellings only, a row at a time (on national about one cell
    in six is eligible, and the criteria over every cell were most of
    the compile); the criteria that have no table are computed for the
    eligible cells as pairs.
    """
    eligible, quality, room = rows
    # Whether each cell would be a room of a shared dwelling, for the
    # whole chunk at once: most classes may take no room, and their
    # rows need no per-class evaluation.
    room_cells = np.broadcast_to(
        rooms(GatheredRows(hh, reps, dense=True), _all(dw), policy),
        ok.shape)
    some_room = room_cells.any(axis=1)
    untabled = None
    if any(c.score is not None and c.name not in tabled
           for c in CRITERIA_RECORDS):
        ks, cells = np.nonzero(ok)
        untabled = class_quality(GatheredRows(hh, reps[ks]),
                                 GatheredRows(dw, cells), policy,
                                 leave_out=tabled)
        bounds = np.searchsorted(ks, np.arange(len(reps) + 1))
    for k in range(len(reps)):
        ds = np.flatnonzero(ok[k])
        q = None
        for table, choice_of in tables:
            # ``take`` gathers several times faster than indexing.
            part = table[choice_of[start + k]].take(ds)
            q = part if q is None else q + part
        if untabled is not None:
            q = untabled[bounds[k]:bounds[k + 1]] + q
        order = best_first(q)
        # Dwelling positions fit in 32 bits: the tables hold one per
        # eligible (class, dwelling) cell, the part of memory that
        # grows fastest.
        eligible.append(ds.take(order).astype(np.int32))
        quality.append(q.take(order))
        room.append(room_cells[k, eligible[-1]] if some_room[k]
                    else np.zeros(len(ds), dtype=bool))


ROW_CODE_LIMIT = 2 ** 62
"""Above this many possible codes ``_row_codes`` renumbers the rows
first, so that the codes stay within 64 bits."""


def _row_codes(keys: np.ndarray) -> np.ndarray:
    """
    A number for each row of ``keys`` (2-D integers), equal for equal
    rows and different for different ones: the columns' values combined
    in mixed radix (each column's values less its least, or their
    positions among its distinct values when those span more than the
    rows), the rows renumbered whenever the radix would pass
    ``ROW_CODE_LIMIT``. Distinct rows are found on one column of
    numbers far faster than by ``np.unique(..., axis=0)``, which sorts
    whole rows.
    """
    code = np.zeros(len(keys), dtype=np.int64)
    bound = 1
    for column in keys.T:
        low = int(column.min(initial=0))
        span = int(column.max(initial=0)) - low + 1
        if span <= len(keys):
            column_code = column - low
        else:
            values, column_code = np.unique(column, return_inverse=True)
            column_code = column_code.reshape(-1)
            span = len(values)
        if bound * span > ROW_CODE_LIMIT:
            values, code = np.unique(code, return_inverse=True)
            code = code.reshape(-1).astype(np.int64)
            bound = len(values)
        code = code * span + column_code
        bound *= span
    return code


def _class_tables(hh, dw, policy, representatives, class_of, banned):
    """Eligible dwellings and class quality of every class, plus exact
    per-rule exclusion counts."""
    n_classes = len(representatives)
    D = dw.n
    eligible, quality, room = [], [], []
    excluded = np.zeros((n_classes, len(RULES)), dtype=np.int32)
    only = np.zeros((n_classes, len(RULES)), dtype=np.int32)
    every = _all(dw)
    step = max(1, DENSE_CELLS // max(D, 1))
    banned_row = RULES.index("banned")
    tabled, tables, own_tables = _criteria_by_choice(hh, every, policy,
                                                     representatives)
    by_choice = _rules_by_choice(hh, every, policy, representatives)
    for start in range(0, n_classes, step):
        reps = representatives[start:start + step]
        bits = _chunk_failures(hh, every, policy, reps, start, by_choice)
        chunk_banned = [(k, sorted(banned[rep]))
                        for k, rep in enumerate(reps.tolist())
                        if rep in banned]
        if chunk_banned:
            fail = np.zeros((len(reps), D), dtype=bool)
            for k, ds in chunk_banned:
                fail[k, ds] = True
            bits[banned_row] = np.packbits(fail, axis=1)
        ok = _counted_failures(bits, excluded[start:start + len(reps)],
                               only[start:start + len(reps)], D)
        _chunk_rows(hh, dw, policy, reps, start, ok, tabled, tables,
                    (eligible, quality, room))
    return ClassTable(eligible=eligible, quality=quality, room=room,
                      excluded=excluded, only=only, num_dwellings=D,
                      criteria=own_tables)


def _rules_by_choice(hh, every, policy, representatives) -> dict:
    """
    The hard rules whose household attributes take far fewer distinct
    values among the classes than there are classes (the municipality a
    household is assigned to, its need of bedrooms, none at all...),
    each evaluated once per distinct value against every dwelling: rule
    row -> (failures by choice and dwelling, packed in bits along the
    dwellings, or ``None`` when the policy has the rule off; each
    class's choice). The other rules are
    evaluated per class (``_chunk_failures``).
    """
    n = len(representatives)
    out = {}
    for row, rule in enumerate(PAIR_RULES):
        if rule.fails is None:
            continue
        keys = np.hstack([np.zeros((n, 1), dtype=np.int64)] + [
            np.asarray(getattr(hh, f))[representatives].reshape(n, -1)
            .astype(np.int64) for f in rule.reads])
        _choices, first, choice_of = np.unique(
            keys, axis=0, return_index=True, return_inverse=True)
        if (4 * len(first) > n
                or len(first) * every.bedrooms.shape[-1] > 4 * DENSE_CELLS):
            # Hardly fewer evaluations than per class, or a table
            # beyond the memory the chunks keep to.
            continue
        broken = rule.fails(
            GatheredRows(hh, representatives[first], dense=True), every,
            policy)
        table = None if broken is None else np.packbits(
            np.broadcast_to(broken, (len(first), every.bedrooms.shape[-1])),
            axis=1)
        out[row] = (table, choice_of.reshape(-1))
    return out


def _chunk_failures(hh, every, policy, reps, start, by_choice) -> dict:
    """
    Which hard rules each class of a chunk (``reps``, the classes from
    ``start`` on) breaks with each dwelling, as ``rule_failures`` gives
    them, packed in bits along the dwellings (``np.packbits``): rule row
    -> (classes, bytes), for the rules that rule out anything. Looked up
    from ``by_choice`` where a rule has a table there, evaluated for the
    chunk's classes otherwise.
    """
    D = every.bedrooms.shape[-1]
    bits = {}
    h = None
    for row, rule in enumerate(PAIR_RULES):
        if rule.fails is None:
            continue
        if row in by_choice:
            table, choice_of = by_choice[row]
            if table is not None:
                bits[row] = table[choice_of[start:start + len(reps)]]
            continue
        if h is None:
            h = GatheredRows(hh, reps, dense=True)
        broken = rule.fails(h, every, policy)
        if broken is not None:
            bits[row] = np.packbits(
                np.broadcast_to(broken, (len(reps), D)), axis=1)
    return bits


def _counted_failures(bits: dict, excluded: np.ndarray, only: np.ndarray,
                      D: int) -> np.ndarray:
    """
    Fills in, for each class of a chunk, how many dwellings each rule
    rules out (``excluded``) and rules out alone (``only``), from the
    packed failures of ``_chunk_failures``; returns the eligible cells,
    shape (classes, D).

    Counted on the packed bits, eight dwellings to a byte: the cells
    some rule rules out, and those two or more rules rule out, are
    running ORs of the rules' bits.
    """
    some = np.zeros((len(excluded), (D + 7) // 8), dtype=np.uint8)
    several = np.zeros_like(some)
    for packed in bits.values():
        several |= some & packed
        some |= packed
    once = some & ~several
    for row, packed in bits.items():
        excluded[:, row] = _bit_counts(packed)
        only[:, row] = _bit_counts(packed & once)
    # The complement unpacked is the eligible cells already, as ones and
    # zeros that read as booleans: comparing every cell with zero took
    # twenty times as long as the unpacking.
    return np.unpackbits(~some, axis=1, count=D).view(bool)


TABLE_CELLS = 8 * DENSE_CELLS
"""Cells of one table of class criteria by choice (``_criteria_by_choice``):
64 MB of 64-bit integers."""


def _criteria_by_choice(hh, every, policy, representatives):
    """
    The class criteria whose household attributes take few distinct
    values among the classes, summed for each distinct choice of those
    attributes against every dwelling: a few rows each, where the
    eligible cells on national are some 15 million (looking a cell up
    costs less than computing it, and one lookup serves every criterion
    of a table).

    The criteria that read only yes/no attributes (the services wanted,
    children, a wish to live centrally...) make the first table; each
    other criterion joins the table whose choices grow least with it,
    within ``TABLE_CELLS`` cells, else starts a table of its own, else
    (an income read per class, say) is left to be computed per cell.
    Criteria the policy leaves out (no score) read nothing.

    Returns
    -------
    tuple
        The criteria tabled; for each table the table (choices by
        dwellings) and each class's row in it; and each tabled
        criterion's own table and each class's row in that
        (``ClassTable.criteria``).
    """
    scored = [c for c in CRITERIA_RECORDS if c.score is not None]
    silent = ()
    if len(representatives):
        # A criterion scores nothing (``None``) by the policy alone, as
        # care housing and affordability do while their mode is not to
        # penalise: one class tells.
        probe = GatheredRows(hh, representatives[:1], dense=True)
        silent = tuple(c for c in scored
                       if c.score(probe, every, policy) is None)
        scored = [c for c in scored if c not in silent]
    first = tuple(c for c in scored
                  if all(getattr(hh, f).dtype == bool for f in c.reads))
    groups = [(first, _choices(hh, representatives, first))]
    D = max(every.bedrooms.shape[-1], 1)
    for criterion in scored:
        if criterion in first:
            continue
        joined = [((*names, criterion),
                   _choices(hh, representatives, (*names, criterion)))
                  for names, _ in groups]
        fits = [g for g, (_, (firsts, _)) in enumerate(joined)
                if len(firsts) * D <= TABLE_CELLS]
        if fits:
            best = min(fits, key=lambda g: len(joined[g][1][0]))
            groups[best] = joined[best]
            continue
        own = _choices(hh, representatives, (criterion,))
        if len(own[0]) * D <= TABLE_CELLS:
            groups.append(((criterion,), own))
    tabled = tuple(c.name for names, _ in groups
                   for c in names) + tuple(c.name for c in silent)
    # Each criterion evaluated once per distinct choice of its own
    # attributes, and a table's rows summed from those.
    tables, own_tables = [], {}
    for names, (firsts, choice_of) in groups:
        parts = []
        for criterion in names:
            own_firsts, own_choice = _choices(hh, representatives,
                                              (criterion,))
            own = _criteria_rows(hh, every, policy,
                                 representatives[own_firsts],
                                 (criterion.name,))
            own.flags.writeable = False
            own_tables[criterion.name] = (own, own_choice)
            parts.append((own, own_choice[firsts]))
        tables.append((_summed_table(parts, len(firsts),
                                     every.bedrooms.shape[-1]), choice_of))
    return tabled, tables, own_tables


def _summed_table(parts, num_choices: int, D: int) -> np.ndarray:
    """
    The sum of the criteria ``parts`` for each of a table's choices,
    shape (choices, D): each part is a criterion's rows (by its own
    choice and dwelling) and the row of each of the table's choices in
    them.

    All but the last criterion are summed over the distinct choices of
    those criteria so far, not over the table's: on national the first
    criteria of a table take a dozen distinct choices between them
    where the table has over a hundred, and each row summed is a pass
    over every dwelling. Integer sums, so the order does not change
    them.
    """
    if not parts:
        return np.zeros((num_choices, D), dtype=np.int64)
    partial, prefix = None, None
    for own, at in parts[:-1]:
        if partial is None:
            partial, prefix = own, at
            continue
        # The distinct pairs of the sum so far and this criterion's row.
        _codes, first, inverse = np.unique(
            prefix * len(own) + at, return_index=True, return_inverse=True)
        partial = partial[prefix[first]] + own[at[first]]
        prefix = inverse.reshape(-1)
    own, at = parts[-1]
    table = np.empty((num_choices, D), dtype=np.int64)
    # Any mode but "raise" writes to ``out`` unbuffered (the positions
    # are valid); one buffer is filled in place: a table is tens of
    # megabytes, and fresh memory costs its page faults.
    np.take(own, at, axis=0, out=table, mode="clip")
    if partial is not None:
        # Row by row, so that no second table is made.
        for row, at_prefix in zip(table, prefix.tolist()):
            row += partial[at_prefix]
    return table


def _choices(hh, representatives, records):
    """The distinct choices among the classes of the household attributes
    that ``records`` read: the first class of each, and each class's
    choice."""
    reads = dict.fromkeys(f for c in records for f in c.reads)
    n = len(representatives)
    keys = np.hstack([np.zeros((n, 1), dtype=np.int64)] + [
        np.asarray(getattr(hh, f))[representatives].reshape(n, -1)
        .astype(np.int64) for f in reads])
    _codes, first, choice_of = np.unique(
        _row_codes(keys), return_index=True, return_inverse=True)
    return first, choice_of.reshape(-1)


def _criteria_rows(hh, every, policy, rows, names) -> np.ndarray:
    """The sum of the criteria ``names`` for the households ``rows``
    against every dwelling, shape (rows, D)."""
    D = every.bedrooms.shape[-1]
    # Rows a few at a time: the services criterion makes one value per
    # dwelling and service kind of each row before summing them.
    step = max(1, DENSE_CELLS // max(8 * D, 1))
    parts = [criteria_table(names,
                            GatheredRows(hh, rows[i:i + step], dense=True),
                            every, policy)
             for i in range(0, len(rows), step)]
    return (np.vstack(parts) if parts
            else np.zeros((0, D), dtype=np.int64))


def _bit_counts(packed: np.ndarray) -> np.ndarray:
    """The set bits along the last axis of ``np.packbits`` output (its
    padding bits are zeros)."""
    counts = np.bitwise_count(packed)
    # Summed in 16 bits where a row's bits fit in them (up to 65,535
    # dwellings): widening every byte to 64 bits took twice as long.
    if 8 * packed.shape[-1] <= np.iinfo(np.uint16).max:
        return counts.sum(axis=-1, dtype=np.uint16).astype(np.int64)
    return counts.sum(axis=-1, dtype=np.int64)
