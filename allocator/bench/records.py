"""Run records: the environment, ratios to the limit, quality against the
optimum, and writing them as JSON lines and CSV."""

from __future__ import annotations

import csv
import json
import os
import platform
import statistics
import subprocess
from collections import defaultdict
from importlib import metadata
from pathlib import Path

FIELDS = (
    "suite", "run_id", "family", "instance", "preset", "seed", "scale",
    "households", "dwellings", "pairs", "candidate_pairs",
    "network_representable", "policy", "objective_mode", "engine", "kind",
    "repeat", "time_limit", "status", "proven_optimal", "timed_out",
    "compile_seconds", "build_seconds", "solve_seconds", "explain_seconds",
    "check_seconds", "total_seconds", "process_seconds",
    "limit_solve_seconds",
    "ratio_to_limit", "solve_ratio_to_limit", "memory_mb", "peak_memory_mb",
    "sampled_tree_memory_mb", "baseline_memory_mb",
    "solver_process_memory_mb", "primary", "secondary", "value", "bound",
    "gap", "housed", "housed_within_deadline", "optimum_value",
    "optimum_primary", "optimum_secondary", "optimum_housed",
    "optimum_housed_within_deadline", "optimum_source", "objective_ratio",
    "housed_vs_optimum", "within_deadline_vs_optimum", "limit_value",
    "value_over_limit", "known_primary",
    "known_secondary", "known_value", "known_proven",
    "misses_known_optimum", "check_ok", "check_violations",
    "first_violation", "detail", "error", "wall_limit", "python", "numpy",
    "ortools", "highspy", "pulp", "git_revision", "cpu_model", "cpu_count",
    "started_at",
)
"""Every field of a record, in the order of the CSV columns."""

DERIVED = (
    "memory_mb", "limit_solve_seconds", "ratio_to_limit",
    "solve_ratio_to_limit", "optimum_value",
    "optimum_primary", "optimum_secondary", "optimum_housed",
    "optimum_housed_within_deadline", "optimum_source", "objective_ratio",
    "housed_vs_optimum", "within_deadline_vs_optimum", "limit_value",
    "value_over_limit", "known_primary",
    "known_secondary", "known_value", "known_proven", "misses_known_optimum",
)
"""Fields ``annotate`` computes from the whole run (and recomputes)."""

NO_PROPOSAL = frozenset({"limit"})
"""Methods whose answer is not a proposal (a relaxation): never the
optimum of an instance and never checked."""


def environment() -> dict:
    """Versions, git revision and CPU, the same for every run of a suite."""
    info = {"python": platform.python_version()}
    for package in ("numpy", "ortools", "highspy", "pulp"):
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = None
    info["git_revision"] = git_revision()
    info["cpu_model"] = cpu_model()
    info["cpu_count"] = os.cpu_count()
    return info


def git_revision() -> str:
    """
    The checkout's short revision, with ``+dirty`` when files differ from
    it; ``ALLOCATOR_GIT_REVISION`` wins (for runs outside a checkout).
    """
    if os.environ.get("ALLOCATOR_GIT_REVISION"):
        return os.environ["ALLOCATOR_GIT_REVISION"]
    root = Path(__file__).resolve().parents[2]
    try:
        revision = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root,
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root, capture_output=True, text=True, check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return revision + ("+dirty" if dirty else "")


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# --- annotation --------------------------------------------------------------


def instance_key(record: dict) -> tuple:
    """One instance under one policy: what ratios and optima refer to."""
    return (record["family"], record["seed"], record["policy"])


def finished(record: dict) -> bool:
    """Whether the run produced an answer (a solution, bound or assignment
    whose objective is known)."""
    return record.get("value") is not None and record.get("status") in (
        "optimal", "feasible", "heuristic"
    )


def annotate(records: list[dict], manifest: dict) -> None:
    """
    Adds to every record its ratio to the limit, its quality against the
    optimum of its instance, and the manifest's known optimum.

    The ratio is the run's total time over the median solve time of
    ``limit`` on the same instance and policy in the same run. The optimum
    is the best value any method proved optimal in this run (``limit``
    excepted: it solves a relaxation); failing that, the manifest's proven
    optimum.
    """
    by_instance = defaultdict(list)
    for record in records:
        for name in DERIVED:
            record.pop(name, None)
        by_instance[instance_key(record)].append(record)
    _fill_sizes(records)
    for record in records:
        record["memory_mb"] = _memory(record)
    for key, group in by_instance.items():
        limit_time = _median([
            r["solve_seconds"] for r in group
            if r["engine"] == "limit" and finished(r)
        ])
        limit_value = _median([
            r["value"] for r in group
            if r["engine"] == "limit" and finished(r)
        ])
        optimum = _optimum(group, manifest.get(key))
        known = manifest.get(key)
        for record in group:
            _add_ratio(record, limit_time)
            # The limit's value bounds the optimum: a guaranteed quality
            # even where no method proved an optimum.
            record["limit_value"] = limit_value
            if limit_value and finished(record):
                record["value_over_limit"] = record["value"] / limit_value
            _add_quality(record, optimum)
            _add_known(record, known)


def _memory(record: dict) -> float | None:
    """
    Peak memory of a run: its process's own peak, or what the watchdog saw
    its process and a solver subprocess (CBC under PuLP) hold together,
    whichever is larger.

    The kernel's peak for a child process is no help for the second: a
    child counts its parent's pages until it starts its own program, so
    ``solver_process_memory_mb`` is at least the parent's size then.
    """
    values = [record.get("peak_memory_mb"),
              record.get("sampled_tree_memory_mb")]
    values = [v for v in values if v is not None]
    return max(values) if values else None


