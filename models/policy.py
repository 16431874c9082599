"""The matching rules: one policy, one TOML file, documented defaults."""

from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, NonNegativeInt, field_serializer, model_validator

from ._base import Identifier, StrictModel, Text, Weight
from .decision_log import DeclineReason
from .geography import QuotaDimension, ServiceKind
from .placement import PlacementService
from .municipal import MunicipalPolicy
from .places import ServicePlaces
from .problems import _


class RuleMode(StrEnum):
    """How a rule acts: a hard exclusion, a scored penalty, or not at all."""

    FORBID = "forbid"
    PENALISE = "penalise"
    IGNORE = "ignore"


class ObjectiveMode(StrEnum):
    LEXICOGRAPHIC = "lexicographic"
    """First house as many as possible weighted by priority, then quality."""
    WEIGHTED = "weighted"
    """One weighted sum of priority and quality."""


class UnknownNeed(StrEnum):
    NO_NEED = "no_need"
    """An unknown need is treated as no need (and flagged in explanations)."""
    NEED = "need"
    """An unknown need is treated as a need: the safe, stricter reading."""


class SizeNorm(StrictModel):
    """
    Bedrooms a household needs, from its members' ages and sexes.

    Couples share a bedroom; other adults get one each. Children share two
    to a room while young; from ``mixed_sex_until_age`` only children of the
    same sex share; from ``own_room_age`` a teenager gets a room of their
    own. A single adult or minor needs no separate bedroom (a bedsit does).
    """

    couples_share: bool = True
    children_per_room: int = Field(default=2, ge=1, le=4)
    mixed_sex_until_age: int = Field(default=7, ge=0, le=18)
    own_room_age: int = Field(default=13, ge=0, le=18)
    allowed_surplus: NonNegativeInt = Field(
        default=2, le=12,
        description="Bedrooms above need still eligible (hard upper bound).",
    )
    crowding: RuleMode = Field(
        default=RuleMode.FORBID,
        description="Fewer bedrooms than needed: forbid, penalise (one "
        "bedroom short at most) or ignore.",
    )
    count_reunification: bool = Field(
        default=False,
        description="Count expected reunification persons as members when "
        "computing the need (hard). When false they are scored instead.",
    )


DAYS_PER_MONTH = 30.44
"""Days in a month when a deadline in months is counted in days (the
mean Gregorian month, 365.25 / 12, rounded)."""


class Deadlines(StrictModel):
    """Settlement targets from the residence permit (DOMAIN.md 1.4)."""

    priority_months: int = Field(
        default=3, ge=1, le=24,
        description="Families with children and unaccompanied minors.",
    )
    standard_months: int = Field(default=6, ge=1, le=24)
    maximum_months: int = Field(default=12, ge=1, le=36)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not (
            self.priority_months <= self.standard_months
            <= self.maximum_months
        ):
            raise ValueError(_(
                "deadlines must satisfy priority_months <= standard_months "
                "<= maximum_months."
            ))
        return self


class Priority(StrictModel):
    """
    Priority of housing a household, rising with waiting time.

    ``base + per_deadline * min(wait / deadline, cap)``, plus
    ``group_bonus`` for the priority groups and ``overdue_bonus`` once the
    maximum deadline has passed. Integers, so all engines agree exactly.
    """

    base: Weight = 100
    per_deadline: Weight = 100
    cap: float = Field(default=2.0, ge=0, le=10)
    group_bonus: Weight = 50
    overdue_bonus: Weight = 100


