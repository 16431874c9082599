"""Each municipality's own rules for its dwellings (DOMAIN.md 7.4.18,
chapter 4): a case they allow and one they forbid, on every engine."""

from __future__ import annotations

import pytest

from allocator.check import check_matches
from allocator.compile import compile_instance
from models import Area, Municipality, Policy
from tests.engine_helpers import EXACT_ENGINES, matched, run
from tests.factory import dwelling, instance, single

ENGINES = ("auto", *EXACT_ENGINES)

MUNICIPALITIES = (Municipality(id="K-1", centre_node="N-1"),
                  Municipality(id="K-2", centre_node="N-1"))
AREAS = (Area(id="A-1", municipality="K-1", resident_households=1000),
         Area(id="A-2", municipality="K-2", resident_households=1000))


def _two(households, dwellings):
    return instance(households, dwellings, areas=AREAS,
                    municipalities=MUNICIPALITIES)


def _own(rules: dict, municipality="K-1") -> Policy:
    return Policy.model_validate({"municipal": {municipality: rules}})


@pytest.mark.parametrize("engine", ENGINES)
def test_a_municipality_may_allow_what_the_nation_forbids(engine):
    """Tests that K-1's own policy lets its dwelling beside care housing
    be offered, while the same dwelling in K-2 stays forbidden."""
    beside = {"features": frozenset({"care_housing_substance"})}
    inst = _two([single("H-1")], [dwelling("D-1", 1, **beside)])
    assert matched(run(inst, engine=engine)) == {}
    mine = _own({"hard": {"care_housing": "ignore"}})
    assert matched(run(inst, mine, engine=engine)) == {"H-1": "D-1"}
    theirs = _own({"hard": {"care_housing": "ignore"}}, "K-2")
    assert matched(run(inst, theirs, engine=engine)) == {}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_municipality_may_forbid_what_the_nation_allows(engine):
    """Tests that K-1's own allowed surplus of 0 rules out its two-bedroom
    flat for a single, and leaves K-2's alone."""
    inst = _two([single("H-1")], [dwelling("D-1", 2)])
    assert matched(run(inst, engine=engine)) == {"H-1": "D-1"}
    tight = _own({"size": {"allowed_surplus": 0}})
    assert matched(run(inst, tight, engine=engine)) == {}
    inst = _two([single("H-1")], [dwelling("D-2", 2, area="A-2",
                                           municipality="K-2")])
    assert matched(run(inst, tight, engine=engine)) == {"H-1": "D-2"}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_municipality_weighs_its_own_dwellings(engine):
    """Tests that K-2's own weight on tenure security moves the choice to
    its municipal flat, where the national weights prefer K-1's better
    private flat."""
    ds = [dwelling("D-1", 0, tenure="private_lease", condition=5),
          dwelling("D-2", 0, area="A-2", municipality="K-2",
                   tenure="municipal", condition=3)]
    inst = _two([single("H-1")], ds)
    assert matched(run(inst, engine=engine)) == {"H-1": "D-1"}
    secure = _own({"weights": {"tenure": 40}}, "K-2")
    assert matched(run(inst, secure, engine=engine)) == {"H-1": "D-2"}


def test_the_checker_applies_the_dwellings_municipal_rules():
    """Tests the checker's clause on its own: the same match is a breach
    under K-1's rules and not under the nation's."""
    inst = _two([single("H-1")], [dwelling("D-1", 2)])
    match = [("H-1", "D-1", False)]
    assert check_matches(inst, Policy(), match).ok
    tight = _own({"size": {"allowed_surplus": 0}})
    assert not check_matches(inst, tight, match).ok
    assert check_matches(inst, _own({"size": {"allowed_surplus": 0}}, "K-2"),
                         match).ok


def test_fields_outside_the_scope_are_rejected_by_name():
    """Tests that a municipal policy setting a coupling or household rule
    is an error naming the field and the scope."""
    for rules, name in (({"dispersion": {"building_cap": 2}}, "dispersion"),
                        ({"hard": {"municipality_quota": False}},
                         "hard.municipality_quota"),
                        ({"weights": {"housed": 3}}, "weights.housed"),
                        ({"size": {"own_room_age": 10}}, "size.own_room_age")):
        with pytest.raises(ValueError, match=f"{name} may not differ per "
                           "municipality"):
            _own(rules)


