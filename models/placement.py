"""
National placement: households to municipalities within council decisions.

Three optional tables of the instance (what IMDi knows about households and
municipalities at the level of utsøking, DOMAIN.md 1.3 and 1.9 (a)). The
placement level's output (a proposal of which municipality settles which
household, and the comparison of placement first with dwelling-first
matching, DOMAIN.md R4) lives in ``models.placement_proposal``; its names
are read from here too, loaded when first asked for.
"""

import math
from collections.abc import Iterator
from enum import StrEnum

from pydantic import Field, field_validator

from ._base import Count, Identifier, StrictModel
from .problems import Problem, _

_OUTPUT_NAMES = frozenset({
    "PLACEMENT_SCHEMA_VERSION", "Placement", "UnplacedReason", "Taker",
    "Blocker", "Unplaced", "DimensionUse", "GroupShare", "MunicipalityUse",
    "PlacementKpis", "PlacementStats", "PlacementProposal", "Unhoused",
    "MunicipalityStage", "ChainedReport", "ModeFigures", "ModeComparison",
})
"""The names of ``models.placement_proposal`` this module also gives."""


def __getattr__(name: str):
    # The output's classes are loaded only when asked for (PEP 562), so
    # reading an instance does not build them.
    if name not in _OUTPUT_NAMES:
        raise AttributeError(
            f"module {__name__!r} has no attribute {name!r}")
    from . import placement_proposal

    return getattr(placement_proposal, name)


class PlacementService(StrEnum):
    """
    A service a household may need from its settlement municipality.

    Who needs it follows from the household (see ``Placement`` in
    ``models.policy``): an introduction-programme place for each member of
    programme age (18-55 by default), care for unaccompanied minors, and
    close health follow-up for households that need it (sensitive: never
    named in an explanation).
    """

    INTRODUCTION_PROGRAMME = "introduction_programme"
    MINORS_CARE = "minors_care"
    HEALTH_FOLLOW_UP = "health_follow_up"


class MunicipalityService(StrictModel):
    """
    A service a municipality offers the households it settles.

    Parameters
    ----------
    municipality
        The municipality.
    service
        ``introduction_programme``, ``minors_care`` or ``health_follow_up``.
    places
        How many it can take: participants for the introduction programme
        (persons of programme age), minors for minors' care, households
        for health follow-up. ``None`` (blank) for no limit.
    """

    municipality: Identifier
    service: PlacementService
    places: Count | None = None


class Compatibility(StrictModel):
    """
    Whether a household may be placed in a municipality, as imported.

    A row with ``allowed`` false forbids the pair; ``allowed`` blank (or
    the column left out) allows it, so a table of pairs alone lists the
    allowed ones. Pairs not listed follow the policy's
    ``placement.unlisted_pairs``: by default (``auto``) they are forbidden
    when the table lists any allowed pair, and allowed when it lists only
    forbidden pairs (see ``unlisted_pairs_allowed``).
    """

    household: Identifier
    municipality: Identifier
    allowed: bool = True


def compatibility_kind(compatibility) -> str:
    """
    What a compatibility table lists: ``"none"`` (no rows), ``"allowed"``
    (only allowed pairs), ``"forbidden"`` (only forbidden pairs) or
    ``"both"``.
    """
    kinds = {row.allowed for row in compatibility}
    if not kinds:
        return "none"
    if kinds == {True, False}:
        return "both"
    return "allowed" if True in kinds else "forbidden"


def unlisted_pairs_allowed(unlisted: str, compatibility) -> bool:
    """
    Whether a pair the compatibility table does not list is allowed.

    Parameters
    ----------
    unlisted
        The policy's ``placement.unlisted_pairs``: ``auto``, ``allow`` or
        ``forbid``.
    compatibility
        The table's rows.
    """
    if unlisted == "allow":
        return True
    if unlisted == "forbid":
        return False
    return compatibility_kind(compatibility) in ("none", "forbidden")


class PairScore(StrictModel):
    """
    An imported score of a household in a municipality, such as a
    predicted probability of employment from an external model
    (GeoMatch-style). Weighted in the objective by the policy's
    ``placement.score_weight``; unlisted pairs score
    ``placement.missing_score``.
    """

    household: Identifier
    municipality: Identifier
    score: float = Field(ge=-1_000_000, le=1_000_000)

    @field_validator("score")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError(_("score must be a finite number."))
        return value


def placement_problems(
    services, compatibility, pair_scores, households, municipalities
) -> Iterator[Problem]:
    """
    Cross-row problems of the placement tables: unknown households and
    municipalities, and pairs or services listed twice.

    Parameters
    ----------
    services, compatibility, pair_scores
        The rows of the three tables.
    households, municipalities
        Known ids.
    """
    seen: dict[tuple, int] = {}
    for i, row in enumerate(services):
        yield from _unknown_reference(
            "municipality_services", i, "municipality", row.municipality,
            municipalities, "municipality",
        )
        key = ("municipality_services", row.municipality, row.service)
        yield from _repeated(seen, key, i, "municipality_services",
                             "service", f"{row.service} of "
                             f"{row.municipality!r}")
    for table, rows in (("compatibility", compatibility),
                        ("pair_scores", pair_scores)):
        for i, row in enumerate(rows):
            yield from _unknown_reference(
                table, i, "household", row.household, households,
                "household",
            )
            yield from _unknown_reference(
                table, i, "municipality", row.municipality, municipalities,
                "municipality",
            )
            key = (table, row.household, row.municipality)
            yield from _repeated(seen, key, i, table, "municipality",
                                 f"pair {row.household}/{row.municipality}")


def _unknown_reference(table, index, field, value, known, what):
    if value not in known:
        yield Problem(
            loc=(table, index, field),
            rule="unknown-reference",
            message=f"{field} references unknown {what} {value!r}.",
        )


def _repeated(seen, key, index, table, field, what):
    if key in seen:
        yield Problem(
            loc=(table, index, field),
            rule="contradictory-rows",
            message=f"{what} is already listed in row {seen[key] + 1} of "
            f"{table}.",
        )
    else:
        seen[key] = index
