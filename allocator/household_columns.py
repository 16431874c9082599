"""
Household attributes for every household at once, as NumPy columns.

The compiler needs, for each household, what follows from its members
(bedrooms needed, services that count, what it uses of each quota) and
from its dates (priority, deadline). ``allocator.compile`` states each
for one household (``bedrooms_needed``, ``household_priority``...), as
the reports and the placement read them; here the same arithmetic runs
over columns of all the members and households, so that a national
instance is not walked household by household, property by property.
``tests/test_household_columns.py`` keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from models import (
    ADULT_AGE,
    DAYS_PER_MONTH,
    SCHOOL_AGE,
    HouseholdType,
    Policy,
    Relation,
    ServiceKind,
    Sex,
)

INTRO_PROGRAMME_AGES = (18, 55)
"""Ages with a right to the introduction programme (DOMAIN.md 1.6)."""

SENIOR_AGE = 67
"""Age from which a member counts as a senior in the quotas."""

TYPES = tuple(HouseholdType)
"""Household types in the order of ``Members.type`` codes."""

SEXES = tuple(Sex)


def _codes(*types: HouseholdType) -> np.ndarray:
    return np.array([TYPES.index(t) for t in types], dtype=np.int64)


WITH_CHILDREN = _codes(HouseholdType.FAMILY_WITH_CHILDREN,
                       HouseholdType.SINGLE_PARENT)
"""Types of ``Household.has_children``."""

PRIORITY_GROUP = _codes(HouseholdType.FAMILY_WITH_CHILDREN,
                        HouseholdType.SINGLE_PARENT,
                        HouseholdType.UNACCOMPANIED_MINOR)
"""Types of ``Household.is_priority_group`` (the 3-month target)."""

FAMILIES = _codes(HouseholdType.FAMILY_WITH_CHILDREN,
                  HouseholdType.SINGLE_PARENT, HouseholdType.COUPLE,
                  HouseholdType.OTHER_ADULTS)
"""Types counted in the ``families`` quota."""


@dataclass(frozen=True)
class Members:
    """
    Every member of every household, one entry per member in household
    order (``household``, ``age``, ``sex`` as its position in ``Sex``
    or -1 when unknown, ``partner``), and per
    household its size, type code (in ``TYPES``), first member's
    position and the dates and counts the deadlines read.
    """

    household: np.ndarray
    age: np.ndarray
    sex: np.ndarray
    partner: np.ndarray
    size: np.ndarray
    first: np.ndarray
    type: np.ndarray
    permit_day: np.ndarray
    reunification: np.ndarray

    @classmethod
    def of(cls, households) -> Members:
        """The columns of ``households``, read in one pass."""
        sex_code = {s: i for i, s in enumerate(SEXES)}
        ages, sexes, partners, sizes, days, extra = [], [], [], [], [], []
        for h in households:
            members = h.members
            sizes.append(len(members))
            for m in members:
                ages.append(m.age)
                sexes.append(sex_code.get(m.sex, -1))
                partners.append(m.relation == Relation.PARTNER)
            days.append(h.permit_date.toordinal())
            extra.append(h.expected_reunification_persons)
        size = np.array(sizes, dtype=np.int64)
        first = np.zeros(len(size), dtype=np.int64)
        np.cumsum(size[:-1], out=first[1:])
        household = np.repeat(np.arange(len(size)), size)
        age = np.array(ages, dtype=np.int64)
        partner = np.array(partners, dtype=bool)
        return cls(
            household=household, age=age,
            sex=np.array(sexes, dtype=np.int64),
            partner=partner, size=size, first=first,
            type=_types(household, age, partner, size),
            permit_day=np.array(days, dtype=np.int64),
            reunification=np.array(extra, dtype=np.int64),
        )

    def count(self, which: np.ndarray) -> np.ndarray:
        """How many members of each household ``which`` marks."""
        return np.bincount(self.household[which],
                           minlength=len(self.size)).astype(np.int64)

    def of_type(self, codes: np.ndarray) -> np.ndarray:
        """Whether each household's type is among ``codes``."""
        return np.isin(self.type, codes)


def _types(household, age, partner, size) -> np.ndarray:
    """``Household.household_type`` of every household, as its position
    in ``TYPES``."""

    def count(which):
        return np.bincount(household[which], minlength=len(size))

    adults = count(age >= ADULT_AGE)
    children = size - adults
    couple = (size == 2) & (count(partner) > 0)
    kind = np.select(
        [adults == 0,
         (children == 0) & (size == 1),
         (children == 0) & couple,
         children == 0,
         adults == 1],
        [TYPES.index(t) for t in (
            HouseholdType.UNACCOMPANIED_MINOR, HouseholdType.SINGLE_ADULT,
            HouseholdType.COUPLE, HouseholdType.OTHER_ADULTS,
            HouseholdType.SINGLE_PARENT)],
        default=TYPES.index(HouseholdType.FAMILY_WITH_CHILDREN))
    return kind.astype(np.int64)


