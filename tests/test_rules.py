"""Each rule alone, on hand-made instances: a case it allows, one it forbids."""

from __future__ import annotations

from datetime import timedelta

import pytest

from allocator.compile import bedrooms_needed, compile_instance
from allocator.story import household_story
from models import Area, Building, Member, Municipality, Policy
from tests.engine_helpers import EXACT_ENGINES, matched, reasons, run
from tests.factory import AS_OF, dwelling, family, instance, single


def _policy(**sections) -> Policy:
    """Default policy with some sections overridden by dicts."""
    base = Policy().model_dump()
    for key, value in sections.items():
        if isinstance(value, dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return Policy.model_validate(base)


def _members(*spec):
    """Members from (age, sex, relation) tuples."""
    return tuple(Member(age=a, sex=s, relation=r) for a, s, r in spec)


# --- size norm ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "need"),
    [
        ([(30, "M", "head")], 0),
        ([(30, "M", "head"), (28, "F", "partner")], 1),
        ([(30, "M", "head"), (28, "F", "partner"), (2, "F", "child")], 2),
        # two small children of either sex share a room
        ([(30, "M", "head"), (28, "F", "partner"), (2, "F", "child"),
          (4, "M", "child")], 2),
        # from 7 a girl and a boy no longer share
        ([(40, "M", "head"), (38, "F", "partner"), (8, "F", "child"),
          (10, "M", "child")], 3),
        # a teenager (13+) gets a room of their own
        ([(40, "M", "head"), (38, "F", "partner"), (14, "M", "child"),
          (9, "M", "child")], 3),
        # a small child fills the spare bed beside an older sibling
        ([(40, "M", "head"), (38, "F", "partner"), (9, "M", "child"),
          (3, "F", "child")], 2),
        # a single parent needs a room, and another for the child
        ([(30, "F", "head"), (5, "F", "child")], 2),
        # two adult siblings (no partner) get a room each
        ([(30, "F", "head"), (25, "M", "other")], 2),
    ],
)
def test_bedrooms_needed_follows_the_size_norm(spec, need):
    """Tests that the size norm counts couples, children and teenagers."""
    assert bedrooms_needed(_members(*spec), Policy().size) == need


def test_own_room_age_is_a_policy_choice():
    """Tests that lowering the teenager age gives a ten-year-old a room."""
    members = _members((40, "M", "head"), (38, "F", "partner"),
                       (10, "M", "child"), (9, "M", "child"))
    assert bedrooms_needed(members, Policy().size) == 2
    norm = _policy(size={"own_room_age": 10}).size
    assert bedrooms_needed(members, norm) == 3


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_crowding_is_forbidden_by_default(engine):
    """Tests that a family needing 3 bedrooms gets 3, never 2."""
    fam = family()  # needs 3
    allow = run(instance([fam], [dwelling("D-3", 3)]), engine=engine)
    assert matched(allow) == {"H-F": "D-3"}
    forbid = run(instance([fam], [dwelling("D-2", 2)]), engine=engine)
    assert reasons(forbid) == {"H-F": "no_eligible_dwelling"}
    assert forbid.proposal.unmatched[0].excluded_by == {"size_too_small": 1}


def test_crowding_can_be_penalised_instead():
    """Tests that 'penalise' allows one bedroom short, at a score cost."""
    pol = _policy(size={"crowding": "penalise"})
    out = run(instance([family()], [dwelling("D-2", 2)]), pol)
    assert matched(out) == {"H-F": "D-2"}
    assert out.proposal.matches[0].scores["size_fit"] < 0


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_surplus_beyond_the_allowed_is_forbidden(engine):
    """Tests that a single adult gets at most two bedrooms by default."""
    allow = run(instance([single()], [dwelling("D-2", 2)]), engine=engine)
    assert matched(allow) == {"H-1": "D-2"}
    forbid = run(instance([single()], [dwelling("D-3", 3)]), engine=engine)
    assert forbid.proposal.unmatched[0].excluded_by == {"size_too_large": 1}


def test_size_fit_prefers_the_right_size():
    """Tests that of two eligible dwellings the one without surplus wins."""
    out = run(instance([single()], [dwelling("D-2", 2),
                                    dwelling("D-0", 0, floor_area_m2=30)]))
    assert matched(out) == {"H-1": "D-0"}


