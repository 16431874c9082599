"""
Consequences of the office's decisions, derived from the decision log by
the policy's ``[decisions]`` rules: which pairs are locked, which banned,
which households parked or held.

The log is read in order. What each event does:

- ``offer``: while open (``offer_open_days`` from its date, inclusive, at
  the instance's ``as_of``) it is a lock when ``offers_lock``; later it has
  expired and is listed as such.
- ``accept``: a lock when ``accepts_lock``.
- ``decline``: bans the pair when ``decline_bans_pair``; unless its reason
  is in ``uncounted_reasons``, parks the household for
  ``decline_park_days`` and counts towards ``declines_before_hold``, after
  which the household is held until a ``lift``.
- ``withdraw``: ends the open offer, accepted match, lock or override of
  the pair; nothing follows for the household.
- ``park``: the household is proposed nothing while ``as_of`` is before
  ``until``.
- ``lift``: ends a park and a hold; the count of declines starts again.
- ``lock`` / ``override``: a lock (an override may break its named rule);
  lifts a ban of the same pair.
- ``ban``: bans the pair; ends a lock of the same pair.
- ``self_found_accepted``, ``self_found_approved``, ``self_found_refused``:
  set the municipality's acceptance and IMDi's approval of a dwelling the
  household found itself (``Dwelling.municipal_acceptance``,
  ``imdi_approval``); the rule ``hard.self_found`` does the rest.

A later lock of a household replaces its earlier one. The instance's own
``decisions`` table holds standing locks and bans (``table``); the log's
lock of the same household replaces a table lock.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from models import (
    Decision,
    DecisionEvent,
    DecisionLog,
    EventKind,
    Instance,
    Policy,
)

from .i18n import N_, _

LOCK_ORDER = {"accept": 0, "override": 1, "lock": 2, "table": 2, "offer": 3}
"""Which locks are set aside first when locks cannot all hold: open offers
first, then the office's plain locks, overrides, and accepted offers last;
among equals the most recent first."""


@dataclass(frozen=True)
class Lock:
    """A lock and where it came from."""

    household: str
    dwelling: str
    decision: str
    """``offer``, ``accept``, ``lock``, ``override`` or ``table``."""
    row: int | None = None
    """Row index of its event in the log; ``None`` for the table."""
    date: date | None = None
    officer: str = ""
    rule: str | None = None
    """For an override: the hard rule it breaks."""
    note: str = ""

    def describe(self) -> str:
        """The lock in words: ``open offer H1 -> D2 of 2026-03-01``."""
        what = _(LOCK_WORD[self.decision])
        if self.date:
            return _("{what} {household} -> {dwelling} of {date}",
                     what=what, household=self.household,
                     dwelling=self.dwelling, date=self.date)
        return _("{what} {household} -> {dwelling}", what=what,
                 household=self.household, dwelling=self.dwelling)


LOCK_WORD = {
    "offer": N_("open offer"), "accept": N_("accepted offer"),
    "lock": N_("lock"), "override": N_("override"), "table": N_("lock"),
}
"""What kind of lock each decision sets, in words."""


@dataclass
class Derived:
    """
    What the log means for this round.

    Parameters
    ----------
    locks
        Household id -> its lock.
    bans
        (household id, dwelling id) -> what banned it: ``decline``,
        ``ban`` or ``table``.
    parked
        Household id -> the first day it is available again (only parks
        still in force at ``as_of``).
    held
        Household id -> its declines, for households held after
        ``declines_before_hold`` declines.
    expired
        Offers that expired unanswered: (household, dwelling, last day).
    history
        Household id -> its events (row index, event), in log order.
    """

    locks: dict[str, Lock] = field(default_factory=dict)
    bans: dict[tuple[str, str], str] = field(default_factory=dict)
    parked: dict[str, date] = field(default_factory=dict)
    held: dict[str, int] = field(default_factory=dict)
    expired: list[tuple[str, str, date]] = field(default_factory=list)
    history: dict[str, list[tuple[int, DecisionEvent]]] = field(
        default_factory=dict
    )
    self_found: dict[str, dict[str, str]] = field(default_factory=dict)
    """Dwelling id -> the states of its self-found approval the log set
    (``municipal_acceptance``, ``imdi_approval``)."""

    @property
    def overrides(self) -> dict[tuple[str, str], str]:
        """(household, dwelling) -> the rule each override lock breaks."""
        return {(k.household, k.dwelling): k.rule
                for k in self.locks.values() if k.decision == "override"}

    def unavailable(self, household: str) -> str | None:
        """Why the household is proposed nothing, or ``None``."""
        if household in self.held:
            return _("held after {n} declined offers until an officer "
                     "lifts it", n=self.held[household])
        if household in self.parked:
            return _("parked until {date}", date=self.parked[household])
        return None

    def instance(self, base: Instance,
                 set_aside: frozenset[str] = frozenset()) -> Instance:
        """
        The instance with these locks and bans as its ``decisions`` table
        (replacing its own, which ``derive`` took in), without the locks of
        the households in ``set_aside``; parked and held households are
        banned from every dwelling.
        """
        rows = []
        for hid in sorted(self.locks):
            if hid in set_aside or self.unavailable(hid):
                continue
            lock = self.locks[hid]
            rows.append(Decision(household=hid, dwelling=lock.dwelling,
                                 kind="lock", note=lock.decision))
        banned = set(self.bans)
        out = [hid for hid in sorted(set(self.parked) | set(self.held))]
        for hid in out:
            banned |= {(hid, d.id) for d in base.dwellings}
        rows += [Decision(household=h, dwelling=d, kind="ban")
                 for h, d in sorted(banned)
                 if not (h in self.locks and h not in set_aside
                         and not self.unavailable(h)
                         and self.locks[h].dwelling == d)]
        update = {"decisions": tuple(rows)}
        if self.self_found:
            update["dwellings"] = tuple(
                d.model_copy(update=self.self_found[d.id])
                if d.id in self.self_found else d
                for d in base.dwellings
            )
        return base.model_copy(update=update)


def derive(instance: Instance, policy: Policy,
           log: DecisionLog | None) -> Derived:
    """
    The locks, bans, parks and holds of a round: the instance's decisions
    table, then the log's events in order, under ``policy.decisions``.
    """
    rules = policy.decisions
    out = Derived()
    for dec in instance.decisions:
        if dec.kind == "lock":
            out.locks[dec.household] = Lock(dec.household, dec.dwelling,
                                            "table", note=dec.note)
        else:
            out.bans[(dec.household, dec.dwelling)] = "table"
    declines: Counter[str] = Counter()
    open_offer: dict[str, tuple[str, date]] = {}
    parked: dict[str, date] = {}
    open_days = timedelta(days=rules.offer_open_days)
    for row, e in enumerate(() if log is None else log.events):
        h, d, kind = e.household, e.dwelling, e.kind
        out.history.setdefault(h, []).append((row, e))
        lock = out.locks.get(h)
        if kind == EventKind.OFFER:
            open_offer[h] = (d, e.date)
            if rules.offers_lock:
                out.locks[h] = _lock(e, row, "offer")
        elif kind == EventKind.ACCEPT:
            open_offer.pop(h, None)
            if rules.accepts_lock:
                out.locks[h] = _lock(e, row, "accept")
            elif lock is not None and lock.dwelling == d:
                del out.locks[h]
        elif kind == EventKind.DECLINE:
            open_offer.pop(h, None)
            if lock is not None and lock.dwelling == d:
                del out.locks[h]
            if rules.decline_bans_pair:
                out.bans[(h, d)] = "decline"
            if e.reason in rules.uncounted_reasons:
                continue
            declines[h] += 1
            if rules.decline_park_days:
                until = e.date + timedelta(days=rules.decline_park_days)
                parked[h] = max(until, parked.get(h, until))
            hold = rules.declines_before_hold
            if hold is not None and declines[h] >= hold:
                out.held[h] = declines[h]
        elif kind == EventKind.WITHDRAW:
            if open_offer.get(h, (None,))[0] == d:
                del open_offer[h]
            if lock is not None and lock.dwelling == d:
                del out.locks[h]
        elif kind == EventKind.PARK:
            parked[h] = e.until
        elif kind == EventKind.LIFT:
            parked.pop(h, None)
            out.held.pop(h, None)
            declines[h] = 0
        elif kind in (EventKind.LOCK, EventKind.OVERRIDE):
            out.locks[h] = _lock(e, row, kind.value)
            out.bans.pop((h, d), None)
        elif kind == EventKind.BAN:
            out.bans[(h, d)] = "ban"
            if lock is not None and lock.dwelling == d:
                del out.locks[h]
        elif kind in SELF_FOUND_STATES:
            out.self_found.setdefault(d, {}).update(SELF_FOUND_STATES[kind])
    for h, (d, day) in sorted(open_offer.items()):
        if day + open_days < instance.as_of:
            out.expired.append((h, d, day + open_days))
            lock = out.locks.get(h)
            if lock is not None and lock.decision == "offer":
                del out.locks[h]
    out.parked = {h: until for h, until in parked.items()
                  if instance.as_of < until}
    return out


SELF_FOUND_STATES = {
    EventKind.SELF_FOUND_ACCEPTED: {"municipal_acceptance": "granted"},
    EventKind.SELF_FOUND_APPROVED: {"imdi_approval": "granted"},
    EventKind.SELF_FOUND_REFUSED: {"municipal_acceptance": "refused",
                                   "imdi_approval": "refused"},
}
"""What each self-found event sets on the dwelling."""


def _lock(e: DecisionEvent, row: int, decision: str) -> Lock:
    return Lock(e.household, e.dwelling, decision, row=row, date=e.date,
                officer=e.officer, rule=e.rule, note=e.note)


def set_aside_order(lock: Lock) -> tuple:
    """Sort key: the lock to set aside first comes first."""
    return (-LOCK_ORDER[lock.decision],
            -(lock.row if lock.row is not None else -1), lock.household)
