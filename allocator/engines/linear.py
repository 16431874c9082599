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


def build_linear_model(data: AllocationData) -> LinearModel:
    """Builds the full integer program from the compiled arrays."""
    P = data.num_pairs
    ph, pd = data.pair_household, data.pair_dwelling
    pairs = np.arange(P)
    rows = _Rows()
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

    var_lower = [np.zeros(P)]
    var_upper = [np.ones(P)]
    n = P

    # Soft dispersion: excess_a >= households in area a - target_a.
    A = len(data.area_ids)
    per_area = np.bincount(area, minlength=A)
    soft = np.flatnonzero(
        (data.dispersion_penalty > 0) & (per_area > data.area_target)
    )
    excess_var = {}
    for a in soft.tolist():
        members = pairs[area == a]
        excess_var[a] = n
        rows.add(
            np.concatenate([members, [n]]),
            np.concatenate([np.ones(len(members)), [-1]]),
            -np.inf, float(data.area_target[a]), f"area_target[{a}]",
        )
        n += 1
    var_lower.append(np.zeros(len(soft)))
    var_upper.append(
        np.maximum(per_area[soft] - data.area_target[soft], 0).astype(float)
    )

    # Service places (school, kindergarten per area; introduction per
    # municipality): hard rows, or rows with an excess count priced at
    # the penalty per place over.
    place_excess_var = []
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
            rows.add(
                np.concatenate([members, [n]]),
                np.concatenate([usage[members], [-1]]),
                -np.inf, float(cap[g]), f"places_{kind}[{g}]",
            )
            place_excess_var.append(n)
            var_lower.append(np.zeros(1))
            var_upper.append(np.array([float(need[g] - cap[g])]))
            n += 1

    # Shared housing: co-residents of one sex (a sex indicator per
    # dwelling) and within an age band (its youngest age as a variable).
    extra_lower, extra_upper = [], []
    room_pairs = np.flatnonzero(data.pair_room)
    for d in np.unique(pd[room_pairs]).tolist():
        mine = room_pairs[pd[room_pairs] == d]
        if len(mine) < 2:
            continue
        sexes = data.household_sex[ph[mine]]
        if data.shared_same_sex and len(np.unique(sexes)) > 1:
            # One indicator per sex present; at most one may be chosen, and
            # a room goes only to someone of the chosen sex.
            chosen = {}
            for sex in np.unique(sexes).tolist():
                chosen[sex] = n
                n += 1
                extra_lower.append(0)
                extra_upper.append(1)
            rows.add(list(chosen.values()), [1] * len(chosen), -np.inf, 1,
                     f"one_sex[{d}]")
            for p, sex in zip(mine.tolist(), sexes.tolist()):
                rows.add([p, chosen[sex]], [1, -1], -np.inf, 0,
                         f"sex[{d}]")
        ages = data.household_age[ph[mine]]
        gap = data.shared_max_age_gap
        if ages.max() - ages.min() > gap:
            youngest = n
            n += 1
            extra_lower.append(int(ages.min()))
            extra_upper.append(int(ages.max()))
            big = MAX_AGE
            for p, age in zip(mine.tolist(), ages.tolist()):
                # x = 1  =>  youngest <= age <= youngest + gap.
                rows.add([p, youngest], [big, 1], -np.inf, age + big,
                         f"age_low[{d}]")
                rows.add([p, youngest], [big, -1], -np.inf, big + gap - age,
                         f"age_high[{d}]")
    var_lower.append(np.array(extra_lower, dtype=float))
    var_upper.append(np.array(extra_upper, dtype=float))

    primary = np.zeros(n, dtype=np.int64)
    primary[:P] = data.priority[ph]
    secondary = np.zeros(n, dtype=np.int64)
    secondary[:P] = data.pair_quality
    for a, v in excess_var.items():
        secondary[v] = -data.dispersion_penalty
    for v in place_excess_var:
        secondary[v] = -data.place_penalty
    weighted = secondary.copy()
    weighted[:P] += data.priority[ph] * data.priority_weight

    lengths = np.array([len(c) for c in rows.cols], dtype=np.int64)
    row_start = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    return LinearModel(
        num_pairs=P,
        var_lower=np.concatenate(var_lower),
        var_upper=np.concatenate(var_upper),
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
