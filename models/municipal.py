"""
A municipality's own rules for its dwellings (DOMAIN.md 7.4.18, chapter 4).

In national and region runs each municipality may bring its own policy:
Bergen weighs self-found and private dwellings its own way, Hammerfest
relies on sublets, Kvinesdal's small stock cannot keep every surplus
rule. A municipal policy changes the rules of the pairs whose dwelling is
in that municipality, and nothing else.

Scope: only what acts on one household-dwelling pair through the
dwelling may differ per municipality:

- ``horizon_days`` (when a dwelling counts as available),
- ``size.allowed_surplus`` and ``size.crowding``,
- ``hard.accessibility``, ``hard.avoid_features``, ``hard.child_safety``
  and ``hard.care_housing``,
- the weights of the class criteria: ``weights.size_fit``, ``services``,
  ``condition``, ``child_suitability``, ``tenure``, ``reunification``,
  ``wish_central``, ``wish_compatriots``, ``late_move_in`` and
  ``care_housing``.

Everything else stays national, and a municipal policy that sets it is an
error: the size norm's bedroom need, unknown needs, deadlines and
priority define a household and its place in one national queue; caps,
quotas, dispersion, service places and shared housing couple households
across dwellings; the objective, ``weights.housed`` and
``weights.dispersion`` price the whole run; the weights of a named place
and of a school change are the household's own terms. A field left out
(or blank) takes the national policy's value.
"""

from typing import Any, ClassVar, Literal

from pydantic import Field, NonNegativeInt, model_validator

from ._base import StrictModel, Text, Weight
from .problems import N_, _

RuleMode = Literal["forbid", "penalise", "ignore"]
"""As ``models.policy.RuleMode`` (not imported: that module imports this)."""

SCOPE = N_(
    "a municipality's policy may set only horizon_days, "
    "size.allowed_surplus, size.crowding, hard.accessibility, "
    "hard.avoid_features, hard.child_safety, hard.care_housing and the "
    "criteria weights (size_fit, services, condition, child_suitability, "
    "tenure, reunification, wish_central, wish_compatriots, late_move_in, "
    "care_housing)"
)
"""The scope, as error messages state it."""


def _in_scope(cls, data: Any, section: str) -> Any:
    """Names a field outside the scope plainly, instead of as unknown."""
    if isinstance(data, dict):
        for key in data:
            if key not in cls.model_fields:
                where = f"{section}.{key}" if section else str(key)
                raise ValueError(_(
                    "{where} may not differ per municipality: {scope}.",
                    where=where, scope=_(SCOPE)))
    return data


class _ScopedPart(StrictModel):
    """A municipal policy or one of its sections: a field outside the
    scope is named plainly (``_in_scope``), instead of as unknown."""

    section: ClassVar[str] = ""
    """The section's name in the policy file; empty for the whole."""

    @model_validator(mode="before")
    @classmethod
    def _scope(cls, data):
        return _in_scope(cls, data, cls.section)


class MunicipalSize(_ScopedPart):
    """The size rules of a municipality's dwellings."""

    section: ClassVar[str] = "size"

    allowed_surplus: NonNegativeInt | None = Field(default=None, le=10)
    crowding: RuleMode | None = None


class MunicipalHard(_ScopedPart):
    """The pair rules of a municipality's dwellings."""

    section: ClassVar[str] = "hard"

    accessibility: bool | None = None
    avoid_features: bool | None = None
    child_safety: bool | None = None
    care_housing: RuleMode | None = None


class MunicipalWeights(_ScopedPart):
    """The criteria weights of a municipality's dwellings."""

    section: ClassVar[str] = "weights"

    size_fit: Weight | None = None
    services: Weight | None = None
    condition: Weight | None = None
    child_suitability: Weight | None = None
    tenure: Weight | None = None
    reunification: Weight | None = None
    wish_central: Weight | None = None
    wish_compatriots: Weight | None = None
    late_move_in: Weight | None = None
    care_housing: Weight | None = None


class MunicipalPolicy(_ScopedPart):
    """
    A municipality's own rules for the pairs whose dwelling is in it;
    every field ``None`` (left out) keeps the national value. See the
    module's docstring for the scope.
    """

    description: Text = Field(default="", max_length=2000)
    horizon_days: int | None = Field(default=None, ge=0, le=3650)
    size: MunicipalSize = MunicipalSize()
    hard: MunicipalHard = MunicipalHard()
    weights: MunicipalWeights = MunicipalWeights()

    def changes(self) -> dict[str, Any]:
        """The fields it sets: section -> {field: value}, or a value."""
        out: dict[str, Any] = {}
        if self.horizon_days is not None:
            out["horizon_days"] = self.horizon_days
        for section in ("size", "hard", "weights"):
            values = getattr(self, section).model_dump(exclude_none=True)
            if values:
                out[section] = values
        return out
