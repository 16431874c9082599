"""
The proposal as an officer reads it: typed rows joined with the instance.

The report, the workbook, the CSV and the letters all read these rows, so
they show the same columns, in the same words. Sensitive household fields
(accessibility needs, avoided features, health) are never read here: the
only trace of them is the rule label "ruled out by an individual need".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from operator import attrgetter, itemgetter

from models import Instance, Policy, Proposal
from models.household import ADULT_AGE, Household, Relation

from ..data import CRITERION_LABEL, RULE_LABEL
from ..i18n import N_, Translator
from ..type_words import TYPE_TEXT

TENURE_TEXT = {
    "municipal": N_("municipal rental"),
    "private_lease": N_("private lease"),
    "sublet": N_("sublet"),
    "guaranteed_private": N_("private with guarantee"),
    "rent_to_own": N_("rent to own"),
    "self_found": N_("self-found"),
}

CRITERION_TEXT = CRITERION_LABEL
"""Labels of the scored criteria, from their records."""

RULE_TEXT = RULE_LABEL
"""Short labels of the hard rules, from their records."""

REASON_TEXT = {
    "no_eligible_dwelling": N_("no eligible dwelling"),
    "outcompeted": N_("others had higher priority"),
    "capacity": N_("a cap or quota is full"),
    "lock_conflict": N_("the office's locks conflict"),
}

BINDING_TEXT = {
    "area_cap": N_("dispersion cap of an area"),
    "building_cap": N_("dispersion cap of a building"),
    "quota": N_("council decision (quota)"),
    "places_school": N_("free school places of an area"),
    "places_kindergarten": N_("free kindergarten places of an area"),
    "places_introduction": N_("free introduction-programme places of a "
                              "municipality"),
}


@dataclass(frozen=True)
class Column:
    """A column of a view: its key, header (a message) and kind.

    ``kind`` is ``text``, ``id``, ``int``, ``money``, ``area``, ``date``,
    ``bool`` or ``share``."""

    key: str
    header: str
    kind: str = "text"
    width: int = 12


MATCH_COLUMNS = (
    Column("household", N_("Household"), "id", 10),
    Column("type", N_("Household type"), "text", 20),
    Column("persons", N_("Persons"), "int", 8),
    Column("composition", N_("Composition"), "text", 30),
    Column("dwelling", N_("Dwelling"), "id", 10),
    Column("address", N_("Address or area"), "text", 26),
    Column("municipality", N_("Municipality"), "text", 18),
    Column("bedrooms", N_("Bedrooms"), "int", 9),
    Column("floor_area", N_("Floor area (m²)"), "area", 10),
    Column("tenure", N_("Tenure"), "text", 18),
    Column("rent", N_("Monthly rent"), "money", 12),
    Column("move_in", N_("Move-in date"), "date", 12),
    Column("waited_days", N_("Days waited"), "int", 9),
    Column("within_deadline", N_("Within deadline"), "bool", 10),
    Column("priority", N_("Priority points"), "int", 10),
    Column("rank", N_("Rank among eligible"), "text", 12),
    Column("shared", N_("Room in shared housing"), "bool", 10),
    Column("locked", N_("Locked by the office"), "bool", 10),
    Column("reasons", N_("Why this dwelling"), "text", 60),
)

WAITING_COLUMNS = (
    Column("household", N_("Household"), "id", 10),
    Column("type", N_("Household type"), "text", 20),
    Column("persons", N_("Persons"), "int", 8),
    Column("composition", N_("Composition"), "text", 30),
    Column("waited_days", N_("Days waited"), "int", 9),
    Column("priority", N_("Priority points"), "int", 10),
    Column("reason", N_("Reason"), "text", 24),
    Column("explanation", N_("Explanation"), "text", 80),
)

EMPTY_COLUMNS = (
    Column("dwelling", N_("Dwelling"), "id", 10),
    Column("address", N_("Address or area"), "text", 26),
    Column("municipality", N_("Municipality"), "text", 18),
    Column("bedrooms", N_("Bedrooms"), "int", 9),
    Column("floor_area", N_("Floor area (m²)"), "area", 10),
    Column("floor", N_("Floor"), "int", 7),
    Column("tenure", N_("Tenure"), "text", 18),
    Column("rent", N_("Monthly rent"), "money", 12),
    Column("available_from", N_("Available from"), "date", 12),
    Column("available_until", N_("Available until"), "date", 12),
    Column("shared_rooms", N_("Rooms for sharing"), "int", 9),
)

BINDING_COLUMNS = (
    Column("rule", N_("Rule"), "text", 28),
    Column("subject", N_("Where"), "text", 22),
    Column("used", N_("Used"), "int", 8),
    Column("limit", N_("Limit"), "int", 8),
    Column("marginal_housed", N_("One more place houses"), "int", 12),
    Column("marginal_objective", N_("One more place gains (points)"),
           "int", 14),
    Column("explanation", N_("Explanation"), "text", 70),
)

REPORT_MATCH_KEYS = (
    "household", "type", "composition", "dwelling", "address", "bedrooms",
    "floor_area", "tenure", "rent", "move_in", "waited_days",
    "within_deadline", "priority", "reasons",
)
"""The match columns the report prints (the workbook has them all)."""

AREA_COLUMNS = (
    Column("area", N_("Area"), "text", 22),
    Column("municipality", N_("Municipality"), "text", 18),
    Column("dwellings", N_("Dwellings offered"), "int", 10),
    Column("matched", N_("Households settled"), "int", 10),
    Column("empty", N_("Dwellings left empty"), "int", 10),
    Column("share_before", N_("Refugee share before"), "share", 12),
    Column("share_after", N_("Refugee share after"), "share", 12),
)


class Table(Sequence):
    """
    A table of a view, kept as its columns and read as its rows.

    The report and the workbook read a table column by column, and a
    national table has 20,000 rows: its columns are made whole from the
    proposal and the instance, with no dictionary per row, and the rows
    (a dictionary each, keys in the order of the columns) are made only
    when a row is read.
    """

    def __init__(self, columns: dict[str, list]) -> None:
        self.columns = columns
        """The values of each column by key, all of the same length."""
        self._length = len(next(iter(columns.values()), ()))

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        return self.rows[index]

    def __iter__(self):
        return iter(self.rows)

    def column(self, key: str) -> list:
        """The values of one column (``None`` for a key it lacks)."""
        values = self.columns.get(key)
        return list(values) if values is not None \
            else [None] * self._length

    @cached_property
    def rows(self) -> list[dict]:
        """A dictionary per row."""
        keys = list(self.columns)
        return [dict(zip(keys, values))
                for values in zip(*self.columns.values())]


@dataclass(frozen=True)
class OfficeView:
    """Every table of the proposal, typed (dates as dates, yes/no as
    bool)."""

    matches: Table
    waiting: Table
    empty: Table
    binding: Table
    areas: Table
    figures: list[tuple[str, str]]
    """Key figures as (label, value text), in the view's language."""


