"""
Compiles an instance and a policy into placement arrays: households to
municipalities, with quotas in several dimensions, service places,
compatibility, pair scores and spread rules.

Households that are the same in everything the model sees (priority, use
of every capacity, compatible municipalities and their score points,
spread groups) form one class, and the model counts how many of a class
go where. Classes are exact: any split of a class is equally good.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from models import (
    HouseholdType,
    Instance,
    PlacementObjective,
    PlacementService,
    Policy,
    UnknownNeed,
    unlisted_pairs_allowed,
)
from models.policy import ObjectiveMode

from ..i18n import _
from ..requirements import ModeUnavailable, permit_date_gaps
from .labels import capacity_label

UNLIMITED = np.iinfo(np.int64).max // 4
"""Limit of a capacity that has none."""

SPREAD_SCALE = 1000
"""Spread shares count in thousandths, so every coefficient is an integer."""

SPREAD_KINDS = ("nationality", "household_type")
"""Spread rules: one nationality, one household type per municipality."""

SCORE_DECIMALS = 9
"""Most decimals of a score the ``score`` objective counts."""

EXACT_TOTAL = 2**46
"""The ``score`` objective keeps its total of score units below this, so
that every engine (HiGHS and CBC in doubles) counts it exactly."""

INDIVIDUAL_NEED = "individual_need"
"""Rule name of health follow-up: explanations never say which need."""


def service_rule(service: PlacementService) -> str:
    """The rule name under which a service's exclusions are counted."""
    if service == PlacementService.HEALTH_FOLLOW_UP:
        return INDIVIDUAL_NEED
    return f"service:{service.value}"


