"""Parameters of the policy lab: months of arrivals and vacancies."""

from enum import StrEnum

from pydantic import Field, PositiveInt, field_validator

from ._base import StrictModel
from .household import HouseholdType
from .policy import Deadlines
from .problems import _


class RoundKind(StrEnum):
    """How often the housing office runs a matching round."""

    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY = "monthly"


class SimulationParams(StrictModel):
    """
    A rolling horizon of arrivals, vacancies and matching rounds.

    Every default is documented with its source in ``docs/indicators.md``
    (section "The simulated world"); ``None`` means "calibrated from the
    instance" as described there.

    Parameters
    ----------
    months
        Months simulated from the instance's ``as_of`` date. Default 12.
    round
        ``weekly``, ``biweekly`` or ``monthly`` matching rounds. Default
        ``weekly``.
    seeds
        Independent worlds (seeds 0 to ``seeds - 1``); every policy meets
        the same worlds. Default 5.
    arrivals_per_month
        Households granted residence per month (a Poisson process).
        ``None``: the instance's waiting households divided by the mean
        wait of 2009-2014, 6.75 months (Little's law on DOMAIN.md 1.5,
        Table 2.2).
    household_mix
        Shares of arriving household types, by ``HouseholdType`` value.
        ``None``: the generator's calibrated mix (70 % single adults,
        DOMAIN.md 1.5).
    vacancies_per_month
        Dwellings freed per month by tenancy turnover and new leases (a
        Poisson process). ``None``: ``vacancies_per_arrival`` times the
        arrival rate.
    vacancies_per_arrival
        Vacancies per arriving household when ``vacancies_per_month`` is
        ``None``. Default 1.0: as many dwellings free up as households
        arrive; fewer of them fit, which is what makes the queue.
    notice_days
        A vacancy is known up to this many days before it is free (notice
        of a tenancy's end, a lease signed ahead). Default 30.
    vacancy_days
        When set, a dwelling not let within this many days of becoming
        free goes to other applicants or back to its landlord, besides the
        end of its own window. Default ``None``: each dwelling keeps its
        own window (``available_until``), and a vacancy copies the window
        of the dwelling it is drawn from.
    decline_probability
        Chance that a household declines an offer. Default 0.05.
    ban_days
        A declined pair is banned for this many days. Default 90.
    early_end_per_month
        Monthly chance that a privately held lease (private lease, sublet,
        guaranteed private, self-found) ends before its term; the household
        must be re-housed. Default 0.02.
    renewal_probability
        Chance that a lease reaching its term is renewed. Default 0.7.
    search_days
        National runs, today's practice: days a municipality takes to find
        a dwelling for a household IMDi selected for it, before it can
        offer one. Default 30 (**a guess**: the reports give no figure for
        this phase alone; the whole wait from permit to settlement was 5.3
        to 8.3 months in 2009-2014, DOMAIN.md 1.3 phase 4 and 1.5).
    decline_forfeits
        Whether a household that declines an offer loses its right to the
        municipality's help with housing and leaves the queue unsettled
        (DOMAIN.md 1.7, [001 ch.2 fn.7]). Default false: the declined pair
        is banned for ``ban_days`` and the household keeps waiting.
    round_time_limit
        Seconds each round's solves may take (national runs); ``None``: no
        limit. A round stopped by its limit depends on the machine's load,
        so only runs whose solves finish within it repeat exactly.
    deadlines
        Settlement targets that the indicators count against: IMDi's 3
        months for families with children and unaccompanied minors, 6 (at
        most 12) for others (DOMAIN.md 1.4). Fixed across policies so that
        every policy is judged by the same yardstick.
    """

    months: PositiveInt = Field(default=12, le=120)
    round: RoundKind = RoundKind.WEEKLY
    seeds: PositiveInt = Field(default=5, le=1000)
    arrivals_per_month: float | None = Field(default=None, ge=0, le=100_000)
    household_mix: dict[HouseholdType, float] | None = None
    vacancies_per_month: float | None = Field(default=None, ge=0,
                                              le=100_000)
    vacancies_per_arrival: float = Field(default=1.0, ge=0, le=100)
    notice_days: int = Field(default=30, ge=0, le=365)
    vacancy_days: int | None = Field(default=None, ge=1, le=3650)
    decline_probability: float = Field(default=0.05, ge=0, le=1)
    ban_days: int = Field(default=90, ge=0, le=3650)
    early_end_per_month: float = Field(default=0.02, ge=0, le=1)
    renewal_probability: float = Field(default=0.7, ge=0, le=1)
    search_days: int = Field(default=30, ge=0, le=3650)
    decline_forfeits: bool = False
    round_time_limit: float | None = Field(default=None, gt=0, le=86_400)
    deadlines: Deadlines = Deadlines()

    @field_validator("household_mix")
    @classmethod
    def _positive_mix(cls, mix):
        if mix is None:
            return mix
        if any(share < 0 for share in mix.values()):
            raise ValueError(_("household_mix shares must be >= 0."))
        if sum(mix.values()) <= 0:
            raise ValueError(
                _("household_mix must have a positive share."))
        return mix