def column_of(rows: Table | list[dict], key: str) -> list:
    """The values of one column of a view's rows (``None`` where a row
    lacks it)."""
    if isinstance(rows, Table):
        return rows.column(key)
    try:
        return list(map(itemgetter(key), rows))
    except KeyError:
        return [row.get(key) for row in rows]


def composition(h: Household, t: Translator) -> str:
    """``2 adults, 3 children (aged 4, 9, 15)``; no sex, no names."""
    adults = h.adults
    kids = sorted(m.age for m in h.members if m.age < 18)
    parts = []
    if adults:
        parts.append(t.ngettext("{n} adult", "{n} adults", adults))
    if kids:
        parts.append(
            t.ngettext("{n} child", "{n} children", len(kids))
            + " " + t._("(aged {ages})",
                        ages=", ".join(str(a) for a in kids))
        )
    if any(m.relation == Relation.PARTNER for m in h.members):
        parts.append(t._("with partner"))
    if h.expected_reunification_persons:
        parts.append(t.ngettext(
            "{n} more expected through reunification",
            "{n} more expected through reunification",
            h.expected_reunification_persons))
    return ", ".join(parts)


def place_text(d, areas: dict, t: Translator) -> str:
    """The dwelling's address, or its area's name when it has none."""
    address = getattr(d, "address", None) if _may_have_address(type(d)) \
        else None
    name = _area_name(d.area, areas)
    if address:
        return f"{address}, {name}"
    return name


def _area_name(area_id: str, areas: dict) -> str:
    """An area's name, or its id when it has none."""
    area = areas.get(area_id)
    return area.name if area is not None and area.name else area_id


