"""Helpers for engine tests: run every engine, brute-force small optima."""

from __future__ import annotations

import itertools

from allocator.check import check_matches
from allocator.engines import class_model_applies
from allocator.pipeline import propose
from models import Instance, Policy

EXACT_ENGINES = ("flow", "mip", "cpsat", "classes")


def engines_for(data) -> tuple[str, ...]:
    """The exact engines that accept this compiled problem."""
    engines = ["auto", "mip", "cpsat"]
    if data.network_representable:
        engines.append("flow")
    if class_model_applies(data):
        engines.append("classes")
    return tuple(engines)


def run(instance: Instance, policy: Policy | None = None, engine="auto"):
    """Proposes with one engine and asserts the independent check passes."""
    outcome = propose(instance, policy or Policy(), engine=engine,
                      marginal_values=False)
    assert outcome.check.ok, outcome.check.violations
    return outcome


def matched(outcome) -> dict[str, str]:
    return {m.household: m.dwelling for m in outcome.proposal.matches}


def reasons(outcome) -> dict[str, str]:
    return {u.household: u.reason.value for u in outcome.proposal.unmatched}


def _shared_flag(policy, h, d) -> bool:
    """Whether a match would be a room in shared housing (by definition)."""
    return (
        policy.shared.enabled
        and d.shared_rooms >= 2
        and len(h.members) == 1
        and h.members[0].age >= policy.shared.min_age
        and h.open_to_shared is True
    )


def brute_force(instance: Instance, policy: Policy):
    """
    The lexicographic (or weighted) optimum by enumerating every
    assignment and asking the independent checker which are valid.

    Returns ``(primary, secondary)`` of the best valid assignment.
    """
    hs = instance.households
    ds = instance.dwellings
    best = None
    for choice in itertools.product(range(-1, len(ds)), repeat=len(hs)):
        matches = [
            (h.id, ds[c].id, _shared_flag(policy, h, ds[c]))
            for h, c in zip(hs, choice)
            if c >= 0
        ]
        report = check_matches(instance, policy, matches)
        if not report.ok:
            continue
        key = _key(policy, report.primary, report.secondary)
        if best is None or key > best[0]:
            best = (key, (report.primary, report.secondary))
    return best[1]


def _key(policy, primary, secondary):
    if policy.objective == "lexicographic":
        return (primary, secondary)
    return (primary * policy.weights.housed + secondary,)


def answer_with_the_start(monkeypatch) -> None:
    """Makes the class model's own stages answer with their start, as
    when out of time, so a test sees what the stages before them gave."""
    from allocator.engines.classes import model as class_model
    from allocator.engines.classes import solve as class_solve

    monkeypatch.setattr(class_solve, "_price_and_branch",
                        lambda model, deadline, start=None: (
                            start, class_model._value(model, start),
                            float("inf"), 0, False))
