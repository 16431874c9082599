"""An allocation instance: everything one planning round needs."""

from collections.abc import Iterator
from datetime import date
from typing import Self

from pydantic import Field, model_validator

from ._base import StrictModel, Text
from .decision import Decision, DecisionKind
from .dwelling import Approval, Dwelling, Tenure
from .geography import (
    Area,
    AreaNationality,
    Building,
    Edge,
    Municipality,
    Node,
    ServiceKind,
    ServiceSite,
    TravelTime,
)
from .household import ADULT_AGE, Household, Relation
from .placement import (
    Compatibility,
    MunicipalityService,
    PairScore,
    placement_problems,
)
from .problems import N_, Problem, _, column

MIN_PARENT_AGE_GAP = 12
"""A child must be at least this many years younger than the household head."""

TABLES = (
    "municipalities",
    "areas",
    "buildings",
    "area_nationalities",
    "nodes",
    "edges",
    "sites",
    "travel_times",
    "dwellings",
    "households",
    "decisions",
    "municipality_services",
    "compatibility",
    "pair_scores",
)
"""Entity tables of an instance, in reading order (references point back)."""


class Instance(StrictModel):
    """
    One planning round: households, dwellings and their surroundings.

    Parameters
    ----------
    name
        A short name for the instance.
    as_of
        The planning date: waiting times are counted to it and dwellings must
        be available within the policy's horizon from it.
    households, dwellings
        Who waits, and what can be offered.
    municipalities, areas, buildings
        Where dwellings are, with quotas and existing refugee households.
        Areas, buildings and dwellings may be empty: placement in
        municipalities needs none of them (the dwelling level says so
        when it runs without them).
    area_nationalities
        Existing households per nationality and area, for the wish to live
        near compatriots. Default empty.
    nodes, edges
        The walking and public-transport network. Default empty.
    sites
        Service sites on the network. Default empty.
    travel_times
        Precomputed minutes from dwellings to services, replacing the network
        where given. Default empty.
    decisions
        Locks and bans set by the housing office. Default empty.
    municipality_services
        Services municipalities offer the households they settle, with
        places, for placement in municipalities. Default empty.
    compatibility
        Imported household-municipality pairs allowed (or not) for
        placement. Default empty.
    pair_scores
        Imported household-municipality scores (e.g. a predicted
        employment probability) for placement. Default empty.
    """

    name: Text = Field(min_length=1, max_length=100)
    as_of: date
    municipalities: tuple[Municipality, ...] = Field(min_length=1)
    areas: tuple[Area, ...] = ()
    buildings: tuple[Building, ...] = ()
    area_nationalities: tuple[AreaNationality, ...] = ()
    nodes: tuple[Node, ...] = ()
    edges: tuple[Edge, ...] = ()
    sites: tuple[ServiceSite, ...] = ()
    travel_times: tuple[TravelTime, ...] = ()
    dwellings: tuple[Dwelling, ...] = ()
    households: tuple[Household, ...] = ()
    decisions: tuple[Decision, ...] = ()
    municipality_services: tuple[MunicipalityService, ...] = ()
    compatibility: tuple[Compatibility, ...] = ()
    pair_scores: tuple[PairScore, ...] = ()

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        problems = instance_problems(self)
        if problems:
            lines = [f"{_loc_text(p.loc)}: {p.message}" for p in problems]
            raise ValueError(
                _("{n} problem(s) in instance:", n=len(problems)) + "\n  "
                + "\n  ".join(lines)
            )
        return self


def _loc_text(loc) -> str:
    return ".".join(str(part) for part in loc)


def instance_problems(instance: Instance) -> list[Problem]:
    """
    Every cross-reference and consistency problem of an instance.

    Row-level rules (types, ranges) are checked by the field types; this
    function checks what needs several rows: unknown references, duplicate
    ids, dates out of order, contradictory rows. It works on instances built
    with ``model_construct`` too, so readers can locate each problem.
    """
    return list(_problems(instance))


def _duplicates(table: str, rows, key: str = "id") -> Iterator[Problem]:
    values = [getattr(row, key) for row in rows]
    if len(set(values)) == len(values):
        return  # every id differs: the common case, found in one step.
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        value = getattr(row, key)
        if value in seen:
            yield Problem(
                loc=(table, index, key),
                rule="duplicate-id",
                message=_("{key} {value!r} already used in row {row} of "
                          "{table}.", key=column(table, key), value=value,
                          row=seen[value] + 1, table=table),
            )
        else:
            seen[value] = index


REFERENCED = {
    "node": N_("node"),
    "network node": N_("network node"),
    "municipality": N_("municipality"),
    "area": N_("area"),
    "building": N_("building"),
    "dwelling": N_("dwelling"),
    "household": N_("household"),
    "service site": N_("service site"),
}
"""What a column refers to, in words."""


