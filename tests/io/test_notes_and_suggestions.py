"""Notes columns and sheets are the office's own; misspelt names get a
suggestion."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from allocator.io import InputError, read_instance, write_instance
from allocator.generate import generate


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("notes") / "town.xlsx"
    write_instance(generate("town", seed=1), path)
    return path


def _edit(book: Path, tmp_path: Path, change) -> Path:
    wb = openpyxl.load_workbook(book)
    change(wb)
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    return out


def test_a_merknad_column_and_a_notater_sheet_are_accepted(book, tmp_path):
    """Tests that a notes column on a sheet and an extra notes sheet are
    read past, and the instance is the same."""
    def change(wb):
        sheet = wb["dwellings"]
        sheet.cell(1, sheet.max_column + 1, "Merknad")
        sheet.cell(2, sheet.max_column, "ring vaktmester først")
        wb.create_sheet("Notater").append(["husk å sjekke listen"])

    assert read_instance(_edit(book, tmp_path, change)) == \
        read_instance(book)


def test_misspelt_sheet_and_column_names_get_a_suggestion(book, tmp_path):
    """Tests that a misspelt sheet or column is an error that names the
    right one."""
    def change(wb):
        wb["dwellings"].cell(1, 7, "bedroms")
        wb["areas"].title = "area"

    with pytest.raises(InputError) as caught:
        read_instance(_edit(book, tmp_path, change))
    text = " ".join(p.message for p in caught.value.problems)
    assert "did you mean 'bedrooms'?" in text
    assert "did you mean 'areas'?" in text
