"""
Independent checker: re-verifies a proposal against the instance and policy.

It shares no code with the compiler or the engines: it reads the pydantic
objects directly, one match at a time, in plain Python, and recomputes the
size norm, every hard rule, every cap and quota, every criterion score and
the objective from their definitions in the policy documentation. Where
the two implementations disagree, one of them is wrong.
"""

from __future__ import annotations

import math
from datetime import timedelta
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import NamedTuple

import networkx as nx

from models import DAYS_PER_MONTH, Instance, Policy, Proposal, ServiceKind

from .i18n import N_, _

ADULT = 18
SCHOOL = 6
INTRO = (18, 55)
CARE = {"care_housing_substance", "care_housing_psychiatry"}
INDIVIDUAL = N_("an individual need rules this dwelling out")
"""Health, trauma and disability details stay out of every message."""
SECURITY = {
    "rent_to_own": 100,
    "municipal": 80,
    "guaranteed_private": 60,
    "sublet": 50,
    "private_lease": 40,
    "self_found": 40,
}


@dataclass
class CheckReport:
    """Violations found, and the objective recomputed from scratch."""

    violations: list[str] = field(default_factory=list)
    primary: int = 0
    secondary: int = 0
    scores: dict[str, dict[str, int]] = field(default_factory=dict)
    matches: tuple = ()
    """The ``(household_id, dwelling_id, shared)`` matches checked."""

    @property
    def ok(self) -> bool:
        return not self.violations


def check_proposal(
    instance: Instance, policy: Policy, proposal: Proposal, *,
    overrides: dict | None = None, previous: dict | None = None,
    matches_checked: CheckReport | None = None,
) -> CheckReport:
    """
    Checks every hard rule and recomputes the objective of a proposal.

    Returns a report whose ``violations`` is empty when the proposal is
    valid and its stated objective and scores match the recomputation.

    Parameters
    ----------
    instance
        The instance as solved: its ``decisions`` table holds the locks
        and bans in force.
    overrides
        (household, dwelling) -> (rule, reason): a match of that pair may
        break that hard rule, and no other, if it has a reason; the
        proposal must list it among its overrides.
    previous
        Household -> dwelling of the previous proposal: the kept count is
        recomputed, and each previous match not kept must be listed among
        the changes.
    matches_checked
        A report of ``check_matches`` made beforehand, with the same
        instance, policy and overrides (the pipeline checks the solve's
        matches in a forked child while the proposal is explained). It
        is taken only when it checked exactly this proposal's matches;
        otherwise they are checked here.
    """
    matches = [(m.household, m.dwelling, m.shared) for m in proposal.matches]
    if proposal.status == "infeasible":
        # No proposal: only the conflicts are stated; nothing to verify
        # beyond that nobody was matched.
        report = CheckReport()
        if matches:
            report.violations.append(_("An infeasible proposal has matches."))
        if not proposal.conflicts:
            report.violations.append(
                _("An infeasible proposal states no conflict.")
            )
        return report
    if matches_checked is not None and matches_checked.matches == tuple(
            matches):
        report = matches_checked
    else:
        report = check_matches(instance, policy, matches, overrides)
    _check_overrides(proposal, overrides or {}, report.violations)
    if previous is not None:
        _check_kept(policy, proposal, previous, report)
    _check_stated(proposal, report)
    _check_moves(instance, policy, proposal, report.violations)
    seen = {m.household for m in proposal.matches} | {
        u.household for u in proposal.unmatched
    } | {mv.household for mv in proposal.moves if mv.moved_to is None}
    missing = {h.id for h in instance.households} - seen
    if missing:
        report.violations.append(
            _("{n} household(s) neither matched nor listed as "
              "unmatched, e.g. {household}.", n=len(missing),
              household=sorted(missing)[0])
        )
    return report


def _check_stated(proposal: Proposal, report: CheckReport) -> None:
    """The scores and objective the proposal states are those
    recomputed."""
    claimed = {m.household: m for m in proposal.matches}
    for hid, scores in report.scores.items():
        stated = dict(claimed[hid].scores)
        if {k: v for k, v in stated.items() if v} != {
            k: v for k, v in scores.items() if v
        }:
            report.violations.append(
                _("Scores of {household} stated as {stated}, recomputed as "
                  "{scores}.", household=hid, stated=stated, scores=scores)
            )
    if proposal.objective is not None:
        obj = proposal.objective
        if (obj.primary, obj.secondary) != (report.primary, report.secondary):
            report.violations.append(
                _("Objective stated as ({primary}, {secondary}), "
                  "recomputed as ({primary_found}, {secondary_found}).",
                  primary=obj.primary, secondary=obj.secondary,
                  primary_found=report.primary,
                  secondary_found=report.secondary)
            )


def check_matches(instance: Instance, policy: Policy, matches,
                  overrides: dict | None = None) -> CheckReport:
    """
    Checks a list of ``(household_id, dwelling_id, shared)`` matches;
    ``overrides`` as for ``check_proposal``.
    """
    report = CheckReport(matches=tuple(matches))
    bad = report.violations
    households = {h.id: h for h in instance.households}
    dwellings = {d.id: d for d in instance.dwellings}
    areas = {a.id: a for a in instance.areas}
    buildings = {b.id: b for b in instance.buildings}
    munis = {m.id: m for m in instance.municipalities}
    own_rules = {m: policy.for_municipality(m) for m in munis}
    given = _check_once_and_locks(instance, matches, bad)
    sitting = sitting_tenants(instance, policy)
    occupants = _check_pairs(instance, policy, matches, overrides or {},
                             households, dwellings, own_rules, sitting, bad)
    _check_occupancy(policy, dwellings, occupants, bad)
    for hid, did in sitting.items():
        others = [h.id for h, _ in occupants.get(did, ()) if h.id != hid]
        if others and given.get(hid) == did:
            bad.append(_("Dwelling {dwelling} is given to {other} while "
                         "its sitting tenant {household} stays.",
                         dwelling=did, other=others[0], household=hid))
    _check_caps(instance, policy, matches, households, dwellings, areas,
                buildings, munis, bad, sitting)
    _score_matches(instance, policy, matches, households, dwellings,
                   own_rules, sitting, report)
    report.secondary -= _dispersion_cost(instance, policy, matches,
                                         dwellings, areas, sitting)
    report.secondary -= _service_places(instance, policy, matches,
                                        households, dwellings, bad)
    return report


