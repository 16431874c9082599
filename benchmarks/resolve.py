"""The re-solve after a decline on the city: time per engine.

Generates the city preset (seed 7), proposes with ``auto``, declines the
middle proposed match (offer, then decline: the pair is banned) and
re-solves with ``--previous`` on each engine, as
``tests/test_decisions.py`` does. Reports in a Markdown table, per engine,
the median over repeats of the engine's build and solve seconds and of the
whole ``propose`` (compile, solve, explain, check), whether the optimum is
proven, the objective (priority, kept matches, quality), the other matches
that changed, and the one-minute load average after the runs. On a shared
machine a load above the number of cores stretches every figure.

With the keep bonus the integer programs' combined objective passes
2**46; mip and cpsat solve priority and kept matches first, held on their
LP's optimal face, then quality (``allocator/engines/face.py``).

Usage::

    uv run python benchmarks/resolve.py                     # about 3 min
    uv run python benchmarks/resolve.py --engine mip --repeats 1
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import timedelta

ENGINES = ("auto", "flow", "classes", "mip", "cpsat")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", action="append", choices=ENGINES)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)

    from allocator.generate import generate
    from allocator.pipeline import propose
    from models import DecisionEvent, DecisionLog, Policy

    inst = generate("city", seed=7)
    before = propose(inst, Policy(), marginal_values=False).proposal
    m = before.matches[len(before.matches) // 2]
    day = inst.as_of - timedelta(days=1)
    log = DecisionLog(events=tuple(
        DecisionEvent(date=day, kind=kind, household=m.household,
                      dwelling=m.dwelling, officer="off-1", **extra)
        for kind, extra in (("offer", {}),
                            ("decline", {"reason": "unsuitable"}))))
    print(f"city seed 7: {len(before.matches)} matched; ban "
          f"{m.household}->{m.dwelling}\n")
    print("| engine | build s | solve s | propose s | proven | priority "
          "| kept | quality | other changes |")
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for engine in args.engine or ENGINES:
        runs = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            out = propose(inst, Policy(), engine=engine,
                          marginal_values=False, decisions=log,
                          previous=before)
            runs.append((out.result.build_seconds, out.result.solve_seconds,
                         time.perf_counter() - start))
            assert out.check.ok, out.check.violations
        p = out.proposal
        o = p.objective
        others = sum(c.household != m.household for c in p.changes)
        build, solve, total = (statistics.median(x) for x in zip(*runs))
        print(f"| {engine} | {build:.1f} | {solve:.1f} | {total:.1f} | "
              f"{p.solver.proven_optimal} | {o.primary} | {o.kept} | "
              f"{o.secondary} | {others} |", flush=True)
    print(f"\nload average after the runs: {os.getloadavg()[0]:.1f} "
          f"({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
