"""
The ``allocator`` command line.

Unlike the other modules this one does not postpone its annotations
(``from __future__ import annotations``): Typer reads every command's
parameters from them each time a command line runs, and annotations
kept as text it must evaluate anew: 0.1 s of every command on a loaded
machine, 0.04 s with the annotations evaluated once, here. Names
imported only for type checking are quoted.
"""

import atexit
import contextlib
import copy
import errno
import functools
import logging
import math
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .engine_catalogue import ENGINES, engine_help
from .i18n import N_, _, ngettext

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from models import Proposal

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help: rich's help renderer (markdown, syntax) doubles the
    # start-up of every command for boxes around the options.
    rich_markup_mode=None,
    help=N_("Housing allocation for refugee settlement: validate, solve, "
            "check and explain."),
)


class _ConsoleOnUse:
    """
    A rich ``Console`` made when it is first used: rich takes 0.05 s or
    more to load, and ``--help`` prints without it.
    """

    def __init__(self, **options):
        self._options = options
        self._console: "Console | None" = None

    def made(self) -> "Console":
        """The console itself, for what takes one (a progress line)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
            if self._console.color_system is None:
                # No colour (a file, a pipe): highlighting numbers and
                # paths would change nothing printed, but its twenty
                # patterns take milliseconds to compile.
                self._console = Console(highlight=False, **self._options)
        return self._console

    def __getattr__(self, name: str):
        return getattr(self.made(), name)


# Markup off: household ids, paths, policy and engine names are user text,
# and rich would read square brackets in them as styles (or fail on them).
# Colour is given with ``style=`` instead.
out = _ConsoleOnUse(soft_wrap=True, markup=False)
err = _ConsoleOnUse(stderr=True, soft_wrap=True, markup=False)
log = logging.getLogger("allocator")

# Exit statuses (documented in the README's "Exit statuses").
CHECK_FAILED = 1
"""The independent checker rejected a proposal."""
INPUT_ERROR = 2
"""Invalid input (every problem located) or a wrong argument."""
OUTPUT_ERROR = 3
"""An output could not be written (not a folder, read-only, no space,
name too long); the previous output folder is left as it was."""
TOO_LARGE = 4
"""An input beyond the documented limits, or more eligible pairs than the
machine's memory holds; refused before the work starts."""
INTERNAL_ERROR = 70
"""A defect of the allocator, not of the input (EX_SOFTWARE)."""
NO_PROPOSAL = 6
"""No proposal found (infeasible, or none within the time limit):
nothing written, any earlier proposal stays."""
LOCKS_SET_ASIDE = 7
"""A proposal written, but locks that could not all hold were set aside
(named in every output)."""


class _Stop(Exception):
    def __init__(self, code: int):
        self.code = code


def _fail_on_input(problems, what: str):
    from .io import format_problems

    err.print(ngettext("{what}: {n} problem", "{what}: {n} problems",
                       len(problems), what=what), style="bold red")
    err.print(format_problems(problems), markup=False, highlight=False)
    raise _Stop(INPUT_ERROR)


def _read_instance(path: Path, report=None):
    from .io import InputError, TooLarge, read_instance

    try:
        return read_instance(path, report)
    except TooLarge as exc:
        # One line each: a refusal before reading is not a list of
        # problems in cells.
        for problem in exc.problems:
            err.print(f"{problem.file}: {problem.message}",
                      style="bold red", markup=False, highlight=False)
        raise _Stop(TOO_LARGE) from None
    except InputError as exc:
        _fail_on_input(exc.problems, _("{path} is not a valid instance",
                                       path=path))
    except OSError as exc:
        err.print(_("{path}: cannot be read: {reason}", path=path,
                    reason=_os_reason(exc)), style="bold red")
        raise _Stop(INPUT_ERROR) from None


def _require_dwellings(instance, command: str):
    """Stop with ``MODE_UNAVAILABLE`` when the dwelling level cannot run
    on the instance (no dwellings, areas, permit dates or members' sex);
    returns the instance."""
    from .requirements import (
        MODE_UNAVAILABLE,
        ModeUnavailable,
        require_dwelling_level,
    )

    try:
        require_dwelling_level(instance, command)
    except ModeUnavailable as exc:
        err.print(str(exc), style="red", markup=False, highlight=False)
        raise _Stop(MODE_UNAVAILABLE) from None
    return instance


def _read_dwelling_instance(path: Path, report=None):
    return _require_dwellings(_read_instance(path, report), "simulate")


def _read_policy(policy: str | None):
    from models import Policy

    from .io import InputError, read_policy

    if policy is None:
        return Policy()
    try:
        return read_policy(policy)
    except InputError as exc:
        _fail_on_input(exc.problems, _("policy {policy} is not valid",
                                       policy=policy))


def _policy_for(pol, policy: str | None, instance):
    """The policy, once its municipal rules name only municipalities of
    the instance."""
    from .io.policy import municipal_problems

    problems = municipal_problems(instance, pol, Path(policy or "").name)
    if problems:
        _fail_on_input(problems, f"policy {policy} does not fit the instance")
    return pol


def _read_decisions(path: Path | None, instance, pol):
    """The decision log at ``path`` (``None`` for none), checked against
    the instance and the policy's offer expiry."""
    if path is None:
        return None
    from .io import InputError
    from .io.decisions import read_decisions

    try:
        return read_decisions(path, instance, pol)
    except InputError as exc:
        _fail_on_input(exc.problems, _("{path} is not a valid decision "
                                       "log", path=path))


def _read_proposal(path: Path):
    """The proposal at ``path`` (its file or folder); stops with every
    problem listed when it is not one."""
    from .io import InputError, read_proposal

    try:
        return read_proposal(path)
    except InputError as exc:
        _fail_on_input(exc.problems, _("{path} is not a proposal",
                                       path=path))


def _read_previous(path: Path | None):
    """The previous proposal at ``path`` (``None`` for none)."""
    return None if path is None else _read_proposal(path)


def _proposal_folder(proposal_path: Path) -> Path:
    """The folder of a proposal named by its file or its folder: where the
    files made from it go by default."""
    return proposal_path if proposal_path.is_dir() else proposal_path.parent


def _summary_table(rows, title: str) -> "Table":
    from rich.table import Table

    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column(_("what"))
    table.add_column(_("count"), justify="right")
    for name, value in rows:
        table.add_row(name, str(value))
    return table


LangOption = Annotated[
    str | None, typer.Option("--lang", help=N_("Language of the messages: "
                                               "nb or en (default: the "
                                               "locale's)."))
]
"""``--lang`` of the commands that only print: read in ``main`` before
the command runs, so that help and every message follow it."""

InstanceArgument = Annotated[Path, typer.Argument(
    help=N_("CSV folder, .xlsx or .json"))]
"""The instance a command reads: a CSV folder, a workbook or a JSON
file."""

OutFolderOption = Annotated[Path, typer.Option("--out",
                                               help=N_("Output folder"))]
"""``--out`` of the commands that write a folder of files."""

PolicyOption = Annotated[
    str | None, typer.Option(help=N_("Policy TOML file or preset name."))
]
"""``--policy``: a policy file or a preset's name (default: default)."""

