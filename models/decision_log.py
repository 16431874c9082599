"""
The decision log: dated events of a settlement round, kept apart from the
instance data so that a fresh export of the data does not lose them.

An office offers a dwelling to a household; the household accepts or
declines it (with a coded reason); an offer may be withdrawn; a household
may be parked (not available until a date) and the park lifted; the office
may lock or ban a pair, override a hard rule for one pair (with its
reason), or add a note. The engine derives locks, bans and parks from the
log under the policy's ``[decisions]`` rules (``models.policy.
DecisionRules``); see ``allocator.decisions``.

A log is a table with the columns of ``LOG_COLUMNS``, in that order, as
CSV, an XLSX sheet or a JSON list of objects.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from enum import StrEnum
from typing import Self

from pydantic import Field, model_validator

from ._base import Identifier, StrictModel
from .problems import N_, Problem, _


class EventKind(StrEnum):
    """What happened. Events are read in date order, rows in file order."""

    OFFER = "offer"
    """The office offered the dwelling to the household; open until
    accepted, declined, withdrawn or expired (``offer_open_days``)."""
    ACCEPT = "accept"
    """The household accepted an open offer of this dwelling."""
    DECLINE = "decline"
    """The household declined an open offer, with a coded reason; the
    policy decides the consequence (ban, park, hold)."""
    WITHDRAW = "withdraw"
    """The office took back an offer, an accepted match, a lock or an
    override of this pair; nothing follows for the household."""
    PARK = "park"
    """The household is not available until ``until`` (illness, travel,
    waiting for a document)."""
    LIFT = "lift"
    """Ends a park, or the hold after too many declines, of the
    household; its count of declines starts again from zero."""
    LOCK = "lock"
    """This household gets this dwelling (it must pass every hard rule)."""
    BAN = "ban"
    """Never this pair."""
    OVERRIDE = "override"
    """A lock that breaks the named hard rule ``rule``, allowed with a
    reason in ``note`` (for instance an override of IMDi's selection,
    DOMAIN.md 7.1.10). Reported as such in every output."""
    NOTE = "note"
    """A note on the household (and dwelling, if given); no consequence."""
    SELF_FOUND_ACCEPTED = "self_found_accepted"
    """The municipality accepted the dwelling the household found itself
    (egenbosetting, DOMAIN.md 7.1.9): ``municipal_acceptance`` becomes
    ``granted``."""
    SELF_FOUND_APPROVED = "self_found_approved"
    """IMDi approved the dwelling the household found itself:
    ``imdi_approval`` becomes ``granted``. Accepted and approved while the
    landlord's offer stands, it is the household's match."""
    SELF_FOUND_REFUSED = "self_found_refused"
    """The municipality or IMDi refused the dwelling the household found
    itself (the note says who): both become ``refused``; the dwelling
    stays reserved until the landlord's offer lapses."""


class DeclineReason(StrEnum):
    """
    Why a household declined an offer, coded for reporting. Fitted to
    Norwegian settlement: the household's own reasons first, then the
    office's side.
    """

    TOO_SMALL = "too_small"
    """The dwelling is too small for the household as it sees itself."""
    UNSUITABLE = "unsuitable"
    """The dwelling is unsuitable (standard, floor, surroundings)."""
    FAR_FROM_NETWORK = "far_from_network"
    """Too far from family, network, work or school."""
    NEEDS_NOT_MET = "needs_not_met"
    """A health or accessibility need is not met (no details here)."""
    OTHER_MUNICIPALITY = "other_municipality"
    """The household wants to settle in another municipality."""
    OWN_DWELLING = "own_dwelling"
    """The household found a dwelling of its own (egenbosetting)."""
    NOT_READY = "not_ready"
    """The household is no longer settlement-ready."""
    NO_ANSWER = "no_answer"
    """No answer within the time the offer was open."""
    LANDLORD_REFUSED = "landlord_refused"
    """The landlord refused the household (the provider's decline)."""
    OTHER = "other"
    """Another reason, given in the note (required)."""


