"""
Independent checker of placement proposals.

It shares no code with the placement compiler or engines: it reads the
pydantic objects, one household at a time, in plain Python, and recomputes
from their definitions each household's use of every quota dimension and
service (from its members), compatibility (the imported table, the
services it needs), the spread shares, the priority points (counted
by the dwelling-level checker, itself independent), the
pair-score points and the objective. Where the two implementations
disagree, one of them is wrong.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from models import Instance, PlacementProposal, Policy

from ..check import priority_points
from ..i18n import _
from .labels import capacity_label, spread_label

ADULT = 18
SENIOR = 67
THOUSAND = 1000
MOST_DECIMALS = 9
EXACT_UNITS = 2**46


@dataclass
class PlacementCheck:
    """Violations found, and the objective recomputed from scratch."""

    violations: list[str] = field(default_factory=list)
    primary: int = 0
    secondary: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations


def check_placement(
    instance: Instance, policy: Policy, proposal: PlacementProposal
) -> PlacementCheck:
    """
    Checks every rule of a placement proposal and recomputes its
    objective, municipality use and reasons for no compatible municipality.

    Returns a report whose ``violations`` is empty when the proposal is
    valid and everything it states matches the recomputation.
    """
    report = PlacementCheck()
    bad = report.violations
    households = {h.id: h for h in instance.households}
    munis = {m.id: m for m in instance.municipalities}
    placed = _check_listed_once(proposal, households, munis, bad)
    given = _check_given(instance, policy, proposal, placed, bad)
    table = {(c.household, c.municipality): c.allowed
             for c in instance.compatibility}
    offers = defaultdict(dict)
    for row in instance.municipality_services:
        offers[row.municipality][row.service.value] = row.places
    for hid, mid in placed.items():
        if hid in given:
            continue
        for reason in incompatibility(policy, households[hid], mid, table,
                                      offers):
            bad.append(_("Placement {household} -> {municipality}: "
                         "{reason}.", household=hid, municipality=mid,
                         reason=reason))
    dims = quota_dimensions(instance, policy)
    services = sorted(s.value for s in policy.placement.services)
    use_given, use_new = _uses(policy, households, placed, given, dims,
                               services)
    _check_limits(munis, dims, services, offers, use_given, use_new, bad)
    reach = _reach(instance, policy, munis, given, dims, services, table,
                   offers, use_given)
    _check_spread(policy, households, placed, given, bad)
    _check_objective(instance, policy, proposal, households, placed, reach,
                     report)
    _check_uses(proposal, munis, dims, services, use_given, use_new, offers,
                bad)
    for u in proposal.unplaced:
        # A household said to have no compatible municipality has none.
        if u.reason.value == "no_compatible_municipality" and reach.get(
            u.household
        ):
            bad.append(_("{household} is said to have no compatible "
                         "municipality, but {municipality} is.",
                         household=u.household,
                         municipality=reach[u.household][0]))
    return report


def _check_listed_once(proposal, households, munis, bad) -> dict[str, str]:
    """
    Every household placed or listed as unplaced exactly once, with known
    ids: the other checks read the placements as one municipality per
    household. Returns household -> municipality.
    """
    placed: dict[str, str] = {}
    for p in proposal.placements:
        if p.household not in households or p.municipality not in munis:
            bad.append(_("Placement {household} -> {municipality} names "
                         "an unknown id.", household=p.household,
                         municipality=p.municipality))
            continue
        if p.household in placed:
            bad.append(_("Household {household} is placed twice.",
                         household=p.household))
        placed[p.household] = p.municipality
    unplaced = Counter(u.household for u in proposal.unplaced)
    for hid, n in unplaced.items():
        if n > 1 or hid in placed:
            bad.append(_("Household {household} is listed as unplaced "
                         "{n} times or also placed.", household=hid,
                         n=n + (hid in placed)))
    missing = set(households) - set(placed) - set(unplaced)
    if missing:
        bad.append(_("{n} household(s) neither placed nor listed as "
                     "unplaced, e.g. {example}.", n=len(missing),
                     example=sorted(missing)[0]))
    return placed


def _check_given(instance, policy, proposal, placed, bad) -> dict[str, str]:
    """
    Households IMDi had assigned stay where they are, and are marked so.
    Returns household -> municipality of those assigned before.
    """
    given = {
        h.id: h.assigned_municipality for h in instance.households
        if h.assigned_municipality is not None
        and policy.hard.assigned_municipality
    }
    for hid, mid in given.items():
        if placed.get(hid) != mid:
            bad.append(_("Household {household} was assigned to "
                         "{municipality} before; the proposal places it in "
                         "{placed}.", household=hid, municipality=mid,
                         placed=placed.get(hid)))
    for p in proposal.placements:
        if p.given != (p.household in given):
            bad.append(_("Placement of {household} is marked given={given}, "
                         "but it was not assigned before.",
                         household=p.household, given=p.given)
                       if p.household not in given else
                       _("Placement of {household} is marked given={given}, "
                         "but it was assigned before.",
                         household=p.household, given=p.given))
    return given


def _uses(policy, households, placed, given, dims, services):
    """
    What the given and the new placements use of every quota dimension
    and service per municipality, counted apart because the given ones
    use the places first.
    """
    use_given = defaultdict(Counter)
    use_new = defaultdict(Counter)
    for hid, mid in placed.items():
        h = households[hid]
        use = use_given if hid in given else use_new
        for dim in dims:
            use[mid][dim] += usage(h, dim)
        for s in services:
            use[mid][f"service:{s}"] += service_need(policy, h, s)
    return use_given, use_new


def _limits(m, dims, services, offers) -> dict[str, int]:
    """The limits of a municipality in force: quotas, then service places."""
    limits = {dim: limit for dim, limit in _quotas(m).items() if dim in dims}
    for s in services:
        if offers[m.id].get(s) is not None:
            limits[f"service:{s}"] = offers[m.id][s]
    return limits


def _check_limits(munis, dims, services, offers, use_given, use_new,
                  bad) -> None:
    """Quotas in every dimension, and service places: what the new
    placements use fits in what the given ones leave."""
    for mid, m in munis.items():
        for name, limit in _limits(m, dims, services, offers).items():
            room = max(0, limit - use_given[mid][name])
            if use_new[mid][name] > room:
                bad.append(_("Municipality {municipality} gets {n} {name} "
                             "from new placements; its limit {limit} leaves "
                             "{room} after households already assigned.",
                             municipality=mid, n=use_new[mid][name],
                             name=capacity_label(name), limit=limit,
                             room=room))


def _reach(instance, policy, munis, given, dims, services, table, offers,
           use_given) -> dict[str, list[str]]:
    """
    Municipalities each household could go to on its own: compatible,
    and with enough left of every limit after the given households. It
    bounds the pair-score points and tests "no compatible municipality".
    """
    listed = {c.household for c in instance.compatibility}
    memo: dict[tuple, list[str]] = {}

    def possible(h) -> list[str]:
        if h.id in given:
            return [given[h.id]]
        needs = {d: usage(h, d) for d in dims}
        for s in services:
            needs[f"service:{s}"] = service_need(policy, h, s)
        # Households the table does not name differ only by their needs.
        key = tuple(needs.values()) if h.id not in listed else None
        if key is not None and key in memo:
            return memo[key]
        found = []
        for mid, m in munis.items():
            if incompatibility(policy, h, mid, table, offers):
                continue
            limits = _limits(m, dims, services, offers)
            if all(needs[name] <= max(0, limit - use_given[mid][name])
                   for name, limit in limits.items()):
                found.append(mid)
        if key is not None:
            memo[key] = found
        return found

    return {h.id: possible(h) for h in instance.households}


# --- definitions -------------------------------------------------------------


def usage(h, dim: str) -> int:
    """What a household uses of a quota dimension, from its members."""
    ages = [m.age for m in h.members]
    adults = sum(a >= ADULT for a in ages)
    kind = h.household_type.value
    if dim == "households":
        return 1
    if dim == "persons":
        return len(ages)
    if dim == "single_adults":
        return int(kind == "single_adult")
    if dim == "families":
        # Every household of several persons, other than minors alone.
        return int(len(ages) > 1 and adults > 0)
    if dim == "unaccompanied_minors":
        return int(adults == 0)
    if dim == "children":
        return len(ages) - adults
    if dim == "adults":
        return sum(ADULT <= a < SENIOR for a in ages)
    if dim == "seniors":
        return sum(a >= SENIOR for a in ages)
    raise ValueError(_("Quota dimension {dimension} is not understood.",
                       dimension=dim))


def service_need(policy: Policy, h, service: str) -> int:
    """Places of a service a household needs."""
    rules = policy.placement
    if service == "introduction_programme":
        if not h.introduction_programme:
            return 0
        return sum(rules.introduction_min_age <= m.age
                   <= rules.introduction_max_age for m in h.members)
    if service == "minors_care":
        return len(h.members) if all(m.age < ADULT for m in h.members) \
            else 0
    if service == "health_follow_up":
        need = h.health_follow_up
        if need is None:
            need = policy.unknown_need.value == "need"
        return int(bool(need))
    raise ValueError(_("Service {service} is not understood.",
                       service=service))


def quota_dimensions(instance: Instance, policy: Policy) -> list[str]:
    """The quota dimensions in force."""
    if not policy.hard.municipality_quota:
        return []
    if policy.placement.dimensions is not None:
        return sorted({d.value for d in policy.placement.dimensions})
    return sorted({d.value for m in instance.municipalities
                   for d in m.quotas})


def _quotas(m) -> dict[str, int]:
    return {d.value: v for d, v in m.quotas.items()}


def incompatibility(policy: Policy, h, mid: str, table, offers) -> list[str]:
    """Why a household may not go to a municipality (empty: it may)."""
    found = []
    allowed = table.get((h.id, mid))
    if allowed is False:
        found.append(_("the compatibility table forbids the pair"))
    elif allowed is None and not unlisted_allowed(policy, table):
        found.append(_("the compatibility table does not list the pair"))
    for service in sorted(s.value for s in policy.placement.services):
        if service_need(policy, h, service) and service not in offers[mid]:
            found.append(
                _("an individual need is not met there")
                if service == "health_follow_up"
                else _("it needs {service}, which the municipality does "
                       "not offer", service=service.replace("_", " "))
            )
    return found


_LISTS_ALLOWED: dict[int, tuple[dict, bool]] = {}


def unlisted_allowed(policy: Policy, table: dict) -> bool:
    """
    Whether a pair the table ``(household, municipality) -> allowed``
    leaves out is allowed: as the policy says, or under ``auto`` only when
    the table lists no allowed pair.
    """
    rule = policy.placement.unlisted_pairs.value
    if rule != "auto":
        return rule == "allow"
    cached = _LISTS_ALLOWED.get(id(table))
    if cached is None or cached[0] is not table:
        cached = (table, any(table.values()))
        _LISTS_ALLOWED.clear()
        _LISTS_ALLOWED[id(table)] = cached
    return not cached[1]


def score_points(policy: Policy, scores: dict, hid: str, mid: str,
                 places: int | None = None) -> int:
    """
    Pair-score points: the weight times the imported (or missing) score;
    under the score objective the score in units of ``10**-places``.
    """
    rules = policy.placement
    score = scores.get((hid, mid), rules.missing_score)
    if rules.objective.value == "score":
        return int(round(Decimal(repr(float(score))).scaleb(places or 0)))
    return round(rules.score_weight * score)


def score_places(instance: Instance, policy: Policy) -> int | None:
    """
    Decimals the score objective counts: those of the data as written,
    at most nine, fewer only where every household at its largest score
    would reach 2**46 units. ``None`` without scores.
    """
    values = [s.score for s in instance.pair_scores]
    if not values:
        return None
    missing = policy.placement.missing_score
    written = []
    for v in [*values, missing]:
        exponent = Decimal(repr(float(v))).normalize().as_tuple().exponent
        written.append(max(0, -exponent))
    places = min(max(written), MOST_DECIMALS)
    largest = max(abs(v) for v in [*values, missing])
    free = sum(1 for h in instance.households
               if h.assigned_municipality is None
               or not policy.hard.assigned_municipality)
    while places > 0 and largest * 10**places * max(free, 1) >= EXACT_UNITS:
        places -= 1
    return places


# --- checks ------------------------------------------------------------------


def spread_excess(policy: Policy, households: dict, placed: dict[str, str],
                  given) -> list[tuple[str, str, str, int, int, float]]:
    """
    Groups over a spread rule: ``(kind, municipality, group, households
    of the group, new households there, share)`` for each municipality
    whose new households (not those assigned before) hold more of one
    nationality or household type than the share plus the allowance.
    """
    spread = policy.placement.spread
    found = []
    for kind, share in (("nationality", spread.nationality_share),
                        ("household type", spread.household_type_share)):
        if share is None:
            continue
        total = Counter()
        count = Counter()
        for hid, mid in placed.items():
            if hid in given:
                continue
            h = households[hid]
            total[mid] += 1
            group = (h.nationality if kind == "nationality"
                     else h.household_type.value)
            if group is not None:
                count[mid, group] += 1
        permille = round(share * THOUSAND)
        for (mid, group), n in sorted(count.items()):
            if THOUSAND * n > (permille * total[mid]
                               + THOUSAND * spread.allowance):
                found.append((kind, mid, group, n, total[mid], share))
    return found


def _check_spread(policy, households, placed, given, bad) -> None:
    """No municipality's new households break a spread rule."""
    allowance = policy.placement.spread.allowance
    for kind, mid, group, n, total, share in spread_excess(
        policy, households, placed, given
    ):
        bad.append(_(
            "Municipality {municipality} gets {n} of {total} new "
            "households of one {kind} ({group}); the spread rule "
            "allows {share} of them plus {allowance}.",
            municipality=mid, n=n, total=total, kind=spread_label(kind),
            group=group, share=share, allowance=allowance))


