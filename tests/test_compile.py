"""
The compiler against the independent checker, pair by pair: a compiled
pair is one the checker finds no hard rule broken for, every pair the
checker allows is compiled (on instances small enough not to be pruned),
and a compiled pair's quality is the checker's sum of its criteria.

The two share no code, so an error in a rule's array expression, a
household attribute left out of the classes, or a criterion compiled
with the wrong weight shows here as a pair on which they disagree.
"""

from __future__ import annotations

import pytest

from allocator.check import _Travel, criterion_scores, rule_breaches
from allocator.compile import compile_instance
from allocator.generate import generate
from allocator.io.policy import read_policy
from models import Policy

CASES = [
    ("town", 1, 0.5, "default"),
    ("town", 2, 0.5, "shared-housing"),
    ("region", 7, 0.03, "default"),
    ("region", 8, 0.03, "local-rules"),
    ("rural", 1, 1.0, "shared-housing"),
    ("rural", 3, 1.0, "weighted"),
    ("city", 1, 0.05, "strict-dispersion"),
]

LOCAL_RULES = {
    # Affordability as a penalty, care housing forbidden, and one
    # municipality with its own size rule and weights, so that the
    # per-dwelling rules are compared too.
    "hard": {"care_housing": "forbid"},
    "affordability": {"mode": "penalise"},
}


def _policy(name: str, instance) -> Policy:
    if name != "local-rules":
        return read_policy(name)
    first = instance.municipalities[0].id
    return Policy.model_validate({
        **LOCAL_RULES,
        "municipal": {first: {"size": {"allowed_surplus": 0},
                              "weights": {"size_fit": 7}}},
    })


@pytest.fixture(scope="module", params=CASES,
                ids=lambda c: f"{c[0]}-{c[1]}-{c[3]}")
def compiled(request):
    preset, seed, scale, policy_name = request.param
    instance = generate(preset, seed=seed, scale=scale, services=True,
                        scores=True)
    policy = _policy(policy_name, instance)
    data = compile_instance(instance, policy)
    assert not data.pruned, "the case must be small enough to hold every pair"
    return instance, policy, data


def _pairs(data):
    return {
        (int(h), int(d), bool(r)): i
        for i, (h, d, r) in enumerate(zip(
            data.pair_household, data.pair_dwelling, data.pair_room))
    }


def test_every_compiled_pair_breaks_no_rule_in_the_checker(compiled):
    instance, policy, data = compiled
    households, dwellings = instance.households, instance.dwellings
    broken = []
    for h, d, room in _pairs(data):
        local = policy.for_municipality(dwellings[d].municipality)
        why = rule_breaches(instance, local, households[h], dwellings[d],
                            room)
        if why:
            broken.append((households[h].id, dwellings[d].id, room, why))
    assert broken == []


def test_every_pair_the_checker_allows_is_compiled(compiled):
    instance, policy, data = compiled
    pairs = _pairs(data)
    rooms = {(h, d) for h, d, r in pairs if r}
    missing = []
    for h, household in enumerate(instance.households):
        for d, dwelling in enumerate(instance.dwellings):
            local = policy.for_municipality(dwelling.municipality)
            # A shared dwelling is offered by the room, any other whole.
            room = (h, d) in rooms
            if (h, d, room) in pairs:
                continue
            if not rule_breaches(instance, local, household, dwelling,
                                 room):
                missing.append((household.id, dwelling.id, room))
    assert missing == []


def test_a_compiled_pairs_quality_is_the_checkers_sum_of_criteria(compiled):
    instance, policy, data = compiled
    travel = _Travel(instance)
    households, dwellings = instance.households, instance.dwellings
    differ = []
    for (h, d, room), i in _pairs(data).items():
        local = policy.for_municipality(dwellings[d].municipality)
        expected = sum(criterion_scores(instance, local, households[h],
                                        dwellings[d], room, travel).values())
        if int(data.pair_quality[i]) != expected:
            differ.append((households[h].id, dwellings[d].id, room,
                           int(data.pair_quality[i]), expected))
    assert differ == []


def test_eligible_counts_are_the_checkers(compiled):
    instance, policy, data = compiled
    pairs = _pairs(data)
    for h in range(len(instance.households)):
        compiled_count = len({d for hh, d, _ in pairs if hh == h})
        assert int(data.num_eligible_all[h]) == compiled_count