def test_counting_reunification_makes_room_a_hard_need():
    """Tests that count_reunification demands room for the family to come."""
    h = single(expected_reunification_persons=3)  # wife and two children
    inst = instance([h], [dwelling("D-1", 1), dwelling("D-0", 0)])
    assert compile_instance(inst, Policy()).num_eligible.tolist() == [2]
    pol = _policy(size={"count_reunification": True})
    data = compile_instance(inst, pol)
    assert data.num_eligible.tolist() == [1]
    assert data.excluded_by[0].sum() == 1  # the bedsit, as too small
    assert matched(run(inst, pol)) == {"H-1": "D-1"}


def test_reunification_room_is_scored():
    """Tests that room for an expected family scores when it is not hard."""
    h = single(expected_reunification_persons=2)
    out = run(instance([h], [dwelling("D-1", 1)]))
    assert out.proposal.matches[0].scores["reunification"] > 0


# --- accessibility and individual needs ----------------------------------------


@pytest.mark.parametrize("engine", EXACT_ENGINES)
@pytest.mark.parametrize(
    ("need", "bad", "good"),
    [
        ("needs_step_free", dict(floor=3, step_free=True, lift=False),
         dict(floor=3, step_free=True, lift=True)),
        ("needs_ground_floor", dict(floor=1), dict(floor=0)),
        ("needs_no_basement", dict(floor=-1, basement=True), dict(floor=2)),
    ],
)
def test_accessibility_needs_are_binding(engine, need, bad, good):
    """Tests each accessibility need: forbids the unfit, allows the fit."""
    h = single(**{need: True})
    forbid = run(instance([h], [dwelling("D-1", 1, **bad)]), engine=engine)
    assert forbid.proposal.unmatched[0].excluded_by == {"individual_need": 1}
    allow = run(instance([h], [dwelling("D-1", 1, **good)]), engine=engine)
    assert matched(allow) == {"H-1": "D-1"}


def test_unknown_need_follows_the_policy():
    """Tests that an unknown need is no need by default, a need if asked."""
    h = single(needs_ground_floor=None)
    inst = instance([h], [dwelling("D-1", 1, floor=4)])
    assert matched(run(inst)) == {"H-1": "D-1"}
    strict = _policy(unknown_need="need")
    assert reasons(run(inst, strict)) == {"H-1": "no_eligible_dwelling"}
    known_no = instance([single(needs_ground_floor=False,
                                needs_step_free=False,
                                needs_no_basement=False)],
                        [dwelling("D-1", 1, floor=4)])
    assert matched(run(known_no, strict)) == {"H-1": "D-1"}


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_avoid_features_rule_out_a_waterfront(engine):
    """Tests the drowning-trauma case: no waterfront for this household."""
    h = single(avoid_features={"waterfront"})
    forbid = run(instance([h], [dwelling("D-1", 1, features={"waterfront"})]),
                 engine=engine)
    assert forbid.proposal.unmatched[0].excluded_by == {"individual_need": 1}
    message = forbid.proposal.unmatched[0].message
    assert "waterfront" not in message  # sensitive detail stays out
    allow = run(instance([single()], [dwelling("D-1", 1,
                                               features={"waterfront"})]),
                engine=engine)
    assert matched(allow) == {"H-1": "D-1"}


@pytest.mark.parametrize("flag", [dict(damp=True),
                                  dict(child_suitable=False)])
def test_no_damp_or_unsuitable_dwelling_for_children(flag):
    """Tests that children never get a damp or unfit dwelling; adults may."""
    fam = family(children=((3, "F"),))  # needs 2
    forbid = run(instance([fam], [dwelling("D-2", 2, **flag)]))
    assert forbid.proposal.unmatched[0].excluded_by == {"child_safety": 1}
    couple = family(children=())
    assert matched(run(instance([couple], [dwelling("D-2", 2, **flag)]))) == {
        "H-F": "D-2"
    }


