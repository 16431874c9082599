"""
Limits checked before any input is read: a file too large, or a
workbook that would expand beyond a bound, is refused at once with a
message that says what to do, instead of being read whole first.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from .. import memory
from ..i18n import _, current
from .problems import InputError, LocatedProblem

MAX_FILE_BYTES = 256 * 1024**2
"""The largest input file read (256 MiB): the national instance of the
benchmarks is under 20 MiB in any form."""

MAX_XLSX_EXPANDED_BYTES = 1024**3
"""The most a workbook's members may expand to (1 GiB of XML)."""

MAX_XLSX_RATIO = 200
"""The largest compression ratio of a workbook member larger than a
MiB: sheet XML compresses about 10 to 1; a zip bomb by far more."""

MAX_SHEET_ROWS = 1_000_000
"""The most rows a sheet may declare."""

MAX_SHEET_COLUMNS = 500
"""The most columns a sheet may declare (tables have under 50)."""

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?:?'
                        rb'([A-Z]+)?(\d+)?"')


class TooLarge(InputError):
    """An input refused by a limit, before it is read."""


def _too_large(label: str, message: str) -> TooLarge:
    return TooLarge([LocatedProblem(label, None, None, "too-large",
                                    message)])


def check_file(path: Path, label: str | None = None) -> None:
    """
    Refuses a file larger than ``MAX_FILE_BYTES``, and a workbook whose
    members would expand beyond the bounds above.

    Raises
    ------
    TooLarge
        With one located problem saying what to do.
    """
    label = label or path.name
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader reports what cannot be read
    if size > MAX_FILE_BYTES:
        raise _too_large(
            label, _("File of {size} MiB is larger than the {most} MiB "
                     "read at most; split the instance (by municipality) "
                     "or remove what is not needed.",
                     size=current().number(size / 1024**2, 0),
                     most=MAX_FILE_BYTES // 1024**2))
    if path.suffix.lower() == ".xlsx" and path.is_file():
        check_workbook(path, label)


def check_workbook(path: Path, label: str) -> None:
    """The zip-level bounds of an XLSX workbook (see the module)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            expanded = sum(m.file_size for m in members)
            if expanded > MAX_XLSX_EXPANDED_BYTES:
                raise _too_large(
                    label, _("Workbook expands to {size} MiB, more than "
                             "the {most} MiB read at most; save it as CSV "
                             "files or split it.",
                             size=current().number(expanded / 1024**2, 0),
                             most=MAX_XLSX_EXPANDED_BYTES // 1024**2))
            for m in members:
                if (m.file_size > 1024**2 and m.file_size
                        > MAX_XLSX_RATIO * max(1, m.compress_size)):
                    raise _too_large(
                        label, _("Workbook member {member} expands more "
                                 "than any spreadsheet does (a zip bomb?); "
                                 "save the workbook again from Excel or "
                                 "LibreOffice.",
                                 member=repr(m.filename[:80])))
            for m in members:
                if m.filename.startswith("xl/worksheets/"):
                    with archive.open(m) as handle:
                        _check_dimension(handle.read(4096), label,
                                         m.filename)
    except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError,
            ValueError, NotImplementedError, EOFError):
        return  # the reader reports a broken workbook, located


def _check_dimension(head: bytes, label: str, member: str) -> None:
    match = _DIMENSION.search(head)
    if not match:
        return
    last_column, last_row = match.group(3), match.group(4)
    if last_column is None:
        last_column, last_row = match.group(1), match.group(2)
    rows = int(last_row) if last_row else 0
    columns = _column_number(last_column.decode()) if last_column else 0
    if rows > MAX_SHEET_ROWS or columns > MAX_SHEET_COLUMNS:
        raise _too_large(
            label, _("Sheet {sheet} declares {rows} rows and {columns} "
                     "columns, beyond the {most_rows} rows and "
                     "{most_columns} columns read at most; delete the empty "
                     "rows and columns past the table (select them, "
                     "delete, save) or save it as CSV.",
                     sheet=repr(member.rsplit("/", 1)[-1]),
                     rows=current().number(rows, 0),
                     columns=current().number(columns, 0),
                     most_rows=current().number(MAX_SHEET_ROWS, 0),
                     most_columns=MAX_SHEET_COLUMNS))


def check_rows(households: int, dwellings: int, label: str) -> None:
    """
    Refuses an instance whose households and dwellings alone, as read,
    would need more memory than there is: counted from the rows before
    any cell is read, so that an instance far too large for the machine
    is refused in a second instead of after minutes of reading. The
    estimate after grouping (``allocator.memory``) adds what solving
    needs.

    Raises
    ------
    TooLarge
        With one located problem saying what to do.
    """
    estimate = memory.Estimate(households, dwellings, 0, 0, 0)
    try:
        memory.check(estimate)
    except memory.NotEnoughMemory as refused:
        raise _too_large(label, str(refused)) from None


def csv_rows(path: Path) -> int:
    """Data rows of a CSV file, counted as line ends without reading a
    cell (a quoted line end inside a cell counts once more; the count
    only decides a refusal far beyond the machine's memory)."""
    lines = 0
    last = b"\n"
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return 0  # the reader reports what cannot be read
    if last != b"\n":
        lines += 1  # a last line without its line end
    return max(lines - 1, 0)  # less the header


_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?'
                    rb'\br:id="([^"]*)"')
_TARGET = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*?\bId="([^"]*)"'
                     rb'[^>]*?\bTarget="([^"]*)"|<(?:\w+:)?Relationship\b'
                     rb'[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


