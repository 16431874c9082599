"""
National runs: IMDi's level in the policy lab (DOMAIN.md 1.3, R4).

Three ways of settling the country, each under any policy:

- ``today``: today's practice. Each round IMDi selects waiting households
  for municipalities in queue order (permit date, then id) within each
  council decision: a household goes to the municipality with the most
  places left that its members fit in every dimension of the decision
  (ties by id), and uses those places at once. The municipality then
  looks for a dwelling: ``search_days`` after the selection it can offer
  one, by the policy's rules among its own selected households (the
  engine on the round's instance with every household assigned to its
  municipality; the places were used at selection). A selected household
  stays with its municipality until it is housed.
- ``chained``: placement then dwellings, both optimised
  (``placement.modes.run_chained`` on the round's instance); a household
  placed but not housed in a round waits for the next round unplaced.
- ``dwelling-first``: municipalities report their free dwellings and
  households are matched nationwide within every decision
  (``placement.modes.run_dwelling_first``).

Re-housing (a lease that ended) stays within the municipality the
household lives in, in every mode, and uses no place of a decision.
"""

from __future__ import annotations

from models import Instance, Policy, QuotaDimension

from ..compile import quota_usage
from ..i18n import _

MODES = ("today", "chained", "dwelling-first")
"""National modes of ``allocator simulate --mode``."""


class NationalRoundError(RuntimeError):
    """A national round's proposal failed its checkers."""


def fits(household, left: dict[str, int]) -> bool:
    """Whether a household's members fit the places left in every
    dimension of a council decision."""
    return all(quota_usage(household, dim) <= n for dim, n in left.items())


def select_households(queue, selected: dict, quota_left: dict,
                      today) -> list[tuple[str, str]]:
    """
    IMDi's utsøking under today's practice: waiting households not yet
    selected, in queue order (permit date, then id), each to the
    municipality with the most places left that it fits (ties by id).
    Uses the places at once; returns the (household, municipality) pairs
    selected this round.

    Parameters
    ----------
    queue
        Household id -> household, waiting for a first settlement.
    selected
        Household id -> (municipality, day selected); updated.
    quota_left
        Municipality id -> dimension -> places left; updated.
    """
    out = []
    deciding = sorted(
        m for m, q in quota_left.items()
        if q and q.get(QuotaDimension.HOUSEHOLDS.value, 1) > 0
    )
    dims = sorted({dim for m in deciding for dim in quota_left[m]})
    order = sorted(queue.values(), key=lambda h: (h.permit_date, h.id))
    for h in order:
        if h.id in selected:
            continue
        use = {dim: quota_usage(h, dim) for dim in dims}
        best = None
        for m in deciding:
            left = quota_left[m]
            if any(use[dim] > n for dim, n in left.items()):
                continue
            room = _headroom(left)
            if best is None or room > best[0]:
                best = (room, m)
        if best is None:
            continue
        m = best[1]
        for dim in quota_left[m]:
            quota_left[m][dim] -= use[dim]
        selected[h.id] = (m, today)
        out.append((h.id, m))
        if quota_left[m].get(QuotaDimension.HOUSEHOLDS.value, 1) <= 0:
            # Every household uses a place counted in households: this
            # decision takes nobody more.
            deciding.remove(m)
    return out


def _headroom(left: dict[str, int]) -> int:
    """Places left, in households where the decision counts them, else in
    its first dimension."""
    if QuotaDimension.HOUSEHOLDS.value in left:
        return left[QuotaDimension.HOUSEHOLDS.value]
    return left[sorted(left)[0]]


def round_matches(mode: str, instance: Instance, policy: Policy,
                  seed: int, time_limit: float | None
                  ) -> tuple[list[tuple[str, str, bool]], bool]:
    """
    One national round's matches ``(household, dwelling, shared)``,
    verified by the checkers, and whether every solve of the round was
    proven optimal (not stopped by its time limit).

    For ``today`` the instance's households are those whose municipality
    has searched long enough, each assigned to it, and its council
    decisions are not applied again (the places were used at selection).

    Raises
    ------
    NationalRoundError
        When a checker rejects the round's proposal.
    """
    from ..pipeline import propose_matches
    from ..placement.modes import run_chained, run_dwelling_first

    if mode == "today":
        rules = policy.model_copy(update={
            "hard": policy.hard.model_copy(update={
                "municipality_quota": False, "assigned_municipality": True,
            }),
        })
        outcome = propose_matches(instance, rules, seed=seed,
                                  time_limit=time_limit)
        violations = outcome.check.violations
        matches = outcome.matches
        proven = outcome.result.proven_optimal
    elif mode == "chained":
        outcome = run_chained(instance, policy, time_limit=time_limit,
                              seed=seed, check_whole=True)
        violations = outcome.violations()
        matches = [(m.household, m.dwelling, m.shared)
                   for m in outcome.report.matches]
        proven = outcome.report.proven_optimal
    elif mode == "dwelling-first":
        outcome = run_dwelling_first(instance, policy,
                                     time_limit=time_limit, seed=seed)
        violations = outcome.outcome.check.violations
        matches = [(m.household, m.dwelling, m.shared)
                   for m in outcome.outcome.proposal.matches]
        proven = outcome.outcome.proposal.solver.proven_optimal
    else:
        raise ValueError(_("mode {mode!r} not understood; choose one of "
                           "{choices}.", mode=mode,
                           choices=", ".join(MODES)))
    if violations:
        raise NationalRoundError(_(
            "round {round} ({mode}): a checker rejected the proposal: "
            "{violation}", round=instance.name, mode=mode,
            violation=violations[0]))
    return sorted(matches), bool(proven)


__all__ = ["MODES", "NationalRoundError", "fits", "round_matches",
           "select_households"]
