"""
The independent checker rejects every kind of defect: one valid proposal,
tampered once per kind of violation, is refused with that violation named,
and the untampered proposal is accepted.
"""

from __future__ import annotations

import pytest

from allocator.check import check_matches, check_proposal
from allocator.generate import generate
from allocator.pipeline import _solved_matches, propose
from models import Decision, DecisionKind, Policy


@pytest.fixture(scope="module")
def solved():
    instance = generate("town", seed=7)
    policy = Policy()
    outcome = propose(instance, policy, engine="flow", marginal_values=False)
    assert check_proposal(instance, policy, outcome.proposal).ok
    return instance, policy, outcome.proposal


def _violations(instance, policy, proposal, **options) -> list[str]:
    report = check_proposal(instance, policy, proposal, **options)
    assert not report.ok
    return report.violations


def _with_matches(proposal, matches):
    return proposal.model_copy(update={"matches": tuple(matches)})


def test_a_household_matched_twice(solved):
    instance, policy, proposal = solved
    first, second = proposal.matches[:2]
    twice = second.model_copy(update={"household": first.household})
    found = _violations(instance, policy,
                        _with_matches(proposal, [first, twice,
                                                 *proposal.matches[2:]]))
    assert any(f"Household {first.household} is matched 2 times" in v
               for v in found)


def test_a_dwelling_given_twice(solved):
    instance, policy, proposal = solved
    first, second = proposal.matches[:2]
    same = second.model_copy(update={"dwelling": first.dwelling})
    found = _violations(instance, policy,
                        _with_matches(proposal, [first, same,
                                                 *proposal.matches[2:]]))
    assert any(f"Dwelling {first.dwelling} given to 2 households" in v
               for v in found)


def test_an_unknown_id(solved):
    instance, policy, proposal = solved
    ghost = proposal.matches[0].model_copy(update={"dwelling": "D-GHOST"})
    found = _violations(instance, policy,
                        _with_matches(proposal, [ghost,
                                                 *proposal.matches[1:]]))
    assert any("names an unknown id" in v for v in found)


def _largest_into_smallest(instance, proposal):
    """The proposal with its largest household moved to the smallest free
    dwelling (too few bedrooms), and that pair."""
    households = {h.id: h for h in instance.households}
    taken = {m.dwelling for m in proposal.matches}
    big = max(proposal.matches,
              key=lambda m: len(households[m.household].members))
    small = min((d for d in instance.dwellings if d.id not in taken),
                key=lambda d: d.bedrooms)
    moved = big.model_copy(update={"dwelling": small.id})
    rest = [m for m in proposal.matches if m is not big]
    return _with_matches(proposal, [moved, *rest]), (big.household, small.id)


def test_a_hard_rule_broken(solved):
    """Tests a household moved to a dwelling with too few bedrooms."""
    instance, policy, proposal = solved
    tampered, (hid, did) = _largest_into_smallest(instance, proposal)
    found = _violations(instance, policy, tampered)
    assert any(f"Match {hid} -> {did}" in v and "bedrooms" in v
               for v in found)


def test_a_ban_and_a_lock_not_honoured(solved):
    """Tests the office's decisions: a proposed pair that was banned, and
    a lock the proposal does not keep."""
    instance, policy, proposal = solved
    match = proposal.matches[0]
    other = next(d.id for d in instance.dwellings if d.id != match.dwelling)
    decided = instance.model_copy(update={"decisions": (
        Decision(household=match.household, dwelling=match.dwelling,
                 kind=DecisionKind.BAN),
    )})
    found = _violations(decided, policy, proposal)
    assert any(f"Match {match.household} -> {match.dwelling} was banned"
               in v for v in found)
    locked = instance.model_copy(update={"decisions": (
        Decision(household=match.household, dwelling=other,
                 kind=DecisionKind.LOCK),
    )})
    found = _violations(locked, policy, proposal)
    assert any(f"Lock {match.household} -> {other} not honoured" in v
               for v in found)


