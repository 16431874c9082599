"""The tabular instance forms: a folder of CSV files, an XLSX workbook."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NoReturn

from pydantic import ValidationError

from models import TABLES, Instance, Member
from models.problems import column

from ..i18n import _
from ._atomic import atomic_file, atomic_folder
from . import norwegian
from .assemble import (
    ColumnRecords,
    Parsed,
    Record,
    build_instance,
    locate_errors,
)
from .columnar import MISSING, parse_value_columns
from .detect import (
    FormatReport,
    did_you_mean,
    is_direct_identifier,
    is_instructions,
    is_notes,
)
from .layout import (
    ALL_TABLES,
    HEADER,
    MEMBERS,
    OPTIONAL_TABLES,
    PARENT_KEY,
    REQUIRED_TABLES,
    Conventions,
    RowParser,
    TableLayout,
    cell_text,
    instance_rows,
    layout,
    text_of,
)
from .problems import InputError, LocatedProblem
from .wide import WIDE_TABLES, drop_missing, is_wide, widen

CSV_SUFFIX = ".csv"


@dataclass
class Sheet:
    """
    The cells of one CSV file or worksheet, as text.

    Parameters
    ----------
    label
        File name as the user knows it.
    rows
        ``(row number, cells)`` of every row that is not blank, the header
        first. Row numbers count blank rows too, as a spreadsheet does.
    """

    label: str
    rows: list[tuple[int, list[str]]]
    encoding: str = ""
    separator: str = ""
    workbook: bool = False

    @property
    def decimal_comma(self) -> bool:
        """
        Whether numbers may have a decimal comma: in CSV separated by
        semicolons, where a comma cannot be a separator, and in a
        workbook's text cells (numbers typed as numbers need no reading).
        """
        return self.separator == ";" or self.workbook


@dataclass
class TabularLocator:
    """
    Locates problems in the files of a tabular instance.

    Parameters
    ----------
    labels
        Table name -> file name as the user knows it.
    member_rows
        Household row number -> the members-table row of each member, in
        order, so a problem with member 2 of a household points at its row.
    """

    labels: dict[str, str]
    member_rows: dict[int, list[int]] = field(default_factory=dict)

    def at(self, table, number, path):
        if table == "households" and path and path[0] == MEMBERS:
            members = self.member_rows.get(number, [])
            k = path[1] if len(path) >= 2 else None
            if isinstance(k, int) and k < len(members):
                column = path[2] if len(path) > 2 else None
                return self.labels[MEMBERS], members[k], column
            if len(path) == 1 and members:
                # The household's members as a whole (e.g. no head): point
                # at the household's first members row.
                return self.labels[MEMBERS], members[0], None
            return self.labels[table], number, None
        return self.labels[table], number, layout(table).column_of(path)

    def describe(self, table, number):
        return _("row {row} of {file}", row=number,
                 file=self.labels[table])


# ---------------------------------------------------------------- reading


def read_folder(
    path: Path,
    report: FormatReport | None = None,
    drop_identifiers: bool = False,
) -> Instance:
    """
    Read an instance from a folder of CSV files.

    Parameters
    ----------
    path
        The folder.
    report
        Filled with what was detected (encodings, separators, number,
        date and boolean conventions), when given.
    drop_identifiers
        Drop columns outside the format that hold direct identifiers
        (names, national identity numbers, contact details, addresses)
        instead of reporting them; only ``pseudonymise`` asks for this.

    Raises
    ------
    InputError
        Listing every problem found.
    """
    report = FormatReport.reading(report, "CSV")
    sheets: dict[str, Sheet] = {}
    problems: list[LocatedProblem] = []
    known = {f"{table}{CSV_SUFFIX}" for table in ALL_TABLES}
    try:
        entries = sorted(path.iterdir())
    except OSError as error:
        raise InputError([LocatedProblem(
            path.name or str(path), None, None, "unreadable",
            _("Folder could not be read ({reason}).",
              reason=error.strerror or error),
        )]) from None
    for entry in entries:
        if entry.suffix.lower() == CSV_SUFFIX and entry.name not in known:
            problems.append(LocatedProblem(
                entry.name, None, None, "unknown-file",
                _("File not part of the format; expected one of {names}.",
                  names=", ".join(sorted(known))),
            ))
    broken: set[str] = set()
    for table in ALL_TABLES:
        file = path / f"{table}{CSV_SUFFIX}"
        if file.is_file():
            sheet, problem = read_csv(file)
            if problem:
                problems.append(problem)
                broken.add(table)
            else:
                sheets[table] = sheet
                if sheet.rows:  # an empty file has no format to detect
                    detected = report.file(sheet.label)
                    detected.encoding = sheet.encoding
                    detected.separator = sheet.separator
        elif file.exists():
            problems.append(LocatedProblem(
                file.name, None, None, "unreadable",
                _("Not a file (a folder or a device): the table cannot be "
                  "read."),
            ))
            broken.add(table)
    labels = {t: f"{t}{CSV_SUFFIX}" for t in ALL_TABLES}
    return _build(sheets, labels, problems, broken, "file", report,
                  drop_identifiers)


_SEPARATORS = (",", ";", "\t")
"""CSV separators recognised, in order of preference on a tie."""

_SEP_HINT = re.compile(r"\s*sep=(.)\s*")
"""Excel's optional first line naming the separator, e.g. ``sep=;``."""


