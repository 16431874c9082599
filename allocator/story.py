"""One household's story, told from a proposal."""

from __future__ import annotations

from models import Proposal

from .data import CRITERION_LABEL, PROFESSIONAL
from .i18n import N_, _, current

LABELS = CRITERION_LABEL
"""Labels of the scored criteria, from their records."""

NOT_JUDGED = {
    "affordability": N_("affordability not judged: the household's income "
                        "is unknown"),
}

DECLINE_TEXT = {
    "too_small": N_("dwelling too small"),
    "unsuitable": N_("dwelling unsuitable"),
    "far_from_network": N_("too far from family or network"),
    "needs_not_met": N_("health or accessibility needs not met"),
    "other_municipality": N_("wants another municipality"),
    "own_dwelling": N_("found a dwelling of its own"),
    "not_ready": N_("no longer settlement-ready"),
    "no_answer": N_("no answer"),
    "landlord_refused": N_("landlord refused"),
    "other": N_("other"),
}
"""Why a household declined (``models.DeclineReason``), in words."""

UNMATCHED_TEXT = {
    "no_eligible_dwelling": N_("no eligible dwelling"),
    "outcompeted": N_("outcompeted"),
    "capacity": N_("capacity"),
    "lock_conflict": N_("lock conflict"),
    "parked": N_("parked"),
    "held": N_("held"),
}
"""Why a household waits (``models.UnmatchedReason``), in words."""


def household_story(proposal: Proposal, household: str) -> str | None:
    """One household's story, with what the office's decisions did."""
    story = _story(proposal, household)
    if story is None:
        return None
    notes = [_("Lock set aside: {message}", message=x.message)
             for x in proposal.set_aside if x.household == household]
    notes += [_("Override: {message}", message=o.message)
              for o in proposal.overrides if o.household == household]
    notes += [_("Changed since the previous proposal: {message}",
                message=c.message)
              for c in proposal.changes if c.household == household]
    for row in (*proposal.matches, *proposal.unmatched):
        if row.household == household:
            notes += [_(NOT_JUDGED[r]) if r in NOT_JUDGED
                      else _("{rule} not judged", rule=r)
                      for r in row.not_judged]
    return "\n".join([story, *notes])


def _story(proposal: Proposal, household: str) -> str | None:
    """
    The proposal for one household in plain words: where and why, or why
    it waits. Sensitive details never appear, only the rule they trigger.
    """
    for m in proposal.matches:
        if m.household == household:
            return _matched(m)
    for u in proposal.unmatched:
        if u.household == household:
            return _unmatched(u)
    return None


def _matched(m) -> str:
    lines = [
        f"{m.household} -> {m.dwelling}"
        + (" " + _("(a room in shared housing)") if m.shared else "")
        + (" " + _("[locked by the housing office]") if m.locked else ""),
        "  " + (_("priority {priority}; waited {days} days, within its "
                  "settlement deadline", priority=m.priority,
                  days=m.waited_days) if m.within_deadline
                else _("priority {priority}; waited {days} days, past its "
                       "settlement deadline", priority=m.priority,
                       days=m.waited_days)),
        "  " + _("this dwelling ranks {rank} of {eligible} eligible by "
                 "quality (total {quality})", rank=m.rank,
                 eligible=m.eligible, quality=m.quality),
    ]
    for title, keep in (
        (_("professional suitability"), lambda c: c in PROFESSIONAL),
        (_("household's wishes"), lambda c: c not in PROFESSIONAL),
    ):
        parts = [
            f"    {_(LABELS[c]) if c in LABELS else c}: {v:+d}"
            for c, v in m.scores.items()
            if keep(c) and v
        ]
        if parts:
            lines.append(f"  {title}:")
            lines.extend(parts)
    if m.rank > 1:
        lines.append("  " + _(
            "better-ranked dwellings went to others or would have left "
            "someone with higher priority unhoused"
        ))
    if m.alternative is not None:
        lines.append(f"  {m.alternative.message}")
    return "\n".join(lines)


def _unmatched(u) -> str:
    reason = u.reason.value
    lines = [
        _("{household} waits (priority {priority}, waited {days} days)",
          household=u.household, priority=u.priority, days=u.waited_days),
        "  " + _("reason: {reason}", reason=_(UNMATCHED_TEXT[reason])
                 if reason in UNMATCHED_TEXT else reason.replace("_", " ")),
        f"  {u.message}",
    ]
    for c in u.competitors:
        lines.append("  - " + _(
            "{dwelling} went to {household} (priority {priority})",
            dwelling=c.dwelling, household=c.household,
            priority=c.priority))
    if u.queue:
        lines.append("  " + _("its place in the queue for its best "
                              "dwellings:"))
        lines.extend(f"  - {q.message}" for q in u.queue)
    if u.next_free is not None:
        lines.append("  " + _("first date a fitting dwelling frees up: "
                              "{date}", date=current().date(u.next_free,
                                                            "short")))
    if u.smallest_change:
        lines.append("  " + _("smallest change that would make a dwelling "
                              "eligible:"))
        lines.extend(f"  - {c.message}" for c in u.smallest_change)
    if u.declines:
        lines.append("  " + _("declined offers:"))
        lines.extend(
            "  - " + (_("{date}: {dwelling} ({reason})",
                        date=current().date(x.date, "short"),
                        dwelling=x.dwelling, reason=_decline(x.reason))
                      if x.counted else
                      _("{date}: {dwelling} ({reason}; not counted)",
                        date=current().date(x.date, "short"),
                        dwelling=x.dwelling, reason=_decline(x.reason)))
            for x in u.declines
        )
    return "\n".join(lines)


def _decline(reason: str) -> str:
    """A decline's reason in words."""
    if reason in DECLINE_TEXT:
        return _(DECLINE_TEXT[reason])
    return reason.replace("_", " ")
