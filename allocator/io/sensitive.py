"""
Sensitive data: kept out of default exports, written only on request.

Household fields marked sensitive in the data contract
(``models.SENSITIVE_FIELDS``: accessibility needs, features to avoid after
trauma, health follow-up) never reach logs, the validation summary or the
default proposal files. Explanations say that "an individual need" rules a
dwelling out, never which. Case workers who need the detail ask for it
explicitly with ``write_sensitive_export``, which writes a separate file
headed by a warning.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from models import (
    SENSITIVE_FIELDS,
    Dwelling,
    Household,
    Instance,
    Policy,
    Proposal,
)

from ._atomic import write_text_atomic
from .layout import EMPTY_SET, LIST_SEPARATOR

WARNING = (
    "# SENSITIVE: health, trauma and disability information about named "
    "households. Do not share, attach to e-mails or keep beside the "
    "proposal; delete when no longer needed."
)
"""First line of the export, so nobody opens it unaware."""

FIELDS = tuple(
    name for name in Household.model_fields if name in SENSITIVE_FIELDS
)
"""The sensitive household fields, in the contract's order."""

NEEDS = (
    "needs_step_free",
    "needs_ground_floor",
    "needs_no_basement",
    "avoid_features",
)
"""Individual needs that are hard rules, each counted separately."""

def write_sensitive_export(
    instance: Instance,
    proposal: Proposal,
    path: str | Path,
    policy: Policy | None = None,
) -> Path:
    """
    Write, on explicit request only, each household's sensitive fields and
    how many dwellings each of its individual needs rules out.

    The file is CSV (UTF-8), written atomically and readable by its owner
    only, and starts with a ``#`` line warning that it holds sensitive
    data. One row per household, sorted by id: whether it was matched and
    to which dwelling, its sensitive fields as in the instance (blank:
    unknown; ``none``: known to have no features to avoid), and for each
    individual need the number of the instance's dwellings that need
    alone rules out under the policy (``ruled_out_by_...``), and how many
    any of them rules out (``ruled_out_by_any_need``).

    Parameters
    ----------
    instance
        The instance the proposal was made for.
    proposal
        The proposal.
    path
        The CSV file to write.
    policy
        The policy the proposal was made with (whether accessibility and
        avoid-features rules are on, how an unknown need counts). Default
        ``Policy()``.

    Returns
    -------
    Path
        The path written.
    """
    policy = Policy() if policy is None else policy
    path = Path(path)
    matched = {m.household: m.dwelling for m in proposal.matches}
    buffer = io.StringIO()
    buffer.write(WARNING + "\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([
        "household", "matched", "dwelling", *FIELDS,
        *(f"ruled_out_by_{need}" for need in NEEDS),
        "ruled_out_by_any_need",
    ])
    for household in sorted(instance.households, key=lambda h: h.id):
        counts, any_need = _ruled_out(household, instance.dwellings, policy)
        writer.writerow([
            household.id,
            "true" if household.id in matched else "false",
            matched.get(household.id, ""),
            *(_text(getattr(household, name)) for name in FIELDS),
            *(counts[need] for need in NEEDS),
            any_need,
        ])
    write_text_atomic(path, buffer.getvalue())
    path.chmod(0o600)
    return path


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, frozenset):
        if not value:
            return EMPTY_SET
        return LIST_SEPARATOR.join(sorted(str(v.value) for v in value))
    return str(value)


def _ruled_out(
    household: Household, dwellings: tuple[Dwelling, ...], policy: Policy
) -> tuple[dict[str, int], int]:
    """Dwellings each individual need rules out, and any of them."""
    counts = dict.fromkeys(NEEDS, 0)
    any_need = 0
    for dwelling in dwellings:
        broken = need_breaches(household, dwelling, policy)
        for need in broken:
            counts[need] += 1
        any_need += bool(broken)
    return counts, any_need


def need_breaches(
    household: Household, dwelling: Dwelling, policy: Policy
) -> list[str]:
    """
    The household's individual needs that rule ``dwelling`` out.

    Re-stated from the rule definitions (README, rules table): step-free
    access needs a step-free entrance and the ground floor or a lift; the
    ground floor means floor 0 and not a basement; an unknown need counts
    as the policy's ``unknown_need`` says; features to avoid rule out a
    dwelling with any of them.

    Parameters
    ----------
    household, dwelling
        The pair.
    policy
        Which rules are on, and how unknown needs count.
    """
    out = []
    if policy.hard.accessibility:
        if _need(household.needs_step_free, policy) and not (
            dwelling.step_free and (dwelling.floor == 0 or dwelling.lift)
        ):
            out.append("needs_step_free")
        if _need(household.needs_ground_floor, policy) and not (
            dwelling.floor == 0 and not dwelling.basement
        ):
            out.append("needs_ground_floor")
        if _need(household.needs_no_basement, policy) and dwelling.basement:
            out.append("needs_no_basement")
    if policy.hard.avoid_features and household.avoid_features:
        if household.avoid_features & dwelling.features:
            out.append("avoid_features")
    return out


def _need(value: bool | None, policy: Policy) -> bool:
    if value is None:
        return policy.unknown_need == "need"
    return value
