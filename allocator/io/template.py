"""
An empty input workbook for a housing office to fill in.

Every column follows the contract (``models/``) through the layout: its
header (English, or Norwegian from ``allocator.io.norwegian``), its
description (the contract's own for English), a dropdown for coded values
and yes/no fields, a date format for dates. The sheets come in the order
an office fills them in, after a guide sheet the reader skips.
"""

from __future__ import annotations

import math
import re
from functools import cache
from pathlib import Path

from models import Instance

from . import norwegian
from ._atomic import atomic_file
from .layout import (
    ALL_TABLES,
    HEADER,
    LIST_SEPARATOR,
    MEMBERS,
    OPTIONAL_TABLES,
    PARENT_KEY,
    FieldLayout,
    layout,
)

ORDER = (
    "households", MEMBERS, "dwellings", "areas", "municipalities", HEADER,
    "buildings", "decisions", "area_nationalities", "sites", "nodes",
    "edges", "travel_times",
)
"""Sheets of the template, in the order an office fills them in. The
tables of national placement (``OPTIONAL_TABLES``) are left out: they are
analysts' imports, not an office's."""

FIRST_ROW, LAST_ROW = 2, 1000
"""Rows given dropdowns and date formats."""

GUIDE = {"nb": "veiledning", "en": "instructions"}
"""Name of the guide sheet (skipped by the reader)."""

_BOOLS = {"nb": ("ja", "nei"), "en": ("yes", "no")}
_DATE_FORMAT = {"nb": "dd.mm.yyyy", "en": "yyyy-mm-dd"}
_HEADER_FILL = "DDEBF7"
_REQUIRED_FILL = "FCE4D6"


def write_template(path: Path, lang: str = "en") -> None:
    """
    Write the empty input workbook, atomically.

    Parameters
    ----------
    path
        The ``.xlsx`` file.
    lang
        ``nb`` (Norwegian sheets, headers, values and guide) or ``en``.
    """
    book = build_template(lang)
    with atomic_file(path) as temporary:
        book.save(temporary)


def build_template(lang: str = "en"):
    """The template as an openpyxl workbook (see ``write_template``)."""
    import openpyxl

    from ..i18n import translator

    t = translator(lang)
    book = openpyxl.Workbook()
    guide = book.active
    guide.title = GUIDE[lang]
    _write_guide(guide, lang, t)
    for table in ORDER:
        _write_sheet(book.create_sheet(norwegian.sheet_name(table, lang)),
                     table, lang, t)
    return book


def _write_sheet(sheet, table: str, lang: str, t) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for index, column in enumerate(columns(table), start=1):
        name = norwegian.column_name(table, column.name, lang)
        cell = sheet.cell(row=1, column=index, value=name)
        cell.font = bold
        cell.alignment = Alignment(vertical="top")
        cell.fill = PatternFill("solid", fgColor=(
            _REQUIRED_FILL if column.required else _HEADER_FILL))
        text = column_help(table, column, lang, t)
        comment = Comment(text, "allocator")
        comment.width, comment.height = 320, 160
        cell.comment = comment
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(12, len(name) + 4)
        area = f"{letter}{FIRST_ROW}:{letter}{LAST_ROW}"
        choices = column.choices(lang)
        if choices:
            _dropdown(sheet, area, choices, strict=column.kind != "set",
                      title=name, prompt=text)
        if column.base == "date":
            for (row,) in sheet[area]:
                row.number_format = _DATE_FORMAT[lang]
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}1"


def _dropdown(sheet, area: str, choices, strict: bool, title: str,
              prompt: str) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="list", formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        # A set-valued cell may hold several values separated by |.
        showErrorMessage=strict,
        showInputMessage=True,
        promptTitle=title[:32], prompt=prompt[:255],
    )
    sheet.add_data_validation(validation)
    validation.add(area)


class Column:
    """One column of the template, with what describes it."""

    def __init__(self, name: str, field: FieldLayout | None,
                 key: str | None = None):
        self.name = name
        self.field = field
        self.key = key

    @property
    def required(self) -> bool:
        return self.field is None or self.field.required

    @property
    def kind(self) -> str:
        return self.field.kind if self.field else "scalar"

    @property
    def base(self) -> str:
        return self.field.base if self.field else "text"

    def choices(self, lang: str) -> tuple[str, ...]:
        """The dropdown's values: coded values, or yes and no."""
        if self.field is None:
            return ()
        if self.field.kind == "bool":
            return _BOOLS[lang]
        if self.field.codes is not None:
            return tuple(norwegian.value_name(v, lang)
                         for v in self.field.codes)
        return ()


def columns(table: str) -> list[Column]:
    """The template's columns of ``table``, in the layout's order."""
    out = []
    table_layout = layout(table)
    if table_layout.parent_key:
        out.append(Column(table_layout.parent_key, None))
    for f in table_layout.fields:
        keys = f.keys or (None,)
        out.extend(Column(c, f, k) for c, k in zip(f.columns, keys,
                                                   strict=True))
    return out


def column_help(table: str, column: Column, lang: str, t) -> str:
    """The description of a column, with whether it is required and the
    values it takes."""
    parts = [description(table, column.name, lang)]
    if column.required:
        parts.append(t._("Required."))
    if column.base == "date":
        parts.append(t._("A date, for example {example}.").format(
            example="31.01.2026" if lang == "nb" else "2026-01-31"))
    choices = column.choices(lang)
    if choices and column.kind == "set":
        parts.append(t._("Values, several separated by {separator}: "
                         "{values}.").format(separator=LIST_SEPARATOR,
                                             values=", ".join(choices)))
    elif choices:
        parts.append(t._("Values: {values}.").format(
            values=", ".join(choices)))
    return " ".join(p for p in parts if p)