SeedOption = Annotated[int, typer.Option(help=N_("Random seed."))]
"""``--seed`` of the commands that draw or solve."""

SolveTimeLimitOption = Annotated[
    float | None,
    typer.Option(help=N_("Seconds for the whole command: reading, "
                 "compiling, the solve, explaining, checking and "
                 "writing (it may end a few seconds late on large "
                 "instances); the solve gets what is left. Default "
                 "600 (ten minutes). The proposal states the limit, "
                 "whether it was the default, whether it is proven "
                 "optimal, and its gap if not; run.json whether the "
                 "limit stopped the solve.")),
]
"""``solve --time-limit``: the whole command's seconds."""

SensitiveExportOption = Annotated[
    Path | None,
    typer.Option("--export-sensitive", help=N_("Also write each "
                 "household's sensitive fields and how many dwellings "
                 "each individual need rules out to this CSV file. "
                 "Sensitive: keep it apart.")),
]
"""``solve --export-sensitive``: the sensitive fields, kept apart."""

DecisionLogOption = Annotated[
    Path | None,
    typer.Option("--decisions", help=N_("Decision log (.csv, .xlsx or "
                 ".json): dated offers, accepts, declines, parks, "
                 "locks, bans and overrides; the policy's [decisions] "
                 "says what follows from them.")),
]
"""``solve --decisions``: the decision log the solve follows."""

PreviousProposalOption = Annotated[
    Path | None,
    typer.Option("--previous", help=N_("The previous proposal "
                 "(proposal.json or its folder): keep its matches "
                 "unless changing them houses more priority, and say "
                 "what changed and why.")),
]
"""``solve --previous``: the proposal a re-solve keeps to."""

DocumentLangOption = Annotated[
    str | None, typer.Option("--lang", help=N_("nb or en (default: the "
                                               "locale's)."))
]
"""``--lang`` of the commands that write a document (the template, the
report, the letters): its language."""

OutputLangOption = Annotated[
    str | None,
    typer.Option("--lang", help=N_("Language of report.html and the "
                 "workbook: nb or en (default: the locale's).")),
]
"""``solve --lang``: the language of the files written."""


@app.command()
def schema(
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help=N_("Folder for the schema files; "
                                        "printed when omitted.")),
    ] = None,
):
    """Write the JSON Schemas of the instance, policy and proposal."""
    import json

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
        out.print(_("wrote {path}", path=path))


@app.command()
def template(
    out_path: Annotated[Path, typer.Option(
        "--out", help=N_("The workbook to write (.xlsx)."))],
    lang: DocumentLangOption = None,
):
    """Write an empty input workbook for an office to fill in."""
    from .io.template import write_template

    lang = _lang(lang)
    if out_path.suffix.lower() != ".xlsx":
        err.print(_("{path}: the template is a workbook; name it "
                    "FILE.xlsx.", path=out_path), style="red")
        raise _Stop(INPUT_ERROR)
    try:
        write_template(out_path, lang)
    except OSError as exc:
        err.print(_("{path}: cannot be written: {reason}", path=out_path,
                    reason=_os_reason(exc)), style="bold red")
        raise _Stop(OUTPUT_ERROR) from None
    out.print(_("wrote {path}", path=out_path))


@app.command()
def validate(
    path: InstanceArgument,
    policy: PolicyOption = None,
    lang: LangOption = None,
):
    """Check an instance and report every problem (exit 2 when invalid)."""
    from . import collector

    _lang(lang)
    with collector.loading():
        from .cautions import silent_loss
        from .io import FormatReport, summary_rows
        from .placement.cli import placement_rows

        collector.loaded()
        report = FormatReport()
        instance = _read_instance(path, report)
        pol = _policy_for(_read_policy(policy), policy, instance)
        out.print(_summary_table(
            summary_rows(instance, report) + placement_rows(instance, pol),
            _("{path}: valid", path=path)))
        _print_warnings(silent_loss(instance, pol))


def _print_warnings(warnings, lang: str | None = None) -> None:
    """Warnings for silent loss on stderr, in the language asked for."""
    from rich.text import Text

    from .cautions import warning_text
    from .i18n import current, translator

    t = translator(lang) if lang else current()
    label = t._("warning")
    for w in warnings:
        err.print(Text.assemble((f"{label}:", "yellow"),
                                f" {warning_text(w, t)}"), highlight=False)


@app.command()
def generate(
    preset: Annotated[str, typer.Option(help=N_("tiny, rural, town, city, "
                                        "county, region or national"))],
    out_path: Annotated[Path, typer.Option("--out", help=N_("Output folder "
                                           "(CSV), .xlsx or .json"))],
    seed: SeedOption = 0,
    supply: Annotated[
        float | None,
        typer.Option(help=N_("Dwellings per household (default: preset's).")),
    ] = None,
    scale: Annotated[
        float, typer.Option(help=N_("Multiplies the households (keeps the "
                            "municipalities)."))
    ] = 1.0,
    dimension: Annotated[
        list[str] | None,
        typer.Option("--dimension", help=N_("A further dimension of the "
                     "council decisions (children, single_adults, ...; "
                     "repeat).")),
    ] = None,
    services: Annotated[
        bool, typer.Option("--services", help=N_("Add the services "
                           "municipalities offer (placement)."))
    ] = False,
    scores: Annotated[
        bool, typer.Option("--scores", help=N_("Add imported pair scores of "
                           "households in municipalities (placement)."))
    ] = False,
    lang: LangOption = None,
):
    """Generate a synthetic, seeded instance."""
    _lang(lang)
    from .generate import generate as make
    from .io import write_instance

    try:
        instance = make(preset, seed=seed, supply=supply, scale=scale,
                        dimensions=tuple(dimension or ()),
                        services=services, scores=scores)
    except ValueError as exc:
        err.print(f"{exc}", style="red")
        raise _Stop(INPUT_ERROR) from None
    write_instance(instance, out_path)
    out.print(_(
        "wrote {path}: {households} households, {dwellings} dwellings "
        "(preset {preset}, seed {seed})", path=out_path,
        households=len(instance.households),
        dwellings=len(instance.dwellings), preset=preset, seed=seed))


@app.command()
def solve(
    path: InstanceArgument,
    out_dir: OutFolderOption,
    policy: PolicyOption = None,
    engine: Annotated[
        str, typer.Option(help=engine_help(False))
    ] = "auto",
    time_limit: SolveTimeLimitOption = None,
    seed: SeedOption = 0,
    export_sensitive: SensitiveExportOption = None,
    decisions: DecisionLogOption = None,
    previous: PreviousProposalOption = None,
    lang: OutputLangOption = None,
):
    """
    Propose an allocation, check it, and write the proposal files and
    report.html beside them.

    A proposal already in the output folder moves to
    OUT/history/<its created_at>/ first. A round without a proposal
    (infeasible, or none found in time) writes nothing and exits 6; locks
    that cannot all hold are set aside, named, and the rest is solved
    (exit 7). Every exit status is listed in the README.

    Ctrl-C stops the solve and writes the best proposal found so far,
    stating whether it is proven optimal and its bound and gap; a second
    Ctrl-C aborts at once and writes nothing. Seconds and the stop go to
    run.json beside the proposal, so that proposal.json depends only on
    the input, policy, seed and engine settings (and its creation time),
    and its explanations on the language (--lang or the locale).
    """
    from . import collector
    from .build_info import ask_git_revision

    # The proposal's provenance names the revision: git answers while
    # the instance is read and compiled, not after the explanation.
    ask_git_revision()
    # Paused until ``_solve`` has loaded its modules (see ``collector``).
    with collector.loading():
        # Both consoles serve every solve: made (and rich loaded) here,
        # their objects are frozen with the modules instead of set off
        # passes of the collector in the middle of the solve.
        out.made()
        err.made()
        _solve_command(path, out_dir, policy, engine, time_limit, seed,
                       export_sensitive, decisions, previous, lang)


