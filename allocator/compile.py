"""Compiles an instance and a policy into AllocationData arrays."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

import numpy as np

from models import (
    ADULT_AGE,
    SCHOOL_AGE,
    DecisionKind,
    DwellingFeature,
    HouseholdType,
    Instance,
    Policy,
    Relation,
    RuleMode,
    ServiceKind,
    Sex,
    Tenure,
    UnknownNeed,
)
from models.policy import ObjectiveMode

from .data import CRITERIA, RULES, UNLIMITED, AllocationData, LockConflict
from .proximity import minutes_from_nodes, minutes_to_services, travel_graph

CHUNK = 512
"""Households compiled at a time: bounds the dense rule matrices' memory."""

DAYS_PER_MONTH = 30.44

INTRO_PROGRAMME_AGES = (18, 55)
"""Ages with a right to the introduction programme (DOMAIN.md 1.6)."""

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
    rooms = len(adults)
    if norm.couples_share and partners and len(adults) >= 2:
        rooms -= 1
    children = [m for m in members if m.age < ADULT_AGE]
    rooms += sum(m.age >= norm.own_room_age for m in children)
    young = [m for m in children if m.age < norm.own_room_age]
    small = [m for m in young if m.age < norm.mixed_sex_until_age]
    older = [m for m in young if m.age >= norm.mixed_sex_until_age]
    per = norm.children_per_room
    # Older children share only with their own sex; small children fill the
    # remaining places in any room, then rooms of their own.
    spare = 0
    for sex in Sex:
        group = sum(m.sex == sex for m in older)
        rooms += math.ceil(group / per)
        spare += (-group) % per
    rooms += math.ceil(max(0, len(small) - spare) / per)
    return max(rooms, 1)


def reach_score(minutes, target, zero_at_factor):
    """
    100 within ``target`` minutes, falling linearly to 0 at
    ``target * zero_at_factor``; works on arrays.
    """
    zero = target * zero_at_factor
    fraction = (zero - np.asarray(minutes, dtype=float)) / (zero - target)
    return np.clip(fraction, 0.0, 1.0) * 100.0


def household_priority(household, as_of: date, policy: Policy) -> int:
    """Priority points from waiting time against the household's deadline."""
    waited = (as_of - household.permit_date).days
    months = (
        policy.deadlines.priority_months
        if household.is_priority_group
        else policy.deadlines.standard_months
    )
    deadline = months * DAYS_PER_MONTH
    p = policy.priority
    urgency = p.per_deadline * min(waited / deadline, p.cap)
    points = p.base + int(round(urgency))
    if household.is_priority_group:
        points += p.group_bonus
    if waited > policy.deadlines.maximum_months * DAYS_PER_MONTH:
        points += p.overdue_bonus
    return points


def deadline_days(household, policy: Policy) -> int:
    months = (
        policy.deadlines.priority_months
        if household.is_priority_group
        else policy.deadlines.standard_months
    )
    return int(round(months * DAYS_PER_MONTH))


def quota_usage(household, dim: str) -> int:
    """What a household uses of one quota dimension."""
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
        "adults": sum(ADULT_AGE <= a < 67 for a in ages),
        "seniors": sum(a >= 67 for a in ages),
    }[dim]


def area_room(share, residents, existing):
    """
    Refugee households that can be added to an area while the share of
    refugee households stays at most ``share`` after the batch:
    ``(existing + x) / (residents + x) <= share``.
    """
    if share is None or share >= 1:
        return UNLIMITED
    return max(0, math.floor((share * residents - existing) / (1 - share)))


