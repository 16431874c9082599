"""
Affordability (DOMAIN.md 7.2.22, D10, H17): a household's net housing cost
after the approximated housing allowance, against its income.

Whole kroner a month throughout, so every engine and the per-pair
breakdown agree exactly. The approximation of Husbanken's bostøtte and its
parameters are documented on ``models.policy.Affordability``. Works on any
arrays that broadcast, like ``allocator.criteria``.
"""

from __future__ import annotations

import numpy as np

from models import Policy, RuleMode

UNKNOWN_INCOME = -1
"""``income`` of a household whose income is unknown (or of every
household while the rule is off, so that income splits no class)."""


def housing_cost(rent, utilities, bedrooms, policy: Policy) -> np.ndarray:
    """Monthly rent plus utilities in whole kroner; an unknown utilities
    value (NaN) is the policy's estimate from the bedrooms."""
    a = policy.affordability
    estimate = a.utilities_base_nok + a.utilities_per_bedroom_nok * np.asarray(
        bedrooms, dtype=np.int64
    )
    utilities = np.asarray(utilities, dtype=float)
    known = np.where(np.isnan(utilities), 0.0, utilities)
    total = np.asarray(rent, dtype=float) + known
    return np.rint(total).astype(np.int64) + np.where(
        np.isnan(utilities), estimate, 0
    )


def net_cost(cost, income, persons, policy: Policy):
    """The monthly cost left after the approximated housing allowance."""
    a = policy.affordability
    cap = a.cost_cap_nok + a.cost_cap_per_person_nok * (persons - 1)
    own = a.own_share_percent * np.maximum(income, a.minimum_income_nok) // 100
    allowance = np.maximum(
        0, a.allowance_percent * (np.minimum(cost, cap) - own) // 100
    )
    return cost - allowance


def unaffordable(h, d, policy: Policy):
    """Pairs whose net cost exceeds ``max_share_percent`` of a known
    income (hard mode)."""
    a = policy.affordability
    net = net_cost(d.cost, h.income, h.size, policy)
    return (h.income >= 0) & (100 * net > a.max_share_percent * h.income)


def penalty_points(h, d, policy: Policy):
    """0-100: five points per percentage point of income the net cost lies
    above ``threshold_percent`` (penalise mode); 0 for an unknown
    income."""
    a = policy.affordability
    net = net_cost(d.cost, h.income, h.size, policy)
    income = np.maximum(h.income, 1)
    over = 100 * net - a.threshold_percent * h.income
    points = np.minimum(100, np.maximum(0, 5 * over // income))
    return np.where(h.income >= 0, points, 0)


def applies(policy: Policy) -> bool:
    return policy.affordability.mode != RuleMode.IGNORE
