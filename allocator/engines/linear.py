"""The integer program of record, as sparse arrays shared by mip and cpsat."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..data import UNLIMITED, AllocationData

MAX_AGE = 120


@dataclass(frozen=True)
class LinearModel:
    """
    ``lower <= A x <= upper`` over integer variables within
    ``[var_lower, var_upper]``, in CSR form, with two objective vectors to
    maximise: ``primary`` (priority) then ``secondary`` (quality), or the
    single ``weighted`` one.

    Variables: one binary per free pair, then one excess count per area
    with a soft target, then one per area or municipality whose service
    places are priced over, then for shared dwellings one sex indicator and one
    youngest-age-of-the-band variable each.
    """

    num_pairs: int
    var_lower: np.ndarray
    var_upper: np.ndarray
    row_start: np.ndarray
    col_index: np.ndarray
    values: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    primary: np.ndarray
    secondary: np.ndarray
    weighted: np.ndarray
    row_names: tuple[str, ...]

    @property
    def num_vars(self) -> int:
        return len(self.var_lower)

    @property
    def num_rows(self) -> int:
        return len(self.row_lower)

    def row(self, i):
        s, e = self.row_start[i], self.row_start[i + 1]
        return self.col_index[s:e], self.values[s:e]


class _Rows:
    def __init__(self):
        self.cols, self.vals, self.lower, self.upper, self.names = (
            [], [], [], [], []
        )

    def add(self, cols, vals, lower, upper, name):
        self.cols.append(np.asarray(cols, dtype=np.int64))
        self.vals.append(np.asarray(vals, dtype=np.int64))
        self.lower.append(lower)
        self.upper.append(upper)
        self.names.append(name)

    def add_grouped(self, group, cols, vals, upper, name):
        """One ``<= upper[g]`` row per group value, skipping slack rows."""
        if len(group) == 0:
            return
        order = np.argsort(group, kind="stable")
        group, cols, vals = group[order], cols[order], vals[order]
        bounds = np.flatnonzero(np.diff(group)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [len(group)]])
        for s, e in zip(starts.tolist(), ends.tolist()):
            g = int(group[s])
            if vals[s:e].sum() <= upper[g]:
                continue  # cannot bind: leave it out
            self.add(cols[s:e], vals[s:e], -np.inf, float(upper[g]),
                     f"{name}[{g}]")


class _Columns:
    """The variables beyond the pairs, numbered from ``num_pairs`` on in
    the order they are added, with their bounds."""

    def __init__(self, num_pairs: int):
        self.n = num_pairs
        self.lower = [np.zeros(num_pairs)]
        self.upper = [np.ones(num_pairs)]

    def add(self, lower, upper) -> int:
        """Adds one integer variable within ``[lower, upper]``; returns its
        index."""
        self.lower.append(np.array([lower], dtype=float))
        self.upper.append(np.array([upper], dtype=float))
        self.n += 1
        return self.n - 1


def build_linear_model(data: AllocationData) -> LinearModel:
    """Builds the full integer program from the compiled arrays."""
    P = data.num_pairs
    ph = data.pair_household
    rows = _Rows()
    columns = _Columns(P)
    _capacity_rows(data, rows)
    excess_vars = _dispersion_rows(data, rows, columns)
    place_vars = _place_rows(data, rows, columns)
    _shared_rows(data, rows, columns)

    n = columns.n
    primary = np.zeros(n, dtype=np.int64)
    primary[:P] = data.priority[ph]
    secondary = np.zeros(n, dtype=np.int64)
    secondary[:P] = data.pair_quality
    for v in excess_vars:
        secondary[v] = -data.dispersion_penalty
    for v in place_vars:
        secondary[v] = -data.place_penalty
    weighted = secondary.copy()
    weighted[:P] += data.priority[ph] * data.priority_weight

    lengths = np.array([len(c) for c in rows.cols], dtype=np.int64)
    row_start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return LinearModel(
        num_pairs=P,
        var_lower=np.concatenate(columns.lower),
        var_upper=np.concatenate(columns.upper),
        row_start=row_start,
        col_index=np.concatenate(rows.cols) if rows.cols else np.zeros(0, int),
        values=np.concatenate(rows.vals) if rows.vals else np.zeros(0, int),
        row_lower=np.array(rows.lower, dtype=float),
        row_upper=np.array(rows.upper, dtype=float),
        primary=primary,
        secondary=secondary,
        weighted=weighted,
        row_names=tuple(rows.names),
    )


def _capacity_rows(data: AllocationData, rows: _Rows) -> None:
    """One dwelling per household, dwelling capacity, the nested caps on
    refugee households (building, area), the quotas, and the caps on
    some households per group of dwellings."""
    P = data.num_pairs
    ph, pd = data.pair_household, data.pair_dwelling
    pairs = np.arange(P)
    ones = np.ones(P, dtype=np.int64)

    # One dwelling per household.
    rows.add_grouped(ph, pairs, ones, np.ones(data.num_households), "household")

    # Dwelling capacity: a shared dwelling holds ``slots`` rooms, and a
    # household taking it whole uses all of them.
    slots = data.dwelling_slots[pd]
    use = np.where(data.pair_room, 1, slots)
    rows.add_grouped(pd, pairs, use, data.dwelling_slots, "dwelling")

    # Nested caps on refugee households: building, area; quotas.
    building = data.dwelling_building[pd]
    inb = building >= 0
    rows.add_grouped(building[inb], pairs[inb], ones[inb], data.building_cap,
                     "building_cap")
    area = data.dwelling_area[pd]
    rows.add_grouped(area, pairs, ones, data.area_cap, "area_cap")
    municipality = data.dwelling_municipality[pd]
    for q, dim in enumerate(data.quota_dims):
        usage = data.household_usage[ph, q]
        mask = usage > 0
        rows.add_grouped(municipality[mask], pairs[mask], usage[mask],
                         data.quota_cap[:, q], f"quota_{dim}")

    # Caps on some households per group of dwellings: one row per group,
    # over the pairs of the households each counts.
    for cap in data.household_caps:
        group, usage = cap.pair_usage(ph, pd)
        mask = usage > 0
        rows.add_grouped(group[mask], pairs[mask], usage[mask], cap.cap,
                         cap.rule)


def _dispersion_rows(data: AllocationData, rows: _Rows,
                     columns: _Columns) -> list[int]:
    """
    Soft dispersion: excess_a >= households in area a - target_a, for
    each area whose pairs could pass its target; returns the excess
    variables.
    """
    pairs = np.arange(data.num_pairs)
    area = data.dwelling_area[data.pair_dwelling]
    per_area = np.bincount(area, minlength=len(data.area_ids))
    soft = np.flatnonzero(
        (data.dispersion_penalty > 0) & (per_area > data.area_target)
    )
    excess_vars = []
    for a in soft.tolist():
        members = pairs[area == a]
        n = columns.add(0, max(per_area[a] - data.area_target[a], 0))
        rows.add(
            np.concatenate([members, [n]]),
            np.concatenate([np.ones(len(members)), [-1]]),
            -np.inf, float(data.area_target[a]), f"area_target[{a}]",
        )
        excess_vars.append(n)
    return excess_vars


def _place_rows(data: AllocationData, rows: _Rows,
                columns: _Columns) -> list[int]:
    """
    Service places (school, kindergarten per area; introduction per
    municipality): hard rows, or rows with an excess count priced at
    the penalty per place over; returns the excess variables.
    """
    ph, pd = data.pair_household, data.pair_dwelling
    pairs = np.arange(data.num_pairs)
    place_vars = []
    for k, kind in enumerate(data.place_kinds):
        usage = data.place_usage[ph, k]
        group = data.place_group[pd, k]
        cap = data.place_cap[k]
        mask = (usage > 0) & (cap[group] < UNLIMITED)
        if not data.place_penalty:
            rows.add_grouped(group[mask], pairs[mask], usage[mask], cap,
                             f"places_{kind}")
            continue
        need = np.bincount(group[mask], weights=usage[mask],
                           minlength=len(cap)).astype(np.int64)
        users = pairs[mask]
        users = users[np.argsort(group[users], kind="stable")]
        starts = np.searchsorted(group[users], np.arange(len(cap) + 1))
        for g in np.flatnonzero(need > cap).tolist():
            members = users[starts[g]:starts[g + 1]]
            n = columns.add(0, float(need[g] - cap[g]))
            rows.add(
                np.concatenate([members, [n]]),
                np.concatenate([usage[members], [-1]]),
                -np.inf, float(cap[g]), f"places_{kind}[{g}]",
            )
            place_vars.append(n)
    return place_vars


def _shared_rows(data: AllocationData, rows: _Rows,
                 columns: _Columns) -> None:
    """
    Shared housing: co-residents of one sex (a sex indicator per
    dwelling) and within an age band (its youngest age as a variable).
    """
    ph, pd = data.pair_household, data.pair_dwelling
    room_pairs = np.flatnonzero(data.pair_room)
    for d in np.unique(pd[room_pairs]).tolist():
        mine = room_pairs[pd[room_pairs] == d]
        if len(mine) < 2:
            continue
        sexes = data.household_sex[ph[mine]]
        if data.shared_same_sex and len(np.unique(sexes)) > 1:
            # One indicator per sex present; at most one may be chosen, and
            # a room goes only to someone of the chosen sex.
            chosen = {sex: columns.add(0, 1)
                      for sex in np.unique(sexes).tolist()}
            rows.add(list(chosen.values()), [1] * len(chosen), -np.inf, 1,
                     f"one_sex[{d}]")
            for p, sex in zip(mine.tolist(), sexes.tolist()):
                rows.add([p, chosen[sex]], [1, -1], -np.inf, 0,
                         f"sex[{d}]")
        ages = data.household_age[ph[mine]]
        gap = data.shared_max_age_gap
        if ages.max() - ages.min() > gap:
            youngest = columns.add(int(ages.min()), int(ages.max()))
            big = MAX_AGE
            for p, age in zip(mine.tolist(), ages.tolist()):
                # x = 1  =>  youngest <= age <= youngest + gap.
                rows.add([p, youngest], [big, 1], -np.inf, age + big,
                         f"age_low[{d}]")
                rows.add([p, youngest], [big, -1], -np.inf, big + gap - age,
                         f"age_high[{d}]")


def objective_stages(data: AllocationData, model: LinearModel,
                     exact_below: float) -> list[np.ndarray]:
    """
    The objectives to maximise in turn.

    In lexicographic mode one combined objective ``primary * scale +
    secondary`` gives the lexicographic optimum exactly (``scale`` exceeds
    any possible change in the secondary part) and keeps the constraint
    matrix as it is: for network-like rule sets its LP relaxation stays
    integral. A second stage that holds the primary optimum with an extra
    row breaks that structure and was a hundred times slower on the city
    preset. The combined form is used while its largest value stays below
    ``exact_below`` (where the solver's arithmetic is exact); above it, two
    stages. When the keep bonus of a re-solve outweighs any change of
    quality (``keep_first``), the first stage is priority then kept
    matches, ``primary * (kept + 1) + kept``, small and exact, and the
    second is quality; it is the keep bonus that makes the combined form
    too large (the city re-solve: 2.8 times 2**46).
    """
    if not data.lexicographic:
        return [model.weighted]
    largest = data.scale * (int(data.priority.sum()) + 1)
    if largest < exact_below:
        return [model.primary * data.scale + model.secondary]
    if not data.keep_first:
        return [model.primary, model.secondary]
    kept = data.pair_kept()
    first = model.primary * (int(kept.sum()) + 1)
    first[: model.num_pairs] += kept
    return [first, model.secondary]