def read_csv(path: Path) -> tuple[Sheet | None, LocatedProblem | None]:
    """
    The cells of one CSV file, or the problem that stops it being read.

    Written by any spreadsheet, without converting anything first:

    - encoding: UTF-8 with or without a byte-order mark; UTF-16 with a
      byte-order mark (Excel's "Unicode text"); otherwise Windows-1252,
      what Excel writes in Norwegian locales (æ, ø, å as single bytes);
    - separator: comma, semicolon (Norwegian Excel) or tab, whichever
      splits the header into the most columns; or as an Excel ``sep=;``
      first line says.

    Parameters
    ----------
    path
        The CSV file.
    """
    label = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, LocatedProblem(
            label, None, None, "unreadable",
            _("File could not be read ({reason}).",
              reason=error.strerror or error),
        )
    text, encoding, problem = _decode(data, label)
    if problem:
        return None, problem
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    hint = _SEP_HINT.fullmatch(first)
    if hint and hint.group(1) in _SEPARATORS:
        separator = hint.group(1)
        text = text[text.index(first) + len(first):].lstrip("\r\n")
    else:
        separator = _separator(first)
    rows = _plain_rows(text, separator)
    if rows is not None:
        return Sheet(label, rows, encoding, separator), None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows = []
    try:
        for number, cells in enumerate(reader, start=1):
            texts = [c.strip() for c in cells]
            if any(texts):
                rows.append((number, texts))
    except csv.Error as error:
        return None, LocatedProblem(
            label, reader.line_num, None, "syntax",
            _("CSV not understood: {error}.", error=error),
        )
    return Sheet(label, rows, encoding, separator), None


WHITE_SPACE = (
    "\t\x0b\x0c\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003"
    "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f"
    "\u3000"
)
"""Every character ``str.strip`` removes, except the line ends."""


def _has_edge_space(text: str, separator: str) -> bool:
    """
    Whether a cell of CSV text without carriage returns may start or end
    with white space, so that cells must be stripped: a white-space
    character next to a separator, a line end or either end of the
    text. Searching for each character is a fast scan of the text, far
    faster than a regular expression or stripping every cell.
    """
    for space in WHITE_SPACE:
        if space in text and (
            text.startswith(space) or text.endswith(space)
            or separator + space in text or space + separator in text
            or "\n" + space in text or space + "\n" in text
        ):
            return True
    return False


def _plain_rows(
    text: str, separator: str
) -> list[tuple[int, list[str]]] | None:
    """
    The rows of CSV text, as ``read_csv`` gives them, when the text is
    plain enough to split on line ends and separators: no quote (so no
    separator or line end inside a cell), no NUL, no carriage return
    other than in CRLF and no line longer than the csv module's field
    limit, all of which the csv module reads or reports otherwise.
    ``None`` when it is not: the csv module then reads it.

    Splitting is a few times faster than the csv module, which makes a
    list and a string per cell in Python's own loop; a national instance
    has some 150,000 rows.
    """
    if '"' in text or "\x00" in text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    lines = text.split("\n")
    if max(map(len, lines)) > csv.field_size_limit():
        return None
    if _has_edge_space(text, separator):
        strip = str.strip
        cells = (list(map(strip, line.split(separator))) for line in lines)
    else:
        cells = (line.split(separator) for line in lines)
    return [
        (number, texts)
        for number, texts in enumerate(cells, start=1)
        if any(texts)
    ]


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
    rb"|[\xf0-\xf4][\x80-\xbf]{3}"
)
"""A multi-byte UTF-8 letter: in Windows-1252 text, a sign of mixing."""


