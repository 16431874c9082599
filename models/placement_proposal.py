"""
National placement: the placement level's output.

A proposal of which municipality settles which household, and the
comparison of placement first with dwelling-first matching (DOMAIN.md
R4). Apart from the input tables (``models.placement``) because only the
``place`` command and its tools use these: every other command leaves
them unloaded (their classes take a tenth of the models' loading).
"""

from enum import StrEnum

from pydantic import Field

from ._base import Identifier, StrictModel
from .proposal import Match, Objective, Provenance, Status

PLACEMENT_SCHEMA_VERSION = "1"
"""Version of the placement proposal and mode comparison formats."""


class Placement(StrictModel):
    """
    One household placed in a municipality.

    Parameters
    ----------
    priority
        The household's priority points (waiting time against its
        deadline, priority group, overdue), as at the dwelling level.
    pair_score
        The imported score of the pair; ``None`` when the table has none.
    scores
        Objective points per term: ``pair_score``, which is
        ``round(score_weight * score)``, or under the ``score`` objective
        the score in units of ``10**-score_decimals`` of the proposal.
    rank
        Rank of this municipality among the household's compatible ones
        by pair score (1 is best; ties share a rank).
    compatible
        Number of municipalities compatible with the household.
    given
        Whether IMDi had already assigned the household to this
        municipality before this run (kept, and counted in the quotas).
    waited_days, within_deadline
        Days since the permit date, and whether that is within the
        household's deadline; ``None`` without a permit date.
    """

    household: Identifier
    municipality: Identifier
    priority: int
    pair_score: float | None = None
    scores: dict[str, int]
    rank: int = Field(ge=1)
    compatible: int = Field(ge=1)
    given: bool = False
    waited_days: int | None = 0
    within_deadline: bool | None = True


class UnplacedReason(StrEnum):
    NO_COMPATIBLE_MUNICIPALITY = "no_compatible_municipality"
    QUOTA_FULL = "quota_full"
    SPREAD = "spread"
    OBJECTIVE = "objective"
    NO_SOLUTION = "no_solution"


class Taker(StrictModel):
    """
    A household that took a place another household could have used,
    with its priority and, under the ``score`` objective, its score in
    that municipality (the missing score when the table has none).
    """

    household: Identifier
    priority: int
    score: float | None = None


class Blocker(StrictModel):
    """
    Why one compatible municipality could not also take a household.

    Parameters
    ----------
    rule
        ``quota:<dimension>``, ``service:<service>`` (places), or
        ``spread:nationality`` / ``spread:household_type``.
    need
        What the household would use of it.
    used, limit
        What the proposal uses of it, and the limit.
    taken_by
        Households placed there that use it, lowest priority first.
    """

    municipality: Identifier
    rule: str
    need: int
    used: int
    limit: int
    taken_by: tuple[Taker, ...] = ()


class Unplaced(StrictModel):
    """
    A household left without a municipality, and why.

    Parameters
    ----------
    reason
        ``no_compatible_municipality`` (exact, before solving: see
        ``excluded_by``), ``quota_full`` (every compatible municipality's
        decision, or a service's places, is used up: see ``blocked``),
        ``spread`` (some compatible municipality had room but a spread
        rule stopped it), ``objective`` (placing it would lower the
        weighted objective) or ``no_solution`` (the engine found none).
    excluded_by
        For ``no_compatible_municipality``: how many municipalities each
        rule rules out for this household on its own.
    blocked
        For ``quota_full`` and ``spread``: what stopped each compatible
        municipality (at most the five most preferred).
    """

    household: Identifier
    priority: int
    reason: UnplacedReason
    message: str
    excluded_by: dict[str, int] = Field(default_factory=dict)
    blocked: tuple[Blocker, ...] = ()
    compatible: int = 0
    waited_days: int | None = 0


class DimensionUse(StrictModel):
    """
    One municipality's use of one quota dimension or service capacity.

    Parameters
    ----------
    dimension
        A quota dimension (``households``, ``persons``, ``children``...) or
        ``service:<service>`` for a service's places.
    limit
        The council decision (or places); ``None`` when unlimited.
    given
        Used by households IMDi had already assigned.
    placed
        Used by the households this proposal places.
    remaining
        ``limit - given - placed`` (0 at least); ``None`` when unlimited.
    """

    dimension: str
    limit: int | None
    given: int
    placed: int
    remaining: int | None


class GroupShare(StrictModel):
    """One nationality or household type in one municipality."""

    kind: str
    group: str
    households: int
    allowed: int


class MunicipalityUse(StrictModel):
    """
    What the proposal gives one municipality.

    Parameters
    ----------
    households, persons
        Households and persons placed there, given ones included.
    dimensions
        Use of every quota dimension the policy names and every service
        capacity in force.
    spread
        Per nationality and household type placed there, when a spread
        rule is in force: households and the most the rule allows.
    """

    municipality: Identifier
    name: str = ""
    households: int
    persons: int
    dimensions: tuple[DimensionUse, ...]
    spread: tuple[GroupShare, ...] = ()


