"""The body of ``allocator simulate`` (kept apart so the CLI stays light)."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

from pydantic import ValidationError

from models import SimulationParams

from ..i18n import N_, _, current
from ..io.problems import message_of

INPUT_ERROR = 2
CHECK_FAILED = 1


def read_params(path: Path | None, overrides: dict) -> SimulationParams:
    """
    Simulation parameters from an optional TOML file, with command-line
    values (those not ``None``) on top.

    Raises
    ------
    ValueError
        With every problem, each naming the file and field.
    """
    data: dict = {}
    label = _("command line")
    if path is not None:
        label = str(path)
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ValueError(_("{path}: file not found.", path=path)) \
                from None
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(_("{path}: TOML not understood: {error}.",
                               path=path, error=exc)) from None
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return SimulationParams.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{label}: {'.'.join(str(p) for p in e['loc']) or 'params'}: "
            f"{message_of(e)}"
            for e in exc.errors()
        ]
        raise ValueError("\n".join(lines)) from None


def labels_for(specs: list[str], policies) -> list[str]:
    """A unique label per policy: its name, else its file's stem, else a
    numbered name; never ``fcfs``, the baseline's label."""
    from .rolling import FCFS

    out: list[str] = []
    for spec, policy in zip(specs, policies, strict=True):
        for candidate in (policy.name, Path(spec).stem):
            if candidate not in out and candidate != FCFS:
                out.append(candidate)
                break
        else:
            k = 2
            while f"{policy.name}-{k}" in out:
                k += 1
            out.append(f"{policy.name}-{k}")
    return out


def simulate_command(*, path, out_dir, policies, overrides, params_file,
                     rule_prices, workers, scheduler, read_instance,
                     read_policy, out, err, modes=()) -> int:
    """Reads the inputs, runs the sweep and writes the report; returns the
    exit status (2 for bad input, 1 when a round fails the checker)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from ..forked import forking
    from .report import write_report
    from .rolling import SimulationError
    from .runner import RULE_PRICES, backend_words, run_sweep

    try:
        params = read_params(params_file, overrides)
    except ValueError as exc:
        err.print(_("simulation parameters are not valid:"),
                  style="bold red")
        err.print(str(exc), markup=False, highlight=False)
        return INPUT_ERROR
    if rule_prices not in RULE_PRICES:
        err.print(_("--rule-prices {value} not understood; choose one of "
                    "{choices}.", value=repr(rule_prices),
                    choices=", ".join(RULE_PRICES)), style="red")
        return INPUT_ERROR
    if workers is not None and workers < 1:
        err.print(_("--workers {workers} not understood; use 1 or more.",
                    workers=workers), style="red")
        return INPUT_ERROR
    instance = read_instance(path)
    chosen = [read_policy(spec) for spec in policies]
    labelled = list(zip(labels_for(policies, chosen), chosen, strict=True))

    started = time.perf_counter()
    with Progress(
        TextColumn(_("simulating")), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), console=err, transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("runs", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            sweep = run_sweep(instance, labelled, params,
                              rule_prices=rule_prices, workers=workers,
                              scheduler=scheduler, progress=progress,
                              modes=modes)
        except SimulationError as exc:
            err.print(f"{exc}", highlight=False, style="bold red")
            return CHECK_FAILED
        except ValueError as exc:
            err.print(f"{exc}", markup=False, highlight=False, style="red")
            return INPUT_ERROR
        except OSError as exc:
            # A Dask scheduler that cannot be reached.
            err.print(_("could not run the sweep: {error}", error=exc),
                      markup=False, highlight=False, style="red")
            return INPUT_ERROR
    with forking():  # the sweep has left both cores free
        report = write_report(sweep, instance, out_dir)
    elapsed = time.perf_counter() - started
    _print_headline(sweep, out)
    out.print(_("{runs} runs and {optima} hindsight optima on {backend} "
                "in {seconds} s", runs=len(sweep.runs),
                optima=len(sweep.hindsights),
                backend=backend_words(sweep.backend),
                seconds=format(elapsed, ".0f")))
    out.print(_("wrote {report} (tables/ and figures/ beside it as CSV)",
                report=report))
    return 0


def _print_headline(sweep, out) -> None:
    from rich.table import Table

    table = Table(title=_("Settled within deadline, of the households "
                          "whose deadline fell within the horizon (mean "
                          "over seeds)"))
    for column in (N_("policy"), N_("all: count"), N_("all: share"),
                   N_("families: count"), N_("families: share"),
                   N_("of hindsight")):
        table.add_column(_(column), justify="right")
    value = {(r["policy"], r["group"], r["indicator"]): r["mean"]
             for r in sweep.tables.indicators}
    ratio = {r["policy"]: r["cohort_ratio_mean"]
             for r in sweep.tables.hindsight}

    def fmt(v, share=False):
        if v is None:
            return "-"
        t = current()
        return t.percent(v) if share else t.number(v, 1)

    for label in sweep.labels:
        table.add_row(
            label,
            fmt(value.get((label, "all", "cohort_within_deadline"))),
            fmt(value.get((label, "all", "within_deadline_share")), True),
            fmt(value.get((label, "families_with_children",
                           "cohort_within_deadline"))),
            fmt(value.get((label, "families_with_children",
                           "within_deadline_share")), True),
            fmt(ratio.get(label), True),
        )
    out.print(table)
