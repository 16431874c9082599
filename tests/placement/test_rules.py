"""Placement rules: quotas per dimension, compatibility, services, scores,
spread, households assigned before, and the reasons given."""

from __future__ import annotations

from allocator.placement import place
from models import Policy, UnplacedReason
from tests.placement.helpers import (
    household,
    minor,
    municipality,
    placement_instance,
)


def _where(outcome) -> dict[str, str]:
    return {p.household: p.municipality
            for p in outcome.proposal.placements}


def _unplaced(outcome, hid):
    return next(u for u in outcome.proposal.unplaced if u.household == hid)


def test_children_quota_rules_out_a_family_before_solving():
    """
    Tests that a family cannot go where the decision has no children's
    places, and that a family with nowhere to go is explained with exact
    counts per rule.
    """
    instance = placement_instance(
        [household("H-F", 2, (5, 8)), household("H-S")],
        [municipality("K-1", households=5, children=0),
         municipality("K-2", households=0)],
    )
    outcome = place(instance)
    assert _where(outcome) == {"H-S": "K-1"}
    u = _unplaced(outcome, "H-F")
    assert u.reason == UnplacedReason.NO_COMPATIBLE_MUNICIPALITY
    assert u.excluded_by == {"quota:children": 1, "quota:households": 1}
    assert "0 of 2" in u.message


def test_persons_quota_counts_every_member():
    """Tests that a family of four does not fit three persons' places."""
    instance = placement_instance(
        [household("H-F", 2, (5, 8), waited=300), household("H-S")],
        [municipality("K-1", persons=3)],
    )
    assert _where(place(instance)) == {"H-S": "K-1"}


def test_compatibility_table_forbids_and_unlisted_pairs_follow_policy():
    """Tests that a pair marked not allowed is never used, that unlisted
    pairs are allowed under ``allow``, and that under ``forbid`` and under
    the default (``auto``, for a table listing allowed pairs) only listed
    pairs are."""
    instance = placement_instance(
        [household("H-1"), household("H-2")],
        [municipality("K-1", households=2), municipality("K-2")],
        compatibility=[("H-1", "K-1", False), ("H-2", "K-1", True)],
    )
    loose = Policy.model_validate({"placement": {"unlisted_pairs":
                                                 "allow"}})
    assert _where(place(instance, loose))["H-1"] == "K-2"
    strict = Policy.model_validate({"placement": {"unlisted_pairs":
                                                  "forbid"}})
    for policy in (strict, Policy()):
        outcome = place(instance, policy)
        assert outcome.check.ok
        assert _where(outcome) == {"H-2": "K-1"}
        assert _unplaced(outcome, "H-1").excluded_by == {"compatibility": 2}


def test_a_table_of_allowed_pairs_forbids_the_rest_by_default():
    """
    Tests that a compatibility table listing only allowed pairs (a list
    of 1s, or pairs with no allowed column) forbids every unlisted pair
    under the default policy, and that the checker refuses a placement in
    an unlisted pair; a table of forbidden pairs alone still allows the
    rest.
    """
    hs = [household(f"H-{k}") for k in range(3)]
    ms = [municipality("K-1", households=3), municipality("K-2",
                                                          households=3)]
    allowed_only = placement_instance(
        hs, ms, compatibility=[("H-0", "K-1", True), ("H-1", "K-2", True)])
    outcome = place(allowed_only)
    assert outcome.check.ok
    assert _where(outcome) == {"H-0": "K-1", "H-1": "K-2"}
    assert _unplaced(outcome, "H-2").reason == (
        UnplacedReason.NO_COMPATIBLE_MUNICIPALITY)
    from allocator.placement.check import check_placement

    tampered = outcome.proposal.model_copy(update={
        "placements": tuple(
            p.model_copy(update={"municipality": "K-2"})
            if p.household == "H-0" else p
            for p in outcome.proposal.placements),
    })
    violations = check_placement(allowed_only, Policy(), tampered).violations
    assert any("does not list the pair" in v for v in violations)
    forbidden_only = placement_instance(
        hs, ms, compatibility=[("H-0", "K-1", False)])
    outcome = place(forbidden_only)
    assert len(outcome.proposal.placements) == 3
    assert _where(outcome)["H-0"] == "K-2"


def test_introduction_places_limit_adults_of_programme_age():
    """
    Tests that a household needing introduction-programme places goes
    only where the programme is offered, within its places.
    """
    instance = placement_instance(
        [household("H-C", 2, waited=300), household("H-S", waited=100)],
        [municipality("K-1", households=5), municipality("K-2")],
        services=[("K-1", "introduction_programme", 1)],
    )
    policy = Policy.model_validate({"placement": {
        "services": ["introduction_programme"]}})
    outcome = place(instance, policy)
    # The couple needs two places, only one exists; the single gets it.
    assert _where(outcome) == {"H-S": "K-1"}
    assert outcome.check.ok
    assert _unplaced(outcome, "H-C").excluded_by == {
        "service:introduction_programme": 2}