class HardRules(StrictModel):
    """Switches for the rules that exclude pairs."""

    accessibility: bool = True
    avoid_features: bool = True
    child_safety: bool = Field(
        default=True,
        description="No damp or child-unsuitable dwelling for households "
        "with children.",
    )
    care_housing: RuleMode = Field(
        default=RuleMode.FORBID,
        description="Dwellings beside care housing for substance abuse or "
        "psychiatry.",
    )
    availability: bool = True
    assigned_municipality: bool = Field(
        default=True,
        description="A household assigned to a municipality is only "
        "matched within it.",
    )
    municipality_quota: bool = True
    self_found: bool = Field(
        default=True,
        description="A self-found dwelling is reserved for the household "
        "that found it while the landlord's offer stands, and is its match "
        "only once the municipality has accepted it and IMDi approved it.",
    )


class Affordability(StrictModel):
    """
    Rent and typical utilities against the household's income and the
    housing allowance (bostøtte), DOMAIN.md 7.2.22, D10, H17.

    The monthly housing cost is the rent plus the dwelling's utilities, or
    ``utilities_base_nok + utilities_per_bedroom_nok`` per bedroom when the
    dwelling's utilities are unknown. The housing allowance is an
    *approximation* of Husbanken's bostøtte, not its rules: Husbanken
    pays a share of the approved housing cost (capped by household size
    and municipality) above the household's own share (rising with
    income); its exact rates and caps change every year and are not
    reproduced here. The approximation, in whole kroner a month::

        cap       = cost_cap_nok + cost_cap_per_person_nok * (persons - 1)
        own_share = own_share_percent * max(income, minimum_income_nok) / 100
        allowance = max(0, allowance_percent
                           * (min(cost, cap) - own_share) / 100)
        net       = cost - allowance

    (divisions round down). The net cost as a share of the income decides:
    with ``mode = "forbid"`` a pair whose net cost exceeds
    ``max_share_percent`` of the income is excluded (hard); with
    ``"penalise"`` each percentage point above ``threshold_percent`` costs
    5 points of the ``weights.affordability`` penalty (at most 100);
    ``"ignore"`` (default) switches the rule off. A household whose income
    is unknown is not judged (the explanation says so).
    """

    mode: RuleMode = RuleMode.IGNORE
    max_share_percent: int = Field(default=35, ge=1, le=100)
    threshold_percent: int = Field(default=25, ge=0, le=100)
    utilities_base_nok: int = Field(default=1_000, ge=0, le=50_000)
    utilities_per_bedroom_nok: int = Field(default=300, ge=0, le=20_000)
    allowance_percent: int = Field(default=73, ge=0, le=100)
    cost_cap_nok: int = Field(default=7_500, ge=0, le=100_000)
    cost_cap_per_person_nok: int = Field(default=1_250, ge=0, le=50_000)
    own_share_percent: int = Field(default=25, ge=0, le=100)
    minimum_income_nok: int = Field(default=10_000, ge=0, le=1_000_000)


class SharedHousing(StrictModel):
    """Shared housing (bofellesskap) for single adults open to it."""

    enabled: bool = False
    same_sex: bool = True
    max_age_gap: int = Field(default=10, ge=0, le=100)
    min_age: int = Field(default=18, ge=16, le=100)


class Dispersion(StrictModel):
    """
    Caps and targets on refugee households per area and building, counting
    those already living there.

    Hard caps (``None`` switches one off): at most
    ``area_cap_share`` of an area's households, and at most
    ``building_cap`` refugee households in one building. Above
    ``area_target_share`` each extra household costs ``weight`` in the
    objective (soft dispersion).
    """

    area_cap_share: float | None = Field(default=0.30, gt=0, le=1)
    building_cap: int | None = Field(default=None, ge=1, le=1_000_000)
    area_target_share: float | None = Field(default=0.15, ge=0, le=1)

    @model_validator(mode="after")
    def _target_below_cap(self) -> Self:
        if (
            self.area_cap_share is not None
            and self.area_target_share is not None
            and self.area_target_share > self.area_cap_share
        ):
            raise ValueError(
                _("area_target_share must not exceed area_cap_share."))
        return self


