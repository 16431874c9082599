"""
The rolling horizon: matching rounds over a world, under one policy.

Each round the housing office sees the households waiting and the
dwellings free (or soon free); the engine proposes (or, for the baseline,
first come first served assigns), the independent checker verifies the
round's proposal, households accept or decline, declined pairs are banned
for a while, and accepted households leave the queue. Leases that end
(early, or at a term not renewed) send households back to the queue for
re-housing, and municipal dwellings they leave come back as vacancies.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from models import (
    Decision,
    DecisionKind,
    Dwelling,
    Household,
    Instance,
    Policy,
    QuotaDimension,
    SimulationParams,
    TravelTime,
)

from ..check import check_matches
from ..compile import compile_instance, quota_usage
from ..pipeline import propose_matches
from ..places import member_needs
from .national import NationalRoundError, round_matches, select_households
from .reservations import unreserved_without
from .world import (
    DAYS_PER_MONTH,
    DECLINE,
    EARLY_END,
    PRIVATE_MARKET,
    RENEWAL,
    RUN,
    World,
    add_months,
    initial_bans,
    key_of,
    keyed_rng,
    school_children,
)

FCFS = "fcfs"
"""Label of the baseline: first come, first served."""


class SimulationError(RuntimeError):
    """A round's proposal failed the independent checker."""


@dataclass
class Tenancy:
    """One household in one dwelling."""

    household: str
    dwelling: Dwelling
    start: date
    term: int = 0  # terms renewed so far


@dataclass
class HouseholdOutcome:
    """What happened to one household over the horizon."""

    first_settled: date | None = None
    first_dwelling: Dwelling | None = None
    shared: bool = False
    moves: int = 0
    school_changes: int = 0
    declines: int = 0
    rehousing_since: date | None = None
    forfeited: bool = False
    selected: str | None = None


@dataclass
class RoundRecord:
    """The queue and the pool at one round, and what the round did."""

    day: date
    waiting: int
    waiting_priority: int
    rehousing: int
    vacancies: int
    lapsed: int
    offers: int
    declined: int
    accepted: int


@dataclass
class RunState:
    """Everything that changes as the rounds go by."""

    queue: dict[str, Household] = field(default_factory=dict)
    pool: dict[str, Dwelling] = field(default_factory=dict)
    bans: dict[tuple[str, str], date] = field(default_factory=dict)
    offers: Counter = field(default_factory=Counter)
    area_refugees: Counter = field(default_factory=Counter)
    building_refugees: Counter = field(default_factory=Counter)
    quota_left: dict[str, dict] = field(default_factory=dict)
    homes: dict[str, Tenancy] = field(default_factory=dict)
    events: list = field(default_factory=list)
    outcomes: dict[str, HouseholdOutcome] = field(default_factory=dict)
    # National runs: today's practice's selections, household ->
    # (municipality, day), and whether places are used at selection.
    selected: dict[str, tuple[str, date]] = field(default_factory=dict)
    mode: str = ""
    # Rows of areas and buildings with a changed refugee count, by (kind, id,
    # count), reused from round to round.
    copies: dict[tuple[str, str, int], object] = field(default_factory=dict)
    # The next household and dwelling of the world not yet seen.
    next_household: int = 0
    next_dwelling: int = 0
    # What the rounds did, in order: the rounds, the placements
    # (household, dwelling, day), every offer (day, household, dwelling,
    # accepted), and the national rounds a time limit stopped.
    records: list[RoundRecord] = field(default_factory=list)
    placements: list[tuple[str, str, date]] = field(default_factory=list)
    offer_log: list[tuple[date, str, str, bool]] = field(
        default_factory=list
    )
    unproven: int = 0
    # Service places counted by the policy (models.places): what each
    # kind's settlers take, by (kind, area or municipality id), and what
    # each housed household holds.
    place_policy: Policy | None = None
    places_taken: Counter = field(default_factory=Counter)
    places_held: dict[str, dict] = field(default_factory=dict)


