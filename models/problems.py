"""Located problems found while reading or validating an instance."""

from __future__ import annotations

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
