"""Tests that pydantic's errors about the contract's models reach a
Norwegian user in Norwegian: every error type a wrong value of any field
of the instance and the policy can raise, and the models' own rules."""

from __future__ import annotations

import re
import types
import typing

import pytest
from pydantic import BaseModel, ValidationError

from allocator.io.problems import message_of
from models import DecisionLog, Instance, Policy, SimulationParams

WRONG_VALUES = (
    "x", "", "a" * 5000, "abc\x00", "1,5", "ja", "2026-13-40",
    "2026-01-01T10:00", -1, -10**9, 10**15, 10**40, 1.5, -0.5, 2.0,
    float("nan"), float("inf"), 1e300, True, None, b"x", [], [1], [-1],
    ["x"], [1, 2, 3], [["a"]], {}, {"a": 1}, {"x": -1},
)
"""Values wrong for some field kind each: text, numbers out of range or
not numbers, dates, lists, tables."""

ENGLISH = re.compile(
    r"Input should|String should|Tuple should|List should|Value error|"
    r"Assertion failed|valid (integer|number|date|string|boolean)|"
    r"Extra inputs|Field required|Unable to parse|Datetimes provided|"
    r"not permitted|' or '"
)
"""Pydantic's own English wording."""


def models_within(*roots: type[BaseModel]) -> list[type[BaseModel]]:
    """The models given and every model their fields hold, at any
    depth (in tuples, unions, tables)."""
    found: dict[type, None] = {}

    def walk(annotation) -> None:
        if isinstance(annotation, type) and issubclass(annotation,
                                                       BaseModel):
            if annotation not in found:
                found[annotation] = None
                for info in annotation.model_fields.values():
                    walk(info.annotation)
            return
        if isinstance(annotation, types.UnionType) or typing.get_origin(
                annotation) is not None:
            for argument in typing.get_args(annotation):
                walk(argument)

    for root in roots:
        walk(root)
    return list(found)


def errors_of_wrong_values(model: type[BaseModel]):
    """(field, error) for every wrong value of every field of ``model``,
    the other fields left out."""
    for field in model.model_fields:
        for value in WRONG_VALUES:
            try:
                model.model_validate({field: value})
            except ValidationError as exc:
                for error in exc.errors():
                    if error["type"] != "missing":
                        yield field, error


def test_every_field_kind_of_instance_and_policy_is_worded_in_norwegian(
        norwegian):
    """Tests every error a wrong value of a field of the instance's and
    the policy's models (and of the decision log and the simulation
    parameters, read from files too) raises: worded with no English of
    pydantic's."""
    kinds = set()
    for model in models_within(Instance, Policy, DecisionLog,
                               SimulationParams):
        for field, error in errors_of_wrong_values(model):
            kinds.add(error["type"])
            message = message_of(error, field)
            assert not ENGLISH.search(message), (model.__name__, field,
                                                 error["type"], message)
    # The walk reached the field kinds of the contract.
    assert {"int_parsing", "float_parsing", "date_from_datetime_parsing",
            "bool_parsing", "string_type", "string_too_long", "enum",
            "greater_than_equal", "less_than_equal", "finite_number",
            "tuple_type", "dict_type", "model_type", "extra_forbidden",
            "value_error"} <= kinds


@pytest.mark.parametrize("model, data, words", [
    (Policy, {"deadlines": {"priority_months": 9}}, "fristene"),
    (Policy, {"dispersion": {"area_cap_share": 0.1,
                             "area_target_share": 0.2}},
     "kan ikke være større enn"),
    (Policy, {"places": {"school_ages": (9, 3)}}, "må være to aldre"),
    (Policy, {"municipal": {"K1": {"deadlines": {}}}},
     "kan ikke variere fra kommune til kommune"),
])
def test_the_models_own_rules_are_worded_in_norwegian(norwegian, model,
                                                       data, words):
    """Tests the models' own validators under nb: their message is
    Norwegian, without pydantic's English prefix."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    messages = [message_of(e) for e in caught.value.errors()]
    assert any(words in m for m in messages), messages
    assert not any(ENGLISH.search(m) for m in messages), messages


def test_a_validators_message_loses_pydantics_prefix_in_english():
    """Tests that in English too a validator's message reads as its own
    words, not after "Value error, "."""
    with pytest.raises(ValidationError) as caught:
        Policy.model_validate({"deadlines": {"priority_months": 9}})
    messages = [message_of(e) for e in caught.value.errors()]
    assert messages and all(m.startswith("deadlines must satisfy")
                            for m in messages), messages


def test_an_unforeseen_error_type_reads_as_an_invalid_value(norwegian):
    """Tests the fallback: a pydantic error type no message foresees is
    'Ugyldig verdi' in Norwegian, never pydantic's English."""
    error = {"type": "no_such_type", "msg": "Input should be something",
             "loc": ("x",), "input": "y"}
    assert message_of(error) == "Ugyldig verdi; fikk 'y'."


def test_simulation_parameters_are_worded_in_norwegian(norwegian):
    """Tests ``allocator simulate``'s parameter errors under nb: the
    problems.py wording, the command line named in Norwegian."""
    from allocator.simulate.cli import read_params

    with pytest.raises(ValueError) as caught:
        read_params(None, {"months": "x",
                           "household_mix": {"single_adult": -1}})
    text = str(caught.value)
    assert "kommandolinjen: months: Verdien skal være et heltall" in text
    assert "andelene i household_mix må være >= 0" in text
    assert not ENGLISH.search(text), text


def test_engine_and_memory_limit_errors_are_worded_in_norwegian(norwegian):
    """Tests the errors of an unknown engine, parameter and memory limit
    under nb."""
    from allocator.engines import _checked
    from allocator.memory import parse_bytes

    with pytest.raises(ValueError, match="motoren 'x' er ukjent"):
        _checked("x", {})
    with pytest.raises(ValueError, match="tar ikke parameteren 'y'"):
        _checked("mip", {"y": 1})
    with pytest.raises(ValueError, match="er ikke en størrelse"):
        parse_bytes("lots")
