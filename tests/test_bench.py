"""Benchmark harness: peers, records, table, plots and known optima."""

from __future__ import annotations

import json

import pytest

from allocator.bench import Family, Suite, report_run, run_bench, tasks
from allocator.bench.manifest import read_manifest, update_manifest
from allocator.bench.peers import fcfs, first_come_first_served, limit, naive
from allocator.bench.records import FIELDS
from allocator.check import check_matches
from allocator.compile import compile_instance
from allocator.engines import solve
from allocator.generate import generate
from allocator.io import read_policy
from models import Policy
from tests.factory import dwelling, instance, single


def test_fcfs_gives_the_longest_waiting_the_first_eligible_dwelling():
    """Tests that first come, first served houses households in order of
    waiting, each in the first eligible free dwelling by id, and that its
    answer passes the independent checker."""
    inst = instance(
        [single("H-1", waited=40), single("H-2", waited=200),
         single("H-3", waited=120)],
        [
            # Too large for a single (beyond the allowed surplus).
            dwelling("D-0", 4),
            # Poor, but first by id: practice takes it anyway.
            dwelling("D-1", 1, condition=1),
            dwelling("D-2", 1, condition=5),
        ],
    )
    policy = Policy()
    data = compile_instance(inst, policy)

    assignment, _ = first_come_first_served(inst, data)

    given = {data.household_ids[h]: data.dwelling_ids[d]
             for h, d in enumerate(assignment.tolist()) if d >= 0}
    assert given == {"H-2": "D-1", "H-3": "D-2"}
    matches = [(h, d, False) for h, d in given.items()]
    assert check_matches(inst, policy, matches).ok
    measured = fcfs(inst, policy, data)
    assert measured.check_ok
    assert measured.housed == 2
    assert not measured.proven_optimal


def test_naive_pulp_model_reaches_the_flow_optimum_on_town():
    """Tests that the naive PuLP model, solved with CBC, reaches the same
    (primary, secondary) optimum as the flow engine on the town preset."""
    inst = generate("town", seed=0)
    policy = read_policy("default")
    data = compile_instance(inst, policy,
                            candidates_per_household=len(inst.dwellings))
    flow = solve(compile_instance(inst, policy), engine="flow")

    measured = naive(inst, policy, data, time_limit=120)

    assert measured.proven_optimal
    assert measured.check_ok
    assert (measured.primary, measured.secondary) == flow.objective


@pytest.mark.slow
def test_limit_bounds_every_engine_under_shared_housing():
    """Tests that the limit peer (the network relaxation) is worth at
    least every engine's answer under shared housing, which is not a
    network."""
    inst = generate("town", seed=1)
    policy = read_policy("shared-housing")
    data = compile_instance(inst, policy)
    assert not data.network_representable

    bound = limit(inst, policy, data)

    for engine in ("auto", "mip", "cpsat"):
        result = solve(data, engine=engine, time_limit=60)
        assert result.value <= bound.value, engine


def test_tasks_skip_network_only_methods_under_shared_housing():
    """Tests that flow and the naive model, which have no shared rooms,
    are not run under the shared-housing policy."""
    suite = Suite("t", (Family("tiny", (0,), ("default", "shared-housing"),
                               ("flow", "naive", "auto"), repeats=1),))

    runs = {(t.policy, t.engine) for t in tasks(suite)}

    assert runs == {("default", "flow"), ("default", "naive"),
                    ("default", "auto"), ("shared-housing", "auto")}


def test_tasks_reject_an_unknown_engine():
    """Tests that an engine name the harness does not know is refused."""
    suite = Suite("t", (Family("tiny", (0,), ("default",), ("auto",)),))

    with pytest.raises(ValueError, match="not understood"):
        tasks(suite, engines=["simplex"])


@pytest.mark.slow
def test_run_bench_writes_records_table_and_plots_and_fails_a_wrong_optimum(
    tmp_path,
):
    """Tests that a run writes a record with every field per run, a
    Markdown table and PNG plots, and returns 1 when the manifest holds a
    wrong proven optimum (and 0 once the manifest is right)."""
    suite = Suite("test", (
        Family("tiny", (0,), ("default",), ("auto", "flow", "limit", "fcfs"),
               repeats=1, time_limit=10),
        Family("rural", (0,), ("default",), ("auto", "limit"), repeats=1,
               time_limit=10),
    ))
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(
        '[[instance]]\nfamily = "tiny"\nseed = 0\npolicy = "default"\n'
        'mode = "lexicographic"\nprimary = 1\nsecondary = 2\nvalue = 3\n'
        "proven = true\n",
        encoding="utf-8",
    )
    out = tmp_path / "run"

    code = run_bench(suite, out, manifest_path=wrong)

    assert code == 1
    lines = (out / "records.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 6
    assert all(set(FIELDS) <= set(r) for r in records)
    auto = next(r for r in records if r["engine"] == "auto")
    assert auto["misses_known_optimum"] is True
    assert auto["ratio_to_limit"] is not None
    assert auto["solve_ratio_to_limit"] == pytest.approx(
        auto["solve_seconds"] / auto["limit_solve_seconds"])
    assert auto["households"] == 5 and auto["pairs"] > 0
    assert auto["peak_memory_mb"] > 0
    assert (out / "records.csv").read_text().startswith("suite,")
    assert "| tiny | 5 |" in (out / "table.md").read_text()
    png = (out / "plots" / "time_vs_pairs.png").read_bytes()
    assert png.startswith(b"\x89PNG")

    right = tmp_path / "right.toml"
    update_manifest(records, right)
    assert read_manifest(right)[("tiny", 0, "default")]["proven"]
    assert report_run(out / "records.jsonl", out, manifest_path=right) == 0
