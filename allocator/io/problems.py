"""Located input problems and the exception that carries all of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from models import SENSITIVE_FIELDS

from ..i18n import N_, _, current


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
        file, column = self.file, self.column
        if current().lang == "nb":
            file, column = _norwegian_place(file, column)
        where = ":".join(
            str(part)
            for part in (file, self.row, column)
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


def _norwegian_place(file: str, column: str | None
                     ) -> tuple[str, str | None]:
    """
    A file and column named as the Norwegian template names them: the
    sheet of ``instance.xlsx[dwellings]`` becomes ``boliger`` and the
    column ``bedrooms`` ``antall_soverom`` (names the readers accept as
    well). File names, and names without a Norwegian one, stay.
    """
    from .norwegian import COLUMNS, SHEETS

    table = None
    if file.endswith("]") and "[" in file:
        stem, sheet = file[:-1].split("[", 1)
        if sheet in SHEETS:
            table = sheet
            file = f"{stem}[{SHEETS[sheet][0]}]"
    elif file.endswith(".csv"):
        table = file[:-4]
    if table in COLUMNS and column is not None:
        head, dot, rest = column.partition(".")
        if head in COLUMNS[table]:
            column = COLUMNS[table][head][0] + dot + rest
    return file, column


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
        return _("{n} problem(s) in input:", n=len(lines)) + "\n  " \
            + "\n  ".join(lines)


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
        return _("A value is required.")
    if error["type"] == "extra_forbidden":
        return _("Unknown field: not part of the format.")
    text = _own_words(error).rstrip(".")
    if current().lang != "en":
        text = _pydantic_text(error) or text
    if field in SENSITIVE_FIELDS:
        return _("{text} (value not shown: sensitive field).", text=text)
    value = error.get("input")
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return _("{text}; got {value!r}.", text=text, value=value)
    return f"{text}."


_OWN_WORDS_PREFIXES = {
    "value_error": "Value error, ",
    "assertion_error": "Assertion failed, ",
}
"""What pydantic puts before a validator's own message: the message is
already in the user's words (the validators mark it with ``_``), so
the English prefix goes."""


def _own_words(error: dict) -> str:
    """Pydantic's message, less its prefix when it wraps a validator's
    own message."""
    prefix = _OWN_WORDS_PREFIXES.get(error["type"])
    if prefix is not None:
        return error["msg"].removeprefix(prefix)
    return error["msg"]


_LIMIT_TEXTS = {
    "greater_than": (N_("Input should be greater than {limit}"),
                     "limit", "gt"),
    "greater_than_equal": (
        N_("Input should be greater than or equal to {limit}"),
        "limit", "ge"),
    "less_than": (N_("Input should be less than {limit}"), "limit", "lt"),
    "less_than_equal": (N_("Input should be less than or equal to {limit}"),
                        "limit", "le"),
    "multiple_of": (N_("Input should be a multiple of {step}"),
                    "step", "multiple_of"),
    "string_too_long": (N_("Input should have at most {n} characters"),
                        "n", "max_length"),
    "too_long": (N_("Input should have at most {n} items"),
                 "n", "max_length"),
}
"""Pydantic's error types that name a limit: the message, its
placeholder, and the key of the error's context that holds the limit."""

_PLAIN_TEXTS = {
    kind: message
    for kinds, message in (
        (("int_parsing", "int_type", "int_from_float"),
         N_("Input should be a whole number")),
        (("int_parsing_size",), N_("Input is too large a number")),
        (("float_parsing", "float_type"), N_("Input should be a number")),
        (("finite_number",), N_("Input should be a finite number")),
        (("date_parsing", "date_from_datetime_parsing", "date_type"),
         N_("Input should be a date (yyyy-mm-dd)")),
        (("date_from_datetime_inexact",),
         N_("Input should be a date without a time of day")),
        (("datetime_parsing", "datetime_type", "datetime_from_date_parsing",
          "datetime_object_invalid"),
         N_("Input should be a date and time (yyyy-mm-ddThh:mm:ss)")),
        (("bool_parsing", "bool_type"), N_("Input should be true or false")),
        (("string_type",), N_("Input should be text")),
        (("list_type", "tuple_type", "set_type", "frozen_set_type",
          "iterable_type"), N_("Input should be a list")),
        (("dict_type", "mapping_type"),
         N_("Input should be a table of names and values")),
        (("model_type", "model_attributes_type", "dataclass_type"),
         N_("Input should be a group of fields")),
        (("json_invalid", "json_type"), N_("Input is not valid JSON")),
    )
    for kind in kinds
}
"""Pydantic's error types whose message names no value, by type."""


def _pydantic_text(error: dict) -> str:
    """
    Pydantic's message in the language in use (pydantic speaks English
    only), for every error type the models can produce; a generic "invalid
    value" for a type not foreseen, rather than English words.
    """
    ctx = error.get("ctx") or {}
    kind = error["type"]
    if kind in _OWN_WORDS_PREFIXES:
        return _own_words(error).rstrip(".")
    if kind in _LIMIT_TEXTS:
        message, placeholder, limit_key = _LIMIT_TEXTS[kind]
        return _(message, **{placeholder: ctx.get(limit_key)})
    if kind in _PLAIN_TEXTS:
        return _(_PLAIN_TEXTS[kind])
    if kind in ("string_too_short", "too_short"):
        least = ctx.get("min_length", 1)
        if least <= 1:
            return _("Input should not be empty")
        if kind == "string_too_short":
            return _("Input should have at least {n} characters", n=least)
        return _("Input should have at least {n} items", n=least)
    if kind in ("enum", "literal_error"):
        return _("Input should be one of {choices}",
                 choices=_choices(ctx.get("expected", "")))
    if kind == "string_pattern_mismatch":
        return _("Input should match the pattern {pattern}",
                 pattern=ctx.get("pattern", ""))
    return _("Invalid value")


def _choices(expected: str) -> str:
    """Pydantic's list of the values allowed (``'a', 'b' or 'c'``) with
    its last "or" in the language in use."""
    head, sep, last = expected.rpartition(" or ")
    if not sep:
        return expected
    return _("{choices} or {last}", choices=head, last=last)
