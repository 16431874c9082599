"""How long people wait for a command: wall time of short CLI commands.

Each command runs in a fresh process as a user runs it, ``--repeats``
times, interleaved so that load on a shared machine falls on all of them
alike. The table gives each command's median wall time and its ratio to
``python -c pass`` measured in the same run (the interpreter's own
start), so figures from different machines and days compare.

Targets (issue "Speed where people wait"): ``allocator --help`` at most
0.3 s, a city ``allocator solve`` at most 0.8 s wall.

Usage::

    uv run python benchmarks/startup.py               # about a minute
    uv run python benchmarks/startup.py --repeats 3
"""

from __future__ import annotations

import argparse
import os
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


def commands(work: Path) -> dict[str, list[str]]:
    """The commands to time, by label; inputs are generated into ``work``."""
    cli = _allocator()
    city = work / "city"
    subprocess.run(cli + ["generate", "--preset", "city", "--seed", "7",
                          "--out", str(city)], check=True,
                   capture_output=True)
    town = ROOT / "instances" / "samples" / "town"
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "allocator --help": cli + ["--help"],
        "allocator validate town": cli + ["validate", str(town)],
        "allocator solve city": cli + ["solve", str(city), "--out",
                                       str(work / "proposal")],
    }


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="startup-"))
    try:
        todo = commands(work)
        times: dict[str, list[float]] = {label: [] for label in todo}
        for _ in range(args.repeats):
            for label, command in todo.items():
                times[label].append(wall(command))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = statistics.median(times["python -c pass"])
    print(f"median of {args.repeats} runs; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| command | median wall s | range s | / python -c pass |")
    print("| --- | ---: | ---: | ---: |")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"| {label} | {median:.3f} | {min(values):.3f}-"
              f"{max(values):.3f} | {median / base:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