def test_caps_and_quotas_exceeded(solved):
    """Tests each coupling rule: the same proposal under a tighter area
    cap, building cap and council decision."""
    instance, policy, proposal = solved
    tight = policy.model_copy(update={"dispersion": policy.dispersion
                                      .model_copy(update={
                                          "area_cap_share": 0.01,
                                          "area_target_share": 0.0,
                                          "building_cap": 1})})
    found = _violations(instance, tight, proposal)
    assert any(v.startswith("Area ") and "cap" in v for v in found)
    assert any(d.building for d in instance.dwellings)
    assert any(v.startswith("Building ") for v in found)
    municipality = instance.municipalities[0]
    decided = instance.model_copy(update={"municipalities": (
        municipality.model_copy(update={"quotas": {"households": 1}}),
        *instance.municipalities[1:],
    )})
    found = _violations(decided, policy, proposal)
    assert any(v.startswith(f"Municipality {municipality.id} uses") for v
               in found)


def test_stated_scores_and_objective_that_do_not_add_up(solved):
    instance, policy, proposal = solved
    match = proposal.matches[0]
    criterion = next(c for c, v in match.scores.items() if v)
    inflated = match.model_copy(update={"scores": {
        **match.scores, criterion: match.scores[criterion] + 1}})
    found = _violations(instance, policy,
                        _with_matches(proposal, [inflated,
                                                 *proposal.matches[1:]]))
    assert any(f"Scores of {match.household} stated as" in v for v in found)
    objective = proposal.objective.model_copy(update={
        "primary": proposal.objective.primary + 1})
    found = _violations(instance, policy,
                        proposal.model_copy(update={"objective": objective}))
    assert any(v.startswith("Objective stated as") for v in found)


def test_a_household_neither_matched_nor_waiting(solved):
    instance, policy, proposal = solved
    dropped = proposal.model_copy(update={
        "unmatched": proposal.unmatched[1:]})
    assert proposal.unmatched, "the town should leave someone waiting"
    found = _violations(instance, policy, dropped)
    assert any("neither matched nor listed as unmatched" in v
               for v in found)


def test_an_infeasible_proposal_with_matches_or_without_a_conflict(solved):
    instance, policy, proposal = solved
    infeasible = proposal.model_copy(update={"status": "infeasible"})
    found = _violations(instance, policy, infeasible)
    assert "An infeasible proposal has matches." in found
    assert "An infeasible proposal states no conflict." in found


def test_an_override_needs_its_reason_and_its_rule(solved):
    """Tests the overrides clause: a match that breaks a hard rule passes
    only as an override of that rule with a reason."""
    instance, policy, proposal = solved
    tampered, pair = _largest_into_smallest(instance, proposal)
    for overrides in ({pair: ("size_too_small", "")},
                      {pair: ("child_safety", "the family asked")}):
        found = _violations(instance, policy, tampered, overrides=overrides)
        assert any(f"Match {pair[0]} -> {pair[1]}" in v for v in found)


def test_a_report_made_beforehand_is_taken_only_for_the_same_matches(solved):
    instance, policy, proposal = solved
    matches = [(m.household, m.dwelling, m.shared) for m in proposal.matches]
    beforehand = check_matches(instance, policy, matches)
    beforehand.violations.append("found beforehand")
    taken = check_proposal(instance, policy, proposal,
                           matches_checked=beforehand)
    assert taken.violations == ["found beforehand"]
    # Made for other matches (one left out): checked again, here.
    other = check_matches(instance, policy, matches[1:])
    other.violations.append("found for other matches")
    redone = check_proposal(instance, policy, proposal, matches_checked=other)
    assert redone.ok


@pytest.mark.parametrize("engine", ["flow", "classes"])
def test_the_check_beside_gives_what_the_check_in_process_gives(engine):
    instance = generate("town", seed=3)
    policy = Policy()
    alone = propose(instance, policy, engine=engine)
    forked = propose(instance, policy, engine=engine, fork=True)
    assert forked.check == alone.check
    assert forked.check.ok and forked.check.matches
    # The matches checked beside are the proposal's, in its order, so
    # the checker takes the report made beside.
    assert list(forked.check.matches) == _solved_matches(
        instance, forked.result) == [
        (m.household, m.dwelling, m.shared) for m in forked.proposal.matches]
    assert (forked.proposal.provenance.instance_sha256
            == alone.proposal.provenance.instance_sha256)
    stamp = {"provenance": alone.proposal.provenance}
    assert forked.proposal.model_copy(update=stamp) == alone.proposal