def test_care_housing_is_forbidden_or_penalised():
    """Tests co-location with care housing: hard by default, else scored."""
    d = dwelling("D-1", 1, features={"care_housing_substance"})
    forbid = run(instance([single()], [d]))
    assert forbid.proposal.unmatched[0].excluded_by == {"care_housing": 1}
    pol = _policy(hard={"care_housing": "penalise"})
    allow = run(instance([single()], [d]), pol)
    assert allow.proposal.matches[0].scores["care_housing"] < 0
    # With a clean alternative, the penalty steers away from it.
    both = run(instance([single()], [d, dwelling("D-2", 1)]), pol)
    assert matched(both) == {"H-1": "D-2"}


# --- availability, municipality, decisions -------------------------------------


def test_dwelling_must_be_available_within_the_horizon():
    """Tests the availability window against the planning horizon."""
    late = dwelling("D-1", 1, available_from=AS_OF + timedelta(days=45))
    assert run(instance([single()], [late])).proposal.unmatched[
        0
    ].excluded_by == {"availability": 1}
    pol = _policy(horizon_days=60)
    assert matched(run(instance([single()], [late]), pol)) == {"H-1": "D-1"}
    gone = dwelling("D-1", 1, available_from=AS_OF - timedelta(days=30),
                    available_until=AS_OF - timedelta(days=1))
    assert reasons(run(instance([single()], [gone]))) == {
        "H-1": "no_eligible_dwelling"
    }


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_a_dwelling_free_after_the_deadline_goes_to_who_can_wait(engine):
    """Tests the late move-in penalty: a family 11 days from its 3-month
    deadline takes the dwelling free today, a single adult with 83 days
    left the better one free in 20 days; without the penalty the family
    would take the better one and miss its deadline."""
    near = family(children=((8, "F"), (9, "F")), waited=80)
    patient = single(waited=100)
    ds = [dwelling("D-1", 2, condition=3),
          dwelling("D-2", 2, condition=5,
                   available_from=AS_OF + timedelta(days=20))]
    out = run(instance([near, patient], ds), engine=engine)
    assert matched(out) == {"H-F": "D-1", "H-1": "D-2"}
    assert all(m.scores["late_move_in"] == 0 for m in out.proposal.matches)
    off = run(instance([near, patient], ds),
              _policy(weights={"late_move_in": 0}), engine=engine)
    assert matched(off) == {"H-F": "D-2", "H-1": "D-1"}


def test_late_move_in_is_scored_only_while_the_deadline_can_be_met():
    """Tests that only a household still within its deadline is penalised,
    by the engine and the independent checker alike."""
    late = dwelling("D-1", 2, available_from=AS_OF + timedelta(days=20))
    near = run(instance([family(children=((8, "F"),), waited=80)], [late]))
    assert near.proposal.matches[0].scores["late_move_in"] == -100 * 20
    overdue = run(instance([family(children=((8, "F"),), waited=120)],
                           [late]))
    assert overdue.proposal.matches[0].scores["late_move_in"] == 0


def _two_municipalities():
    return dict(
        municipalities=(
            Municipality(id="K-1", centre_node="N-1"),
            Municipality(id="K-2", centre_node="N-1"),
        ),
        areas=(
            Area(id="A-1", municipality="K-1", resident_households=1000),
            Area(id="A-2", municipality="K-2", resident_households=1000),
        ),
    )


def test_assigned_municipality_is_respected():
    """Tests that a household assigned to K-2 is housed only in K-2."""
    h = single(assigned_municipality="K-2")
    d1 = dwelling("D-1", 1)
    d2 = dwelling("D-2", 1, municipality="K-2", area="A-2", condition=1)
    out = run(instance([h], [d1, d2], **_two_municipalities()))
    assert matched(out) == {"H-1": "D-2"}


@pytest.mark.parametrize("engine", ["flow", "mip"])
def test_household_quota_limits_a_municipality(engine):
    """Tests a council decision of one household in K-1."""
    kw = _two_municipalities()
    kw["municipalities"] = (
        Municipality(id="K-1", centre_node="N-1", quotas={"households": 1}),
        Municipality(id="K-2", centre_node="N-1"),
    )
    inst = instance([single("H-1"), single("H-2")],
                    [dwelling("D-1", 1), dwelling("D-2", 1)], **kw)
    out = run(inst, engine=engine)
    assert len(out.proposal.matches) == 1
    assert out.proposal.unmatched[0].reason.value == "capacity"


