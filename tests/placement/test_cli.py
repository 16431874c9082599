"""``allocator place`` run as a user runs it."""

from __future__ import annotations

import json

import pytest

from allocator.cli import main


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = tmp_path_factory.mktemp("county") / "county"
    assert main(["generate", "--preset", "county", "--seed", "2",
                 "--scale", "0.2", "--scores", "--services",
                 "--out", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def policy(tmp_path_factory):
    path = tmp_path_factory.mktemp("policy") / "placement.toml"
    path.write_text('name = "scores"\n[placement]\nscore_weight = 100\n'
                    'services = ["introduction_programme"]\n')
    return path


def test_place_writes_a_checked_placement(county, policy, tmp_path,
                                          capsys):
    """
    Tests that ``allocator place`` exits 0, writes the placement files,
    prints each municipality's use of every quota dimension, and that
    ``--check`` re-verifies the file it wrote.
    """
    out = tmp_path / "out"
    assert main(["place", str(county), "--policy", str(policy),
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Use of every quota dimension" in text
    assert "children" in text
    assert {p.name for p in out.iterdir()} == {
        "placement.json", "placement.csv", "placement.xlsx"}
    assert main(["place", str(county), "--policy", str(policy),
                 "--check", str(out / "placement.json")]) == 0
    assert "OK" in capsys.readouterr().out


def test_place_check_fails_on_a_tampered_placement(county, policy,
                                                   tmp_path, capsys):
    """Tests that --check exits 1 when a placement was edited to break a
    quota."""
    out = tmp_path / "out"
    assert main(["place", str(county), "--policy", str(policy),
                 "--out", str(out)]) == 0
    document = json.loads((out / "placement.json").read_text())
    full = next(u for u in document["municipalities"]
                if any(d["remaining"] == 0 and d["limit"]
                       for d in u["dimensions"]))
    mover = document["unplaced"][0]
    document["unplaced"] = document["unplaced"][1:]
    document["placements"].append({
        "household": mover["household"], "municipality":
        full["municipality"], "priority": mover["priority"],
        "scores": {"pair_score": 0}, "rank": 1, "compatible": 1,
    })
    (out / "placement.json").write_text(json.dumps(document))
    capsys.readouterr()
    assert main(["place", str(county), "--policy", str(policy),
                 "--check", str(out / "placement.json")]) == 1
    assert "violation" in capsys.readouterr().err


def test_place_compare_writes_the_comparison(county, tmp_path, capsys):
    """Tests that --mode compare writes both modes and the comparison as
    JSON and Markdown, and prints the difference."""
    out = tmp_path / "out"
    assert main(["place", str(county), "--mode", "compare",
                 "--time-limit", "30", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Dwelling-first houses" in text
    report = json.loads((out / "comparison.json").read_text())
    assert report["more_housed"] == (report["dwelling_first"]["housed"]
                                     - report["chained"]["housed"])
    assert (out / "comparison.md").read_text().startswith("# Chained")
    assert (out / "chained" / "chained.json").is_file()
    assert (out / "dwelling-first" / "proposal.json").is_file()


@pytest.mark.parametrize(
    ("args", "words"),
    [(["--engine", "gurobi"], "engine 'gurobi' not understood"),
     (["--mode", "sideways"], "mode 'sideways' not understood")],
)
def test_place_refuses_unknown_options(county, tmp_path, capsys, args,
                                       words):
    """Tests that an unknown engine or mode exits 2 naming it."""
    assert main(["place", str(county), "--out", str(tmp_path), *args]) == 2
    assert words in capsys.readouterr().err


def test_place_reports_a_bad_instance_with_exit_2(county, tmp_path,
                                                  capsys):
    """Tests that an invalid placement table gives located problems and
    exit status 2."""
    import shutil

    bad = tmp_path / "bad"
    shutil.copytree(county, bad)
    (bad / "pair_scores.csv").write_text(
        "household,municipality,score\nH-99999,K-1501,0.5\n")
    assert main(["place", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "pair_scores.csv:2" in capsys.readouterr().err


def test_place_tells_one_households_story(county, policy, tmp_path,
                                           capsys):
    """Tests that --household prints where a household was placed and
    why, or why it was not placed and who took the places."""
    out = tmp_path / "out"
    assert main(["place", str(county), "--policy", str(policy),
                 "--out", str(out)]) == 0
    document = json.loads((out / "placement.json").read_text())
    placed = document["placements"][0]["household"]
    capsys.readouterr()
    assert main(["place", str(county), "--policy", str(policy),
                 "--check", str(out / "placement.json"),
                 "--household", placed]) == 0
    assert f"{placed}: placed in" in capsys.readouterr().out
    if document["unplaced"]:
        waiting = document["unplaced"][0]["household"]
        assert main(["place", str(county), "--policy", str(policy),
                     "--check", str(out / "placement.json"),
                     "--household", waiting]) == 0
        assert f"{waiting}: not placed" in capsys.readouterr().out


def _tree(folder):
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file()
                                         else None)
            for p in sorted(folder.rglob("*"))}


@pytest.mark.parametrize(("mode", "module", "writer"), [
    ("placement", "allocator.placement.io", "save_workbook"),
    ("chained", "allocator.placement.io", "write_chained"),
    ("dwelling-first", "allocator.io.proposal", "_sync"),
    ("compare", "allocator.placement.io", "write_comparison"),
])
def test_place_failing_to_write_keeps_the_previous_folder(
        county, policy, tmp_path, capsys, monkeypatch, mode, module, writer):
    """
    Tests that, in every mode, a full disk while the last file is written
    exits 3 with one line and leaves the previous output folder exactly
    as it was (a user's note included), with no temporary folder beside
    it: the folder is replaced as a whole or not at all.
    """
    import importlib

    out = tmp_path / "out"
    args = ["place", str(county), "--policy", str(policy), "--mode", mode,
            "--out", str(out)]
    assert main(args) == 0
    (out / "notes.txt").write_text("mine\n")
    before = _tree(out)
    capsys.readouterr()

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", str(out / "x"))

    monkeypatch.setattr(importlib.import_module(module), writer, full)
    assert main([*args, "--seed", "1"]) == 3
    err = capsys.readouterr().err
    assert "no space left" in err.strip().splitlines()[-1]
    assert "Traceback" not in err
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_place_replaces_another_modes_folder_as_a_whole(county, policy,
                                                        tmp_path):
    """Tests that a placement written over a comparison leaves none of
    the comparison's files behind, but keeps a user's note."""
    out = tmp_path / "out"
    assert main(["place", str(county), "--mode", "compare",
                 "--out", str(out)]) == 0
    (out / "notes.txt").write_text("mine\n")
    assert main(["place", str(county), "--policy", str(policy),
                 "--out", str(out)]) == 0
    assert {p.name for p in out.iterdir()} == {
        "placement.json", "placement.csv", "placement.xlsx", "notes.txt"}
