"""
Indicators of a simulated run, per household group, and their spread over
seeds. Each is defined, with its source, in ``docs/indicators.md``.

A run is first summarised where it ran (``summarise``): one row per
household with no identifier and no sensitive field, only the group flags
the indicators need. The summaries are then aggregated in the parent
process in a fixed order, so the tables do not depend on where or in
which order runs finished.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import get_args

import numpy as np

from models import (
    DAYS_PER_MONTH,
    Household,
    HouseholdType,
    Policy,
    SimulationParams,
    SizeNorm,
)
from models.household import HouseholdGroup

from ..compile import bedrooms_needed
from ..i18n import N_
from .hindsight import Hindsight
from .rolling import HouseholdOutcome, Run
from .world import World, deadline_of, months_days, school_children

GROUPS = ("all", *get_args(HouseholdGroup))
"""Household groups the indicators are reported by (DOMAIN.md 7.3): all
households, then the groups ``models.household.HouseholdGroup`` names."""

SENSITIVE_GROUPS = frozenset({"accessibility_needs"})
"""Groups defined by a sensitive field: reported only in aggregate, and
left out where fewer than ``MIN_CELL`` households would be described."""

MIN_CELL = 5
"""Smallest group reported (fewer could single out a household)."""

LARGE_FAMILY = 5
"""Persons from which a family with children counts as large ("store
barnefamilier") [000 §3.4; DOMAIN.md H1]."""

LONG_CONTRACT_MONTHS = 36
"""A lease of no fixed term or at least three years counts as long-term
("leietaker med en langsiktig kontrakt") [001 ch.5; DOMAIN.md 6.2]."""

WITHIN_MONTHS = (3, 6, 12)
"""Settlement targets in months (IMDi) [000 §2.1; DOMAIN.md 1.4]."""

INDICATORS = (
    ("households", N_("households present")),
    ("settled", N_("households settled")),
    ("settled_within_deadline", N_("settled within deadline (count)")),
    ("cohort_within_deadline",
     N_("settled within deadline, of the deadline cohort (count)")),
    ("within_deadline_share", N_("settled within deadline (share of cohort)")),
    ("within_3m_share", N_("settled within 3 months (share of cohort)")),
    ("within_6m_share", N_("settled within 6 months (share of cohort)")),
    ("within_12m_share", N_("settled within 12 months (share of cohort)")),
    ("settled_within_3m", N_("of those settled, within 3 months")),
    ("settled_within_6m", N_("of those settled, within 6 months")),
    ("settled_within_12m", N_("of those settled, within 12 months")),
    ("median_wait_months", N_("median wait of those settled (months)")),
    ("p90_wait_months", N_("90th percentile wait of those settled (months)")),
    ("waiting_at_end", N_("still waiting at the end")),
    ("crowded_share", N_("crowded (more persons than rooms)")),
    ("surplus_bedrooms", N_("mean bedrooms above need")),
    ("long_contract_share", N_("long-term contract (no term or >= 3 years)")),
    ("moves_per_100_years", N_("moves per 100 household-years settled")),
    ("school_changes_per_100", N_("school changes per 100 school children")),
    ("reception_days_total", N_("days in reception during the horizon (sum)")),
    ("reception_days_mean", N_("days in reception during the horizon (mean)")),
    ("predicted_outcome_mean",
     N_("predicted outcome of those settled (mean pair score)")),
    ("fulfilment_mean", N_("council decisions fulfilled (mean share)")),
    ("fulfilment_gini", N_("unevenness of decision fulfilment (Gini)")),
)
"""Indicator keys and their labels, in report order."""

SHARES = frozenset(
    k for k, _ in INDICATORS
    if k.endswith("share")
    or (k.startswith("settled_within_") and k != "settled_within_deadline")
)
"""Indicators that are shares (shown as percentages)."""


@dataclass
class RunSummary:
    """
    What the indicators need from one run, without identifiers.

    ``rows`` holds one dictionary per household; ``rounds`` one tuple per
    round ``(day, waiting, waiting_priority, rehousing, vacancies, lapsed,
    offers, declined, accepted)``; ``placements`` one tuple per first
    settlement ``(x, y, area, household type, tenure)``.
    """

    label: str
    seed: int
    variant: str
    baseline: bool
    horizon_days: int
    rows: list[dict]
    rounds: list[tuple]
    area_start: dict[str, int]
    area_end: dict[str, int]
    area_residents: dict[str, int]
    quota_start: dict[str, dict]
    quota_used: dict[str, dict]
    requested: dict[str, int | None]
    placements: list[tuple]
    lapsed: int = 0
    arrivals_per_month: float = 0.0
    vacancies_per_month: float = 0.0
    municipality_xy: dict[str, tuple[float, float]] = field(
        default_factory=dict)
    unproven: int | None = None


@dataclass
class HindsightSummary:
    """The hindsight optimum of one world, in counts per group."""

    label: str
    seed: int
    variant: str
    within: dict[str, int]
    within_cohort: dict[str, int]
    housed: int
    bound_only: bool


def groups_of(household) -> set[str]:
    """The report groups a household belongs to (besides ``all``)."""
    out = {"all"}
    kind = household.household_type
    if household.has_children:
        out.add("families_with_children")
        if household.size >= LARGE_FAMILY:
            out.add("large_families")
    if kind == HouseholdType.SINGLE_ADULT:
        out.add("single_adults")
    if kind == HouseholdType.UNACCOMPANIED_MINOR:
        out.add("unaccompanied_minors")
    if any((household.needs_step_free, household.needs_ground_floor,
            household.needs_no_basement)):
        out.add("accessibility_needs")
    return out


def audit_keys(household) -> list[str]:
    """Groups of the fairness audit (DOMAIN.md 7.3 item 34): household
    type, large families, singles expecting reunification, nationality,
    and the sensitive groups (reported in aggregate only)."""
    keys = [f"type: {household.household_type.value}"]
    if household.has_children and household.size >= LARGE_FAMILY:
        keys.append("large families")
    if (household.household_type == HouseholdType.SINGLE_ADULT
            and household.expected_reunification_persons > 0):
        keys.append("singles expecting reunification")
    if household.nationality:
        keys.append(f"nationality: {household.nationality}")
    if any((household.needs_step_free, household.needs_ground_floor,
            household.needs_no_basement)):
        keys.append("accessibility needs")
    if household.health_follow_up:
        keys.append("health follow-up")
    return keys


def summarise(world: World, run: Run, params: SimulationParams,
              baseline: bool) -> RunSummary:
    """Turns a run into rows without identifiers or sensitive fields."""
    norm = Policy().size
    start = world.start
    horizon = (world.end - start).days
    scores = {(p.household, p.municipality): p.score
              for p in world.instance.pair_scores}
    rows = [_household_row(h, joined, run.outcomes[h.id], start, params,
                           scores, norm)
            for h, joined in zip(world.households, world.joins,
                                 strict=True)]
    placements = _first_placements(world, run)
    return RunSummary(
        label=run.label,
        seed=run.seed,
        variant=run.variant,
        baseline=baseline,
        horizon_days=horizon,
        rows=rows,
        rounds=[(
            (r.day - start).days, r.waiting, r.waiting_priority,
            r.rehousing, r.vacancies, r.lapsed, r.offers, r.declined,
            r.accepted,
        ) for r in run.rounds],
        area_start=dict(sorted(run.area_start.items())),
        area_end=dict(sorted(run.area_end.items())),
        area_residents={a.id: a.resident_households
                        for a in world.instance.areas},
        quota_start=run.quota_start,
        quota_used=run.quota_used,
        requested={m.id: m.requested
                   for m in world.instance.municipalities},
        placements=placements,
        lapsed=sum(r.lapsed for r in run.rounds),
        municipality_xy=_municipality_xy(world.instance),
        unproven=run.unproven if run.mode else None,
        arrivals_per_month=world.arrivals_per_month,
        vacancies_per_month=world.vacancies_per_month,
    )


def _household_row(h: Household, joined: date, o: HouseholdOutcome,
                   start: date, params: SimulationParams,
                   scores: dict[tuple[str, str], float],
                   norm: SizeNorm) -> dict:
    """One household's row: its groups and days counted from the start,
    and of its first dwelling only what the indicators need (no ids)."""
    row = {
        "groups": sorted(groups_of(h)),
        "audit": audit_keys(h),
        "permit": (h.permit_date - start).days,
        "joined": (joined - start).days,
        "deadline": deadline_of(h, params),
        "settled": None if o.first_settled is None
        else (o.first_settled - start).days,
        "moves": o.moves,
        "school_changes": o.school_changes,
        "school_children": school_children(h),
        "crowded": None,
        "surplus": None,
        "tenure": None,
        "long_contract": None,
        "municipality": None,
        "score": None,
    }
    d = o.first_dwelling
    if d is not None:
        row["score"] = scores.get((h.id, d.municipality))
        row["municipality"] = d.municipality
        row["tenure"] = d.tenure.value
        row["long_contract"] = (d.lease_months is None
                                or d.lease_months >= LONG_CONTRACT_MONTHS)
        if not o.shared:
            # Statistics Norway: crowded when more residents than
            # rooms, rooms counting bedrooms and the living room.
            row["crowded"] = h.size > d.bedrooms + 1
            row["surplus"] = d.bedrooms - bedrooms_needed(h.members,
                                                          norm)
    return row


def _first_placements(world: World, run: Run) -> list[tuple]:
    """Where each first settlement was made (x, y, area, household type,
    tenure), for the maps; later moves are left out."""
    node_xy = {n.id: (n.x, n.y) for n in world.instance.nodes}
    dwellings = {d.id: d for d in world.dwellings}
    by_id = {h.id: h for h in world.households}
    placements = []
    for hid, did, _ in run.placements:
        if run.outcomes[hid].first_dwelling is None or \
                run.outcomes[hid].first_dwelling.id != did:
            continue
        d = dwellings.get(did) or run.outcomes[hid].first_dwelling
        x, y = node_xy.get(d.node, (math.nan, math.nan))
        placements.append((x, y, d.area,
                           by_id[hid].household_type.value, d.tenure.value))
    return placements


def summarise_hindsight(world: World, result: Hindsight, label: str,
                        variant: str,
                        params: SimulationParams) -> HindsightSummary:
    """Hindsight settlements within deadline, counted per group, of all
    households and of the deadline cohort (see ``in_cohort``)."""
    within: Counter = Counter()
    cohort: Counter = Counter()
    horizon = (world.end - world.start).days
    for h in world.households:
        if h.id not in result.within_by_household:
            continue
        permit = (h.permit_date - world.start).days
        for g in groups_of(h):
            within[g] += 1
            if in_cohort(permit, deadline_of(h, params), horizon):
                cohort[g] += 1
    return HindsightSummary(
        label=label, seed=world.seed, variant=variant,
        within={g: within[g] for g in GROUPS},
        within_cohort={g: cohort[g] for g in GROUPS},
        housed=result.housed, bound_only=result.bound_only,
    )


def in_cohort(permit: int, days: int, horizon: int) -> bool:
    """Whether a household's target date (``days`` after its permit,
    counted from the start) fell within the horizon: it then had its whole
    window inside the simulation, and its outcome is known."""
    return 0 <= permit + days <= horizon


# --- one run's indicators ----------------------------------------------------


def run_indicators(summary: RunSummary) -> dict[str, dict[str, float]]:
    """Every indicator of one run, per group: ``{group: {key: value}}``."""
    horizon = summary.horizon_days
    out = {}
    shares = fulfilment(summary)
    for g in GROUPS:
        rows = [r for r in summary.rows if g in r["groups"]]
        out[g] = _indicators(rows, horizon)
        values = np.array(list(shares.values()), dtype=float)
        whole = g == "all" and len(values)
        out[g]["fulfilment_mean"] = float(values.mean()) if whole \
            else math.nan
        out[g]["fulfilment_gini"] = gini(values) if whole else math.nan
    return out


def fulfilment(summary: RunSummary) -> dict[str, float]:
    """
    Council decisions fulfilled: per municipality whose decision counts
    households, the households it settled for the first time during the
    horizon over the places of its decision (at most 1; a decision is
    yearly, so over a horizon of more than a year its places are counted
    once per year begun).
    """
    years = max(1, -(-summary.horizon_days // 365))
    settled = Counter(r["municipality"] for r in summary.rows
                      if r["municipality"] is not None)
    out = {}
    for m, quota in sorted(summary.quota_start.items()):
        places = quota.get("households", 0) * years
        if places > 0:
            out[m] = min(1.0, settled[m] / places)
    return out


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: all equal; towards 1:
    one has everything); ``nan`` without values or when all are 0."""
    v = np.sort(np.asarray(values, dtype=float))
    if not len(v) or v.sum() <= 0:
        return math.nan
    n = len(v)
    return float((2 * np.arange(1, n + 1) - n - 1) @ v / (n * v.sum()))


def _indicators(rows: list[dict], horizon: int) -> dict[str, float]:
    nan = math.nan
    settled = [r for r in rows if r["settled"] is not None]
    waits = np.array([r["settled"] - r["permit"] for r in settled],
                     dtype=float)
    within = [r for r in settled
              if r["settled"] - r["permit"] <= r["deadline"]]

    def cohort_share(days_of) -> float:
        # Households whose target date fell within the horizon: each had
        # its whole window to be settled in, so nothing is censored.
        cohort = [r for r in rows
                  if in_cohort(r["permit"], days_of(r), horizon)]
        if not cohort:
            return nan
        hit = sum(r["settled"] is not None
                  and r["settled"] - r["permit"] <= days_of(r)
                  for r in cohort)
        return hit / len(cohort)

    values = {
        "households": float(len(rows)),
        "settled": float(len(settled)),
        "settled_within_deadline": float(len(within)),
        "cohort_within_deadline": float(sum(
            in_cohort(r["permit"], r["deadline"], horizon) for r in within
        )),
        "within_deadline_share": cohort_share(lambda r: r["deadline"]),
        "median_wait_months": _months(np.median(waits)) if len(waits)
        else nan,
        "p90_wait_months": _months(np.quantile(waits, 0.9)) if len(waits)
        else nan,
        "waiting_at_end": float(len(rows) - len(settled)),
    }
    for k in WITHIN_MONTHS:
        days = months_days(k)
        values[f"within_{k}m_share"] = cohort_share(lambda r, d=days: d)
        values[f"settled_within_{k}m"] = (
            float((waits <= days).mean()) if len(waits) else nan
        )
    whole = [r for r in settled if r["crowded"] is not None]
    values["crowded_share"] = (
        sum(r["crowded"] for r in whole) / len(whole) if whole else nan
    )
    values["surplus_bedrooms"] = (
        float(np.mean([r["surplus"] for r in whole])) if whole else nan
    )
    values["long_contract_share"] = (
        sum(r["long_contract"] for r in settled) / len(settled)
        if settled else nan
    )
    years = sum(horizon - r["settled"] for r in settled) / 365.25
    moves = sum(r["moves"] for r in settled)
    values["moves_per_100_years"] = 100 * moves / years if years > 0 else nan
    reception = [(r["settled"] if r["settled"] is not None else horizon)
                 - r["joined"] for r in rows]
    values["reception_days_total"] = float(sum(max(0, x)
                                               for x in reception))
    values["reception_days_mean"] = (
        values["reception_days_total"] / len(rows) if rows else nan)
    scored = [r["score"] for r in settled if r.get("score") is not None]
    values["predicted_outcome_mean"] = (float(np.mean(scored)) if scored
                                        else nan)
    children = sum(r["school_children"] for r in settled)
    values["school_changes_per_100"] = (
        100 * sum(r["school_changes"] for r in settled) / children
        if children else nan
    )
    return values


def _municipality_xy(instance) -> dict[str, tuple[float, float]]:
    """Where each municipality's centre lies, for the map."""
    xy = {n.id: (n.x, n.y) for n in instance.nodes}
    return {m.id: xy[m.centre_node] for m in instance.municipalities
            if m.centre_node in xy}


def _months(days: float) -> float:
    return float(days) / DAYS_PER_MONTH


# --- aggregation over seeds --------------------------------------------------


@dataclass
class Spread:
    """Mean, standard deviation, minimum and maximum over seeds."""

    mean: float
    sd: float
    low: float
    high: float
    n: int


def spread(values) -> Spread:
    """The spread of finite values (NaN where there is none)."""
    x = np.array([v for v in values if v is not None and not math.isnan(v)],
                 dtype=float)
    if not len(x):
        return Spread(math.nan, math.nan, math.nan, math.nan, 0)
    sd = float(x.std(ddof=1)) if len(x) > 1 else 0.0
    return Spread(float(x.mean()), sd, float(x.min()), float(x.max()),
                  len(x))


@dataclass
class Tables:
    """Every table of the report, as rows of plain values."""

    indicators: list[dict] = field(default_factory=list)
    hindsight: list[dict] = field(default_factory=list)
    rule_prices: list[dict] = field(default_factory=list)
    dispersion: list[dict] = field(default_factory=list)
    areas: list[dict] = field(default_factory=list)
    tenure: list[dict] = field(default_factory=list)
    quota: list[dict] = field(default_factory=list)
    audit: list[dict] = field(default_factory=list)
    queue: list[dict] = field(default_factory=list)
    waits: list[dict] = field(default_factory=list)
    placements: list[dict] = field(default_factory=list)
    world: list[dict] = field(default_factory=list)


def aggregate(runs: list[RunSummary],
              hindsights: list[HindsightSummary],
              labels: list[str]) -> Tables:
    """
    The report's tables from every run and hindsight of a sweep.

    ``labels`` orders the policies (the baseline first). Only runs with
    no rule switched off enter the indicator tables; runs with one rule
    off enter the price of that rule.
    """
    main = [r for r in runs if not r.variant]
    tables = Tables()
    by_label = defaultdict(list)
    for r in sorted(main, key=lambda r: (labels.index(r.label), r.seed)):
        by_label[r.label].append(r)
    per_run = {(r.label, r.seed): run_indicators(r) for r in main}
    group_size = {
        (label, g): spread(per_run[(label, r.seed)][g]["households"]
                           for r in by_label[label]).mean
        for label in labels for g in GROUPS
    }

    for label in labels:
        for g in GROUPS:
            small = (g in SENSITIVE_GROUPS
                     and not group_size[(label, g)] >= MIN_CELL)
            for key, name in INDICATORS:
                s = spread(per_run[(label, r.seed)][g][key]
                           for r in by_label[label])
                tables.indicators.append(_row(label, g, key, name, s,
                                              suppressed=small))

    _hindsight_tables(tables, by_label, per_run, hindsights, runs, labels)
    _dispersion_tables(tables, by_label, labels)
    _tenure_table(tables, by_label, labels)
    _quota_table(tables, by_label, labels)
    _audit_table(tables, by_label, labels)
    _series_tables(tables, by_label, labels)
    for label in labels:
        for r in by_label[label][:1]:
            tables.world.append({
                "policy": label, "seeds": len(by_label[label]),
                "households": len(r.rows),
                "arrivals_per_month": round(r.arrivals_per_month, 3),
                "vacancies_per_month": round(r.vacancies_per_month, 3),
                "rounds": len(r.rounds),
                "vacancies_lapsed_mean": spread(
                    x.lapsed for x in by_label[label]).mean,
                # National runs: rounds whose solves a time limit stopped
                # (their results depend on the machine's load).
                **({} if r.unproven is None else {
                    "rounds_not_proven_mean": spread(
                        x.unproven for x in by_label[label]).mean,
                }),
            })
    return tables


def _row(label, group, key, name, s: Spread, suppressed=False) -> dict:
    if suppressed:
        return {"policy": label, "group": group, "indicator": key,
                "label": name, "mean": None, "sd": None, "min": None,
                "max": None, "seeds": s.n, "note": f"fewer than {MIN_CELL}"
                " households: suppressed"}
    return {"policy": label, "group": group, "indicator": key, "label": name,
            "mean": _round(s.mean), "sd": _round(s.sd), "min": _round(s.low),
            "max": _round(s.high), "seeds": s.n, "note": ""}


def _round(value: float, digits: int = 4):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def _hindsight_tables(tables, by_label, per_run, hindsights, runs, labels):
    hs = {(h.label, h.seed, h.variant): h for h in hindsights}
    for label in labels:
        cols = defaultdict(list)
        bound_only = False
        for r in by_label[label]:
            h = hs.get((label, r.seed, ""))
            if h is None:
                continue
            bound_only |= h.bound_only
            mine = per_run[(label, r.seed)]
            for name, key, best in (
                ("", "settled_within_deadline", h.within),
                ("cohort_", "cohort_within_deadline", h.within_cohort),
            ):
                for g, short in (("all", ""),
                                 ("families_with_children", "families_")):
                    sim = mine[g][key]
                    cols[f"{name}{short}sim"].append(sim)
                    cols[f"{name}{short}best"].append(best[g])
                    cols[f"{name}{short}ratio"].append(
                        sim / best[g] if best[g] else math.nan)
        row = {"policy": label}
        for name in ("", "cohort_"):
            s = spread(cols[f"{name}sim"])
            b = spread(cols[f"{name}best"])
            q = spread(cols[f"{name}ratio"])
            f = spread(cols[f"{name}families_ratio"])
            row.update({
                f"{name}simulated_within_deadline": _round(s.mean, 2),
                f"{name}hindsight_within_deadline": _round(b.mean, 2),
                f"{name}ratio_mean": _round(q.mean),
                f"{name}ratio_min": _round(q.low),
                f"{name}ratio_max": _round(q.high),
                f"{name}families_ratio_mean": _round(f.mean),
            })
        row["hindsight_is_bound_only"] = bound_only
        row["seeds"] = spread(cols["ratio"]).n
        tables.hindsight.append(row)
    # The price of a rule: households settled within deadline it costs,
    # simulated (when the sweep ran it) and in hindsight.
    sim_off = defaultdict(dict)
    for r in runs:
        if r.variant:
            sim_off[(r.label, r.variant)][r.seed] = run_indicators(r)[
                "all"]["settled_within_deadline"]
    variants = sorted({(h.label, h.variant) for h in hindsights
                       if h.variant} | set(sim_off),
                      key=lambda lv: (labels.index(lv[0]), lv[1]))
    for label, variant in variants:
        hind, sim = [], []
        for r in by_label[label]:
            on, off = hs.get((label, r.seed, "")), hs.get(
                (label, r.seed, variant))
            if on is not None and off is not None:
                hind.append(off.within["all"] - on.within["all"])
            if r.seed in sim_off[(label, variant)]:
                sim.append(sim_off[(label, variant)][r.seed]
                           - per_run[(label, r.seed)]["all"][
                               "settled_within_deadline"])
        h, s = spread(hind), spread(sim)
        tables.rule_prices.append({
            "policy": label, "rule_off": variant,
            "hindsight_cost_mean": _round(h.mean, 2),
            "hindsight_cost_min": _round(h.low, 2),
            "hindsight_cost_max": _round(h.high, 2),
            "simulated_cost_mean": _round(s.mean, 2),
            "simulated_cost_min": _round(s.low, 2),
            "simulated_cost_max": _round(s.high, 2),
            "seeds": max(h.n, s.n),
        })


def largest_share(refugees: dict, residents: dict) -> float:
    """The largest share of refugee households in any area."""
    shares = [refugees[a] / max(residents[a], refugees[a], 1)
              for a in refugees]
    return max(shares) if shares else math.nan


def dissimilarity(refugees: dict, residents: dict) -> float:
    """
    Duncan's index of dissimilarity between refugee and other households
    over areas: half the sum of the absolute differences of each area's
    share of all refugee households and of all other households; 0 when
    every area has the same mix, 1 when no area mixes.
    """
    r = np.array([refugees[a] for a in sorted(refugees)], dtype=float)
    n = np.array([max(residents[a], refugees[a]) - refugees[a]
                  for a in sorted(refugees)], dtype=float)
    if r.sum() <= 0 or n.sum() <= 0:
        return math.nan
    return float(0.5 * np.abs(r / r.sum() - n / n.sum()).sum())


def _dispersion_tables(tables, by_label, labels):
    for label in labels:
        runs = by_label[label]
        for when in ("start", "end"):
            largest, index = [], []
            for r in runs:
                refugees = r.area_start if when == "start" else r.area_end
                residents = {a: max(r.area_residents[a], refugees[a])
                             for a in refugees}
                largest.append(largest_share(refugees, residents))
                index.append(dissimilarity(refugees, residents))
            a, b = spread(largest), spread(index)
            tables.dispersion.append({
                "policy": label, "when": when,
                "largest_area_share_mean": _round(a.mean),
                "largest_area_share_min": _round(a.low),
                "largest_area_share_max": _round(a.high),
                "dissimilarity_mean": _round(b.mean),
                "dissimilarity_min": _round(b.low),
                "dissimilarity_max": _round(b.high),
            })
        areas = sorted(runs[0].area_start) if runs else []
        for area in areas:
            start = spread(r.area_start[area] / max(r.area_residents[area],
                                                    r.area_start[area], 1)
                           for r in runs)
            end = spread(r.area_end[area] / max(r.area_residents[area],
                                                r.area_end[area], 1)
                         for r in runs)
            added = spread(r.area_end[area] - r.area_start[area]
                           for r in runs)
            tables.areas.append({
                "policy": label, "area": area,
                "share_start": _round(start.mean),
                "share_end": _round(end.mean),
                "share_end_min": _round(end.low),
                "share_end_max": _round(end.high),
                "households_added": _round(added.mean, 2),
            })


def _tenure_table(tables, by_label, labels):
    for label in labels:
        counts = defaultdict(list)
        kinds = sorted({row["tenure"] for r in by_label[label]
                        for row in r.rows if row["tenure"]})
        for r in by_label[label]:
            c = Counter(row["tenure"] for row in r.rows if row["tenure"])
            total = sum(c.values())
            for k in kinds:
                counts[k].append(c[k] / total if total else math.nan)
        for k in kinds:
            s = spread(counts[k])
            tables.tenure.append({"policy": label, "tenure": k,
                                  "share_mean": _round(s.mean),
                                  "share_min": _round(s.low),
                                  "share_max": _round(s.high)})


def _quota_table(tables, by_label, labels):
    for label in labels:
        runs = by_label[label]
        if not runs:
            continue
        for m in sorted(runs[0].requested):
            settled = spread(
                sum(row["municipality"] == m for row in r.rows)
                for r in runs
            )
            row = {"policy": label, "municipality": m,
                   "requested": runs[0].requested[m]}
            for dim in sorted(runs[0].quota_start.get(m, {})):
                start = runs[0].quota_start[m][dim]
                used = spread(r.quota_used[m][dim] for r in runs)
                row[f"quota_{dim}"] = start
                row[f"used_{dim}"] = _round(used.mean, 2)
                row[f"fulfilment_{dim}"] = _round(used.mean / start) \
                    if start else None
            row["settled_households"] = _round(settled.mean, 2)
            if not runs[0].quota_start.get(m):
                row["note"] = "no council decision (vedtak) in the instance"
            tables.quota.append(row)


def _audit_table(tables, by_label, labels):
    for label in labels:
        per_key = defaultdict(lambda: defaultdict(list))
        for r in by_label[label]:
            buckets = defaultdict(list)
            for row in r.rows:
                for key in row["audit"]:
                    buckets[key].append(row)
            for key, rows in buckets.items():
                horizon = r.horizon_days
                # Days since the permit, to settlement or to the end.
                waited = [
                    (row["settled"] if row["settled"] is not None
                     else horizon) - row["permit"]
                    for row in rows
                ]
                values = _indicators(rows, horizon)
                per_key[key]["households"].append(len(rows))
                per_key[key]["mean_days_waited"].append(
                    float(np.mean(waited)))
                per_key[key]["waiting_at_end_share"].append(
                    values["waiting_at_end"] / len(rows))
                per_key[key]["within_deadline_share"].append(
                    values["within_deadline_share"])
        rows_out = []
        for key, metrics in per_key.items():
            n = spread(metrics["households"]).mean
            if n < MIN_CELL:
                continue  # too few to describe without singling out
            rows_out.append({
                "policy": label, "group": key, "households": _round(n, 1),
                "mean_days_waited": _round(
                    spread(metrics["mean_days_waited"]).mean, 1),
                "waiting_at_end_share": _round(
                    spread(metrics["waiting_at_end_share"]).mean),
                "within_deadline_share": _round(
                    spread(metrics["within_deadline_share"]).mean),
            })
        rows_out.sort(key=lambda row: (-(row["mean_days_waited"] or 0),
                                       row["group"]))
        for rank, row in enumerate(rows_out, start=1):
            row["rank"] = rank
            tables.audit.append(row)


def _series_tables(tables, by_label, labels):
    names = ("waiting", "waiting_priority", "rehousing", "vacancies",
             "lapsed", "offers", "declined", "accepted")
    for label in labels:
        runs = by_label[label]
        if not runs:
            continue
        for k, first in enumerate(runs[0].rounds):
            row = {"policy": label, "round": k + 1, "day": first[0]}
            for j, name in enumerate(names, start=1):
                s = spread(r.rounds[k][j] for r in runs
                           if k < len(r.rounds))
                row[f"{name}_mean"] = _round(s.mean, 2)
                if name == "waiting":
                    row["waiting_min"] = _round(s.low, 2)
                    row["waiting_max"] = _round(s.high, 2)
            tables.queue.append(row)
        for g in GROUPS:
            if g in SENSITIVE_GROUPS:
                continue
            waits = [
                row["settled"] - row["permit"]
                for r in runs for row in r.rows
                if g in row["groups"] and row["settled"] is not None
            ]
            if not waits:
                continue
            q = np.quantile(np.array(waits, dtype=float),
                            [0.1, 0.25, 0.5, 0.75, 0.9])
            tables.waits.append({
                "policy": label, "group": g, "settled": len(waits),
                "p10_months": _round(_months(q[0]), 3),
                "p25_months": _round(_months(q[1]), 3),
                "median_months": _round(_months(q[2]), 3),
                "p75_months": _round(_months(q[3]), 3),
                "p90_months": _round(_months(q[4]), 3),
            })
        for r in runs[:1]:
            for x, y, area, kind, tenure in r.placements:
                tables.placements.append({
                    "policy": label, "seed": r.seed, "x": _round(x, 3),
                    "y": _round(y, 3), "area": area, "household_type": kind,
                    "tenure": tenure,
                })


def wait_samples(runs: list[RunSummary], label: str,
                 group: str) -> list[float]:
    """Waits in months of the settled households of one group, pooled
    over seeds (for the distribution plots)."""
    return [
        _months(row["settled"] - row["permit"])
        for r in runs if r.label == label and not r.variant
        for row in r.rows
        if group in row["groups"] and row["settled"] is not None
    ]
