"""The per-household attributes computed over columns of every household
(``allocator.household_columns``) equal the functions that state them
for one household (``allocator.compile``)."""

from __future__ import annotations

import math
import random
from datetime import timedelta

import numpy as np
import pytest

from allocator import household_columns as columns
from allocator.compile import (
    bedrooms_needed,
    deadline_days,
    household_priority,
    quota_usages,
)
from allocator.generate import generate
from models import (
    ADULT_AGE,
    SCHOOL_AGE,
    Household,
    Member,
    Policy,
    Relation,
    ServiceKind,
    Sex,
)
from tests.factory import AS_OF

QUOTA_DIMS = ("households", "persons", "single_adults", "families",
              "unaccompanied_minors", "children", "adults", "seniors")


def _random_households(count: int, seed: int) -> list[Household]:
    """Households of every composition: lone minors, couples, large
    families with children of both sexes and every age, seniors,
    members of unknown sex, waits short and long."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        size = rng.choice([1, 1, 2, 3, 4, 5, 7, 9])
        head_age = rng.choice([15, 17, 19, 30, 45, 70])
        members = [Member(age=head_age, sex=rng.choice(list(Sex)),
                          relation=Relation.HEAD)]
        for _ in range(size - 1):
            relation = rng.choice([Relation.PARTNER, Relation.CHILD,
                                   Relation.CHILD, Relation.OTHER])
            members.append(Member(
                age=rng.randint(0, 80) if relation != Relation.CHILD
                else rng.randint(0, 19),
                sex=rng.choice([*Sex, None]), relation=relation))
        out.append(Household(
            id=f"H-{i:04d}", members=tuple(members),
            permit_date=AS_OF - timedelta(days=rng.randint(-30, 500)),
            expected_reunification_persons=rng.choice([0, 0, 1, 2, 5]),
        ))
    return out


# The rules below are stated for one household, as the compile once
# did, to hold the columns to.


def _extra_rooms(household) -> int:
    """Bedrooms expected reunification adds: a partner, then children two
    to a room (ages are not known in advance)."""
    extra = household.expected_reunification_persons
    if extra <= 0:
        return 0
    partner = household.adults == 1 and household.size == 1
    return math.ceil(max(0, extra - partner) / 2)


def _kinds_of(household) -> frozenset:
    """Services that count for a household's composition (DOMAIN.md
    D7), stated for one household."""
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
    low, high = columns.INTRO_PROGRAMME_AGES
    if any(low <= a <= high for a in ages):
        kinds.add(ServiceKind.ADULT_EDUCATION)
    return frozenset(kinds)


NORMS = [
    {},
    {"couples_share": False, "children_per_room": 3},
    {"mixed_sex_until_age": 0, "own_room_age": 18, "children_per_room": 1},
    {"mixed_sex_until_age": 18, "own_room_age": 10, "children_per_room": 4},
]


@pytest.mark.parametrize("norm", NORMS)
def test_household_columns_equal_the_per_household_functions(norm):
    """Tests that bedrooms, reunification rooms, services, quotas,
    deadlines and priority computed for all households at once equal
    the per-household functions, under several size norms and
    deadlines."""
    households = _random_households(400, seed=len(norm))
    policy = Policy.model_validate({
        "size": norm,
        "deadlines": {"priority_months": 2, "standard_months": 5,
                      "maximum_months": 9},
    })
    members = columns.Members.of(households)
    assert [columns.TYPES[t] for t in members.type] == [
        h.household_type for h in households]
    assert columns.bedrooms_needed(members, policy.size).tolist() == [
        bedrooms_needed(h.members, policy.size) for h in households]
    assert columns.extra_rooms(members).tolist() == [
        _extra_rooms(h) for h in households]
    assert columns.services_needed(members).tolist() == [
        [k in _kinds_of(h) for k in ServiceKind] for h in households]
    assert columns.quota_usages(members, QUOTA_DIMS).tolist() == [
        [quota_usages(h)[dim] for dim in QUOTA_DIMS] for h in households]
    assert columns.deadline_days(members, policy).tolist() == [
        deadline_days(h, policy) for h in households]
    assert columns.priority(members, AS_OF, policy).tolist() == [
        household_priority(h, AS_OF, policy) for h in households]
    assert columns.quota_usages(members, ()).shape == (len(households), 0)


def test_household_columns_of_a_generated_instance():
    """Tests the columns of a generated instance's households against
    the per-household functions."""
    instance = generate("town", seed=3, scale=0.5)
    policy = Policy()
    hs = instance.households
    members = columns.Members.of(hs)
    assert np.array_equal(members.size, [h.size for h in hs])
    assert columns.bedrooms_needed(members, policy.size).tolist() == [
        bedrooms_needed(h.members, policy.size) for h in hs]
    assert columns.priority(members, instance.as_of, policy).tolist() == [
        household_priority(h, instance.as_of, policy) for h in hs]


def test_household_columns_of_no_households():
    """Tests that an instance without households gives empty columns."""
    members = columns.Members.of([])
    assert columns.bedrooms_needed(members, Policy().size).shape == (0,)
    assert columns.services_needed(members).shape == (0, len(ServiceKind))
    assert columns.quota_usages(members, QUOTA_DIMS).shape == (0, 8)
