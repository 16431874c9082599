"""Small placement instances, every value visible, and a brute force."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta
from decimal import Decimal

from allocator.placement.check import (
    incompatibility,
    priority_points,
    quota_dimensions,
    score_points,
    service_need,
    usage,
)
from models import (
    Area,
    Compatibility,
    Household,
    Instance,
    Member,
    Municipality,
    MunicipalityService,
    PairScore,
    Policy,
)
from tests.factory import AS_OF

SCORES = Policy.model_validate({
    "placement": {"score_weight": 100,
                  "services": ["introduction_programme"]},
})
"""Pair scores weighted in, and an introduction-programme place needed."""

SPREAD = Policy.model_validate({
    "placement": {"score_weight": 100,
                  "spread": {"nationality_share": 0.5,
                             "household_type_share": 0.6,
                             "allowance": 0}},
})
"""Spread rules on nationality and household type, no allowance."""


def person(age: int, relation: str = "head", sex: str = "M") -> Member:
    return Member(age=age, sex=sex, relation=relation)


def household(hid: str, adults: int = 1, children=(), waited: int = 100,
              **fields) -> Household:
    """Adults aged 30 (head, then partner or other) and children."""
    members = [person(30)]
    if adults >= 2:
        members.append(person(29, "partner", "F"))
    members += [person(31, "other") for _ in range(adults - 2)]
    members += [person(age, "child") for age in children]
    return Household(
        id=hid, members=tuple(members),
        permit_date=AS_OF - timedelta(days=waited), **fields,
    )


def minor(hid: str, waited: int = 100, **fields) -> Household:
    return Household(id=hid, members=(person(16),),
                     permit_date=AS_OF - timedelta(days=waited), **fields)


def municipality(mid: str, **quotas) -> Municipality:
    return Municipality(id=mid, name=f"{mid} (test)", quotas=quotas)


def placement_instance(households, municipalities, *, compatibility=(),
                       scores=(), services=()) -> Instance:
    """
    One area per municipality, no dwellings: enough for placement.

    ``compatibility``: (household, municipality, allowed); ``scores``:
    (household, municipality, score); ``services``: (municipality,
    service, places).
    """
    return Instance(
        name="placement-test",
        as_of=AS_OF,
        municipalities=tuple(municipalities),
        areas=tuple(Area(id=f"A-{m.id}", municipality=m.id,
                         resident_households=1000)
                    for m in municipalities),
        households=tuple(households),
        compatibility=tuple(
            Compatibility(household=h, municipality=m, allowed=a)
            for h, m, a in compatibility
        ),
        pair_scores=tuple(
            PairScore(household=h, municipality=m, score=s)
            for h, m, s in scores
        ),
        municipality_services=tuple(
            MunicipalityService(municipality=m, service=s, places=p)
            for m, s, p in services
        ),
    )


def random_instance(rng: random.Random, num_households: int = 5,
                    num_municipalities: int = 3) -> Instance:
    """A random tiny instance: quotas in several dimensions, compatibility,
    scores, a service with places, nationalities."""
    households = []
    for k in range(num_households):
        kind = rng.choice(["single", "single", "couple", "family", "minor"])
        waited = rng.randint(10, 400)
        nat = rng.choice(["SY", "ER", "AF"])
        hid = f"H-{k}"
        if kind == "minor":
            households.append(minor(hid, waited, nationality=nat))
        else:
            kids = tuple(rng.randint(1, 15) for _ in range(
                rng.randint(1, 3) if kind == "family" else 0))
            households.append(household(
                hid, 2 if kind != "single" else 1, kids, waited,
                nationality=nat,
            ))
    municipalities = []
    for j in range(num_municipalities):
        quotas = {"households": rng.randint(0, 3),
                  "persons": rng.randint(1, 6)}
        if rng.random() < 0.6:
            quotas["children"] = rng.randint(0, 3)
        if rng.random() < 0.3:
            quotas["single_adults"] = rng.randint(0, 2)
        municipalities.append(municipality(f"K-{j}", **quotas))
    compatibility = [
        (h.id, m.id, rng.random() < 0.7)
        for h in households for m in municipalities if rng.random() < 0.3
    ]
    scores = [
        (h.id, m.id, round(rng.random(), 3))
        for h in households for m in municipalities if rng.random() < 0.8
    ]
    services = [
        (m.id, "introduction_programme", rng.randint(0, 4))
        for m in municipalities if rng.random() < 0.7
    ]
    return placement_instance(households, municipalities,
                              compatibility=compatibility, scores=scores,
                              services=services)


def brute_force(instance: Instance, policy: Policy) -> int | None:
    """
    The best combined objective over every assignment of households to
    municipalities (or none), checked rule by rule with the definitions
    of the independent checker; ``None`` if no household may be placed.
    Under the score objective: ``(total score, households placed)``, the
    total an exact ``Decimal`` of the scores as written.
    """
    rules = policy.placement
    table = {(c.household, c.municipality): c.allowed
             for c in instance.compatibility}
    offers: dict = {}
    for row in instance.municipality_services:
        offers.setdefault(row.municipality, {})[row.service.value] = (
            row.places
        )
    for m in instance.municipalities:
        offers.setdefault(m.id, {})
    scores = {(s.household, s.municipality): s.score
              for s in instance.pair_scores}
    dims = quota_dimensions(instance, policy)
    services = sorted(s.value for s in rules.services)
    hs = instance.households
    options = []
    for h in hs:
        allowed = [None] + [
            m.id for m in instance.municipalities
            if not incompatibility(policy, h, m.id, table, offers)
        ]
        options.append(allowed)
    prio = [priority_points(instance, policy, h) for h in hs]
    best = None
    spread = rules.spread
    for choice in itertools.product(*options):
        used: dict = {}
        total: dict = {}
        groups: dict = {}
        for h, mid in zip(hs, choice, strict=True):
            if mid is None:
                continue
            for dim in dims:
                used[mid, dim] = used.get((mid, dim), 0) + usage(h, dim)
            for s in services:
                key = (mid, f"service:{s}")
                used[key] = used.get(key, 0) + service_need(policy, h, s)
            total[mid] = total.get(mid, 0) + 1
            for kind, group in (("nationality", h.nationality),
                                ("type", h.household_type.value)):
                if group is not None:
                    groups[mid, kind, group] = groups.get(
                        (mid, kind, group), 0) + 1
        ok = True
        for m in instance.municipalities:
            for dim in dims:
                limit = {d.value: v for d, v in m.quotas.items()}.get(dim)
                if limit is not None and used.get((m.id, dim), 0) > limit:
                    ok = False
            for s in services:
                places = offers[m.id].get(s)
                if places is not None and used.get(
                    (m.id, f"service:{s}"), 0
                ) > places:
                    ok = False
        for (mid, kind, _), n in groups.items():
            share = (spread.nationality_share if kind == "nationality"
                     else spread.household_type_share)
            if share is not None and 1000 * n > (
                round(share * 1000) * total[mid] + 1000 * spread.allowance
            ):
                ok = False
        if not ok:
            continue
        primary = sum(p for p, mid in zip(prio, choice, strict=True)
                      if mid is not None)
        secondary = sum(
            score_points(policy, scores, h.id, mid)
            for h, mid in zip(hs, choice, strict=True) if mid is not None
        )
        if rules.objective.value == "score":
            value = (
                sum((Decimal(repr(scores.get((h.id, mid),
                                             rules.missing_score)))
                     for h, mid in zip(hs, choice, strict=True)
                     if mid is not None), Decimal(0)),
                sum(mid is not None for mid in choice),
            )
        elif policy.objective.value == "lexicographic":
            value = (primary, secondary)
        else:
            value = policy.weights.housed * primary + secondary
        if best is None or value > best:
            best = value
    return best