@dataclass(frozen=True)
class Run:
    """
    One policy over one world: per-household outcomes, per-round queue,
    area counts at the start and the end.
    """

    label: str
    seed: int
    variant: str
    outcomes: dict[str, HouseholdOutcome]
    rounds: tuple[RoundRecord, ...]
    area_start: dict[str, int]
    area_end: dict[str, int]
    quota_start: dict[str, dict]
    quota_used: dict[str, dict]
    placements: tuple[tuple[str, str, date], ...]
    offers: tuple[tuple[date, str, str, bool], ...] = ()
    mode: str = ""
    unproven: int = 0  # national rounds a time limit stopped


def run_seed(seed: int, label: str) -> int:
    """The engine's seed for one run, keyed by (seed, policy label) so
    that no result depends on which worker ran it or when."""
    return int(keyed_rng(seed, RUN, key_of(label)).integers(2**31 - 1))


def simulate_run(
    world: World,
    params: SimulationParams,
    policy: Policy,
    label: str,
    baseline: bool = False,
    variant: str = "",
    mode: str = "",
) -> Run:
    """
    Runs the rounds of one world under one policy.

    Parameters
    ----------
    world
        The world (arrivals and vacancies of one seed).
    params
        Declines, bans, lease ends and renewals.
    policy
        The matching rules. For the baseline, the hard rules, caps and
        quotas that first come, first served must respect.
    label
        The policy's label in the results.
    baseline
        First come, first served instead of the engine.
    variant
        Name of a rule switched off, for the price of a rule.
    mode
        A national mode (``today``, ``chained``, ``dwelling-first``; see
        ``national``), or empty for one housing office's rounds.

    Raises
    ------
    SimulationError
        When a round's proposal fails the independent checker.
    """
    state = _opening_state(world, policy, mode)
    quota_start = {m: dict(q) for m, q in state.quota_left.items()}
    area_start = dict(state.area_refugees)
    by_id = {h.id: h for h in world.households}
    inst = world.instance
    locks = [d for d in inst.decisions if d.kind == DecisionKind.LOCK]
    banned_forever = initial_bans(inst)
    engine_seed = run_seed(world.seed, label)

    year = 0
    for k, today in enumerate(world.rounds):
        if mode and (today - world.start).days // 365 > year:
            # Council decisions are yearly: a new year's places.
            year = (today - world.start).days // 365
            state.quota_left = {m: dict(q) for m, q in quota_start.items()}
        _due_events(world, params, state, today, by_id)
        _admit(world, state, today)
        record = _round_record(state, today, lapsed=_expire(state, today))
        state.records.append(record)
        if not state.queue or not state.pool:
            continue
        decisions = _decisions(state, banned_forever,
                               locks if k == 0 else ())
        matches = _round_offers(world, params, policy, state, today, k,
                                decisions, baseline, engine_seed)
        record.offers = len(matches)
        _answer_offers(world, params, state, today, matches, record)

    return Run(
        label=label,
        seed=world.seed,
        variant=variant,
        outcomes=state.outcomes,
        rounds=tuple(state.records),
        area_start=area_start,
        area_end=dict(state.area_refugees),
        quota_start=quota_start,
        quota_used=_quota_used(quota_start, state.quota_left),
        placements=tuple(state.placements),
        offers=tuple(state.offer_log),
        mode=mode,
        unproven=state.unproven,
    )


def _opening_state(world: World, policy: Policy, mode: str) -> RunState:
    """The state before the first round: the instance's refugee counts,
    council decisions and service places counted by the policy, and no
    outcome yet for anyone."""
    inst = world.instance
    state = RunState(mode=mode,
                     place_policy=policy if policy.places.on else None)
    state.area_refugees.update({a.id: a.refugee_households
                                for a in inst.areas})
    state.building_refugees.update({b.id: b.refugee_households
                                    for b in inst.buildings})
    state.quota_left = {m.id: {str(k): v for k, v in m.quotas.items()}
                        for m in inst.municipalities}
    for hid in (h.id for h in world.households):
        state.outcomes[hid] = HouseholdOutcome()
    return state