def _check_objective(instance, policy, proposal, households, placed, reach,
                     report) -> None:
    """
    Recomputes every placement's priority and pair-score points and the
    objective from them, and compares each with what the proposal states.
    """
    bad = report.violations
    scores = {(s.household, s.municipality): s.score
              for s in instance.pair_scores}
    by_score = policy.placement.objective.value == "score"
    places = score_places(instance, policy) if by_score else None
    if by_score and proposal.score_decimals != places and (
        instance.pair_scores
    ):
        bad.append(_("Scores are counted to {stated} decimals; the data's "
                     "precision gives {places}.",
                     stated=proposal.score_decimals, places=places))
    _check_points(instance, policy, proposal, households, placed, scores,
                  places, report)
    obj = proposal.objective
    if obj is None:
        if proposal.status.value in ("optimal", "feasible"):
            bad.append(_("A solved proposal states no objective."))
        return
    if (obj.primary, obj.secondary) != (report.primary, report.secondary):
        bad.append(_("Objective stated as ({primary}, {secondary}), "
                     "recomputed as ({again_primary}, {again_secondary}).",
                     primary=obj.primary, secondary=obj.secondary,
                     again_primary=report.primary,
                     again_secondary=report.secondary))
    value = _combined_value(instance, policy, proposal, scores, reach,
                            report)
    if obj.value != value:
        bad.append(_("Objective value stated as {stated}, recomputed as "
                     "{recomputed}.", stated=obj.value, recomputed=value))


