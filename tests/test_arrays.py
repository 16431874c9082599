"""
The compiled household and dwelling arrays (``allocator.arrays``): typed,
read-only, one entry per row wherever a field says so, and the fields that
define a household class the ones the rules and criteria read.
"""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

from allocator.arrays import DwellingArrays, HouseholdArrays
from allocator.compile import _all, _take, compile_instance
from allocator.criteria import CLASS_FIELDS
from allocator.generate import generate
from models import Policy

OWN_RULES = Policy.model_validate({
    "municipal": {"M-OWN": {"size": {"allowed_surplus": 1},
                            "weights": {"size_fit": 3}}},
})
"""A policy giving a municipality its own rules, so that the dwellings
carry per-dwelling copies of them."""


@pytest.fixture(scope="module")
def compiled():
    instance = generate("town", seed=0)
    candidates = compile_instance(instance, OWN_RULES).candidates
    return candidates.hh, candidates.dw


def test_the_compiled_arrays_are_the_typed_classes(compiled):
    """Tests that the compile builds the typed arrays, not loose bags."""
    households, dwellings = compiled
    assert isinstance(households, HouseholdArrays)
    assert isinstance(dwellings, DwellingArrays)


def test_every_per_row_field_has_one_entry_per_row(compiled):
    """Tests the first axis of every per-row field (and of every
    municipality's own rule) against the number of rows, and that the
    fields about all rows together are not per row."""
    for arrays in compiled:
        for name in arrays.per_row_fields():
            value = getattr(arrays, name)
            values = value.values() if name == "local" else (value,)
            for array in values:
                assert isinstance(array, np.ndarray), name
                assert array.shape[0] == arrays.n, name
    households, dwellings = compiled
    assert dwellings.local, "the policy gives a municipality its rules"
    assert set(DwellingArrays.per_row_fields()) == {
        f.name for f in dataclasses.fields(DwellingArrays)
    } - {"n", "counted", "compatriot_table"}
    assert set(HouseholdArrays.per_row_fields()) == {
        f.name for f in dataclasses.fields(HouseholdArrays)} - {"n"}


def test_the_arrays_are_read_only(compiled):
    """Tests that no field can be replaced and no array written into,
    in the compiled arrays and in every dwelling shaped to broadcast (a
    view of them); rows taken are copies, and only their fields are
    fixed."""
    households, dwellings = compiled
    for taken in (_take(households, np.array([0, 2]), dense=True),
                  _take(dwellings, np.array([1]), dense=False)):
        with pytest.raises(dataclasses.FrozenInstanceError):
            taken.n = 0
    for arrays in (*compiled, _all(dwellings)):
        with pytest.raises(dataclasses.FrozenInstanceError):
            arrays.n = 0
        for name in arrays.per_row_fields():
            value = getattr(arrays, name)
            values = value.values() if name == "local" else (value,)
            for array in values:
                with pytest.raises(ValueError, match="read-only"):
                    array[(0,) * array.ndim] = array[(0,) * array.ndim]
    with pytest.raises(TypeError):
        dwellings.local["surplus"] = dwellings.local["surplus"]
    with pytest.raises(ValueError, match="read-only"):
        dwellings.counted[0] = True


def test_taking_rows_slices_exactly_the_per_row_fields(compiled):
    """Tests ``_take`` and ``_all``: per-row fields shaped to broadcast
    (a per-kind array keeps its last axis), the others kept whole."""
    households, dwellings = compiled
    rows = np.array([0, 3, 5])
    dense = _take(households, rows, dense=True)
    assert dense.need.shape == (3, 1)
    assert dense.services.shape == (3, 1, households.services.shape[1])
    assert np.array_equal(dense.need[:, 0], households.need[rows])
    pairs = _take(dwellings, rows, dense=False)
    assert pairs.bedrooms.shape == (3,)
    assert pairs.local_surplus.shape == (3,)
    assert pairs.counted is dwellings.counted
    assert pairs.compatriot_table is dwellings.compatriot_table
    assert pairs.n == dwellings.n
    every = _all(dwellings)
    assert every.bedrooms.shape == (1, dwellings.n)
    assert every.reach.shape == (1, *dwellings.reach.shape)


def test_the_class_fields_are_those_the_rules_read():
    """Tests that the household fields marked as defining a class are
    exactly the attributes the rule and criterion records read."""
    assert set(HouseholdArrays.class_fields()) == set(CLASS_FIELDS)
    assert set(CLASS_FIELDS) <= set(HouseholdArrays.per_row_fields())


def test_a_municipalitys_own_rules_are_read_as_local_attributes(compiled):
    """Tests ``local_<rule>``: the municipality's own rule when the policy
    gives some, and missing otherwise, so the national value applies."""
    _, dwellings = compiled
    assert np.array_equal(dwellings.local_surplus,
                          dwellings.local["surplus"])
    national = compile_instance(generate("town", seed=0),
                                Policy()).candidates.dw
    assert getattr(national, "local_surplus", "national") == "national"
    with pytest.raises(AttributeError):
        dwellings.no_such_field  # noqa: B018


def test_the_arrays_survive_pickling(compiled):
    """Tests a round trip through pickle, as to a worker process."""
    for arrays in compiled:
        copy = pickle.loads(pickle.dumps(arrays))
        assert type(copy) is type(arrays)
        assert not getattr(copy, arrays.per_row_fields()[0]).flags.writeable
        for name in arrays.per_row_fields():
            if name != "local":
                assert np.array_equal(getattr(copy, name),
                                      getattr(arrays, name))
    assert np.array_equal(pickle.loads(pickle.dumps(compiled[1]))
                          .local_surplus, compiled[1].local_surplus)