def _decode(
    data: bytes, label: str
) -> tuple[str, str, LocatedProblem | None]:
    """The text of a CSV file, the encoding found, or the problem."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError as error:
            return "", "", LocatedProblem(
                label, None, None, "encoding",
                _("File starts as UTF-16 text but is not ({reason} at byte "
                  "{byte}); save it as 'CSV UTF-8'.", reason=error.reason,
                  byte=error.start),
            )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        not_utf8 = error.start
    else:
        bom = data.startswith(b"\xef\xbb\xbf")
        return text, "utf-8 with BOM" if bom else "utf-8", None
    if _UTF8_SEQUENCE.search(data):
        # Both UTF-8 letters and bytes that are not UTF-8: read as
        # Windows-1252, the UTF-8 letters would silently turn into
        # mojibake ("Ã˜" for "Ø").
        line = data[:not_utf8].count(b"\n") + 1
        return "", "", LocatedProblem(
            label, line, None, "encoding",
            _("File mixes UTF-8 with another encoding (byte {byte} on "
              "this row is not UTF-8); save it as 'CSV UTF-8'.",
              byte=format(data[not_utf8], "#04x")),
        )
    try:
        return data.decode("cp1252"), "windows-1252", None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return "", "", LocatedProblem(
            label, line, None, "encoding",
            _("File is neither UTF-8 nor Windows-1252 text (byte "
              "{byte}); save it as 'CSV UTF-8'.",
              byte=format(data[error.start], "#04x")),
        )


def _separator(header: str) -> str:
    """The separator that splits the header line into the most columns."""
    best, most = ",", 1
    for candidate in _SEPARATORS:
        try:
            count = len(next(csv.reader([header], delimiter=candidate)))
        except (csv.Error, StopIteration):
            continue
        if count > most:
            best, most = candidate, count
    return best


def read_workbook(
    path: Path,
    report: FormatReport | None = None,
    drop_identifiers: bool = False,
) -> Instance:
    """
    Read an instance from an XLSX workbook with one sheet per table.

    Parameters
    ----------
    path
        The workbook.
    report
        Filled with what was detected, when given.
    drop_identifiers
        Drop direct-identifier columns outside the format (see
        ``read_folder``).

    Raises
    ------
    InputError
        Listing every problem found.
    """
    import openpyxl  # Imported here: only the XLSX form needs it.

    report = FormatReport.reading(report, "XLSX")
    label = path.name
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - a damaged zip raises anything
        _raise_unreadable(label, error)
    problems: list[LocatedProblem] = []
    sheets: dict[str, Sheet] = {}
    try:
        for name in book.sheetnames:
            table = name.strip().lower()
            if table not in ALL_TABLES:
                table = norwegian.table_of(name) or table
            if table not in ALL_TABLES and (
                is_notes(name) or is_instructions(name)
            ):
                continue  # the office's own notes, the template's guide
            if table not in ALL_TABLES:
                known = (*ALL_TABLES, *norwegian.sheet_names())
                problems.append(LocatedProblem(
                    f"{label}[{name}]", None, None, "unknown-sheet",
                    _("Sheet not part of the format;{suggest} expected one "
                      "of {names}.", suggest=did_you_mean(table, known),
                      names=", ".join(ALL_TABLES)),
                ))
                continue
            if table in sheets:
                problems.append(LocatedProblem(
                    f"{label}[{name}]", None, None, "duplicate-sheet",
                    _("A second sheet for {table}; the first ({first}) is "
                      "used.", table=table, first=sheets[table].label),
                ))
                continue
            sheets[table] = _read_sheet(book[name], f"{label}[{name}]")
    except Exception as error:  # noqa: BLE001 - any damage inside the zip
        _raise_unreadable(label, error)
    finally:
        book.close()
    labels = {t: f"{label}[{t}]" for t in ALL_TABLES}
    labels.update({t: s.label for t, s in sheets.items()})
    return _build(sheets, labels, problems, set(), "sheet", report,
                  drop_identifiers)


def _read_sheet(sheet, label: str) -> Sheet:
    # Some writers store a wrong sheet size; read-only mode trusts it and
    # would drop rows, so measure the sheet afresh.
    sheet.reset_dimensions()
    rows = []
    for number, values in enumerate(
        sheet.iter_rows(min_row=1, values_only=True), start=1
    ):
        texts = [cell_text(v) for v in values]
        while texts and not texts[-1]:
            texts.pop()
        if texts:
            rows.append((number, texts))
    return Sheet(label, rows, workbook=True)


def _raise_unreadable(label: str, error: Exception) -> NoReturn:
    """
    Raise an ``InputError`` for a file that cannot be opened at all.

    Parameters
    ----------
    label
        File name as the user knows it.
    error
        What the reading library said.
    """
    raise InputError([LocatedProblem(
        label, None, None, "unreadable",
        _("File could not be opened as a workbook ({kind}: {error}).",
          kind=type(error).__name__, error=error),
    )]) from None


def _build(
    sheets: dict[str, Sheet],
    labels: dict[str, str],
    problems: list[LocatedProblem],
    broken: set[str],
    what: str,
    report: FormatReport,
    drop_identifiers: bool = False,
) -> Instance:
    """
    Check the sheets, nest members into households and build the instance.

    Parameters
    ----------
    sheets
        Table name -> its cells, for the tables that could be read.
    labels
        Table name -> file name as the user knows it.
    problems
        Problems found so far; extended.
    broken
        Tables whose file exists but could not be read (already reported).
    what
        ``"file"`` or ``"sheet"``, for messages and rule codes.
    report
        Receives the conventions seen in each sheet, and dropped columns.
    drop_identifiers
        Drop direct-identifier columns outside the format.
    """
    records, unreadable = _all_records(sheets, labels, problems, broken,
                                       what, report, drop_identifiers)
    locator = TabularLocator(labels)
    header = None
    if HEADER not in unreadable:
        header = _header_record(records[HEADER], labels[HEADER], problems)
    _nest_members(records, locator, problems, unreadable)
    parsed = Parsed(
        header=header,
        tables={t: records[t] for t in TABLES},
        unreadable=unreadable,
        problems=problems,
        locator=locator,
    )
    return build_instance(parsed)


def _all_records(
    sheets: dict[str, Sheet],
    labels: dict[str, str],
    problems: list[LocatedProblem],
    broken: set[str],
    what: str,
    report: FormatReport,
    drop_identifiers: bool,
) -> tuple[dict[str, list[Record]], set[str]]:
    """
    The records of every table (none for a missing, broken or empty
    one), and the tables that could not be read; parameters as for
    ``_build``.
    """
    unreadable: set[str] = set(broken)
    records: dict[str, list[Record]] = {}
    for table in ALL_TABLES:
        sheet = sheets.get(table)
        if sheet is None:
            if table in REQUIRED_TABLES and table not in broken:
                problems.append(LocatedProblem(
                    labels[table], None, None, f"missing-{what}",
                    _("Required {what} {name} is missing.",
                      what=_("file") if what == "file" else _("sheet"),
                      name=labels[table]),
                ))
            if table in REQUIRED_TABLES or table in broken:
                # An absent optional table is simply empty: references into
                # it are real errors. A missing or broken one is unknown.
                unreadable.add(table)
            records[table] = []
            continue
        if not sheet.rows:
            problems.append(LocatedProblem(
                sheet.label, None, None, "empty-file",
                _("The {what} is empty: it needs at least a header row "
                  "with the columns {columns}.",
                  what=_("file") if what == "file" else _("sheet"),
                  columns=", ".join(layout(table).columns)),
            ))
            unreadable.add(table)
            records[table] = []
            continue
        if table in WIDE_TABLES:
            sheet = _placement_sheet(table, sheet, problems, report)
        conventions = Conventions(decimal_comma=sheet.decimal_comma)
        records[table], missing = _records(
            layout(table), sheet, problems, conventions,
            report.dropped if drop_identifiers else None,
        )
        report.file(sheet.label).seen.update(conventions.seen)
        if table == MEMBERS and PARENT_KEY in missing:
            # Without household ids the members cannot be placed at all.
            unreadable.add(MEMBERS)
    return records, unreadable


def _placement_sheet(table: str, sheet: Sheet, problems: list,
                     report: FormatReport) -> Sheet:
    """
    A score or compatibility sheet as a long table: a wide matrix turned
    into rows (``allocator.io.wide``), missing values (``NA``, ``-``)
    left out.
    """
    if is_wide(table, sheet.rows[0][1]):
        rows, found, described = widen(table, sheet.label, sheet.rows)
        problems.extend(found)
        report.wide.append(described)
    else:
        rows = drop_missing(table, sheet.rows)
    return replace(sheet, rows=rows)


def _records(
    table: TableLayout,
    sheet: Sheet,
    problems: list[LocatedProblem],
    conventions: Conventions,
    dropped: list[tuple[str, str]] | None = None,
) -> tuple[list[Record], list[str]]:
    """
    The data rows of a sheet, after checking its header.

    Parameters
    ----------
    conventions
        How the sheet writes numbers; records the styles seen.
    dropped
        When given, direct-identifier columns outside the format are
        dropped and listed here instead of being reported.

    Returns
    -------
    tuple
        The records, and the required columns that are missing.
    """
    (header_number, header_cells), *data = sheet.rows
    positions, missing = _check_header(
        table, sheet, header_number, header_cells, data, problems, dropped
    )
    parse = RowParser(table, positions)
    width = len(header_cells)
    parent_at = positions.get(table.parent_key) if table.parent_key else None
    cells_by_row = [cells for _number, cells in data]
    values = parse_value_columns(parse, cells_by_row, width, conventions)
    if values is None:
        # A cell with a problem: row by row, every problem located.
        return _records_by_row(sheet, data, parse, width, parent_at,
                               problems, conventions, table.parent_key,
                               missing), missing
    if cells_by_row and max(map(len, cells_by_row)) > width:
        problems.extend(_long_rows(sheet.label, data, width))
    extra = {}
    if table.parent_key:
        extra[table.parent_key] = [
            cells[parent_at] if parent_at is not None
            and parent_at < len(cells) else "" for cells in cells_by_row]
    columns = ColumnRecords([number for number, _cells in data], values,
                            extra)
    if not missing:
        return columns, missing
    # A missing column: each row's record says it was reported.
    records = columns.records
    for record in records:
        record.ignored.update((c,) for c in missing)
    return records, missing


def _long_rows(label: str, data: list, width: int
               ) -> Iterator[LocatedProblem]:
    """Rows with cells beyond the header's columns."""
    for number, cells in data:
        if len(cells) > width and any(cells[width:]):
            yield LocatedProblem(
                label, number, None, "row-length",
                _("Row has {cells} cells but the header has {columns} "
                  "columns.", cells=len(cells), columns=width),
            )


