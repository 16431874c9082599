"""Chained and dwelling-first modes, and their comparison."""

from __future__ import annotations

from allocator.generate import generate
from allocator.placement import compare_modes, run_chained, run_dwelling_first
from allocator.placement.io import comparison_markdown
from allocator.placement.modes import placement_breaches
from models import Dwelling, Policy
from tests.factory import AS_OF
from tests.placement.helpers import household, municipality, placement_instance

SCORES = Policy.model_validate({"placement": {"score_weight": 100}})


def _two_towns(**tables):
    """
    K-1 has one bedsit, K-2 one two-bedroom flat; the family scores
    better in K-1, so placement sends it where no dwelling fits it.
    """
    base = placement_instance(
        [household("H-F", 2, (6, 9), waited=60),
         household("H-S", waited=50)],
        [municipality("K-1", households=1), municipality("K-2",
                                                         households=1)],
        scores=[("H-F", "K-1", 0.9), ("H-S", "K-2", 0.4)],
        **tables,
    )
    dwellings = (
        Dwelling(id="D-1", municipality="K-1", area="A-K-1", bedrooms=0,
                 floor_area_m2=30, available_from=AS_OF),
        Dwelling(id="D-2", municipality="K-2", area="A-K-2", bedrooms=2,
                 floor_area_m2=70, available_from=AS_OF),
    )
    return base.model_copy(update={"dwellings": dwellings})


def test_chained_mode_reports_who_the_dwellings_could_not_house():
    """
    Tests that the chained run houses what each municipality's dwellings
    allow and lists the household the second stage could not house, with
    the dwelling level's reason and message.
    """
    outcome = run_chained(_two_towns(), SCORES)
    assert outcome.ok, outcome.violations()
    report = outcome.report
    placed = {p.household: p.municipality
              for p in outcome.placement.proposal.placements}
    assert placed == {"H-F": "K-1", "H-S": "K-2"}
    unhoused = {u.household: u for u in report.unhoused}
    assert set(unhoused) == {"H-F"}
    assert unhoused["H-F"].stage == "dwelling"
    assert unhoused["H-F"].municipality == "K-1"
    assert unhoused["H-F"].reason == "no_eligible_dwelling"
    assert "dwelling" in unhoused["H-F"].message
    stages = {m.municipality: m for m in report.municipalities}
    assert stages["K-1"].not_housed == 1
    assert stages["K-1"].reasons == {"no_eligible_dwelling": 1}
    assert [m.household for m in report.matches] == ["H-S"]
    assert report.proven_optimal


def test_dwelling_first_houses_both_and_the_comparison_says_so():
    """
    Tests that dwelling-first, seeing the dwellings, houses the family in
    K-2 and the single in K-1, and that the comparison counts one more
    housed (and within deadline) than chained.
    """
    outcome = compare_modes(_two_towns(), SCORES)
    assert outcome.ok
    r = outcome.report
    assert (r.chained.housed, r.dwelling_first.housed) == (1, 2)
    assert r.more_housed == 1
    assert r.more_housed_within_deadline == 1
    assert r.dwelling_first.by_group["family_with_children"] == (1, 1, 1)
    assert "+1 households" in comparison_markdown(r)


def test_dwelling_first_applies_compatibility_as_bans():
    """Tests that a pair the compatibility table forbids is not used by
    dwelling-first matching either."""
    instance = _two_towns(compatibility=[("H-S", "K-1", False)])
    first = run_dwelling_first(instance, SCORES)
    assert first.ok
    # One municipality left: the household is assigned to it, no bans.
    assigned = {h.id: h.assigned_municipality
                for h in first.instance.households}
    assert assigned == {"H-S": "K-2", "H-F": None}
    assert first.bans == 0
    three = instance.model_copy(update={
        "municipalities": (*instance.municipalities,
                           municipality("K-3", households=1)),
        "areas": (*instance.areas, instance.areas[0].model_copy(
            update={"id": "A-K-3", "municipality": "K-3"})),
    })
    first = run_dwelling_first(three, SCORES)
    assert first.ok and first.bans == 1
    assert ("H-S", "D-1") in {(d.household, d.dwelling)
                              for d in first.instance.decisions}
    matched = {m.household: m.dwelling
               for m in first.outcome.proposal.matches}
    assert matched.get("H-S") != "D-1"


def test_spread_breaches_of_dwelling_first_are_counted():
    """Tests that housing two of one nationality together is counted as a
    breach of a spread rule the dwelling level cannot apply."""
    instance = placement_instance(
        [household("H-1", nationality="SY"),
         household("H-2", nationality="SY")],
        [municipality("K-1")],
    )
    policy = Policy.model_validate({"placement": {"spread": {
        "nationality_share": 0.5, "allowance": 0}}})
    found = placement_breaches(instance, policy,
                               {"H-1": "K-1", "H-2": "K-1"})
    assert len(found) == 1 and "SY" in found[0]


def test_chained_matches_pass_the_check_of_the_whole_instance():
    """
    Tests on a generated county (a network, services, areas) that the
    municipalities' own instances keep every rule: their matches together
    pass the dwelling-level checker on the whole instance, and dwelling-
    first houses at least as many priority points.
    """
    instance = generate("county", seed=3, scale=0.2, scores=True)
    outcome = compare_modes(instance, SCORES, time_limit=60)
    assert outcome.chained.whole_check is not None
    assert outcome.ok, outcome.chained.violations()
    assert outcome.chained.whole_check.ok
    chained = outcome.chained.whole_check.primary
    first = outcome.dwelling_first.outcome.proposal.objective.primary
    if outcome.dwelling_first.outcome.proposal.solver.proven_optimal:
        assert first >= chained
