"""The ``allocator`` command line."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from models import Proposal

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
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
                                        "region or national")],
    out_path: Annotated[Path, typer.Option("--out", help="Output folder "
                                           "(CSV), .xlsx or .json")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    supply: Annotated[
        float | None,
        typer.Option(help="Dwellings per household (default: preset's)."),
    ] = None,
):
    """Generate a synthetic, seeded instance."""
    from .generate import generate as make
    from .io import write_instance

    try:
        instance = make(preset, seed=seed, supply=supply)
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
        float | None, typer.Option(help="Seconds for the solve.")
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
    """Propose an allocation, check it, and write the proposal files."""
    proposal, instance, pol = _solve(path, policy, engine, time_limit, seed)
    from .io import write_proposal, write_sensitive_export

    written = write_proposal(proposal, out_dir)
    if export_sensitive is not None:
        write_sensitive_export(instance, proposal, export_sensitive, pol)
        err.print(f"[yellow]wrote sensitive data to {export_sensitive} "
                  "(mode 0600): keep it apart from the proposal[/]")
    _print_summary(proposal)
    for p in written:
        out.print(f"wrote {p}")


def _solve(path, policy, engine, time_limit, seed):
    from .check import check_proposal
    from .compile import compile_instance
    from .engines import ENGINES
    from .engines import solve as run
    from .explain import build_proposal

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
        task = progress.add_task("reading instance")
        instance = _read_instance(path)
        pol = _read_policy(policy)
        progress.update(task, description="compiling eligible pairs")
        data = compile_instance(instance, pol)
        progress.update(
            task,
            description=f"solving {data.num_pairs} pairs with {engine}",
        )
        try:
            result = run(data, engine=engine, time_limit=time_limit,
                         seed=seed)
        except ValueError as exc:
            err.print(f"[red]{exc}[/]")
            raise _Stop(INPUT_ERROR) from None
        progress.update(task, description="explaining")
        proposal = build_proposal(instance, pol, data, result,
                                  time_limit=time_limit)
        progress.update(task, description="checking independently")
        report = check_proposal(instance, pol, proposal)
    if not report.ok:
        err.print("[bold red]The independent checker rejected the "
                  "proposal:[/]")
        for v in report.violations:
            err.print(f"  {v}", markup=False)
        raise _Stop(CHECK_FAILED)
    return proposal, instance, pol


def _print_summary(proposal: Proposal):
    k = proposal.kpis
    s = proposal.solver
    table = Table(title="Proposal", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    rows = [
        ("status", f"{proposal.status.value}"
         + (" (proven)" if s.proven_optimal else "")),
        ("engine", s.engine),
        ("eligible pairs", f"{s.num_pairs}"),
        ("build / solve seconds",
         f"{s.build_seconds:.3f} / {s.solve_seconds:.3f}"),
    ]
    if proposal.objective is not None:
        o = proposal.objective
        rows.append(("objective (priority, quality)",
                     f"{o.primary}, {o.secondary}"))
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
    proposal, _, _ = _solve(instance_dir, None, "auto", None, seed)
    written = write_proposal(proposal, out_dir / "proposal")
    _print_summary(proposal)
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