def _unknown(table, index, field, value, known, what) -> tuple[Problem, ...]:
    # A tuple, empty in the common case, rather than a generator: this
    # runs for every reference of every row (some 300,000 at national
    # scale), and ``yield from ()`` costs next to nothing.
    if value is None or value in known:
        return ()
    return (Problem(
        loc=(table, index, field),
        rule="unknown-reference",
        message=_("{field} references unknown {what} {value!r}.",
                  field=column(table, field),
                  what=_(REFERENCED.get(what, what)), value=value),
    ),)


def _problems(inst: Instance) -> Iterator[Problem]:
    """Every problem of an instance's rows taken together: duplicate ids,
    unknown references, contradictions and counts above their totals."""
    for table, rows in (
        ("municipalities", inst.municipalities),
        ("areas", inst.areas),
        ("buildings", inst.buildings),
        ("nodes", inst.nodes),
        ("sites", inst.sites),
        ("dwellings", inst.dwellings),
        ("households", inst.households),
    ):
        yield from _duplicates(table, rows)

    municipalities = {m.id for m in inst.municipalities}
    nodes = {n.id for n in inst.nodes}
    area_of = {a.id: a for a in inst.areas}
    building_of = {b.id: b for b in inst.buildings}
    dwellings = {d.id for d in inst.dwellings}
    households = {h.id for h in inst.households}
    site_kind = {s.id: s.kind for s in inst.sites}
    yield from _reference_problems(inst, municipalities, nodes, area_of,
                                   dwellings)
    for i, d in enumerate(inst.dwellings):
        yield from _dwelling_problems(
            i, d, municipalities, area_of, building_of, nodes
        )
        yield from _unknown(
            "dwellings", i, "found_by", d.found_by, households, "household"
        )
    for i, h in enumerate(inst.households):
        yield from _household_problems(
            i, h, inst.as_of, municipalities, dwellings, nodes, site_kind
        )
    yield from _sitting_tenant_problems(inst)
    yield from _decision_problems(inst.decisions, households, dwellings)
    yield from placement_problems(
        inst.municipality_services, inst.compatibility, inst.pair_scores,
        households, municipalities,
    )


def _exceeds(table: str, i: int, field: str, message: str) -> Problem:
    """A count in a row that exceeds the total it is part of."""
    return Problem(loc=(table, i, field), rule="count-exceeds-total",
                   message=message)


def _contradicts(table: str, i: int, field: str, message: str) -> Problem:
    """A row's reference that another table's row contradicts."""
    return Problem(loc=(table, i, field), rule="contradictory-rows",
                   message=message)


def _reference_problems(inst: Instance, municipalities, nodes, area_of,
                        dwellings) -> Iterator[Problem]:
    """Unknown ids that municipalities, areas, buildings, nationalities,
    edges, sites and travel times refer to, and refugee counts above the
    totals of areas and buildings."""
    for i, m in enumerate(inst.municipalities):
        yield from _unknown(
            "municipalities", i, "centre_node", m.centre_node, nodes, "node"
        )
    for i, a in enumerate(inst.areas):
        yield from _unknown(
            "areas", i, "municipality", a.municipality, municipalities,
            "municipality",
        )
        if a.refugee_households > a.resident_households:
            yield _exceeds("areas", i, "refugee_households", _(
                "refugee_households {n} exceeds resident_households "
                "{total} in area {area!r}.", n=a.refugee_households,
                total=a.resident_households, area=a.id))
    for i, b in enumerate(inst.buildings):
        yield from _unknown("buildings", i, "area", b.area, area_of, "area")
        if b.refugee_households > b.units:
            yield _exceeds("buildings", i, "refugee_households", _(
                "refugee_households {n} exceeds units {total} in "
                "building {building!r}.", n=b.refugee_households,
                total=b.units, building=b.id))
    for i, row in enumerate(inst.area_nationalities):
        yield from _unknown(
            "area_nationalities", i, "area", row.area, area_of, "area"
        )
    for i, e in enumerate(inst.edges):
        yield from _unknown("edges", i, "source", e.source, nodes, "node")
        yield from _unknown("edges", i, "target", e.target, nodes, "node")
    for i, s in enumerate(inst.sites):
        yield from _unknown("sites", i, "node", s.node, nodes, "node")
    for i, t in enumerate(inst.travel_times):
        yield from _unknown(
            "travel_times", i, "dwelling", t.dwelling, dwellings, "dwelling"
        )


