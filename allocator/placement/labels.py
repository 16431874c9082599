"""
Words for the keys of quota dimensions, services and spread rules, as
users read them in messages, tables and explanations.

The keys (``single_adults``, ``service:introduction_programme``) stay in
the data files and in ``placement.json``; only what is shown to a person
goes through the message catalogue here, so that every message names a
dimension the same way in both languages.
"""

from __future__ import annotations

from ..i18n import N_, _

DIMENSION_WORDS = {
    "households": N_("households"),
    "persons": N_("persons"),
    "single_adults": N_("single adults"),
    "families": N_("families"),
    "unaccompanied_minors": N_("unaccompanied minors"),
    "children": N_("children"),
    "adults": N_("adults"),
    "seniors": N_("seniors"),
}
"""Quota dimension key -> its words (``models.QuotaDimension``)."""

SERVICE_WORDS = {
    "introduction_programme": N_("introduction programme"),
    "minors_care": N_("minors care"),
    "health_follow_up": N_("health follow up"),
}
"""Service key -> its words (``models.PlacementService``)."""

SPREAD_WORDS = {
    "nationality": N_("nationality"),
    "household_type": N_("household type"),
    "household type": N_("household type"),
}
"""Spread rule kind -> the words for one group of it."""


def _words(table: dict[str, str], key: str) -> str:
    """A key's words in the user's language; an unknown key as written,
    with spaces for underscores, rather than an error in a message."""
    words = table.get(key)
    return _(words) if words is not None else key.replace("_", " ")


def dimension_label(dimension: str) -> str:
    """The words for a quota dimension (``single_adults``)."""
    return _words(DIMENSION_WORDS, dimension)


def service_label(service: str) -> str:
    """The words for a service (``introduction_programme``)."""
    return _words(SERVICE_WORDS, service)


def spread_label(kind: str) -> str:
    """The words for a spread rule's kind (``nationality``)."""
    return _words(SPREAD_WORDS, kind)


def capacity_label(name: str) -> str:
    """
    The words for a capacity column: a quota dimension, or the places of
    a service (``service:introduction_programme``).
    """
    if name.startswith("service:"):
        return _("places of {kind}",
                 kind=service_label(name.removeprefix("service:")))
    return dimension_label(name)


def rule_label(rule: str) -> str:
    """
    The words for a rule that rules out or blocks a municipality
    (``quota:persons``, ``service:minors_care``, ``spread:nationality``);
    health follow-up is only ever an individual need, never named.
    """
    if rule == "individual_need":
        return _("an individual need")
    kind, _sep, name = rule.partition(":")
    if kind == "quota":
        return _("quota {words}", words=dimension_label(name))
    if kind == "service":
        return _("service {words}", words=service_label(name))
    if kind == "spread":
        return _("spread of one {words}", words=spread_label(name))
    return rule.replace("_", " ")
