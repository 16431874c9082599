"""Atomic writes: a failed write leaves the previous files intact."""

from __future__ import annotations

from pathlib import Path

import pytest

from allocator.io import read_instance, tabular, write_instance


class DiskFullError(RuntimeError):
    pass


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_write_instance_csv_failure_keeps_old_folder(
    instance, csv_dir, monkeypatch
):
    """
    Tests that a CSV write failing after some files were written leaves the
    old folder byte for byte as it was, with no temporary folder left.
    """
    before = _snapshot(csv_dir)
    calls = []

    def failing(columns, rows):
        calls.append(1)
        if len(calls) == 5:
            raise DiskFullError("disk full")
        return real(columns, rows)

    real = tabular._csv_text
    monkeypatch.setattr(tabular, "_csv_text", failing)
    smaller = instance.model_copy(update={"decisions": ()})
    with pytest.raises(DiskFullError):
        write_instance(smaller, csv_dir, form="csv")
    assert _snapshot(csv_dir) == before
    assert [p.name for p in csv_dir.parent.iterdir()] == [csv_dir.name]


def test_write_instance_csv_keeps_foreign_files(instance, csv_dir):
    """
    Tests that replacing a CSV folder keeps files that are not part of the
    format (a user's notes), and replaces the instance files.
    """
    (csv_dir / "notes.txt").write_text("call the landlord")
    smaller = instance.model_copy(update={"decisions": ()})
    write_instance(smaller, csv_dir)
    assert (csv_dir / "notes.txt").read_text() == "call the landlord"
    assert read_instance(csv_dir) == smaller


def test_write_instance_xlsx_failure_keeps_old_file(
    instance, tmp_path, monkeypatch
):
    """
    Tests that an XLSX write failing midway (after writing part of the
    file) leaves the previous workbook intact.
    """
    path = tmp_path / "instance.xlsx"
    write_instance(instance, path)
    before = path.read_bytes()

    def failing(sheets, target):
        target.write_bytes(b"half a workbook")
        raise DiskFullError("disk full")

    monkeypatch.setattr(tabular, "save_workbook", failing)
    with pytest.raises(DiskFullError):
        write_instance(instance, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["instance.xlsx"]


def test_write_instance_json_failure_keeps_old_file(
    instance, tmp_path, monkeypatch
):
    """
    Tests that a JSON write failing after half the text was written leaves
    the previous file intact and no temporary file behind.
    """
    path = tmp_path / "instance.json"
    write_instance(instance, path)
    before = path.read_bytes()
    real = Path.write_text

    def failing(self, text, *args, **kwargs):
        real(self, text[: len(text) // 2], *args, **kwargs)
        raise DiskFullError("disk full")

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(DiskFullError):
        write_instance(instance.model_copy(update={"name": "new"}), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["instance.json"]