@dataclass(frozen=True)
class PlacementData:
    """
    Read-only arrays of one placement problem.

    Parameters
    ----------
    household_ids, municipality_ids
        Ids by position.
    priority, waited, deadline
        Priority points, days waited and deadline in days per household.
    given
        Municipality each household was already assigned to (kept and
        counted), -1 for households this run places.
    capacity_names
        Capacity columns: quota dimensions (``persons``...) first, then
        service places (``service:introduction_programme``...).
    num_quota
        How many of the columns are quota dimensions.
    capacity_limit
        ``(M, K)`` limits as decided, ``UNLIMITED`` where none.
    capacity_left
        ``(M, K)`` what is left after the given households.
    usage
        ``(H, K)`` what each household uses of each column.
    compatible
        ``(H, M)`` whether a household may go to a municipality (all
        hard rules; false everywhere for given households).
    excluded_by
        Per household: rule -> municipalities it rules out.
    points
        ``(H, M)`` pair-score points.
    scores
        ``(household, municipality) -> imported score``, for reporting.
    class_of
        Class of each household, -1 for given ones.
    class_members
        Households of each class, in order.
    class_priority, class_usage
        Priority and ``(C, K)`` usage of each class.
    pair_class, pair_municipality, pair_points
        The model's variables: a class in a compatible municipality, and
        the pair-score points of one household of the class there.
    spread_kinds, spread_permille, spread_allowance
        Spread rules in force, their shares in thousandths, and the
        allowance.
    group_of
        ``(len(spread_kinds), H)`` group index of each household per
        rule, -1 when not counted (unknown nationality).
    group_names
        Names of the groups per rule.
    class_groups
        ``(len(spread_kinds), C)`` group index of each class per rule.
    lexicographic, priority_weight, scale
        The objective (see ``models.policy.PlacementPolicy``).
    score_first
        The ``score`` objective: the total of ``points`` (scores in units
        of ``10**-score_decimals``) first, then the number of households
        placed (``class_priority`` is 1 per household), combined as
        ``points * scale + placed``.
    score_decimals, data_decimals
        Decimals the score points keep, and the decimals of the data
        (``None`` without scores).
    dated
        Whether each household has a permit date (waiting time known).
    notes
        Plain-words notes on how the objective treats the data.
    given_value
        ``(primary, secondary)`` of the given households.
    conflicts
        Plain-words notes on given households that a decision cannot
        hold.
    """

    household_ids: tuple[str, ...]
    municipality_ids: tuple[str, ...]
    priority: np.ndarray
    waited: np.ndarray
    deadline: np.ndarray
    given: np.ndarray
    capacity_names: tuple[str, ...]
    num_quota: int
    capacity_limit: np.ndarray
    capacity_left: np.ndarray
    usage: np.ndarray
    compatible: np.ndarray
    excluded_by: tuple[dict[str, int], ...]
    points: np.ndarray
    scores: dict[tuple[int, int], float]
    class_of: np.ndarray
    class_members: tuple[np.ndarray, ...]
    class_priority: np.ndarray
    class_usage: np.ndarray
    pair_class: np.ndarray
    pair_municipality: np.ndarray
    pair_points: np.ndarray
    spread_kinds: tuple[str, ...]
    spread_permille: tuple[int, ...]
    spread_allowance: int
    group_of: np.ndarray
    group_names: tuple[tuple[str, ...], ...]
    class_groups: np.ndarray
    lexicographic: bool
    priority_weight: int
    scale: int
    given_value: tuple[int, int]
    conflicts: tuple[str, ...] = ()
    score_first: bool = False
    score_decimals: int | None = None
    data_decimals: int | None = None
    dated: np.ndarray | None = None
    notes: tuple[str, ...] = ()

    @property
    def num_households(self) -> int:
        return len(self.household_ids)

    @property
    def num_municipalities(self) -> int:
        return len(self.municipality_ids)

    @property
    def num_classes(self) -> int:
        return len(self.class_members)

    @property
    def num_pairs(self) -> int:
        return len(self.pair_class)

    @property
    def class_size(self) -> np.ndarray:
        return np.array([len(m) for m in self.class_members], dtype=np.int64)

    @property
    def network_representable(self) -> bool:
        """
        Whether the problem is a transportation problem: every capacity
        in force counts households (one place each) and no spread rule.
        """
        if self.spread_kinds:
            return False
        for k, name in enumerate(self.capacity_names):
            limited = self.capacity_left[:, k] < UNLIMITED
            if not limited.any():
                continue
            if name != "households":
                return False
        return True

    def pair_value(self) -> np.ndarray:
        """The combined objective value of one household of each pair."""
        prio = self.class_priority[self.pair_class]
        if self.score_first:
            return self.pair_points * self.scale + prio
        if self.lexicographic:
            return prio * self.scale + self.pair_points
        return prio * self.priority_weight + self.pair_points

    def combine(self, primary: int, secondary: int) -> int:
        """
        The combined value of ``(primary, secondary)``: priority and
        pair-score points, or under the ``score`` objective score points
        and households placed.
        """
        if self.lexicographic or self.score_first:
            return primary * self.scale + secondary
        return primary * self.priority_weight + secondary

    @property
    def mode(self) -> str:
        """``lexicographic``, ``weighted`` or ``score``."""
        if self.score_first:
            return "score"
        return "lexicographic" if self.lexicographic else "weighted"


def needs(household, service: PlacementService, policy: Policy) -> int:
    """
    What a household uses of a service: introduction-programme
    participants, minors in care, or one household in health follow-up.
    """
    rules = policy.placement
    if service == PlacementService.INTRODUCTION_PROGRAMME:
        if not household.introduction_programme:
            return 0
        return sum(
            rules.introduction_min_age <= m.age <= rules.introduction_max_age
            for m in household.members
        )
    if service == PlacementService.MINORS_CARE:
        if household.household_type == HouseholdType.UNACCOMPANIED_MINOR:
            return household.size
        return 0
    need = household.health_follow_up
    if need is None:
        need = policy.unknown_need == UnknownNeed.NEED
    return int(bool(need))


