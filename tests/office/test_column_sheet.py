"""A worksheet whose data rows are written from columns."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import openpyxl
import pytest

from allocator.office.column_sheet import NotColumnar
from allocator.office.workbook import _Book


class _Kind(str, Enum):
    PLAIN = "plain"


HEADER = ["text", "number", "yes_no", "when", "mixed", "blank",
          "number_first"]
ROWS = [
    ["a", 1, True, date(2026, 1, 5), True, None, 0],
    ["", 2.5, False, date(1899, 12, 31), 1, None, False],
    [None, -3, None, None, 1.0, None, 1],
    [_Kind.PLAIN, 10**17, True, datetime(2026, 2, 1, 12, 30), 0, None,
     True],
    ["  spaced  ", 0.1 + 0.2, False, date(2026, 1, 5), False, None, 0],
    ["a & <b>", None, True, None, "x", None, 0],
    ["_x0041_ kept", 7, False, None, 2, None, 0],
    ["bell\x07", 7, False, None, 2, None, 0],
    ["line\nbreak\t", 7, False, None, 2, None, 0],
    ["a", 7, False, None, 2, None, 0],
]


def _cells(path):
    """Every sheet's cells as read back: name, size, and each cell's
    value, type, number format, boldness and wrapping."""
    book = openpyxl.load_workbook(path)
    return [(s.title, s.max_row, s.max_column,
             [[(c.value, c.data_type, c.number_format, c.font.b,
                c.alignment.wrap_text) for c in row]
              for row in s.iter_rows()]) for s in book.worksheets]


def _write(path, rows, by_columns: bool, formats) -> None:
    book = _Book(path)
    for name in ("first", "second"):
        sheet = book.sheet(name)
        sheet.write_row(0, 0, HEADER, book.heading)
        cell_formats = [None if f is None else book.cell_format(*f)
                        for f in formats]
        if by_columns:
            sheet.write_columns([list(c) for c in zip(*rows)],
                                cell_formats)
        else:
            book.write_rows(sheet, rows, cell_formats)
    book.close()


@pytest.mark.parametrize("formats", [
    [None, None, None, ("yyyy-mm-dd", False), None, None, None],
    [(None, True), ("0", False), None, ("DD.MM.YYYY", False), None,
     ("0", False), None],
])
def test_columns_read_back_as_cells_written_one_by_one(tmp_path, formats):
    """Tests that rows written from columns read back as the same rows
    written cell by cell: text held once and more than once (empty, with
    spaces at its ends, with XML characters, control characters and
    Excel's own escapes, an enumeration's member), whole and fractional
    numbers, yes/no beside numbers (also after a number equal to it),
    dates and date-times, blanks with
    and without a format, in two sheets sharing their strings."""
    _write(tmp_path / "cells.xlsx", ROWS, False, formats)
    _write(tmp_path / "columns.xlsx", ROWS, True, formats)
    assert _cells(tmp_path / "columns.xlsx") == _cells(
        tmp_path / "cells.xlsx")



def _write_both_ways(folder, name, rows, header=None):
    """``rows`` written to sheet ``name`` cell by cell (``False.xlsx``)
    and by whole columns (``True.xlsx``) in ``folder``, below
    ``header`` when given."""
    for by_columns in (False, True):
        book = _Book(folder / f"{by_columns}.xlsx")
        sheet = book.sheet(name)
        if header is not None:
            sheet.write_row(0, 0, header, book.bold)
        if by_columns:
            book.write_columns(sheet, [list(c) for c in zip(*rows)], [])
        else:
            book.write_rows(sheet, rows, [])
        book.close()

def test_rows_without_cells_are_left_out(tmp_path):
    """Tests that a row with no cell in the middle and at the end of the
    block is left out, so the sheet ends at its last cell."""
    rows = [["a", 1], [None, None], ["b", 2], [None, None]]
    _write_both_ways(tmp_path, "only", rows, header=["x", "y"])
    assert _cells(tmp_path / "True.xlsx") == _cells(tmp_path / "False.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "True.xlsx")["only"]
    assert sheet.max_row == 4


@pytest.mark.parametrize("odd", [
    math.nan, math.inf, [1, 2], date(2026, 1, 1), "x" * 20000, object(),
    Decimal(1),
])
def test_odd_values_raise_before_anything_is_written(tmp_path, odd):
    """Tests that a value the columns do not take (not a finite number,
    unhashable, a date without a date format, very long text, any other
    object, also one equal to a plain value before it) raises NotColumnar
    and leaves the shared strings and the sheet untouched."""
    book = _Book(tmp_path / "odd.xlsx")
    sheet = book.sheet("odd")
    before = dict(sheet.str_table.string_table), sheet.str_table.count
    with pytest.raises(NotColumnar):
        sheet.write_columns([["kept", "also"], [1, odd]], [None, None])
    assert (dict(sheet.str_table.string_table),
            sheet.str_table.count) == before
    assert sheet.dim_rowmin is None
    book.close()


@pytest.mark.parametrize("odd", [math.inf, date(2026, 1, 1), "x" * 20000,
                                 Decimal("1.5")])
def test_workbook_writes_odd_values_cell_by_cell(tmp_path, odd):
    """Tests that the workbook writes a sheet holding such a value cell
    by cell, as before."""
    rows = [["kept", 1], ["also", odd]]
    _write_both_ways(tmp_path, "odd", rows)
    assert _cells(tmp_path / "True.xlsx") == _cells(tmp_path / "False.xlsx")
