"""
The round's decision events as the engine's decision log
(``models.decision_log``), and what a solve passes to the engine.

The table stores each event once, append-only; at each solve the log is
built from the events recorded before the solve was asked for. A new
event is checked against the log as it stands (sequence, codes, ids)
before it is stored, with the engine's own rules.
"""

from __future__ import annotations

from models import DecisionLog, Proposal, decision_log_problems
from models import DecisionEvent as LogEvent

from .models import DecisionEvent

FIELDS = ("date", "kind", "household", "dwelling", "officer", "reason",
          "rule", "until", "note")


def as_log_event(row) -> LogEvent:
    values = {name: getattr(row, name) for name in FIELDS}
    for name in ("dwelling", "reason", "rule"):
        values[name] = values[name] or None
    return LogEvent(**values)


def events_for(round_id: int, upto_id: int | None = None):
    rows = DecisionEvent.objects.filter(round_id=round_id)
    if upto_id is not None:
        rows = rows.filter(id__lte=upto_id)
    return list(rows.order_by("id"))


def problems_with(round_id: int, new_row, instance) -> list[str]:
    """What is wrong with adding ``new_row`` (unsaved) to the round's log,
    in the engine's words; empty when it may be stored."""
    try:
        new = as_log_event(new_row)
    except ValueError as error:
        return [str(error)]
    events = [as_log_event(r) for r in events_for(round_id)] + [new]
    log = DecisionLog.model_construct(events=tuple(events))
    last = len(events) - 1
    return [
        p.message for p in decision_log_problems(
            log, {h.id for h in instance.households},
            {d.id for d in instance.dwellings})
        if len(p.loc) < 2 or p.loc[1] == last
    ]


def _last_event(solve) -> int:
    last = (DecisionEvent.objects.filter(
        round_id=solve.round_id, recorded_at__lte=solve.requested_at)
        .order_by("-id").values_list("id", flat=True).first())
    return last or 0


def solve_arguments(solve) -> tuple[dict, int]:
    """``decisions`` and ``previous`` for ``propose``, and the number of
    events in the log."""
    rows = events_for(solve.round_id, _last_event(solve))
    extra: dict = {}
    if rows:
        extra["decisions"] = DecisionLog(
            events=tuple(as_log_event(r) for r in rows))
    if solve.previous is not None and solve.previous.proposal_json:
        extra["previous"] = Proposal.model_validate_json(
            solve.previous.proposal_json)
    return extra, len(rows)

