"""Households waiting for a dwelling, and their members."""

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field, NonNegativeInt, field_serializer, field_validator

from ._base import Identifier, StrictModel, sensitive
from .dwelling import DwellingFeature

ADULT_AGE = 18
"""Age from which a member counts as an adult."""

SCHOOL_AGE = 6
"""Age from which a child goes to school (kindergarten before)."""


class Sex(StrEnum):
    FEMALE = "F"
    MALE = "M"
    OTHER = "X"


class Relation(StrEnum):
    """A member's place in the household."""

    HEAD = "head"
    PARTNER = "partner"
    CHILD = "child"
    OTHER = "other"


class HouseholdType(StrEnum):
    """Derived household type, as the reports group households."""

    SINGLE_ADULT = "single_adult"
    COUPLE = "couple"
    FAMILY_WITH_CHILDREN = "family_with_children"
    SINGLE_PARENT = "single_parent"
    UNACCOMPANIED_MINOR = "unaccompanied_minor"
    OTHER_ADULTS = "other_adults"


class Member(StrictModel):
    """
    One person in a household.

    Parameters
    ----------
    age
        Age in whole years at the instance's ``as_of`` date.
    sex
        ``"F"``, ``"M"`` or ``"X"``; used by the size norm (who may share a
        bedroom) and for shared housing (co-residents of the same sex).
        Blank (``None``) when not known: placement in municipalities does
        not use it, and the dwelling level refuses to run without it.
    relation
        ``head``, ``partner``, ``child`` or ``other``. Default ``head``.
    """

    age: int = Field(ge=0, le=120)
    sex: Sex | None = None
    relation: Relation = Relation.HEAD


