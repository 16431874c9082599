"""Validate rows, check cross-row rules and build an Instance, locating
every problem in the file the user wrote."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Protocol

from pydantic import BaseModel, TypeAdapter, ValidationError

from models import TABLES, Instance, Problem, instance_problems

from ..i18n import _
from .by_column import validate_columns, validates_by_column
from .columnar import ValueColumns
from .layout import HEADER, row_model
from .problems import InputError, LocatedProblem, message_of, rule_of

# Which table each reference field points into, so that a reference to a
# row that exists but failed validation is not reported a second time as
# unknown. A field missing here falls back to every table's failed ids.
REFERENCES = {
    ("municipalities", "centre_node"): "nodes",
    ("areas", "municipality"): "municipalities",
    ("buildings", "area"): "areas",
    ("area_nationalities", "area"): "areas",
    ("edges", "source"): "nodes",
    ("edges", "target"): "nodes",
    ("sites", "node"): "nodes",
    ("travel_times", "dwelling"): "dwellings",
    ("dwellings", "municipality"): "municipalities",
    ("dwellings", "area"): "areas",
    ("dwellings", "building"): "buildings",
    ("dwellings", "node"): "nodes",
    ("households", "assigned_municipality"): "municipalities",
    ("households", "current_dwelling"): "dwellings",
    ("households", "wish_near_node"): "nodes",
    ("households", "current_school"): "sites",
    ("decisions", "household"): "households",
    ("decisions", "dwelling"): "dwellings",
    ("municipality_services", "municipality"): "municipalities",
    ("compatibility", "household"): "households",
    ("compatibility", "municipality"): "municipalities",
    ("pair_scores", "household"): "households",
    ("pair_scores", "municipality"): "municipalities",
    ("dwellings", "found_by"): "households",
}


@dataclass
class Record:
    """
    One row as read, before validation.

    Parameters
    ----------
    number
        Row number as the user sees it (1-based; see ``LocatedProblem``).
    data
        Input for the row model.
    ignored
        Error locations already reported while reading (a missing column,
        an unparsable cell): pydantic's errors at or below them are dropped
        so that each problem is reported once.
    """

    number: int
    data: dict
    ignored: set[tuple] = field(default_factory=set)

    def is_ignored(self, loc: tuple) -> bool:
        return any(loc[: len(prefix)] == prefix for prefix in self.ignored)


class ColumnRecords(Sequence[Record]):
    """
    The records of a table whose every cell parsed, kept as the value
    columns the parser gave: validated a field at a time
    (``by_column``), and made into ``Record`` objects only when
    something asks for them (a row that does not validate, a problem to
    locate). A national instance has some 118,000 rows.

    Parameters
    ----------
    numbers
        Row number of each record as the user sees it.
    values
        The model input of the rows, a column per field.
    extra
        More columns of the input, by key, such as the parent key of a
        child table or the nested rows of a parent.
    """

    def __init__(self, numbers: list[int], values: ValueColumns,
                 extra: dict[str, list] | None = None) -> None:
        self.numbers = numbers
        self.values = values
        self.extra = dict(extra or {})

    def __len__(self) -> int:
        return len(self.numbers)

    def __getitem__(self, index):
        return self.records[index]

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records)

    @cached_property
    def records(self) -> list[Record]:
        """The records, each with its row's input."""
        records = [
            Record(number, row)
            for number, row in zip(self.numbers, self.values.rows(),
                                   strict=True)
        ]
        for key, column in self.extra.items():
            for record, value in zip(records, column, strict=True):
                record.data[key] = value
        return records

    def validated(self, model: type[BaseModel]) -> list | None:
        """
        The rows validated a field at a time, while no ``Record`` was
        made (whose input may since have changed); else ``None``.
        """
        if "records" in self.__dict__:
            return None
        return validate_columns(
            model, {**self.values.columns, **self.extra}, len(self),
            self.values.sparse)


class Locator(Protocol):
    """Turns a place in the instance into a place in the user's files."""

    def at(
        self, table: str, number: int | None, path: tuple
    ) -> tuple[str, int | None, str | None]:
        """File, row and column of ``path`` within row ``number``."""

    def describe(self, table: str, number: int) -> str:
        """Words naming a row, e.g. ``"row 7 of dwellings.csv"``."""


@dataclass
class Parsed:
    """
    Everything a reader got out of the files, ready for validation.

    Parameters
    ----------
    header
        The row holding the instance's own fields, if it could be read.
    tables
        Table name -> records, for every table in ``models.TABLES``.
    unreadable
        Tables that could not be read at all (a missing or broken file):
        references into them are not reported as unknown.
    problems
        Problems found while reading.
    locator
        Maps instance locations back to files.
    """

    header: Record | None
    tables: dict[str, Sequence[Record]]
    unreadable: set[str]
    problems: list[LocatedProblem]
    locator: Locator


