"""The capacity ledger: slots, rooms, dispersion caps, quotas and service
places counted in one place."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from allocator.compile import compile_instance
from allocator.data import UNLIMITED
from allocator.io.policy import read_policy
from allocator.ledger import CapacityLedger, compatible

from .factory import dwelling, instance, single


def _data(**fields):
    """Three dwellings: D0 and D1 in building 0 of area 0, D2 (two rooms)
    in area 1 without a building; one municipality with a households
    quota of 2; households 0-2, each using one quota place."""
    values = {
        "num_dwellings": 3,
        "building_ids": ("B-0",),
        "area_ids": ("A-0", "A-1"),
        "dwelling_slots": np.array([1, 1, 2]),
        "dwelling_building": np.array([0, 0, -1]),
        "dwelling_area": np.array([0, 0, 1]),
        "dwelling_municipality": np.array([0, 0, 0]),
        "building_cap": np.array([1]),
        "area_cap": np.array([UNLIMITED, UNLIMITED]),
        "area_target": np.array([0, 1]),
        "quota_cap": np.array([[2]]),
        "household_usage": np.ones((3, 1), dtype=np.int64),
        "place_cap": (),
        "place_penalty": 0,
        "household_caps": (),
        "shared_same_sex": True,
        "household_sex": np.array([0, 0, 1]),
        "household_age": np.array([20, 25, 22]),
        "shared_max_age_gap": 10,
    }
    values.update(fields)
    return SimpleNamespace(**values)


def test_a_building_cap_closes_its_other_dwellings():
    """Tests that a full building cap closes every dwelling in the
    building, and that dwellings outside it stay open."""
    ledger = CapacityLedger(_data())
    usage = np.array([1])
    assert ledger.open(np.arange(3), usage).tolist() == [True, True, True]
    ledger.take_household(0, 0, takes_room=False)
    assert ledger.open(np.arange(3), usage).tolist() == [False, False, True]
    assert not ledger.caps_fit(1, usage)
    assert ledger.caps_fit(2, usage)


def test_a_quota_counts_every_household_of_the_municipality():
    """Tests that the quota closes the municipality once it is used up."""
    ledger = CapacityLedger(_data(building_cap=np.array([UNLIMITED])))
    ledger.take_household(0, 0, takes_room=False)
    ledger.take_household(1, 1, takes_room=False)
    assert ledger.quota_used.tolist() == [[2]]
    assert not ledger.household_fits(2, 2, takes_room=True)
    assert ledger.household_fits(2, 2, takes_room=True, caps=False)


def test_rooms_are_shared_only_by_compatible_households():
    """Tests that a shared dwelling takes a second household by the room
    only when it is compatible with the first, and never whole."""
    data = _data(quota_cap=np.array([[UNLIMITED]]))
    ledger = CapacityLedger(data)
    ledger.take_household(0, 2, takes_room=True)
    assert ledger.household_fits(1, 2, takes_room=True)
    assert not ledger.household_fits(2, 2, takes_room=True)  # other sex
    assert not ledger.household_fits(1, 2, takes_room=False)  # whole
    assert compatible(data, 1, [0])
    assert not compatible(data, 1, [0, 2])


def test_counted_pairs_give_the_area_excess_over_the_target():
    """Tests that the ledger of chosen pairs counts areas, buildings and
    quotas at once, and the households above each area's target."""
    ledger = CapacityLedger.of_pairs(_data(), np.array([0, 2, 2]),
                                     np.array([0, 1, 2]))
    assert ledger.area_used.tolist() == [1, 2]
    assert ledger.building_used.tolist() == [1]
    assert ledger.quota_used.tolist() == [[3]]
    assert ledger.area_excess().tolist() == [1, 1]
    assert not ledger.within_caps()  # three households on a quota of two
    assert CapacityLedger.of_pairs(_data(quota_cap=np.array([[3]])),
                                   np.array([0, 2, 2]),
                                   np.array([0, 1, 2])).within_caps()


def test_counts_at_indices_skip_what_has_no_cap():
    """Tests the counted form (types of dwellings): an index below 0
    counts nowhere and is never a reason to refuse."""
    ledger = CapacityLedger(_data(quota_cap=np.array([[4]])))
    ledger.add_at(np.array([0, -1]), np.array([-1, 0]), np.array([0, 0]),
                  np.array([[1], [1]]), np.array([2, 1]))
    assert ledger.area_used.tolist() == [2, 0]
    assert ledger.building_used.tolist() == [1]
    assert ledger.quota_used.tolist() == [[3]]
    room = ledger.room_at(np.array([0, -1]), np.array([-1, -1]),
                          np.array([0, 0]), np.array([0]))
    assert room.tolist() == [True, True]
    assert not ledger.room_at(np.array([1]), np.array([0]), np.array([0]),
                              np.array([0]))[0]  # the building is full
    assert not ledger.room_at(np.array([1]), np.array([-1]), np.array([0]),
                              np.array([1]), count=2)[0]  # the quota


def test_hard_service_places_are_kept_when_asked_for():
    """Tests that the ledger keeps service places only when they are a
    hard cap and it is asked to."""
    places = {"place_cap": (np.array([1]),), "place_group": np.zeros(
        (3, 1), dtype=np.int64), "place_usage": np.ones((3, 1), dtype=np.int64),
        "quota_cap": np.array([[UNLIMITED]]),
        "building_cap": np.array([UNLIMITED])}
    hard = CapacityLedger(_data(**places), hard_places=True)
    hard.take_household(0, 0, takes_room=False)
    assert not hard.household_fits(1, 1, takes_room=False)
    plain = CapacityLedger(_data(**places))
    plain.take_household(0, 0, takes_room=False)
    assert plain.household_fits(1, 1, takes_room=False)
    priced = CapacityLedger(_data(**places, place_penalty=100),
                            hard_places=True)
    priced.take_household(0, 0, takes_room=False)
    assert priced.household_fits(1, 1, takes_room=False)


def test_the_ledger_reads_a_compiled_problem():
    """Tests the ledger on a compiled instance with shared housing: two
    compatible singles share the two rooms, a third finds none."""
    hs = [single("H-1", age=24, open_to_shared=True),
          single("H-2", age=27, open_to_shared=True),
          single("H-3", age=29, open_to_shared=True)]
    data = compile_instance(
        instance(hs, [dwelling("D-S", 2, shared_rooms=2)]),
        read_policy("shared-housing"))
    ledger = CapacityLedger(data, hard_places=True)
    assert ledger.household_fits(0, 0, takes_room=True)
    ledger.take_household(0, 0, takes_room=True)
    ledger.take_household(1, 0, takes_room=True)
    assert not ledger.household_fits(2, 0, takes_room=True)
    assert ledger.slots_used.tolist() == [2]
