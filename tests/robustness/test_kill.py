"""
A run killed (SIGKILL) at any moment while it writes its output folder
leaves the folder of the last complete write, whole, never a mix of two
runs; the next run removes what the killed one left behind.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import random
import signal
import tempfile
import time
from pathlib import Path

import openpyxl
import pytest

from allocator.io import proposal as proposal_io
from allocator.io import read_instance
from allocator.io._atomic import clean_stale
from allocator.pipeline import propose
from models import Policy

ROOT = Path(__file__).resolve().parents[2]
KILLS = 200


def _proposals():
    """Two proposals that differ in every file written."""
    tiny = read_instance(ROOT / "instances" / "samples" / "tiny")
    a = propose(tiny, Policy(), marginal_values=False).proposal
    b = propose(tiny, Policy(name="other", weights={"size_fit": 0}),
                marginal_values=False).proposal
    return {
        "a": a.model_copy(update={"provenance": a.provenance.model_copy(
            update={"instance_name": "run-a"})}),
        "b": b.model_copy(update={"provenance": b.provenance.model_copy(
            update={"instance_name": "run-b"})}),
    }


def _writer(proposals, out: Path, scratch: Path) -> None:
    """Writes the two proposals in turn, for ever (until killed), with
    the temporary files of the libraries it calls in ``scratch``: those
    a kill leaves there stay out of the machine's shared temporary
    folder."""
    tempfile.tempdir = str(scratch)
    names = list(proposals)
    i = 0
    while True:
        label = names[i % 2]
        proposal_io.write_proposal(
            proposals[label], out, extra={"run.json": lambda: label})
        i += 1


def _label(out: Path, proposals) -> str:
    """The one proposal every file of ``out`` comes from."""
    files = sorted(p.name for p in out.iterdir())
    assert files == ["proposal.csv", "proposal.json", "proposal.xlsx",
                     "run.json"], files
    labels = set()
    labels.add((out / "run.json").read_text())
    name = json.loads((out / "proposal.json").read_text())[
        "provenance"]["instance_name"]
    labels.add(name.removeprefix("run-"))
    book = openpyxl.load_workbook(out / "proposal.xlsx")
    solver = {row[0]: row[1] for row in book["solver"].iter_rows(
        min_row=2, values_only=True)}
    book.close()
    labels.add(solver["provenance.instance_name"].removeprefix("run-"))
    text = (out / "proposal.csv").read_text()
    labels.update(
        label for label, p in proposals.items()
        if text == proposal_io._csv_text(p))
    assert len(labels) == 1, labels
    return labels.pop()


@pytest.mark.slow
def test_a_killed_writer_never_leaves_a_mixed_folder(tmp_path):
    """
    Tests that SIGKILL of a process writing proposals A and B in turn into
    one folder, at 200 random moments, always leaves a folder whose four
    files all come from A or all from B, and that the cleaning the next
    run does leaves no temporary sibling behind.
    """
    proposals = _proposals()
    a, b = (proposal_io._csv_text(p) for p in proposals.values())
    assert a != b
    out = tmp_path / "out"
    proposal_io.write_proposal(proposals["a"], out,
                               extra={"run.json": lambda: "a"})
    started = time.perf_counter()
    proposal_io.write_proposal(proposals["b"], out,
                               extra={"run.json": lambda: "b"})
    one_write = time.perf_counter() - started
    context = multiprocessing.get_context("fork")
    rng = random.Random(14)
    seen = {"a": 0, "b": 0}
    left_behind = 0
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    for _ in range(KILLS):
        child = context.Process(target=_writer, args=(proposals, out,
                                                      scratch))
        child.start()
        time.sleep(rng.uniform(0, 3 * one_write))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        assert child.exitcode == -signal.SIGKILL
        seen[_label(out, proposals)] += 1
        left_behind += len(clean_stale(out))
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "out", "scratch"]
    # Kills landed in both halves of the cycle.
    assert seen["a"] and seen["b"]
    # And some landed mid-write, leaving a temporary folder to clean.
    assert left_behind


def test_csv_of_a_proposal_reads_back():
    """Tests the fingerprint the kill test compares: CSV text is stable."""
    p = _proposals()["a"]
    rows = list(csv.reader(io.StringIO(proposal_io._csv_text(p))))
    assert rows[0][0] == "household" and len(rows) > 1
