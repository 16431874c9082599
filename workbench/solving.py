"""
Solving a round in the background, through the engine's one solve chain
(``allocator.pipeline.propose``), with progress and cancel.

One worker thread per server process takes queued solves one at a time:
the engine's stop request (``allocator.interrupt``) is process-wide, and the
machine's cores are better spent on one solve than shared by several. A
cancel is a flag in the database, so it works from any process: a watcher
thread beside the solve reads it and asks the engine to stop, which keeps
the best proposal found; a cancel before the solve stage drops the solve.
"""

from __future__ import annotations

import logging
import queue
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from allocator.interrupt import request_stop, stoppable
from allocator.io.policy import read_policy
from allocator.pipeline import propose
from models import Instance

from . import decisions, history
from .models import Solve, SolveStatus

log = logging.getLogger(__name__)

_queue: queue.Queue[int] = queue.Queue()
STARTED_AT = timezone.now()
"""When this server process started. The queue and the worker live in the
one process that serves the workbench (see the README), so a solve asked
for before it started and still queued or running was lost with the
process that had it."""
_worker: threading.Thread | None = None
_start_lock = threading.Lock()
WATCH_SECONDS = 0.3


class Cancelled(Exception):
    """The officer cancelled the solve before the engine began."""


def submit(solve: Solve) -> None:
    """Queues the solve (or runs it at once when solves run inline)."""
    if settings.WORKBENCH_SOLVE_INLINE:
        run(solve.pk)
        return
    global _worker
    with _start_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="workbench-solve",
                                       daemon=True)
            _worker.start()
    _queue.put(solve.pk)


def _work() -> None:
    while True:
        solve_id = _queue.get()
        try:
            run(solve_id)
        except Exception:  # a failed solve must not end the worker
            log.exception("solve %s failed", solve_id)
        finally:
            close_old_connections()
            connection.close()


def _cancel_asked(solve_id: int) -> bool:
    return Solve.objects.filter(pk=solve_id, cancel_requested=True).exists()


def _watch(solve_id: int, done: threading.Event) -> None:
    try:
        while not done.wait(WATCH_SECONDS):
            if _cancel_asked(solve_id):
                request_stop()
                return
    finally:
        connection.close()


def run(solve_id: int) -> None:
    """Runs one solve to its end and stores the proposal as made."""
    solve = Solve.objects.select_related("round", "source",
                                         "requested_by").get(pk=solve_id)
    if solve.cancel_requested:
        _finish(solve_id, SolveStatus.CANCELLED, message="cancelled")
        return
    Solve.objects.filter(pk=solve_id).update(status=SolveStatus.RUNNING,
                                             stage="", stage_key="")

    def on_stage(description: str, key: str) -> None:
        Solve.objects.filter(pk=solve_id).update(stage=description,
                                                 stage_key=key)
        if key == "compile" and _cancel_asked(solve_id):
            raise Cancelled

    try:
        instance = Instance.model_validate_json(solve.source.instance_json)
        policy = read_policy(solve.policy)
        extra, used = decisions.solve_arguments(solve, instance)
        done = threading.Event()
        watcher = threading.Thread(target=_watch, args=(solve_id, done),
                                   daemon=True)
        options = dict(engine="auto",
                       time_limit=settings.WORKBENCH_SOLVE_TIME_LIMIT,
                       seed=0, marginal_values=True, on_stage=on_stage)
        with stoppable():
            watcher.start()
            try:
                outcome = propose(instance, policy, **extra, **options)
            finally:
                done.set()
                watcher.join()
    except Cancelled:
        _finish(solve_id, SolveStatus.CANCELLED, message="cancelled")
        history.record(solve.requested_by, "solve",
                       f"solve #{solve_id} cancelled", round_=solve.round)
        return
    except Exception as error:  # shown to the officer, not a traceback
        log.exception("solve %s failed", solve_id)
        _finish(solve_id, SolveStatus.FAILED, message=str(error)[:2000])
        history.record(solve.requested_by, "solve",
                       f"solve #{solve_id} failed", round_=solve.round)
        return
    stopped = _cancel_asked(solve_id)
    proposal = outcome.proposal
    _finish(
        solve_id,
        SolveStatus.STOPPED if stopped else SolveStatus.DONE,
        proposal_json=proposal.model_dump_json(),
        check_passed=bool(outcome.check.ok),
        decisions_used=used,
        message="" if outcome.check.ok else "; ".join(
            outcome.check.violations)[:2000],
    )
    housed = len(proposal.matches)
    history.record(
        solve.requested_by, "solve",
        f"solve #{solve_id} ({solve.policy}): {housed} of "
        f"{housed + len(proposal.unmatched)} housed, "
        f"{proposal.status.value}" + (", stopped early" if stopped else ""),
        round_=solve.round)


def fail_stale(round_=None) -> int:
    """
    Marks as failed each solve left queued or running by a server that
    stopped (a restart, a crash, a kill), with a history line; of one
    round, or of all. Called at start-up (``workbench.wsgi``) and when a
    round's page or a solve's progress is opened. Returns how many.
    """
    stale = Solve.objects.filter(
        status__in=[SolveStatus.QUEUED, SolveStatus.RUNNING],
        requested_at__lt=STARTED_AT)
    if round_ is not None:
        stale = stale.filter(round=round_)
    failed = 0
    for solve in stale.select_related("round", "requested_by"):
        done = Solve.objects.filter(
            pk=solve.pk,
            status__in=[SolveStatus.QUEUED, SolveStatus.RUNNING]).update(
            status=SolveStatus.FAILED, finished_at=timezone.now(),
            message="the server stopped before the solve finished; "
                    "solve again")
        if done:
            failed += 1
            history.record(None, "solve",
                           f"solve #{solve.pk} failed: the server stopped "
                           f"while it was {solve.status}",
                           round_=solve.round)
    return failed


def _finish(solve_id: int, status: str, **fields) -> None:
    Solve.objects.filter(pk=solve_id).update(
        status=status, finished_at=timezone.now(), **fields)
