"""
Engines of the placement level: one integer program, built once from the
arrays, solved by HiGHS (default), CP-SAT or PuLP with CBC; and the exact
min-cost flow when the only capacity in force counts households.

Households of one *type* use every capacity alike and belong to the same
spread groups; within a type they differ only in priority, pair scores
and compatibility. The program counts households of each type per
municipality with integers ``y`` and leaves who they are to continuous
``x`` over classes ``c`` of identical households (see ``PlacementData``)::

    0 <= x[c, m] <= n_c                           households of c in m
    y[t, m] in {0, 1, ...}                        households of type t in m
    h[m] in {0, 1, ...}                           households placed in m
    0 <= z[c] <= n_c                              households of c placed
    sum_m x[c, m] = z[c]                          each household at most once
    sum_{c in t} x[c, m] = y[t, m]                who fills the counts
    sum_{c in t} z[c] = sum_m y[t, m]             (implied; see build_model)
    sum_t y[t, m] = h[m]                          the municipality's total
    sum_t use[t, k] y[t, m] <= left[m, k]         quota dimension or places k
    1000 sum_{t in g} y[t, m] - s h[m] <= 1000 a  spread: group g at most
                                                  s/1000 of m's households + a
    maximise  sum priority[c] z[c]  then  sum points[c, m] x[c, m]
              (lexicographic), or weight * priority + points (weighted),
              or sum points[c, m] x[c, m]  then  sum z[c]  (score)

For integer ``y`` what remains is a transportation problem per type
(totally unimodular), so an integer ``x`` as good as any continuous one
exists: the engines take ``y`` from the solver and find that ``x`` exactly
with a min-cost flow in integers. Branching happens on the few counts,
never on which of two alike households goes where, which is what makes
the program small and its proof fast. With only the households dimension
and no spread rule the whole problem is a transportation problem, and the
``flow`` engine is exact on its own.

The package, one module per job:

- ``result``: what an engine returns (``PlacementResult``), and the
  objective of an assignment;
- ``model``: the integer program's rows and objective stages
  (``build_model``);
- ``start``: the warm starts and the priority bounds they prove;
- ``flow``: the min-cost flows (``fill_counts``, ``solve_flow``);
- ``solver``, ``highs``, ``cbc``, ``cpsat``: the backends;
- ``solve``: the solve entry (``solve_placement``, ``solve_program``).
"""

from .flow import _pairs, fill_counts, solve_flow
from .model import (
    PlacementModel,
    _quota_rows,
    build_model,
    class_types,
    objective_stages,
)
from .result import (
    NotRepresentable,
    PlacementResult,
    assignment_of,
    evaluate,
)
from .solve import PLACEMENT_ENGINES, solve_placement, solve_program
from .start import (
    _solve_type_program,
    greedy_start,
    priority_bounds,
    type_start,
)

__all__ = [
    "PLACEMENT_ENGINES",
    "NotRepresentable",
    "PlacementModel",
    "PlacementResult",
    "_pairs",
    "_quota_rows",
    "_solve_type_program",
    "assignment_of",
    "build_model",
    "class_types",
    "evaluate",
    "fill_counts",
    "greedy_start",
    "objective_stages",
    "priority_bounds",
    "solve_flow",
    "solve_placement",
    "solve_program",
    "type_start",
]
