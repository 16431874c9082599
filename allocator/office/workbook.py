"""
``proposal.xlsx`` for people, and ``proposal.csv`` in the input's dialect.

The workbook's first sheets are what an officer reads (matches with
names, addresses and sizes; households waiting; empty dwellings; areas;
binding rules; key figures), each with bold frozen headers, an
autofilter, column widths, dates as dates, yes/no in words and a
landscape print set-up one page wide. The proposal's data sheets
(``matches``, ``unmatched``, ``binding``, ``kpis``, ``solver``) follow
for programs.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from models import Instance, Policy, Proposal

from ..i18n import N_, Translator
from .column_sheet import ColumnSheet, NotColumnar
from .shared_view import shared_office_view
from .views import (
    AREA_COLUMNS,
    BINDING_COLUMNS,
    EMPTY_COLUMNS,
    MATCH_COLUMNS,
    WAITING_COLUMNS,
    column_of,
)

SHEETS = (
    ("matches", N_("Matches"), MATCH_COLUMNS),
    ("waiting", N_("Waiting"), WAITING_COLUMNS),
    ("empty", N_("Empty dwellings"), EMPTY_COLUMNS),
    ("areas", N_("Areas"), AREA_COLUMNS),
    ("binding", N_("Binding rules"), BINDING_COLUMNS),
)

_FORMATS = {
    "date": "DD.MM.YYYY",
    "money": "#,##0",
    "int": "0",
    "area": "0",
    "share": "0.0%",
}


@dataclass(frozen=True)
class CsvDialect:
    """How ``proposal.csv`` is written: as the input was."""

    separator: str = ","
    decimal_comma: bool = False
    bom: bool = False

    @property
    def norwegian(self) -> bool:
        return self.separator == ";"


NORWEGIAN_EXCEL = CsvDialect(";", True, True)
"""Norwegian Excel's CSV: semicolons, decimal commas, UTF-8 with BOM."""


QUICK_DEFLATE = 1
"""The workbook's deflate level. Its sheets are tens of megabytes of
XML at national scale: level 1 packs them in a third of the time of
zlib's default 6 (0.15 s against 0.48 s for a national round's 31 MB),
into a file a third larger (5.3 MB against 3.9 MB)."""


