"""Under a time limit the proposal says whether it is proven, and its gap."""

from __future__ import annotations

import pytest

from allocator.generate import generate
from allocator.io import read_policy
from allocator.pipeline import propose
from models import Status

LIMIT = 2.0
"""Seconds: far too few to prove the city with shared housing optimal."""


@pytest.fixture(scope="module")
def city():
    return generate("city", seed=7)


def assert_status_and_gap_agree(proposal) -> None:
    """A proven proposal has gap 0; an unproven one its bound and gap."""
    objective = proposal.objective
    assert proposal.solver.proven_optimal == (
        proposal.status == Status.OPTIMAL
    )
    if proposal.status == Status.OPTIMAL:
        assert objective.bound == objective.value
        assert objective.gap == 0
    elif proposal.status == Status.FEASIBLE:
        assert objective.bound is not None and objective.gap is not None
        assert objective.bound > objective.value
        assert objective.gap == pytest.approx(
            (objective.bound - objective.value) / abs(objective.value)
        )
    else:
        assert objective is None and not proposal.matches


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["auto", "cpsat"])
def test_time_limited_proposal_states_proof_and_gap(city, engine):
    """
    Tests that a solve of the city with shared housing under a two-second
    limit records the limit, is not proven, and states its bound and gap
    (from the flow relaxation when the solver has none), and passes the
    independent checker.
    """
    outcome = propose(city, read_policy("shared-housing"), engine=engine,
                      time_limit=LIMIT)
    proposal = outcome.proposal
    assert outcome.check.ok
    assert proposal.solver.time_limit == LIMIT
    assert proposal.status == Status.FEASIBLE
    assert_status_and_gap_agree(proposal)


def test_proven_proposal_has_gap_zero(city):
    """
    Tests that a proposal proven optimal within its time limit reports its
    value as its bound and gap 0.
    """
    outcome = propose(city, engine="auto", time_limit=60.0)
    assert outcome.proposal.status == Status.OPTIMAL
    assert_status_and_gap_agree(outcome.proposal)


def _solve_tiny(tmp_path, capsys, *extra):
    import json
    from pathlib import Path

    from allocator.cli import main

    tiny = Path(__file__).resolve().parents[2] / "instances" / "samples" / "tiny"
    out = tmp_path / "out"
    code = main(["solve", str(tiny), "--out", str(out), *extra])
    capsys.readouterr()
    assert code == 0
    proposal = json.loads((out / "proposal.json").read_text())
    run = json.loads((out / "run.json").read_text())
    return proposal["solver"], run


def test_solve_without_a_limit_runs_under_the_default(tmp_path, capsys):
    """
    Tests that ``allocator solve`` without ``--time-limit`` runs under the
    documented default, and that the proposal and run.json say it was the
    default and that it did not stop this (proven) solve.
    """
    from allocator.cli import DEFAULT_TIME_LIMIT

    solver, run = _solve_tiny(tmp_path, capsys)
    assert solver["time_limit"] == DEFAULT_TIME_LIMIT == 600
    assert solver["time_limit_default"] is True
    assert run["time_limit"] == DEFAULT_TIME_LIMIT
    assert run["time_limit_default"] is True
    assert solver["proven_optimal"] and run["limit_stopped"] is False


def test_solve_records_the_limit_given(tmp_path, capsys):
    """
    Tests that a given ``--time-limit`` is the one the proposal and
    run.json record, not marked as the default.
    """
    solver, run = _solve_tiny(tmp_path, capsys, "--time-limit", "45")
    assert solver["time_limit"] == 45
    assert solver["time_limit_default"] is False
    assert run["time_limit"] == 45 and run["time_limit_default"] is False


def test_a_whole_run_limit_leaves_the_solve_what_compiling_left(
        city, monkeypatch):
    """
    Tests that with ``started`` the limit bounds the whole run: time
    already spent before the solve, and the share kept for explaining,
    checking and writing, are deducted from the solve's own limit, which
    never falls below the floor.
    """
    import time

    from allocator import pipeline

    seen = []
    real = pipeline.solve

    def spy(data, engine, time_limit, seed, **params):
        seen.append(time_limit)
        return real(data, engine=engine, time_limit=time_limit, seed=seed,
                    **params)

    monkeypatch.setattr(pipeline, "solve", spy)
    now = time.perf_counter()
    outcome = propose(city, time_limit=30.0, started=now - 20.0)
    assert outcome.check.ok
    assert outcome.proposal.solver.time_limit == 30.0
    finish = pipeline.finish_seconds(outcome.data)
    assert seen[0] <= 10.0 - finish
    propose(city, time_limit=30.0, started=now - 60.0)
    assert seen[1] == pipeline.MIN_SOLVE_SECONDS


def test_progress_reaches_a_listener():
    """
    Tests that ``progress.note`` reaches the listener of the block it runs
    in, with the seconds since the block began, and nobody after it, and
    that the gap of a maximisation is relative to the best.
    """
    from allocator import progress

    heard = []
    with progress.listen(lambda *a: heard.append(a)):
        progress.note("stage", 90.0, 100.0)
    progress.note("after", 1.0, 2.0)
    assert [h[:3] for h in heard] == [("stage", 90.0, 100.0)]
    assert heard[0][3] >= 0
    assert progress.gap(90.0, 100.0) == pytest.approx(10 / 90)
    assert progress.gap(None, 100.0) is None
    assert progress.gap(90.0, float("inf")) is None


def test_progress_lines_are_throttled_and_say_best_bound_gap(capsys):
    """
    Tests that the CLI's progress listener writes a line with stage, best,
    bound, gap and seconds once ``PROGRESS_SECONDS`` have passed, none
    before and none more within the next interval, and says "none yet"
    for a bound not found.
    """
    from allocator import cli

    show = cli._progress_printer()
    show("early", 1.0, 2.0, cli.PROGRESS_SECONDS / 2)
    show("pricing", None, float("inf"), cli.PROGRESS_SECONDS + 1)
    show("soon after", 1.0, 2.0, cli.PROGRESS_SECONDS + 2)
    show("integer", 90.0, 100.0, 2 * cli.PROGRESS_SECONDS + 2)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert "pricing: best none yet, bound none yet, gap unknown" in lines[0]
    assert "integer: best 90.0, bound 100.0, gap 11.1111%" in lines[1]
    assert lines[1].strip().startswith(f"{2 * cli.PROGRESS_SECONDS + 2:.0f} s")
