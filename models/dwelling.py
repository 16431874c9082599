"""Dwellings available for settlement."""

from datetime import date
from enum import StrEnum

from pydantic import Field, NonNegativeInt, PositiveFloat, field_serializer

from ._base import Identifier, StrictModel


class Tenure(StrEnum):
    """How the dwelling is held (DOMAIN.md D1)."""

    MUNICIPAL = "municipal"
    PRIVATE_LEASE = "private_lease"
    SUBLET = "sublet"
    GUARANTEED_PRIVATE = "guaranteed_private"
    RENT_TO_OWN = "rent_to_own"
    SELF_FOUND = "self_found"


class Approval(StrEnum):
    """Where a decision on a self-found dwelling stands (DOMAIN.md 7.1.9)."""

    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"


class DwellingFeature(StrEnum):
    """Location and building features that households may need to avoid."""

    WATERFRONT = "waterfront"
    CARE_HOUSING_SUBSTANCE = "care_housing_substance"
    CARE_HOUSING_PSYCHIATRY = "care_housing_psychiatry"
    BUSY_ROAD = "busy_road"
    NOISE = "noise"
    PLAYGROUND = "playground"


class Dwelling(StrictModel):
    """
    A dwelling that can be offered.

    Parameters
    ----------
    id
        Identifier such as ``"D-0042"``.
    municipality, area
        Where it is; the area must belong to the municipality.
    building
        Building (or stairwell) it is in, for building-level dispersion and
        co-location rules. Default ``None`` (a building of its own).
    node
        Travel-network node it sits on; ``None`` when a precomputed travel
        table gives its minutes to services.
    tenure
        Municipal, private lease, sublet, guaranteed private, rent-to-own or
        self-found. Default ``municipal``.
    bedrooms
        Bedrooms (0 for a bedsit). Norwegian "rom" counts living room too: a
        3-room flat has 2 bedrooms.
    floor_area_m2
        Floor area in square metres.
    floor
        Storey, 0 for the ground floor, negative below ground.
    step_free, lift
        Step-free entrance; lift to the dwelling's floor.
    basement
        A basement dwelling (sokkel).
    condition
        Standard from 1 (poor, worn) to 5 (new or renovated). Default 3.
    damp
        Damp, mould or poor indoor climate reported.
    child_suitable
        ``False`` when a health nurse or the housing office has flagged the
        dwelling unfit for children. Default ``True``.
    shared_rooms
        Rooms that can be let separately for shared housing (bofellesskap);
        0 when unsuited to sharing. At most ``bedrooms``.
    features
        Location features such as ``waterfront`` or co-located care housing.
    rent_nok
        Monthly rent in NOK.
    lease_months
        Length of the lease in months; ``None`` for no fixed term.
    available_from, available_until
        The window in which the dwelling can be let.
    utilities_nok
        Typical monthly utilities (electricity, heating, common costs) in
        NOK; ``None`` (default) is unknown, and the affordability rule then
        uses the policy's estimate (``affordability.utilities_*``).
    found_by
        The household that found this dwelling itself (egenbosetting,
        DOMAIN.md 5.3, 7.1.9); ``None`` (default) for none. While the
        landlord's offer stands the dwelling is reserved for that household.
    offer_lapses
        Last day the landlord's offer of a self-found dwelling stands;
        ``None``: no date given (it stands).
    municipal_acceptance, imdi_approval
        The municipality's acceptance and IMDi's approval of a self-found
        dwelling: ``pending`` (default), ``granted`` or ``refused``.
    """

    id: Identifier
    municipality: Identifier
    area: Identifier
    building: Identifier | None = None
    node: Identifier | None = None
    tenure: Tenure = Tenure.MUNICIPAL
    bedrooms: NonNegativeInt = Field(le=12)
    floor_area_m2: PositiveFloat = Field(le=1000)
    floor: int = Field(default=0, ge=-3, le=60)
    step_free: bool = False
    lift: bool = False
    basement: bool = False
    condition: int = Field(default=3, ge=1, le=5)
    damp: bool = False
    child_suitable: bool = True
    shared_rooms: NonNegativeInt = Field(default=0, le=12)
    features: frozenset[DwellingFeature] = frozenset()
    rent_nok: float = Field(default=0.0, ge=0, le=200_000)
    lease_months: int | None = Field(default=None, ge=1, le=600)
    available_from: date
    available_until: date | None = None
    utilities_nok: float | None = Field(default=None, ge=0, le=50_000)
    found_by: Identifier | None = None
    offer_lapses: date | None = None
    municipal_acceptance: Approval = Approval.PENDING
    imdi_approval: Approval = Approval.PENDING

    @field_serializer("features")
    def _sorted_features(self, features):
        # Sets serialise in hash order; sorting makes files and hashes stable.
        return sorted(features)