class _QuickZipFile(zipfile.ZipFile):
    """XlsxWriter's archive, each member deflated at ``QUICK_DEFLATE``
    (XlsxWriter has no setting for it, and names the level of no
    member)."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None,
                 compresslevel=None):
        super().writestr(zinfo_or_arcname, data, compress_type,
                         QUICK_DEFLATE if compresslevel is None
                         else compresslevel)


def _deflate_quickly(module) -> None:
    """Has XlsxWriter's ``module`` (``xlsxwriter.workbook``) open its
    archives as ``_QuickZipFile``; a version that no longer opens a
    plain ``zipfile.ZipFile`` there is left as it is."""
    if module.ZipFile is zipfile.ZipFile:
        module.ZipFile = _QuickZipFile


class _Book:
    """
    An XlsxWriter workbook with the few cell formats the sheets use.

    XlsxWriter writes each cell straight into the sheet's XML, where
    openpyxl built an object per cell and styled it afterwards: the
    people's workbook of a national round (790,000 cells) took over a
    minute that way. Sheet names follow openpyxl's rule for a name
    already taken (case aside): the next free number is appended, as in
    ``matches1`` beside ``Matches``.
    """

    def __init__(self, path: Path) -> None:
        import xlsxwriter
        import xlsxwriter.workbook

        _deflate_quickly(xlsxwriter.workbook)
        # Text is written as text: data must not turn into formulas or
        # links in the user's spreadsheet.
        self.book = xlsxwriter.Workbook(str(path), {
            "in_memory": True, "strings_to_formulas": False,
            "strings_to_urls": False, "strings_to_numbers": False,
            "nan_inf_to_errors": True})
        self.bold = self.book.add_format({"bold": True})
        self.heading = self.book.add_format(
            {"bold": True, "text_wrap": True, "valign": "top"})
        self._formats: dict[tuple, object] = {}

    def cell_format(self, number_format: str | None, wrap: bool):
        """The format of a column's cells (``None`` when plain)."""
        if number_format is None and not wrap:
            return None
        key = (number_format, wrap)
        if key not in self._formats:
            spec = {"num_format": number_format} if number_format else {}
            if wrap:
                spec.update(text_wrap=True, valign="top")
            self._formats[key] = self.book.add_format(spec)
        return self._formats[key]

    def _dated(self, fmt, default: str):
        """``fmt``, or with ``default`` as its number format when it has
        none (a date must not show as a bare serial number)."""
        for (number_format, wrap), known in self._formats.items():
            if known is fmt:
                return fmt if number_format else self.cell_format(default,
                                                                  wrap)
        return self.cell_format(default, False)

    def sheet(self, name: str):
        """A new sheet at the end, named as openpyxl would have."""
        taken = [s.get_name() for s in self.book.worksheets()]
        return self.book.add_worksheet(_free_name(taken, name),
                                       worksheet_class=ColumnSheet)

    def write_columns(self, sheet, columns: list, formats: list,
                      first_row: int = 1) -> None:
        """Typed values from ``first_row`` on, given as columns of equal
        length; ``formats`` per column (plain beyond them). A sheet of
        plain values is written whole from its columns
        (``ColumnSheet``), any other cell by cell (``write_rows``)."""
        formats = [*formats, *[None] * (len(columns) - len(formats))]
        try:
            sheet.write_columns(columns, formats, first_row)
        except NotColumnar:
            self.write_rows(sheet, zip(*columns, strict=True), formats,
                            first_row)

    def write_rows(self, sheet, rows, formats, first_row: int = 1) -> None:
        """Typed values from ``first_row`` on; ``formats`` per column
        (plain beyond them)."""
        dated = {f: self._dated(f, _DEFAULT_DATE) for f in set(formats)}
        date_of = {f: self._dated(f, _DEFAULT_DATETIME)
                   for f in set(formats)}
        text, number = sheet.write_string, sheet.write_number
        for r, row in enumerate(rows, start=first_row):
            if len(row) > len(formats):  # columns beyond those formatted
                formats = [*formats, *[None] * (len(row) - len(formats))]
                dated.setdefault(None, self._dated(None, _DEFAULT_DATE))
                date_of.setdefault(None, self._dated(None,
                                                     _DEFAULT_DATETIME))
            for c, (value, fmt) in enumerate(zip(row, formats)):
                kind = value.__class__
                if kind is str:
                    if value:
                        text(r, c, value, fmt)
                    elif fmt is not None:  # empty text reads back as empty
                        sheet.write_blank(r, c, None, fmt)
                elif kind is int or kind is float:
                    number(r, c, value, fmt)
                elif value is None:
                    if fmt is not None:
                        sheet.write_blank(r, c, None, fmt)
                elif kind is bool:
                    sheet.write_boolean(r, c, value, fmt)
                elif kind is datetime:
                    sheet.write_datetime(r, c, value, date_of[fmt])
                elif kind is date:
                    sheet.write_datetime(r, c, value, dated[fmt])
                elif isinstance(value, str):  # an enumeration's member
                    text(r, c, str.__str__(value), fmt)
                else:
                    sheet.write(r, c, value, fmt)

    def close(self) -> None:
        self.book.close()


_DEFAULT_DATE = "yyyy-mm-dd"
_DEFAULT_DATETIME = "yyyy-mm-dd h:mm:ss"
"""The formats openpyxl gave dates without one of their own."""


