"""
The explanations' shortcuts through what households of one class share
give what the household-by-household definitions give: ranks of matches,
first rivals, queue places and the next free date.
"""

from __future__ import annotations

import numpy as np
import pytest

from allocator.explain.matched import (
    _pair_of,
    _pairs_of,
    _rank_and_nearest,
    _ranks_and_nearest,
)
from allocator.explain.queues import _fitting
from allocator.explain.unmatched import (
    _class_rivals,
    _first_fitting,
    _late_dwellings,
    _rival_keys,
    _rivals_with_locks,
)
from allocator.generate import generate
from allocator.pipeline import propose
from models import Policy


@pytest.fixture(scope="module")
def town():
    """A town short of dwellings: about as many households wait as are
    housed."""
    instance = generate("town", seed=3, supply=0.8)
    outcome = propose(instance, Policy(), marginal_values=False)
    assignment = outcome.result.assignment
    taken_by = np.full(outcome.data.num_dwellings, -1, dtype=np.int64)
    housed = np.flatnonzero(assignment >= 0)
    taken_by[assignment[housed]] = housed
    return instance, outcome, taken_by


def test_ranks_by_class_are_each_households_ranks(town):
    """Tests that matches ranked a class at a time have the rank, count
    and nearest alternative ranking each household alone gives."""
    _, outcome, _ = town
    data, assignment = outcome.data, outcome.result.assignment
    housed = np.flatnonzero(assignment >= 0).tolist()
    dwellings = [int(assignment[h]) for h in housed]
    # Some matched households share a class: ranked together.
    assert len(housed) > len(np.unique(data.candidates.class_of[housed]))
    together = _ranks_and_nearest(data.candidates, housed, dwellings)
    alone = [_rank_and_nearest(data.candidates, h, d)
             for h, d in zip(housed, dwellings)]
    assert together == alone


def test_class_rivals_are_the_rivals_found_household_by_household(town):
    """Tests that the first rivals, their count, the empty dwellings and
    their first areas read from the holders' order per dwelling are
    those found from each household's own row."""
    _, outcome, taken_by = town
    data = outcome.data
    keys = _rival_keys(data, taken_by)
    waiting = np.flatnonzero(outcome.result.assignment < 0).tolist()
    assert len(waiting) > 20
    for h in waiting:
        eligible = data.candidates.eligible_free(h)
        assert (_class_rivals(data, taken_by, eligible, *keys)
                == _rivals_with_locks(data, taken_by, eligible, []))


def test_first_fitting_dwelling_is_the_first_of_the_whole_table(town):
    """Tests that the first late dwelling fitting each class, found a
    slice at a time, is the first in the whole table of classes by late
    dwellings."""
    instance, outcome, _ = town
    cand = outcome.data.candidates
    late, _days = _late_dwellings(instance, Policy())
    assert len(late) > 0
    classes = np.unique(cand.class_of)
    whole = _fitting(cand, Policy(), classes, late)
    expected = np.where(whole.any(axis=1), whole.argmax(axis=1), -1)
    found = _first_fitting(cand, Policy(), classes, late)
    assert found.tolist() == expected.tolist()


def test_pairs_found_at_once_are_each_households_pairs(town):
    """Tests that the positions of pairs found in one binary search over
    every household's pairs are those found household by household, for
    pairs in the data and pairs not in it."""
    _, outcome, _ = town
    data = outcome.data
    rng = np.random.default_rng(0)
    hs = rng.integers(0, data.num_households, size=200)
    ds = rng.integers(0, data.num_dwellings, size=200)
    # Every pair of the data too, each in its place.
    hs = np.concatenate([hs, data.pair_household]).astype(np.int64)
    ds = np.concatenate([ds, data.pair_dwelling]).astype(np.int64)
    found = _pairs_of(data, hs, ds)
    assert found.tolist() == [_pair_of(data, h, d)
                              for h, d in zip(hs.tolist(), ds.tolist())]
