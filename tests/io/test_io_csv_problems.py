"""Located problems in a corrupted copy of a valid CSV instance."""

from __future__ import annotations

import pytest

from allocator.io import InputError, read_instance


def located(path) -> set[tuple]:
    """The (file, row, column, rule) of every problem reading ``path``."""
    with pytest.raises(InputError) as caught:
        read_instance(path)
    return {(p.file, p.row, p.column, p.rule) for p in caught.value.problems}


def test_read_instance_reports_wrong_type(csv_dir, edit_cell):
    """Tests that a member age 'abc' is located at its members.csv cell."""
    edit_cell(csv_dir / "members.csv", 3, "age", "abc")
    assert located(csv_dir) == {("members.csv", 3, "age", "wrong-type")}


def test_read_instance_reports_unknown_area(csv_dir, edit_cell):
    """Tests that a dwelling in an unknown area is located at its cell."""
    edit_cell(csv_dir / "dwellings.csv", 3, "area", "A-9")
    assert located(csv_dir) == {
        ("dwellings.csv", 3, "area", "unknown-reference")
    }


def test_read_instance_reports_duplicate_id(csv_dir, edit_cell):
    """
    Tests that a second dwelling with the same id is located at the later
    row, and that the message names the earlier row as the user sees it.
    """
    edit_cell(csv_dir / "dwellings.csv", 5, "id", "D-2")
    with pytest.raises(InputError) as caught:
        read_instance(csv_dir)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column, problem.rule) == (
        "dwellings.csv", 5, "id", "duplicate-id"
    )
    assert "row 3 of dwellings.csv" in problem.message


def test_read_instance_reports_missing_column_once(csv_dir, edit_rows):
    """
    Tests that a missing required column is one problem on the header row,
    not one per data row, and that rows referring to the broken dwellings
    raise no unknown-reference noise.
    """
    edit_rows(
        csv_dir / "dwellings.csv",
        lambda rows: [row[:6] + row[7:] for row in rows],  # drop bedrooms
    )
    assert located(csv_dir) == {
        ("dwellings.csv", 1, "bedrooms", "missing-column")
    }


def test_read_instance_reports_unknown_column(csv_dir, edit_rows):
    """Tests that an extra column is an error named on the header row."""
    edit_rows(
        csv_dir / "dwellings.csv",
        lambda rows: [rows[0] + ["colour"]] + [r + ["red"] for r in rows[1:]],
    )
    assert located(csv_dir) == {
        ("dwellings.csv", 1, "colour", "unknown-column")
    }


def test_read_instance_reports_duplicated_column(csv_dir, edit_rows):
    """Tests that a column named twice is an error on the header row."""
    edit_rows(
        csv_dir / "dwellings.csv",
        lambda rows: [r + [r[rows[0].index("rent_nok")]] for r in rows],
    )
    assert located(csv_dir) == {
        ("dwellings.csv", 1, "rent_nok", "duplicate-column")
    }


def test_read_instance_reports_dates_out_of_order(csv_dir, edit_cell):
    """Tests that available_until before available_from is located."""
    edit_cell(csv_dir / "dwellings.csv", 3, "available_until", "2024-01-01")
    assert located(csv_dir) == {
        ("dwellings.csv", 3, "available_until", "dates-out-of-order")
    }


def test_read_instance_reports_negative_rent(csv_dir, edit_cell):
    """Tests that a negative rent is out of range at its cell."""
    edit_cell(csv_dir / "dwellings.csv", 4, "rent_nok", "-100")
    assert located(csv_dir) == {
        ("dwellings.csv", 4, "rent_nok", "out-of-range")
    }


def test_read_instance_reports_child_older_than_parent_allows(
    csv_dir, edit_cell
):
    """
    Tests that a child too old for the household head is located at the
    child's row of members.csv.
    """
    edit_cell(csv_dir / "members.csv", 4, "age", "30")
    assert located(csv_dir) == {("members.csv", 4, "age", "member-age")}


def test_read_instance_reports_dwelling_on_unknown_node(csv_dir, edit_cell):
    """Tests that a dwelling on an unknown network node is located."""
    edit_cell(csv_dir / "dwellings.csv", 2, "node", "N-99")
    assert located(csv_dir) == {
        ("dwellings.csv", 2, "node", "unknown-reference")
    }


def test_read_instance_reports_member_of_unknown_household(
    csv_dir, edit_rows
):
    """Tests that a members row naming an unknown household is located."""
    edit_rows(csv_dir / "members.csv", lambda r: r + [["H-99", "30", "F", ""]])
    assert located(csv_dir) == {
        ("members.csv", 10, "household_id", "unknown-reference")
    }


def test_read_instance_reports_household_without_members(csv_dir, edit_rows):
    """Tests that a household with no rows in members.csv is located."""
    edit_rows(
        csv_dir / "members.csv",
        lambda rows: [r for r in rows if r[0] != "H-3"],
    )
    assert located(csv_dir) == {("households.csv", 4, None, "required")}


