"""The placement proposal: placements, reasons, use of every quota."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from models import (
    Blocker,
    DimensionUse,
    GroupShare,
    Instance,
    MunicipalityUse,
    Objective,
    Placement,
    PlacementKpis,
    PlacementProposal,
    PlacementStats,
    Policy,
    Status,
    Taker,
    Unplaced,
    UnplacedReason,
)

from ..explain import provenance
from ..i18n import _
from .data import SPREAD_SCALE, UNLIMITED, PlacementData
from .engines import PlacementResult
from .labels import rule_label

BLOCKED_SHOWN = 5
"""Compatible municipalities whose blockers an explanation lists."""

TAKERS_SHOWN = 3
"""Households named as having taken the places."""


def build_placement_proposal(
    instance: Instance,
    policy: Policy,
    data: PlacementData,
    result: PlacementResult,
    time_limit: float | None = None,
) -> PlacementProposal:
    """
    Builds the placement proposal: every placed household with its score
    breakdown and rank, every unplaced household with its reason, each
    municipality's use and remainder of every quota dimension and service
    capacity, KPIs, solver statistics and provenance.
    """
    state = _State(data, result.assignment)
    placements = [
        _placement(data, h, int(result.assignment[h]))
        for h in np.flatnonzero(result.assignment >= 0).tolist()
    ]
    solved = result.status in (Status.OPTIMAL, Status.FEASIBLE)
    unplaced = [
        _why_unplaced(data, state, h, solved, result.proven_optimal)
        for h in np.flatnonzero(result.assignment < 0).tolist()
    ]
    objective = None
    if solved:
        objective = Objective(
            mode=data.mode,
            value=result.value,
            primary=result.objective[0],
            secondary=result.objective[1],
            scale=data.scale if data.mode != "weighted"
            else data.priority_weight,
            bound=result.bound,
            gap=result.gap,
        )
    return PlacementProposal(
        status=result.status,
        objective=objective,
        placements=tuple(placements),
        unplaced=tuple(unplaced),
        municipalities=tuple(_municipality_uses(instance, data, state)),
        conflicts=data.conflicts,
        kpis=_kpis(instance, policy, data, result.assignment),
        solver=PlacementStats(
            engine=result.engine,
            status=result.status,
            proven_optimal=result.proven_optimal,
            build_seconds=round(result.build_seconds, 4),
            solve_seconds=round(result.solve_seconds, 4),
            num_households=data.num_households,
            num_municipalities=data.num_municipalities,
            num_pairs=data.num_pairs,
            num_classes=data.num_classes,
            workers=result.workers,
            seed=result.seed,
            time_limit=time_limit,
            detail=dict(result.detail),
        ),
        provenance=provenance(instance, policy),
        score_decimals=data.score_decimals,
        notes=data.notes,
    )


class _State:
    """What the assignment uses of every capacity and spread group."""

    def __init__(self, data: PlacementData, assignment: np.ndarray):
        M, K = data.num_municipalities, len(data.capacity_names)
        self.assignment = assignment
        given = data.given >= 0
        placed = (assignment >= 0) & ~given
        self.given_use = np.zeros((M, K), dtype=np.int64)
        self.placed_use = np.zeros((M, K), dtype=np.int64)
        np.add.at(self.given_use, data.given[given], data.usage[given])
        np.add.at(self.placed_use, assignment[placed], data.usage[placed])
        self.placed = placed
        self.total = np.bincount(assignment[placed], minlength=M)
        self.group_count = [
            Counter(zip(assignment[placed].tolist(),
                        data.group_of[r, placed].tolist()))
            for r in range(len(data.spread_kinds))
        ]
        self.at = [[] for _ in range(M)]
        for h in np.flatnonzero(placed).tolist():
            self.at[int(assignment[h])].append(h)
        self.takers: dict[tuple, tuple[Taker, ...]] = {}


def _placement(data: PlacementData, h: int, m: int) -> Placement:
    given = bool(data.given[h] >= 0)
    row = data.compatible[h]
    if given or not row[m]:
        rank, compatible = 1, 1
    else:
        rank = 1 + int((data.points[h, row] > data.points[h, m]).sum())
        compatible = int(row.sum())
    return Placement(
        household=data.household_ids[h],
        municipality=data.municipality_ids[m],
        priority=int(data.priority[h]),
        pair_score=data.scores.get((h, m)),
        scores={"pair_score": int(data.points[h, m])},
        rank=rank,
        compatible=compatible,
        given=given,
        waited_days=_waited(data, h),
        within_deadline=(bool(data.waited[h] <= data.deadline[h])
                         if _dated(data, h) else None),
    )


def _dated(data: PlacementData, h: int) -> bool:
    return data.dated is None or bool(data.dated[h])


def _waited(data: PlacementData, h: int) -> int | None:
    return int(data.waited[h]) if _dated(data, h) else None


def _score_of(data: PlacementData, h: int, m: int) -> float | None:
    """The score a pair counts under the score objective (the missing
    score where the table has none), from its points."""
    if data.score_decimals is None and not data.score_first:
        return None
    return int(data.points[h, m]) / 10 ** (data.score_decimals or 0)


def _takers(data, state, key, uses) -> tuple[Taker, ...]:
    """Households placed at ``key[0]`` that ``uses``, lowest priority
    first; cached per municipality and rule."""
    found = state.takers.get(key)
    if found is None:
        m = key[0]
        # Lowest first by what the objective counts: the score there
        # under the score objective, priority otherwise.
        chosen = sorted(
            (h for h in state.at[m] if uses(h)),
            key=lambda h: (int(data.points[h, m]) if data.score_first
                           else int(data.priority[h]),
                           data.household_ids[h]),
        )[:TAKERS_SHOWN]
        found = state.takers[key] = tuple(
            Taker(household=data.household_ids[h],
                  priority=int(data.priority[h]),
                  score=_score_of(data, h, m) if data.score_first else None)
            for h in chosen
        )
    return found


def _blocks(data: PlacementData, state: _State, h: int, m: int):
    """
    What stops municipality ``m`` from also taking household ``h``: one
    ``(rule, need, used, limit, key)`` per quota, service or spread rule
    it would break.
    """
    found = []
    need_row = data.usage[h]
    for k in np.flatnonzero(
        (need_row > 0) & (data.capacity_left[m] < UNLIMITED)
        & (state.placed_use[m] + need_row > data.capacity_left[m])
    ).tolist():
        name = data.capacity_names[k]
        rule = name if name.startswith("service:") else f"quota:{name}"
        if name == "service:health_follow_up":
            rule = "individual_need"
        found.append((rule, int(need_row[k]),
                      int(state.given_use[m, k] + state.placed_use[m, k]),
                      int(data.capacity_limit[m, k]), (m, "cap", k)))
    total = int(state.total[m])
    for r, kind in enumerate(data.spread_kinds):
        g = int(data.group_of[r, h])
        if g < 0:
            continue
        count = state.group_count[r][(m, g)]
        share = data.spread_permille[r]
        allowance = data.spread_allowance
        if SPREAD_SCALE * (count + 1) > (share * (total + 1)
                                         + SPREAD_SCALE * allowance):
            found.append((f"spread:{kind}", 1, count,
                          share * (total + 1) // SPREAD_SCALE + allowance,
                          (m, "spread", r, g)))
    return found


def _blocker(data, state, m, block) -> Blocker:
    rule, need, used, limit, key = block
    if key[1] == "cap":
        k = key[2]

        def uses(o):
            return data.usage[o, k] > 0
    else:
        r, g = key[2], key[3]

        def uses(o):
            return data.group_of[r, o] == g
    return Blocker(
        municipality=data.municipality_ids[m], rule=rule, need=need,
        used=used, limit=limit, taken_by=_takers(data, state, key, uses),
    )


def _why_unplaced(data, state, h, solved, proven) -> Unplaced:
    """
    Why household ``h`` is not placed, in the order a reader asks: no
    municipality it may go to, no solution, room left that the objective
    did not use, or every compatible municipality full or at a spread
    limit (naming who took the places).
    """
    hid = data.household_ids[h]
    common = dict(household=hid, priority=int(data.priority[h]),
                  waited_days=_waited(data, h))
    row = data.compatible[h]
    compatible = int(row.sum())
    if compatible == 0:
        return _no_compatible_municipality(data, h, common)
    if not solved:
        return Unplaced(
            **common, reason=UnplacedReason.NO_SOLUTION, compatible=compatible,
            message=_("The engine found no placement in time; {n} "
                      "municipalities are compatible.", n=compatible),
        )
    ms = np.flatnonzero(row)
    ms = ms[np.lexsort((ms, -data.points[h, ms]))]
    by_quota, by_spread = _stopped_by(data, state, h, ms)
    open_ = np.flatnonzero(~(by_quota | by_spread))
    if len(open_):
        where = data.municipality_ids[int(ms[open_[0]])]
        message = (
            _("{where} has room for it, but placing it there {adds}.",
              where=where, adds=_what_placing_adds(data, h, int(ms[open_[0]])))
            if proven else
            _("{where} has room for it; the engine stopped before finding "
              "a better placement (not proven optimal).", where=where)
        )
        return Unplaced(**common, reason=UnplacedReason.OBJECTIVE,
                        message=message, compatible=compatible)
    spread_only = bool((by_spread & ~by_quota).any())
    return _all_full(data, state, h, ms, common, compatible, spread_only)


def _no_compatible_municipality(data, h, common) -> Unplaced:
    """A household every municipality is ruled out for, with how many
    each rule ruled out."""
    excluded = data.excluded_by[h]
    parts = ", ".join(
        _("{rule} rules out {n}", rule=rule_label(rule), n=n)
        for rule, n in sorted(excluded.items(), key=lambda kv: -kv[1])
    )
    return Unplaced(
        **common,
        reason=UnplacedReason.NO_COMPATIBLE_MUNICIPALITY,
        message=_("No compatible municipality: 0 of {total}; {parts}.",
                  total=data.num_municipalities, parts=parts)
        if parts else _("No compatible municipality: 0 of {total}.",
                        total=data.num_municipalities),
        excluded_by=dict(excluded),
    )


def _stopped_by(data, state, h, ms) -> tuple[np.ndarray, np.ndarray]:
    """
    Which of the compatible municipalities ``ms`` a quota or service
    place, and which a spread rule, stops household ``h`` from, all at
    once.
    """
    need = data.usage[h]
    left = data.capacity_left[ms]
    by_quota = ((need > 0) & (left < UNLIMITED)
                & (state.placed_use[ms] + need > left)).any(axis=1)
    by_spread = np.zeros(len(ms), dtype=bool)
    total = state.total[ms]
    for r in range(len(data.spread_kinds)):
        g = int(data.group_of[r, h])
        if g < 0:
            continue
        count = np.array([state.group_count[r][(int(m), g)] for m in ms])
        by_spread |= SPREAD_SCALE * (count + 1) > (
            data.spread_permille[r] * (total + 1)
            + SPREAD_SCALE * data.spread_allowance
        )
    return by_quota, by_spread


def _all_full(data, state, h, ms, common, compatible,
              spread_only) -> Unplaced:
    """
    A household every compatible municipality is full for: the first
    rules that stop it and the households that took the places.
    """
    blocked = [(m, _blocks(data, state, h, m))
               for m in ms[:BLOCKED_SHOWN].tolist()]
    shown = tuple(_blocker(data, state, m, b)
                  for m, found in blocked for b in found)
    takers = {t.household: t for b in shown for t in b.taken_by}
    first = ", ".join(
        _("{municipality} {rule} {used} of {limit}",
          municipality=b.municipality, rule=rule_label(b.rule),
          used=b.used, limit=b.limit)
        for b in _first_per_municipality(shown)[:3]
    )
    took = ", ".join(
        taker_words(t)
        for t in sorted(takers.values(),
                        key=lambda t: (t.priority if t.score is None
                                       else t.score))[:3]
    )
    if spread_only:
        reason = UnplacedReason.SPREAD
        message = _(
            "Every compatible municipality ({n}) is full or at a spread "
            "limit, and some only at a spread limit: {first}.",
            n=compatible, first=first)
    else:
        reason = UnplacedReason.QUOTA_FULL
        message = _(
            "Every compatible municipality ({n}) has its decision or "
            "places used up: {first}.", n=compatible, first=first)
    if took:
        message += " " + _("Places went to {took}.", took=took)
    return Unplaced(**common, reason=reason, message=message,
                    blocked=shown, compatible=compatible)


def taker_words(taker: Taker) -> str:
    """``H-7 (priority 120)``, or under the score objective
    ``H-7 (score 0.31 there)``."""
    if taker.score is not None:
        return _("{household} (score {score} there)",
                 household=taker.household, score=format(taker.score, "g"))
    return _("{household} (priority {priority})", household=taker.household,
             priority=taker.priority)


def _what_placing_adds(data: PlacementData, h: int, m: int) -> str:
    """What placing household ``h`` in ``m`` would do to the objective in
    force, in words."""
    points = int(data.points[h, m])
    if data.score_first:
        return _("would lower the total score: its score there is "
                 "{score}", score=format(_score_of(data, h, m), "g"))
    if data.lexicographic:
        gain = int(data.priority[h])
        terms = _("priority {gain}, pair-score points {points}", gain=gain,
                  points=points)
        value = gain * data.scale + points
    else:
        value = data.priority_weight * int(data.priority[h]) + points
        terms = _("{weight} x priority {priority} + pair-score points "
                  "{points}", weight=data.priority_weight,
                  priority=int(data.priority[h]), points=points)
    if value == 0:
        return _("would add nothing to the objective ({terms} = 0)",
                 terms=terms)
    return _("would lower the objective ({terms} = {value})", terms=terms,
             value=value)


def _first_per_municipality(blockers) -> list[Blocker]:
    seen, first = set(), []
    for b in blockers:
        if b.municipality not in seen:
            seen.add(b.municipality)
            first.append(b)
    return first


def _municipality_uses(instance, data, state) -> list[MunicipalityUse]:
    assignment = state.assignment
    housed = assignment >= 0
    households = np.bincount(assignment[housed],
                             minlength=data.num_municipalities)
    sizes = np.array([h.size for h in instance.households], dtype=np.int64)
    persons = np.bincount(assignment[housed], weights=sizes[housed],
                          minlength=data.num_municipalities)
    uses = []
    for m, muni in enumerate(instance.municipalities):
        dims = []
        for k, name in enumerate(data.capacity_names):
            limit = int(data.capacity_limit[m, k])
            given, placed = int(state.given_use[m, k]), int(
                state.placed_use[m, k])
            unlimited = limit >= UNLIMITED
            dims.append(DimensionUse(
                dimension=name,
                limit=None if unlimited else limit,
                given=given,
                placed=placed,
                remaining=None if unlimited
                else max(0, limit - given - placed),
            ))
        spread = []
        total = int(state.total[m])
        for r, kind in enumerate(data.spread_kinds):
            allowed = (data.spread_permille[r] * total // SPREAD_SCALE
                       + data.spread_allowance)
            for (mm, g), n in sorted(state.group_count[r].items()):
                if mm == m and g >= 0:
                    spread.append(GroupShare(
                        kind=kind, group=data.group_names[r][g],
                        households=n, allowed=allowed,
                    ))
        uses.append(MunicipalityUse(
            municipality=muni.id,
            name=muni.name,
            households=int(households[m]),
            persons=int(persons[m]),
            dimensions=tuple(dims),
            spread=tuple(spread),
        ))
    return uses


def _kpis(instance, policy, data, assignment) -> PlacementKpis:
    placed = assignment >= 0
    hs = instance.households
    group = np.array([h.is_priority_group for h in hs], dtype=bool)
    by_type: dict[str, list[int]] = {}
    for h, ok in zip(hs, placed.tolist(), strict=True):
        row = by_type.setdefault(h.household_type.value, [0, 0])
        row[0] += int(ok)
        row[1] += 1
    missing = policy.placement.missing_score
    score_total = math.fsum(
        data.scores.get((h, int(assignment[h])), missing)
        for h in np.flatnonzero(placed).tolist()
    )
    places = 6 if data.data_decimals is None else data.data_decimals
    quota_use = {}
    for k, name in enumerate(data.capacity_names):
        limited = data.capacity_limit[:, k] < UNLIMITED
        if not limited.any():
            continue
        used = np.bincount(
            assignment[placed], weights=data.usage[placed, k],
            minlength=data.num_municipalities,
        )
        quota_use[name] = (int(used[limited].sum()),
                           int(data.capacity_limit[limited, k].sum()))
    return PlacementKpis(
        households=len(hs),
        placed=int(placed.sum()),
        given=int((data.given >= 0).sum()),
        placed_within_deadline=int(
            (placed & (data.waited <= data.deadline)
             & (True if data.dated is None else data.dated)).sum()
        ),
        placed_priority_group=int((placed & group).sum()),
        priority_group=int(group.sum()),
        pair_score_total=round(float(score_total), places),
        by_type={k: (v[0], v[1]) for k, v in sorted(by_type.items())},
        quota_use=quota_use,
    )
