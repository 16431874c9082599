"""Placement engines: brute force on tiny instances, parity elsewhere."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from allocator.generate import generate
from allocator.placement import (
    NotRepresentable,
    compile_placement,
    place,
    solve_placement,
)
from models import Policy
from tests.placement.helpers import (
    SCORES,
    SPREAD,
    brute_force,
    household,
    municipality,
    placement_instance,
    random_instance,
)

ENGINES = ("mip", "cpsat", "pulp")

POLICIES = {
    "lexicographic": SCORES,
    "weighted": Policy.model_validate({
        "objective": "weighted",
        "weights": {"housed": 1},
        "placement": {"score_weight": 300, "missing_score": -0.5,
                      "services": ["introduction_programme"]},
    }),
    "spread": SPREAD,
}


@pytest.mark.parametrize("name", sorted(POLICIES))
def test_engines_reach_the_brute_force_optimum_on_tiny_instances(name):
    """
    Tests that every engine proves the optimum that enumerating every
    assignment finds, on random tiny instances with quotas in several
    dimensions, compatibility, scores, service places and spread rules,
    and that the checker passes each proposal.
    """
    policy = POLICIES[name]
    rng = random.Random(f"placement-{name}")
    for _ in range(12):
        instance = random_instance(rng, num_households=rng.randint(3, 6),
                                   num_municipalities=rng.randint(1, 3))
        best = brute_force(instance, policy)
        for engine in ENGINES:
            outcome = place(instance, policy, engine=engine)
            assert outcome.result.proven_optimal, engine
            assert outcome.check.ok, outcome.check.violations
            o = outcome.proposal.objective
            got = ((o.primary, o.secondary) if name != "weighted"
                   else o.value)
            assert got == best, (engine, got, best)


def test_score_objective_equals_brute_force_to_the_datas_precision():
    """
    Tests that under the score preset every engine proves the largest
    total score an enumeration finds, exactly to the decimals of the data
    (scores of up to nine decimals that differ only in the last, which a
    weight of a million would round away), then the most households
    placed, and that the checker passes each proposal.
    """
    from allocator.io import read_policy

    policy = read_policy("score")
    for missing in (0.0, -0.25):
        rules = policy.placement.model_copy(update={"missing_score":
                                                    missing})
        policy = policy.model_copy(update={"placement": rules})
        rng = random.Random(f"placement-score-{missing}")
        for _ in range(10):
            instance = random_instance(rng, num_households=rng.randint(3, 6),
                                       num_municipalities=rng.randint(1, 3))
            places = rng.choice([2, 7, 9])
            base = rng.choice([0.1, 0.5, -0.1])
            scores = tuple(
                s.model_copy(update={"score": round(
                    base + rng.randint(0, 3) * 10.0**-places, places)})
                for s in instance.pair_scores
            )
            instance = instance.model_copy(update={"pair_scores": scores})
            best_total, best_count = brute_force(instance, policy)
            for engine in (*ENGINES, "auto"):
                outcome = place(instance, policy, engine=engine)
                assert outcome.result.proven_optimal, engine
                assert outcome.check.ok, outcome.check.violations
                p = outcome.proposal
                total = Decimal(p.objective.primary).scaleb(
                    -(p.score_decimals or 0))
                assert (total, p.objective.secondary) == (
                    best_total, best_count), (engine, total, best_total)
                assert p.kpis.placed == best_count


def _medium_instances():
    yield "county-scaled", generate("county", seed=1, scale=0.4,
                                    scores=True)
    yield "region-scaled", generate("region", seed=0, scale=0.05,
                                    dimensions=("children",))


@pytest.mark.parametrize(("label", "instance"), list(_medium_instances()))
def test_engines_that_prove_optimality_agree(label, instance):
    """
    Tests that HiGHS, CP-SAT and CBC prove the same optimum on medium
    instances (households given before, three quota dimensions, scores).
    """
    policy = Policy.model_validate({"placement": {"score_weight": 100}})
    values = {}
    for engine in ENGINES:
        outcome = place(instance, policy, engine=engine, time_limit=120)
        assert outcome.check.ok, outcome.check.violations
        if outcome.result.proven_optimal:
            values[engine] = outcome.result.objective
    assert set(values) == set(ENGINES), values
    assert len(set(values.values())) == 1, values


def test_flow_is_exact_when_only_households_are_counted():
    """
    Tests that with quotas in households only the flow engine proves the
    same optimum as the integer program, and that auto takes the flow.
    """
    instance = generate("region", seed=2, scale=0.05)
    policy = Policy.model_validate({"placement": {
        "dimensions": ["households"], "score_weight": 10,
    }})
    flow = place(instance, policy, engine="flow")
    mip = place(instance, policy, engine="mip")
    auto = place(instance, policy)
    assert flow.result.proven_optimal and mip.result.proven_optimal
    assert flow.result.objective == mip.result.objective
    assert auto.result.engine == "auto:flow"
    assert flow.check.ok and auto.check.ok


def test_flow_refuses_quotas_in_persons():
    """Tests that the flow engine refuses quotas beyond households."""
    instance = placement_instance(
        [household("H-1")], [municipality("K-1", persons=1)]
    )
    data = compile_placement(instance, Policy())
    assert not data.network_representable
    with pytest.raises(NotRepresentable):
        solve_placement(data, engine="flow")


def test_unknown_engine_is_refused():
    """Tests that an unknown placement engine raises a ValueError."""
    instance = placement_instance([household("H-1")],
                                  [municipality("K-1", households=1)])
    with pytest.raises(ValueError, match="engine 'x' not understood"):
        place(instance, engine="x")


def test_a_combined_optimum_below_the_priority_bound_is_solved_again(
    monkeypatch,
):
    """
    Tests that when the one-stage solve of a lexicographic objective ends
    below the priority total the small program proved possible, the
    engine solves again in two stages (small coefficients) rather than
    trusting it: here the proved total is stated one point too high, so
    the check must fire, and the answer must still be the optimum.
    """
    from allocator.placement import engines
    from allocator.placement.engines import solve as entry

    instance = generate("county", seed=1, scale=0.2, scores=True)
    policy = Policy.model_validate({"placement": {"score_weight": 100}})
    expected = place(instance, policy).result
    real = engines.type_start

    def inflated(data, model, time_limit=None):
        start, best = real(data, model, time_limit)
        return start, None if best is None else best + 1

    monkeypatch.setattr(entry, "type_start", inflated)
    again = place(instance, policy)
    assert again.result.detail["stages"] == "2"
    assert again.result.proven_optimal
    assert again.result.objective == expected.objective


def test_the_greedy_start_keeps_to_its_time_limit():
    """Tests that the start's linear relaxation gives up at its time limit
    (a national round's relaxation once ran past an hour inside a 10 s
    limit) and the greedy top-up alone still gives a start within every
    quota; with time, the relaxation guides the start."""
    from allocator.placement import compile_placement
    from allocator.placement.engines import (
        _pairs,
        _quota_rows,
        build_model,
        greedy_start,
    )

    data = compile_placement(generate("county", seed=1), Policy())
    model = build_model(data)
    hurried = greedy_start(data, model, time_limit=1e-9)
    assert hurried is not None
    P, Q = model.num_pairs, model.num_counts
    for cols, vals, up in _quota_rows(model):
        assert vals @ hurried[P:P + Q][cols] <= up
    placed = _pairs(data, model, hurried)
    assert placed.sum() > 0
    assert greedy_start(data, model) is not None
