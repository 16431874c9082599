"""The engine registry: one list of engines, their parameters, auto's
choice, and errors that name the engine."""

from __future__ import annotations

import pytest

from allocator.compile import compile_instance
from allocator.engine_catalogue import ENGINE_SUMMARIES, ENGINES
from allocator.engines import AUTO_ORDER, REGISTRY, auto_choice, solve
from allocator.io.policy import read_policy
from models import Municipality, Policy

from ..factory import dwelling, instance, single


def test_the_catalogue_and_the_registry_name_the_same_engines():
    """Tests that every engine the CLI lists exists, and only those."""
    assert set(ENGINES) == set(REGISTRY) | {"auto"}
    assert all(REGISTRY[n].summary == ENGINE_SUMMARIES[n] for n in REGISTRY)
    assert [name for name, _ in AUTO_ORDER] == ["flow", "classes", "mip"]


def _town(**fields):
    hs = [single("H-1", age=24, open_to_shared=True),
          single("H-2", age=27, open_to_shared=True)]
    return instance(hs, [dwelling("D-S", 2, shared_rooms=2),
                         dwelling("D-1", 1)], **fields)


def test_auto_takes_the_first_engine_that_applies():
    """Tests auto's route: flow for network rules, the class model for a
    quota in persons, the pair program for shared rooms."""
    plain = compile_instance(_town(), Policy())
    assert auto_choice(plain) == "flow"
    assert solve(plain).engine == "flow"
    persons = _town(municipalities=(Municipality(
        id="K-1", name="Testvik", centre_node="N-1",
        quotas={"persons": 1}),))
    data = compile_instance(persons, Policy())
    assert auto_choice(data) == "classes"
    assert solve(data).engine == "auto:classes"
    shared = compile_instance(_town(), read_policy("shared-housing"))
    assert auto_choice(shared) == "mip"
    assert solve(shared).engine == "auto:mip"


def test_the_route_is_typed_and_its_label_is_the_proposals():
    """Tests that a result states the engine asked for, the one that ran
    and why as fields, and that its label is the string the proposal
    has always stated."""
    from allocator.result import Route

    shared = compile_instance(_town(), read_policy("shared-housing"))
    route = solve(shared).route
    assert (route.requested, route.ran, route.pruned) == ("auto", "mip",
                                                          False)
    assert route.reason == "pair program"
    assert solve(shared, "mip").route == Route("mip", "mip")
    assert solve(compile_instance(_town(), Policy())).route.ran == "flow"
    assert Route("auto", "mip", pruned=True).label == "auto:pruned"
    assert Route("auto", None, reason="lock conflicts").label == "auto"
    assert Route("auto", "classes").rerun_engine == "auto"
    assert Route("auto", "flow").rerun_engine == "flow"


def test_statistics_are_typed_and_stored_as_the_same_strings():
    """Tests that an engine's figures are numbers on the result, and that
    the proposal's ``detail`` strings keep their names and order."""
    from allocator.result import SolveStats

    result = solve(compile_instance(_town(), read_policy("shared-housing")),
                   "mip")
    assert isinstance(result.stats.rows, int)
    assert list(result.detail) == ["backend", "rows", "vars"]
    assert result.detail["rows"] == str(result.stats.rows)
    stats = SolveStats(stage_bounds=(12.25, 3.0), moves_seconds=0.04,
                       pricing_rounds=2)
    assert stats.as_strings() == {"moves_seconds": "0.0",
                                  "stage1_bound": "12.2",
                                  "stage2_bound": "3.0",
                                  "pricing_rounds": "2"}
    assert stats.seconds() == {"moves": 0.04}
    assert SolveStats().as_strings(pruned=True) == {
        "relaxation_bound": "None"}


@pytest.mark.parametrize("engine,params,named", [
    ("mip", {"backend": "higs"}, "higs"),
    ("mip", {"workers": 2}, "workers"),
    ("flow", {"hint": None}, "hint"),
    ("cpsat", {"start": []}, "start"),
    ("auto", {"colour": 1}, "colour"),
])
def test_unknown_parameters_are_errors_that_name_the_engine(engine, params,
                                                            named):
    """Tests that a parameter an engine does not take, or a backend it does
    not know, is refused with the engine's or the value's name."""
    data = compile_instance(_town(), Policy())
    with pytest.raises(ValueError, match=named):
        solve(data, engine=engine, **params)


def test_an_unknown_engine_is_refused_with_the_choices():
    data = compile_instance(_town(), Policy())
    with pytest.raises(ValueError, match="choose one of auto, flow"):
        solve(data, engine="gurobi")