@cache
def _may_have_address(kind: type) -> bool:
    """Whether a dwelling of this class can have an address: a pydantic
    model has one only as a field (its models take no others), and
    asking one without the field costs an exception inside pydantic,
    which at national scale was half a second."""
    fields = getattr(kind, "model_fields", None)
    return not isinstance(fields, dict) or "address" in fields \
        or kind.model_config.get("extra") != "forbid"


def move_in(d, as_of: date) -> date:
    """The first day the household can move in: availability or today."""
    return max(as_of, d.available_from)


def match_reasons(m, t: Translator, limit: int = 4) -> str:
    """The criteria that counted most for a match, in words."""
    return _Reasons(t, limit)(m)


class _Reasons:
    """
    ``match_reasons`` for the matches of one view: the words of each
    criterion with its points, and of each rank among so many eligible,
    are worked out once, as a national view words 13,000 matches from
    far fewer of either.
    """

    def __init__(self, t: Translator, limit: int = 4) -> None:
        self.t = t
        self.limit = limit
        self._criteria: dict[tuple, str] = {}
        self._ranks: dict[tuple, str] = {}

    def __call__(self, m) -> str:
        # The criteria that counted, most first (in their order on a
        # tie); only the first few are worded.
        counted = sorted([(c, v) for c, v in m.scores.items() if v],
                         key=_magnitude, reverse=True)[:self.limit]
        text = self._rank(m.rank, m.eligible)
        if counted:
            text += "; " + ", ".join(map(self._criterion, counted))
        if m.shared:
            text += "; " + self.t._("a room in shared housing")
        if m.locked:
            text += "; " + self.t._("locked by the housing office")
        return text

    def _criterion(self, scored: tuple) -> str:
        try:
            return self._criteria[scored]
        except KeyError:
            c, v = scored
            words = self._criteria[scored] = \
                f"{self.t._(CRITERION_TEXT.get(c, c))} ({v:+d})"
            return words

    def _rank(self, rank: int, eligible: int) -> str:
        key = (rank, eligible)
        try:
            return self._ranks[key]
        except KeyError:
            t = self.t
            words = self._ranks[key] = t._(
                "best of {n} eligible", n=t.number(eligible)) \
                if rank == 1 else t._("rank {rank} of {n} eligible",
                                      rank=t.number(rank),
                                      n=t.number(eligible))
            return words


def _magnitude(scored: tuple) -> int:
    """How much a criterion counted, whichever its sign (a sort key)."""
    return abs(scored[1])


def waiting_explanation(u, num_dwellings: int, t: Translator) -> str:
    """Why a household waits, from the proposal's structured reason."""
    reason = u.reason.value
    if reason == "no_eligible_dwelling":
        ruled = ", ".join(
            f"{t.number(n)} {t._(RULE_TEXT.get(r, r))}"
            for r, n in sorted(u.excluded_by.items(), key=lambda kv: -kv[1])
            if n
        )
        return t._("No eligible dwelling: none of the {total} dwellings "
                   "passes every rule. Ruled out: {ruled}.",
                   total=t.number(num_dwellings),
                   ruled=ruled or t._("none"))
    if reason == "outcompeted":
        names = ", ".join(
            t._("{dwelling} went to {household} (priority {priority})",
                dwelling=c.dwelling, household=c.household,
                priority=t.number(c.priority))
            for c in u.competitors
        )
        return t._("Every eligible dwelling went to a household with "
                   "higher priority: {names}. Its priority is "
                   "{priority}.", names=names,
                   priority=t.number(u.priority))
    if reason == "capacity":
        return t._("Eligible dwellings stayed empty because a dispersion "
                   "cap or a council decision is full; see the binding "
                   "rules.")
    return t._("No proposal was made: the housing office's locks cannot "
               "all hold together.")


def _subject_text(b, areas, municipalities, t: Translator) -> str:
    if b.rule == "area_cap" and b.subject in areas:
        return areas[b.subject].name or b.subject
    if b.rule == "quota" and b.subject in municipalities:
        return municipalities[b.subject].name or b.subject
    return b.subject


def binding_explanation(b, t: Translator) -> str:
    if b.marginal_housed is None and b.marginal_objective is None:
        return t._("Full: {used} of {limit} places used. Its marginal "
                   "value was not computed.", used=t.number(b.used),
                   limit=t.number(b.limit))
    return t._("Full: {used} of {limit} places used. One more place "
               "would house {housed} more and gain {points} points.",
               used=t.number(b.used), limit=t.number(b.limit),
               housed=t.number(b.marginal_housed or 0),
               points=t.number(b.marginal_objective or 0))


