"""Cells parsed a column at a time: the fast way through a sheet whose
every cell parses, which is what a valid instance is made of."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .layout import Conventions, RowParser, normalise, parse_cell
from .norwegian import english_codes

MISSING = object()
"""A blank cell: its field is left out of the row, to take its default."""

CellParse = Callable[[str, Conventions], tuple[object, object]]
"""Parses one cell that is not blank: ``(value, problem or None)``."""


@dataclass
class ValueColumns:
    """
    The model input of a sheet's rows, a column per field.

    Parameters
    ----------
    columns
        Field name -> the value of each row (``MISSING`` where blank).
    count
        Rows.
    sparse
        The fields with a blank cell: the others have no ``MISSING``.
    """

    columns: dict[str, Sequence]
    count: int
    sparse: frozenset[str] = frozenset()

    def rows(self) -> list[dict]:
        """The model input of each row, as ``RowParser`` gives it."""
        return _row_inputs(
            list(self.columns), list(self.columns.values()),
            [name in self.sparse for name in self.columns], self.count,
        )


def parse_value_columns(
    parser: RowParser,
    rows: Sequence[list[str]],
    width: int,
    conventions: Conventions,
) -> ValueColumns | None:
    """
    The model input of every row, as ``parser`` gives it row by row, a
    column per field, or ``None`` when a cell has a problem (the rows
    are then parsed one by one, which locates every problem).

    A column is parsed once per distinct text in it: a national
    instance has some 1.5 million cells but a few thousand distinct
    dates, codes, booleans and small numbers. Ids, names, numbers
    written with a decimal point, and columns written wholly the way
    pydantic reads as the row parser would (``true``/``false``, ISO
    dates, English codes) go to pydantic as written, with no step per
    cell here. Rows whose cells hold the same text share its value (a
    set cell's list, say); nothing changes these values after.

    Parameters
    ----------
    parser
        The row parser of the sheet, whose fields say what each column
        holds.
    rows
        The cells of each data row, in the sheet's column order.
    width
        Columns in the header; cells beyond it are not read.
    conventions
        How the sheet writes numbers; receives the styles seen, as the
        row parser counts them, and only when every cell parsed.
    """
    if not rows:
        return ValueColumns({}, 0)
    if min(map(len, rows)) < width:
        rows = [
            cells if len(cells) >= width
            else cells + [""] * (width - len(cells))
            for cells in rows
        ]
    columns = list(zip(*rows, strict=False))
    tally = _Tally(conventions.decimal_comma)
    values: dict[str, Sequence] = {}
    sparse = set()
    for name, kind, base, at, codes in parser.fields:
        if kind == "mapping":
            value_column = _mapping_column(
                [(key, columns[i]) for key, i in at], base, tally
            )
            blank = value_column is not None and MISSING in value_column
        else:
            blank = "" in columns[at]
            value_column = _field_column(
                (name, kind, base, codes), columns[at], blank, tally
            )
        if value_column is None:
            return None
        values[name] = value_column
        if blank:
            sparse.add(name)
    tally.count_into(conventions.seen)
    return ValueColumns(values, len(rows), frozenset(sparse))


def _row_inputs(names: list[str], values: list[Sequence],
                sparse: list[bool], count: int) -> list[dict]:
    """
    One dict per row from the value columns, without the blank cells
    (``MISSING``, only in the columns marked ``sparse``).

    Columns without a blank go in whole (``dict`` of ``zip``, without a
    Python step per cell), the others cell by cell after them: the order
    of a row's keys means nothing to pydantic, which validates fields in
    the model's order.
    """
    full = [i for i, blank in enumerate(sparse) if not blank]
    full_names = [names[i] for i in full]
    rows = [
        dict(zip(full_names, row, strict=True))
        for row in zip(*(values[i] for i in full), strict=True)
    ] if full else [{} for _row in range(count)]
    for i, column in enumerate(values):
        if not sparse[i]:
            continue
        name = names[i]
        for row, value in zip(rows, column, strict=True):
            if value is not MISSING:
                row[name] = value
    return rows


def _field_column(
    field: tuple, column: tuple[str, ...], blank: bool, tally: _Tally
) -> Sequence | None:
    """The values of one field's column (``MISSING`` where blank, if
    ``blank``), or ``None`` when a cell has a problem."""
    name, kind, base, codes = field
    if kind == "scalar" and codes is None and (
        base == "text" or base == "int" and not tally.decimal_comma
    ):
        # Handed to pydantic as written (see ``normalise``).
        tally.next_column()
        return [text or MISSING for text in column] if blank else column
    if kind == "scalar" and base == "float" and not tally.decimal_comma:
        tally.decimal_points(column)
        return [text or MISSING for text in column] if blank else column
    if tally.canonical(kind, base, codes, column, blank):
        return [text or MISSING for text in column] if blank else column

    def parse(text: str, conventions: Conventions):
        return parse_cell(name, kind, base, codes, text, conventions)

    return tally.distinct(column, parse)


def _mapping_column(
    keyed: list[tuple[str, tuple[str, ...]]], base: str, tally: _Tally
) -> list:
    """The values of a mapping field: one dict per row of its keys that
    are not blank (``MISSING`` when all are)."""

    def parse(text: str, conventions: Conventions):
        return normalise(text, base, conventions), None

    keys = [key for key, _column in keyed]
    by_key = [tally.distinct(column, parse) for _key, column in keyed]
    mappings = []
    for row in zip(*by_key, strict=True):
        mapping = {key: value for key, value in zip(keys, row, strict=True)
                   if value is not MISSING}
        mappings.append(mapping or MISSING)
    return mappings


class _Tally:
    """
    The styles seen (``Conventions.seen``) while parsing column after
    column, with the row and column each was first seen in, so that
    they are counted into the sheet's conventions in the order a row by
    row pass meets them: the format report names styles seen equally
    often in that order.

    Parameters
    ----------
    decimal_comma
        Whether the sheet may write numbers with a decimal comma.
    """

    def __init__(self, decimal_comma: bool) -> None:
        self.decimal_comma = decimal_comma
        self.counts: Counter = Counter()
        self.first: dict[tuple, tuple[int, int, int]] = {}
        self.column = 0

    def distinct(self, column: tuple[str, ...], parse: CellParse
                 ) -> list | None:
        """
        The value of each cell of ``column``, ``parse`` called once per
        distinct text; ``None`` when one has a problem.
        """
        lookup: dict[str, object] = {"": MISSING}
        first: dict[tuple, tuple[int, int]] = {}
        # The texts in the order they first appear: the first text
        # showing a style shows where the style first appears.
        distinct = dict.fromkeys(column)
        counts = None
        for text in distinct:
            if not text:
                continue
            seen: Counter = Counter()
            value, problem = parse(text, Conventions(self.decimal_comma, seen))
            if problem is not None:
                return None
            lookup[text] = value
            if seen and counts is None:
                # Counted only where styles are seen (not for codes),
                # and by scanning for each text when there are few.
                counts = (Counter(column) if len(distinct) > _FEW_TEXTS
                          else _Scan(column))
            for within, (style, n) in enumerate(seen.items()):
                self.counts[style] += n * counts[text]
                if style not in first:
                    first[style] = (column.index(text), within)
        self.next_column(first)
        return list(map(lookup.__getitem__, column))

    def decimal_points(self, column: tuple[str, ...]) -> None:
        """
        Count the cells of a column of floats written with a decimal
        point, which is all ``normalise`` does without a decimal comma.
        """
        points = [i for i, text in enumerate(column) if "." in text]
        if points:
            self.counts["numbers", "decimal point"] += len(points)
        self.next_column({("numbers", "decimal point"): (points[0], 0)}
                         if points else {})

    def canonical(self, kind: str, base: str, codes, column: tuple[str, ...],
                  blank: bool) -> bool:
        """
        Whether every cell of the column is blank or written the one
        way pydantic reads as the row parser would: ``true`` and
        ``false``, ISO dates, English codes. Such a column goes to
        pydantic as written, with its style counted, and without a look
        at each cell in Python.
        """
        if kind == "bool":
            style = ("booleans", "true/false")
            written = sum(map(column.count, ("true", "false")))
        elif kind == "scalar" and base == "date" and codes is None:
            style = ("dates", "yyyy-mm-dd")
            written = _iso_dates(column, blank)
        elif kind == "scalar" and codes is not None:
            style = None
            written = sum(map(column.count, english_codes(codes)))
        else:
            return False
        blanks = column.count("") if blank else 0
        if written + blanks != len(column):
            return False
        first = {}
        if style is not None and written:
            self.counts[style] += written
            at = next(i for i, text in enumerate(column) if text)
            first[style] = (at, 0)
        self.next_column(first)
        return True

    def next_column(self, first: dict | None = None) -> None:
        """Note where this column's styles first appeared; move on."""
        for style, (row, within) in (first or {}).items():
            where = (row, self.column, within)
            if style not in self.first or where < self.first[style]:
                self.first[style] = where
        self.column += 1

    def count_into(self, seen: Counter) -> None:
        """Add the counts to ``seen``, in the order first seen."""
        for style in sorted(self.first, key=self.first.__getitem__):
            seen[style] += self.counts[style]


_FEW_TEXTS = 8
"""Distinct texts in a column up to which each is counted by a scan of
the column (booleans, mostly) rather than by counting every text."""


class _Scan:
    """Counts of the texts of a column, each by one scan of it."""

    def __init__(self, column: tuple[str, ...]) -> None:
        self.column = column

    def __getitem__(self, text: str) -> int:
        return self.column.count(text)


_ISO_DATES = re.compile(r"(?:\d{4}-\d{2}-\d{2})?(?:\n(?:\d{4}-\d{2}-\d{2})?)*")
"""Cells joined by line ends, each an ISO date or blank."""


def _iso_dates(column: tuple[str, ...], blank: bool) -> int:
    """
    The cells of a column written as ISO dates, if every other cell is
    blank (else fewer than the cells that are not blank): one match of
    the joined cells instead of one per cell.
    """
    joined = "\n".join(column)
    if joined.count("\n") != len(column) - 1:
        return -1  # a cell holding a line end: not one date per cell
    if not _ISO_DATES.fullmatch(joined):
        return -1
    return len(column) - (column.count("") if blank else 0)