def _admit(world: World, state: RunState, today: date) -> None:
    """Households whose permit has come join the queue; dwellings the
    office has heard of by ``today`` join the pool unless already gone."""
    while (state.next_household < len(world.households)
           and world.joins[state.next_household] <= today):
        h = world.households[state.next_household]
        state.queue[h.id] = h
        state.next_household += 1
    while (state.next_dwelling < len(world.dwellings)
           and world.known[state.next_dwelling] <= today):
        d = world.dwellings[state.next_dwelling]
        if d.available_until is None or d.available_until >= today:
            state.pool[d.id] = d
        state.next_dwelling += 1


def _expire(state: RunState, today: date) -> int:
    """Drops the dwellings whose window has closed and the bans that have
    run out; the number of dwellings that lapsed unlet."""
    lapsed = [did for did, d in state.pool.items()
              if d.available_until is not None
              and d.available_until < today]
    for did in lapsed:
        del state.pool[did]
    for pair in [p for p, until in state.bans.items() if until < today]:
        del state.bans[pair]
    return len(lapsed)


def _round_record(state: RunState, today: date, lapsed: int
                  ) -> RoundRecord:
    """The queue and the pool as the round opens, before any offer."""
    return RoundRecord(
        day=today, waiting=len(state.queue),
        waiting_priority=sum(h.is_priority_group
                             for h in state.queue.values()),
        rehousing=sum(state.outcomes[h].first_settled is not None
                      for h in state.queue),
        vacancies=len(state.pool), lapsed=lapsed, offers=0,
        declined=0, accepted=0,
    )


def _quota_used(quota_start: dict[str, dict],
                quota_left: dict[str, dict]) -> dict[str, dict]:
    """Places used of the council decisions in force at the end."""
    return {
        m: {dim: quota_start[m][dim] - left for dim, left in q.items()}
        for m, q in quota_left.items()
    }


def _round_offers(world: World, params: SimulationParams, policy: Policy,
                  state: RunState, today: date, k: int, decisions: tuple,
                  baseline: bool, engine_seed: int
                  ) -> list[tuple[str, str, bool]]:
    """
    The round's offers: a national mode's (today's practice selects its
    households first; a round a time limit stopped is counted), or one
    housing office's.
    """
    if state.mode == "today":
        select_households(
            {h: x for h, x in state.queue.items()
             if state.outcomes[h].first_settled is None},
            state.selected, state.quota_left, today)
    instance = _round_instance(world, state, today, k, decisions, params)
    if not state.mode:
        return _round_matches(instance, policy, baseline, engine_seed)
    if not instance.households:
        return []
    try:
        matches, proven = round_matches(state.mode, instance, policy,
                                        engine_seed,
                                        params.round_time_limit)
    except NationalRoundError as exc:
        raise SimulationError(str(exc)) from exc
    state.unproven += not proven
    return matches


def _answer_offers(world: World, params: SimulationParams, state: RunState,
                   today: date, matches, record: RoundRecord) -> None:
    """
    Each household offered a dwelling declines (banned from it for a
    while, or, where declining forfeits, out of the queue) or accepts
    and moves in. A dwelling let leaves the pool.
    """
    taken = set()
    for hid, did, shared in sorted(matches):
        dwelling = state.pool[did]
        n = state.offers[(hid, did)]
        state.offers[(hid, did)] += 1
        declines = keyed_rng(world.seed, DECLINE, key_of(hid),
                             key_of(did), n).random()
        state.offer_log.append((today, hid, did,
                                declines >= params.decline_probability))
        if declines < params.decline_probability:
            record.declined += 1
            state.outcomes[hid].declines += 1
            state.bans[(hid, did)] = today + timedelta(
                days=params.ban_days
            )
            if (params.decline_forfeits
                    and state.outcomes[hid].first_settled is None):
                # The household loses its right to the
                # municipality's help with housing (DOMAIN.md 1.7).
                state.queue.pop(hid)
                state.outcomes[hid].forfeited = True
            continue
        record.accepted += 1
        household = state.queue.pop(hid)
        settled = max(today, dwelling.available_from)
        _move_in(world, params, state, household, dwelling, shared,
                 settled)
        state.placements.append((hid, did, settled))
        taken.add(did)
    # A shared dwelling leaves the pool with its first tenant: its
    # other rooms would need the co-residents' consent to be offered.
    for did in taken:
        del state.pool[did]


