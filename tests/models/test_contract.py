"""The data contract: strict fields, tri-state needs, derived types."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from models import Household, HouseholdType, Member, Policy
from tests.factory import dwelling, family, instance, single


def test_unknown_fields_are_errors():
    """Tests that a misspelt field is rejected, not silently dropped."""
    with pytest.raises(ValidationError, match="needs_stepfree"):
        Household(id="H-1", members=(Member(age=30, sex="M"),),
                  permit_date=date(2026, 1, 1), needs_stepfree=True)
    with pytest.raises(ValidationError, match="horizon"):
        Policy.model_validate({"horizon": 10})


def test_unknown_need_is_distinct_from_no_need():
    """Tests that None (unknown) and False (known no need) stay apart."""
    unknown, known = single(), single(needs_step_free=False)
    assert unknown.needs_step_free is None
    assert known.needs_step_free is False
    assert unknown != known
    assert single(avoid_features=frozenset()).avoid_features == frozenset()
    assert single().avoid_features is None


@pytest.mark.parametrize(
    ("household", "kind"),
    [
        (single(), HouseholdType.SINGLE_ADULT),
        (family(children=()), HouseholdType.COUPLE),
        (family(), HouseholdType.FAMILY_WITH_CHILDREN),
        (single(age=16), HouseholdType.UNACCOMPANIED_MINOR),
    ],
)
def test_household_type_is_derived_from_members(household, kind):
    """Tests the derived household type used by deadlines and reports."""
    assert household.household_type == kind


def test_priority_group_is_families_and_minors():
    """Tests the 3-month group: families with children, minors."""
    assert family().is_priority_group
    assert single(age=16).is_priority_group
    assert not single().is_priority_group


def test_instance_lists_every_consistency_problem():
    """Tests that several cross-row problems are reported together."""
    with pytest.raises(ValidationError) as info:
        instance([single("H-1"), single("H-1")],
                 [dwelling("D-1", 1, area="A-9"),
                  dwelling("D-2", 1, node="N-9")])
    text = str(info.value)
    assert "duplicate" in text.lower() or "already used" in text
    assert "A-9" in text and "N-9" in text


def test_policy_rejects_a_target_above_the_cap():
    """Tests that a soft target share above the hard cap is refused."""
    with pytest.raises(ValidationError, match="target"):
        Policy.model_validate({"dispersion": {"area_cap_share": 0.2,
                                              "area_target_share": 0.3}})


def test_sets_serialise_in_sorted_order():
    """Tests that feature sets dump sorted, so JSON and hashes are stable."""
    d = dwelling("D-1", 1, features={"waterfront", "busy_road", "noise"})
    assert d.model_dump(mode="json")["features"] == ["busy_road", "noise",
                                                     "waterfront"]
    h = single(avoid_features={"waterfront", "noise"})
    assert h.model_dump(mode="json")["avoid_features"] == ["noise",
                                                           "waterfront"]
