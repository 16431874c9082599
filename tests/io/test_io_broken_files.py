"""Broken files and the JSON and XLSX forms' located problems."""

from __future__ import annotations

import json

import openpyxl
import pytest

from allocator.io import InputError, read_instance, write_instance


def only_problem(path):
    with pytest.raises(InputError) as caught:
        read_instance(path)
    (problem,) = caught.value.problems
    return problem


def test_read_instance_reports_random_bytes_as_xlsx(tmp_path):
    """Tests that random bytes named .xlsx give a located InputError."""
    path = tmp_path / "instance.xlsx"
    path.write_bytes(bytes(range(256)) * 8)
    problem = only_problem(path)
    assert (problem.file, problem.rule) == ("instance.xlsx", "unreadable")


def test_read_instance_reports_truncated_json(instance, tmp_path):
    """Tests that a truncated JSON file names the line it stops at."""
    path = tmp_path / "instance.json"
    write_instance(instance, path)
    text = path.read_text()
    path.write_text(text[: len(text) // 2])
    problem = only_problem(path)
    assert (problem.file, problem.rule) == ("instance.json", "syntax")
    assert "line" in problem.message


def test_read_instance_reports_non_utf8_csv(csv_dir):
    """
    Tests that Latin-1 bytes in a CSV file are reported with the row they
    are on, not as a UnicodeDecodeError.
    """
    path = csv_dir / "areas.csv"
    path.write_bytes(path.read_bytes().replace(b"Sentrum", b"S\xf8r"))
    problem = only_problem(csv_dir)
    assert (problem.file, problem.row, problem.rule) == (
        "areas.csv", 2, "encoding"
    )


def test_read_instance_reports_missing_path(tmp_path):
    """Tests that a path that does not exist is a located missing file."""
    problem = only_problem(tmp_path / "nowhere.json")
    assert (problem.file, problem.rule) == ("nowhere.json", "missing-file")


def test_read_instance_reports_single_csv_file(csv_dir):
    """Tests that one CSV file instead of its folder is explained."""
    problem = only_problem(csv_dir / "dwellings.csv")
    assert problem.rule == "unknown-format"
    assert "folder" in problem.message


def test_read_instance_locates_json_row_and_path(instance, tmp_path):
    """
    Tests that a JSON problem is located by 1-based row in its array and
    the JSON path of the field, nested members included.
    """
    path = tmp_path / "instance.json"
    write_instance(instance, path)
    document = json.loads(path.read_text())
    document["households"][0]["members"][2]["age"] = "abc"
    document["dwellings"][1]["area"] = "A-9"
    path.write_text(json.dumps(document))
    with pytest.raises(InputError) as caught:
        read_instance(path)
    located = {(p.row, p.column, p.rule) for p in caught.value.problems}
    assert located == {
        (1, "households[0].members[2].age", "wrong-type"),
        (2, "dwellings[1].area", "unknown-reference"),
    }


def test_read_instance_reports_unknown_json_field(instance, tmp_path):
    """Tests that an unknown field in a JSON row is an error at its path."""
    path = tmp_path / "instance.json"
    write_instance(instance, path)
    document = json.loads(path.read_text())
    document["areas"][1]["colour"] = "red"
    path.write_text(json.dumps(document))
    problem = only_problem(path)
    assert (problem.row, problem.column, problem.rule) == (
        2, "areas[1].colour", "unknown-field"
    )


def test_read_instance_reports_json_that_is_not_an_object(tmp_path):
    """Tests that a JSON array at the top is a located problem."""
    path = tmp_path / "instance.json"
    path.write_text("[1, 2]")
    assert only_problem(path).rule == "wrong-type"


def test_read_instance_locates_xlsx_cell(instance, tmp_path):
    """
    Tests that an XLSX problem names workbook and sheet, row and column,
    with typed cells (a number in a date column) normalised first.
    """
    path = tmp_path / "instance.xlsx"
    write_instance(instance, path)
    book = openpyxl.load_workbook(path)
    sheet = book["dwellings"]
    column = [c.value for c in sheet[1]].index("available_from") + 1
    sheet.cell(row=4, column=column, value=12.5)
    book.save(path)
    problem = only_problem(path)
    assert (problem.file, problem.row, problem.column, problem.rule) == (
        "instance.xlsx[dwellings]", 4, "available_from", "wrong-type"
    )


def test_read_instance_reports_missing_and_unknown_sheets(instance, tmp_path):
    """
    Tests that a renamed sheet is both unknown and missing (its Norwegian
    name, husstander, would be read as households).
    """
    path = tmp_path / "instance.xlsx"
    write_instance(instance, path)
    book = openpyxl.load_workbook(path)
    book["households"].title = "Familier"
    book.save(path)
    with pytest.raises(InputError) as caught:
        read_instance(path)
    located = {(p.file, p.rule) for p in caught.value.problems}
    assert located == {
        ("instance.xlsx[Familier]", "unknown-sheet"),
        ("instance.xlsx[households]", "missing-sheet"),
    }


def test_read_instance_reports_json_without_required_table(instance, tmp_path):
    """Tests that a JSON instance without municipalities names the missing
    table (areas and dwellings may be left out: placement needs
    neither)."""
    path = tmp_path / "instance.json"
    write_instance(instance, path)
    document = json.loads(path.read_text())
    del document["municipalities"]
    path.write_text(json.dumps(document))
    with pytest.raises(InputError) as caught:
        read_instance(path)
    assert ("instance.json", None, "municipalities", "required") in {
        (p.file, p.row, p.column, p.rule) for p in caught.value.problems
    }