def _round_matches(instance: Instance, policy: Policy, baseline: bool,
                   engine_seed: int) -> list[tuple[str, str, bool]]:
    """The round's matches, verified by the independent checker."""
    if baseline:
        from ..baseline import first_come_first_served

        data = compile_instance(instance, policy)
        assignment, room = first_come_first_served(instance, data)
        matches = [
            (data.household_ids[h], data.dwelling_ids[int(d)], bool(room[h]))
            for h, d in enumerate(assignment.tolist()) if d >= 0
        ]
        report = check_matches(instance, policy, matches)
    else:
        outcome = propose_matches(instance, policy, seed=engine_seed)
        matches, report = outcome.matches, outcome.check
    if not report.ok:
        raise SimulationError(
            f"round {instance.name}: the independent checker rejected the "
            f"proposal: {report.violations[0]}"
        )
    return matches


def _decisions(state: RunState, banned_forever, locks) -> tuple:
    out = []
    for hid, did in sorted(set(state.bans) | banned_forever):
        if hid in state.queue and did in state.pool:
            out.append(Decision(household=hid, dwelling=did,
                                kind=DecisionKind.BAN,
                                note="declined offer"))
    banned = {(d.household, d.dwelling) for d in out}
    for lock in locks:
        if (lock.household in state.queue and lock.dwelling in state.pool
                and (lock.household, lock.dwelling) not in banned):
            out.append(lock)
    return tuple(out)


def _round_instance(world: World, state: RunState, today: date, k: int,
                    decisions, params: SimulationParams | None = None
                    ) -> Instance:
    """The instance the housing office solves at one round (a national
    run: IMDi and the municipalities)."""
    inst = world.instance
    # An area or building with the same refugee count as in an earlier
    # round is the same (immutable) row: reused, not copied again.
    copies = state.copies

    def with_refugees(kind, row, refugees, size_field):
        if refugees == row.refugee_households:
            return row
        key = (kind, row.id, refugees)
        if key not in copies:
            copies[key] = row.model_copy(update={
                "refugee_households": refugees,
                size_field: max(getattr(row, size_field), refugees),
            })
        return copies[key]

    areas = [with_refugees("area", a, state.area_refugees[a.id],
                           "resident_households") for a in inst.areas]
    buildings = [with_refugees("building", b, state.building_refugees[b.id],
                               "units") for b in inst.buildings]
    municipalities = [
        m.model_copy(update={"quotas": {
            QuotaDimension(dim): max(0, left)
            for dim, left in state.quota_left[m.id].items()
        }})
        if m.quotas else m
        for m in inst.municipalities
    ]
    if state.places_taken:
        areas, municipalities = _places_left(state, areas, municipalities)
    dwellings = sorted(state.pool.values(), key=lambda d: d.id)
    pool_ids = {d.id for d in dwellings}
    travel = _travel_times(world, pool_ids)
    households = [
        h if h.current_dwelling is None or h.current_dwelling in pool_ids
        else h.model_copy(update={"current_dwelling": None,
                                  "moving_on": False})
        for h in sorted(state.queue.values(), key=lambda h: h.id)
    ]
    extra = {}
    if state.mode:
        households = _national_households(state, households, today, params)
        ids = {h.id for h in households}
        decisions = tuple(d for d in decisions if d.household in ids)
        extra = dict(
            municipality_services=inst.municipality_services,
            compatibility=tuple(c for c in inst.compatibility
                                if c.household in ids),
            pair_scores=tuple(p for p in inst.pair_scores
                              if p.household in ids),
        )
    dwellings = unreserved_without(dwellings, {h.id for h in households})
    return Instance(**extra,
        name=f"{inst.name[:80]}-round{k + 1}",
        as_of=today,
        municipalities=tuple(municipalities),
        areas=tuple(areas),
        buildings=tuple(buildings),
        area_nationalities=inst.area_nationalities,
        nodes=inst.nodes,
        edges=inst.edges,
        sites=inst.sites,
        travel_times=travel,
        dwellings=tuple(dwellings),
        households=tuple(households),
        decisions=decisions,
    )


