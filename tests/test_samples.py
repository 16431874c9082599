"""The committed samples: current, round-tripping and solvable."""

from __future__ import annotations

from pathlib import Path

import pytest

from allocator.generate import generate
from allocator.io import read_instance, write_instance
from allocator.pipeline import propose

SAMPLES = Path(__file__).resolve().parent.parent / "instances" / "samples"
NAMES = ("tiny", "rural", "town")


@pytest.mark.parametrize("name", NAMES)
def test_sample_equals_the_generator_at_seed_0(name):
    """Tests that the committed sample is what the generator writes now."""
    assert read_instance(SAMPLES / name) == generate(name, seed=0)


@pytest.mark.parametrize("name", NAMES)
def test_sample_round_trips_through_xlsx_and_json(name, tmp_path):
    """Tests CSV -> XLSX -> JSON -> CSV gives equal instances each time."""
    original = read_instance(SAMPLES / name)
    write_instance(original, tmp_path / "i.xlsx")
    from_xlsx = read_instance(tmp_path / "i.xlsx")
    write_instance(from_xlsx, tmp_path / "i.json")
    from_json = read_instance(tmp_path / "i.json")
    write_instance(from_json, tmp_path / "csv")
    assert from_xlsx == original
    assert from_json == original
    assert read_instance(tmp_path / "csv") == original


@pytest.mark.parametrize("name", NAMES)
def test_sample_solves_to_a_checked_optimum(name):
    """Tests that every sample solves, proven optimal, and passes check."""
    outcome = propose(read_instance(SAMPLES / name))
    assert outcome.proposal.solver.proven_optimal
    assert outcome.check.ok, outcome.check.violations