def _solve_command(path, out_dir, policy, engine, time_limit, seed,
                   export_sensitive, decisions, previous, lang) -> None:
    """What ``solve`` does: check the arguments, solve beside the main
    thread, write the files and say what was done."""
    from . import interrupt

    _check_solve_arguments(path, out_dir, policy, time_limit, seed,
                           export_sensitive)
    lang = _lang(lang)
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    with interrupt.sigint_stops(_say_stopping, _(ABORTED)) as ctrl_c:
        # The solve runs beside the main thread, which stays free to take
        # Ctrl-C at once whatever the solver is doing.
        proposal, instance, pol = interrupt.run_beside(
            _solve, path, policy, engine,
            DEFAULT_TIME_LIMIT if time_limit is None else time_limit, seed,
            seconds=seconds, decisions=decisions, previous=previous,
            started=started,
        )
        if time_limit is None:
            proposal = proposal.model_copy(update={
                "solver": proposal.solver.model_copy(
                    update={"time_limit_default": True})})
        _stop_without_proposal(proposal, seconds, out_dir, ctrl_c.stopped)
        with ctrl_c.committing():
            written = _write_solve_files(
                proposal, instance, pol, path, out_dir, lang, seconds,
                started, ctrl_c, export_sensitive)
    _print_solve_outcome(proposal, seconds, lang, written, ctrl_c.stopped,
                         export_sensitive)


def _check_solve_arguments(path, out_dir, policy, time_limit, seed,
                           export_sensitive) -> None:
    """Refuses (exit 2) a time limit, seed, sensitive export or output
    folder ``solve`` cannot use, before anything is read."""
    _check_time_limit(time_limit)
    _check_seed(seed)
    if export_sensitive is not None:
        _check_export(export_sensitive, path, policy, out_dir)
    _check_output_folder(out_dir)


def _stop_without_proposal(proposal, seconds, out_dir, stopped: bool):
    """Exits, writing nothing, when the solve gave no proposal: 130 when
    Ctrl-C stopped it first, else 6 after the summary."""
    from models import Status

    from . import interrupt

    if proposal.status in (Status.OPTIMAL, Status.FEASIBLE):
        return
    if stopped:
        err.print(_("Stopped before any proposal was found: nothing "
                    "written; {out} is unchanged.", out=out_dir),
                  style="bold red")
        raise _Stop(interrupt.EXIT_INTERRUPTED)
    _print_summary(proposal, seconds)
    err.print(_("No proposal ({status}): nothing written; {out} "
                "is unchanged.", status=proposal.status.value,
                out=out_dir), style="bold red")
    raise _Stop(NO_PROPOSAL)


def _write_solve_files(proposal, instance, pol, path, out_dir, lang,
                       seconds, started, ctrl_c, export_sensitive) -> list:
    """
    Writes the proposal files, report.html and run.json (timed to the
    last moment, so that run.json holds the writing's seconds too), and
    the sensitive export when asked for; returns the files written.
    """
    from .io import write_sensitive_export

    mark = time.perf_counter()

    def run_log() -> str:
        seconds["write"] = time.perf_counter() - mark
        seconds["total"] = time.perf_counter() - started
        return _run_log(proposal, seconds, stopped=ctrl_c.stopped,
                        limit_stopped=_limit_stopped(
                            proposal, ctrl_c.stopped))

    # The proposal files, report.html and run.json replace the folder as
    # a whole, with the earlier proposal kept in its history; the export
    # lies outside it (``_check_export``).
    written = _write_proposal_files(
        proposal, instance, pol, path, out_dir, lang,
        extra={RUN_LOG_NAME: run_log})
    if export_sensitive is not None:
        write_sensitive_export(instance, proposal, export_sensitive, pol)
    return written


def _print_solve_outcome(proposal, seconds, lang, written, stopped: bool,
                         export_sensitive) -> None:
    """Prints what ``solve`` did: the export's caution, the summary, the
    warnings, a Ctrl-C stop, the files written and the locks set aside
    (then exit 7)."""
    if export_sensitive is not None:
        err.print(_("wrote sensitive data to {path} (mode 0600): keep it "
                    "apart from the proposal", path=export_sensitive),
                  style="yellow")
    _print_summary(proposal, seconds)
    _print_warnings(proposal.warnings, lang)
    if stopped:
        err.print(_("Stopped by Ctrl-C: this is the best proposal found "
                    "so far.") if proposal.solver.proven_optimal
                  else _("Stopped by Ctrl-C: this is the best proposal "
                         "found so far, not proven optimal."),
                  style="yellow")
    for p in written:
        out.print(_("wrote {path}", path=p))
    if proposal.set_aside:
        err.print(ngettext("{n} lock set aside: see above and the "
                           "proposal's decisions.",
                           "{n} locks set aside: see above and the "
                           "proposal's decisions.", len(proposal.set_aside)),
                  style="bold yellow")
        raise _Stop(LOCKS_SET_ASIDE)


def _lang(lang: str | None) -> str:
    """The language asked for (or the locale's); exit 2 when unknown."""
    from .i18n import resolve_lang

    try:
        return resolve_lang(lang)
    except ValueError as exc:
        err.print(str(exc), style="red")
        raise _Stop(INPUT_ERROR) from None


def _write_proposal_files(proposal, instance, pol, path, out_dir,
                          lang, extra=None) -> list:
    """The proposal files (the workbook for people, the CSV in the
    input's dialect), ``report.html`` and any ``extra`` files, replacing
    the output folder as a whole and keeping the earlier proposal in its
    history; the JSON, the CSV and the report are written by a forked
    child while the workbook is made here (one run in this process: the
    other core is free)."""
    from .io import write_proposal
    from .office.report import REPORT_NAME, report_html
    from .office.workbook import sniff_dialect

    return write_proposal(
        proposal, out_dir, instance=instance, lang=lang,
        dialect=sniff_dialect(path), policy=pol, keep_history=True,
        fork=True,
        extra={REPORT_NAME: lambda: report_html(proposal, instance, lang,
                                                pol),
               **(extra or {})})


RUN_LOG_NAME = "run.json"
"""The run log beside the proposal files: seconds by stage, and whether
Ctrl-C stopped the solve (``models.proposal.RunLog``)."""


def _say_stopping():
    err.print(_("Ctrl-C: stopping the solve; the best proposal found "
                "so far will be checked and written. Press Ctrl-C again to "
                "abort without writing anything."), style="yellow")


ABORTED = N_("Aborted: nothing written; any previous proposal is "
             "unchanged.\n")
"""What a second Ctrl-C during ``solve`` prints before exiting with 130."""