class _Households:
    """Per-household attributes as arrays."""

    def __init__(self, instance: Instance, policy: Policy):
        hs = instance.households
        self.n = len(hs)
        unknown_is_need = policy.unknown_need == UnknownNeed.NEED

        def need(values):
            return np.array(
                [bool(v) or (v is None and unknown_is_need) for v in values]
            )

        self.step_free = need(h.needs_step_free for h in hs)
        self.ground = need(h.needs_ground_floor for h in hs)
        self.no_basement = need(h.needs_no_basement for h in hs)
        self.avoid = np.array([_bits(h.avoid_features) for h in hs])
        self.children = np.array([h.has_children for h in hs])
        self.minors = np.array([h.children > 0 for h in hs])
        self.size = np.array([h.size for h in hs])
        self.need = np.array(
            [bedrooms_needed(h.members, policy.size) for h in hs]
        )
        if policy.size.count_reunification:
            self.need = self.need + np.array(
                [_extra_rooms(h) for h in hs], dtype=self.need.dtype
            )
        self.need_reunited = self.need + np.array(
            [_extra_rooms(h) for h in hs]
        )
        self.reunification = np.array(
            [h.expected_reunification_persons > 0 for h in hs]
        )
        self.single = np.array(
            [h.household_type == HouseholdType.SINGLE_ADULT for h in hs]
        )
        self.age = np.array([h.members[0].age for h in hs])
        self.sex = np.array(
            [list(Sex).index(h.members[0].sex) for h in hs]
        )
        self.open_to_shared = np.array(
            [
                h.open_to_shared is True
                and h.size == 1
                and h.members[0].age >= policy.shared.min_age
                for h in hs
            ]
        )
        self.priority = np.array(
            [household_priority(h, instance.as_of, policy) for h in hs],
            dtype=np.int64,
        )
        self.services = np.array(
            [[k in _kinds_needed(h) for k in ServiceKind] for h in hs],
            dtype=bool,
        ).reshape(self.n, len(ServiceKind))


def _extra_rooms(household) -> int:
    """Bedrooms expected reunification adds: a partner, then children two
    to a room (ages are not known in advance)."""
    extra = household.expected_reunification_persons
    if extra <= 0:
        return 0
    partner = household.adults == 1 and household.size == 1
    return math.ceil(max(0, extra - partner) / 2)


def _kinds_needed(household) -> frozenset:
    """Services that count for a household's composition (DOMAIN.md D7)."""
    ages = [m.age for m in household.members]
    kinds = {
        ServiceKind.PUBLIC_TRANSPORT,
        ServiceKind.HEALTH,
        ServiceKind.SHOP,
    }
    if any(a < SCHOOL_AGE for a in ages):
        kinds.add(ServiceKind.KINDERGARTEN)
    if any(SCHOOL_AGE <= a < ADULT_AGE for a in ages):
        kinds.add(ServiceKind.SCHOOL)
    low, high = INTRO_PROGRAMME_AGES
    if any(low <= a <= high for a in ages):
        kinds.add(ServiceKind.ADULT_EDUCATION)
    return frozenset(kinds)


class _Dwellings:
    """Per-dwelling attributes as arrays."""

    def __init__(self, instance: Instance, policy: Policy):
        ds = instance.dwellings
        self.n = len(ds)
        as_of = instance.as_of
        self.bedrooms = np.array([d.bedrooms for d in ds])
        self.floor_area = np.array([d.floor_area_m2 for d in ds], dtype=float)
        self.step_free = np.array(
            [d.step_free and (d.floor == 0 or d.lift) for d in ds]
        )
        self.ground = np.array([d.floor == 0 and not d.basement for d in ds])
        self.basement = np.array([d.basement for d in ds])
        self.features = np.array([_bits(d.features) for d in ds])
        care_bits = _bits(CARE_FEATURES)
        self.care = (self.features & care_bits) != 0
        self.unsafe_for_children = np.array(
            [d.damp or not d.child_suitable for d in ds]
        )
        horizon = policy.horizon_days
        self.available = np.array(
            [
                (d.available_from - as_of).days <= horizon
                and (d.available_until is None or d.available_until >= as_of)
                for d in ds
            ]
        )
        self.shared_rooms = np.array([d.shared_rooms for d in ds])
        self.condition = np.array([d.condition for d in ds])
        self.damp = np.array([d.damp for d in ds])
        self.tenure = np.array(
            [
                TENURE_SECURITY[d.tenure]
                - (30 if d.lease_months is not None and d.lease_months < 12
                   else 0)
                for d in ds
            ]
        )
        self.playground = np.array(
            [DwellingFeature.PLAYGROUND in d.features for d in ds]
        )
        self.nuisance = np.array(
            [
                bool(
                    d.features
                    & {DwellingFeature.BUSY_ROAD, DwellingFeature.NOISE}
                )
                for d in ds
            ]
        )


