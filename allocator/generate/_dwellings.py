"""Buildings and the dwellings in them that can be offered this round."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from models import DwellingFeature, Tenure

from . import _calibration as cal
from ._geography import Place
from ._presets import PresetSpec
from ._util import apportion, draw, pick, round_random

BLOCK, LOWRISE, HOUSE = "block", "lowrise", "house"

BUILDING_KINDS = {
    Tenure.MUNICIPAL: {BLOCK: 0.6, LOWRISE: 0.3, HOUSE: 0.1},
    Tenure.RENT_TO_OWN: {BLOCK: 0.8, LOWRISE: 0.2},
}
"""
Building kinds by tenure: municipal stock is mostly flats [CALIBRATION];
rent-to-own flats are bought in housing cooperatives [DOMAIN D1]. Other
tenures use ``PRIVATE_KINDS`` with the preset's house weight.
"""

PRIVATE_KINDS = {BLOCK: 0.55, LOWRISE: 0.15, HOUSE: 0.30}
"""Building kinds of privately let dwellings before the house weight."""

MAX_UNITS = 24
"""Most units in one building (stairwell)."""

_CONDITION_CDF = {
    table: np.cumsum(table)
    for table in (cal.CONDITION_MUNICIPAL, cal.CONDITION_PRIVATE)
}


@dataclass
class BuildingDraft:
    """A building with the dwellings it offers, before ids are made."""

    place: int
    area: int
    node: int
    kind: str
    tenure: Tenure
    units: int
    floors: int
    lift: bool
    step_free_entrance: bool
    features: set[DwellingFeature]
    refugees: int = 0
    dwellings: list[dict] = field(default_factory=list)


def buildings(
    place: Place,
    count: int,
    spec: PresetSpec,
    rng: np.random.Generator,
    as_of: date,
) -> list[BuildingDraft]:
    """
    Draws ``count`` dwellings of one municipality, grouped into buildings.

    Municipal dwellings come a few to a building, clustered in some areas;
    privately let ones mostly one to a building, spread like the
    population; blocks lie towards the centre and houses further out.
    """
    tenures = list(spec.tenure)
    per_tenure = apportion(count, [spec.tenure[t] for t in tenures])
    drafts: list[BuildingDraft] = []
    cdfs: dict = {}
    for tenure, todo in zip(tenures, per_tenure, strict=True):
        kinds = BUILDING_KINDS.get(tenure)
        if kinds is None:
            kinds = dict(PRIVATE_KINDS)
            kinds[HOUSE] *= spec.house_weight
        while todo > 0:
            if tenure == Tenure.MUNICIPAL:
                k = 1 + int(rng.poisson(0.7))
            elif tenure in (Tenure.PRIVATE_LEASE, Tenure.SUBLET):
                k = 1 + int(rng.random() < 0.1)
            else:
                k = 1
            k = min(k, todo)
            kind = pick(rng, kinds)
            if kind == HOUSE:
                k = 1
            todo -= k
            drafts.append(_building(place, tenure, kind, k, rng, cdfs))

    _rescale_municipal(drafts, spec)
    _care_housing(drafts, place, spec, count, rng)
    for b in drafts:
        share = place.area_share[b.area]
        rate = min(0.9, share * (1.8 if b.tenure == Tenure.MUNICIPAL else 0.8))
        occupied = b.units - len(b.dwellings)
        b.refugees = int(rng.binomial(occupied, rate)) if occupied else 0
        for d in b.dwellings:
            _dwelling_details(d, b, place, spec, rng, as_of)
    return drafts


def _building(
    place: Place,
    tenure: Tenure,
    kind: str,
    k: int,
    rng: np.random.Generator,
    cdfs: dict,
) -> BuildingDraft:
    # Area: municipal housing clusters where the area's bias is high; other
    # dwellings follow the resident households. Blocks stand towards the
    # centre, houses further out.
    municipal = tenure == Tenure.MUNICIPAL
    if municipal not in cdfs:
        weights = np.array(place.area_households, float)
        if municipal:
            weights = weights * np.array(place.area_bias)
        cdfs[municipal] = np.cumsum(weights)
    area = draw(rng, cdfs[municipal])
    key = (area, kind == HOUSE)
    if key not in cdfs:
        nodes = place.area_nodes(area)
        rel = place.dist[nodes] / place.radius
        cdfs[key] = (nodes, np.cumsum(
            np.exp(-2 * rel) if kind != HOUSE else 0.3 + rel
        ))
    nodes, cdf = cdfs[key]
    node = int(nodes[draw(rng, cdf)])

    if kind == BLOCK:
        floors = int(rng.integers(3, place.max_floors + 1))
        units = min(MAX_UNITS, floors * int(rng.integers(2, 5)))
        lift = rng.random() < cal.LIFT_BY_FLOORS[min(floors, 5)]
    elif kind == LOWRISE:
        floors = int(rng.integers(2, 4))
        units = int(rng.integers(4, 9))
        lift = rng.random() < 0.05
    else:
        floors = 2
        units = int(rng.integers(1, 4))
        lift = False
    features: set[DwellingFeature] = set()
    if place.shore[node] and rng.random() < cal.WATERFRONT_SHARE:
        features.add(DwellingFeature.WATERFRONT)
    if place.transit[node] and rng.random() < cal.BUSY_ROAD_SHARE:
        features.add(DwellingFeature.BUSY_ROAD)
        if rng.random() < 0.5:
            features.add(DwellingFeature.NOISE)
    elif rng.random() < 0.03:
        features.add(DwellingFeature.NOISE)
    if rng.random() < (cal.PLAYGROUND_SHARE if kind != HOUSE else 0.1):
        features.add(DwellingFeature.PLAYGROUND)
    b = BuildingDraft(
        place=place.index,
        area=area,
        node=node,
        kind=kind,
        tenure=tenure,
        units=max(units, k),
        floors=floors,
        lift=bool(lift),
        step_free_entrance=bool(
            rng.random() < cal.STEP_FREE_ENTRANCE[kind]
        ),
        features=features,
    )
    for _ in range(k):
        b.dwellings.append(_dwelling_shape(b, rng))
    return b


def _dwelling_shape(b: BuildingDraft, rng: np.random.Generator) -> dict:
    basement = False
    if b.kind == HOUSE:
        if rng.random() < cal.BASEMENT_SHARE_OF_HOUSES:
            basement = True
            rooms = pick(rng, cal.ROOMS_BASEMENT)
            floor = -1 if rng.random() < 0.3 else 0
            b.units = max(b.units, 2)
        else:
            rooms = pick(rng, cal.ROOMS_ALL)
            floor = 1 if b.units > 1 and rng.random() < 0.3 else 0
    else:
        rooms = pick(rng, cal.ROOMS_BLOCKS)
        floor = int(rng.integers(0, b.floors))
    if rooms == 2:
        bedrooms = 0 if rng.random() < cal.BEDSIT_SHARE_OF_SMALL else 1
    else:
        bedrooms = rooms - 1
    return {
        "tenure": b.tenure,
        "bedrooms": int(bedrooms),
        "floor": int(floor),
        "basement": basement,
        "lift": b.lift,
        "step_free": bool(
            b.step_free_entrance and floor >= 0 and (floor == 0 or b.lift)
        ),
    }


def _rescale_municipal(drafts: list[BuildingDraft], spec: PresetSpec) -> None:
    """Scales municipal buildings so their units add up to the stock."""
    municipal = [b for b in drafts if b.tenure == Tenure.MUNICIPAL]
    if spec.municipal_units is None or not municipal:
        return
    factor = spec.municipal_units / sum(b.units for b in municipal)
    for b in municipal:
        b.units = int(np.clip(round(b.units * factor), len(b.dwellings),
                              MAX_UNITS))


def _care_housing(
    drafts: list[BuildingDraft],
    place: Place,
    spec: PresetSpec,
    count: int,
    rng: np.random.Generator,
) -> None:
    """Flags municipal buildings that house care units for substance abuse
    or psychiatry next door, until about ``care_share`` of the dwellings
    are affected [DOMAIN R8, 5.6]."""
    target = round_random(rng, spec.care_share * count)
    municipal = [b for b in drafts if b.tenure == Tenure.MUNICIPAL]
    flagged = 0
    for k in rng.permutation(len(municipal)):
        if flagged >= target:
            break
        b = municipal[int(k)]
        if rng.random() < spec.care_substance_share:
            b.features.add(DwellingFeature.CARE_HOUSING_SUBSTANCE)
        else:
            b.features.add(DwellingFeature.CARE_HOUSING_PSYCHIATRY)
        flagged += len(b.dwellings)


def _dwelling_details(
    d: dict,
    b: BuildingDraft,
    place: Place,
    spec: PresetSpec,
    rng: np.random.Generator,
    as_of: date,
) -> None:
    tenure = d["tenure"]
    bedrooms = d["bedrooms"]
    mean_area = cal.FLOOR_AREA_M2[min(bedrooms, 7)]
    d["floor_area_m2"] = float(
        round(mean_area * rng.lognormal(0.0, 0.1) * 2) / 2
    )
    table = (cal.CONDITION_MUNICIPAL if tenure == Tenure.MUNICIPAL
             else cal.CONDITION_PRIVATE)
    condition = 1 + draw(rng, _CONDITION_CDF[table])
    d["condition"] = condition
    damp_p = (cal.DAMP_BASE + cal.DAMP_WORN * (condition <= 2)
              + cal.DAMP_BASEMENT * d["basement"])
    damp = bool(rng.random() < damp_p)
    d["damp"] = damp
    d["child_suitable"] = bool(
        rng.random() >= cal.UNFIT_BASE + cal.UNFIT_DAMP * damp
    )
    shareable = tenure in (Tenure.MUNICIPAL, Tenure.PRIVATE_LEASE,
                           Tenure.SUBLET, Tenure.GUARANTEED_PRIVATE)
    d["shared_rooms"] = (
        bedrooms
        if shareable and bedrooms in (2, 3)
        and rng.random() < cal.SHARED_SHARE
        else 0
    )
    d["features"] = frozenset(b.features)
    level = spec.price_level if spec.municipalities == 1 else (
        place.price_level
    )
    rent = (
        level
        * (cal.RENT_BASE_NOK + cal.RENT_PER_BEDROOM_NOK * bedrooms)
        * (0.85 + 0.05 * condition)
        * (cal.MUNICIPAL_RENT_FACTOR if tenure == Tenure.MUNICIPAL else 1)
        * rng.lognormal(0.0, 0.08)
    )
    d["rent_nok"] = float(round(rent / 100) * 100)
    choices = cal.LEASE_MONTHS[tenure]
    d["lease_months"] = (
        int(choices[int(rng.integers(len(choices)))]) if choices else None
    )
    if rng.random() < cal.ALREADY_VACANT:
        start = as_of - timedelta(days=int(rng.integers(0, 22)))
    else:
        start = as_of + timedelta(
            days=int(rng.integers(1, cal.AVAILABLE_DAYS + 1))
        )
    d["available_from"] = start
    if tenure == Tenure.SELF_FOUND:
        # The landlord's offer lapses unless approved in time [DOMAIN 5.3].
        until = start + timedelta(days=int(rng.integers(14, 46)))
    elif rng.random() < cal.UNTIL_SHARE:
        until = start + timedelta(days=int(rng.integers(60, 366)))
    else:
        until = None
    d["available_until"] = until