def test_persons_quota_counts_family_members():
    """Tests a quota in persons: a family of four does not fit in three."""
    kw = _two_municipalities()
    kw["municipalities"] = (
        Municipality(id="K-1", centre_node="N-1", quotas={"persons": 3}),
        Municipality(id="K-2", centre_node="N-1"),
    )
    fam = family(children=((3, "F"), (4, "M")))  # four persons, needs 2
    inst = instance([fam, single()], [dwelling("D-2", 2), dwelling("D-1", 1)],
                    **kw)
    data = compile_instance(inst, Policy())
    assert not data.network_representable
    for engine in ("mip", "cpsat"):
        out = run(inst, engine=engine)
        assert matched(out) == {"H-1": "D-1"}


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_lock_forces_a_pair_and_ban_forbids_one(engine):
    """Tests locks and bans set by the housing office."""
    hs = [single("H-1", waited=200), single("H-2", waited=10)]
    ds = [dwelling("D-1", 1)]
    assert matched(run(instance(hs, ds), engine=engine)) == {"H-1": "D-1"}
    locked = run(instance(hs, ds, decisions=[("H-2", "D-1", "lock")]),
                 engine=engine)
    assert matched(locked) == {"H-2": "D-1"}
    assert locked.proposal.matches[0].locked
    loser = locked.proposal.unmatched[0]
    assert (loser.household, loser.reason.value) == ("H-1", "outcompeted")
    assert loser.competitors[0].household == "H-2"
    banned = run(instance(hs, ds, decisions=[("H-1", "D-1", "ban")]),
                 engine=engine)
    assert matched(banned) == {"H-2": "D-1"}
    assert banned.proposal.unmatched[0].excluded_by == {"banned": 1}


def test_lock_breaking_a_hard_rule_is_set_aside_and_named():
    """Tests that a lock onto a too-small dwelling is set aside, named in
    plain words, and the rest is solved."""
    inst = instance([family(), single("H-1")],
                    [dwelling("D-1", 1), dwelling("D-2", 1)],
                    decisions=[("H-F", "D-1", "lock")])
    out = run(inst)
    assert out.proposal.status.value == "optimal"
    assert [s.household for s in out.proposal.set_aside] == ["H-F"]
    assert out.proposal.set_aside[0].rule == "size_too_small"
    assert "H-F -> D-1" in out.proposal.conflicts[0]
    assert "too few bedrooms" in out.proposal.conflicts[0]
    assert "H-1" in matched(out)


def test_locks_over_an_area_cap_are_a_sufficient_conflict():
    """Tests that locks exceeding an area cap are named with the cap."""
    areas = (
        Area(id="A-1", municipality="K-1", resident_households=10,
             refugee_households=2),
        Area(id="A-2", municipality="K-1", resident_households=1000),
    )
    hs = [single("H-1"), single("H-2")]
    ds = [dwelling("D-1", 1), dwelling("D-2", 1)]
    inst = instance(hs, ds, areas=areas,
                    decisions=[("H-1", "D-1", "lock"),
                               ("H-2", "D-2", "lock")])
    out = run(inst)
    assert any("area A-1" in c and "H-1" in c and "H-2" in c
               for c in out.proposal.conflicts)
    # The later lock (by id among table locks) is set aside; one holds.
    assert len(out.proposal.set_aside) == 1
    assert len([m for m in out.proposal.matches if m.locked]) == 1


# --- shared housing -----------------------------------------------------------


def _shared_dwelling():
    return dwelling("D-S", 2, shared_rooms=2)


@pytest.mark.parametrize("engine", ["mip", "cpsat"])
def test_shared_housing_takes_two_compatible_singles(engine):
    """Tests that two young men open to sharing share a two-room flat."""
    pol = _policy(shared={"enabled": True})
    hs = [single("H-1", age=24, open_to_shared=True),
          single("H-2", age=27, open_to_shared=True)]
    out = run(instance(hs, [_shared_dwelling()]), pol, engine=engine)
    assert matched(out) == {"H-1": "D-S", "H-2": "D-S"}
    assert all(m.shared for m in out.proposal.matches)


