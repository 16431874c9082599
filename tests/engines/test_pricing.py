"""Pruned candidates with pricing reach the unpruned optimum."""

from __future__ import annotations

import pytest

from allocator.check import check_proposal
from allocator.compile import compile_instance
from allocator.engines import solve
from allocator.explain import build_proposal
from allocator.generate import generate
from allocator.io import read_policy
from models import Policy


def _objective(result):
    return result.objective if result.status.value == "optimal" else None


@pytest.mark.parametrize("policy", ["default", "strict-dispersion",
                                    "weighted"])
@pytest.mark.parametrize(("preset", "seed"), [("town", 1), ("town", 7),
                                              ("city", 7)])
@pytest.mark.slow
@pytest.mark.parametrize("keep", [1, 5])
def test_pruned_and_unpruned_solves_agree(preset, seed, policy, keep):
    """
    Tests that keeping only the best `keep` dwellings per household and
    pricing the rest with flow potentials proves the same optimum as
    solving with every eligible pair.
    """
    instance = generate(preset, seed=seed)
    rules = read_policy(policy)
    full = solve(compile_instance(instance, rules), engine="flow")
    pruned_data = compile_instance(instance, rules,
                                   candidates_per_household=keep)
    assert pruned_data.pruned
    assert pruned_data.num_pairs < compile_instance(instance,
                                                    rules).num_pairs
    pruned = solve(pruned_data, engine="auto")
    assert pruned.proven_optimal
    assert _objective(pruned) == _objective(full)


@pytest.mark.parametrize("engine", ["mip", "cpsat"])
def test_pruned_data_solved_by_other_engines_is_priced_first(engine):
    """Tests that mip and cpsat on pruned data still reach the optimum."""
    instance = generate("town", seed=7)
    rules = read_policy("default")
    full = solve(compile_instance(instance, rules), engine="flow")
    pruned = solve(compile_instance(instance, rules,
                                    candidates_per_household=2),
                   engine=engine, time_limit=60)
    assert pruned.objective == full.objective


def test_pruned_non_network_rules_never_claim_a_false_optimum():
    """
    Tests the shared-housing policy (not a flow) with pruning: a proof of
    optimality comes only with the unpruned optimum; otherwise the result
    is feasible with a bound at least as good as the optimum.
    """
    instance = generate("town", seed=7)
    rules = read_policy("shared-housing")
    full = solve(compile_instance(instance, rules), engine="mip")
    assert full.proven_optimal
    pruned = solve(compile_instance(instance, rules,
                                    candidates_per_household=3),
                   engine="auto")
    assert pruned.value <= full.value
    if pruned.proven_optimal:
        assert pruned.value == full.value
    else:
        assert pruned.bound is None or pruned.bound >= full.value


@pytest.mark.slow
def test_auto_never_returns_worse_than_its_warm_start():
    """
    Tests that a time-limited auto solve of a non-network policy (shared
    housing on the city preset) returns at least the value of the feasible
    start it derives from the flow relaxation.
    """
    from allocator.engines.relax import flow_hint
    from allocator.result import evaluate

    data = compile_instance(generate("city", seed=7),
                            read_policy("shared-housing"))
    start = evaluate(data, flow_hint(data))[3]
    result = solve(data, engine="auto", time_limit=2)
    assert result.value >= start


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_class_model_proves_the_pruned_optimum_with_quotas_in_persons(seed):
    """
    Tests that quotas in persons (not a network) pruned to three
    candidates per household still reach the optimum of the pair integer
    program over every eligible pair: the class model prices the rest
    with its LP duals and closes the integrality gap.
    """
    instance = generate("national", seed, scale=0.006)
    rules = Policy()
    full_data = compile_instance(instance, rules)
    assert not full_data.network_representable
    pruned_data = compile_instance(instance, rules,
                                   candidates_per_household=3)
    assert pruned_data.pruned
    full = solve(full_data, engine="mip")
    pruned = solve(pruned_data, engine="auto")
    assert pruned.engine == "auto:classes"
    assert full.proven_optimal and pruned.proven_optimal
    assert pruned.objective == full.objective


@pytest.mark.slow
def test_a_pair_the_pruned_data_left_out_is_explained_and_checked():
    """Tests that a proposal may hold pairs priced in after pruning: its
    scores come from the candidates and the independent checker agrees."""
    instance = generate("national", 0, scale=0.006)
    data = compile_instance(instance, Policy(), candidates_per_household=1)
    result = solve(data, engine="classes")
    present = set(zip(data.pair_household.tolist(),
                      data.pair_dwelling.tolist()))
    chosen = {(h, int(d)) for h, d in enumerate(result.assignment.tolist())
              if d >= 0}
    assert chosen - present, "expected a priced-in pair"
    proposal = build_proposal(instance, Policy(), data, result,
                              marginal_values=False)
    assert check_proposal(instance, Policy(), proposal).ok


@pytest.mark.slow
def test_class_model_starts_from_a_given_assignment_when_it_is_better():
    """Tests that a feasible start housing more priority than the greedy
    one is what a solve stopped at once returns (as the chained mode's
    matches start dwelling-first), and that the checker accepts it."""
    instance = generate("national", 1, scale=0.01)
    data = compile_instance(instance, Policy(), candidates_per_household=2)
    best = solve(data, engine="classes")
    assert best.status.value == "optimal"
    pairs = [(h, int(d)) for h, d in enumerate(best.assignment) if d >= 0]

    def priority(result):
        return int(data.priority[result.assignment >= 0].sum())

    greedy = solve(data, engine="classes", time_limit=1e-6)
    started = solve(data, engine="classes", time_limit=1e-6, start=pairs)
    assert priority(greedy) < priority(best)
    assert priority(started) == priority(best)
    # A start that breaks a row (a dwelling taken twice) is not used.
    waiting = next(h for h in range(data.num_households)
                   if best.assignment[h] < 0)
    clash = pairs + [(waiting, pairs[0][1])]
    ignored = solve(data, engine="classes", time_limit=1e-6, start=clash)
    assert priority(ignored) == priority(greedy)
    proposal = build_proposal(instance, Policy(), data, started,
                              marginal_values=False)
    assert check_proposal(instance, Policy(), proposal).ok


@pytest.mark.slow
def test_class_model_in_two_stages_keeps_the_priority_optimum(monkeypatch):
    """Tests the two-stage solve national scale needs (priority, then
    quality with the priority held): it reaches the one-stage optimum's
    priority and value; a rounding of the quality LP that drops housed
    households must not replace a start that keeps the held priority."""
    from allocator.engines.classes import solve as class_solve

    instance = generate("national", 1, scale=0.01)
    data = compile_instance(instance, Policy(), candidates_per_household=2)
    one = solve(data, engine="classes")
    monkeypatch.setattr(class_solve, "EXACT_BELOW", 0.0)
    two = solve(data, engine="classes")
    assert two.detail.get("stage2_bound") is not None
    assert one.status.value == two.status.value == "optimal"
    assert two.objective == one.objective


@pytest.mark.slow
def test_class_model_out_of_time_still_answers_with_a_checked_start():
    """Tests that the class model stopped at once still returns its greedy
    start over every eligible dwelling, and the checker accepts it."""
    instance = generate("national", 1, scale=0.01)
    data = compile_instance(instance, Policy(), candidates_per_household=2)
    result = solve(data, engine="classes", time_limit=1e-6)
    assert result.status.value in ("feasible", "optimal")
    assert (result.assignment >= 0).sum() > 0
    proposal = build_proposal(instance, Policy(), data, result,
                              marginal_values=False)
    assert check_proposal(instance, Policy(), proposal).ok
