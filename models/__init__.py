"""
The data contract of the housing allocator: inputs, policy and proposal.

Every name is imported from its module when first read (PEP 562), so
that a command builds only the classes it uses: building a pydantic
class is most of the cost of loading it, and the placement level's
output, the decision log and the simulation's parameters are not used
by a dwelling-level solve.

For the same reason the models' modules leave their annotations
evaluated as the classes are made (no ``from __future__ import
annotations``): pydantic would otherwise compile and evaluate each
annotation's text again, some 4 to 7 ms of every command. A name used
before its class is defined is written in quotes.
"""

from importlib import import_module as _import_module

_MODULE_OF = {
    ".decision": ("Decision", "DecisionKind"),
    ".decision_log": (
        "LOG_COLUMNS", "OVERRIDABLE_RULES", "DecisionEvent", "DecisionLog",
        "DeclineReason", "EventKind", "decision_log_problems",
    ),
    ".dwelling": ("Approval", "Dwelling", "DwellingFeature", "Tenure"),
    ".geography": (
        "Area", "AreaNationality", "Building", "Edge", "Municipality",
        "Node", "QuotaDimension", "ServiceKind", "ServiceSite",
        "TravelMode", "TravelTime",
    ),
    ".household": (
        "ADULT_AGE", "SCHOOL_AGE", "Household", "HouseholdType", "Member",
        "Relation", "Sex",
    ),
    ".instance": ("TABLES", "Instance", "instance_problems"),
    ".placement": (
        "Compatibility", "MunicipalityService", "PairScore",
        "PlacementService", "compatibility_kind", "unlisted_pairs_allowed",
    ),
    ".placement_proposal": (
        "PLACEMENT_SCHEMA_VERSION", "Blocker", "ChainedReport",
        "DimensionUse", "GroupShare", "ModeComparison", "ModeFigures",
        "MunicipalityStage", "MunicipalityUse", "Placement",
        "PlacementKpis", "PlacementProposal", "PlacementStats", "Taker",
        "Unhoused", "Unplaced", "UnplacedReason",
    ),
    ".policy": (
        "DAYS_PER_MONTH", "Deadlines", "DecisionRules", "MovingOn",
        "Dispersion", "HardRules", "ObjectiveMode", "PlacementObjective",
        "PlacementPolicy", "Policy", "Priority", "RuleMode", "Services",
        "SharedHousing", "SizeNorm", "Spread", "UnknownNeed",
        "UnlistedPairs", "Weights",
    ),
    ".municipal": ("MunicipalPolicy",),
    ".places": ("PlaceKind", "PlacesMode", "ServicePlaces"),
    ".problems": ("Location", "Problem"),
    ".simulation": ("RoundKind", "SimulationParams"),
    ".proposal": (
        "SCHEMA_VERSION", "Alternative", "Binding", "Change", "Move",
        "ChangeReason", "Competitor", "Declined", "Kpis", "Match",
        "Objective", "Override", "Proposal", "ProposalWarning",
        "Provenance", "QueuePlace", "SetAsideLock", "SmallestChange",
        "SolverStats", "Status", "Unmatched", "UnmatchedReason",
    ),
}
_MODULE = {name: module for module, names in _MODULE_OF.items()
           for name in names}

_SUBMODULES = (
    "decision", "decision_log", "dwelling", "geography", "household",
    "instance", "municipal", "placement", "places", "policy", "problems",
    "proposal", "simulation",
)


def _sensitive_fields() -> frozenset[str]:
    from .household import Household

    return frozenset(
        name
        for name, field in Household.model_fields.items()
        if (field.json_schema_extra or {}).get("sensitive")
    )


def __getattr__(name: str):
    if name == "SENSITIVE_FIELDS":
        value = _sensitive_fields()
    elif name in _MODULE:
        value = getattr(_import_module(_MODULE[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # Kept, so the next read is a plain attribute.
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = sorted([*_MODULE, "SENSITIVE_FIELDS", *_SUBMODULES])
"""The contract's names and modules (``from models import *`` loads them
all)."""

SENSITIVE_FIELDS: frozenset[str]
"""Household fields holding health, trauma or disability information."""
