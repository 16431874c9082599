"""Shared base class and small value types of the data contract."""

import hashlib
import re
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

IDENTIFIER_LENGTH = 100
"""Longest identifier: as long as a display name may be."""

Identifier = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=IDENTIFIER_LENGTH,
        pattern=r"^[^\x00-\x1f\x7f-\x9f]+$",
    ),
]
"""
A stable identifier: any printable text up to ``IDENTIFIER_LENGTH``
characters, such as ``"H-0017"``, ``"K-4601"`` or a locality's name as an
analyst's spreadsheet has it (``"CA-Los Angeles"``); spaces at either end
are dropped, control characters refused. A household's id is
pseudonymous: never a person's name.
"""


_FILE_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_stem(identifier: str) -> str:
    """
    A stable, safe file name for an identifier, where a file is named by
    one (an offer letter per household): the id itself when it is made of
    letters, digits, ``.``, ``_`` and ``-`` only, and otherwise those
    characters with every other run as ``-`` and a short digest of the
    whole id, so that two ids never share a file (``"CA-Los Angeles"``
    becomes ``"CA-Los-Angeles-3c1f0a2b"``). The id itself stays in the
    file's content.
    """
    if _FILE_SAFE.search(identifier) is None and not identifier.startswith(
            "."):
        return identifier
    digest = hashlib.sha256(identifier.encode("utf-8")).hexdigest()[:8]
    readable = _FILE_SAFE.sub("-", identifier).strip(".-")[:60]
    return f"{readable}-{digest}" if readable else digest


MAX_COUNT = 1_000_000
"""The largest count (households, quota places, units) the contract takes:
far above any municipality, and small enough that every engine's sums of
counts times scores stay exact in 64-bit integers and in double floats."""

MAX_WEIGHT = 10_000
"""The largest policy weight or priority parameter: a full criterion score
is 100, so a weight of 10,000 is worth a million per pair, and an
objective over a million households stays below 2**53 (exact in the
floats of the LP solvers)."""


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""A control character: C0 (below 32), DEL and C1 (127 to 159)."""


def _no_control(text: str) -> str:
    if _CONTROL.search(text):
        from .problems import _  # here: that module imports this one
        raise ValueError(_(
            "control characters (line breaks, tabs, NUL and the like) are "
            "not allowed in text: spreadsheets and logs cannot hold them"
        ))
    return text


Text = Annotated[str, AfterValidator(_no_control)]
"""Free text (names, notes, descriptions) without control characters,
which every writer (CSV, XLSX, JSON, the terminal) accepts."""

Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
"""A non-negative count, bounded by ``MAX_COUNT``."""

Weight = Annotated[int, Field(ge=0, le=MAX_WEIGHT)]
"""A non-negative policy weight, bounded by ``MAX_WEIGHT``."""


def sensitive(description: str, **kwargs):
    """
    A field holding health, trauma or disability information.

    Sensitive fields are marked in the JSON Schema (``"sensitive": true``) so
    that logs and default exports can leave them out; see ``SENSITIVE_FIELDS``.
    """
    return Field(
        description=description,
        json_schema_extra={"sensitive": True},
        **kwargs,
    )


class StrictModel(BaseModel):
    """Base for every schema: unknown fields are errors, objects immutable."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        validate_default=True,
        # Each model's validator is built when it first validates, not
        # when its class is made: a command builds none for the models
        # it only reads back or makes from checked columns (0.03 s of a
        # city solve's 0.73 s).
        defer_build=True,
    )
