"""Service places (DOMAIN.md 7.1.2): school and kindergarten places per
area, introduction-programme places per municipality; a case each rule
allows and one it forbids, on every engine that applies."""

from __future__ import annotations

import pytest

from allocator.compile import compile_instance
from allocator.engines import NotRepresentable, auto_choice, solve
from allocator.places import member_needs
from models import Area, Member, Municipality, Policy
from tests.engine_helpers import engines_for, matched, run
from tests.factory import dwelling, family, instance, single

PLACE_ENGINES = ("auto", "mip", "cpsat")


def _policy(mode="cap", **places) -> Policy:
    return Policy.model_validate({"places": {"mode": mode, **places}})


def _areas(school=None, kindergarten=None):
    return (
        Area(id="A-1", municipality="K-1", resident_households=1000,
             school_places=school, kindergarten_places=kindergarten),
        Area(id="A-2", municipality="K-1", resident_households=1000),
    )


def _two_families():
    # Two school children each; one family waited longer.
    return [family("H-1", children=((8, "F"), (10, "M")), waited=200),
            family("H-2", children=((9, "F"), (12, "M")), waited=100)]


def _two_dwellings():
    return [dwelling("D-1", 3), dwelling("D-2", 3)]


def test_needs_follow_the_age_bands():
    """Tests the documented bands: kindergarten 1-5, school 6-15,
    introduction 18-55 unless the household does not take part."""
    h = family("H-1", children=((0, "F"), (3, "M"), (6, "F"), (15, "M"),
                                (16, "F")))
    needs = member_needs(h, Policy())
    assert needs == {"kindergarten": 1, "school": 2, "introduction": 2}
    out = family("H-2", introduction_programme=False)
    assert member_needs(out, Policy())["introduction"] == 0
    old = single("H-3", age=60)
    assert member_needs(old, Policy())["introduction"] == 0


def test_places_are_off_by_default_and_keep_every_engine():
    """Tests that free places change nothing unless the policy counts them."""
    inst = instance(_two_families(), _two_dwellings(), areas=_areas(school=2))
    data = compile_instance(inst, Policy())
    assert data.place_kinds == ()
    assert "flow" in engines_for(data) and "classes" in engines_for(data)
    assert len(run(inst).proposal.matches) == 2


@pytest.mark.parametrize("engine", PLACE_ENGINES)
def test_school_places_allow_families_that_fit(engine):
    """Tests that four free school places take both families."""
    inst = instance(_two_families(), _two_dwellings(), areas=_areas(school=4))
    assert len(run(inst, _policy(), engine=engine).proposal.matches) == 2


@pytest.mark.parametrize("engine", PLACE_ENGINES)
def test_school_places_are_a_hard_cap_across_households(engine):
    """Tests that three free school places take one family of two pupils
    in the area, the one with more priority, and the other goes to an
    area with places."""
    inst = instance(_two_families(), _two_dwellings(), areas=_areas(school=3))
    assert matched(run(inst, _policy(), engine=engine)) == {"H-1": "D-1"}
    other = [dwelling("D-1", 3), dwelling("D-2", 3, area="A-2")]
    inst = instance(_two_families(), other, areas=_areas(school=3))
    assert len(run(inst, _policy(), engine=engine).proposal.matches) == 2


@pytest.mark.parametrize("engine", PLACE_ENGINES)
def test_kindergarten_places_count_small_children(engine):
    """Tests kindergarten places: two toddlers, one place."""
    hs = [family("H-1", children=((2, "F"),), waited=200),
          family("H-2", children=((4, "M"),), waited=100)]
    ds = [dwelling("D-1", 2), dwelling("D-2", 2)]
    inst = instance(hs, ds, areas=_areas(kindergarten=1))
    assert matched(run(inst, _policy(), engine=engine)) == {"H-1": "D-1"}
    inst = instance(hs, ds, areas=_areas(kindergarten=2))
    assert len(run(inst, _policy(), engine=engine).proposal.matches) == 2


@pytest.mark.parametrize("engine", PLACE_ENGINES)
def test_introduction_places_are_per_municipality(engine):
    """Tests introduction places: two adults, one place; a household
    outside the programme needs none."""
    muni = (Municipality(id="K-1", centre_node="N-1", introduction_places=1),)
    hs = [single("H-1", waited=200), single("H-2", waited=100)]
    ds = [dwelling("D-1", 1), dwelling("D-2", 1, area="A-2")]
    inst = instance(hs, ds, municipalities=muni)
    assert matched(run(inst, _policy(), engine=engine)) == {"H-1": "D-1"}
    hs[1] = single("H-2", waited=100, introduction_programme=False)
    inst = instance(hs, ds, municipalities=muni)
    assert len(run(inst, _policy(), engine=engine).proposal.matches) == 2


