"""
Times ``read_instance`` on instances, in a fresh process per run, for
this checkout and optionally a base revision (a ``git archive`` of it,
run through ``PYTHONPATH``), interleaved so that load on a shared
machine falls on both alike; prints the median wall and CPU seconds of
each and their ratio.

Target (issue "speed"): a national instance (20,000 households, 30,000
dwellings) read in at most 1 s.

Usage::

    git archive 2f05ae8 | tar -x -C /tmp/base
    uv run python benchmarks/read_compare.py NAT CITY TOWN --base /tmp/base
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

_ONE_READ = """
import json, sys, time
import allocator
from allocator.io import read_instance
wall, cpu = time.perf_counter(), time.process_time()
read_instance(sys.argv[1])
print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu,
                  allocator.__file__]))
"""


def read_once(instance: Path, pythonpath: str | None) -> tuple[float, float]:
    """
    Wall and CPU seconds of one ``read_instance`` in a new process, which
    imports the allocator from ``pythonpath`` when given (``-P``: not
    from the working directory), else as installed.
    """
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    else:
        env.pop("PYTHONPATH", None)
    out = subprocess.run(
        [sys.executable, "-P", "-c", _ONE_READ, str(instance)], env=env,
        check=True, capture_output=True, text=True,
    ).stdout
    wall, cpu, source = json.loads(out.strip().splitlines()[-1])
    if pythonpath and not source.startswith(pythonpath):
        raise RuntimeError(f"{source} read instead of {pythonpath}")
    return wall, cpu


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("instances", type=Path, nargs="+")
    parser.add_argument("--base", help="a base revision's source folder")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    sides = {"this": None}
    if args.base:
        sides = {"base": args.base, "this": None}
    for instance in args.instances:
        times: dict[str, list[tuple[float, float]]] = {s: [] for s in sides}
        for _ in range(args.repeats):
            for side, path in sides.items():
                times[side].append(read_once(instance, path))
        medians = {
            side: (statistics.median(w for w, _c in runs),
                   statistics.median(c for _w, c in runs))
            for side, runs in times.items()
        }
        line = "  ".join(
            f"{side} wall {wall:.3f} s cpu {cpu:.3f} s"
            for side, (wall, cpu) in medians.items()
        )
        if args.base:
            (bw, bc), (tw, tc) = medians["base"], medians["this"]
            line += f"  ratio wall {bw / tw:.2f}x cpu {bc / tc:.2f}x"
        print(f"{instance}: {line}", flush=True)


if __name__ == "__main__":
    main()
