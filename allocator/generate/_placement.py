"""
What national placement needs beyond the dwelling level: council
decisions in more dimensions, services municipalities offer, and pair
scores from an (imagined) external model of employment.

Each part draws from its own random stream, and only when asked for, so
instances generated without these options are exactly as before.
"""

from __future__ import annotations

import math

import numpy as np

from models import (
    ADULT_AGE,
    MunicipalityService,
    PairScore,
    PlacementService,
    QuotaDimension,
)

from ..i18n import _
from ._geography import Place
from ._quotas import CouncilDecision

BASE_DIMENSIONS = (QuotaDimension.HOUSEHOLDS, QuotaDimension.PERSONS)
"""Dimensions every generated council decision has."""

DIMENSION_SPREAD = (0.7, 1.15)
"""A decision in a further dimension: its expected share of the decided
persons or households, times a factor drawn from this range (a council
may want fewer children than its persons would bring, or more)."""

INTRODUCTION_AGES = (18, 55)
"""Ages with a right to the introduction programme (DOMAIN.md 1.6)."""


def _expected(drafts: list[dict], dim: QuotaDimension) -> tuple[float, str]:
    """Share of persons (or households) in a dimension, and which base."""
    members = [m for h in drafts for m in h["members"]]
    persons = max(1, len(members))
    count = max(1, len(drafts))
    ages = [m.age for m in members]
    adults_of = [sum(m.age >= ADULT_AGE for m in h["members"]) for h in drafts]
    if dim == QuotaDimension.CHILDREN:
        return sum(a < ADULT_AGE for a in ages) / persons, "persons"
    if dim == QuotaDimension.ADULTS:
        return sum(ADULT_AGE <= a < 67 for a in ages) / persons, "persons"
    if dim == QuotaDimension.SENIORS:
        return max(sum(a >= 67 for a in ages) / persons, 0.01), "persons"
    if dim == QuotaDimension.SINGLE_ADULTS:
        singles = sum(len(h["members"]) == 1 and a == 1
                      for h, a in zip(drafts, adults_of, strict=True))
        return singles / count, "households"
    if dim == QuotaDimension.FAMILIES:
        families = sum(len(h["members"]) > 1 and a > 0
                       for h, a in zip(drafts, adults_of, strict=True))
        return families / count, "households"
    if dim == QuotaDimension.UNACCOMPANIED_MINORS:
        return max(sum(a == 0 for a in adults_of) / count, 0.01), "households"
    raise ValueError(_("dimension {dimension!r} not understood.",
                       dimension=str(dim)))


def extra_quotas(
    decided: list[CouncilDecision],
    drafts: list[dict],
    dimensions: tuple[QuotaDimension, ...],
    rng: np.random.Generator,
) -> list[dict[QuotaDimension, int]]:
    """
    Each municipality's decision in the further dimensions: its decided
    persons (or households) times the share of the waiting households in
    that dimension, times a factor from ``DIMENSION_SPREAD``. A
    municipality that settles no one decides nothing in any dimension.
    """
    result = []
    shares = {dim: _expected(drafts, dim) for dim in dimensions}
    for d in decided:
        row = {}
        for dim in dimensions:
            share, base = shares[dim]
            amount = d.persons if base == "persons" else d.households
            factor = rng.uniform(*DIMENSION_SPREAD)
            row[dim] = int(round(amount * share * factor)) if amount else 0
        result.append(row)
    return result


def municipality_services(
    towns: list[Place],
    decided: list[CouncilDecision] | None,
    drafts: list[dict],
    rng: np.random.Generator,
) -> list[MunicipalityService]:
    """
    Services each municipality offers the households it settles.

    Every municipality that settles runs the introduction programme
    (obligatory since 2004, DOMAIN.md 1.6) with places for about its
    decided adults of programme age; towns of 20,000 and more, and a
    quarter of the others, have care for unaccompanied minors with a few
    places; towns of 30,000 and more, and a fifth of the others, have
    close health follow-up without a set limit.
    """
    ages = [m.age for h in drafts for m in h["members"]]
    share = sum(INTRODUCTION_AGES[0] <= a <= INTRODUCTION_AGES[1]
                for a in ages) / max(1, len(ages))
    rows = []
    for town in towns:
        persons = decided[town.index].persons if decided else len(ages)
        u = rng.random(3)
        if persons:
            places = int(round(persons * share * (0.8 + 0.5 * u[0])))
            rows.append(MunicipalityService(
                municipality=town.id,
                service=PlacementService.INTRODUCTION_PROGRAMME,
                places=places,
            ))
        if town.population >= 20_000 or u[1] < 0.25:
            rows.append(MunicipalityService(
                municipality=town.id,
                service=PlacementService.MINORS_CARE,
                places=int(rng.integers(2, 11)),
            ))
        if town.population >= 30_000 or u[2] < 0.2:
            rows.append(MunicipalityService(
                municipality=town.id,
                service=PlacementService.HEALTH_FOLLOW_UP,
            ))
    return rows


def county(municipality_id: str) -> str:
    """The county number of a generated municipality id (``K-4201``)."""
    return municipality_id[2:4]


def pair_scores(
    drafts: list[dict],
    household_ids: list[str],
    towns: list[Place],
    node_town: np.ndarray,
    rng: np.random.Generator,
) -> list[PairScore]:
    """
    A predicted probability of employment within two years for each
    household in each municipality of its home county (the county of the
    municipality it is assigned to, or wishes to live in, or else one
    drawn by population): a logistic model of the household's adults of
    working age and age, the municipality's labour market (larger towns
    better), a bonus where the household has a place it wishes to be near
    (family, work), and noise per pair. Rounded to three decimals.
    """
    pops = np.array([t.population for t in towns], float)
    labour = 0.25 * np.log10(pops / 10_000) + rng.normal(0, 0.35, len(towns))
    by_county: dict[str, list[int]] = {}
    for t in towns:
        by_county.setdefault(county(t.id), []).append(t.index)
    cdf = np.cumsum(pops)
    rows = []
    for h, hid in zip(drafts, household_ids, strict=True):
        members = h["members"]
        working = sum(INTRODUCTION_AGES[0] <= m.age <= INTRODUCTION_AGES[1]
                      for m in members)
        head = max(m.age for m in members)
        if working == 0 and all(m.age < ADULT_AGE for m in members):
            base = -1.6
        else:
            base = -1.0 + 0.35 * min(working, 2) - 0.02 * (head - 30)
        base += rng.normal(0, 0.6)
        wish = int(node_town[h["_node"]]) if "_node" in h else -1
        home = h.get("_municipality", wish)
        if home < 0:
            home = min(int(np.searchsorted(cdf, rng.random() * cdf[-1],
                                           side="right")), len(towns) - 1)
        local = by_county[county(towns[home].id)]
        noise = rng.normal(0, 0.25, len(local))
        for k, j in enumerate(local):
            x = base + labour[j] + (0.5 if j == wish else 0.0) + noise[k]
            rows.append(PairScore(
                household=hid,
                municipality=towns[j].id,
                score=round(1 / (1 + math.exp(-x)), 3),
            ))
    return rows