def _check_once_and_locks(instance, matches, bad) -> dict[str, str]:
    """Each household matched at most once and every lock honoured;
    returns household -> dwelling as matched."""
    locks = {
        d.household: d.dwelling
        for d in instance.decisions
        if d.kind == "lock"
    }
    count = Counter(h for h, _, _ in matches)
    for hid, n in count.items():
        if n > 1:
            bad.append(_("Household {household} is matched {n} times.",
                         household=hid, n=n))
    given = {h: d for h, d, _ in matches}
    for hid, did in locks.items():
        if given.get(hid) != did:
            bad.append(
                _("Lock {household} -> {dwelling} not honoured (got "
                  "{given}).", household=hid, dwelling=did,
                  given=given.get(hid))
            )
    return given


def _check_pairs(instance, policy, matches, overrides, households,
                 dwellings, own_rules, sitting, bad) -> dict:
    """
    Every match against the hard rules of its dwelling's municipality,
    the overrides that allow a breach and the bans; returns dwelling id
    -> its occupants as ``(household, shared)``.
    """
    bans = {
        (d.household, d.dwelling)
        for d in instance.decisions
        if d.kind == "ban"
    }
    occupants = defaultdict(list)
    for hid, did, shared in matches:
        if hid not in households or did not in dwellings:
            bad.append(_("Match {household} -> {dwelling} names an unknown "
                         "id.", household=hid, dwelling=did))
            continue
        h, d = households[hid], dwellings[did]
        occupants[did].append((h, shared))
        if sitting.get(hid) == did:
            continue  # a sitting tenant staying where it lives
        if hid in sitting and shared:
            bad.append(_("Sitting tenant {household} is given a room in "
                         "shared housing ({dwelling}).", household=hid,
                         dwelling=did))
        allowed, why = overrides.get((hid, did), (None, ""))
        # A pair follows the rules of its dwelling's municipality.
        local = own_rules.get(d.municipality, policy)
        for rule, reason in rule_breaches(instance, local, h, d, shared):
            if rule == allowed and why.strip():
                continue  # broken on purpose, with a reason
            bad.append(_("Match {household} -> {dwelling}: {reason}.",
                         household=hid, dwelling=did, reason=reason))
        if (hid, did) in bans:
            bad.append(_("Match {household} -> {dwelling} was banned.",
                         household=hid, dwelling=did))
    return occupants


def _score_matches(instance, policy, matches, households, dwellings,
                   own_rules, sitting, report) -> None:
    """Recomputes each match's criterion scores into ``report.scores``
    and adds the matches' priority and quality to the objective."""
    travel = _Travel(instance)
    for hid, did, shared in matches:
        if hid not in households or did not in dwellings:
            continue
        h, d = households[hid], dwellings[did]
        if hid in sitting:
            scores = {"moving": _moving_score(policy, h, dwellings,
                                              sitting[hid], d)}
            report.scores[hid] = scores
            report.secondary += scores["moving"]
            continue  # a sitting tenant has no priority
        local = own_rules.get(d.municipality, policy)
        scores = criterion_scores(instance, local, h, d, shared, travel)
        report.scores[hid] = scores
        report.primary += priority_points(instance, policy, h)
        report.secondary += sum(scores.values())


# --- moving on (7.2.23, 7.4.15, R2) ------------------------------------------


def sitting_tenants(instance, policy) -> dict[str, str]:
    """
    Sitting tenants in the round, from the definition: with ``moving``
    enabled, every household marked ``moving_on`` whose
    ``current_dwelling`` is a dwelling of the instance, by its dwelling;
    a household the office has locked is placed by its lock instead, as
    any household.
    """
    if not policy.moving.enabled:
        return {}
    ids = {d.id for d in instance.dwellings}
    locked = {d.household for d in instance.decisions if d.kind == "lock"}
    return {h.id: h.current_dwelling for h in instance.households
            if h.moving_on and h.current_dwelling in ids
            and h.id not in locked}


def _moving_score(policy, h, dwellings, own, d) -> int:
    """Staying earns the exit penalty (a move out avoided); a move to
    another dwelling earns it less the move penalty, and less the school
    penalty for school-age children when the area changes. Out: 0."""
    m = policy.moving
    if d.id == own:
        return m.exit_penalty
    changes = _facts(h).school_age and dwellings[own].area != d.area
    return (m.exit_penalty - m.move_penalty
            - (m.school_change_penalty if changes else 0))