def test_read_instance_reports_area_in_other_municipality(csv_dir, edit_cell):
    """
    Tests that a dwelling whose area belongs to another municipality is a
    contradiction located at the dwelling's area cell.
    """
    edit_cell(csv_dir / "dwellings.csv", 3, "municipality", "K-2")
    assert located(csv_dir) == {
        ("dwellings.csv", 3, "area", "contradictory-rows")
    }


def test_read_instance_reports_missing_required_file(csv_dir):
    """
    Tests that a missing households.csv is one problem, with no noise from
    the members and decisions that refer to households.
    """
    (csv_dir / "households.csv").unlink()
    assert located(csv_dir) == {("households.csv", None, None, "missing-file")}


def test_read_instance_accepts_missing_optional_file(instance, csv_dir):
    """Tests that an absent optional table reads as empty."""
    (csv_dir / "area_nationalities.csv").unlink()
    assert read_instance(csv_dir) == instance.model_copy(
        update={"area_nationalities": ()}
    )


def test_read_instance_reports_empty_file(csv_dir):
    """Tests that an empty (zero-byte) file is reported as such."""
    (csv_dir / "edges.csv").write_bytes(b"")
    assert located(csv_dir) == {("edges.csv", None, None, "empty-file")}


def test_read_instance_reports_bad_boolean(csv_dir, edit_cell):
    """Tests that 'maybe' in a boolean column is a wrong type at its cell."""
    edit_cell(csv_dir / "dwellings.csv", 2, "step_free", "maybe")
    assert located(csv_dir) == {
        ("dwellings.csv", 2, "step_free", "wrong-type")
    }


def test_read_instance_hides_value_of_sensitive_field(csv_dir, edit_cell):
    """
    Tests that the message for a bad value in a sensitive household field
    does not repeat the value.
    """
    edit_cell(csv_dir / "households.csv", 2, "health_follow_up", "PTSD")
    with pytest.raises(InputError) as caught:
        read_instance(csv_dir)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (2, "health_follow_up")
    assert "PTSD" not in str(caught.value)


def test_read_instance_reports_refugees_above_residents(csv_dir, edit_cell):
    """Tests that more refugee households than residents is located."""
    edit_cell(csv_dir / "areas.csv", 2, "refugee_households", "500")
    assert located(csv_dir) == {
        ("areas.csv", 2, "refugee_households", "count-exceeds-total")
    }


def test_read_instance_reports_shared_rooms_above_bedrooms(csv_dir, edit_cell):
    """Tests that more rentable rooms than bedrooms is located."""
    edit_cell(csv_dir / "dwellings.csv", 3, "shared_rooms", "4")
    assert located(csv_dir) == {
        ("dwellings.csv", 3, "shared_rooms", "count-exceeds-total")
    }


def test_read_instance_reports_unknown_enum_value_in_set(csv_dir, edit_cell):
    """Tests that an unknown feature in a set cell is located at the cell."""
    edit_cell(csv_dir / "dwellings.csv", 2, "features", "waterfront|lava")
    assert located(csv_dir) == {
        ("dwellings.csv", 2, "features", "unknown-value")
    }


def test_read_instance_reports_bad_quota(csv_dir, edit_cell):
    """Tests that a quota column maps back from the nested quotas field."""
    edit_cell(csv_dir / "municipalities.csv", 2, "quota_persons", "-1")
    assert located(csv_dir) == {
        ("municipalities.csv", 2, "quota_persons", "out-of-range")
    }


def test_read_instance_reports_household_without_head(csv_dir, edit_cell):
    """
    Tests that a household whose head is relabelled has its missing head
    reported on its first members.csv row.
    """
    edit_cell(csv_dir / "members.csv", 8, "relation", "other")
    assert located(csv_dir) == {("members.csv", 8, None, "household-head")}


def test_read_instance_reports_duplicate_of_a_broken_row(csv_dir, edit_cell):
    """
    Tests that a duplicate id is reported even when the other row failed
    validation, beside that row's own problem.
    """
    edit_cell(csv_dir / "dwellings.csv", 5, "id", "D-2")
    edit_cell(csv_dir / "dwellings.csv", 3, "bedrooms", "two")
    assert located(csv_dir) == {
        ("dwellings.csv", 3, "bedrooms", "wrong-type"),
        ("dwellings.csv", 5, "id", "duplicate-id"),
    }


def test_read_instance_skips_references_to_broken_rows(csv_dir, edit_cell):
    """
    Tests that references to a row that exists but failed validation (the
    locked dwelling D-3) are not reported as unknown as well.
    """
    edit_cell(csv_dir / "dwellings.csv", 4, "floor_area_m2", "big")
    assert located(csv_dir) == {
        ("dwellings.csv", 4, "floor_area_m2", "wrong-type")
    }


