"""Settlement-ready households: who they are, what they need and wish."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from models import DAYS_PER_MONTH, DwellingFeature, Member, Relation, Sex

from . import _calibration as cal
from ._geography import Place
from ._presets import PresetSpec
from ._util import apportion, draw, pick

MALE, FEMALE = Sex.MALE, Sex.FEMALE


def households(
    spec: PresetSpec, count: int, rng: np.random.Generator, as_of: date
) -> list[dict]:
    """
    Draws ``count`` households as keyword dictionaries for ``Household``,
    without id, municipality or places (see ``place_households``).

    Household types are apportioned exactly to the preset's mix and then
    shuffled, so even small presets hold the mix as closely as whole
    households allow.
    """
    mix = spec.household_mix
    kinds = [
        kind
        for kind, n in zip(mix, apportion(count, list(mix.values())),
                           strict=True)
        for _ in range(n)
    ]
    order = rng.permutation(len(kinds))
    return [_household(kinds[int(k)], rng, as_of) for k in order]


def _household(kind: str, rng: np.random.Generator, as_of: date) -> dict:
    members = MEMBERS[kind](rng)
    h: dict = {"members": tuple(Member(age=a, sex=s, relation=r)
                                for a, s, r in members)}
    nationalities = (cal.MINOR_NATIONALITIES if kind == cal.MINOR
                     else cal.NATIONALITIES)
    h["nationality"] = None if rng.random() < 0.01 else pick(rng,
                                                              nationalities)

    # Needs: a need is known when it exists [DOMAIN H9]; otherwise the
    # household is either assessed (known False) or unknown (None).
    need = rng.random() < cal.ACCESSIBILITY_SHARE
    assessed = need or rng.random() < cal.ASSESSED_SHARE
    if need:
        ground = bool(rng.random() < 0.4)
        h["needs_step_free"] = True
        h["needs_ground_floor"] = ground
        h["needs_no_basement"] = bool(ground or rng.random() < 0.5)
    elif assessed:
        h["needs_step_free"] = False
        h["needs_ground_floor"] = False
        h["needs_no_basement"] = False
    if rng.random() < cal.AVOID_WATERFRONT_SHARE:
        h["avoid_features"] = frozenset({DwellingFeature.WATERFRONT})
    elif assessed:
        h["avoid_features"] = frozenset()
    if rng.random() < cal.HEALTH_FOLLOW_UP_SHARE:
        h["health_follow_up"] = True
    elif assessed:
        h["health_follow_up"] = False

    reunion = 0
    if kind == cal.SINGLE and rng.random() < cal.REUNIFICATION_SINGLE_SHARE:
        reunion = pick(rng, cal.REUNIFICATION_PERSONS)
    elif kind == cal.COUPLE and rng.random() < cal.REUNIFICATION_COUPLE_SHARE:
        reunion = pick(rng, {1: 0.4, 2: 0.3, 3: 0.2, 4: 0.1})
    if reunion:
        h["expected_reunification_persons"] = int(reunion)
        if rng.random() < cal.REUNIFICATION_DATE_KNOWN:
            h["expected_reunification_date"] = as_of + timedelta(
                days=int(rng.integers(30, 331))
            )

    if kind == cal.SINGLE:
        young = members[0][0] <= 35
        yes, no = cal.OPEN_TO_SHARED["young" if young else "older"]
        u = rng.random()
        h["open_to_shared"] = True if u < yes else (
            False if u < yes + no else None
        )

    h["wish_central"] = bool(rng.random() < cal.WISH_CENTRAL)
    h["wish_near_compatriots"] = bool(rng.random() < cal.WISH_COMPATRIOTS)
    h["_wish_node"] = bool(rng.random() < cal.WISH_NODE)

    months = rng.gamma(*cal.WAIT_GAMMA)
    if reunion and kind == cal.SINGLE or h.get("health_follow_up"):
        months *= cal.LONGER_WAIT_FACTOR
    months = min(months, cal.MAX_WAIT_MONTHS)
    permit = as_of - timedelta(days=int(round(months * DAYS_PER_MONTH)))
    h["permit_date"] = permit
    if rng.random() < cal.CASE_CREATED_KNOWN:
        lag = rng.gamma(*cal.CASE_LAG_GAMMA)
        h["case_created"] = permit - timedelta(
            days=int(round(lag * DAYS_PER_MONTH))
        )
    h["_kind"] = kind
    return h


# --- Members --------------------------------------------------------------
# Each returns (age, sex, relation) tuples, head first.


def _adult_age(rng, mean_extra: float, low: int = 18, high: int = 75) -> int:
    return min(high, round(low + rng.gamma(2.0, mean_extra / 2)))


def _other_sex(sex: Sex) -> Sex:
    return FEMALE if sex == MALE else MALE


def _single(rng):
    sex = MALE if rng.random() < cal.SINGLE_MALE_SHARE else FEMALE
    return [(_adult_age(rng, 11.0), sex, Relation.HEAD)]


def _couple(rng):
    head_sex = MALE if rng.random() < 0.85 else FEMALE
    head = _adult_age(rng, 16.0, low=19)
    gap = int(rng.integers(-2, 9)) * (1 if head_sex == MALE else -1)
    partner = min(90, max(18, head - gap))
    return [(head, head_sex, Relation.HEAD),
            (partner, _other_sex(head_sex), Relation.PARTNER)]


def _children(rng, count: int) -> list[int]:
    """
    Ages of ``count`` siblings under 18, oldest first: 1 + Poisson years
    apart, the youngest skewed young (Beta(1, 1.6) over the years left), so
    every age from infants to 17-year-olds occurs [DOMAIN H3].
    """
    gaps = 1 + rng.poisson(cal.SIBLING_GAP_EXTRA, count - 1)
    while gaps.sum() > 17:
        gaps = np.maximum(gaps - 1, 0)
    span = int(gaps.sum())
    youngest = int(rng.beta(1.0, cal.YOUNGEST_CHILD_BETA) * (18 - span))
    ages = youngest + np.concatenate([[0], np.cumsum(gaps)])
    return [int(a) for a in ages[::-1]]


def _mother_age(rng, oldest: int) -> int:
    # First birth at 19-35 gives every child a parent at least 16 years
    # older (the contract requires 12).
    first_birth = 19 + min(16, round(rng.gamma(2.0, 2.5)))
    return max(oldest + first_birth, 20)


def _with_children(rng, table, parents: int):
    ages = _children(rng, pick(rng, table))
    mother = _mother_age(rng, ages[0])
    sexes = [MALE if rng.random() < 0.5 else FEMALE for _ in ages]
    kids = [(a, s, Relation.CHILD) for a, s in zip(ages, sexes)]
    if parents == 2:
        father = mother + int(rng.integers(0, 9))
        if rng.random() < 0.85:
            adults = [(father, MALE, Relation.HEAD),
                      (mother, FEMALE, Relation.PARTNER)]
        else:
            adults = [(mother, FEMALE, Relation.HEAD),
                      (father, MALE, Relation.PARTNER)]
        members = adults + kids
        if rng.random() < cal.GRANDPARENT_SHARE:
            members.append((min(95, max(father, mother)
                                + int(rng.integers(20, 31))),
                            FEMALE if rng.random() < 0.6 else MALE,
                            Relation.OTHER))
        return members
    if rng.random() < 0.88:
        return [(mother, FEMALE, Relation.HEAD)] + kids
    return [(mother + int(rng.integers(0, 9)), MALE, Relation.HEAD)] + kids


def _family(rng):
    return _with_children(rng, cal.CHILDREN_FAMILY, parents=2)


def _single_parent(rng):
    return _with_children(rng, cal.CHILDREN_SINGLE_PARENT, parents=1)


def _minor(rng):
    sex = MALE if rng.random() < cal.MINOR_MALE_SHARE else FEMALE
    return [(pick(rng, cal.MINOR_AGES), sex, Relation.HEAD)]


def _other_adults(rng):
    if rng.random() < 0.5:
        # Adult siblings.
        head = _adult_age(rng, 8.0)
        others = 1 + int(rng.random() < 0.3)
        sex = MALE if rng.random() < 0.6 else FEMALE
        members = [(head, sex, Relation.HEAD)]
        for _ in range(others):
            members.append((min(60, max(18, head + int(rng.integers(-5, 6)))),
                            MALE if rng.random() < 0.6 else FEMALE,
                            Relation.OTHER))
        return members
    # A parent with a grown-up child.
    child = int(rng.integers(18, 26))
    parent = child + 18 + int(rng.integers(0, 16))
    return [(parent, FEMALE if rng.random() < 0.7 else MALE, Relation.HEAD),
            (child, MALE if rng.random() < 0.5 else FEMALE, Relation.CHILD)]


MEMBERS = {
    cal.SINGLE: _single,
    cal.COUPLE: _couple,
    cal.FAMILY: _family,
    cal.SINGLE_PARENT: _single_parent,
    cal.MINOR: _minor,
    cal.OTHER_ADULTS: _other_adults,
}


def place_households(
    drafts: list[dict],
    places: list[Place],
    spec: PresetSpec,
    weights: list[float],
    rng: np.random.Generator,
) -> None:
    """
    Sets each household's assigned municipality, place wish (a global node
    index in ``_node``) and current school (a global site index in
    ``_school``).

    ``weights`` gives where assigned households go (the decided places)
    and ``assigned_share`` how many are assigned; unassigned households
    wish for places anywhere, in proportion to population.
    """
    count = len(drafts)
    assigned = np.zeros(count, bool)
    num_assigned = round(spec.assigned_share * count)
    assigned[rng.permutation(count)[:num_assigned]] = True
    to = np.cumsum(np.asarray(weights, float))
    if to[-1] <= 0:  # nowhere has decided places: assign by population
        to = np.cumsum([p.population for p in places])
    anywhere = np.cumsum([p.population for p in places])
    schools = [p.schools() for p in places]
    for h, is_assigned in zip(drafts, assigned, strict=True):
        where = draw(rng, to if is_assigned else anywhere)
        if is_assigned:
            h["_municipality"] = where
        place = places[where]
        if h.pop("_wish_node"):
            h["_node"] = place.node0 + draw(rng, np.cumsum(place.density))
        ages = [m.age for m in h["members"] if m.relation == Relation.CHILD]
        if (
            is_assigned
            and any(6 <= a <= 15 for a in ages)
            and schools[where]
            and rng.random() < spec.reception_school_share
        ):
            # Children in a reception centre in the municipality already go
            # to a local school [DOMAIN 5.6: 160 asylum seekers in Kvinesdal].
            local = schools[where]
            h["_school"] = local[int(rng.integers(len(local)))]
