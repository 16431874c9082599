"""A small sweep shared by the policy-lab tests."""

from __future__ import annotations

import pytest

from allocator.generate import generate
from allocator.io import read_policy
from allocator.simulate import SimulationParams, run_sweep

SMALL = SimulationParams(months=2, seeds=2)
"""Two months of weekly rounds on two seeds: small, yet every mechanism
(arrivals, vacancies, declines, bans) occurs."""


@pytest.fixture(scope="session")
def town():
    """The town preset (60 households, 80 dwellings)."""
    return generate("town", seed=0)


@pytest.fixture(scope="session")
def small_sweep(town):
    """The default policy and the baseline on the town, in this process."""
    return run_sweep(town, [("default", read_policy("default"))], SMALL,
                     workers=1)
