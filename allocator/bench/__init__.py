"""
Benchmarks: engines and peers on the instance families, one fresh process
per run, with records, a table of medians and scaling plots.

See benchmarks/README.md for the protocol.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from rich.console import Console

from .manifest import MANIFEST, read_manifest, update_manifest
from .records import (
    annotate,
    append_jsonl,
    environment,
    failures,
    read_jsonl,
    write_csv,
    write_jsonl,
)
from .report import (
    HEADLINE_COLUMNS,
    headline,
    headline_row,
    markdown_table,
    plot_scaling,
)
from .runner import run_tasks
from .suites import FULL, QUICK, SUITES, Family, Suite, Task, tasks

__all__ = [
    "FULL",
    "MANIFEST",
    "QUICK",
    "SUITES",
    "Family",
    "Suite",
    "Task",
    "read_manifest",
    "report_run",
    "run_bench",
    "tasks",
    "update_manifest",
]


def run_bench(
    suite: str | Suite,
    out_dir: Path,
    engines: list[str] | None = None,
    repeats: int | None = None,
    console: Console | None = None,
    manifest_path: Path = MANIFEST,
) -> int:
    """
    Runs a benchmark suite and writes its records, table and plots.

    Parameters
    ----------
    suite
        ``quick``, ``full``, or a ``Suite``.
    out_dir
        Folder for ``records.jsonl``, ``records.csv``, ``table.md``,
        ``headline.json``, ``headline.md`` and ``plots/``.
    engines
        Engines and peers to run; default the suite's.
    repeats
        Runs per configuration; default the suite's.
    manifest_path
        Known optima to assert. Default ``instances/manifest.toml``.

    Returns
    -------
    int
        0 when every run passed; 1 when an engine claiming optimality
        missed the manifest's proven optimum, an answer failed the checker
        or a run raised an error; 2 when the suite or an engine is not
        understood.
    """
    console = console or Console()
    if isinstance(suite, str):
        if suite not in SUITES:
            _say(console, f"Suite {suite!r} not understood; choose one "
                 f"of {', '.join(SUITES)}.")
            return 2
        suite = SUITES[suite]
    try:
        todo = tasks(suite, engines, repeats)
    except ValueError as error:
        _say(console, str(error))
        return 2

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    raw = out_dir / "records.jsonl"
    raw.unlink(missing_ok=True)
    stamp = {
        "suite": suite.name,
        "run_id": dt.datetime.now().strftime("%Y%m%dT%H%M%S"),
        "started_at": dt.datetime.now().isoformat(timespec="seconds"),
        **environment(),
    }
    _say(
        console,
        f"Suite {suite.name}: {len(todo)} runs, each in a fresh process; "
        f"revision {stamp['git_revision']}, {stamp['cpu_model']} "
        f"({stamp['cpu_count']} cores)."
    )

    done = 0

    def record_done(record: dict) -> None:
        nonlocal done
        done += 1
        record.update(stamp)
        append_jsonl(raw, record)
        _say(console, _progress_line(done, len(todo), record))

    records = run_tasks(todo, on_record=record_done)
    return report_run(records, out_dir, console, manifest_path,
                      assert_known=suite.assert_known_optima)


def report_run(
    records: list[dict] | Path,
    out_dir: Path,
    console: Console | None = None,
    manifest_path: Path = MANIFEST,
    assert_known: bool = True,
) -> int:
    """
    Annotates records (ratios, optimum, known optima) and writes the
    files; also for records of a run that was stopped part way
    (``records`` may be the path of its ``records.jsonl``).

    Returns 1 when the records show a failure, else 0.
    """
    console = console or Console()
    if isinstance(records, Path):
        records = read_jsonl(records)
    out_dir = Path(out_dir)
    annotate(records, read_manifest(manifest_path))
    write_jsonl(out_dir / "records.jsonl", records)
    write_csv(out_dir / "records.csv", records)
    table = markdown_table(records)
    (out_dir / "table.md").write_text(table, encoding="utf-8")
    plots = out_dir / "plots"
    plots.mkdir(exist_ok=True)
    for x_field in ("pairs", "households"):
        plot_scaling(records, plots / f"time_vs_{x_field}.png", x_field)
    figures = headline(records)
    (out_dir / "headline.json").write_text(
        json.dumps(figures, indent=2, default=str) + "\n", encoding="utf-8"
    )
    date = str(records[0].get("started_at", ""))[:10] if records else ""
    (out_dir / "headline.md").write_text(
        "| " + " | ".join(HEADLINE_COLUMNS) + " |\n"
        + "|" + " --- |" * len(HEADLINE_COLUMNS) + "\n"
        + headline_row(figures, date) + "\n",
        encoding="utf-8",
    )
    _say(console, table)
    _say(console, f"Records, table and plots in {out_dir}.")
    problems = failures(records, assert_known)
    for problem in problems:
        _say(console, f"FAILED: {problem}")
    if problems:
        _say(console, f"{len(problems)} failure(s).")
        return 1
    return 0


def _progress_line(done: int, total: int, r: dict) -> str:
    status = r.get("status")
    if r.get("proven_optimal"):
        status = "optimal"
    seconds = r.get("total_seconds")
    text = (f"[{done}/{total}] {r['instance']} {r['policy']} {r['engine']} "
            f"#{r['repeat'] + 1}: {status}")
    if seconds is not None:
        text += f" in {seconds:.3f} s"
    if r.get("peak_memory_mb"):
        text += f", {r['peak_memory_mb']:,.0f} MB"
    if r.get("error"):
        text += f" ({r['error']})"
    return text


def _say(console: Console, text: str) -> None:
    """Prints plain text: brackets in it are not Rich markup, and long
    table rows are not wrapped."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)
