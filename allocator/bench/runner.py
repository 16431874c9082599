"""Runs tasks one at a time, each in a fresh process, with a watchdog."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict

from ..memory import proc_kib
from .suites import Task

POLL_SECONDS = 0.2
"""How often the watchdog looks at a running task."""

MEMORY_SHARE = 0.8
"""A run using more than this share of the machine's memory is stopped
before the kernel's out-of-memory killer picks some other process."""


def fresh_process_context():
    """
    A multiprocessing context that forks each run from a server process
    which has imported the worker and its libraries but run nothing.

    Every run is a new process (its own peak memory, no warmed caches),
    without paying a second of imports per run as a new interpreter would.
    """
    context = multiprocessing.get_context("forkserver")
    # "__main__" too, as multiprocessing does by default: otherwise every
    # run would import the main script again (scripts that start a suite
    # need the ``if __name__ == "__main__":`` guard).
    context.set_forkserver_preload(["__main__", "allocator.bench.worker"])
    return context


def run_tasks(
    tasks: Iterable[Task],
    on_record: Callable[[dict], None] | None = None,
) -> list[dict]:
    """
    Runs every task in its own process, one after the other.

    Runs never overlap: the machine has two cores and CP-SAT uses both.

    Parameters
    ----------
    on_record
        Called with each record as soon as its run ends (to write it and
        report progress).
    """
    context = fresh_process_context()
    records = []
    for task in tasks:
        record = run_one(context, task)
        records.append(record)
        if on_record is not None:
            on_record(record)
    return records


def run_one(context, task: Task) -> dict:
    """
    Runs one task in a fresh process and returns its record.

    A run that exceeds its wall limit, or the memory guard, is stopped with
    its whole process group; its record then says why, with the time it
    ran and the most memory the watchdog saw.
    """
    from .worker import child_main

    receiver, sender = context.Pipe(duplex=False)
    fields = {**asdict(task), "instance": task.instance}
    process = context.Process(target=child_main, args=(fields, sender),
                              daemon=True)
    started = time.perf_counter()
    process.start()
    sender.close()
    memory_limit = MEMORY_SHARE * _total_memory_mb()
    seen_mb = 0.0
    record = None
    stopped = ""
    while record is None:
        if receiver.poll(POLL_SECONDS):
            try:
                record = receiver.recv()
            except EOFError:
                stopped = "the run ended without a record"
            break
        seen_mb = max(seen_mb, _group_rss_mb(process.pid))
        elapsed = time.perf_counter() - started
        if elapsed > task.wall_limit:
            stopped = f"stopped at its wall limit of {task.wall_limit:g} s"
        elif seen_mb > memory_limit:
            stopped = (f"stopped at {seen_mb:,.0f} MB, over the memory guard "
                       f"of {memory_limit:,.0f} MB")
        elif not process.is_alive() and not receiver.poll(0):
            stopped = f"the run died (exit code {process.exitcode})"
        if stopped:
            break
    ended = time.perf_counter()
    _stop_group(process)
    receiver.close()
    if record is not None:
        # Fork, instance generation and the run: what the harness costs.
        record["process_seconds"] = ended - started
        record["sampled_tree_memory_mb"] = round(seen_mb, 1)
        return record
    return {
        **fields,
        "kind": None,
        "status": "killed",
        "error": stopped,
        "timed_out": "wall limit" in stopped,
        "total_seconds": ended - started,
        "process_seconds": ended - started,
        "peak_memory_mb": round(seen_mb, 1),
        "sampled_tree_memory_mb": round(seen_mb, 1),
    }


def _stop_group(process) -> None:
    """Ends the run and any solver subprocess it started."""
    process.join(timeout=5)
    if process.is_alive():
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            process.kill()
        process.join(timeout=5)


def _total_memory_mb() -> float:
    total_kib = proc_kib("/proc/meminfo", "MemTotal")
    return float("inf") if total_kib is None else total_kib / 1024


def _group_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, from /proc."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        total += (proc_kib(f"/proc/{current}/status", "VmRSS") or 0) / 1024
        try:
            with open(f"/proc/{current}/task/{current}/children") as kids:
                pending.extend(int(k) for k in kids.read().split())
        except (OSError, ValueError):
            continue
    return total