def _default_minutes() -> dict[ServiceKind, int]:
    return {
        ServiceKind.KINDERGARTEN: 15,
        ServiceKind.SCHOOL: 20,
        ServiceKind.ADULT_EDUCATION: 30,
        ServiceKind.PUBLIC_TRANSPORT: 10,
        ServiceKind.HEALTH: 30,
        ServiceKind.SHOP: 15,
    }


class Services(StrictModel):
    """
    Services within reach without a car.

    A service scores full marks within its target minutes and nothing at
    ``zero_at_factor`` times the target. Which services count depends on
    the household: kindergarten for children under school age, school for
    school-age children, adult education for adults, public transport,
    health and shops for all.
    """

    target_minutes: dict[
        ServiceKind, Annotated[int, Field(ge=1, le=240)]
    ] = Field(
        default_factory=_default_minutes
    )
    zero_at_factor: float = Field(default=3.0, gt=1, le=20)
    central_minutes: int = Field(
        default=15, ge=1, le=240,
        description="Minutes to the municipal centre that count as central.",
    )
    near_place_minutes: int = Field(default=20, ge=1, le=240)


class Weights(StrictModel):
    """
    Weights of the scored criteria. Every criterion scores 0-100 per pair
    (penalties -100-0), so a weight is the value of a full score.
    """

    housed: Weight = Field(
        default=10,
        description="Objective units per priority point in weighted mode.",
    )
    size_fit: Weight = 10
    services: Weight = 8
    condition: Weight = 5
    child_suitability: Weight = 5
    tenure: Weight = 5
    reunification: Weight = 5
    wish_central: Weight = 4
    wish_compatriots: Weight = 3
    wish_place: Weight = 4
    school_change: Weight = 10
    care_housing: Weight = 10
    late_move_in: Weight = Field(
        default=20,
        description="Per point of the penalty for a dwelling that frees "
        "only after the deadline a household could still meet.",
    )
    dispersion: Weight = Field(
        default=300,
        description="Objective units per refugee household above the "
        "area target.",
    )
    affordability: Weight = Field(
        default=10,
        description="Value of the full affordability penalty (with "
        "``affordability.mode = \"penalise\"``).",
    )


class UnlistedPairs(StrEnum):
    """Household-municipality pairs the compatibility table leaves out."""

    AUTO = "auto"
    """The opposite of what the table lists: forbidden when it lists any
    allowed pair (a list of allowed pairs, or of both), allowed when it
    lists only forbidden pairs or nothing."""
    ALLOW = "allow"
    FORBID = "forbid"


class PlacementObjective(StrEnum):
    """What placement maximises."""

    PRIORITY = "priority"
    """The policy's ``objective``: priority points first and then pair-score
    points (lexicographic), or one weighted sum of the two."""
    SCORE = "score"
    """The total imported pair score of the households placed, counted
    exactly to the precision of the data, then the number placed."""


class Spread(StrictModel):
    """
    National spread rules of placement. In each municipality, of the
    households this run places there, at most ``share`` times their number
    plus ``allowance`` may be of one nationality (households of unknown
    nationality are not counted), or of one household type. ``None``
    switches a rule off; shares count to three decimals.
    """

    nationality_share: float | None = Field(default=None, gt=0, le=1)
    household_type_share: float | None = Field(default=None, gt=0, le=1)
    allowance: NonNegativeInt = Field(
        default=1, le=1000,
        description="Households of one group always allowed on top of the "
        "share.",
    )


