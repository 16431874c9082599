"""Fuzz tallies: every fuzz test records its inputs and crashes, and the
run ends with one line summing them (``fuzz: N inputs, 0 crashes``)."""

from __future__ import annotations

FUZZ_PROPERTY = "fuzz"
"""User property a fuzz test records: ``(inputs, crashes)``."""

_totals = {"tests": 0, "inputs": 0, "crashes": 0}


def pytest_runtest_logreport(report):
    # Reports reach the controller from xdist workers with their user
    # properties, so the sum is right with and without -n.
    if report.when != "call":
        return
    for name, value in report.user_properties:
        if name == FUZZ_PROPERTY:
            inputs, crashes = value
            _totals["tests"] += 1
            _totals["inputs"] += inputs
            _totals["crashes"] += crashes


def pytest_terminal_summary(terminalreporter):
    if _totals["tests"]:
        terminalreporter.write_line(
            f"fuzz: {_totals['inputs']} inputs, {_totals['crashes']} "
            f"crashes ({_totals['tests']} fuzz tests)"
        )
