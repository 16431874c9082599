"""
What the HiGHS engine derives from the best priority total before it
solves: the type program's start, and the bounds every lexicographic
optimum keeps. Checked against every placement of tiny instances.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from allocator.generate import generate
from allocator.placement import compile_placement, engines, solve_placement
from models import Policy
from tests.placement.helpers import SCORES, SPREAD, random_instance

POLICIES = {
    "scores": SCORES,
    "spread": SPREAD,
    "spread-allowance": Policy.model_validate({
        "placement": {"score_weight": 100,
                      "spread": {"nationality_share": 0.4,
                                 "allowance": 1}},
    }),
}


def _feasible(data, model):
    """
    Every placement of a tiny instance that keeps every row and bound of
    the model, as full solutions (pairs, counts, totals, classes).
    """
    pair_of = {(int(c), int(m)): p for p, (c, m) in enumerate(
        zip(data.pair_class, data.pair_municipality, strict=True))}
    free = np.flatnonzero(data.class_of >= 0)
    options = [[None] + [m for m in range(data.num_municipalities)
                         if (int(data.class_of[h]), m) in pair_of]
               for h in free.tolist()]
    start = model.row_start[:-1]
    for choice in itertools.product(*options):
        pairs = np.zeros(model.num_pairs)
        for h, m in zip(free.tolist(), choice, strict=True):
            if m is not None:
                pairs[pair_of[int(data.class_of[h]), m]] += 1
        counts = np.bincount(model.count_of_pair, weights=pairs,
                             minlength=model.num_counts)
        x = model.complete(pairs, counts)
        activity = np.add.reduceat(model.values * x[model.col_index], start)
        if ((x <= model.var_upper + 1e-9).all()
                and (activity >= model.row_lower - 1e-9).all()
                and (activity <= model.row_upper + 1e-9).all()):
            yield x


def _tiny_instances(policy_name):
    """
    Random tiny instances without a compatibility table, so that classes
    of one type share their municipalities and the type program applies.
    """
    rng = random.Random(f"reductions-{policy_name}")
    for _ in range(12):
        instance = random_instance(rng, num_households=rng.randint(4, 6),
                                   num_municipalities=rng.randint(2, 3))
        yield instance.model_copy(update={"compatibility": ()})


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_every_best_priority_placement_keeps_the_priority_bounds(name):
    """
    Tests that the type program's start is a placement of the model with
    the best priority total there is, and that every placement reaching
    that total keeps the bounds derived from it: no lexicographic optimum
    is cut off.
    """
    policy = POLICIES[name]
    checked = 0
    for instance in _tiny_instances(name):
        data = compile_placement(instance, policy)
        if data.num_pairs == 0:
            continue
        model = engines.build_model(data)
        solutions = list(_feasible(data, model))
        best = max(int(round(model.primary @ x)) for x in solutions)
        start, proven = engines.type_start(data, model, None)
        assert proven == best
        assert any(np.allclose(start, x) for x in solutions)
        bounds = engines.priority_bounds(data, model, best)
        assert bounds is not None
        lower, upper = bounds
        P, Q = model.num_pairs, model.num_counts
        for x in solutions:
            if round(model.primary @ x) < best:
                continue
            kept = np.concatenate([x[model.first_class:], x[P:P + Q]])
            assert (kept >= lower - 1e-9).all() and (
                kept <= upper + 1e-9).all()
            checked += 1
    assert checked > 10


def test_spread_rules_are_met_by_splitting_the_counts_without_them():
    """
    Tests that with a spread rule the start comes from the program
    without it (far smaller), split so that the rule holds: it keeps
    every row of the model and has the priority total the program with
    the rule proves.
    """
    instance = generate("county", seed=0, scale=0.3, scores=True)
    policy = Policy.model_validate({
        "placement": {"score_weight": 100,
                      "spread": {"nationality_share": 0.4,
                                 "allowance": 1}},
    })
    data = compile_placement(instance, policy)
    model = engines.build_model(data)
    start, best = engines.type_start(data, model, None)
    assert best is not None
    activity = np.add.reduceat(model.values * start[model.col_index],
                               model.row_start[:-1])
    assert (activity <= model.row_upper + 1e-9).all()
    assert (activity >= model.row_lower - 1e-9).all()
    assert round(model.primary @ start) == best
    solution, proven = engines._solve_type_program(data, model, None)
    assert proven
    assert round(data.class_priority @ solution[:data.num_classes]) == best


def test_bounds_that_do_not_hold_are_caught(monkeypatch):
    """
    Tests that bounds which would cut off every optimum (all classes held
    out) do not change the answer: the restricted program falls short of
    the proven priority total, and the engine solves again without them.
    """
    from allocator.placement.engines import solve as entry

    instance = generate("county", seed=0, scale=0.3, scores=True)
    policy = Policy.model_validate({"placement": {"score_weight": 100}})
    data = compile_placement(instance, policy)
    expected = solve_placement(data, engine="cpsat").objective
    real = engines.priority_bounds
    calls = []

    def wrong(data, model, best):
        lower, upper = real(data, model, best)
        upper = upper.copy()
        upper[:data.num_classes] = 0
        calls.append(best)
        return lower * 0, upper

    monkeypatch.setattr(entry, "priority_bounds", wrong)
    result = solve_placement(data, engine="mip")
    assert calls
    assert result.proven_optimal
    assert result.objective == expected
    assert result.detail["stages"] == "2"
