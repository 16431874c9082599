"""Columns of the tabular forms (CSV, XLSX), derived from the models."""

from __future__ import annotations

import re
import types
import typing
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import Enum
from functools import cache, cached_property

from pydantic import BaseModel, create_model

from models import SENSITIVE_FIELDS, TABLES, Instance, Member
from models._base import StrictModel

from ..i18n import _
from .norwegian import EMPTY_SET_NB, code_of

HEADER = "instance"
"""Table holding the instance's own fields (name, as_of): one row."""

MEMBERS = "members"
"""Child table of households: one row per member, in order."""

PARENT_KEY = "household_id"
"""Column of ``members`` naming the member's household."""

ALL_TABLES = (HEADER, *TABLES, MEMBERS)
"""Every table of the tabular forms, in reading order."""

REQUIRED_TABLES = frozenset(
    {HEADER, "municipalities", "households", MEMBERS}
)
"""Tables whose file (or sheet) must be present. Areas and dwellings may
be left out (placement in municipalities needs neither): a missing file
is an empty table."""

OPTIONAL_TABLES = frozenset(
    {"municipality_services", "compatibility", "pair_scores"}
)
"""Tables of national placement, written only when they hold rows, so
that instances without them are written as before; a missing one reads
as empty."""

LIST_SEPARATOR = "|"
"""Separator of the values of a set-valued cell, e.g. ``waterfront|noise``."""

EMPTY_SET = "none"
"""Cell text of a known empty set, distinct from a blank (unknown) cell."""

_BOOL_STYLES = {
    # cell text -> (value, style reported by the format detection)
    "true": (True, "true/false"),
    "false": (False, "true/false"),
    "yes": (True, "yes/no"),
    "no": (False, "yes/no"),
    "1": (True, "1/0"),
    "0": (False, "1/0"),
    "ja": (True, "ja/nei"),
    "nei": (False, "ja/nei"),
    # What Excel in a Norwegian locale writes for TRUE and FALSE.
    "sann": (True, "sann/usann"),
    "usann": (False, "sann/usann"),
}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
"""A Norwegian date, ``dd.mm.yyyy`` or ``d.m.yyyy``."""

_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")
"""A number with a decimal comma, e.g. ``5,3`` or ``-0,25``."""

_GROUPED = re.compile(
    r"[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?"
    r"|[+-]?\d{1,3}(?:\.\d{3})+,\d+"
)
"""Thousands grouped Norwegian style: ``12 500``, ``12 500,50``,
``12.500,50`` (a dot groups thousands only before a decimal comma)."""

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d*)?(?:[eE][+-]?\d+)?")
"""A plain number, which a date cell must not be."""

_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\u2013": "-"})


@dataclass(frozen=True)
class FieldLayout:
    """
    How one model field is laid out in cells.

    Parameters
    ----------
    name
        Field name in the model.
    kind
        ``"scalar"`` (text parsed by pydantic), ``"bool"``, ``"set"`` (one
        cell, values separated by ``|``) or ``"mapping"`` (one column per
        key, such as ``quota_persons``).
    optional
        Whether ``None`` is a value of the field (a blank cell means it).
    required
        Whether the field has no default, so its column must be present.
    columns
        The field's column names: one, or one per mapping key.
    keys
        For mappings: the key of each column.
    base
        For scalars and mappings, the value type cells are parsed as:
        ``"date"``, ``"int"``, ``"float"`` or ``"text"`` (anything else),
        so that spreadsheet conventions (``dd.mm.yyyy``, decimal comma)
        apply only where they mean something.
    """

    name: str
    kind: str
    optional: bool
    required: bool
    columns: tuple[str, ...]
    keys: tuple[str, ...] = ()
    base: str = "text"
    codes: type[Enum] | None = None
    """For coded values (a scalar or the members of a set): their enum,
    whose Norwegian names (``allocator.io.norwegian``) are read as
    aliases."""


