"""The ``allocator`` command line."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from models import Proposal

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help: rich's help renderer (markdown, syntax) doubles the
    # start-up of every command for boxes around the options.
    rich_markup_mode=None,
    help="Housing allocation for refugee settlement: validate, solve, "
    "check and explain.",
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
log = logging.getLogger("allocator")

INPUT_ERROR = 2
CHECK_FAILED = 1


class _Stop(Exception):
    def __init__(self, code: int):
        self.code = code


def _fail_on_input(problems, what: str):
    from .io import format_problems

    err.print(f"[bold red]{what}: {len(problems)} problem(s)[/]")
    err.print(format_problems(problems), markup=False, highlight=False)
    raise _Stop(INPUT_ERROR)


def _read_instance(path: Path, report=None):
    from .io import InputError, read_instance

    try:
        return read_instance(path, report)
    except InputError as exc:
        _fail_on_input(exc.problems, f"{path} is not a valid instance")


def _read_policy(policy: str | None):
    from models import Policy

    from .io import InputError, read_policy

    if policy is None:
        return Policy()
    try:
        return read_policy(policy)
    except InputError as exc:
        _fail_on_input(exc.problems, f"policy {policy} is not valid")


def _summary_table(rows, title: str) -> Table:
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, value in rows:
        table.add_row(name, str(value))
    return table


@app.command()
def schema(
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the schema files; printed "
                     "when omitted."),
    ] = None,
):
    """Write the JSON Schemas of the instance, policy and proposal."""
    from .io import json_schemas

    schemas = json_schemas()
    if out_dir is None:
        out.print_json(json.dumps(schemas))
        return
    from .io._atomic import write_text_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    for name, body in schemas.items():
        path = out_dir / f"{name}.schema.json"
        write_text_atomic(path, json.dumps(body, indent=2) + "\n")
        out.print(f"wrote {path}")


@app.command()
def validate(
    path: Annotated[Path, typer.Argument(help="CSV folder, .xlsx or .json")],
    policy: Annotated[
        str | None, typer.Option(help="Policy TOML file or preset name.")
    ] = None,
):
    """Check an instance and report every problem (exit 2 when invalid)."""
    from .io import FormatReport, summary_rows

    report = FormatReport()
    instance = _read_instance(path, report)
    if policy is not None:
        _read_policy(policy)
    out.print(_summary_table(summary_rows(instance, report),
                             f"{path}: valid"))


@app.command()
def generate(
    preset: Annotated[str, typer.Option(help="tiny, rural, town, city, "
                                        "county, region or national")],
    out_path: Annotated[Path, typer.Option("--out", help="Output folder "
                                           "(CSV), .xlsx or .json")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    supply: Annotated[
        float | None,
        typer.Option(help="Dwellings per household (default: preset's)."),
    ] = None,
    scale: Annotated[
        float, typer.Option(help="Multiplies the households (keeps the "
                            "municipalities).")
    ] = 1.0,
    dimension: Annotated[
        list[str] | None,
        typer.Option("--dimension", help="A further dimension of the "
                     "council decisions (children, single_adults, ...; "
                     "repeat)."),
    ] = None,
    services: Annotated[
        bool, typer.Option("--services", help="Add the services "
                           "municipalities offer (placement).")
    ] = False,
    scores: Annotated[
        bool, typer.Option("--scores", help="Add imported pair scores of "
                           "households in municipalities (placement).")
    ] = False,
):
    """Generate a synthetic, seeded instance."""
    from .generate import generate as make
    from .io import write_instance

    try:
        instance = make(preset, seed=seed, supply=supply, scale=scale,
                        dimensions=tuple(dimension or ()),
                        services=services, scores=scores)
    except ValueError as exc:
        err.print(f"[red]{exc}[/]")
        raise _Stop(INPUT_ERROR) from None
    write_instance(instance, out_path)
    out.print(
        f"wrote {out_path}: {len(instance.households)} households, "
        f"{len(instance.dwellings)} dwellings (preset {preset}, seed {seed})"
    )


@app.command()
def solve(
    path: Annotated[Path, typer.Argument(help="CSV folder, .xlsx or .json")],
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder")],
    policy: Annotated[
        str | None, typer.Option(help="Policy TOML file or preset name.")
    ] = None,
    engine: Annotated[
        str, typer.Option(help="auto, flow, mip or cpsat")
    ] = "auto",
    time_limit: Annotated[
        float | None,
        typer.Option(help="Seconds for the solve and the marginal values "
                     "of full caps (reading and compiling are not "
                     "counted); the proposal states whether it is proven "
                     "optimal, and its gap if not."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    export_sensitive: Annotated[
        Path | None,
        typer.Option("--export-sensitive", help="Also write each "
                     "household's sensitive fields and how many dwellings "
                     "each individual need rules out to this CSV file. "
                     "Sensitive: keep it apart."),
    ] = None,
):
    """
    Propose an allocation, check it, and write the proposal files.

    Ctrl-C stops the solve and writes the best proposal found so far,
    stating whether it is proven optimal and its bound and gap; a second
    Ctrl-C aborts at once and writes nothing. Seconds and the stop go to
    run.json beside the proposal, so that proposal.json depends only on
    the input, policy, seed and engine settings (and its creation time).
    """
    from models import Status

    from . import interrupt
    from .io import write_proposal, write_sensitive_export

    started = time.perf_counter()
    seconds: dict[str, float] = {}
    with interrupt.sigint_stops(_say_stopping, ABORTED) as ctrl_c:
        # The solve runs beside the main thread, which stays free to take
        # Ctrl-C at once whatever the solver is doing.
        proposal, instance, pol = interrupt.run_beside(
            _solve, path, policy, engine, time_limit, seed, seconds=seconds
        )
        if ctrl_c.stopped and proposal.status not in (Status.OPTIMAL,
                                                      Status.FEASIBLE):
            err.print("[bold red]Stopped before any proposal was found: "
                      f"nothing written; {out_dir} is unchanged.[/]")
            raise _Stop(interrupt.EXIT_INTERRUPTED)
        with ctrl_c.committing():
            mark = time.perf_counter()
            written = write_proposal(proposal, out_dir)
            if export_sensitive is not None:
                write_sensitive_export(instance, proposal, export_sensitive,
                                       pol)
            seconds["write"] = time.perf_counter() - mark
            seconds["total"] = time.perf_counter() - started
            written.append(_write_run_log(proposal, out_dir, seconds,
                                          stopped=ctrl_c.stopped))
    if export_sensitive is not None:
        err.print(f"[yellow]wrote sensitive data to {export_sensitive} "
                  "(mode 0600): keep it apart from the proposal[/]")
    _print_summary(proposal, seconds)
    if ctrl_c.stopped:
        err.print("[yellow]Stopped by Ctrl-C: this is the best proposal "
                  "found so far"
                  + ("" if proposal.solver.proven_optimal
                     else ", not proven optimal") + ".[/]")
    for p in written:
        out.print(f"wrote {p}")


RUN_LOG_NAME = "run.json"
"""The run log beside the proposal files: seconds by stage, and whether
Ctrl-C stopped the solve (``models.proposal.RunLog``)."""


def _say_stopping():
    err.print("[yellow]Ctrl-C: stopping the solve; the best proposal found "
              "so far will be checked and written. Press Ctrl-C again to "
              "abort without writing anything.[/]")


ABORTED = ("Aborted: nothing written; any previous proposal is "
           "unchanged.\n")
"""What a second Ctrl-C during ``solve`` prints before exiting with 130."""


def _write_run_log(proposal: Proposal, out_dir: Path, seconds, stopped):
    from models.proposal import RunLog

    from .io._atomic import write_text_atomic

    log_ = RunLog(
        created_at=proposal.provenance.created_at,
        status=proposal.status,
        engine=proposal.solver.engine,
        time_limit=proposal.solver.time_limit,
        stopped=stopped,
        seconds={k: round(v, 4) for k, v in seconds.items()},
    )
    path = Path(out_dir) / RUN_LOG_NAME
    write_text_atomic(path, log_.model_dump_json(indent=2) + "\n")
    return path


def _solve(path, policy, engine, time_limit, seed, seconds=None):
    """
    Reads, then runs the one solve chain (``pipeline.propose``: compile,
    solve, explain, check); returns ``(proposal, instance, policy)``.
    Fills ``seconds``, when given, with the seconds of each stage (see
    ``models.proposal.RunLog``).
    """
    from .engines import ENGINES
    from .pipeline import propose

    if engine not in ENGINES:
        err.print(f"[red]engine {engine!r} not understood; choose one of "
                  f"{', '.join(ENGINES)}.[/]")
        raise _Stop(INPUT_ERROR)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        stage = _Stages(progress, seconds)
        stage("reading instance", "read")
        instance = _read_instance(path)
        pol = _read_policy(policy)
        if engine == "cpsat":
            # Loaded here, not on the solve's clock: CP-SAT's Python layer
            # takes a second or more to import (it pulls in pandas).
            from .engines import cpsat  # noqa: F401
        try:
            outcome = propose(instance, pol, engine=engine,
                              time_limit=time_limit, seed=seed,
                              on_stage=stage)
        except ValueError as exc:
            err.print(f"[red]{exc}[/]")
            raise _Stop(INPUT_ERROR) from None
        stage.end()
        stage.engine_seconds(outcome.result)
    if not outcome.check.ok:
        err.print("[bold red]The independent checker rejected the "
                  "proposal:[/]")
        for v in outcome.check.violations:
            err.print(f"  {v}", markup=False)
        raise _Stop(CHECK_FAILED)
    return outcome.proposal, instance, pol


class _Stages:
    """
    Names each stage on the progress line and times it.

    When stderr is not a terminal (a log, a test) the solve's start is
    written there as a line of its own, so a long run shows what it is
    doing and that Ctrl-C will find a solve to stop; the other stages stay
    quiet, so that input errors are the only lines of a failed run.
    """

    def __init__(self, progress, seconds):
        self.progress = progress
        self.task = progress.add_task("")
        self.seconds = {} if seconds is None else seconds
        self.current = None
        self.mark = time.perf_counter()

    def __call__(self, description: str, key: str):
        self.end()
        self.current, self.mark = key, time.perf_counter()
        self.progress.update(self.task, description=description)
        if key == "solve" and not err.is_terminal:
            err.print(f"{description} ...", markup=False, highlight=False)

    def end(self):
        if self.current is not None:
            self.seconds[self.current] = time.perf_counter() - self.mark
            self.current = None

    def engine_seconds(self, result):
        self.seconds["engine_build"] = result.build_seconds
        self.seconds["engine_solve"] = result.solve_seconds
        for name, value in result.detail.items():
            if name.endswith("_seconds"):
                try:
                    self.seconds[name.removesuffix("_seconds")] = float(value)
                except ValueError:
                    pass


def _print_summary(proposal: Proposal, seconds=None):
    k = proposal.kpis
    s = proposal.solver
    table = Table(title="Proposal", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    rows = [
        ("status", f"{proposal.status.value}"
         + (" (proven)" if s.proven_optimal
            else " (not proven)" if proposal.objective is not None
            else "")),
        ("engine", s.engine),
        ("eligible pairs", f"{s.num_pairs}"),
    ]
    if seconds and "solve" in seconds:
        rows.append(("compile / solve seconds",
                     f"{seconds.get('compile', 0.0):.3f} / "
                     f"{seconds['solve']:.3f}"))
    if proposal.objective is not None:
        o = proposal.objective
        rows.append(("objective (priority, quality)",
                     f"{o.primary}, {o.secondary}"))
        if not s.proven_optimal:
            if o.bound is not None:
                rows.append(("bound / gap", f"{o.bound} / {o.gap:.4%}"))
            elif o.primary_bound is None:
                rows.append(("bound / gap", "none found"))
            if o.primary_bound is not None:
                gap = (o.primary_bound - o.primary) / max(1, o.primary)
                rows.append(("priority bound / gap",
                             f"{o.primary_bound} / {gap:.4%}"))
                if o.bound is None:
                    # Two stages: the quality stage has no bound of its own.
                    rows.append(("quality bound", "none found"))
    if k is not None:
        rows += [
            ("households housed", f"{k.housed} of {k.households}"),
            ("priority group housed",
             f"{k.housed_priority_group} of {k.priority_group}"),
            ("housed within deadline", f"{k.housed_within_deadline}"),
            ("crowded (SSB)", f"{k.crowded}"),
        ]
    reasons = {}
    for u in proposal.unmatched:
        reasons[u.reason.value] = reasons.get(u.reason.value, 0) + 1
    for reason, n in sorted(reasons.items()):
        rows.append((f"unmatched: {reason.replace('_', ' ')}", str(n)))
    rows.append(("binding caps and quotas", str(len(proposal.binding))))
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)
    for c in proposal.conflicts:
        err.print(f"[yellow]conflict:[/] {c}", markup=True, highlight=False)


@app.command()
def place(
    path: Annotated[Path, typer.Argument(help="CSV folder, .xlsx or .json")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output folder")
    ] = None,
    policy: Annotated[
        str | None, typer.Option(help="Policy TOML file or preset name.")
    ] = None,
    mode: Annotated[
        str, typer.Option(help="placement (households to municipalities), "
                          "chained (placement, then each municipality's "
                          "dwellings), dwelling-first (households "
                          "nationwide for the dwellings) or compare (both, "
                          "and how many more are housed within deadline)")
    ] = "placement",
    engine: Annotated[
        str, typer.Option(help="Placement engine: auto, mip, cpsat, pulp "
                          "or flow")
    ] = "auto",
    dwelling_engine: Annotated[
        str, typer.Option(help="Dwelling-level engine: auto, flow, mip or "
                          "cpsat")
    ] = "auto",
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds for each solve.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    household: Annotated[
        str | None, typer.Option(help="Also print this household's story.")
    ] = None,
    check_file: Annotated[
        Path | None,
        typer.Option("--check", help="Re-verify this placement.json "
                     "against the instance instead of solving."),
    ] = None,
):
    """Place households in municipalities within council decisions."""
    from .placement.cli import run_place

    code = run_place(
        path=path, out_dir=out_dir, policy=policy, mode=mode, engine=engine,
        dwelling_engine=dwelling_engine, time_limit=time_limit, seed=seed,
        household=household, check_file=check_file,
        read_instance=_read_instance, read_policy=_read_policy,
        fail_on_input=_fail_on_input, console=out, errors=err,
    )
    if code:
        raise _Stop(code)


@app.command()
def check(
    path: Annotated[Path, typer.Argument(help="The instance")],
    proposal_path: Annotated[Path, typer.Argument(help="proposal.json")],
    policy: Annotated[
        str | None, typer.Option(help="Policy TOML file or preset name.")
    ] = None,
):
    """Re-verify every hard rule and the objective of a proposal."""
    from .check import check_proposal
    from .io import InputError, read_proposal

    instance = _read_instance(path)
    pol = _read_policy(policy)
    try:
        proposal = read_proposal(proposal_path)
    except InputError as exc:
        _fail_on_input(exc.problems, f"{proposal_path} is not a proposal")
    if policy is None and proposal.provenance.policy_name != pol.name:
        err.print(f"[yellow]the proposal was made with policy "
                  f"{proposal.provenance.policy_name!r}; checking with "
                  f"{pol.name!r}. Pass --policy to match.[/]")
    report = check_proposal(instance, pol, proposal)
    if report.ok:
        out.print(f"[green]OK[/]: {len(proposal.matches)} matches pass "
                  "every hard rule; objective "
                  f"({report.primary}, {report.secondary}) recomputed.")
        return
    err.print(f"[bold red]{len(report.violations)} violation(s):[/]")
    for v in report.violations:
        err.print(f"  {v}", markup=False)
    raise _Stop(CHECK_FAILED)


@app.command()
def explain(
    proposal_path: Annotated[Path, typer.Argument(help="proposal.json")],
    household: Annotated[str, typer.Option(help="Household id")],
):
    """Print one household's story from a proposal."""
    from .io import InputError, read_proposal
    from .story import household_story

    try:
        proposal = read_proposal(proposal_path)
    except InputError as exc:
        _fail_on_input(exc.problems, f"{proposal_path} is not a proposal")
    story = household_story(proposal, household)
    if story is None:
        err.print(f"[red]household {household!r} is not in the proposal.[/]")
        raise _Stop(INPUT_ERROR)
    out.print(story, markup=False, highlight=False)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder")] =
    Path("out/demo"),
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
):
    """Generate a town, validate it, solve, check and explain: the chain."""
    from .generate import generate as make
    from .io import write_instance, write_proposal
    from .story import household_story

    started = time.perf_counter()
    instance_dir = out_dir / "town"
    out.rule("1. generate a town (seeded)")
    write_instance(make("town", seed=seed), instance_dir)
    out.print(f"instance written to {instance_dir}/ (one CSV per table)")
    out.rule("2. validate")
    validate(instance_dir, None)
    out.rule("3. solve with the default policy, check independently")
    seconds: dict[str, float] = {}
    proposal, _, _ = _solve(instance_dir, None, "auto", None, seed,
                            seconds=seconds)
    written = write_proposal(proposal, out_dir / "proposal")
    _print_summary(proposal, seconds)
    out.rule("4. explain")
    for pick in (proposal.matches[:1], proposal.unmatched[:1]):
        for item in pick:
            out.print(household_story(proposal, item.household),
                      markup=False, highlight=False)
            out.print()
    out.rule("outputs")
    for p in written:
        out.print(f"  {p}")
    out.print(f"  {instance_dir}/")
    out.print(
        f"Done in {time.perf_counter() - started:.1f} s. Try: allocator "
        f"explain {out_dir / 'proposal' / 'proposal.json'} --household "
        f"{proposal.matches[0].household if proposal.matches else 'H-001'}"
    )


