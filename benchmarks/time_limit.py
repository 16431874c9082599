"""Is ``--time-limit`` honoured? Wall time of ``allocator solve`` runs.

Runs ``allocator solve`` as a user does, in a fresh process, for several
engines and time limits on the city preset under the shared-housing
policy (too hard to prove within the limits, so every run uses all its
time), and reports the median over repeats in a Markdown table:

- ``wall``: the process, start to exit;
- ``before``: what the limit does not cover before the solve: start-up,
  imports, reading and compiling (``wall`` less the stages below);
- ``limited``: what the limit covers: the solve (engine build, warm start,
  search) and the marginal-value re-solves in ``explain``;
- ``after``: the independent check and writing the files;
- ``overshoot``: ``wall - limit - before``, i.e. how long the run went on
  after the limit, check and writing included;
- ``solve over``: ``limited - limit``, the overshoot of the limited stages
  alone;
- ``cpu``: CPU seconds the process used, and ``load``: the one-minute load
  average after the run. On a shared machine a load above the number of
  cores stretches every stage, the solvers' own stopping included.

The stages come from the ``run.json`` the command writes beside the
proposal. The run fails (exit status 1) when a median ``overshoot``
exceeds the margin, ``--margin-seconds`` plus ``--margin-share`` of the
limit (default 1 s + 10 %).

With ``--national`` it runs the national preset instead (seed 0, the
default policy, ``auto``, 30 s unless ``--limits`` says otherwise), the
command issue 19 times end to end, and adds what its targets ask for:
``outside``, everything but the solve (``wall`` less ``solve``: start-up,
reading, compiling, explaining, checking, writing and exit), the peak
memory (``peak``: of the largest process, by ``wait4``; ``tree peak``:
of the command and its forked children together, sampled in one run
more, apart from the timed ones: see ``_TreeMemory``), and the gap of
the priority stage.

Usage::

    uv run python benchmarks/time_limit.py                  # about 5 min
    uv run python benchmarks/time_limit.py --limits 2 --repeats 1
    uv run python benchmarks/time_limit.py --national --repeats 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASES = (
    ("city", 7, "shared-housing", "cpsat"),
    ("city", 7, "shared-housing", "mip"),
    ("city", 7, "shared-housing", "auto"),
)
"""(preset, seed, policy, engine) of each configuration."""

NATIONAL = (("national", 0, "default", "auto"),)
"""The configuration of ``--national``."""


def _allocator(*args: str) -> list[str]:
    return [sys.executable, "-m", "allocator.cli", *args]


def _run(instance: Path, policy: str, engine: str, limit: float,
         out: Path, tree: bool = False) -> dict:
    """One run of the command; with ``tree``, its tree's memory sampled
    (``_TreeMemory``), else ``tree_mib`` is ``None``."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stderr:
        child = subprocess.Popen(
            _allocator("solve", str(instance), "--policy", policy,
                       "--engine", engine, "--time-limit", f"{limit:g}",
                       "--out", str(out)),
            stdout=subprocess.DEVNULL, stderr=stderr, text=True, cwd=ROOT,
        )
        sampler = _TreeMemory(child.pid) if tree else None
        # wait4 gives the CPU of this child and the children it waited
        # for, and the largest peak of any one of them.
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if sampler is not None:
            sampler.stop()
        stderr.seek(0)
        done = subprocess.CompletedProcess(
            child.args, os.waitstatus_to_exitcode(status), "", stderr.read())
    cpu = usage.ru_utime + usage.ru_stime
    peak_mib = usage.ru_maxrss / 1024
    if done.returncode != 0:
        raise RuntimeError(
            f"allocator solve failed ({done.returncode}):\n{done.stderr}"
        )
    run = json.loads((out / "run.json").read_text())
    proposal = json.loads((out / "proposal.json").read_text())
    seconds = run["seconds"]
    limited = seconds["solve"] + seconds["explain"]
    after = seconds["check"] + seconds["write"]
    before = wall - limited - after
    objective = proposal["objective"] or {}
    return {
        "wall": wall,
        "outside": wall - seconds["solve"],
        "peak_mib": peak_mib,
        "tree_mib": (max(sampler.peak_mib, peak_mib) if sampler is not None
                     else None),
        "priority_gap": _priority_gap(objective),
        "before": before,
        "limited": limited,
        "after": after,
        "overshoot": wall - limit - before,
        "solve_over": limited - limit,
        "cpu": cpu,
        "load": os.getloadavg()[0],
        "status": proposal["status"],
        "gap": (proposal["objective"] or {}).get("gap"),
    }


class _TreeMemory:
    """
    The peak of the memory a command and its forked children hold
    together, sampled ten times a second while it has children: the
    command's resident set (``/proc/PID/statm``) and each child's
    private pages (``Private_Clean`` and ``Private_Dirty`` in
    ``/proc/PID/smaps_rollup``), so that a page a child still shares
    with the command counts once. ``wait4``'s peak is that of the
    largest process alone.

    The command's own pages are read from its counters, not its page
    tables: walking those takes its memory lock, and walking a 2 GB
    process's ten times a second slowed its explaining and writing.
    """

    def __init__(self, pid: int) -> None:
        self.peak_mib = 0.0
        self._pid = pid
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stopped.wait(0.1):
            children = _tree(self._pid)[1:]
            if children:
                total = _rss_kib(self._pid) + sum(map(_private_kib,
                                                      children))
                self.peak_mib = max(self.peak_mib, total / 1024)


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants now (Linux ``/proc``)."""
    found, pending = [], [pid]
    while pending:
        pid = pending.pop()
        found.append(pid)
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    pending.extend(int(c) for c in children.read().split())
            except OSError:
                pass
    return found


def _rss_kib(pid: int) -> int:
    """A process's resident set in KiB, 0 once it has ended."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf(
                "SC_PAGE_SIZE") // 1024
    except OSError:
        return 0