def office_view(proposal: Proposal, instance: Instance, t: Translator,
                policy: Policy | None = None) -> OfficeView:
    """
    Every table of the proposal as an officer reads it.

    Parameters
    ----------
    proposal
        The proposal.
    instance
        The instance it was made from (names, addresses, sizes, rent).
    t
        The language.
    """
    t = _Words(t)
    places = _Places(instance, t)
    people = _Households(instance, t)
    empty = _empty_rows(proposal, instance, places)
    return OfficeView(_match_rows(proposal, instance, places, people),
                      _waiting_rows(proposal, people, len(places.dwellings)),
                      empty, _binding_rows(proposal, places),
                      _area_rows(proposal, instance, places),
                      key_figures(proposal, instance, t, policy,
                                  len(empty)))


class _Words:
    """
    The view's translator, with the text of each number and of each
    message without placeholders worked out once: a national view
    formats tens of thousands of the same few numbers (babel takes
    25 microseconds a number) and labels.
    """

    def __init__(self, t: Translator):
        self._t = t
        self._numbers: dict = {}
        self._labels: dict[str, str] = {}

    def __getattr__(self, name: str):
        return getattr(self._t, name)

    def number(self, value, digits: int | None = None) -> str:
        # By type too: True and 1 are equal keys but read differently.
        key = (value.__class__, value, digits)
        try:
            return self._numbers[key]
        except KeyError:
            text = self._numbers[key] = self._t.number(value, digits)
            return text

    def gettext(self, message: str, /, **values) -> str:
        if values:
            return self._t.gettext(message, **values)
        try:
            return self._labels[message]
        except KeyError:
            text = self._labels[message] = self._t.gettext(message)
            return text

    _ = gettext


class _Places:
    """The instance's areas and municipalities by id, and the words a
    view shows for dwellings' places, sizes, tenures and rents, column
    by column."""

    def __init__(self, instance: Instance, t: Translator):
        self.dwellings = {d.id: d for d in instance.dwellings}
        self.areas = {a.id: a for a in instance.areas}
        self.municipalities = {m.id: m for m in instance.municipalities}
        self.t = t
        # Worded once per place and tenure, not per dwelling.
        self._places: dict[tuple, tuple[str, str]] = {}
        self._tenures: dict = {}

    def municipality(self, mid: str) -> str:
        """A municipality's name, or its id when it has none."""
        m = self.municipalities.get(mid)
        return (m.name or mid) if m is not None else mid

    def columns(self, dwellings: list) -> dict[str, list]:
        """The dwellings' ids, addresses (or areas), municipalities, area
        ids, sizes, tenures, rents and dates, as the view shows them."""
        fields = _columns(dwellings, _DWELLING_FIELDS)
        if any(map(_may_have_address, set(map(type, dwellings)))):
            places = [self._where(d) for d in dwellings]
        else:
            places = list(map(self._place, fields["area"],
                              fields["municipality"]))
        return {
            "dwelling": fields["id"],
            "address": [address for address, _ in places],
            "municipality": [name for _, name in places],
            "area_id": fields["area"],
            "bedrooms": fields["bedrooms"],
            "floor_area": fields["floor_area_m2"],
            "floor": fields["floor"],
            "tenure": list(map(self._tenure, fields["tenure"])),
            "rent": fields["rent_nok"],
            "available_from": fields["available_from"],
            "available_until": fields["available_until"],
            "shared_rooms": fields["shared_rooms"],
        }

    def _where(self, d) -> tuple[str, str]:
        """A dwelling's address (or area) and municipality."""
        if _may_have_address(type(d)) and getattr(d, "address", None):
            return (place_text(d, self.areas, self.t),
                    self.municipality(d.municipality))
        return self._place(d.area, d.municipality)

    def _place(self, area: str, municipality: str) -> tuple[str, str]:
        """The area's name and the municipality's, of a dwelling without
        an address."""
        key = (area, municipality)
        try:
            return self._places[key]
        except KeyError:
            words = self._places[key] = (
                _area_name(area, self.areas),
                self.municipality(municipality))
            return words

    def _tenure(self, tenure) -> str:
        try:
            return self._tenures[tenure]
        except KeyError:
            words = self._tenures[tenure] = self.t._(
                TENURE_TEXT.get(tenure.value, tenure.value))
            return words


