"""Sensitive household fields stay out of logs and default exports."""

from __future__ import annotations

import csv
import inspect
import io
import json
import logging
import stat
from pathlib import Path

import openpyxl
import pytest

from allocator.cli import main
from allocator.io import (
    read_instance,
    read_proposal,
    write_instance,
    write_sensitive_export,
)
from allocator.io.sensitive import WARNING, need_breaches
from allocator.pipeline import propose
from models import SENSITIVE_FIELDS, Policy

ROOT = Path(__file__).resolve().parents[2]
TOWN = ROOT / "instances" / "samples" / "town"

TELLING = ("waterfront", "trauma", "drowning", "step_free", "step-free",
           "ground_floor", "basement", "follow_up", "follow-up",
           "wheelchair", "disab")
"""Words that would give a household's need away."""


def _with_needs(instance):
    """
    The town with every sensitive field set on households, cycling
    through the distinctive values: step-free, ground floor, no basement,
    waterfront to avoid, health follow-up.
    """
    households = []
    for k, h in enumerate(instance.households):
        update = {
            "needs_step_free": k % 5 == 0,
            "needs_ground_floor": k % 5 == 1,
            "needs_no_basement": k % 5 == 2 or None,
            "avoid_features": frozenset({"waterfront"}) if k % 5 == 3
            else frozenset(),
            "health_follow_up": k % 5 == 4,
        }
        households.append(h.model_copy(update=update))
    # A waterfront on most dwellings, so avoiding it rules many out (and
    # so gives an exclusion count in the proposal).
    dwellings = tuple(
        d.model_copy(update={"features": d.features | {"waterfront"}})
        if k % 4 else d
        for k, d in enumerate(instance.dwellings)
    )
    return instance.model_copy(update={
        "households": tuple(households), "dwellings": dwellings,
    })


@pytest.fixture(scope="module")
def needy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("needy") / "town"
    instance = _with_needs(read_instance(TOWN))
    write_instance(instance, folder)
    # Round trip, so the instance is validated as the command reads it.
    return folder, read_instance(folder)


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_whole_chain_keeps_sensitive_fields_out_of_logs_and_exports(
    needy, tmp_path, caplog, capfd
):
    """
    Tests the chain validate, solve, check and explain through the command
    line with logging at DEBUG: neither the logs nor the terminal output
    name a sensitive field or a telling word, and proposal.json, .csv and
    .xlsx hold no key, column or text named like a sensitive field; while
    the sensitive export, when asked for, holds them all.
    """
    folder, instance = needy
    out = tmp_path / "proposal"
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG):
            assert main(["validate", str(folder)]) == 0
            assert main(["solve", str(folder), "--out", str(out)]) == 0
            assert main(["check", str(folder),
                         str(out / "proposal.json")]) == 0
            proposal = read_proposal(out / "proposal.json")
            for item in (*proposal.matches[:5], *proposal.unmatched):
                assert main(["explain", str(out / "proposal.json"),
                             "--household", item.household]) == 0
    finally:
        root.setLevel(level)
    captured = capfd.readouterr()
    logs = caplog.text + captured.out + captured.err
    assert proposal.unmatched, "the test needs households left waiting"
    assert any(
        "individual_need" in u.excluded_by for u in proposal.unmatched
    ), "some household must have dwellings ruled out by an avoided feature"
    lowered = logs.lower()
    for word in (*SENSITIVE_FIELDS, *TELLING):
        assert word not in lowered, word

    document = json.loads((out / "proposal.json").read_text())
    assert not _keys(document) & SENSITIVE_FIELDS
    exported = (out / "proposal.json").read_text().lower()
    exported += (out / "proposal.csv").read_text().lower()
    book = openpyxl.load_workbook(out / "proposal.xlsx", read_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            exported += " ".join(str(v) for v in row if v is not None)
    book.close()
    for word in (*SENSITIVE_FIELDS, *TELLING):
        assert word not in exported, word

    path = tmp_path / "apart" / "sensitive.csv"
    write_sensitive_export(instance, proposal, path)
    text = path.read_text()
    assert text.splitlines()[0] == WARNING
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for name in SENSITIVE_FIELDS:
        assert name in text
    assert "waterfront" in text


def test_sensitive_export_counts_what_each_need_rules_out(needy, tmp_path):
    """
    Tests the sensitive export row by row: the household's own values,
    and per need the dwellings it rules out, agreeing with the
    compiler's exclusion counts for households left with none eligible.
    """
    _, instance = needy
    outcome = propose(instance)
    path = tmp_path / "sensitive.csv"
    write_sensitive_export(instance, outcome.proposal, path)
    lines = path.read_text().splitlines()
    rows = {r["household"]: r for r in csv.DictReader(io.StringIO(
        "\n".join(lines[1:])
    ))}
    assert set(rows) == {h.id for h in instance.households}
    matched = {m.household: m.dwelling for m in outcome.proposal.matches}
    policy = Policy()
    for h in instance.households:
        row = rows[h.id]
        assert row["dwelling"] == matched.get(h.id, "")
        assert row["needs_step_free"] == str(h.needs_step_free).lower()
        assert row["needs_no_basement"] == (
            "" if h.needs_no_basement is None else "true"
        )
        assert row["avoid_features"] == (
            "waterfront" if h.avoid_features else "none"
        )
        expected = sum(
            "avoid_features" in need_breaches(h, d, policy)
            for d in instance.dwellings
        )
        assert int(row["ruled_out_by_avoid_features"]) == expected
    need_columns = [c for c in next(iter(rows.values()))
                    if c.startswith("ruled_out_by_")]
    for u in outcome.proposal.unmatched:
        total = u.excluded_by.get("individual_need", 0)
        each = [int(rows[u.household][c]) for c in need_columns]
        # One rule covers every individual need: it rules out at least
        # what each need does, and at most what they do together.
        assert max(each, default=0) <= total <= sum(each)


def test_proposals_name_no_kind_of_individual_need(needy, tmp_path):
    """
    Tests that exclusions by accessibility needs and avoided features
    are counted under the one neutral rule ``individual_need``, in memory
    and in the written files, which read back equal.
    """
    from allocator.io import write_proposal

    _, instance = needy
    proposal = propose(instance).proposal
    rules = {r for u in proposal.unmatched for r in u.excluded_by}
    assert "individual_need" in rules
    assert not rules & {"avoid_features", "accessibility"}
    write_proposal(proposal, tmp_path)
    assert read_proposal(tmp_path) == proposal


def test_solve_writes_the_sensitive_export_only_when_asked(needy, tmp_path):
    """
    Tests ``allocator solve --export-sensitive FILE``: without the option
    nothing sensitive is written; with it, the file (mode 0600, headed
    by the warning) holds every sensitive field.
    """
    from allocator import cli

    assert "export_sensitive" in inspect.signature(cli.solve).parameters
    folder, _ = needy
    out = tmp_path / "proposal"
    assert main(["solve", str(folder), "--out", str(out)]) == 0
    for path in out.iterdir():
        assert "avoid_features" not in path.read_bytes().decode(
            "utf-8", errors="replace"
        )
    target = tmp_path / "apart" / "sensitive.csv"
    assert main(["solve", str(folder), "--out", str(out),
                 "--export-sensitive", str(target)]) == 0
    text = target.read_text()
    assert text.splitlines()[0] == WARNING
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    for name in SENSITIVE_FIELDS:
        assert name in text
