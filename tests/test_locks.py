"""
Locks keep the optimum they confirm: locking pairs of an optimal proposal
never lowers its value, on every engine and under every preset policy,
shared housing included (a locked room leaves the dwelling's other rooms
to others).
"""

from __future__ import annotations

import pytest

from allocator.compile import compile_instance
from allocator.generate import generate
from allocator.io.policy import policy_presets, read_policy
from models import Decision, DecisionKind

from .engine_helpers import engines_for, matched, run
from .factory import dwelling, instance, single

PRESETS = sorted(set(policy_presets()) - {"placement"})


def _value(outcome):
    objective = outcome.proposal.objective
    return objective.primary, objective.secondary


def _locked(inst, pairs):
    return inst.model_copy(update={"decisions": tuple(
        Decision(household=h, dwelling=d, kind=DecisionKind.LOCK)
        for h, d in pairs
    )})


@pytest.mark.parametrize("policy_name", PRESETS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_locking_an_optimal_proposal_keeps_its_value(policy_name, seed):
    """Tests that locking every match, and each match alone, of an optimal
    proposal gives the same objective on every engine that applies."""
    policy = read_policy(policy_name)
    inst = generate("rural", seed)
    fresh = run(inst, policy)
    value = _value(fresh)
    pairs = sorted(matched(fresh).items())
    trials = [pairs] + [[p] for p in pairs]
    for trial in trials:
        locked = _locked(inst, trial)
        for engine in engines_for(compile_instance(locked, policy)):
            out = run(locked, policy, engine=engine)
            assert out.proposal.solver.proven_optimal, (trial, engine)
            assert _value(out) == value, (
                policy_name, trial, engine
            )


def test_the_shared_room_lock_of_the_report_keeps_the_optimum():
    """Tests the reported case: rural seed 1, shared housing, one room of
    D-00011 locked; the optimum stays 2,145 priority points."""
    policy = read_policy("shared-housing")
    inst = _locked(generate("rural", 1), [("H-00010", "D-00011")])
    data = compile_instance(inst, policy)
    for engine in engines_for(data):
        out = run(inst, policy, engine=engine)
        assert out.proposal.objective.primary == 2145, engine
        assert out.proposal.solver.proven_optimal


SHARED = {"enabled": True}


def _shared_policy():
    from models import Policy

    return Policy.model_validate({"shared": SHARED})


@pytest.mark.parametrize("engine", ["auto", "mip", "cpsat"])
def test_a_locked_room_leaves_the_other_room_to_a_suitable_household(engine):
    """Tests that a lock on one room of a two-room flat lets another
    single of the same sex and age band take the other room."""
    hs = [single("H-1", age=24, open_to_shared=True),
          single("H-2", age=27, open_to_shared=True)]
    inst = instance(hs, [dwelling("D-S", 2, shared_rooms=2)],
                    decisions=[("H-1", "D-S", "lock")])
    out = run(inst, _shared_policy(), engine=engine)
    assert matched(out) == {"H-1": "D-S", "H-2": "D-S"}


@pytest.mark.parametrize("engine", ["auto", "mip", "cpsat"])
@pytest.mark.parametrize(
    "second",
    [
        dict(age=26, sex="F", open_to_shared=True),  # other sex
        dict(age=45, sex="M", open_to_shared=True),  # beyond the age band
        dict(age=26, sex="M", open_to_shared=False),  # not open to it
    ],
)
def test_a_locked_room_keeps_unsuitable_co_residents_out(engine, second):
    """Tests that the room beside a lock goes to nobody the locked tenant
    could not share with."""
    hs = [single("H-1", age=24, open_to_shared=True),
          single("H-2", waited=400, **second)]
    inst = instance(hs, [dwelling("D-S", 2, shared_rooms=2)],
                    decisions=[("H-1", "D-S", "lock")])
    out = run(inst, _shared_policy(), engine=engine)
    assert matched(out) == {"H-1": "D-S"}
    assert [u.household for u in out.proposal.unmatched] == ["H-2"]


def test_two_locks_may_share_a_shared_dwelling():
    """Tests that validation accepts two room locks on one dwelling and
    the proposal keeps both."""
    hs = [single("H-1", age=24, open_to_shared=True),
          single("H-2", age=27, open_to_shared=True),
          single("H-3", age=25, open_to_shared=True, waited=500)]
    inst = instance(hs, [dwelling("D-S", 2, shared_rooms=2)],
                    decisions=[("H-1", "D-S", "lock"),
                               ("H-2", "D-S", "lock")])
    out = run(inst, _shared_policy())
    assert matched(out) == {"H-1": "D-S", "H-2": "D-S"}
    assert out.proposal.status.value == "optimal"


def test_a_whole_dwelling_lock_and_a_room_lock_conflict():
    """Tests that a family locked into a shared flat and a single locked
    into one of its rooms are named as a conflict."""
    from .factory import family

    hs = [family(), single("H-1", age=24, open_to_shared=True)]
    inst = instance(hs, [dwelling("D-S", 2, shared_rooms=2)],
                    decisions=[("H-F", "D-S", "lock"),
                               ("H-1", "D-S", "lock")])
    out = run(inst, _shared_policy())
    assert any("D-S" in c for c in out.proposal.conflicts)