def _check_points(instance, policy, proposal, households, placed, scores,
                  places, report) -> None:
    """
    Each placement's priority, pair-score points and pair score as
    stated, added up into the report's primary and secondary totals.
    """
    bad = report.violations
    stated = {p.household: p for p in proposal.placements}
    by_score = policy.placement.objective.value == "score"
    for hid, mid in placed.items():
        h = households[hid]
        prio = priority_points(instance, policy, h)
        points = score_points(policy, scores, hid, mid, places)
        if by_score:
            report.primary += points
            report.secondary += 1
        else:
            report.primary += prio
            report.secondary += points
        p = stated[hid]
        if p.priority != prio:
            bad.append(_("Priority of {household} stated as {stated}, "
                         "recomputed as {recomputed}.", household=hid,
                         stated=p.priority, recomputed=prio))
        if p.scores.get("pair_score", 0) != points:
            bad.append(_("Pair-score points of {household} in "
                         "{municipality} stated as {stated}, recomputed as "
                         "{recomputed}.", household=hid, municipality=mid,
                         stated=p.scores.get("pair_score"),
                         recomputed=points))
        if p.pair_score != scores.get((hid, mid)):
            bad.append(_("Pair score of {household} in {municipality} "
                         "stated as {stated}, imported as {imported}.",
                         household=hid, municipality=mid,
                         stated=p.pair_score,
                         imported=scores.get((hid, mid))))


