"""
The class LP model: the ``y``, ``e`` and ``x`` columns, their rows and
costs in HiGHS, and pricing's reduced costs and Lagrangian bound over
every column, generated or not; with the few operations on a solution
vector that every stage needs (its value, padding, adding priced
columns).
"""

from __future__ import annotations

import time

import numpy as np

from ...data import UNLIMITED, AllocationData
from ...ledger import CapacityLedger
from .._highs import exact_highs
from .groups import _Groups

PER_ROUND = 8
"""Columns added per group and pricing round beyond one per member."""


def _finite(cap: np.ndarray) -> np.ndarray:
    return np.where(cap >= UNLIMITED, np.inf, cap.astype(float))


class _ClassModel:
    """The LP / integer program in HiGHS, with columns added on demand."""

    def __init__(self, data: AllocationData, groups: _Groups, seed: int):
        import highspy

        self.hs = highspy
        self.data, self.groups = data, groups
        G = len(groups.members)
        D, B = data.num_dwellings, len(data.building_ids)
        A, M = len(data.area_ids), len(data.municipality_ids)
        Q = len(data.quota_dims)
        self.G, self.D, self.B, self.A, self.M, self.Q = G, D, B, A, M, Q
        self.r_dw = G
        self.r_bld = self.r_dw + D
        self.r_area = self.r_bld + B
        self.r_tgt = self.r_area + A
        self.r_quota = self.r_tgt + A
        self.num_rows = self.r_quota + M * Q
        self.penalty = int(data.dispersion_penalty)

        lower = np.full(self.num_rows, -np.inf)
        upper = np.empty(self.num_rows)
        lower[:G] = 0.0
        upper[:G] = 0.0
        upper[self.r_dw:self.r_bld] = 1.0
        upper[self.r_bld:self.r_area] = _finite(data.building_cap)
        upper[self.r_area:self.r_tgt] = _finite(data.area_cap)
        upper[self.r_tgt:self.r_quota] = (
            _finite(data.area_target) if self.penalty else np.inf
        )
        upper[self.r_quota:] = _finite(data.quota_cap).reshape(-1)
        self.row_lower, self.row_upper = lower, upper

        # Fixed columns: y per member household, then e per area.
        self.y_household = np.concatenate(groups.members) if G else (
            np.zeros(0, dtype=np.int64))
        self.y_group = np.repeat(np.arange(G),
                                 [len(m) for m in groups.members])
        self.num_y = len(self.y_household)
        self.num_e = A if self.penalty else 0
        self.x_group = np.zeros(0, dtype=np.int64)
        self.x_pos = np.zeros(0, dtype=np.int64)
        self.taken = [np.zeros(len(r), dtype=bool) for r in groups.dwellings]

        h = self.highs = exact_highs(seed)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        h.addRows(self.num_rows, lower, upper, 0,
                  np.zeros(self.num_rows, np.int32), np.zeros(0, np.int32),
                  np.zeros(0))
        # y columns: -1 in their group's balance row.
        n = self.num_y
        h.addCols(n, np.zeros(n), np.zeros(n), np.ones(n), n,
                  np.arange(n, dtype=np.int32),
                  self.y_group.astype(np.int32), -np.ones(n))
        if self.num_e:
            upper_e = np.array(
                [float(c) for c in np.bincount(data.dwelling_area,
                                               minlength=A)]
            )
            h.addCols(A, np.full(A, -float(self.penalty)), np.zeros(A),
                      upper_e, A, np.arange(A, dtype=np.int32),
                      (self.r_tgt + np.arange(A)).astype(np.int32),
                      -np.ones(A))
        self.held_row = None
        self.f = 1.0

    @property
    def num_cols(self) -> int:
        return self.num_y + self.num_e + len(self.x_group)

    # --- columns ---------------------------------------------------------

    def _entries(self, groups_, dwellings):
        """Rows and coefficients of x columns, column by column."""
        data = self.data
        k = len(groups_)
        rows = [groups_, self.r_dw + dwellings]
        vals = [np.ones(k), np.ones(k)]
        cols = [np.arange(k), np.arange(k)]
        building = data.dwelling_building[dwellings]
        inb = building >= 0
        rows.append(self.r_bld + building[inb])
        vals.append(np.ones(inb.sum()))
        cols.append(np.flatnonzero(inb))
        area = data.dwelling_area[dwellings]
        rows.append(self.r_area + area)
        vals.append(np.ones(k))
        cols.append(np.arange(k))
        if self.penalty:
            rows.append(self.r_tgt + area)
            vals.append(np.ones(k))
            cols.append(np.arange(k))
        municipality = data.dwelling_municipality[dwellings]
        for q in range(self.Q):
            use = self.groups.usage[groups_, q]
            on = use > 0
            rows.append(self.r_quota + municipality[on] * self.Q + q)
            vals.append(use[on].astype(float))
            cols.append(np.flatnonzero(on))
        rows, vals, cols = (np.concatenate(rows), np.concatenate(vals),
                            np.concatenate(cols))
        order = np.lexsort((rows, cols))
        starts = np.searchsorted(cols[order], np.arange(k))
        return starts, rows[order], vals[order]

    def add_columns(self, groups_: np.ndarray, positions: np.ndarray,
                    cost: np.ndarray):
        if not len(groups_):
            return
        dwellings = np.array(
            [self.groups.dwellings[g][p]
             for g, p in zip(groups_.tolist(), positions.tolist())],
            dtype=np.int64,
        )
        starts, rows, vals = self._entries(groups_, dwellings)
        k = len(groups_)
        self.highs.addCols(k, cost.astype(float) * self.f, np.zeros(k),
                           np.ones(k),
                           len(rows), starts.astype(np.int32),
                           rows.astype(np.int32), vals)
        for g, p in zip(groups_.tolist(), positions.tolist()):
            self.taken[g][p] = True
        self.x_group = np.concatenate([self.x_group, groups_])
        self.x_pos = np.concatenate([self.x_pos, positions])

    def start_from_pairs(self, pairs) -> np.ndarray:
        """
        The column vector of a feasible assignment given as household-
        dwelling pairs, adding the columns it needs.
        """
        group_of = np.full(self.data.num_households, -1, dtype=np.int64)
        group_of[self.y_household] = self.y_group
        y_col = np.full(self.data.num_households, -1, dtype=np.int64)
        y_col[self.y_household] = np.arange(self.num_y)
        ys, wanted = [], []
        for h, d in pairs:
            g = int(group_of[h])
            if g < 0:
                continue
            pos = np.flatnonzero(self.groups.dwellings[g] == d)
            if not len(pos):
                continue
            ys.append(int(y_col[h]))
            wanted.append((g, int(pos[0])))
        missing = [(g, p) for g, p in wanted if not self.taken[g][p]]
        if missing:
            g = np.array([a for a, _ in missing], dtype=np.int64)
            p = np.array([b for _, b in missing], dtype=np.int64)
            self.add_columns(g, p, np.array(
                [self.groups.quality[a][b] * self.quality_weight
                 for a, b in missing], dtype=float))
        column = {
            (g, p): self.num_y + self.num_e + k
            for k, (g, p) in enumerate(zip(self.x_group.tolist(),
                                           self.x_pos.tolist()))
        }
        x = np.zeros(self.num_cols)
        x[ys] = 1
        for key in wanted:
            x[column[key]] = 1
        if self.num_e:
            dwellings = np.array(
                [self.groups.dwellings[g][p] for g, p in wanted],
                dtype=np.int64)
            x[self.num_y:self.num_y + self.num_e] = CapacityLedger.of_pairs(
                self.data, dwellings).area_excess()
        return x

    # --- objectives --------------------------------------------------------

    def x_cost(self, g: int, quality_weight: int) -> np.ndarray:
        return self.groups.quality[g] * (quality_weight * self.f)

    def set_costs(self, y_cost: np.ndarray, quality_weight: int,
                  penalty_weight: int):
        # Costs are scaled by a power of two (exact in floating point) so
        # that the largest is near a million: HiGHS's dual simplex fails
        # on costs of 1e10 ("excessive dual values").
        largest = max(
            float(np.abs(y_cost).max(initial=0)),
            float(max((np.abs(q).max(initial=0) for q in
                       self.groups.quality), default=0)) * quality_weight,
            float(self.penalty * penalty_weight), 1.0,
        )
        self.f = 2.0 ** -max(0, int(np.ceil(np.log2(largest / 1e6))))
        # Objective values are integers: a gap below one (unscaled) proves.
        self.highs.setOptionValue("mip_abs_gap", 0.5 * self.f)
        self.y_cost = y_cost.astype(float) * self.f
        self.quality_weight = quality_weight
        x_cost = np.array(
            [self.groups.quality[g][p] * quality_weight
             for g, p in zip(self.x_group.tolist(), self.x_pos.tolist())],
            dtype=float,
        ) * self.f
        e_cost = np.full(self.num_e,
                         -float(self.penalty * penalty_weight) * self.f)
        self.e_cost = e_cost
        cost = np.concatenate([self.y_cost, e_cost, x_cost])
        self.highs.changeColsCost(len(cost), np.arange(len(cost),
                                                      dtype=np.int32), cost)

    def hold(self, y_cost: np.ndarray, at_least: float):
        """Adds the row ``y_cost . y >= at_least`` (a held stage)."""
        cols = np.flatnonzero(y_cost)
        f = self.f
        self.highs.addRow(float(at_least) * f, np.inf, len(cols),
                          cols.astype(np.int32),
                          y_cost[cols].astype(float) * f)
        self.held_row = (self.num_rows, y_cost.astype(float) * f,
                         float(at_least) * f)
        self.num_rows += 1
        self.row_lower = np.append(self.row_lower, float(at_least) * f)
        self.row_upper = np.append(self.row_upper, np.inf)

    def keeps_hold(self, x: np.ndarray) -> bool:
        """Whether a point keeps the held stage's value (rounding that
        drops households can lose it)."""
        if self.held_row is None:
            return True
        _, coef, at_least = self.held_row
        return float(coef @ x[:self.num_y]) >= at_least - 1e-9 * max(
            1.0, abs(at_least))

    def integral(self, on: bool):
        kind = (self.hs.HighsVarType.kInteger if on
                else self.hs.HighsVarType.kContinuous)
        n = self.num_cols
        self.highs.changeColsIntegrality(
            n, np.arange(n, dtype=np.int32),
            np.full(n, int(kind), dtype=np.uint8))

    def start(self, x: np.ndarray):
        """A feasible integer point to start the next integer solve."""
        x = np.concatenate([x, np.zeros(self.num_cols - len(x))])
        self.highs.setSolution(len(x), np.arange(len(x), dtype=np.int32),
                               x.astype(float))

    # --- solving ----------------------------------------------------------

    def run(self, deadline: float | None):
        h = self.highs
        if deadline is not None:
            h.setOptionValue("time_limit",
                             max(0.01, deadline - time.perf_counter()))
        h.run()
        return h.getModelStatus()

    def reduced_costs(self, duals: np.ndarray):
        """
        Reduced cost of every column, generated or not: ``(y_rc, e_rc,
        rows)`` where ``rows[g]`` holds the group's whole dwelling row.
        """
        data = self.data
        beta = duals[self.r_dw:self.r_bld].copy()
        building = data.dwelling_building
        inb = building >= 0
        beta[inb] += duals[self.r_bld + building[inb]]
        beta += duals[self.r_area + data.dwelling_area]
        if self.penalty:
            beta += duals[self.r_tgt + data.dwelling_area]
        mu = duals[self.r_quota:self.r_quota + self.M * self.Q].reshape(
            self.M, self.Q)
        cache: dict[bytes, np.ndarray] = {}
        rows = []
        for g in range(self.G):
            use = self.groups.usage[g]
            key = use.tobytes()
            if key not in cache:
                cache[key] = beta + (mu @ use)[data.dwelling_municipality]
            row = self.groups.dwellings[g]
            rows.append(self.x_cost(g, self.quality_weight) - duals[g]
                        - cache[key][row])
        y_rc = self.y_cost + duals[self.y_group]
        if self.held_row is not None:
            r, coef, _ = self.held_row
            y_rc = y_rc - coef * duals[r]
        e_rc = self.e_cost + (duals[self.r_tgt:self.r_tgt + self.num_e]
                              if self.num_e else 0)
        return y_rc, e_rc, rows

    def lagrangian_bound(self, duals: np.ndarray, y_rc, e_rc, rows) -> float:
        """An upper bound on the integer optimum over every column."""
        # A dual of the wrong sign for a row without that side is dropped:
        # zero is always a valid multiplier.
        dual = np.where(
            duals > 0,
            np.where(np.isfinite(self.row_upper), duals, 0.0),
            np.where(np.isfinite(self.row_lower), duals, 0.0),
        )
        side = np.where(dual > 0, self.row_upper, self.row_lower)
        side = np.where(dual != 0, side, 0.0)
        value = float(np.sum(dual * side))
        # Columns with a dropped dual are priced with the valid one.
        delta = dual - duals
        if np.any(delta):
            y_rc, e_rc, rows = self.reduced_costs(dual)
        value += float(np.clip(y_rc, 0, None).sum())
        if self.num_e:
            upper_e = np.bincount(self.data.dwelling_area,
                                  minlength=self.A).astype(float)
            value += float((np.clip(e_rc, 0, None) * upper_e).sum())
        value += float(sum(np.clip(r, 0, None).sum() for r in rows))
        return value / self.f

    def price(self, rows, tolerance: float, floor: float | None = None,
              per_round: int | None = PER_ROUND):
        """
        Columns not yet generated with reduced cost above ``tolerance``
        (or above ``floor`` when given, all of them), best first per group.
        """
        new_g, new_p = [], []
        for g, rc in enumerate(rows):
            threshold = tolerance if floor is None else floor
            hits = np.flatnonzero((rc > threshold) & ~self.taken[g])
            if not len(hits):
                continue
            if per_round is not None:
                limit = per_round + len(self.groups.members[g])
                if len(hits) > limit:
                    hits = hits[np.argsort(-rc[hits], kind="stable")[:limit]]
            new_g.append(np.full(len(hits), g, dtype=np.int64))
            new_p.append(np.sort(hits))
        if not new_g:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        return np.concatenate(new_g), np.concatenate(new_p)

    def solution(self) -> np.ndarray:
        return np.array(self.highs.getSolution().col_value)

    def duals(self) -> np.ndarray:
        return np.array(self.highs.getSolution().row_dual)


def _add_priced(model: _ClassModel, g: np.ndarray, p: np.ndarray) -> None:
    """Adds columns (group, position) at their quality under the weight
    of the stage being solved."""
    model.add_columns(g, p, np.array(
        [model.groups.quality[a][b] * model.quality_weight
         for a, b in zip(g.tolist(), p.tolist())]))


def _padded(model: _ClassModel, x: np.ndarray) -> np.ndarray:
    return np.concatenate([x, np.zeros(model.num_cols - len(x))])


def _value(model: _ClassModel, x: np.ndarray) -> float:
    x_cost = np.array(
        [model.groups.quality[g][p] * model.quality_weight
         for g, p in zip(model.x_group.tolist(), model.x_pos.tolist())],
        dtype=float,
    )
    cost = np.concatenate([model.y_cost / model.f, model.e_cost / model.f,
                           x_cost])
    return float(np.rint(cost @ x[:len(cost)]))