def bedrooms_needed(members: Members, norm) -> np.ndarray:
    """``compile.bedrooms_needed`` of every household."""
    age = members.age
    adult = age >= ADULT_AGE
    adults = members.count(adult)
    partners = members.count(adult & members.partner) > 0
    rooms = adults - (norm.couples_share & partners & (adults >= 2))
    child = ~adult
    rooms = rooms + members.count(child & (age >= norm.own_room_age))
    young = child & (age < norm.own_room_age)
    small = members.count(young & (age < norm.mixed_sex_until_age))
    older = young & (age >= norm.mixed_sex_until_age)
    per = norm.children_per_room
    # Older children share only with their own sex; small children fill
    # the remaining places in any room, then rooms of their own.
    spare = np.zeros(len(members.size), dtype=np.int64)
    for code in range(len(SEXES)):
        group = members.count(older & (members.sex == code))
        rooms = rooms + -(-group // per)
        spare += (-group) % per
    rooms = rooms + -(-np.maximum(0, small - spare) // per)
    return np.where(members.size == 1, 0, np.maximum(rooms, 1))


def extra_rooms(members: Members) -> np.ndarray:
    """Bedrooms the expected reunification of every household adds: a
    partner, then children two to a room (ages are not known in
    advance)."""
    extra = members.reunification
    partner = ((members.count(members.age >= ADULT_AGE) == 1)
               & (members.size == 1)).astype(np.int64)
    return np.where(extra > 0,
                    -(-np.maximum(0, extra - partner) // 2), 0)


def services_needed(members: Members) -> np.ndarray:
    """Whether each service kind counts for each household's composition
    (DOMAIN.md D7), shape (H, kinds) in ``ServiceKind`` order."""
    age = members.age
    low, high = INTRO_PROGRAMME_AGES
    always = np.ones(len(members.size), dtype=bool)
    by_kind = {
        ServiceKind.PUBLIC_TRANSPORT: always,
        ServiceKind.HEALTH: always,
        ServiceKind.SHOP: always,
        ServiceKind.KINDERGARTEN: members.count(age < SCHOOL_AGE) > 0,
        ServiceKind.SCHOOL: members.count(
            (SCHOOL_AGE <= age) & (age < ADULT_AGE)) > 0,
        ServiceKind.ADULT_EDUCATION: members.count(
            (low <= age) & (age <= high)) > 0,
    }
    never = np.zeros(len(members.size), dtype=bool)
    return np.stack([by_kind.get(k, never) for k in ServiceKind], axis=1
                    ).reshape(len(members.size), len(ServiceKind))


def quota_usages(members: Members, dims) -> np.ndarray:
    """What each household uses of each quota dimension ``dims``
    (``compile.quota_usages``), shape (H, len(dims))."""
    H = len(members.size)
    if not dims:
        return np.zeros((H, 0), dtype=np.int64)
    age = members.age
    usage = {
        "households": np.ones(len(members.size), dtype=np.int64),
        "persons": members.size,
        "single_adults": members.of_type(
            _codes(HouseholdType.SINGLE_ADULT)).astype(np.int64),
        "families": members.of_type(FAMILIES).astype(np.int64),
        "unaccompanied_minors": members.of_type(
            _codes(HouseholdType.UNACCOMPANIED_MINOR)).astype(np.int64),
        "children": members.count(age < ADULT_AGE),
        "adults": members.count((ADULT_AGE <= age) & (age < SENIOR_AGE)),
        "seniors": members.count(age >= SENIOR_AGE),
    }
    return np.stack([usage[dim] for dim in dims], axis=1
                    ).reshape(H, len(dims)).astype(np.int64)


def deadline_days(members: Members, policy: Policy,
                  exact: bool = False) -> np.ndarray:
    """``compile.deadline_days`` of every household: 3 or 6 months in
    days, rounded unless ``exact``."""
    months = np.where(members.of_type(PRIORITY_GROUP),
                      policy.deadlines.priority_months,
                      policy.deadlines.standard_months)
    days = months * DAYS_PER_MONTH
    return days if exact else np.rint(days).astype(np.int64)


def priority(members: Members, as_of: date, policy: Policy) -> np.ndarray:
    """``compile.household_priority`` of every household."""
    waited = as_of.toordinal() - members.permit_day
    p = policy.priority
    urgency = p.per_deadline * np.minimum(
        waited / deadline_days(members, policy, exact=True), p.cap)
    points = p.base + np.rint(urgency).astype(np.int64)
    points += p.group_bonus * members.of_type(PRIORITY_GROUP)
    overdue = waited > policy.deadlines.maximum_months * DAYS_PER_MONTH
    return points + p.overdue_bonus * overdue