@pytest.mark.parametrize("engine", ["mip", "cpsat"])
@pytest.mark.parametrize(
    "second",
    [
        dict(age=26, sex="F", open_to_shared=True),  # other sex
        dict(age=45, sex="M", open_to_shared=True),  # beyond the age band
        dict(age=26, sex="M", open_to_shared=False),  # not open to it
    ],
)
def test_shared_housing_forbids_incompatible_co_residents(engine, second):
    """Tests same sex, age band and openness: only one gets the flat."""
    pol = _policy(shared={"enabled": True})
    hs = [single("H-1", age=24, open_to_shared=True, waited=300),
          single("H-2", **second)]
    out = run(instance(hs, [_shared_dwelling()]), pol, engine=engine)
    assert matched(out) == {"H-1": "D-S"}


def test_shared_housing_is_off_by_default():
    """Tests that without the policy switch a shared flat goes whole."""
    hs = [single("H-1", age=24, open_to_shared=True),
          single("H-2", age=27, open_to_shared=True)]
    out = run(instance(hs, [_shared_dwelling()]))
    assert len(out.proposal.matches) == 1
    assert not out.proposal.matches[0].shared


def test_families_never_get_a_shared_room():
    """Tests that shared rooms are for single adults only."""
    pol = _policy(shared={"enabled": True})
    fam = family(children=((3, "F"),))
    data = compile_instance(instance([fam], [_shared_dwelling()]), pol)
    assert not data.pair_room.any()


# --- dispersion ---------------------------------------------------------------


def _small_area(refugees=2, residents=10):
    return (
        Area(id="A-1", municipality="K-1", resident_households=residents,
             refugee_households=refugees),
        Area(id="A-2", municipality="K-1", resident_households=1000),
    )


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_area_cap_counts_refugees_already_living_there(engine):
    """Tests that an area with 2 of 10 households refugees takes one more."""
    hs = [single("H-1"), single("H-2")]
    ds = [dwelling("D-1", 1), dwelling("D-2", 1)]
    out = run(instance(hs, ds, areas=_small_area()), engine=engine)
    assert len(out.proposal.matches) == 1
    assert out.proposal.unmatched[0].reason.value == "capacity"
    none_there = run(instance(hs, ds, areas=_small_area(refugees=0)),
                     engine=engine)
    assert len(none_there.proposal.matches) == 2


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_building_cap_counts_existing_refugee_households(engine):
    """Tests a building cap of two with one refugee household living there."""
    pol = _policy(dispersion={"building_cap": 2})
    b = [Building(id="B-1", area="A-1", units=6, refugee_households=1)]
    hs = [single("H-1"), single("H-2")]
    ds = [dwelling("D-1", 1, building="B-1"),
          dwelling("D-2", 1, building="B-1")]
    out = run(instance(hs, ds, buildings=b), pol, engine=engine)
    assert len(out.proposal.matches) == 1
    assert len(run(instance(hs, ds, buildings=b), engine=engine)
               .proposal.matches) == 2


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_soft_dispersion_moves_households_to_a_low_share_area(engine):
    """Tests that above the target share a penalty moves the choice."""
    areas = (
        Area(id="A-1", municipality="K-1", resident_households=100,
             refugee_households=20),
        Area(id="A-2", municipality="K-1", resident_households=1000),
    )
    # D-1 (in A-1, above target) is better than D-2 otherwise.
    ds = [dwelling("D-1", 0, condition=5, floor_area_m2=30),
          dwelling("D-2", 0, area="A-2", condition=4, floor_area_m2=30)]
    out = run(instance([single()], ds, areas=areas), engine=engine)
    assert matched(out) == {"H-1": "D-2"}
    off = _policy(dispersion={"area_target_share": None})
    assert matched(run(instance([single()], ds, areas=areas), off,
                       engine=engine)) == {"H-1": "D-1"}


# --- priority and objective modes -------------------------------------------------


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_longest_waiting_household_gets_the_only_dwelling(engine):
    """Tests that priority from waiting time decides, lexicographically."""
    hs = [single("H-1", waited=30), single("H-2", waited=170)]
    out = run(instance(hs, [dwelling("D-1", 1)]), engine=engine)
    assert matched(out) == {"H-2": "D-1"}
    loser = out.proposal.unmatched[0]
    assert loser.reason.value == "outcompeted"
    assert loser.competitors[0].household == "H-2"