def _places_left(state: RunState, areas, municipalities):
    """Areas and municipalities with the service places earlier rounds'
    settlers hold taken out of their free places."""
    taken = state.places_taken

    def left(row, kind, free):
        if free is None:
            return None
        return max(0, free - taken[kind, row.id])

    areas = [
        a.model_copy(update={
            "school_places": left(a, "school", a.school_places),
            "kindergarten_places": left(a, "kindergarten",
                                        a.kindergarten_places),
        }) if taken["school", a.id] or taken["kindergarten", a.id] else a
        for a in areas
    ]
    municipalities = [
        m.model_copy(update={"introduction_places": left(
            m, "introduction", m.introduction_places)})
        if taken["introduction", m.id] else m
        for m in municipalities
    ]
    return areas, municipalities


def _national_households(state: RunState, households: list, today: date,
                         params: SimulationParams | None) -> list:
    """
    Who a national round may match: a household being re-housed stays in
    the municipality it lives in; under today's practice a first
    settlement only once IMDi has selected it and its municipality has
    searched ``search_days``, assigned to that municipality.
    """
    search = timedelta(days=params.search_days if params else 0)
    out = []
    for h in households:
        home = state.homes.get(h.id)
        if home is not None:
            m = home.dwelling.municipality
        elif state.mode == "today":
            chosen = state.selected.get(h.id)
            if chosen is None or chosen[1] + search > today:
                continue
            m = chosen[0]
        else:
            out.append(h)
            continue
        out.append(h if h.assigned_municipality == m
                   else h.model_copy(update={"assigned_municipality": m}))
    return out


def _travel_times(world: World, pool_ids: set[str]) -> tuple:
    """Precomputed travel times of the dwellings in the pool; a vacancy
    copied from a dwelling takes its template's minutes."""
    table = world.instance.travel_times
    if not table:
        return ()
    by_dwelling: dict[str, list[TravelTime]] = {}
    for t in table:
        by_dwelling.setdefault(t.dwelling, []).append(t)
    out = []
    for did in sorted(pool_ids):
        template = world.templates.get(did, did)
        for t in by_dwelling.get(template, ()):
            out.append(t.model_copy(update={"dwelling": did}))
    return tuple(out)


def _move_in(world: World, params: SimulationParams, state: RunState,
             household: Household, dwelling: Dwelling, shared: bool,
             settled: date) -> None:
    """A household accepts: counts, moves, school changes, its lease."""
    outcome = state.outcomes[household.id]
    new_school = world.school_of(dwelling)
    children = school_children(household)
    old = state.homes.get(household.id)
    if old is not None:
        outcome.moves += 1
        _move_out(state, household.id, old.dwelling)
        outcome.rehousing_since = None
    else:
        outcome.first_settled = settled
        outcome.first_dwelling = dwelling
        outcome.shared = shared
        # Quotas count first settlements: a re-housing stays in the
        # municipality it was settled in. Today's practice used the
        # places when IMDi selected the household.
        m = dwelling.municipality
        if state.mode == "today":
            chosen = state.selected.pop(household.id, (None, None))[0]
            if chosen != m:
                raise SimulationError(
                    f"{household.id} was selected for {chosen} but housed "
                    f"in {m}: outside a council decision."
                )
            outcome.selected = chosen
        else:
            for dim in list(state.quota_left.get(m, {})):
                state.quota_left[m][dim] -= quota_usage(household, dim)
    if (children and household.current_school is not None
            and new_school is not None
            and new_school != household.current_school):
        outcome.school_changes += children
    state.area_refugees[dwelling.area] += 1
    if dwelling.building is not None:
        state.building_refugees[dwelling.building] += 1
    if state.place_policy is not None:
        held = {
            (kind, dwelling.municipality if kind == "introduction"
             else dwelling.area): n
            for kind, n in member_needs(household, state.place_policy).items()
            if n
        }
        state.places_taken.update(held)
        state.places_held[household.id] = held
    state.homes[household.id] = Tenancy(household.id, dwelling, settled)
    _schedule(world, params, state, household.id, dwelling, settled, 0)