def workbook_rows(path: Path) -> dict[str, int]:
    """
    Data rows each table's sheet of a workbook declares (its
    ``dimension``), by table, English or Norwegian sheet names alike;
    read from the workbook's index without reading a cell. Tables whose
    rows cannot be told are left out.
    """
    from html import unescape

    from .norwegian import table_of

    rows: dict[str, int] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            index = archive.read("xl/workbook.xml")
            links = archive.read("xl/_rels/workbook.xml.rels")
            targets = {}
            for match in _TARGET.finditer(links):
                rid, target = ((match.group(1), match.group(2))
                               if match.group(1) else
                               (match.group(4), match.group(3)))
                targets[rid] = target.decode().lstrip("/")
            for match in _SHEET.finditer(index):
                name = unescape(match.group(1).decode()).strip()
                table = table_of(name) or name.lower()
                target = targets.get(match.group(2))
                if target is None:
                    continue
                member = (target if target.startswith("xl/")
                          else f"xl/{target}")
                with archive.open(member) as handle:
                    rows[table] = _sheet_rows(handle)
    except (KeyError, zipfile.BadZipFile, zlib.error, OSError,
            RuntimeError, ValueError, NotImplementedError, EOFError):
        return rows  # the reader reports a broken workbook, located
    return rows


_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _sheet_rows(handle) -> int:
    """Data rows of a sheet: its declared dimension, or (when a writer
    left it out) its row elements counted in the XML without reading a
    cell."""
    head = handle.read(4096)
    found = _DIMENSION.search(head)
    if found and (found.group(4) or found.group(2)):
        return max(int(found.group(4) or found.group(2)) - 1, 0)
    count, tail, chunk = 0, b"", head
    while chunk:
        text = tail + chunk
        count += len(_ROW.findall(text))
        # Keep the last bytes (not a whole match) for a tag cut in two.
        cut = max(len(text) - 8, 0)
        count -= len(_ROW.findall(text[cut:]))
        tail = text[cut:]
        chunk = handle.read(1 << 20)
    count += len(_ROW.findall(tail))
    return max(count - 1, 0)


def _column_number(letters: str) -> int:
    n = 0
    for c in letters:
        n = n * 26 + ord(c) - 64
    return n