def test_read_instance_reports_every_problem_at_once(
    csv_dir, edit_cell, edit_rows
):
    """
    Tests that a folder with problems in many files reports all of them in
    one InputError, in file then row order.
    """
    edit_cell(csv_dir / "members.csv", 3, "age", "abc")
    edit_cell(csv_dir / "members.csv", 7, "sex", "Q")
    edit_cell(csv_dir / "dwellings.csv", 2, "node", "N-99")
    edit_cell(csv_dir / "dwellings.csv", 3, "available_until", "2024-01-01")
    edit_cell(csv_dir / "dwellings.csv", 4, "rent_nok", "-5")
    edit_cell(csv_dir / "dwellings.csv", 6, "step_free", "maybe")
    edit_cell(csv_dir / "areas.csv", 2, "refugee_households", "999")
    edit_cell(csv_dir / "households.csv", 2, "permit_date", "2024-02-30")
    edit_cell(csv_dir / "decisions.csv", 3, "kind", "maybe")
    edit_cell(csv_dir / "edges.csv", 2, "minutes", "0")
    edit_rows(csv_dir / "nodes.csv", lambda r: r + [["N-1", "5", "5"]])
    (csv_dir / "sites.csv").write_bytes(b"")
    with pytest.raises(InputError) as caught:
        read_instance(csv_dir)
    problems = caught.value.problems
    assert len(problems) == 12
    keys = [(p.file, -1 if p.row is None else p.row) for p in problems]
    assert keys == sorted(keys)


def test_read_instance_reports_table_without_rows(csv_dir, edit_rows):
    """Tests that municipalities.csv with only its header is reported."""
    edit_rows(csv_dir / "municipalities.csv", lambda rows: rows[:1])
    problems = located(csv_dir)
    assert ("municipalities.csv", None, None, "required") in problems


def test_read_instance_reports_second_instance_row(csv_dir, edit_rows):
    """Tests that instance.csv with two data rows reports the extra one."""
    edit_rows(csv_dir / "instance.csv", lambda rows: rows + [rows[1]])
    assert located(csv_dir) == {("instance.csv", 3, None, "extra-row")}


def test_read_instance_reports_unknown_csv_file(csv_dir):
    """
    Tests that a misspelt table file is reported rather than silently
    ignored, while files of other kinds are left alone.
    """
    (csv_dir / "edges.csv").rename(csv_dir / "egdes.csv")
    (csv_dir / "README.txt").write_text("notes")
    assert located(csv_dir) == {("egdes.csv", None, None, "unknown-file")}


@pytest.mark.parametrize(
    ("table", "column", "text", "rule"),
    [
        ("households.csv", "monthly_income_nok", "-1", "out-of-range"),
        ("households.csv", "monthly_income_nok", "a lot", "wrong-type"),
        ("dwellings.csv", "utilities_nok", "-5", "out-of-range"),
        ("dwellings.csv", "found_by", "H-nobody", "unknown-reference"),
        ("dwellings.csv", "offer_lapses", "soon", "wrong-type"),
        ("dwellings.csv", "municipal_acceptance", "maybe", "unknown-value"),
        ("dwellings.csv", "imdi_approval", "maybe", "unknown-value"),
    ],
)
def test_read_instance_locates_bad_affordability_and_self_found_cells(
    csv_dir, edit_cell, table, column, text, rule
):
    """Tests that a bad income, utilities or self-found cell is located at
    its file, row and column with its rule, and that the sensitive income
    is not repeated in the message."""
    edit_cell(csv_dir / table, 3, column, text)
    with pytest.raises(InputError) as caught:
        read_instance(csv_dir)
    found = {(p.file, p.row, p.column, p.rule)
             for p in caught.value.problems}
    assert (table, 3, column, rule) in found
    if column == "monthly_income_nok":
        assert all(text not in p.message for p in caught.value.problems)


@pytest.mark.parametrize("form", ["csv", "xlsx", "json"])
def test_income_utilities_and_self_found_fields_read_back_in_every_form(
        instance, tmp_path, form):
    """Tests that the new fields of the contract survive a write and a
    read in each form, blank staying unknown."""
    from datetime import timedelta

    from allocator.io import write_instance
    from models import Approval, Tenure

    h = instance.households[0].model_copy(
        update={"monthly_income_nok": 18_500.0})
    d = instance.dwellings[0].model_copy(update={
        "utilities_nok": 1_200.0, "tenure": Tenure.SELF_FOUND,
        "found_by": h.id,
        "offer_lapses": instance.as_of + timedelta(days=9),
        "municipal_acceptance": Approval.GRANTED,
        "imdi_approval": Approval.REFUSED,
    })
    data = instance.model_copy(update={
        "households": (h, *instance.households[1:]),
        "dwellings": (d, *instance.dwellings[1:]),
    })
    path = tmp_path / ("data" if form == "csv" else f"data.{form}")
    write_instance(data, path, form=form)
    back = read_instance(path)
    assert back.households[0] == h and back.dwellings[0] == d
    assert back.households[1].monthly_income_nok is None
    assert back.dwellings[1].utilities_nok is None
