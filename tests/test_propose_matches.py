"""The chain without explaining (``pipeline.propose_matches``): the policy
lab's rounds read its matches where they read the proposal's before, so
the two must agree match for match, locks, bans and conflicts included."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from allocator.generate import generate
from allocator.io.policy import read_policy
from allocator.pipeline import propose, propose_matches
from models import Decision, DecisionKind, Policy


def _proposal_matches(outcome) -> list[tuple[str, str, bool]]:
    return [(m.household, m.dwelling, m.shared)
            for m in outcome.proposal.matches]


def _with_decisions(inst):
    """The town with a ban on a proposed pair, a lock on another, and a
    lock no rule allows (a large family in a bedsit), which is set
    aside: the decisions a lab round carries."""
    fresh = propose(inst, marginal_values=False)
    banned, locked = fresh.proposal.matches[:2]
    family = next(h for h in inst.households if len(h.members) >= 4)
    bedsit = next(d for d in inst.dwellings if d.bedrooms == 0)
    decisions = (
        Decision(household=banned.household, dwelling=banned.dwelling,
                 kind=DecisionKind.BAN, note="declined offer"),
        Decision(household=locked.household, dwelling=locked.dwelling,
                 kind=DecisionKind.LOCK),
        Decision(household=family.id, dwelling=bedsit.id,
                 kind=DecisionKind.LOCK),
    )
    return inst.model_copy(update={"decisions": decisions}), banned


@pytest.mark.parametrize("preset", ["default", "strict-dispersion",
                                    "shared-housing"])
def test_the_matches_are_the_proposals_match_for_match(preset):
    policy = read_policy(preset)
    inst, banned = _with_decisions(generate("town", seed=3))
    full = propose(inst, policy, marginal_values=False, seed=1)
    bare = propose_matches(inst, policy, seed=1)
    assert bare.matches == _proposal_matches(full)
    assert full.proposal.set_aside  # the bedsit lock was set aside
    assert (banned.household, banned.dwelling) not in {
        (h, d) for h, d, _shared in bare.matches}
    assert bare.check.ok, bare.check.violations
    assert full.check.ok, full.check.violations


def test_the_matches_are_checked_independently(monkeypatch):
    """A solve that breaks a rule is caught: the matches go through the
    independent checker, not only the engine's own account."""
    import allocator.pipeline as pipeline

    inst = generate("town", seed=3)
    honest = propose_matches(inst, Policy())
    solved = pipeline._solved

    def crowded(data, *args):
        # The first matched household's dwelling given to the second
        # matched household as well.
        result, ends_at = solved(data, *args)
        assignment = result.assignment.copy()
        first, second = np.flatnonzero(assignment >= 0)[:2]
        assignment[second] = assignment[first]
        return dataclasses.replace(result, assignment=assignment), ends_at

    monkeypatch.setattr(pipeline, "_solved", crowded)
    broken = propose_matches(inst, Policy())
    assert honest.check.ok
    dwelling = honest.matches[0][1]
    assert broken.check.violations == [
        f"Dwelling {dwelling} given to 2 households."]
