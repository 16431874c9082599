"""
Hostile inputs, arguments and file-system conditions through the real
command: each ends in a one-line message and a documented exit status
(README, "Exit statuses"), never a traceback, and never overwrites an
input or a previous output.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from allocator import cli
from allocator.cli import main
from allocator.io import InputError, read_instance, read_policy
from models import Policy

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "instances" / "samples" / "tiny"


@pytest.fixture
def tiny(tmp_path) -> Path:
    folder = tmp_path / "tiny"
    shutil.copytree(TINY, folder)
    return folder


def _run(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text
    return code, captured.err


def _policy(tmp_path, text: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, where", [
    ("[weights]\nsize_fit = 10000000000\n", "weights.size_fit"),
    ("[weights]\nhoused = 9223372036854775807\n", "weights.housed"),
    ("[priority]\nbase = 9223372036854775807\n", "priority.base"),
    ("[services.target_minutes]\nschool = 0\n", "services.target_minutes"),
    ('name = "a\\u0007b"\n', "name"),
    ('description = "line\\nbreak"\n', "description"),
])
def test_policy_values_solve_cannot_keep_exact_are_refused(
        tmp_path, capsys, tiny, text, where):
    """
    Tests that a policy weight or priority beyond the bound that keeps
    every engine's arithmetic exact, a service target of 0 minutes and a
    control character in the name are refused by validation, located, with
    exit 2 (they gave "unknown" with nobody housed, OverflowError, a NaN
    and a broken workbook).
    """
    path = _policy(tmp_path, text)
    with pytest.raises(InputError) as error:
        read_policy(path)
    assert any(where in str(p) for p in error.value.problems)
    code, err = _run(capsys, "solve", tiny, "--policy", path,
                     "--out", tmp_path / "out")
    assert code == 2 and where in err
    assert not (tmp_path / "out").exists()


def test_policy_bounds_admit_the_presets():
    """Tests that every shipped preset is within the new bounds."""
    from allocator.io import policy_presets

    for name in policy_presets():
        assert isinstance(read_policy(name), Policy)


def test_quota_near_two_to_the_63_is_refused(tiny, capsys):
    """Tests that a council quota beyond the bounded count is located."""
    path = tiny / "municipalities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert "quota_households" in header, header
    i = header.index("quota_households")
    row = lines[1].split(",")
    row[i] = str(2**63 - 1)
    lines[1] = ",".join(row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = _run(capsys, "validate", tiny)
    assert code == 2
    assert "municipalities.csv:2:quota_households:" in err


def test_control_character_in_a_name_is_refused(tiny, capsys):
    """Tests that a control character in an area's name fails validation
    at its cell (it passed, then stopped the workbook writer half-way)."""
    path = tiny / "areas.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    i = header.index("name")
    row = lines[1].split(",")
    row[i] = "Sent\x07rum"
    lines[1] = ",".join(row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = _run(capsys, "validate", tiny)
    assert code == 2 and "areas.csv:2:name:" in err
    assert "control characters" in err


def test_duplicated_json_key_is_refused(tmp_path, capsys):
    """Tests that a JSON instance with a key written twice is refused,
    naming the key (the last one was kept silently)."""
    instance = read_instance(TINY)
    text = instance.model_dump_json(indent=1)
    text = text.replace('"name": ', '"name": "first",\n "name": ', 1)
    path = tmp_path / "dup.json"
    path.write_text(text, encoding="utf-8")
    code, err = _run(capsys, "validate", path)
    assert code == 2
    assert "dup.json:name: Key 'name' appears twice" in err
    assert "[duplicate-key]" in err


@pytest.mark.parametrize("value", ["nan", "-1", "0", "inf", "1e300"])
def test_time_limit_must_be_finite_and_positive(tiny, tmp_path, capsys,
                                                value):
    """Tests that --time-limit nan, -1, 0, inf or absurd is an argument
    error (it gave an empty proposal with false reasons)."""
    code, err = _run(capsys, "solve", tiny, "--out", tmp_path / "out",
                     f"--time-limit={value}")
    assert code == 2 and "--time-limit" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("seed", ["-1", str(2**70)])
def test_seed_out_of_range_is_an_argument_error(tiny, tmp_path, capsys,
                                                seed):
    code, err = _run(capsys, "solve", tiny, "--out", tmp_path / "out",
                     f"--seed={seed}")
    assert code == 2 and "--seed" in err


@pytest.mark.parametrize("target", [
    "out/proposal.csv", "out/run.json", "out", "tiny/households.csv",
    "tiny", "p.toml",
])
def test_export_never_overwrites_an_input_or_an_output(
        tiny, tmp_path, capsys, target):
    """
    Tests that --export-sensitive pointed at a default output, the output
    folder, an input file, the instance folder or the policy file is
    refused before anything is written, and the files stay as they were.
    """
    policy = _policy(tmp_path, 'name = "mine"\n')
    out = tmp_path / "out"
    assert main(["solve", str(tiny), "--out", str(out)]) == 0
    capsys.readouterr()
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code, err = _run(capsys, "solve", tiny, "--out", out, "--policy", policy,
                     "--export-sensitive", tmp_path / target)
    assert code == 2 and "--export-sensitive" in err
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.parametrize("name", [
    "[red]x", "a[/]b", "[bold]", "[link]y[/link]",
])
def test_square_brackets_are_never_read_as_markup(tiny, tmp_path, capsys,
                                                  name):
    """
    Tests that square brackets in an engine name, a preset, a path, a
    policy name and a household id are printed as they are (rich read
    them as console markup, and "[/]" failed with a traceback).
    """
    code, err = _run(capsys, "solve", tiny, "--out", tmp_path / "o",
                     "--engine", name)
    assert code == 2 and name in err
    code, err = _run(capsys, "generate", "--preset", name,
                     "--out", tmp_path / "g")
    assert code == 2 and name in err
    missing = tmp_path / name
    code, err = _run(capsys, "validate", missing)
    assert code == 2 and name in err
    out = tmp_path / f"out{name}"
    code, _ = _run(capsys, "solve", tiny, "--out", out,
                   "--policy", _policy(tmp_path, f'name = "{name}"\n'))
    assert code == 0 and (out / "proposal.json").is_file()
    code, err = _run(capsys, "explain", out / "proposal.json",
                     "--household", name)
    assert code == 2 and name in err


def test_output_folder_that_is_a_file(tiny, tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("mine")
    code, err = _run(capsys, "solve", tiny, "--out", target)
    assert code == cli.OUTPUT_ERROR and "is not a folder" in err
    assert target.read_text() == "mine"


def test_output_folder_that_is_a_dangling_link(tiny, tmp_path, capsys):
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "nowhere")
    code, err = _run(capsys, "solve", tiny, "--out", link)
    assert code == cli.OUTPUT_ERROR and "link to nothing" in err


def test_output_folder_with_a_name_too_long(tiny, tmp_path, capsys):
    code, err = _run(capsys, "solve", tiny, "--out", tmp_path / ("x" * 300))
    assert code == cli.OUTPUT_ERROR and "too long" in err


def test_output_folder_inside_proc(tiny, capsys):
    code, err = _run(capsys, "solve", tiny, "--out", "/proc/allocator-out")
    assert code == cli.OUTPUT_ERROR and "/proc/allocator-out" in err


def test_full_disk_while_writing_keeps_the_previous_folder(
        tiny, tmp_path, capsys, monkeypatch):
    """
    Tests that running out of disk while the proposal is written gives one
    line and exit 3, and leaves the previous run's folder as it was, with
    no temporary folder behind.
    """
    from allocator.io import proposal as proposal_io

    out = tmp_path / "out"
    assert main(["solve", str(tiny), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(out / "x.xlsx"))

    monkeypatch.setattr(proposal_io, "_sync", full)
    code, err = _run(capsys, "solve", tiny, "--out", out, "--seed", "1")
    assert code == cli.OUTPUT_ERROR
    last = err.strip().splitlines()[-1]
    assert "no space left" in last and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny"]


def test_an_engine_defect_is_not_an_input_error(tiny, tmp_path, capsys,
                                                monkeypatch):
    """
    Tests that an error inside an engine is reported as a defect (exit 70,
    one line, no value shown), not as an input error (exit 2).
    """
    import allocator.pipeline as pipeline

    def broken(*args, **kwargs):
        raise ValueError("secret value 42")

    monkeypatch.setattr(pipeline, "solve", broken)
    code, err = _run(capsys, "solve", tiny, "--out", tmp_path / "o")
    assert code == cli.INTERNAL_ERROR
    assert "internal error (ValueError)" in err and "42" not in err


def test_ctrl_c_before_the_solve_is_one_line(tiny, tmp_path, capsys,
                                             monkeypatch):
    """Tests that Ctrl-C while reading ends with exit 130 and one line (it
    exited 0: typer returns the 130 and the CLI dropped it)."""
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_read_policy", interrupted)
    code, err = _run(capsys, "validate", tiny, "--policy", "default")
    assert code == 130 and "interrupted" in err


def test_a_file_beyond_the_size_limit_is_refused_unread(tmp_path, capsys,
                                                        monkeypatch):
    """Tests that a file larger than the documented limit is refused with
    exit 4 before it is read."""
    from allocator.io import limits

    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.truncate(4 * 1024**3)  # sparse: 4 GiB, no disk used
    code, err = _run(capsys, "validate", path)
    assert code == cli.TOO_LARGE and "big.json" in err and "MiB" in err


def _workbook(tmp_path, sheet_xml: bytes, name="book.xlsx") -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return path


def test_a_workbook_reaching_column_xfd_is_refused(tmp_path, capsys):
    """Tests that a sheet declaring a million rows to column XFD is refused
    from its declared dimension, before it is read."""
    path = _workbook(tmp_path, b'<worksheet><dimension ref="A1:XFD1048576"/>'
                     b"<sheetData/></worksheet>")
    code, err = _run(capsys, "validate", path)
    assert code == cli.TOO_LARGE and "1,048,576 rows" in err


def test_a_zip_bomb_workbook_is_refused(tmp_path, capsys):
    """Tests that a workbook member expanding a thousandfold is refused."""
    path = _workbook(tmp_path, b"<worksheet>" + b" " * (8 * 1024**2)
                     + b"</worksheet>")
    code, err = _run(capsys, "validate", path)
    assert code == cli.TOO_LARGE and "zip bomb" in err
