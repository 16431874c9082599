"""Located problems found while reading or validating an instance."""

import sys

from pydantic import Field

from ._base import StrictModel

Location = tuple[str | int, ...]
"""Path into the instance, e.g. ``("households", 3, "members", 1, "age")``."""


class Problem(StrictModel):
    """
    One problem in an instance.

    Parameters
    ----------
    loc
        Path into the instance: table name, row index, then field names.
        Readers turn it into file, row and column.
    rule
        Short code of the rule broken, such as ``unknown-reference``.
    message
        What is wrong, in words a housing officer can act on.
    """

    loc: Location = Field(default=())
    rule: str
    message: str


def _(message: str, /, **values) -> str:
    """
    ``message`` with its ``{placeholders}`` filled, in the language the
    allocator chose (``allocator.i18n``, when it is loaded) and marked for
    its catalogues; in English otherwise.
    """
    i18n = sys.modules.get("allocator.i18n")
    if i18n is not None:
        return i18n._(message, **values)
    return message.format(**values) if values else message


def N_(message: str) -> str:
    """Marks a message for the catalogues without translating it here."""
    return message


def column(table: str, name: str) -> str:
    """
    A column as the problem's reader names it: the Norwegian template's
    name when the allocator speaks Norwegian (``allocator.io.norwegian``),
    else the English one.
    """
    i18n = sys.modules.get("allocator.i18n")
    names = sys.modules.get("allocator.io.norwegian")
    if i18n is None or names is None or i18n.current().lang != "nb":
        return name
    return names.COLUMNS.get(table, {}).get(name, (name,))[0]
