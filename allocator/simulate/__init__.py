"""
The policy lab: months of arrivals and vacancies under competing matching
rules, with the indicators IMDi and the municipalities are judged by.

::

    from allocator.simulate import run_sweep, write_report
    sweep = run_sweep(instance, [("default", read_policy("default"))],
                      SimulationParams(months=12, seeds=5))
    write_report(sweep, instance, "out/lab")

``allocator simulate`` is the same from the command line. Definitions and
sources of every indicator: ``docs/indicators.md``.
"""

from models import RoundKind, SimulationParams

from .hindsight import Hindsight, hindsight
from .indicators import GROUPS, INDICATORS, Tables, aggregate
from .report import write_report
from .rolling import FCFS, Run, SimulationError, simulate_run
from .runner import RULE_PRICES, Sweep, rule_variants, run_sweep
from .world import World, make_world

__all__ = [
    "FCFS",
    "GROUPS",
    "INDICATORS",
    "RULE_PRICES",
    "Hindsight",
    "RoundKind",
    "Run",
    "SimulationError",
    "SimulationParams",
    "Sweep",
    "Tables",
    "World",
    "aggregate",
    "hindsight",
    "make_world",
    "rule_variants",
    "run_sweep",
    "simulate_run",
    "write_report",
]
