"""What the generator adds for placement, and only when asked."""

from __future__ import annotations

import pytest

from allocator.generate import PRESETS, generate
from models import QuotaDimension, instance_problems


def test_county_preset_has_three_quota_dimensions():
    """Tests the benchmark preset: 300 households, 20 municipalities,
    decisions in households, persons and children, nobody assigned."""
    inst = generate("county", seed=0)
    assert len(inst.households) == PRESETS["county"].households == 300
    assert len(inst.municipalities) == 20
    dims = {d for m in inst.municipalities for d in m.quotas}
    assert dims == {QuotaDimension.HOUSEHOLDS, QuotaDimension.PERSONS,
                    QuotaDimension.CHILDREN}
    assert all(h.assigned_municipality is None for h in inst.households)
    assert generate("county", seed=0) == inst
    assert instance_problems(inst) == []


def test_placement_options_add_and_change_nothing_else():
    """
    Tests that dimensions, services and scores add decisions and tables
    drawn on their own streams: households, dwellings and the decisions
    in households and persons stay exactly as without them.
    """
    plain = generate("region", seed=1, scale=0.05)
    rich = generate("region", seed=1, scale=0.05,
                    dimensions=("children", "single_adults"),
                    services=True, scores=True)
    assert rich.households == plain.households
    assert rich.dwellings == plain.dwellings
    assert rich.areas == plain.areas
    for a, b in zip(plain.municipalities, rich.municipalities, strict=True):
        assert {k: v for k, v in b.quotas.items() if k in a.quotas} == \
            a.quotas
        if a.quotas:
            assert QuotaDimension.CHILDREN in b.quotas
    assert plain.pair_scores == () and rich.pair_scores
    assert rich.municipality_services
    assert all(0 < s.score < 1 for s in rich.pair_scores)
    assert rich.name == "region-s1-scale0.05-single_adults-children-" \
        "services-scores"


def test_scores_cover_each_households_home_county():
    """Tests that each household is scored in every municipality of one
    county (here the county preset's only one)."""
    inst = generate("county", seed=0, scale=0.1, scores=True)
    per = {}
    for s in inst.pair_scores:
        per.setdefault(s.household, set()).add(s.municipality)
    assert len(per) == len(inst.households)
    assert all(len(m) == 20 for m in per.values())


def test_dimensions_need_a_preset_with_decisions():
    """Tests that asking town for decisions in children is refused."""
    with pytest.raises(ValueError, match="no council decisions"):
        generate("town", seed=0, dimensions=("children",))
    with pytest.raises(ValueError, match="not understood"):
        generate("region", seed=0, scale=0.05, dimensions=("pets",))