_DWELLING_FIELDS = (
    "id", "area", "municipality", "bedrooms", "floor_area_m2", "floor",
    "tenure", "rent_nok", "available_from", "available_until",
    "shared_rooms")
"""What a view shows of a dwelling, besides its address."""


def _columns(objects: list, names: tuple[str, ...]) -> dict[str, list]:
    """Attributes of the objects as a column each, every object read
    once: reading 30,000 dwellings once per column cost more than the
    reading itself (each object a miss of the processor's cache)."""
    if not objects:
        return {name: [] for name in names}
    return dict(zip(names, map(list, zip(*map(attrgetter(*names),
                                                objects)))))


class _Households:
    """Households' types, persons and compositions in words, worded
    once per composition: a national round has 20,000 households but
    far fewer compositions."""

    def __init__(self, instance: Instance, t: Translator):
        self.households = {h.id: h for h in instance.households}
        self.t = t
        self._words: dict[tuple, tuple[str, int, str]] = {}

    def columns(self, households: list[Household]) -> dict[str, list]:
        """The ``household``, ``type``, ``persons`` and ``composition``
        columns."""
        words = list(map(self._fields, households))
        return {"household": [h.id for h in households],
                "type": [kind for kind, _, _ in words],
                "persons": [persons for _, persons, _ in words],
                "composition": [text for _, _, text in words]}

    def _fields(self, h: Household) -> tuple[str, int, str]:
        # Each member's age (an adult's as ``ADULT_AGE``) and whether a
        # partner, and the reunification, are all that the type, size
        # and composition read: the key asks no derived attribute, each
        # of which walks the members again.
        key = (tuple([(m.age if m.age < ADULT_AGE else ADULT_AGE,
                       m.relation == Relation.PARTNER)
                      for m in h.members]),
               h.expected_reunification_persons)
        try:
            return self._words[key]
        except KeyError:
            words = self._words[key] = (
                self.t._(TYPE_TEXT[h.household_type]), h.size,
                composition(h, self.t))
            return words


_MATCH_FIELDS = ("waited_days", "within_deadline", "priority", "rank",
                 "eligible", "shared", "locked")
"""What a view shows of a match, besides its reasons."""


def _match_rows(proposal: Proposal, instance: Instance, places: _Places,
                people: _Households) -> Table:
    """A row per match, by household id."""
    t = places.t
    households, dwellings = people.households, places.dwellings
    matches, hs, ds = [], [], []
    for m in sorted(proposal.matches, key=attrgetter("household")):
        h, d = households.get(m.household), dwellings.get(m.dwelling)
        if h is not None and d is not None:
            matches.append(m)
            hs.append(h)
            ds.append(d)
    fields = _columns(matches, _MATCH_FIELDS)
    dwelling = places.columns(ds)
    as_of = instance.as_of
    # Worded once per rank and number eligible.
    rank_text = cache(lambda rank, n: t._("{rank} of {n}", rank=rank,
                                          n=n))
    return Table({
        **people.columns(hs),
        **{key: dwelling[key] for key in (
            "dwelling", "address", "municipality", "bedrooms",
            "floor_area", "floor", "tenure", "rent")},
        "move_in": [max(as_of, day)  # ``move_in`` of each dwelling
                    for day in dwelling["available_from"]],
        "waited_days": fields["waited_days"],
        "within_deadline": fields["within_deadline"],
        "priority": fields["priority"],
        "rank": list(map(rank_text, fields["rank"], fields["eligible"])),
        "shared": fields["shared"],
        "locked": fields["locked"],
        "reasons": list(map(_Reasons(t), matches)),
    })


def _waiting_rows(proposal: Proposal, people: _Households,
                  num_dwellings: int) -> Table:
    """A row per household left waiting, highest priority first."""
    t = people.t
    households = people.households
    waiting, hs = [], []
    for u in sorted(proposal.unmatched, key=lambda u: (-u.priority,
                                                       u.household)):
        h = households.get(u.household)
        if h is not None:
            waiting.append(u)
            hs.append(h)
    fields = _columns(waiting, ("waited_days", "priority", "reason"))
    return Table({
        **people.columns(hs),
        "waited_days": fields["waited_days"],
        "priority": fields["priority"],
        "reason": list(map(_reason_words(fields["reason"], t).get,
                           fields["reason"])),
        "explanation": [waiting_explanation(u, num_dwellings, t)
                        for u in waiting],
    })


