"""Under a time limit the proposal says whether it is proven, and its gap."""

from __future__ import annotations

import pytest

from allocator.generate import generate
from allocator.io import read_policy
from allocator.pipeline import propose
from models import Status

LIMIT = 2.0
"""Seconds: far too few to prove the city with shared housing optimal."""


@pytest.fixture(scope="module")
def city():
    return generate("city", seed=7)


def assert_status_and_gap_agree(proposal) -> None:
    """A proven proposal has gap 0; an unproven one its bound and gap."""
    objective = proposal.objective
    assert proposal.solver.proven_optimal == (
        proposal.status == Status.OPTIMAL
    )
    if proposal.status == Status.OPTIMAL:
        assert objective.bound == objective.value
        assert objective.gap == 0
    elif proposal.status == Status.FEASIBLE:
        assert objective.bound is not None and objective.gap is not None
        assert objective.bound > objective.value
        assert objective.gap == pytest.approx(
            (objective.bound - objective.value) / abs(objective.value)
        )
    else:
        assert objective is None and not proposal.matches


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["auto", "cpsat"])
def test_time_limited_proposal_states_proof_and_gap(city, engine):
    """
    Tests that a solve of the city with shared housing under a two-second
    limit records the limit, is not proven, and states its bound and gap
    (from the flow relaxation when the solver has none), and passes the
    independent checker.
    """
    outcome = propose(city, read_policy("shared-housing"), engine=engine,
                      time_limit=LIMIT)
    proposal = outcome.proposal
    assert outcome.check.ok
    assert proposal.solver.time_limit == LIMIT
    assert proposal.status == Status.FEASIBLE
    assert_status_and_gap_agree(proposal)


def test_proven_proposal_has_gap_zero(city):
    """
    Tests that a proposal proven optimal within its time limit reports its
    value as its bound and gap 0.
    """
    outcome = propose(city, engine="auto", time_limit=60.0)
    assert outcome.proposal.status == Status.OPTIMAL
    assert_status_and_gap_agree(outcome.proposal)
