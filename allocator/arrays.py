"""
The compiled attributes of the households and the dwellings, one array
per attribute, read by the rules and criteria (``allocator.criteria``).

Each field states in its metadata whether it holds one entry per row
(household or dwelling), so that taking some rows (``with_rows``) slices
exactly those fields, and whether households equal in it may share a
class (the fields the rules and class criteria read,
``allocator.criteria.CLASS_FIELDS``; ``tests/test_arrays.py`` keeps the
two in step). The arrays are read-only: compiled once, they are shared by
the class tables, the candidate pairs and the explanations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import cache
from types import MappingProxyType
from typing import TypeVar

import numpy as np

PER_ROW = "per_row"
"""Metadata key: the field has one entry per row (its first axis)."""

HOUSEHOLD_CLASS = "household_class"
"""Metadata key: households in one class are equal in the field."""


def _per_row(*, household_class: bool = False):
    """A field with one entry per row; ``household_class`` when the rules
    or class criteria read it."""
    return field(metadata={PER_ROW: True, HOUSEHOLD_CLASS: household_class})


def _whole():
    """A field about all the rows together (a count, a table)."""
    return field(metadata={PER_ROW: False, HOUSEHOLD_CLASS: False})


class _Rows:
    """What the household and dwelling arrays share: read-only arrays,
    and the same arrays for some rows."""

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            elif isinstance(value, Mapping):
                for array in value.values():
                    array.flags.writeable = False
                object.__setattr__(self, f.name,
                                   MappingProxyType(dict(value)))

    def __reduce__(self):
        # Rebuilt from the fields (a read-only mapping does not pickle),
        # read-only again, e.g. in a worker process.
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return _rebuilt, (type(self), {
            name: dict(value) if isinstance(value, Mapping) else value
            for name, value in values.items()})

    @classmethod
    def per_row_fields(cls) -> tuple[str, ...]:
        """Names of the fields with one entry per row."""
        return _per_row_fields(cls)

    def attribute_at(self, name: str, index: np.ndarray):
        """
        One attribute, read by name as the rules read it, for the rows at
        ``index`` (as ``with_rows`` takes them, not reshaped): a per-row
        field, or a municipality's own rule (``local_<rule>``, one entry
        per dwelling), at those rows; any other as it is.
        """
        value = getattr(self, name)
        if name not in _per_row_fields(type(self)) and \
                not name.startswith("local_"):
            return value
        if isinstance(value, Mapping):
            return MappingProxyType({key: array[index]
                                     for key, array in value.items()})
        return value[index]

    def with_rows(self, pick: Callable[[np.ndarray], np.ndarray]):
        """
        The same attributes with ``pick`` applied to every per-row array
        (some rows, or the rows reshaped to broadcast); the others are
        kept as they are.

        Parameters
        ----------
        pick
            Takes an array whose first axis is the rows; returns the
            array for the rows wanted.
        """
        changes = {}
        for name in _per_row_fields(type(self)):
            value = self.__dict__[name]
            if isinstance(value, np.ndarray):
                changes[name] = pick(value)
            else:
                changes[name] = MappingProxyType({
                    key: pick(array) for key, array in value.items()})
        # Filled in directly, not through ``__init__``, and the arrays
        # picked (copies, or read-only views) left as they are: rows are
        # taken in the compile's inner loops.
        taken = object.__new__(type(self))
        taken.__dict__.update(self.__dict__)
        taken.__dict__.update(changes)
        return taken


@cache
def _per_row_fields(cls) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.metadata[PER_ROW])


def _rebuilt(cls, values: dict):
    """The arrays of ``cls`` from the values of their fields."""
    return cls(**values)


class GatheredRows:
    """
    Some rows of household or dwelling arrays, as ``with_rows`` takes
    them (``dense``: shaped ``(n, 1)`` to broadcast against every
    dwelling), each attribute gathered when first read: a rule or
    criterion reads a few of the attributes, and on national the
    eligible class cells are some 15 million rows.
    """

    def __init__(self, rows: _Rows, index: np.ndarray, dense: bool = False):
        self._rows = rows
        self._index = index
        self._dense = dense

    def __getattr__(self, name: str):
        # Only called for what is not gathered yet; a missing attribute
        # raises AttributeError as the arrays do (``criteria._local``
        # relies on it).
        if name.startswith("__"):
            raise AttributeError(name)
        value = self._rows.attribute_at(name, self._index)
        if self._dense and name in self._rows.per_row_fields():
            value = _dense(value)
        setattr(self, name, value)
        return value


def _dense(value):
    """Rows shaped to broadcast against every dwelling: ``(n, 1)``, or
    ``(n, 1, k)`` for arrays with a last axis of their own."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _dense(array)
                                 for key, array in value.items()})
    return value[:, None] if value.ndim == 1 else value[:, None, :]