def _move_out(state: RunState, hid: str, dwelling: Dwelling) -> None:
    state.area_refugees[dwelling.area] -= 1
    if dwelling.building is not None:
        state.building_refugees[dwelling.building] -= 1
    state.places_taken.subtract(state.places_held.pop(hid, {}))
    state.homes.pop(hid, None)


def _schedule(world: World, params: SimulationParams, state: RunState,
              hid: str, dwelling: Dwelling, start: date, term: int) -> None:
    """The next event of a tenancy: an early end, or its term."""
    horizon = world.end
    term_end = None
    if dwelling.lease_months is not None:
        term_end = add_months(start, dwelling.lease_months)
    early = None
    if dwelling.tenure in PRIVATE_MARKET and params.early_end_per_month > 0:
        rng = keyed_rng(world.seed, EARLY_END, key_of(hid),
                        key_of(dwelling.id), term)
        months = rng.geometric(params.early_end_per_month)
        early = start + timedelta(
            days=int(math.floor((months - rng.random()) * DAYS_PER_MONTH))
        )
    notice = timedelta(days=params.notice_days)
    if early is not None and (term_end is None or early < term_end):
        if early - notice < horizon:
            heapq.heappush(state.events, (max(early - notice, start),
                                          "rehouse", hid, dwelling.id, term))
    elif term_end is not None and term_end - notice < horizon:
        heapq.heappush(state.events, (max(term_end - notice, start),
                                      "term", hid, dwelling.id, term))


def _due_events(world: World, params: SimulationParams, state: RunState,
                today: date, by_id: dict[str, Household]) -> None:
    """Lease ends and terms due by ``today``."""
    while state.events and state.events[0][0] <= today:
        day, kind, hid, did, term = heapq.heappop(state.events)
        home = state.homes.get(hid)
        if home is None or home.dwelling.id != did:
            continue  # moved since
        if kind == "term":
            renewed = keyed_rng(world.seed, RENEWAL, key_of(hid),
                                key_of(did), term).random()
            if renewed < params.renewal_probability:
                start = add_months(home.start, home.dwelling.lease_months)
                home.start, home.term = start, term + 1
                _schedule(world, params, state, hid, home.dwelling, start,
                          term + 1)
                continue
            if home.dwelling.tenure not in PRIVATE_MARKET:
                # The household moves on (a private let or its own home);
                # the municipal dwelling comes back as a vacancy.
                _move_out(state, hid, home.dwelling)
                opens = day + timedelta(days=params.notice_days)
                again = home.dwelling.model_copy(update={
                    "available_from": opens,
                    "available_until": None if params.vacancy_days is None
                    else opens + timedelta(days=params.vacancy_days),
                })
                state.pool[did] = again
                continue
        _requeue(world, state, by_id[hid], home.dwelling, day)


def _requeue(world: World, state: RunState, household: Household,
             dwelling: Dwelling, day: date) -> None:
    """A household whose lease ends waits to be re-housed; its children
    go to the school of the dwelling it leaves."""
    school = world.school_of(dwelling) if school_children(household) \
        else None
    state.queue[household.id] = household.model_copy(
        update={"current_school": school}
    )
    state.outcomes[household.id].rehousing_since = day


__all__ = [
    "FCFS",
    "HouseholdOutcome",
    "RoundRecord",
    "Run",
    "SimulationError",
    "simulate_run",
]
