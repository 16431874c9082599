"""Peak memory of compiling and solving, against the estimate that
refuses an instance before the work (``allocator/memory.py``).

Each size runs in a fresh process, as a user runs it: the instance is
generated and written as a CSV folder, read back, and either compiled
(``compile``) or solved with ``allocator solve --time-limit`` and its
proposal written (``solve``). The process reports its peak resident
memory (``resource.getrusage``, ``ru_maxrss``) and the estimate the
compiler checked, with the sizes it was made from.

Usage::

    uv run python benchmarks/memory.py                      # a few minutes
    uv run python benchmarks/memory.py --size town:30 --size town:300
    uv run python benchmarks/memory.py --markdown >> benchmarks/MEMORY.md
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = ("town:10", "town:30", "town:100", "town:300")


def child(stage: str, folder: str, time_limit: float) -> None:
    """One measurement, in this (fresh) process; prints one JSON line."""
    from allocator import memory

    seen = {}
    check = memory.check

    def recording(estimate):
        seen["estimate"] = estimate
        check(estimate)

    memory.check = recording  # the compiler calls memory.check
    if stage == "compile":
        from allocator.compile import compile_instance
        from allocator.io import read_instance
        from models import Policy

        compile_instance(read_instance(folder), Policy())
    else:
        from allocator.cli import main

        with tempfile.TemporaryDirectory() as out:
            code = main(["solve", folder, "--out", out, "--time-limit",
                         str(time_limit)])
            if code not in (0, 7):
                raise SystemExit(f"solve exited {code}")
    e = seen["estimate"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({
        "households": e.households, "dwellings": e.dwellings,
        "classes": e.classes, "cells": e.cells, "pairs": e.pairs,
        "estimate": e.bytes, "peak": peak,
    }))


def measure(size: str, stage: str, work: Path, time_limit: float) -> dict:
    """Generate ``preset:scale`` (once) and measure one stage of it."""
    preset, scale = size.split(":")
    folder = work / f"{preset}-{scale}"
    if not folder.exists():
        subprocess.run(
            [sys.executable, "-m", "allocator.cli", "generate", "--preset",
             preset, "--scale", scale, "--seed", "3", "--out", str(folder)],
            check=True, stdout=subprocess.DEVNULL)
    done = subprocess.run(
        [sys.executable, __file__, "--child", stage, str(folder),
         "--time-limit", str(time_limit)],
        check=True, capture_output=True, text=True,
        env={**os.environ, "ALLOCATOR_MEMORY_LIMIT": "1T"})
    record = json.loads(done.stdout.strip().splitlines()[-1])
    return {"size": size, "stage": stage, **record}


def markdown(records: list[dict]) -> str:
    lines = [
        "| instance | stage | households | dwellings | classes | "
        "class cells | pairs | peak RSS MiB | estimate MiB | estimate / "
        "peak |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
        "---: |",
    ]
    for r in records:
        lines.append(
            f"| {r['size']} | {r['stage']} | {r['households']:,} | "
            f"{r['dwellings']:,} | {r['classes']:,} | {r['cells']:,} | "
            f"{r['pairs']:,} | {r['peak'] / 2**20:,.0f} | "
            f"{r['estimate'] / 2**20:,.0f} | "
            f"{r['estimate'] / r['peak']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", action="append",
                        help="preset:scale (repeat); default " +
                        " ".join(SIZES))
    parser.add_argument("--stage", action="append",
                        choices=("compile", "solve"))
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("STAGE", "FOLDER"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, args.time_limit)
        return
    records = []
    with tempfile.TemporaryDirectory() as work:
        for size in args.size or SIZES:
            for stage in args.stage or ("compile", "solve"):
                record = measure(size, stage, Path(work), args.time_limit)
                records.append(record)
                print(json.dumps(record), file=sys.stderr, flush=True)
    print(markdown(records) if args.markdown else
          "\n".join(json.dumps(r) for r in records))


if __name__ == "__main__":
    main()