def compile_instance(instance: Instance, policy: Policy) -> AllocationData:
    """
    Compiles a validated instance into solver-ready arrays.

    Parameters
    ----------
    instance
        The validated instance.
    policy
        The matching rules.

    Returns
    -------
    AllocationData
        Eligible free pairs with integer scores, capacities and quotas after
        locks, and the exact per-rule exclusion counts of every household.
    """
    hh = _Households(instance, policy)
    dw = _Dwellings(instance, policy)
    H, D = hh.n, dw.n

    municipality_ids = tuple(m.id for m in instance.municipalities)
    area_ids = tuple(a.id for a in instance.areas)
    building_ids = tuple(b.id for b in instance.buildings)
    m_index = {m: i for i, m in enumerate(municipality_ids)}
    a_index = {a: i for i, a in enumerate(area_ids)}
    b_index = {b: i for i, b in enumerate(building_ids)}
    d_index = {d.id: i for i, d in enumerate(instance.dwellings)}
    h_index = {h.id: i for i, h in enumerate(instance.households)}

    dwelling_municipality = np.array(
        [m_index[d.municipality] for d in instance.dwellings], dtype=np.int32
    ).reshape(D)
    dwelling_area = np.array(
        [a_index[d.area] for d in instance.dwellings], dtype=np.int32
    ).reshape(D)
    dwelling_building = np.array(
        [b_index.get(d.building, -1) for d in instance.dwellings],
        dtype=np.int32,
    ).reshape(D)
    assigned = np.array(
        [
            m_index.get(h.assigned_municipality, -1)
            for h in instance.households
        ],
        dtype=np.int32,
    ).reshape(H)

    banned = defaultdict(set)
    locks: dict[int, int] = {}
    for dec in instance.decisions:
        h, d = h_index[dec.household], d_index[dec.dwelling]
        if dec.kind == DecisionKind.BAN:
            banned[h].add(d)
        else:
            locks[h] = d

    graph = travel_graph(instance)
    minutes = minutes_to_services(instance, graph)  # (D, kinds)
    scorer = _Scorer(instance, policy, hh, dw, minutes, graph)
    shared_on = policy.shared.enabled

    pair_h, pair_d, pair_room = [], [], []
    excluded_by = np.zeros((H, len(RULES)), dtype=np.int32)
    excluded_only = np.zeros((H, len(RULES)), dtype=np.int32)
    eligible_all = np.zeros(H, dtype=np.int32)
    locked_eligible = defaultdict(list)
    eligible_mask_locks: dict[int, tuple[bool, bool, list[str]]] = {}
    hard = policy.hard

    for start in range(0, H, CHUNK):
        rows = np.arange(start, min(H, start + CHUNK))
        n = len(rows)
        fail = np.zeros((len(RULES), n, D), dtype=bool)
        r = {name: i for i, name in enumerate(RULES)}
        if hard.availability:
            fail[r["availability"]] = ~dw.available[None, :]
        if hard.assigned_municipality:
            a = assigned[rows][:, None]
            fail[r["assigned_municipality"]] = (a >= 0) & (
                dwelling_municipality[None, :] != a
            )
        room = (
            shared_on
            & hh.open_to_shared[rows][:, None]
            & (dw.shared_rooms[None, :] >= 2)
        )
        need = hh.need[rows][:, None]
        short = 0 if policy.size.crowding == RuleMode.FORBID else (
            1 if policy.size.crowding == RuleMode.PENALISE else 99
        )
        fail[r["size_too_small"]] = ~room & (
            dw.bedrooms[None, :] < need - short
        )
        fail[r["size_too_large"]] = ~room & (
            dw.bedrooms[None, :] > need + policy.size.allowed_surplus
        )
        if hard.accessibility:
            fail[r["accessibility"]] = (
                (hh.step_free[rows][:, None] & ~dw.step_free[None, :])
                | (hh.ground[rows][:, None] & ~dw.ground[None, :])
                | (hh.no_basement[rows][:, None] & dw.basement[None, :])
            )
        if hard.avoid_features:
            fail[r["avoid_features"]] = (
                hh.avoid[rows][:, None] & dw.features[None, :]
            ) != 0
        if hard.child_safety:
            fail[r["child_safety"]] = (
                hh.minors[rows][:, None] & dw.unsafe_for_children[None, :]
            )
        if hard.care_housing == RuleMode.FORBID:
            fail[r["care_housing"]] = np.broadcast_to(
                dw.care[None, :], (n, D)
            )
        # A shared dwelling is let room by room to singles open to it, or
        # whole to one household; a room pair needs a second room to share.
        fail[r["shared_housing"]] = np.zeros((n, D), dtype=bool)
        for k, h in enumerate(rows):
            if banned[h]:
                fail[r["banned"], k, sorted(banned[h])] = True

        failures = fail.sum(axis=0)
        excluded_by[rows] = fail.sum(axis=2).T
        only = failures == 1
        excluded_only[rows] = (fail & only[None]).sum(axis=2).T
        ok = failures == 0
        eligible_all[rows] = ok.sum(axis=1)

        for k, h in enumerate(rows):
            if h in locks:
                d = locks[h]
                eligible_mask_locks[h] = (
                    bool(ok[k, d]),
                    bool(room[k, d]),
                    [RULES[i] for i in np.flatnonzero(fail[:, k, d])],
                )
                ok[k, :] = False
        locked_dwellings = sorted(set(locks.values()))
        if locked_dwellings:
            # Remember which locked dwellings each household could have had,
            # so explanations name the locks that took them.
            kk, cc = np.nonzero(ok[:, locked_dwellings])
            for k, c in zip(kk.tolist(), cc.tolist()):
                locked_eligible[int(rows[k])].append(locked_dwellings[c])
            ok[:, locked_dwellings] = False

        kk, dd = np.nonzero(ok)
        pair_h.append(rows[kk])
        pair_d.append(dd)
        pair_room.append(room[kk, dd])

    pair_household = np.concatenate(pair_h or [np.zeros(0, int)]).astype(
        np.int32
    )
    pair_dwelling = np.concatenate(pair_d or [np.zeros(0, int)]).astype(
        np.int32
    )
    pair_is_room = np.concatenate(pair_room or [np.zeros(0, bool)]).astype(
        bool
    )
    pair_scores = scorer.scores(pair_household, pair_dwelling, pair_is_room)
    pair_quality = pair_scores.sum(axis=1, dtype=np.int64)
    household_ptr = np.searchsorted(
        pair_household, np.arange(H + 1)
    ).astype(np.int64)
    num_eligible = np.diff(household_ptr).astype(np.int32)

    dwelling_slots = np.where(
        shared_on & (dw.shared_rooms >= 2), dw.shared_rooms, 1
    ).astype(np.int64)

    # Caps and quotas, then what the locks use of them.
    disp = policy.dispersion
    area_cap = np.array(
        [
            area_room(disp.area_cap_share, a.resident_households,
                      a.refugee_households)
            for a in instance.areas
        ],
        dtype=np.int64,
    )
    area_target = np.array(
        [
            area_room(disp.area_target_share, a.resident_households,
                      a.refugee_households)
            for a in instance.areas
        ],
        dtype=np.int64,
    )
    area_target = np.minimum(area_target, area_cap)
    building_cap = np.array(
        [
            UNLIMITED
            if disp.building_cap is None
            else max(0, disp.building_cap - b.refugee_households)
            for b in instance.buildings
        ],
        dtype=np.int64,
    )
    quota_dims = tuple(
        sorted({dim.value for m in instance.municipalities for dim in m.quotas})
    ) if hard.municipality_quota else ()
    quota_cap = np.full(
        (len(municipality_ids), len(quota_dims)), UNLIMITED, dtype=np.int64
    )
    for i, m in enumerate(instance.municipalities):
        for q, dim in enumerate(quota_dims):
            if dim in m.quotas:
                quota_cap[i, q] = m.quotas[dim]
    household_usage = np.array(
        [[quota_usage(h, dim) for dim in quota_dims]
         for h in instance.households],
        dtype=np.int64,
    ).reshape(H, len(quota_dims))

    lexicographic = policy.objective == ObjectiveMode.LEXICOGRAPHIC
    penalty = policy.weights.dispersion if disp.area_target_share is not None else 0

    target_before = area_target.copy()
    conflicts, locked_pairs = _apply_locks(
        instance, locks, eligible_mask_locks, hh, dw, dwelling_slots,
        dwelling_building, dwelling_area, dwelling_municipality,
        building_cap, area_cap, area_target, quota_cap, household_usage,
        quota_dims, policy,
    )
    locked_scores, locked_quality = {}, {}
    if locked_pairs:
        lh = np.array([h for h, _, _ in locked_pairs], dtype=np.int32)
        ld = np.array([d for _, d, _ in locked_pairs], dtype=np.int32)
        lr = np.array([room for _, _, room in locked_pairs], dtype=bool)
        s = scorer.scores(lh, ld, lr)
        for k, h in enumerate(lh.tolist()):
            locked_scores[h] = s[k]
            locked_quality[h] = int(s[k].sum())

    primary = sum(int(hh.priority[h]) for h, _, _ in locked_pairs)
    locked_per_area = np.bincount(
        [int(dwelling_area[d]) for _, d, _ in locked_pairs],
        minlength=len(area_ids),
    )
    # Locks beyond an area's target pay the dispersion penalty up front.
    secondary = sum(locked_quality.values()) - penalty * int(
        np.clip(locked_per_area - target_before, 0, None).sum()
    )

    # Exact lexicographic order: the secondary objective can move by at most
    # the best absolute quality of every household plus every possible
    # dispersion penalty, so a larger scale keeps priority strictly first.
    best = np.zeros(H, dtype=np.int64)
    if len(pair_quality):
        np.maximum.at(best, pair_household, np.abs(pair_quality))
    scale = int(best.sum()) + penalty * H + sum(
        abs(q) for q in locked_quality.values()
    ) + 1

    return AllocationData(
        household_ids=tuple(h.id for h in instance.households),
        dwelling_ids=tuple(d.id for d in instance.dwellings),
        building_ids=building_ids,
        area_ids=area_ids,
        municipality_ids=municipality_ids,
        priority=hh.priority,
        household_size=hh.size.astype(np.int64).reshape(H),
        household_sex=hh.sex.astype(np.int64).reshape(H),
        household_age=hh.age.astype(np.int64).reshape(H),
        pair_household=pair_household,
        pair_dwelling=pair_dwelling,
        pair_scores=pair_scores,
        pair_quality=pair_quality,
        pair_room=pair_is_room,
        household_ptr=household_ptr,
        dwelling_slots=dwelling_slots,
        dwelling_building=dwelling_building,
        dwelling_area=dwelling_area,
        dwelling_municipality=dwelling_municipality,
        building_cap=building_cap,
        area_cap=area_cap,
        area_target=area_target,
        dispersion_penalty=int(penalty),
        quota_dims=quota_dims,
        quota_cap=quota_cap,
        household_usage=household_usage,
        lexicographic=lexicographic,
        priority_weight=int(policy.weights.housed),
        scale=scale if lexicographic else 1,
        shared_same_sex=policy.shared.same_sex,
        shared_max_age_gap=policy.shared.max_age_gap,
        locked_pairs=tuple(locked_pairs),
        locked_value=(primary, secondary),
        lock_conflicts=tuple(conflicts),
        excluded_by=excluded_by,
        excluded_only_by=excluded_only,
        num_eligible=num_eligible,
        num_eligible_all=eligible_all,
        locked_scores=locked_scores,
        locked_quality=locked_quality,
        locked_eligible={h: tuple(v) for h, v in locked_eligible.items()},
    )


