"""Sweeps run alike in one process, on local processes and on Dask."""

from __future__ import annotations

import dataclasses

import pytest

from allocator.io import read_policy
from allocator.simulate import rule_variants, run_sweep
from models import Policy
from tests.simulate.conftest import SMALL


def _tables(sweep) -> dict:
    return dataclasses.asdict(sweep.tables)


def test_rule_variants_switch_off_one_rule_each(town):
    """Tests that each variant differs from the policy in one section,
    and that rules already off are not offered."""
    policy = Policy()
    variants = dict(rule_variants(policy, town))
    assert "building_cap" not in variants  # off in the default
    assert variants["size_too_small"].size.crowding == "ignore"
    assert variants["area_cap"].dispersion.area_cap_share is None
    need = variants["individual_need"].hard
    assert not need.accessibility and not need.avoid_features
    for name, off in variants.items():
        changed = [k for k in Policy.model_fields
                   if getattr(off, k) != getattr(policy, k)]
        assert len(changed) == 1, (name, changed)


@pytest.mark.slow
def test_same_tables_on_local_processes_and_on_a_dask_cluster(
        town, small_sweep):
    """Tests that the sweep gives identical indicator tables in this
    process, on two local worker processes, and on a local Dask cluster
    of two workers started here."""
    distributed = pytest.importorskip("distributed")
    policies = [("default", read_policy("default"))]
    local = run_sweep(town, policies, SMALL, workers=2)
    assert _tables(local) == _tables(small_sweep)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster:
        remote = run_sweep(town, policies, SMALL,
                           scheduler=cluster.scheduler_address)
    assert remote.backend.startswith("dask")
    assert _tables(remote) == _tables(small_sweep)


def test_labels_must_be_unique_and_not_the_baseline(town):
    """Tests that a policy labelled like the baseline is refused."""
    with pytest.raises(ValueError, match="unique"):
        run_sweep(town, [("fcfs", Policy())], SMALL, workers=1)
    with pytest.raises(ValueError, match="rule_prices"):
        run_sweep(town, [("a", Policy())], SMALL, rule_prices="some",
                  workers=1)


def test_simulated_rule_prices_run_the_policy_with_each_rule_off():
    """Tests --rule-prices simulation: one run per rule and seed, and a
    simulated cost beside the hindsight cost of every rule."""
    from allocator.generate import generate

    rural = generate("rural", seed=0)
    params = SMALL.model_copy(update={"months": 1, "seeds": 1})
    sweep = run_sweep(rural, [("default", Policy())], params,
                      rule_prices="simulation", workers=1)
    rules = dict(rule_variants(Policy(), rural))
    assert len(sweep.runs) == 2 + len(rules)
    assert {r["rule_off"] for r in sweep.tables.rule_prices} == set(rules)
    for row in sweep.tables.rule_prices:
        assert row["simulated_cost_mean"] is not None
        assert row["hindsight_cost_mean"] is not None


def test_rule_variants_price_affordability_and_self_found_dwellings():
    """Tests that the lab prices affordability (when on and some income
    is known) and the reservation of self-found dwellings (when one is in
    the data), each by switching one section off."""
    from tests.factory import dwelling, instance, single

    homes = [dwelling("D-1", 0),
             dwelling("D-2", 0, tenure="self_found", found_by="H-1")]
    data = instance([single(monthly_income_nok=20_000)], homes)
    policy = Policy.model_validate({"affordability": {"mode": "forbid"}})
    variants = dict(rule_variants(policy, data))
    assert variants["affordability"].affordability.mode == "ignore"
    assert variants["self_found"].hard.self_found is False
    for name in ("affordability", "self_found"):
        changed = [k for k in Policy.model_fields
                   if getattr(variants[name], k) != getattr(policy, k)]
        assert len(changed) == 1, (name, changed)
    plain = instance([single()], [dwelling("D-1", 0)])
    assert not {"affordability", "self_found"} & set(
        dict(rule_variants(Policy(), plain)))


def test_the_lab_prices_affordability_and_self_found_on_a_sweep():
    """Tests that a sweep with incomes, a self-found dwelling and the
    affordability limit runs every round (rounds without the finder drop
    its reservation) and prices both rules."""
    from allocator.generate import generate
    from models import Approval, Tenure

    rural = generate("rural", seed=0)
    finder = rural.households[0].id
    home = rural.dwellings[0].model_copy(update={
        "tenure": Tenure.SELF_FOUND, "found_by": finder,
        "municipal_acceptance": Approval.GRANTED,
        "imdi_approval": Approval.GRANTED})
    data = rural.model_copy(update={
        "households": tuple(
            h.model_copy(update={"monthly_income_nok": 12_000.0 + 500 * i})
            for i, h in enumerate(rural.households)),
        "dwellings": (home, *rural.dwellings[1:]),
    })
    policy = Policy.model_validate({"affordability": {"mode": "forbid"}})
    params = SMALL.model_copy(update={"months": 1, "seeds": 1})
    sweep = run_sweep(data, [("afford", policy)], params,
                      rule_prices="simulation", workers=1)
    priced = {r["rule_off"] for r in sweep.tables.rule_prices}
    assert {"affordability", "self_found"} <= priced
