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
            label, f"File of {size / 1024**2:,.0f} MiB is larger than the "
            f"{MAX_FILE_BYTES // 1024**2} MiB read at most; split the "
            "instance (by municipality) or remove what is not needed.")
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
                    label, f"Workbook expands to {expanded / 1024**2:,.0f} "
                    f"MiB, more than the {MAX_XLSX_EXPANDED_BYTES // 1024**2}"
                    " MiB read at most; save it as CSV files or split it.")
            for m in members:
                if (m.file_size > 1024**2 and m.file_size
                        > MAX_XLSX_RATIO * max(1, m.compress_size)):
                    raise _too_large(
                        label, f"Workbook member {m.filename[:80]!r} "
                        "expands more than any spreadsheet does (a zip "
                        "bomb?); save the workbook again from Excel or "
                        "LibreOffice.")
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
            label, f"Sheet {member.rsplit('/', 1)[-1]!r} declares "
            f"{rows:,} rows and {columns:,} columns, beyond the "
            f"{MAX_SHEET_ROWS:,} rows and {MAX_SHEET_COLUMNS} columns read "
            "at most; delete the empty rows and columns past the table "
            "(select them, delete, save) or save it as CSV.")


def _column_number(letters: str) -> int:
    n = 0
    for c in letters:
        n = n * 26 + ord(c) - 64
    return n
