"""Placement data as analysts have it: wide matrices, missing values,
names with spaces, no dwellings, the score objective stated plainly."""

from __future__ import annotations

import csv
import json

import pytest

from allocator.cli import main
from allocator.io import FormatReport, InputError, read_instance
from allocator.placement import place, run_chained
from allocator.requirements import MODE_UNAVAILABLE, ModeUnavailable
from models import Policy

MUNICIPALITIES = ("CA-Los Angeles", "TX-El Paso", "NY-New York City")

SCORES = [
    ["case", *MUNICIPALITIES],
    ["case 1", "0.4371", "NA", "0.1"],
    ["case 2", "0.1", "0.25", "-"],
    ["case 3", "-", "0.3", ""],
    ["case 4", "0.04", "0.2", "N/A"],
]
"""Predicted employment: a wide matrix with missing cells."""

COMPATIBLE = [
    ["case", *MUNICIPALITIES],
    ["case 1", "1", "", "1"],
    ["case 2", "1", "1", ""],
    ["case 3", "NA", "1", ""],
    ["case 4", "1", "1", "-"],
]
"""A 0/1 compatibility matrix that lists only allowed pairs (1s)."""


def _write(path, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _members(case: int, children: int, adults: int, seniors: int):
    ages = [35] * adults + [70] * seniors + [8] * children
    return [[f"case {case}", age, "head" if k == 0 else
             ("child" if age == 8 else "other")]
            for k, age in enumerate(ages)]


@pytest.fixture
def folder(tmp_path):
    """Cases with children, adults and seniors; localities with
    capacities in the three; wide score and compatibility matrices; no
    areas, dwellings, permit dates or sexes."""
    root = tmp_path / "agency"
    root.mkdir()
    _write(root / "instance.csv", [["name", "as_of"],
                                   ["agency", "2025-03-01"]])
    _write(root / "municipalities.csv", [
        ["id", "quota_children", "quota_adults", "quota_seniors"],
        ["CA-Los Angeles", 1, 2, 0],
        ["TX-El Paso", 2, 2, 1],
        ["NY-New York City", 0, 1, 0],
    ])
    _write(root / "households.csv", [["id"]] + [[f"case {k}"]
                                               for k in range(1, 5)])
    _write(root / "members.csv", [["household_id", "age", "relation"],
                                  *_members(1, 0, 1, 0),
                                  *_members(2, 1, 1, 0),
                                  *_members(3, 0, 1, 1),
                                  *_members(4, 1, 1, 0)])
    _write(root / "pair_scores.csv", SCORES)
    _write(root / "compatibility.csv", COMPATIBLE)
    return root


def test_wide_matrices_with_spaces_and_missing_cells_validate_and_place(
        folder, tmp_path, capsys):
    """
    Tests that an instance of wide matrices, names with spaces and NA
    cells, without dwelling tables, validates (saying what it read and
    that unlisted pairs are forbidden) and places by the score preset,
    with the names kept in every output and the score total shown to the
    data's precision.
    """
    assert main(["validate", str(folder)]) == 0
    said = capsys.readouterr().out
    assert "wide matrix, 4 households x 3 municipalities" in said
    assert "allowed pairs only" in said
    assert "forbidden (policy default" in said
    instance = read_instance(folder)
    assert {s.score for s in instance.pair_scores} == {
        0.4371, 0.1, 0.25, 0.3, 0.04, 0.2}
    assert len(instance.pair_scores) == 7
    assert len(instance.compatibility) == 7
    assert instance.dwellings == () and instance.areas == ()

    out = tmp_path / "placed"
    assert main(["place", str(folder), "--policy", "score",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr()
    placement = json.loads((out / "placement.json").read_text())
    where = {p["household"]: p["municipality"]
             for p in placement["placements"]}
    # Case 3's senior needs El Paso, which then has one adult's place
    # left for case 2 or case 4; Los Angeles one child's place: case 4
    # scores 0.2 - 0.04 more in El Paso, case 2 only 0.25 - 0.1.
    assert where == {"case 1": "CA-Los Angeles", "case 2": "CA-Los Angeles",
                     "case 3": "TX-El Paso", "case 4": "TX-El Paso"}
    assert placement["kpis"]["pair_score_total"] == 1.0371
    assert "1.0371" in printed.out
    rows = list(csv.DictReader((out / "placement.csv").open()))
    assert {r["municipality"] for r in rows} == {"CA-Los Angeles",
                                                 "TX-El Paso"}
    assert main(["place", str(folder), "--policy", "score",
                 "--check", str(out / "placement.json")]) == 0


def test_the_same_matrices_read_from_a_workbook(folder, tmp_path):
    """Tests that the wide matrices read the same from XLSX sheets, with
    numbers as numbers and NA as text."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for path in sorted(folder.glob("*.csv")):
        sheet = book.create_sheet(path.stem)
        for row in csv.reader(path.open(encoding="utf-8")):
            sheet.append([float(c) if c.replace(".", "", 1).isdigit()
                          else c for c in row])
    book.save(tmp_path / "agency.xlsx")
    report = FormatReport()
    from_xlsx = read_instance(tmp_path / "agency.xlsx", report)
    from_csv = read_instance(folder)
    assert from_xlsx.pair_scores == from_csv.pair_scores
    assert from_xlsx.compatibility == from_csv.compatibility
    assert "wide matrix" in report.describe()


def test_a_bad_matrix_cell_is_located_at_its_municipality(folder):
    """Tests that a cell that is neither a number nor missing is reported
    at its row and the municipality's column, once."""
    rows = [list(r) for r in SCORES]
    rows[2][2] = "high"
    _write(folder / "pair_scores.csv", rows)
    with pytest.raises(InputError) as info:
        read_instance(folder)
    assert [(p.file, p.row, p.column, p.rule)
            for p in info.value.problems] == [
        ("pair_scores.csv", 3, "TX-El Paso", "wrong-type")]


def test_na_in_a_long_score_table_is_a_missing_score(folder):
    """Tests that NA, - and blank in the score column of a long table
    leave the pair without a score instead of failing."""
    _write(folder / "pair_scores.csv", [
        ["household", "municipality", "score"],
        ["case 1", "CA-Los Angeles", "0.5"],
        ["case 1", "TX-El Paso", "NA"],
        ["case 2", "TX-El Paso", "-"],
        ["case 3", "TX-El Paso", ""],
    ])
    assert [(s.household, s.score) for s in
            read_instance(folder).pair_scores] == [("case 1", 0.5)]


def test_a_placement_instance_without_dwelling_tables_validates(folder):
    """Tests that an instance with no areas, dwellings, permit dates or
    members' sex validates and places by score, and that the priority
    objective says it needs permit dates, naming the mode."""
    instance = read_instance(folder)
    assert all(h.permit_date is None for h in instance.households)
    assert place(instance, Policy.model_validate(
        {"placement": {"objective": "score"}})).check.ok
    with pytest.raises(ModeUnavailable, match="placement cannot run"):
        place(instance, Policy())


def test_chained_mode_without_dwellings_exits_with_its_status(
        folder, tmp_path, capsys):
    """
    Tests that chained, dwelling-first and compare modes on data without
    dwellings stop with exit status 5 (MODE_UNAVAILABLE) and a message
    naming the mode and what is missing, writing nothing; and that the
    API raises the same.
    """
    for mode in ("chained", "dwelling-first", "compare"):
        out = tmp_path / mode
        code = main(["place", str(folder), "--policy", "score", "--mode",
                     mode, "--out", str(out)])
        assert code == MODE_UNAVAILABLE == 5
        said = capsys.readouterr().err
        assert f"{mode} mode cannot run on this instance" in said
        assert "no dwellings" in said
        assert not out.exists()
    assert main(["solve", str(folder), "--out",
                 str(tmp_path / "solve")]) == MODE_UNAVAILABLE
    assert "solve cannot run" in capsys.readouterr().err
    with pytest.raises(ModeUnavailable, match="chained mode"):
        run_chained(read_instance(folder), Policy())


def test_the_readmes_worked_examples_of_the_three_objectives():
    """
    Tests the README's example: one place, A with priority 150 and score
    0.2, B with priority 120 and score 0.9. Lexicographic places A with
    objective (150, 20); weighted (housed 1) places B, 120 + 90 = 210;
    the score objective places B.
    """
    from tests.placement.helpers import (
        household,
        municipality,
        placement_instance,
    )

    instance = placement_instance(
        [household("A", waited=91), household("B", waited=37)],
        [municipality("K-1", households=1)],
        scores=[("A", "K-1", 0.2), ("B", "K-1", 0.9)],
    )
    lexicographic = Policy.model_validate(
        {"placement": {"score_weight": 100}})
    weighted = Policy.model_validate({
        "objective": "weighted", "weights": {"housed": 1},
        "placement": {"score_weight": 100}})
    by_score = Policy.model_validate({"placement": {"objective": "score"}})
    first = place(instance, lexicographic).proposal
    assert [(p.household, p.priority) for p in first.placements] == [
        ("A", 150)]
    assert (first.objective.primary, first.objective.secondary) == (150, 20)
    assert next(u for u in first.unplaced).priority == 120
    second = place(instance, weighted).proposal
    assert [p.household for p in second.placements] == ["B"]
    assert second.objective.value == 210
    third = place(instance, by_score).proposal
    assert [p.household for p in third.placements] == ["B"]
    assert "B (score 0.9 there)" in third.unplaced[0].message
