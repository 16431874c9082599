"""Killing or stopping a solve never leaves a broken proposal file."""

from __future__ import annotations

import csv
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import openpyxl
import pytest

from allocator import interrupt
from allocator.cli import main
from allocator.generate import generate
from allocator.io import read_instance, read_proposal, write_instance
from allocator.pipeline import propose
from models import Policy, Status

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


@pytest.mark.slow
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


# Ctrl-C: a cooperative stop. The city with shared housing solved by
# CP-SAT without a time limit runs for minutes, so a stop always lands in
# the middle of the solve; and its flow relaxation is not tight, so the
# best proposal at a stop is feasible, not proven, with a bound and gap.
EXE = Path(sys.executable).parent / "allocator"
WAIT = 300.0
"""Seconds a test waits for a line or an exit before it fails."""


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city") / "city"
    write_instance(generate("city", seed=7), folder)
    return folder


class _Solve:
    """``allocator solve`` in a subprocess, its stderr read line by line."""

    def __init__(self, city: Path, out: Path):
        self.process = subprocess.Popen(
            [str(EXE), "solve", str(city), "--policy", "shared-housing",
             "--engine", "cpsat", "--out", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        self.lines: queue.Queue = queue.Queue()
        self.err: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            self.err.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, prefix: str) -> None:
        """Waits until stderr has a line starting with ``prefix``."""
        while True:
            line = self.lines.get(timeout=WAIT)
            assert line is not None, "".join(self.err)
            if line.startswith(prefix):
                return

    def finish(self) -> tuple[int, str, str]:
        # Not communicate(): it would read stderr too, racing the reader.
        out = self.process.stdout.read()
        self.process.wait(timeout=WAIT)
        self.reader.join(timeout=WAIT)
        return self.process.returncode, out, "".join(self.err)


@pytest.mark.slow
def test_ctrl_c_writes_the_best_proposal_so_far_with_its_gap(city, tmp_path):
    """
    Tests that one Ctrl-C (SIGINT) during a long solve ends it with exit
    status 0 and writes the best proposal found so far: feasible, not
    proven optimal, with a bound and gap, passing the independent checker;
    and run.json records the stop.
    """
    out = tmp_path / "proposal"
    solve = _Solve(city, out)
    solve.wait_for("solving")
    solve.process.send_signal(signal.SIGINT)
    code, stdout, stderr = solve.finish()
    assert code == 0, stderr
    assert "Ctrl-C" in stderr and "Traceback" not in stderr
    proposal = read_proposal(out / "proposal.json")
    assert proposal.status == Status.FEASIBLE
    assert not proposal.solver.proven_optimal
    assert proposal.objective is not None
    assert proposal.objective.bound is not None
    assert proposal.objective.bound >= proposal.objective.value
    assert proposal.objective.gap is not None and proposal.objective.gap > 0
    assert proposal.matches
    run = json.loads((out / "run.json").read_text())
    assert run["stopped"] is True and run["status"] == "feasible"
    assert main(["check", str(city), str(out / "proposal.json"),
                 "--policy", "shared-housing"]) == 0


@pytest.mark.slow
def test_second_ctrl_c_aborts_and_leaves_the_previous_proposal(city,
                                                               tmp_path):
    """
    Tests that a second Ctrl-C aborts at once with exit status 130,
    writes nothing, and leaves the previous proposal files byte for byte
    as they were, with no temporary file left beside them.
    """
    out = tmp_path / "proposal"
    assert main(["solve", str(city), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert "proposal.json" in before
    solve = _Solve(city, out)
    solve.wait_for("solving")
    solve.process.send_signal(signal.SIGINT)
    solve.wait_for("Ctrl-C")
    solve.process.send_signal(signal.SIGINT)
    code, _, stderr = solve.finish()
    assert code == interrupt.EXIT_INTERRUPTED, stderr
    assert "Aborted" in stderr and "Traceback" not in stderr
    after = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert after == before


def test_ctrl_c_handling_is_restored_after_solve(tmp_path):
    """
    Tests that ``allocator solve`` run in-process puts back the SIGINT
    handler it found, and leaves no stop request behind.
    """
    before = signal.getsignal(signal.SIGINT)
    assert main(["solve", str(SAMPLE), "--out", str(tmp_path / "p")]) == 0
    assert signal.getsignal(signal.SIGINT) is before
    assert not interrupt.stop_requested()


def test_stop_request_reaches_only_a_stoppable_solve():
    """
    Tests that a stop requested outside ``stoppable()`` changes nothing
    (the Python API solves to optimality), that entering ``stoppable()``
    clears it, and that a stop inside ends CP-SAT with its hint kept:
    a feasible proposal that passes the checker.
    """
    town = read_instance(SAMPLE)
    policy = Policy()
    interrupt.request_stop()
    assert not interrupt.stop_requested()
    outcome = propose(town, policy, engine="cpsat", workers=1)
    assert outcome.proposal.status == Status.OPTIMAL
    with interrupt.stoppable():
        assert not interrupt.stop_requested()
        interrupt.request_stop()
        assert interrupt.stop_requested()
        stopped = propose(town, policy, engine="cpsat", workers=1,
                          marginal_values=False)
    assert not interrupt.stop_requested()
    assert stopped.check.ok
    assert stopped.proposal.status in (Status.OPTIMAL, Status.FEASIBLE)
    assert stopped.proposal.matches
    assert stopped.proposal.objective.bound is not None


def test_on_stop_calls_the_action_until_the_block_ends():
    """
    Tests that ``on_stop`` calls its action once a stop is requested, and
    never after the block has ended.
    """
    calls = []
    with interrupt.stoppable(), interrupt.on_stop(lambda: calls.append(1)):
        interrupt.request_stop()
        deadline = time.monotonic() + WAIT
        while not calls and time.monotonic() < deadline:
            time.sleep(interrupt.POLL_SECONDS)
    assert calls
    seen = len(calls)
    time.sleep(3 * interrupt.POLL_SECONDS)
    assert len(calls) == seen


def test_ctrl_c_before_any_solution_writes_nothing(tmp_path, monkeypatch,
                                                   capsys):
    """
    Tests that when Ctrl-C stops the solve before any solution exists,
    ``allocator solve`` writes nothing, says so, and exits with 130.
    """
    import allocator.pipeline
    from allocator.result import empty_result

    def no_solution_yet(data, engine="auto", **_):
        os.kill(os.getpid(), signal.SIGINT)
        deadline = time.monotonic() + WAIT
        while not interrupt.stop_requested() and time.monotonic() < deadline:
            time.sleep(interrupt.POLL_SECONDS)
        assert interrupt.stop_requested()
        return empty_result(data, engine, Status.UNKNOWN)

    monkeypatch.setattr(allocator.pipeline, "solve", no_solution_yet)
    out = tmp_path / "proposal"
    assert main(["solve", str(SAMPLE), "--out", str(out)]) == \
        interrupt.EXIT_INTERRUPTED
    assert "nothing written" in capsys.readouterr().err
    assert not out.exists()
