"""The independent placement checker rejects broken placements."""

from __future__ import annotations

import pytest

from allocator.placement import check_placement, place
from models import Placement, Policy
from tests.placement.helpers import household, municipality, placement_instance


def _placed(proposal, hid: str, mid: str) -> Placement:
    return Placement(household=hid, municipality=mid, priority=0,
                     scores={"pair_score": 0}, rank=1, compatible=1)


def _with(proposal, hid: str, mid: str):
    """The proposal with ``hid`` moved (or added) to ``mid``."""
    kept = tuple(p for p in proposal.placements if p.household != hid)
    old = next((p for p in proposal.placements if p.household == hid), None)
    moved = (old.model_copy(update={"municipality": mid}) if old
             else _placed(proposal, hid, mid))
    return proposal.model_copy(update={
        "placements": (*kept, moved),
        "unplaced": tuple(u for u in proposal.unplaced
                          if u.household != hid),
    })


@pytest.fixture
def instance():
    return placement_instance(
        [household("H-1"), household("H-2", 2, (4, 9)),
         household("H-3", nationality="SY"),
         household("H-4", nationality="SY"),
         household("H-5", nationality="SY")],
        [municipality("K-1", households=3, persons=6, children=2),
         municipality("K-2", households=3, persons=3, children=0)],
        compatibility=[("H-1", "K-2", False)],
        scores=[("H-1", "K-1", 0.4), ("H-3", "K-2", 0.9)],
        services=[("K-1", "introduction_programme", 10)],
    )


POLICY = Policy.model_validate({"placement": {
    "score_weight": 100, "services": ["introduction_programme"],
}})


def test_checker_accepts_the_engines_placement(instance):
    """Tests that a solved placement passes the checker unchanged."""
    outcome = place(instance, POLICY)
    assert outcome.check.ok, outcome.check.violations
    assert outcome.proposal.objective.primary == outcome.check.primary


@pytest.mark.parametrize(
    ("hid", "mid", "words"),
    [
        ("H-2", "K-2", "persons"),      # 4 persons where 3 are left
        ("H-1", "K-2", "compatibility table forbids"),
        ("H-4", "K-2", "introduction programme"),
    ],
)
def test_checker_rejects_a_broken_placement(instance, hid, mid, words):
    """
    Tests that moving a household into a municipality whose quota it
    exceeds, which the compatibility table forbids, or which lacks a
    service it needs, is a violation naming the rule.
    """
    outcome = place(instance, POLICY)
    broken = _with(outcome.proposal, hid, mid)
    report = check_placement(instance, POLICY, broken)
    assert not report.ok
    assert any(words in v for v in report.violations), report.violations


def test_checker_rejects_a_quota_exceeded_in_children(instance):
    """Tests that a family in a municipality with no children places is
    reported under the children dimension."""
    policy = Policy.model_validate({"placement": {"score_weight": 100}})
    outcome = place(instance, policy)
    broken = _with(outcome.proposal, "H-2", "K-2")
    violations = check_placement(instance, policy, broken).violations
    assert any("children" in v for v in violations), violations


def test_checker_rejects_a_spread_share_exceeded(instance):
    """
    Tests that three households of one nationality in a municipality
    where the spread rule allows at most half of them plus none is a
    violation.
    """
    policy = Policy.model_validate({"placement": {
        "spread": {"nationality_share": 0.5, "allowance": 0},
    }})
    outcome = place(instance, policy)
    assert outcome.check.ok, outcome.check.violations
    broken = outcome.proposal
    for hid in ("H-3", "H-4", "H-5"):
        broken = _with(broken, hid, "K-1")
    violations = check_placement(instance, policy, broken).violations
    assert any("spread rule" in v for v in violations), violations


def test_checker_rejects_a_wrong_objective_and_a_missing_household(instance):
    """Tests that a stated objective that does not match, and a household
    neither placed nor unplaced, are violations."""
    p = place(instance, POLICY).proposal
    wrong = p.model_copy(update={"objective": p.objective.model_copy(
        update={"primary": p.objective.primary + 1})})
    assert any("Objective stated" in v for v in
               check_placement(instance, POLICY, wrong).violations)
    dropped = p.model_copy(update={"unplaced": p.unplaced[1:]}) \
        if p.unplaced else p.model_copy(update={
            "placements": p.placements[1:]})
    assert any("neither placed nor" in v for v in
               check_placement(instance, POLICY, dropped).violations)


def test_checker_rejects_moving_a_household_assigned_before(instance):
    """Tests that a household IMDi assigned before must stay there."""
    households = list(instance.households)
    households[0] = households[0].model_copy(
        update={"assigned_municipality": "K-1"})
    given = instance.model_copy(update={"households": tuple(households)})
    p = place(given, POLICY)
    assert p.check.ok, p.check.violations
    assert next(x for x in p.proposal.placements
                if x.household == "H-1").given
    moved = _with(p.proposal, "H-1", "K-2")
    assert any("assigned to K-1 before" in v for v in
               check_placement(given, POLICY, moved).violations)


def test_checker_recomputes_the_use_of_every_dimension(instance):
    """Tests that a misstated municipality use is a violation."""
    p = place(instance, POLICY).proposal
    use = p.municipalities[0]
    dims = list(use.dimensions)
    dims[0] = dims[0].model_copy(update={"placed": dims[0].placed + 1})
    bad = p.model_copy(update={"municipalities": (
        use.model_copy(update={"dimensions": tuple(dims)}),
        *p.municipalities[1:],
    )})
    assert any("Use of" in v for v in
               check_placement(instance, POLICY, bad).violations)