class PlacementPolicy(StrictModel):
    """
    Placement of households in municipalities (IMDi's utsøking) within
    the council decisions. Every default has no effect on the dwelling
    level and leaves the placement level with quotas and priority only.

    By default the objective is the dwelling level's: in lexicographic
    mode first the households' priority points (waiting time against the
    deadline, priority groups, overdue), then the pair-score points; in
    weighted mode ``weights.housed`` per priority point plus the
    pair-score points. A pair's score points are
    ``round(score_weight * score)`` with the imported score, or
    ``missing_score`` for unlisted pairs. With ``objective = "score"``
    placement maximises the total score itself (``missing_score`` for
    unlisted pairs), exact to the data's decimals (at most 9, fewer only
    where the total would reach 2**46 units; the proposal's notes say
    so), then the number of households placed; priority and
    ``score_weight`` play no part.

    Parameters
    ----------
    dimensions
        Quota dimensions counted; ``None`` (default): every dimension any
        municipality's decision names.
    services
        Services whose need is binding: a household needing one is only
        placed where it is offered, within its places. Default none.
    introduction_min_age, introduction_max_age
        Members of these ages need an introduction-programme place.
    objective
        ``priority`` (default: the policy's objective) or ``score``.
    unlisted_pairs
        Pairs the compatibility table does not list: ``auto`` (default;
        forbidden when the table lists any allowed pair, allowed when it
        lists only forbidden ones or none), ``allow`` or ``forbid``.
    score_weight
        Objective points per unit of imported pair score. Default 0:
        scores are ignored.
    missing_score
        Score of a pair the score table does not list. Default 0.
    spread
        Shares of one nationality or household type per municipality.
    """

    dimensions: tuple[QuotaDimension, ...] | None = None
    services: frozenset[PlacementService] = frozenset()
    introduction_min_age: int = Field(default=18, ge=0, le=120)
    introduction_max_age: int = Field(default=55, ge=0, le=120)
    objective: PlacementObjective = PlacementObjective.PRIORITY
    unlisted_pairs: UnlistedPairs = UnlistedPairs.AUTO
    score_weight: NonNegativeInt = Field(default=0, le=1_000_000)
    missing_score: float = Field(default=0.0, ge=-1_000_000, le=1_000_000)
    spread: Spread = Spread()

    @field_serializer("services")
    def _sorted_services(self, services):
        # Sets serialise in hash order; sorting keeps files and hashes
        # stable.
        return sorted(services)

    @model_validator(mode="after")
    def _ages_ordered(self) -> Self:
        if self.introduction_min_age > self.introduction_max_age:
            raise ValueError(_(
                "introduction_min_age must not exceed introduction_max_age."
            ))
        return self


class DecisionRules(StrictModel):
    """
    What the office's decisions (``models.DecisionLog``) do, and how a
    re-solve treats the previous proposal. The defaults hold no surprise:
    a declined pair is not offered again, nothing else follows from a
    decline, an offer stays open 14 days, and open offers and accepted
    matches are kept as locks.

    Parameters
    ----------
    decline_bans_pair
        A declined dwelling is never proposed to that household again.
    decline_park_days
        After a decline the household is parked (not proposed anything)
        for this many days from the decline's date. 0 (default): not
        parked.
    declines_before_hold
        After this many declines (counted since the last ``lift``) the
        household is held: proposed nothing until an officer lifts it
        (DOMAIN.md 1.7: declining the offer forfeits the municipality's
        help with housing). ``None`` (default): never held.
    uncounted_reasons
        Decline reasons that are not the household's refusal: they ban the
        pair (when ``decline_bans_pair``) but neither park the household
        nor count towards the hold. Default: ``landlord_refused``.
    offer_open_days
        An offer is open this many days after its date (inclusive); later
        it has expired: no longer a lock, and it cannot be accepted or
        declined. Default 14.
    offers_lock
        An open offer is a lock: the re-solve keeps the dwelling for the
        household while it decides.
    accepts_lock
        An accepted offer is a lock.
    keep_weight
        How a re-solve with a previous proposal values each previous match
        it keeps. ``None`` (default): exactly between priority and
        quality, so the re-solve houses the most priority, then keeps the
        most previous matches, then has the best quality (in weighted
        objective mode, where priority and quality are one sum, ``None``
        counts a kept match as 100 priority points). An integer: each kept
        match is worth that many quality units (the weighted variant).
    """

    decline_bans_pair: bool = True
    decline_park_days: NonNegativeInt = Field(default=0, le=3650)
    declines_before_hold: int | None = Field(default=None, ge=1, le=100)
    uncounted_reasons: frozenset[DeclineReason] = frozenset(
        {DeclineReason.LANDLORD_REFUSED}
    )
    offer_open_days: NonNegativeInt = Field(default=14, le=3650)
    offers_lock: bool = True
    accepts_lock: bool = True
    keep_weight: NonNegativeInt | None = Field(default=None, le=10**9)

    @field_serializer("uncounted_reasons")
    def _sorted_reasons(self, reasons):
        return sorted(reasons)


