"""Decisions a housing officer adds before re-solving: locks and bans."""

from enum import StrEnum

from pydantic import Field

from ._base import Identifier, StrictModel, Text


class DecisionKind(StrEnum):
    LOCK = "lock"
    """This household gets this dwelling."""
    BAN = "ban"
    """Never this pair (for instance after a declined offer)."""


class Decision(StrictModel):
    """
    A lock or a ban on one household-dwelling pair.

    Parameters
    ----------
    household
        The household.
    dwelling
        The dwelling.
    kind
        ``lock``: the household gets this dwelling; ``ban``: never this
        pair (for instance after a declined offer).
    note
        The officer's reason, in their own words.
    """

    household: Identifier
    dwelling: Identifier
    kind: DecisionKind
    note: Text = Field(default="", max_length=500)