def _sitting_tenant_problems(inst: Instance) -> Iterator[Problem]:
    """A dwelling with more than one sitting tenant moving on."""
    tenant_of: dict[str, str] = {}
    for i, h in enumerate(inst.households):
        if not h.moving_on or h.current_dwelling is None:
            continue
        other = tenant_of.setdefault(h.current_dwelling, h.id)
        if other != h.id:
            yield Problem(
                loc=("households", i, "current_dwelling"),
                rule="moving-on",
                message=f"dwelling {h.current_dwelling!r} already has "
                f"the sitting tenant {other!r}.",
            )


def _dwelling_problems(i, d, municipalities, area_of, building_of, nodes
                       ) -> list[Problem]:
    # Lists rather than generators, here and in the other checks of one
    # row: they run once per row, and a generator costs more to make
    # than the checks themselves.
    t = "dwellings"
    problems = [
        *_unknown(t, i, "municipality", d.municipality, municipalities,
                  "municipality"),
        *_unknown(t, i, "area", d.area, area_of, "area"),
        *_unknown(t, i, "building", d.building, building_of, "building"),
        *_unknown(t, i, "node", d.node, nodes, "network node"),
    ]
    area = area_of.get(d.area)
    if area is not None and area.municipality != d.municipality:
        problems.append(_contradicts(t, i, "area", _(
            "area {area!r} belongs to municipality {right!r}, not "
            "{wrong!r}.", area=d.area, right=area.municipality,
            wrong=d.municipality)))
    building = building_of.get(d.building)
    if building is not None and building.area != d.area:
        problems.append(_contradicts(t, i, "building", _(
            "building {building!r} is in area {right!r}, not {wrong!r}.",
            building=d.building, right=building.area, wrong=d.area)))
    if d.shared_rooms > max(d.bedrooms, 0):
        problems.append(_exceeds(t, i, "shared_rooms", _(
            "shared_rooms {n} exceeds bedrooms {total}.",
            n=d.shared_rooms, total=d.bedrooms)))
    if d.available_until is not None and d.available_until < d.available_from:
        problems.append(Problem(
            loc=(t, i, "available_until"),
            rule="dates-out-of-order",
            message=_("available_until {until} is before available_from "
                      "{start}.", until=d.available_until,
                      start=d.available_from),
        ))
    if d.basement and d.floor > 0:
        problems.append(Problem(
            loc=(t, i, "basement"),
            rule="contradictory-rows",
            message=_("a basement dwelling cannot be on floor {floor}.",
                      floor=d.floor),
        ))
    problems.extend(_self_found_problems(t, i, d))
    return problems


def _self_found_problems(t, i, d) -> list[Problem]:
    """A self-found dwelling's fields agree with one another."""
    problems = []
    if d.found_by is not None and d.tenure != Tenure.SELF_FOUND:
        problems.append(Problem(
            loc=(t, i, "found_by"),
            rule="contradictory-rows",
            message=f"a dwelling found by a household has tenure "
            f"self_found, not {d.tenure}.",
        ))
    if d.found_by is None:
        for column in ("offer_lapses", "municipal_acceptance",
                       "imdi_approval"):
            value = getattr(d, column)
            if value is not None and value != Approval.PENDING:
                problems.append(Problem(
                    loc=(t, i, column),
                    rule="contradictory-rows",
                    message=f"{column} is given, but found_by names no "
                    "household.",
                ))
    return problems


def _household_problems(
    i, h, as_of, municipalities, dwellings, nodes, site_kind
) -> list[Problem]:
    t = "households"
    problems = [
        *_unknown(t, i, "assigned_municipality", h.assigned_municipality,
                  municipalities, "municipality"),
        *_unknown(t, i, "current_dwelling", h.current_dwelling, dwellings,
                  "dwelling"),
        *_unknown(t, i, "wish_near_node", h.wish_near_node, nodes,
                  "network node"),
        *_unknown(t, i, "current_school", h.current_school, site_kind,
                  "service site"),
    ]
    kind = site_kind.get(h.current_school)
    if kind is not None and kind != ServiceKind.SCHOOL:
        problems.append(Problem(
            loc=(t, i, "current_school"),
            rule="wrong-kind",
            message=_("current_school {site!r} is a {kind} site, not a "
                      "school.", site=h.current_school, kind=kind),
        ))
    if h.moving_on and h.current_dwelling is None:
        problems.append(Problem(
            loc=(t, i, "moving_on"),
            rule="moving-on",
            message="moving_on marks a sitting tenant: give its "
            "current_dwelling.",
        ))
    problems.extend(_date_problems(i, h, as_of))
    problems.extend(_member_problems(i, h))
    return problems


