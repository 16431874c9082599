"""How long people wait for a command: wall time of short CLI commands.

Each command runs in a fresh process as a user runs it, ``--repeats``
times, interleaved so that load on a shared machine falls on all of them
alike. The table gives each command's median wall time and its ratio to
``python -c pass`` measured in the same run (the interpreter's own
start), so figures from different machines and days compare. Beside
the wall time it gives the CPU seconds the command used (its own and
its children's, user and system): on a machine shared with other work
the wall time grows with the load, the CPU time far less, so a change
of a few milliseconds shows there first.

For ``solve`` commands a second table splits the wall time into the
command's in-process time (``run.json``'s ``total``: reading to writing)
and the rest (interpreter start, imports before the clock starts, exit),
and gives the median seconds of each stage from ``run.json`` and the
peak resident memory (``/usr/bin/time -v``, when present).

Each ``solve`` writes into a folder of its own, emptied before every
run, so that every repeat does the same work (a solve into a folder
that holds earlier proposals also carries their history over).

``--against DIR`` times a second revision in the same run, interleaved
command by command: ``DIR`` is a source tree of it (``git archive REV |
tar -x -C DIR``), run through ``PYTHONPATH`` with this environment. The
tables then give both medians and their ratio, the only comparison a
loaded machine allows. ``--against-clone DIR`` does the same with a git
clone of the other revision whose environment its own ``make`` built
(``DIR/.venv``): each of its commands runs as a newcomer at that
revision runs it, with that environment's interpreter and bytecode as
its Makefile left them, on a city its own generator wrote (same preset
and seed). The issue's figures were taken so, on a fresh clone at
38d65cc, whose ``make`` compiled no bytecode. ``--json FILE`` writes the
figures with the revision measured, for the record kept per revision.

Targets (issue "Speed where people wait"): ``allocator --help`` at most
0.3 s, a city ``allocator solve`` at most 0.8 s wall; national
(``--national``: 20,000 households, 30,000 dwellings, ``--time-limit
30``) everything outside the solve at most 6 s, the whole command at
most 35 s and 2.5 GiB.

Usage::

    uv run python benchmarks/startup.py               # about a minute
    uv run python benchmarks/startup.py --repeats 3
    uv run python benchmarks/startup.py --repeats 3 --national  # +2 min a run
    git archive 2f05ae8 | tar -x -C /tmp/base
    uv run python benchmarks/startup.py --repeats 5 --against /tmp/base \\
        --json /tmp/startup.json
    git clone -q . /tmp/at38 && git -C /tmp/at38 checkout -q 38d65cc
    make -C /tmp/at38 .venv/.synced
    uv run python benchmarks/startup.py --repeats 5 --against-clone /tmp/at38
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _allocator() -> list[str]:
    script = Path(sys.executable).with_name("allocator")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "allocator.cli"]


SOLVE_LIBRARIES = ("numpy", "pydantic", "networkx", "typer", "rich.console",
                   "xlsxwriter", "babel.dates",
                   "ortools.graph.python.min_cost_flow")
"""The libraries a city ``solve`` loads: their import alone, timed as a
command of its own, is the floor under the command's wall time (0.43 s
of 0.69 s; 0.2 of a fresh clone at 38d65cc's city solve, where the
issue's 0.8 s target is 0.44)."""

NATIONAL_LIMIT = 30
"""``--time-limit`` of the national solve (the issue's figure)."""

TIME_V = Path("/usr/bin/time")


def commands(work: Path, national: bool = False, cli: list[str] | None = None,
             tag: str = "", root: Path = ROOT) -> dict[str, list[str]]:
    """The commands to time, by label; inputs are generated into ``work``
    by ``cli`` (this environment's ``allocator`` by default), into
    folders whose names end with ``tag``; the town sample is the one in
    ``root``."""
    cli = cli or _allocator()
    city = work / f"city{tag}"
    subprocess.run(cli + ["generate", "--preset", "city", "--seed", "7",
                          "--out", str(city)], check=True,
                   capture_output=True)
    town = root / "instances" / "samples" / "town"
    todo = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "the solve's libraries, imported": [
            sys.executable, "-c", "import " + ", ".join(SOLVE_LIBRARIES)],
        "allocator --help": cli + ["--help"],
        "allocator validate town": cli + ["validate", str(town)],
        "allocator solve city": cli + ["solve", str(city), "--out",
                                       str(work / f"proposal{tag}")],
    }
    if national:
        folder = work / f"national{tag}"
        subprocess.run(cli + ["generate", "--preset", "national", "--out",
                              str(folder)], check=True, capture_output=True)
        todo["allocator solve national"] = cli + [
            "solve", str(folder), "--out", str(work / f"national-out{tag}"),
            "--time-limit", str(NATIONAL_LIMIT)]
    return todo


