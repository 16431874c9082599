"""
A sweep: every policy (and the baseline) on every seed, plus the hindsight
optimum of each, and the rules switched off in turn.

Runs are independent, so they run in parallel: on the local cores by
default (one process per core), or on an existing Dask cluster given by
its scheduler address. Every run is a pure function of the instance, the
parameters, its policy and its seed, and results are gathered in task
order, so the tables are the same whichever way and in whichever order the
runs were done.
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from models import Instance, Policy, SimulationParams

from ..criteria import COUPLING_RULES, PAIR_RULES, without
from ..i18n import _
from .hindsight import hindsight, hindsight_rules
from .indicators import (
    HindsightSummary,
    RunSummary,
    Tables,
    aggregate,
    summarise,
    summarise_hindsight,
)
from .national import MODES
from .rolling import FCFS, simulate_run
from .world import make_world

RULE_PRICES = ("hindsight", "simulation", "none")
"""How the price of each rule is found: in hindsight only (one matching
per rule and seed), also by simulating with the rule off, or not at all."""


@dataclass(frozen=True)
class Task:
    """One independent piece of a sweep."""

    kind: str  # "run" or "hindsight"
    label: str
    policy: Policy
    seed: int
    baseline: bool = False
    variant: str = ""
    mode: str = ""
    # Hindsight: further (label, variant) whose rules give the same
    # optimum (see ``hindsight_rules``), summarised from the same solve.
    also: tuple[tuple[str, str], ...] = ()


@dataclass
class Sweep:
    """Everything a sweep produced."""

    labels: list[str]
    policies: dict[str, Policy]
    params: SimulationParams
    runs: list[RunSummary]
    hindsights: list[HindsightSummary]
    tables: Tables
    instance_name: str
    backend: str
    workers: int
    rule_prices: str
    notes: list[str] = field(default_factory=list)
    modes: tuple[str, ...] = ()


def rule_variants(policy: Policy,
                  instance: Instance) -> list[tuple[str, Policy]]:
    """
    The policy with each of its active rules switched off in turn, as the
    rule records of ``allocator.criteria`` say.

    Rules that are already off (switching them off changes nothing), or
    have nothing to act on in the instance (quotas where no municipality
    has a council decision), are left out. Dwelling availability is not a
    rule here: the rolling horizon itself decides what is free.
    """
    out = []
    for rule in (*PAIR_RULES, *COUPLING_RULES):
        if not rule.off or rule.name == "availability":
            continue
        switched = without(policy, rule)
        if switched != policy and rule.applies(instance):
            out.append((rule.name, switched))
    return out


def mode_label(mode: str, label: str, policies) -> str:
    """A national run's label: the mode, and the policy's label when
    several policies are compared."""
    return mode if len(policies) == 1 else f"{mode}:{label}"


def plan(instance: Instance, policies: list[tuple[str, Policy]],
         params: SimulationParams, rule_prices: str,
         modes: tuple[str, ...] = ()) -> list[Task]:
    """Every task of a sweep: runs first (the longest), then hindsights.
    With national ``modes``: each mode under each policy on each seed,
    with no baseline and no hindsight (the modes are compared with each
    other)."""
    if rule_prices not in RULE_PRICES:
        raise ValueError(_("rule_prices {value!r} not understood; choose "
                           "one of {choices}.", value=rule_prices,
                           choices=", ".join(RULE_PRICES)))
    seeds = range(params.seeds)
    if modes:
        return [Task("run", mode_label(mode, label, policies), policy, seed,
                     mode=mode)
                for seed in seeds for mode in modes
                for label, policy in policies]
    runs, hind = [], []
    baseline_rules = Policy()
    for seed in seeds:
        runs.append(Task("run", FCFS, baseline_rules, seed, baseline=True))
        hind.append(Task("hindsight", FCFS, baseline_rules, seed))
        for label, policy in policies:
            runs.append(Task("run", label, policy, seed))
            hind.append(Task("hindsight", label, policy, seed))
            if rule_prices == "none":
                continue
            for rule, off in rule_variants(policy, instance):
                hind.append(Task("hindsight", label, off, seed,
                                 variant=rule))
                if rule_prices == "simulation":
                    runs.append(Task("run", label, off, seed, variant=rule))
    return runs + _once(hind)


def _once(tasks: list[Task]) -> list[Task]:
    """Hindsight tasks of one seed whose rules are the same (the baseline's
    and a policy with the default rules) solved once."""
    first: dict = {}
    kept: list[Task] = []
    for t in tasks:
        key = (t.seed, hindsight_rules(t.policy).model_dump_json())
        if key in first:
            k = first[key]
            kept[k] = dataclasses.replace(
                kept[k], also=kept[k].also + ((t.label, t.variant),))
        else:
            first[key] = len(kept)
            kept.append(t)
    return kept


# --- executing tasks ---------------------------------------------------------

_WORLDS: dict = {}
_CONTEXT: dict = {}


def _world(key: str, instance: Instance, params: SimulationParams,
           seed: int):
    """The world of a seed, drawn once per process."""
    if (key, seed) not in _WORLDS:
        if len(_WORLDS) > 16:
            _WORLDS.clear()
        _WORLDS[(key, seed)] = make_world(instance, params, seed)
    return _WORLDS[(key, seed)]


def execute(task: Task, instance: Instance, params: SimulationParams,
            key: str = ""):
    """Runs one task; a pure function of its arguments."""
    world = _world(key or sweep_key(instance, params), instance, params,
                   task.seed)
    if task.kind == "run":
        run = simulate_run(world, params, task.policy, task.label,
                           baseline=task.baseline, variant=task.variant,
                           mode=task.mode)
        return summarise(world, run, params, task.baseline)
    result = hindsight(world, task.policy, params)
    return [summarise_hindsight(world, result, label, variant, params)
            for label, variant in ((task.label, task.variant), *task.also)]


def _init_worker(instance: Instance, params: SimulationParams,
                 key: str) -> None:
    _CONTEXT.update(instance=instance, params=params, key=key)


def _execute_in_worker(task: Task):
    return execute(task, _CONTEXT["instance"], _CONTEXT["params"],
                   _CONTEXT["key"])


def sweep_key(instance: Instance, params: SimulationParams) -> str:
    """A content hash naming the worlds of an instance and parameters."""
    text = instance.model_dump_json() + params.model_dump_json()
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_local(tasks: list[Task], instance: Instance,
              params: SimulationParams, workers: int,
              progress: Callable[[int, int], None] | None = None) -> list:
    """Runs the tasks on local processes; results in task order."""
    key = sweep_key(instance, params)
    if workers <= 1:
        out = []
        for k, task in enumerate(tasks):
            out.append(execute(task, instance, params, key))
            if progress:
                progress(k + 1, len(tasks))
        return out
    # Fresh interpreters: nothing of the parent's state (threads of a
    # solver, open files) leaks into the workers.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_init_worker,
                             initargs=(instance, params, key)) as pool:
        futures = [pool.submit(_execute_in_worker, t) for t in tasks]
        done = 0
        for future in futures:
            future.result()
            done += 1
            if progress:
                progress(done, len(tasks))
        return [f.result() for f in futures]


def backend_words(backend: str) -> str:
    """Where a sweep ran, in the user's language: the sweep records it in
    English, as data."""
    return {"local processes": _("local processes"),
            "this process": _("this process")}.get(backend, backend)


def run_dask(tasks: list[Task], instance: Instance,
             params: SimulationParams, scheduler: str,
             progress: Callable[[int, int], None] | None = None) -> list:
    """Runs the tasks on an existing Dask cluster; results in task order."""
    from distributed import Client, as_completed

    key = sweep_key(instance, params)
    with Client(scheduler, set_as_default=False) as client:
        inst, par = client.scatter([instance, params], broadcast=True)
        futures = [
            client.submit(execute, task, inst, par, key, pure=False)
            for task in tasks
        ]
        done = 0
        for _finished in as_completed(futures, loop=client.loop):
            done += 1
            if progress:
                progress(done, len(tasks))
        results = client.gather(futures)
    return list(results)


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _check_labels(labels: list[str], modes: tuple[str, ...]) -> None:
    """
    Refuse national modes that repeat or are unknown, and policy labels
    that repeat or take the baseline's: each labels a column of every
    table of the report.
    """
    unknown = [m for m in modes if m not in MODES]
    if unknown or len(set(modes)) != len(modes):
        raise ValueError(_("modes must be distinct, of {choices}: {modes}.",
                           choices=", ".join(MODES),
                           modes=", ".join(modes)))
    if len(set(labels)) != len(labels):
        raise ValueError(_("policy labels must be unique and not "
                           "{baseline!r}: {labels}.", baseline=FCFS,
                           labels=", ".join(labels[1:])))


def _run_tasks(tasks: list[Task], instance: Instance,
               params: SimulationParams, workers: int | None,
               scheduler: str | None,
               progress: Callable[[int, int], None] | None):
    """
    Runs the tasks on the Dask scheduler when one is given, else on local
    processes. Returns the results in task order, the backend in words
    for the report, and the local workers used (0 on Dask).
    """
    if scheduler:
        results = run_dask(tasks, instance, params, scheduler, progress)
        return results, f"dask ({scheduler})", 0
    used = workers or default_workers()
    results = run_local(tasks, instance, params, used, progress)
    return results, ("local processes" if used > 1 else "this process"), used


def run_sweep(
    instance: Instance,
    policies: list[tuple[str, Policy]],
    params: SimulationParams | None = None,
    *,
    rule_prices: str = "hindsight",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    modes: tuple[str, ...] = (),
) -> Sweep:
    """
    Simulates every policy and the first-come-first-served baseline on
    every seed, with hindsight optima and rule prices, and aggregates the
    indicators.

    Parameters
    ----------
    instance
        The starting instance: its households wait, its dwellings are the
        first vacancies, its areas and network are the world's.
    policies
        ``(label, policy)`` pairs; labels must be unique and not ``fcfs``.
    params
        The simulated world. Default ``SimulationParams()``.
    rule_prices
        ``hindsight`` (default), ``simulation`` or ``none``.
    workers
        Local processes; default one per core. Ignored with ``scheduler``.
    scheduler
        Address of a Dask scheduler (``tcp://host:8786``) to run on.
    progress
        Called with (tasks done, tasks) as tasks finish.
    modes
        National modes (``national.MODES``) to compare instead of the
        housing office's rounds: each mode under each policy, labelled by
        the mode (``mode:policy`` with several policies).

    Raises
    ------
    ValueError
        When labels repeat or a parameter is not understood.
    """
    params = SimulationParams() if params is None else params
    labels = [FCFS] + [label for label, _policy in policies]
    _check_labels(labels, modes)
    # Fail early, in the parent, on a world that cannot be drawn.
    make_world(instance, params.model_copy(update={"months": 1}), 0)
    tasks = plan(instance, policies, params, rule_prices, modes)
    if modes:
        labels = [mode_label(m, label, policies)
                  for m in modes for label, _policy in policies]
    results, backend, used = _run_tasks(tasks, instance, params, workers,
                                        scheduler, progress)
    results = [x for r in results
               for x in (r if isinstance(r, list) else [r])]
    runs = [r for r in results if isinstance(r, RunSummary)]
    hindsights = [r for r in results if isinstance(r, HindsightSummary)]
    tables = aggregate(runs, hindsights, labels)
    return Sweep(
        labels=labels,
        policies=({mode_label(m, label, policies): p for m in modes
                   for label, p in policies} if modes
                  else {FCFS: Policy(), **dict(policies)}),
        params=params,
        runs=runs,
        hindsights=hindsights,
        tables=tables,
        instance_name=instance.name,
        backend=backend,
        workers=used,
        rule_prices="none" if modes else rule_prices,
        modes=tuple(modes),
    )
