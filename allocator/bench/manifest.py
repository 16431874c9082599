"""
Best known objectives of the benchmark instances (instances/manifest.toml).

The quick suite fails when an engine proves an optimum different from a
proven one here. ``update_manifest`` writes the file from a run's records;
it is run by hand after a full run, and its changes are reviewed like code.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from pathlib import Path

import tomli_w

from ..i18n import _
from .records import NO_PROPOSAL, finished, instance_key, same_objective

MANIFEST = Path(__file__).resolve().parents[2] / "instances" / "manifest.toml"
"""The manifest of the repository."""

HEADER = """\
# Best known objectives of the benchmark instances: one entry per generator
# preset (family), seed and policy preset. `proven = true` means an exact
# method proved (primary, secondary) optimal; the quick suite then fails
# when an engine claims a different optimum. Weighted policies compare
# `value` only (different splits of one weighted sum are equally optimal).
# Written by allocator.bench.update_manifest from a run's records; review
# changes like code: a proven optimum should never change unless the
# generator, the scoring or the policy presets did.

"""


def read_manifest(path: Path = MANIFEST) -> dict[tuple, dict]:
    """The manifest's entries by ``(family, seed, policy)``; empty when
    the file does not exist."""
    if not path.exists():
        return {}
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get(
        "instance", []
    )
    return {(e["family"], e["seed"], e["policy"]): e for e in entries}


def update_manifest(
    records: list[dict], path: Path = MANIFEST
) -> dict[tuple, dict]:
    """
    Merges a run's best objectives into the manifest and writes it.

    For each instance and policy the best checked answer of any method but
    ``limit`` is taken; it replaces the entry when it is proven and the
    entry is not, or when neither is proven and it is better.

    Raises
    ------
    ValueError
        When the run proves an optimum that differs from a proven one in
        the manifest: one of them is wrong, and the file is left as it was.
    """
    entries = read_manifest(path)
    by_instance = defaultdict(list)
    for record in records:
        if (record["engine"] not in NO_PROPOSAL and finished(record)
                and record.get("check_ok")):
            by_instance[instance_key(record)].append(record)
    conflicts = []
    for key, group in sorted(by_instance.items()):
        best = max(group, key=lambda r: (r["value"], r["proven_optimal"]))
        proven = [r for r in group if r["proven_optimal"]]
        if proven:
            best = max(proven, key=lambda r: r["value"])
        old = entries.get(key)
        if old and old.get("proven") and best["proven_optimal"]:
            if not same_objective(best, old):
                conflicts.append(
                    f"{key}: manifest ({old['primary']}, {old['secondary']}),"
                    f" run ({best['primary']}, {best['secondary']}) by "
                    f"{best['engine']}"
                )
            continue
        if old and old.get("proven") and not best["proven_optimal"]:
            continue
        if (old and not best["proven_optimal"]
                and old.get("value", -float("inf")) >= best["value"]):
            continue
        entries[key] = _entry(best)
    if conflicts:
        raise ValueError(_("Proven optima differ from the manifest: "
                           "{conflicts}", conflicts="; ".join(conflicts)))
    write_manifest(entries, path)
    return entries


def _entry(record: dict) -> dict:
    return {
        "family": record["family"],
        "preset": record["preset"],
        "scale": float(record["scale"]),
        "seed": int(record["seed"]),
        "policy": record["policy"],
        "mode": record.get("objective_mode") or "lexicographic",
        "primary": int(record["primary"]),
        "secondary": int(record["secondary"]),
        "value": int(record["value"]),
        "proven": bool(record["proven_optimal"]),
        "found_by": record["engine"],
        "households": int(record["households"]),
        "pairs": int(record["pairs"]),
        "revision": str(record.get("git_revision") or "unknown"),
    }


def write_manifest(entries: dict[tuple, dict], path: Path = MANIFEST) -> None:
    """Writes the entries sorted by family size order, seed and policy."""
    ordered = sorted(
        entries.values(),
        key=lambda e: (e.get("households", 0), e["family"], e["seed"],
                       e["policy"]),
    )
    path.write_text(HEADER + tomli_w.dumps({"instance": ordered}),
                    encoding="utf-8")