@dataclass(frozen=True, eq=False)
class HouseholdArrays(_Rows):
    """
    Per-household attributes, each an array of shape ``(H,)`` unless
    stated.

    Parameters
    ----------
    n
        Number of households ``H`` compiled (kept as it is when rows are
        taken).
    need
        Bedrooms the household needs under the policy's size rules
        (expected reunification counted when the policy says so).
    need_reunited
        Bedrooms it needs once the expected relatives have joined it.
    size
        Persons in the household.
    minors
        Whether it has children under 18.
    family
        Whether it is a family with children (settlement target 3 months).
    reunification
        Whether it expects family reunification.
    step_free, ground, no_basement
        Whether it needs (or, unknown, is taken to need) a step-free
        dwelling, the ground floor, no basement.
    avoid
        Dwelling features it must avoid, as bits.
    open_shared
        Whether it may take a room of a shared dwelling.
    assigned
        Position of the municipality it is assigned to, else -1.
    wish_central
        Whether it wishes to live centrally.
    nationality
        Position of its nationality when it wishes to live near
        compatriots, else -1.
    services
        Whether it needs each kind of service nearby, shape ``(H, K)`` in
        the order of ``ServiceKind``.
    priority
        Its priority points.
    sex, age
        Sex (position in ``Sex``) and age of its first member, for shared
        dwellings.
    income
        Monthly income in whole kroner, ``UNKNOWN_INCOME`` when unknown or
        while the affordability rule is off.
    finder
        Its own position when a dwelling it found is reserved for it (a
        class of its own), else -1.
    own_approved
        Whether a dwelling reserved for it is accepted and approved.
    late_from
        The fewest days until a dwelling is free that make it move in
        after its settlement deadline, or ``NEVER_LATE``.
    """

    n: int = _whole()
    need: np.ndarray = _per_row(household_class=True)
    need_reunited: np.ndarray = _per_row(household_class=True)
    size: np.ndarray = _per_row(household_class=True)
    minors: np.ndarray = _per_row(household_class=True)
    family: np.ndarray = _per_row(household_class=True)
    reunification: np.ndarray = _per_row(household_class=True)
    step_free: np.ndarray = _per_row(household_class=True)
    ground: np.ndarray = _per_row(household_class=True)
    no_basement: np.ndarray = _per_row(household_class=True)
    avoid: np.ndarray = _per_row(household_class=True)
    open_shared: np.ndarray = _per_row(household_class=True)
    assigned: np.ndarray = _per_row(household_class=True)
    wish_central: np.ndarray = _per_row(household_class=True)
    nationality: np.ndarray = _per_row(household_class=True)
    services: np.ndarray = _per_row(household_class=True)
    priority: np.ndarray = _per_row()
    sex: np.ndarray = _per_row()
    age: np.ndarray = _per_row()
    income: np.ndarray = _per_row(household_class=True)
    finder: np.ndarray = _per_row(household_class=True)
    own_approved: np.ndarray = _per_row(household_class=True)
    late_from: np.ndarray = _per_row(household_class=True)

    @classmethod
    def class_fields(cls) -> tuple[str, ...]:
        """Names of the fields households of one class are equal in."""
        return tuple(f.name for f in fields(cls)
                     if f.metadata[HOUSEHOLD_CLASS])