def _check_moves(instance, policy, proposal, bad) -> None:
    """Every chain of moves agrees with the matches: each tenant that
    left its dwelling is one step (to its match, or out); a chain's next
    step leaves the dwelling the step before went to; the first step of
    a chain is the household that took a tenant's dwelling."""
    sitting = sitting_tenants(instance, policy)
    given = {m.household: m.dwelling for m in proposal.matches}
    moved = {t for t, d in sitting.items() if given.get(t) != d}
    steps = {}
    chains = defaultdict(list)
    for mv in proposal.moves:
        chains[mv.chain].append(mv)
        if mv.moved_from is not None:
            steps[mv.household] = mv
            if sitting.get(mv.household) != mv.moved_from:
                bad.append(_("Move of {household} from {dwelling}: not a "
                             "sitting tenant of that dwelling.",
                             household=mv.household,
                             dwelling=mv.moved_from))
        if given.get(mv.household) != mv.moved_to:
            bad.append(_("Move of {household} to {dwelling}, but its "
                         "match is {match}.", household=mv.household,
                         dwelling=mv.moved_to,
                         match=given.get(mv.household)))
    for t in sorted(moved - set(steps)):
        bad.append(_("Sitting tenant {household} left {dwelling} but no "
                     "chain shows the move.", household=t,
                     dwelling=sitting[t]))
    for c, chain in chains.items():
        chain.sort(key=lambda mv: mv.step)
        for a, b in zip(chain, chain[1:]):
            if b.moved_from != a.moved_to:
                bad.append(_("Chain {chain}: {household} leaves "
                             "{dwelling}, not where {other} went "
                             "({other_to}).", chain=c,
                             household=b.household, dwelling=b.moved_from,
                             other=a.household, other_to=a.moved_to))
    held = set(sitting.values())
    for t, d in sitting.items():
        takers = [h for h, x in given.items() if x == d and h != t]
        if takers and t not in moved:
            bad.append(_("{household} takes {dwelling} but its tenant "
                         "{tenant} stays.", household=takers[0],
                         dwelling=d, tenant=t))
    for h, d in given.items():
        if d in held and h not in sitting and not any(
            mv.household == h and mv.moved_to == d and mv.step == 0
            for mv in proposal.moves
        ):
            bad.append(_("{household} takes the tenant's dwelling "
                         "{dwelling} outside a chain of moves.",
                         household=h, dwelling=d))


def _service_places(instance, policy, matches, households, dwellings,
                    bad) -> int:
    """
    Service places (DOMAIN.md 7.1.2, ``models.places``): members aged
    within the kindergarten and school bands use a place in the dwelling's
    area, members of programme age in households taking part use an
    introduction place in its municipality. In ``cap`` mode no area or
    municipality may use more than its free places; in ``penalise`` mode
    each place over costs the penalty. Returns the cost.
    """
    rules = policy.places
    if rules.mode == "off":
        return 0
    bands = {
        "kindergarten": rules.kindergarten_ages,
        "school": rules.school_ages,
        "introduction": (policy.placement.introduction_min_age,
                         policy.placement.introduction_max_age),
    }
    used = Counter()
    for hid, did, _shared in matches:
        if hid not in households or did not in dwellings:
            continue
        h, d = households[hid], dwellings[did]
        for kind, (low, high) in bands.items():
            if kind == "introduction" and not h.introduction_programme:
                continue
            n = sum(low <= m.age <= high for m in h.members)
            where = d.municipality if kind == "introduction" else d.area
            used[kind, where] += n
    free = {("introduction", m.id): m.introduction_places
            for m in instance.municipalities}
    for a in instance.areas:
        free["kindergarten", a.id] = a.kindergarten_places
        free["school", a.id] = a.school_places
    cost = 0
    for (kind, where), n in sorted(used.items()):
        limit = free.get((kind, where))
        if limit is None or n <= limit:
            continue
        if rules.mode == "cap":
            bad.append(_(PLACES_FULL[kind], where=where, n=n,
                         limit=limit))
        else:
            cost += (n - limit) * rules.penalty
    return cost


# --- the size norm and hard rules -------------------------------------------


_NEEDS: dict = {}
"""Bedrooms needed by (members, size norm), kept with both (immutable)
objects: a match asks for them twice, for its hard rules and its
scores."""


def rooms_needed(h, norm) -> int:
    """Bedrooms needed, straight from the size-norm definition."""
    key = (id(h.members), id(norm))
    hit = _NEEDS.get(key)
    if hit is not None and hit[0] is h.members and hit[1] is norm:
        return hit[2]
    need = _rooms_needed(h, norm)
    if len(_NEEDS) >= 100_000:
        _NEEDS.clear()
    _NEEDS[key] = (h.members, norm, need)
    return need


