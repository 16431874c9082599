"""
Times the stages of ``allocator solve`` outside the solve (read, compile,
explain, check) and fingerprints what each gives, so that two revisions
can be compared stage by stage on the same instance.

The stages run as ``cli._solve`` and ``pipeline.propose`` chain them; the
solve is replaced by one result kept in a file (``--result``; solved
with ``auto`` and a 30 s limit the first time), so that explain and check
see the same assignment in every run, whatever the revision. Run one
revision through ``PYTHONPATH`` (e.g. a ``git archive`` of it) and the
other as installed, then compare the two ``--out`` files::

    PYTHONPATH=/tmp/base python benchmarks/stage_compare.py NAT \\
        --result /tmp/nat.pkl --out /tmp/base.json
    python benchmarks/stage_compare.py NAT --result /tmp/nat.pkl \\
        --out /tmp/new.json
    diff /tmp/base.json /tmp/new.json   # only "seconds" may differ

The fingerprints are SHA-256 digests of every array and field of the
compiled ``AllocationData``, the class tables behind its pairs, the
proposal as ``proposal.json`` holds it (without its creation time and
git revision) and the checker's report.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from pathlib import Path

import numpy as np


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fingerprints(data, proposal, report) -> dict[str, object]:
    """Digests of the compiled data, the class tables, the proposal and
    the check report."""
    out: dict[str, object] = {}
    for name in data.__dataclass_fields__:
        value = getattr(data, name)
        if isinstance(value, np.ndarray):
            out[name] = [str(value.dtype), list(value.shape),
                         _digest(np.ascontiguousarray(value).tobytes())]
        elif name != "candidates":
            out[name] = _digest(repr(value).encode())
    cand = data.candidates
    if cand is not None:
        out["class_of"] = _digest(np.asarray(cand.class_of).tobytes())
        for name in ("eligible", "quality", "room"):
            rows = hashlib.sha256()
            for row in getattr(cand.tables, name):
                rows.update(np.ascontiguousarray(row).tobytes() + b"|")
            out[f"tables.{name}"] = rows.hexdigest()
        out["tables.excluded"] = _digest(cand.tables.excluded.tobytes())
        out["tables.only"] = _digest(cand.tables.only.tobytes())
    shown = json.loads(proposal.model_dump_json())
    shown["provenance"].pop("created_at", None)
    shown["provenance"].pop("git_revision", None)
    out["proposal"] = _digest(json.dumps(shown, sort_keys=True).encode())
    out["check"] = _digest(repr(report).encode())
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("--result", type=Path, required=True,
                        help="the solve's result, made when missing")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--no-check", action="store_true",
                        help="leave out the check stage")
    args = parser.parse_args(argv)

    from allocator import cli
    from allocator.cautions import silent_loss
    from allocator.check import check_proposal
    from allocator.decisions import derive
    from allocator.engines import solve
    from allocator.explain import build_proposal
    from allocator.pipeline import _settle_locks, _with_decisions

    seconds: dict[str, float] = {}

    def stage(name, run):
        started = time.perf_counter()
        value = run()
        seconds[name] = round(time.perf_counter() - started, 3)
        print(f"{name}: {seconds[name]} s", file=sys.stderr, flush=True)
        return value

    def read():
        instance = cli._read_instance(args.instance)
        return instance, cli._policy_for(cli._read_policy(None), None,
                                         instance)

    instance, policy = stage("read", read)
    derived = derive(instance, policy, None)
    effective, data, set_aside = stage(
        "compile", lambda: _settle_locks(instance, policy, derived, None))
    if args.result.exists():
        result = pickle.loads(args.result.read_bytes())
    else:
        result = solve(data, engine="auto", time_limit=30, seed=0)
        args.result.write_bytes(pickle.dumps(result))

    def explain():
        proposal = build_proposal(instance, policy, data, result)
        proposal = _with_decisions(instance, policy, data, proposal,
                                   derived, set_aside, None, None)
        return proposal.model_copy(
            update={"warnings": tuple(silent_loss(instance, policy))})

    proposal = stage("explain", explain)
    report = None
    if not args.no_check:
        allowed = {(k.household, k.dwelling): (k.rule, k.note)
                   for k in derived.locks.values()
                   if k.decision == "override"}
        report = stage("check", lambda: check_proposal(
            effective, policy, proposal, overrides=allowed, previous=None))
    out = {"seconds": seconds,
           **_fingerprints(data, proposal, report)}
    args.out.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