@dataclass
class _Validated:
    """Rows that validated, and what is known about those that did not."""

    rows: dict[str, list[BaseModel]] = field(default_factory=dict)
    numbers: dict[str, list[int]] = field(default_factory=dict)
    failed: dict[str, set[int]] = field(default_factory=dict)
    failed_ids: dict[str, set[str]] = field(default_factory=dict)


def build_instance(parsed: Parsed) -> Instance:
    """
    Validate every row, check the cross-row rules and build the instance.

    Parameters
    ----------
    parsed
        What a reader got out of the files.

    Returns
    -------
    Instance
        The validated instance.

    Raises
    ------
    InputError
        Listing every problem found, each located in the user's files.
    """
    problems = list(parsed.problems)
    problems.extend(_empty_required_tables(parsed))
    header = _validate_header(parsed, problems)
    validated = _validate_tables(parsed, problems)
    problems.extend(_duplicates_among_failed(parsed, validated))
    as_of = header.get("as_of") or date.max
    draft = Instance.model_construct(
        name=header.get("name", ""), as_of=as_of, **validated.rows
    )
    problems.extend(_cross_row_problems(draft, validated, parsed))
    if problems:
        raise InputError(problems)
    # Every row validated, the header's fields validated against
    # Instance's own field types and the cross-row rules passed on the
    # draft: the draft is the instance. ``Instance.model_validate`` would
    # run those same cross-row rules a second time (its model
    # validator), about a tenth of reading a national instance.
    return draft


def _empty_required_tables(parsed: Parsed) -> Iterator[LocatedProblem]:
    """Tables the instance needs at least one row of, but that have none."""
    for table in TABLES:
        if table in parsed.unreadable or parsed.tables.get(table):
            continue
        info = Instance.model_fields[table]
        if any(getattr(m, "min_length", 0) for m in info.metadata):
            file, row, column = parsed.locator.at(table, None, ())
            yield LocatedProblem(
                file, row, column, "required",
                _("At least one row is required in {table}.", table=table),
            )


def _validate_header(parsed: Parsed, problems: list) -> dict:
    record = parsed.header
    if record is None:
        return {}
    model = row_model(HEADER)
    try:
        return model.model_validate(record.data).model_dump()
    except ValidationError as error:
        problems.extend(
            locate_errors(parsed.locator, HEADER, record.number, error, record)
        )
    # Keep a valid as_of, so the cross-row checks that need the planning
    # date still run when only the name is wrong.
    try:
        as_of = TypeAdapter(date).validate_python(record.data.get("as_of"))
    except ValidationError:
        return {}
    return {"as_of": as_of}


def _validate_tables(parsed: Parsed, problems: list) -> _Validated:
    validated = _Validated()
    for table in TABLES:
        # The model's validator itself: ``model_validate`` adds a Python
        # call per row around the same validation.
        model = row_model(table)
        validate = model.__pydantic_validator__.validate_python
        records = parsed.tables.get(table, [])
        rows = _all_valid(model, validate, records)
        if rows is not None:
            numbers, failed = _numbers(records), set()
        else:
            rows, numbers, failed = _valid_rows(
                parsed, table, validate, records, problems
            )
        validated.rows[table] = tuple(rows)
        validated.numbers[table] = numbers
        validated.failed[table] = failed
        validated.failed_ids[table] = {
            _raw_id(r) for r in records if r.number in failed
        } - {None} if failed else set()
    return validated


def _all_valid(model: type[BaseModel], validate,
               records: Sequence[Record]) -> list | None:
    """
    Every row of a table, validated a field at a time where the model
    allows (``by_column``) and otherwise in one pass without a step of
    bookkeeping per row, when every row validates and none had a
    problem while reading (the common case); else ``None``.
    """
    if isinstance(records, ColumnRecords) and validates_by_column(model):
        # ``None``: a row the model refuses, which only the row by row
        # pass locates.
        return records.validated(model)
    if any(r.ignored for r in records):
        return None
    try:
        return [validate(r.data) for r in records]
    except ValidationError:
        return None


def _numbers(records: Sequence[Record]) -> list[int]:
    """The row number of each record, without making the records of a
    ``ColumnRecords``."""
    if isinstance(records, ColumnRecords):
        return list(records.numbers)
    return [r.number for r in records]


def _valid_rows(
    parsed: Parsed, table: str, validate, records: list[Record],
    problems: list,
) -> tuple[list, list[int], set[int]]:
    """The rows that validate, their row numbers and the numbers of the
    rows that do not, each problem located."""
    rows, numbers, failed = [], [], set()
    for record in records:
        try:
            row = validate(record.data)
        except ValidationError as error:
            problems.extend(
                locate_errors(
                    parsed.locator, table, record.number, error, record
                )
            )
            failed.add(record.number)
            continue
        if record.ignored:
            # A problem found while reading (an unparsable cell whose
            # field then took its default) makes the row fail even
            # though what remained validated.
            failed.add(record.number)
            continue
        rows.append(row)
        numbers.append(record.number)
    return rows, numbers, failed


