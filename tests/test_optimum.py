"""Optima of tiny instances, found by brute force, and engine parity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from allocator.compile import compile_instance
from models import (
    Approval,
    Area,
    Building,
    Household,
    Instance,
    Member,
    Municipality,
    Policy,
    RuleMode,
    Tenure,
)
from tests.engine_helpers import brute_force, engines_for, run
from tests.factory import AS_OF, dwelling, family, instance, single


def _objective(outcome):
    """The objective as the policy orders it: a pair, or one weighted sum
    (different splits of one weighted sum are equally optimal)."""
    o = outcome.proposal.objective
    if o.mode == "weighted":
        return (o.value,)
    return (o.primary, o.secondary)


def _expected(inst, policy):
    primary, secondary = brute_force(inst, policy)
    if policy.objective == "weighted":
        return (primary * policy.weights.housed + secondary,)
    return (primary, secondary)


def _shared_policy():
    return Policy.model_validate({"shared": {"enabled": True}})


TINY = {
    # Three singles, two dwellings: the two longest-waiting are housed.
    "three_singles_two_flats": (
        instance([single("H-1", waited=40), single("H-2", waited=200),
                  single("H-3", waited=120)],
                 [dwelling("D-1", 1), dwelling("D-0", 0, node="N-2")]),
        Policy(),
    ),
    # A family and a single compete for the only 2-bedroom flat.
    "family_first": (
        instance([family(children=((3, "F"),), waited=30),
                  single("H-1", waited=300)],
                 [dwelling("D-2", 2), dwelling("D-3", 3, condition=1)]),
        Policy(),
    ),
    # An area cap with refugees already there moves one household away.
    "area_cap": (
        instance([single("H-1"), single("H-2"), single("H-3", waited=20)],
                 [dwelling("D-1", 1), dwelling("D-2", 1),
                  dwelling("D-3", 1, area="A-2", node="N-2")],
                 areas=(Area(id="A-1", municipality="K-1",
                             resident_households=10, refugee_households=2),
                        Area(id="A-2", municipality="K-1",
                             resident_households=1000))),
        Policy(),
    ),
    # Shared housing: two compatible singles share, a third of the other
    # sex takes the bedsit.
    "shared_flat": (
        instance([single("H-1", age=22, open_to_shared=True),
                  single("H-2", age=25, open_to_shared=True),
                  single("H-3", age=23, sex="F", open_to_shared=True)],
                 [dwelling("D-S", 2, shared_rooms=2),
                  dwelling("D-0", 0)]),
        _shared_policy(),
    ),
    # A lock and a ban shape the answer.
    "lock_and_ban": (
        instance([single("H-1", waited=200), single("H-2"),
                  family(children=((2, "M"),))],
                 [dwelling("D-1", 1), dwelling("D-2", 2),
                  dwelling("D-0", 0)],
                 decisions=[("H-2", "D-1", "lock"),
                            ("H-F", "D-2", "ban")]),
        Policy(),
    ),
    # Weighted objective with a building cap.
    "weighted_building_cap": (
        instance([single("H-1"), single("H-2", waited=10),
                  single("H-3", waited=250)],
                 [dwelling("D-1", 1, building="B-1"),
                  dwelling("D-2", 1, building="B-1", condition=5),
                  dwelling("D-3", 2, condition=1, node="N-2")],
                 buildings=[Building(id="B-1", area="A-1", units=8,
                                     refugee_households=1)]),
        Policy.model_validate({"objective": "weighted",
                               "dispersion": {"building_cap": 2}}),
    ),
}


@pytest.mark.parametrize("name", sorted(TINY))
def test_engines_reach_the_brute_force_optimum(name):
    """
    Tests that every exact engine reaches the optimum found by enumerating
    all assignments and keeping those the independent checker accepts.
    """
    inst, policy = TINY[name]
    expected = _expected(inst, policy)
    data = compile_instance(inst, policy)
    for engine in engines_for(data):
        outcome = run(inst, policy, engine=engine)
        assert outcome.proposal.solver.proven_optimal
        assert _objective(outcome) == expected, engine


def test_hand_worked_optimum_of_three_singles():
    """
    Tests an optimum worked out by hand: H-2 (200 days) and H-3 (120 days)
    are housed; priority 100 + round(100 * days / 182.64) each.
    """
    inst, policy = TINY["three_singles_two_flats"]
    outcome = run(inst, policy)
    assert {m.household for m in outcome.proposal.matches} == {"H-2", "H-3"}
    assert outcome.proposal.objective.primary == (100 + 110) + (100 + 66)


# --- property test over generated small instances ------------------------------

SEXES = st.sampled_from(["F", "M"])


@st.composite
def households(draw, n):
    out = []
    for i in range(n):
        kind = draw(st.sampled_from(["single", "single", "couple", "family"]))
        waited = draw(st.integers(0, 400))
        needs = dict(
            needs_step_free=draw(st.sampled_from([None, False, True])),
            needs_ground_floor=draw(st.sampled_from([None, False, False])),
            avoid_features=draw(st.sampled_from(
                [None, frozenset(), frozenset({"waterfront"})])),
            open_to_shared=draw(st.sampled_from([None, True, False])),
            wish_central=draw(st.booleans()),
            expected_reunification_persons=draw(st.sampled_from([0, 0, 2])),
        )
        if kind == "single":
            members = (Member(age=draw(st.integers(18, 60)),
                              sex=draw(SEXES)),)
        else:
            members = [Member(age=35, sex="M"),
                       Member(age=33, sex="F", relation="partner")]
            if kind == "family":
                for _ in range(draw(st.integers(1, 3))):
                    members.append(Member(age=draw(st.integers(0, 17)),
                                          sex=draw(SEXES), relation="child"))
            members = tuple(members)
            needs["open_to_shared"] = None
        out.append(Household(
            id=f"H-{i}", members=members,
            permit_date=AS_OF - timedelta(days=waited), **needs,
        ))
    return out


@st.composite
def dwellings(draw, n):
    out = []
    for i in range(n):
        bedrooms = draw(st.integers(0, 4))
        out.append(dwelling(
            f"D-{i}", bedrooms,
            area=draw(st.sampled_from(["A-1", "A-2"])),
            node=draw(st.sampled_from(["N-1", "N-2"])),
            building=draw(st.sampled_from([None, "B-1"])),
            floor=draw(st.integers(0, 3)),
            lift=draw(st.booleans()),
            step_free=draw(st.booleans()),
            condition=draw(st.integers(1, 5)),
            damp=draw(st.booleans()),
            shared_rooms=draw(st.integers(0, bedrooms)) if bedrooms >= 2
            else 0,
            features=draw(st.sampled_from(
                [frozenset(), frozenset({"waterfront"}),
                 frozenset({"care_housing_substance"}),
                 frozenset({"playground"})])),
        ))
    return out


@st.composite
def cases(draw):
    hs = draw(households(draw(st.integers(1, 4))))
    ds = draw(dwellings(draw(st.integers(1, 4))))
    # Buildings live in one area: keep B-1 in A-1.
    ds = [d.model_copy(update={"area": "A-1"}) if d.building else d
          for d in ds]
    areas = (
        Area(id="A-1", municipality="K-1",
             resident_households=draw(st.integers(5, 40)),
             refugee_households=draw(st.integers(0, 5))),
        Area(id="A-2", municipality="K-1",
             resident_households=draw(st.integers(5, 40)),
             refugee_households=0),
    )
    quota = draw(st.sampled_from([{}, {"households": 2}, {"persons": 4}]))
    policy = Policy.model_validate({
        "objective": draw(st.sampled_from(["lexicographic", "weighted"])),
        "shared": {"enabled": draw(st.booleans())},
        "dispersion": {
            "building_cap": draw(st.sampled_from([None, 1, 2])),
            "area_target_share": draw(st.sampled_from([None, 0.1, 0.2])),
            "area_cap_share": 0.3,
        },
        "hard": {"care_housing": draw(st.sampled_from(["forbid",
                                                       "penalise"]))},
    })
    inst = instance(
        hs, ds, areas=areas,
        buildings=[Building(id="B-1", area="A-1", units=10,
                            refugee_households=draw(st.integers(0, 1)))],
        municipalities=(Municipality(id="K-1", centre_node="N-1",
                                     quotas=quota),),
    )
    return inst, policy


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@pytest.mark.slow
@given(cases())
def test_every_engine_passes_the_checker_and_optimal_engines_agree(case):
    """
    Tests, on generated small instances, that every engine's proposal passes
    the independent checker and that all engines proving optimality agree
    with each other and with brute force.
    """
    inst, policy = case
    data = compile_instance(inst, policy)
    seen = {}
    for engine in engines_for(data):
        outcome = run(inst, policy, engine=engine)  # asserts the check
        if outcome.proposal.solver.proven_optimal:
            seen[engine] = _objective(outcome)
    assert seen, "no engine proved optimality on a tiny instance"
    assert set(seen.values()) == {_expected(inst, policy)}, seen


@st.composite
def affordability_and_self_found_cases(draw):
    """``cases`` with incomes (some unknown), rents, utilities (some
    unknown), a self-found dwelling in some state, and affordability
    forbidden or penalised."""
    inst, policy = draw(cases())
    hs = [h.model_copy(update={"monthly_income_nok": draw(st.sampled_from(
        [None, 0, 9_000, 15_000, 30_000]))}) for h in inst.households]
    ds = [d.model_copy(update={
        "rent_nok": float(draw(st.sampled_from([3_000, 7_000, 12_000]))),
        "utilities_nok": draw(st.sampled_from([None, 800.0, 2_500.0])),
    }) for d in inst.dwellings]
    if draw(st.booleans()):
        states = ["pending", "granted", "refused"]
        ds[0] = ds[0].model_copy(update={
            "tenure": Tenure.SELF_FOUND,
            "found_by": hs[draw(st.integers(0, len(hs) - 1))].id,
            "offer_lapses": draw(st.sampled_from(
                [None, AS_OF - timedelta(days=1), AS_OF])),
            "municipal_acceptance": Approval(draw(st.sampled_from(states))),
            "imdi_approval": Approval(draw(st.sampled_from(states))),
        })
    policy = policy.model_copy(update={
        "affordability": policy.affordability.model_copy(update={
            "mode": RuleMode(draw(st.sampled_from(["forbid", "penalise"])))}),
    })
    inst = Instance.model_validate(
        inst.model_copy(update={"households": tuple(hs),
                                "dwellings": tuple(ds)}).model_dump())
    return inst, Policy.model_validate(policy.model_dump())


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@pytest.mark.slow
@given(affordability_and_self_found_cases())
def test_engines_agree_with_brute_force_on_affordability_and_self_found(
        case):
    """
    Tests, on generated small instances with incomes, rents and a
    self-found dwelling, that every engine passes the independent checker
    and that the engines proving optimality agree with brute force (which
    asks the checker, written apart from the compiler).
    """
    inst, policy = case
    data = compile_instance(inst, policy)
    seen = {}
    for engine in engines_for(data):
        outcome = run(inst, policy, engine=engine)
        if outcome.proposal.solver.proven_optimal:
            seen[engine] = _objective(outcome)
    assert seen
    assert set(seen.values()) == {_expected(inst, policy)}, seen