@app.command()
def bench(
    suite: Annotated[str, typer.Option(help="quick or full")] = "quick",
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder")] =
    Path("out/bench"),
    engines: Annotated[
        list[str] | None,
        typer.Option("--engine", help="Engines and peers to run (repeat); "
                     "default: the suite's."),
    ] = None,
    repeats: Annotated[
        int | None, typer.Option(help="Runs per configuration.")
    ] = None,
):
    """Benchmark engines and peers on the instance families."""
    from .bench import run_bench

    code = run_bench(suite=suite, out_dir=out_dir, engines=engines,
                     repeats=repeats, console=out)
    if code:
        raise _Stop(code)


@app.command()
def simulate(
    path: Annotated[Path, typer.Argument(help="The starting instance: CSV "
                                         "folder, .xlsx or .json")],
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder "
                                          "(report.html, tables, figures)")],
    policies: Annotated[
        list[str] | None,
        typer.Option("--policy", help="Policy TOML file or preset name "
                     "(repeat); first come, first served always runs as "
                     "the baseline. Default: default."),
    ] = None,
    months: Annotated[int | None, typer.Option(help="Months simulated "
                                               "(default 12).")] = None,
    round_: Annotated[
        str | None, typer.Option("--round", help="weekly, biweekly or "
                                 "monthly matching rounds (default weekly).")
    ] = None,
    seeds: Annotated[int | None, typer.Option(help="Seeds (worlds) per "
                                              "policy (default 5).")] = None,
    params_file: Annotated[
        Path | None, typer.Option("--params", help="TOML file of simulation "
                                  "parameters (see docs/indicators.md); "
                                  "options given here override it."),
    ] = None,
    arrivals: Annotated[
        float | None, typer.Option("--arrivals-per-month",
                                   help="Households granted residence per "
                                   "month (default: calibrated).")
    ] = None,
    vacancies: Annotated[
        float | None, typer.Option("--vacancies-per-month",
                                   help="Dwellings freed per month "
                                   "(default: as many as arrive).")
    ] = None,
    rule_prices: Annotated[
        str, typer.Option(help="Price of each rule: hindsight, simulation "
                          "(also simulate with each rule off) or none.")
    ] = "hindsight",
    workers: Annotated[
        int | None, typer.Option(help="Local processes (default: one per "
                                 "core).")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Run on this Dask scheduler "
                                 "(tcp://host:8786) instead.")
    ] = None,
    modes: Annotated[
        list[str] | None,
        typer.Option("--mode", help="National mode to compare (repeat): "
                     "today, chained, dwelling-first; no baseline or "
                     "hindsight then."),
    ] = None,
    search_days: Annotated[
        int | None, typer.Option(help="Today's practice: days a "
                                 "municipality searches for a dwelling "
                                 "(default 30).")
    ] = None,
    round_time_limit: Annotated[
        float | None, typer.Option(help="Seconds each round's solves may "
                                   "take (national runs).")
    ] = None,
):
    """Simulate months of arrivals and vacancies under competing policies."""
    from .simulate.cli import simulate_command

    code = simulate_command(
        path=path, out_dir=out_dir, policies=policies or ["default"],
        overrides={"months": months, "round": round_, "seeds": seeds,
                   "arrivals_per_month": arrivals,
                   "vacancies_per_month": vacancies,
                   "search_days": search_days,
                   "round_time_limit": round_time_limit},
        params_file=params_file, rule_prices=rule_prices, workers=workers,
        scheduler=scheduler, modes=tuple(modes or ()), read_instance=_read_instance,
        read_policy=_read_policy, out=out, err=err,
    )
    if code:
        raise _Stop(code)


@app.command()
def pseudonymise(
    path: Annotated[Path, typer.Argument(help="Instance to pseudonymise")],
    out_path: Annotated[Path, typer.Option("--out", help="Output instance")],
    key: Annotated[Path, typer.Option(help="Where to write the key file "
                                      "(keep it apart from the data)")],
):
    """Replace identifiers with stable pseudonyms; write the key apart."""
    from .pseudonymise import pseudonymise_instance

    try:
        summary = pseudonymise_instance(path, out_path, key)
    except Exception as exc:
        from .io import InputError

        if isinstance(exc, InputError):
            _fail_on_input(exc.problems, f"{path} is not a valid instance")
        raise
    out.print(summary, markup=False, highlight=False)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``allocator`` command."""
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        app(args=argv, standalone_mode=False)
    except _Stop as stop:
        return stop.code
    except typer.Exit as exit_:
        return exit_.exit_code
    except typer.Abort:
        err.print("aborted")
        return 130
    except typer.TyperException as exc:  # usage errors: bad options
        err.print(exc.format_message(), markup=False, highlight=False)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
