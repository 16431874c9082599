"""
The national command, this revision against another, interleaved.

Runs ``allocator solve NATIONAL --time-limit 30`` as a user does, in a
fresh process, alternately with this checkout and with another revision
(a ``git archive`` of it, put first on ``PYTHONPATH``), and prints each
run's wall time, the time outside the solve (wall less the solve stage)
and the stages from ``run.json``, then the medians and the ratio of the
two medians outside the solve. On a shared machine whose speed moves
from one minute to the next, only such pairs compare two revisions.

Usage::

    git archive 68dd511 | tar -x -C /tmp/base
    uv run allocator generate --preset national --seed 0 --out /tmp/nat0
    uv run python benchmarks/national_pairs.py /tmp/nat0 --base /tmp/base
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ("read", "compile", "explain", "check", "write")


def _run(instance: Path, out: Path, base: Path | None) -> dict[str, float]:
    env = dict(os.environ)
    if base is not None:
        env["PYTHONPATH"] = str(base)
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "allocator.cli", "solve", str(instance),
         "--time-limit", "30", "--out", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
        env=env, cwd=out.parent)
    wall = time.perf_counter() - started
    seconds = json.loads((out / "run.json").read_text())["seconds"]
    return {"wall": wall, "outside": wall - seconds["solve"],
            **{stage: seconds[stage] for stage in STAGES}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--base", type=Path, required=True,
                        help="the other revision's source tree")
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args(argv)
    runs: dict[str, list[dict]] = {"base": [], "this": []}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "out"
        for _ in range(args.pairs):
            for name, base in (("base", args.base), ("this", None)):
                run = _run(args.instance.resolve(), out, base)
                runs[name].append(run)
                print(name, {k: round(v, 2) for k, v in run.items()},
                      flush=True)
    medians = {name: {k: statistics.median(r[k] for r in rs)
                      for k in rs[0]} for name, rs in runs.items()}
    for name, median in medians.items():
        print("median", name, {k: round(v, 2) for k, v in median.items()})
    print("outside the solve, this / base: "
          f"{medians['this']['outside'] / medians['base']['outside']:.2f}")


if __name__ == "__main__":
    main()
