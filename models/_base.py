"""Shared base class and small value types of the data contract."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

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
    )