OVERRIDABLE_RULES = (
    "availability",
    "assigned_municipality",
    "size_too_small",
    "size_too_large",
    "individual_need",
    "child_safety",
    "care_housing",
    "affordability",
    "self_found",
)
"""Hard rules an ``override`` may name: the pair rules of
``allocator.data.RULES`` except ``banned`` (lift a ban by locking)."""

NEEDS_DWELLING = frozenset({
    EventKind.OFFER, EventKind.ACCEPT, EventKind.DECLINE, EventKind.WITHDRAW,
    EventKind.LOCK, EventKind.BAN, EventKind.OVERRIDE,
    EventKind.SELF_FOUND_ACCEPTED, EventKind.SELF_FOUND_APPROVED,
    EventKind.SELF_FOUND_REFUSED,
})
"""Event kinds that concern one household-dwelling pair."""

LOG_COLUMNS = (
    "date", "kind", "household", "dwelling", "officer", "reason", "rule",
    "until", "note",
)
"""Columns of a decision log file, in this order."""


class DecisionEvent(StrictModel):
    """
    One dated event of the decision log.

    Parameters
    ----------
    date
        The day it happened.
    kind
        What happened (``EventKind``).
    household
        The household's id.
    dwelling
        The dwelling's id; required for offer, accept, decline, withdraw,
        lock, ban and override; optional for a note; not allowed
        otherwise.
    officer
        The officer's pseudonymous id (never a name).
    reason
        For a decline (required there, nowhere else): a ``DeclineReason``;
        ``other`` needs a note.
    rule
        For an override (required there, nowhere else): the hard rule it
        breaks, one of ``OVERRIDABLE_RULES``; the note gives the reason.
    until
        For a park (required there, nowhere else): the first day the
        household is available again; after ``date``.
    note
        Free text. Never write health details here: notes go into the
        proposal and its explanations.
    """

    date: date
    kind: EventKind
    household: Identifier
    dwelling: Identifier | None = None
    officer: Identifier
    reason: DeclineReason | None = None
    rule: str | None = None
    until: date | None = None
    note: str = Field(default="", max_length=1000)

    def problems(self, index: int = 0) -> Iterator[Problem]:
        """What is wrong with this event on its own, located at ``index``."""
        t = "decisions"
        kind = self.kind
        if kind in NEEDS_DWELLING and self.dwelling is None:
            yield Problem(loc=(t, index, "dwelling"), rule="missing-value",
                          message=_("{event} names a dwelling.",
                                    event=_a(kind)))
        if kind not in NEEDS_DWELLING and kind != EventKind.NOTE and (
            self.dwelling is not None
        ):
            yield Problem(loc=(t, index, "dwelling"), rule="not-allowed",
                          message=_("{event} concerns the household only; "
                                    "leave dwelling blank.", event=_a(kind)))
        if kind == EventKind.DECLINE:
            if self.reason is None:
                yield Problem(
                    loc=(t, index, "reason"), rule="missing-value",
                    message=_("a decline needs a coded reason: one of "
                              "{choices}.", choices=", ".join(
                                  r.value for r in DeclineReason)))
            elif self.reason == DeclineReason.OTHER and not self.note:
                yield Problem(
                    loc=(t, index, "note"), rule="missing-value",
                    message=_("a decline for reason 'other' needs the "
                              "reason in the note."))
        elif self.reason is not None:
            yield Problem(loc=(t, index, "reason"), rule="not-allowed",
                          message=_("only a decline has a reason code."))
        if kind == EventKind.OVERRIDE:
            if self.rule is None:
                yield Problem(
                    loc=(t, index, "rule"), rule="missing-value",
                    message=_("an override names the hard rule it breaks: "
                              "one of {choices}.",
                              choices=", ".join(OVERRIDABLE_RULES)))
            elif self.rule not in OVERRIDABLE_RULES:
                yield Problem(
                    loc=(t, index, "rule"), rule="unknown-value",
                    message=_("rule {rule!r} cannot be overridden; use one "
                              "of {choices}.", rule=self.rule,
                              choices=", ".join(OVERRIDABLE_RULES)))
            if not self.note:
                yield Problem(loc=(t, index, "note"), rule="missing-value",
                              message=_("an override needs its reason in "
                                        "the note."))
        elif self.rule is not None:
            yield Problem(loc=(t, index, "rule"), rule="not-allowed",
                          message=_("only an override names a rule."))
        if kind == EventKind.PARK:
            if self.until is None:
                yield Problem(loc=(t, index, "until"), rule="missing-value",
                              message=_("a park needs the date the "
                                        "household is available again."))
            elif self.until <= self.date:
                yield Problem(loc=(t, index, "until"), rule="date-order",
                              message=_("until {until} is not after the "
                                        "park's date {date}.",
                                        until=self.until, date=self.date))
        elif self.until is not None:
            yield Problem(loc=(t, index, "until"), rule="not-allowed",
                          message=_("only a park has an until date."))