@dataclass(frozen=True)
class TableLayout:
    """
    The columns of one table and the model its rows validate against.

    Parameters
    ----------
    name
        Table name, which is also the CSV file stem and the sheet name.
    model
        Row model.
    fields
        Field layouts in model field order (the column order).
    parent_key
        Extra leading column linking a child row to its parent row.
    """

    name: str
    model: type[BaseModel]
    fields: tuple[FieldLayout, ...]
    parent_key: str | None = None

    @cached_property
    def plan(self) -> tuple[tuple, ...]:
        """
        ``(name, kind, base, columns, keys, codes)`` of each field: what
        ``RowParser`` needs, without attribute look-ups per cell.
        """
        return tuple(
            (f.name, f.kind, f.base, f.columns, f.keys, f.codes)
            for f in self.fields
        )

    @property
    def columns(self) -> tuple[str, ...]:
        head = (self.parent_key,) if self.parent_key else ()
        return head + tuple(c for f in self.fields for c in f.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        head = (self.parent_key,) if self.parent_key else ()
        return head + tuple(
            c for f in self.fields if f.required for c in f.columns
        )

    def column_of(self, path: tuple) -> str | None:
        """
        The column a pydantic error location points at.

        Parameters
        ----------
        path
            Error location within the row, e.g. ``("quotas", "persons")``.
        """
        if not path:
            return None
        for f in self.fields:
            if f.name != path[0]:
                continue
            if f.kind == "mapping" and len(path) > 1:
                return f.columns[f.keys.index(str(path[1]))]
            return f.columns[0] if len(f.columns) == 1 else f.name
        return str(path[0])


def row_model(table: str) -> type[BaseModel]:
    """
    The model one row of ``table`` validates against.

    Parameters
    ----------
    table
        A name from ``ALL_TABLES``.
    """
    if table == HEADER:
        return _header_model()
    if table == MEMBERS:
        return Member
    annotation = Instance.model_fields[table].annotation
    return typing.get_args(annotation)[0]


@cache
def _header_model() -> type[BaseModel]:
    # Built from Instance's own fields, so constraints on name and as_of
    # stay defined in one place (models/).
    fields = {
        name: (info.annotation, info)
        for name, info in Instance.model_fields.items()
        if name not in TABLES
    }
    return create_model("InstanceHeader", __base__=StrictModel, **fields)


@cache
def layout(table: str) -> TableLayout:
    """
    The column layout of ``table``.

    Parameters
    ----------
    table
        A name from ``ALL_TABLES``.
    """
    model = row_model(table)
    fields = tuple(
        _field_layout(name, info)
        for name, info in model.model_fields.items()
        # Members are nested in a household; they get a table of their own.
        if not (table == "households" and name == MEMBERS)
    )
    parent = PARENT_KEY if table == MEMBERS else None
    return TableLayout(table, model, fields, parent)


def _field_layout(name: str, info) -> FieldLayout:
    inner, optional = strip_optional(info.annotation)
    origin = typing.get_origin(inner)
    required = info.is_required()
    if inner is bool:
        return FieldLayout(name, "bool", optional, required, (name,))
    if origin in (frozenset, set):
        return FieldLayout(name, "set", optional, required, (name,),
                           codes=_enum(typing.get_args(inner)[0]))
    if origin is dict:
        key_type, value_type = typing.get_args(inner)
        keys = tuple(str(k.value) for k in key_type)
        # "quotas" -> "quota_households", "quota_persons", ...
        stem = name.removesuffix("s")
        columns = tuple(f"{stem}_{k}" for k in keys)
        return FieldLayout(
            name, "mapping", optional, False, columns, keys,
            _base(value_type),
        )
    return FieldLayout(
        name, "scalar", optional, required, (name,), base=_base(inner),
        codes=_enum(inner),
    )


def _enum(annotation) -> type[Enum] | None:
    """The enum of a coded field, else ``None``."""
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    return None


def _base(annotation) -> str:
    """``"date"``, ``"int"``, ``"float"`` or ``"text"`` for an annotation."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if not isinstance(annotation, type):
        return "text"
    if issubclass(annotation, datetime):
        return "text"
    if issubclass(annotation, date):
        return "date"
    if issubclass(annotation, bool) or issubclass(annotation, Enum):
        return "text"
    if issubclass(annotation, int):
        return "int"
    if issubclass(annotation, float):
        return "float"
    return "text"


def strip_optional(annotation) -> tuple[object, bool]:
    """
    The annotation without ``None``, and whether ``None`` was allowed.

    Parameters
    ----------
    annotation
        A field annotation such as ``int | None``.
    """
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            return args[0], optional
    return annotation, False


# ---------------------------------------------------------------- reading


@dataclass
class CellProblem:
    """A cell that could not be turned into a value for pydantic."""

    column: str
    rule: str
    message: str


@dataclass
class Conventions:
    """
    How the cells of one file are written, and what was seen in them.

    Parameters
    ----------
    decimal_comma
        Whether ``5,3`` means 5.3 (and ``12 500`` means 12500). Only true
        for CSV files separated by semicolons, where a comma cannot be the
        separator; elsewhere ``5,3`` is left alone and reported as a wrong
        number rather than guessed at.
    seen
        ``(aspect, style)`` -> cells written that way, for the format
        report: ``("dates", "dd.mm.yyyy")``, ``("booleans", "ja/nei")``,
        ``("numbers", "decimal comma")``...
    """

    decimal_comma: bool = False
    seen: Counter = field(default_factory=Counter)


class RowParser:
    """
    Turns the rows of one sheet, given as lists of cell texts in the
    sheet's column order, into input for the row model: the columns are
    looked up once per sheet, not once per cell, and fields without a
    column are skipped (a national instance has some 150,000 rows).

    A blank cell leaves its field out, so the field takes its documented
    default (``None`` for tri-state fields: unknown). Booleans and sets are
    parsed here, where the spreadsheet conventions live; dates written
    ``dd.mm.yyyy`` become ISO dates, and, under a decimal comma, numbers
    become numbers with a decimal point. Everything else is left as text
    for pydantic, whose messages then name the problem.

    Parameters
    ----------
    table
        Layout of the table.
    positions
        Column name -> its position in each row; a column not listed is
        blank in every row.
    """

    def __init__(self, table: TableLayout, positions: dict[str, int]):
        self.fields = []
        for name, kind, base, columns, keys, codes in table.plan:
            if kind == "mapping":
                at = tuple((key, positions[column]) for key, column
                           in zip(keys, columns, strict=True)
                           if column in positions)
                if at:
                    self.fields.append((name, kind, base, at, codes))
            elif columns[0] in positions:
                self.fields.append((name, kind, base, positions[columns[0]],
                                    codes))

    def __call__(self, cells: list[str], conventions: Conventions
                 ) -> tuple[dict, list[CellProblem]]:
        """The model input of one row and the problems of its cells that
        were left out."""
        width = len(cells)
        data: dict = {}
        problems: list[CellProblem] = []
        for name, kind, base, at, codes in self.fields:
            if kind == "mapping":
                values = {
                    key: normalise(cells[i], base, conventions)
                    for key, i in at if i < width and cells[i]
                }
                if values:
                    data[name] = values
                continue
            text = cells[at] if at < width else ""
            if not text:
                continue
            value, problem = parse_cell(name, kind, base, codes, text,
                                        conventions)
            if problem is None:
                data[name] = value
            else:
                problems.append(problem)
        return data, problems


def parse_cell(
    name: str,
    kind: str,
    base: str,
    codes: type[Enum] | None,
    text: str,
    conventions: Conventions,
) -> tuple[object, CellProblem | None]:
    """
    The model input of one cell that is not blank, or the problem that
    leaves it out.

    Parameters
    ----------
    name, kind, base, codes
        The field, as ``TableLayout.plan`` gives it (not a mapping).
    text
        The cell text, stripped and not blank.
    conventions
        How the sheet writes numbers; records the styles seen.

    Returns
    -------
    tuple
        The value (``None`` when there is a problem) and the problem.
    """
    if kind == "scalar":
        if codes is not None:
            return code_of(codes, text), None
        if base == "text":
            return text, None
        if base == "date" and _NUMBER.fullmatch(text):
            # Pydantic would take a number for seconds since 1970.
            return None, _bad_date(name, text)
        return normalise(text, base, conventions), None
    if kind == "bool":
        value, style = _BOOL_STYLES.get(text.lower(), (None, ""))
        if value is None:
            return None, _bad_bool(name, text)
        conventions.seen["booleans", style] += 1
        return value, None
    values = parse_set(text)
    if codes is not None:
        values = [code_of(codes, v) for v in values]
    return values, None


def normalise(text: str, base: str, conventions: Conventions) -> str:
    """
    The canonical text of a date or number cell written the Norwegian way.

    ``dd.mm.yyyy`` and ``d.m.yyyy`` become ``yyyy-mm-dd`` (an impossible
    date such as ``31.02.2025`` stays impossible, and pydantic says so).
    Under a decimal comma, ``5,3`` becomes ``5.3`` and ``12 500,50``
    becomes ``12500.50``. Text that fits no convention is returned as it
    is, for pydantic to accept or report.

    Parameters
    ----------
    text
        The cell text, stripped.
    base
        The field's value type: ``"date"``, ``"int"``, ``"float"``.
    conventions
        Whether the decimal comma applies; records the style seen.
    """
    if base == "date":
        found = _DMY_DATE.fullmatch(text)
        if found:
            day, month, year = found.groups()
            conventions.seen["dates", "dd.mm.yyyy"] += 1
            return f"{year}-{int(month):02d}-{int(day):02d}"
        if _ISO_DATE.fullmatch(text):
            conventions.seen["dates", "yyyy-mm-dd"] += 1
        return text
    if base not in ("int", "float"):
        return text
    if conventions.decimal_comma:
        number = text.translate(_MINUS_SIGNS)
        if _GROUPED.fullmatch(number):
            conventions.seen["numbers", "thousands grouped"] += 1
            number = (
                number.replace(".", "").replace(" ", "")
                .replace("\u00a0", "").replace("\u202f", "")
            )
        if _DECIMAL_COMMA.fullmatch(number):
            conventions.seen["numbers", "decimal comma"] += 1
            whole, fraction = number.split(",")
            if base == "int":
                # "3,0" is 3; "1,5" stays as written, for pydantic to
                # report as it was written.
                return whole if not fraction.strip("0") and whole else text
            return f"{whole}.{fraction}"
        if number != text:
            return number
    if "." in text and base == "float":
        conventions.seen["numbers", "decimal point"] += 1
    return text


def parse_bool_style(text: str) -> tuple[bool | None, str]:
    """
    The value of a boolean cell and the style it is written in, such as
    ``(True, "ja/nei")``; ``(None, "")`` when not understood.

    Parameters
    ----------
    text
        The cell text.
    """
    return _BOOL_STYLES.get(text.strip().lower(), (None, ""))


def parse_set(text: str) -> list[str]:
    """
    The values of a set-valued cell.

    Parameters
    ----------
    text
        Values separated by ``|``; ``none`` (``ingen``) is the known empty
        set.
    """
    if text.strip().lower() in (EMPTY_SET, EMPTY_SET_NB):
        return []
    return [v.strip() for v in text.split(LIST_SEPARATOR) if v.strip()]


def _bad_date(field: str, text: str) -> CellProblem:
    return CellProblem(
        field,
        "wrong-type",
        _("Date {text!r} not understood: write dates as yyyy-mm-dd or "
          "dd.mm.yyyy (a number here is often a spreadsheet's date serial: "
          "format the column as dates).", text=text),
    )


def _bad_bool(field: str, text: str) -> CellProblem:
    shown = _("value") if field in SENSITIVE_FIELDS else repr(text)
    return CellProblem(
        field,
        "wrong-type",
        _("Boolean {shown} not understood: use true or false (ja/nei, "
          "yes/no, sann/usann and 1/0 are accepted too), or leave blank "
          "for the default.", shown=shown),
    )


def cell_text(value) -> str:
    """
    The text of a cell as a spreadsheet may hand it back, typed or not.

    XLSX cells come back as numbers, booleans and dates; turning them into
    the same text a CSV file holds gives both forms one parser.

    Parameters
    ----------
    value
        A cell value from openpyxl or the csv module.
    """
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, float):
        # Spreadsheets store whole numbers as floats; "3" parses as an int
        # or a float, "3.0" only as a float.
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# ---------------------------------------------------------------- writing


def row_values(table: TableLayout, row: BaseModel, parent=None) -> list:
    """
    The cell values of one model row, typed for a spreadsheet.

    Parameters
    ----------
    table
        Layout of the table.
    row
        The model object.
    parent
        Value of the parent-key column, for child tables.

    Returns
    -------
    list
        One value per column: ``None`` (blank), ``bool``, ``int``,
        ``float``, ``date`` or ``str``.
    """
    values: list = [parent] if table.parent_key else []
    for f in table.fields:
        value = getattr(row, f.name)
        if f.kind == "mapping":
            values.extend(value.get(key) for key in f.keys)
        elif f.kind == "set":
            values.append(_set_text(value, f.optional))
        else:
            values.append(_plain(value))
    return values


def _set_text(value, optional: bool) -> str | None:
    if value is None:
        return None
    if not value:
        # Blank would read back as the default: None for an optional set,
        # which is "unknown", not "known to be empty".
        return EMPTY_SET if optional else None
    return LIST_SEPARATOR.join(sorted(_plain(v) for v in value))


def _plain(value):
    return value.value if isinstance(value, Enum) else value


def text_of(value) -> str:
    """
    The CSV text of a typed cell value.

    Parameters
    ----------
    value
        A value from ``row_values``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float.
        return repr(value)
    return str(value)


def instance_rows(instance: Instance) -> dict[str, list[list]]:
    """
    Every table of an instance as rows of typed cell values.

    Parameters
    ----------
    instance
        The instance to lay out.

    Returns
    -------
    dict
        Table name -> data rows (without the header), for every table in
        ``ALL_TABLES``, empty tables included.
    """
    rows: dict[str, list[list]] = {
        HEADER: [row_values(layout(HEADER), instance)],
    }
    for table in TABLES:
        rows[table] = [
            row_values(layout(table), row) for row in getattr(instance, table)
        ]
    rows[MEMBERS] = [
        row_values(layout(MEMBERS), member, parent=household.id)
        for household in instance.households
        for member in household.members
    ]
    return rows
