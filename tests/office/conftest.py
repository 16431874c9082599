"""The city preset solved once, for the office's outputs."""

from __future__ import annotations

import pytest

from allocator.generate import generate
from allocator.pipeline import propose
from models import Policy


@pytest.fixture(scope="session")
def city():
    """(instance, policy, proposal) of the city preset, seed 7."""
    instance = generate("city", seed=7)
    policy = Policy()
    outcome = propose(instance, policy)
    assert outcome.check.ok
    return instance, policy, outcome.proposal


@pytest.fixture(scope="session")
def town():
    """(instance, policy, proposal) of the town preset, seed 3."""
    instance = generate("town", seed=3)
    policy = Policy()
    return instance, policy, propose(instance, policy).proposal