def _apply_locks(
    instance, locks, lock_rules, hh, dw, dwelling_slots, dwelling_building,
    dwelling_area, dwelling_municipality, building_cap, area_cap,
    area_target, quota_cap, household_usage, quota_dims, policy,
):
    """
    Reduces caps and quotas by what the locks use, in place, and returns
    any conflicts among the locks with the rules they break.
    """
    conflicts: list[LockConflict] = []
    locked_pairs = []
    hid = [h.id for h in instance.households]
    did = [d.id for d in instance.dwellings]
    for h, d in sorted(locks.items()):
        ok, room, rules = lock_rules[h]
        if not ok:
            from .data import RULE_TEXT

            reasons = "; ".join(
                f"the dwelling {RULE_TEXT[rule]}" for rule in rules
            )
            conflicts.append(
                LockConflict(
                    rule=rules[0],
                    subject=did[d],
                    households=(hid[h],),
                    message=f"Lock {hid[h]} -> {did[d]} breaks a hard rule: "
                    f"{reasons}.",
                )
            )
            continue
        locked_pairs.append((h, d, bool(room)))

    def over(rule, subject, holders, used, limit, what):
        conflicts.append(
            LockConflict(
                rule=rule,
                subject=subject,
                households=tuple(sorted(hid[h] for h in holders)),
                message=f"Locks of {', '.join(sorted(hid[h] for h in holders))}"
                f" use {used} {what} of {subject}, which allows {limit} more.",
            )
        )

    groups = defaultdict(list)
    for h, d, _ in locked_pairs:
        groups[("dwelling", d)].append(h)
        if dwelling_building[d] >= 0:
            groups[("building", int(dwelling_building[d]))].append(h)
        groups[("area", int(dwelling_area[d]))].append(h)
        groups[("municipality", int(dwelling_municipality[d]))].append(h)
    bids = [b.id for b in instance.buildings]
    aids = [a.id for a in instance.areas]
    mids = [m.id for m in instance.municipalities]
    for (kind, i), holders in sorted(groups.items()):
        used = len(holders)
        if kind == "dwelling" and used > dwelling_slots[i]:
            over("dwelling_capacity", did[i], holders, used,
                 int(dwelling_slots[i]), "places")
        if kind == "dwelling" and used > 1:
            _shared_conflicts(holders, did[i], hh, policy, conflicts, hid)
        if kind == "building":
            if used > building_cap[i]:
                over("building_cap", f"building {bids[i]}", holders, used,
                     int(building_cap[i]), "refugee households")
            building_cap[i] = max(0, building_cap[i] - used)
        if kind == "area":
            if used > area_cap[i]:
                over("area_cap", f"area {aids[i]}", holders, used,
                     int(area_cap[i]), "refugee households")
            area_cap[i] = max(0, area_cap[i] - used)
            area_target[i] = max(0, area_target[i] - used)
        if kind == "municipality":
            for q, dim in enumerate(quota_dims):
                need = int(household_usage[holders, q].sum())
                if need > quota_cap[i, q]:
                    over("municipality_quota", f"municipality {mids[i]}",
                         holders, need, int(quota_cap[i, q]),
                         f"places ({dim})")
                if quota_cap[i, q] < UNLIMITED:
                    quota_cap[i, q] = max(0, quota_cap[i, q] - need)
    return conflicts, locked_pairs


