"""The simulated world: arrivals, vacancies, rounds."""

from __future__ import annotations

from datetime import date

import pytest

from allocator.generate import generate
from allocator.simulate import SimulationParams, make_world
from allocator.simulate.world import (
    MEAN_WAIT_MONTHS,
    add_months,
    round_dates,
)
from models import HouseholdType, RoundKind


def test_world_is_the_same_for_the_same_seed_and_differs_by_seed(town):
    """Tests that a world is a pure function of instance, params, seed."""
    params = SimulationParams(months=3)
    a, b = make_world(town, params, 3), make_world(town, params, 3)
    c = make_world(town, params, 4)
    assert a.households == b.households and a.dwellings == b.dwellings
    assert a.known == b.known and a.joins == b.joins
    assert a.households != c.households


def test_backlog_waits_from_the_start_and_arrivals_from_their_permit(town):
    """Tests that the instance's households join at the start and every
    arrival joins on its permit date, within the horizon."""
    world = make_world(town, SimulationParams(months=3), 0)
    backlog = len(town.households)
    assert world.households[:backlog] == town.households
    assert set(world.joins[:backlog]) == {world.start}
    for h, joined in zip(world.households[backlog:],
                         world.joins[backlog:], strict=True):
        assert h.permit_date == joined
        assert world.start <= joined < world.end


def test_default_arrival_rate_is_the_backlog_over_the_mean_wait(town):
    """Tests the Little's-law calibration: waiting households divided by
    the 2009-2014 mean wait of 6.75 months."""
    world = make_world(town, SimulationParams(months=1), 0)
    assert MEAN_WAIT_MONTHS == pytest.approx(6.75)
    assert world.arrivals_per_month == pytest.approx(60 / 6.75)
    assert world.vacancies_per_month == pytest.approx(60 / 6.75)


def test_arrivals_follow_the_rate_and_the_household_mix():
    """Tests that many arrivals come near the asked rate, and that a mix
    of only single adults gives only single adults."""
    rural = generate("rural", seed=0)
    params = SimulationParams(months=6, arrivals_per_month=100,
                              vacancies_per_month=0)
    world = make_world(rural, params, 0)
    arrived = sum(world.arrived)
    assert 500 < arrived < 700  # Poisson(600): far beyond 4 sd
    singles = sum(h.household_type == HouseholdType.SINGLE_ADULT
                  for h, new in zip(world.households, world.arrived,
                                    strict=True) if new)
    assert 0.6 < singles / arrived < 0.8  # the 70 % of DOMAIN.md 1.5
    only = params.model_copy(update={
        "household_mix": {HouseholdType.SINGLE_ADULT: 1.0}
    })
    world = make_world(rural, only, 0)
    assert all(h.household_type == HouseholdType.SINGLE_ADULT
               for h, new in zip(world.households, world.arrived,
                                 strict=True) if new)


def test_vacancies_copy_instance_dwellings_and_are_known_ahead(town):
    """Tests that each vacancy is an instance dwelling's copy (same place
    and size), known at most notice_days before it is free."""
    params = SimulationParams(months=3, notice_days=20)
    world = make_world(town, params, 1)
    stock = {d.id: d for d in town.dwellings}
    vacancies = [(d, k) for d, k in zip(world.dwellings, world.known,
                                        strict=True) if d.id not in stock]
    assert vacancies
    for d, known in vacancies:
        template = stock[world.templates[d.id]]
        assert (d.area, d.building, d.bedrooms, d.tenure) == (
            template.area, template.building, template.bedrooms,
            template.tenure)
        assert 0 <= (d.available_from - known).days <= 20
        assert world.start <= known < world.end


def test_vacancy_days_closes_the_window_of_an_unlet_dwelling(town):
    """Tests that with vacancy_days every dwelling's window closes that
    many days after it is free (or earlier, at its own end)."""
    world = make_world(town, SimulationParams(months=2, vacancy_days=10), 0)
    for d in world.dwellings:
        opens = max(d.available_from, world.start)
        assert d.available_until is not None
        assert (d.available_until - opens).days <= 10


def test_round_dates_follow_the_round_kind():
    """Tests weekly, biweekly and monthly rounds over two months."""
    start = date(2026, 1, 31)
    end = add_months(start, 2)
    assert end == date(2026, 3, 31)
    weekly = round_dates(start, end, RoundKind.WEEKLY)
    assert len(weekly) == 9 and weekly[1] == date(2026, 2, 7)
    assert len(round_dates(start, end, RoundKind.BIWEEKLY)) == 5
    assert round_dates(start, end, RoundKind.MONTHLY) == (
        date(2026, 1, 31), date(2026, 2, 28))


def test_vacancies_need_dwellings_to_copy():
    """Tests that an instance without dwellings cannot have vacancies."""
    bare = generate("tiny", seed=0).model_copy(update={"dwellings": ()})
    with pytest.raises(ValueError, match="no dwelling"):
        make_world(bare, SimulationParams(months=1, vacancies_per_month=3),
                   0)
