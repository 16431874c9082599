"""
Eligible pairs without materialising them: class tables, individual terms,
candidate selection and pricing.

A pair's quality is its class row (shared by every household of the class)
plus the household's individual terms (a named place, a current school),
which are sparse: they are non-zero only for dwellings within reach of one
node. Everything the engines need about pruned pairs is computed from
these tables on demand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from models import ADULT_AGE, SCHOOL_AGE, ServiceKind

from .arrays import DwellingArrays, GatheredRows, HouseholdArrays
from .criteria import (
    CRITERION_COL,
    class_scores,
    reach_score,
    rooms,
    rule_failures,
)
from .data import RULES
from .proximity import MEMO_SEARCHES, shortest_minutes

PAIR_CHUNK = 250_000
"""Pairs whose attributes are gathered at a time to score them."""


@dataclass(frozen=True)
class ClassTable:
    """
    For each household class: its eligible dwellings sorted best first by
    class quality, that quality, whether each pair is a shared room, and
    per-rule exclusion counts over all dwellings.
    """

    eligible: list[np.ndarray]
    quality: list[np.ndarray]
    room: list[np.ndarray]
    excluded: np.ndarray
    only: np.ndarray
    num_dwellings: int
    criteria: Mapping[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict)
    """Class criteria by the distinct choices of the household attributes
    each reads: criterion -> (values by choice and dwelling, each class's
    choice); the criteria left out are computed per pair."""


class Individual:
    """
    Sparse per-household terms: the wish to live near a named place, and
    keeping the children's current school when re-housing.

    The school term is ``round(w * reach) - 100 * w``: a constant
    ``-100 * w`` everywhere plus a sparse bonus where the school is within
    reach.
    """

    def __init__(self, instance, policy, graph: nx.Graph):
        w, sv = policy.weights, policy.services
        factor = sv.zero_at_factor
        on_node: dict[str, list[int]] = {}
        for i, d in enumerate(instance.dwellings):
            if d.node is not None:
                on_node.setdefault(d.node, []).append(i)
        on_node = {n: np.array(ds, dtype=np.int64)
                   for n, ds in on_node.items()}
        site_node = {s.id: s.node for s in instance.sites}
        school_target = sv.target_minutes.get(ServiceKind.SCHOOL, 20)
        self.constant: dict[int, int] = {}
        self.index: dict[int, np.ndarray] = {}
        self.place: dict[int, np.ndarray] = {}
        self.school: dict[int, np.ndarray] = {}
        self.keep: dict[int, np.ndarray] = {}
        self.keep_of: dict[int, int] = {}
        self.keep_bonus = 0
        self.num_dwellings = len(instance.dwellings)
        self._flat_terms = None
        cache: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}

        def reached(node, target, weight):
            key = (node, target, weight)
            if key not in cache:
                cache[key] = _sparse_reach(graph, on_node, node, target,
                                           factor, weight)
            return cache[key]

        # Households with the same wished place and the same school share
        # one set of rows (read only): their number is bounded by the
        # places and schools, so memory grows with the households, not
        # with households times the dwellings within reach.
        rows: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for h, household in enumerate(instance.households):
            keys = {}
            if household.wish_near_node is not None and w.wish_place:
                keys["place"] = (household.wish_near_node,
                                 sv.near_place_minutes, w.wish_place)
            if household.current_school and w.school_change and any(
                    SCHOOL_AGE <= m.age < ADULT_AGE
                    for m in household.members):
                node = site_node.get(household.current_school)
                keys["school"] = (node, school_target, w.school_change)
                self.constant[h] = -100 * w.school_change
            if not keys:
                continue
            key = (keys.get("place"), keys.get("school"))
            if key not in rows:
                terms = {name: reached(*k) for name, k in keys.items()}
                # Each term's dwellings ascend, once each: only two need
                # merging.
                reached_at = [i for i, _ in terms.values()]
                index = (reached_at[0] if len(reached_at) == 1
                         else np.unique(np.concatenate(reached_at)))
                values = {}
                for name in ("place", "school"):
                    values[name] = np.zeros(len(index), dtype=np.int64)
                    if name in terms:
                        i, v = terms[name]
                        values[name][np.searchsorted(index, i)] = v
                    values[name].flags.writeable = False
                index.flags.writeable = False
                rows[key] = (index, values["place"], values["school"])
            self.index[h], self.place[h], self.school[h] = rows[key]

    def set_keep(self, keep: dict[int, int], bonus: int) -> None:
        """
        Adds the bonus of keeping a previous match: ``bonus`` on the pair
        of each household and its previous dwelling. It is part of the
        pair's quality for the engines (so every engine optimises it
        unchanged), but no criterion's score.
        """
        self.keep_bonus = int(bonus)
        self.keep_of = {int(h): int(d) for h, d in keep.items()}
        self._flat_terms = None
        empty = np.zeros(0, dtype=np.int64)
        for h, d in self.keep_of.items():
            index = self.index.get(h, empty)
            new = np.union1d(index, [d]).astype(np.int64)
            at = np.searchsorted(new, index)
            for name in ("place", "school"):
                values = np.zeros(len(new), dtype=np.int64)
                if h in getattr(self, name):
                    values[at] = getattr(self, name)[h]
                getattr(self, name)[h] = values
            bonus_row = np.zeros(len(new), dtype=np.int64)
            bonus_row[np.searchsorted(new, d)] = self.keep_bonus
            self.keep[h] = bonus_row
            self.index[h] = new

    def keep_columns(self, ph: np.ndarray, pd: np.ndarray) -> np.ndarray:
        """The keep bonus of pairs: on each household's previous match."""
        out = np.zeros(len(ph), dtype=np.int64)
        if not self.keep_of or not len(ph):
            return out
        previous = np.array([self.keep_of.get(int(h), -1)
                             for h in ph.tolist()], dtype=np.int64)
        out[previous == pd] = self.keep_bonus
        return out

    def __contains__(self, h: int) -> bool:
        return h in self.index

    def row_gain(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Dwellings with a sparse term and the total term there (the
        keep bonus included)."""
        gain = self.place[h] + self.school[h]
        if h in self.keep:
            gain = gain + self.keep[h]
        return self.index[h], gain

    def max_gain(self, h: int) -> int:
        if h not in self.index:
            return 0
        _, gain = self.row_gain(h)
        return int(gain.max(initial=0))

    def columns(self, ph: np.ndarray, pd: np.ndarray):
        """The place and school contributions of pairs."""
        place = np.zeros(len(ph), dtype=np.int64)
        school = np.zeros(len(ph), dtype=np.int64)
        if not self.index or not len(ph):
            return place, school
        keys, place_at, school_at, constant = self._flat()
        school += constant[np.minimum(ph, len(constant) - 1)] * (
            ph < len(constant))
        # Each pair found among the terms of every household at once: a
        # key of household and dwelling, sorted as the rows are.
        pair_keys = ph.astype(np.int64) * self.num_dwellings + pd
        pos = np.minimum(np.searchsorted(keys, pair_keys),
                         max(len(keys) - 1, 0))
        if len(keys):
            hit = keys[pos] == pair_keys
            place[hit] = place_at[pos[hit]]
            school[hit] += school_at[pos[hit]]
        return place, school

    def _flat(self):
        """The terms of every household as one sorted key of household
        and dwelling, with the place and school values at each, and each
        household's constant; built once (``set_keep`` renews it)."""
        if self._flat_terms is None:
            hs = sorted(self.index)
            parts = [np.zeros(0, dtype=np.int64)]
            keys = np.concatenate(parts + [
                h * self.num_dwellings + self.index[h] for h in hs])
            place = np.concatenate(parts + [self.place.get(
                h, np.zeros(len(self.index[h]), dtype=np.int64))
                for h in hs])
            school = np.concatenate(parts + [self.school.get(
                h, np.zeros(len(self.index[h]), dtype=np.int64))
                for h in hs])
            constant = np.zeros(hs[-1] + 1 if hs else 0, dtype=np.int64)
            for h, value in self.constant.items():
                constant[h] = value
            self._flat_terms = (keys, place, school, constant)
        return self._flat_terms


def _sparse_reach(graph, on_node, node, target, factor, weight):
    """Dwellings within ``target * factor`` minutes of a node, and the
    weighted, rounded reach score of each."""
    if node is None or node not in graph:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # The scores of the nodes reached depend on the network alone: kept
    # on the graph beside its searches (see ``shortest_minutes``).
    memo = graph.graph.setdefault("reach_scores", {})
    key = (node, target, factor, weight)
    if key not in memo:
        if len(memo) >= MEMO_SEARCHES:
            memo.clear()
        dist = shortest_minutes(graph, (node,), cutoff=target * factor)
        minutes = np.fromiter(dist.values(), dtype=float, count=len(dist))
        scores = np.rint(weight * reach_score(minutes, target, factor)
                         ).astype(np.int64)
        memo[key] = [(n, int(score)) for n, score
                     in zip(dist, scores.tolist()) if score]
    parts = [(on_node[n], score) for n, score in memo[key] if n in on_node]
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    index = np.concatenate([dwellings for dwellings, _ in parts])
    values = np.repeat([score for _, score in parts],
                       [len(dwellings) for dwellings, _ in parts])
    order = np.argsort(index, kind="stable")
    return index[order], values[order].astype(np.int64)


def lock_check(hh: HouseholdArrays, dw: DwellingArrays, policy, take,
               h: int, d: int):
    """Whether a locked pair passes every hard rule, its room flag and the
    rules it breaks."""
    hi = take(hh, np.array([h]), dense=False)
    di = take(dw, np.array([d]), dense=False)
    fail = rule_failures(hi, di, policy)[:, 0]
    return (
        not fail.any(),
        bool(np.broadcast_to(rooms(hi, di, policy), (1,))[0]),
        [RULES[i] for i in np.flatnonzero(fail)],
    )


class Candidates:
    """Eligible pairs of an instance, materialised only when asked."""

    def __init__(self, *, hh: HouseholdArrays, dw: DwellingArrays, policy,
                 class_of, tables: ClassTable,
                 individual: Individual, locked_households,
                 locked_dwellings, take, co_residents=None, banned=None):
        self.hh, self.dw, self.policy = hh, dw, policy
        # Household -> the dwellings banned for it (its class is its own).
        self.banned = {h: frozenset(ds) for h, ds in (banned or {}).items()}
        self.class_of = class_of
        self.tables = tables
        self.individual = individual
        self.locked_households = locked_households
        self.locked_dwellings = locked_dwellings
        # Shared dwellings whose locks leave rooms free: dwelling -> the
        # locked co-residents the other rooms' tenants must suit.
        self.co_residents = dict(co_residents or {})
        self._take = take
        self.members = [[] for _ in tables.eligible]
        for h, c in enumerate(class_of.tolist()):
            if h not in locked_households:
                self.members[c].append(h)
        self.members = [np.array(m, dtype=np.int64) for m in self.members]
        # Eligible dwellings without the locked ones that are full, best
        # first.
        full = np.setdiff1d(locked_dwellings,
                            np.fromiter(self.co_residents, dtype=np.int64))
        self.free = []
        for c in range(len(tables.eligible)):
            if not len(full):
                # The class rows themselves, not copies: they are the
                # largest part of memory.
                self.free.append((tables.eligible[c], tables.quality[c]))
                continue
            keep = ~np.isin(tables.eligible[c], full)
            self.free.append((tables.eligible[c][keep],
                              tables.quality[c][keep]))

    def admits(self, ph: np.ndarray, pd: np.ndarray) -> np.ndarray:
        """
        Which pairs may be chosen beside the locks: in a shared dwelling
        that locks occupy in part, only a room, and only for a household
        that may live with every locked co-resident (same sex where the
        policy asks, ages within its band). Everywhere else every pair.
        """
        ok = np.ones(len(ph), dtype=bool)
        if not self.co_residents or not len(ph):
            return ok
        partial = np.fromiter(self.co_residents, dtype=np.int64)
        at = np.flatnonzero(np.isin(pd, partial))
        if not len(at):
            return ok
        h = self._take(self.hh, ph[at], dense=False)
        d = self._take(self.dw, pd[at], dense=False)
        ok[at] = np.broadcast_to(rooms(h, d, self.policy), at.shape)
        shared = self.policy.shared
        for k in at[ok[at]].tolist():
            holders = np.array(self.co_residents[int(pd[k])], dtype=np.int64)
            age = self.hh.age[holders]
            fits = (
                abs(int(self.hh.age[ph[k]]) - age).max()
                <= shared.max_age_gap
            )
            if shared.same_sex:
                fits &= bool((self.hh.sex[holders] == self.hh.sex[ph[k]])
                             .all())
            ok[k] = fits
        return ok

    @property
    def has_rooms(self) -> bool:
        """Whether any eligible pair is a room in shared housing."""
        return any(r.any() for r in self.tables.room)

    # --- counts for explanations ------------------------------------------

    def excluded_by(self) -> np.ndarray:
        return self.tables.excluded[self.class_of]

    def excluded_only_by(self) -> np.ndarray:
        return self.tables.only[self.class_of]

    def num_eligible_all(self) -> np.ndarray:
        sizes = np.array([len(e) for e in self.tables.eligible],
                         dtype=np.int32)
        return sizes[self.class_of]

    def num_free_eligible(self) -> np.ndarray:
        sizes = np.array([len(d) for d, _ in self.free], dtype=np.int32)
        out = sizes[self.class_of]
        for d in self.co_residents:
            # Rooms beside locks are open only to those who suit them.
            h = np.flatnonzero(
                [np.isin(d, self.free[c][0]) for c in self.class_of.tolist()]
            )
            out[h] -= ~self.admits(h, np.full(len(h), d, dtype=np.int64))
        out[list(self.locked_households)] = 0
        return out

    def locked_eligible(self, locks) -> dict[int, tuple[int, ...]]:
        """Locked dwellings each household could have had."""
        out: dict[int, tuple[int, ...]] = {}
        if not len(self.locked_dwellings):
            return out
        for c, members in enumerate(self.members):
            mine = self.locked_dwellings[
                np.isin(self.locked_dwellings, self.tables.eligible[c])
            ]
            if len(mine):
                for h in members.tolist():
                    out[h] = tuple(int(d) for d in mine)
        return out

    def eligible_free(self, h: int) -> np.ndarray:
        """Free dwellings eligible for a household."""
        if h in self.locked_households:
            return np.zeros(0, dtype=np.int64)
        return self._free_of(h)[0]

    def _free_of(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        """The class's free row without the rooms beside locks that the
        household may not take."""
        dwellings, quality = self.free[self.class_of[h]]
        if self.co_residents:
            keep = self.admits(np.full(len(dwellings), h, dtype=np.int64),
                               dwellings)
            dwellings, quality = dwellings[keep], quality[keep]
        return dwellings, quality

    def exact_values(self, h: int) -> tuple[np.ndarray, np.ndarray]:
        """Free eligible dwellings of a household and their exact quality:
        best first when the household has no individual terms (its
        class's row), else in the class row's order."""
        dwellings, quality, _gain = self._exact(h)
        return dwellings, quality

    def _exact(self, h: int):
        """``exact_values`` and the individual terms' gain at each of the
        dwellings (zeros without terms)."""
        dwellings, quality = self._free_of(h)
        if h not in self.individual:
            return dwellings, quality, None
        index, gain = self.individual.row_gain(h)
        quality = quality + self.individual.constant.get(h, 0)
        # Looked up from a vector over the dwellings: a class row holds
        # thousands of dwellings, the terms a few hundred.
        gain_at = np.zeros(self.tables.num_dwellings, dtype=np.int64)
        gain_at[index] = gain
        gain_here = gain_at[dwellings]
        return dwellings, quality + gain_here, gain_here

    def exact_row(self, h: int, keep: int | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Free eligible dwellings of a household and their exact quality,
        best first; with ``keep``, only the first ``keep`` of them."""
        if keep is not None and keep > 0 and h in self.individual:
            kept = self._kept_raised(h, keep)
            if kept is not None:
                return kept
        dwellings, quality, gain = self._exact(h)
        if gain is None:
            return dwellings[:keep], quality[:keep]
        if keep is not None and 0 < keep < len(quality):
            if (gain >= 0).all():
                # The class row is best first (ties by position), and no
                # term lowers a dwelling: the first ``keep`` of it and
                # the dwellings a term raises hold the ``keep`` best.
                raised = np.flatnonzero(gain > 0)
                near = np.concatenate([np.arange(keep),
                                       raised[raised >= keep]])
            else:
                # The first ``keep`` in order all reach the keep-th
                # largest quality: sort only those.
                least = np.partition(quality, len(quality) - keep)[
                    len(quality) - keep]
                near = np.flatnonzero(quality >= least)
            dwellings, quality = dwellings[near], quality[near]
        order = best_first(quality, dwellings)[:keep]
        return dwellings[order], quality[order]

    def _kept_raised(self, h: int, keep: int
                     ) -> tuple[np.ndarray, np.ndarray] | None:
        """
        ``exact_row(h, keep)`` of a household with individual terms none
        of which lowers a dwelling: the class row is best first (ties by
        position), so the first ``keep`` of it and the dwellings a term
        raises hold the ``keep`` best, and only those are summed (on
        national a class row holds thousands of dwellings, the terms a
        few hundred). ``None`` when some term is negative or the row has
        no more than ``keep`` dwellings.
        """
        index, gain = self.individual.row_gain(h)
        dwellings, quality = self._free_of(h)
        if keep >= len(dwellings) or (gain < 0).any():
            return None
        # The dwellings a term raises marked in bytes and read along the
        # row with ``take`` (several times faster than indexing with the
        # row's 32-bit positions): the only pass over the whole row.
        raises = np.zeros(self.tables.num_dwellings, dtype=bool)
        raises[index[gain > 0]] = True
        raised = np.flatnonzero(raises.take(dwellings))
        near = np.concatenate([np.arange(keep), raised[raised >= keep]])
        gain_at = np.zeros(self.tables.num_dwellings, dtype=np.int64)
        gain_at[index] = gain
        dwellings = dwellings[near]
        quality = (quality[near] + self.individual.constant.get(h, 0)
                   + gain_at.take(dwellings))
        order = best_first(quality, dwellings)[:keep]
        return dwellings[order], quality[order]

    def rank(self, h: int, d: int) -> tuple[int, int]:
        """Rank of a dwelling among the household's eligible ones (1 is
        best by quality) and how many are eligible."""
        dwellings, quality = self.exact_row(h)
        mine = quality[dwellings == d]
        if not len(mine):
            return 1, max(1, len(dwellings))
        return int((quality > mine[0]).sum()) + 1, len(dwellings)

    def best_abs_quality(self) -> np.ndarray:
        """An upper bound on each household's largest absolute quality."""
        per_class = np.array(
            [int(np.abs(q).max(initial=0)) for q in self.tables.quality],
            dtype=np.int64,
        )
        out = per_class[self.class_of].copy()
        for h in self.individual.index:
            out[h] += abs(self.individual.constant.get(h, 0)) + (
                self.individual.max_gain(h)
            )
        return out

    # --- pairs ------------------------------------------------------------

    def initial_pairs(self, keep: int | None):
        """
        Free pairs to start from: every eligible pair, or each household's
        ``keep`` best dwellings by exact quality.
        """
        hs, ds = [], []
        for c, members in enumerate(self.members):
            if not len(members):
                continue
            plain = np.array(
                [h for h in members.tolist() if h not in self.individual],
                dtype=np.int64,
            )
            dwellings = self.free[c][0]
            if keep is not None:
                dwellings = dwellings[:keep]
            if len(plain) and len(dwellings):
                hs.append(np.repeat(plain, len(dwellings)))
                ds.append(np.tile(dwellings, len(plain)))
            for h in members.tolist():
                if h in self.individual:
                    row, _ = self.exact_row(h, keep)
                    hs.append(np.full(len(row), h, dtype=np.int64))
                    ds.append(row)
        if not hs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        ph, pd = np.concatenate(hs), np.concatenate(ds)
        keep = self.admits(ph, pd)
        ph, pd = ph[keep], pd[keep]
        # Sorted by household, then dwelling: each pair is one number
        # (the pairs are distinct), and the runs of a household's pairs
        # make a stable sort of one key several times faster than a
        # sort by two keys.
        order = np.argsort(ph * self.tables.num_dwellings + pd,
                           kind="stable")
        return ph[order], pd[order]

    def pair_scores(self, ph: np.ndarray, pd: np.ndarray):
        """Room flags and weighted criterion contributions of pairs,
        ``PAIR_CHUNK`` pairs at a time: the attributes gathered per pair
        are many times the result, so they are bounded, not the whole."""
        if len(ph) <= PAIR_CHUNK:
            return self._pair_scores(ph, pd)
        parts = [self._pair_scores(ph[i:i + PAIR_CHUNK],
                                   pd[i:i + PAIR_CHUNK])
                 for i in range(0, len(ph), PAIR_CHUNK)]
        return (np.concatenate([r for r, _ in parts]),
                np.concatenate([s for _, s in parts]))

    def _pair_scores(self, ph: np.ndarray, pd: np.ndarray):
        # Attributes gathered as the criteria read them; the criteria
        # with a table by choice looked up there.
        h = GatheredRows(self.hh, ph)
        d = GatheredRows(self.dw, pd)
        tabled = self.tables.criteria
        scores = class_scores(h, d, self.policy, leave_out=tuple(tabled))
        if tabled and len(ph):
            classes = self.class_of.take(ph)
            for name, (values, choice_of) in tabled.items():
                # One ``take`` at flat positions: about twice as fast as
                # indexing by arrays of rows and columns.
                cells = choice_of.take(classes) * values.shape[1] + pd
                scores[:, CRITERION_COL[name]] = values.take(cells)
        place, school = self.individual.columns(ph, pd)
        scores[:, CRITERION_COL["wish_place"]] += place
        scores[:, CRITERION_COL["school_change"]] += school
        room = np.broadcast_to(rooms(h, d, self.policy), ph.shape).copy()
        return room, scores

    def pair_quality(self, ph: np.ndarray, pd: np.ndarray,
                     scores: np.ndarray) -> np.ndarray:
        """The engines' quality of pairs: their scores' sum plus the keep
        bonus of previous matches."""
        return (scores.sum(axis=1, dtype=np.int64)
                + self.individual.keep_columns(ph, pd))

    # --- pricing ----------------------------------------------------------

    def price(self, household_value: np.ndarray, household_potential,
              dwelling_potential, present: set, limit: int):
        """
        Pruned pairs that could improve the current solution.

        A pair ``(h, d)`` prices out when ``household_value[h] + quality +
        dwelling_potential[d] > household_potential[h]``: its reduced cost
        in the current duals is negative. Returns at most ``limit`` such
        pairs per household, most improving first.
        """
        new_h, new_d = [], []
        for c, members in enumerate(self.members):
            if not len(members):
                continue
            dwellings, quality = self.free[c]
            if not len(dwellings):
                continue
            reduced = quality + dwelling_potential[dwellings]
            best = int(reduced.max())
            for h in members.tolist():
                margin = int(household_potential[h] - household_value[h])
                if best + self.individual.max_gain(h) + (
                    self.individual.constant.get(h, 0)
                ) <= margin:
                    continue  # no pair of this household can improve
                row, q = (dwellings, quality)
                if h in self.individual:
                    row, q = self.exact_row(h)
                gain = q + dwelling_potential[row] - margin
                hits = np.flatnonzero(gain > 0)
                if not len(hits):
                    continue
                hits = hits[np.argsort(-gain[hits], kind="stable")]
                taken = 0
                for i in hits.tolist():
                    d = int(row[i])
                    if (h, d) in present or (
                        d in self.co_residents
                        and not self.admits(np.array([h]), np.array([d]))[0]
                    ):
                        continue
                    new_h.append(h)
                    new_d.append(d)
                    taken += 1
                    if taken >= limit:
                        break
        return (np.array(new_h, dtype=np.int64),
                np.array(new_d, dtype=np.int64))


def best_first(quality: np.ndarray, ties: np.ndarray | None = None
               ) -> np.ndarray:
    """
    The order of a row by quality, best first, ties by ``ties``
    ascending (by position when ``None``). A class's cells come in row
    order, so a stable sort on quality alone breaks their ties; it sorts
    distances below the best in 16 bits when they fit, which NumPy sorts
    by radix, some five times faster than 64-bit keys. A household's own
    row (thousands of dwellings on national, sorted for each household
    with individual terms) packs quality and dwelling in one integer
    where they leave room for it, else sorts by both keys.
    """
    if not len(quality):
        return np.zeros(0, dtype=np.intp)
    integral = np.issubdtype(quality.dtype, np.integer)
    below = quality.max() - quality
    if ties is None:
        if integral and below.max() <= np.iinfo(np.uint16).max:
            return np.argsort(below.astype(np.uint16), kind="stable")
        return np.argsort(-quality, kind="stable")
    span = int(ties.max()) + 1
    if integral and (int(below.max()) + 1) * span < 2**62:
        key = below.astype(np.int64) * span + ties
        return np.argsort(key, kind="stable")
    return np.lexsort((ties, -quality))