class PlacementKpis(StrictModel):
    households: int
    placed: int
    given: int
    placed_within_deadline: int
    placed_priority_group: int
    priority_group: int
    pair_score_total: float
    by_type: dict[str, tuple[int, int]] = Field(
        default_factory=dict,
        description="Household type -> (placed, total).",
    )
    quota_use: dict[str, tuple[int, int]] = Field(
        default_factory=dict,
        description="Dimension -> (used, limit) over municipalities with "
        "a limit in it.",
    )


class PlacementStats(StrictModel):
    engine: str
    status: Status
    proven_optimal: bool
    build_seconds: float
    solve_seconds: float
    num_households: int
    num_municipalities: int
    num_pairs: int
    num_classes: int
    workers: int = 1
    seed: int = 0
    time_limit: float | None = None
    detail: dict[str, str] = Field(default_factory=dict)


class PlacementProposal(StrictModel):
    """
    The output of one placement solve.

    Parameters
    ----------
    score_decimals
        Decimals of the pair scores as counted: under the ``score``
        objective, the unit of its points is ``10**-score_decimals``;
        otherwise the data's precision, for reporting. ``None`` without
        pair scores.
    notes
        How the objective treated the data, in words: scores ignored,
        scores rounded, missing scores.
    """

    schema_version: str = PLACEMENT_SCHEMA_VERSION
    status: Status
    objective: Objective | None
    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    municipalities: tuple[MunicipalityUse, ...]
    conflicts: tuple[str, ...] = ()
    kpis: PlacementKpis
    solver: PlacementStats
    provenance: Provenance
    score_decimals: int | None = None
    notes: tuple[str, ...] = ()


# --- chained mode and the comparison of modes ------------------------------


class Unhoused(StrictModel):
    """
    A household the chained run did not house, and why.

    Parameters
    ----------
    stage
        ``placement`` (no municipality) or ``dwelling`` (placed, but the
        municipality's dwellings could not take it).
    municipality
        Where it was placed, for the dwelling stage.
    reason
        The placement or dwelling-level reason code.
    """

    household: Identifier
    stage: str
    municipality: Identifier | None = None
    reason: str
    message: str
    priority: int
    waited_days: int = 0


class MunicipalityStage(StrictModel):
    """The dwelling stage of one municipality in a chained run."""

    municipality: Identifier
    placed: int
    dwellings: int
    housed: int
    not_housed: int
    reasons: dict[str, int] = Field(default_factory=dict)
    status: Status
    proven_optimal: bool
    seconds: float


class ChainedReport(StrictModel):
    """
    Placement first, then each municipality's dwelling matching.

    ``matches`` are the dwelling-level matches of every municipality,
    checked together against the whole instance with the placement as
    the assigned municipalities.
    """

    schema_version: str = PLACEMENT_SCHEMA_VERSION
    placement_status: Status
    placement_proven_optimal: bool
    status: Status
    proven_optimal: bool
    municipalities: tuple[MunicipalityStage, ...]
    matches: tuple[Match, ...]
    unhoused: tuple[Unhoused, ...]
    provenance: Provenance


class ModeFigures(StrictModel):
    """
    Outcome of one mode on an instance, counted the same way for both.

    Parameters
    ----------
    mode
        ``chained`` or ``dwelling-first``.
    housed_within_deadline
        Housed households that have not waited past their deadline
        (permit date plus the policy's deadline for their type).
    housed_within_maximum
        Housed households that have not waited past the maximum deadline
        (``deadlines.maximum_months``): when the priority serves the
        longest waiting first, few of those housed are still within
        their own deadline, and this tells the modes apart instead.
    by_group
        Group -> (housed within deadline, housed, households).
    placement_breaches
        Breaches of the placement rules the dwelling level cannot apply
        (spread shares, service places), on the households housed:
        dwelling-first does not apply them; this counts how often that
        matters.
    pair_score_total
        Sum of the imported pair scores of where households were housed.
    priority_points
        Sum of the housed households' priority points: the first part of
        the dwelling level's objective, which serves the longest waiting
        first.
    """

    mode: str
    status: Status
    proven_optimal: bool
    seconds: float
    households: int
    housed: int
    housed_within_deadline: int
    housed_within_maximum: int
    housed_priority_group: int
    priority_group: int
    by_group: dict[str, tuple[int, int, int]]
    placement_breaches: int = 0
    pair_score_total: float = 0.0
    priority_points: int = 0


class ModeComparison(StrictModel):
    """Chained against dwelling-first on one instance and policy."""

    schema_version: str = PLACEMENT_SCHEMA_VERSION
    instance_name: str
    policy_name: str
    chained: ModeFigures
    dwelling_first: ModeFigures
    more_housed: int
    more_housed_within_deadline: int
    notes: tuple[str, ...] = ()
    provenance: Provenance
