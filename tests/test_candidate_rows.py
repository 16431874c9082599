"""A household's best dwellings and the individual terms of pairs, as
the pruned compile takes them, equal their plain definitions."""

from __future__ import annotations

import numpy as np
import pytest

from allocator.compile import compile_instance
from allocator.generate import generate
from models import Policy


@pytest.fixture(scope="module")
def pruned():
    """A city whose households wish to live near named places and keep
    their children's school, compiled with a few candidates each and a
    previous proposal (keep bonuses)."""
    instance = generate("city", seed=5, scale=0.05, services=True,
                        scores=True)
    policy = Policy()
    data = compile_instance(instance, policy, candidates_per_household=5)
    previous = {instance.households[h].id: instance.dwellings[int(d)].id
                for h, d in zip(data.pair_household[::7].tolist(),
                                data.pair_dwelling[::7].tolist())}
    data = compile_instance(instance, policy, candidates_per_household=5,
                            previous=previous)
    assert data.pruned and data.candidates.individual.index
    return data


def test_exact_row_keeps_the_best_of_the_full_order(pruned):
    """Tests that a household's first ``keep`` dwellings are the first
    ``keep`` of its whole row sorted best first (ties by position)."""
    cand = pruned.candidates
    for h in range(len(pruned.household_ids)):
        for keep in (1, 3, 5, 40):
            row, quality = cand.exact_row(h, keep)
            full_row, full_quality = cand.exact_row(h)
            assert np.array_equal(row, full_row[:keep])
            assert np.array_equal(quality, full_quality[:keep])


def test_individual_columns_read_each_households_terms(pruned):
    """Tests that the place and school terms of pairs are the terms
    stored for each household at each dwelling, plus its constant."""
    individual = pruned.candidates.individual
    rng = np.random.default_rng(0)
    H, D = len(pruned.household_ids), len(pruned.dwelling_ids)
    ph = rng.integers(0, H, 5000)
    pd = rng.integers(0, D, 5000)
    # Pairs on the terms themselves too.
    for h in list(individual.index)[:50]:
        ph = np.append(ph, np.full(len(individual.index[h]), h))
        pd = np.append(pd, individual.index[h])
    place, school = individual.columns(ph, pd)
    for k, (h, d) in enumerate(zip(ph.tolist(), pd.tolist())):
        want_place = want_school = 0
        if h in individual.index:
            want_school = individual.constant.get(h, 0)
            at = np.flatnonzero(individual.index[h] == d)
            if len(at):
                want_place = int(individual.place[h][at[0]])
                want_school += int(individual.school[h][at[0]])
        assert (place[k], school[k]) == (want_place, want_school)


@pytest.mark.parametrize("policy", [
    Policy(),
    Policy.model_validate({"affordability": {"mode": "penalise"},
                           "hard": {"care_housing": "penalise"}}),
])
def test_pair_scores_equal_the_criteria_per_pair(policy):
    """Tests that the scores of any pairs, looked up in the tables of
    class criteria by choice, equal the criteria computed pair by
    pair."""
    from allocator.compile import _take
    from allocator.criteria import CRITERION_COL, class_scores

    instance = generate("region", seed=8, scale=0.03, services=True,
                        scores=True)
    data = compile_instance(instance, policy)
    cand = data.candidates
    assert cand.tables.criteria
    rng = np.random.default_rng(1)
    ph = rng.integers(0, len(data.household_ids), 3000)
    pd = rng.integers(0, len(data.dwelling_ids), 3000)
    _room, scores = cand.pair_scores(ph, pd)
    want = class_scores(_take(cand.hh, ph, dense=False),
                        _take(cand.dw, pd, dense=False), policy)
    place, school = cand.individual.columns(ph, pd)
    want[:, CRITERION_COL["wish_place"]] += place
    want[:, CRITERION_COL["school_change"]] += school
    assert np.array_equal(scores, want)
