"""
A table's rows validated a field at a time: each field's column of
cells in one call of pydantic's validator for that field, the row
objects then made from the validated values.

Row by row, each row's input had to be a dict, and the reader made a
dict and a ``Record`` for each of a national instance's 118,000 rows
before pydantic validated it: some 0.3 s of 1.5 s of reading. Validated
a column at a time, the columnar parser's value columns go to pydantic
as they are; the validation and the objects cost about what pydantic's
own took (a column through a field's validator some 0.1 microseconds a
cell, an object made as below some 2). The validators are the model's
own (its core schema, its config), so every value, default and
coercion is the one row-by-row validation gives; what a column cannot
see (a model validator, a field validator reading the other fields, an
alias, private attributes) makes the model ineligible, and any error
sends the table back to the row by row path, whose messages locate each
problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache
from itertools import compress, repeat
from operator import is_not

from pydantic import BaseModel, ValidationError
from pydantic_core import SchemaValidator, core_schema

from .columnar import MISSING

_SHARED_DEFAULTS = (type(None), bool, int, float, str, date, Enum)
"""Types of the defaults that one validated value can stand for in
every row: immutable, as pydantic's own defaults of them are."""


@dataclass(frozen=True)
class _Field:
    """
    One field of a row model, as validated a column at a time.

    Parameters
    ----------
    name
        The field's name, also its key in the row input.
    column
        Validates a list of the field's inputs into a list of values.
    default
        The validated value of an absent input, made afresh each call;
        ``None`` when the field is required.
    shared
        Whether one value of ``default`` may serve every absent input.
    """

    name: str
    column: Callable[[list], list]
    default: Callable[[], object] | None
    shared: bool


class _Invalid(Exception):
    """A cell or a row the model does not take: the rows are then
    validated one by one, which locates each problem."""


def validates_by_column(model: type[BaseModel]) -> bool:
    """
    Whether ``validate_columns`` validates the rows of ``model``: when
    it does and gives ``None``, a row's input is one ``model`` refuses.

    Parameters
    ----------
    model
        The row model.
    """
    return _fields(model) is not None


def validate_columns(model: type[BaseModel], columns: dict[str, list],
                     count: int, sparse: frozenset[str] = frozenset()
                     ) -> list[BaseModel] | None:
    """
    The model object of every row, as ``model.model_validate`` gives it
    for the row's input, validated a field at a time.

    Parameters
    ----------
    model
        The row model.
    columns
        Field name -> the input of each row (``MISSING`` where the row
        leaves the field out); fields without a column are left out of
        every row.
    count
        Rows.
    sparse
        The fields whose column holds a ``MISSING``; the others hold
        none.

    Returns
    -------
    list or None
        The rows; ``None`` when the model cannot be validated a field at
        a time or when an input does not validate (the caller then
        validates row by row, which names each problem).
    """
    fields = _fields(model)
    if fields is None or not set(columns) <= {f.name for f in fields}:
        return None  # a field outside the model: pydantic's error
    if not count:
        return []
    try:
        values = [
            _column(field, columns.get(field.name), count,
                    field.name in sparse or field.name not in columns)
            for field in fields
        ]
    except _Invalid:
        return None
    given = _given(columns, count, sparse)
    return list(_objects(model, [f.name for f in fields], values, given))


def _column(field: _Field, inputs: list | None, count: int, absent: bool
            ) -> list:
    """The validated values of one field in every row (``absent``: in
    some rows, left out)."""
    if not absent:
        return _validated(field, inputs)
    if field.default is None:
        raise _Invalid  # a required field left out
    if inputs is None:
        inputs = [MISSING] * count
    validated = iter(_validated(
        field, [value for value in inputs if value is not MISSING]))
    if field.shared:
        default = field.default()
        return [default if value is MISSING else next(validated)
                for value in inputs]
    return [field.default() if value is MISSING else next(validated)
            for value in inputs]


def _validated(field: _Field, inputs: list) -> list:
    """The field's values of ``inputs``, validated in one call."""
    try:
        return field.column(inputs)
    except ValidationError:
        raise _Invalid from None


