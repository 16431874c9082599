"""Quota dimensions, services and rules as users read them."""

from types import SimpleNamespace

import pytest

from allocator import i18n
from allocator.placement.check import usage
from allocator.placement.labels import (
    DIMENSION_WORDS,
    capacity_label,
    dimension_label,
    rule_label,
)
from models import QuotaDimension


def test_every_quota_dimension_has_words():
    """Tests that no dimension a council decision may count is shown to a
    user as its raw key."""
    assert set(DIMENSION_WORDS) == {d.value for d in QuotaDimension}


def test_labels_in_english_name_dimensions_without_underscores():
    """Tests the English words of a dimension, a service's places and the
    rules an explanation names."""
    assert dimension_label("single_adults") == "single adults"
    assert capacity_label("service:introduction_programme") == (
        "places of introduction programme")
    assert rule_label("quota:unaccompanied_minors") == (
        "quota unaccompanied minors")
    assert rule_label("spread:nationality") == "spread of one nationality"


def test_labels_in_norwegian(norwegian):
    """Tests that the same keys read in bokmål under nb, and that health
    follow-up is only ever an individual need."""
    assert dimension_label("children") == "barn"
    assert rule_label("quota:persons") == "kvoten personer"
    assert capacity_label("service:minors_care") == (
        "plasser i omsorg for enslige mindreårige")
    assert rule_label("individual_need") == i18n._("an individual need")


def test_an_unknown_key_is_shown_as_written():
    """Tests that a key the catalogue does not know still reads as words
    rather than failing inside a message."""
    assert dimension_label("new_dimension") == "new dimension"


def test_an_unknown_dimension_is_refused_in_the_users_language(norwegian):
    """Tests that the checker's error for a dimension it does not know
    goes through the catalogue."""
    with pytest.raises(ValueError, match="Kvotedimensjonen rooms"):
        usage(SimpleNamespace(members=(), household_type=SimpleNamespace(
            value="family")), "rooms")
