"""The integer program's three backends (HiGHS directly, PuLP with its
HiGHS or CBC, CBC alone) reach the flow's proven optimum."""

from __future__ import annotations

import pytest

from allocator.compile import compile_instance
from allocator.engines import solve
from allocator.generate import generate
from models import Policy, Status


@pytest.fixture(scope="module")
def town():
    return compile_instance(generate("town", seed=1, scale=0.5), Policy())


@pytest.mark.parametrize("backend", ["highs", "pulp", "cbc"])
def test_each_backend_proves_the_flow_optimum(town, backend):
    flow = solve(town, engine="flow")
    result = solve(town, engine="mip", backend=backend, time_limit=120)
    assert flow.status == Status.OPTIMAL
    assert result.status == Status.OPTIMAL
    assert result.value == flow.value
    # The backend that ran is the one asked for.
    assert result.detail["backend"] == {
        "highs": "highspy", "pulp": "pulp-highs", "cbc": "pulp-cbc"}[backend]
