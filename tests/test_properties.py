"""
Properties an exact optimiser keeps, on every engine that accepts the
instance: the optimum does not depend on row order, ids or the input
form; removing a dwelling never raises it and adding one never lowers
it; banning a pair the optimum does not use changes nothing. (Locking an
optimum keeps its value: tests/test_locks.py.)
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocator.compile import compile_instance
from allocator.generate import generate
from allocator.io import read_instance, write_instance
from models import Decision, DecisionKind, Policy
from tests.engine_helpers import engines_for, run

SETTINGS = settings(max_examples=4, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))
SEEDS = st.integers(0, 10_000)


def _optimum(instance, engine) -> tuple[int, int]:
    outcome = run(instance, Policy(), engine)
    assert outcome.proposal.solver.proven_optimal
    o = outcome.proposal.objective
    return (o.primary, o.secondary)


def _engines(instance) -> tuple[str, ...]:
    return engines_for(compile_instance(instance, Policy()))


def _tiny(seed: int):
    return generate("tiny", seed)


@SETTINGS
@given(SEEDS)
def test_row_order_and_id_renaming_keep_the_optimum(seed):
    """Tests that shuffled rows and renamed household and dwelling ids
    give the same optimum on every engine."""
    instance = _tiny(seed)
    rng = random.Random(seed)
    households = list(instance.households)
    dwellings = list(instance.dwellings)
    rng.shuffle(households)
    rng.shuffle(dwellings)
    shuffled = instance.model_copy(update={
        "households": tuple(households), "dwellings": tuple(dwellings)})
    h_new = {h.id: f"X-{i:05d}" for i, h in enumerate(households)}
    d_new = {d.id: f"Y-{i:05d}" for i, d in enumerate(dwellings)}
    renamed = shuffled.model_copy(update={
        "households": tuple(h.model_copy(update={"id": h_new[h.id]})
                            for h in households),
        "dwellings": tuple(d.model_copy(update={"id": d_new[d.id]})
                           for d in dwellings),
        "decisions": tuple(
            x.model_copy(update={"household": h_new[x.household],
                                 "dwelling": d_new[x.dwelling]})
            for x in instance.decisions),
    })
    renamed = type(instance).model_validate(renamed.model_dump())
    for engine in _engines(instance):
        expected = _optimum(instance, engine)
        assert _optimum(shuffled, engine) == expected, engine
        assert _optimum(renamed, engine) == expected, engine


@pytest.mark.parametrize("seed", [0, 1])
def test_csv_xlsx_and_json_give_the_same_proposal(tmp_path, seed):
    """Tests that the three input forms of one instance give the same
    matches and objective on every engine."""
    instance = _tiny(seed)
    forms = {}
    for name in ("csv", "inst.xlsx", "inst.json"):
        path = write_instance(instance, tmp_path / name)
        forms[name] = read_instance(path)
    for engine in _engines(instance):
        answers = set()
        for read in forms.values():
            p = run(read, Policy(), engine).proposal
            answers.add((p.objective.primary, p.objective.secondary,
                         tuple(sorted((m.household, m.dwelling)
                                      for m in p.matches))))
        assert len(answers) == 1, engine


@SETTINGS
@given(SEEDS, st.integers(0, 1000))
def test_removing_a_dwelling_never_raises_the_optimum(seed, pick):
    """Tests monotonicity in the dwellings, both ways: without one
    dwelling the optimum is no higher; with it again, no lower."""
    instance = _tiny(seed)
    dwellings = list(instance.dwellings)
    gone = dwellings.pop(pick % len(dwellings))
    smaller = instance.model_copy(update={
        "dwellings": tuple(dwellings),
        "decisions": tuple(x for x in instance.decisions
                           if x.dwelling != gone.id)})
    for engine in _engines(instance):
        # Every assignment of the smaller instance is one of the larger:
        # its (priority, quality) optimum is no higher, lexicographically.
        assert _optimum(smaller, engine) <= _optimum(instance, engine), (
            engine)


@SETTINGS
@given(SEEDS, st.integers(0, 10_000))
def test_banning_an_unchosen_pair_changes_nothing(seed, pick):
    """Tests that a ban on a pair the optimum does not use keeps the
    optimum."""
    instance = _tiny(seed)
    for engine in _engines(instance):
        outcome = run(instance, Policy(), engine)
        chosen = {(m.household, m.dwelling)
                  for m in outcome.proposal.matches}
        decided = {(x.household, x.dwelling) for x in instance.decisions}
        pairs = [(h.id, d.id) for h in instance.households
                 for d in instance.dwellings
                 if (h.id, d.id) not in chosen | decided]
        if not pairs:
            continue
        h, d = pairs[pick % len(pairs)]
        banned = instance.model_copy(update={"decisions": (
            *instance.decisions,
            Decision(household=h, dwelling=d, kind=DecisionKind.BAN))})
        o = outcome.proposal.objective
        assert _optimum(banned, engine) == (o.primary, o.secondary), engine
