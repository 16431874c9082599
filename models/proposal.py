"""The engine's output: a proposal with scores, reasons and provenance."""

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field, model_validator

from ._base import Identifier, StrictModel

SCHEMA_VERSION = "2"
"""Version of the proposal format. 2: the seconds moved from ``solver`` to
the run log (``RunLog``, ``run.json``); version 1 files still read."""


class Status(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


class Match(StrictModel):
    """
    One proposed household-dwelling pair.

    Parameters
    ----------
    scores
        Per-criterion score contributions (already weighted), by criterion.
    quality
        Sum of ``scores``.
    priority
        The household's priority points.
    rank
        Rank of this dwelling among the household's eligible ones by pair
        quality (1 is best).
    eligible
        Number of dwellings eligible for the household.
    shared
        Whether the household takes one room in a shared dwelling.
    locked
        Whether the housing office locked this pair.
    """

    household: Identifier
    dwelling: Identifier
    priority: int
    quality: int
    scores: dict[str, int]
    rank: int = Field(ge=1)
    eligible: int = Field(ge=1)
    shared: bool = False
    locked: bool = False
    waited_days: int = 0
    within_deadline: bool = True
    decision: str = ""
    """What made this pair a lock: ``offer`` (open offer), ``accept``,
    ``lock``, ``override`` (from the decision log) or ``table`` (the
    instance's decisions table); blank when the engine chose it."""
    override_rule: str | None = None
    """For an override: the hard rule this match breaks on purpose."""
    kept: bool | None = None
    """With a previous proposal: whether this household had this dwelling
    there too; ``None`` when there was no previous proposal."""
    alternative: "Alternative | None" = None
    """The nearest alternative and what it would have cost; ``None`` when
    not computed (a lock, the only eligible dwelling, an older
    proposal)."""
    not_judged: tuple[str, ...] = ()
    """Rules switched on that did not apply to this household for lack of
    data: ``affordability`` when its income is unknown."""


class Alternative(StrictModel):
    """
    A matched household's nearest alternative: its best eligible dwelling
    other than the one proposed, and what taking it would have cost.

    Parameters
    ----------
    dwelling
        The alternative dwelling.
    quality
        The household's quality there (the sum of its criterion scores).
    cost
        The proposed match's quality less ``quality``: what the household
        would have lost there (negative: it would have gained, and the
        dwelling went elsewhere for the round's sake).
    held_by, held_by_priority, held_by_quality
        Who has the dwelling in the proposal, with its priority and its
        quality there (what it would give up); ``None`` when the dwelling
        stays empty.
    """

    dwelling: Identifier
    quality: int
    cost: int
    held_by: Identifier | None = None
    held_by_priority: int | None = None
    held_by_quality: int | None = None
    message: str = ""


class Competitor(StrictModel):
    household: Identifier
    dwelling: Identifier
    priority: int


class QueuePlace(StrictModel):
    """
    A waiting household's place in the queue for one dwelling it could
    take.

    Parameters
    ----------
    dwelling
        One of its eligible dwellings (its best by quality come first).
    place
        1 plus the number of other households, not locked elsewhere, for
        which the dwelling is eligible too and which have more priority
        points. Caps and quotas are not counted in it: a place is not a
        promise; ``blocked_by`` names those that keep the household out.
    eligible
        Households (not locked elsewhere) for which the dwelling is
        eligible, this one included.
    held_by, held_by_priority
        Who has the dwelling in the proposal; ``None`` when it stays empty.
    why
        Why the holder comes first, or why the dwelling stays empty:
        ``higher_priority``, ``equal_priority`` (the round's quality
        decides), ``rules`` (housing this household instead would break a
        cap or quota, or lower the objective), ``locked`` (the office
        locked the holder there), ``empty`` (a cap or quota is full) or
        ``cap`` (the holder has no more priority, and housing this
        household there instead would exceed a full cap or quota: it
        decides, not the queue).
    blocked_by
        The full caps and quotas (``building_cap``, ``area_cap``,
        ``quota_<dimension>``) that housing this household there instead
        of the holder would exceed; empty when none would.
    """

    dwelling: Identifier
    place: int = Field(ge=1)
    eligible: int = Field(ge=1)
    held_by: Identifier | None = None
    held_by_priority: int | None = None
    why: str
    message: str = ""
    blocked_by: tuple[str, ...] = ()


class Declined(StrictModel):
    """
    One offer a household declined, from the decision log. The officer's
    note is left out: it may hold what no explanation should name.

    Parameters
    ----------
    counted
        Whether the decline counts towards parking or holding the
        household (reasons in ``uncounted_reasons`` do not).
    """

    dwelling: Identifier
    date: date
    reason: str
    counted: bool = True


class SmallestChange(StrictModel):
    """
    For a household no dwelling is eligible for: one change, to one rule,
    that would make at least one dwelling eligible.

    Parameters
    ----------
    rule
        The rule it changes (as in ``RULES``: ``availability``,
        ``size_too_small``, ``size_too_large`` or ``bedrooms``, ...).
        ``bedrooms`` means no dwelling has a bedroom count the size norm
        allows, and names the count needed.
    dwellings
        Dwellings the change would make eligible (0 for ``bedrooms``:
        the change is a dwelling the stock does not have).
    horizon_days
        For ``availability``: the least planning horizon that would
        include a dwelling.
    bedrooms
        For ``bedrooms`` and the size rules: the bedroom count needed.
    first_date
        For ``availability``: the first date a fitting dwelling is free.
    """

    rule: str
    dwellings: int = 0
    horizon_days: int | None = None
    bedrooms: int | None = None
    first_date: date | None = None
    message: str


class UnmatchedReason(StrEnum):
    NO_ELIGIBLE_DWELLING = "no_eligible_dwelling"
    OUTCOMPETED = "outcompeted"
    CAPACITY = "capacity"
    LOCK_CONFLICT = "lock_conflict"
    PARKED = "parked"
    """Parked by the office (or after a decline) until a date."""
    HELD = "held"
    """Held after too many declines until an officer lifts it."""


class Unmatched(StrictModel):
    """
    A household left waiting, and why.

    Parameters
    ----------
    reason
        ``no_eligible_dwelling`` (counted exactly before solving),
        ``outcompeted`` (its eligible dwellings went to others) or
        ``capacity`` (a cap or quota left eligible dwellings empty) or
        ``lock_conflict`` (the housing office's locks cannot all hold, so
        no proposal was made; see ``Proposal.conflicts``).
    excluded_by
        For ``no_eligible_dwelling``: how many dwellings each rule rules
        out on its own for this household.
    competitors
        For ``outcompeted``: who got its eligible dwellings.
    queue
        Its place in the queue for its best eligible dwellings (at most
        a few), who holds each and why the holder comes first; empty when
        not computed (no eligible dwelling, an older proposal).
    next_free
        The first date a dwelling that fits it (passes every rule but the
        planning horizon) becomes free after the horizon; ``None`` when
        there is none or it was not computed.
    declines
        The offers it declined, from the decision log, oldest first.
    smallest_change
        For ``no_eligible_dwelling``: the smallest changes, one rule each,
        that would make a dwelling eligible; empty when not computed.
    """

    household: Identifier
    priority: int
    reason: UnmatchedReason
    message: str
    excluded_by: dict[str, int] = Field(default_factory=dict)
    competitors: tuple[Competitor, ...] = ()
    waited_days: int = 0
    queue: tuple[QueuePlace, ...] = ()
    next_free: date | None = None
    declines: tuple[Declined, ...] = ()
    not_judged: tuple[str, ...] = ()
    """Rules switched on that did not apply to this household for lack of
    data: ``affordability`` when its income is unknown."""
    smallest_change: tuple[SmallestChange, ...] = ()


class ChangeReason(StrEnum):
    """Why a previous match was not kept."""

    MORE_PRIORITY = "more_priority"
    """Changing it lets the round house more priority points."""
    NOT_ELIGIBLE = "not_eligible"
    """The pair is no longer eligible (a hard rule, a ban or a decline;
    the household or dwelling is gone)."""
    PARKED = "parked"
    """The household is parked or held."""
    LOCKED_ELSEWHERE = "locked_elsewhere"
    """A lock gives the household or the dwelling to another pair."""
    QUALITY = "quality"
    """Only in the weighted variant: better quality outweighed keeping."""


class Change(StrictModel):
    """
    A previous match the re-solve did not keep.

    Parameters
    ----------
    household, previous
        The household and the dwelling it had in the previous proposal.
    now
        Its dwelling now, ``None`` when it waits.
    reason
        Why (``ChangeReason``), and ``message`` in plain words.
    """

    household: Identifier
    previous: Identifier
    now: Identifier | None = None
    reason: ChangeReason
    message: str


class SetAsideLock(StrictModel):
    """
    A lock that could not hold beside the others, set aside so that the
    rest of the round could be solved.

    Parameters
    ----------
    decision
        Where the lock came from (``offer``, ``accept``, ``lock``,
        ``override``, ``table``).
    rule
        The rule it broke; ``message`` says how, in plain words.
    """

    household: Identifier
    dwelling: Identifier
    decision: str
    rule: str
    message: str


class Override(StrictModel):
    """A lock that breaks a named hard rule on purpose, with its reason."""

    household: Identifier
    dwelling: Identifier
    rule: str
    reason: str = Field(min_length=1)
    officer: Identifier
    date: date
    message: str = ""


class Binding(StrictModel):
    """
    A cap or quota that is full, with its marginal value.

    ``marginal_housed`` and ``marginal_objective``: what one more place
    would give (households housed, objective), found by re-solving.
    """

    rule: str
    subject: str
    used: int
    limit: int
    marginal_housed: int | None = None
    marginal_objective: int | None = None
    message: str = ""


class Objective(StrictModel):
    """
    Objective value. In lexicographic mode ``value`` combines the two parts
    as ``primary * scale + secondary`` so a single number orders proposals.
    """

    mode: str
    value: int
    primary: int
    secondary: int
    scale: int
    bound: int | None = None
    gap: float | None = None
    primary_bound: int | None = None
    """In lexicographic mode, a bound on ``primary`` alone (the priority
    that can be housed), when the engine has one."""
    kept: int | None = None
    """With a previous proposal: its matches this proposal keeps."""
    keep_bonus: int = 0
    """Objective units of each kept match: ``value`` is ``primary * scale
    + kept * keep_bonus + secondary`` (lexicographic; ``primary *
    weights.housed + ...`` in weighted mode)."""


class SolverStats(StrictModel):
    """
    How the proposal was solved: engine, proof and settings.

    Seconds are not here: they differ from run to run, and a proposal
    depends only on its input, policy, seed and engine settings (apart
    from ``Provenance.created_at``). They go to the run log, ``RunLog``.
    """

    engine: str
    status: Status
    proven_optimal: bool
    num_households: int
    num_dwellings: int
    num_pairs: int
    workers: int = 1
    seed: int = 0
    time_limit: float | None = None
    time_limit_default: bool = False
    """Whether ``time_limit`` is the command's default (no limit was
    given: ``allocator solve`` runs at most ten minutes)."""
    detail: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _drop_version_1_seconds(cls, data):
        # Proposals of format 1 carried the seconds here; they still read.
        if isinstance(data, dict) and (
            "build_seconds" in data or "solve_seconds" in data
        ):
            data = {k: v for k, v in data.items()
                    if k not in ("build_seconds", "solve_seconds")}
        return data


class Provenance(StrictModel):
    instance_name: str
    instance_sha256: str
    as_of: date
    policy_name: str
    policy_sha256: str
    versions: dict[str, str]
    git_revision: str = ""
    created_at: datetime


class Move(StrictModel):
    """
    One step of a chain of moves (policy ``moving``): ``household``
    leaves ``moved_from`` (blank: a waiting household, housed by the
    chain) for ``moved_to`` (blank: out to the private market or
    ownership). Steps of one chain share ``chain`` and are numbered from
    0: the household that takes a tenant's dwelling comes first, then
    each tenant in turn to where it goes.
    """

    chain: int = Field(ge=0)
    step: int = Field(ge=0)
    household: Identifier
    moved_from: Identifier | None = None
    moved_to: Identifier | None = None
    score: int | None = None
    """The tenant's ``moving`` score (None for a waiting household)."""


class Kpis(StrictModel):
    households: int
    dwellings: int
    housed: int
    housed_within_deadline: int
    housed_priority_group: int
    priority_group: int
    crowded: int
    mean_surplus_bedrooms: float
    shared: int
    by_type: dict[str, tuple[int, int]] = Field(
        default_factory=dict,
        description="Household type -> (housed, total).",
    )
    by_tenure: dict[str, int] = Field(default_factory=dict)
    area_refugee_share_after: dict[str, float] = Field(default_factory=dict)


class ProposalWarning(StrictModel):
    """
    Something in the input that the proposal silently loses, said aloud:
    data present but not used, or missing data scored as nothing.

    Parameters
    ----------
    code
        ``no_travel_data``, ``pair_scores_ignored``,
        ``compatibility_only_allowed``, ``stale_as_of`` or
        ``service_places_ignored``.
    message
        The warning in English.
    values
        The figures in the message, for other languages.
    """

    code: str
    message: str
    values: dict[str, int | str] = Field(default_factory=dict)


class Proposal(StrictModel):
    """The whole output of one solve."""

    schema_version: str = SCHEMA_VERSION
    status: Status
    objective: Objective | None
    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]
    binding: tuple[Binding, ...] = ()
    conflicts: tuple[str, ...] = ()
    set_aside: tuple[SetAsideLock, ...] = ()
    """Locks set aside because they could not all hold; the rest of the
    round is solved without them."""
    overrides: tuple[Override, ...] = ()
    """Matches that break a named hard rule on purpose, with reasons."""
    previous_created_at: datetime | None = None
    """With a previous proposal: when it was made."""
    changes: tuple[Change, ...] = ()
    """With a previous proposal: its matches not kept, and why."""
    kpis: Kpis | None = None
    solver: SolverStats
    provenance: Provenance
    warnings: tuple[ProposalWarning, ...] = ()
    moves: tuple[Move, ...] = ()
    """Chains of moves of sitting tenants moving on (policy ``moving``);
    empty without them."""


