"""Quality moves after counting keep the priority and every quota row."""

from __future__ import annotations

import numpy as np
import pytest

from allocator.check import check_matches
from allocator.compile import compile_instance
from allocator.engines import solve
from allocator.engines.classes import _chosen_pairs, _fits, _groups
from allocator.engines.exchange import (
    improve,
    within_municipalities,
    within_usages,
)
from allocator.engines.priority import counts, solve_priority
from allocator.generate import generate
from allocator.result import evaluate
from models import Policy
from tests.engine_helpers import answer_with_the_start


def _counted(seed, moved=True):
    instance = generate("national", seed, scale=0.01)
    data = compile_instance(instance, Policy())
    groups = _groups(data)
    c = counts(data, groups.members, groups.dwellings, groups.usage)
    pairs = solve_priority(data, c, deadline=None).pairs
    group_of = np.full(data.num_households, -1)
    for g, members in enumerate(groups.members):
        group_of[members] = g
    if moved:
        pairs, _ = within_municipalities(
            data, lambda h: groups.dwellings[group_of[h]], pairs)
    return instance, data, groups, pairs


def _objective(data, pairs):
    with_them, chosen = _chosen_pairs(data, pairs)
    return evaluate(with_them, chosen)[2]


def _use(data, pairs):
    """Each municipality's use of every quota dimension."""
    use = np.zeros_like(data.quota_cap)
    for h, d in pairs:
        use[data.dwelling_municipality[d]] += data.household_usage[h]
    return use


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_moves_between_municipalities_keep_every_quota_and_gain_quality(
        seed):
    """
    Tests that households moved between municipalities (each dwelling
    keeping a household of its occupant's quota usage) leave every
    municipality's use of every dimension as it was, house the same
    priority, pass the independent checker, and gain quality over the
    best dwellings within the counted municipalities.
    """
    instance, data, groups, start = _counted(seed)
    moved, objective = within_usages(data, groups.members,
                                      groups.dwellings, groups.quality,
                                      start)
    municipality = data.dwelling_municipality
    assert any(municipality[d] != municipality[dict(start)[h]]
               for h, d in moved if h in dict(start))
    assert (_use(data, moved) == _use(data, start)).all()
    assert sorted({d for _, d in moved}) == sorted({d for _, d in start})
    before = _objective(data, start)
    assert objective == _objective(data, moved)
    assert objective[0] == before[0] and objective[1] > before[1]
    assert _fits(data, groups, moved)
    matches = [(data.household_ids[h], data.dwelling_ids[d], False)
               for h, d in moved]
    assert check_matches(instance, Policy(), matches).ok


def test_alternating_moves_never_lose_and_stop_when_nothing_gains():
    """
    Tests that alternating both moves ends at a point neither move
    improves, with the priority held and at least the quality of one
    move alone.
    """
    _, data, groups, start = _counted(1)
    once = within_usages(data, groups.members, groups.dwellings,
                          groups.quality, start)[1]
    best = improve(data, groups.members, groups.dwellings, groups.quality,
                   start, deadline=None)
    objective = _objective(data, best)
    assert objective[0] == _objective(data, start)[0]
    assert objective[1] >= once[1]
    again = within_usages(data, groups.members, groups.dwellings,
                           groups.quality, best)[1]
    assert again <= objective
    assert _fits(data, groups, best)


@pytest.mark.slow
@pytest.mark.parametrize("two_stages", [True, False])
def test_class_model_starts_from_the_moves(monkeypatch, two_stages):
    """
    Tests that a class-model solve under council decisions, in two stages
    or in one combined stage, runs the moves from the counted answer
    before its own (quality) stage and, stopped before that stage
    improves anything, keeps their quality and the counted priority.
    """
    from allocator.engines.classes import solve as class_solve

    _, data, groups, start = _counted(2)
    if two_stages:
        monkeypatch.setattr(class_solve, "EXACT_BELOW", 0.0)
    answer_with_the_start(monkeypatch)
    result = solve(data, engine="classes", time_limit=60)
    assert "moves_seconds" in result.detail
    moved = improve(data, groups.members, groups.dwellings, groups.quality,
                    start, deadline=None)
    assert result.objective == _objective(data, moved)
    assert result.objective[1] > _objective(data, start)[1]


@pytest.mark.slow
def test_a_waiting_household_takes_the_place_of_one_it_outranks():
    """
    Tests that when a household waits while one of its quota usage with
    less priority is housed in a dwelling it may take (a start counting
    did not prove), the move within usages houses it instead, and keeps
    every quota row.
    """
    instance, data, groups, start = _counted(1)
    group_of = np.full(data.num_households, -1)
    for g, members in enumerate(groups.members):
        group_of[members] = g
    housed = dict(start)
    usage = [tuple(u) for u in data.household_usage.tolist()]
    swap = next(
        (h, w, housed[h])
        for h in sorted(housed, key=lambda h: -data.priority[h])
        for w in range(data.num_households)
        if w not in housed and group_of[w] >= 0 and usage[w] == usage[h]
        and data.priority[w] < data.priority[h]
        and housed[h] in groups.dwellings[group_of[w]]
    )
    h, w, d = swap
    worse = [(w, d) if x == h else (x, y) for x, y in start]
    moved, objective = within_usages(data, groups.members,
                                      groups.dwellings, groups.quality,
                                      worse)
    assert h in dict(moved)
    assert objective[0] == _objective(data, start)[0] > _objective(
        data, worse)[0]
    assert (_use(data, moved) == _use(data, start)).all()
    matches = [(data.household_ids[a], data.dwelling_ids[b], False)
               for a, b in moved]
    assert check_matches(instance, Policy(), matches).ok


def test_out_of_time_the_moves_still_find_the_best_dwellings_in_place():
    """
    Tests that with no time left the moves still give the counted
    households the best dwellings of their municipalities (the counted
    ones are merely the next of their types) and stop there.
    """
    _, data, groups, counted = _counted(1, moved=False)
    group_of = np.full(data.num_households, -1)
    for g, members in enumerate(groups.members):
        group_of[members] = g
    _, objective = within_municipalities(
        data, lambda h: groups.dwellings[group_of[h]], counted)
    assert objective[1] > _objective(data, counted)[1]
    late = improve(data, groups.members, groups.dwellings, groups.quality,
                   counted, deadline=0.0)
    assert _objective(data, late) == objective
    assert _objective(data, improve(
        data, groups.members, groups.dwellings, groups.quality, counted,
        deadline=None))[1] > objective[1]
