"""Warnings for silent loss: each triggered, and each kept quiet."""

from __future__ import annotations

from datetime import timedelta

import pytest

from allocator.cautions import STALE_DAYS, silent_loss, warning_text
from allocator.cli import main
from allocator.generate import generate
from allocator.i18n import translator
from allocator.io import read_policy, write_instance
from allocator.pipeline import propose
from models import Compatibility, Policy


@pytest.fixture(scope="module")
def town():
    return generate("town", seed=5)


@pytest.fixture(scope="module")
def county():
    return generate("county", seed=0, scores=True)


def _codes(instance, policy=None, today=None):
    today = today or instance.as_of
    return {w.code for w in silent_loss(instance, policy, today)}


def test_no_travel_data_is_warned_and_stored_in_the_proposal(town):
    """Tests that an instance with no network and no travel times is
    warned about, in the proposal and in both languages, and that the
    generated town (with a network) is not."""
    assert "no_travel_data" not in _codes(town)
    bare = town.model_copy(update={"edges": (), "travel_times": ()})
    assert "no_travel_data" in _codes(bare)
    proposal = propose(bare).proposal
    [w] = [w for w in proposal.warnings if w.code == "no_travel_data"]
    assert "services within reach" in w.message
    assert str(len(town.dwellings)) in w.message
    assert "reisetid" in warning_text(w, translator("nb")).lower()
    assert not [w for w in propose(town).proposal.warnings
                if w.code == "no_travel_data"]


def test_pair_scores_under_a_zero_score_weight_are_warned(county):
    """Tests the warning when the policy ignores pair scores, and quiet
    under the placement preset, which weighs them."""
    assert county.pair_scores
    assert "pair_scores_ignored" in _codes(county, Policy())
    assert "pair_scores_ignored" not in _codes(county,
                                               read_policy("placement"))
    assert "pair_scores_ignored" not in _codes(
        county.model_copy(update={"pair_scores": ()}), Policy())


def test_compatibility_with_only_allowed_pairs_is_warned(county):
    """Tests the warning when every listed pair is allowed and unlisted
    pairs are allowed too; quiet when a pair is forbidden or unlisted
    pairs are forbidden."""
    h = county.households[0].id
    ms = [m.id for m in county.municipalities]
    allowed = tuple(Compatibility(household=h, municipality=m, allowed=True)
                    for m in ms[:2])
    only_allowed = county.model_copy(update={"compatibility": allowed})
    allow = Policy.model_validate(
        {"placement": {"unlisted_pairs": "allow"}})
    assert "compatibility_only_allowed" in _codes(only_allowed, allow)
    # By default (auto) such a table forbids the unlisted pairs: no loss.
    assert "compatibility_only_allowed" not in _codes(only_allowed)
    forbid = Policy.model_validate(
        {"placement": {"unlisted_pairs": "forbid"}})
    assert "compatibility_only_allowed" not in _codes(only_allowed, forbid)
    mixed = allowed + (Compatibility(household=h, municipality=ms[2],
                                     allowed=False),)
    assert "compatibility_only_allowed" not in _codes(
        county.model_copy(update={"compatibility": mixed}))


def test_stale_planning_date_is_warned(town):
    """Tests that an as-of date more than two weeks old is warned about,
    and one exactly two weeks old is not."""
    late = town.as_of + timedelta(days=STALE_DAYS + 1)
    assert "stale_as_of" in _codes(town, today=late)
    assert "stale_as_of" not in _codes(
        town, today=town.as_of + timedelta(days=STALE_DAYS))
    [w] = [w for w in silent_loss(town, None, late)
           if w.code == "stale_as_of"]
    assert "15" in warning_text(w, translator("nb"))


def test_validate_prints_the_warnings(town, tmp_path, capsys):
    """Tests that `allocator validate` prints a warning for silent loss
    and still accepts the instance."""
    bare = town.model_copy(update={"edges": (), "travel_times": ()})
    write_instance(bare, tmp_path / "bare.json")
    assert main(["validate", str(tmp_path / "bare.json")]) == 0
    assert "No travel data" in capsys.readouterr().err