def compile_placement(instance: Instance, policy: Policy) -> PlacementData:
    """
    The placement problem of an instance under a policy, as arrays.

    Every hard rule is applied here, pair by pair, so that each household
    left with no compatible municipality gets exact counts of what ruled
    each one out: the compatibility table, services it needs, and quota
    dimensions (or service places) with less left than it uses.
    """
    rules = policy.placement
    households = instance.households
    mindex = {m.id: i for i, m in enumerate(instance.municipalities)}
    score_first = rules.objective == PlacementObjective.SCORE
    if not score_first:
        _require_permit_dates(instance)
    people = _household_columns(instance, policy, mindex)
    free = people.given < 0
    caps = _capacities(instance, policy, mindex)
    left, conflicts = _left_after_given(instance, caps, people.given)
    compatible, excluded_by = _compatibility(
        instance, policy, caps, left, free, mindex)
    scoring = _pair_points(instance, policy, mindex, score_first, free)
    spread = _spread_groups(households, rules)
    members, class_of = _classes(
        free, compatible, caps.usage, scoring.points, spread.group_of,
        people.priority, score_first)
    reps = np.array([m[0] for m in members], dtype=np.int64)
    C = len(members)
    pair_class, pair_muni, pair_points = _class_pairs(
        compatible, scoring.points, reps)
    given_value, scale, class_priority = _objective_scale(
        people, compatible, scoring.points, reps, score_first)
    K = len(caps.names)
    kinds = spread.kinds
    return PlacementData(
        household_ids=tuple(h.id for h in households),
        municipality_ids=tuple(m.id for m in instance.municipalities),
        priority=read_only(people.priority),
        waited=read_only(people.waited),
        deadline=read_only(people.deadline),
        given=read_only(people.given),
        capacity_names=caps.names,
        num_quota=len(caps.dims),
        capacity_limit=read_only(caps.limit),
        capacity_left=read_only(left),
        usage=read_only(caps.usage),
        compatible=read_only(compatible),
        excluded_by=excluded_by,
        points=read_only(scoring.points),
        scores=scoring.scores,
        class_of=read_only(class_of),
        class_members=tuple(
            read_only(np.array(m, dtype=np.int64)) for m in members
        ),
        class_priority=read_only(class_priority),
        class_usage=read_only(
            caps.usage[reps] if C else np.zeros((0, K), np.int64)),
        pair_class=read_only(pair_class),
        pair_municipality=read_only(pair_muni),
        pair_points=read_only(pair_points),
        spread_kinds=tuple(kinds),
        spread_permille=tuple(spread.permille),
        spread_allowance=int(rules.spread.allowance),
        group_of=read_only(spread.group_of),
        group_names=tuple(spread.group_names),
        class_groups=read_only(
            spread.group_of[:, reps] if C
            else np.zeros((len(kinds), 0), np.int64)
        ),
        lexicographic=policy.objective == ObjectiveMode.LEXICOGRAPHIC,
        priority_weight=int(policy.weights.housed),
        scale=scale,
        given_value=given_value,
        conflicts=tuple(conflicts),
        score_first=score_first,
        score_decimals=scoring.score_decimals,
        data_decimals=scoring.data_decimals,
        dated=read_only(people.dated),
        notes=tuple(scoring.notes),
    )


def read_only(values) -> np.ndarray:
    """
    ``values`` as an array that refuses writes, so that no engine or
    report can change the compiled problem another one reads.
    """
    array = np.asarray(values)
    array.setflags(write=False)
    return array


def _require_permit_dates(instance: Instance) -> None:
    """
    Refuse the priority objective when a household has no permit date:
    its priority points, and so its place in the queue, are unknown.
    """
    gaps = permit_date_gaps(instance, _("priority points"))
    if gaps:
        raise ModeUnavailable("placement", [
            *gaps, _("Give every permit date, or place by the score "
                     "alone (--policy score, or placement.objective = "
                     "\"score\")."),
        ])