def description(table: str, column: str, lang: str) -> str:
    """
    What a column holds: in Norwegian from ``allocator.io.norwegian``, in
    English from the contract (the row model's docstring, else the
    field's description).
    """
    if lang == "nb":
        return norwegian.COLUMNS[table][column][1]
    if column == PARENT_KEY and table == MEMBERS:
        return "Id of the member's household (from the households sheet)."
    table_layout = layout(table)
    model = Instance if table == HEADER else table_layout.model
    for f in table_layout.fields:
        if column in f.columns:
            text = field_docs(model).get(f.name, "")
            info = table_layout.model.model_fields[f.name]
            text = text or (info.description or "")
            if f.kind == "mapping":
                key = f.keys[f.columns.index(column)].replace("_", " ")
                text = f"{text.rstrip('.')} ({key})."
            return text
    return ""


_ENTRY = re.compile(r"^    (\w+(?:, \w+)*)\s*$")


@cache
def field_docs(model) -> dict[str, str]:
    """
    Field name -> its text under "Parameters" in a model's docstring
    (numpydoc), joined into one line; names listed together (``a, b``)
    share their text.
    """
    doc = model.__doc__ or ""
    if "Parameters\n" not in doc:
        return {}
    lines = doc.split("Parameters\n", 1)[1].splitlines()[1:]
    docs: dict[str, list[str]] = {}
    names: list[str] = []
    for line in lines:
        found = _ENTRY.match(line)
        if found:
            names = found.group(1).split(", ")
            for name in names:
                docs[name] = []
        elif line.startswith("        ") and names:
            for name in names:
                docs[name].append(line.strip())
        elif line.strip() and not line.startswith(" " * 8):
            names = []
    return {name: _plain(" ".join(words)) for name, words in docs.items()}


def _plain(text: str) -> str:
    """Docstring text for a reader: no rst backquotes."""
    return text.replace("``", "")


def table_description(table: str, lang: str) -> str:
    """What one row of a table is."""
    if lang == "nb":
        return norwegian.SHEETS[table][1]
    if table == HEADER:
        return "One row: the planning round's name and planning date."
    if table == MEMBERS:
        return "One row per person, with the household's id."
    doc = layout(table).model.__doc__ or ""
    return _plain(" ".join(doc.strip().split("\n\n")[0].split()))


def _write_guide(sheet, lang: str, t) -> None:
    from openpyxl.styles import Alignment, Font

    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    rows: list[tuple] = [
        (t._("Input workbook for the housing allocator"),),
        (),
        (t._("How to fill it in"),),
    ]
    steps = [
        t._("Fill in the sheets from left to right: households, members, "
            "dwellings, areas, municipalities, then the planning round "
            "(one row with its name and date). The other sheets may be "
            "left empty."),
        t._("Each sheet has one row per item under its header row. Do "
            "not rename the sheets or the columns; the header's comment "
            "says what a column holds. Columns with an orange header are "
            "required."),
        t._("Pick coded values and yes/no from the dropdown. A blank cell "
            "means unknown, or the default named in the description."),
        t._("Write dates as dates ({example}). Numbers may have a "
            "decimal comma.").format(
            example="31.01.2026" if lang == "nb" else "2026-01-31"),
        t._("Several values in one cell are separated by {separator}; "
            "write {empty} for a known empty list.").format(
            separator=LIST_SEPARATOR,
            empty=norwegian.EMPTY_SET_NB if lang == "nb" else "none"),
        t._("Households and members are pseudonymous: never write names, "
            "national identity numbers or contact details."),
        t._("A notes column (notes, merknad) on any sheet, and extra "
            "sheets named notes, are the office's own and are not read."),
        t._("Check the workbook with: allocator validate FILE.xlsx; "
            "propose with: allocator solve FILE.xlsx --out FOLDER."),
    ]
    rows += [(f"{n}.", step) for n, step in enumerate(steps, start=1)]
    rows += [(), (t._("Sheets and columns"),),
             (t._("Sheet"), t._("Column"), t._("Required"),
              t._("Description"))]
    heads = {0, 2, len(rows) - 2}
    subheads = {len(rows) - 1}
    for table in ORDER:
        sheet_name = norwegian.sheet_name(table, lang)
        subheads.add(len(rows))
        rows.append((sheet_name, "", "", table_description(table, lang)))
        for column in columns(table):
            rows.append((
                "", norwegian.column_name(table, column.name, lang),
                _BOOLS[lang][0] if column.required else "",
                column_help(table, column, lang, t),
            ))
    first_step = 4
    for row in rows:
        sheet.append(list(row))
    for index in range(1, sheet.max_row + 1):
        for cell in sheet[index]:
            cell.alignment = wrap
            if index - 1 in heads | subheads:
                cell.font = bold
        if first_step <= index < first_step + len(steps):
            sheet.merge_cells(f"B{index}:D{index}")
            text = rows[index - 1][1]
            sheet.row_dimensions[index].height = _height(text, 125)
        elif index > first_step + len(steps):
            text = rows[index - 1][3] if len(rows[index - 1]) > 3 else ""
            sheet.row_dimensions[index].height = _height(text, 85)
    sheet["A1"].font = Font(bold=True, size=14)
    for letter, width in zip("ABCD", (24, 30, 11, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _height(text: str, characters: int) -> float:
    """Row height in points for wrapped text in a column so wide."""
    return 15.0 * max(1, math.ceil(len(text) / characters))


def all_tables_placed() -> bool:
    """Whether every table but national placement's is in ``ORDER``."""
    return set(ORDER) == set(ALL_TABLES) - OPTIONAL_TABLES
