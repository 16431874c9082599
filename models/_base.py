"""Shared base class and small value types of the data contract."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Identifier = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
    ),
]
"""A stable, pseudonymous identifier such as ``"H-0017"``: never a name."""


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
