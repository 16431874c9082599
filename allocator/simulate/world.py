"""
The simulated world: who arrives when, which dwellings free up when.

A world is drawn once per seed from the instance and the simulation
parameters, and every policy meets the same world (common random numbers):
the comparison between policies is then not blurred by luck. Random draws
that depend on what a policy did (a declined offer, a lease that ends
early) are keyed by the seed and the ids involved, so the same offer gets
the same answer under every policy.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

import networkx as nx
import numpy as np

from models import (
    DAYS_PER_MONTH,
    ADULT_AGE,
    SCHOOL_AGE,
    DecisionKind,
    Dwelling,
    Household,
    HouseholdType,
    Instance,
    RoundKind,
    ServiceKind,
    SimulationParams,
)

from ..generate import _calibration as cal
from ..generate._households import _household
from ..i18n import _
from ..proximity import travel_graph

MEAN_WAIT_MONTHS = (5.3 + 5.7 + 6.5 + 6.7 + 8.0 + 8.3) / 6
"""
Mean months from the residence permit to settlement, 2009-2014 (Table 2.2:
5,3 5,7 6,5 6,7 8 8,3) [000 §2.1; DOMAIN.md 1.5]. By Little's law the
households waiting equal the arrival rate times the mean wait, so the
default arrival rate is the instance's waiting households divided by it.
"""

HOUSEHOLD_MIX = {HouseholdType(kind): share
                 for kind, share in cal.HOUSEHOLD_MIX.items()}
"""Arriving household types: the generator's calibrated mix ("Rundt 70
prosent av flyktningene som ankommer, er enslige") [000 §2.4]."""

PRIVATE_MARKET = frozenset(
    {"private_lease", "sublet", "guaranteed_private", "self_found"}
)
"""Tenures held from a private landlord: such leases can end early
("kan sies opp på relativt kort varsel") [000 §3.2; DOMAIN.md D9, R10]."""

# Spawn keys of the random streams.
_ARRIVAL_TIMES, _ARRIVAL, _VACANCY_TIMES, _VACANCY = range(4)
DECLINE, EARLY_END, RENEWAL, RUN = range(10, 14)


def key_of(text: str) -> int:
    """A stable 32-bit key of an id (Python's own hash varies by process)."""
    return zlib.crc32(text.encode())


