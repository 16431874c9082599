"""The whole chain in one call: compile, solve, explain, check."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from models import (
    Change,
    ChangeReason,
    DecisionLog,
    Declined,
    EventKind,
    Instance,
    Override,
    Policy,
    Proposal,
    SetAsideLock,
    Unmatched,
    UnmatchedReason,
)

from . import collector
from .candidates import lock_check
from .cautions import silent_loss
from .check import CheckReport, check_matches, check_proposal
from .compile import compile_instance
from .data import RULE_TEXT, AllocationData
from .decisions import Derived, derive, set_aside_order
from .engines import solve
from .explain import build_proposal
from .explain.document import instance_sha256
from .forked import beside, forking
from .i18n import N_, _
from .result import Result


@dataclass(frozen=True)
class Outcome:
    """A proposal with the compiled data, the raw result and its check."""

    proposal: Proposal
    data: AllocationData
    result: Result
    check: CheckReport
    derived: Derived | None = None
    """The locks, bans, parks and holds the decisions gave."""
    effective: Instance | None = None
    """The instance as solved: its decisions table holds the derived
    locks (without those set aside) and bans."""


def _positions(data, pairs) -> list[tuple[int, int]]:
    """(household, dwelling) ids as positions; unknown ids are left out."""
    h_at = {h: i for i, h in enumerate(data.household_ids)}
    d_at = {d: i for i, d in enumerate(data.dwelling_ids)}
    return [(h_at[h], d_at[d]) for h, d in pairs if h in h_at and d in d_at]


MIN_SOLVE_SECONDS = 1.0
"""The least a solve is given when reading and compiling used up the
run's limit: enough for the engines' greedy start, so a proposal comes
out (late) rather than none."""


def finish_seconds(data: AllocationData) -> float:
    """
    Seconds kept back from a whole-run limit for what follows the solve:
    explaining, checking and writing the proposal files and report. They
    grow with the households and dwellings (national, 20,000 x 30,000:
    about 8 s on an unloaded 2-core machine); an estimate, so a run may
    end a little after its limit, never long after.
    """
    return 0.5 + 1.6e-4 * (data.num_households + data.num_dwellings)


def _quiet(description: str, key: str) -> None:
    """The default stage hook: says nothing."""


def propose(
    instance: Instance,
    policy: Policy | None = None,
    engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    marginal_values: bool = True,
    on_stage: Callable[[str, str], None] = _quiet,
    decisions: DecisionLog | None = None,
    previous: Proposal | None = None,
    started: float | None = None,
    fork: bool = False,
    **params,
) -> Outcome:
    """
    Proposes an allocation and checks it with the independent checker:
    the one solve chain behind the CLI, the placement modes and the
    workbench. The policy lab's rounds, which read only the matches,
    take ``propose_matches``: the same chain without explaining.

    Parameters
    ----------
    instance
        The validated instance.
    policy
        The matching rules. Default ``Policy()`` (the default preset).
    engine
        ``auto``, ``flow``, ``mip``, ``cpsat`` or ``classes``.
    time_limit
        Seconds for the solve and the marginal-value re-solves, which
        share what the solve leaves; compiling is not counted. ``None``
        for no limit.
    marginal_values
        Whether to re-solve for the marginal value of each full cap.
    on_stage
        Called as ``on_stage(description, key)`` when each stage starts,
        ``key`` one of ``compile``, ``solve``, ``explain``, ``check``: the
        CLI's progress line and stage timings, the workbench's progress.
    decisions
        The office's decision log: the policy's ``[decisions]`` rules
        derive locks, bans and parks from it, on top of the instance's
        own ``decisions`` table.
    previous
        The previous proposal of the round: the re-solve keeps its
        matches unless changing them houses more priority, and states
        what it kept and changed, and why.
    started
        When the whole run began, on the ``time.perf_counter()`` clock
        (the CLI's command start): ``time_limit`` then bounds the whole
        run, and the solve gets what reading and compiling left of it,
        less ``finish_seconds`` for explaining, checking and writing.
        ``None``: the limit is the solve's and its re-solves' alone.
    fork
        Whether the work that needs only what is known early runs in
        forked children beside the chain, on the machine's other core
        (``allocator.forked``): the instance's hash while solving, the
        independent check of the solve's matches while the proposal is
        explained. For one run in a process (the CLI's
        ``solve``); where runs go side by side (the lab, the workbench)
        the cores are taken already. The results are the same either
        way.
    params
        Engine parameters; ``start``, a feasible assignment as (household
        id, dwelling id) pairs, seeds the class model.
    """
    policy = Policy() if policy is None else policy
    on_stage(_("compiling eligible pairs"), "compile")
    derived = derive(instance, policy, decisions)
    before = previous_matches(previous)
    effective, data, set_aside = _settle_locks(instance, policy, derived,
                                               before)
    # Hashed while the solve keeps this process's core.
    with forking(fork), beside(lambda: instance_sha256(instance)) as hashing:
        result, ends_at = _solved(data, engine, time_limit, started, seed,
                                  on_stage, params)
        proposal, check = _explained_and_checked(
            instance, policy, effective, data, result, derived, set_aside,
            previous, before, on_stage, marginal_values=marginal_values,
            time_limit=time_limit, ends_at=ends_at,
            instance_hash=hashing.result)
    return Outcome(proposal, data, result, check, derived, effective)


@dataclass(frozen=True)
class Matched:
    """The solve's matches and their independent check, without the
    proposal (``propose_matches``)."""

    matches: list[tuple[str, str, bool]]
    """``(household id, dwelling id, shared)`` in household order: the
    matches ``propose``'s proposal lists for the same solve."""
    check: CheckReport
    data: AllocationData
    result: Result


def propose_matches(instance: Instance, policy: Policy | None = None,
                    engine: str = "auto", time_limit: float | None = None,
                    seed: int = 0, **params) -> Matched:
    """
    The chain without explaining: compiles (locks settled as ``propose``
    settles them), solves, and checks the solve's matches with the
    independent checker. For callers that read the matches alone, as
    the policy lab's rounds do, hundreds to a sweep: explaining and
    checking each round's proposal was a seventh of a sweep's work.
    The arguments are ``propose``'s, without a decision log or a
    previous proposal.
    """
    policy = Policy() if policy is None else policy
    derived = derive(instance, policy, None)
    effective, data, _set_aside = _settle_locks(instance, policy, derived,
                                                None)
    result, _ends_at = _solved(data, engine, time_limit, None, seed, _quiet,
                               params)
    matches = _solved_matches(instance, result)
    check = check_matches(effective, policy, matches,
                          _allowed_overrides(derived))
    return Matched(matches, check, data, result)


def _explained_and_checked(instance, policy, effective, data, result,
                           derived, set_aside, previous, before, on_stage,
                           **explaining) -> tuple[Proposal, CheckReport]:
    """The explain and check stages: the solve's matches are checked
    beside (in a forked child where ``propose`` forks) while the
    proposal is explained, then the checker holds the proposal to what
    it found."""
    overrides = _allowed_overrides(derived)
    matches = _solved_matches(instance, result)
    with beside(lambda: check_matches(effective, policy, matches,
                                      overrides)) as checking:
        on_stage(_("explaining"), "explain")
        proposal = _explained(instance, policy, data, result, derived,
                              set_aside, previous, before, **explaining)
        on_stage(_("checking independently"), "check")
        check = check_proposal(
            effective, policy, proposal, overrides=overrides,
            previous=before,
            matches_checked=checking.result() if checking.forked else None)
    return proposal, check


@collector.paused()
def _explained(instance, policy, data, result, derived, set_aside, previous,
               before, **explaining) -> Proposal:
    """
    The proposal of a result, with what the decisions did and the input
    it silently loses. The collector is off meanwhile: what it makes
    lives on, and in a command's run it is frozen as the block ends
    (``collector.paused``); a collection set off midway would walk it.
    """
    proposal = build_proposal(instance, policy, data, result, **explaining)
    proposal = _with_decisions(instance, policy, data, proposal, derived,
                               set_aside, previous, before)
    # Input the proposal silently loses, said aloud (allocator.cautions).
    return proposal.model_copy(
        update={"warnings": tuple(silent_loss(instance, policy))})


def _solved_matches(instance: Instance,
                    result: Result) -> list[tuple[str, str, bool]]:
    """The solve's matches as the checker takes them, ``(household id,
    dwelling id, shared)`` in household order, as the proposal lists
    them unless explaining leaves some out (the checker then checks the
    proposal's own)."""
    households, dwellings = instance.households, instance.dwellings
    room = result.room
    return [(households[h].id, dwellings[d].id, bool(room[h]))
            for h, d in enumerate(result.assignment.tolist()) if d >= 0]


def previous_matches(previous: Proposal | None) -> dict[str, str] | None:
    """The previous proposal's matches, household id -> dwelling id, as
    the compiler and the checker take them; ``None`` without one."""
    if previous is None:
        return None
    return {m.household: m.dwelling for m in previous.matches}


def _solved(data: AllocationData, engine: str, time_limit, started, seed,
            on_stage, params) -> tuple[Result, float | None]:
    """Runs the solve stage in the time the run leaves it; returns the
    result and when the time for the solve and its re-solves ends
    (``None`` without a limit)."""
    if params.get("start") is not None:
        params["start"] = _positions(data, params["start"])
    solve_limit = _solve_limit(data, time_limit, started)
    on_stage(_solving_text(data, engine, solve_limit), "solve")
    ends_at = (None if solve_limit is None
               else time.perf_counter() + solve_limit)
    result = solve(data, engine=engine, time_limit=solve_limit, seed=seed,
                   **params)
    return result, ends_at


def _solve_limit(data: AllocationData, time_limit: float | None,
                 started: float | None) -> float | None:
    """The solve's seconds: the whole limit, or with the run's start what
    reading and compiling left of it less ``finish_seconds`` (at least
    ``MIN_SOLVE_SECONDS``)."""
    if time_limit is None or started is None:
        return time_limit
    return max(MIN_SOLVE_SECONDS,
               started + time_limit - time.perf_counter()
               - finish_seconds(data))


def _solving_text(data: AllocationData, engine: str,
                  solve_limit: float | None) -> str:
    """The solve stage's description: pairs, engine and limit."""
    if solve_limit is None:
        return _("solving {n} pairs with {engine}", n=data.num_pairs,
                 engine=engine)
    return _("solving {n} pairs with {engine} (limit {limit} s)",
             n=data.num_pairs, engine=engine,
             limit=format(solve_limit, ".3g"))


def _allowed_overrides(derived: Derived) -> dict:
    """The overrides the decisions allow, as the checker takes them:
    (household, dwelling) -> (rule, note)."""
    return {
        (k.household, k.dwelling): (k.rule, k.note)
        for k in derived.locks.values() if k.decision == "override"
    }


def check_with_decisions(instance: Instance, policy: Policy,
                         proposal: Proposal,
                         decisions: DecisionLog | None = None,
                         previous: Proposal | None = None) -> CheckReport:
    """
    Checks a proposal made with a decision log and a previous proposal:
    the locks and bans derived from the log hold, except the locks the
    proposal sets aside (each must be one of them), overrides only as the
    log allows, and the kept count and changes against ``previous``.
    """
    derived = derive(instance, policy, decisions)
    aside = {s.household for s in proposal.set_aside}
    effective = derived.instance(instance, frozenset(aside))
    report = check_proposal(
        effective, policy, proposal,
        overrides=_allowed_overrides(derived),
        previous=previous_matches(previous),
    )
    for s in proposal.set_aside:
        lock = derived.locks.get(s.household)
        if lock is None or lock.dwelling != s.dwelling:
            report.violations.append(_(
                "Lock {household} -> {dwelling} is set aside but no "
                "decision locks it.", household=s.household,
                dwelling=s.dwelling))
    return report


def _settle_locks(instance, policy, derived: Derived, before):
    """
    Compiles with every lock that can hold. Locks that cannot all hold
    are set aside, deterministically: a lock that breaks a hard rule (not
    overridden) alone; among locks that together overfill a dwelling, a
    building, an area or a quota, one per conflict in the order of
    ``set_aside_order`` (open offers first, the most recent first), until
    the rest hold. Locks of parked or held households are set aside too.
    """
    set_aside: dict[str, SetAsideLock] = {}
    for hid, lock in sorted(derived.locks.items()):
        why = derived.unavailable(hid)
        if why:
            set_aside[hid] = SetAsideLock(
                household=hid, dwelling=lock.dwelling,
                decision=lock.decision,
                rule="held" if hid in derived.held else "parked",
                message=_("The {lock} is set aside: the household is "
                          "{why}.", lock=lock.describe(), why=why),
            )
    while True:
        effective = derived.instance(instance, frozenset(set_aside))
        data = compile_instance(effective, policy, previous=before,
                                overrides=derived.overrides)
        if not data.lock_conflicts:
            return effective, data, set_aside
        this_round: set[str] = set()
        for conflict in data.lock_conflicts:
            if this_round & set(conflict.households):
                continue  # another conflict's choice may settle this one
            locks = [derived.locks[h] for h in conflict.households
                     if h in derived.locks and h not in set_aside]
            if not locks:
                continue
            lock = min(locks, key=set_aside_order)
            others = [h for h in conflict.households if h != lock.household]
            kept = (" " + _("The other locks ({others}) hold.",
                            others=", ".join(others)) if others else "")
            set_aside[lock.household] = SetAsideLock(
                household=lock.household, dwelling=lock.dwelling,
                decision=lock.decision, rule=conflict.rule,
                message=_("The {lock} is set aside: {conflict}{kept} The "
                          "rest of the round is solved without it.",
                          lock=lock.describe(), conflict=conflict.message,
                          kept=kept),
            )
            this_round.add(lock.household)
        if not this_round:
            raise AssertionError("lock conflicts without a lock to set "
                                 "aside")


def _with_decisions(instance, policy, data, proposal, derived, set_aside,
                    previous, before) -> Proposal:
    """The proposal with what the decisions did: the source of each lock,
    overrides, set-aside locks, parked and held households, and with a
    previous proposal what was kept and changed."""
    locks = {h: k for h, k in derived.locks.items() if h not in set_aside}
    before = before or {}
    now = {m.household: m.dwelling for m in proposal.matches}
    kept = sum(now.get(h) == d for h, d in before.items())
    matches = []
    overrides = []
    for m in proposal.matches:
        lock = locks.get(m.household) if m.locked else None
        update = {}
        if lock is not None:
            update["decision"] = lock.decision
            if lock.decision == "override":
                update["override_rule"] = lock.rule
                overrides.append(Override(
                    household=m.household, dwelling=m.dwelling,
                    rule=lock.rule, reason=lock.note, officer=lock.officer,
                    date=lock.date,
                    message=_("Override by {officer} on {date}: "
                              "{household} -> {dwelling} breaks the rule "
                              "'{rule}' (the dwelling {text}) on purpose: "
                              "{note}", officer=lock.officer, date=lock.date,
                              household=m.household, dwelling=m.dwelling,
                              rule=lock.rule, text=_(RULE_TEXT[lock.rule]),
                              note=lock.note),
                ))
        if previous is not None:
            update["kept"] = before.get(m.household) == m.dwelling
        matches.append(m.model_copy(update=update) if update else m)
    unmatched = []
    uncounted = set(policy.decisions.uncounted_reasons)
    for u in proposal.unmatched:
        declines = tuple(
            Declined(dwelling=e.dwelling, date=e.date,
                     reason=str(e.reason.value if e.reason is not None
                                else "other"),
                     counted=e.reason not in uncounted)
            for _, e in derived.history.get(u.household, ())
            if e.kind == EventKind.DECLINE
        )
        why = derived.unavailable(u.household)
        if why:
            u = Unmatched(
                household=u.household, priority=u.priority,
                reason=(UnmatchedReason.HELD if u.household in derived.held
                        else UnmatchedReason.PARKED),
                message=_("Not proposed anything: {why}.", why=why),
                waited_days=u.waited_days, next_free=u.next_free,
            )
        if declines:
            u = u.model_copy(update={"declines": declines})
        elif u.household in set_aside:
            u = u.model_copy(update={
                "message": f"{set_aside[u.household].message} {u.message}"})
        unmatched.append(u)
    update = {
        "matches": tuple(matches), "unmatched": tuple(unmatched),
        "set_aside": tuple(set_aside[h] for h in sorted(set_aside)),
        "conflicts": tuple(set_aside[h].message for h in sorted(set_aside)),
        "overrides": tuple(overrides),
    }
    if previous is not None:
        update["previous_created_at"] = previous.provenance.created_at
        update["changes"] = tuple(_changes(instance, policy, data, derived,
                                           locks, before, now))
        if proposal.objective is not None:
            update["objective"] = proposal.objective.model_copy(update={
                "kept": kept, "keep_bonus": data.keep_bonus,
                "secondary": proposal.objective.secondary
                - data.keep_bonus * kept,
            })
    return proposal.model_copy(update=update)


BAN_TEXT = {
    "decline": N_("the household declined this dwelling"),
    "ban": N_("the office banned this pair"),
    "table": N_("the decisions table bans this pair"),
}
"""What banned a pair, in words."""


def _changes(instance, policy, data, derived, locks, before, now):
    """Each previous match not kept, and why."""
    h_at = {h: i for i, h in enumerate(data.household_ids)}
    d_at = {d: i for i, d in enumerate(data.dwelling_ids)}
    holder = {d: h for h, d in now.items()}
    locked_to = {k.dwelling: h for h, k in locks.items()}
    cand = data.candidates
    weighted = policy.decisions.keep_weight is not None or (
        not data.lexicographic)
    for hid, did in sorted(before.items()):
        if now.get(hid) == did:
            continue
        got = now.get(hid)
        where = (_("it now has {dwelling}", dwelling=got) if got
                 else _("it now waits"))
        if hid not in h_at or did not in d_at:
            reason, text = ChangeReason.NOT_ELIGIBLE, (
                _("the household is no longer in the data")
                if hid not in h_at
                else _("the dwelling is no longer in the data"))
        elif derived.unavailable(hid):
            reason = ChangeReason.PARKED
            text = _("the household is {why}",
                     why=derived.unavailable(hid))
        elif (hid, did) in derived.bans:
            source = derived.bans[(hid, did)]
            reason = ChangeReason.NOT_ELIGIBLE
            text = _(BAN_TEXT[source])
        elif hid in locks and locks[hid].dwelling != did:
            reason = ChangeReason.LOCKED_ELSEWHERE
            text = _("the {lock} holds", lock=locks[hid].describe())
        elif locked_to.get(did, hid) != hid:
            reason = ChangeReason.LOCKED_ELSEWHERE
            text = _("the {lock} holds",
                     lock=locks[locked_to[did]].describe())
        elif cand.individual.keep_of.get(h_at[hid]) != d_at[did]:
            ok, _score, rules = lock_check(cand.hh, cand.dw, policy,
                                           cand._take, h_at[hid], d_at[did])
            reason = ChangeReason.NOT_ELIGIBLE
            text = (_("the pair is no longer eligible: the dwelling "
                      "{rules}", rules="; ".join(_(RULE_TEXT[r])
                                                 for r in rules))
                    if not ok else _("the pair no longer fits beside the "
                                     "locks"))
        else:
            taker = holder.get(did)
            took = (_("{dwelling} now goes to {household}", dwelling=did,
                      household=taker) if taker
                    else _("{dwelling} stays empty", dwelling=did))
            if weighted:
                reason = ChangeReason.QUALITY
                text = _("{took}; worth more than keeping the match "
                         "({bonus} units a kept match)", took=took,
                         bonus=data.keep_bonus)
            else:
                reason = ChangeReason.MORE_PRIORITY
                text = _("{took}, so that the round houses more "
                         "priority points; keeping it would house less",
                         took=took)
        yield Change(household=hid, previous=did, now=got, reason=reason,
                     message=_("{household} had {dwelling}; {where}: "
                               "{text}.", household=hid, dwelling=did,
                               where=where, text=text))