def _private_kib(pid: int) -> int:
    """The pages a process holds alone, in KiB, 0 once it has ended."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return sum(int(line.split()[1]) for line in rollup
                       if line.startswith(("Private_Clean:",
                                           "Private_Dirty:")))
    except OSError:
        return 0


def _priority_gap(objective: dict) -> float | None:
    """The priority stage's gap: its bound over its value, less one."""
    primary, bound = objective.get("primary"), objective.get(
        "primary_bound")
    if primary is None or bound is None or not primary:
        return objective.get("gap")
    return max(0.0, (bound - primary) / abs(primary))


def _table_row(case, limit: float, margin: float, runs: list[dict],
               ok: bool, trees: list[dict]) -> str:
    """One configuration's medians as a row of the Markdown table (the
    tree's peak from ``trees``, the runs that sampled it)."""
    preset, seed, policy, engine = case
    statuses = sorted({r["status"] for r in runs})
    gaps = [r["gap"] for r in runs if r["gap"] is not None]
    priority_gaps = [r["priority_gap"] for r in runs
                     if r["priority_gap"] is not None]
    return (
        f"| {preset} (seed {seed}) | {policy} | {engine} | "
        f"{limit:g} | {_median(runs, 'wall'):.2f} | "
        f"{_median(runs, 'before'):.2f} | "
        f"{_median(runs, 'limited'):.2f} | "
        f"{_median(runs, 'after'):.2f} | "
        f"{_median(runs, 'overshoot'):.2f} | "
        f"{_median(runs, 'solve_over'):.2f} | {margin:.2f} | "
        f"{_median(runs, 'outside'):.2f} | "
        f"{_median(runs, 'peak_mib'):,.0f} | "
        + (f"{_median(trees, 'tree_mib'):,.0f}" if trees else "-")
        + " | "
        f"{_median(runs, 'cpu'):.1f} | "
        f"{_median(runs, 'load'):.1f} | "
        f"{', '.join(statuses)} | "
        + (f"{statistics.median(gaps):.2%}" if gaps else "-")
        + " | " + (f"{statistics.median(priority_gaps):.2%}"
                   if priority_gaps else "-")
        + f" | {'yes' if ok else '**no**'} |"
    )


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limits", type=float, nargs="+", default=None,
                        help="Seconds (default 2 5 10; 30 with "
                        "--national).")
    parser.add_argument("--national", action="store_true",
                        help="The national preset's command instead.")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--engines", nargs="+", default=None,
                        help="Only these engines of CASES.")
    parser.add_argument("--margin-seconds", type=float, default=1.0)
    parser.add_argument("--margin-share", type=float, default=0.10)
    parser.add_argument("--out", type=Path, default=None,
                        help="Also write the table to this Markdown file.")
    args = parser.parse_args(argv)
    if args.limits is None:
        args.limits = [30.0] if args.national else [2.0, 5.0, 10.0]

    cases = [c for c in (NATIONAL if args.national else CASES)
             if args.engines is None or c[3] in args.engines]
    lines = [
        f"`benchmarks/time_limit.py --limits "
        f"{' '.join(f'{x:g}' for x in args.limits)} --repeats "
        f"{args.repeats}`: median of {args.repeats}; margin "
        f"{args.margin_seconds:g} s + {args.margin_share:.0%} of the limit. "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average at start "
        f"{os.getloadavg()[0]:.2f}.",
        "",
        "| instance | policy | engine | limit s | wall s | before s | "
        "limited s | after s | overshoot s | solve over s | margin s | "
        "outside the solve s | peak MiB | tree peak MiB | cpu s | load | "
        "status | gap | priority gap | ok |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: "
        "| --- |",
    ]
    failed = False
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        instances = {}
        for preset, seed, _, _ in cases:
            if (preset, seed) in instances:
                continue
            folder = scratch / f"{preset}-{seed}"
            subprocess.run(
                _allocator("generate", "--preset", preset, "--seed",
                           str(seed), "--out", str(folder)),
                check=True, capture_output=True, cwd=ROOT,
            )
            instances[preset, seed] = folder
        for preset, seed, policy, engine in cases:
            for limit in args.limits:
                runs = [
                    _run(instances[preset, seed], policy, engine, limit,
                         scratch / "out")
                    for _ in range(args.repeats)
                ]
                # The tree's memory in a run of its own: reading a
                # forked child's private pages walks its page tables
                # under its memory lock, which slowed the writing child
                # by half a second in the runs it sampled.
                trees = [_run(instances[preset, seed], policy, engine,
                              limit, scratch / "out", tree=True)
                         ] if args.national else []
                margin = args.margin_seconds + args.margin_share * limit
                ok = _median(runs, "overshoot") <= margin
                failed |= not ok
                lines.append(_table_row((preset, seed, policy, engine),
                                        limit, margin, runs, ok, trees))
                print(lines[-1], file=sys.stderr, flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out is not None:
        args.out.write_text(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