def test_families_get_priority_before_singles_with_equal_wait():
    """Tests the priority group: a family's deadline is three months."""
    fam = family(children=((3, "F"),), waited=60)
    out = run(instance([fam, single(waited=60)], [dwelling("D-2", 2)]))
    assert matched(out) == {"H-F": "D-2"}


def test_weighted_mode_can_trade_a_household_for_quality():
    """Tests that in weighted mode a bad pair may be left out."""
    pol = _policy(objective="weighted", weights={"housed": 0})
    worn = dwelling("D-1", 2, condition=1, tenure="private_lease",
                    lease_months=6, features={"busy_road"})
    out = run(instance([single()], [worn]), pol)
    # With no value on housing, a pair of negative quality is declined.
    q = compile_instance(instance([single()], [worn]), pol).pair_quality
    assert (q[0] < 0) == (len(out.proposal.matches) == 0)


# --- services and wishes ----------------------------------------------------------


def test_services_within_reach_score_higher():
    """Tests that the central dwelling (services at N-1) scores higher."""
    ds = [dwelling("D-1", 1, node="N-2"), dwelling("D-2", 1, node="N-1")]
    out = run(instance([single()], ds))
    assert matched(out) == {"H-1": "D-2"}
    assert out.proposal.matches[0].scores["services"] > 0


def test_wish_near_a_place_is_scored_only_when_asked():
    """Tests the wish to live near a named node (family, work)."""
    ds = [dwelling("D-1", 1, node="N-2", condition=3),
          dwelling("D-2", 1, node="N-1", condition=3)]
    h = single(wish_near_node="N-2")
    pol = _policy(weights={"services": 0},
                  services={"near_place_minutes": 10})
    out = run(instance([h], ds), pol)
    assert matched(out) == {"H-1": "D-1"}
    assert out.proposal.matches[0].scores["wish_place"] > 0


def test_school_change_is_avoided_when_rehousing():
    """Tests that children keep their school (at N-1) when re-housed."""
    fam = family(children=((8, "M"), (9, "M")), current_school="S-1")
    ds = [dwelling("D-1", 2, node="N-2", condition=5),
          dwelling("D-2", 2, node="N-1", condition=4)]
    pol = _policy(weights={"services": 0},
                  services={"target_minutes": {"school": 5}})
    out = run(instance([fam], ds), pol)
    assert matched(out) == {"H-F": "D-2"}
    assert out.proposal.matches[0].scores["school_change"] == 0
    far = run(instance([fam], ds[:1]), pol)
    assert far.proposal.matches[0].scores["school_change"] < 0


@pytest.mark.parametrize("engine", ["flow", "mip"])
def test_a_full_area_cap_carries_its_marginal_value(engine):
    """Tests that a binding area cap says one more place houses one more."""
    from allocator.pipeline import propose

    hs = [single("H-1"), single("H-2")]
    ds = [dwelling("D-1", 1), dwelling("D-2", 1)]
    out = propose(instance(hs, ds, areas=_small_area()), Policy(),
                  engine=engine)
    assert out.check.ok
    (binding,) = out.proposal.binding
    assert (binding.rule, binding.subject) == ("area_cap", "area A-1")
    assert (binding.used, binding.limit) == (1, 1)
    assert binding.marginal_housed == 1
    assert binding.marginal_objective > 0


