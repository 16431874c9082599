"""Limits before work: an instance that would need more memory than the
machine has is refused at once, with one line saying what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from allocator import cli, memory
from allocator.cli import main

TINY = Path(__file__).resolve().parents[2] / "instances" / "samples" / "tiny"


@pytest.fixture
def tiny(tmp_path) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_too_little_memory_is_refused_before_the_work(tiny, tmp_path,
                                                      capsys, monkeypatch):
    """
    Tests that with less memory than the estimate (the limit the code
    reads from ALLOCATOR_MEMORY_LIMIT), ``solve`` exits 4 with one line
    that gives the sizes and says what to do, writes no output folder and
    leaves an earlier one exactly as it was.
    """
    out = tmp_path / "out"
    assert main(["solve", str(tiny), "--out", str(out)]) == 0
    before = _tree(out)
    capsys.readouterr()
    monkeypatch.setenv(memory.ENV_LIMIT, "1M")
    for target in (out, tmp_path / "new"):
        code = main(["solve", str(tiny), "--out", str(target), "--seed",
                     "1"])
        captured = capsys.readouterr()
        assert code == cli.TOO_LARGE == 4
        assert captured.out == ""
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in captured.err
        assert "too large for this machine's memory" in lines[0]
        assert "split the instance by municipality" in lines[0]
        assert "households" in lines[0] and "GiB" in lines[0]
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny"]


def test_enough_memory_is_not_refused(tiny, tmp_path, monkeypatch):
    """Tests that a limit above the estimate lets the solve through."""
    monkeypatch.setenv(memory.ENV_LIMIT, "64G")
    assert main(["solve", str(tiny), "--out", str(tmp_path / "o")]) == 0


@pytest.mark.parametrize(("text", "value"), [
    ("1048576", 2**20), ("512M", 512 * 2**20), ("8G", 8 * 2**30),
    ("1.5GiB", 3 * 2**29), ("2t", 2 * 2**40),
])
def test_memory_limit_sizes(text, value):
    """Tests the sizes ALLOCATOR_MEMORY_LIMIT understands."""
    assert memory.parse_bytes(text) == value


def test_estimate_grows_linearly_with_the_sizes():
    """Tests that the estimate is linear in households, dwellings, class
    cells and pairs: twice the instance, twice the memory beyond the
    base."""
    one = memory.Estimate(1000, 1500, 200, 300_000, 24_000)
    two = memory.Estimate(2000, 3000, 400, 600_000, 48_000)
    base = memory.BASE_BYTES
    assert two.bytes - base == 2 * (one.bytes - base)
