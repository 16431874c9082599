"""
Service places for the compiler: what each household uses of the free
school, kindergarten and introduction-programme places, and where
(``models.places``; DOMAIN.md 7.1.2).

A kind of place is in force when the policy counts places
(``places.mode`` is not ``off``), some area or municipality limits it and
some household needs it. Kindergarten and school places are counted per
area, introduction-programme places per municipality.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import Instance, PlaceKind, PlacesMode, Policy

from .data import UNLIMITED, LockConflict
from .i18n import N_, _

PLACE_WORD = {
    PlaceKind.KINDERGARTEN: N_("kindergarten"),
    PlaceKind.SCHOOL: N_("school"),
    PlaceKind.INTRODUCTION: N_("introduction programme"),
}
"""A kind of service place, in words."""

SUBJECT_WORD = {
    PlaceKind.KINDERGARTEN: N_("area {id}"),
    PlaceKind.SCHOOL: N_("area {id}"),
    PlaceKind.INTRODUCTION: N_("municipality {id}"),
}
"""Where the free places of a kind are counted, in words."""


@dataclass(frozen=True)
class Places:
    """
    The kinds of place in force, as arrays.

    ``usage[h, k]`` places household ``h`` uses of kind ``k``;
    ``group[d, k]`` the area or municipality position of dwelling ``d``
    that counts kind ``k``; ``cap[k]`` the free places of each group
    (``UNLIMITED`` when blank); ``penalty`` 0 for hard caps, else the cost
    of each place over.
    """

    kinds: tuple[str, ...]
    usage: np.ndarray
    group: np.ndarray
    cap: tuple[np.ndarray, ...]
    penalty: int


def member_needs(household, policy: Policy) -> dict[str, int]:
    """Places of each kind one household's members use."""
    rules = policy.places
    intro = policy.placement
    ages = [m.age for m in household.members]

    def within(band):
        return sum(band[0] <= a <= band[1] for a in ages)

    return {
        PlaceKind.KINDERGARTEN.value: within(rules.kindergarten_ages),
        PlaceKind.SCHOOL.value: within(rules.school_ages),
        PlaceKind.INTRODUCTION.value: (
            within((intro.introduction_min_age, intro.introduction_max_age))
            if household.introduction_programme else 0
        ),
    }


def _limits(instance: Instance, kind: str) -> list:
    if kind == PlaceKind.INTRODUCTION:
        return [m.introduction_places for m in instance.municipalities]
    attribute = f"{kind}_places"
    return [getattr(a, attribute) for a in instance.areas]


def compile_places(instance: Instance, policy: Policy, dwelling_area,
                   dwelling_municipality) -> Places:
    """The kinds of place in force and their arrays (none when off)."""
    H, D = len(instance.households), len(instance.dwellings)
    kinds, usage, group, cap = [], [], [], []
    if policy.places.on:
        needs = [member_needs(h, policy) for h in instance.households]
        for kind in PlaceKind:
            limits = _limits(instance, kind)
            use = np.array([n[kind.value] for n in needs], dtype=np.int64)
            if all(v is None for v in limits) or not use.any():
                continue
            kinds.append(kind.value)
            usage.append(use)
            group.append(np.asarray(
                dwelling_municipality if kind == PlaceKind.INTRODUCTION
                else dwelling_area, dtype=np.int64))
            cap.append(np.array(
                [UNLIMITED if v is None else v for v in limits],
                dtype=np.int64))
    return Places(
        kinds=tuple(kinds),
        usage=(np.stack(usage, axis=1) if usage
               else np.zeros((H, 0), dtype=np.int64)),
        group=(np.stack(group, axis=1) if group
               else np.zeros((D, 0), dtype=np.int64)),
        cap=tuple(cap),
        penalty=(int(policy.places.penalty)
                 if policy.places.mode == PlacesMode.PENALISE else 0),
    )


def apply_place_locks(instance: Instance, places: Places,
                      locked_pairs) -> tuple[Places, list[LockConflict], int]:
    """
    Takes the places the locks use out of the free places.

    Returns the reduced places, the conflicts (hard caps the locks alone
    overfill) and, with a penalty, the places the locks use above the
    free places (charged up front).
    """
    conflicts, over = [], 0
    hid = [h.id for h in instance.households]
    caps = []
    for k, kind in enumerate(places.kinds):
        cap = places.cap[k].copy()
        holders: dict[int, list[int]] = {}
        for h, d, _score in locked_pairs:
            if places.usage[h, k]:
                holders.setdefault(int(places.group[d, k]), []).append(h)
        for g, hs in sorted(holders.items()):
            used = int(places.usage[hs, k].sum())
            if cap[g] >= UNLIMITED:
                continue
            if used > cap[g]:
                if places.penalty:
                    over += used - int(cap[g])
                else:
                    names = sorted(hid[h] for h in hs)
                    subject = _subject(instance, kind, g)
                    conflicts.append(LockConflict(
                        rule="service_places",
                        subject=subject,
                        households=tuple(names),
                        message=_("Locks of {names} use {used} {kind} "
                                  "places of {subject}, which has {free} "
                                  "free.", names=", ".join(names), used=used,
                                  kind=_(PLACE_WORD.get(kind, kind)),
                                  subject=_(SUBJECT_WORD[kind],
                                            id=subject.split(" ", 1)[1]),
                                  free=int(cap[g])),
                    ))
            cap[g] = max(0, int(cap[g]) - used)
        caps.append(cap)
    reduced = Places(places.kinds, places.usage, places.group, tuple(caps),
                     places.penalty)
    return reduced, conflicts, over


def _subject(instance: Instance, kind: str, g: int) -> str:
    if kind == PlaceKind.INTRODUCTION:
        return f"municipality {instance.municipalities[g].id}"
    return f"area {instance.areas[g].id}"


def place_excess(places_kinds, usage, group, cap, households,
                 dwellings) -> int:
    """Places the given free pairs use above the free places, summed."""
    total = 0
    for k in range(len(places_kinds)):
        used = np.bincount(group[dwellings, k], weights=usage[households, k],
                           minlength=len(cap[k])).astype(np.int64)
        total += int(np.clip(used - cap[k], 0, None).sum())
    return total
