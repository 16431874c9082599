"""The data contract of the housing allocator: inputs, policy and proposal."""

from .decision import Decision, DecisionKind
from .decision_log import (
    LOG_COLUMNS,
    OVERRIDABLE_RULES,
    DecisionEvent,
    DecisionLog,
    DeclineReason,
    EventKind,
    decision_log_problems,
)
from .dwelling import Approval, Dwelling, DwellingFeature, Tenure
from .geography import (
    Area,
    AreaNationality,
    Building,
    Edge,
    Municipality,
    Node,
    QuotaDimension,
    ServiceKind,
    ServiceSite,
    TravelMode,
    TravelTime,
)
from .household import (
    ADULT_AGE,
    SCHOOL_AGE,
    Household,
    HouseholdType,
    Member,
    Relation,
    Sex,
)
from .instance import TABLES, Instance, instance_problems
from .placement import (
    PLACEMENT_SCHEMA_VERSION,
    Blocker,
    ChainedReport,
    Compatibility,
    DimensionUse,
    GroupShare,
    ModeComparison,
    ModeFigures,
    MunicipalityService,
    MunicipalityStage,
    MunicipalityUse,
    PairScore,
    Placement,
    PlacementKpis,
    PlacementProposal,
    PlacementService,
    PlacementStats,
    Taker,
    Unhoused,
    Unplaced,
    UnplacedReason,
    compatibility_kind,
    unlisted_pairs_allowed,
)
from .policy import (
    DAYS_PER_MONTH,
    Deadlines,
    DecisionRules,
    MovingOn,
    Dispersion,
    HardRules,
    ObjectiveMode,
    PlacementObjective,
    PlacementPolicy,
    Policy,
    Priority,
    RuleMode,
    Services,
    SharedHousing,
    SizeNorm,
    Spread,
    UnknownNeed,
    UnlistedPairs,
    Weights,
)
from .municipal import MunicipalPolicy
from .places import PlaceKind, PlacesMode, ServicePlaces
from .problems import Location, Problem
from .simulation import RoundKind, SimulationParams
from .proposal import (
    SCHEMA_VERSION,
    Alternative,
    Binding,
    Change,
    Move,
    ChangeReason,
    Competitor,
    Declined,
    Kpis,
    Match,
    Objective,
    Override,
    Proposal,
    ProposalWarning,
    Provenance,
    QueuePlace,
    SetAsideLock,
    SmallestChange,
    SolverStats,
    Status,
    Unmatched,
    UnmatchedReason,
)

SENSITIVE_FIELDS = frozenset(
    name
    for name, field in Household.model_fields.items()
    if (field.json_schema_extra or {}).get("sensitive")
)
"""Household fields holding health, trauma or disability information."""

__all__ = [name for name in dir() if not name.startswith("_")]
