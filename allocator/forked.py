"""
Work done in a forked child while the process goes on, on the second core.

A solve command is one Python thread for most of its way: the stages
around the solver hold the interpreter's lock, so a second thread would
only take turns with them. Some of their work reads what the process
already holds and gives back little: the independent check of the
matches, the workbook of the proposal, the instance's hash. A child
forked with the parent's memory does it beside the parent and hands its
answer back through a pipe, pickled.

The parent never depends on the child for being right. When the child
fails in any way (the work raises, the child is killed, its answer cannot
be read), ``result`` does the work again in the parent, so a failure reads
exactly as it would have without the child, traceback included. Where
forking is not the platform's way (Windows has none; on macOS a forked
child of a process with threads may hang in the system's libraries), or
the caller asks for it, the work is done in the process when its result
is asked for.

Use it as a context manager, so that a child whose answer is not wanted
(the parent failed or was stopped) is ended with the block::

    with beside(lambda: check_matches(instance, policy, matches)) as work:
        ...  # the parent's own work
        report = work.result()

Whether to fork is the caller's to say, by ``fork`` or, for the stages a
chain calls, by a ``forking()`` block around it: one run in a process
(the CLI's ``solve``) has the other core to itself, where runs side by
side (the policy lab, the workbench) have taken it already.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Generic, TypeVar

T = TypeVar("T")

FORKS = sys.platform.startswith("linux") and hasattr(os, "fork")
"""Whether this platform runs work in forked children (Linux only)."""

_allowed: ContextVar[bool] = ContextVar("forking", default=False)
"""Whether ``beside`` forks when its caller does not say (``forking``)."""


@contextmanager
def forking(allowed: bool = True) -> Iterator[None]:
    """Within the block (in this thread or task), ``beside`` without
    ``fork`` forks as ``allowed`` says; outside any block it does not."""
    token = _allowed.set(allowed)
    try:
        yield
    finally:
        _allowed.reset(token)


class Beside(Generic[T]):
    """
    Work under way in a forked child, or to be done in the process.

    ``result`` waits for the answer (once; later calls return it again);
    ``cancel`` ends a child still at work. Leaving the ``with`` block
    cancels what was not asked for.
    """

    def __init__(self, work: Callable[[], T], fork: bool) -> None:
        self._work = work
        self._pid: int | None = None
        self._pipe: int | None = None
        self._done = False
        self._value: T | None = None
        self.forked = fork and FORKS
        """Whether the work went to a child."""
        if self.forked:
            self._start()

    def _start(self) -> None:
        # Buffered output would otherwise be written twice, once by the
        # child.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        reading, writing = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(reading)
            _run_child(self._work, writing)
        os.close(writing)
        self._pid, self._pipe = pid, reading

    def result(self) -> T:
        """The work's answer: the child's, else the work done here (which
        raises the work's own exception if it fails)."""
        if self._done:
            return self._value  # type: ignore[return-value]
        answer = self._collect() if self._pid is not None else None
        self._value = answer[0] if answer is not None else self._work()
        self._done = True
        return self._value

    def _collect(self) -> tuple[T] | None:
        """The child's answer once it has ended; ``None`` when it failed."""
        chunks = []
        try:
            while chunk := os.read(self._pipe, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(self._pipe)
            self._pipe = None
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        try:
            return (pickle.loads(b"".join(chunks)),)
        except Exception:  # a truncated or unreadable answer
            return None

    def cancel(self) -> None:
        """Ends a child still at work; its answer is not wanted."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None

    def __enter__(self) -> Beside[T]:
        return self

    def __exit__(self, *exc_info) -> None:
        self.cancel()


def beside(work: Callable[[], T], fork: bool | None = None) -> Beside[T]:
    """
    Starts ``work`` (a function of no arguments) in a forked child where
    the platform forks and ``fork`` is true (``None``: as the enclosing
    ``forking`` block says, else not); otherwise it is done in the
    process when its result is asked for. See the module's docstring.
    """
    return Beside(work, _allowed.get() if fork is None else fork)


def _run_child(work: Callable[[], object], writing: int) -> None:
    """The child's whole life: do the work, write the pickled answer, and
    end without running the parent's exit handlers or flushing its
    buffers (``os._exit``). A failed work ends with status 1 and no
    answer: the parent does it again."""
    status = 1
    try:
        # The terminal's Ctrl-C reaches the child too; it is the
        # parent's to handle.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        # What the parent made stays out of the child's collections:
        # walking it would copy every page it sits on.
        gc.freeze()
        answer = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
        with open(writing, "wb", closefd=False) as pipe:
            pipe.write(answer)
        status = 0
    except BaseException:  # the parent does the work again and reports
        pass
    finally:
        os._exit(status)