def _records_by_row(
    sheet: Sheet,
    data: list,
    parse: RowParser,
    width: int,
    parent_at: int | None,
    problems: list[LocatedProblem],
    conventions: Conventions,
    parent_key: str | None,
    missing: list[str],
) -> list[Record]:
    """The records of the data rows, parsed one by one, each problem
    located in its row; parameters as for ``_records``."""
    records = []
    for number, cells in data:
        problems.extend(_long_rows(sheet.label, [(number, cells)], width))
        data_in, cell_problems = parse(cells, conventions)
        record = Record(number, data_in, {(c,) for c in missing})
        for problem in cell_problems:
            problems.append(LocatedProblem(
                sheet.label, number, problem.column, problem.rule,
                problem.message,
            ))
            record.ignored.add((problem.column,))
        if parent_key:
            record.data[parent_key] = (
                cells[parent_at] if parent_at is not None
                and parent_at < len(cells) else "")
        records.append(record)
    return records


def _check_header(
    table: TableLayout,
    sheet: Sheet,
    number: int,
    cells: list[str],
    data: list,
    problems: list[LocatedProblem],
    dropped: list[tuple[str, str]] | None = None,
) -> tuple[dict[str, int], list[str]]:
    """
    Column positions of the header, reporting unknown, duplicated and
    missing columns.

    Returns
    -------
    tuple
        Column name -> position (first occurrence), and the names of the
        missing required model fields (their per-row errors are dropped:
        one missing column is one problem, not one per row).
    """
    expected = set(table.columns)
    positions: dict[str, int] = {}
    for i, raw in enumerate(cells):
        name = raw.strip().lower()
        if name and name not in expected:
            name = norwegian.column_of(table.name, raw) or name
        if not name:
            if any(i < len(row) and row[i] for _, row in data):
                problems.append(LocatedProblem(
                    sheet.label, number, None, "unknown-column",
                    _("Column {n} has values but no name in the header.",
                      n=i + 1),
                ))
            continue
        if name in positions:
            problems.append(LocatedProblem(
                sheet.label, number, name, "duplicate-column",
                _("Column {name!r} appears more than once (columns {first} "
                  "and {second}); the first is used.", name=raw.strip(),
                  first=positions[name] + 1, second=i + 1),
            ))
            continue
        if name not in expected and is_notes(raw):
            continue  # a notes column: the office's own, never read
        if name not in expected and dropped is not None and (
            is_direct_identifier(raw)
        ):
            dropped.append((sheet.label, raw.strip()))
            continue
        if name not in expected:
            hint = (
                " " + _("It looks like a direct identifier: names, identity "
                        "numbers and contact details do not belong in the "
                        "data (`allocator pseudonymise` drops such "
                        "columns).")
                if is_direct_identifier(raw) else ""
            )
            problems.append(LocatedProblem(
                sheet.label, number, name, "unknown-column",
                _("Column {name!r} is not part of the format;{suggest} "
                  "expected columns: {columns}.{hint}", name=raw.strip(),
                  suggest=did_you_mean(name, _known_columns(table)),
                  columns=", ".join(column(table.name, c)
                                    for c in table.columns), hint=hint),
            ))
            continue
        positions[name] = i
    missing = [c for c in table.required_columns if c not in positions]
    for missing_column in missing:
        problems.append(LocatedProblem(
            sheet.label, number, missing_column, "missing-column",
            _("Required column {name!r} is missing.",
              name=column(table.name, missing_column)),
        ))
    return positions, missing


