"""Validating a table a field at a time gives what validating it row by
row gives: the same objects, the same fields set, the same problems."""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path

import pytest
from pydantic import BaseModel, Field, ValidationInfo, field_validator

from allocator.io import InputError, read_instance
from allocator.io import assemble, tabular
from allocator.io.by_column import validate_columns
from allocator.io.columnar import MISSING
from allocator.io.layout import MEMBERS, row_model
from models import TABLES, Dwelling, Member, ServicePlaces
from models._base import StrictModel
from tests.robustness.norwegian import norwegian_excel_copy

TOWN = Path(__file__).resolve().parents[2] / "instances" / "samples" / "town"


def _state(value):
    """Everything an object holds, its type and its fields set included."""
    if isinstance(value, BaseModel):
        state = value.__getstate__()
        return (type(value), [(k, _state(v))
                              for k, v in state["__dict__"].items()],
                state["__pydantic_fields_set__"],
                state["__pydantic_extra__"], state["__pydantic_private__"])
    if isinstance(value, Enum):
        return (type(value), value.value)
    if isinstance(value, (tuple, list)):
        return (type(value), [_state(v) for v in value])
    if isinstance(value, (frozenset, set)):
        return (type(value), sorted(map(repr, map(_state, value))))
    if isinstance(value, dict):
        return (type(value), [(_state(k), _state(v))
                              for k, v in value.items()])
    return (type(value), value)


def _rows(columns: dict[str, list]) -> list[dict]:
    count = len(next(iter(columns.values())))
    return [{name: column[i] for name, column in columns.items()
             if column[i] is not MISSING} for i in range(count)]


DWELLINGS = {
    "id": [" D-1 ", "D-2", "D-3"],
    "municipality": ["K-1", "K-1", "K-2"],
    "area": ["A-1", "A-2", "A-3"],
    "bedrooms": ["2", 3, "0"],
    "floor_area_m2": ["54.5", "60", 31.0],
    "floor": [MISSING, "-1", "4"],
    "step_free": [True, MISSING, False],
    "features": [["waterfront", "noise"], MISSING, []],
    "tenure": ["sublet", MISSING, "municipal"],
    "available_from": ["2025-03-01", date(2025, 4, 1), "2025-05-01"],
    "lease_months": [MISSING, MISSING, "12"],
}
"""Dwellings as the columnar parser gives them: text, typed values and
blank cells (``MISSING``)."""


def _sparse(columns: dict[str, list]) -> frozenset[str]:
    return frozenset(name for name, column in columns.items()
                     if any(value is MISSING for value in column))


def test_validate_columns_gives_what_model_validate_gives():
    """
    Tests that dwellings validated a field at a time are the objects
    ``model_validate`` makes of each row: values, defaults of the blank
    cells and the fields set.
    """
    rows = validate_columns(Dwelling, DWELLINGS, 3, _sparse(DWELLINGS))
    expected = [Dwelling.model_validate(row) for row in _rows(DWELLINGS)]
    assert rows == expected
    assert list(map(_state, rows)) == list(map(_state, expected))


@pytest.mark.parametrize("change", [
    {"bedrooms": ["2", "abc", "0"]},
    {"floor": [MISSING, "-9", "4"]},
    {"tenure": ["sublet", "castle", "municipal"]},
    {"area": ["A-1", MISSING, "A-3"]},
    {"unknown": ["x", "y", "z"]},
])
def test_validate_columns_gives_up_on_a_row_model_validate_refuses(change):
    """
    Tests that a table with a value the model refuses, a required field
    left out or a field outside the model is left to row by row
    validation, which names the problem.
    """
    columns = {**DWELLINGS, **change}
    with pytest.raises(ValueError):
        for row in _rows(columns):
            Dwelling.model_validate(row)
    assert validate_columns(Dwelling, columns, 3, _sparse(columns)) is None


class _ReadsOtherFields(StrictModel):
    low: int
    high: int

    @field_validator("high")
    @classmethod
    def _above_low(cls, value: int, info: ValidationInfo) -> int:
        if value < info.data.get("low", value):
            raise ValueError("high below low")
        return value


def test_models_whose_rows_are_more_than_their_fields_are_left_alone():
    """
    Tests that a model with a model validator, or with a field validator
    reading the row's other fields, is never validated a field at a
    time.
    """
    columns = {"low": ["1"], "high": ["2"]}
    assert validate_columns(_ReadsOtherFields, columns, 1) is None
    assert validate_columns(ServicePlaces, {}, 1) is None


def test_every_table_of_an_instance_is_validated_by_column():
    """
    Tests that the row models of the instance's tables and its members
    take the fast path, so that it is not silently lost.
    """
    for model in (*(row_model(table) for table in TABLES), Member):
        assert validate_columns(model, {}, 0) == [], model


def _row_by_row(monkeypatch) -> None:
    monkeypatch.setattr(assemble, "validate_columns", lambda *a: None)
    monkeypatch.setattr(tabular, "_nest_by_column", lambda *a: False)


def _read(path: Path):
    try:
        return _state(read_instance(path))
    except InputError as error:
        return error.problems


@pytest.mark.parametrize("edit", [
    None,
    ("households.csv", "H-00002,", "H-00002 ,"),
    ("dwellings.csv", ",municipal,", ",kommunal,"),
    ("members.csv", ",head", ",leader"),
    ("households.csv", ",SY,", ",S1,"),
    ("members.csv", "H-00003,", "H-99999,"),
])
def test_reading_by_column_and_by_row_give_the_same(
        tmp_path, monkeypatch, edit):
    """
    Tests that the town, in its own form and as Norwegian Excel writes
    it, whole or with a cell changed, reads into the same instance
    (every object's fields set included) or the same problems by column
    as row by row.
    """
    for name, source in (("town", TOWN), ("nb", None)):
        folder = tmp_path / name
        if source is None:
            norwegian_excel_copy(tmp_path / "town", folder)
        else:
            folder.mkdir()
            for path in source.iterdir():
                (folder / path.name).write_bytes(path.read_bytes())
            if edit is not None:
                file, old, new = edit
                text = (folder / file).read_text("utf-8")
                assert old in text
                (folder / file).write_text(text.replace(old, new, 1),
                                           "utf-8")
    for folder in (tmp_path / "town", tmp_path / "nb"):
        by_column = _read(folder)
        with monkeypatch.context() as patch:
            _row_by_row(patch)
            assert _read(folder) == by_column


def test_members_nested_by_column_point_at_their_rows(tmp_path):
    """
    Tests that a problem with a member found after nesting by column
    (a household with two heads) names the member's own row.
    """
    folder = tmp_path / "town"
    folder.mkdir()
    for path in TOWN.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    lines = (folder / f"{MEMBERS}.csv").read_text("utf-8").splitlines()
    household = lines[1].split(",")[0]
    lines.append(f"{household},40,M,head")
    (folder / f"{MEMBERS}.csv").write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(InputError) as raised:
        read_instance(folder)
    assert any(p.file == f"{MEMBERS}.csv" for p in raised.value.problems)


class _DefaultFromOtherFields(StrictModel):
    low: int
    high: int = Field(default_factory=lambda data: data["low"] + 1)


def test_a_default_made_from_the_other_fields_is_left_to_rows():
    """
    Tests that a model whose default factory reads the row's other
    fields is never validated a field at a time.
    """
    assert validate_columns(_DefaultFromOtherFields, {"low": ["1"]}, 1) \
        is None
