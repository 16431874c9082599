"""
Wide matrices of the placement tables, as analysts export them.

A score or compatibility table may be a matrix: one row per household,
the household's id in the first column, and one column per municipality
named by its id; each cell the pair's score, or whether the pair is
allowed (``1``/``0``, ``true``/``false``, ``ja``/``nei``). Cells written
``NA``, ``N/A``, ``#N/A``, ``NaN``, ``-`` or left blank are missing: no
score for the pair, or the pair not listed. The same words in the score
(or ``allowed``) column of a long table mean the same.

A table is wide when its header has no ``municipality`` column. Reading
turns it into the long table (household, municipality, value) before
the rows are validated, so every other rule applies as to a long table,
and a problem in a cell is located at its row and municipality column.
"""

from __future__ import annotations

import re

from ..i18n import _
from .layout import parse_bool_style
from .problems import LocatedProblem

WIDE_TABLES = {"pair_scores": "score", "compatibility": "allowed"}
"""Tables that may be wide, and the column their cells fill."""

MISSING = frozenset({"", "na", "n/a", "#n/a", "nan", "-", "null"})
"""Cell texts (folded to lower case) that mean a missing value."""

_NUMBER = re.compile(
    r"[+-]?(?:\d[\d \u00a0\u202f.]*(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?"
)
"""Roughly a number, as spreadsheets write them; pydantic decides."""


def is_missing(text: str) -> bool:
    """Whether a cell's text means a missing value."""
    return text.strip().lower() in MISSING


def is_wide(table: str, header: list[str]) -> bool:
    """
    Whether a sheet of ``table`` is a wide matrix: a placement table whose
    header has no ``municipality`` column and at least two columns.
    """
    names = {cell.strip().lower() for cell in header}
    return (table in WIDE_TABLES and "municipality" not in names
            and len([c for c in header if c.strip()]) >= 2)


def widen(table: str, label: str, rows: list[tuple[int, list[str]]]
          ) -> tuple[list[tuple[int, list[str]]], list[LocatedProblem],
                     str]:
    """
    The long rows of a wide matrix.

    Parameters
    ----------
    table
        ``pair_scores`` or ``compatibility``.
    label
        File name as the user knows it, for problems.
    rows
        ``(row number, cells)``, the header first.

    Returns
    -------
    tuple
        The long rows (header ``household, municipality, <value>``, each
        data row keeping its row number), the problems of cells that are
        neither a value nor missing, and a description such as
        ``pair_scores.csv: wide matrix, 661 households x 40
        municipalities``.
    """
    (header_number, header), *data = rows
    columns, problems = _municipality_columns(label, header_number, header,
                                              data)
    long = [(header_number, ["household", "municipality",
                             WIDE_TABLES[table]])]
    households = 0
    for number, cells in data:
        pairs, row_problems = _row_pairs(table, label, number, cells,
                                         header, columns)
        problems += row_problems
        if pairs is None:
            continue
        households += 1
        long += [(number, pair) for pair in pairs]
    described = _("{label}: wide matrix, {households} households x "
                  "{municipalities} municipalities", label=label,
                  households=households, municipalities=len(columns))
    return long, problems, described


def _municipality_columns(label: str, header_number: int,
                          header: list[str],
                          data: list[tuple[int, list[str]]]
                          ) -> tuple[list[tuple[int, str]],
                                     list[LocatedProblem]]:
    """
    The columns a wide matrix's header names a municipality in (index,
    id), the first of each id; and the problems of a column with values
    but no id, or an id heading a second column.
    """
    problems: list[LocatedProblem] = []
    columns: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(header[1:], start=1):
        name = cell.strip()
        if not name:
            if any(i < len(r) and r[i].strip() for _, r in data):
                problems.append(LocatedProblem(
                    label, header_number, None, "unknown-column",
                    _("Column {column} has values but no municipality id "
                      "in the header.", column=i + 1),
                ))
            continue
        if name in seen:
            problems.append(LocatedProblem(
                label, header_number, name, "duplicate-column",
                _("Municipality {name} heads columns {first} and "
                  "{second}; the first is used.", name=repr(name),
                  first=seen[name] + 1, second=i + 1),
            ))
            continue
        seen[name] = i
        columns.append((i, name))
    return columns, problems


def _row_pairs(table: str, label: str, number: int, cells: list[str],
               header: list[str], columns: list[tuple[int, str]]
               ) -> tuple[list[list[str]] | None, list[LocatedProblem]]:
    """
    One row of a wide matrix as long rows (household, municipality,
    value), missing cells left out; ``None`` for a row without a
    household id. With them the problems of the row's cells.
    """
    problems: list[LocatedProblem] = []
    household = cells[0].strip() if cells else ""
    if len(cells) > len(header) and any(
        c.strip() for c in cells[len(header):]
    ):
        problems.append(LocatedProblem(
            label, number, None, "row-length",
            _("Row has {cells} cells but the header has {columns} "
              "columns.", cells=len(cells), columns=len(header)),
        ))
    if not household:
        if any(c.strip() for c in cells[1:]):
            problems.append(LocatedProblem(
                label, number, header[0].strip() or None, "required",
                _("A value is required: the household's id in the first "
                  "column."),
            ))
        return None, problems
    pairs = []
    for i, municipality in columns:
        text = cells[i].strip() if i < len(cells) else ""
        if is_missing(text):
            continue
        problem = _bad_cell(table, text)
        if problem:
            problems.append(LocatedProblem(
                label, number, municipality, "wrong-type", problem,
            ))
            continue
        pairs.append([household, municipality, text])
    return pairs, problems


def drop_missing(table: str, rows: list[tuple[int, list[str]]]
                 ) -> list[tuple[int, list[str]]]:
    """
    The rows of a long placement table without those whose value (score
    or allowed) is written as missing (``NA``, ``-``...): no score, or the
    pair not listed. A blank ``allowed`` stays: it means allowed.
    """
    if table not in WIDE_TABLES or not rows:
        return rows
    (number, header), *data = rows
    names = [c.strip().lower() for c in header]
    column = WIDE_TABLES[table]
    if column not in names:
        return rows
    k = names.index(column)
    kept = [(number, header)]
    for n, cells in data:
        text = cells[k].strip() if k < len(cells) else ""
        if text and is_missing(text):
            continue
        if table == "pair_scores" and not text:
            continue
        kept.append((n, cells))
    return kept


def _bad_cell(table: str, text: str) -> str | None:
    """Why a non-missing cell is not a value, or ``None`` if it is one."""
    if table == "compatibility":
        if parse_bool_style(text)[0] is None:
            return _("Compatibility {text} not understood: write 1 or 0 "
                     "(true/false, ja/nei), or NA, - or blank when the "
                     "pair is not listed.", text=repr(text))
        return None
    if not _NUMBER.fullmatch(text.replace("\u2212", "-")):
        return _("Score {text} is not a number: write a number, or NA, "
                 "- or blank for a missing score.", text=repr(text))
    return None
