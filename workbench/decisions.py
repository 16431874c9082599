"""
From the round's decision events to what the engine takes.

Until the engine's decision log (``models.decision_log``) is merged, the
events are folded into the instance's own locks and bans: a lock or an
accepted offer locks the pair; a ban or a decline bans it. A re-solve
seeds the engine with the previous proposal's matches.
"""

from __future__ import annotations

from models import Decision, DecisionKind, Proposal

from .models import DecisionEvent

LOCKING = {"lock", "accept"}
BANNING = {"ban", "decline"}


def solve_arguments(solve, instance) -> tuple[dict, int]:
    """Keyword arguments for ``propose`` and the number of events used."""
    events = list(DecisionEvent.objects.filter(round=solve.round_id,
                                               id__lte=_last_event(solve)))
    households = {h.id for h in instance.households}
    dwellings = {d.id for d in instance.dwellings}
    pairs: dict[tuple[str, str], str] = {}
    for event in events:
        pair = (event.household, event.dwelling)
        if pair[0] not in households or pair[1] not in dwellings:
            continue
        if event.kind in LOCKING:
            pairs[pair] = "lock"
        elif event.kind in BANNING:
            pairs[pair] = "ban"
        elif event.kind == "withdraw":
            pairs.pop(pair, None)
    extra: dict = {}
    if pairs:
        extra["instance"] = instance.model_copy(update={"decisions": (
            *instance.decisions,
            *(Decision(household=h, dwelling=d, kind=DecisionKind(kind))
              for (h, d), kind in pairs.items()),
        )})
    if solve.previous is not None and solve.previous.proposal_json:
        previous = Proposal.model_validate_json(solve.previous.proposal_json)
        extra["start"] = [(m.household, m.dwelling)
                          for m in previous.matches
                          if (m.household, m.dwelling) not in pairs
                          or pairs[(m.household, m.dwelling)] == "lock"]
    return extra, len(events)


def _last_event(solve) -> int:
    last = (DecisionEvent.objects.filter(round=solve.round_id,
                                         recorded_at__lte=solve.requested_at)
            .order_by("-id").values_list("id", flat=True).first())
    return last or 0
