"""Municipalities, areas, buildings, services and the travel network."""

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from ._base import MAX_COUNT, Count, Identifier, StrictModel, Text


class QuotaDimension(StrEnum):
    """
    A dimension in which a council decision (vedtak) counts settlements.

    A household uses each dimension by its composition: one household, its
    persons, one single adult or family, its children (under 18), adults
    (18-66) or seniors (67 and over).
    """

    HOUSEHOLDS = "households"
    PERSONS = "persons"
    SINGLE_ADULTS = "single_adults"
    FAMILIES = "families"
    UNACCOMPANIED_MINORS = "unaccompanied_minors"
    CHILDREN = "children"
    ADULTS = "adults"
    SENIORS = "seniors"


class Municipality(StrictModel):
    """
    A settlement municipality.

    Parameters
    ----------
    id
        Identifier, for instance the municipality number ``"K-4601"``.
    name
        Display name.
    centre_node
        Travel-network node of the centre, for the wish to live centrally.
    quotas
        Remaining places in the council decision, per dimension. Empty
        means no quota. Default empty.
    requested
        Places IMDi requested (anmodning), for quota-fulfilment reporting.
    introduction_places
        Free introduction-programme places for this round's settlers
        (persons aged 18-55 by default; see ``models.places``). Blank: no
        limit.
    """

    id: Identifier
    name: Text = Field(default="", max_length=100)
    centre_node: Identifier | None = None
    quotas: dict[QuotaDimension, Count] = Field(default_factory=dict)
    requested: Count | None = None
    introduction_places: Count | None = None


class Area(StrictModel):
    """
    A neighbourhood, the unit of dispersion.

    Parameters
    ----------
    id
        Identifier such as ``"A-03"``.
    municipality
        Municipality the area belongs to.
    name
        Display name.
    resident_households
        Households living in the area now (all, not only refugees).
    refugee_households
        Refugee households already living there, counted by dispersion caps.
    kindergarten_places
        Free kindergarten places in the area for this round's settlers
        (children aged 1-5 by default; see ``models.places``). Blank: no
        limit.
    school_places
        Free school places in the area for this round's settlers (children
        aged 6-15 by default). Blank: no limit.
    """

    id: Identifier
    municipality: Identifier
    name: Text = Field(default="", max_length=100)
    resident_households: Count = 0
    refugee_households: Count = 0
    kindergarten_places: Count | None = None
    school_places: Count | None = None


class Building(StrictModel):
    """
    A building or stairwell holding several dwellings.

    Parameters
    ----------
    id
        Identifier such as ``"B-0107"``.
    area
        Area the building is in.
    units
        Dwellings in the building (occupied or not).
    refugee_households
        Refugee households already living in the building.
    """

    id: Identifier
    area: Identifier
    units: Annotated[int, Field(ge=1, le=MAX_COUNT)] = 1
    refugee_households: Count = 0


class AreaNationality(StrictModel):
    """
    Households of one nationality already living in an area.

    Parameters
    ----------
    area
        The area.
    nationality
        Country code, such as ``SYR``.
    households
        Households of that nationality living in the area now.
    """

    area: Identifier
    nationality: str = Field(pattern=r"^[A-Z]{2,3}$")
    households: Count


class ServiceKind(StrEnum):
    """Kinds of service a household may need within reach (no car)."""

    KINDERGARTEN = "kindergarten"
    SCHOOL = "school"
    ADULT_EDUCATION = "adult_education"
    PUBLIC_TRANSPORT = "public_transport"
    HEALTH = "health"
    SHOP = "shop"
    NAV = "nav"


class ServiceSite(StrictModel):
    """
    A place offering one service, on the travel network.

    Parameters
    ----------
    id
        Identifier of the site.
    kind
        The service it offers (school, kindergarten, shop...).
    node
        Travel-network node it sits on.
    name
        Display name.
    """

    id: Identifier
    kind: ServiceKind
    node: Identifier
    name: Text = Field(default="", max_length=100)


class TravelMode(StrEnum):
    WALK = "walk"
    TRANSIT = "transit"


class Node(StrictModel):
    """
    A point of the walking and public-transport network (coordinates in km).

    Parameters
    ----------
    id
        Identifier of the node.
    x, y
        East-west and north-south coordinates in km.
    """

    id: Identifier
    x: float = Field(ge=-10_000, le=10_000)
    y: float = Field(ge=-10_000, le=10_000)


class Edge(StrictModel):
    """
    An undirected link of the network, in minutes without a car.

    Parameters
    ----------
    source, target
        The nodes it links.
    minutes
        Travel time in minutes without a car.
    mode
        ``walk`` or ``transit``. Default ``walk``.
    """

    source: Identifier
    target: Identifier
    minutes: float = Field(gt=0, le=1_000)
    mode: TravelMode = TravelMode.WALK


class TravelTime(StrictModel):
    """
    A precomputed travel time from a dwelling to the nearest site of a kind.

    When given for a dwelling and kind, it replaces the network's figure.

    Parameters
    ----------
    dwelling
        The dwelling.
    kind
        The kind of service.
    minutes
        Minutes to the nearest site of that kind without a car.
    """

    dwelling: Identifier
    kind: ServiceKind
    minutes: float = Field(ge=0, le=1_000)
