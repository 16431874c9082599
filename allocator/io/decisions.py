"""
Decision logs as files: CSV, an XLSX sheet or JSON, one reader for all.

Columns (CSV, XLSX) or keys (JSON objects) are ``models.LOG_COLUMNS``:
``date,kind,household,dwelling,officer,reason,rule,until,note``. CSV is
read as spreadsheets write it (UTF-8 or Windows-1252, comma, semicolon or
tab); dates are ``yyyy-mm-dd`` or ``dd.mm.yyyy``. Every problem is located
as ``file:row:column: message [rule]``.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from models import (
    LOG_COLUMNS,
    DecisionEvent,
    DecisionLog,
    EventKind,
    Instance,
    Policy,
    decision_log_problems,
)

from ..i18n import _
from ._atomic import write_text_atomic
from .problems import InputError, LocatedProblem, message_of, rule_of
from .tabular import Sheet, _read_sheet, read_csv

_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DATES = ("date", "until")


def read_decisions(
    path: str | Path,
    instance: Instance | None = None,
    policy: Policy | None = None,
) -> DecisionLog:
    """
    Read a decision log from a ``.csv``, ``.xlsx`` or ``.json`` file.

    Parameters
    ----------
    path
        The file.
    instance
        When given, events naming households or dwellings it does not hold
        are problems.
    policy
        When given, an accept or decline after its offer expired
        (``decisions.offer_open_days``) is a problem.

    Raises
    ------
    InputError
        Listing every problem, each located by file, row and column; never
        another exception for bad input.
    """
    path = Path(path)
    label = path.name
    if not path.is_file():
        raise InputError([LocatedProblem(
            label or str(path), None, None, "missing-file",
            _("{path} does not exist or is not a file.", path=path),
        )])
    suffix = path.suffix.lower()
    if suffix == ".json":
        rows, locate = _json_rows(path, label)
    elif suffix in (".csv", ".xlsx"):
        rows, locate = _table_rows(path, label, suffix)
    else:
        raise InputError([LocatedProblem(
            label, None, None, "unknown-format",
            _("Decision log form not understood: give a .csv, .xlsx or "
              ".json file."),
        )])
    problems: list[LocatedProblem] = []
    events: list[DecisionEvent] = []
    rows_of: list[int] = []
    for index, values in enumerate(rows):
        values = {k: _cell(k, v) for k, v in values.items()}
        try:
            events.append(DecisionEvent.model_validate(values))
            rows_of.append(index)
        except ValidationError as error:
            for err in error.errors():
                column = str(err["loc"][0]) if err["loc"] else None
                problems.append(LocatedProblem(
                    *locate(index, column), rule_of(err["type"]),
                    message_of(err, column),
                ))
    if problems:
        raise InputError(problems)
    log = DecisionLog.model_construct(events=tuple(events))
    households = dwellings = None
    if instance is not None:
        households = {h.id for h in instance.households}
        dwellings = {d.id for d in instance.dwellings}
    open_days = None if policy is None else policy.decisions.offer_open_days
    for p in decision_log_problems(log, households, dwellings, open_days):
        _table, i, column = p.loc
        problems.append(LocatedProblem(*locate(rows_of[i], column), p.rule,
                                       p.message))
    if instance is not None:
        for i, column, rule, message in _self_found_problems(log, instance):
            problems.append(LocatedProblem(*locate(rows_of[i], column), rule,
                                           message))
    if problems:
        raise InputError(problems)
    return DecisionLog(events=tuple(events))


SELF_FOUND_EVENTS = frozenset({
    EventKind.SELF_FOUND_ACCEPTED, EventKind.SELF_FOUND_APPROVED,
    EventKind.SELF_FOUND_REFUSED,
})


def _self_found_problems(log, instance):
    """A self-found event names a dwelling that household found."""
    found_by = {d.id: d.found_by for d in instance.dwellings}
    for i, e in enumerate(log.events):
        if e.kind not in SELF_FOUND_EVENTS or e.dwelling not in found_by:
            continue
        if found_by[e.dwelling] != e.household:
            yield (i, "dwelling", "not-self-found",
                   _("dwelling {dwelling} was not found by household "
                     "{household} (its found_by column); a {kind} event "
                     "needs the dwelling the household found itself.",
                     dwelling=repr(e.dwelling), household=repr(e.household),
                     kind=e.kind.value))


def _cell(column: str, value):
    """Blank cells are missing values; dates may be ``dd.mm.yyyy``."""
    if isinstance(value, str):
        value = value.strip()
        if not value:
            return None if column != "note" else ""
        if column in _DATES:
            found = _DMY.fullmatch(value)
            if found:
                d, m, y = (int(g) for g in found.groups())
                try:
                    return date(y, m, d).isoformat()
                except ValueError:
                    return value
    return value


def _table_rows(path: Path, label: str, suffix: str):
    if suffix == ".csv":
        sheet, problem = read_csv(path)
        if problem:
            raise InputError([problem])
    else:
        sheet = _xlsx_sheet(path, label)
    if not sheet.rows:
        return [], lambda i, c: (sheet.label, None, c)
    header_row, header = sheet.rows[0]
    columns = [h.strip().lower() for h in header]
    problems = [
        LocatedProblem(sheet.label, header_row, name, "unknown-field",
                       _("Unknown column: a decision log has the columns "
                         "{columns}.", columns=",".join(LOG_COLUMNS)))
        for name in columns if name and name not in LOG_COLUMNS
    ]
    for name in ("date", "kind", "household", "officer"):
        if name not in columns:
            problems.append(LocatedProblem(
                sheet.label, header_row, None, "missing-column",
                _("Column {name!r} is missing.", name=name),
            ))
    if problems:
        raise InputError(problems)
    rows, numbers = [], []
    for number, cells in sheet.rows[1:]:
        cells = cells + [""] * (len(columns) - len(cells))
        rows.append({c: v for c, v in zip(columns, cells) if c})
        extra = [v for v in cells[len(columns):] if v]
        if extra:
            raise InputError([LocatedProblem(
                sheet.label, number, None, "extra-cells",
                _("More cells than columns in the header."),
            )])
        numbers.append(number)
    return rows, lambda i, c: (sheet.label, numbers[i], c)


def _xlsx_sheet(path: Path, label: str) -> Sheet:
    import openpyxl  # Imported here: only the XLSX form needs it.

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - a damaged zip raises anything
        raise InputError([LocatedProblem(
            label, None, None, "unreadable",
            _("File could not be opened as a workbook ({kind}: {error}).",
              kind=type(error).__name__, error=error),
        )]) from None
    try:
        names = book.sheetnames
        name = next((n for n in names if n.strip().lower() == "decisions"),
                    names[0])
        sheet = _read_sheet(book[name], f"{label}[{name}]")
    except Exception as error:  # noqa: BLE001 - any damage inside the zip
        raise InputError([LocatedProblem(
            label, None, None, "unreadable",
            _("Workbook could not be read ({kind}).",
              kind=type(error).__name__),
        )]) from None
    finally:
        book.close()
    # Spreadsheet dates come as datetimes' text; keep the day.
    for _number, cells in sheet.rows[1:]:
        for k, v in enumerate(cells):
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]00:00:00", v):
                cells[k] = v[:10]
    return sheet


def _json_rows(path: Path, label: str):
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        line = getattr(error, "lineno", None)
        raise InputError([LocatedProblem(
            label, line, None, "syntax",
            _("JSON not understood: {error}.", error=error),
        )]) from None
    if isinstance(data, dict) and set(data) == {"events"}:
        data = data["events"]
    if not isinstance(data, list) or not all(
        isinstance(row, dict) for row in data
    ):
        raise InputError([LocatedProblem(
            label, None, None, "wrong-type",
            _("A JSON decision log is a list of objects (or "
              "{\"events\": [...]})."),
        )])
    return data, lambda i, c: (label, i + 1, c)


def write_decisions(log: DecisionLog, path: str | Path) -> Path:
    """
    Write a decision log atomically as ``.csv`` or ``.json`` (by suffix).
    """
    path = Path(path)
    rows = [e.model_dump(mode="json") for e in log.events]
    if path.suffix.lower() == ".json":
        write_text_atomic(path, json.dumps(rows, indent=1,
                                           ensure_ascii=False) + "\n")
        return path
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LOG_COLUMNS)
    for row in rows:
        writer.writerow(["" if row[c] is None else row[c]
                         for c in LOG_COLUMNS])
    write_text_atomic(path, out.getvalue())
    return path
