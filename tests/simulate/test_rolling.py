"""The rolling horizon: rounds, offers, declines, bans, re-housing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from allocator.simulate import (
    SimulationError,
    SimulationParams,
    make_world,
    rolling,
    simulate_run,
)
from models import Policy
from tests.factory import dwelling, instance, single

QUIET = dict(arrivals_per_month=0, vacancies_per_month=0,
             decline_probability=0, early_end_per_month=0)
"""A world of the instance alone: nothing arrives, nothing frees up."""


def test_accepted_households_leave_the_queue_and_settle_once(town):
    """Tests that every settled household was offered its dwelling at a
    round, settles when the dwelling is free, and is settled only once."""
    params = SimulationParams(months=2)
    world = make_world(town, params, 0)
    run = simulate_run(world, params, Policy(), "default")
    accepted = [(day, h, d) for day, h, d, ok in run.offers if ok]
    firsts = {}
    for day, h, d in accepted:
        firsts.setdefault(h, (day, d))
    settled = {h: o for h, o in run.outcomes.items() if o.first_settled}
    assert settled and set(settled) == set(firsts)
    for h, o in settled.items():
        day, d = firsts[h]
        assert o.first_dwelling.id == d
        assert o.first_settled == max(day, o.first_dwelling.available_from)
    dwellings_taken = [d for _, _, d in accepted]
    assert len(dwellings_taken) == len(set(dwellings_taken))


def test_every_round_is_checked_and_a_rejected_round_stops_the_run(
        town, monkeypatch):
    """Tests that a round whose proposal the checker rejects raises
    SimulationError instead of being applied."""
    from allocator.check import CheckReport

    params = SimulationParams(months=1)
    world = make_world(town, params, 0)
    simulate_run(world, params, Policy(), "default")  # passes

    def reject(*args, **kwargs):
        return CheckReport(violations=["Household H-1 is matched twice."])

    monkeypatch.setattr(rolling, "check_matches", reject)
    with pytest.raises(SimulationError, match="checker rejected"):
        simulate_run(world, params, Policy(), "fcfs", baseline=True)
    # A policy's rounds: the solve's matches, checked in the chain.
    import allocator.pipeline as pipeline

    monkeypatch.setattr(pipeline, "check_matches", reject)
    with pytest.raises(SimulationError, match="matched twice"):
        simulate_run(world, params, Policy(), "default")


def test_declined_pairs_are_banned_for_ban_days():
    """Tests that when every offer is declined nobody settles, and a
    declined pair is not offered again within ban_days."""
    inst = instance([single("H-1"), single("H-2", waited=50)],
                    [dwelling("D-1", 0), dwelling("D-2", 1)])
    params = SimulationParams(months=3, **{**QUIET,
                                           "decline_probability": 1.0},
                              ban_days=30)
    world = make_world(inst, params, 0)
    run = simulate_run(world, params, Policy(), "default")
    assert not any(o.first_settled for o in run.outcomes.values())
    last = {}
    for day, h, d, accepted in run.offers:
        assert not accepted
        if (h, d) in last:
            assert (day - last[(h, d)]).days > 30
        last[(h, d)] = day
    # After the ban, the same pair is offered again.
    assert len(run.offers) > len(last)


def test_fcfs_gives_the_dwelling_to_the_longest_waiting_household():
    """Tests the baseline on one bedsit and two single adults: the one
    with the earlier permit takes it, even when the other fits as well."""
    inst = instance([single("H-1", waited=20), single("H-2", waited=200)],
                    [dwelling("D-1", 0)])
    params = SimulationParams(months=1, **QUIET)
    world = make_world(inst, params, 0)
    run = simulate_run(world, params, Policy(), "fcfs", baseline=True)
    assert run.outcomes["H-2"].first_settled == world.start
    assert run.outcomes["H-1"].first_settled is None


def test_a_private_lease_ending_early_rehouses_the_household():
    """Tests that a household whose private lease ends is offered a new
    dwelling and counts one move; its first settlement stays as it was."""
    inst = instance(
        [single("H-1")],
        [dwelling("D-1", 0, tenure="private_lease"),
         dwelling("D-2", 0, available_from=instance_day(40))],
    )
    params = SimulationParams(months=4, **{**QUIET,
                                           "early_end_per_month": 1.0},
                              notice_days=0)
    world = make_world(inst, params, 0)
    run = simulate_run(world, params, Policy(), "default")
    outcome = run.outcomes["H-1"]
    assert outcome.first_settled == world.start
    assert outcome.first_dwelling.id == "D-1"
    assert outcome.moves == 1
    assert [d for _, _, d, ok in run.offers if ok] == ["D-1", "D-2"]


def test_settling_counts_against_the_area_and_later_rounds_see_it(town):
    """Tests that each first settlement adds one refugee household to its
    area, as the dispersion caps of later rounds count them."""
    params = SimulationParams(months=1, **QUIET)
    world = make_world(town, params, 0)
    run = simulate_run(world, params, Policy(), "default")
    added = {a: run.area_end[a] - run.area_start[a] for a in run.area_start}
    settled = [o.first_dwelling.area for o in run.outcomes.values()
               if o.first_dwelling is not None]
    assert sum(added.values()) == len(settled)
    for area in added:
        assert added[area] == settled.count(area)


def instance_day(days: int):
    from tests.factory import AS_OF

    return AS_OF + timedelta(days=days)


def test_a_household_whose_current_dwelling_was_let_keeps_waiting():
    """Tests that a household re-housed from a dwelling that another
    household takes stays in later rounds' instances (the reference to a
    dwelling no longer offered is dropped, not an error)."""
    inst = instance(
        [single("H-1", waited=10, current_dwelling="D-2"),
         single("H-2", waited=200)],
        [dwelling("D-2", 0), dwelling("D-3", 0,
                                      available_from=instance_day(40))],
    )
    params = SimulationParams(months=2, **QUIET)
    world = make_world(inst, params, 0)
    run = simulate_run(world, params, Policy(), "default")
    assert run.outcomes["H-2"].first_dwelling.id == "D-2"
    assert run.outcomes["H-1"].first_dwelling.id == "D-3"
    assert run.outcomes["H-1"].first_settled == instance_day(40)
