"""The garbage collector paused while a command loads its modules."""

from __future__ import annotations

import gc

import pytest

from allocator import collector


@pytest.fixture
def collector_on():
    """The collector enabled with nothing frozen, as in a fresh process,
    and put back as it was after the test."""
    enabled = gc.isenabled()
    gc.unfreeze()
    gc.enable()
    yield
    gc.unfreeze()
    if not enabled:
        gc.disable()


def test_loading_pauses_until_loaded_then_freezes(collector_on):
    """Tests that the collector is off within ``loading`` until
    ``loaded``, which freezes what exists and turns it back on."""
    with collector.loading():
        assert not gc.isenabled()
        collector.loaded()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0


def test_loading_leaves_the_collector_as_it_was(collector_on):
    """Tests that after the block, however it ends, the collector runs
    and nothing stays frozen."""
    with pytest.raises(RuntimeError), collector.loading():
        collector.loaded()
        raise RuntimeError
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    with collector.loading():
        pass  # never loaded: a command stopped before its work
    assert gc.isenabled()


def test_loading_keeps_a_collector_turned_off_off(collector_on):
    """Tests that a process that turned the collector off keeps it off."""
    gc.disable()
    with collector.loading():
        collector.loaded()
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_loading_freezes_nothing_where_objects_were_frozen(collector_on):
    """Tests that objects another part of the process froze stay frozen,
    and that ``loaded`` adds none (it could not tell them apart)."""
    gc.freeze()
    frozen = gc.get_freeze_count()
    # A frozen object may still be freed by its reference count meanwhile
    # (another test's leftovers), so the count may fall, never rise.
    with collector.loading():
        collector.loaded()
        assert gc.isenabled()
        assert 0 < gc.get_freeze_count() <= frozen
    assert 0 < gc.get_freeze_count() <= frozen


def test_loaded_outside_loading_changes_nothing(collector_on):
    """Tests that ``loaded`` alone (a library call) neither freezes nor
    turns anything on or off."""
    collector.loaded()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_settled_freezes_what_the_command_made(collector_on):
    """Tests that ``settled`` freezes what exists once the modules are
    loaded, and that all of it is unfrozen when the command ends."""
    with collector.loading():
        collector.loaded()
        before = gc.get_freeze_count()
        made = [[] for _ in range(1000)]
        collector.settled()
        assert gc.get_freeze_count() >= before + len(made)
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_settled_changes_nothing_before_loaded_or_outside(collector_on):
    """Tests that ``settled`` neither freezes nor turns the collector on
    while the modules load, nor outside a ``loading`` block."""
    with collector.loading():
        collector.settled()
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0
    collector.settled()
    assert gc.get_freeze_count() == 0


def _passes():
    """Counts the collector's passes from now on: a list, one entry per
    pass started, and the function that stops counting."""
    passes = []

    def count(phase, info):
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(count)
    return passes, lambda: gc.callbacks.remove(count)


def test_paused_in_a_command_freezes_what_it_made_without_a_pass(
        collector_on):
    """Tests that in a command's run a ``paused`` block's objects are
    frozen as it ends, and that neither its end nor the next allocations
    set off a pass over them; all is unfrozen when the command ends."""
    with collector.loading():
        collector.loaded()
        before = gc.get_freeze_count()
        passes, stop = _passes()
        try:
            with collector.paused():
                made = [[] for _ in range(5000)]
                assert not gc.isenabled()
            assert gc.isenabled()
            more = [[] for _ in range(100)]
        finally:
            stop()
        assert passes == []
        assert gc.get_freeze_count() >= before + len(made)
        assert len(more) == 100
    assert gc.get_freeze_count() == 0


def test_paused_outside_a_command_freezes_nothing(collector_on):
    """Tests that a ``paused`` block outside a command's run (the lab, the
    workbench, a test) freezes nothing: the collector runs on its objects
    as before."""
    passes, stop = _passes()
    try:
        with collector.paused():
            made = [[] for _ in range(5000)]
        more = [[] for _ in range(1000)]
    finally:
        stop()
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
    assert passes  # the allocations after the block set one off
    assert len(made) + len(more) == 6000


@pytest.fixture
def fresh_start(collector_on):
    """No start pause left over from another test, before and after."""
    collector._starting.clear()
    yield
    collector._starting.clear()


def test_pause_start_until_the_command_begins(fresh_start):
    """Tests that the start's pause keeps the collector off until
    ``resume_start``, which freezes what the start made and turns the
    collector back on, once."""
    collector.pause_start()
    assert not gc.isenabled()
    collector.resume_start()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    gc.disable()
    collector.resume_start()
    assert not gc.isenabled()
    gc.enable()


def test_pause_start_keeps_a_collector_turned_off_off(fresh_start):
    """Tests that a start where the collector is off changes nothing."""
    gc.disable()
    collector.pause_start()
    collector.resume_start()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_loading_takes_over_what_the_start_froze(fresh_start):
    """Tests that a ``loading`` block after the start's pause freezes as
    if nothing had been frozen before it, and unfreezes after."""
    collector.pause_start()
    collector.resume_start()
    with collector.loading():
        assert not gc.isenabled()
        collector.loaded()
        assert gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