DEFAULT_TIME_LIMIT = 600.0
"""Seconds a ``solve`` runs at most when no ``--time-limit`` is given
(ten minutes): long enough for every benchmark instance to reach a small
gap, short enough that a forgotten run ends (README, "Time limits")."""

PROGRESS_SECONDS = 10.0
"""How often a solve's progress (best, bound, gap, elapsed) goes to
stderr; a solve shorter than this shows none."""


def _limit_stopped(proposal: "Proposal", ctrl_c: bool) -> bool:
    """Whether the time limit ended the solve: a proposal not proven
    optimal that Ctrl-C did not stop."""
    return (not ctrl_c and proposal.solver.time_limit is not None
            and not proposal.solver.proven_optimal)


def _progress_printer():
    """A ``progress`` listener writing a line to stderr at most every
    ``PROGRESS_SECONDS``."""
    from .progress import gap

    last = [0.0]

    def show(stage, best, bound, elapsed):
        if elapsed - last[0] < PROGRESS_SECONDS:
            return
        last[0] = elapsed
        g = gap(best, bound)
        best_text = _("none yet") if best is None else f"{best:.1f}"
        bound_text = (_("none yet") if bound is None
                      or not math.isfinite(bound) else f"{bound:.1f}")
        gap_text = _("unknown") if g is None else f"{g:.4%}"
        err.print("  " + _("{seconds} s: {stage}: best {best}, bound "
                           "{bound}, gap {gap}",
                           seconds=format(elapsed, ".0f"), stage=stage,
                           best=best_text, bound=bound_text, gap=gap_text),
                  markup=False, highlight=False)

    return show


def _run_log(proposal: "Proposal", seconds, stopped,
             limit_stopped=False) -> str:
    from models.proposal import RunLog

    log_ = RunLog(
        created_at=proposal.provenance.created_at,
        status=proposal.status,
        engine=proposal.solver.engine,
        time_limit=proposal.solver.time_limit,
        time_limit_default=proposal.solver.time_limit_default,
        limit_stopped=limit_stopped,
        stopped=stopped,
        seconds={k: round(v, 4) for k, v in seconds.items()},
    )
    return log_.model_dump_json(indent=2) + "\n"


def _solve(path, policy, engine, time_limit, seed, seconds=None,
           decisions=None, previous=None, started=None):
    """
    Reads, then runs the one solve chain (``pipeline.propose``: compile,
    solve, explain, check); returns ``(proposal, instance, policy)``.
    Fills ``seconds``, when given, with the seconds of each stage (see
    ``models.proposal.RunLog``).
    """
    from . import collector
    from .engines import NotRepresentable
    from .pipeline import propose
    from .progress import listen

    collector.loaded()
    if engine not in ENGINES:
        err.print(_("engine {engine!r} not understood; choose one of "
                    "{choices}.", engine=engine, choices=", ".join(ENGINES)),
                  style="red")
        raise _Stop(INPUT_ERROR)
    with _progress_line() as progress:
        stage = _Stages(progress, seconds)
        stage(_("reading instance"), "read")
        instance = _require_dwellings(_read_instance(path), "solve")
        pol = _policy_for(_read_policy(policy), policy, instance)
        log_ = _read_decisions(decisions, instance, pol)
        before = _read_previous(previous)
        if engine == "cpsat":
            # Loaded here, not on the solve's clock: CP-SAT's Python layer
            # takes a second or more to import (it pulls in pandas).
            from .engines import cpsat  # noqa: F401
        try:
            with listen(_progress_printer()):
                outcome = propose(instance, pol, engine=engine,
                                  time_limit=time_limit, seed=seed,
                                  on_stage=stage, decisions=log_,
                                  previous=before, started=started,
                                  fork=True)
        except NotRepresentable as exc:
            # The engine asked for does not cover this policy's rules: a
            # wrong argument. Any other error is a defect (see ``main``).
            err.print(f"--engine {engine}: {exc}", style="red")
            raise _Stop(INPUT_ERROR) from None
        stage.end()
        stage.engine_seconds(outcome.result)
    if not outcome.check.ok:
        err.print(_("The independent checker rejected the proposal:"),
                  style="bold red")
        for v in outcome.check.violations:
            err.print(f"  {v}", markup=False)
        raise _Stop(CHECK_FAILED)
    return outcome.proposal, instance, pol


def _progress_line():
    """
    The solve's progress line on stderr (a spinner, the stage, its
    seconds) where stderr is a terminal; elsewhere a stand-in that draws
    nothing, as rich's would not either, without loading it.
    """
    if not err.is_terminal:
        return _NoProgressLine()
    from rich.progress import (
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        TimeElapsedColumn(),
        console=err.made(),
        transient=True,
    )


