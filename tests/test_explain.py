"""Explanations are exact: checked against the independent checker."""

from __future__ import annotations

import pytest

from allocator.check import hard_rule_breaches
from allocator.criteria import PAIR_RULES, without
from allocator.data import RULES
from allocator.generate import generate
from allocator.pipeline import propose
from models import Policy

#: The rule records: each says how the policy switches its rule off, for
#: counting what a rule alone rules out.
RECORDS = {rule.name: rule for rule in PAIR_RULES}


def _without(rule: str) -> Policy:
    return without(Policy(), RECORDS[rule])


CASES = [("town", 7, None), ("city", 7, None), ("city", 3, 0.4)]


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def city(request):
    preset, seed, supply = request.param
    instance = generate(preset, seed=seed, supply=supply)
    return instance, propose(instance, Policy(), marginal_values=False)


def test_some_case_has_a_household_without_eligible_dwelling():
    """Tests that the cases below exercise the 'no eligible' reason."""
    found = 0
    for preset, seed, supply in CASES:
        outcome = propose(generate(preset, seed=seed, supply=supply),
                          Policy(), marginal_values=False)
        found += sum(u.reason.value == "no_eligible_dwelling"
                     for u in outcome.proposal.unmatched)
    assert found > 0


def test_no_eligible_dwelling_reasons_are_exact(city):
    """
    Tests every 'no eligible dwelling' household of the city preset against
    the independent checker: no dwelling passes every hard rule for it, and
    the count a rule alone rules out is what switching that rule off frees.
    """
    instance, outcome = city
    policy = Policy()
    households = {h.id: h for h in instance.households}
    listed = [u for u in outcome.proposal.unmatched
              if u.reason.value == "no_eligible_dwelling"]
    for u in listed:
        h = households[u.household]
        for d in instance.dwellings:
            assert hard_rule_breaches(instance, policy, h, d, False)
        data = outcome.data
        row = data.household_ids.index(h.id)
        for rule, only in zip(RULES, data.excluded_only_by[row].tolist()):
            if rule == "banned":
                assert only == 0  # no bans in these cases
                continue
            relaxed = _without(rule)
            freed = sum(
                not hard_rule_breaches(instance, relaxed, h, d, False)
                for d in instance.dwellings
            )
            assert freed == only, (h.id, rule)


def test_households_with_eligible_dwellings_are_not_called_ineligible(city):
    """Tests the converse: anyone the checker finds a dwelling for is not
    reported as having none."""
    instance, outcome = city
    policy = Policy()
    ineligible = {u.household for u in outcome.proposal.unmatched
                  if u.reason.value == "no_eligible_dwelling"}
    for h in instance.households:
        has_one = any(
            not hard_rule_breaches(instance, policy, h, d, False)
            for d in instance.dwellings
        )
        assert has_one == (h.id not in ineligible), h.id


def test_outcompeted_households_name_who_took_their_dwellings(city):
    """Tests that each named competitor really holds that dwelling and has
    at least the priority of the household left waiting."""
    _, outcome = city
    holder = {m.dwelling: m for m in outcome.proposal.matches}
    for u in outcome.proposal.unmatched:
        for c in u.competitors:
            assert holder[c.dwelling].household == c.household
            assert c.priority == holder[c.dwelling].priority
        if u.reason.value == "outcompeted":
            assert max(c.priority for c in u.competitors) >= u.priority