def run(command: list[str], env: dict[str, str] | None = None,
        ) -> tuple[float, dict[str, float], float | None, float]:
    """Wall seconds, the stage seconds of ``run.json`` (a ``solve``'s;
    else empty), the peak resident MiB (``None`` without
    ``/usr/bin/time``) and the CPU seconds of the command and its
    children; ``env`` replaces the environment."""
    out = (Path(command[command.index("--out") + 1])
           if "--out" in command else None)
    if out is not None:
        shutil.rmtree(out, ignore_errors=True)
    report = None
    if TIME_V.exists():
        handle, report = tempfile.mkstemp(suffix=".txt")
        os.close(handle)
        command = [str(TIME_V), "-v", "-o", report, *command]
    before = _children_cpu()
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - before
    stages: dict[str, float] = {}
    if out is not None and (out / "run.json").exists():
        stages = json.loads((out / "run.json").read_text())["seconds"]
    peak = None
    if report is not None:
        text = Path(report).read_text()
        os.unlink(report)
        found = re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                          text)
        peak = int(found.group(1)) / 1024 if found else None
    return seconds, stages, peak, cpu


def _children_cpu() -> float:
    """User and system seconds of the children waited for so far (with
    theirs: ``/usr/bin/time``'s command, a solve's git)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


AGAINST = " [against]"
"""What the label of a command run by the ``--against`` revision ends
with."""


def revision(tree: Path) -> str:
    """The git revision of a source tree (``-`` where it is not a git
    work tree, as a ``git archive`` is not)."""
    found = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short",
                            "HEAD"], capture_output=True, text=True)
    return found.stdout.strip() if found.returncode == 0 else "-"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--national", action="store_true",
                        help="also solve national with --time-limit 30")
    parser.add_argument("--against", type=Path, metavar="DIR",
                        help="also time the source tree DIR of another "
                             "revision, interleaved")
    parser.add_argument("--against-clone", type=Path, metavar="DIR",
                        help="also time the git clone DIR of another "
                             "revision in the environment its make built "
                             "(DIR/.venv), interleaved")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="write the figures here")
    args = parser.parse_args(argv)
    if args.against and args.against_clone:
        parser.error("give --against or --against-clone, not both")
    clone = args.against_clone.resolve() if args.against_clone else None
    if clone is not None and not (clone / ".venv" / "bin" / "allocator"
                                  ).exists():
        parser.error(f"{clone}/.venv/bin/allocator is missing: run "
                     f"make -C {clone} .venv/.synced first")
    trees = [ROOT] + ([args.against.resolve()] if args.against else [])
    # The project's own modules compiled once, as an installed package's
    # are: where PYTHONDONTWRITEBYTECODE is set, every command would
    # otherwise compile them again (0.2 to 0.35 s of a city solve).
    for tree in trees:
        subprocess.run([sys.executable, "-m", "compileall", "-q",
                        *(str(tree / p) for p in ("allocator", "models"))],
                       check=True)
    work = Path(tempfile.mkdtemp(prefix="startup-"))
    try:
        todo = timed_commands(work, args.national, args.against, clone)
        times: dict[str, list[float]] = {label: [] for label in todo}
        cpus: dict[str, list[float]] = {label: [] for label in todo}
        stages: dict[str, list[dict]] = {label: [] for label in todo}
        peaks: dict[str, list[float]] = {label: [] for label in todo}
        for _ in range(args.repeats):
            for label, (command, env) in todo.items():
                seconds, stage, peak, cpu = run(command, env)
                times[label].append(seconds)
                cpus[label].append(cpu)
                if stage:
                    stages[label].append(stage)
                if peak is not None:
                    peaks[label].append(peak)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    other = args.against or clone
    print(f"median of {args.repeats} runs at {revision(ROOT)}"
          + (f" against {other} ({revision(other)})" if other else "")
          + f"; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores\n")
    print_walls(times, cpus)
    print_stages(times, stages, peaks)
    if args.json:
        args.json.write_text(json.dumps(
            figures(times, stages, peaks, args, cpus), indent=2) + "\n")
    return 0


def timed_commands(work: Path, national: bool, against: Path | None,
                   clone: Path | None = None,
                   ) -> dict[str, tuple[list[str], dict | None]]:
    """The commands by label with the environment each runs in; with
    ``against`` (a source tree) or ``clone`` (a clone with its own
    environment), each ``allocator`` command a second time, right after
    the first, by that revision (label ending with ``AGAINST``) and into
    an output folder of its own."""
    todo: dict[str, tuple[list[str], dict | None]] = {}
    theirs = (commands(work, national,
                       [str(clone / ".venv" / "bin" / "allocator")],
                       "-against", clone)
              if clone is not None else {})
    for label, command in commands(work, national).items():
        todo[label] = (command, None)
        if label in theirs and label.startswith("allocator"):
            todo[label + AGAINST] = (theirs[label], None)
        if against is None or not label.startswith("allocator"):
            continue
        other = [f"{arg}-against" if previous == "--out" else arg
                 for previous, arg in zip([None, *command], command)]
        env = {**os.environ, "PYTHONPATH": str(against.resolve())}
        todo[label + AGAINST] = (other, env)
    return todo


def print_walls(times, cpus) -> None:
    """The wall-time table: median, range, ratio to ``python -c pass``,
    median CPU seconds and, with ``--against``, the ratios of wall and
    CPU time to the other revision."""
    base = statistics.median(times["python -c pass"])
    against = any(label.endswith(AGAINST) for label in times)
    print("| command | median wall s | range s | / python -c pass | "
          "median CPU s |"
          + (" wall / against | CPU / against |" if against else ""))
    print("| --- | ---: | ---: | ---: | ---: |"
          + (" ---: | ---: |" if against else ""))
    for label, values in times.items():
        median = statistics.median(values)
        cpu = statistics.median(cpus[label])
        row = (f"| {label} | {median:.3f} | {min(values):.3f}-"
               f"{max(values):.3f} | {median / base:.1f} | {cpu:.3f} |")
        if against:
            other = times.get(label + AGAINST)
            row += (f" {median / statistics.median(other):.2f} | "
                    f"{cpu / statistics.median(cpus[label + AGAINST]):.2f} |"
                    if other else " | |")
        print(row)


def figures(times, stages, peaks, args, cpus) -> dict:
    """The figures of a run for ``--json``: per command the median wall
    seconds, its ratio to ``python -c pass``, the median CPU seconds,
    and for a ``solve`` the in-process seconds, the start-up and exit,
    each stage and the peak memory."""
    base = statistics.median(times["python -c pass"])
    out = {"revision": revision(ROOT),
           "against": str(args.against or args.against_clone or "") or None,
           "against_as_cloned": args.against_clone is not None,
           "repeats": args.repeats, "load": os.getloadavg()[0],
           "cores": os.cpu_count(), "commands": {}}
    for label, values in times.items():
        wall = statistics.median(values)
        entry = {"wall": wall, "per_python": wall / base,
                 "cpu": statistics.median(cpus[label])}
        if stages[label]:
            inside = statistics.median(s["total"] for s in stages[label])
            entry.update(
                in_process=inside, startup_and_exit=wall - inside,
                stages={k: statistics.median(s.get(k, 0.0)
                                             for s in stages[label])
                        for k in STAGES})
        if peaks[label]:
            entry["peak_mib"] = statistics.median(peaks[label])
        out["commands"][label] = entry
    return out


STAGES = ("read", "compile", "solve", "explain", "check", "write")


def print_stages(times, stages, peaks) -> None:
    """Wall time split into in-process time and start-up and exit, with
    each stage's median seconds and the peak memory, for each ``solve``."""
    solved = [label for label in times if stages[label]]
    if not solved:
        return
    print("\n| command | wall s | in-process s (run.json total) | "
          "start-up and exit s | "
          + " | ".join(f"{s} s" for s in STAGES)
          + " | outside the solve s | peak MiB |")
    print("| --- | ---: | ---: | ---: | "
          + " | ".join("---:" for _ in STAGES) + " | ---: | ---: |")
    for label in solved:
        wall_s = statistics.median(times[label])
        inside = statistics.median(s["total"] for s in stages[label])
        cells = [statistics.median(s.get(k, 0.0) for s in stages[label])
                 for k in STAGES]
        outside = statistics.median(
            w - s.get("solve", 0.0)
            for w, s in zip(times[label], stages[label]))
        peak = (f"{statistics.median(peaks[label]):,.0f}"
                if peaks[label] else "-")
        print(f"| {label} | {wall_s:.3f} | {inside:.3f} | "
              f"{wall_s - inside:.3f} | "
              + " | ".join(f"{c:.3f}" for c in cells)
              + f" | {outside:.3f} | {peak} |")


if __name__ == "__main__":
    sys.exit(main())