class _NoProgressLine:
    """A progress line that shows nothing (stderr is not a terminal)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False

    def add_task(self, description: str) -> int:
        return 0

    def update(self, task: int, description: str) -> None:
        pass


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
        from . import collector

        self.end()
        self.current, self.mark = key, time.perf_counter()
        # What the stages before made lives on (see ``collector``).
        collector.settled()
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
        self.seconds.update(result.stats.seconds())


def _print_summary(proposal: "Proposal", seconds=None):
    """Prints the proposal's key figures as a table, then its set-aside
    locks, overrides and changes."""
    from rich.table import Table

    table = Table(title=_("Proposal"), show_header=False)
    table.add_column(_("what"))
    table.add_column(_("value"), justify="right")
    rows = (_solver_rows(proposal, seconds) + _objective_rows(proposal)
            + _outcome_rows(proposal))
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)
    _print_decision_lines(proposal)


def _solver_rows(proposal: "Proposal", seconds) -> list[tuple[str, str]]:
    """The summary's rows on the solve: status, engine, pairs, the time
    limit and the seconds."""
    s = proposal.solver
    rows = [
        (_("status"), _("{status} (proven)", status=proposal.status.value)
         if s.proven_optimal
         else _("{status} (not proven)", status=proposal.status.value)
         if proposal.objective is not None
         else f"{proposal.status.value}"),
        (_("engine"), s.engine),
        (_("eligible pairs"), f"{s.num_pairs}"),
    ]
    if s.time_limit is not None:
        rows.append((_("time limit (whole command)"),
                     f"{s.time_limit:g} s"
                     + (" " + _("(default)") if s.time_limit_default
                        else "")
                     + ("" if s.proven_optimal
                        or proposal.objective is None
                        else ", " + _("reached"))))
    if seconds and "solve" in seconds:
        rows.append((_("compile / solve seconds"),
                     f"{seconds.get('compile', 0.0):.3f} / "
                     f"{seconds['solve']:.3f}"))
    return rows


def _objective_rows(proposal: "Proposal") -> list[tuple[str, str]]:
    """The summary's rows on the objective, and its bounds and gaps when
    it is not proven optimal."""
    o = proposal.objective
    if o is None:
        return []
    rows = [(_("objective (priority, quality)"),
             f"{o.primary}, {o.secondary}")]
    if proposal.solver.proven_optimal:
        return rows
    if o.bound is not None:
        rows.append((_("bound / gap"), f"{o.bound} / {o.gap:.4%}"))
    elif o.primary_bound is None:
        rows.append((_("bound / gap"), _("none found")))
    if o.primary_bound is not None:
        gap = (o.primary_bound - o.primary) / max(1, o.primary)
        rows.append((_("priority bound / gap"),
                     f"{o.primary_bound} / {gap:.4%}"))
        if o.bound is None:
            # Two stages: the quality stage has no bound of its own.
            rows.append((_("quality bound"), _("none found")))
    return rows


def _outcome_rows(proposal: "Proposal") -> list[tuple[str, str]]:
    """The summary's rows on who is housed, who waits and why, and what
    the decisions did."""
    from .story import UNMATCHED_TEXT

    k = proposal.kpis
    rows = []
    if k is not None:
        rows += [
            (_("households housed"), _("{part} of {whole}", part=k.housed,
                                        whole=k.households)),
            (_("priority group housed"),
             _("{part} of {whole}", part=k.housed_priority_group,
               whole=k.priority_group)),
            (_("housed within deadline"), f"{k.housed_within_deadline}"),
            (_("crowded (SSB)"), f"{k.crowded}"),
        ]
    reasons = {}
    for u in proposal.unmatched:
        reasons[u.reason.value] = reasons.get(u.reason.value, 0) + 1
    for reason, n in sorted(reasons.items()):
        rows.append((_("unmatched: {reason}",
                       reason=_(UNMATCHED_TEXT.get(reason, reason))),
                     str(n)))
    rows.append((_("binding caps and quotas"), str(len(proposal.binding))))
    if proposal.objective is not None and proposal.objective.kept is not None:
        rows.append((_("previous matches kept / changed"),
                     f"{proposal.objective.kept} / "
                     f"{len(proposal.changes)}"))
    if proposal.overrides:
        rows.append((_("overrides (hard rule broken on purpose)"),
                     str(len(proposal.overrides))))
    if proposal.set_aside:
        rows.append((_("locks set aside"), str(len(proposal.set_aside))))
    return rows


def _print_decision_lines(proposal: "Proposal") -> None:
    """Prints each lock set aside, each override and the first twenty
    changes against the previous proposal to stderr."""
    from rich.text import Text

    for c in proposal.conflicts:
        err.print(Text.assemble((_("lock set aside:"), "yellow"), f" {c}"),
                  highlight=False)
    for o in proposal.overrides:
        err.print(Text.assemble((_("override:"), "yellow"),
                                f" {o.message}"),
                  highlight=False)
    for c in proposal.changes[:20]:
        err.print(_("changed: {change}", change=c.message),
                  highlight=False)
    if len(proposal.changes) > 20:
        err.print(_("changed: ... and {n} more (see the proposal)",
                    n=len(proposal.changes) - 20), highlight=False)


@app.command()
def place(
    path: InstanceArgument,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help=N_("Output folder"))
    ] = None,
    policy: PolicyOption = None,
    mode: Annotated[
        str, typer.Option(help=N_("placement (households to municipalities), "
                          "chained (placement, then each municipality's "
                          "dwellings), dwelling-first (households "
                          "nationwide for the dwellings) or compare (both, "
                          "and how many more are housed within deadline)"))
    ] = "placement",
    engine: Annotated[
        str, typer.Option(help=N_("Placement engine: auto, mip, cpsat, pulp "
                          "or flow"))
    ] = "auto",
    dwelling_engine: Annotated[
        str, typer.Option(help=N_("Dwelling-level engine: auto, flow, mip or "
                          "cpsat"))
    ] = "auto",
    time_limit: Annotated[
        float | None, typer.Option(help=N_("Seconds for each solve."))
    ] = None,
    seed: SeedOption = 0,
    household: Annotated[
        str | None, typer.Option(help=N_("Also print this household's story."))
    ] = None,
    check_file: Annotated[
        Path | None,
        typer.Option("--check", help=N_("Re-verify this placement.json "
                     "against the instance instead of solving.")),
    ] = None,
    lang: LangOption = None,
):
    """Place households in municipalities within council decisions."""
    _lang(lang)
    from .cautions import silent_loss
    from .placement.cli import run_place

    seen = {}

    def read_instance(p):
        seen["instance"] = _read_instance(p)
        return seen["instance"]

    def read_policy(p):
        pol = _read_policy(p)
        _print_warnings(silent_loss(seen["instance"], pol))
        return pol

    code = run_place(
        path=path, out_dir=out_dir, policy=policy, mode=mode, engine=engine,
        dwelling_engine=dwelling_engine, time_limit=time_limit, seed=seed,
        household=household, check_file=check_file,
        read_instance=read_instance, read_policy=read_policy,
        fail_on_input=_fail_on_input, console=out.made(), errors=err.made(),
    )
    if code:
        raise _Stop(code)


@app.command()
def check(
    path: Annotated[Path, typer.Argument(help=N_("The instance"))],
    proposal_path: Annotated[Path, typer.Argument(help=N_("proposal.json"))],
    policy: PolicyOption = None,
    decisions: Annotated[
        Path | None,
        typer.Option("--decisions", help=N_("The decision log the proposal "
                     "was made with.")),
    ] = None,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help=N_("The previous proposal it was "
                     "made from.")),
    ] = None,
    lang: LangOption = None,
):
    """Re-verify every hard rule and the objective of a proposal."""
    _lang(lang)
    from .pipeline import check_with_decisions

    instance = _require_dwellings(_read_instance(path), "check")
    pol = _read_policy(policy)
    log_ = _read_decisions(decisions, instance, pol)
    before = _read_previous(previous)
    proposal = _read_proposal(proposal_path)
    if policy is None and proposal.provenance.policy_name != pol.name:
        err.print(_("the proposal was made with policy {made!r}; checking "
                    "with {used!r}. Pass --policy to match.",
                    made=proposal.provenance.policy_name, used=pol.name),
                  style="yellow")
    report = check_with_decisions(instance, pol, proposal, log_, before)
    if report.ok:
        from rich.text import Text

        out.print(Text.assemble(
            (_("OK"), "green"),
            _(": {n} matches pass every hard rule; objective ({primary}, "
              "{secondary}) recomputed.", n=len(proposal.matches),
              primary=report.primary, secondary=report.secondary)))
        return
    err.print(ngettext("{n} violation:", "{n} violations:",
                       len(report.violations)), style="bold red")
    for v in report.violations:
        err.print(f"  {v}", markup=False)
    raise _Stop(CHECK_FAILED)


@app.command()
def explain(
    proposal_path: Annotated[Path, typer.Argument(
        help=N_("The proposal: proposal.json, proposal.xlsx (read from the "
        "proposal.json beside it) or their folder"))],
    household: Annotated[
        str | None, typer.Option(help=N_("Household id"))] = None,
    all_to: Annotated[
        Path | None,
        typer.Option("--all", help=N_("Write every household's story to "
                                      "this text file")),
    ] = None,
    lang: LangOption = None,
):
    """Print one household's story from a proposal, or write them all."""
    _lang(lang)
    from .io._atomic import write_text_atomic
    from .story import household_story

    if proposal_path.suffix.lower() == ".xlsx":
        proposal_path = proposal_path.with_name("proposal.json")
    if household is None and all_to is None:
        err.print(_("give --household ID or --all FILE."), style="red")
        raise _Stop(INPUT_ERROR)
    proposal = _read_proposal(proposal_path)
    if all_to is not None:
        ids = sorted([m.household for m in proposal.matches]
                     + [u.household for u in proposal.unmatched])
        text = "\n\n".join(household_story(proposal, h) for h in ids)
        write_text_atomic(all_to, text + "\n")
        out.print(_("wrote {n} stories to {path}", n=len(ids), path=all_to))
        if household is None:
            return
    story = household_story(proposal, household)
    if story is None:
        err.print(_("household {household!r} is not in the proposal.",
                    household=household), style="red")
        raise _Stop(INPUT_ERROR)
    out.print(story, markup=False, highlight=False)


