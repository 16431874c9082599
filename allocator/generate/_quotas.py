"""Council decisions (vedtak) below IMDi's requests (anmodning)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _calibration as cal
from ._geography import Place
from ._util import apportion


@dataclass(frozen=True)
class CouncilDecision:
    """One municipality's request and decision, in persons and households."""

    category: str
    requested: int
    persons: int
    households: int


def council_decisions(
    places: list[Place],
    persons: int,
    households: int,
    rng: np.random.Generator,
) -> list[CouncilDecision]:
    """
    Requests and decisions for every municipality.

    IMDi requests all municipalities (as in May 2014) for places in
    proportion to population, in total as many persons as wait. Each
    municipality then decides in line with the request, fewer, none, or has
    not decided yet, in the proportions of Table 2.4 [DOMAIN 1.5]; no
    decision means no places yet.
    """
    pop = np.array([p.population for p in places], float)
    requested = np.maximum(1, np.round(persons * pop / pop.sum())).astype(int)
    labels = list(cal.DECISION_MIX)
    counts = apportion(len(places), list(cal.DECISION_MIX.values()))
    categories = [c for c, n in zip(labels, counts, strict=True)
                  for _ in range(n)]
    categories = [categories[int(k)] for k in rng.permutation(len(places))]
    per_household = persons / max(households, 1)
    result = []
    for category, asked in zip(categories, requested, strict=True):
        asked = int(asked)
        if category == "in_line":
            decided = asked
        elif category == "fewer":
            share = rng.uniform(*cal.FEWER_RANGE)
            decided = min(asked - 1, round(asked * share))
        else:
            decided = 0
        decided_households = (
            min(decided, max(1, round(decided / per_household)))
            if decided else 0
        )
        result.append(
            CouncilDecision(category, asked, decided, decided_households)
        )
    return result