def _known_columns(table: TableLayout) -> tuple[str, ...]:
    """The English and Norwegian names of a table's columns."""
    return (*table.columns, *norwegian.column_names(table.name))


def _header_record(
    records: list[Record], label: str, problems: list[LocatedProblem]
) -> Record | None:
    if not records:
        problems.append(LocatedProblem(
            label, None, None, "required",
            _("One row with the instance's name and as_of date is "
              "required."),
        ))
        return None
    for extra in records[1:]:
        problems.append(LocatedProblem(
            label, extra.number, None, "extra-row",
            _("Only one row is allowed: the instance's name and as_of "
              "date."),
        ))
    return records[0]


def _nest_members(
    records: dict[str, list[Record]],
    locator: TabularLocator,
    problems: list[LocatedProblem],
    unreadable: set[str],
) -> None:
    """
    Put each members row into its household's ``members`` list.

    Reports member rows naming no household or an unknown one, and
    households without members. A member row that names an unknown
    household is still validated on its own, so its other problems are
    reported too.
    """
    if _nest_by_column(records, locator, unreadable):
        return
    by_household: dict[str, list[Record]] = defaultdict(list)
    keys = [str(r.data.get("id", "")).strip() for r in records["households"]]
    households = set(keys)
    any_household = "households" in unreadable
    label = locator.labels[MEMBERS]
    for record in records[MEMBERS]:
        key = record.data.pop(PARENT_KEY).strip()
        if key and (any_household or key in households):
            by_household[key].append(record)
            continue
        if not key and (PARENT_KEY,) not in record.ignored:
            problems.append(LocatedProblem(
                label, record.number, PARENT_KEY, "required",
                _("A value is required: the id of the member's "
                  "household."),
            ))
        elif key:
            problems.append(LocatedProblem(
                label, record.number, PARENT_KEY, "unknown-reference",
                _("household_id references unknown household {key!r}.",
                  key=key),
            ))
        try:
            Member.model_validate(record.data)
        except ValidationError as error:
            problems.extend(locate_errors(
                _MemberLocator(label), MEMBERS, record.number, error, record
            ))
    any_ignored = any(r.ignored for r in records[MEMBERS])
    for household, key in zip(records["households"], keys, strict=True):
        members = by_household.get(key, [])
        household.data[MEMBERS] = [m.data for m in members]
        locator.member_rows[household.number] = [m.number for m in members]
        for k, member in enumerate(members if any_ignored else ()):
            household.ignored.update((MEMBERS, k) + p for p in member.ignored)
        if not members and MEMBERS not in unreadable:
            problems.append(LocatedProblem(
                locator.labels["households"], household.number, None,
                "required",
                _("Household {key!r} has no members: add its persons to "
                  "{file}.", key=key, file=label),
            ))
            household.ignored.add((MEMBERS,))
        elif not members:
            household.ignored.add((MEMBERS,))


