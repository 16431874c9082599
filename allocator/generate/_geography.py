"""Municipalities with their areas, travel network and service sites."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from models import ServiceKind, TravelMode

from . import _calibration as cal
from ._presets import PresetSpec

AREA_DIRECTIONS = ("Øst", "Nordøst", "Nord", "Nordvest", "Vest", "Sørvest",
                   "Sør", "Sørøst")
"""Area names by compass direction from the centre (counter-clockwise)."""

SITE_LABELS = {
    ServiceKind.KINDERGARTEN: "Barnehage",
    ServiceKind.SCHOOL: "Skole",
    ServiceKind.ADULT_EDUCATION: "Voksenopplæring",
    ServiceKind.PUBLIC_TRANSPORT: "Holdeplass",
    ServiceKind.HEALTH: "Helsestasjon",
    ServiceKind.SHOP: "Butikk",
    ServiceKind.NAV: "NAV",
}

CENTRAL_KINDS = (ServiceKind.ADULT_EDUCATION, ServiceKind.PUBLIC_TRANSPORT,
                 ServiceKind.HEALTH, ServiceKind.SHOP, ServiceKind.NAV)
"""Kinds always found at the centre node."""

_PREFIXES = ("Nord", "Sør", "Aust", "Vest", "Øy", "Fjell", "Dal", "Berg",
             "Strand", "Sand", "Eid", "Lund", "Stein", "Lille", "Stor",
             "Hol", "Bjørk", "Furu", "Elve", "Fossen")
_SUFFIXES = ("vik", "dal", "fjord", "berg", "sund", "nes", "øy", "eid",
             "stad", "heim", "land", "voll", "mo", "ås", "bygd", "sjø",
             "haug", "li", "strand", "rud")

MUNICIPALITY_SPACING_KM = 30.0
"""Distance between municipality centres when there are several."""


@dataclass
class Place:
    """One municipality's geography, in local indices until ids are made."""

    index: int
    id: str
    name: str
    population: int
    radius: float
    grid: int
    num_areas: int
    transit_lines: int
    price_level: float
    centre_xy: tuple[float, float] = (0.0, 0.0)
    xy: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    dist: np.ndarray = field(default_factory=lambda: np.zeros(0))
    density: np.ndarray = field(default_factory=lambda: np.zeros(0))
    centre: int = 0
    edges: list[tuple[int, int, float, TravelMode]] = field(
        default_factory=list
    )
    shore: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    transit: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    area_of_node: np.ndarray = field(
        default_factory=lambda: np.zeros(0, int)
    )
    area_names: list[str] = field(default_factory=list)
    area_households: list[int] = field(default_factory=list)
    area_refugees: list[int] = field(default_factory=list)
    area_share: list[float] = field(default_factory=list)
    area_bias: list[float] = field(default_factory=list)
    area_nationalities: list[list[tuple[str, int]]] = field(
        default_factory=list
    )
    sites: list[tuple[ServiceKind, int]] = field(default_factory=list)
    node0: int = 0
    area0: int = 0
    site0: int = 0

    @property
    def max_floors(self) -> int:
        """Storeys of the tallest blocks: low in villages, high in cities."""
        if self.population < 10_000:
            return 4
        return 6 if self.population < 50_000 else 8

    @property
    def num_nodes(self) -> int:
        return len(self.xy)

    def area_nodes(self, area: int) -> np.ndarray:
        """Local indices of the nodes in a local area, ascending."""
        return np.flatnonzero(self.area_of_node == area)

    def schools(self) -> list[int]:
        """Global site indices of the schools."""
        return [
            self.site0 + k
            for k, (kind, _) in enumerate(self.sites)
            if kind == ServiceKind.SCHOOL
        ]