# --- affordability (7.2.22, D10, H17) ----------------------------------------


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_affordability_limit_forbids_a_dwelling_too_dear(engine):
    """Tests the hard limit on the share of income after the allowance:
    14,000 kr with 1,000 kr utilities on 15,000 kr a month is too dear
    (net 15,000 less an allowance of 2,920); 6,000 kr is not."""
    pol = _policy(affordability={"mode": "forbid"})
    poor = single(monthly_income_nok=15_000)
    dear = dwelling("D-1", 0, rent_nok=14_000, utilities_nok=1_000)
    forbid = run(instance([poor], [dear]), pol, engine=engine)
    assert reasons(forbid) == {"H-1": "no_eligible_dwelling"}
    assert forbid.proposal.unmatched[0].excluded_by == {"affordability": 1}
    assert "1 not affordable" in forbid.proposal.unmatched[0].message
    cheap = dwelling("D-2", 0, rent_nok=6_000, utilities_nok=1_000)
    allow = run(instance([poor], [dear, cheap]), pol, engine=engine)
    assert matched(allow) == {"H-1": "D-2"}


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_affordability_does_not_judge_an_unknown_income(engine):
    """Tests that a household of unknown income is not judged, and that
    the rule is off by default."""
    dear = dwelling("D-1", 0, rent_nok=14_000)
    on = _policy(affordability={"mode": "forbid"})
    unknown = run(instance([single()], [dear]), on, engine=engine)
    assert matched(unknown) == {"H-1": "D-1"}
    assert unknown.proposal.matches[0].not_judged == ("affordability",)
    assert "affordability not judged: the household's income is unknown" \
        in household_story(unknown.proposal, "H-1")
    rich_enough = single(monthly_income_nok=1_000)
    assert matched(run(instance([rich_enough], [dear]),
                       engine=engine)) == {"H-1": "D-1"}


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_affordability_can_be_penalised_above_a_threshold(engine):
    """Tests the penalty mode: the dear dwelling is allowed at a cost, and
    a cheaper one of equal quality is preferred."""
    pol = _policy(affordability={"mode": "penalise"})
    poor = single(monthly_income_nok=15_000)
    dear = dwelling("D-1", 0, rent_nok=14_000, utilities_nok=1_000)
    allow = run(instance([poor], [dear]), pol, engine=engine)
    assert matched(allow) == {"H-1": "D-1"}
    assert allow.proposal.matches[0].scores["affordability"] == -10 * 100
    cheap = dwelling("D-2", 0, rent_nok=6_000, utilities_nok=1_000)
    both = run(instance([poor], [dear, cheap]), pol, engine=engine)
    assert matched(both) == {"H-1": "D-2"}
    # 7,000 kr less an allowance of 2,372 is 30.8 % of the income: 5.8
    # points above the threshold, 29 penalty points.
    assert both.proposal.matches[0].scores["affordability"] == -10 * 29


# --- self-found dwellings (7.1.9, 5.3) ---------------------------------------


def _found(did="D-1", by="H-1", **fields):
    return dwelling(did, 0, tenure="self_found", found_by=by, **fields)


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_self_found_dwelling_is_its_households_match_once_approved(engine):
    """Tests that an accepted and approved self-found dwelling goes to the
    household that found it, even when another has waited longer."""
    mine = _found(municipal_acceptance="granted", imdi_approval="granted",
                  offer_lapses=AS_OF + timedelta(days=5))
    other = dwelling("D-2", 0)
    finder = single("H-1", waited=10)
    longer = single("H-2", waited=300)
    out = run(instance([finder, longer], [mine, other]), engine=engine)
    assert matched(out) == {"H-1": "D-1", "H-2": "D-2"}


@pytest.mark.parametrize("engine", EXACT_ENGINES)
def test_self_found_dwelling_is_reserved_while_the_offer_stands(engine):
    """Tests that no other household gets a self-found dwelling while the
    landlord's offer stands, nor its finder before acceptance and
    approval; after the offer lapses the reservation ends."""
    pending = _found(municipal_acceptance="granted",
                     offer_lapses=AS_OF + timedelta(days=5))
    out = run(instance([single("H-1"), single("H-2", waited=300)],
                       [pending]), engine=engine)
    assert matched(out) == {}
    assert {u.household: u.excluded_by for u in out.proposal.unmatched} == {
        "H-1": {"self_found": 1}, "H-2": {"self_found": 1}
    }
    assert "self-found dwelling reserved or awaiting approval" in (
        out.proposal.unmatched[0].message)
    lapsed = _found(offer_lapses=AS_OF - timedelta(days=1))
    out = run(instance([single("H-1"), single("H-2", waited=300)],
                       [lapsed]), engine=engine)
    assert matched(out) == {"H-2": "D-1"}


def test_self_found_fields_must_agree():
    """Tests that a found dwelling names a known household and has the
    self-found tenure, each problem located by row and column."""
    with pytest.raises(ValueError) as err:
        instance([single()], [dwelling("D-1", 0, found_by="H-9")])
    text = str(err.value)
    assert ("dwellings.0.found_by: found_by references unknown household"
            in text)
    assert "has tenure self_found, not municipal" in text