class Household(StrictModel):
    """
    A settlement-ready household.

    Every optional field defaults to a value with no effect on matching.
    Tri-state fields (``bool | None``) separate *unknown* (``None``, the
    default) from *known no need* (``False``); the policy's ``unknown_need``
    says how unknown is treated.

    Parameters
    ----------
    id
        Pseudonymous identifier such as ``"H-0017"``.
    members
        The persons in the household; exactly one has relation ``head``.
    permit_date
        Date residence was granted (vedtak om opphold): waiting starts here.
        Blank (``None``) when not known: only placement with the ``score``
        objective runs without it (priority counts the waiting time).
    case_created
        Date the case was opened, when known; on or before ``permit_date``.
    nationality
        Country code; used only for the household's own wish to live near
        compatriots and for shared-housing composition, never as a penalty.
    needs_step_free, needs_ground_floor, needs_no_basement
        Accessibility needs (sensitive). ``None`` is unknown.
    avoid_features
        Dwelling features this household must not be offered, such as
        ``waterfront`` after drowning trauma (sensitive). ``None`` is unknown;
        an empty set is known to have none.
    health_follow_up
        Serious health problems needing close follow-up (sensitive).
    expected_reunification_persons
        Family members expected to join through reunification. Default 0.
    expected_reunification_date
        When they are expected, if known.
    open_to_shared
        Whether a single adult accepts shared housing (bofellesskap).
    wish_central
        Wishes to live centrally. Default ``False``.
    wish_near_compatriots
        Wishes to live near compatriots. Default ``False``.
    wish_near_node
        Travel-network node of a place to live near (family, work, school).
    assigned_municipality
        Municipality IMDi has assigned the household to, if any.
    current_dwelling
        Dwelling the household lives in now, when re-housing.
    current_school
        Service site (a school) the children attend now, when re-housing.
    monthly_income_nok
        The household's monthly income in NOK after tax, including the
        introduction stipend and benefits other than the housing allowance
        (sensitive). ``None`` (default) is unknown: the affordability rule
        does not apply to the household.
    moving_on
        A sitting tenant of ``current_dwelling`` ready to move on
        (employed, contract ending): with policy ``moving.enabled`` it may
        be moved to another dwelling or out, to free its dwelling for a
        waiting household; when it may move is the dwelling's
        ``available_from``. Default ``False``.
    introduction_programme
        Whether members of programme age take part in the introduction
        programme and so need a place (``models.places``). Default
        ``True``; ``False`` when they have completed it or are exempt.
    """

    id: Identifier
    members: tuple[Member, ...] = Field(min_length=1, max_length=20)
    permit_date: date | None = None
    case_created: date | None = None
    nationality: str | None = Field(
        default=None, pattern=r"^[A-Z]{2,3}$"
    )
    needs_step_free: bool | None = sensitive(
        "Needs step-free access (lift or ground level).", default=None
    )
    needs_ground_floor: bool | None = sensitive(
        "Needs a ground-floor dwelling.", default=None
    )
    needs_no_basement: bool | None = sensitive(
        "Must not live in a basement dwelling.", default=None
    )
    avoid_features: frozenset[DwellingFeature] | None = sensitive(
        "Dwelling features that must be avoided (e.g. waterfront).",
        default=None,
    )
    health_follow_up: bool | None = sensitive(
        "Serious health problems needing follow-up.", default=None
    )
    expected_reunification_persons: NonNegativeInt = Field(default=0, le=15)
    expected_reunification_date: date | None = None
    open_to_shared: bool | None = None
    wish_central: bool = False
    wish_near_compatriots: bool = False
    wish_near_node: Identifier | None = None
    assigned_municipality: Identifier | None = None
    current_dwelling: Identifier | None = None
    current_school: Identifier | None = None
    monthly_income_nok: float | None = sensitive(
        "Monthly income in NOK after tax (for affordability).",
        default=None, ge=0, le=1_000_000,
    )
    moving_on: bool = False
    introduction_programme: bool = True

    @field_validator("nationality", mode="before")
    @classmethod
    def _upper_nationality(cls, value):
        return value.upper() if isinstance(value, str) else value

    @field_serializer("avoid_features")
    def _sorted_avoid(self, features):
        # Sets serialise in hash order; sorting makes files and hashes stable.
        return None if features is None else sorted(features)

    # Derived attributes. Pure functions of the fields, so the data contract
    # and every part of the engine agree on who counts as what.

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def adults(self) -> int:
        return sum(m.age >= ADULT_AGE for m in self.members)

    @property
    def children(self) -> int:
        return sum(m.age < ADULT_AGE for m in self.members)

    @property
    def has_children(self) -> bool:
        return self.household_type in (
            HouseholdType.FAMILY_WITH_CHILDREN,
            HouseholdType.SINGLE_PARENT,
        )

    @property
    def household_type(self) -> HouseholdType:
        # A pure function of the (immutable) members: kept per members
        # tuple, which the entry holds so that its id is not reused.
        hit = _TYPES.get(id(self.members))
        if hit is not None and hit[0] is self.members:
            return hit[1]
        kind = self._household_type()
        if len(_TYPES) >= 100_000:
            _TYPES.clear()
        _TYPES[id(self.members)] = (self.members, kind)
        return kind

    def _household_type(self) -> HouseholdType:
        if self.adults == 0:
            return HouseholdType.UNACCOMPANIED_MINOR
        if self.children == 0:
            if self.size == 1:
                return HouseholdType.SINGLE_ADULT
            has_partner = any(
                m.relation == Relation.PARTNER for m in self.members
            )
            if self.size == 2 and has_partner:
                return HouseholdType.COUPLE
            return HouseholdType.OTHER_ADULTS
        if self.adults == 1:
            return HouseholdType.SINGLE_PARENT
        return HouseholdType.FAMILY_WITH_CHILDREN

    @property
    def is_priority_group(self) -> bool:
        """Families with children and unaccompanied minors (3-month goal)."""
        return self.has_children or (
            self.household_type == HouseholdType.UNACCOMPANIED_MINOR
        )


_TYPES: dict[int, tuple[tuple, HouseholdType]] = {}
"""Household types by members tuple (see ``Household.household_type``)."""


HouseholdGroup = Literal[
    "families_with_children",
    "single_adults",
    "large_families",
    "unaccompanied_minors",
    "accessibility_needs",
]
"""Groups that indicators and the fairness audit are reported by."""
