"""
Warnings for silent loss: input the engine would otherwise lose without a
word. Printed by ``validate``, ``solve`` and ``place``, and stored in the
proposal (``Proposal.warnings``).

- ``no_travel_data``: no travel network and no travel-time table, so
  services within reach and the wishes for a central place or a named
  place are scored as nothing for every dwelling.
- ``pair_scores_ignored``: the instance has pair scores but the policy's
  ``placement.score_weight`` is 0.
- ``compatibility_only_allowed``: the compatibility table lists only
  allowed pairs while the policy allows every unlisted pair, so it
  forbids nothing.
- ``stale_as_of``: the planning date is more than two weeks old, so
  waiting times and availability are counted to a day long gone.
- ``service_places_ignored``: areas or municipalities give free school,
  kindergarten or introduction places but the policy's ``places.mode``
  is ``off``.
"""

from __future__ import annotations

from datetime import date

from models import Instance, Policy, ProposalWarning
from models.policy import UnlistedPairs

from .i18n import N_, Translator

STALE_DAYS = 14
"""An as-of date older than this many days is warned about."""

TEXT = {
    "no_travel_data": N_(
        "No travel data: the instance has no travel network and no "
        "travel times, so services within reach and the wishes to live "
        "centrally or near a named place are scored as zero for all "
        "{dwellings} dwellings."),
    "pair_scores_ignored": N_(
        "{pairs} pair scores are ignored: the policy's "
        "placement.score_weight is 0."),
    "compatibility_only_allowed": N_(
        "The compatibility table lists only allowed pairs ({pairs}), and "
        "the policy allows every unlisted pair, so it forbids nothing. Set "
        "placement.unlisted_pairs = \"forbid\" to allow only the listed "
        "pairs."),
    "stale_as_of": N_(
        "The planning date {as_of} is {days} days old: waiting times and "
        "availability are counted to it, not to today."),
    "service_places_ignored": N_(
        "Free school, kindergarten or introduction places are given "
        "({places} figures) but not counted: the policy's places.mode is "
        "off. Set it "
        "to \"cap\" or \"penalise\" to count them."),
}


def _warning(code: str, **values) -> ProposalWarning:
    return ProposalWarning(code=code, message=TEXT[code].format(**values),
                           values=values)


def silent_loss(instance: Instance, policy: Policy | None = None,
                today: date | None = None) -> list[ProposalWarning]:
    """
    Every warning for silent loss in an instance under a policy.

    Parameters
    ----------
    today
        The day to measure the planning date's age against; default
        today.
    """
    policy = policy or Policy()
    today = today or date.today()
    out = []
    has_network = bool(instance.edges) and any(
        d.node is not None for d in instance.dwellings)
    if instance.dwellings and not has_network \
            and not instance.travel_times:
        out.append(_warning("no_travel_data",
                            dwellings=len(instance.dwellings)))
    if instance.pair_scores and policy.placement.score_weight == 0:
        out.append(_warning("pair_scores_ignored",
                            pairs=len(instance.pair_scores)))
    if (instance.compatibility
            and all(c.allowed for c in instance.compatibility)
            and policy.placement.unlisted_pairs == UnlistedPairs.ALLOW):
        out.append(_warning("compatibility_only_allowed",
                            pairs=len(instance.compatibility)))
    given = sum(v is not None for a in instance.areas
                for v in (a.school_places, a.kindergarten_places)) + sum(
        m.introduction_places is not None for m in instance.municipalities)
    if given and not policy.places.on:
        out.append(_warning("service_places_ignored", places=given))
    age = (today - instance.as_of).days
    if age > STALE_DAYS:
        out.append(_warning("stale_as_of", as_of=instance.as_of.isoformat(),
                            days=age))
    return out


def warning_text(w: ProposalWarning, t: Translator) -> str:
    """A warning in the translator's language."""
    template = TEXT.get(w.code)
    if template is None:
        return w.message
    values = {k: (t.number(v) if isinstance(v, int) else v)
              for k, v in w.values.items()}
    if "as_of" in values:
        values["as_of"] = t.date(date.fromisoformat(str(values["as_of"])),
                                 "long")
    return t.gettext(template, **values)
