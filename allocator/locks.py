"""Locks set by the housing office: what they use, and when they clash."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .data import RULE_TEXT, UNLIMITED, LockConflict
from .i18n import N_, _

OVER = {
    "dwelling_capacity": N_("Locks of {names} use {used} places of "
                            "{subject}, which allows {limit} more."),
    "building_cap": N_("Locks of {names} use {used} refugee households of "
                       "building {id}, which allows {limit} more."),
    "area_cap": N_("Locks of {names} use {used} refugee households of "
                   "area {id}, which allows {limit} more."),
    "municipality_quota": N_("Locks of {names} use {used} places "
                             "({dimension}) of municipality {id}, which "
                             "allows {limit} more."),
}
"""The conflict of locks that use more than a cap or quota allows, by
rule, in words."""


def rooms_left(locks, lock_rules, dwelling_slots):
    """
    Places each dwelling still offers beside the locks that hold, and the
    shared dwellings that locks fill only in part, with their locked
    co-residents.

    A lock on a room uses one place; a lock on a whole dwelling uses all
    of them. A shared dwelling with places left stays open to households
    that take a room beside its locked co-residents.
    """
    left = dwelling_slots.copy()
    holders = defaultdict(list)
    for h, d in locks.items():
        ok, room, _ = lock_rules[h]
        if not ok:
            continue
        left[d] -= 1 if room else dwelling_slots[d]
        holders[d].append(h)
    co_residents = {
        d: tuple(sorted(hs)) for d, hs in holders.items()
        if left[d] > 0 and all(lock_rules[h][1] for h in hs)
    }
    return np.maximum(left, 0), co_residents


def apply_locks(
    instance, locks, lock_rules, hh, dw, dwelling_slots, dwelling_building,
    dwelling_area, dwelling_municipality, building_cap, area_cap,
    area_target, quota_cap, household_usage, quota_dims, policy,
):
    """
    Reduces caps and quotas by what the locks use, in place, and returns
    any conflicts among the locks with the rules they break.
    """
    hid = [h.id for h in instance.households]
    did = [d.id for d in instance.dwellings]
    conflicts, locked_pairs = _holding_locks(locks, lock_rules, hid, did)

    def over(rule, subject, holders, used, limit, dimension=""):
        names = tuple(sorted(hid[h] for h in holders))
        conflicts.append(
            LockConflict(
                rule=rule,
                subject=subject,
                households=names,
                message=_(OVER[rule], names=", ".join(names), used=used,
                          subject=subject, id=subject.split(" ", 1)[-1],
                          limit=limit, dimension=dimension),
            )
        )

    groups, places = _lock_groups(locked_pairs, dwelling_slots,
                                  dwelling_building, dwelling_area,
                                  dwelling_municipality)
    bids = [b.id for b in instance.buildings]
    aids = [a.id for a in instance.areas]
    mids = [m.id for m in instance.municipalities]
    for (kind, i), holders in sorted(groups.items()):
        used = len(holders)
        if kind == "dwelling" and places[i] > dwelling_slots[i]:
            over("dwelling_capacity", did[i], holders, places[i],
                 int(dwelling_slots[i]))
        if kind == "dwelling" and used > 1:
            _shared_conflicts(holders, did[i], hh, policy, conflicts, hid)
        if kind == "building":
            if used > building_cap[i]:
                over("building_cap", f"building {bids[i]}", holders, used,
                     int(building_cap[i]))
            building_cap[i] = max(0, building_cap[i] - used)
        if kind == "area":
            if used > area_cap[i]:
                over("area_cap", f"area {aids[i]}", holders, used,
                     int(area_cap[i]))
            area_cap[i] = max(0, area_cap[i] - used)
            area_target[i] = max(0, area_target[i] - used)
        if kind == "municipality":
            for q, dim in enumerate(quota_dims):
                need = int(household_usage[holders, q].sum())
                if need > quota_cap[i, q]:
                    over("municipality_quota", f"municipality {mids[i]}",
                         holders, need, int(quota_cap[i, q]), dim)
                if quota_cap[i, q] < UNLIMITED:
                    quota_cap[i, q] = max(0, quota_cap[i, q] - need)
    return conflicts, locked_pairs


def _holding_locks(locks, lock_rules, hid, did):
    """
    The locks that keep the hard rules, as (household, dwelling, room)
    in household order, and a conflict naming the rules each other lock
    breaks.
    """
    conflicts: list[LockConflict] = []
    locked_pairs = []
    for h, d in sorted(locks.items()):
        ok, room, rules = lock_rules[h]
        if not ok:
            reasons = "; ".join(
                _("the dwelling {text}", text=_(RULE_TEXT[rule]))
                for rule in rules
            )
            conflicts.append(
                LockConflict(
                    rule=rules[0],
                    subject=did[d],
                    households=(hid[h],),
                    message=_("Lock {household} -> {dwelling} breaks a hard "
                              "rule: {reasons}.", household=hid[h],
                              dwelling=did[d], reasons=reasons),
                )
            )
            continue
        locked_pairs.append((h, d, bool(room)))
    return conflicts, locked_pairs


def _lock_groups(locked_pairs, dwelling_slots, dwelling_building,
                 dwelling_area, dwelling_municipality):
    """
    The locked households of each dwelling, building, area and
    municipality, keyed by (kind, index), and the places the locks use
    in each dwelling (one for a room, all for a whole dwelling).
    """
    groups = defaultdict(list)
    places = defaultdict(int)
    for h, d, room in locked_pairs:
        groups[("dwelling", d)].append(h)
        places[d] += 1 if room else int(dwelling_slots[d])
        if dwelling_building[d] >= 0:
            groups[("building", int(dwelling_building[d]))].append(h)
        groups[("area", int(dwelling_area[d]))].append(h)
        groups[("municipality", int(dwelling_municipality[d]))].append(h)
    return groups, places


def _shared_conflicts(holders, dwelling_id, hh, policy, conflicts, hid):
    ages = [int(hh.age[h]) for h in holders]
    sexes = {int(hh.sex[h]) for h in holders}
    names = tuple(sorted(hid[h] for h in holders))
    if policy.shared.same_sex and len(sexes) > 1:
        conflicts.append(
            LockConflict(
                rule="shared_same_sex",
                subject=dwelling_id,
                households=names,
                message=_("Locks put {names} together in shared dwelling "
                          "{dwelling}, but co-residents must be of the same "
                          "sex.", names=", ".join(names),
                          dwelling=dwelling_id),
            )
        )
    if max(ages) - min(ages) > policy.shared.max_age_gap:
        conflicts.append(
            LockConflict(
                rule="shared_age_gap",
                subject=dwelling_id,
                households=names,
                message=_("Locks put {names} together in shared dwelling "
                          "{dwelling}, with ages {youngest}-{oldest}; "
                          "co-residents may be at most {gap} years apart.",
                          names=", ".join(names), dwelling=dwelling_id,
                          youngest=min(ages), oldest=max(ages),
                          gap=policy.shared.max_age_gap),
            )
        )
