"""What was read: the rows of the validation summary table."""

from __future__ import annotations

from collections import Counter

from models import DecisionKind, HouseholdType, Instance, ServiceKind, Tenure

from .detect import FormatReport

BEDROOM_CLASSES = ("0", "1", "2", "3", "4", "5+")
"""Bedroom classes of the summary; 5 and more are one class."""

_INDENT = "  "


def summary_rows(
    instance: Instance, report: FormatReport | None = None
) -> list[tuple[str, str]]:
    """
    What an instance holds, as (label, value) rows for a summary table.

    Sub-rows (a breakdown of the row above) have labels indented by two
    spaces. Only counts are shown: no household field, sensitive or not.

    Parameters
    ----------
    instance
        The instance read.
    report
        What reading detected (``read_instance(path, report)``); adds a
        ``format`` row such as ``CSV: separator ';', decimal comma,
        encoding windows-1252, dates dd.mm.yyyy, booleans ja/nei``.

    Returns
    -------
    list
        ``(label, value)`` pairs, values as text.
    """
    rows: list[tuple[str, str]] = [
        ("instance", instance.name),
        ("as of", instance.as_of.isoformat()),
    ]
    if report is not None:
        rows.append(("format", report.describe()))
    rows += _households(instance)
    rows += _dwellings(instance)
    rows += [
        ("municipalities", str(len(instance.municipalities))),
        (
            f"{_INDENT}with a quota",
            str(sum(bool(m.quotas) for m in instance.municipalities)),
        ),
        ("areas", str(len(instance.areas))),
        ("buildings", str(len(instance.buildings))),
        ("area nationalities", str(len(instance.area_nationalities))),
        ("network nodes", str(len(instance.nodes))),
        ("network edges", str(len(instance.edges))),
        ("service sites", str(len(instance.sites))),
    ]
    sites = Counter(site.kind for site in instance.sites)
    rows += _breakdown(sites, list(ServiceKind))
    rows.append(("travel times", str(len(instance.travel_times))))
    decisions = Counter(d.kind for d in instance.decisions)
    rows.append(("decisions", str(len(instance.decisions))))
    rows += _breakdown(decisions, list(DecisionKind), keep_zero=True)
    return rows


def _households(instance: Instance) -> list[tuple[str, str]]:
    households = instance.households
    types = Counter(h.household_type for h in households)
    persons = sum(h.size for h in households)
    children = sum(h.children for h in households)
    return [
        ("households", str(len(households))),
        *_breakdown(types, list(HouseholdType)),
        ("persons", str(persons)),
        (f"{_INDENT}children (under 18)", str(children)),
    ]


def _dwellings(instance: Instance) -> list[tuple[str, str]]:
    dwellings = instance.dwellings
    tenures = Counter(d.tenure for d in dwellings)
    bedrooms = Counter(
        BEDROOM_CLASSES[min(d.bedrooms, len(BEDROOM_CLASSES) - 1)]
        for d in dwellings
    )
    return [
        ("dwellings", str(len(dwellings))),
        *_breakdown(tenures, list(Tenure)),
        *(
            (f"{_INDENT}{size} bedroom(s)", str(bedrooms[size]))
            for size in BEDROOM_CLASSES
        ),
    ]


def _breakdown(counts: Counter, order: list, keep_zero: bool = False):
    """Indented rows per value, in the enum's order."""
    return [
        (f"{_INDENT}{str(key.value).replace('_', ' ')}", str(counts[key]))
        for key in order
        if keep_zero or counts[key]
    ]
