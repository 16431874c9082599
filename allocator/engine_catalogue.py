"""
The engines' names and one-line summaries: what the CLI's help and the
benchmark list, in a module light enough to import before any command
runs (the engines themselves load NumPy, OR-Tools and HiGHS).
``allocator.engines.REGISTRY`` holds an engine for every name here but
``auto``, and a test keeps the two in step.
"""

from __future__ import annotations

ENGINE_SUMMARIES = {
    "auto": "the first engine that applies: flow, else classes, else mip",
    "flow": "exact min-cost flow (OR-Tools); network rules only",
    "mip": "the integer program of record (HiGHS, or PuLP with HiGHS or "
           "CBC)",
    "cpsat": "the integer program in OR-Tools CP-SAT",
    "classes": "class model: one column per household class and dwelling, "
               "priced and proven over every pair; no shared rooms, "
               "tenants moving on or service places",
}

ENGINES = tuple(ENGINE_SUMMARIES)
"""Every name ``allocator.engines.solve`` accepts."""


def engine_help() -> str:
    """The ``--engine`` option's help, from the catalogue."""
    return "; ".join(f"{name}: {text}"
                     for name, text in ENGINE_SUMMARIES.items())