def test_health_follow_up_is_explained_without_naming_the_need():
    """Tests that a household needing health follow-up where none is
    offered is explained as an individual need."""
    instance = placement_instance(
        [household("H-1", health_follow_up=True)],
        [municipality("K-1", households=1)],
    )
    policy = Policy.model_validate({"placement": {
        "services": ["health_follow_up"]}})
    u = _unplaced(place(instance, policy), "H-1")
    assert u.excluded_by == {"individual_need": 1}
    assert "health" not in u.message.lower()


def test_pair_scores_choose_the_municipality_at_equal_priority():
    """
    Tests that imported scores send each household where it scores best
    when priority cannot tell the placements apart, and that a zero
    weight ignores them.
    """
    instance = placement_instance(
        [household("H-1"), household("H-2")],
        [municipality("K-1", households=1), municipality("K-2",
                                                         households=1)],
        scores=[("H-1", "K-1", 0.2), ("H-1", "K-2", 0.6),
                ("H-2", "K-1", 0.5), ("H-2", "K-2", 0.55)],
    )
    weighted = Policy.model_validate({"placement": {"score_weight": 100}})
    outcome = place(instance, weighted)
    assert _where(outcome) == {"H-1": "K-2", "H-2": "K-1"}
    assert outcome.proposal.objective.secondary == 110
    placed = {p.household: p for p in outcome.proposal.placements}
    assert placed["H-1"].pair_score == 0.6
    # H-2 would score more in K-2, but H-1 gains more there.
    assert placed["H-1"].rank == 1 and placed["H-2"].rank == 2
    ignored = place(instance)
    assert ignored.proposal.objective.secondary == 0


def test_priority_comes_before_scores_in_lexicographic_mode():
    """Tests that the longest waiting household gets the only place even
    when another household scores better there."""
    instance = placement_instance(
        [household("H-OLD", waited=300), household("H-NEW", waited=20)],
        [municipality("K-1", households=1)],
        scores=[("H-NEW", "K-1", 1.0)],
    )
    policy = Policy.model_validate({"placement": {"score_weight": 1000}})
    outcome = place(instance, policy)
    assert _where(outcome) == {"H-OLD": "K-1"}
    u = _unplaced(outcome, "H-NEW")
    assert u.reason == UnplacedReason.QUOTA_FULL
    assert u.blocked[0].rule == "quota:households"
    assert u.blocked[0].taken_by[0].household == "H-OLD"
    assert "H-OLD" in u.message


def test_spread_rule_caps_one_nationality_per_municipality():
    """
    Tests that with at most half (plus none) of one nationality in a
    municipality, one household of the three of one nationality joins the
    one of another, and the others are told the spread rule stopped them.
    """
    instance = placement_instance(
        [household("H-1", nationality="SY", waited=300),
         household("H-2", nationality="SY", waited=290),
         household("H-3", nationality="SY", waited=280),
         household("H-4", nationality="ER", waited=10)],
        [municipality("K-1", households=4)],
    )
    assert len(place(instance).proposal.placements) == 4
    policy = Policy.model_validate({"placement": {
        "spread": {"nationality_share": 0.5, "allowance": 0},
    }})
    outcome = place(instance, policy)
    assert outcome.check.ok, outcome.check.violations
    assert _where(outcome) == {"H-1": "K-1", "H-4": "K-1"}
    u = _unplaced(outcome, "H-2")
    assert u.reason == UnplacedReason.SPREAD
    assert u.blocked[0].rule == "spread:nationality"
    share = outcome.proposal.municipalities[0].spread
    assert {(s.group, s.households, s.allowed) for s in share} == {
        ("SY", 1, 1), ("ER", 1, 1)}


def test_households_assigned_before_use_the_quota_first():
    """
    Tests that a household IMDi already assigned stays and uses its
    municipality's places, and that a decision it alone exceeds is
    reported as a conflict.
    """
    instance = placement_instance(
        [household("H-G", 2, (3,), assigned_municipality="K-1"),
         household("H-S", waited=400)],
        [municipality("K-1", households=1, persons=2)],
    )
    outcome = place(instance)
    assert outcome.check.ok, outcome.check.violations
    assert _where(outcome) == {"H-G": "K-1"}
    assert outcome.proposal.conflicts
    use = outcome.proposal.municipalities[0]
    persons = next(d for d in use.dimensions if d.dimension == "persons")
    assert (persons.limit, persons.given, persons.placed,
            persons.remaining) == (2, 3, 0, 0)


def test_proposal_lists_every_municipality_and_dimension():
    """Tests that each municipality's use of every quota dimension in
    force is stated, with what remains."""
    instance = placement_instance(
        [household("H-1"), minor("H-M")],
        [municipality("K-1", households=3, persons=4,
                      unaccompanied_minors=1),
         municipality("K-2", households=0)],
    )
    outcome = place(instance)
    uses = {u.municipality: u for u in outcome.proposal.municipalities}
    assert set(uses) == {"K-1", "K-2"}
    dims = {d.dimension: d for d in uses["K-1"].dimensions}
    assert set(dims) == {"households", "persons", "unaccompanied_minors"}
    assert dims["households"].placed == 2
    assert dims["households"].remaining == 1
    assert dims["unaccompanied_minors"].remaining == 0
    assert outcome.proposal.kpis.quota_use["households"] == (2, 3)