class DecisionLog(StrictModel):
    """
    The dated events of a round, in the order they happened.

    Construction validates each event and the sequence (dates in order; an
    accept, decline or withdraw of an offer that is open; a lift of a
    household that was parked or declined) and raises listing every
    problem; ``decision_log_problems`` gives them located by row, and with
    an instance also unknown ids. Whether an offer has expired depends on
    the policy (``DecisionRules.offer_open_days``) and is checked there.
    """

    events: tuple[DecisionEvent, ...] = ()

    @model_validator(mode="after")
    def _check_sequence(self) -> Self:
        problems = decision_log_problems(self)
        if problems:
            lines = [
                _("row {row}, {column}: {message}", row=p.loc[1] + 1,
                  column=p.loc[2], message=p.message)
                if len(p.loc) > 2 else p.message
                for p in problems
            ]
            raise ValueError(
                _("{n} problem(s) in decision log:", n=len(problems))
                + "\n  " + "\n  ".join(lines)
            )
        return self


def decision_log_problems(
    log: DecisionLog,
    households=None,
    dwellings=None,
    offer_open_days: int | None = None,
) -> list[Problem]:
    """
    Every problem of a decision log, located as ``("decisions", row index,
    column)``.

    Works on logs built with ``model_construct`` too, so readers can
    locate each problem.

    Parameters
    ----------
    households, dwellings
        Known ids; when given, unknown ids are problems.
    offer_open_days
        When given, an accept or decline after the offer expired is a
        problem.
    """
    return list(_log_problems(log.events, households, dwellings,
                              offer_open_days))


def _a(kind: EventKind) -> str:
    """The event kind with its article: "an offer", "a decline"."""
    return _(EVENT_TEXT[kind.value])


EVENT_TEXT = {
    "offer": N_("an offer"),
    "accept": N_("an accept"),
    "decline": N_("a decline"),
    "withdraw": N_("a withdraw"),
    "park": N_("a park"),
    "lift": N_("a lift"),
    "lock": N_("a lock"),
    "ban": N_("a ban"),
    "override": N_("an override"),
    "note": N_("a note"),
}
"""Each event kind with its article, for messages."""


def _log_problems(events, households, dwellings, open_days):
    """Every problem of the log's rows, replayed in order: unknown ids,
    dates out of order, and events the earlier rows do not allow."""
    t = "decisions"
    previous: date | None = None
    replay = _Replay(open_days)
    for i, e in enumerate(events):
        yield from e.problems(i)
        if households is not None and e.household not in households:
            yield Problem(loc=(t, i, "household"), rule="unknown-reference",
                          message=_("household references unknown "
                                    "household {id!r}.", id=e.household))
        if (dwellings is not None and e.dwelling is not None
                and e.dwelling not in dwellings):
            yield Problem(loc=(t, i, "dwelling"), rule="unknown-reference",
                          message=_("dwelling references unknown "
                                    "dwelling {id!r}.", id=e.dwelling))
        if previous is not None and e.date < previous:
            yield Problem(loc=(t, i, "date"), rule="date-order",
                          message=_("date {date} is before the previous "
                                    "row's {previous}; list events in the "
                                    "order they happened.", date=e.date,
                                    previous=previous))
        previous = e.date if previous is None else max(previous, e.date)
        yield from replay.event(i, e)


