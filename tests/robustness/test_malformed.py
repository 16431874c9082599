"""Malformed input of every kind: exit 2, every problem located, no
traceback, through the command line as a user meets it."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from allocator.cli import main

ROOT = Path(__file__).resolve().parents[2]
TOWN = ROOT / "instances" / "samples" / "town"

LOCATED = re.compile(
    r"^(?P<file>[^:\s][^:]*?)(:(?P<row>\d+))?(:(?P<column>[^:]+))?"
    r": .+ \[[a-z-]+\]$"
)
"""A problem line: ``file[:row[:column]]: message [rule]``."""


def _edit(folder: Path, name: str, change) -> None:
    path = folder / name
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(change(lines)) + "\n", encoding="utf-8")


def _cell(row: int, column: str, text: str):
    def change(lines):
        header = lines[0].split(",")
        cells = lines[row - 1].split(",")
        cells[header.index(column)] = text
        lines[row - 1] = ",".join(cells)
        return lines
    return change


def _json(tmp: Path, change) -> Path:
    path = tmp / "instance.json"
    assert main(["generate", "--preset", "tiny", "--out", str(path)]) == 0
    document = json.loads(path.read_text())
    text = change(document)
    path.write_text(text if isinstance(text, str) else json.dumps(document))
    return path


def _town(tmp: Path) -> Path:
    folder = tmp / "town"
    shutil.copytree(TOWN, folder)
    return folder


def _case_missing_path(tmp):
    return tmp / "nowhere", ("nowhere", None, None)


def _case_empty_folder(tmp):
    (tmp / "empty").mkdir()
    return tmp / "empty", ("households.csv", None, None)


def _case_empty_file(tmp):
    folder = _town(tmp)
    (folder / "households.csv").write_bytes(b"")
    return folder, ("households.csv", None, None)


def _case_random_bytes_csv(tmp):
    folder = _town(tmp)
    (folder / "dwellings.csv").write_bytes(bytes(range(256)) * 3)
    return folder, ("dwellings.csv", None, None)


def _case_folder_as_file(tmp):
    folder = _town(tmp)
    (folder / "nodes.csv").unlink()
    (folder / "nodes.csv").mkdir()
    return folder, ("nodes.csv", None, None)


def _case_missing_column(tmp):
    folder = _town(tmp)
    # Age is required (sex may be left out: placement does not use it).
    _edit(folder, "members.csv",
          lambda lines: [",".join(ln.split(",")[:1] + ln.split(",")[2:])
                         for ln in lines])
    return folder, ("members.csv", 1, "age")


def _case_duplicated_column(tmp):
    folder = _town(tmp)
    _edit(folder, "nodes.csv", lambda lines: [ln + "," + ln.split(",")[1]
                                             for ln in lines])
    return folder, ("nodes.csv", 1, "x")


def _case_extra_column(tmp):
    folder = _town(tmp)
    _edit(folder, "areas.csv",
          lambda lines: [lines[0] + ",colour"] + [ln + ",red"
                                                  for ln in lines[1:]])
    return folder, ("areas.csv", 1, "colour")


def _case_wrong_type(tmp):
    folder = _town(tmp)
    _edit(folder, "dwellings.csv", _cell(5, "bedrooms", "three"))
    return folder, ("dwellings.csv", 5, "bedrooms")


def _case_out_of_range(tmp):
    folder = _town(tmp)
    _edit(folder, "members.csv", _cell(7, "age", "130"))
    return folder, ("members.csv", 7, "age")


def _case_huge_number(tmp):
    folder = _town(tmp)
    _edit(folder, "edges.csv", _cell(3, "minutes", "9" * 5000))
    return folder, ("edges.csv", 3, "minutes")


def _case_contradictory_rows(tmp):
    folder = _town(tmp)
    households = (folder / "households.csv").read_text().splitlines()
    dwellings = (folder / "dwellings.csv").read_text().splitlines()
    h, d = households[1].split(",")[0], dwellings[1].split(",")[0]
    _edit(folder, "decisions.csv",
          lambda lines: lines + [f"{h},{d},lock,", f"{h},{d},ban,"])
    return folder, ("decisions.csv", 3, "kind")


def _case_sensitive_value(tmp):
    folder = _town(tmp)
    _edit(folder, "households.csv", _cell(2, "health_follow_up", "PTSD"))
    return folder, ("households.csv", 2, "health_follow_up")


def _case_broken_xlsx(tmp):
    path = tmp / "instance.xlsx"
    path.write_bytes(os.urandom(2000))
    return path, ("instance.xlsx", None, None)


def _case_truncated_xlsx(tmp):
    path = tmp / "instance.xlsx"
    assert main(["generate", "--preset", "tiny", "--out", str(path)]) == 0
    path.write_bytes(path.read_bytes()[:3000])
    return path, ("instance.xlsx", None, None)


def _case_truncated_json(tmp):
    return _json(tmp, lambda d: json.dumps(d)[:500]), (
        "instance.json", None, None
    )


def _case_random_json(tmp):
    path = tmp / "instance.json"
    path.write_bytes(os.urandom(500))
    return path, ("instance.json", None, None)


def _case_json_huge_integer(tmp):
    return _json(tmp, lambda d: json.dumps(d).replace(
        '"age": 3', '"age": ' + "3" * 5000, 1
    )), ("instance.json", None, None)


def _case_json_wrong_types(tmp):
    def change(document):
        document["dwellings"][0]["bedrooms"] = [1]
        document["households"][0]["members"] = "none"

    return _json(tmp, change), ("instance.json", 1, "dwellings[0].bedrooms")


CASES = {
    name.removeprefix("_case_"): case
    for name, case in globals().items() if name.startswith("_case_")
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_input_exits_2_with_located_problems(case, tmp_path,
                                                      capsys):
    """
    Tests that validate and solve exit 2 on malformed input of the given
    kind, with no traceback, each problem on a line naming its file (and
    row and column where it has them), the expected one among them.
    """
    path, (file, row, column) = CASES[case](tmp_path)
    for command in (["validate", str(path)],
                    ["solve", str(path), "--out", str(tmp_path / "out")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        lines = [ln for ln in err.splitlines()[1:] if ln.strip()]
        assert lines
        located = []
        for line in lines:
            found = LOCATED.match(line)
            assert found, line
            located.append((found["file"], found["row"], found["column"]))
        want = (file, None if row is None else str(row), column)
        assert any(
            f == want[0] or f.endswith("/" + want[0]) or want[0] in f
            for f, _, _ in located
        ), (want, located)
        if row is not None:
            assert want in located, (want, located)
    assert not (tmp_path / "out").exists()
    if case == "sensitive_value":
        assert "PTSD" not in err


def test_malformed_proposal_and_policy_exit_2(tmp_path, capsys):
    """Tests check and explain on a truncated proposal, and a bad policy."""
    proposal = tmp_path / "proposal.json"
    proposal.write_text('{"status": "optimal", "matches": [')
    assert main(["check", str(TOWN), str(proposal)]) == 2
    assert main(["explain", str(proposal), "--household", "H-1"]) == 2
    policy = tmp_path / "policy.toml"
    policy.write_text("[weights\nservices = 'many'")
    assert main(["validate", str(TOWN), "--policy", str(policy)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_pseudonymise_of_malformed_input_exits_2(tmp_path, capsys):
    """Tests that pseudonymise reports invalid input as validate does."""
    path, _ = _case_wrong_type(tmp_path)
    assert main(["pseudonymise", str(path), "--out", str(tmp_path / "p"),
                 "--key", str(tmp_path / "key.json")]) == 2
    err = capsys.readouterr().err
    assert "dwellings.csv:5:bedrooms" in err and "Traceback" not in err
    assert not (tmp_path / "key.json").exists()
