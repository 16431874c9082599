"""The one mechanism for caps on some households per group of dwellings
(``AllocationData.household_caps``), proved with a record that exists
only here: at most ``limit`` of the households it names per building.
Nothing in the engines, the ledger or the explanations knows it."""

from __future__ import annotations

import numpy as np
import pytest

from allocator import criteria
from allocator.compile import compile_instance
from allocator.criteria import CouplingRule
from allocator.engines import NotRepresentable, auto_choice, solve
from allocator.i18n import N_
from allocator.ledger import CapacityLedger
from models import Building, Policy
from tests.engine_helpers import engines_for, matched, run
from tests.factory import dwelling, instance, single

CAPPED_ENGINES = ("auto", "mip", "cpsat")

BUILDINGS = (Building(id="B-1", area="A-1", units=6),
             Building(id="B-2", area="A-1", units=6))

LABEL = N_("named households per building")


def _record(limit: int | None, counted=("H-1", "H-2"), weight=1):
    """A coupling record capping the ``counted`` households (each
    counting ``weight``) at ``limit`` per building; off when ``limit`` is
    ``None``."""

    def household_cap(instance, policy, hh, dw):
        if limit is None:
            return None
        usage = [weight if h.id in counted else 0
                 for h in instance.households]
        at = {b.id: i for i, b in enumerate(instance.buildings)}
        group = [at.get(d.building, -1) for d in instance.dwellings]
        cap = [limit] * len(instance.buildings)
        return usage, group, cap, tuple(at)

    return CouplingRule("named_per_building", LABEL, off={},
                        household_cap=household_cap)


@pytest.fixture
def capped(monkeypatch):
    """Puts the test record with a given limit among the coupling
    records, for the compiler to find."""

    def put(limit, **fields):
        monkeypatch.setattr(criteria, "COUPLING_RULES",
                            (*criteria.COUPLING_RULES,
                             _record(limit, **fields)))

    return put


def _singles(third=False):
    # H-1 waited longest, so has the most priority; H-3 is not counted.
    people = [single("H-1", waited=200), single("H-2", waited=100)]
    if third:
        people.append(single("H-3", waited=50))
    return people


def _one_building(n=2):
    return [dwelling(f"D-{i}", 1, building="B-1") for i in range(1, n + 1)]


def test_an_off_cap_leaves_no_trace(capped):
    """Tests that a record whose builder returns nothing adds no cap and
    keeps the flow and the class model."""
    capped(None)
    data = compile_instance(instance(_singles(), _one_building(),
                                     buildings=BUILDINGS), Policy())
    assert data.household_caps == ()
    assert "flow" in engines_for(data) and "classes" in engines_for(data)


def test_the_compiled_cap_has_the_record_s_arrays(capped):
    """Tests that the compiler keeps the record's name, label and arrays."""
    capped(1)
    data = compile_instance(instance(_singles(third=True), _one_building(),
                                     buildings=BUILDINGS), Policy())
    (cap,) = data.household_caps
    assert (cap.rule, cap.label) == ("named_per_building", LABEL)
    assert cap.usage.tolist() == [1, 1, 0]
    assert cap.group.tolist() == [0, 0]
    assert cap.cap.tolist() == [1, 1]
    assert cap.group_ids == ("B-1", "B-2")


@pytest.mark.parametrize("engine", CAPPED_ENGINES)
def test_engines_with_rows_keep_the_cap(capped, engine):
    """Tests that mip, cpsat and auto house one counted household in the
    building (the one with more priority) under a cap of one, beside a
    household the cap does not count."""
    capped(1)
    inst = instance(_singles(third=True), _one_building(3),
                    buildings=BUILDINGS)
    housed = matched(run(inst, engine=engine))
    assert set(housed) == {"H-1", "H-3"}