def _raw_id(record: Record) -> str | None:
    value = record.data.get("id")
    return value.strip() if isinstance(value, str) else None


def locate_errors(
    locator: Locator,
    table: str,
    number: int | None,
    error: ValidationError,
    record: Record,
) -> Iterator[LocatedProblem]:
    """
    Located problems for the errors of one row's validation.

    Parameters
    ----------
    locator
        Maps the row and error location to file, row and column.
    table
        Table of the row.
    number
        Row number as the user sees it.
    error
        Pydantic's error for the row.
    record
        The row; errors at locations it ignores are left out.
    """
    entries = error.errors()
    # Pydantic counts a sequence's length after dropping the items that
    # failed, so one bad member also gives "at least 1 item ... not 0":
    # noise, since the item's own error says what is wrong.
    failed_items = {tuple(e["loc"][:-1]) for e in entries if len(e["loc"]) > 1}
    for entry in entries:
        loc = tuple(entry["loc"])
        if record.is_ignored(loc):
            continue
        if entry["type"] == "too_short" and any(
            item[: len(loc)] == loc for item in failed_items
        ):
            continue
        file, row, column = locator.at(table, number, loc)
        field_name = next(
            (p for p in reversed(loc) if isinstance(p, str)), None
        )
        yield LocatedProblem(
            file, row, column, rule_of(entry["type"]),
            message_of(entry, field_name),
        )


def _duplicates_among_failed(
    parsed: Parsed, validated: _Validated
) -> Iterator[LocatedProblem]:
    """
    Duplicate ids where one of the rows failed validation.

    ``instance_problems`` only sees rows that validated; a duplicate
    involving a broken row would otherwise stay hidden until that row is
    fixed.
    """
    for table in TABLES:
        if "id" not in row_model(table).model_fields:
            continue
        failed = validated.failed[table]
        if not failed:
            continue  # instance_problems reports every duplicate.
        seen: dict[str, Record] = {}
        for record in parsed.tables.get(table, []):
            key = _raw_id(record)
            if key is None:
                continue
            first = seen.setdefault(key, record)
            if first is record:
                continue
            if first.number not in failed and record.number not in failed:
                continue  # instance_problems reports this one.
            file, row, column = parsed.locator.at(
                table, record.number, ("id",)
            )
            yield LocatedProblem(
                file, row, column, "duplicate-id",
                _("id {key!r} already used in {row}.", key=key,
                  row=parsed.locator.describe(table, first.number)),
            )


def _cross_row_problems(
    draft: Instance, validated: _Validated, parsed: Parsed
) -> Iterator[LocatedProblem]:
    for problem in instance_problems(draft):
        if _is_noise(problem, draft, validated, parsed):
            continue
        yield _locate_problem(problem, validated, parsed.locator)


def _is_noise(
    problem: Problem, draft: Instance, validated: _Validated, parsed: Parsed
) -> bool:
    """Whether an unknown reference points at an existing, broken row."""
    if problem.rule != "unknown-reference" or len(problem.loc) < 3:
        return False
    table, index, name = problem.loc[:3]
    value = getattr(getattr(draft, table)[index], name)
    target = REFERENCES.get((table, name))
    if target is None:
        return any(value in ids for ids in validated.failed_ids.values())
    return target in parsed.unreadable or value in validated.failed_ids[target]


_ROW_OF_TABLE = re.compile(r"(?:row|rad) (\d+) (?:of|i) (\w+)")


def _locate_problem(
    problem: Problem, validated: _Validated, locator: Locator
) -> LocatedProblem:
    loc = problem.loc
    if not loc or loc[0] not in TABLES:
        file, row, column = locator.at(HEADER, None, tuple(loc))
    elif len(loc) == 1 or not isinstance(loc[1], int):
        file, row, column = locator.at(str(loc[0]), None, tuple(loc[1:]))
    else:
        table, index = str(loc[0]), loc[1]
        number = validated.numbers[table][index]
        file, row, column = locator.at(table, number, tuple(loc[2:]))

    # Messages from models/ count rows of the validated tables ("row 3 of
    # decisions"); rows that failed validation were left out of those, so
    # translate the count into the row the user sees.
    def translate(match: re.Match) -> str:
        table, index = match.group(2), int(match.group(1)) - 1
        numbers = validated.numbers.get(table)
        if numbers is None or not 0 <= index < len(numbers):
            return match.group(0)
        return locator.describe(table, numbers[index])

    message = _ROW_OF_TABLE.sub(translate, problem.message)
    return LocatedProblem(file, row, column, problem.rule, message)
