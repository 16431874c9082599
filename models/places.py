"""Service places: school, kindergarten and introduction-programme places
that a settled household's members use (DOMAIN.md 7.1.2)."""

from enum import StrEnum
from typing import Self

from pydantic import model_validator

from ._base import StrictModel, Weight
from .problems import _


class PlacesMode(StrEnum):
    """How free service places bind the matching."""

    OFF = "off"
    """Places are not counted (default: existing optima are unchanged)."""
    CAP = "cap"
    """Free places are hard caps."""
    PENALISE = "penalise"
    """Each place used above the free places costs ``penalty``."""


class PlaceKind(StrEnum):
    """A kind of service place, and where its free places are counted."""

    KINDERGARTEN = "kindergarten"
    """Per area (``Area.kindergarten_places``)."""
    SCHOOL = "school"
    """Per area (``Area.school_places``)."""
    INTRODUCTION = "introduction"
    """Per municipality (``Municipality.introduction_places``)."""


class ServicePlaces(StrictModel):
    """
    School and kindergarten places per area, introduction-programme places
    per municipality.

    Who needs a place follows from the members' ages (inclusive bands):
    a kindergarten place for each member aged ``kindergarten_ages``
    (default 1-5: barnehage from age 1 until school), a school place for
    each member aged ``school_ages`` (default 6-15: the ten years of
    grunnskole), and an introduction-programme place for each member aged
    ``placement.introduction_min_age`` to ``placement.introduction_max_age``
    (default 18-55, the Introduction Act's ages) unless the household's
    ``introduction_programme`` is false. A blank number of free places
    means no limit.

    Parameters
    ----------
    mode
        ``off`` (default), ``cap`` (hard caps) or ``penalise`` (each place
        over costs ``penalty`` quality points).
    penalty
        Objective cost per place used above the free places in
        ``penalise`` mode. Default 100.
    kindergarten_ages, school_ages
        Inclusive age bands of members needing a place.
    """

    mode: PlacesMode = PlacesMode.OFF
    penalty: Weight = 100
    kindergarten_ages: tuple[int, int] = (1, 5)
    school_ages: tuple[int, int] = (6, 15)

    @model_validator(mode="after")
    def _bands_ordered(self) -> Self:
        for name in ("kindergarten_ages", "school_ages"):
            low, high = getattr(self, name)
            if not 0 <= low <= high <= 120:
                raise ValueError(_(
                    "{name} must be two ages from 0 to 120, the first not "
                    "above the second.", name=name))
        return self

    @property
    def on(self) -> bool:
        return self.mode != PlacesMode.OFF