def _fill_sizes(records: list[dict]) -> None:
    """Gives runs stopped before they reported the size of their instance
    the size other runs of the same instance reported, or else the
    preset's nominal size."""
    sizes = {}
    for r in records:
        if r.get("households") is not None:
            sizes.setdefault((r["family"], r["seed"]), r)
    for r in records:
        if r.get("households") is not None:
            continue
        known = sizes.get((r["family"], r["seed"]))
        if known is not None:
            for name in ("households", "dwellings", "pairs"):
                r[name] = known.get(name)
        else:
            r["households"], r["dwellings"] = _nominal_size(r)


def _nominal_size(record: dict) -> tuple[int | None, int | None]:
    """The preset's nominal households and dwellings, for a run stopped
    before any run of its instance reported the real ones."""
    from ..generate import PRESETS

    spec = PRESETS.get(record.get("preset"))
    if spec is None:
        return None, None
    scale = record.get("scale") or 1
    return round(spec.households * scale), round(spec.dwellings * scale)


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _optimum(group: list[dict], known: dict | None) -> dict | None:
    proven = [
        r for r in group
        if r["engine"] not in NO_PROPOSAL and r.get("proven_optimal")
        and r.get("check_ok") and finished(r)
    ]
    if proven:
        best = max(proven, key=lambda r: r["value"])
        return {
            "value": best["value"], "primary": best["primary"],
            "secondary": best["secondary"], "housed": best["housed"],
            "within": best["housed_within_deadline"], "source": "run",
        }
    if known and known.get("proven"):
        return {
            "value": known.get("value"), "primary": known["primary"],
            "secondary": known["secondary"], "housed": None,
            "within": None, "source": "manifest",
        }
    return None


def _add_ratio(record: dict, limit_time: float | None) -> None:
    record["limit_solve_seconds"] = limit_time
    total = record.get("total_seconds")
    if record["engine"] == "limit":
        total = record.get("solve_seconds")
    record["ratio_to_limit"] = (
        total / limit_time
        if limit_time and total is not None and finished(record) else None
    )
    # Like for like: the method's solve (its engine, model building
    # included) over the flow's solve, both after the same compile.
    solve = record.get("solve_seconds")
    record["solve_ratio_to_limit"] = (
        solve / limit_time
        if limit_time and solve is not None and finished(record) else None
    )


def _add_quality(record: dict, optimum: dict | None) -> None:
    if optimum is None:
        record["optimum_source"] = None
        return
    record["optimum_value"] = optimum["value"]
    record["optimum_primary"] = optimum["primary"]
    record["optimum_secondary"] = optimum["secondary"]
    record["optimum_housed"] = optimum["housed"]
    record["optimum_housed_within_deadline"] = optimum["within"]
    record["optimum_source"] = optimum["source"]
    if not finished(record):
        return
    if optimum["value"]:
        record["objective_ratio"] = record["value"] / optimum["value"]
    if optimum["housed"] is not None and record.get("housed") is not None:
        record["housed_vs_optimum"] = record["housed"] - optimum["housed"]
        record["within_deadline_vs_optimum"] = (
            record["housed_within_deadline"] - optimum["within"]
        )


def _add_known(record: dict, known: dict | None) -> None:
    if known is None:
        return
    record["known_primary"] = known["primary"]
    record["known_secondary"] = known["secondary"]
    record["known_value"] = known.get("value")
    record["known_proven"] = bool(known.get("proven"))
    if (
        record.get("proven_optimal") and known.get("proven")
        and record["engine"] not in NO_PROPOSAL and finished(record)
    ):
        record["misses_known_optimum"] = not same_objective(record, known)


def same_objective(record: dict, known: dict) -> bool:
    """
    Whether a record's objective equals a known one: the pair (primary,
    secondary) in lexicographic mode; the one weighted sum otherwise,
    since different splits of it are equally optimal.
    """
    if record.get("objective_mode") == "weighted":
        return record["value"] == known.get("value")
    return (record["primary"], record["secondary"]) == (
        known["primary"], known["secondary"]
    )


def failures(records: list[dict], assert_known: bool = True) -> list[str]:
    """
    What fails a suite, in plain words: a product engine that claims
    optimality but misses the manifest's proven optimum, a proposal (or a
    peer's assignment) the checker rejects, and a run that raised an error.
    """
    out = []
    for r in records:
        where = (f"{r['engine']} on {r['instance']} under {r['policy']} "
                 f"(repeat {r['repeat']})")
        if assert_known and r.get("kind") == "engine" and r.get(
            "misses_known_optimum"
        ):
            out.append(
                f"{where} claims optimality with objective "
                f"({r['primary']}, {r['secondary']}) = {r['value']}, but the "
                f"manifest's proven optimum is ({r['known_primary']}, "
                f"{r['known_secondary']}) = {r['known_value']}."
            )
        if r.get("check_ok") is False:
            out.append(f"{where} fails the checker: {r['first_violation']} "
                       f"({r['check_violations']} violation(s)).")
        if r.get("status") == "error":
            out.append(f"{where} raised {r.get('error')}.")
    return out


# --- files -------------------------------------------------------------------


def append_jsonl(path: Path, record: dict) -> None:
    """Appends one record, so that a stopped suite keeps what it ran."""
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, default=str) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def write_jsonl(path: Path, records: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(_ordered(record), default=str) + "\n")


def write_csv(path: Path, records: list[dict]) -> None:
    """Every record with every field (blank where it does not apply)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=FIELDS,
                                extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow(_ordered(record))


def _ordered(record: dict) -> dict:
    out = {name: record.get(name) for name in FIELDS}
    out.update({k: v for k, v in record.items() if k not in out})
    return out