def _free_name(taken: list[str], name: str) -> str:
    """``name``, or with the next number when taken (openpyxl's rule)."""
    if not any(n.lower() == name.lower() for n in taken):
        return name
    pattern = re.compile(f"(?P<title>{re.escape(name)})(?P<count>\\d*),?",
                         re.I)
    counts = [int(c) for _, c in pattern.findall(",".join(taken))
              if c.isdigit()]
    return f"{name}{max(counts, default=0) + 1}"


def people_sheets(book: _Book, proposal: Proposal, instance: Instance,
                  t: Translator, policy: Policy | None = None) -> None:
    """Add the officer's sheets to the workbook."""
    view = shared_office_view(proposal, instance, t, policy)
    for key, title, columns in SHEETS:
        sheet = book.sheet(_sheet_title(t._(title)))
        headers = [t._(c.header) for c in columns]
        sheet.write_row(0, 0, headers, book.heading)
        rows = getattr(view, key)
        book.write_columns(
            sheet, [_column_values(rows, c, t) for c in columns],
            [book.cell_format(_FORMATS.get(c.kind), c.width >= 40)
             for c in columns])
        for index, (c, header) in enumerate(zip(columns, headers)):
            sheet.set_column(index, index, max(
                c.width, min(len(header) + 2, 18)))
        sheet.freeze_panes(1, 1)
        if rows:
            sheet.autofilter(0, 0, len(rows), len(columns) - 1)
        _print_setup(sheet)
    _figures_sheet(book, proposal, view, t)
    _moves_sheet(book, proposal, t)


def _figures_sheet(book: _Book, proposal: Proposal, view,
                   t: Translator) -> None:
    """Key figures, then the proposal's conflicts and warnings."""
    from .warnings_text import warning_text

    sheet = book.sheet(_sheet_title(t._("Key figures")))
    sheet.write_string(0, 0, t._("Key figures"), book.bold)
    rows = [[label, value] for label, value in view.figures]
    rows += [[t._("Conflict"), text] for text in proposal.conflicts]
    rows += [[t._("Warning"), warning_text(w, t)]
             for w in getattr(proposal, "warnings", ())]
    book.write_columns(sheet, _columns_of(rows, 2), [None, None])
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 1, 24)
    _print_setup(sheet)


def _moves_sheet(book: _Book, proposal: Proposal, t: Translator) -> None:
    """The chains of moves after the officer's sheets; none without."""
    if not proposal.moves:
        return
    from .moves import MOVE_COLUMNS, move_rows

    sheet = book.sheet(t._("Chains of moves")[:31])
    sheet.write_row(0, 0, [t._(c.header) for c in MOVE_COLUMNS], book.bold)
    rows = move_rows(proposal, t)
    book.write_columns(sheet, [[row[c.key] for row in rows]
                               for c in MOVE_COLUMNS],
                       [None] * len(MOVE_COLUMNS))
    sheet.freeze_panes(1, 0)


def _print_setup(sheet) -> None:
    """Landscape A4, one page wide, the header on every page, and the
    grid printed."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.hide_gridlines(0)


def _sheet_title(text: str) -> str:
    for bad in "[]:*?/\\":
        text = text.replace(bad, " ")
    return text[:31]


def _column_values(rows: list[dict], column, t: Translator) -> list:
    """A view's column as the sheet shows it: yes/no in words, and
    text starting with ``=`` kept as text by a leading apostrophe."""
    values = column_of(rows, column.key)
    if column.kind == "bool":
        words = {v: t.yes_no(v) for v in set(values) if v is not None}
        return [words.get(v) for v in values]
    return _formulas_as_text(values)


def _formulas_as_text(values: list) -> list:
    """The values, with text starting with ``=`` given a leading
    apostrophe (data must not run as a formula); worked out once per
    distinct value."""
    try:
        distinct = set(values)
    except TypeError:  # an unhashable value: one by one
        distinct = values
    if _no_formula(distinct):
        return values
    quoted = {v: "'" + v for v in distinct
              if isinstance(v, str) and v.startswith("=")}
    if not quoted:
        return values
    return [quoted.get(v, v) if isinstance(v, str) else v for v in values]


def _no_formula(distinct) -> bool:
    """Whether values known to be text only (``str`` itself) have none
    starting with ``=``, found in one pass over them joined; ``False``
    when not known (a separator inside a text may also say so)."""
    if set(map(type, distinct)) != {str}:
        return False
    joined = "\0".join(distinct)
    return not (joined.startswith("=") or "\0=" in joined)


def _columns_of(rows: list, width: int) -> list[list]:
    """Rows of ``width`` values as that many columns."""
    if not rows:
        return [[] for _ in range(width)]
    return [list(column) for column in zip(*rows, strict=True)]


def save_people_workbook(path: Path, data_sheets: dict, proposal: Proposal,
                         instance: Instance, t: Translator,
                         policy: Policy | None = None) -> None:
    """The officer's sheets, then the data sheets, saved to ``path``."""
    people_workbook(path, data_sheets, proposal, instance, t,
                    policy).close()


