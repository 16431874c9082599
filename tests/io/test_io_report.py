"""Summary rows, problem formatting and schemas for the CLI commands."""

from __future__ import annotations

import pickle

from allocator.io import (
    InputError,
    LocatedProblem,
    format_problems,
    json_schemas,
    summary_rows,
)


def test_summary_rows_counts_what_was_read(instance):
    """
    Tests that the summary counts households by type, persons, dwellings by
    tenure and bedrooms, sites by kind and decisions by kind.
    """
    rows = dict(summary_rows(instance))
    assert rows["households"] == "4"
    assert rows["  unaccompanied minor"] == "1"
    assert rows["  family with children"] == "1"
    assert rows["persons"] == "8"
    assert rows["dwellings"] == "5"
    assert rows["  5+ bedroom(s)"] == "1"
    assert rows["  rent to own"] == "1"
    assert rows["  school"] == "1"
    assert rows["  lock"] == "1" and rows["  ban"] == "1"
    assert rows["as of"] == "2025-03-01"


def test_format_problems_sorts_by_file_then_row():
    """
    Tests that problems print as file:row:column: message [rule], sorted by
    file then row, leaving out parts that are not known.
    """
    problems = [
        LocatedProblem("b.csv", 3, "age", "wrong-type", "Bad age."),
        LocatedProblem("a.csv", 10, None, "required", "No members."),
        LocatedProblem("a.csv", 2, "id", "duplicate-id", "Again."),
        LocatedProblem("c.csv", None, None, "missing-file", "Missing."),
    ]
    assert format_problems(problems).splitlines() == [
        "a.csv:2:id: Again. [duplicate-id]",
        "a.csv:10: No members. [required]",
        "b.csv:3:age: Bad age. [wrong-type]",
        "c.csv: Missing. [missing-file]",
    ]


def test_input_error_message_lists_every_problem():
    """Tests that str(InputError) names the count and each problem."""
    error = InputError([
        LocatedProblem("a.csv", 2, "id", "duplicate-id", "Again."),
        LocatedProblem("a.csv", 3, "id", "duplicate-id", "Again."),
    ])
    assert str(error).startswith("2 problem(s)")
    assert "a.csv:3:id" in str(error)


def test_json_schemas_covers_the_three_documents():
    """Tests that schemas exist for instance, policy and proposal."""
    schemas = json_schemas()
    assert set(schemas) == {"instance", "policy", "proposal"}
    assert "households" in schemas["instance"]["properties"]
    assert schemas["policy"]["title"] == "Policy"


def test_input_error_survives_pickling():
    """Tests that an InputError keeps its problems through pickle."""
    error = InputError([LocatedProblem("a.csv", 2, "id", "r", "M.")])
    assert pickle.loads(pickle.dumps(error)).problems == error.problems
