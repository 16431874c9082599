"""What was read: the rows of the validation summary table."""

from __future__ import annotations

from collections import Counter

from models import DecisionKind, HouseholdType, Instance, ServiceKind, Tenure

from ..i18n import _, current
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
        (_("instance"), instance.name),
        (_("as of"), instance.as_of.isoformat()),
    ]
    if report is not None:
        rows.append((_("format"), report.describe()))
    rows += _households(instance)
    rows += _dwellings(instance)
    rows += [
        (_("municipalities"), str(len(instance.municipalities))),
        (
            _INDENT + _("with a quota"),
            str(sum(bool(m.quotas) for m in instance.municipalities)),
        ),
        (_("areas"), str(len(instance.areas))),
        (_("buildings"), str(len(instance.buildings))),
        (_("area nationalities"), str(len(instance.area_nationalities))),
        (_("network nodes"), str(len(instance.nodes))),
        (_("network edges"), str(len(instance.edges))),
        (_("service sites"), str(len(instance.sites))),
    ]
    sites = Counter(site.kind for site in instance.sites)
    rows += _breakdown(sites, list(ServiceKind))
    rows.append((_("travel times"), str(len(instance.travel_times))))
    decisions = Counter(d.kind for d in instance.decisions)
    rows.append((_("decisions"), str(len(instance.decisions))))
    rows += _breakdown(decisions, list(DecisionKind), keep_zero=True)
    return rows


def _households(instance: Instance) -> list[tuple[str, str]]:
    households = instance.households
    types = Counter(h.household_type for h in households)
    persons = sum(h.size for h in households)
    children = sum(h.children for h in households)
    return [
        (_("households"), str(len(households))),
        *_breakdown(types, list(HouseholdType)),
        (_("persons"), str(persons)),
        (_INDENT + _("children (under 18)"), str(children)),
    ]


def _dwellings(instance: Instance) -> list[tuple[str, str]]:
    dwellings = instance.dwellings
    tenures = Counter(d.tenure for d in dwellings)
    bedrooms = Counter(
        BEDROOM_CLASSES[min(d.bedrooms, len(BEDROOM_CLASSES) - 1)]
        for d in dwellings
    )
    return [
        (_("dwellings"), str(len(dwellings))),
        *_breakdown(tenures, list(Tenure)),
        *(
            (_INDENT + _("{size} bedroom(s)", size=size), str(bedrooms[size]))
            for size in BEDROOM_CLASSES
        ),
    ]


def _breakdown(counts: Counter, order: list, keep_zero: bool = False):
    """Indented rows per value, in the enum's order."""
    return [
        (f"{_INDENT}{_value(key).replace('_', ' ')}", str(counts[key]))
        for key in order
        if keep_zero or counts[key]
    ]


def _value(key) -> str:
    """A coded value as the template of the language in use writes it."""
    from ..type_words import TYPE_TEXT
    from .norwegian import VALUES

    if current().lang == "nb" and key in TYPE_TEXT:
        return _(TYPE_TEXT[key])
    if current().lang == "nb" and type(key) in VALUES:
        return VALUES[type(key)].get(str(key.value), str(key.value))
    return str(key.value)
