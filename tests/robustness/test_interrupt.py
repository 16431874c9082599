"""Killing a solve at any moment never leaves a broken proposal file."""

from __future__ import annotations

import csv
import random
import subprocess
import sys
import time
from pathlib import Path

import openpyxl

from allocator.io import read_proposal

SAMPLE = Path(__file__).resolve().parents[2] / "instances" / "samples" / "town"
RUNS = 50


def _solve_command(out: Path) -> list[str]:
    exe = Path(sys.executable).parent / "allocator"
    return [str(exe), "solve", str(SAMPLE), "--out", str(out)]


def _intact(out: Path) -> None:
    """Every proposal file present parses completely."""
    json_file = out / "proposal.json"
    if json_file.exists():
        read_proposal(json_file)
    csv_file = out / "proposal.csv"
    if csv_file.exists():
        with csv_file.open(newline="") as f:
            rows = list(csv.reader(f))
        assert rows and all(len(r) == len(rows[0]) for r in rows)
    xlsx_file = out / "proposal.xlsx"
    if xlsx_file.exists():
        openpyxl.load_workbook(xlsx_file, read_only=True).close()


def test_killing_solve_at_random_moments_leaves_no_broken_file(tmp_path):
    """
    Tests 50 runs of `allocator solve`, each killed (SIGKILL) at a random
    moment: afterwards every proposal file present parses, whether it is
    the previous proposal or the new one.
    """
    out = tmp_path / "proposal"
    assert subprocess.run(_solve_command(out), capture_output=True,
                          timeout=120).returncode == 0
    # How long a whole run takes here, so kills land throughout it.
    started = time.perf_counter()
    subprocess.run(_solve_command(out), capture_output=True, timeout=120)
    whole = time.perf_counter() - started
    rng = random.Random(20261123)
    for _ in range(RUNS):
        process = subprocess.Popen(_solve_command(out),
                                   stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, whole * 1.1))
        process.kill()
        process.wait()
        _intact(out)
    assert (out / "proposal.json").exists()
