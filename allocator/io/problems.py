"""Located input problems and the exception that carries all of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from models import SENSITIVE_FIELDS


@dataclass(frozen=True)
class LocatedProblem:
    """
    One problem in an input file, located as the user sees the file.

    Parameters
    ----------
    file
        File name as the user knows it: ``"dwellings.csv"``,
        ``"instance.xlsx[dwellings]"`` or ``"instance.json"``.
    row
        1-based row as a spreadsheet shows it (the header is row 1, so the
        first data row is row 2); in JSON the 1-based index in its array.
        ``None`` when the problem concerns the whole file or column.
    column
        Column name (CSV, XLSX) or field path (JSON, TOML); ``None`` when the
        problem concerns a whole row or file.
    rule
        Short code of the rule broken, such as ``"unknown-reference"``.
    message
        What is wrong, in words a housing officer can act on.
    """

    file: str
    row: int | None
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = ":".join(
            str(part)
            for part in (self.file, self.row, self.column)
            if part is not None
        )
        return f"{where}: {self.message} [{self.rule}]"

    def sort_key(self) -> tuple:
        """Order by file, then row (file-level problems first), column."""
        return (
            self.file,
            -1 if self.row is None else self.row,
            self.column or "",
            self.rule,
        )


class InputError(Exception):
    """
    Input that cannot be read, carrying every problem found (not only the
    first), each located by file, row and column.
    """

    def __init__(self, problems: Iterable[LocatedProblem]):
        self.problems: list[LocatedProblem] = sorted(
            problems, key=LocatedProblem.sort_key
        )
        super().__init__(self._summary())

    def __reduce__(self):
        # Rebuild from the problems, not from the message, so the error
        # survives pickling (e.g. across worker processes).
        return (type(self), (self.problems,))

    def _summary(self) -> str:
        lines = [str(problem) for problem in self.problems]
        return f"{len(lines)} problem(s) in input:\n  " + "\n  ".join(lines)


# Pydantic error types grouped into this project's rule codes, so users see
# a handful of stable codes instead of pydantic's several dozen.
_RULES = {
    "missing": "required",
    "extra_forbidden": "unknown-field",
    "enum": "unknown-value",
    "literal_error": "unknown-value",
    "string_pattern_mismatch": "bad-format",
    "value_error": "invalid",
    "assertion_error": "invalid",
}
_RANGE_TYPES = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "multiple_of",
    "too_short",
    "too_long",
    "string_too_short",
    "string_too_long",
    "finite_number",
}


def rule_of(error_type: str) -> str:
    """
    This project's rule code for a pydantic error type.

    Parameters
    ----------
    error_type
        The ``type`` of an entry of ``ValidationError.errors()``.
    """
    if error_type in _RULES:
        return _RULES[error_type]
    if error_type in _RANGE_TYPES:
        return "out-of-range"
    if error_type.endswith(("_parsing", "_type")) or "_from_" in error_type:
        return "wrong-type"
    return "invalid"


def message_of(error: dict, field: str | None = None) -> str:
    """
    A message for one pydantic error, naming the offending value.

    Values of sensitive household fields are left out, because messages end
    up in terminals and logs.

    Parameters
    ----------
    error
        One entry of ``ValidationError.errors()``.
    field
        The model field the error is about, to decide whether the value
        may be shown.
    """
    if error["type"] == "missing":
        return "A value is required."
    text = error["msg"].rstrip(".")
    if error["type"] == "extra_forbidden":
        return "Unknown field: not part of the format."
    if field in SENSITIVE_FIELDS:
        return f"{text} (value not shown: sensitive field)."
    value = error.get("input")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return f"{text}; got {value!r}."
    return f"{text}."
