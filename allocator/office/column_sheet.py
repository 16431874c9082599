"""
A worksheet whose data rows are written from columns, not cell by cell.

XlsxWriter keeps an object per cell and, when the workbook is saved,
writes each one through several calls: about 10 microseconds a cell, so
6 seconds of the 800,000 cells of a national round's workbook.
``ColumnSheet`` is XlsxWriter's own worksheet (header, widths, frozen
panes, filter, print set-up and the rest are written as before), except
that its data rows are taken as whole columns: each distinct value of a
column is turned into its cell's XML once, and the rows are joined from
those pieces when the workbook is saved. The cells are those XlsxWriter
writes one by one (the same values, types and formats; text in the
workbook's shared strings), so they read back the same.

Only the plain values the office's sheets hold are taken this way (text,
whole and finite numbers, yes/no, dates in a column with a date format,
blanks); a column with anything else raises ``NotColumnar`` before the
sheet is touched, and the caller writes those rows cell by cell.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from html import escape
from itertools import chain, repeat

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

_MAX_TEXT = 32767 // 2
"""Longest text taken here: XlsxWriter cuts text beyond 32,767 UTF-16
units, which a text of at most half as many characters cannot reach."""

_BLANK = "/>"
"""The end of a blank cell that has a format."""


class NotColumnar(ValueError):
    """A value that ``ColumnSheet.write_columns`` leaves to XlsxWriter."""


class ColumnSheet(Worksheet):
    """An XlsxWriter worksheet that takes its data rows as columns."""

    def __init__(self) -> None:
        super().__init__()
        self._block: tuple[int, list, list] | None = None
        """(first row, formats, cell ends per column) of the data rows."""

    def write_columns(self, columns: list[list], formats: list,
                      first_row: int = 1) -> None:
        """
        Write the data rows from ``first_row`` on, given as columns of
        equal length.

        A cell is written as ``Worksheet.write_string``, ``write_number``,
        ``write_boolean``, ``write_datetime`` or ``write_blank`` would:
        empty text and ``None`` give a blank cell with the column's
        format, or no cell when the column has none.

        Parameters
        ----------
        columns
            The values, one list per column.
        formats
            The format of each column's cells (``None`` for none).
        first_row
            The first data row (zero-based), below every cell written
            one by one.

        Raises
        ------
        NotColumnar
            When a value is not one of those taken here; nothing is
            written then.
        """
        if self._block is not None or self.row_info:
            raise NotColumnar("one block of rows without row formats")
        if any(cells and row >= first_row
               for row, cells in self.table.items()):
            raise NotColumnar("cells already written below the header")
        counted = [_distinct(column) for column in columns]
        ends_of = [_ends_of(distinct, fmt, self._convert_date_time)
                   for distinct, fmt in zip(counted, formats, strict=True)]
        # Text goes into the workbook's shared strings, as XlsxWriter's
        # ``write_string`` puts it, once every column is known to be
        # plain: an exception above leaves the table as it was.
        ends = []
        for column, distinct, end_of in zip(columns, counted, ends_of):
            _share_text(end_of, distinct, self.str_table)
            ends.append(_column_ends(column, end_of, distinct[1]))
        self._block = (first_row, list(formats), ends)
        self._mark_dimensions(first_row, ends)

    def _mark_dimensions(self, first_row: int, ends: list[list]) -> None:
        """Widen the sheet's dimensions to the cells of the block."""
        for col, column_ends in enumerate(ends):
            last = next((i for i in range(len(column_ends) - 1, -1, -1)
                         if column_ends[i] is not None), None)
            if last is None:
                continue
            first = next(i for i, end in enumerate(column_ends)
                         if end is not None)
            self._check_dimensions(first_row + first, col)
            self._check_dimensions(first_row + last, col)

    def _write_sheet_data(self) -> None:
        """The cells written one by one, then the block of data rows."""
        if self._block is None or self.dim_rowmin is None:
            super()._write_sheet_data()
            return
        first_row, formats, ends = self._block
        self._xml_start_tag("sheetData")
        self._write_rows()
        # Formats are numbered on first use, left to right, as the
        # cells written one by one would number them.
        styles = [f" s=\"{fmt._get_xf_index()}\"" if fmt is not None
                  else "" for fmt in formats]
        self.fh.write(_rows_xml(first_row, styles, ends))
        self._xml_end_tag("sheetData")

    def _write_rows(self) -> None:
        # Only the rows above the block are XlsxWriter's own.
        if self._block is None:
            super()._write_rows()
            return
        top = self.dim_rowmax
        self.dim_rowmax = self._block[0] - 1
        try:
            if self.dim_rowmax >= self.dim_rowmin:
                super()._write_rows()
        finally:
            self.dim_rowmax = top


def _distinct(column: list) -> tuple[Counter, bool]:
    """The column's distinct values in the order they first appear, with
    how often each does, and whether they are tagged with their type:
    when yes/no stands beside numbers, which take True for 1 but are
    written otherwise."""
    try:
        counts = Counter(column)
    except TypeError:  # an unhashable value
        raise NotColumnar("unhashable value") from None
    # Every value's type, not the distinct values': those keep the first
    # of 0 and False, which are equal.
    kinds = set(map(type, column))
    if not all(kind in _PLAIN or issubclass(kind, str) for kind in kinds):
        # Any other type may equal a plain value and be taken for it.
        raise NotColumnar("not a plain value")
    if bool in kinds and len(kinds & {bool, int, float}) > 1:
        return Counter((v.__class__, v) for v in column), True
    return counts, False


