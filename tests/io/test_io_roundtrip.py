"""Round trips of instances through the CSV, XLSX and JSON forms."""

from __future__ import annotations

import pytest

from allocator.io import read_instance, write_instance


def test_roundtrip_csv_xlsx_json_gives_equal_instances(instance, tmp_path):
    """
    Tests that csv -> Instance -> xlsx -> Instance -> json -> Instance gives
    instances equal to the original at every step.
    """
    write_instance(instance, tmp_path / "folder", form="csv")
    from_csv = read_instance(tmp_path / "folder")
    write_instance(from_csv, tmp_path / "instance.xlsx")
    from_xlsx = read_instance(tmp_path / "instance.xlsx")
    write_instance(from_xlsx, tmp_path / "instance.json")
    from_json = read_instance(tmp_path / "instance.json")
    assert from_csv == instance
    assert from_xlsx == instance
    assert from_json == instance


@pytest.mark.parametrize("name", ["folder", "instance.xlsx", "instance.json"])
def test_roundtrip_keeps_unknown_distinct_from_false(instance, tmp_path, name):
    """
    Tests that every form keeps a tri-state None (unknown) distinct from
    False, and an empty avoid_features set distinct from None.
    """
    write_instance(instance, tmp_path / name)
    households = {h.id: h for h in read_instance(tmp_path / name).households}
    assert households["H-1"].needs_step_free is False
    assert households["H-1"].needs_ground_floor is None
    assert households["H-2"].avoid_features == frozenset()
    assert households["H-3"].avoid_features is None
    assert households["H-3"].open_to_shared is False
    assert households["H-4"].open_to_shared is None


def test_write_csv_writes_every_file_and_column(instance, csv_dir):
    """
    Tests that the CSV form writes every table, empty or not, with every
    column, quotas flattened and sets joined with '|'.
    """
    names = {path.name for path in csv_dir.iterdir()}
    assert "members.csv" in names and "instance.csv" in names
    assert len(names) == 13
    header = (csv_dir / "municipalities.csv").read_text().splitlines()[0]
    assert "quota_persons" in header.split(",")
    dwellings = (csv_dir / "dwellings.csv").read_text()
    assert "busy_road|noise" in dwellings


def test_write_json_is_deterministic(instance, tmp_path):
    """Tests that writing the same instance twice gives the same bytes."""
    write_instance(instance, tmp_path / "a.json")
    write_instance(instance, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (
        tmp_path / "b.json"
    ).read_bytes()


def test_read_csv_accepts_semicolons_bom_and_yes_no(
    instance, csv_dir, edit_cell
):
    """
    Tests that a CSV file saved by Excel in a Norwegian locale (byte-order
    mark, semicolons) and yes/no booleans read the same as the canonical
    form.
    """
    edit_cell(csv_dir / "dwellings.csv", 2, "step_free", "YES")
    edit_cell(csv_dir / "dwellings.csv", 2, "lift", "1")
    edit_cell(csv_dir / "dwellings.csv", 2, "damp", "No")
    path = csv_dir / "areas.csv"
    text = path.read_text().replace(",", ";")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert read_instance(csv_dir) == instance


def test_read_csv_blank_cell_takes_default(instance, csv_dir, edit_cell):
    """
    Tests that a blank cell means the field's documented default (here the
    dwelling's condition 3 and tenure municipal).
    """
    edit_cell(csv_dir / "dwellings.csv", 3, "condition", "")
    edit_cell(csv_dir / "dwellings.csv", 3, "tenure", "")
    dwelling = read_instance(csv_dir).dwellings[1]
    assert dwelling.condition == 3
    assert dwelling.tenure == "municipal"


def test_read_xlsx_keeps_text_starting_with_equals(instance, tmp_path):
    """
    Tests that a name starting with '=' is written to XLSX as text, not as
    a formula, and reads back unchanged.
    """
    write_instance(instance, tmp_path / "i.xlsx")
    areas = read_instance(tmp_path / "i.xlsx").areas
    assert areas[1].name == instance.areas[1].name
    assert areas[1].name.startswith("=")
