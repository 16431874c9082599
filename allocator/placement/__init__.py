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

from .._lazy import lazy_names

# Each name is imported from its module on first use: commands that
# only read an instance (``validate`` prints the placement rows) need
# neither the engines nor the checker's network.
_API = {
    "PlacementCheck": ".check",
    "check_placement": ".check",
    "PlacementData": ".data",
    "compile_placement": ".data",
    "PLACEMENT_ENGINES": ".engines",
    "NotRepresentable": ".engines",
    "PlacementResult": ".engines",
    "solve_placement": ".engines",
    "build_placement_proposal": ".explain",
    "MODES": ".modes",
    "ChainedOutcome": ".modes",
    "DwellingFirstOutcome": ".modes",
    "compare_modes": ".modes",
    "run_chained": ".modes",
    "run_dwelling_first": ".modes",
    "PlacementOutcome": ".solve",
    "place": ".solve",
}


__getattr__, __dir__ = lazy_names(__name__, _API, globals())


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
