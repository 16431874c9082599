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


def test_rows_beyond_memory_are_refused_before_any_cell_is_read(
        tiny, capsys, monkeypatch, tmp_path):
    """
    Tests that a CSV folder whose households file has more rows than the
    memory can hold is refused from its row count (exit 4, one line
    naming the folder), before the reader meets the malformed cells in
    those rows.
    """
    with (tiny / "households.csv").open("a", encoding="utf-8") as handle:
        handle.write("not,a,household\n" * 600_000)
    monkeypatch.setenv(memory.ENV_LIMIT, "8G")
    code = main(["validate", str(tiny)])
    captured = capsys.readouterr()
    assert code == cli.TOO_LARGE
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tiny: ")
    assert "600005 households" in lines[0] and " as read " in lines[0]
    assert "not a valid instance" not in captured.err


def test_workbook_rows_beyond_memory_are_refused_from_its_index(
        tmp_path, capsys, monkeypatch):
    """
    Tests that a workbook whose households sheet declares more rows than
    the memory can hold (its dimension) is refused from the workbook's
    index, with the sheet found by its Norwegian name too.
    """
    import zipfile

    from allocator.io import read_instance, write_instance
    from allocator.io.limits import workbook_rows

    book = tmp_path / "tiny.xlsx"
    write_instance(read_instance(TINY), book)
    assert workbook_rows(book)["households"] == 5
    swollen = tmp_path / "swollen.xlsx"
    with zipfile.ZipFile(book) as source, \
            zipfile.ZipFile(swollen, "w", zipfile.ZIP_DEFLATED) as target:
        index = source.read("xl/workbook.xml").replace(
            b'name="households"', b'name="Husstander"')
        for item in source.infolist():
            data = (index if item.filename == "xl/workbook.xml"
                    else source.read(item))
            target.writestr(item, data)
    rows = workbook_rows(swollen)
    assert rows["households"] == 5  # the Norwegian name names the table
    # Declare 900,000 rows in every sheet's dimension.
    declared = tmp_path / "declared.xlsx"
    with zipfile.ZipFile(swollen) as source, \
            zipfile.ZipFile(declared, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                head = b'<dimension ref="A1:C900001"/>'
                data = data.replace(b"<sheetViews>", head + b"<sheetViews>",
                                    1)
            target.writestr(item, data)
    assert workbook_rows(declared)["households"] == 900_000
    monkeypatch.setenv(memory.ENV_LIMIT, "8G")
    code = main(["validate", str(declared)])
    err = capsys.readouterr().err
    assert code == cli.TOO_LARGE
    assert "900000 households" in err and "Traceback" not in err


def test_the_work_is_refused_after_grouping_when_pairs_need_the_memory(
        tiny, tmp_path, capsys, monkeypatch):
    """
    Tests the second estimate, after the households are grouped: rows
    that fit pass the count before reading, and the eligible pairs that
    would not fit are refused before the class tables are built, naming
    the pairs and cells.
    """
    monkeypatch.setattr(memory, "PER_PAIR", 2**40)
    monkeypatch.setenv(memory.ENV_LIMIT, "64G")
    code = main(["solve", str(tiny), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == cli.TOO_LARGE
    assert "eligible pairs to solve" in err
    assert not (tmp_path / "o").exists()
