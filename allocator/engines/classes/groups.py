"""
The households of the class model in groups: households that share a
dwelling row (their class's, or their own when they have individual
terms) and a quota usage, so that one balance row and one quota
coefficient per column serve them all.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np

from ...data import AllocationData


@dataclasses.dataclass
class _Groups:
    """Households that share a dwelling row and a quota usage."""

    members: list[np.ndarray]
    dwellings: list[np.ndarray]
    quality: list[np.ndarray]
    usage: np.ndarray


def _groups(data: AllocationData) -> _Groups:
    cand = data.candidates
    members, dwellings, quality, usage = [], [], [], []
    for c, households in enumerate(cand.members):
        row, q = cand.free[c]
        if not len(row) or not len(households):
            continue
        plain = defaultdict(list)
        for h in households.tolist():
            if h in cand.individual:
                own_row, own_q = cand.exact_row(h)
                members.append(np.array([h], dtype=np.int64))
                dwellings.append(own_row)
                quality.append(own_q)
                usage.append(data.household_usage[h])
            else:
                plain[tuple(data.household_usage[h].tolist())].append(h)
        for key in sorted(plain):
            members.append(np.array(plain[key], dtype=np.int64))
            dwellings.append(row)
            quality.append(q)
            usage.append(np.array(key, dtype=np.int64))
    Q = len(data.quota_dims)
    return _Groups(members, dwellings, quality,
                   np.array(usage, dtype=np.int64).reshape(len(usage), Q))
