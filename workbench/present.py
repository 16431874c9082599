"""What the pages show of an instance and a proposal."""

from __future__ import annotations

import math
from functools import lru_cache

from django.utils.translation import gettext_lazy as _

from allocator.data import PROFESSIONAL
from allocator.story import household_story
from models import SENSITIVE_FIELDS, Instance, Proposal

SCORE_LABELS = {
    "size_fit": _("size fit"),
    "services": _("services within reach"),
    "condition": _("dwelling condition"),
    "child_suitability": _("child-friendly surroundings"),
    "tenure": _("security of tenure"),
    "reunification": _("room for expected reunification"),
    "wish_central": _("wish: central"),
    "wish_compatriots": _("wish: near compatriots"),
    "wish_place": _("wish: near a named place"),
    "school_change": _("keeping the children's school"),
    "care_housing": _("beside care housing"),
    "late_move_in": _("moving in after the settlement deadline"),
    "dispersion": _("dispersion"),
    "affordability": _("housing cost against income"),
}
SENSITIVE_LABELS = {
    "needs_step_free": _("needs step-free access"),
    "needs_ground_floor": _("needs ground floor"),
    "needs_no_basement": _("needs no basement"),
    "avoid_features": _("features to avoid"),
    "health_follow_up": _("health follow-up"),
    "monthly_income_nok": _("monthly income"),
}
# Map origin for the instance's kilometre grid (Lillehammer).
ORIGIN = (61.115, 10.466)


@lru_cache(maxsize=16)
def instance_of(json_text: str) -> Instance:
    return Instance.model_validate_json(json_text)


@lru_cache(maxsize=32)
def proposal_of(json_text: str) -> Proposal:
    return Proposal.model_validate_json(json_text)


def explanation(proposal: Proposal, household: str) -> dict | None:
    """The household's match or wait, in parts a template can translate."""
    for m in proposal.matches:
        if m.household == household:
            scores = [
                {"label": SCORE_LABELS.get(c, c), "value": v,
                 "professional": c in PROFESSIONAL}
                for c, v in m.scores.items() if v
            ]
            return {"matched": True, "match": m, "scores": scores,
                    "professional": [s for s in scores if s["professional"]],
                    "wishes": [s for s in scores if not s["professional"]],
                    "story": household_story(proposal, household)}
    for u in proposal.unmatched:
        if u.household == household:
            return {"matched": False, "unmatched": u,
                    "excluded": sorted(u.excluded_by.items(),
                                       key=lambda kv: -kv[1]),
                    "story": household_story(proposal, household)}
    return None


def household_facts(instance: Instance, household: str, sensitive: bool):
    found = next((h for h in instance.households if h.id == household),
                 None)
    if found is None:
        return None
    facts = {
        "household": found,
        "members": found.members,
        "sensitive": [],
    }
    if sensitive:
        for name in sorted(SENSITIVE_FIELDS):
            value = getattr(found, name)
            if isinstance(value, frozenset):
                value = ", ".join(sorted(v.value for v in value)) or "-"
            facts["sensitive"].append(
                (SENSITIVE_LABELS.get(name, name), value))
    return facts


CHANGE_REASONS = {
    "more_priority": _("changing it houses more priority"),
    "not_eligible": _("no longer eligible (a rule, a ban or a decline)"),
    "parked": _("the household is parked or held"),
    "locked_elsewhere": _("a lock gives the household or the dwelling "
                          "to another pair"),
    "quality": _("better quality outweighed keeping it"),
}


def changes(proposal: Proposal) -> dict | None:
    """What a re-solve with the fewest changes kept and changed, as the
    engine says it (``Match.kept``, ``Proposal.changes``); ``None`` for a
    proposal made without a previous one."""
    if proposal.previous_created_at is None and not proposal.changes:
        return None
    kept = [m for m in proposal.matches if m.kept]
    changed = [{"household": c.household, "previous": c.previous,
                "now": c.now or "", "reason": c.reason.value,
                "label": CHANGE_REASONS.get(c.reason.value, c.reason.value),
                "message": c.message}
               for c in proposal.changes]
    moved = {c.household for c in proposal.changes}
    added = [m for m in proposal.matches
             if m.kept is False and m.household not in moved]
    return {"kept": kept, "changed": changed, "added": added,
            "count": len(changed)}


def comparison(a: Proposal, b: Proposal) -> list[dict]:
    left = {m.household: m.dwelling for m in a.matches}
    right = {m.household: m.dwelling for m in b.matches}
    rows = []
    for h in sorted(set(left) | set(right)
                    | {u.household for u in a.unmatched}):
        rows.append({"household": h, "a": left.get(h, ""),
                     "b": right.get(h, ""),
                     "same": left.get(h) == right.get(h)})
    return rows


def map_points(instance: Instance, proposal: Proposal | None) -> dict:
    """Dwellings as points on the map: matched or free."""
    nodes = {n.id: n for n in instance.nodes}
    taken = ({} if proposal is None
             else {m.dwelling: m.household for m in proposal.matches})
    lat0, lon0 = ORIGIN
    points = []
    for d in instance.dwellings:
        node = nodes.get(d.node)
        if node is None:
            continue
        lat = lat0 + node.y / 111.2
        lon = lon0 + node.x / (111.2 * math.cos(math.radians(lat0)))
        points.append({"id": d.id, "lat": round(lat, 6),
                       "lon": round(lon, 6), "bedrooms": d.bedrooms,
                       "household": taken.get(d.id, "")})
    return {"points": points, "centre": [lat0, lon0]}


def type_label(household_type: str) -> str:
    """A household type in the page's language, from the engine's own
    catalogue (``allocator.office.views.TYPE_TEXT``)."""
    from django.utils.translation import get_language

    from allocator.i18n import translator
    from allocator.office.views import TYPE_TEXT
    from models import HouseholdType

    lang = "nb" if (get_language() or "nb").startswith("nb") else "en"
    try:
        text = TYPE_TEXT[HouseholdType(household_type)]
    except ValueError:
        return household_type
    return translator(lang)._(text)


def figures(instance: Instance, proposal: Proposal | None) -> dict:
    out = {"households": len(instance.households),
           "dwellings": len(instance.dwellings),
           "quotas": {m.id: dict(m.quotas) for m in instance.municipalities}}
    if proposal is not None and proposal.kpis is not None:
        k = proposal.kpis
        out.update(housed=k.housed, within=k.housed_within_deadline,
                   priority_group=k.priority_group,
                   housed_priority_group=k.housed_priority_group,
                   crowded=k.crowded, shared=k.shared,
                   surplus=k.mean_surplus_bedrooms,
                   by_type=[(type_label(t), pair)
                            for t, pair in sorted(k.by_type.items())],
                   proven=proposal.solver.proven_optimal,
                   engine=proposal.solver.engine,
                   objective=proposal.objective)
    return out
