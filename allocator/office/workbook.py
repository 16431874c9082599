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

from dataclasses import dataclass
from pathlib import Path

from models import Instance, Policy, Proposal

from ..i18n import N_, Translator
from .views import (
    AREA_COLUMNS,
    BINDING_COLUMNS,
    EMPTY_COLUMNS,
    MATCH_COLUMNS,
    WAITING_COLUMNS,
    office_view,
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


def dialect_of(report) -> CsvDialect:
    """The dialect of an instance read as CSV: Norwegian Excel's when any
    of its files was separated by semicolons, else plain CSV."""
    if report is None:
        return CsvDialect()
    separators = {f.separator for f in report.files.values() if f.separator}
    return NORWEGIAN_EXCEL if ";" in separators else CsvDialect()


def people_sheets(book, proposal: Proposal, instance: Instance,
                  t: Translator, policy: Policy | None = None) -> None:
    """Add the officer's sheets to an openpyxl workbook (first)."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    view = office_view(proposal, instance, t, policy)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for position, (key, title, columns) in enumerate(SHEETS):
        sheet = book.create_sheet(_sheet_title(t._(title)), position)
        sheet.append([t._(c.header) for c in columns])
        for cell in sheet[1]:
            cell.font = bold
            cell.alignment = wrap
        for row in getattr(view, key):
            sheet.append([_value(row.get(c.key), c, t) for c in columns])
        for index, c in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = max(
                c.width, min(len(t._(c.header)) + 2, 18))
            fmt = _FORMATS.get(c.kind)
            if fmt or c.width >= 40:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index,
                                               max_col=index):
                    if fmt:
                        cell.number_format = fmt
                    if c.width >= 40:
                        cell.alignment = wrap
        sheet.freeze_panes = "B2"
        if sheet.max_row > 1:
            sheet.auto_filter.ref = sheet.dimensions
        _print_setup(sheet, PageSetupProperties)
    sheet = book.create_sheet(_sheet_title(t._("Key figures")), len(SHEETS))
    sheet.append([t._("Key figures"), ""])
    sheet["A1"].font = bold
    for label, value in view.figures:
        sheet.append([label, value])
    sheet.column_dimensions["A"].width = 46
    sheet.column_dimensions["B"].width = 24
    for text in proposal.conflicts:
        sheet.append([t._("Conflict"), text])
    for w in getattr(proposal, "warnings", ()):
        from .warnings_text import warning_text

        sheet.append([t._("Warning"), warning_text(w, t)])
    _print_setup(sheet, PageSetupProperties)
    from .moves import moves_sheet

    moves_sheet(book, proposal, t)


def _print_setup(sheet, PageSetupProperties) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = True


def _sheet_title(text: str) -> str:
    for bad in "[]:*?/\\":
        text = text.replace(bad, " ")
    return text[:31]


def _value(value, column, t: Translator):
    if value is None:
        return None
    if column.kind == "bool":
        return t.yes_no(value)
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value


def save_people_workbook(path: Path, data_sheets: dict, proposal: Proposal,
                         instance: Instance, t: Translator,
                         policy: Policy | None = None) -> None:
    """The officer's sheets, then the data sheets, saved to ``path``."""
    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    book.remove(book.active)
    people_sheets(book, proposal, instance, t, policy)
    bold = Font(bold=True)
    for name, (header, rows) in data_sheets.items():
        # What the office's own decisions did (set aside, overridden,
        # changed) comes first, before any sheet of the proposal.
        sheet = book.create_sheet(name, 0 if name == "decisions" else None)
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append([("'" + v) if isinstance(v, str)
                          and v.startswith("=") else v for v in row])
        sheet.freeze_panes = "A2"
    book.save(path)


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
