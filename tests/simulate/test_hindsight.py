"""The hindsight optimum: every arrival and vacancy known in advance."""

from __future__ import annotations

from datetime import timedelta

from allocator.simulate import (
    SimulationParams,
    hindsight,
    make_world,
    simulate_run,
)
from allocator.simulate.world import deadline_of
from models import Policy
from tests.factory import AS_OF, dwelling, family, instance, single

QUIET = dict(arrivals_per_month=0, vacancies_per_month=0,
             decline_probability=0, early_end_per_month=0)


def _within(world, run, params) -> set[str]:
    return {
        h.id for h in world.households
        if run.outcomes[h.id].first_settled is not None
        and (run.outcomes[h.id].first_settled - h.permit_date).days
        <= deadline_of(h, params)
    }


def test_hindsight_settles_who_can_still_make_the_deadline():
    """Tests that with one bedsit, hindsight gives it to the single who
    can still be settled within six months, while the engine's priority
    (waiting time) gives it to the one long past the deadline."""
    inst = instance([single("H-1", waited=170), single("H-2", waited=300)],
                    [dwelling("D-1", 0)])
    params = SimulationParams(months=1, **QUIET)
    world = make_world(inst, params, 0)
    best = hindsight(world, Policy(), params)
    assert best.within == 1 and best.within_by_household == {"H-1"}
    assert best.housed == 1
    run = simulate_run(world, params, Policy(), "default")
    assert run.outcomes["H-2"].first_settled is not None
    assert _within(world, run, params) == set()


def test_hindsight_counts_when_the_dwelling_is_free():
    """Tests the timing of a pair: a dwelling free in 40 days, first seen
    at the round 30 days before that, settles a family too late for its
    3-month deadline but a single within six months."""
    later = AS_OF + timedelta(days=40)
    young = ((3, "F"), (4, "M"))  # two bedrooms with the parents'
    inst = instance([family("H-F", children=young, waited=60),
                     single("H-S", waited=100)],
                    [dwelling("D-1", 2, available_from=later)])
    params = SimulationParams(months=2, **QUIET)
    world = make_world(inst, params, 0)
    best = hindsight(world, Policy(), params)
    assert best.within_by_household == {"H-S"}
    # The family alone cannot make it either: it still gets the dwelling.
    alone = instance([family("H-F", children=young, waited=60)],
                     [dwelling("D-1", 2, available_from=later)])
    world = make_world(alone, params, 0)
    best = hindsight(world, Policy(), params)
    assert best.within == 0 and best.housed == 1


def test_hindsight_bounds_the_simulated_runs(small_sweep):
    """Tests that no simulated run settles more households within the
    deadline than the hindsight optimum of its world."""
    assert small_sweep.tables.hindsight
    for row in small_sweep.tables.hindsight:
        assert row["ratio_max"] <= 1.0
        assert row["cohort_ratio_max"] <= 1.0
        assert row["hindsight_within_deadline"] > 0
        assert not row["hindsight_is_bound_only"]


def test_every_active_rule_has_a_price_and_none_is_negative(small_sweep):
    """Tests that switching a rule off never loses households settled
    within deadline in hindsight (fewer rules, more pairs)."""
    rules = {r["rule_off"] for r in small_sweep.tables.rule_prices}
    assert {"individual_need", "child_safety", "size_too_small", "area_cap",
            "soft_dispersion"} <= rules
    for row in small_sweep.tables.rule_prices:
        assert row["hindsight_cost_min"] >= 0
