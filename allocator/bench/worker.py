"""
One benchmark run, in a fresh process.

The runner forks every run from a server process that has only imported
this module (and so the solver libraries), so no run inherits the caches,
allocations or warmed-up state of another. Run by hand as
``python -m allocator.bench.worker '{"preset": "town", ...}'``.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import traceback
from dataclasses import asdict

# Imported here, once, in the server that forks the runs: importing the
# solver libraries takes about a second and is no part of what is measured.
import highspy  # noqa: F401
import numpy as np  # noqa: F401
import pulp  # noqa: F401
from ortools.graph.python import min_cost_flow  # noqa: F401
from ortools.sat.python import cp_model  # noqa: F401

from ..compile import compile_instance
from ..engines import NotRepresentable
from ..generate import generate
from ..io import read_policy
from ..memory import proc_kib
from .measure import Measurement, engine_measurement
from .peers import NotApplicable, cpsat_alone, fcfs, limit, naive
from .suites import ENGINES

PEER_RUNS = {
    "limit": limit,
    "naive": naive,
    "cpsat-alone": cpsat_alone,
    "fcfs": fcfs,
}
"""The peers by name; engines run through ``engine_measurement``."""

FULL_PAIRS = frozenset({"naive"})
"""Methods that need every eligible pair materialised, as a user's model
would have them (the compiler may otherwise keep the best candidates)."""


def run_task(task: dict) -> dict:
    """
    Runs one task (the fields of ``suites.Task``) and returns its record.

    The instance is generated first and not timed. ``total_seconds`` runs
    from compiling to the end of the check: compile, solve, build the
    proposal and check it (``limit``: compile and solve; ``fcfs`` and
    ``naive``: compile, assign or build and solve, check).
    """
    record = dict(task)
    record["kind"] = "engine" if task["engine"] in ENGINES else "peer"
    record["baseline_memory_mb"] = _rss_mb()
    try:
        instance = generate(task["preset"], task["seed"],
                            scale=task["scale"])
        policy = read_policy(task["policy"])
        record["objective_mode"] = str(policy.objective.value)
        record["households"] = len(instance.households)
        record["dwellings"] = len(instance.dwellings)
        start = time.perf_counter()
        data = _compile(task["engine"], instance, policy)
        compiled = time.perf_counter()
        record["pairs"] = int(data.num_eligible.sum())
        record["candidate_pairs"] = int(data.num_pairs)
        record["network_representable"] = bool(data.network_representable)
        record["compile_seconds"] = compiled - start
        measurement = _measure(task, instance, policy, data)
        record["total_seconds"] = time.perf_counter() - start
        record.update(asdict(measurement))
    except (NotRepresentable, NotApplicable) as error:
        record["status"] = "not_applicable"
        record["error"] = str(error)
    except Exception as error:  # noqa: BLE001
        # Recorded, so that one failure does not stop a whole suite; the
        # suite then reports it as a failure.
        record["status"] = "error"
        record["error"] = f"{type(error).__name__}: {error}"
        record["traceback"] = traceback.format_exc(limit=8)
    record.update(_memory())
    return record


def _compile(method: str, instance, policy):
    if method in FULL_PAIRS:
        return compile_instance(
            instance, policy,
            candidates_per_household=max(1, len(instance.dwellings)),
        )
    return compile_instance(instance, policy)


def _measure(task, instance, policy, data) -> Measurement:
    method = task["engine"]
    if method in ENGINES:
        return engine_measurement(instance, policy, data, method,
                                  task["time_limit"], seed=0)
    return PEER_RUNS[method](instance, policy, data, task["time_limit"])


def _rss_mb() -> float | None:
    """Resident memory now, from /proc (Linux)."""
    rss_kib = proc_kib("/proc/self/status", "VmRSS")
    return None if rss_kib is None else rss_kib / 1024


def _memory() -> dict:
    """
    Peak resident memory of this process, and of the largest solver
    subprocess it waited for (CBC runs as its own program under PuLP).
    """
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_memory_mb": round(own, 1),
            "solver_process_memory_mb": round(child, 1)}


def child_main(task: dict, connection) -> None:
    """
    Entry point of a forked run: its own process group (so that a stop
    also ends a solver subprocess), one record sent back.
    """
    os.setpgrp()
    try:
        connection.send(run_task(task))
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    """Runs one task given as JSON and prints its record as JSON."""
    argv = sys.argv[1:] if argv is None else argv
    task = json.loads(argv[0])
    print(json.dumps(run_task(task), default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