def _nest_by_column(
    records: dict[str, Sequence[Record]],
    locator: TabularLocator,
    unreadable: set[str],
) -> bool:
    """
    ``_nest_members`` on the value columns, when every member names a
    household, every household has a member and the members validate
    (a field at a time, ``by_column``): each household's ``members``
    are then its members' model objects, which pydantic takes as they
    are. ``False``, with nothing changed, when any of that fails: the
    records are then nested one by one, each problem located.
    """
    households, members = records["households"], records[MEMBERS]
    if not (
        isinstance(households, ColumnRecords)
        and isinstance(members, ColumnRecords)
        and "records" not in households.__dict__
        and "records" not in members.__dict__
        and not {"households", MEMBERS} & unreadable
        and "id" in households.values.columns
    ):
        return False
    keys = [
        "" if value is MISSING else str(value).strip()
        for value in households.values.columns["id"]
    ]
    by_household: dict[str, list[int]] = {key: [] for key in keys}
    for index, key in enumerate(members.extra[PARENT_KEY]):
        indices = by_household.get(key.strip())
        if indices is None:
            return False  # no household or an unknown one
        indices.append(index)
    if not all(by_household.values()) or "" in by_household:
        return False  # a household without members
    parents = members.extra.pop(PARENT_KEY)
    member_rows = members.validated(Member)
    if member_rows is None:
        members.extra[PARENT_KEY] = parents
        return False
    numbers = members.numbers
    nested = []
    for household, key in zip(households.numbers, keys, strict=True):
        indices = by_household[key]
        locator.member_rows[household] = [numbers[i] for i in indices]
        nested.append([member_rows[i] for i in indices])
    households.extra[MEMBERS] = nested
    return True


