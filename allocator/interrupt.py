"""A cooperative stop: Ctrl-C asks the running solve to keep its best."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator

EXIT_INTERRUPTED = 130
"""Exit status after Ctrl-C (128 + SIGINT), as shells report it."""

POLL_SECONDS = 0.05
"""How often a watcher looks at the stop request."""

_stop = threading.Event()
_lock = threading.Lock()
_scopes = 0


def request_stop() -> None:
    """
    Asks the running solve to stop and return the best solution it has.

    Only a solve inside ``stoppable()`` listens; elsewhere the request is
    ignored, so a stray request never changes what ``allocator.propose``
    returns.
    """
    _stop.set()


def stop_requested() -> bool:
    """Whether a stop was asked for within the current ``stoppable()``."""
    return _scopes > 0 and _stop.is_set()


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """
    A block in which ``request_stop()`` stops the running solve.

    Any earlier request is cleared on entry and on exit, so each solve
    starts afresh.
    """
    global _scopes
    with _lock:
        if _scopes == 0:
            _stop.clear()
        _scopes += 1
    try:
        yield
    finally:
        with _lock:
            _scopes -= 1
            if _scopes == 0:
                _stop.clear()


def highs_listens(highs) -> None:
    """
    Makes a HiGHS instance answer a stop request as it would its time
    limit: it ends the run and keeps its incumbent and its bound.
    """
    def interrupt_when_asked(event) -> None:
        if stop_requested():
            event.interrupt()

    for event in (highs.cbSimplexInterrupt, highs.cbIpmInterrupt,
                  highs.cbMipInterrupt):
        event.subscribe(interrupt_when_asked)


@contextlib.contextmanager
def on_stop(action: Callable[[], None]) -> Iterator[None]:
    """
    Calls ``action`` from a watcher thread while a stop is requested.

    For solvers that stop from another thread (CP-SAT's ``stop_search``).
    The action is repeated every ``POLL_SECONDS`` until the block ends, in
    case the first call came before the solver was listening.
    """
    done = threading.Event()

    def watch():
        while not done.is_set():
            if _stop.wait(POLL_SECONDS) and stop_requested():
                action()
                done.wait(POLL_SECONDS)

    watcher = threading.Thread(target=watch, name="allocator-stop",
                               daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


class SigintStops:
    """
    What Ctrl-C does inside ``sigint_stops()``.

    The first Ctrl-C requests a stop; the second aborts the process at
    once with status 130, writing nothing. While the caller is
    ``committing()`` (writing the proposal files), the abort waits until
    the files are whole, so that they never mix two runs.
    """

    def __init__(self, on_first: Callable[[], None], abort_message: str):
        self.count = 0
        self.on_first = on_first
        self.abort_message = abort_message
        self._committing = False
        self.abort_pending = False

    def __call__(self, signum, frame) -> None:
        self.count += 1
        if self.count == 1:
            request_stop()
            self.on_first()
        elif self._committing:
            self.abort_pending = True
        else:
            self.abort()

    @property
    def stopped(self) -> bool:
        """Whether Ctrl-C was pressed."""
        return self.count > 0

    def abort(self) -> None:
        # Straight to the file descriptor: the second Ctrl-C may land while
        # the first one's message is still being printed, inside a console
        # buffer that would never be flushed.
        with contextlib.suppress(OSError):
            os.write(2, self.abort_message.encode())
        os._exit(EXIT_INTERRUPTED)

    @contextlib.contextmanager
    def committing(self) -> Iterator[None]:
        """A block that a second Ctrl-C does not cut short."""
        self._committing = True
        try:
            yield
        finally:
            self._committing = False
        if self.abort_pending:
            self.abort()


@contextlib.contextmanager
def sigint_stops(
    on_first: Callable[[], None] = lambda: None,
    abort_message: str = "Aborted.\n",
) -> Iterator[SigintStops]:
    """
    Within the block, Ctrl-C stops the solve instead of raising.

    The previous SIGINT handler is restored on exit. Off the main thread,
    where Python cannot take signals, the block is only ``stoppable()``.
    Run the solve with ``run_beside()`` so that the main thread is free to
    take the signal at once, whatever the solver is doing.
    """
    handler = SigintStops(on_first, abort_message)
    with stoppable():
        if threading.current_thread() is not threading.main_thread():
            yield handler
            return
        previous = signal.signal(signal.SIGINT, handler)
        try:
            yield handler
        finally:
            signal.signal(signal.SIGINT, previous)


def run_beside(function: Callable, *args, **kwargs):
    """
    Runs ``function`` in a worker thread and waits for it.

    Python runs signal handlers in the main thread only, between bytecodes;
    a solver holding the main thread in native code would delay Ctrl-C
    until it returned. Waiting here keeps the main thread free. The
    function's exception, if any, is raised here.
    """
    outcome: dict = {}

    def work():
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as exc:  # re-raised in the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="allocator-solve",
                              daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(0.25)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