@dataclass(frozen=True)
class _HouseholdColumns:
    """Per-household columns the objective and the reports read."""

    dated: np.ndarray
    priority: np.ndarray
    waited: np.ndarray
    deadline: np.ndarray
    given: np.ndarray


def _household_columns(instance: Instance, policy: Policy,
                       mindex: dict[str, int]) -> _HouseholdColumns:
    """
    Priority, waiting, deadline and any municipality already assigned,
    per household; a household without a permit date counts 0 so that
    the ``score`` objective can still place it.
    """
    # Here, not at the top: validate reads placement rows without
    # compiling, and the compiler loads the travel searches.
    from ..compile import deadline_days, household_priority

    households = instance.households
    dated = np.array([h.permit_date is not None for h in households],
                     dtype=bool)
    priority = np.array(
        [household_priority(h, instance.as_of, policy)
         if h.permit_date is not None else 0 for h in households],
        dtype=np.int64,
    )
    waited = np.array(
        [(instance.as_of - h.permit_date).days
         if h.permit_date is not None else 0 for h in households],
        dtype=np.int64,
    )
    deadline = np.array(
        [deadline_days(h, policy) for h in households], dtype=np.int64
    )
    given = np.full(len(households), -1, dtype=np.int64)
    if policy.hard.assigned_municipality:
        for i, h in enumerate(households):
            if h.assigned_municipality is not None:
                given[i] = mindex[h.assigned_municipality]
    return _HouseholdColumns(dated, priority, waited, deadline, given)


@dataclass(frozen=True)
class _Capacities:
    """Capacity columns: quota dimensions, then service places."""

    dims: tuple[str, ...]
    services: tuple[PlacementService, ...]
    names: tuple[str, ...]
    limit: np.ndarray
    usage: np.ndarray
    offered: np.ndarray


def _capacities(instance: Instance, policy: Policy,
                mindex: dict[str, int]) -> _Capacities:
    """
    The limit of every capacity column per municipality and what each
    household uses of it, with which municipality offers which service;
    quota dimensions and service places share one set of columns so that
    every engine applies them the same way.
    """
    from ..compile import quota_usage  # see _household_columns
    rules = policy.placement
    households, munis = instance.households, instance.municipalities
    if not policy.hard.municipality_quota:
        dims: tuple[str, ...] = ()
    elif rules.dimensions is not None:
        dims = tuple(dict.fromkeys(d.value for d in rules.dimensions))
    else:
        dims = tuple(sorted({d.value for m in munis for d in m.quotas}))
    services = tuple(sorted(rules.services, key=lambda s: s.value))
    names = dims + tuple(f"service:{s.value}" for s in services)
    K = len(names)
    limit = np.full((len(munis), K), UNLIMITED, dtype=np.int64)
    usage = np.zeros((len(households), K), dtype=np.int64)
    for q, dim in enumerate(dims):
        for j, m in enumerate(munis):
            value = {d.value: v for d, v in m.quotas.items()}.get(dim)
            if value is not None:
                limit[j, q] = value
        usage[:, q] = [quota_usage(h, dim) for h in households]
    offered = np.zeros((len(munis), len(services)), dtype=bool)
    for row in instance.municipality_services:
        if row.service not in rules.services:
            continue
        s = services.index(row.service)
        j = mindex[row.municipality]
        offered[j, s] = True
        if row.places is not None:
            limit[j, len(dims) + s] = row.places
    for s, service in enumerate(services):
        usage[:, len(dims) + s] = [
            needs(h, service, policy) for h in households
        ]
    return _Capacities(dims, services, names, limit, usage, offered)