class RunLog(StrictModel):
    """
    How one run went, written beside the proposal as ``run.json``.

    What differs between two runs of the same input, policy, seed and
    engine settings lives here, not in the proposal: seconds by stage, and
    whether Ctrl-C stopped the solve.

    Parameters
    ----------
    created_at
        The proposal's ``Provenance.created_at``.
    stopped
        Whether Ctrl-C stopped the solve early; the proposal is then the
        best found so far, with its bound and gap (``feasible`` unless
        that bound proves it optimal).
    seconds
        Wall-clock seconds by stage: ``read``, ``compile``, ``solve``
        (everything the engine did), ``explain`` (with the marginal-value
        re-solves), ``check`` (what the command waited for: the matches
        are checked in a forked child while it explains, where the
        platform forks), ``write`` and ``total``; the engine's own
        split of its solve, ``engine_build`` and ``engine_solve``; and any
        ``..._seconds`` the engine adds to its detail (``pricing``).
    """

    schema_version: str = SCHEMA_VERSION
    created_at: datetime
    status: Status
    engine: str
    time_limit: float | None = None
    time_limit_default: bool = False
    """Whether the limit was the command's default (none was given)."""
    limit_stopped: bool = False
    """Whether the time limit ended the solve before it proved its
    proposal optimal."""
    stopped: bool = False
    seconds: dict[str, float] = Field(default_factory=dict)