_PLAIN = frozenset({str, int, float, bool, type(None), date, datetime})
"""The types of value a column may hold (and text of any kind)."""


def _ends_of(counted: tuple[Counter, bool], fmt, serial) -> dict:
    """Each distinct value's cell without its reference and format:
    ``None`` for no cell, ``_BLANK``, the text itself (``_Text``, made
    shared by ``_share_text``) or the XML after the format of a number
    or yes/no."""
    distinct, tagged = counted
    dated = fmt is not None and bool(fmt.num_format)
    return {key: _cell_end(key[1] if tagged else key, fmt, dated, serial)
            for key in distinct}


def _share_text(end_of: dict, counted: tuple[Counter, bool],
                table) -> None:
    """
    Put each text of ``end_of`` in its cell end: text the column holds
    more than once goes into the shared strings (counted once per cell,
    as ``write_string`` counts), text it holds once is written in its
    cell, as XlsxWriter writes all text in its ``constant_memory`` mode.

    Most of a national workbook's text is held once (the reasons and
    explanations of 30,000 rows), and XlsxWriter writes the shared
    strings one by one; in their cells they are escaped here, once each.
    Text that needs more than escaping (control characters, Excel's own
    escapes, rich text) is always shared, as before.
    """
    distinct = counted[0]
    for key, end in end_of.items():
        if end.__class__ is not _Text:
            continue
        text = str.__str__(end)
        if distinct[key] == 1 and not _NOT_PLAIN.search(text) \
                and not (text.startswith("<r>") and text.endswith("</r>")):
            # What XlsxWriter tests with the expressions ^\s and \s$.
            space = " xml:space=\"preserve\"" if text[0].isspace() \
                or text[-1].isspace() else ""
            end_of[key] = (f" t=\"inlineStr\"><is><t{space}>"
                           f"{escape(text, quote=False)}</t></is></c>")
            continue
        index = table._get_shared_string_index(text)
        table.count += distinct[key] - 1
        end_of[key] = f" t=\"s\"><v>{index}</v></c>"


_NOT_PLAIN = re.compile(
    r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
"""What XlsxWriter escapes in text beyond ``&``, ``<`` and ``>``."""


def _column_ends(column: list, end_of: dict, tagged: bool) -> list:
    """The cell end of each value of the column."""
    if tagged:
        return [end_of[(v.__class__, v)] for v in column]
    return list(map(end_of.__getitem__, column))


def _cell_end(value, fmt, dated: bool, serial):
    """One value's cell end (see ``_ends_of``)."""
    kind = value.__class__
    if isinstance(value, str):  # an enumeration's member too
        text = str.__str__(value)
        if text:
            if len(text) > _MAX_TEXT:
                raise NotColumnar("text too long")
            return _Text(text)
        return _BLANK if fmt is not None else None
    if value is None:
        return _BLANK if fmt is not None else None
    if kind is bool:
        return f" t=\"b\"><v>{int(value)}</v></c>"
    if kind is int or kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise NotColumnar("not a finite number")
        return f"><v>{value:.16G}</v></c>"
    if kind is date and dated:
        return f"><v>{serial(value):.16G}</v></c>"
    if kind is datetime and dated:
        return f"><v>{serial(value):.16G}</v></c>"
    raise NotColumnar(repr(value))


class _Text(str):
    """Text of a cell, before its place in the shared strings is known."""


def _rows_xml(first_row: int, styles: list[str], ends: list[list]) -> str:
    """The ``<row>`` elements of the block, each cell with its
    reference and format; a row without cells is left out, as
    XlsxWriter leaves it."""
    if not ends:
        return ""
    numbers = list(map(str, range(first_row + 1,
                                  first_row + 1 + len(ends[0]))))
    letters = list(map(xl_col_to_name, range(len(ends))))
    gaps = [None in column for column in ends]
    if all(gaps):  # a row may have no cell at all
        cells = [_cells(letter, style, column, numbers)
                 for letter, style, column in zip(letters, styles, ends)]
        return "".join([f"<row r=\"{n}\">{cells_of_row}</row>"
                        for n, cells_of_row in zip(
                            numbers, map("".join, zip(*cells)))
                        if cells_of_row])
    # Every row has a cell: the rows are joined from the pieces of their
    # cells in one pass, without a string made per cell.
    pieces: list = [[f"<row r=\"{n}\">" for n in numbers]]
    for letter, style, column, gap in zip(letters, styles, ends, gaps):
        if gap:
            pieces.append(_cells(letter, style, column, numbers))
        else:
            pieces += [repeat(f"<c r=\"{letter}"), numbers,
                       repeat(f"\"{style}"), column]
    pieces.append(repeat("</row>"))
    return "".join(chain.from_iterable(zip(*pieces)))


def _cells(letter: str, style: str, column: list,
           numbers: list[str]) -> list[str]:
    """The cells of a column, ``""`` where a row has none."""
    return [f"<c r=\"{letter}{n}\"{style}{end}" if end is not None else ""
            for n, end in zip(numbers, column)]
