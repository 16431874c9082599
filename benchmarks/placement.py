"""
Placement benchmark: households to municipalities on the ``county`` preset
(300 households, 20 municipalities, council decisions in households,
persons and children, imported pair scores), per engine.

Every run must prove optimality and every engine that proves it must
reach the same objective; the script exits 1 otherwise. Times are medians
of ``--repeats`` runs in one process after a warm-up run (imports and
first-call costs excluded), split into the engine (model build and solve,
``solve``) and end to end (compile, solve, proposal, independent check,
``total``)::

    uv run python benchmarks/placement.py                   # mip, 5 runs
    uv run python benchmarks/placement.py --engine mip --engine pulp \\
        --engine cpsat --repeats 3 --out out/bench-placement.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="county")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--policy", default="placement",
                        help="policy preset or TOML file (default: "
                        "placement: scores weighted 100, nationality "
                        "spread); 'scores' for scores without spread")
    parser.add_argument("--engine", action="append", dest="engines")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=120.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    engines = args.engines or ["mip"]

    instance, policy = _instance_and_policy(args.preset, args.seed,
                                            args.policy)
    records, failed, optimum = [], False, {}
    for engine in engines:
        record, ok, objective = _bench_engine(
            instance, policy, engine, args.repeats, args.time_limit
        )
        records.append(record)
        failed = failed or not ok
        if objective is not None:
            optimum[engine] = objective
    if len(set(optimum.values())) > 1:
        print(f"engines disagree: {optimum}")
        failed = True
    if args.out:
        _write(args.out, records)
    return 1 if failed else 0


def _instance_and_policy(preset: str, seed: int, policy_name: str):
    """The preset's instance with pair scores, and the policy, described
    on one line."""
    from allocator.generate import generate
    from allocator.io import read_policy
    from models import Policy

    instance = generate(preset, seed=seed, scores=True)
    if policy_name == "scores":
        policy = Policy.model_validate(
            {"name": "scores", "placement": {"score_weight": 100}}
        )
    else:
        policy = read_policy(policy_name)
    dims = sorted({d.value for m in instance.municipalities
                   for d in m.quotas})
    print(f"{instance.name}: {len(instance.households)} households, "
          f"{len(instance.municipalities)} municipalities, quota dimensions "
          f"{', '.join(dims)}, {len(instance.pair_scores)} pair scores; "
          f"policy {policy.name}")
    return instance, policy


def _run_once(instance, policy, engine: str, time_limit: float):
    """One end-to-end placement: compile, solve, proposal, check; with
    the seconds it all took."""
    from allocator.placement import (
        build_placement_proposal,
        check_placement,
        compile_placement,
        solve_placement,
    )

    start = time.perf_counter()
    data = compile_placement(instance, policy)
    result = solve_placement(data, engine=engine, time_limit=time_limit)
    proposal = build_placement_proposal(instance, policy, data, result)
    report = check_placement(instance, policy, proposal)
    total = time.perf_counter() - start
    return data, result, proposal, report, total


def _bench_engine(instance, policy, engine: str, repeats: int,
                  time_limit: float) -> tuple[dict, bool, tuple | None]:
    """
    One engine's record after a warm-up run: median times of ``repeats``
    runs, and of the last run its outcome. Whether every run passed the
    checker and proved optimality, and the proven objective.
    """
    _run_once(instance, policy, engine, time_limit)  # warm-up
    solves, totals, ok, objective = [], [], True, None
    for _ in range(repeats):
        data, result, proposal, report, total = _run_once(
            instance, policy, engine, time_limit
        )
        solves.append(result.build_seconds + result.solve_seconds)
        totals.append(total)
        if not report.ok:
            print(f"{engine}: checker rejected: {report.violations[:3]}")
            ok = False
        if not result.proven_optimal:
            print(f"{engine}: not proven optimal ({result.status})")
            ok = False
        else:
            objective = result.objective
    used = _quota_use(proposal)
    record = {
        "instance": instance.name,
        "policy": policy.name,
        "engine": result.engine,
        "status": result.status.value,
        "objective": list(result.objective),
        "placed": proposal.kpis.placed,
        "pairs": data.num_pairs,
        "classes": data.num_classes,
        "detail": result.detail,
        "solve_seconds_median": round(statistics.median(solves), 4),
        "total_seconds_median": round(statistics.median(totals), 4),
        "solve_seconds": [round(s, 4) for s in solves],
        "quota_use": used,
    }
    print(f"{engine:6s} {result.status.value:8s} objective "
          f"{result.objective} placed {proposal.kpis.placed}; "
          f"solve median {record['solve_seconds_median']:.3f} s "
          f"(runs {', '.join(f'{s:.3f}' for s in solves)}), end to end "
          f"{record['total_seconds_median']:.3f} s; use {used}")
    return record, ok, objective


def _quota_use(proposal) -> dict:
    """Places of each decision dimension used, given before or placed
    now, summed over municipalities."""
    used = {d.dimension: 0 for d in proposal.municipalities[0].dimensions}
    for u in proposal.municipalities:
        for d in u.dimensions:
            used[d.dimension] += d.given + d.placed
    return used


def _write(out: Path, records: list[dict]) -> None:
    """The records, with the machine they ran on, as JSON."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "machine": {"python": platform.python_version(),
                    "cpus": os.cpu_count(),
                    "load": list(os.getloadavg())},
        "records": records,
    }, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    sys.exit(main())