def people_workbook(path: Path, data_sheets: dict, proposal: Proposal,
                    instance: Instance, t: Translator,
                    policy: Policy | None = None) -> _Book:
    """
    The workbook ``save_people_workbook`` saves, with every sheet
    written but not yet saved: ``close()`` on it assembles and
    compresses the file, most of which XlsxWriter does in zlib, which
    lets other threads run meanwhile.
    """
    book = _Book(path)
    # What the office's own decisions did (set aside, overridden,
    # changed) comes first, before any sheet of the proposal.
    if "decisions" in data_sheets:
        _data_sheet(book, "decisions", *data_sheets["decisions"])
    people_sheets(book, proposal, instance, t, policy)
    for name, (header, rows) in data_sheets.items():
        if name != "decisions":
            _data_sheet(book, name, header, rows)
    return book


def _data_sheet(book: _Book, name: str, header, rows) -> None:
    """A sheet for programs: a bold header, then the values as they are
    (text starting with ``=`` kept as text by a leading apostrophe)."""
    sheet = book.sheet(name)
    header = list(header)
    sheet.write_row(0, 0, header, book.bold)
    rows = list(rows)
    if set(map(len, rows)) - {len(header)}:  # a row of another width
        book.write_rows(sheet, ([("'" + v) if isinstance(v, str)
                                 and v.startswith("=") else v for v in row]
                                for row in rows), [])
    else:
        book.write_columns(sheet, [_formulas_as_text(column) for column
                                   in _columns_of(rows, len(header))], [])
    sheet.freeze_panes(1, 0)


def dialect_csv(text: str, dialect: CsvDialect) -> str:
    """Plain CSV text (commas, decimal points) rewritten in a dialect."""
    if dialect.separator == "," and not dialect.decimal_comma:
        return text
    import csv
    import io
    import re

    number = re.compile(r"-?\d+\.\d+")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.separator,
                        lineterminator="\r\n")
    for row in rows:
        writer.writerow([
            c.replace(".", ",") if dialect.decimal_comma
            and number.fullmatch(c) else c for c in row
        ])
    return ("\ufeff" if dialect.bom else "") + buffer.getvalue()


def sniff_dialect(path: str | Path) -> CsvDialect:
    """The dialect of an instance on disk: Norwegian Excel's when any CSV
    file of the folder has a header separated by semicolons (as the
    reader decides), else plain CSV (also for XLSX and JSON input)."""
    from ..io.tabular import _separator

    path = Path(path)
    if not path.is_dir():
        return CsvDialect()
    for file in sorted(path.glob("*.csv")):
        try:
            head = file.read_bytes()[:4096]
        except OSError:
            continue
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = head.decode(encoding)
                break
            except UnicodeDecodeError:
                text = ""
        first = next((ln for ln in text.splitlines() if ln.strip()), "")
        if first.lower().startswith("sep=;") or _separator(first) == ";":
            return NORWEGIAN_EXCEL
    return CsvDialect()