@dataclass(frozen=True, eq=False)
class DwellingArrays(_Rows):
    """
    Per-dwelling attributes, each an array of shape ``(D,)`` unless
    stated.

    Parameters
    ----------
    n
        Number of dwellings ``D`` compiled (kept as it is when rows are
        taken).
    bedrooms
        Bedrooms.
    floor_area
        Floor area in square metres.
    step_free
        Whether it can be reached without steps (on the ground floor or by
        lift).
    ground
        Whether it is on the ground floor with no basement.
    basement
        Whether it is a basement dwelling.
    features
        Its features, as bits.
    care
        Whether it is care housing (has one of ``CARE_FEATURES``).
    unsafe_for_children
        Whether it is damp or not suitable for children.
    available
        Whether it is free within its municipality's horizon and not gone
        before the planning date.
    shared_rooms
        Rooms let one by one (0 or 1: not shared).
    free_in
        Days from the planning date until it is free (0 when free now).
    condition
        Its condition grade.
    damp
        Whether it is damp.
    tenure
        Security of tenure points, less 30 for a lease under a year.
    playground
        Whether it has a playground.
    nuisance
        Whether it lies by a busy road or noise.
    municipality, area
        Positions of its municipality and area.
    reach
        Reach score of each service kind, shape ``(D, K)``.
    counted
        Which service kinds count (have a target time), shape ``(K,)``:
        the same for every dwelling.
    centre_minutes
        Travel minutes from its municipality's centre.
    compatriot_table
        Households of each nationality already living in each area, shape
        (areas, nationalities + 1): a table of areas, not of dwellings.
    cost
        Monthly housing cost in whole kroner.
    found_by
        Position of the household it is reserved for while its offer
        stands, else -1.
    found_approved
        Whether it is accepted by the municipality and approved by IMDi.
    local
        The rules and weights of its municipality's own policy, when the
        policy gives some municipality its own (``models.municipal``):
        rule or ``weight_<criterion>`` -> one value per dwelling. Each is
        read as the attribute ``local_<name>``; empty otherwise, so that
        the national value applies.
    """

    n: int = _whole()
    bedrooms: np.ndarray = _per_row()
    floor_area: np.ndarray = _per_row()
    step_free: np.ndarray = _per_row()
    ground: np.ndarray = _per_row()
    basement: np.ndarray = _per_row()
    features: np.ndarray = _per_row()
    care: np.ndarray = _per_row()
    unsafe_for_children: np.ndarray = _per_row()
    available: np.ndarray = _per_row()
    shared_rooms: np.ndarray = _per_row()
    free_in: np.ndarray = _per_row()
    condition: np.ndarray = _per_row()
    damp: np.ndarray = _per_row()
    tenure: np.ndarray = _per_row()
    playground: np.ndarray = _per_row()
    nuisance: np.ndarray = _per_row()
    municipality: np.ndarray = _per_row()
    area: np.ndarray = _per_row()
    reach: np.ndarray = _per_row()
    counted: np.ndarray = _whole()
    centre_minutes: np.ndarray = _per_row()
    compatriot_table: np.ndarray = _whole()
    cost: np.ndarray = _per_row()
    found_by: np.ndarray = _per_row()
    found_approved: np.ndarray = _per_row()
    local: Mapping[str, np.ndarray] = field(
        default_factory=dict, metadata={PER_ROW: True,
                                        HOUSEHOLD_CLASS: False})

    def __getattr__(self, name: str):
        # Reached only when no field has the name: ``local_<rule>`` reads
        # a municipality's own rule, and is missing (so that the criteria
        # take the national value) when no municipality sets one. The
        # instance's dict is read directly: while unpickling, ``local`` is
        # not there yet.
        local = self.__dict__.get("local", {})
        if name.startswith("local_") and name[6:] in local:
            return local[name[6:]]
        raise AttributeError(name)


Rows = TypeVar("Rows", HouseholdArrays, DwellingArrays)
"""The household or the dwelling arrays, kept the same by taking rows."""
