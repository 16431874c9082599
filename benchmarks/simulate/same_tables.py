"""
Where along main's history the policy lab's results changed.

A speed change must leave the lab's tables as they were. This runs the
same sweep (one seed, the ``make simulate-city`` policies, weekly rounds
for 12 months) on one instance at revisions of main's first-parent
history, each a ``git archive`` put first on ``PYTHONPATH`` with this
environment, and fingerprints the result tables: the hindsight optima,
the world, the quotas, dispersion and tenure (``indicators.csv`` and
``rule_prices.csv`` are left out: rows and rule names were added and
renamed over time). It evaluates a grid of revisions, then bisects every
interval whose ends differ, and prints each revision where the
fingerprint changed with its commit subject. A change and its undoing
within one grid step go unseen.

The instance should be one every revision reads: the oldest revision's
generator's (newer formats add columns older readers refuse).

Usage::

    git archive 38d65cc | tar -x -C /tmp/at38
    PYTHONPATH=/tmp/at38 uv run python -m allocator.cli generate \\
        --preset city --seed 0 --out /tmp/city38
    uv run python benchmarks/simulate/same_tables.py /tmp/city38 \\
        --since 38d65cc                      # about 10 minutes
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FILES = ("hindsight.csv", "world.csv", "quota.csv", "dispersion.csv",
         "tenure.csv")
"""The result tables compared."""


def first_parent(since: str) -> list[str]:
    """``since`` and every first-parent commit after it up to HEAD."""
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-list", "--first-parent", "--reverse",
         f"{since}^..HEAD"], capture_output=True, text=True, check=True)
    return out.stdout.split()


class Fingerprints:
    """The fingerprint of the sweep's tables at each revision, worked out
    once (in a scratch folder) and printed as it is."""

    def __init__(self, instance: Path, commits: list[str], work: Path):
        self.instance, self.commits, self.work = instance, commits, work
        self.known: dict[int, str] = {}

    def __call__(self, i: int) -> str:
        if i not in self.known:
            self.known[i] = self._run(self.commits[i])
            print(f"{i:4d} {self.commits[i][:9]} {self.known[i]}",
                  flush=True)
        return self.known[i]

    def _run(self, rev: str) -> str:
        tree, out = self.work / rev, self.work / f"{rev}-out"
        tree.mkdir()
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev],
                                 capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout,
                       check=True)
        subprocess.run([sys.executable, "-m", "compileall", "-q",
                        str(tree / "allocator"), str(tree / "models")])
        done = subprocess.run(
            [sys.executable, "-m", "allocator.cli", "simulate",
             str(self.instance), "--months", "12", "--round", "weekly",
             "--policy", "default", "--policy", "strict-dispersion",
             "--seeds", "1", "--out", str(out)],
            env={**os.environ, "PYTHONPATH": str(tree)}, cwd=self.work,
            capture_output=True, text=True)
        shutil.rmtree(tree)
        if done.returncode != 0:
            return "failed: " + (done.stderr.strip().splitlines() or [""])[-1]
        digest = hashlib.sha256()
        for name in FILES:
            table = out / "tables" / name
            digest.update(table.read_bytes() if table.exists() else b"-")
        shutil.rmtree(out)
        return digest.hexdigest()[:12]


def changes(fingerprint: Fingerprints, lo: int, hi: int) -> list[int]:
    """The revisions in ``(lo, hi]`` whose fingerprint differs from the
    one before, bisecting where the ends differ."""
    if fingerprint(lo) == fingerprint(hi):
        return []
    if hi - lo == 1:
        return [hi]
    mid = (lo + hi) // 2
    return changes(fingerprint, lo, mid) + changes(fingerprint, mid, hi)


def subject(rev: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), "log", "-1",
                           "--format=%s", rev], capture_output=True,
                          text=True, check=True).stdout.strip()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--since", required=True, metavar="REV",
                        help="the oldest revision compared")
    parser.add_argument("--grid", type=int, default=24,
                        help="commits between the revisions first run")
    args = parser.parse_args(argv)
    commits = first_parent(args.since)
    with tempfile.TemporaryDirectory(prefix="same-tables-") as scratch:
        fingerprint = Fingerprints(args.instance.resolve(), commits,
                                   Path(scratch))
        last = len(commits) - 1
        grid = sorted({0, last, *range(0, last, max(1, args.grid))})
        found = [i for a, b in zip(grid, grid[1:])
                 for i in changes(fingerprint, a, b)]
    print(f"\n{len(commits)} first-parent revisions from {args.since}; "
          f"{len(fingerprint.known)} run")
    for i in found:
        print(f"changed at {commits[i][:9]} ({fingerprint(i - 1)} -> "
              f"{fingerprint(i)}): {subject(commits[i])[:160]}")
    if not found:
        print("the tables are the same at every revision run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
