"""Indicators: definitions on hand-made rows, and the sweep's tables."""

from __future__ import annotations

import math

import pytest

from allocator.simulate.indicators import (
    GROUPS,
    INDICATORS,
    _indicators,
    dissimilarity,
    groups_of,
    largest_share,
)
from tests.factory import family, single


def _row(permit, settled, deadline=183, **fields):
    row = {"groups": ["all"], "audit": [], "permit": permit,
           "joined": max(permit, 0), "deadline": deadline,
           "settled": settled, "moves": 0, "school_changes": 0,
           "school_children": 0, "crowded": False, "surplus": 0,
           "tenure": "municipal" if settled is not None else None,
           "long_contract": True, "municipality": "K-1"}
    row.update(fields)
    return row


def test_within_deadline_share_counts_only_uncensored_households():
    """Tests the cohort: a household counts when its deadline fell within
    the horizon (permit + deadline between start and end), so one that
    arrived late, or was already past its deadline at the start, is left
    out rather than counted as a failure."""
    rows = [
        _row(-10, 50),     # in the cohort, settled in time
        _row(0, 200),      # in the cohort, too late
        _row(-300, 5),     # deadline passed before the start: left out
        _row(300, None),   # deadline after the end (365): left out
    ]
    values = _indicators(rows, horizon=365)
    assert values["within_deadline_share"] == 0.5
    assert values["settled_within_deadline"] == 1  # the count: all rows
    assert values["settled"] == 3
    assert values["waiting_at_end"] == 1


def test_waits_and_shares_of_those_settled_follow_imdi():
    """Tests IMDi's own definition (Table 2.1): of those settled, the
    share settled within 6 months, and the median wait in months."""
    rows = [_row(0, 30), _row(0, 100), _row(0, 200), _row(0, 400)]
    values = _indicators(rows, horizon=500)
    assert values["settled_within_6m"] == 0.5
    assert values["median_wait_months"] == pytest.approx(150 / 30.44)


def test_crowding_surplus_moves_and_school_changes():
    """Tests crowding share, surplus, moves per 100 household-years and
    school changes per 100 school children."""
    rows = [
        _row(0, 0, crowded=True, surplus=0, moves=1, school_children=2,
             school_changes=2),
        _row(0, 0, crowded=False, surplus=2, school_children=2),
    ]
    values = _indicators(rows, horizon=365)
    assert values["crowded_share"] == 0.5
    assert values["surplus_bedrooms"] == 1.0
    assert values["moves_per_100_years"] == pytest.approx(
        100 / (2 * 365 / 365.25))
    assert values["school_changes_per_100"] == 50.0


def test_dissimilarity_index_is_zero_for_an_even_mix_and_one_apart():
    """Tests Duncan's index and the largest area share."""
    residents = {"A": 100, "B": 100}
    assert dissimilarity({"A": 10, "B": 10}, residents) == 0.0
    assert dissimilarity({"A": 20, "B": 0},
                         {"A": 20, "B": 100}) == pytest.approx(1.0)
    assert largest_share({"A": 30, "B": 10}, residents) == 0.3


def test_groups_of_households():
    """Tests the report groups: families, large families, singles."""
    big = family(children=((2, "F"), (4, "M"), (9, "M")))
    assert groups_of(big) >= {"all", "families_with_children",
                              "large_families"}
    assert "large_families" not in groups_of(family())
    assert groups_of(single()) == {"all", "single_adults"}
    assert "accessibility_needs" in groups_of(single(needs_step_free=True))
    assert "accessibility_needs" not in groups_of(
        single(needs_step_free=None))


def test_sweep_reports_every_indicator_for_every_group_and_policy(
        small_sweep):
    """Tests that the indicator table is complete: each policy, group and
    indicator once, with its spread over the two seeds."""
    rows = small_sweep.tables.indicators
    keys = {(r["policy"], r["group"], r["indicator"]) for r in rows}
    assert len(keys) == len(rows) == 2 * len(GROUPS) * len(INDICATORS)
    for r in rows:
        if r["mean"] is not None:
            assert r["min"] <= r["mean"] <= r["max"]
    settled = {r["policy"]: r for r in rows if r["group"] == "all"
               and r["indicator"] == "settled"}
    assert settled["default"]["mean"] > 0 and settled["fcfs"]["mean"] > 0


def test_small_sensitive_groups_are_suppressed(small_sweep):
    """Tests that a group defined by a sensitive field with fewer than
    five households gets no figures, and the audit leaves it out too."""
    rows = [r for r in small_sweep.tables.indicators
            if r["group"] == "accessibility_needs"]
    sizes = [r for r in rows if r["indicator"] == "households"]
    for r in rows:
        if r["note"]:
            assert r["mean"] is None and math.isfinite(r["seeds"])
    assert all(r["note"] for r in sizes) or all(
        r["mean"] >= 5 for r in sizes)
    for r in small_sweep.tables.audit:
        assert r["households"] >= 5
