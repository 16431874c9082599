"""
Chained and dwelling-first modes, and their comparison (DOMAIN.md R4).

- Chained: IMDi places households in municipalities (``place``), then each
  municipality matches its households to its dwellings (``propose`` on the
  municipality's own instance). What the second stage cannot house, and
  why, is reported household by household.
- Dwelling-first: municipalities report their free dwellings and the
  engine proposes households nationwide for them (``propose`` on the whole
  instance), within each municipality's quota, every dwelling-level rule
  applying. Compatibility (the imported table, services a household needs)
  is applied as bans on the dwellings of incompatible municipalities.
  Introduction-programme places, when binding (``placement.services``),
  become the dwelling level's service places of each municipality
  (``models.places``, hard caps). Spread rules and the other services
  couple households in a way the dwelling level does not model: they are
  not applied, and the comparison counts how often the dwelling-first
  proposal breaks them.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import networkx as nx

from models import (
    DAYS_PER_MONTH,
    ChainedReport,
    Decision,
    DecisionKind,
    Instance,
    Match,
    ModeComparison,
    ModeFigures,
    MunicipalityStage,
    PlacementService,
    PlacesMode,
    Policy,
    Status,
    Unhoused,
    unlisted_pairs_allowed,
)

from ..check import CheckReport, check_matches
from ..explain import provenance
from ..i18n import _
from ..pipeline import Outcome, propose
from ..requirements import require_dwelling_level
from . import check as rules
from .labels import capacity_label, spread_label
from .solve import place

MODES = ("placement", "chained", "dwelling-first", "compare")
"""Modes of ``allocator place``."""

LARGE_FAMILY = 5
"""Persons from which a household counts as a large family (R5)."""

MAX_BANS = 5_000_000
"""Most bans dwelling-first adds for compatibility before refusing."""


@dataclass(frozen=True)
class ChainedOutcome:
    """
    A chained run: the placement, each municipality's dwelling proposal,
    the report, and the checks.

    Parameters
    ----------
    placement
        The placement outcome (with its own check).
    stages
        Municipality id -> the dwelling-level outcome of its households
        (each checked by the independent checker).
    report
        The chained report: per municipality housed and not, every
        household not housed with its reason.
    whole_check
        The dwelling-level checker on every match together, against the
        whole instance with the placement as assigned municipalities;
        ``None`` when not asked for.
    """

    placement: object
    stages: dict[str, Outcome]
    report: ChainedReport
    whole_check: CheckReport | None
    seconds: float
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return (self.placement.check.ok and not self.problems
                and all(o.check.ok for o in self.stages.values())
                and (self.whole_check is None or self.whole_check.ok))

    def violations(self) -> list[str]:
        found = list(self.placement.check.violations) + list(self.problems)
        for mid, o in sorted(self.stages.items()):
            found += [f"{mid}: {v}" for v in o.check.violations]
        if self.whole_check is not None:
            found += [f"whole: {v}" for v in self.whole_check.violations]
        return found


@dataclass(frozen=True)
class DwellingFirstOutcome:
    """
    A dwelling-first run: the dwelling-level outcome on the whole
    instance (compatibility applied as bans), and the placement rules it
    could not apply but breaks.
    """

    outcome: Outcome
    instance: Instance
    bans: int
    breaches: tuple[str, ...]
    seconds: float
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.outcome.check.ok


# --- chained -----------------------------------------------------------------


def run_chained(
    instance: Instance,
    policy: Policy | None = None,
    engine: str = "auto",
    dwelling_engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    check_whole: bool = True,
) -> ChainedOutcome:
    """
    Places households in municipalities, then matches each municipality's
    households to its dwellings.

    Parameters
    ----------
    engine
        Placement engine (see ``place``).
    dwelling_engine
        Dwelling-level engine (see ``allocator.propose``).
    time_limit
        Seconds for each solve (the placement, and each municipality).
    check_whole
        Also check every match together against the whole instance with
        the placement as assigned municipalities (the dwelling-level
        checker; costs a travel-network search per service site).

    Raises
    ------
    ModeUnavailable
        When the instance has no dwellings, areas, permit dates or
        members' sex (``allocator.requirements``).
    """
    policy = Policy() if policy is None else policy
    require_dwelling_level(instance, "chained mode")
    started = time.perf_counter()
    placed = place(instance, policy, engine=engine, time_limit=time_limit,
                   seed=seed)
    at = {p.household: p.municipality for p in placed.proposal.placements}
    chained = assigned_instance(instance, at)
    stages, figures, unhoused, matches = _house_each_municipality(
        instance, chained, placed, policy, dwelling_engine, time_limit, seed)
    for u in placed.proposal.unplaced:
        unhoused.append(Unhoused(
            household=u.household, stage="placement", reason=u.reason.value,
            message=u.message, priority=u.priority,
            waited_days=u.waited_days,
        ))
    problems = _housed_where_placed(instance, at, matches)
    whole = None
    if check_whole:
        whole = check_matches(
            chained, policy, [(m.household, m.dwelling, m.shared)
                              for m in matches],
        )
    status, proven = _chain_status(placed, figures)
    report = ChainedReport(
        placement_status=placed.proposal.status,
        placement_proven_optimal=placed.result.proven_optimal,
        status=status,
        proven_optimal=proven,
        municipalities=tuple(figures),
        matches=tuple(sorted(matches, key=lambda m: m.household)),
        unhoused=tuple(sorted(unhoused, key=lambda u: u.household)),
        provenance=provenance(instance, policy),
    )
    return ChainedOutcome(placed, stages, report, whole,
                          round(time.perf_counter() - started, 4),
                          tuple(problems))


def _house_each_municipality(instance, chained, placed, policy,
                             dwelling_engine, time_limit, seed):
    """
    The dwelling level of the chain: each municipality's placed
    households matched to its own dwellings, one proposal per
    municipality. Returns the proposals by municipality, each stage's
    figures, the households left unhoused and every match.
    """
    stages: dict[str, Outcome] = {}
    figures: list[MunicipalityStage] = []
    unhoused: list[Unhoused] = []
    matches: list[Match] = []
    by_muni = defaultdict(list)
    for p in {p.household: p for p in placed.proposal.placements}.values():
        by_muni[p.municipality].append(p.household)
    index = _Index(chained)
    priority = {p.household: p for p in placed.proposal.placements}
    for muni in instance.municipalities:
        hids = by_muni.get(muni.id, [])
        if not hids:
            continue
        tick = time.perf_counter()
        sub = index.municipality_instance(muni.id, set(hids))
        if sub is None:
            _no_dwellings(muni.id, hids, priority, unhoused, figures)
            continue
        outcome = propose(sub, policy, engine=dwelling_engine,
                          time_limit=time_limit, seed=seed,
                          marginal_values=False)
        stages[muni.id] = outcome
        _municipality_stage(muni.id, hids, sub, outcome, tick, matches,
                            unhoused, figures)
    return stages, figures, unhoused, matches


def _no_dwellings(mid: str, hids: list[str], priority: dict,
                  unhoused: list[Unhoused],
                  figures: list[MunicipalityStage]) -> None:
    """
    The households placed in a municipality the instance gives no areas
    or dwellings: none can be housed, and the stage says why.
    """
    for hid in sorted(hids):
        unhoused.append(Unhoused(
            household=hid, stage="dwelling", municipality=mid,
            reason="no_dwellings",
            message=_("{municipality} has no areas or dwellings in "
                      "the instance.", municipality=mid),
            priority=priority[hid].priority,
            waited_days=priority[hid].waited_days,
        ))
    figures.append(MunicipalityStage(
        municipality=mid, placed=len(hids), dwellings=0,
        housed=0, not_housed=len(hids),
        reasons={"no_dwellings": len(hids)},
        status=Status.OPTIMAL, proven_optimal=True, seconds=0.0,
    ))


def _municipality_stage(mid: str, hids: list[str], sub: Instance,
                        outcome: Outcome, tick: float, matches: list[Match],
                        unhoused: list[Unhoused],
                        figures: list[MunicipalityStage]) -> None:
    """
    Adds one municipality's dwelling-level proposal to the chain: its
    matches, the households it leaves unhoused, and its figures.
    """
    p = outcome.proposal
    matches.extend(p.matches)
    reasons = Counter(u.reason.value for u in p.unmatched)
    for u in p.unmatched:
        unhoused.append(Unhoused(
            household=u.household, stage="dwelling",
            municipality=mid, reason=u.reason.value,
            message=u.message, priority=u.priority,
            waited_days=u.waited_days,
        ))
    figures.append(MunicipalityStage(
        municipality=mid, placed=len(hids),
        dwellings=len(sub.dwellings), housed=len(p.matches),
        not_housed=len(p.unmatched), reasons=dict(sorted(reasons.items())),
        status=p.status, proven_optimal=p.solver.proven_optimal,
        seconds=round(time.perf_counter() - tick, 4),
    ))


def _housed_where_placed(instance: Instance, at: dict[str, str],
                         matches: list[Match]) -> list[str]:
    """Every household is housed once, where it was placed: what breaks
    that, in words (empty when nothing does)."""
    problems = []
    dwelling_muni = {d.id: d.municipality for d in instance.dwellings}
    seen = Counter(m.household for m in matches)
    for m in matches:
        if at.get(m.household) != dwelling_muni.get(m.dwelling):
            problems.append(_("{household} is housed in {housed} but "
                              "placed in {placed}.", household=m.household,
                              housed=dwelling_muni.get(m.dwelling),
                              placed=at.get(m.household)))
    problems += [_("{household} is housed {n} times.", household=h, n=n)
                 for h, n in seen.items() if n > 1]
    return problems


def _chain_status(placed, figures) -> tuple[Status, bool]:
    """
    The chain's status and whether it is proven optimal: unknown when any
    stage is, optimal only when every stage is proven.
    """
    statuses = [placed.proposal.status] + [s.status for s in figures]
    proven = placed.result.proven_optimal and all(
        s.proven_optimal for s in figures
    )
    if any(s in (Status.UNKNOWN, Status.INFEASIBLE) for s in statuses):
        return Status.UNKNOWN, proven
    return (Status.OPTIMAL if proven else Status.FEASIBLE), proven


def assigned_instance(instance: Instance, at: dict[str, str]) -> Instance:
    """
    The instance with every placed household assigned to its
    municipality (IMDi's utsøking done).

    Parameters
    ----------
    at
        Household id -> municipality id.
    """
    households = tuple(
        h.model_copy(update={"assigned_municipality": at[h.id]})
        if h.id in at and h.assigned_municipality != at[h.id] else h
        for h in instance.households
    )
    return instance.model_copy(update={"households": households})


class _Index:
    """An instance's rows grouped once, for many municipalities' own
    instances."""

    def __init__(self, instance: Instance):
        self.instance = instance
        graph = nx.Graph()
        graph.add_nodes_from(n.id for n in instance.nodes)
        graph.add_edges_from((e.source, e.target) for e in instance.edges)
        self.component = {
            node: k
            for k, nodes in enumerate(nx.connected_components(graph))
            for node in nodes
        }
        group = self._group
        self.areas = group(instance.areas, lambda a: a.municipality)
        area_muni = {a.id: a.municipality for a in instance.areas}
        self.buildings = group(instance.buildings,
                               lambda b: area_muni.get(b.area))
        self.dwellings = group(instance.dwellings, lambda d: d.municipality)
        self.nodes = group(instance.nodes, lambda n: self.component[n.id])
        self.edges = group(instance.edges,
                           lambda e: self.component[e.source])
        self.sites = group(instance.sites, lambda s: self.component[s.node])
        dwelling_muni = {d.id: d.municipality for d in instance.dwellings}
        self.travel = group(instance.travel_times,
                            lambda t: dwelling_muni.get(t.dwelling))
        self.nationalities = group(instance.area_nationalities,
                                   lambda r: area_muni.get(r.area))
        self.decisions = group(instance.decisions,
                               lambda d: dwelling_muni.get(d.dwelling))
        self.households = {h.id: h for h in instance.households}
        self.municipality = {m.id: m for m in instance.municipalities}

    @staticmethod
    def _group(rows, key) -> dict:
        groups = defaultdict(list)
        for row in rows:
            groups[key(row)].append(row)
        return groups

    def municipality_instance(self, mid: str, households: set[str]
                              ) -> Instance | None:
        """See ``municipality_instance``."""
        areas = self.areas.get(mid, [])
        if not areas:
            return None
        dwellings = self.dwellings.get(mid, [])
        dwelling_ids = {d.id for d in dwellings}
        muni = self.municipality[mid]
        touched = {self.component[d.node] for d in dwellings
                   if d.node is not None}
        if muni.centre_node is not None:
            touched.add(self.component[muni.centre_node])
        touched = sorted(touched)
        nodes = [n for k in touched for n in self.nodes.get(k, [])]
        node_ids = {n.id for n in nodes}
        sites = [s for k in touched for s in self.sites.get(k, [])]
        site_ids = {s.id for s in sites}
        members = []
        for hid in sorted(households):
            h = self.households[hid]
            update = {}
            if h.current_dwelling is not None and (
                h.current_dwelling not in dwelling_ids
            ):
                update["current_dwelling"] = None
                update["moving_on"] = False  # no dwelling to move on from
            if h.current_school is not None and (
                h.current_school not in site_ids
            ):
                update["current_school"] = None
            if h.wish_near_node is not None and (
                h.wish_near_node not in node_ids
            ):
                update["wish_near_node"] = None
            members.append(h.model_copy(update=update) if update else h)
        return Instance(
            name=f"{self.instance.name}:{mid}"[:100],
            as_of=self.instance.as_of,
            municipalities=(muni,),
            areas=tuple(areas),
            buildings=tuple(self.buildings.get(mid, [])),
            area_nationalities=tuple(self.nationalities.get(mid, [])),
            nodes=tuple(nodes),
            edges=tuple(e for k in touched for e in self.edges.get(k, [])),
            sites=tuple(sites),
            travel_times=tuple(self.travel.get(mid, [])),
            dwellings=tuple(dwellings),
            households=tuple(members),
            decisions=tuple(d for d in self.decisions.get(mid, [])
                            if d.household in households),
        )


def municipality_instance(instance: Instance, mid: str,
                          households: set[str]) -> Instance | None:
    """
    One municipality's own instance: its areas, buildings and dwellings,
    the given households, and the parts of the travel network its
    dwellings and centre lie on (whole connected components, so every
    travel time is as in the whole instance). References to what lies
    outside (a current dwelling or school elsewhere, a wished-for place
    that no dwelling here can reach) are left out. ``None`` when the
    municipality has no area.
    """
    return _Index(instance).municipality_instance(mid, households)


# --- dwelling-first ----------------------------------------------------------


def run_dwelling_first(
    instance: Instance,
    policy: Policy | None = None,
    engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    marginal_values: bool = False,
    start=None,
) -> DwellingFirstOutcome:
    """
    Proposes households nationwide for the free dwellings, within every
    municipality's quota and every dwelling-level rule; compatibility of
    households and municipalities is applied as bans.

    ``start``: (household id, dwelling id) pairs of a feasible matching to
    start from, such as the chained mode's; a solve stopped by its time
    limit then never houses less priority than it.

    Raises
    ------
    ModeUnavailable
        When the instance has no dwellings, areas, permit dates or
        members' sex (``allocator.requirements``).
    ValueError
        When compatibility would need more than ``MAX_BANS`` bans.
    """
    policy = Policy() if policy is None else policy
    require_dwelling_level(instance, "dwelling-first mode")
    started = time.perf_counter()
    first, bans, notes = dwelling_first_instance(instance, policy)
    first, policy = introduction_places_applied(first, policy, notes)
    outcome = propose(first, policy, engine=engine, time_limit=time_limit,
                      seed=seed, marginal_values=marginal_values,
                      **({} if start is None else {"start": start}))
    dwelling_muni = {d.id: d.municipality for d in instance.dwellings}
    at = {m.household: dwelling_muni[m.dwelling]
          for m in outcome.proposal.matches}
    breaches = placement_breaches(instance, policy, at)
    return DwellingFirstOutcome(
        outcome, first, bans, tuple(breaches),
        round(time.perf_counter() - started, 4), tuple(notes),
    )


def dwelling_first_instance(
    instance: Instance, policy: Policy
) -> tuple[Instance, int, list[str]]:
    """
    The instance with placement compatibility turned into dwelling-level
    rules: a household compatible with one municipality only is assigned
    to it; otherwise each dwelling of an incompatible municipality is
    banned for it. Returns the instance, the bans added and notes.
    """
    table = {(c.household, c.municipality): c.allowed
             for c in instance.compatibility}
    offers = defaultdict(dict)
    for row in instance.municipality_services:
        offers[row.municipality][row.service.value] = row.places
    notes = []
    if policy.placement.spread.nationality_share is not None or (
        policy.placement.spread.household_type_share is not None
    ):
        notes.append(_("Spread rules are not applied by dwelling-first "
                       "matching; breaches are counted."))
    if any(offers[m][s] is not None for m in offers for s in offers[m]
           if s in {x.value for x in policy.placement.services}
           and s != PlacementService.INTRODUCTION_PROGRAMME):
        notes.append(_("Service places are not applied by dwelling-first "
                       "matching; breaches are counted."))
    unlisted_ok = unlisted_pairs_allowed(
        policy.placement.unlisted_pairs.value, instance.compatibility)
    if not table and not policy.placement.services and unlisted_ok:
        return instance, 0, notes
    by_muni = defaultdict(list)
    for d in instance.dwellings:
        by_muni[d.municipality].append(d.id)
    mids = [m.id for m in instance.municipalities]
    binding = sorted(s.value for s in policy.placement.services)
    offering = {s: {m for m in mids if s in offers[m]} for s in binding}
    forbidden = defaultdict(set)
    listed = defaultdict(set)
    for (hid, mid), allowed in table.items():
        (listed if allowed else forbidden)[hid].add(mid)
    only_listed = not unlisted_ok
    households, decisions = [], list(instance.decisions)
    bans = 0
    for h in instance.households:
        if h.assigned_municipality is not None and (
            policy.hard.assigned_municipality
        ):
            households.append(h)
            continue
        allowed = set(listed[h.id]) if only_listed else set(mids)
        allowed -= forbidden[h.id]
        for s in binding:
            if rules.service_need(policy, h, s):
                allowed &= offering[s]
        if len(allowed) == 1 and policy.hard.assigned_municipality:
            households.append(h.model_copy(
                update={"assigned_municipality": next(iter(allowed))}
            ))
            continue
        households.append(h)
        for m in mids:
            if m in allowed:
                continue
            for did in by_muni[m]:
                decisions.append(Decision(household=h.id, dwelling=did,
                                          kind=DecisionKind.BAN))
                bans += 1
            if bans > MAX_BANS:
                raise ValueError(_(
                    "Compatibility would need more than {n} bans for "
                    "dwelling-first matching; use chained mode.",
                    n=MAX_BANS))
    if bans:
        notes.append(_("Compatibility applied as {n} bans of "
                       "household-dwelling pairs.", n=bans))
    return instance.model_copy(update={
        "households": tuple(households), "decisions": tuple(decisions),
    }), bans, notes


def introduction_places_applied(
    instance: Instance, policy: Policy, notes: list[str]
) -> tuple[Instance, Policy]:
    """
    With introduction-programme places binding at the placement level,
    each municipality's offered places become its dwelling-level
    ``introduction_places`` (the smaller, when both are given), and the
    policy counts service places as hard caps; when it did not count them
    before, only these places are counted (the areas' school and
    kindergarten places are left out).
    """
    service = PlacementService.INTRODUCTION_PROGRAMME
    if service not in policy.placement.services:
        return instance, policy
    offered = {row.municipality: row.places
               for row in instance.municipality_services
               if row.service == service and row.places is not None}
    if not offered:
        return instance, policy
    municipalities = []
    for m in instance.municipalities:
        places = offered.get(m.id)
        if places is not None and m.introduction_places is not None:
            places = min(places, m.introduction_places)
        elif places is None:
            places = m.introduction_places
        municipalities.append(
            m.model_copy(update={"introduction_places": places}))
    update = {"municipalities": tuple(municipalities)}
    if not policy.places.on:
        update["areas"] = tuple(
            a.model_copy(update={"school_places": None,
                                 "kindergarten_places": None})
            for a in instance.areas
        )
        policy = policy.model_copy(update={"places": policy.places.model_copy(
            update={"mode": PlacesMode.CAP})})
    notes.append(_("Introduction-programme places are applied as each "
                   "municipality's service places."))
    return instance.model_copy(update=update), policy


def placement_breaches(instance: Instance, policy: Policy,
                       at: dict[str, str]) -> list[str]:
    """
    Placement rules a set of housed households breaks that the dwelling
    level cannot apply: spread shares and service places (counted as the
    placement checker counts them, on households not assigned before).
    """
    households = {h.id: h for h in instance.households}
    given = {h.id for h in instance.households
             if h.assigned_municipality is not None
             and policy.hard.assigned_municipality}
    found = [_("{municipality}: {n} of {total} households of one {kind} "
               "({group}).", municipality=mid, n=n, total=total,
               kind=spread_label(kind), group=group)
             for kind, mid, group, n, total, _share in rules.spread_excess(
                 policy, households, at, given)]
    offers = defaultdict(dict)
    for row in instance.municipality_services:
        offers[row.municipality][row.service.value] = row.places
    for service in sorted(s.value for s in policy.placement.services):
        used = Counter()
        for hid, mid in at.items():
            used[mid] += rules.service_need(policy, households[hid], service)
        for mid, n in sorted(used.items()):
            places = offers[mid].get(service)
            if places is not None and n > places:
                found.append(_("{municipality}: {n} {what} used; it has "
                               "{places}.", municipality=mid, n=n,
                               what=capacity_label(f"service:{service}"),
                               places=places))
    return found


# --- comparison --------------------------------------------------------------


def mode_figures(instance: Instance, policy: Policy, mode: str,
                 matches, status: Status, proven: bool, seconds: float,
                 breaches: int) -> ModeFigures:
    """Counts one mode's outcome the same way as the other's."""
    housed = {m.household: m for m in matches}
    dwelling_muni = {d.id: d.municipality for d in instance.dwellings}
    scores = {(s.household, s.municipality): s.score
              for s in instance.pair_scores}
    groups: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    priority_group = housed_priority = within = within_max = 0
    maximum = policy.deadlines.maximum_months * DAYS_PER_MONTH
    score_total = 0.0
    for h in instance.households:
        names = [h.household_type.value]
        if h.is_priority_group:
            names.append("priority_group")
        if h.size >= LARGE_FAMILY:
            names.append("large_families")
        m = housed.get(h.id)
        priority_group += h.is_priority_group
        for name in names:
            row = groups[name]
            row[2] += 1
            if m is not None:
                row[1] += 1
                row[0] += m.within_deadline
        if m is None:
            continue
        housed_priority += h.is_priority_group
        within += m.within_deadline
        within_max += m.waited_days <= maximum
        score_total += scores.get(
            (h.id, dwelling_muni[m.dwelling]), policy.placement.missing_score
        )
    return ModeFigures(
        mode=mode, status=status, proven_optimal=proven,
        seconds=round(seconds, 3), households=len(instance.households),
        housed=len(housed), housed_within_deadline=within,
        housed_within_maximum=within_max,
        housed_priority_group=housed_priority, priority_group=priority_group,
        by_group={k: tuple(v) for k, v in sorted(groups.items())},
        placement_breaches=breaches,
        pair_score_total=round(score_total, 6),
        priority_points=sum(m.priority for m in matches),
    )


@dataclass(frozen=True)
class ComparisonOutcome:
    """Both modes on one instance, and the comparison report."""

    chained: ChainedOutcome
    dwelling_first: DwellingFirstOutcome
    report: ModeComparison

    @property
    def ok(self) -> bool:
        return self.chained.ok and self.dwelling_first.ok


def compare_modes(
    instance: Instance,
    policy: Policy | None = None,
    engine: str = "auto",
    dwelling_engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    check_whole: bool = True,
) -> ComparisonOutcome:
    """
    Runs chained and dwelling-first on the same instance and policy and
    counts both the same way: housed, housed within deadline (permit date
    plus the policy's deadline for the household's type, at the planning
    date), by household group.
    """
    policy = Policy() if policy is None else policy
    require_dwelling_level(instance, "compare mode")
    chained = run_chained(instance, policy, engine=engine,
                          dwelling_engine=dwelling_engine,
                          time_limit=time_limit, seed=seed,
                          check_whole=check_whole)
    # Chained's matches are feasible for dwelling-first (the same rules
    # with the placement's municipalities fixed), so they start it: the
    # comparison then shows what matching nationwide adds, even where a
    # time limit stops the national solve before its proof.
    first = run_dwelling_first(
        instance, policy, engine=dwelling_engine, time_limit=time_limit,
        seed=seed, start=[(m.household, m.dwelling)
                          for m in chained.report.matches],
    )
    c = chained.report
    dwelling_muni = {d.id: d.municipality for d in instance.dwellings}
    chained_breaches = placement_breaches(
        instance, policy,
        {m.household: dwelling_muni[m.dwelling] for m in c.matches},
    )
    a = mode_figures(instance, policy, "chained", c.matches, c.status,
                     c.proven_optimal, chained.seconds,
                     len(chained_breaches))
    p = first.outcome.proposal
    b = mode_figures(instance, policy, "dwelling-first", p.matches,
                     p.status, p.solver.proven_optimal, first.seconds,
                     len(first.breaches))
    notes = list(first.notes)
    if a.housed and b.housed and not (
        a.housed_within_deadline or b.housed_within_deadline
    ):
        notes.append(_("Every household housed had waited past its "
                       "deadline: the priority houses the longest waiting "
                       "first, and there are fewer places than households "
                       "waiting. Housed within the maximum deadline tells "
                       "the modes apart."))
    if not (c.proven_optimal and p.solver.proven_optimal):
        notes.append(_("Not every solve was proven optimal: the difference "
                       "may be smaller or larger at the optimum."))
    report = ModeComparison(
        instance_name=instance.name,
        policy_name=policy.name,
        chained=a,
        dwelling_first=b,
        more_housed=b.housed - a.housed,
        more_housed_within_deadline=(
            b.housed_within_deadline - a.housed_within_deadline
        ),
        notes=tuple(notes),
        provenance=provenance(instance, policy),
    )
    return ComparisonOutcome(chained, first, report)


__all__ = [
    "MODES",
    "ChainedOutcome",
    "ComparisonOutcome",
    "DwellingFirstOutcome",
    "assigned_instance",
    "compare_modes",
    "dwelling_first_instance",
    "mode_figures",
    "municipality_instance",
    "placement_breaches",
    "run_chained",
    "run_dwelling_first",
]
