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

from .check import PlacementCheck, check_placement
from .data import PlacementData, compile_placement
from .engines import (
    PLACEMENT_ENGINES,
    NotRepresentable,
    PlacementResult,
    solve_placement,
)
from .explain import build_placement_proposal
from .modes import (
    MODES,
    ChainedOutcome,
    DwellingFirstOutcome,
    compare_modes,
    run_chained,
    run_dwelling_first,
)
from .solve import PlacementOutcome, place

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