def test_income_stays_out_of_the_proposal_outputs(tmp_path):
    """Tests that a household's income (sensitive) appears in none of the
    proposal's files, while the rule it drives is applied."""
    from allocator.io.proposal import write_proposal

    pol = _policy(affordability={"mode": "penalise"})
    poor = single(monthly_income_nok=15_321)
    home = dwelling("D-1", 0, rent_nok=6_000, utilities_nok=1_000)
    inst = instance([poor], [home])
    out = run(inst, pol)
    assert out.proposal.matches[0].scores["affordability"] < 0
    write_proposal(out.proposal, tmp_path, instance=inst, policy=pol)
    for path in tmp_path.rglob("*"):
        if path.suffix in (".json", ".csv", ".html"):
            text = path.read_text(encoding="utf-8")
            assert "15321" not in text and "15 321" not in text, path
# --- moving on (7.2.23, 7.4.15, R2) --------------------------------------------


def _tenant_round(**moving):
    """A family of four (two boys: two bedrooms) waits; only the sitting
    tenant T-1's two-bedroom flat fits it; a one-bedroom flat is free."""
    fam = family("H-F", children=((8, "M"), (10, "M")))
    tenant = single("T-1", moving_on=True, current_dwelling="D-T")
    ds = [dwelling("D-T", 2), dwelling("D-1", 1, area="A-2")]
    pol = _policy(moving={"enabled": True, **moving})
    return instance([fam, tenant], ds), pol


def _engines(inst, pol):
    from tests.engine_helpers import engines_for

    return engines_for(compile_instance(inst, pol))


def test_a_tenant_moving_on_frees_its_dwelling_for_a_family():
    """Tests that the tenant moves to the free flat (a move costs less
    than a move out here) so the family gets its flat, on every engine,
    and that the proposal shows the chain."""
    inst, pol = _tenant_round(exit_penalty=30)
    for engine in _engines(inst, pol):
        out = run(inst, pol, engine)
        assert matched(out) == {"H-F": "D-T", "T-1": "D-1"}, engine
        steps = [(m.household, m.moved_from, m.moved_to, m.score)
                 for m in out.proposal.moves]
        assert steps == [("H-F", None, "D-T", None),
                         ("T-1", "D-T", "D-1", 10)], engine
    # With moving out cheaper than a move, the tenant moves out instead.
    out = run(*_tenant_round())
    assert matched(out) == {"H-F": "D-T"}
    assert out.proposal.moves[-1].moved_to is None
    assert "T-1" not in reasons(out)


def test_a_tenant_keeps_its_dwelling_unless_it_moves():
    """Tests that a tenant nobody's move needs stays, that a school-age
    family is moved within its area rather than across it, and that the
    checker rejects a dwelling given away while its tenant stays."""
    from allocator.check import check_matches

    inst, pol = _tenant_round()
    alone = instance([inst.households[1]], inst.dwellings)
    for engine in _engines(alone, pol):
        out = run(alone, pol, engine)
        assert matched(out) == {"T-1": "D-T"}, engine
        assert out.proposal.moves == ()
    report = check_matches(inst, pol, [("H-F", "D-T", False),
                                       ("T-1", "D-T", False)])
    assert any("while its sitting tenant T-1 stays" in v
               for v in report.violations)
    # A family with school children in D-T, a waiting single needing it
    # alone (a need for the ground floor); flats in both areas.
    fam = family("T-F", children=((8, "M"), (10, "M")), moving_on=True,
                 current_dwelling="D-T")
    one = single("H-1", needs_ground_floor=True)
    ds = [dwelling("D-T", 2, floor=0), dwelling("D-2", 2, area="A-2", floor=2),
          dwelling("D-3", 2, floor=2, condition=1)]
    inst = instance([one, fam], ds)
    pol = _policy(moving={"enabled": True, "exit_penalty": 40})
    for engine in _engines(inst, pol):
        out = run(inst, pol, engine)
        assert matched(out) == {"H-1": "D-T", "T-F": "D-3"}, engine
