"""Placement tables in the instance forms, and placement outputs."""

from __future__ import annotations

import csv

import pytest

from allocator.generate import generate
from allocator.io import InputError, read_instance, write_instance
from allocator.placement import place
from allocator.placement.io import (
    read_placement,
    write_chained,
    write_placement,
)
from allocator.placement.modes import run_chained
from allocator.pseudonymise import pseudonymise_instance
from models import Policy


@pytest.fixture(scope="module")
def county():
    return generate("county", seed=0, scale=0.1, services=True, scores=True)


def _rewrite(path, row: int, column: str, value: str) -> None:
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[row][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_placement_tables_round_trip_through_every_form(county, tmp_path):
    """Tests that services, compatibility and scores survive CSV, XLSX
    and JSON unchanged."""
    instance = county.model_copy(update={"compatibility": (
        *county.compatibility,
    )})
    assert instance.pair_scores and instance.municipality_services
    write_instance(instance, tmp_path / "csv")
    assert (tmp_path / "csv" / "pair_scores.csv").is_file()
    from_csv = read_instance(tmp_path / "csv")
    write_instance(from_csv, tmp_path / "i.xlsx")
    from_xlsx = read_instance(tmp_path / "i.xlsx")
    write_instance(from_xlsx, tmp_path / "i.json")
    assert from_csv == instance
    assert from_xlsx == instance
    assert read_instance(tmp_path / "i.json") == instance


def test_a_missing_placement_file_is_an_empty_table(county, tmp_path):
    """Tests that an instance without pair_scores.csv reads with none."""
    write_instance(county, tmp_path / "csv")
    (tmp_path / "csv" / "pair_scores.csv").unlink()
    assert read_instance(tmp_path / "csv").pair_scores == ()


def test_bad_score_and_unknown_municipality_are_located(county, tmp_path):
    """
    Tests that a score that is not a number and a compatibility row
    naming an unknown municipality are reported by file, row and column.
    """
    folder = tmp_path / "csv"
    write_instance(county, folder)
    _rewrite(folder / "pair_scores.csv", 3, "score", "high")
    (folder / "compatibility.csv").write_text(
        "household,municipality,allowed\n"
        f"{county.households[0].id},K-9999,nei\n", encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        read_instance(folder)
    found = {(p.file, p.row, p.column) for p in info.value.problems}
    assert ("pair_scores.csv", 4, "score") in found  # line 4 of the file
    assert ("compatibility.csv", 2, "municipality") in found


def test_a_pair_listed_twice_is_a_contradiction(county, tmp_path):
    """Tests that the same household-municipality pair twice in the score
    table is reported on the second row."""
    folder = tmp_path / "csv"
    write_instance(county, folder)
    text = (folder / "pair_scores.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    (folder / "pair_scores.csv").write_text(
        "\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_instance(folder)
    problem = info.value.problems[0]
    assert problem.file == "pair_scores.csv"
    assert problem.rule == "contradictory-rows"
    assert "already listed in row 2" in problem.message


def test_pseudonymised_scores_follow_their_households(county, tmp_path):
    """Tests that pseudonymising households rewrites the placement tables
    with them, so placement gives the same objective."""
    write_instance(county, tmp_path / "csv")
    pseudonymise_instance(tmp_path / "csv", tmp_path / "pseudo",
                          tmp_path / "key.json")
    pseudo = read_instance(tmp_path / "pseudo")
    ids = {h.id for h in pseudo.households}
    assert {s.household for s in pseudo.pair_scores} <= ids
    policy = Policy.model_validate({"placement": {"score_weight": 100}})
    assert (place(pseudo, policy).proposal.objective.primary
            == place(county, policy).proposal.objective.primary)


def test_placement_files_are_written_and_read_back(county, tmp_path):
    """Tests that placement.json reads back equal, placement.csv has a row
    per household and the workbook lists every dimension's use."""
    policy = Policy.model_validate({"placement": {"score_weight": 100}})
    proposal = place(county, policy).proposal
    paths = write_placement(proposal, tmp_path)
    assert [p.name for p in paths] == ["placement.json", "placement.csv",
                                       "placement.xlsx"]
    assert read_placement(tmp_path) == proposal
    rows = list(csv.DictReader((tmp_path / "placement.csv").open()))
    assert len(rows) == len(county.households)
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "placement.xlsx")
    uses = list(book["municipalities"].values)
    assert len(uses) - 1 == len(county.municipalities) * 3


def test_chained_report_is_written(county, tmp_path):
    """Tests that chained.json and chained.csv hold every household."""
    outcome = run_chained(county, Policy(), time_limit=30)
    paths = write_chained(outcome.report, tmp_path)
    assert [p.name for p in paths] == ["chained.json", "chained.csv"]
    rows = list(csv.DictReader((tmp_path / "chained.csv").open()))
    assert len(rows) == len(county.households)
