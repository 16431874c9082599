"""Proposals written as JSON, CSV and XLSX, and read back."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime

import openpyxl
import pytest

from allocator.io import InputError, read_proposal, write_proposal
from models import (
    SENSITIVE_FIELDS,
    Binding,
    Competitor,
    Kpis,
    Match,
    Objective,
    Proposal,
    Provenance,
    SolverStats,
    Unmatched,
)


@pytest.fixture(scope="module")
def proposal() -> Proposal:
    return Proposal(
        status="optimal",
        objective=Objective(
            mode="lexicographic", value=2_000_150, primary=2, secondary=150,
            scale=1_000_000, bound=2_000_150, gap=0.0,
        ),
        matches=(
            Match(
                household="H-2", dwelling="D-3", priority=250, quality=90,
                scores={"size_fit": 60, "services": 30}, rank=1, eligible=3,
                locked=True, waited_days=167,
            ),
            Match(
                household="H-1", dwelling="D-5", priority=310, quality=60,
                scores={"size_fit": 40, "condition": 20}, rank=2, eligible=2,
                waited_days=90, within_deadline=False,
            ),
        ),
        unmatched=(
            Unmatched(
                household="H-3", priority=200, reason="outcompeted",
                message="Every eligible dwelling went to a household with "
                "higher priority: H-1.",
                competitors=(
                    Competitor(household="H-1", dwelling="D-5", priority=310),
                ),
                waited_days=40,
            ),
            Unmatched(
                household="H-0", priority=150,
                reason="no_eligible_dwelling",
                message="0 of 5 dwellings have step-free access.",
                excluded_by={"accessibility": 5},
            ),
        ),
        binding=(
            Binding(rule="area_cap", subject="A-1", used=3, limit=3,
                    marginal_housed=1, message="One more place houses H-3."),
        ),
        conflicts=("lock H-2/D-3 kept",),
        kpis=Kpis(
            households=4, dwellings=5, housed=2, housed_within_deadline=1,
            housed_priority_group=1, priority_group=2, crowded=0,
            mean_surplus_bedrooms=0.5, shared=0,
            by_type={"single_adult": (1, 1), "unaccompanied_minor": (0, 1)},
            by_tenure={"municipal": 1}, area_refugee_share_after={"A-1": 0.1},
        ),
        solver=SolverStats(
            engine="flow", status="optimal", proven_optimal=True,
            build_seconds=0.01, solve_seconds=0.02, num_households=4,
            num_dwellings=5, num_pairs=9, detail={"arcs": "20"},
        ),
        provenance=Provenance(
            instance_name="tiny", instance_sha256="ab" * 32,
            as_of=date(2025, 3, 1), policy_name="default",
            policy_sha256="cd" * 32, versions={"allocator": "0.1.0"},
            created_at=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
        ),
    )


def test_write_proposal_roundtrips_through_json(proposal, tmp_path):
    """Tests that a written proposal reads back equal, by file or folder."""
    paths = write_proposal(proposal, tmp_path / "out")
    assert [p.name for p in paths] == [
        "proposal.json", "proposal.csv", "proposal.xlsx"
    ]
    assert read_proposal(paths[0]) == proposal
    assert read_proposal(tmp_path / "out") == proposal


def test_write_proposal_csv_has_one_row_per_household(proposal, tmp_path):
    """
    Tests that proposal.csv has a row per household, sorted by id, with
    score columns for matches and reasons for unmatched households.
    """
    write_proposal(proposal, tmp_path)
    with (tmp_path / "proposal.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["household"] for r in rows] == ["H-0", "H-1", "H-2", "H-3"]
    by_id = {r["household"]: r for r in rows}
    assert by_id["H-2"]["dwelling"] == "D-3"
    assert by_id["H-2"]["score_services"] == "30"
    assert by_id["H-1"]["score_condition"] == "20"
    assert by_id["H-3"]["matched"] == "false"
    assert by_id["H-3"]["reason"] == "outcompeted"
    assert by_id["H-0"]["dwelling"] == ""


def test_write_proposal_xlsx_has_the_five_sheets(proposal, tmp_path):
    """Tests that proposal.xlsx has the matches, unmatched, binding, kpis
    and solver sheets with one row per item."""
    write_proposal(proposal, tmp_path)
    book = openpyxl.load_workbook(tmp_path / "proposal.xlsx")
    assert book.sheetnames == [
        "matches", "unmatched", "binding", "kpis", "solver"
    ]
    assert book["matches"].max_row == 3
    assert book["unmatched"].max_row == 3
    assert book["binding"]["B2"].value == "A-1"
    kpis = {row[0]: row[1] for row in book["kpis"].iter_rows(
        min_row=2, values_only=True)}
    assert kpis["by_type.single_adult"] == "1 of 1"


def test_write_proposal_writes_no_sensitive_field(proposal, tmp_path):
    """Tests that no written file mentions a sensitive household field."""
    for path in write_proposal(proposal, tmp_path):
        if path.suffix != ".xlsx":
            text = path.read_text()
            assert not any(name in text for name in SENSITIVE_FIELDS)


def test_read_proposal_reports_located_problem(proposal, tmp_path):
    """Tests that an invalid proposal.json names the row and JSON path."""
    write_proposal(proposal, tmp_path)
    path = tmp_path / "proposal.json"
    document = json.loads(path.read_text())
    document["matches"][1]["rank"] = 0
    path.write_text(json.dumps(document))
    with pytest.raises(InputError) as caught:
        read_proposal(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.rule) == (
        "proposal.json", 2, "matches[1].rank", "out-of-range"
    )


def test_read_proposal_reports_missing_file(tmp_path):
    """Tests that a folder without proposal.json is a located problem."""
    with pytest.raises(InputError) as caught:
        read_proposal(tmp_path)
    assert caught.value.problems[0].rule == "missing-file"


def _made_at(proposal: Proposal, second: int) -> Proposal:
    made = datetime(2026, 1, 2, 3, 4, second, tzinfo=UTC)
    return proposal.model_copy(update={
        "provenance": proposal.provenance.model_copy(
            update={"created_at": made})})


@pytest.mark.parametrize("links", [True, False])
def test_history_keeps_every_earlier_proposal_whole(proposal, tmp_path,
                                                    monkeypatch, links):
    """Tests that three writes into one folder keep the first two
    proposals in its history, each with its own files and content,
    whether the file system takes hard links or they are copied."""
    import os

    if not links:
        def refuse(*args, **kwargs):
            raise OSError("no hard links here")

        monkeypatch.setattr(os, "link", refuse)
    out = tmp_path / "out"
    written = []
    for second in (1, 2, 3):
        made = _made_at(proposal, second)
        write_proposal(made, out, keep_history=True)
        written.append({name: (out / name).read_bytes() for name in
                        ("proposal.json", "proposal.csv")})
    kept = sorted(p.name for p in (out / "history").iterdir())
    assert len(kept) == 2
    for folder, files in zip(kept, written, strict=False):
        for name, content in files.items():
            assert (out / "history" / folder / name).read_bytes() == content
    assert read_proposal(out) == _made_at(proposal, 3)
