"""
Property-based fuzzing of the readers and validation: thousands of
malformed versions of the town sample, in every form, must each end in a
valid instance or an ``InputError`` whose problems are located; never in
any other exception. The run prints ``fuzz: N inputs, 0 crashes``.
"""

from __future__ import annotations

import os
import sys

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from . import fuzzing
from .conftest import FUZZ_PROPERTY


def fuzz(examples: int) -> settings:
    """Generate only (a crash is counted, not shrunk), with no deadline."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


OPERATIONS = {
    "csv": st.lists(fuzzing.csv_operation(), min_size=1, max_size=4),
    "json": st.lists(fuzzing.json_operation(), max_size=4),
    "json_text": fuzzing.json_text_operation(),
}

# Inputs per test, 10,000 in all, weighed by cost: reading the town takes
# about 10 ms from CSV, 5 ms from JSON and 50 ms from XLSX; a broken zip
# fails fast. The CSV and JSON readers share validation.
CSV_EXAMPLES = 1000
"""Per CSV fuzz test; two of them."""

JSON_EXAMPLES = 3600
"""Per JSON fuzz test; two of them."""

XLSX_EXAMPLES = {False: 600, True: 200}
"""Per XLSX fuzz test: whole-file damage (cheap), structured."""


def _finish(request, tally: fuzzing.Tally, expected: int) -> None:
    """
    Record the tally for the summary line, and check it. Under xdist the
    summary hook does not run in the controller (tests/robustness is not
    among the conftests it loads), so each worker prints its tests' own
    lines past the capture instead.
    """
    crashes = len(tally.crashes)
    request.node.user_properties.append(
        (FUZZ_PROPERTY, (tally.inputs, crashes))
    )
    if os.environ.get("PYTEST_XDIST_WORKER"):
        capsys = request.getfixturevalue("capsys")
        with capsys.disabled():
            sys.stderr.write(
                f"\nfuzz: {request.node.name}: {tally.inputs} inputs, "
                f"{crashes} crashes\n"
            )
    assert tally.inputs >= expected
    assert crashes == 0, (
        f"{crashes} crash(es) in {tally.inputs} inputs:\n"
        + "\n\n".join(tally.crashes)
    )


@pytest.mark.slow
@pytest.mark.parametrize("part", range(2))
def test_fuzz_csv_folder(request, part):
    """
    Tests the CSV folder reader on mutations of the town sample: byte
    flips, truncations, cell replacements (wrong types, huge and negative
    numbers, blanks, unicode, separators and quotes in cells), dropped,
    duplicated and renamed columns, dropped and duplicated rows, deleted,
    swapped, emptied and random files, folders in place of files, and
    re-encodings.
    """
    tally = fuzzing.Tally()
    workspace = fuzzing.Workspace(fuzzing.TOWN_FILES)

    @fuzz(CSV_EXAMPLES)
    @given(OPERATIONS["csv"])
    def run(operations):
        files = fuzzing.TOWN_FILES
        for operation in operations:
            files = fuzzing.apply_csv(files, operation)
        tally.run(workspace.set(files), operations)

    try:
        run()
    finally:
        workspace.close()
    _finish(request, tally, CSV_EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("part", range(2))
def test_fuzz_json(request, part):
    """
    Tests the JSON reader on mutations of the town sample: wrong values of
    every JSON type in every field, deleted keys, duplicated and dropped
    rows, tables and rows of the wrong type, deep nesting, extra keys,
    then truncations, byte flips, other encodings, 5000-digit numbers and
    random bytes.
    """
    tally = fuzzing.Tally()
    workspace = fuzzing.Workspace({})
    town = fuzzing.town_json()

    @fuzz(JSON_EXAMPLES)
    @given(OPERATIONS["json"], OPERATIONS["json_text"])
    def run(operations, last):
        document = dict(town)
        for operation in operations:
            fuzzing.apply_json(document, operation)
        data = fuzzing.json_bytes(document, last)
        tally.run(workspace.file("instance.json", data),
                  (operations, last))

    try:
        run()
    finally:
        workspace.close()
    _finish(request, tally, JSON_EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("structured", [False, True])
def test_fuzz_xlsx(request, structured):
    """
    Tests the XLSX reader on random bytes, truncated and flipped
    workbooks, and (structured) on cells replaced inside the sheets' XML
    by text, numbers, booleans, errors, dangling shared strings and
    dates, on broken XML, renamed sheets and missing zip members.
    """
    tally = fuzzing.Tally()
    workspace = fuzzing.Workspace({})
    town = fuzzing.town_xlsx()
    operations = fuzzing.xlsx_operation(structured)

    @fuzz(XLSX_EXAMPLES[structured])
    @given(operations)
    def run(operation):
        data = fuzzing.xlsx_bytes(town, operation)
        tally.run(workspace.file("instance.xlsx", data), operation)

    try:
        run()
    finally:
        workspace.close()
    _finish(request, tally, XLSX_EXAMPLES[structured])