def _given(columns: dict[str, list], count: int, sparse: frozenset[str]
           ) -> list[set[str]]:
    """
    The fields each row's input gives: pydantic's fields set. Rows give
    few patterns of blank cells, so each row's set is a copy of its
    pattern's, the pattern found without a Python step per cell.
    """
    full = {name for name in columns if name not in sparse}
    names = [name for name in columns if name in sparse]
    if not names:
        return [full.copy() for _row in range(count)]
    present = [map(is_not, columns[name], repeat(MISSING)) for name in names]
    patterns: dict[tuple[bool, ...], set[str]] = {}
    given = []
    for pattern in zip(*present, strict=True):
        fields = patterns.get(pattern)
        if fields is None:
            fields = patterns[pattern] = full | set(compress(names, pattern))
        given.append(fields.copy())
    return given


def _objects(model: type[BaseModel], names: list[str], columns: list[list],
             given: list[set[str]]) -> Iterator[BaseModel]:
    """
    The model objects, set as pydantic's validator sets them: the
    values in field order, the fields given in the input as the fields
    set, no extra fields and no private attributes.
    """
    new = object.__new__
    # The slots' own setters: what ``object.__setattr__`` finds by name.
    set_values = BaseModel.__dict__["__dict__"].__set__
    set_given = BaseModel.__pydantic_fields_set__.__set__
    set_extra = BaseModel.__pydantic_extra__.__set__
    set_private = BaseModel.__pydantic_private__.__set__
    rows = map(dict, map(zip, repeat(names), zip(*columns)))
    for values, fields in zip(rows, given, strict=True):
        row = new(model)
        set_values(row, values)
        set_given(row, fields)
        set_extra(row, None)
        set_private(row, None)
        yield row


@cache
def _fields(model: type[BaseModel]) -> tuple[_Field, ...] | None:
    """
    The fields of ``model`` as validated a column at a time, or
    ``None`` when its rows are more than their fields (see the module's
    docstring).
    """
    schema = model.__pydantic_core_schema__
    definitions = []
    if schema["type"] == "definitions":
        definitions, schema = schema["definitions"], schema["schema"]
    config = schema.get("config")
    if (
        schema["type"] != "model"
        or schema.get("post_init") or schema.get("custom_init")
        or schema.get("root_model") or model.__private_attributes__
        or (config or {}).get("extra_fields_behavior") != "forbid"
    ):
        return None
    fields_schema = schema["schema"]
    if fields_schema["type"] != "model-fields" or _reads_other_fields(
            fields_schema):
        return None
    fields = []
    for name, field in fields_schema["fields"].items():
        if field.get("validation_alias") is not None:
            return None
        fields.append(_field(name, field, definitions, config))
    return tuple(fields)


def _field(name: str, field: dict, definitions: list,
           config: dict | None) -> _Field:
    """One field's column validator and its validated default."""
    column = SchemaValidator(
        core_schema.definitions_schema(
            core_schema.list_schema(field["schema"]), definitions),
        config,
    ).validate_python
    alone = SchemaValidator(
        core_schema.definitions_schema(
            core_schema.model_fields_schema({name: field}), definitions),
        config,
    ).validate_python
    try:
        value = alone({})[0][name]
    except ValidationError:
        return _Field(name, column, None, False)

    def default():
        return alone({})[0][name]

    shared = isinstance(value, _SHARED_DEFAULTS) or (
        isinstance(value, (frozenset, tuple)) and not value)
    return _Field(name, column, default, shared)


def _reads_other_fields(schema) -> bool:
    """
    Whether a validator in ``schema`` takes pydantic's ``info``, or a
    default factory the validated data, either of which gives it the
    row's other fields: validated in a column it would see none.
    """
    if isinstance(schema, dict):
        function = schema.get("function")
        if isinstance(function, dict) and function.get("type") == "with-info":
            return True
        if schema.get("default_factory_takes_data"):
            return True
        return any(map(_reads_other_fields, schema.values()))
    if isinstance(schema, (list, tuple)):
        return any(map(_reads_other_fields, schema))
    return False