def _rooms_needed(h, norm) -> int:
    if len(h.members) == 1:
        return 0
    adults = [m for m in h.members if m.age >= ADULT]
    couple = norm.couples_share and len(adults) >= 2 and any(
        m.relation == "partner" for m in adults
    )
    need = len(adults) - (1 if couple else 0)
    kids = [m for m in h.members if m.age < ADULT]
    teens = [m for m in kids if m.age >= norm.own_room_age]
    need += len(teens)
    rest = [m for m in kids if m.age < norm.own_room_age]
    per = norm.children_per_room
    free_beds = 0
    for sex in ("F", "M", "X"):
        n = len(
            [m for m in rest
             if m.age >= norm.mixed_sex_until_age and m.sex == sex]
        )
        rooms = -(-n // per)
        need += rooms
        free_beds += rooms * per - n
    small = len([m for m in rest if m.age < norm.mixed_sex_until_age])
    need += -(-max(0, small - free_beds) // per)
    return max(1, need)


def _known_need(value, policy) -> bool:
    if value is None:
        return policy.unknown_need == "need"
    return bool(value)


def hard_rule_breaches(instance, policy, h, d, shared) -> list[str]:
    """Every hard rule a single match breaks, in words."""
    return [text for _, text in rule_breaches(instance, policy, h, d,
                                              shared)]


def rule_breaches(instance, policy, h, d, shared) -> list[tuple[str, str]]:
    """Every hard rule a single match breaks: (rule name, words)."""
    out = _Breaches()
    hard = policy.hard
    as_of = instance.as_of
    if hard.availability:
        if (d.available_from - as_of).days > policy.horizon_days:
            out.append(N_("dwelling not available within the horizon"))
        if d.available_until is not None and d.available_until < as_of:
            out.append(N_("dwelling no longer available"))
    if hard.assigned_municipality and h.assigned_municipality:
        if d.municipality != h.assigned_municipality:
            out.append(N_("outside the assigned municipality"))
    single = len(h.members) == 1 and h.members[0].age >= ADULT
    if shared:
        if not policy.shared.enabled:
            out.append(N_("shared housing is switched off"))
        if not (single and h.open_to_shared is True
                and h.members[0].age >= policy.shared.min_age):
            out.append(N_("shared room for a household that cannot "
                          "share"))
        if d.shared_rooms < 2:
            out.append(N_("shared room in a dwelling unsuited to "
                          "sharing"))
    else:
        if (policy.shared.enabled and d.shared_rooms >= 2 and single
                and h.open_to_shared is True
                and h.members[0].age >= policy.shared.min_age):
            out.append(N_("single open to sharing given a shared "
                          "dwelling whole"))
        need = rooms_needed(h, policy.size)
        slack = {"forbid": 0, "penalise": 1, "ignore": 99}[
            policy.size.crowding
        ]
        if policy.size.count_reunification:
            need += _reunion_rooms(h)
        if d.bedrooms < need - slack:
            out.append(N_("{bedrooms} bedrooms for a need of {need}"),
                       bedrooms=d.bedrooms, need=need)
        if d.bedrooms > need + policy.size.allowed_surplus:
            out.append(N_("{bedrooms} bedrooms exceed need {need} + "
                          "surplus"), bedrooms=d.bedrooms, need=need)
    if hard.accessibility:
        if _known_need(h.needs_step_free, policy) and not (
            d.step_free and (d.floor == 0 or d.lift)
        ):
            out.append(INDIVIDUAL)
        if _known_need(h.needs_ground_floor, policy) and not (
            d.floor == 0 and not d.basement
        ):
            out.append(INDIVIDUAL)
        if _known_need(h.needs_no_basement, policy) and d.basement:
            out.append(INDIVIDUAL)
    if hard.avoid_features and h.avoid_features:
        if set(h.avoid_features) & set(d.features):
            out.append(INDIVIDUAL)
    minors = _facts(h).minors
    if hard.child_safety and minors and (d.damp or not d.child_suitable):
        out.append(N_("damp or unsuitable for children"))
    if hard.care_housing == "forbid" and not CARE.isdisjoint(d.features):
        out.append(N_("beside care housing"))
    afford = policy.affordability
    if afford.mode == "forbid" and h.monthly_income_nok is not None:
        income = round(h.monthly_income_nok)
        if 100 * _net_housing_cost(h, d, policy) > (
            afford.max_share_percent * income
        ):
            out.append(N_("not affordable: net housing cost above the "
                          "share of income allowed"))
    if hard.self_found:
        for text, values in _self_found_breaches(instance, h, d):
            out.append(text, **values)
    return out


def _offer_stands(d, as_of) -> bool:
    return d.found_by is not None and (
        d.offer_lapses is None or as_of <= d.offer_lapses
    )


def _self_found_breaches(instance, h, d) -> list[tuple[str, dict]]:
    """
    A self-found dwelling whose landlord's offer stands goes to no other
    household, and to its finder only once the municipality accepted and
    IMDi approved it; a household whose own accepted and approved
    dwelling stands gets that one and no other (DOMAIN.md 7.1.9).
    """
    out = []
    as_of = instance.as_of
    approved = (d.municipal_acceptance == "granted"
                and d.imdi_approval == "granted")
    if _offer_stands(d, as_of):
        if d.found_by != h.id:
            out.append((N_("self-found dwelling reserved for {finder}"),
                        {"finder": d.found_by}))
        elif not approved:
            out.append((N_("self-found dwelling not yet accepted and "
                           "approved"), {}))
    own = _lookups(instance).own.get(h.id, ())
    if own and d.id not in own:
        out.append((N_("self-found dwelling {own} approved for this "
                       "household"), {"own": own[0]}))
    return out


_LOOKUPS: list = []
"""Look-ups of the last few instances, each kept with the (immutable)
tables and planning date it was made from: the checker looks up per
match what it would otherwise find by a pass over a whole table per
match (on national, 13,000 matches times 30,000 dwellings)."""


def _lookups(instance) -> SimpleNamespace:
    """
    ``own``: household id -> ids of the self-found dwellings whose offer
    stands and that are accepted and approved, in the instance's order;
    ``compatriots``: (area, nationality) -> households already there;
    ``centre``: municipality id -> its centre node.
    """
    parts = (instance.dwellings, instance.area_nationalities,
             instance.municipalities)
    for known, as_of, found in _LOOKUPS:
        # Asked once per match or more: compared without a generator.
        if (known[0] is parts[0] and known[1] is parts[1]
                and known[2] is parts[2] and as_of == instance.as_of):
            return found
    own = defaultdict(list)
    for o in instance.dwellings:
        if (_offer_stands(o, instance.as_of)
                and o.municipal_acceptance == "granted"
                and o.imdi_approval == "granted"):
            own[o.found_by].append(o.id)
    compatriots = Counter()
    for r in instance.area_nationalities:
        compatriots[r.area, r.nationality] += r.households
    centre = {}
    for m in instance.municipalities:
        centre.setdefault(m.id, m.centre_node)
    found = SimpleNamespace(
        own={h: tuple(ids) for h, ids in own.items()},
        compatriots=compatriots, centre=centre)
    _LOOKUPS.insert(0, (parts, instance.as_of, found))
    del _LOOKUPS[4:]
    return found


def _net_housing_cost(h, d, policy) -> int:
    """
    Rent plus utilities (or the policy's estimate) less the approximated
    housing allowance, in whole kroner a month, from the definition on
    ``models.policy.Affordability``.
    """
    a = policy.affordability
    if d.utilities_nok is None:
        cost = round(d.rent_nok) + a.utilities_base_nok + (
            a.utilities_per_bedroom_nok * d.bedrooms
        )
    else:
        cost = round(d.rent_nok + d.utilities_nok)
    income = round(h.monthly_income_nok)
    cap = a.cost_cap_nok + a.cost_cap_per_person_nok * (len(h.members) - 1)
    own_share = a.own_share_percent * max(income, a.minimum_income_nok) // 100
    allowance = max(0, a.allowance_percent * (min(cost, cap) - own_share)
                    // 100)
    return cost - allowance


class _Breaches(list):
    """Breaches named by rule from their words (the rule names of
    ``models.OVERRIDABLE_RULES``; shared housing is ``shared_housing``)."""

    RULE_OF = (
        ("available", "availability"),
        ("assigned municipality", "assigned_municipality"),
        ("exceed need", "size_too_large"),
        ("bedrooms for a need", "size_too_small"),
        (INDIVIDUAL, "individual_need"),
        ("unsuitable for children", "child_safety"),
        ("care housing", "care_housing"),
        ("not affordable", "affordability"),
        ("self-found", "self_found"),
    )

    def append(self, text, **values):
        """Names the rule from the English words, then keeps the words in
        the language in use."""
        rule = next((r for key, r in self.RULE_OF if key in text),
                    "shared_housing")
        super().append((rule, _(text, **values)))


def _check_overrides(proposal, overrides, bad):
    """Every stated override is allowed, with its rule and a reason, and
    every match on an allowed override pair is stated."""
    matched = {(m.household, m.dwelling) for m in proposal.matches}
    stated = {(o.household, o.dwelling): o for o in proposal.overrides}
    for pair, o in stated.items():
        rule, why = overrides.get(pair, (None, ""))
        if rule is None or pair not in matched:
            bad.append(_("Override {household} -> {dwelling} stated "
                         "without an override decision or match.",
                         household=pair[0], dwelling=pair[1]))
        elif o.rule != rule or not o.reason.strip() or not why.strip():
            bad.append(_("Override {household} -> {dwelling} stated as "
                         "breaking '{rule}' with reason {reason}; the "
                         "decision allows '{allowed}' with reason {why}.",
                         household=pair[0], dwelling=pair[1], rule=o.rule,
                         reason=repr(o.reason), allowed=rule,
                         why=repr(why)))
    for pair in matched & set(overrides):
        if pair not in stated:
            bad.append(_("Match {household} -> {dwelling} is an override "
                         "the proposal does not state.", household=pair[0],
                         dwelling=pair[1]))


def _check_kept(policy, proposal, previous, report):
    """The kept count, per match and in the objective, from the previous
    matches; every previous match not kept is a stated change."""
    bad = report.violations
    now = {m.household: m.dwelling for m in proposal.matches}
    kept = {h for h, d in previous.items() if now.get(h) == d}
    for m in proposal.matches:
        if m.kept != (m.household in kept):
            bad.append(_("Match {household} -> {dwelling} stated as "
                         "kept={kept}; the previous proposal says "
                         "{previous}.", household=m.household,
                         dwelling=m.dwelling, kept=m.kept,
                         previous=m.household in kept))
    changed = {c.household for c in proposal.changes}
    lost = {h for h in previous if h not in kept}
    if changed != lost:
        bad.append(_("Changes listed for {changed} household(s); {lost} "
                     "previous match(es) were not kept.",
                     changed=len(changed), lost=len(lost)))
    obj = proposal.objective
    if obj is None:
        return
    if obj.kept != len(kept):
        bad.append(_("Kept matches stated as {stated}, recomputed as "
                     "{found}.", stated=obj.kept, found=len(kept)))
    per = obj.scale if policy.objective == "lexicographic" else (
        policy.weights.housed)
    value = obj.primary * per + len(kept) * obj.keep_bonus + obj.secondary
    if obj.value != value:
        bad.append(_("Objective value stated as {stated}; its parts give "
                     "{found}.", stated=obj.value, found=value))
    weight = policy.decisions.keep_weight
    if weight is not None and obj.keep_bonus != weight:
        bad.append(_("Keep bonus {bonus}; the policy's keep_weight is "
                     "{weight}.", bonus=obj.keep_bonus, weight=weight))


def _reunion_rooms(h) -> int:
    n = h.expected_reunification_persons
    if n <= 0:
        return 0
    alone = len(h.members) == 1 and h.members[0].age >= ADULT
    return -(-max(0, n - (1 if alone else 0)) // 2)


def _check_occupancy(policy, dwellings, occupants, bad):
    for did, people in occupants.items():
        d = dwellings[did]
        if len(people) == 1:
            continue
        if not all(shared for _, shared in people):
            bad.append(_("Dwelling {dwelling} given to {n} households.",
                         dwelling=did, n=len(people)))
            continue
        if len(people) > d.shared_rooms:
            bad.append(
                _("Dwelling {dwelling} has {n} co-residents for {rooms} "
                  "rooms.", dwelling=did, n=len(people),
                  rooms=d.shared_rooms)
            )
        sexes = {h.members[0].sex for h, _ in people}
        if policy.shared.same_sex and len(sexes) > 1:
            bad.append(_("Dwelling {dwelling} mixes sexes in shared "
                         "housing.", dwelling=did))
        ages = [h.members[0].age for h, _ in people]
        if max(ages) - min(ages) > policy.shared.max_age_gap:
            bad.append(_("Dwelling {dwelling} co-residents span ages "
                         "{youngest}-{oldest}.", dwelling=did,
                         youngest=min(ages), oldest=max(ages)))


PLACES_FULL = {
    "kindergarten": N_("Kindergarten places in {where}: {n} used, {limit} "
                       "free."),
    "school": N_("School places in {where}: {n} used, {limit} free."),
    "introduction": N_("Introduction places in {where}: {n} used, {limit} "
                       "free."),
}
"""Service places used beyond those free, by kind, in words."""


def _room_left(share, residents, existing):
    if share is None or share >= 1:
        return math.inf
    return max(0, math.floor((share * residents - existing) / (1 - share)))


def _check_caps(instance, policy, matches, households, dwellings, areas,
                buildings, munis, bad, sitting=None):
    disp = policy.dispersion
    per_area = Counter()
    per_building = Counter()
    per_muni = defaultdict(Counter)
    sitting = sitting or {}
    # A sitting tenant in the round counts only where it lives after it:
    # the households its area and building already hold lose it.
    for did in sitting.values():
        per_area[dwellings[did].area] -= 1
        if dwellings[did].building:
            per_building[dwellings[did].building] -= 1
    for hid, did, _shared in matches:
        if hid not in households or did not in dwellings:
            continue
        d, h = dwellings[did], households[hid]
        per_area[d.area] += 1
        if d.building:
            per_building[d.building] += 1
        if hid in sitting:
            continue  # settled already: no place of a quota
        quota_used = per_muni[d.municipality]
        for dim, used in _facts(h).usage.items():
            quota_used[dim] += used
    for aid, n in per_area.items():
        a = areas[aid]
        room = _room_left(disp.area_cap_share, a.resident_households,
                          a.refugee_households)
        if n > room:
            bad.append(_("Area {area} gets {n} refugee households; its "
                         "cap allows {room}.", area=aid, n=n, room=room))
    if disp.building_cap is not None:
        for bid, n in per_building.items():
            allowed = max(0, disp.building_cap
                          - buildings[bid].refugee_households)
            if n > allowed:
                bad.append(_("Building {building} gets {n}; its cap "
                             "allows {allowed}.", building=bid, n=n,
                             allowed=allowed))
    if policy.hard.municipality_quota:
        for mid, used in per_muni.items():
            for dim, limit in munis[mid].quotas.items():
                if used[dim] > limit:
                    bad.append(_("Municipality {municipality} uses {used} "
                                 "{dimension}; its quota is {limit}.",
                                 municipality=mid, used=used[dim],
                                 dimension=dim, limit=limit))


def _usage(h, ages) -> dict[str, int]:
    """Quota dimensions household ``h`` uses (``ages``: its members')."""
    children = adults = seniors = 0
    for a in ages:  # one pass: asked once per household of the round
        if a < ADULT:
            children += 1
        elif a < 67:
            adults += 1
        else:
            seniors += 1
    kind = h.household_type
    return {
        "households": 1,
        "persons": len(ages),
        "single_adults": int(kind == "single_adult"),
        "families": int(kind in ("family_with_children", "single_parent",
                                 "couple", "other_adults")),
        "unaccompanied_minors": int(kind == "unaccompanied_minor"),
        "children": children,
        "adults": adults,
        "seniors": seniors,
    }


def _dispersion_cost(instance, policy, matches, dwellings, areas,
                     sitting=None) -> int:
    share = policy.dispersion.area_target_share
    if share is None:
        return 0
    per_area = Counter(
        dwellings[did].area for _, did, _ in matches if did in dwellings
    )
    for did in (sitting or {}).values():
        per_area[dwellings[did].area] -= 1
    cap_share = policy.dispersion.area_cap_share
    cost = 0
    for aid, n in per_area.items():
        a = areas[aid]
        target = _room_left(share, a.resident_households,
                            a.refugee_households)
        cap = _room_left(cap_share, a.resident_households,
                         a.refugee_households)
        target = min(target, cap)
        cost += max(0, n - target) * policy.weights.dispersion
    return cost


# --- what a household's members decide ---------------------------------------


class _HouseholdFacts(NamedTuple):
    """What a household's members and type decide for every rule and
    score of its match, read once per household."""

    minors: bool
    """A member under 18."""
    school_age: bool
    """A member of school age (6 to 17)."""
    services_wanted: frozenset[str]
    """The services its ages call for (``_services_wanted``)."""
    has_children: bool
    priority_group: bool
    usage: dict[str, int]
    """Quota dimensions its place uses (``_usage``)."""


_FACTS: dict = {}
"""Facts by household, kept with the (immutable) household they were
read from, so that its id is not reused while the entry lives."""


def _facts(h) -> _HouseholdFacts:
    """The facts of household ``h`` (``_HouseholdFacts``): the rules,
    scores and quotas of a match ask for them several times each."""
    hit = _FACTS.get(id(h))
    if hit is not None and hit[0] is h:
        return hit[1]
    ages = [m.age for m in h.members]
    usage = _usage(h, ages)
    facts = _HouseholdFacts(
        minors=usage["children"] > 0,
        school_age=any(SCHOOL <= a < ADULT for a in ages),
        services_wanted=_services_wanted(ages),
        has_children=h.has_children,
        priority_group=h.is_priority_group,
        usage=usage,
    )
    if len(_FACTS) >= 100_000:
        _FACTS.clear()
    _FACTS[id(h)] = (h, facts)
    return facts


# --- priority and scores ------------------------------------------------------


def priority_points(instance, policy, h) -> int:
    """Priority points, straight from the policy's definition (none
    without a permit date, which only placement by pair scores accepts);
    the placement checker counts them here too."""
    if h.permit_date is None:
        return 0
    waited = (instance.as_of - h.permit_date).days
    group = _facts(h).priority_group
    months = (policy.deadlines.priority_months if group
              else policy.deadlines.standard_months)
    p = policy.priority
    points = p.base + int(round(
        p.per_deadline * min(waited / (months * DAYS_PER_MONTH), p.cap)
    ))
    if group:
        points += p.group_bonus
    if waited > policy.deadlines.maximum_months * DAYS_PER_MONTH:
        points += p.overdue_bonus
    return points


def _reach(minutes, target, factor) -> float:
    zero = target * factor
    return min(1.0, max(0.0, (zero - minutes) / (zero - target))) * 100.0


_NETWORKS: list = []
"""The checker's own searches of the last networks, kept with the
(immutable) node, edge and site objects they were made from, so that
instances sharing them (the policy lab's rounds) search once."""


class _Travel:
    """Shortest minutes on the network, computed lazily per source node."""

    def __init__(self, instance):
        self.table = {(t.dwelling, t.kind): t.minutes
                      for t in instance.travel_times}
        self.reach_sums = {}
        """(node, id of a list of services) -> (that list, the sum of
        their reach scores from the node); see ``_services_score``."""
        parts = (instance.nodes, instance.edges, instance.sites)
        for known, shared in _NETWORKS:
            if all(len(a) == len(b) and all(x is y for x, y in zip(a, b))
                   for a, b in zip(known, parts, strict=True)):
                self.__dict__.update(shared)
                return
        self.graph = nx.Graph()
        self.graph.add_nodes_from(n.id for n in instance.nodes)
        for e in instance.edges:
            w = self.graph.get_edge_data(e.source, e.target)
            if w is None or e.minutes < w["minutes"]:
                self.graph.add_edge(e.source, e.target, minutes=e.minutes)
        self.sites = defaultdict(list)
        for s in instance.sites:
            self.sites[s.kind].append(s.node)
        self.site_node = {s.id: s.node for s in instance.sites}
        self._from = {}
        self._nearest = {}
        _NETWORKS.insert(0, (parts, {
            k: getattr(self, k)
            for k in ("graph", "sites", "site_node", "_from", "_nearest")
        }))
        del _NETWORKS[4:]

    def between(self, a, b) -> float:
        if a is None or b is None or a not in self.graph:
            return math.inf
        if a not in self._from:
            if len(self._from) >= 2048:
                self._from.clear()
            self._from[a] = nx.single_source_dijkstra_path_length(
                self.graph, a, weight="minutes"
            )
        return self._from[a].get(b, math.inf)

    def to_kind(self, d, kind) -> float:
        """Minutes from dwelling ``d`` to the nearest site of ``kind``:
        the instance's travel time if it states one, else on the
        network."""
        if self.table:  # most instances state none: no key to build
            minutes = self.table.get((d.id, kind))
            if minutes is not None:
                return minutes
        if d.node is None:
            return math.inf
        nearest = self._nearest.get(kind)
        if nearest is None:
            # One search from every site of the kind at once: the nearest
            # site's minutes to every node (the network is undirected).
            sources = [n for n in self.sites[kind]
                       if n is not None and n in self.graph]
            nearest = self._nearest[kind] = (
                nx.multi_source_dijkstra_path_length(
                    self.graph, sources, weight="minutes")
                if sources else {}
            )
        return nearest.get(d.node, math.inf)


def criterion_scores(instance, policy, h, d, shared, travel) -> dict:
    """
    Weighted contribution of each criterion for one match, recomputed
    from the instance alone (no compiled arrays), in a fixed order.
    """
    facts = _facts(h)
    need = rooms_needed(h, policy.size)
    if policy.size.count_reunification:
        need += _reunion_rooms(h)
    out = {
        "size_fit": policy.weights.size_fit * _size_fit(h, d, shared, need),
        "services": _services_score(policy, d, travel, facts),
    }
    out.update(_dwelling_scores(policy, h, d, shared, need, facts))
    out.update(_wish_scores(instance, policy, h, d, travel, facts))
    out.update(_penalty_scores(instance, policy, h, d))
    return out


def _size_fit(h, d, shared, need) -> int:
    """Unweighted size fit: spare bedrooms cost 40 points each, too few
    is -100, and a home under 25 m² a person loses up to 100 more; a
    room in a shared dwelling is a flat 60."""
    surplus = d.bedrooms - need
    size = 60 if shared else (100 - 40 * surplus if surplus >= 0 else -100)
    if not shared:
        per_person = d.floor_area_m2 / len(h.members)
        size -= min(100, math.floor(4 * max(0.0, 25.0 - per_person)))
    return size


def _services_wanted(ages) -> frozenset[str]:
    """The services a household's ages call for: transport, health and
    shops for all, a kindergarten for a child under school age, a school
    for a school-age child, adult education for a member of programme
    age."""
    wanted = {"public_transport", "health", "shop"}
    if any(a < SCHOOL for a in ages):
        wanted.add("kindergarten")
    if any(SCHOOL <= a < ADULT for a in ages):
        wanted.add("school")
    if any(INTRO[0] <= a <= INTRO[1] for a in ages):
        wanted.add("adult_education")
    return frozenset(wanted)


def _services_score(policy, d, travel, facts) -> int:
    """Weighted mean reach of the services the household's ages call
    for, among those with a target time."""
    sv = policy.services
    # In the order services are listed in the contract, so that sums of
    # floating-point reach scores round the same way everywhere.
    kinds = _service_kinds(sv, facts.services_wanted)
    if not kinds:
        return 0
    if travel.table:
        total = _reach_sum(sv, d, kinds, travel)
    else:
        # Without stated travel times the minutes depend on the dwelling's
        # node alone: summed once per node and list of services (on
        # national, half as often as once per match). The list, kept in
        # the entry, names its settings (``_service_kinds``).
        hit = travel.reach_sums.get((d.node, id(kinds)))
        if hit is None or hit[0] is not kinds:
            hit = travel.reach_sums[d.node, id(kinds)] = (
                kinds, _reach_sum(sv, d, kinds, travel))
        total = hit[1]
    return round(policy.weights.services * total / len(kinds))


def _reach_sum(sv, d, kinds, travel) -> float:
    """The reach scores of the services ``kinds`` from dwelling ``d``,
    added one by one in order, as ``sum`` would."""
    targets, factor = sv.target_minutes, sv.zero_at_factor
    total = 0
    for k in kinds:
        total += _reach(travel.to_kind(d, k), targets[k], factor)
    return total


_KINDS: dict = {}
"""The services counted for each set wanted, by the (immutable) service
settings they were read from."""


def _service_kinds(sv, wanted: frozenset) -> list[str]:
    """The services of ``wanted`` with a target time, in the order the
    contract lists them: read once per settings and set wanted (a
    household's ages call for one of eight sets)."""
    hit = _KINDS.get((id(sv), wanted))
    if hit is None or hit[0] is not sv:
        if len(_KINDS) >= 1024:
            _KINDS.clear()
        hit = _KINDS[id(sv), wanted] = (sv, [
            k.value for k in ServiceKind
            if k in wanted and sv.target_minutes.get(k, 0) > 0])
    return hit[1]


def _dwelling_scores(policy, h, d, shared, need, facts) -> dict:
    """Condition, child suitability, tenure and room for reunification:
    the criteria the dwelling itself decides."""
    w = policy.weights
    minors = facts.minors
    out = {}
    condition = (d.condition - 1) * 25 - (50 if d.damp else 0)
    out["condition"] = w.condition * condition * (2 if minors else 1)

    feats = d.features
    child = 0
    if minors:
        child = (100 if "playground" in feats else 0) - (
            0 if {"busy_road", "noise"}.isdisjoint(feats) else 100
        )
    out["child_suitability"] = w.child_suitability * child

    security = SECURITY[d.tenure] - (
        30 if d.lease_months is not None and d.lease_months < 12 else 0
    )
    out["tenure"] = w.tenure * security * (2 if facts.has_children else 1)

    extra = _reunion_rooms(h)
    reunion = 0
    if h.expected_reunification_persons > 0 and extra > 0 and not shared:
        have = max(0, d.bedrooms - need)
        reunion = round(100 * min(have, extra) / extra)
    out["reunification"] = w.reunification * reunion
    return out


def _wish_scores(instance, policy, h, d, travel, facts) -> dict:
    """The household's wishes (central, near compatriots, near a place)
    and the cost of a child changing school."""
    w = policy.weights
    sv = policy.services
    out = {}
    lookups = _lookups(instance)
    centre = lookups.centre[d.municipality]
    central = 0.0
    if h.wish_central:
        central = _reach(travel.between(centre, d.node), sv.central_minutes,
                         sv.zero_at_factor)
    out["wish_central"] = round(w.wish_central * central)

    compat = 0
    if h.wish_near_compatriots and h.nationality:
        n = lookups.compatriots[d.area, h.nationality]
        compat = min(100, 10 * n)
    out["wish_compatriots"] = round(w.wish_compatriots * compat)

    place = 0.0
    if h.wish_near_node:
        place = _reach(travel.between(h.wish_near_node, d.node),
                       sv.near_place_minutes, sv.zero_at_factor)
    out["wish_place"] = round(w.wish_place * place)

    school = 0
    if h.current_school and facts.school_age:
        node = travel.site_node.get(h.current_school)
        reach = _reach(travel.between(node, d.node),
                       sv.target_minutes.get("school", 20),
                       sv.zero_at_factor)
        school = round(w.school_change * reach) - 100 * w.school_change
    out["school_change"] = int(school)
    return out


def _penalty_scores(instance, policy, h, d) -> dict:
    """Penalties the policy may set: care housing, housing cost above
    the affordability threshold, and moving in after the deadline."""
    w = policy.weights
    out = {}
    out["care_housing"] = (
        -100 * w.care_housing
        if policy.hard.care_housing == "penalise"
        and not CARE.isdisjoint(d.features)
        else 0
    )

    points = 0
    if (policy.affordability.mode == "penalise"
            and h.monthly_income_nok is not None):
        income = round(h.monthly_income_nok)
        over = (100 * _net_housing_cost(h, d, policy)
                - policy.affordability.threshold_percent * income)
        points = min(100, max(0, 5 * over // max(income, 1)))
    out["affordability"] = -w.affordability * points

    # Late: the dwelling frees after the deadline the household could
    # still meet on the day of the proposal.
    months = (policy.deadlines.priority_months
              if _facts(h).priority_group
              else policy.deadlines.standard_months)
    deadline = h.permit_date + timedelta(
        days=round(months * DAYS_PER_MONTH)
    )
    move_in = max(instance.as_of, d.available_from)
    late = instance.as_of <= deadline < move_in
    out["late_move_in"] = -100 * w.late_move_in if late else 0
    return out