def _combined_value(instance, policy, proposal, scores, reach,
                    report) -> int:
    """
    The objective's combined value from the recomputed totals, after
    checking that the stated mode and scale order proposals as the
    policy's objective does.
    """
    bad = report.violations
    obj = proposal.objective
    if policy.placement.objective.value == "score":
        # Households placed break ties, so the scale must exceed how many
        # this run could place.
        free = sum(1 for h in instance.households
                   if h.assigned_municipality is None
                   or not policy.hard.assigned_municipality)
        if obj.mode != "score" or obj.scale <= free:
            bad.append(_("Score objective stated as mode {mode} with scale "
                         "{scale}; it needs mode score and a scale above "
                         "the {free} households to place.", mode=obj.mode,
                         scale=obj.scale, free=free))
        return report.primary * obj.scale + report.secondary
    if policy.objective.value == "weighted":
        if obj.scale != policy.weights.housed:
            bad.append(_("Weighted objective states scale {scale}, not "
                         "weights.housed {housed}.", scale=obj.scale,
                         housed=policy.weights.housed))
        return policy.weights.housed * report.primary + report.secondary
    # The scale must exceed any possible sum of pair-score points, or
    # the combined value would not order proposals lexicographically.
    best = sum(
        max((abs(score_points(policy, scores, hid, mid))
             for mid in mids), default=0)
        for hid, mids in reach.items()
    )
    if obj.scale <= best and any(
        p.scores.get("pair_score") for p in proposal.placements
    ):
        bad.append(_("Scale {scale} does not exceed the largest "
                     "possible pair-score points {best}.",
                     scale=obj.scale, best=best))
    return report.primary * obj.scale + report.secondary