@dataclass
class _MemberLocator:
    label: str

    def at(self, table, number, path):
        return self.label, number, layout(MEMBERS).column_of(path)

    def describe(self, table, number):
        return _("row {row} of {file}", row=number, file=self.label)


# ---------------------------------------------------------------- writing


def _file_names() -> frozenset[str]:
    return frozenset(f"{table}{CSV_SUFFIX}" for table in ALL_TABLES)


def write_folder(instance: Instance, path: Path) -> None:
    """
    Write an instance as a folder of CSV files, replacing it atomically.

    Parameters
    ----------
    instance
        The instance.
    path
        The folder; created, or replaced as a whole.
    """
    rows = instance_rows(instance)
    with atomic_folder(path, keep=_file_names()) as temporary:
        for table in ALL_TABLES:
            if table in OPTIONAL_TABLES and not rows[table]:
                continue
            text = _csv_text(layout(table).columns, rows[table])
            (temporary / f"{table}{CSV_SUFFIX}").write_text(
                text, encoding="utf-8", newline=""
            )


def _csv_text(columns: Iterable[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(text_of(v) for v in row)
    return buffer.getvalue()


def write_workbook(instance: Instance, path: Path) -> None:
    """
    Write an instance as an XLSX workbook, one sheet per table, atomically.

    Parameters
    ----------
    instance
        The instance.
    path
        The workbook file.
    """
    rows = instance_rows(instance)
    sheets = {table: (layout(table).columns, rows[table]) for table in rows
              if rows[table] or table not in OPTIONAL_TABLES}
    with atomic_file(path) as temporary:
        save_workbook(sheets, temporary)


def save_workbook(
    sheets: dict[str, tuple[Iterable[str], Iterable[Iterable]]], path: Path
) -> None:
    """
    Save sheets of typed values as an XLSX workbook (not atomic by itself).

    Two kinds of value are stored as text rather than as they are: text
    starting with ``=`` (cells come from data, and data must not run as a
    formula in the user's spreadsheet), and the rare float that needs 17
    significant digits (openpyxl writes 16, which would not read back as
    the same number).

    Parameters
    ----------
    sheets
        Sheet name -> (header, rows of values).
    path
        Where to save.
    """
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    # Write-only mode streams rows to disk: several times faster and far
    # smaller in memory than building every cell object at national scale.
    book = openpyxl.Workbook(write_only=True)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(title=name)
        sheet.freeze_panes = "A2"
        sheet.append(list(header))
        for row in rows:
            sheet.append([_xlsx_value(sheet, v, WriteOnlyCell) for v in row])
    book.save(path)


def _xlsx_value(sheet, value, cell_type):
    if isinstance(value, str) and value.startswith("="):
        cell = cell_type(sheet, value=value)
        cell.data_type = "s"
        return cell
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        return repr(value)
    return value
