"""National runs: today's practice, placement then dwellings, and
dwelling-first, compared over rounds (allocator/simulate/national.py)."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from allocator.check import CheckReport
from allocator.compile import quota_usage
from allocator.simulate import SimulationParams, run_sweep
from allocator.simulate.rolling import SimulationError, simulate_run
from allocator.simulate.world import make_world
from models import Area, Municipality, Policy
from tests.factory import dwelling, family, instance, single

QUIET = dict(arrivals_per_month=0, vacancies_per_month=0,
             decline_probability=0, early_end_per_month=0, seeds=1,
             round="monthly", months=1, search_days=0)
"""No arrivals, vacancies, declines or lease ends: only the start."""


def two_municipalities():
    """
    Worked by hand. K-1 and K-2 each decided on one household and have one
    dwelling: K-1 two bedrooms, K-2 one. The single adult S (permit 100
    days ago) needs no bedroom of its own and may take either (a surplus of
    two is allowed); the family F (two parents, children of 3 and 4,
    permit 30 days ago) needs two bedrooms, so only K-1's.

    Today's practice selects S first (queue order) for the municipality
    with the most places left, a tie broken by id: K-1, which houses it in
    its two-bedroom dwelling; F goes to K-2, whose one-bedroom dwelling is
    too small, and waits. Dwelling-first sees both dwellings and houses
    both: S in K-2, F in K-1.
    """
    return instance(
        [single("S", waited=100), family("F", children=((3, "F"), (4, "M")),
                                        waited=30)],
        [dwelling("D-1", bedrooms=2, area="A-1"),
         dwelling("D-2", bedrooms=1, area="A-2", municipality="K-2",
                  node="N-2")],
        municipalities=(
            Municipality(id="K-1", name="Enby", centre_node="N-1",
                         quotas={"households": 1}),
            Municipality(id="K-2", name="Toby", centre_node="N-2",
                         quotas={"households": 1}),
        ),
        areas=(Area(id="A-1", municipality="K-1", resident_households=1000),
               Area(id="A-2", municipality="K-2", resident_households=1000)),
    )


def _settled(run):
    return {h: o.first_dwelling.id for h, o in run.outcomes.items()
            if o.first_dwelling is not None}


def test_hand_worked_national_world():
    """Tests the outcome of each mode on a world worked out by hand."""
    world = make_world(two_municipalities(), SimulationParams(**QUIET), 0)
    params = SimulationParams(**QUIET)
    today = simulate_run(world, params, Policy(), "today", mode="today")
    first = simulate_run(world, params, Policy(), "dwelling-first",
                         mode="dwelling-first")
    chained = simulate_run(world, params, Policy(), "chained",
                           mode="chained")
    assert _settled(today) == {"S": "D-1"}
    assert today.outcomes["S"].selected == "K-1"
    assert today.quota_used == {"K-1": {"households": 1},
                                "K-2": {"households": 1}}
    assert _settled(first) == {"S": "D-2", "F": "D-1"}
    assert today.unproven == first.unproven == chained.unproven == 0
    # Chained places both within the decisions before it sees dwellings:
    # never more than dwelling-first here.
    assert set(_settled(chained)) <= {"S", "F"}
    assert len(_settled(chained)) >= 1


def test_today_waits_for_the_municipality_to_search():
    """Tests search_days: a municipality that needs longer than the
    horizon to find a dwelling settles nobody, though IMDi selected."""
    params = SimulationParams(**{**QUIET, "months": 2, "search_days": 45})
    world = make_world(two_municipalities(), params, 0)
    run = simulate_run(world, params, Policy(), "today", mode="today")
    assert _settled(run) == {}
    assert run.quota_used == {"K-1": {"households": 1},
                              "K-2": {"households": 1}}


@pytest.fixture(scope="module")
def county():
    from allocator.generate import generate

    return generate("county", seed=0, scale=0.15)


def test_today_never_places_a_household_outside_a_decision(county):
    """Tests today's practice on a small county: every household settled
    for the first time lives in the municipality IMDi selected it for, and
    no municipality gets more than its decision in any dimension."""
    params = SimulationParams(months=2, seeds=1, round="monthly",
                              search_days=20)
    world = make_world(county, params, 0)
    run = simulate_run(world, params, Policy(), "today", mode="today")
    by_id = {h.id: h for h in world.households}
    used = Counter()
    settled = 0
    for hid, o in run.outcomes.items():
        if o.first_dwelling is None:
            continue
        settled += 1
        assert o.selected == o.first_dwelling.municipality
        for dim in run.quota_start.get(o.selected, {}):
            used[(o.selected, dim)] += quota_usage(by_id[hid], dim)
    assert settled > 0
    for (m, dim), n in used.items():
        assert n <= run.quota_start[m][dim]


@pytest.mark.parametrize("mode", ["today", "chained", "dwelling-first"])
def test_a_round_the_checker_rejects_stops_the_run(monkeypatch, mode):
    """Tests that every mode's rounds go through a checker: one that
    rejects stops the run."""
    # The modes imported before the patches: a first import under them
    # would bind the patched ``propose`` into the module for good.
    import allocator.pipeline as pipeline
    import allocator.placement.modes as modes

    def rejecting(real):
        def rejected(*args, **kwargs):
            outcome = real(*args, **kwargs)
            return dataclasses.replace(
                outcome, check=CheckReport(violations=["planted violation"]))
        return rejected

    # Today's rounds take the checked matches alone; the other modes
    # propose in each municipality.
    monkeypatch.setattr(pipeline, "propose_matches",
                        rejecting(pipeline.propose_matches))
    monkeypatch.setattr(pipeline, "propose", rejecting(pipeline.propose))
    monkeypatch.setattr(modes, "propose", rejecting(modes.propose))
    world = make_world(two_municipalities(), SimulationParams(**QUIET), 0)
    with pytest.raises(SimulationError, match="planted violation"):
        simulate_run(world, SimulationParams(**QUIET), Policy(), mode,
                     mode=mode)


def _tables(sweep):
    return (sweep.tables.indicators, sweep.tables.quota)


@pytest.mark.slow
def test_national_sweeps_are_identical_on_processes_and_dask(county):
    """Tests that the three modes give the same tables in this process,
    on two local processes and on a Dask LocalCluster."""
    import distributed

    params = SimulationParams(months=1, seeds=1, round="monthly")
    policies = [("default", Policy())]
    modes = ("today", "chained", "dwelling-first")
    here = run_sweep(county, policies, params, workers=1, modes=modes)
    assert here.labels == list(modes)
    assert {r.label for r in here.runs} == set(modes)
    local = run_sweep(county, policies, params, workers=2, modes=modes)
    assert _tables(local) == _tables(here)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        remote = run_sweep(county, policies, params, modes=modes,
                           scheduler=cluster.scheduler_address)
    assert _tables(remote) == _tables(here)


def test_unknown_modes_are_refused(county):
    """Tests that a mode not understood is refused before anything runs."""
    with pytest.raises(ValueError, match="modes"):
        run_sweep(county, [("default", Policy())],
                  SimulationParams(months=1, seeds=1), workers=1,
                  modes=("tomorrow",))


def test_decision_fulfilment_and_its_unevenness_by_hand():
    """Tests the fulfilment indicators on the hand-worked world: today's
    practice fulfils K-1's decision and none of K-2's (mean 0.5, Gini
    0.5); dwelling-first fulfils both (mean 1, Gini 0)."""
    from allocator.simulate.indicators import run_indicators, summarise

    params = SimulationParams(**QUIET)
    world = make_world(two_municipalities(), params, 0)
    figures = {}
    for mode in ("today", "dwelling-first"):
        run = simulate_run(world, params, Policy(), mode, mode=mode)
        figures[mode] = run_indicators(
            summarise(world, run, params, False))["all"]
    assert figures["today"]["fulfilment_mean"] == 0.5
    assert figures["today"]["fulfilment_gini"] == 0.5
    assert figures["dwelling-first"]["fulfilment_mean"] == 1.0
    assert figures["dwelling-first"]["fulfilment_gini"] == 0.0
    # Both wait from the start: S is settled on day 0 under either mode,
    # F waits the whole month under today's practice.
    horizon = (world.end - world.start).days
    assert figures["today"]["reception_days_total"] == horizon
    assert figures["dwelling-first"]["reception_days_total"] == 0
