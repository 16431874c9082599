from datetime import date

import networkx as nx
import pytest

from allocator.generate import DEFAULT_AS_OF, PRESETS, generate
from models import (
    DwellingFeature,
    HouseholdType,
    Instance,
    Relation,
    Tenure,
    instance_problems,
)

SMALL_PRESETS = ("tiny", "rural", "town", "city")


@pytest.fixture(scope="module")
def city() -> Instance:
    return generate("city", seed=0)


@pytest.fixture(scope="module")
def region() -> Instance:
    return generate("region", seed=0)


@pytest.fixture(scope="module")
def national() -> Instance:
    return generate("national", seed=0)


def _within(value: int, nominal: int, tolerance: float = 0.2) -> bool:
    return abs(value - nominal) <= tolerance * nominal


@pytest.mark.parametrize("preset", SMALL_PRESETS)
def test_same_seed_gives_equal_instance(preset):
    """Tests that one preset and seed generated twice give equal instances."""
    assert generate(preset, seed=3) == generate(preset, seed=3)


@pytest.mark.parametrize("preset", SMALL_PRESETS)
def test_different_seeds_give_different_instances(preset):
    """Tests that two seeds give different instances of the same preset."""
    assert generate(preset, seed=1) != generate(preset, seed=2)


@pytest.mark.parametrize("preset", SMALL_PRESETS + ("region",))
def test_preset_sizes_are_nominal_and_valid(preset):
    """Tests that each preset has its nominal counts (+-20 %) and is valid."""
    spec = PRESETS[preset]
    inst = generate(preset, seed=0)
    assert _within(len(inst.households), spec.households)
    assert _within(len(inst.dwellings), spec.dwellings)
    assert len(inst.municipalities) == spec.municipalities
    assert instance_problems(inst) == []


def test_unknown_preset_is_refused():
    """Tests that an unknown preset raises a ValueError naming the choices."""
    with pytest.raises(ValueError, match="Preset 'x' not understood; choose "
                       "one of tiny, rural"):
        generate("x")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"seed": -1}, "seed -1"), ({"supply": -0.5}, "supply -0.5"),
     ({"scale": 0}, "scale 0")],
)
def test_out_of_range_options_are_refused(kwargs, match):
    """Tests that a negative seed or supply and a zero scale are refused."""
    with pytest.raises(ValueError, match=match):
        generate("tiny", **kwargs)


def test_supply_sets_dwellings_per_household():
    """Tests that the supply option sets the dwellings per household."""
    scarce = generate("town", seed=0, supply=0.5)
    ample = generate("town", seed=0, supply=2.0)
    assert len(scarce.dwellings) == round(0.5 * len(scarce.households))
    assert len(ample.dwellings) == round(2.0 * len(ample.households))
    assert scarce.households == ample.households


def test_zero_supply_gives_a_valid_instance_without_dwellings():
    """Tests that supply 0 (no vacancy at all) gives a valid instance."""
    inst = generate("rural", seed=0, supply=0)
    assert inst.dwellings == () and inst.buildings == ()
    assert len(inst.households) == PRESETS["rural"].households


def test_scale_shrinks_households_and_keeps_municipalities():
    """Tests that scale multiplies households but keeps every municipality."""
    inst = generate("region", seed=0, scale=0.1)
    assert len(inst.households) == 300
    assert len(inst.dwellings) == 450
    assert len(inst.municipalities) == PRESETS["region"].municipalities


def test_city_has_about_seventy_percent_single_adults(city):
    """Tests that single adults make up 60-80 % of the city's households."""
    singles = sum(
        h.household_type == HouseholdType.SINGLE_ADULT for h in city.households
    )
    assert 0.6 <= singles / len(city.households) <= 0.8


@pytest.mark.parametrize("fixture", ["city", "region"])
def test_households_of_eight_or_more_occur(fixture, request):
    """Tests that households of at least 8 persons occur in city and region."""
    inst = request.getfixturevalue(fixture)
    assert max(h.size for h in inst.households) >= 8


def test_unaccompanied_minors_are_alone_and_aged_15_to_17(city):
    """Tests that the city has unaccompanied minors, each alone and 15-17."""
    minors = [
        h for h in city.households
        if h.household_type == HouseholdType.UNACCOMPANIED_MINOR
    ]
    assert minors
    assert all(h.size == 1 and 15 <= h.members[0].age <= 17 for h in minors)


def test_children_of_every_age_band_occur(city):
    """Tests that the city's children cover 0-5, 6-12, 13-15 and 16-17."""
    ages = {
        m.age for h in city.households for m in h.members
        if m.relation == Relation.CHILD
    }
    for low, high in ((0, 5), (6, 12), (13, 15), (16, 17)):
        assert ages & set(range(low, high + 1)), (low, high)


