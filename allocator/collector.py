"""
Python's cyclic garbage collector kept off the modules a command loads.

A solve loads NumPy, pydantic, the models, NetworkX and OR-Tools: tens
of thousands of objects that live as long as the process. Each full
pass of the collector walks them all again, and the passes that loading
itself sets off took 0.2 s of a city solve on a loaded machine (0.07 s
with the modules frozen). So the collector is paused while a command
loads its modules (``loading``); once they are loaded (``loaded``) they
are frozen, which keeps them out of every later pass, and the collector
runs as before on what the command makes: the instance, the arrays, the
proposal.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_starting: list[str] = []
"""``"paused"`` while the collector is paused for the start of the
command's process (``pause_start``), then ``"frozen"`` once
``resume_start`` has frozen what the start loaded, until a ``loading``
block takes that over."""


def pause_start() -> None:
    """
    The collector paused while the command's process starts, until
    ``resume_start``.

    Loading the command line, typer and pydantic and reading the
    arguments set off some 60 passes (0.01 s or more) over objects that
    live as long as the process. Only the ``allocator`` command's own
    process pauses here (``allocator/__init__.py``), and resumes as the
    command begins; where the collector is off already, nothing changes.
    """
    if gc.isenabled() and not _starting:
        gc.disable()
        _starting.append("paused")


def resume_start() -> None:
    """
    The command begins: what its start loaded is frozen, and the
    collector runs again, if ``pause_start`` paused it (else nothing
    changes).

    Frozen, because the first pass after a pause would walk everything
    the start made (the passes it saved, in one); a ``loading`` block
    that follows freezes and unfreezes as if it had frozen it itself.
    """
    if _starting == ["paused"]:
        _starting[0] = "frozen"
        gc.freeze()
        gc.enable()


_paused: list[tuple[bool, bool]] = []
"""For each ``loading`` block entered and not left, innermost last:
whether it paused the collector (it ran before), and whether it may
freeze (nothing was frozen before it, or only what the command's start
loaded: ``resume_start``)."""


@contextmanager
def loading() -> Iterator[None]:
    """
    The collector paused within the block until ``loaded()``.

    After the block the collector is as it was before (enabled or not)
    and nothing the block froze stays frozen, so that a command run
    within a longer process (a test, a script) leaves no trace.
    """
    enabled = gc.isenabled()
    frozen_at_start = _starting == ["frozen"]
    if frozen_at_start:
        _starting.clear()
    # The start's own freeze first: counting the frozen objects walks
    # them all.
    may_freeze = enabled and (frozen_at_start or gc.get_freeze_count() == 0)
    gc.disable()
    _paused.append((enabled, may_freeze))
    try:
        yield
    finally:
        _paused.pop()
        if may_freeze:
            gc.unfreeze()
        if enabled:
            gc.enable()


def loaded() -> None:
    """
    The command's modules are loaded: they are frozen, and the collector
    resumes. Outside a ``loading`` block, or where the collector was off
    before it, nothing changes.
    """
    if not _paused:
        return
    paused, may_freeze = _paused[-1]
    if paused and not gc.isenabled():
        if may_freeze:
            gc.freeze()
        gc.enable()


def settled() -> None:
    """
    What the command has made so far lives on to its end (the instance
    read, then the compiled problem, the result, the proposal): the young
    garbage is collected and the rest frozen too.

    Full passes come each time the objects that outlived two passes grow
    by a quarter, and each walked everything made before: a national
    solve spent 28 s of 32 s of collection in 15 of them on a loaded
    machine, 6 s with each stage's objects frozen as the next begins.
    Outside a ``loading`` block that may freeze, nothing changes.
    """
    if _settling() and gc.isenabled():
        gc.collect(1)
        gc.freeze()


def _settling() -> bool:
    """Whether the innermost ``loading`` block paused the collector and
    may freeze: the command's own run, whose stages' objects live on."""
    if not _paused:
        return False
    paused, may_freeze = _paused[-1]
    return paused and may_freeze


@contextmanager
def paused() -> Iterator[None]:
    """
    The collector off within the block and as it was after it.

    For work that makes hundreds of thousands of objects that are not
    garbage (reading a national instance: its rows, cells and models;
    compiling it: rows of fields and index lists): each collection the
    allocations set off walks every object still alive, which took half
    of the reading and a tenth of the compile. Nothing is lost: cycles
    made meanwhile are collected once the collector runs again (in a
    command's run, where the block's objects are frozen as it ends,
    once its ``loading`` block ends).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if _settling():
                # In a command's run what the block made lives on (the
                # instance, the compiled arrays, the proposal): frozen
                # as it is, without the pass that its first allocation
                # would set off, and the next stage's ``settled`` would
                # repeat, each walking all of it (0.38 s of a national
                # run). A cycle made in the block stays until the
                # ``loading`` block ends.
                gc.freeze()
            gc.enable()