@app.command()
def report(
    proposal_path: Annotated[Path, typer.Argument(
        help=N_("proposal.json, or the folder holding it"))],
    instance_path: Annotated[Path, typer.Option(
        "--instance", help=N_("The instance the proposal was made from "
        "(CSV folder, .xlsx or .json)."))],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help=N_("Folder of report.html (default: the "
                     "proposal's).")),
    ] = None,
    policy: Annotated[
        str | None, typer.Option(help=N_("Policy TOML file or preset name "
                                 "(default: the proposal's preset)."))
    ] = None,
    lang: DocumentLangOption = None,
):
    """Write report.html of a proposal: figures, map, matches, reasons."""
    from .io import policy_presets
    from .office import write_report

    lang = _lang(lang)
    proposal = _read_proposal(proposal_path)
    instance = _read_instance(instance_path)
    if policy is None and proposal.provenance.policy_name in \
            policy_presets():
        policy = proposal.provenance.policy_name
    pol = _read_policy(policy)
    from .explain.document import instance_sha256

    if instance_sha256(instance) != proposal.provenance.instance_sha256:
        err.print(_("{path} differs from the instance the proposal was "
                    "made from; the report joins them by id.",
                    path=instance_path), style="yellow")
    if out_dir is None:
        out_dir = _proposal_folder(proposal_path)
    path = write_report(proposal, instance, out_dir, lang, pol)
    out.print(_("wrote {path}", path=path))


@app.command()
def letters(
    proposal_path: Annotated[Path, typer.Argument(
        help=N_("proposal.json, or the folder holding it"))],
    instance_path: Annotated[Path, typer.Option(
        "--instance", help=N_("The instance the proposal was made from."))],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help=N_("Folder of the letters (default: "
                     "letters/ beside the proposal).")),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(help=N_("The office's letter template (UTF-8 text with "
                     "$placeholders; default: the shipped one).")),
    ] = None,
    household: Annotated[
        list[str] | None,
        typer.Option("--household", help=N_("Only this household (repeat).")),
    ] = None,
    lang: DocumentLangOption = None,
):
    """Write an offer letter (PDF and HTML) per household offered a
    dwelling."""
    from .office.letters import LETTERS_DIR, TemplateProblem, write_letters

    lang = _lang(lang)
    proposal = _read_proposal(proposal_path)
    instance = _read_instance(instance_path)
    if out_dir is None:
        out_dir = _proposal_folder(proposal_path) / LETTERS_DIR
    try:
        written = write_letters(proposal, instance, out_dir, lang,
                                template=template, households=household)
    except (TemplateProblem, OSError) as exc:
        err.print(str(exc), style="red", highlight=False)
        raise _Stop(INPUT_ERROR) from None
    out.print(ngettext("wrote {n} letter to {path}",
                       "wrote {n} letters to {path}", len(written),
                       path=out_dir))


@app.command()
def demo(
    out_dir: OutFolderOption = Path("out/demo"),
    seed: SeedOption = 7,
    lang: LangOption = None,
):
    """Generate a town, validate it, solve, check and explain: the chain."""
    from .generate import generate as make
    from .io import write_instance
    from .story import household_story

    started = time.perf_counter()
    instance_dir = out_dir / "town"
    out.rule(_("1. generate a town (seeded)"))
    write_instance(make("town", seed=seed), instance_dir)
    out.print(_("instance written to {path}/ (one CSV per table)",
                path=instance_dir))
    out.rule(_("2. validate"))
    validate(instance_dir, None)
    out.rule(_("3. solve with the default policy, check independently"))
    seconds: dict[str, float] = {}
    proposal, instance, pol = _solve(instance_dir, None, "auto", None, seed,
                                     seconds=seconds)
    written = _write_proposal_files(proposal, instance, pol, instance_dir,
                                    out_dir / "proposal", _lang(lang))
    _print_summary(proposal, seconds)
    out.rule(_("4. explain"))
    for pick in (proposal.matches[:1], proposal.unmatched[:1]):
        for item in pick:
            out.print(household_story(proposal, item.household),
                      markup=False, highlight=False)
            out.print()
    out.rule(_("outputs"))
    for p in written:
        out.print(f"  {p}")
    out.print(f"  {instance_dir}/")
    out.print(_(
        "Done in {seconds} s. Try: allocator explain {path} --household "
        "{household}", seconds=format(time.perf_counter() - started, ".1f"),
        path=out_dir / "proposal" / "proposal.json",
        household=(proposal.matches[0].household if proposal.matches
                   else "H-001")))


@app.command()
def bench(
    suite: Annotated[str, typer.Option(help=N_("quick or full"))] = "quick",
    out_dir: OutFolderOption = Path("out/bench"),
    engines: Annotated[
        list[str] | None,
        typer.Option("--engine", help=N_("Engines and peers to run (repeat); "
                     "default: the suite's.")),
    ] = None,
    repeats: Annotated[
        int | None, typer.Option(help=N_("Runs per configuration."))
    ] = None,
):
    """Benchmark engines and peers on the instance families."""
    from .bench import run_bench

    code = run_bench(suite=suite, out_dir=out_dir, engines=engines,
                     repeats=repeats, console=out.made())
    if code:
        raise _Stop(code)


SimulatedPoliciesOption = Annotated[
    list[str] | None,
    typer.Option("--policy", help=N_("Policy TOML file or preset name "
                 "(repeat); first come, first served always runs as "
                 "the baseline. Default: default.")),
]
"""``simulate --policy``: the policies compared with the baseline."""

SimulationParamsOption = Annotated[
    Path | None, typer.Option("--params", help=N_("TOML file of "
                              "simulation "
                              "parameters (see docs/indicators.md); "
                              "options given here override it.")),
]
"""``simulate --params``: the simulation parameters file."""

ArrivalsOption = Annotated[
    float | None, typer.Option("--arrivals-per-month",
                               help=N_("Households granted residence per "
                               "month (default: calibrated)."))
]
"""``simulate --arrivals-per-month``."""

VacanciesOption = Annotated[
    float | None, typer.Option("--vacancies-per-month",
                               help=N_("Dwellings freed per month "
                               "(default: as many as arrive)."))
]
"""``simulate --vacancies-per-month``."""