def keyed_rng(seed: int, *key: int) -> np.random.Generator:
    """A random stream fixed by the seed and the key alone."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (clipped to the end
    of a shorter month)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def months_days(months: float) -> int:
    """Whole days in ``months`` months, as deadlines are counted."""
    return int(round(months * DAYS_PER_MONTH))


def round_dates(start: date, end: date, kind: RoundKind) -> tuple[date, ...]:
    """Matching rounds from ``start`` (inclusive) to ``end`` (exclusive)."""
    out = []
    k = 0
    while True:
        if kind == RoundKind.MONTHLY:
            day = add_months(start, k)
        else:
            step = 7 if kind == RoundKind.WEEKLY else 14
            day = start + timedelta(days=step * k)
        if day >= end:
            return tuple(out)
        out.append(day)
        k += 1


def deadline_of(household: Household, params: SimulationParams) -> int:
    """Days to the settlement target: 3 months for families with children
    and unaccompanied minors, 6 for others (IMDi) [000 §2.1]."""
    months = (params.deadlines.priority_months
              if household.is_priority_group
              else params.deadlines.standard_months)
    return months_days(months)


def school_children(household: Household) -> int:
    """Members of school age (6-17)."""
    return sum(SCHOOL_AGE <= m.age < ADULT_AGE for m in household.members)


@dataclass(frozen=True)
class World:
    """
    One seed's world: the households and dwellings of the whole horizon.

    Parameters
    ----------
    instance
        The instance the world starts from (its households are the backlog
        at the start, its dwellings the first vacancies).
    seed
        The world's seed.
    start, end
        First day, and the day after the last.
    rounds
        Dates of the matching rounds.
    households
        The backlog, then every arrival in order of its permit.
    joins
        When each household joins the queue: the start for the backlog,
        the permit date for arrivals.
    arrived
        Whether each household arrived during the horizon.
    dwellings
        The instance's dwellings, then every vacancy, each with the window
        in which it can be let (``available_from`` to ``available_until``).
    known
        When each dwelling becomes known to the housing office.
    templates
        The instance dwelling each vacancy copies (an instance dwelling is
        its own template).
    arrivals_per_month, vacancies_per_month
        The rates the world was drawn with.
    nearest_school
        The school site nearest to each network node (by minutes).
    """

    instance: Instance
    seed: int
    start: date
    end: date
    rounds: tuple[date, ...]
    households: tuple[Household, ...]
    joins: tuple[date, ...]
    arrived: tuple[bool, ...]
    dwellings: tuple[Dwelling, ...]
    known: tuple[date, ...]
    templates: dict[str, str]
    nearest_school: dict[str, str]
    arrivals_per_month: float
    vacancies_per_month: float

    def school_of(self, dwelling: Dwelling) -> str | None:
        """The school children living in ``dwelling`` attend."""
        if dwelling.node is None:
            return None
        return self.nearest_school.get(dwelling.node)


def arrival_rate(instance: Instance, params: SimulationParams) -> float:
    """Households arriving per month (see ``SimulationParams``)."""
    if params.arrivals_per_month is not None:
        return float(params.arrivals_per_month)
    return len(instance.households) / MEAN_WAIT_MONTHS


def vacancy_rate(instance: Instance, params: SimulationParams) -> float:
    """Vacancies per month (see ``SimulationParams``)."""
    if params.vacancies_per_month is not None:
        return float(params.vacancies_per_month)
    return params.vacancies_per_arrival * arrival_rate(instance, params)


def make_world(instance: Instance, params: SimulationParams,
               seed: int) -> World:
    """
    Draws the world of one seed.

    Arrivals form a Poisson process; each arriving household is drawn by
    the generator's household model with the type mix of ``params``.
    Vacancies form a Poisson process too; each is a copy of one of the
    instance's dwellings (same place, building, size and tenure), known up
    to ``notice_days`` before it is free, and open for ``vacancy_days``.

    Raises
    ------
    ValueError
        When vacancies are asked for but the instance has no dwelling to
        draw them from.
    """
    start = instance.as_of
    end = add_months(start, params.months)
    horizon = (end - start).days
    rounds = round_dates(start, end, params.round)

    lam = arrival_rate(instance, params)
    mu = vacancy_rate(instance, params)
    if mu > 0 and not instance.dwellings:
        raise ValueError(_("Vacancies not understood: the instance has "
                           "no dwelling to draw them from."))

    households, joins, arrived = _households(instance, params, seed,
                                             start, horizon, lam)
    window = (None if params.vacancy_days is None
              else timedelta(days=params.vacancy_days))
    dwellings, known, templates = _open_dwellings(instance, start, window)
    vacancies, announced, copied = _vacancies(instance, params, seed, start,
                                              horizon, mu, window)
    dwellings += vacancies
    known += announced
    templates.update(copied)

    return World(
        instance=instance,
        seed=seed,
        start=start,
        end=end,
        rounds=rounds,
        households=tuple(households),
        joins=tuple(joins),
        arrived=tuple(arrived),
        dwellings=tuple(dwellings),
        known=tuple(known),
        templates=templates,
        nearest_school=_nearest_school(instance),
        arrivals_per_month=lam,
        vacancies_per_month=mu,
    )


def _households(instance: Instance, params: SimulationParams, seed: int,
                start: date, horizon: int, lam: float
                ) -> tuple[list[Household], list[date], list[bool]]:
    """
    The backlog, then each arrival of the horizon in order of its permit:
    the households, when each joins the queue, and whether it arrived.
    """
    households = list(instance.households)
    joins = [start] * len(households)
    arrived = [False] * len(households)
    taken_h = {h.id for h in households}
    for k, day in enumerate(_event_days(seed, _ARRIVAL_TIMES, lam, horizon)):
        permit = start + timedelta(days=day)
        rng = keyed_rng(seed, _ARRIVAL, k)
        hid = _fresh_id("HA", k, taken_h)
        households.append(_arrival(instance, params, rng, hid, permit))
        joins.append(permit)
        arrived.append(True)
    return households, joins, arrived


def _open_dwellings(instance: Instance, start: date,
                    window: timedelta | None
                    ) -> tuple[list[Dwelling], list[date], dict[str, str]]:
    """
    The instance's dwellings still open at the start, each window cut to
    ``window`` from when it opens; known from the start, each its own
    template.
    """
    dwellings, known, templates = [], [], {}
    for d in instance.dwellings:
        until = d.available_until
        if window is not None:
            opens = max(d.available_from, start)
            until = opens + window if until is None else min(until,
                                                             opens + window)
        if until is not None and until < start:
            continue  # its window closed before the horizon opens
        dwellings.append(d.model_copy(update={"available_until": until}))
        known.append(start)
        templates[d.id] = d.id
    return dwellings, known, templates


def _vacancies(instance: Instance, params: SimulationParams, seed: int,
               start: date, horizon: int, mu: float,
               window: timedelta | None
               ) -> tuple[list[Dwelling], list[date], dict[str, str]]:
    """
    The vacancies of the horizon, when each is announced, and the
    instance dwelling each copies: a random one, announced up to
    ``notice_days`` before it opens and open no longer than its
    template's window or ``window``.
    """
    dwellings, known, templates = [], [], {}
    taken_d = {d.id for d in instance.dwellings}
    stock = instance.dwellings
    for k, day in enumerate(_event_days(seed, _VACANCY_TIMES, mu, horizon)):
        rng = keyed_rng(seed, _VACANCY, k)
        template = stock[int(rng.integers(len(stock)))]
        announced = start + timedelta(days=day)
        opens = announced + timedelta(
            days=int(rng.integers(0, params.notice_days + 1))
        )
        length = window
        if template.available_until is not None:
            own = template.available_until - template.available_from
            length = own if length is None else min(length, own)
        vacancy = template.model_copy(update={
            "id": _fresh_id("DV", k, taken_d),
            "available_from": opens,
            "available_until": None if length is None else opens + length,
        })
        dwellings.append(vacancy)
        known.append(announced)
        templates[vacancy.id] = template.id
    return dwellings, known, templates


def _event_days(seed: int, stream: int, per_month: float,
                horizon: int) -> list[int]:
    """Days (0 to ``horizon - 1``) of a Poisson process's events, drawn
    one gap at a time so a longer horizon keeps the earlier events."""
    if per_month <= 0:
        return []
    rng = keyed_rng(seed, stream)
    per_day = per_month / DAYS_PER_MONTH
    out, t = [], 0.0
    while True:
        t += rng.exponential(1.0 / per_day)
        if t >= horizon:
            return out
        out.append(int(math.floor(t)))


def _fresh_id(prefix: str, k: int, taken: set[str]) -> str:
    candidate = f"{prefix}-{k + 1:05d}"
    while candidate in taken:
        candidate = "S" + candidate
    taken.add(candidate)
    return candidate


def _arrival(instance: Instance, params: SimulationParams,
             rng: np.random.Generator, hid: str, permit: date) -> Household:
    """One household granted residence on ``permit``."""
    mix = params.household_mix or HOUSEHOLD_MIX
    kinds = sorted(mix, key=str)
    weights = np.array([mix[k] for k in kinds], dtype=float)
    kind = kinds[int(rng.choice(len(kinds), p=weights / weights.sum()))]
    fields = _household(str(kind), rng, permit)
    # The generator draws how long a backlog household has waited; an
    # arrival's permit is today, and its case opened as long before.
    shift = permit - fields["permit_date"]
    fields["permit_date"] = permit
    if "case_created" in fields:
        fields["case_created"] += shift
    wish_node = fields.get("_wish_node", False)
    fields = {k: v for k, v in fields.items() if not k.startswith("_")}

    assigned = [h.assigned_municipality for h in instance.households
                if h.assigned_municipality is not None]
    share = len(assigned) / len(instance.households) if \
        instance.households else 1.0
    municipality = None
    if assigned and rng.random() < share:
        municipality = assigned[int(rng.integers(len(assigned)))]
    elif not instance.households and len(instance.municipalities) == 1:
        municipality = instance.municipalities[0].id
    if municipality is not None:
        fields["assigned_municipality"] = municipality
    if wish_node:
        nodes = sorted({
            d.node for d in instance.dwellings
            if d.node is not None
            and (municipality is None or d.municipality == municipality)
        })
        if nodes:
            fields["wish_near_node"] = nodes[int(rng.integers(len(nodes)))]
    if sum(SCHOOL_AGE <= m.age < ADULT_AGE for m in fields["members"]):
        # Children who already go to a local school from a reception
        # centre, as often as in the backlog [DOMAIN.md 5.6].
        schools = [
            h.current_school for h in instance.households
            if h.current_school is not None
            and (municipality is None
                 or h.assigned_municipality == municipality)
        ]
        eligible = [h for h in instance.households if school_children(h)]
        share = len(schools) / len(eligible) if eligible else 0.0
        if schools and rng.random() < share:
            fields["current_school"] = schools[
                int(rng.integers(len(schools)))
            ]
    return Household(id=hid, **fields)


def _nearest_school(instance: Instance) -> dict[str, str]:
    """For each network node, the school reached in fewest minutes (ties
    by site id)."""
    schools: dict[str, str] = {}
    for s in sorted(instance.sites, key=lambda s: s.id):
        if s.kind == ServiceKind.SCHOOL:
            schools.setdefault(s.node, s.id)
    if not schools:
        return {}
    graph = travel_graph(instance)
    best: dict[str, tuple[float, str]] = {}
    for node, site in sorted(schools.items(), key=lambda kv: kv[1]):
        if node not in graph:
            continue
        for target, minutes in nx.single_source_dijkstra_path_length(
            graph, node, weight="minutes"
        ).items():
            old = best.get(target)
            if old is None or minutes < old[0]:
                best[target] = (minutes, site)
    return {node: site for node, (_minutes, site) in sorted(best.items())}


def initial_bans(instance: Instance) -> set[tuple[str, str]]:
    """Pairs the housing office has banned in the instance."""
    return {(d.household, d.dwelling) for d in instance.decisions
            if d.kind == DecisionKind.BAN}
