"""Same input, policy, seed and engine settings: the same proposal bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from allocator.io import read_instance
from allocator.pipeline import propose

ROOT = Path(__file__).resolve().parents[2]
TOWN = ROOT / "instances" / "samples" / "town"

VARYING = (("provenance", "created_at"),)
"""The one field allowed to differ between two runs: the creation time.
Seconds go to run.json beside the proposal, not into it."""

ENGINE_PARAMS = {
    "auto": {},
    "flow": {},
    "mip": {},
    # One worker: CP-SAT's parallel portfolio is not deterministic under a
    # time limit.
    "cpsat": {"workers": 1, "time_limit": 30.0},
}


def comparable(text: str) -> str:
    """A proposal.json text with the creation time blanked."""
    document = json.loads(text)
    for part, name in VARYING:
        if document.get(part) is not None:
            document[part][name] = None
    return json.dumps(document, indent=2)


@pytest.fixture(scope="module")
def town():
    return read_instance(TOWN)


@pytest.mark.parametrize("engine", list(ENGINE_PARAMS))
def test_same_input_gives_byte_identical_proposal(town, engine):
    """
    Tests that solving the town sample twice with the same policy, seed
    and engine settings gives the same proposal.json, byte for byte,
    once the creation time is blanked.
    """
    texts = []
    for _ in range(2):
        outcome = propose(town, engine=engine, seed=3,
                          **ENGINE_PARAMS[engine])
        assert outcome.check.ok
        texts.append(outcome.proposal.model_dump_json(indent=2))
    first, second = (comparable(t) for t in texts)
    assert first == second


@pytest.mark.slow
def test_solve_command_is_deterministic_across_processes(tmp_path):
    """
    Tests that ``allocator solve`` run in two processes with different
    hash seeds (set iteration order differs) writes the same
    proposal.json, apart from its creation time, and the same
    proposal.csv; the seconds are in run.json beside them.
    """
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"run{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        run = subprocess.run(
            [sys.executable, "-m", "allocator.cli", "solve", str(TOWN),
             "--out", str(out)],
            capture_output=True, text=True, env=env, cwd=ROOT,
        )
        assert run.returncode == 0, run.stderr
        outputs.append(out)
    a, b = outputs
    assert comparable((a / "proposal.json").read_text()) == comparable(
        (b / "proposal.json").read_text()
    )
    assert (a / "proposal.csv").read_bytes() == (
        b / "proposal.csv"
    ).read_bytes()
    for out in outputs:
        assert "_seconds" not in (out / "proposal.json").read_text()
        run = json.loads((out / "run.json").read_text())
        assert run["seconds"]["solve"] >= 0 and not run["stopped"]


def test_proposal_of_format_1_with_seconds_still_reads(town, tmp_path):
    """
    Tests that a proposal.json written before the seconds moved to
    run.json (format 1, with ``solver.build_seconds`` and
    ``solver.solve_seconds``) still reads, without them.
    """
    from allocator.io import read_proposal

    document = json.loads(
        propose(town, engine="flow").proposal.model_dump_json()
    )
    document["schema_version"] = "1"
    document["solver"].update(build_seconds=0.01, solve_seconds=0.02)
    path = tmp_path / "proposal.json"
    path.write_text(json.dumps(document))
    proposal = read_proposal(path)
    assert proposal.schema_version == "1"
    assert "build_seconds" not in proposal.solver.model_dump()