def _date_problems(i, h, as_of) -> list[Problem]:
    """A household's dates out of order, and a reunification date
    without persons."""
    t = "households"
    problems = []
    if h.permit_date is not None and h.permit_date > as_of:
        problems.append(Problem(
            loc=(t, i, "permit_date"),
            rule="dates-out-of-order",
            message=_("permit_date {permit} is after the planning date "
                      "{as_of}.", permit=h.permit_date, as_of=as_of),
        ))
    if (
        h.case_created is not None and h.permit_date is not None
        and h.case_created > h.permit_date
    ):
        problems.append(Problem(
            loc=(t, i, "case_created"),
            rule="dates-out-of-order",
            message=_("case_created {created} is after permit_date "
                      "{permit}.", created=h.case_created,
                      permit=h.permit_date),
        ))
    if (
        h.expected_reunification_date is not None
        and h.permit_date is not None
        and h.expected_reunification_date < h.permit_date
    ):
        problems.append(Problem(
            loc=(t, i, "expected_reunification_date"),
            rule="dates-out-of-order",
            message=_("expected_reunification_date {expected} is before "
                      "permit_date {permit}.",
                      expected=h.expected_reunification_date,
                      permit=h.permit_date),
        ))
    if h.expected_reunification_date and not h.expected_reunification_persons:
        problems.append(Problem(
            loc=(t, i, "expected_reunification_persons"),
            rule="contradictory-rows",
            message=_("expected_reunification_date is set but "
                      "expected_reunification_persons is 0."),
        ))
    return problems


def _member_problems(i, h) -> list[Problem]:
    heads = [k for k, m in enumerate(h.members) if m.relation == Relation.HEAD]
    partners = [
        k for k, m in enumerate(h.members) if m.relation == Relation.PARTNER
    ]
    problems = []
    if len(heads) != 1:
        problems.append(Problem(
            loc=("households", i, "members"),
            rule="household-head",
            message=_("household {household!r} has {n} members with "
                      "relation 'head'; exactly one is required.",
                      household=h.id, n=len(heads)),
        ))
    if len(partners) > 1:
        problems.append(Problem(
            loc=("households", i, "members", partners[1], "relation"),
            rule="household-head",
            message=_("household {household!r} has {n} partners; at most "
                      "one is allowed.", household=h.id, n=len(partners)),
        ))
    if len(heads) != 1:
        return problems
    head = h.members[heads[0]]
    for k, m in enumerate(h.members):
        loc = ("households", i, "members", k, "age")
        if m.relation == Relation.PARTNER and m.age < ADULT_AGE:
            problems.append(Problem(
                loc=loc,
                rule="member-age",
                message=_("partner aged {age} in household {household!r}; "
                          "a partner must be at least {adult}.", age=m.age,
                          household=h.id, adult=ADULT_AGE),
            ))
        if m.relation == Relation.CHILD and (
            m.age > head.age - MIN_PARENT_AGE_GAP
        ):
            problems.append(Problem(
                loc=loc,
                rule="member-age",
                message=_("child aged {age} is older than a household "
                          "head aged {head} allows (at least {gap} years "
                          "younger).", age=m.age, head=head.age,
                          gap=MIN_PARENT_AGE_GAP),
            ))
    if head.age < ADULT_AGE and h.adults > 0:
        problems.append(Problem(
            loc=("households", i, "members", heads[0], "age"),
            rule="member-age",
            message=_("head aged {age} in a household with adults: the "
                      "head must be at least {adult} unless every member "
                      "is a minor.", age=head.age, adult=ADULT_AGE),
        ))
    return problems


def _decision_problems(decisions, households, dwellings):
    t = "decisions"
    locked_household: dict[str, int] = {}
    kinds: dict[tuple[str, str], set] = {}
    for i, dec in enumerate(decisions):
        yield from _unknown(
            t, i, "household", dec.household, households, "household"
        )
        yield from _unknown(
            t, i, "dwelling", dec.dwelling, dwellings, "dwelling"
        )
        pair = (dec.household, dec.dwelling)
        kinds.setdefault(pair, set()).add(dec.kind)
        if kinds[pair] == {DecisionKind.LOCK, DecisionKind.BAN}:
            yield Problem(
                loc=(t, i, "kind"),
                rule="contradictory-rows",
                message=_("pair {household}/{dwelling} is both locked and "
                          "banned.", household=dec.household,
                          dwelling=dec.dwelling),
            )
        if dec.kind != DecisionKind.LOCK:
            continue
        # Several locks may share a dwelling (rooms of shared housing);
        # whether they fit is the compiler's to say, in plain words.
        if dec.household in locked_household:
            yield Problem(
                loc=(t, i, "household"),
                rule="contradictory-rows",
                message=_("household {household!r} is already locked in "
                          "row {row} of decisions.", household=dec.household,
                          row=locked_household[dec.household] + 1),
            )
        else:
            locked_household[dec.household] = i
