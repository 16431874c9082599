"""Seeded, deterministic synthetic instances, from a toy to all of Norway."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date

import numpy as np

from models import (
    Area,
    AreaNationality,
    Building,
    Dwelling,
    Edge,
    Household,
    Instance,
    Municipality,
    Node,
    QuotaDimension,
    ServiceSite,
)

from ..i18n import _
from ._calibration import DEFAULT_AS_OF
from ._dwellings import BuildingDraft, buildings
from ._geography import SITE_LABELS, Place, lay_out, places
from ._households import households, place_households
from ._placement import (
    BASE_DIMENSIONS,
    extra_quotas,
    municipality_services,
    pair_scores,
)
from ._presets import PRESETS, PresetSpec
from ._quotas import CouncilDecision, council_decisions
from ._util import apportion, ids, stream

__all__ = ["DEFAULT_AS_OF", "PRESETS", "PresetSpec", "generate"]

_Streams = Callable[..., np.random.Generator]
"""The instance's random streams, one per key (see ``stream``)."""

# Spawn keys of the random streams, one per part (see ``stream``).
_PLACES, _NETWORK, _HOUSEHOLDS, _QUOTAS, _DWELLINGS, _PLACING = range(6)
# Parts drawn only when asked for (placement), so that other instances
# stay exactly as they were.
_DIMENSIONS, _SERVICES, _SCORES = range(6, 9)


def generate(
    preset: str,
    seed: int = 0,
    supply: float | None = None,
    as_of: date | None = None,
    *,
    scale: float = 1.0,
    dimensions: tuple[str, ...] = (),
    services: bool = False,
    scores: bool = False,
) -> Instance:
    """
    Generates a synthetic instance from a named preset.

    The same preset, seed and options give an equal instance on every run
    and machine: every random draw comes from a NumPy stream seeded from
    ``seed`` and the part being drawn.

    Parameters
    ----------
    preset
        One of ``PRESETS``: ``tiny``, ``rural``, ``town``, ``city``,
        ``region`` or ``national``.
    seed
        Non-negative random seed. Default 0.
    supply
        Dwellings per household, replacing the preset's ratio; below 1
        there are fewer dwellings than households. Default ``None`` (the
        preset's ratio).
    as_of
        Planning date; permits, availability and reunification dates are
        drawn around it. Default ``DEFAULT_AS_OF`` (2026-11-02).
    scale
        Multiplies the number of households (and so dwellings), keeping the
        municipalities; for quick tests of the large presets. Default 1.
    dimensions
        Further dimensions of the council decisions, beyond households,
        persons and the preset's own (``children``, ``single_adults``,
        ...); for presets with decisions. Default none.
    services
        Add the services municipalities offer for placement
        (introduction-programme places, minors' care, health follow-up).
    scores
        Add imported pair scores: a predicted probability of employment
        of each household in each municipality of its home county.

    Returns
    -------
    Instance
        A validated instance (``instance_problems`` finds nothing).

    Raises
    ------
    ValueError
        When the preset is unknown or an option is out of range.
    """
    spec = _checked_spec(preset, seed, supply, scale)
    extra = _dimensions(spec, dimensions)
    seed = int(seed)
    as_of = DEFAULT_AS_OF if as_of is None else as_of
    num_households = max(1, round(spec.households * scale))
    ratio = spec.supply if supply is None else supply
    num_dwellings = round(num_households * ratio)
    name = preset

    def rng(*key: int) -> np.random.Generator:
        return stream(seed, name, *key)

    towns = _laid_out_places(spec, rng)
    drafts, decided, drafted = _drafts(spec, towns, num_households,
                                       num_dwellings, as_of, rng)
    asked = tuple(d for d in extra if d.value not in spec.quota_dimensions)
    label = _label(preset, seed, supply, scale, asked, services, scores)
    instance = _instance(label, as_of, towns, decided, drafted, drafts)
    if not (extra or services or scores):
        return instance
    return _with_placement(instance, towns, decided, drafts, extra,
                           services, scores, rng)


def _checked_spec(preset: str, seed, supply: float | None,
                  scale: float) -> PresetSpec:
    """The preset's spec, once the preset and options are understood."""
    spec = PRESETS.get(preset)
    if spec is None:
        raise ValueError(_(
            "Preset {preset!r} not understood; choose one of {choices}.",
            preset=preset, choices=", ".join(PRESETS)))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) \
            or seed < 0:
        raise ValueError(_("seed {seed!r} not understood; use an integer "
                           ">= 0.", seed=seed))
    if supply is not None and not (math.isfinite(supply) and supply >= 0):
        raise ValueError(_("supply {supply!r} not understood; use "
                           "dwellings per household >= 0.", supply=supply))
    if not (math.isfinite(scale) and scale > 0):
        raise ValueError(_("scale {scale!r} not understood; use a number "
                           "> 0.", scale=scale))
    return spec