@pytest.mark.parametrize("engine", CAPPED_ENGINES)
def test_the_cap_counts_usage_and_only_its_group(capped, engine):
    """Tests that a household counting two fills a cap of two alone, and
    that counted households in different buildings do not count
    together."""
    capped(2, weight=2)
    inst = instance(_singles(), _one_building(), buildings=BUILDINGS)
    assert matched(run(inst, engine=engine)) == {"H-1": "D-1"}
    apart = [dwelling("D-1", 1, building="B-1"),
             dwelling("D-2", 1, building="B-2")]
    inst = instance(_singles(), apart, buildings=BUILDINGS)
    assert len(matched(run(inst, engine=engine))) == 2


@pytest.mark.parametrize("engine", ["flow", "classes"])
def test_engines_without_rows_refuse_and_auto_routes_to_mip(capped, engine):
    """Tests that the flow and the class model refuse the cap, naming its
    record's label, and that auto picks the pair program."""
    capped(1)
    data = compile_instance(instance(_singles(), _one_building(),
                                     buildings=BUILDINGS), Policy())
    assert engine not in engines_for(data)
    assert auto_choice(data) == "mip"
    with pytest.raises(NotRepresentable, match=str(LABEL)):
        solve(data, engine)


def test_the_relaxation_drops_the_cap(capped):
    """Tests that the network relaxation (auto's warm start, the
    hindsight bound) has no household cap and is a flow."""
    from allocator.engines.relax import relaxed

    capped(1)
    data = compile_instance(instance(_singles(), _one_building(),
                                     buildings=BUILDINGS), Policy())
    assert not data.network_representable
    assert relaxed(data).household_caps == ()
    assert relaxed(data).network_representable


def test_the_ledger_counts_the_cap(capped):
    """Tests that the ledger refuses a second counted household in the
    building, lets an uncounted one in, and counts chosen pairs."""
    capped(1)
    data = compile_instance(instance(_singles(third=True), _one_building(3),
                                     buildings=BUILDINGS), Policy())
    ledger = CapacityLedger(data)
    assert ledger.household_fits(1, 1, takes_room=False)
    ledger.take_household(0, 0, takes_room=False)
    assert ledger.household_caps_used[0].tolist() == [1, 0]
    assert not ledger.household_fits(1, 1, takes_room=False)
    assert not ledger.household_fits(1, 1, takes_room=False, caps=False)
    assert ledger.household_fits(2, 1, takes_room=False)
    both = CapacityLedger.of_pairs(data, np.array([0, 1]), np.array([0, 1]))
    assert both.household_caps_used[0].tolist() == [2, 0]
    assert not both.within_caps()


def test_locks_over_the_cap_are_a_conflict(capped):
    """Tests that locks alone over the cap are a conflict naming the
    record and the building, and that a lock within it uses the cap."""
    capped(1)
    locks = (("H-1", "D-1", "lock"), ("H-2", "D-2", "lock"))
    inst = instance(_singles(), _one_building(), decisions=locks,
                    buildings=BUILDINGS)
    (conflict,) = compile_instance(inst, Policy()).lock_conflicts
    assert (conflict.rule, conflict.subject) == ("named_per_building", "B-1")
    assert conflict.households == ("H-1", "H-2")
    assert str(LABEL) in conflict.message
    inst = instance(_singles(), _one_building(), buildings=BUILDINGS,
                    decisions=(("H-2", "D-2", "lock"),))
    data = compile_instance(inst, Policy())
    assert data.household_caps[0].cap.tolist() == [0, 1]
    assert matched(run(inst, engine="mip")) == {"H-2": "D-2"}


def test_a_waiting_household_is_told_the_cap_keeps_it_out(capped):
    """Tests that the queue place of the household left waiting names
    the full cap by its record, not the queue, for the empty dwelling."""
    capped(1)
    inst = instance(_singles(), _one_building(), buildings=BUILDINGS)
    waiting = run(inst).proposal.unmatched[0]
    assert waiting.household == "H-2"
    empty = next(q for q in waiting.queue if q.dwelling == "D-2")
    assert empty.blocked_by == ("named_per_building",)
    assert "B-1 has reached its cap (named households per building: 1 of 1)" \
        in empty.message