def _reason_words(reasons: list, t: Translator) -> dict:
    """The words of each reason a household waits, by reason."""
    return {reason: t._(REASON_TEXT.get(reason.value, reason.value))
            for reason in set(reasons)}


def _empty_rows(proposal: Proposal, instance: Instance,
                places: _Places) -> Table:
    """A row per dwelling no household takes, in the instance's order."""
    taken = {m.dwelling for m in proposal.matches}
    return Table(places.columns([d for d in instance.dwellings
                                 if d.id not in taken]))


def _binding_rows(proposal: Proposal, places: _Places) -> Table:
    """A row per full cap or quota, with its marginal value."""
    t = places.t
    binding = proposal.binding
    return Table({
        "rule": [t._(BINDING_TEXT.get(b.rule, b.rule)) for b in binding],
        "subject": [_subject_text(b, places.areas, places.municipalities,
                                  t) for b in binding],
        "used": [b.used for b in binding],
        "limit": [b.limit for b in binding],
        "marginal_housed": [b.marginal_housed for b in binding],
        "marginal_objective": [b.marginal_objective for b in binding],
        "explanation": [binding_explanation(b, t) for b in binding],
    })


def _area_rows(proposal: Proposal, instance: Instance,
               places: _Places) -> Table:
    """A row per area: dwellings offered, settled and left empty, and the
    refugee share before and after."""
    dwellings = places.dwellings
    offered = Counter(map(attrgetter("area"), instance.dwellings))
    settled = Counter(dwellings[m.dwelling].area for m in proposal.matches
                      if m.dwelling in dwellings)
    after = proposal.kpis.area_refugee_share_after if proposal.kpis else {}
    areas = instance.areas
    return Table({
        "area_id": [a.id for a in areas],
        "area": [a.name or a.id for a in areas],
        "municipality": [places.municipality(a.municipality)
                         for a in areas],
        "dwellings": [offered[a.id] for a in areas],
        "matched": [settled[a.id] for a in areas],
        "empty": [offered[a.id] - settled[a.id] for a in areas],
        "share_before": [a.refugee_households / a.resident_households
                         if a.resident_households else None
                         for a in areas],
        "share_after": [after.get(a.id, _share_after(a, settled[a.id]))
                        for a in areas],
    })


def _share_after(area, settled: int) -> float | None:
    """An area's refugee share once ``settled`` more households live
    there (when the proposal's figures lack it)."""
    total = area.resident_households + settled
    return (area.refugee_households + settled) / total if total else None


def key_figures(proposal: Proposal, instance: Instance, t: Translator,
                policy: Policy | None, num_empty: int
                ) -> list[tuple[str, str]]:
    """The round's key figures as (label, value) in the view's language."""
    k = proposal.kpis
    s = proposal.solver
    rows = [
        (t._("Planning date"), t.date(proposal.provenance.as_of)),
        (t._("Policy"), proposal.provenance.policy_name),
        (t._("Status"), t._("optimal, proven") if s.proven_optimal
         else t._("not proven optimal")),
    ]
    if k is not None:
        rows += [
            (t._("Households housed"),
             t._("{a} of {b}", a=t.number(k.housed),
                 b=t.number(k.households))),
            (t._("Families with children and minors housed"),
             t._("{a} of {b}", a=t.number(k.housed_priority_group),
                 b=t.number(k.priority_group))),
            (t._("Housed within their settlement deadline"),
             t.number(k.housed_within_deadline)),
            (t._("Crowded after moving in (Statistics Norway)"),
             t.number(k.crowded)),
            (t._("Mean bedrooms beyond the need"),
             t.number(k.mean_surplus_bedrooms, 2)),
            (t._("Rooms in shared housing"), t.number(k.shared)),
        ]
    rows += [
        (t._("Households waiting"), t.number(len(proposal.unmatched))),
        (t._("Dwellings offered"), t.number(len(instance.dwellings))),
        (t._("Dwellings left empty"), t.number(num_empty)),
        (t._("Binding rules"), t.number(len(proposal.binding))),
    ]
    if proposal.objective is not None:
        o = proposal.objective
        rows.append((t._("Priority points / quality points"),
                     f"{t.number(o.primary)} / {t.number(o.secondary)}"))
    return rows