def test_rules_for_other_municipalities_play_no_part():
    """Tests that one municipality's instance (as in a chained run)
    compiles with a national policy naming others."""
    inst = _two([single("H-1")], [dwelling("D-1", 1)])
    data = compile_instance(inst, _own({"horizon_days": 0}, "K-9"))
    assert data.num_pairs == 1


def test_without_municipal_rules_nothing_changes():
    """Tests that a policy naming a municipality with no changes keeps
    the national optimum."""
    inst = _two([single("H-1"), single("H-2", waited=30)],
                [dwelling("D-1", 1), dwelling("D-2", 1, area="A-2",
                                              municipality="K-2")])
    base = run(inst).proposal.objective
    same = run(inst, _own({})).proposal.objective
    assert (base.primary, base.secondary) == (same.primary, same.secondary)


def test_municipal_policy_files_are_read_and_their_errors_located(tmp_path):
    """Tests a municipal policy in its own file beside the national one,
    a written policy reading back equal, and located errors: a field
    outside the scope in the municipality's file, a missing file."""
    from allocator.io import InputError, read_policy
    from allocator.io.policy import write_policy

    (tmp_path / "bergen.toml").write_text(
        "description = \"Bergen\"\n[weights]\ntenure = 20\n")
    (tmp_path / "national.toml").write_text(
        '[municipal]\n"K-4601" = "bergen.toml"\n'
        '[municipal."K-5603".size]\nallowed_surplus = 0\n')
    policy = read_policy(tmp_path / "national.toml")
    assert policy.for_municipality("K-4601").weights.tenure == 20
    assert policy.for_municipality("K-5603").size.allowed_surplus == 0
    assert policy.for_municipality("K-1").weights.tenure == 5
    write_policy(policy, tmp_path / "written.toml")
    assert read_policy(tmp_path / "written.toml") == policy

    (tmp_path / "bergen.toml").write_text(
        "[weights]\ntenure = 20\n[dispersion]\nbuilding_cap = 1\n")
    with pytest.raises(InputError) as error:
        read_policy(tmp_path / "national.toml")
    problem = error.value.problems[0]
    assert problem.file == "bergen.toml"
    assert "dispersion may not differ per municipality" in problem.message
    (tmp_path / "national.toml").write_text(
        '[municipal]\n"K-4601" = "nowhere.toml"\n')
    with pytest.raises(InputError) as error:
        read_policy(tmp_path / "national.toml")
    problem = error.value.problems[0]
    assert (problem.file, problem.row) == ("national.toml", 2)


def test_solve_rejects_rules_for_a_municipality_not_in_the_instance(
        tmp_path, capsys):
    """Tests the CLI's located error (exit status 2), not a traceback."""
    from allocator.cli import main

    (tmp_path / "p.toml").write_text('[municipal."K-9".weights]\ntenure = 1\n')
    code = main(["validate", "instances/samples/tiny", "--policy",
                 str(tmp_path / "p.toml")])
    assert code == 2
    assert "municipal.K-9" in capsys.readouterr().err


def test_every_engine_reaches_the_brute_force_optimum_with_own_rules():
    """Tests every engine against every assignment the independent
    checker accepts, with both municipalities bringing their own rules."""
    from tests.engine_helpers import brute_force
    from tests.factory import family

    hs = [single("H-1", waited=200), family("H-2", children=((4, "F"),)),
          single("H-3", waited=20)]
    ds = [dwelling("D-1", 2, condition=5), dwelling("D-2", 1,
                                                    tenure="municipal"),
          dwelling("D-3", 2, area="A-2", municipality="K-2", condition=2),
          dwelling("D-4", 0, area="A-2", municipality="K-2",
                   features=frozenset({"care_housing_psychiatry"}))]
    inst = _two(hs, ds)
    policy = Policy.model_validate({"municipal": {
        "K-1": {"size": {"allowed_surplus": 0},
                "weights": {"condition": 30}},
        "K-2": {"hard": {"care_housing": "penalise"},
                "weights": {"tenure": 0, "size_fit": 40}},
    }})
    best = brute_force(inst, policy)
    for engine in ENGINES:
        objective = run(inst, policy, engine=engine).proposal.objective
        assert (objective.primary, objective.secondary) == best, engine