def places(spec: PresetSpec, rng: np.random.Generator) -> list[Place]:
    """
    Draws the municipalities of a preset (no layout yet).

    A municipal preset gives its one municipality; a multi-municipality
    preset draws populations from a lognormal (a few large towns, many small
    places) scaled to the preset's total population.
    """
    if spec.municipalities == 1:
        assert spec.municipality is not None and spec.population is not None
        mid, name = spec.municipality
        return [
            Place(
                index=0,
                id=mid,
                name=name,
                population=spec.population,
                radius=float(spec.radius_km),
                grid=int(spec.grid),
                num_areas=int(spec.areas),
                transit_lines=int(spec.transit_lines),
                price_level=spec.price_level,
            )
        ]

    num = spec.municipalities
    weights = rng.lognormal(0.0, 1.15, num)
    pops = np.maximum(
        300, np.round(weights / weights.sum() * spec.total_population)
    ).astype(int)
    names = _names(rng, num)
    ids = _municipality_ids(spec.county_codes, num)
    result = []
    for index in range(num):
        pop = int(pops[index])
        result.append(
            Place(
                index=index,
                id=ids[index],
                name=f"{names[index]} (synthetic)",
                population=pop,
                radius=float(np.clip((pop / 1000) ** 0.4, 1.0, 9.0)),
                grid=int(np.clip(round(3 + 1.2 * math.log(pop / 1500)), 4,
                                 7)),
                num_areas=int(np.clip(
                    round(1 + 1.5 * math.log(pop / 3000)), 1, 10
                )),
                transit_lines=(
                    0 if pop < 3000
                    else 1 + (pop > 20_000) + (pop > 100_000)
                ),
                price_level=float(np.clip(
                    0.75 + 0.15 * math.log10(pop / 1000), 0.75, 1.3
                )),
            )
        )
    return result


def _names(rng: np.random.Generator, num: int) -> list[str]:
    combos = [p + s for p in _PREFIXES for s in _SUFFIXES]
    order = rng.permutation(len(combos))
    names = [combos[k] for k in order[:num]]
    for k in range(len(combos), num):  # more than 400: number them
        names.append(f"{combos[order[k % len(combos)]]} {k // len(combos)}")
    return names


def _municipality_ids(counties: tuple[int, ...], num: int) -> list[str]:
    per = [num // len(counties) + (k < num % len(counties))
           for k in range(len(counties))]
    return [
        f"K-{county:02d}{k + 1:02d}"
        for county, count in zip(counties, per, strict=True)
        for k in range(count)
    ]


def lay_out(place: Place, rng: np.random.Generator, num_places: int) -> None:
    """Builds the network, areas and service sites of one municipality."""
    cols = max(1, math.ceil(math.sqrt(num_places / 3)))
    row, col = divmod(place.index, cols)
    cx = col * MUNICIPALITY_SPACING_KM
    cy = row * MUNICIPALITY_SPACING_KM
    if num_places > 1:
        cx += float(rng.uniform(-4, 4))
        cy += float(rng.uniform(-4, 4))
    place.centre_xy = (cx, cy)
    _network(place, rng)
    _areas(place, rng, prefix_names=num_places > 1)
    _sites(place, rng)


def _network(place: Place, rng: np.random.Generator) -> None:
    """Nodes on a jittered grid, walking links and bus lines through the
    centre, and the waterfront along the southern edge."""
    side, radius = place.grid, place.radius
    spacing = 2 * radius / (side - 1)
    cx, cy = place.centre_xy
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="xy")
    base = np.column_stack([ii.ravel(), jj.ravel()]) * spacing - radius
    jitter = rng.uniform(-0.3, 0.3, base.shape) * spacing
    xy = np.round(base + jitter + [cx, cy], 3)
    place.xy = xy
    place.dist = np.hypot(xy[:, 0] - cx, xy[:, 1] - cy)
    place.density = np.exp(-place.dist / (0.5 * radius))
    place.centre = int(np.argmin(place.dist))

    edges = [
        (u, v, _minutes(xy, u, v, cal.WALK_KMH / cal.DETOUR),
         TravelMode.WALK)
        for u, v in sorted(_walking_links(side, rng))
    ]
    bus_edges, place.transit = _bus_lines(place, rng)
    edges += bus_edges
    place.edges = edges

    ys = xy[:, 1]
    place.shore = ys <= ys.min() + cal.WATERFRONT_BAND * (ys.max() - ys.min())

    graph = nx.Graph()
    graph.add_nodes_from(range(len(xy)))
    graph.add_edges_from((u, v) for u, v, _, _ in edges)
    if not nx.is_connected(graph):  # the spanning tree rules this out
        raise RuntimeError(f"network of {place.id} is not connected.")


