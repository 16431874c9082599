"""The priority stage on counts reaches the pair model's priority optimum."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from allocator.check import check_matches
from allocator.compile import compile_instance
from allocator.engines import solve
from allocator.engines.classes import _fits, _groups
from allocator.engines.priority import (
    _Program,
    _repair,
    assignment,
    counts,
    solve_priority,
)
from allocator.generate import generate
from models import Policy
from tests.engine_helpers import answer_with_the_start


def _counts(data):
    groups = _groups(data)
    return groups, counts(data, groups.members, groups.dwellings,
                          groups.usage)


def _housed_priority(data, result) -> int:
    return int(data.priority[result.assignment >= 0].sum())


def _matches(data, pairs):
    return [(data.household_ids[h], data.dwelling_ids[d], False)
            for h, d in pairs]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_counting_proves_the_pair_models_priority_optimum(seed):
    """
    Tests that on national at 1 % (council decisions in households and
    persons) the counting program proves the most priority the pair
    integer program can house, and that its households and dwellings pass
    the independent checker.
    """
    instance = generate("national", seed, scale=0.01)
    data = compile_instance(instance, Policy())
    groups, c = _counts(data)
    assert c.num_types < data.num_dwellings
    stage = solve_priority(data, c, deadline=None)
    assert stage.proven
    pair_model = solve(data, engine="mip")
    assert pair_model.proven_optimal
    assert stage.value == _housed_priority(data, pair_model)
    assert sum(int(data.priority[h]) for h, _ in stage.pairs) == stage.value
    assert _fits(data, groups, stage.pairs)
    assert check_matches(instance, Policy(), _matches(data, stage.pairs)).ok


@pytest.mark.slow
def test_binding_area_and_building_caps_split_the_dwelling_types():
    """
    Tests that area and building caps below their dwellings become rows
    of the counting program, which still proves the pair model's
    priority optimum and keeps every cap.
    """
    instance = generate("national", 1, scale=0.01)
    data = compile_instance(instance, Policy())
    per_area = np.bincount(data.dwelling_area, minlength=len(data.area_cap))
    in_building = data.dwelling_building[data.dwelling_building >= 0]
    per_building = np.bincount(in_building,
                               minlength=len(data.building_cap))
    assert (per_building >= 2).any()
    tight = dataclasses.replace(
        data, area_cap=np.maximum(per_area // 3, 1),
        building_cap=np.where(per_building >= 2, 1, data.building_cap))
    _, loose = _counts(data)
    groups, c = _counts(tight)
    assert (c.type_area >= 0).any() and (loose.type_area < 0).all()
    assert (c.type_building >= 0).any() and (loose.type_building < 0).all()
    stage = solve_priority(tight, c, deadline=None)
    assert stage.proven
    assert stage.value == _housed_priority(tight, solve(tight, engine="mip"))
    assert _fits(tight, groups, stage.pairs)


@pytest.mark.slow
def test_rounded_start_keeps_every_row():
    """
    Tests that the LP's counts rounded down and refilled by priority keep
    every row (each dwelling once, every quota), houses no less priority
    than refilling from nothing, and no more than the proven optimum.
    """
    instance = generate("national", 2, scale=0.01)
    data = compile_instance(instance, Policy())
    groups, c = _counts(data)
    program = _Program(data, c, seed=0)
    program.run(None)
    n_lp = program.n_values()
    n = _repair(data, c, program, n_lp)
    assert (n >= 0).all() and np.allclose(n, np.rint(n))
    pairs = assignment(c, n)
    assert _fits(data, groups, pairs)
    # The start handed to HiGHS earns the same priority.
    assert int(program.levels(n) @ program.y_value) == program.value(n)
    refilled = program.value(_repair(data, c, program, np.zeros_like(n_lp)))
    assert program.value(n) >= refilled > 0
    assert program.value(n) <= solve_priority(data, c, None).value


@pytest.mark.slow
def test_two_stage_class_model_counts_its_first_stage(monkeypatch):
    """
    Tests that the class model in two stages takes its first stage from
    the counting program and, with a time limit, still returns the
    counting program's priority.
    """
    from allocator.engines.classes import solve as class_solve

    instance = generate("national", 3, scale=0.01)
    data = compile_instance(instance, Policy(), candidates_per_household=2)
    monkeypatch.setattr(class_solve, "EXACT_BELOW", 0.0)
    result = solve(data, engine="classes", time_limit=60)
    assert "counted_kinds" in result.detail
    _, c = _counts(data)
    assert _housed_priority(data, result) == solve_priority(
        data, c, None).value


@pytest.mark.slow
def test_two_stage_proposal_states_its_priority_bound(monkeypatch):
    """
    Tests that a two-stage solve stopped before its quality stage proves
    anything still states a bound on the priority, which holds: no less
    than the priority it houses, and no less than the proven optimum.
    """
    from allocator.engines.classes import search as class_search
    from allocator.engines.classes import solve as class_solve
    from allocator.explain import build_proposal

    instance = generate("national", 2, scale=0.01)
    data = compile_instance(instance, Policy(), candidates_per_household=2)
    monkeypatch.setattr(class_solve, "EXACT_BELOW", 0.0)
    monkeypatch.setattr(class_search, "MAX_ROUNDS", 0)
    result = solve(data, engine="classes", time_limit=60)
    proposal = build_proposal(instance, Policy(), data, result,
                              marginal_values=False)
    o = proposal.objective
    _, c = _counts(data)
    best = solve_priority(data, c, None).value
    assert o.primary_bound is not None
    assert o.primary_bound >= best >= o.primary


@pytest.mark.slow
def test_counted_households_get_the_best_dwellings_of_their_municipality():
    """
    Tests the quality step after counting: the same households stay in
    the same municipalities, and their quality is the optimum of the
    instance where each is assigned to its municipality (solved by the
    pair integer program), no worse than the counted dwellings'.
    """
    from allocator.engines.exchange import within_municipalities
    from allocator.placement.modes import assigned_instance
    from allocator.result import evaluate

    instance = generate("national", 1, scale=0.01)
    data = compile_instance(instance, Policy())
    groups, c = _counts(data)
    counted = solve_priority(data, c, deadline=None).pairs
    group_of = np.full(data.num_households, -1)
    for g, members in enumerate(groups.members):
        group_of[members] = g
    best, _ = within_municipalities(
        data, lambda h: groups.dwellings[group_of[h]], counted)
    municipality = data.dwelling_municipality
    assert {h: municipality[d] for h, d in best} == {
        h: municipality[d] for h, d in counted}
    assert check_matches(instance, Policy(), _matches(data, best)).ok

    def quality(pairs):
        with_them, chosen = _chosen(data, pairs)
        return evaluate(with_them, chosen)[2][1]

    at = {data.household_ids[h]: data.municipality_ids[municipality[d]]
          for h, d in best}
    assigned = assigned_instance(instance, at)
    placed = assigned.model_copy(update={
        "households": tuple(h for h in assigned.households if h.id in at)})
    exact = solve(compile_instance(placed, Policy()), engine="mip")
    assert exact.proven_optimal
    assert quality(best) == exact.objective[1] >= quality(counted)


def _chosen(data, pairs):
    from allocator.engines.classes import _chosen_pairs

    return _chosen_pairs(data, pairs)


@pytest.mark.slow
def test_a_stop_request_ends_a_two_stage_solve_with_a_checked_answer(
    monkeypatch,
):
    """
    Tests that Ctrl-C (a stop request) during a two-stage class-model
    solve, counting program included, ends it with a proposal the
    independent checker accepts.
    """
    from allocator import interrupt
    from allocator.check import check_proposal
    from allocator.engines.classes import solve as class_solve
    from allocator.explain import build_proposal

    instance = generate("national", 2, scale=0.01)
    data = compile_instance(instance, Policy(), candidates_per_household=2)
    monkeypatch.setattr(class_solve, "EXACT_BELOW", 0.0)
    with interrupt.stoppable():
        interrupt.request_stop()
        result = solve(data, engine="classes")
    assert result.status.value in ("feasible", "optimal")
    assert (result.assignment >= 0).any()
    proposal = build_proposal(instance, Policy(), data, result,
                              marginal_values=False)
    assert check_proposal(instance, Policy(), proposal).ok


def test_one_stage_solve_starts_from_the_counted_priority(monkeypatch):
    """
    Tests that a single-stage (combined) class-model solve under council
    decisions starts from counting: stopped before it improves on its
    start, it still houses the proven priority optimum, and states that
    bound.
    """
    instance = generate("national", 2, scale=0.01)
    data = compile_instance(instance, Policy(), candidates_per_household=2)
    # The combined stage answers with its start, as when out of time.
    answer_with_the_start(monkeypatch)
    result = solve(data, engine="classes", time_limit=60)
    assert "counted_kinds" in result.detail and "stage2_bound" not in (
        result.detail)
    _, c = _counts(data)
    best = solve_priority(data, c, None).value
    assert _housed_priority(data, result) == best == result.primary_bound


@pytest.mark.slow
def test_summary_of_an_unproven_two_stage_solve_names_both_bounds(
    monkeypatch, capsys,
):
    """
    Tests that the CLI summary of a two-stage solve whose quality stage
    proved nothing prints the priority bound and gap, and says that the
    quality has no bound (not that no bound was found at all).
    """
    from allocator.cli import _print_summary
    from allocator.engines.classes import solve as class_solve
    from allocator.explain import build_proposal

    instance = generate("national", 2, scale=0.01)
    data = compile_instance(instance, Policy(), candidates_per_household=2)
    monkeypatch.setattr(class_solve, "EXACT_BELOW", 0.0)
    answer_with_the_start(monkeypatch)
    result = solve(data, engine="classes", time_limit=60)
    proposal = build_proposal(instance, Policy(), data, result,
                              marginal_values=False)
    o = proposal.objective
    assert not proposal.solver.proven_optimal and o.bound is None
    _print_summary(proposal)
    printed = " ".join(capsys.readouterr().out.split())
    assert f"priority bound / gap │ {o.primary_bound} / 0.0000%" in printed
    assert "quality bound │ none found" in printed
    assert "│ bound / gap" not in printed


def test_counting_without_any_quota_dimension(monkeypatch):
    """
    Tests that the two-stage solve counts an instance whose municipalities
    have no council quota at all (no quota dimension): it was refused with
    "cannot reshape array of size 0", and the CLI called that an input
    error.
    """
    from allocator.engines.classes import solve as class_solve

    instance = generate("town", 3)
    instance = instance.model_copy(update={"municipalities": tuple(
        m.model_copy(update={"quotas": {}})
        for m in instance.municipalities)})
    data = compile_instance(instance, Policy())
    assert data.quota_cap.shape[1] == 0
    monkeypatch.setattr(class_solve, "EXACT_BELOW", 0.0)
    result = solve(data, engine="classes", time_limit=60)
    assert "counted_kinds" in result.detail
    pairs = [(h, int(d)) for h, d in enumerate(result.assignment) if d >= 0]
    assert pairs
    assert check_matches(instance, Policy(), _matches(data, pairs)).ok