def _left_after_given(instance: Instance, caps: _Capacities,
                      given: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """
    What is left of each capacity once the households already assigned
    use their places first, and a note for each decision they overrun
    (they stay; nobody else goes there in that dimension).
    """
    munis = instance.municipalities
    limit = caps.limit
    given_use = np.zeros(limit.shape, dtype=np.int64)
    for i in np.flatnonzero(given >= 0).tolist():
        given_use[given[i]] += caps.usage[i]
    left = np.where(
        limit < UNLIMITED, np.maximum(limit - given_use, 0), UNLIMITED
    )
    conflicts = []
    over = (limit < UNLIMITED) & (given_use > limit)
    for j, k in zip(*np.nonzero(over), strict=True):
        conflicts.append(_(
            "Municipality {municipality}: households already assigned to "
            "it use {used} {what}; its limit is {limit}. Nobody else is "
            "placed there in that dimension.", municipality=munis[j].id,
            used=given_use[j, k], what=capacity_label(caps.names[k]),
            limit=limit[j, k]))
    return left, conflicts


def _compatibility(
    instance: Instance, policy: Policy, caps: _Capacities, left: np.ndarray,
    free: np.ndarray, mindex: dict[str, int],
) -> tuple[np.ndarray, tuple[dict[str, int], ...]]:
    """
    Which municipality each household may go to under every hard rule,
    with one exclusion matrix per rule, so that a household left with
    none can be told how many municipalities each rule ruled out.
    """
    households = instance.households
    H, M = len(households), len(instance.municipalities)
    hindex = {h.id: i for i, h in enumerate(households)}
    dims, services = caps.dims, caps.services
    excluded: dict[str, np.ndarray] = {}

    def exclude(rule: str, mask: np.ndarray) -> None:
        if rule in excluded:
            excluded[rule] |= mask
        else:
            excluded[rule] = mask

    unlisted_allowed = unlisted_pairs_allowed(
        policy.placement.unlisted_pairs.value, instance.compatibility)
    if instance.compatibility or not unlisted_allowed:
        forbidden = np.zeros((H, M), dtype=bool)
        listed = np.zeros((H, M), dtype=bool)
        for row in instance.compatibility:
            h, j = hindex[row.household], mindex[row.municipality]
            if row.allowed:
                listed[h, j] = True
            else:
                forbidden[h, j] = True
        if not unlisted_allowed:
            forbidden |= ~listed
        exclude("compatibility", forbidden)
    for s, service in enumerate(services):
        need = caps.usage[:, len(dims) + s] > 0
        exclude(service_rule(service),
                need[:, None] & ~caps.offered[None, :, s])
    for k, name in enumerate(caps.names):
        too_big = caps.usage[:, k][:, None] > left[None, :, k]
        if too_big.any():
            rule = (
                f"quota:{name}" if k < len(dims)
                else service_rule(services[k - len(dims)])
            )
            exclude(rule, too_big)
    compatible = np.ones((H, M), dtype=bool)
    for mask in excluded.values():
        compatible &= ~mask
    compatible[~free] = False
    excluded_by = tuple(
        {rule: int(mask[h].sum()) for rule, mask in excluded.items()
         if mask[h].any()} if free[h] else {}
        for h in range(H)
    )
    return compatible, excluded_by


@dataclass(frozen=True)
class _Scoring:
    """Pair-score points and how the objective counts them."""

    scores: dict[tuple[int, int], float]
    points: np.ndarray
    score_decimals: int | None
    data_decimals: int | None
    notes: list[str]


def _pair_points(instance: Instance, policy: Policy, mindex: dict[str, int],
                 score_first: bool, free: np.ndarray) -> _Scoring:
    """
    Integer points of every household in every municipality: score units
    under the ``score`` objective (as many decimals as stay exact), else
    the score weighted by ``placement.score_weight``; missing pairs count
    ``missing_score``.
    """
    rules = policy.placement
    hindex = {h.id: i for i, h in enumerate(instance.households)}
    H, M = len(instance.households), len(instance.municipalities)
    hs = np.array([hindex[r.household] for r in instance.pair_scores],
                  dtype=np.int64)
    ms = np.array([mindex[r.municipality] for r in instance.pair_scores],
                  dtype=np.int64)
    values = np.array([r.score for r in instance.pair_scores], dtype=float)
    scores = dict(zip(zip(hs.tolist(), ms.tolist()), values.tolist()))
    data_decimals = (
        max(decimals(v) for v in [*values.tolist(), rules.missing_score])
        if instance.pair_scores else None
    )
    notes = []
    score_decimals = data_decimals
    if score_first:
        score_decimals = score_precision(
            values, rules.missing_score, data_decimals or 0,
            np.count_nonzero(free),
        )
        points = np.full((H, M), score_units(rules.missing_score,
                                             score_decimals), np.int64)
        points[hs, ms] = [score_units(v, score_decimals)
                          for v in values.tolist()]
        notes.append(score_note(score_decimals, data_decimals,
                                rules.missing_score,
                                bool(instance.pair_scores)))
    else:
        missing = int(round(rules.score_weight * rules.missing_score))
        points = np.full((H, M), missing, dtype=np.int64)
        if len(values):
            points[hs, ms] = np.rint(
                rules.score_weight * values).astype(np.int64)
        notes += weight_notes(len(instance.pair_scores), rules.score_weight,
                              data_decimals)
    return _Scoring(scores, points, score_decimals, data_decimals, notes)


@dataclass(frozen=True)
class _SpreadGroups:
    """The spread rules in force and each household's group under each."""

    kinds: list[str]
    permille: list[int]
    group_names: list[tuple[str, ...]]
    group_of: np.ndarray


def _spread_groups(households, rules) -> _SpreadGroups:
    """
    The group (nationality, household type) of every household under each
    spread rule in force; -1 where it is unknown and so not counted.
    """
    kinds, permille, group_names = [], [], []
    group_of = np.full((2, len(households)), -1, dtype=np.int64)
    for kind, share in zip(
        SPREAD_KINDS,
        (rules.spread.nationality_share, rules.spread.household_type_share),
        strict=True,
    ):
        if share is None:
            continue
        values = [
            h.nationality if kind == "nationality"
            else h.household_type.value
            for h in households
        ]
        names = tuple(sorted({v for v in values if v is not None}))
        lookup = {v: g for g, v in enumerate(names)}
        group_of[len(kinds)] = [lookup.get(v, -1) for v in values]
        kinds.append(kind)
        permille.append(int(round(share * SPREAD_SCALE)))
        group_names.append(names)
    return _SpreadGroups(kinds, permille, group_names,
                         group_of[: len(kinds)])


def _classes(free: np.ndarray, compatible: np.ndarray, usage: np.ndarray,
             points: np.ndarray, group_of: np.ndarray, priority: np.ndarray,
             score_first: bool) -> tuple[list[list[int]], np.ndarray]:
    """
    Classes of free households the model cannot tell apart (same
    priority, usage, compatible municipalities with their points, and
    spread groups), so that it counts a class instead of each member.
    """
    class_index: dict[tuple, int] = {}
    class_of = np.full(len(free), -1, dtype=np.int64)
    members: list[list[int]] = []
    for h in np.flatnonzero(free).tolist():
        row = compatible[h]
        key = (
            0 if score_first else int(priority[h]),
            usage[h].tobytes(),
            row.tobytes(),
            points[h, row].tobytes(),
            group_of[:, h].tobytes(),
        )
        c = class_index.setdefault(key, len(members))
        if c == len(members):
            members.append([])
        members[c].append(h)
        class_of[h] = c
    return members, class_of


def _class_pairs(compatible: np.ndarray, points: np.ndarray,
                 reps: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """
    The model's variables: each class (by its first member ``reps``) in
    each municipality it may go to, with one household's points there.
    """
    if not len(reps):
        empty = np.zeros(0, np.int64)
        return empty, empty.copy(), empty.copy()
    pair_class, pair_muni = np.nonzero(compatible[reps])
    pair_class = pair_class.astype(np.int64)
    pair_muni = pair_muni.astype(np.int64)
    return pair_class, pair_muni, points[reps[pair_class], pair_muni]


def _objective_scale(
    people: _HouseholdColumns, compatible: np.ndarray, points: np.ndarray,
    reps: np.ndarray, score_first: bool,
) -> tuple[tuple[int, int], int, np.ndarray]:
    """
    The value of the given households, the scale that keeps the primary
    objective strictly first, and each class's primary value per household.
    """
    given, priority = people.given, people.priority
    free = given < 0
    gi = np.flatnonzero(~free)
    given_points = int(points[gi, given[gi]].sum()) if len(gi) else 0
    if score_first:
        # Score points first, then households placed: one more than the
        # households this run may place keeps the order exact.
        given_value = (given_points, len(gi))
        scale = int(free.sum()) + 1
        class_priority = np.ones(len(reps), dtype=np.int64)
    else:
        given_value = (int(priority[gi].sum()), given_points)
        best = np.where(compatible, np.abs(points), 0).max(axis=1,
                                                            initial=0)
        best[~free] = np.abs(points[gi, given[gi]]) if len(gi) else 0
        scale = int(best.sum()) + 1
        class_priority = (priority[reps] if len(reps)
                          else np.zeros(0, np.int64))
    return given_value, scale, class_priority


def decimals(value: float) -> int:
    """Decimals of a number as written (``0.4371`` has 4; ``2.0`` none)."""
    exponent = Decimal(repr(float(value))).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def score_units(value: float, places: int) -> int:
    """A score in units of ``10**-places``, rounded half to even."""
    return int(round(Decimal(repr(float(value))).scaleb(places)))


def score_precision(values: np.ndarray, missing: float, data: int,
                    households: int) -> int:
    """
    Decimals the ``score`` objective keeps: the data's, at most
    ``SCORE_DECIMALS``, and fewer only where the total of every household
    at its largest score would not stay below ``EXACT_TOTAL`` units.
    """
    largest = max([abs(missing), *np.abs(values).tolist()], default=0.0)
    places = min(data, SCORE_DECIMALS)
    while places > 0 and largest * 10**places * max(households, 1) >= (
        EXACT_TOTAL
    ):
        places -= 1
    return places


def score_note(places: int, data: int | None, missing: float,
               any_scores: bool) -> str:
    """How the ``score`` objective counts the scores, in words."""
    if not any_scores:
        return _("The score objective has no pair scores to count: every "
                 "pair scores the missing score {missing}, so placement "
                 "maximises the households placed.",
                 missing=format(missing, "g"))
    if data is not None and places < data:
        precision = _("rounded to {places} decimals (the data has {data}) "
                      "so that the total stays exact", places=places,
                      data=data)
    else:
        precision = _("counted exactly, to {places} decimals (the data's "
                      "precision)", places=places)
    return _("Objective: the total pair score, {precision}, then the "
             "number of households placed; a pair without a score counts "
             "{missing}.", precision=precision, missing=format(missing, "g"))


def weight_notes(rows: int, weight: int, data: int | None) -> list[str]:
    """Notes on pair scores under the priority objective."""
    if not rows:
        return []
    if weight == 0:
        return [_("The pair_scores table ({rows} rows) does not count: the "
                  "policy weights scores 0 (placement.score_weight). Place "
                  "by the score with --policy score, or set a "
                  "score_weight.", rows=rows)]
    kept = len(str(weight)) - 1 if str(weight).rstrip("0") == "1" else None
    if data is not None and kept is not None and kept < data:
        return [_("Pair scores count round({weight} x score) points: "
                  "rounded to {kept} decimals (the data has {data}). The "
                  "score objective (--policy score) counts them exactly.",
                  weight=weight, kept=kept, data=data)]
    return []



