"""
Price and branch: columns priced into the LP until none can improve it
(the Lagrangian bound proves it), the integer program over the priced
columns from a start, and the gap closed by adding every column within
it.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from ... import interrupt, progress
from ...i18n import _
from .model import _add_priced, _ClassModel, _padded, _value
from .rounding import _round

log = logging.getLogger(__name__)

PRICING_SHARE = 0.5
"""Share of a stage's time that pricing may take under a time limit."""

MAX_ROUNDS = 200
"""Pricing rounds before giving up the proof."""

BOUND_SLACK = 1e-9
"""Relative allowance for floating-point error in the computed bound (a
larger one only withholds proofs, never claims a false one)."""

GAP_COLUMNS_LIMIT = 400_000
"""Columns within the gap added to prove an integer solution; beyond this
the solve reports its bound instead."""


def _price_and_branch(model: _ClassModel, deadline, start=None):
    """
    Prices the LP to its optimum over every column, then solves the
    integer program and proves it. Returns ``(x, value, bound, rounds,
    proven)`` or ``None`` when no solution was found.
    """
    lp_began = time.perf_counter()
    optimal, bound, rounds = _price(model, deadline, start)
    if optimal:
        x = model.solution()
        if np.abs(x - np.rint(x)).max(initial=0) < 1e-9:
            # An integral vertex (always, for network-like rule sets):
            # no branching needed.
            x = np.rint(x)
            value = _value(model, x)
            slack = BOUND_SLACK * max(1.0, abs(bound))
            if value >= np.floor(bound + slack):
                log.debug("integral LP optimum %.1f, bound %.1f", value,
                          bound)
                return x, value, bound, rounds, True
        rounded = _round(model, model.solution())
        if model.keeps_hold(rounded) and (
            start is None
            or _value(model, rounded) > _value(model, _padded(model, start))
        ):
            start = rounded
    elif start is not None and deadline is not None and (
        deadline - time.perf_counter() < time.perf_counter() - lp_began
    ):
        # The LP did not finish in the time it had, and less is left: the
        # integer solve could not even finish its root relaxation, and
        # HiGHS overruns its limit in presolve on a model this size (on
        # national by 20 s). The start stands.
        log.debug("LP unfinished: keeping the start")
        x = _padded(model, start)
        return x, _value(model, x), bound, rounds, False
    solved = _branch(model, deadline, start, bound)
    if solved is None:
        return None
    x, value, bound, proven = solved
    return x, value, bound, rounds, proven


def _price(model: _ClassModel, deadline, start):
    """
    Prices columns into the LP until none has a positive reduced cost,
    ``MAX_ROUNDS`` pass, or pricing's share of the time is used. Returns
    whether the last LP was optimal, the best Lagrangian bound and the
    rounds.
    """
    rounds = 0
    bound = np.inf
    # Pricing may take at most half the time: the integer solve needs the
    # rest to improve on the start.
    pricing_deadline = None if deadline is None else (
        time.perf_counter() + PRICING_SHARE * (deadline - time.perf_counter())
    )
    while True:
        model.run(pricing_deadline)
        status = model.highs.getModelStatus()
        if status != model.hs.HighsModelStatus.kOptimal:
            log.debug("LP stopped: %s", status)
            break
        duals = model.duals()
        y_rc, e_rc, rows = model.reduced_costs(duals)
        bound = min(bound, model.lagrangian_bound(duals, y_rc, e_rc, rows))
        log.debug("round %d: lp %.1f bound %.1f columns %d", rounds,
                  model.highs.getInfo().objective_function_value / model.f,
                  bound,
                  model.num_cols)
        progress.note(_("pricing round {n}", n=rounds),
                      None if start is None
                      else _value(model, _padded(model, start)), bound)
        scale = max(1.0, float(np.abs(model.y_cost).max(initial=0)),
                    float(model.quality_weight))
        g, p = model.price(rows, tolerance=1e-9 * scale)
        out_of_time = interrupt.stop_requested() or (
            pricing_deadline is not None
            and time.perf_counter() > pricing_deadline)
        if not len(g) or rounds >= MAX_ROUNDS or out_of_time:
            break
        rounds += 1
        _add_priced(model, g, p)
    return status == model.hs.HighsModelStatus.kOptimal, bound, rounds


def _branch(model: _ClassModel, deadline, start, bound):
    """
    Solves the integer program over the priced columns from ``start``,
    then closes the gap to ``bound`` when it can (``_close_gap``).
    Returns ``(x, value, bound, proven)``, or ``None`` when neither the
    solver nor a start gives a solution.
    """
    model.integral(True)
    if start is not None:
        model.start(start)
    model.run(deadline)
    info = model.highs.getInfo()
    if info.primal_solution_status != 2:
        if start is None:
            return None
        # Stopped before the solver found anything: the start stands.
        x = _padded(model, start)
        return x, _value(model, x), bound, False
    x = np.rint(model.solution())
    value = _value(model, x)
    if start is not None:
        padded = _padded(model, start)
        if _value(model, padded) > value:
            x, value = padded, _value(model, padded)
    log.debug("integer: %.1f (%s, %.1f s), bound %.1f", value,
              model.highs.getModelStatus(), model.highs.getRunTime(), bound)
    progress.note(_("integer"), value, bound)
    slack = BOUND_SLACK * max(1.0, abs(bound)) if np.isfinite(bound) else 0
    optimal = (model.highs.getModelStatus()
               == model.hs.HighsModelStatus.kOptimal)
    proven = optimal and value >= np.floor(bound + slack)
    if not proven and np.isfinite(bound) and optimal:
        return _close_gap(model, deadline, x, value, bound)
    return x, value, bound, proven


def _close_gap(model: _ClassModel, deadline, x, value, bound):
    """
    Close the gap: only columns within it can be in a better solution;
    add them all and solve again. Returns ``(x, value, bound, proven)``.
    """
    model.integral(False)
    model.run(deadline)
    duals = model.duals()
    y_rc, e_rc, rows = model.reduced_costs(duals)
    bound = min(bound, model.lagrangian_bound(duals, y_rc, e_rc, rows))
    gap = bound - value
    g, p = model.price(rows, tolerance=0, floor=-gap * model.f - 1e-9,
                       per_round=None)
    log.debug("gap %.1f: %d columns within it", gap, len(g))
    if len(g) > GAP_COLUMNS_LIMIT:
        # Too many to prove in reasonable time: report the bound.
        model.integral(True)
        return x, value, bound, False
    _add_priced(model, g, p)
    model.integral(True)
    model.start(x)
    model.run(deadline)
    if model.highs.getInfo().primal_solution_status == 2:
        x2 = np.rint(model.solution())
        if _value(model, x2) >= value:
            x, value = x2, _value(model, x2)
    proven = (model.highs.getModelStatus()
              == model.hs.HighsModelStatus.kOptimal)
    return x, value, bound, proven