def _laid_out_places(spec: PresetSpec, rng: _Streams) -> list[Place]:
    """The municipalities, each laid out, with the offsets of its nodes,
    areas and sites in the instance-wide numbering."""
    towns = places(spec, rng(_PLACES))
    node0 = area0 = site0 = 0
    for town in towns:
        lay_out(town, rng(_NETWORK, town.index), len(towns))
        town.node0, town.area0, town.site0 = node0, area0, site0
        node0 += town.num_nodes
        area0 += len(town.area_names)
        site0 += len(town.sites)
    return towns


def _drafts(spec: PresetSpec, towns: list[Place], num_households: int,
            num_dwellings: int, as_of: date, rng: _Streams
            ) -> tuple[list[dict], list[CouncilDecision] | None,
                       list[BuildingDraft]]:
    """
    The households and buildings drafted (and the council decisions):
    dwellings shared out among municipalities by weight, then the
    households placed.
    """
    drafts = households(spec, num_households, rng(_HOUSEHOLDS), as_of)
    decided, dwelling_weights, assign_weights = _weights(
        spec, towns, drafts, num_households, rng
    )
    counts = apportion(num_dwellings, dwelling_weights)
    drafted: list[BuildingDraft] = []
    for town, count in zip(towns, counts, strict=True):
        drafted += buildings(town, count, spec, rng(_DWELLINGS, town.index),
                             as_of)
    place_households(drafts, towns, spec, assign_weights, rng(_PLACING))
    return drafts, decided, drafted


def _weights(spec: PresetSpec, towns: list[Place], drafts: list[dict],
             num_households: int, rng: _Streams
             ) -> tuple[list[CouncilDecision] | None, list, list]:
    """
    The council decisions (``None`` for a preset without), and the
    weights by which municipalities get dwellings and households: their
    decisions where there are any, else their population.
    """
    if not spec.quotas:
        weights = [t.population for t in towns]
        return None, weights, weights
    persons = sum(len(h["members"]) for h in drafts)
    decided = council_decisions(towns, persons, num_households,
                                rng(_QUOTAS))
    dwelling_weights = [
        d.requested * (0.3 + 0.7 * d.persons / d.requested)
        for d in decided
    ]
    return decided, dwelling_weights, [d.households for d in decided]


def _label(preset: str, seed: int, supply: float | None, scale: float,
           asked: tuple[QuotaDimension, ...], services: bool,
           scores: bool) -> str:
    """The instance's name: the preset, seed and every option that made
    it differ from the preset's own."""
    label = f"{preset}-s{seed}"
    if supply is not None:
        label += f"-supply{supply:g}"
    if scale != 1:
        label += f"-scale{scale:g}"
    if asked:
        label += "-" + "-".join(d.value for d in asked)
    if services:
        label += "-services"
    if scores:
        label += "-scores"
    return label


def _dimensions(spec: PresetSpec, asked) -> tuple[QuotaDimension, ...]:
    """The further decision dimensions, checked, in a stable order."""
    try:
        wanted = {QuotaDimension(d) for d in (*spec.quota_dimensions,
                                               *asked)}
    except ValueError:
        raise ValueError(_(
            "dimensions {dimensions!r} not understood; choose from "
            "{choices}.", dimensions=tuple(asked),
            choices=", ".join(d.value for d in QuotaDimension))) from None
    wanted -= set(BASE_DIMENSIONS)
    if wanted and not spec.quotas:
        raise ValueError(_(
            "Preset {preset!r} has no council decisions; dimensions need a "
            "preset with decisions (county, region, national).",
            preset=spec.name))
    return tuple(d for d in QuotaDimension if d in wanted)


def _with_placement(instance, towns, decided, drafts, dims, services,
                    scores, rng) -> Instance:
    """The instance with what placement needs, drawn on new streams."""
    update: dict = {}
    if dims:
        rows = extra_quotas(decided, drafts, dims, rng(_DIMENSIONS))
        update["municipalities"] = tuple(
            m.model_copy(update={"quotas": {**m.quotas, **row}})
            for m, row in zip(instance.municipalities, rows, strict=True)
        )
    if services:
        update["municipality_services"] = tuple(municipality_services(
            towns, decided, drafts, rng(_SERVICES)
        ))
    if scores:
        node_town = np.concatenate([
            np.full(t.num_nodes, t.index, dtype=np.int64) for t in towns
        ])
        update["pair_scores"] = tuple(pair_scores(
            drafts, [h.id for h in instance.households], towns, node_town,
            rng(_SCORES),
        ))
    # Validated again as a whole: the new rows reference the instance.
    return Instance.model_validate({**dict(instance), **update})