def _shared_conflicts(holders, dwelling_id, hh, policy, conflicts, hid):
    ages = [int(hh.age[h]) for h in holders]
    sexes = {int(hh.sex[h]) for h in holders}
    names = tuple(sorted(hid[h] for h in holders))
    if policy.shared.same_sex and len(sexes) > 1:
        conflicts.append(
            LockConflict(
                rule="shared_same_sex",
                subject=dwelling_id,
                households=names,
                message=f"Locks put {', '.join(names)} together in shared "
                f"dwelling {dwelling_id}, but co-residents must be of the "
                "same sex.",
            )
        )
    if max(ages) - min(ages) > policy.shared.max_age_gap:
        conflicts.append(
            LockConflict(
                rule="shared_age_gap",
                subject=dwelling_id,
                households=names,
                message=f"Locks put {', '.join(names)} together in shared "
                f"dwelling {dwelling_id}, with ages {min(ages)}-{max(ages)}; "
                f"co-residents may be at most {policy.shared.max_age_gap} "
                "years apart.",
            )
        )


class _Scorer:
    """Computes the weighted criterion contributions of pairs."""

    def __init__(self, instance, policy, hh, dw, minutes, graph):
        self.policy = policy
        self.hh = hh
        self.dw = dw
        self.minutes = minutes
        services = policy.services
        kinds = list(ServiceKind)
        targets = np.array(
            [services.target_minutes.get(k, 0) for k in kinds], dtype=float
        )
        counted = targets > 0
        reach = np.zeros_like(minutes)
        for k in np.flatnonzero(counted):
            reach[:, k] = reach_score(
                minutes[:, k], targets[k], services.zero_at_factor
            )
        self.reach = reach
        self.counted = counted

        hs = instance.households
        ds = instance.dwellings
        # Minutes from each dwelling to the places households ask about:
        # the municipal centre, a named place, and a child's current school.
        centre_of = {m.id: m.centre_node for m in instance.municipalities}
        site_node = {s.id: s.node for s in instance.sites}
        wanted = {centre_of[d.municipality] for d in ds} | {
            h.wish_near_node for h in hs
        } | {site_node.get(h.current_school) for h in hs}
        wanted.discard(None)
        self.node_minutes = minutes_from_nodes(instance, sorted(wanted), graph)
        self.centre_minutes = np.array(
            [
                self.node_minutes.get(centre_of[d.municipality], {}).get(
                    d.node, math.inf
                )
                for d in ds
            ]
        )
        self.wish_central = np.array([h.wish_central for h in hs])
        self.wish_node = [h.wish_near_node for h in hs]
        self.school_node = [
            site_node.get(h.current_school)
            if h.current_school
            and any(SCHOOL_AGE <= m.age < ADULT_AGE for m in h.members)
            else None
            for h in hs
        ]
        self.dwelling_node = [d.node for d in ds]
        compatriots = defaultdict(int)
        for row in instance.area_nationalities:
            compatriots[(row.area, row.nationality)] += row.households
        self.compatriots = compatriots
        self.wish_compatriots = [
            h.nationality if h.wish_near_compatriots else None for h in hs
        ]
        self.dwelling_area = [d.area for d in ds]
        self.asks = np.array(
            [
                self.wish_node[i] is not None
                or self.school_node[i] is not None
                or self.wish_compatriots[i] is not None
                for i in range(len(hs))
            ],
            dtype=bool,
        ).reshape(len(hs))

    def scores(self, ph, pd, room) -> np.ndarray:
        """Weighted contributions, one column per criterion."""
        p = self.policy
        w = p.weights
        hh, dw = self.hh, self.dw
        n = len(ph)
        out = np.zeros((n, len(CRITERIA)), dtype=np.int64)
        if n == 0:
            return out
        col = {c: i for i, c in enumerate(CRITERIA)}
        children = hh.minors[ph]
        family = hh.children[ph]

        surplus = dw.bedrooms[pd] - hh.need[ph]
        size = np.where(surplus >= 0, 100 - 40 * surplus, -100)
        # Near-crowding: Statistics Norway counts under 25 m2 a person as
        # crowded, so each m2 below that costs 4 points (at most 100).
        per_person = dw.floor_area[pd] / hh.size[ph]
        size = size - np.minimum(
            100, np.floor(4 * np.maximum(0.0, 25.0 - per_person))
        ).astype(np.int64)
        size = np.where(room, 60, size)
        out[:, col["size_fit"]] = w.size_fit * size

        wanted = hh.services[ph] & self.counted[None, :]
        reach = self.reach[pd]
        count = wanted.sum(axis=1)
        mean = np.where(
            count > 0,
            (reach * wanted).sum(axis=1) / np.maximum(count, 1),
            0.0,
        )
        out[:, col["services"]] = np.rint(w.services * mean).astype(np.int64)

        condition = (dw.condition[pd] - 1) * 25 - 50 * dw.damp[pd]
        # Standard matters more for children (DOMAIN.md 7.2 item 14).
        out[:, col["condition"]] = w.condition * condition * (1 + children)

        child = np.where(
            children,
            100 * dw.playground[pd] - 100 * dw.nuisance[pd],
            0,
        )
        out[:, col["child_suitability"]] = w.child_suitability * child

        tenure = dw.tenure[pd] * (1 + family)
        out[:, col["tenure"]] = w.tenure * tenure

        gap = hh.need_reunited[ph] - hh.need[ph]
        have = np.clip(dw.bedrooms[pd] - hh.need[ph], 0, None)
        reunion = np.where(
            hh.reunification[ph] & (gap > 0),
            np.rint(100 * np.minimum(have, gap) / np.maximum(gap, 1)),
            0,
        ).astype(np.int64)
        reunion = np.where(room, 0, reunion)
        out[:, col["reunification"]] = w.reunification * reunion

        services = p.services
        central = np.where(
            self.wish_central[ph],
            reach_score(self.centre_minutes[pd], services.central_minutes,
                        services.zero_at_factor),
            0.0,
        )
        out[:, col["wish_central"]] = np.rint(
            w.wish_central * central
        ).astype(np.int64)

        place = np.zeros(n)
        school = np.zeros(n)
        compat = np.zeros(n)
        school_target = services.target_minutes.get(ServiceKind.SCHOOL, 20)
        # Only households with a named place, a current school or a wish for
        # compatriots need per-pair look-ups; the rest stay vectorised.
        asks = self.asks[ph]
        for k in np.flatnonzero(asks).tolist():
            h, d = int(ph[k]), int(pd[k])
            node = self.wish_node[h]
            if node is not None:
                m = self.node_minutes.get(node, {}).get(
                    self.dwelling_node[d], math.inf
                )
                place[k] = reach_score(
                    m, services.near_place_minutes, services.zero_at_factor
                )
            node = self.school_node[h]
            if node is not None:
                m = self.node_minutes.get(node, {}).get(
                    self.dwelling_node[d], math.inf
                )
                school[k] = reach_score(
                    m, school_target, services.zero_at_factor
                ) - 100
            nat = self.wish_compatriots[h]
            if nat is not None:
                count = self.compatriots.get((self.dwelling_area[d], nat), 0)
                compat[k] = min(100, 10 * count)
        out[:, col["wish_place"]] = np.rint(w.wish_place * place).astype(
            np.int64
        )
        out[:, col["school_change"]] = np.rint(
            w.school_change * school
        ).astype(np.int64)
        out[:, col["wish_compatriots"]] = np.rint(
            w.wish_compatriots * compat
        ).astype(np.int64)
        if p.hard.care_housing == RuleMode.PENALISE:
            out[:, col["care_housing"]] = -100 * w.care_housing * dw.care[pd]
        return out
