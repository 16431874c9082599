"""
The rule records are the one place a rule is declared: every per-rule
table derives from them, and these tests catch a record that forgets
something (a household attribute it reads, a policy switch, a weight, a
name in the contract or the checker).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from allocator.check import _Travel, criterion_scores
from allocator.compile import _all, _take, compile_instance
from allocator.criteria import (
    CLASS_FIELDS,
    COUPLING_RULES,
    CRITERIA,
    CRITERIA_RECORDS,
    PAIR_RULES,
    rule_failures,
    without,
)
from allocator.data import PROFESSIONAL, RULE_LABEL, RULE_TEXT, RULES
from allocator.generate import generate
from models import OVERRIDABLE_RULES, Policy, RuleMode, Tenure, Weights

ALL_ON = Policy.model_validate({
    "hard": {"care_housing": "forbid"},
    "affordability": {"mode": "forbid"},
    "moving": {"enabled": True},
    "places": {"mode": "cap"},
    "municipal": {"M-OWN": {"size": {"allowed_surplus": 1}}},
    "shared": {"enabled": True},
    "dispersion": {"building_cap": 3},
})
"""Every rule on, so that each record's expression runs."""


class _Reads:
    """Household attributes, recording which ones are read."""

    def __init__(self, attributes: SimpleNamespace):
        self._attributes = attributes
        self.read: set[str] = set()

    def __getattr__(self, name):
        self.read.add(name)
        return getattr(self._attributes, name)


@pytest.fixture(scope="module")
def arrays():
    # A region: several municipalities and households assigned to them,
    # so that every rule has something to rule out.
    instance = generate("region", seed=7, scale=0.05)
    # Low incomes for half the households, and one dwelling found by a
    # household itself, for affordability and self-found dwellings.
    households = [
        h.model_copy(update={"monthly_income_nok": 9_000})
        if i % 2 else h for i, h in enumerate(instance.households)
    ]
    found = instance.dwellings[0].model_copy(update={
        "found_by": households[0].id, "tenure": Tenure.SELF_FOUND})
    instance = instance.model_copy(update={
        "households": tuple(households),
        "dwellings": (found, *instance.dwellings[1:]),
    })
    return (instance, *_arrays(instance, ALL_ON))


def _arrays(instance, policy):
    """Every household against every dwelling, as compiled under
    ``policy`` (a dwelling's arrays carry its municipality's rules)."""
    data = compile_instance(instance, policy)
    hh, dw = data.candidates.hh, data.candidates.dw
    return _take(hh, np.arange(hh.n), dense=True), _all(dw)


def test_the_contract_names_the_same_pair_rules():
    """Tests that the decision log's overridable rules are the records'
    pair rules (bans are the office's, never overridden)."""
    assert RULES == (*OVERRIDABLE_RULES, "banned")
    assert set(RULE_TEXT) == set(RULE_LABEL) == set(RULES)


def test_every_criterion_has_its_weight_and_the_checker_scores_it(arrays):
    """Tests that each weighted criterion is a weight of the policy (and
    each weight a criterion, bar the two objective weights), and that the
    independent checker scores exactly these criteria."""
    weights = set(Weights.model_fields) - {"housed", "dispersion"}
    assert weights == {c.name for c in CRITERIA_RECORDS if c.weighted}
    instance, _, _ = arrays
    scores = criterion_scores(instance, Policy(), instance.households[0],
                              instance.dwellings[0], False,
                              _Travel(instance))
    # (Moving on is scored per tenant, by its own checker clause.)
    assert set(scores) == {c.name for c in CRITERIA_RECORDS if c.weighted}
    assert PROFESSIONAL < set(CRITERIA)


@pytest.mark.parametrize("record", [*PAIR_RULES, *CRITERIA_RECORDS],
                         ids=lambda r: r.name)
def test_each_record_declares_every_household_attribute_it_reads(
        arrays, record):
    """
    Tests that a rule or criterion reads only the household attributes it
    declares: households equal in every declared attribute form one class,
    so an undeclared one would merge households the rule tells apart.
    """
    _, households, dwellings = arrays
    expression = getattr(record, "fails", None) or getattr(
        record, "score", None)
    if expression is None:
        return  # bans and individual criteria read no class attribute
    reads = _Reads(households)
    expression(reads, dwellings, ALL_ON)
    assert reads.read <= set(record.reads), record.name
    assert set(record.reads) <= set(CLASS_FIELDS)


@pytest.mark.parametrize("rule", [r for r in PAIR_RULES if r.fails],
                         ids=lambda r: r.name)
def test_switching_a_pair_rule_off_leaves_it_nothing_to_rule_out(
        arrays, rule):
    """Tests each record's switch: with it, the rule rules out no pair,
    and the rest of the policy is unchanged."""
    instance, households, dwellings = arrays
    row = RULES.index(rule.name)
    assert rule_failures(households, dwellings, ALL_ON)[row].any(), \
        "the instance should give every rule something to rule out"
    off = without(ALL_ON, rule)
    households, dwellings = _arrays(instance, off)
    assert not rule_failures(households, dwellings, off)[row].any()
    changed = [k for k in Policy.model_fields
               if getattr(off, k) != getattr(ALL_ON, k)]
    assert changed == list(rule.off)


@pytest.mark.parametrize("rule", COUPLING_RULES, ids=lambda r: r.name)
def test_switching_a_coupling_rule_off_changes_only_its_section(rule):
    """Tests that each coupling rule's switch is a valid policy that
    differs from one with the rule on in the sections it names."""
    on = ALL_ON.model_copy(update={"size": ALL_ON.size.model_copy(
        update={"count_reunification": True,
                "crowding": RuleMode.FORBID})})
    off = without(on, rule)
    changed = [k for k in Policy.model_fields
               if getattr(off, k) != getattr(on, k)]
    assert changed == list(rule.off)
