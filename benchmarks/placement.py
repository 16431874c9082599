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

    from allocator.generate import generate
    from allocator.io import read_policy
    from allocator.placement import (
        build_placement_proposal,
        check_placement,
        compile_placement,
        solve_placement,
    )
    from models import Policy

    instance = generate(args.preset, seed=args.seed, scores=True)
    if args.policy == "scores":
        policy = Policy.model_validate(
            {"name": "scores", "placement": {"score_weight": 100}}
        )
    else:
        policy = read_policy(args.policy)
    dims = sorted({d.value for m in instance.municipalities
                   for d in m.quotas})
    print(f"{instance.name}: {len(instance.households)} households, "
          f"{len(instance.municipalities)} municipalities, quota dimensions "
          f"{', '.join(dims)}, {len(instance.pair_scores)} pair scores; "
          f"policy {policy.name}")

    def run(engine):
        start = time.perf_counter()
        data = compile_placement(instance, policy)
        result = solve_placement(data, engine=engine,
                                 time_limit=args.time_limit)
        proposal = build_placement_proposal(instance, policy, data, result)
        report = check_placement(instance, policy, proposal)
        total = time.perf_counter() - start
        return data, result, proposal, report, total

    records, failed, optimum = [], False, {}
    for engine in engines:
        run(engine)  # warm-up: imports, first calls
        solves, totals = [], []
        for _ in range(args.repeats):
            data, result, proposal, report, total = run(engine)
            solves.append(result.build_seconds + result.solve_seconds)
            totals.append(total)
            if not report.ok:
                print(f"{engine}: checker rejected: {report.violations[:3]}")
                failed = True
            if not result.proven_optimal:
                print(f"{engine}: not proven optimal ({result.status})")
                failed = True
            else:
                optimum[engine] = result.objective
        used = {d.dimension: 0 for d in proposal.municipalities[0].dimensions}
        for u in proposal.municipalities:
            for d in u.dimensions:
                used[d.dimension] += d.given + d.placed
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
        records.append(record)
        print(f"{engine:6s} {result.status.value:8s} objective "
              f"{result.objective} placed {proposal.kpis.placed}; "
              f"solve median {record['solve_seconds_median']:.3f} s "
              f"(runs {', '.join(f'{s:.3f}' for s in solves)}), end to end "
              f"{record['total_seconds_median']:.3f} s; use {used}")
    if len(set(optimum.values())) > 1:
        print(f"engines disagree: {optimum}")
        failed = True
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({
            "machine": {"python": platform.python_version(),
                        "cpus": os.cpu_count(),
                        "load": list(os.getloadavg())},
            "records": records,
        }, indent=2) + "\n")
        print(f"wrote {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
