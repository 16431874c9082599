"""``allocator simulate`` as a user runs it."""

from __future__ import annotations

import json

import pytest

from allocator.cli import main


@pytest.fixture(scope="module")
def rural(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rural") / "rural"
    assert main(["generate", "--preset", "rural", "--seed", "1",
                 "--out", str(folder)]) == 0
    return folder


def test_simulate_writes_the_report_and_prints_the_headline(
        rural, tmp_path, capsys):
    """Tests a one-month weekly run of two policies and the baseline."""
    out = tmp_path / "lab"
    code = main(["simulate", str(rural), "--months", "1", "--seeds", "1",
                 "--policy", "default", "--policy", "weighted",
                 "--workers", "1", "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "fcfs" in text and "weighted" in text
    assert (out / "report.html").exists()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["policies"] == ["fcfs", "default", "weighted"]
    assert summary["params"]["months"] == 1


def test_simulate_reads_parameters_from_a_toml_file(rural, tmp_path):
    """Tests --params, with a command-line option taking precedence."""
    params = tmp_path / "sim.toml"
    params.write_text("months = 3\nround = 'monthly'\n"
                      "decline_probability = 0.0\n")
    out = tmp_path / "lab"
    assert main(["simulate", str(rural), "--params", str(params),
                 "--months", "1", "--seeds", "1", "--workers", "1",
                 "--rule-prices", "none", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["params"]["months"] == 1
    assert summary["params"]["round"] == "monthly"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent/instance"], "does not exist"),
        (["RURAL", "--policy", "no-such-policy"], "no-such-policy"),
        (["RURAL", "--round", "daily"], "round"),
        (["RURAL", "--seeds", "0"], "seeds"),
        (["RURAL", "--rule-prices", "guess"], "rule-prices"),
    ],
)
def test_simulate_rejects_bad_input_with_exit_2(rural, tmp_path, capsys,
                                                args, message):
    """Tests that a wrong instance path, an unknown policy or a bad
    parameter gives a clear message and exit status 2, writing nothing."""
    args = [str(rural) if a == "RURAL" else a for a in args]
    out = tmp_path / "lab"
    assert main(["simulate", *args, "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_simulate_rejects_a_broken_params_file(rural, tmp_path, capsys):
    """Tests that a params file that is not TOML, or names an unknown
    field, is refused with the file named."""
    bad = tmp_path / "sim.toml"
    bad.write_text("months = [\n")
    assert main(["simulate", str(rural), "--params", str(bad),
                 "--out", str(tmp_path / "lab")]) == 2
    assert "sim.toml" in capsys.readouterr().err
    bad.write_text("weeks = 3\n")
    assert main(["simulate", str(rural), "--params", str(bad),
                 "--out", str(tmp_path / "lab")]) == 2
    assert "weeks" in capsys.readouterr().err


@pytest.mark.slow
def test_simulate_compares_national_modes(tmp_path, capsys):
    """Tests --mode on a small county: the modes side by side, no
    baseline, and the map of decisions fulfilled in the report."""
    county = tmp_path / "county"
    assert main(["generate", "--preset", "county", "--seed", "0",
                 "--scale", "0.15", "--scores", "--out", str(county)]) == 0
    out = tmp_path / "lab"
    code = main(["simulate", str(county), "--months", "1", "--seeds", "1",
                 "--round", "monthly", "--mode", "today",
                 "--mode", "dwelling-first", "--policy", "placement",
                 "--search-days", "0", "--workers", "1",
                 "--out", str(out)])
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["policies"] == ["today", "dwelling-first"]
    assert summary["params"]["search_days"] == 0
    html = (out / "report.html").read_text()
    assert "fig-fulfilment" in html
    rows = (out / "figures" / "fulfilment.csv").read_text().splitlines()
    assert rows[0].startswith("policy,municipality,x,y,fulfilment_mean")
    assert len(rows) > 1
    world = (out / "tables" / "world.csv").read_text().splitlines()
    assert world[0].endswith("rounds_not_proven_mean")
