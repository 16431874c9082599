"""
What each mode needs of an instance beyond what validation requires.

An instance valid for placement in municipalities may have no areas, no
dwellings, no permit dates and no members' sex: placement uses none of
them (permit dates only for priority). The modes that do use them check
here when they run, and refuse with ``ModeUnavailable``, whose message
names the mode and what is missing; the command line exits with
``MODE_UNAVAILABLE``.
"""

from __future__ import annotations

from models import Instance

from .i18n import _

MODE_UNAVAILABLE = 5
"""Exit status of a command whose mode cannot run on the data."""

EXAMPLES = 3
"""Households named as examples of a missing field."""


class ModeUnavailable(ValueError):
    """
    A mode cannot run on an instance: it needs data the instance lacks.

    Parameters
    ----------
    mode
        The mode or command, e.g. ``"chained"`` or ``"solve"``.
    missing
        What is missing, one sentence each.
    """

    def __init__(self, mode: str, missing: list[str]):
        self.mode = mode
        self.missing = tuple(missing)
        super().__init__(
            _("{mode} cannot run on this instance: {missing}", mode=mode,
              missing=" ".join(missing))
        )


def _examples(ids: list[str]) -> str:
    shown = ", ".join(repr(i) for i in ids[:EXAMPLES])
    return " " + _("(e.g. {shown})", shown=shown) if ids else ""


def dwelling_level_gaps(instance: Instance) -> list[str]:
    """
    What the dwelling level needs and the instance lacks: dwellings (and
    their areas), every household's permit date and every member's sex.
    """
    gaps = []
    if not instance.dwellings:
        gaps.append(_("It matches households to dwellings, and the "
                      "instance has no dwellings (dwellings.csv is missing "
                      "or empty)."))
    if not instance.areas:
        gaps.append(_("It counts dispersion by area, and the instance has "
                      "no areas (areas.csv is missing or empty)."))
    gaps += permit_date_gaps(instance, _("waiting time and deadlines"))
    blank_sex = [h.id for h in instance.households
                 if any(m.sex is None for m in h.members)]
    if blank_sex:
        gaps.append(_("The size norm needs every member's sex; it is "
                      "blank for members of {n} household(s){examples}.",
                      n=len(blank_sex), examples=_examples(blank_sex)))
    return gaps


def permit_date_gaps(instance: Instance, use: str) -> list[str]:
    """A sentence on households without a permit date, if any."""
    blank = [h.id for h in instance.households if h.permit_date is None]
    if not blank:
        return []
    return [_("Its {use} count from the permit date, which is blank for "
              "{n} household(s){examples}.", use=use, n=len(blank),
              examples=_examples(blank))]


def require_dwelling_level(instance: Instance, mode: str) -> None:
    """
    Raise ``ModeUnavailable`` naming ``mode`` when the instance lacks what
    the dwelling level needs (see ``dwelling_level_gaps``).
    """
    gaps = dwelling_level_gaps(instance)
    if gaps:
        raise ModeUnavailable(mode, gaps)
