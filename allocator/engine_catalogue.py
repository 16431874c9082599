"""
The engines' names and one-line summaries: what the CLI's help and the
benchmark list, in a module light enough to import before any command
runs (the engines themselves load NumPy, OR-Tools and HiGHS).
``allocator.engines.REGISTRY`` holds an engine for every name here but
``auto``, and a test keeps the two in step.
"""

from __future__ import annotations

from .i18n import N_, _

ENGINE_SUMMARIES = {
    "auto": N_("the first engine that applies: flow, else classes, else "
               "mip"),
    "flow": N_("exact min-cost flow (OR-Tools); network rules only"),
    "mip": N_("the integer program of record (HiGHS, or PuLP with HiGHS or "
              "CBC)"),
    "cpsat": N_("the integer program in OR-Tools CP-SAT"),
    "classes": N_("class model: one column per household class and "
                  "dwelling, priced and proven over every pair; no shared "
                  "rooms, tenants moving on or service places"),
}

ENGINES = tuple(ENGINE_SUMMARIES)
"""Every name ``allocator.engines.solve`` accepts."""


def engine_help(translated: bool = True) -> str:
    """The ``--engine`` option's help, from the catalogue, in the language
    in use (or in English: ``translated=False``)."""
    return "; ".join(f"{name}: {_(text) if translated else text}"
                     for name, text in ENGINE_SUMMARIES.items())