@pytest.mark.parametrize("engine", PLACE_ENGINES)
def test_places_over_can_be_penalised_instead(engine):
    """Tests penalise mode: both families are housed and the objective
    pays the penalty for each place over."""
    inst = instance(_two_families(), _two_dwellings(), areas=_areas(school=3))
    capped = run(inst, _policy(), engine=engine).proposal
    priced = run(inst, _policy("penalise", penalty=7), engine=engine).proposal
    assert len(priced.matches) == 2
    free = run(inst, Policy(), engine=engine).proposal
    assert priced.objective.secondary == free.objective.secondary - 7
    assert len(capped.matches) == 1


@pytest.mark.parametrize("engine", ["flow", "classes"])
def test_engines_without_places_refuse_and_auto_routes_away(engine):
    """Tests that the flow and the class model refuse service places
    rather than ignore them, and that auto picks an engine that has them."""
    inst = instance(_two_families(), _two_dwellings(), areas=_areas(school=3))
    data = compile_instance(inst, _policy())
    assert engine not in engines_for(data)
    assert auto_choice(data) == "mip"
    with pytest.raises(NotRepresentable):
        solve(data, engine)


def test_locks_over_the_places_are_a_conflict():
    """Tests that locks alone using more places than are free conflict."""
    locks = (("H-1", "D-1", "lock"), ("H-2", "D-2", "lock"))
    inst = instance(_two_families(), _two_dwellings(), decisions=locks,
                    areas=_areas(school=3))
    data = compile_instance(inst, _policy())
    assert [c.rule for c in data.lock_conflicts] == ["service_places"]
    priced = compile_instance(inst, _policy("penalise", penalty=5))
    assert not priced.lock_conflicts
    assert priced.locked_value[1] < compile_instance(
        inst, Policy()).locked_value[1]


def test_checker_finds_places_over_the_cap():
    """Tests the independent checker's clause on its own."""
    from allocator.check import check_matches

    inst = instance(_two_families(), _two_dwellings(), areas=_areas(school=3))
    both = [("H-1", "D-1", False), ("H-2", "D-2", False)]
    report = check_matches(inst, _policy(), both)
    assert any("School places in A-1" in v for v in report.violations)
    assert check_matches(inst, Policy(), both).ok
    priced = check_matches(inst, _policy("penalise", penalty=7), both)
    assert priced.ok
    assert priced.secondary == check_matches(inst, Policy(), both).secondary - 7


def test_bad_age_band_is_an_error():
    """Tests that an age band upside down is rejected."""
    with pytest.raises(ValueError, match="school_ages"):
        Policy.model_validate({"places": {"school_ages": [15, 6]}})


def test_members_age_band_uses_members():
    """Tests that a household of adults needs no school place."""
    h = single("H-1", age=30)
    assert member_needs(h, Policy())["school"] == 0
    assert Member(age=7).age == 7


def test_full_places_are_named_with_their_marginal_value():
    """Tests that full school places are reported as binding, and what one
    more place would give."""
    from allocator.pipeline import propose

    hs = [*_two_families(), family("H-3", children=((7, "F"), (9, "F")),
                                   waited=50)]
    ds = [*_two_dwellings(), dwelling("D-3", 3)]
    out = propose(instance(hs, ds, areas=_areas(school=4)), _policy(),
                  marginal_values=True)
    assert len(out.proposal.matches) == 2
    full = {b.rule: b for b in out.proposal.binding}["places_school"]
    assert (full.subject, full.used, full.limit) == ("area A-1", 4, 4)
    assert full.marginal_housed == 0  # H-3 needs two more


@pytest.mark.parametrize("mode", ["cap", "penalise"])
def test_engines_reach_the_brute_force_optimum_with_places(mode):
    """Tests mip and cpsat against every assignment the independent
    checker accepts, with places tight in both kinds of area."""
    from tests.engine_helpers import brute_force

    hs = [*_two_families(),
          family("H-3", children=((3, "F"),), waited=150),
          single("H-4", waited=300)]
    ds = [dwelling("D-1", 3), dwelling("D-2", 3, area="A-2"),
          dwelling("D-3", 2, condition=5), dwelling("D-4", 1, area="A-2")]
    areas = (Area(id="A-1", municipality="K-1", resident_households=1000,
                  school_places=2, kindergarten_places=0),
             Area(id="A-2", municipality="K-1", resident_households=1000,
                  school_places=1))
    muni = (Municipality(id="K-1", centre_node="N-1",
                         introduction_places=6),)
    inst = instance(hs, ds, areas=areas, municipalities=muni)
    policy = _policy(mode, penalty=40)
    best = brute_force(inst, policy)
    for engine in PLACE_ENGINES:
        objective = run(inst, policy, engine=engine).proposal.objective
        assert (objective.primary, objective.secondary) == best, engine


def test_places_given_but_not_counted_are_warned_about():
    """Tests the warning for silent loss when the policy's places are off."""
    from allocator.cautions import silent_loss

    inst = instance(_two_families(), _two_dwellings(), areas=_areas(school=3))
    codes = [w.code for w in silent_loss(inst, Policy(), today=inst.as_of)]
    assert codes == ["service_places_ignored"]
    assert not silent_loss(inst, _policy(), today=inst.as_of)