def _check_uses(proposal, munis, dims, services, use_given, use_new, offers,
                bad) -> None:
    stated = {u.municipality: u for u in proposal.municipalities}
    for mid, m in munis.items():
        u = stated.get(mid)
        if u is None:
            bad.append(_("Municipality {municipality} is missing from the "
                         "use table.", municipality=mid))
            continue
        rows = {d.dimension: d for d in u.dimensions}
        names = list(dims) + [f"service:{s}" for s in services]
        for name in names:
            row = rows.get(name)
            if row is None:
                bad.append(_("Use of {name} in {municipality} is not "
                             "stated.", name=capacity_label(name),
                             municipality=mid))
                continue
            if name.startswith("service:"):
                limit = offers[mid].get(name.removeprefix("service:"))
            else:
                limit = _quotas(m).get(name)
            given, new = use_given[mid][name], use_new[mid][name]
            remaining = None if limit is None else max(0, limit - given - new)
            if (row.limit, row.given, row.placed, row.remaining) != (
                limit, given, new, remaining
            ):
                bad.append(_(
                    "Use of {name} in {municipality} stated as limit "
                    "{limit}, given {given}, placed {placed}, remaining "
                    "{remaining}; recomputed as {again_limit}, "
                    "{again_given}, {again_placed}, {again_remaining}.",
                    name=capacity_label(name), municipality=mid,
                    limit=row.limit,
                    given=row.given, placed=row.placed,
                    remaining=row.remaining, again_limit=limit,
                    again_given=given, again_placed=new,
                    again_remaining=remaining))
