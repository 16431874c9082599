"""
National placement for IMDi: households to municipalities within council
decisions (utsøking), and the two ways of combining it with dwellings.

- ``place``: households to municipalities. Quotas in every dimension the
  policy names, compatibility (imported table, services needed), spread
  rules, priority and imported pair scores in the objective; checked
  independently (``check_placement``).
- ``run_chained``: place first, then match each municipality's
  households to its dwellings, and report who was not housed and why.
- ``run_dwelling_first``: every household nationwide against every free
  dwelling, within each municipality's quota (``allocator.propose``).
- ``compare_modes``: both on the same instance, counted the same way.

Python API mirroring ``allocator place``::

    from allocator.placement import place
    outcome = place(instance, policy)
    outcome.proposal.municipalities   # use of every quota dimension
    outcome.check.ok
"""

from __future__ import annotations

from dataclasses import dataclass

from models import Instance, PlacementProposal, Policy

from .check import PlacementCheck, check_placement
from .data import PlacementData, compile_placement
from .engines import (
    PLACEMENT_ENGINES,
    NotRepresentable,
    PlacementResult,
    solve_placement,
)
from .explain import build_placement_proposal


@dataclass(frozen=True)
class PlacementOutcome:
    """A placement proposal with its arrays, raw result and check."""

    proposal: PlacementProposal
    data: PlacementData
    result: PlacementResult
    check: PlacementCheck


def place(
    instance: Instance,
    policy: Policy | None = None,
    engine: str = "auto",
    time_limit: float | None = None,
    seed: int = 0,
    workers: int | None = None,
) -> PlacementOutcome:
    """
    Places households in municipalities and checks the proposal with the
    independent checker.

    Parameters
    ----------
    instance
        The validated instance.
    policy
        The rules. Default ``Policy()``.
    engine
        ``auto`` (flow when only households are counted, else ``mip``),
        ``mip`` (HiGHS), ``cpsat``, ``pulp`` (CBC) or ``flow``.
    time_limit
        Seconds for the solve; ``None`` for no limit.
    seed
        Random seed of the solvers.
    workers
        CP-SAT workers.
    """
    policy = Policy() if policy is None else policy
    data = compile_placement(instance, policy)
    result = solve_placement(data, engine=engine, time_limit=time_limit,
                             seed=seed, workers=workers)
    proposal = build_placement_proposal(instance, policy, data, result,
                                        time_limit=time_limit)
    return PlacementOutcome(proposal, data, result,
                            check_placement(instance, policy, proposal))


from .modes import (  # noqa: E402  (modes use place)
    MODES,
    ChainedOutcome,
    DwellingFirstOutcome,
    compare_modes,
    run_chained,
    run_dwelling_first,
)

__all__ = [
    "MODES",
    "PLACEMENT_ENGINES",
    "ChainedOutcome",
    "DwellingFirstOutcome",
    "NotRepresentable",
    "PlacementCheck",
    "PlacementData",
    "PlacementOutcome",
    "PlacementResult",
    "build_placement_proposal",
    "check_placement",
    "compare_modes",
    "compile_placement",
    "place",
    "run_chained",
    "run_dwelling_first",
    "solve_placement",
]
