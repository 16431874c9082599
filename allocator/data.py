"""AllocationData: the solver-facing view of one instance under one policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .criteria import (  # noqa: F401  (CRITERIA, RULES: read from here)
    CRITERIA,
    CRITERIA_RECORDS,
    PAIR_RULES,
    RULES,
)
from .i18n import _

if TYPE_CHECKING:  # the candidates read this module's tables
    from .candidates import Candidates

UNLIMITED = np.iinfo(np.int64).max // 4
"""Capacity used for a cap that is switched off."""

# The per-rule tables below derive from the rule records in
# ``allocator.criteria``, where each rule is defined once.

RULE_TEXT = {rule.name: rule.text for rule in PAIR_RULES}
"""Plain words for each rule, completing "the dwelling ..." (English; the
catalogues translate them)."""

RULE_LABEL = {rule.name: rule.label for rule in PAIR_RULES}
"""Short labels for counts: "77 too few bedrooms"."""

CRITERION_LABEL = {c.name: c.label for c in CRITERIA_RECORDS}
"""Short labels of the scored criteria: "size fit"."""

PROFESSIONAL = frozenset(c.name for c in CRITERIA_RECORDS if not c.wish)
"""Criteria of professional suitability; the rest are household wishes."""

def _readonly(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


@dataclass(frozen=True, slots=True)
class LockConflict:
    """A set of locks that cannot hold together, in plain words."""

    rule: str
    subject: str
    households: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class HouseholdCap:
    """
    A cap on some households per group of dwellings: at most ``cap[g]``
    usage of the households counted by ``usage`` in the dwellings of
    group ``g``. The caps of buildings and areas count every refugee
    household and nest; such a cap counts only some households, which no
    network of nested caps holds, so only the engines with explicit rows
    (mip, cpsat) have it.

    Parameters
    ----------
    rule
        The coupling rule's name (``allocator.criteria.COUPLING_RULES``).
    label
        Its record's label, in English (the catalogues translate it).
    usage
        What each household counts against the cap (0: not counted).
    group
        The group of each dwelling (-1: in no group, not capped).
    cap
        What each group may still take, after locks.
    group_ids
        The name of each group, for explanations and conflicts.
    """

    rule: str
    label: str
    usage: np.ndarray
    group: np.ndarray
    cap: np.ndarray
    group_ids: tuple[str, ...]

    def __post_init__(self):
        for array in (self.usage, self.group, self.cap):
            _readonly(array)

    def pair_usage(self, households: np.ndarray,
                   dwellings: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The group and usage of each (household, dwelling) pair, usage 0
        where the dwelling is in no group."""
        group = self.group[dwellings]
        usage = np.where(group >= 0, self.usage[households], 0)
        return group, usage