def _instance(label, as_of, towns, decided, drafted, drafts) -> Instance:
    """Turns the drafts into validated models with sortable ids."""
    node_ids = ids("N", sum(t.num_nodes for t in towns), 5)
    area_ids = ids("A", sum(len(t.area_names) for t in towns), 3)
    site_ids = ids("S", sum(len(t.sites) for t in towns), 4)
    municipalities, areas, nationalities = [], [], []
    nodes, edges, sites = [], [], []
    units, refugees = _building_totals(towns, drafted)
    for t in towns:
        municipalities.append(_municipality_model(t, decided, node_ids))
        town_areas, town_nationalities = _area_models(t, area_ids, units,
                                                refugees)
        areas += town_areas
        nationalities += town_nationalities
        nodes += [
            Node(id=node_ids[t.node0 + k], x=float(x), y=float(y))
            for k, (x, y) in enumerate(t.xy)
        ]
        edges += [
            Edge(source=node_ids[t.node0 + u], target=node_ids[t.node0 + v],
                 minutes=minutes, mode=mode)
            for u, v, minutes, mode in t.edges
        ]
        sites += _site_models(t, site_ids, node_ids)
    building_models, dwellings = _building_models(towns, drafted, area_ids,
                                                  node_ids)
    return Instance(
        name=label,
        as_of=as_of,
        municipalities=tuple(municipalities),
        areas=tuple(areas),
        buildings=tuple(building_models),
        area_nationalities=tuple(nationalities),
        nodes=tuple(nodes),
        edges=tuple(edges),
        sites=tuple(sites),
        dwellings=tuple(dwellings),
        households=tuple(_household_models(towns, drafts, node_ids,
                                           site_ids)),
    )


def _building_totals(towns, drafted) -> tuple[dict[int, int],
                                              dict[int, int]]:
    """Units and refugee households of the drafted buildings by global
    area index: existing refugees and residents must cover them."""
    units: dict[int, int] = {}
    refugees: dict[int, int] = {}
    for b in drafted:
        key = towns[b.place].area0 + b.area
        units[key] = units.get(key, 0) + b.units
        refugees[key] = refugees.get(key, 0) + b.refugees
    return units, refugees


def _municipality_model(t: Place, decided,
                        node_ids: list[str]) -> Municipality:
    """One municipality, with its council decision if there is one."""
    quotas, requested = {}, None
    if decided is not None:
        d = decided[t.index]
        quotas = {QuotaDimension.HOUSEHOLDS: d.households,
                  QuotaDimension.PERSONS: d.persons}
        requested = d.requested
    return Municipality(
        id=t.id, name=t.name, centre_node=node_ids[t.node0 + t.centre],
        quotas=quotas, requested=requested,
    )


def _area_models(t: Place, area_ids: list[str], units: dict[int, int],
           refugees: dict[int, int]
           ) -> tuple[list[Area], list[AreaNationality]]:
    """A municipality's areas, their counts raised to cover the drafted
    buildings, and the nationalities of their refugee households."""
    areas, nationalities = [], []
    for k, area_name in enumerate(t.area_names):
        key = t.area0 + k
        resident = max(t.area_households[k], units.get(key, 0))
        refugee = min(resident, max(t.area_refugees[k],
                                    refugees.get(key, 0)))
        areas.append(Area(
            id=area_ids[key], municipality=t.id, name=area_name,
            resident_households=resident, refugee_households=refugee,
        ))
        nationalities += [
            AreaNationality(area=area_ids[key], nationality=code,
                            households=n)
            for code, n in t.area_nationalities[k]
        ]
    return areas, nationalities


def _site_models(t: Place, site_ids: list[str],
           node_ids: list[str]) -> list[ServiceSite]:
    """A municipality's service sites, named by kind and number."""
    sites = []
    seen: dict = {}
    for k, (kind, node) in enumerate(t.sites):
        seen[kind] = seen.get(kind, 0) + 1
        sites.append(ServiceSite(
            id=site_ids[t.site0 + k], kind=kind,
            node=node_ids[t.node0 + node],
            name=f"{SITE_LABELS[kind]} {seen[kind]}",
        ))
    return sites


def _building_models(towns, drafted, area_ids: list[str], node_ids: list[str]
               ) -> tuple[list[Building], list[Dwelling]]:
    """The drafted buildings and their dwellings, numbered in order."""
    building_ids = ids("B", len(drafted), 5)
    dwelling_ids = ids("D", sum(len(b.dwellings) for b in drafted), 5)
    building_models, dwellings = [], []
    for b, bid in zip(drafted, building_ids, strict=True):
        t = towns[b.place]
        area = area_ids[t.area0 + b.area]
        building_models.append(Building(
            id=bid, area=area, units=b.units, refugee_households=b.refugees,
        ))
        for d in b.dwellings:
            dwellings.append(Dwelling(
                id=dwelling_ids[len(dwellings)], municipality=t.id,
                area=area, building=bid, node=node_ids[t.node0 + b.node],
                **d,
            ))
    return building_models, dwellings


def _household_models(towns, drafts, node_ids: list[str],
                site_ids: list[str]) -> list[Household]:
    """The drafted households, their places turned into ids."""
    household_ids = ids("H", len(drafts), 5)
    household_models = []
    for h, hid in zip(drafts, household_ids, strict=True):
        fields = {k: v for k, v in h.items() if not k.startswith("_")}
        if "_municipality" in h:
            fields["assigned_municipality"] = towns[h["_municipality"]].id
        if "_node" in h:
            fields["wish_near_node"] = node_ids[h["_node"]]
        if "_school" in h:
            fields["current_school"] = site_ids[h["_school"]]
        household_models.append(Household(id=hid, **fields))
    return household_models