class _Replay:
    """
    What the log's rows so far leave open, replayed event by event:
    open offers by household (dwelling, date, row), matches given
    (accepted, locked, overridden) and households whose park or decline
    a ``lift`` may end.
    """

    def __init__(self, open_days):
        self.open_days = open_days
        self.open_offer: dict[str, tuple[str, date, int]] = {}
        self.given: dict[tuple[str, str], int] = {}
        self.may_lift: set[str] = set()

    def event(self, i, e):
        """The problems of event ``e`` in row ``i``, given the rows before;
        the event is then replayed."""
        h, d, kind = e.household, e.dwelling, e.kind
        offer = self.open_offer.get(h)
        if offer is not None and self.open_days is not None and (
            offer[1] + timedelta(days=self.open_days) < e.date
        ):
            # Expired before this event: no longer open.
            if kind in (EventKind.ACCEPT, EventKind.DECLINE) and (
                offer[0] == d
            ):
                yield Problem(
                    loc=("decisions", i, "date"), rule="offer-expired",
                    message=_("the offer of {dwelling} to {household} (row "
                              "{row}) expired on {expired}; offer it again "
                              "first.", dwelling=d, household=h,
                              row=offer[2] + 2,
                              expired=offer[1]
                              + timedelta(days=self.open_days)))
                return
            del self.open_offer[h]
            offer = None
        if kind == EventKind.OFFER:
            yield from self._offer(i, e, offer)
        elif kind in (EventKind.ACCEPT, EventKind.DECLINE):
            yield from self._answer(i, e, offer)
        elif kind == EventKind.WITHDRAW:
            yield from self._withdraw(i, e, offer)
        elif kind in (EventKind.LOCK, EventKind.OVERRIDE):
            self.given[(h, d)] = i
        elif kind == EventKind.PARK:
            self.may_lift.add(h)
        elif kind == EventKind.LIFT:
            if h not in self.may_lift:
                yield Problem(
                    loc=("decisions", i, "kind"), rule="lift-without-park",
                    message=_("nothing to lift: household {household} was "
                              "neither parked nor declined an offer in an "
                              "earlier row.", household=h))
            self.may_lift.discard(h)

    def _offer(self, i, e, offer):
        """An offer, refused while another dwelling's offer is open."""
        h, d = e.household, e.dwelling
        if offer is not None and offer[0] != d:
            yield Problem(
                loc=("decisions", i, "dwelling"), rule="offer-open",
                message=_("household {household} already has an open "
                          "offer of {dwelling} (row {row}); withdraw it "
                          "first.", household=h, dwelling=offer[0],
                          row=offer[2] + 2))
        self.open_offer[h] = (d, e.date, i)

    def _answer(self, i, e, offer):
        """An accept or decline, which needs the dwelling's open offer."""
        h, d, kind = e.household, e.dwelling, e.kind
        if offer is None or offer[0] != d:
            yield Problem(
                loc=("decisions", i, "kind"), rule=f"{kind}-without-offer",
                message=_("{event} of {dwelling} by {household} needs an "
                          "open offer of that dwelling in an earlier "
                          "row.", event=_a(kind), dwelling=d,
                          household=h))
        else:
            del self.open_offer[h]
        if kind == EventKind.ACCEPT:
            self.given[(h, d)] = i
        else:
            self.may_lift.add(h)

    def _withdraw(self, i, e, offer):
        """A withdrawal, of an open offer or of a match given earlier."""
        h, d = e.household, e.dwelling
        if offer is not None and offer[0] == d:
            del self.open_offer[h]
        elif self.given.pop((h, d), None) is None:
            yield Problem(
                loc=("decisions", i, "kind"), rule="withdraw-without-offer",
                message=_("nothing to withdraw: no open offer, accepted "
                          "match, lock or override of {dwelling} for "
                          "{household} in an earlier row.", dwelling=d,
                          household=h))
