"""The allocator command line, run as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from allocator.cli import main
from allocator.io import read_proposal

ROOT = Path(__file__).resolve().parent.parent


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city") / "city"
    assert main(["generate", "--preset", "city", "--seed", "7",
                 "--out", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def city_proposal(city, tmp_path_factory):
    out = tmp_path_factory.mktemp("proposal")
    assert main(["solve", str(city), "--out", str(out)]) == 0
    return out


def test_generate_is_byte_identical_for_the_same_seed(city, tmp_path):
    """Tests that generating city with seed 7 twice gives identical files."""
    again = tmp_path / "again"
    assert main(["generate", "--preset", "city", "--seed", "7",
                 "--out", str(again)]) == 0
    assert _files(city) == _files(again)


def test_generate_rejects_an_unknown_preset(tmp_path, capsys):
    """Tests that an unknown preset exits 2 with the choices named."""
    assert main(["generate", "--preset", "metropolis",
                 "--out", str(tmp_path / "x")]) == 2
    assert "tiny" in capsys.readouterr().err


def test_validate_prints_a_summary_and_exits_0(city, capsys):
    """Tests the summary table of a valid instance."""
    assert main(["validate", str(city)]) == 0
    text = capsys.readouterr().out
    assert "valid" in text and "households" in text and "400" in text


def test_validate_lists_every_problem_and_exits_2(city, tmp_path, capsys):
    """Tests that two independent problems are both reported, located."""
    broken = tmp_path / "broken"
    shutil.copytree(city, broken)
    lines = (broken / "dwellings.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("rent_nok")] = "-5"
    lines[1] = ",".join(row)
    row = lines[2].split(",")
    row[header.index("area")] = "A-NOWHERE"
    lines[2] = ",".join(row)
    (broken / "dwellings.csv").write_text("\n".join(lines) + "\n")
    assert main(["validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "dwellings.csv:2:rent_nok" in err
    assert "dwellings.csv:3:area" in err and "A-NOWHERE" in err


def test_solve_writes_three_files_that_pass_check(city, city_proposal):
    """Tests solve on the city preset: proven optimal, checked, explained."""
    names = {p.name for p in city_proposal.iterdir()}
    assert {"proposal.json", "proposal.csv", "proposal.xlsx"} <= names
    proposal = read_proposal(city_proposal / "proposal.json")
    assert proposal.solver.proven_optimal
    assert main(["check", str(city), str(city_proposal / "proposal.json")]) \
        == 0


def test_every_unmatched_household_in_city_has_a_reason(city_proposal):
    """Tests that each household left waiting carries a reason and text."""
    proposal = read_proposal(city_proposal / "proposal.json")
    assert proposal.unmatched
    for u in proposal.unmatched:
        assert u.reason.value in {"no_eligible_dwelling", "outcompeted",
                                  "capacity"}
        assert u.message
        if u.reason.value == "outcompeted":
            assert u.competitors


def test_check_rejects_a_tampered_proposal(city, city_proposal, tmp_path,
                                           capsys):
    """Tests that moving a family into a bedsit is caught by check."""
    doc = json.loads((city_proposal / "proposal.json").read_text())
    data = read_proposal(city_proposal / "proposal.json")
    family = next(m for m in data.matches if m.scores["tenure"] > 500)
    bedsit = next(
        line.split(",")[0]
        for line in (city / "dwellings.csv").read_text().splitlines()[1:]
        if line.split(",")[6] == "0"
    )
    for m in doc["matches"]:
        if m["household"] == family.household:
            m["dwelling"] = bedsit
    tampered = tmp_path / "proposal.json"
    tampered.write_text(json.dumps(doc))
    assert main(["check", str(city), str(tampered)]) == 1
    assert "bedrooms" in capsys.readouterr().err


def test_explain_tells_one_household_story(city_proposal, capsys):
    """Tests explain for a matched and an unmatched household."""
    proposal = read_proposal(city_proposal / "proposal.json")
    m, u = proposal.matches[0], proposal.unmatched[0]
    path = str(city_proposal / "proposal.json")
    assert main(["explain", path, "--household", m.household]) == 0
    text = capsys.readouterr().out
    assert m.dwelling in text and "ranks" in text
    assert main(["explain", path, "--household", u.household]) == 0
    assert "reason" in capsys.readouterr().out
    assert main(["explain", path, "--household", "H-NOBODY"]) == 2


def test_unknown_engine_is_a_clear_error(city, tmp_path, capsys):
    """Tests that a misspelt engine exits 2 naming the choices."""
    assert main(["solve", str(city), "--engine", "simplex",
                 "--out", str(tmp_path)]) == 2
    assert "auto" in capsys.readouterr().err


def test_schema_writes_three_json_schemas(tmp_path):
    """Tests that schema writes the instance, policy and proposal schemas."""
    assert main(["schema", "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["instance.schema.json", "policy.schema.json",
                     "proposal.schema.json"]
    body = json.loads((tmp_path / "instance.schema.json").read_text())
    assert "households" in body["properties"]


def test_console_script_runs_without_a_traceback(tmp_path):
    """Tests the installed `allocator` entry point on a missing path."""
    exe = Path(sys.executable).parent / "allocator"
    out = subprocess.run([str(exe), "validate", str(tmp_path / "none")],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr


def test_demo_runs_the_whole_chain(tmp_path, capsys):
    """Tests that demo generates, validates, solves, checks and explains."""
    assert main(["demo", "--out", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "proposal.json" in text
    assert (tmp_path / "proposal" / "proposal.xlsx").exists()
