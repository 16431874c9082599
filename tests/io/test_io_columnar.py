"""Reading a sheet a column at a time gives what reading it row by row
gives: the same rows, the same styles seen, the same problems."""

from __future__ import annotations

import csv
import io
import random
import sys

from allocator.io.columnar import parse_value_columns
from allocator.io.layout import Conventions, RowParser, layout
from allocator.io.tabular import WHITE_SPACE, _plain_rows

CELLS = ("a", "b", " ", "\t", ",", ";", "\n", "\r\n", "\u00a0", "\u2028",
         "\x0b", "\x1c", "\x85", "\u3000", "ø", "1", ".", "\n\n")
"""Pieces of CSV text, white space and line ends of every kind among
them."""


def _csv_module_rows(text: str, separator: str) -> list:
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    for number, cells in enumerate(reader, start=1):
        texts = [c.strip() for c in cells]
        if any(texts):
            rows.append((number, texts))
    return rows


def test_white_space_is_what_strip_removes_but_line_ends():
    """
    Tests that the white space looked for next to separators is every
    character ``str.strip`` removes, except the line ends split on.
    """
    every = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(WHITE_SPACE) == every - {"\n", "\r"}


def test_plain_rows_match_the_csv_module():
    """
    Tests that splitting CSV text on line ends and separators gives the
    rows and row numbers of the csv module with every cell stripped, on
    random text of separators, line ends and white space.
    """
    rng = random.Random(7)
    compared = 0
    for _ in range(20_000):
        text = "".join(rng.choice(CELLS) for _ in range(rng.randint(0, 25)))
        for separator in (",", ";", "\t"):
            rows = _plain_rows(text, separator)
            if rows is not None:
                compared += 1
                assert rows == _csv_module_rows(text, separator), repr(text)
    assert compared > 50_000


def test_plain_rows_leave_quotes_and_lone_returns_to_the_csv_module():
    """
    Tests that text the csv module reads differently from a split (a
    quoted cell, a lone carriage return, a NUL) is left to it.
    """
    for text in ('a,"b,c"\n', "a,b\rc,d\n", "a,\x00\n"):
        assert _plain_rows(text, ",") is None


def _by_row(parser, rows, conventions):
    return [parser(cells, conventions)[0] for cells in rows]


def test_parse_columns_gives_the_rows_and_styles_of_the_row_parser():
    """
    Tests that dwellings written as Norwegian Excel writes them (decimal
    commas, grouped thousands, dd.mm.yyyy and ISO dates, ja/nei and
    true/false, blank and ragged cells) parse a column at a time into
    the rows the row parser gives, with the same styles counted in the
    same order.
    """
    table = layout("dwellings")
    header = ["id", "bedrooms", "floor_area_m2", "rent_nok", "step_free",
              "lift", "features", "available_from", "tenure"]
    rows = [
        ["D-1", "3", "78,5", "12\u00a0500,50", "ja", "true",
         "waterfront|noise", "01.02.2025", "kommunal"],
        ["D-2", "2", "60", "", "nei", "false", "none", "2025-03-01"],
        ["D-3", "1", "45,0", "9800", "true", "", "", "1.4.2025",
         "municipal"],
        ["D-4", "2", "55.5", "7\u00a0000,00", "Ja", "USANN", "ingen",
         "2025-03-01", "sublet"],
    ]
    positions = {name: i for i, name in enumerate(header)}
    parser = RowParser(table, positions)
    by_row, by_column = (Conventions(decimal_comma=True),
                         Conventions(decimal_comma=True))
    expected = _by_row(parser, rows, by_row)
    parsed = parse_value_columns(parser, rows, len(header), by_column)
    assert parsed.rows() == expected
    assert list(by_column.seen.items()) == list(by_row.seen.items())


def test_parse_columns_gives_up_on_a_cell_with_a_problem():
    """
    Tests that a sheet with a cell the row parser reports (a boolean not
    understood) is left to the row parser, with no style counted.
    """
    parser = RowParser(layout("dwellings"), {"id": 0, "lift": 1})
    conventions = Conventions()
    rows = [["D-1", "true"], ["D-2", "kanskje"]]
    assert parse_value_columns(parser, rows, 2, conventions) is None
    assert not conventions.seen
