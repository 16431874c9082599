"""One household's story, told from a proposal."""

from __future__ import annotations

from models import Proposal

from .data import PROFESSIONAL

LABELS = {
    "size_fit": "size fit",
    "services": "services within reach",
    "condition": "dwelling condition",
    "child_suitability": "child-friendly surroundings",
    "tenure": "security of tenure",
    "reunification": "room for expected reunification",
    "wish_central": "wish: central",
    "wish_compatriots": "wish: near compatriots",
    "wish_place": "wish: near a named place",
    "school_change": "keeping the children's school",
    "care_housing": "beside care housing",
    "late_move_in": "moving in after the settlement deadline",
    "moving": "a sitting tenant staying or moving on",
}


def household_story(proposal: Proposal, household: str) -> str | None:
    """One household's story, with what the office's decisions did."""
    story = _story(proposal, household)
    if story is None:
        return None
    notes = [f"Lock set aside: {x.message}" for x in proposal.set_aside
             if x.household == household]
    notes += [f"Override: {o.message}" for o in proposal.overrides
              if o.household == household]
    notes += [f"Changed since the previous proposal: {c.message}"
              for c in proposal.changes if c.household == household]
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
        + (" (a room in shared housing)" if m.shared else "")
        + (" [locked by the housing office]" if m.locked else ""),
        f"  priority {m.priority}; waited {m.waited_days} days, "
        + ("within" if m.within_deadline else "past")
        + " its settlement deadline",
        f"  this dwelling ranks {m.rank} of {m.eligible} eligible by quality"
        f" (total {m.quality})",
    ]
    for title, keep in (
        ("professional suitability", lambda c: c in PROFESSIONAL),
        ("household's wishes", lambda c: c not in PROFESSIONAL),
    ):
        parts = [
            f"    {LABELS.get(c, c)}: {v:+d}"
            for c, v in m.scores.items()
            if keep(c) and v
        ]
        if parts:
            lines.append(f"  {title}:")
            lines.extend(parts)
    if m.rank > 1:
        lines.append(
            "  better-ranked dwellings went to others or would have left "
            "someone with higher priority unhoused"
        )
    if m.alternative is not None:
        lines.append(f"  {m.alternative.message}")
    return "\n".join(lines)


def _unmatched(u) -> str:
    lines = [
        f"{u.household} waits (priority {u.priority}, waited "
        f"{u.waited_days} days)",
        f"  reason: {u.reason.value.replace('_', ' ')}",
        f"  {u.message}",
    ]
    for c in u.competitors:
        lines.append(
            f"  - {c.dwelling} went to {c.household} (priority "
            f"{c.priority})"
        )
    if u.queue:
        lines.append("  its place in the queue for its best dwellings:")
        lines.extend(f"  - {q.message}" for q in u.queue)
    if u.next_free is not None:
        lines.append(f"  first date a fitting dwelling frees up: "
                     f"{u.next_free}")
    if u.smallest_change:
        lines.append("  smallest change that would make a dwelling "
                     "eligible:")
        lines.extend(f"  - {c.message}" for c in u.smallest_change)
    if u.declines:
        lines.append("  declined offers:")
        lines.extend(
            f"  - {x.date}: {x.dwelling} ({x.reason.replace('_', ' ')}"
            + ("" if x.counted else "; not counted") + ")"
            for x in u.declines
        )
    return "\n".join(lines)