def _walking_links(side: int, rng: np.random.Generator
                   ) -> set[tuple[int, int]]:
    """
    Walking links of a ``side`` by ``side`` grid: a random spanning tree
    keeps it connected; each other grid link and a few diagonals are
    kept at random.
    """
    def at(i, j):
        return j * side + i

    grid_links = [(at(i, j), at(i + 1, j)) for j in range(side)
                  for i in range(side - 1)]
    grid_links += [(at(i, j), at(i, j + 1)) for j in range(side - 1)
                   for i in range(side)]
    weights = rng.random(len(grid_links))
    parent = list(range(side * side))

    def root(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    keep = rng.random(len(grid_links)) < 0.75
    links = set()
    for k in np.argsort(weights, kind="stable"):
        u, v = grid_links[k]
        ru, rv = root(u), root(v)
        if ru != rv:
            parent[ru] = rv
            links.add((u, v))
        elif keep[k]:
            links.add((u, v))
    for j in range(side - 1):
        for i in range(side - 1):
            if rng.random() < 0.1:
                if rng.random() < 0.5:
                    links.add((at(i, j), at(i + 1, j + 1)))
                else:
                    links.add((at(i + 1, j), at(i, j + 1)))
    return links


def _bus_lines(place: Place, rng: np.random.Generator
               ) -> tuple[list[tuple[int, int, float, TravelMode]],
                          np.ndarray]:
    """
    The links of bus lines through the centre, one stop per grid
    spacing, and which nodes are stops.
    """
    xy, radius, side = place.xy, place.radius, place.grid
    cx, cy = place.centre_xy
    edges = []
    transit = np.zeros(len(xy), bool)
    angle0 = float(rng.uniform(0, math.pi))
    count = side if side % 2 else side + 1
    for line in range(place.transit_lines):
        angle = angle0 + line * math.pi / place.transit_lines
        ts = np.linspace(-0.95 * radius, 0.95 * radius, count)
        points = np.column_stack([
            cx + ts * math.cos(angle), cy + ts * math.sin(angle)
        ])
        stops: list[int] = []
        for p in points:
            k = int(np.argmin(np.hypot(xy[:, 0] - p[0], xy[:, 1] - p[1])))
            if not stops or stops[-1] != k:
                stops.append(k)
        transit[stops] = True
        for u, v in zip(stops, stops[1:]):
            edges.append((u, v, _minutes(xy, u, v, cal.TRANSIT_KMH),
                          TravelMode.TRANSIT))
    return edges, transit


def _minutes(xy: np.ndarray, u: int, v: int, kmh: float) -> float:
    km = float(np.hypot(*(xy[u] - xy[v])))
    return max(0.1, round(km / kmh * 60, 1))


def _areas(
    place: Place, rng: np.random.Generator, prefix_names: bool
) -> None:
    num = min(place.num_areas, place.num_nodes)
    xy = place.xy
    seeds = [place.centre]
    nearest = np.hypot(*(xy - xy[place.centre]).T)
    while len(seeds) < num:
        score = nearest * rng.uniform(0.75, 1.0, len(xy))
        score[seeds] = -1
        k = int(np.argmax(score))
        seeds.append(k)
        nearest = np.minimum(nearest, np.hypot(*(xy - xy[k]).T))
    # A few Lloyd steps even out the areas; the centre stays Sentrum's seed.
    for _ in range(3):
        owner = _nearest_seed(xy, seeds)
        for k in range(1, num):
            members = np.flatnonzero(owner == k)
            if len(members) == 0:
                continue
            target = xy[members].mean(axis=0)
            gap = np.hypot(*(xy - target).T)
            gap[[s for j, s in enumerate(seeds) if j != k]] = np.inf
            seeds[k] = int(np.argmin(gap))
    place.area_of_node = _nearest_seed(xy, seeds)

    cx, cy = place.centre_xy
    names: list[str] = []
    for k, s in enumerate(seeds):
        if k == 0:
            label = "Sentrum"
        else:
            angle = math.atan2(xy[s, 1] - cy, xy[s, 0] - cx)
            label = AREA_DIRECTIONS[round(angle / (math.pi / 4)) % 8]
        name = label
        copy = 2
        while name in names:
            name = f"{label} {copy}"
            copy += 1
        names.append(name)
    if prefix_names:
        prefix = place.name.removesuffix(" (synthetic)")
        names = [f"{prefix} {n}" for n in names]
    place.area_names = names

    households = place.population / cal.PERSONS_PER_HOUSEHOLD
    mass = np.bincount(place.area_of_node, place.density, minlength=num)
    place.area_households = [
        max(20, round(households * m / mass.sum())) for m in mass
    ]
    bias = rng.lognormal(0.0, 0.8, num)
    share = rng.beta(*cal.AREA_REFUGEE_SHARE, num) * bias
    low, high = cal.HIGH_SHARE_RANGE
    over = share > low
    share[over] = low + (high - low) * (
        1 - np.exp(-(share[over] - low) / (high - low))
    )
    for k in np.argsort(-bias, kind="stable")[: num // 6]:
        share[k] = rng.uniform(*cal.HIGH_SHARE_RANGE)
    place.area_bias = [float(b) for b in bias]
    place.area_share = [float(s) for s in share]
    place.area_refugees = [
        round(s * h) for s, h in zip(share, place.area_households)
    ]
    codes = list(cal.NATIONALITIES)
    probs = np.array(list(cal.NATIONALITIES.values()))
    rows = []
    for refugees in place.area_refugees:
        counts = rng.multinomial(
            round(cal.NATIONALITY_RECORDED * refugees), probs / probs.sum()
        )
        rows.append([(c, int(n)) for c, n in zip(codes, counts) if n > 0])
    place.area_nationalities = rows


def _nearest_seed(xy: np.ndarray, seeds: list[int]) -> np.ndarray:
    """Local area of each node: its nearest seed, each seed its own."""
    dists = np.stack([np.hypot(*(xy - xy[s]).T) for s in seeds])
    owner = np.argmin(dists, axis=0)
    owner[seeds] = np.arange(len(seeds))
    return owner


def _sites(place: Place, rng: np.random.Generator) -> None:
    n = place.num_nodes
    weights = np.exp(-place.dist / (0.45 * place.radius))
    sites: list[tuple[ServiceKind, int]] = []
    for kind in ServiceKind:
        count = max(1, round(cal.SITE_DENSITY[kind.value] * n))
        chosen: list[int] = []
        if kind == ServiceKind.PUBLIC_TRANSPORT:
            chosen = [int(k) for k in np.flatnonzero(place.transit)]
        if kind in CENTRAL_KINDS and place.centre not in chosen:
            chosen.insert(0, place.centre)
        extra = count - (1 if kind in CENTRAL_KINDS else 0)
        if kind == ServiceKind.PUBLIC_TRANSPORT:
            extra = count
        taken = set(chosen)
        free = np.array([k for k in range(n) if k not in taken], int)
        extra = min(extra, len(free))
        if extra > 0:
            p = weights[free] / weights[free].sum()
            chosen += [int(k) for k in rng.choice(free, extra, replace=False,
                                                  p=p)]
        sites += [(kind, k) for k in sorted(set(chosen))]
    place.sites = sites
