"""
The round's decision events as the engine's decision log
(``models.decision_log``), and what a solve passes to the engine.

The table stores each event once, append-only; at each solve the log is
built from the events recorded before the solve was asked for. A new
event is checked against the log as it stands (sequence, codes, ids)
before it is stored, with the engine's own rules.

A decline is pending until a supervisor of the municipality reviews it
(``DeclineReview``). Only a confirmed decline is passed to the engine, so
only it bans the pair, parks or holds the household; until then the
offer stands. A decline the supervisor overrides is left out of the log
for good, for the engine and for checking later events. An event that
depends on a decline the engine does not see (a ``lift`` of it) is held
back with it.
"""

from __future__ import annotations

from models import DecisionLog, Proposal, decision_log_problems
from models import DecisionEvent as LogEvent

from .models import DecisionEvent, DeclineReview

FIELDS = ("date", "kind", "household", "dwelling", "officer", "reason",
          "rule", "until", "note")


def as_log_event(row) -> LogEvent:
    values = {name: getattr(row, name) for name in FIELDS}
    for name in ("dwelling", "reason", "rule"):
        values[name] = values[name] or None
    return LogEvent(**values)


def events_for(round_id: int, upto_id: int | None = None):
    """The round's events, without the declines a supervisor overrode."""
    rows = (DecisionEvent.objects.filter(round_id=round_id)
            .exclude(review__verdict=DeclineReview.OVERRIDE))
    if upto_id is not None:
        rows = rows.filter(id__lte=upto_id)
    return list(rows.order_by("id"))


def pending_declines(round_id: int):
    """The round's declines no supervisor has reviewed yet."""
    return (DecisionEvent.objects.filter(round_id=round_id, kind="decline",
                                         review__isnull=True)
            .select_related("recorded_by").order_by("id"))


def _engine_rows(rows, as_of, households, dwellings) -> tuple[list, int]:
    """The events the engine sees: every event but the declines not
    confirmed by ``as_of``, and any event that needs one of those; with
    the number held back."""
    kept = []
    for row in rows:
        try:
            review = row.review
        except DeclineReview.DoesNotExist:
            review = None
        if row.kind == "decline" and not (
                review is not None
                and review.verdict == DeclineReview.CONFIRM
                and review.reviewed_at <= as_of):
            continue
        kept.append(row)
    while kept:
        log = DecisionLog.model_construct(
            events=tuple(as_log_event(r) for r in kept))
        bad = sorted({p.loc[1] for p in decision_log_problems(
            log, households, dwellings) if len(p.loc) >= 2
            and isinstance(p.loc[1], int)})
        if not bad:
            break
        kept.pop(bad[0])
    return kept, len(rows) - len(kept)


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


def solve_arguments(solve, instance=None) -> tuple[dict, int]:
    """``decisions`` and ``previous`` for ``propose``, and the number of
    events in the log passed (pending declines are not)."""
    rows = events_for(solve.round_id, _last_event(solve))
    if rows:
        from .present import instance_of

        instance = instance or instance_of(solve.source.instance_json)
        rows, _held = _engine_rows(
            rows, solve.requested_at, {h.id for h in instance.households},
            {d.id for d in instance.dwellings})
    extra: dict = {}
    if rows:
        extra["decisions"] = DecisionLog(
            events=tuple(as_log_event(r) for r in rows))
    if solve.previous is not None and solve.previous.proposal_json:
        extra["previous"] = Proposal.model_validate_json(
            solve.previous.proposal_json)
    return extra, len(rows)