@pytest.mark.parametrize("fixture", ["city", "region"])
def test_children_are_at_least_16_years_younger_than_the_head(
    fixture, request
):
    """Tests that every child is at least 16 years younger than the head."""
    inst = request.getfixturevalue(fixture)
    for h in inst.households:
        head = next(m for m in h.members if m.relation == Relation.HEAD)
        for m in h.members:
            if m.relation == Relation.CHILD:
                assert head.age - m.age >= 16, h.id


def test_needs_are_tri_state(city):
    """Tests that accessibility needs are sometimes true, false and unknown."""
    values = {h.needs_step_free for h in city.households}
    assert values == {True, False, None}
    assert any(
        h.avoid_features and DwellingFeature.WATERFRONT in h.avoid_features
        for h in city.households
    )


def test_waits_lie_within_fourteen_months(city):
    """Tests that permits lie 0-14 months before as_of, median 5-9 months."""
    waits = sorted((city.as_of - h.permit_date).days for h in city.households)
    assert city.as_of == DEFAULT_AS_OF
    assert 0 <= waits[0] and waits[-1] <= 14 * 30.44 + 1
    assert 5 * 30.44 <= waits[len(waits) // 2] <= 9 * 30.44


def test_as_of_moves_the_dates():
    """Tests that a given as_of is used and dates are drawn around it."""
    as_of = date(2030, 1, 15)
    inst = generate("town", seed=0, as_of=as_of)
    assert inst.as_of == as_of
    assert all(h.permit_date <= as_of for h in inst.households)


@pytest.mark.parametrize("fixture", ["city", "region"])
def test_dwellings_are_skewed_small(fixture, request):
    """Tests that 0-1 bedroom dwellings outnumber those with 3 or more."""
    inst = request.getfixturevalue(fixture)
    small = sum(d.bedrooms <= 1 for d in inst.dwellings)
    large = sum(d.bedrooms >= 3 for d in inst.dwellings)
    assert small > large


def test_rural_has_municipal_dwellings_beside_substance_abuse_housing():
    """Tests that rural has municipal dwellings beside substance-abuse care."""
    inst = generate("rural", seed=0)
    flagged = [
        d for d in inst.dwellings
        if DwellingFeature.CARE_HOUSING_SUBSTANCE in d.features
    ]
    assert flagged
    assert all(d.tenure == Tenure.MUNICIPAL for d in flagged)
    municipal = {
        d.building for d in inst.dwellings if d.tenure == Tenure.MUNICIPAL
    }
    units = sum(b.units for b in inst.buildings if b.id in municipal)
    assert _within(units, 40)


@pytest.mark.parametrize("fixture", ["city", "region"])
def test_network_is_connected_per_municipality(fixture, request):
    """Tests that each municipality's network is one connected component."""
    inst = request.getfixturevalue(fixture)
    graph = nx.Graph()
    graph.add_nodes_from(n.id for n in inst.nodes)
    graph.add_edges_from((e.source, e.target) for e in inst.edges)
    components = list(nx.connected_components(graph))
    assert len(components) == len(inst.municipalities)
    component_of = {n: k for k, c in enumerate(components) for n in c}
    centre = {
        m.id: component_of[m.centre_node] for m in inst.municipalities
    }
    assert len(set(centre.values())) == len(inst.municipalities)
    for d in inst.dwellings:
        assert component_of[d.node] == centre[d.municipality]


def test_ids_are_zero_padded_so_they_sort(region):
    """Tests that every table's ids are unique, equally wide and sorted."""
    for table in ("areas", "buildings", "nodes", "sites", "dwellings",
                  "households"):
        rows = [r.id for r in getattr(region, table)]
        assert rows == sorted(rows), table
        assert len({len(r) for r in rows}) == 1, table


def test_region_has_quotas_and_assigns_half(region):
    """Tests that region has quotas and half its households assigned."""
    assert all(
        set(m.quotas) == {"households", "persons"}
        for m in region.municipalities
    )
    assigned = sum(
        h.assigned_municipality is not None for h in region.households
    )
    assert assigned == len(region.households) // 2


@pytest.mark.slow
def test_national_is_dwelling_first_with_quotas_below_requests(national):
    """Tests that national has 356 municipalities, quotas below requests."""
    assert len(national.municipalities) == 356
    assert len(national.households) == 20_000
    assert len(national.dwellings) == 30_000
    assert all(h.assigned_municipality is None for h in national.households)
    requested = sum(m.requested for m in national.municipalities)
    decided = sum(m.quotas["persons"] for m in national.municipalities)
    places = sum(m.quotas["households"] for m in national.municipalities)
    assert decided < requested
    assert places < len(national.households)
    assert any(m.quotas["persons"] == 0 for m in national.municipalities)
    assert all(
        m.quotas["persons"] <= m.requested for m in national.municipalities
    )