@app.command()
def simulate(
    path: Annotated[Path, typer.Argument(help=N_("The starting instance: CSV "
                                         "folder, .xlsx or .json"))],
    out_dir: Annotated[Path, typer.Option("--out", help=N_("Output folder "
                                          "(report.html, tables, figures)"))],
    policies: SimulatedPoliciesOption = None,
    months: Annotated[int | None, typer.Option(help=N_("Months simulated "
                                               "(default 12)."))] = None,
    round_: Annotated[
        str | None, typer.Option("--round", help=N_("weekly, biweekly or "
                                 "monthly matching rounds (default weekly)."))
    ] = None,
    seeds: Annotated[int | None, typer.Option(help=N_("Seeds (worlds) per "
                                              "policy (default 5)."))] = None,
    params_file: SimulationParamsOption = None,
    arrivals: ArrivalsOption = None,
    vacancies: VacanciesOption = None,
    rule_prices: Annotated[
        str, typer.Option(help=N_("Price of each rule: hindsight, simulation "
                          "(also simulate with each rule off) or none."))
    ] = "hindsight",
    workers: Annotated[
        int | None, typer.Option(help=N_("Local processes (default: one per "
                                 "core)."))
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help=N_("Run on this Dask scheduler "
                                 "(tcp://host:8786) instead."))
    ] = None,
    modes: Annotated[
        list[str] | None,
        typer.Option("--mode", help=N_("National mode to compare (repeat): "
                     "today, chained, dwelling-first; no baseline or "
                     "hindsight then.")),
    ] = None,
    search_days: Annotated[
        int | None, typer.Option(help=N_("Today's practice: days a "
                                 "municipality searches for a dwelling "
                                 "(default 30)."))
    ] = None,
    round_time_limit: Annotated[
        float | None, typer.Option(help=N_("Seconds each round's solves may "
                                   "take (national runs)."))
    ] = None,
    lang: LangOption = None,
):
    """Simulate months of arrivals and vacancies under competing policies."""
    _lang(lang)
    from .simulate.cli import simulate_command

    code = simulate_command(
        path=path, out_dir=out_dir, policies=policies or ["default"],
        overrides={"months": months, "round": round_, "seeds": seeds,
                   "arrivals_per_month": arrivals,
                   "vacancies_per_month": vacancies,
                   "search_days": search_days,
                   "round_time_limit": round_time_limit},
        params_file=params_file, rule_prices=rule_prices, workers=workers,
        scheduler=scheduler, modes=tuple(modes or ()),
        read_instance=_read_dwelling_instance,
        read_policy=_read_policy, out=out.made(), err=err.made(),
    )
    if code:
        raise _Stop(code)


@app.command()
def pseudonymise(
    path: Annotated[Path, typer.Argument(help=N_("Instance to pseudonymise"))],
    out_path: Annotated[Path, typer.Option(
        "--out", help=N_("Output instance"))],
    key: Annotated[Path, typer.Option(help=N_("Where to write the key file "
                                      "(keep it apart from the data)"))],
    lang: LangOption = None,
):
    """Replace identifiers with stable pseudonyms; write the key apart."""
    _lang(lang)
    from .pseudonymise import pseudonymise_instance

    try:
        summary = pseudonymise_instance(path, out_path, key)
    except Exception as exc:
        from .io import InputError

        if isinstance(exc, InputError):
            _fail_on_input(exc.problems, _("{path} is not a valid "
                                           "instance", path=path))
        raise
    out.print(summary, markup=False, highlight=False)


def _check_time_limit(time_limit: float | None) -> None:
    if time_limit is not None and not (
        math.isfinite(time_limit) and 0 < time_limit <= MAX_TIME_LIMIT
    ):
        err.print(_("--time-limit {value}: give a number of seconds above "
                    "0 and at most {most} (or leave it out for no limit).",
                    value=time_limit, most=format(MAX_TIME_LIMIT, ",")),
                  style="red")
        raise _Stop(INPUT_ERROR)


MAX_TIME_LIMIT = 7 * 24 * 3600
"""The longest ``--time-limit`` accepted: a week, in seconds."""


def _check_seed(seed: int) -> None:
    if not 0 <= seed < 2**31:
        err.print(_("--seed {value}: give a whole number from 0 to "
                    "{most}.", value=seed, most=2**31 - 1), style="red")
        raise _Stop(INPUT_ERROR)


def _same_or_inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def _check_export(export: Path, instance: Path, policy: str | None,
                  out_dir: Path) -> None:
    """
    The sensitive export may overwrite neither an input nor an output of
    the run: it must lie outside the instance (its folder, or its file),
    the policy file and the output folder, which is replaced as a whole.
    """
    target = export.resolve()
    clashes = [(instance.resolve(), _("the instance")),
               (out_dir.resolve(), _("the output folder"))]
    if policy is not None and Path(policy).is_file():
        clashes.append((Path(policy).resolve(), _("the policy file")))
    for other, what in clashes:
        if _same_or_inside(target, other):
            err.print(_("--export-sensitive {path}: would overwrite or lie "
                        "inside {what} ({other}); write it elsewhere.",
                        path=export, what=what, other=other), style="red")
            raise _Stop(INPUT_ERROR)
    if target.is_dir():
        err.print(_("--export-sensitive {path}: is a folder; give a file "
                    "name.", path=export), style="red")
        raise _Stop(INPUT_ERROR)


def _check_output_folder(out_dir: Path) -> None:
    """
    Refuses, before any work, an output folder that cannot be written:
    an existing file, a dangling link, a read-only or virtual parent, or
    a name too long. A probe folder of the kind the write will use is
    made beside it and removed.
    """
    import tempfile

    from .io._atomic import clean_stale

    problem = None
    if out_dir.is_symlink() and not out_dir.exists():
        problem = _("is a link to nothing; remove it or choose another "
                    "folder")
    elif out_dir.exists() and not out_dir.is_dir():
        problem = _("exists and is not a folder; choose another name")
    else:
        try:
            out_dir.parent.mkdir(parents=True, exist_ok=True)
            clean_stale(out_dir)
            probe = tempfile.mkdtemp(dir=out_dir.parent,
                                     prefix=f".{out_dir.name}.{os.getpid()}.",
                                     suffix=".tmp")
            os.rmdir(probe)
        except OSError as exc:
            problem = _("cannot be written: {reason}",
                        reason=_os_reason(exc))
    if problem is not None:
        err.print(_("--out {path}: {problem}.", path=out_dir,
                    problem=problem), style="bold red")
        raise _Stop(OUTPUT_ERROR)


def _os_reason(exc: OSError) -> str:
    """An ``OSError`` in words that say what to do."""
    reasons = {
        errno.ENOSPC: N_("no space left on the disk; free some and run "
                         "again"),
        errno.EDQUOT: N_("disk quota exceeded; free some space and run "
                         "again"),
        errno.EACCES: N_("permission denied"),
        errno.EPERM: N_("operation not permitted"),
        errno.EROFS: N_("the file system is read-only"),
        errno.ENAMETOOLONG: N_("a name is too long; choose a shorter one"),
        errno.ENOTDIR: N_("a part of the path is not a folder"),
        errno.EISDIR: N_("is a folder, not a file"),
        errno.ENOENT: N_("no such file or folder"),
        errno.ELOOP: N_("too many levels of symbolic links"),
    }
    if exc.errno in reasons:
        return _(reasons[exc.errno])
    return exc.strerror or type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    """
    Entry point of the ``allocator`` command.

    Without ``argv`` it runs the process's own command line, and ends the
    process once the command is done (``exit_now``); with ``argv`` (a
    test, a script) it returns the exit status.
    """
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if argv is None:
        # The command's own process: the allocator uses no pydantic
        # plugin, and looking for one reads the entry points of every
        # installed package when the first model is built (an empty
        # PYDANTIC_DISABLE_PLUGINS lets plugins load again).
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if threading.current_thread() is threading.main_thread():
        # Loaded: Ctrl-C raises KeyboardInterrupt again (see the start-up
        # handler in allocator/__init__.py).
        signal.signal(signal.SIGINT, signal.default_int_handler)
    from . import collector, i18n
    from .click_words import translated

    with i18n.speaking(_lang_of_args(sys.argv[1:] if argv is None
                                     else argv)), translated():
        code = _main(argv)
    # A command line that ran no command (help, a usage error) ends here.
    collector.resume_start()
    if argv is None:
        exit_now(code)
    return code