@dataclass(frozen=True)
class AllocationData:
    """
    Read-only arrays of eligible pairs, scores, caps and quotas.

    Locked pairs are taken out before solving: their households and
    dwellings have no free pairs, and every cap and quota is reduced by what
    the locks use. Engines solve the free part; ``locked_pairs`` is added
    back to every assignment.

    Parameters
    ----------
    household_ids, dwelling_ids
        External ids by position.
    priority
        Priority points of each household.
    pair_household, pair_dwelling
        Household and dwelling of each eligible free pair, sorted by
        household then dwelling.
    pair_scores
        Weighted contribution of each criterion (columns as ``CRITERIA``).
    pair_quality
        Sum of ``pair_scores`` over criteria.
    pair_room
        Whether the pair takes one room of a shared dwelling.
    household_ptr
        Free pairs of household ``h`` are ``household_ptr[h]:household_ptr[h+1]``.
    dwelling_slots
        Households (rooms) a dwelling can take: 1, or its shared rooms.
    dwelling_building, dwelling_area, dwelling_municipality
        Position of each dwelling's building (-1 when none), area and
        municipality.
    building_cap, area_cap
        Refugee households that may still be added (``UNLIMITED`` when off).
    area_target
        Households that may be added before the soft penalty starts.
    dispersion_penalty
        Objective cost of each household above an area's target.
    quota_dims
        Quota dimensions in force; ``quota_cap[m, q]`` remaining places
        (``UNLIMITED`` when the municipality has none) and
        ``household_usage[h, q]`` what a household uses.
    excluded_by, excluded_only_by
        Per household and rule (columns as ``RULES``): dwellings the rule
        rules out, and dwellings that rule alone rules out.
    num_eligible, num_eligible_all
        Free eligible dwellings per household, and eligible dwellings
        before locks took theirs.
    candidates
        The class tables behind the pairs: full eligibility, ranks, and
        pricing of pairs left out; ``None`` for data built without them.
    pruned
        Whether free pairs are only the best candidates per household;
        engines then price the rest until none can improve the solution.
    relaxation
        Whether this is the network relaxation of a problem (shared rooms
        taken as plain places, quotas in households only).
    place_kinds
        Kinds of service place in force (``allocator.places``); empty when
        the policy does not count places.
    place_usage, place_group, place_cap
        ``place_usage[h, k]`` places household ``h`` uses of kind ``k``;
        ``place_group[d, k]`` the area or municipality counting them for
        dwelling ``d``; ``place_cap[k][g]`` free places after locks
        (``UNLIMITED`` when blank).
    place_penalty
        0: the free places are hard caps; otherwise the objective cost of
        each place used above them.
    household_caps
        Caps on some households per group of dwellings (``HouseholdCap``),
        one per coupling rule in force that has a cap builder; empty when
        none is.
    keep_bonus
        With a previous proposal: the quality units added to each previous
        match that is still an eligible pair (``pair_quality`` includes
        them, ``pair_scores`` does not), and to ``locked_value`` for each
        lock on a previous match. 0 without one.
    keep_first
        Whether the keep bonus outweighs any change of quality, so that
        the order is priority, then kept matches, then quality (the
        default in lexicographic mode; not with ``decisions.keep_weight``).
    lexicographic
        Whether priority comes strictly before quality.
    priority_weight
        Objective units per priority point in weighted mode.
    scale
        In lexicographic mode, a multiplier larger than any possible
        difference in the secondary objective, so that
        ``primary * scale + secondary`` orders exactly as the lexicographic
        order does.
    """

    household_ids: tuple[str, ...]
    dwelling_ids: tuple[str, ...]
    building_ids: tuple[str, ...]
    area_ids: tuple[str, ...]
    municipality_ids: tuple[str, ...]
    priority: np.ndarray
    household_size: np.ndarray
    household_sex: np.ndarray
    household_age: np.ndarray
    pair_household: np.ndarray
    pair_dwelling: np.ndarray
    pair_scores: np.ndarray
    pair_quality: np.ndarray
    pair_room: np.ndarray
    household_ptr: np.ndarray
    dwelling_slots: np.ndarray
    dwelling_building: np.ndarray
    dwelling_area: np.ndarray
    dwelling_municipality: np.ndarray
    building_cap: np.ndarray
    area_cap: np.ndarray
    area_target: np.ndarray
    dispersion_penalty: int
    quota_dims: tuple[str, ...]
    quota_cap: np.ndarray
    household_usage: np.ndarray
    lexicographic: bool
    priority_weight: int
    scale: int
    shared_same_sex: bool
    shared_max_age_gap: int
    locked_pairs: tuple[tuple[int, int, bool], ...]
    locked_value: tuple[int, int]
    lock_conflicts: tuple[LockConflict, ...]
    excluded_by: np.ndarray
    excluded_only_by: np.ndarray
    num_eligible: np.ndarray
    num_eligible_all: np.ndarray
    locked_scores: dict[int, np.ndarray] = field(default_factory=dict)
    locked_quality: dict[int, int] = field(default_factory=dict)
    locked_eligible: dict[int, tuple[int, ...]] = field(default_factory=dict)
    candidates: Candidates | None = None
    pruned: bool = False
    relaxation: bool = False
    keep_bonus: int = 0
    tenants: tuple[tuple[int, int], ...] = ()
    """Sitting tenants in the round (``allocator.moving``): (household,
    the dwelling it holds); they have no priority and use no quota."""
    place_kinds: tuple[str, ...] = ()
    place_usage: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    place_group: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    place_cap: tuple[np.ndarray, ...] = ()
    place_penalty: int = 0
    household_caps: tuple[HouseholdCap, ...] = ()
    keep_first: bool = False

    def __post_init__(self):
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                _readonly(value)

    @property
    def num_households(self) -> int:
        return len(self.household_ids)

    @property
    def num_dwellings(self) -> int:
        return len(self.dwelling_ids)

    @property
    def num_pairs(self) -> int:
        return len(self.pair_household)

    @property
    def has_rooms(self) -> bool:
        return bool(self.pair_room.any())

    @property
    def network_representable(self) -> bool:
        """
        Whether the free problem is a min-cost flow: one household per
        dwelling, caps nested building within area within municipality, and
        quotas counted in households only.
        """
        if self.has_rooms:
            return False
        if self.place_kinds:
            return False  # places are counted in persons, per area
        if self.household_caps:
            return False  # they count some households only
        # Pruned pairs may leave out every shared room; the eligible set
        # decides, unless this is the relaxation that ignores rooms.
        if (not self.relaxation and self.candidates is not None
                and self.candidates.has_rooms):
            return False
        for q, dim in enumerate(self.quota_dims):
            limited = self.quota_cap[:, q] < UNLIMITED
            if not limited.any():
                continue
            if dim != "households":
                return False
            if self.tenants:
                return False  # tenants use no place of a quota
        return True

    def household_cap_labels(self) -> str:
        """The translated labels of the household caps in force, joined,
        for the words of an engine that lacks them."""
        return ", ".join(_(cap.label) for cap in self.household_caps)

    def pair_kept(self) -> np.ndarray:
        """Whether each free pair is a household's previous match that
        has the keep bonus."""
        if not self.keep_bonus or self.candidates is None:
            return np.zeros(self.num_pairs, dtype=bool)
        return self.candidates.individual.keep_columns(
            self.pair_household.astype(np.int64),
            self.pair_dwelling.astype(np.int64)) > 0

    def pair_value(self) -> np.ndarray:
        """Objective value of each free pair (before dispersion penalties)."""
        if self.lexicographic:
            return self.priority[self.pair_household] * self.scale + (
                self.pair_quality
            )
        return (
            self.priority[self.pair_household] * self.priority_weight
            + self.pair_quality
        )