class MovingOn(StrictModel):
    """
    Sitting tenants ready to move on (DOMAIN.md 7.2.23, 7.4.15, R2):
    households in ``current_dwelling`` marked ``moving_on`` (employed,
    contract ending). Off by default, so a round is unchanged.

    When on, each such tenant is part of the round: it stays (scored
    ``exit_penalty``, the cost of a move out avoided), moves to another
    eligible dwelling (``exit_penalty - move_penalty``, less
    ``school_change_penalty`` when it has school-age children and the
    dwelling lies in another area), or moves out to the private market or
    ownership (0). Its dwelling goes to another household only when it
    leaves. Tenants have no priority and use no quota; they count against
    caps only where they live after the round.
    """

    enabled: bool = False
    move_penalty: Weight = Field(
        default=20,
        description="Quality units a move to another dwelling costs.",
    )
    school_change_penalty: Weight = Field(
        default=30,
        description="Extra cost of a move to another area (school) for a "
        "tenant with school-age children.",
    )
    exit_penalty: Weight = Field(
        default=10,
        description="Quality units a move out to the private market or "
        "ownership costs, against staying.",
    )


class Policy(StrictModel):
    """
    Every matching rule, with defaults documented in the README's rules
    table. Load from TOML with ``allocator.io.read_policy``.
    """

    name: Text = Field(default="default", max_length=100)
    description: Text = Field(default="", max_length=2000)
    objective: ObjectiveMode = ObjectiveMode.LEXICOGRAPHIC
    horizon_days: int = Field(
        default=30, ge=0, le=3650,
        description="Dwellings must be available within this many days.",
    )
    unknown_need: UnknownNeed = UnknownNeed.NO_NEED
    size: SizeNorm = SizeNorm()
    deadlines: Deadlines = Deadlines()
    priority: Priority = Priority()
    hard: HardRules = HardRules()
    shared: SharedHousing = SharedHousing()
    dispersion: Dispersion = Dispersion()
    services: Services = Services()
    weights: Weights = Weights()
    placement: PlacementPolicy = PlacementPolicy()
    decisions: DecisionRules = DecisionRules()
    affordability: Affordability = Affordability()
    moving: MovingOn = MovingOn()
    places: ServicePlaces = ServicePlaces()
    municipal: dict[Identifier, MunicipalPolicy] = Field(
        default_factory=dict,
        description="Municipality id -> its own rules for the pairs whose "
        "dwelling is in it (models.municipal). Default none.",
    )

    @field_serializer("municipal")
    def _municipal_set_fields(self, municipal):
        # Only what each municipality sets: a left-out field keeps the
        # national value, and TOML has no null.
        return {m: {"description": p.description, **p.changes()}
                    if p.description else p.changes()
                for m, p in sorted(municipal.items())}

    def for_municipality(self, municipality: str) -> "Policy":
        """
        The rules of the pairs whose dwelling is in ``municipality``: this
        policy with the municipality's own changes, if it has any.
        """
        local = self.municipal.get(municipality)
        if local is None:
            return self
        merged = self.model_dump()
        merged["municipal"] = {}
        for key, value in local.changes().items():
            if isinstance(value, dict):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        # Validated again: a changed field must still fit the national
        # rules it sits beside.
        return Policy.model_validate(merged)