def exit_now(code: int) -> None:
    """
    Ends the process with ``code`` once its output is flushed and its
    exit handlers have run, without the interpreter's teardown.

    Tearing down frees every object and module one by one (the instance,
    the arrays, NumPy, pydantic, OR-Tools): 0.15 to 0.4 s after a city
    solve, for memory the operating system takes back at once anyway.
    Returns, leaving the exit to Python, while another thread runs (its
    end is waited for) or when the output cannot be flushed (Python
    reports a closed pipe as it always has).
    """
    if threading.active_count() > 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    # The handlers Python would run at exit: logging's flush, temporary
    # folders' removal, a coverage run's data.
    atexit._run_exitfuncs()
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
        sys.stderr.flush()
    os._exit(code)


def _lang_of_args(argv: list[str]) -> str | None:
    """The ``--lang`` of a command line, else the locale's language; an
    unknown one is left for the command to refuse."""
    from .i18n import resolve_lang

    value = None
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
    try:
        return resolve_lang(value)
    except ValueError:
        return resolve_lang(None)


def _translated_command(argv: list[str] | None = None):
    """The click command of ``app`` with every help text in the language
    in use: typer reads the texts when the module loads, so they are
    looked up here, when the command line is run. Where ``argv`` names a
    command, the group holds that command alone (see ``_app_for``)."""
    import inspect

    command = typer.main.get_group(_app_for(argv))
    stack = [command]
    while stack:
        cmd = stack.pop()
        if cmd.callback is not None:
            cmd.callback = _collecting(cmd.callback)
        if cmd.help:
            cmd.help = _(inspect.cleandoc(cmd.help))
        for param in cmd.params:
            if getattr(param, "help", None) == engine_help(False):
                param.help = engine_help()
            elif getattr(param, "help", None):
                param.help = _(param.help)
        stack.extend(getattr(cmd, "commands", {}).values())
    return command


def _app_for(argv: list[str] | None) -> typer.Typer:
    """
    ``app`` with only the command that ``argv`` names (its first
    argument), else with all of them.

    Typer makes every command's parameters (signature, annotations, help)
    before it parses a command line; a line that runs one command needs
    that one alone, and reads, answers and fails as with all of them
    (a group of one: ``allocator solve --help`` is the same page).
    ``allocator --help``, no command or an unknown one get them all.
    """
    first = argv[0] if argv else None
    chosen = [info for info in app.registered_commands
              if first is not None and _command_name(info) == first]
    if len(chosen) != 1:
        return app
    alone = copy.copy(app)
    alone.registered_commands = chosen
    return alone


def _command_name(info) -> str:
    """The name typer gives a registered command."""
    return info.name or typer.main.get_command_name(info.callback.__name__)


def _collecting(callback):
    """``callback`` run with the garbage collector on again where the
    process's start paused it (``collector.pause_start``)."""
    from . import collector

    @functools.wraps(callback)
    def run(*args, **kwargs):
        collector.resume_start()
        return callback(*args, **kwargs)

    return run


def _main(argv: list[str] | None) -> int:
    try:
        code = _translated_command(
            sys.argv[1:] if argv is None else argv,
        )(args=argv, standalone_mode=False)
        # Typer answers Ctrl-C outside a solve with the status 130 it
        # returns (not raises) here; it used to be dropped, exiting 0.
        if isinstance(code, int) and code:
            if code == 130:
                _say_last(_("interrupted: nothing written."))
            return code
    except _Stop as stop:
        return stop.code
    except typer.Exit as exit_:
        return exit_.exit_code
    except (typer.Abort, KeyboardInterrupt):
        # Ctrl-C outside a solve (reading, compiling, start-up): nothing
        # has been written.
        _say_last(_("interrupted: nothing written."))
        return 130
    except typer.TyperException as exc:  # usage errors: bad options
        err.print(_usage_message(exc), highlight=False)
        return exc.exit_code
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        _say_last(where + _("cannot be written: {reason}. Any previous "
                            "output folder is unchanged.",
                            reason=_os_reason(exc)))
        return OUTPUT_ERROR
    except MemoryError as exc:
        from .memory import NotEnoughMemory

        if isinstance(exc, NotEnoughMemory):
            # Refused before the work: the message says what to do.
            _say_last(str(exc))
            return TOO_LARGE
        _say_last(_("out of memory: the instance is too large for this "
                    "machine; split it by municipality or use a machine "
                    "with more memory."))
        return TOO_LARGE
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if os.environ.get("ALLOCATOR_TRACEBACK"):
            raise
        # The type and the first line only: a message could carry a
        # value, and values of sensitive fields must not reach a log.
        _say_last(_("internal error ({kind}): a defect of the allocator, "
                    "not of your input; set ALLOCATOR_TRACEBACK=1 to see "
                    "where, and report it.", kind=type(exc).__name__))
        return INTERNAL_ERROR
    return 0


def _usage_message(exc) -> str:
    """
    A usage error (unknown option, missing argument, bad value) in the
    user's language: the command-line library words its own errors in
    English only, so the common ones are worded here from their parts.
    """
    from typer._click import exceptions as usage

    def hint():
        if getattr(exc, "param_hint", None) is not None:
            names = exc.param_hint
            return (" / ".join(f"'{n}'" for n in names)
                    if not isinstance(names, str) else names)
        if getattr(exc, "param", None) is not None:
            return " / ".join(f"'{n}'" for n in exc.param.opts)
        return ""

    if isinstance(exc, usage.NoSuchOption) and not exc.possibilities:
        return _("No such option: {option}", option=exc.option_name)
    if isinstance(exc, usage.NoSuchOption):
        return _("No such option: {option} (possible options: {options})",
                 option=exc.option_name,
                 options=", ".join(sorted(exc.possibilities)))
    if isinstance(exc, usage.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name
                                  if exc.param is not None else "")
        words = {"argument": N_("Missing argument {name}."),
                 "option": N_("Missing option {name}.")}
        return _(words.get(kind, N_("Missing parameter {name}.")),
                 name=hint())
    if isinstance(exc, usage.BadParameter) and hint():
        return _("Invalid value for {name}: {reason}", name=hint(),
                 reason=exc.message)
    return exc.format_message()


def _say_last(text: str) -> None:
    """One line to stderr that cannot fail (a broken or closed stderr)."""
    with contextlib.suppress(Exception):
        err.print(text, style="bold red", highlight=False)


if __name__ == "__main__":
    sys.exit(main())
