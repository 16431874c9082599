"""The decision log: its contract, and located errors for malformed files."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from allocator.data import RULES
from allocator.generate import generate
from allocator.io import InputError
from allocator.io.decisions import read_decisions, write_decisions
from models import (
    LOG_COLUMNS,
    OVERRIDABLE_RULES,
    DecisionEvent,
    DecisionLog,
    Policy,
)

HEADER = ",".join(LOG_COLUMNS)


@pytest.fixture(scope="module")
def town():
    return generate("town", seed=0)


def _write(tmp_path, rows, name="log.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _problems(path, **kwargs):
    with pytest.raises(InputError) as caught:
        read_decisions(path, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_overridable_rules_are_the_engines_pair_rules():
    assert set(OVERRIDABLE_RULES) == set(RULES) - {"banned"}


def test_policy_defaults_hold_no_surprise():
    rules = Policy().decisions
    assert rules.decline_bans_pair and rules.offers_lock
    assert rules.accepts_lock
    assert rules.decline_park_days == 0
    assert rules.declines_before_hold is None
    assert rules.offer_open_days == 14


def test_a_well_formed_log_reads_in_every_form(tmp_path):
    path = _write(tmp_path, [
        "2024-05-01,offer,H-1,D-1,o-7,,,,",
        "03.05.2024,decline,H-1,D-1,o-7,other,,,moving to a cousin",
        "2024-05-04,park,H-1,,o-7,,,2024-06-01,",
        "2024-05-05,override,H-2,D-3,o-9,,assigned_municipality,,IMDi agreed",
    ])
    log = read_decisions(path)
    assert [e.kind for e in log.events] == ["offer", "decline", "park",
                                             "override"]
    assert log.events[1].date == date(2024, 5, 3)
    assert log.events[2].until == date(2024, 6, 1)
    again = read_decisions(write_decisions(log, tmp_path / "copy.json"))
    assert again == log
    assert read_decisions(write_decisions(log, tmp_path / "c.csv")) == log


def test_malformed_logs_get_located_errors(tmp_path):
    path = _write(tmp_path, [
        "2024-05-01,offer,H-1,D-1,o-7,,,,",
        "2024-05-02,decline,H-1,D-1,o-7,other,,,",
        "2024-04-01,accept,H-2,D-2,o-7,,,,",
        "2024-05-03,override,H-3,D-3,o-7,,,,",
        "2024-05-03,lift,H-4,,o-7,,,,",
    ])
    problems = _problems(path)
    assert problems == [
        "log.csv:3:note: a decline for reason 'other' needs the reason in "
        "the note. [missing-value]",
        "log.csv:4:date: date 2024-04-01 is before the previous row's "
        "2024-05-02; list events in the order they happened. [date-order]",
        "log.csv:4:kind: an accept of D-2 by H-2 needs an open offer of that "
        "dwelling in an earlier row. [accept-without-offer]",
        "log.csv:5:note: an override needs its reason in the note. "
        "[missing-value]",
        "log.csv:5:rule: an override names the hard rule it breaks: one of "
        + ", ".join(OVERRIDABLE_RULES) + ". [missing-value]",
        "log.csv:6:kind: nothing to lift: household H-4 was neither parked "
        "nor declined an offer in an earlier row. [lift-without-park]",
    ]


def test_unknown_ids_are_located(tmp_path, town):
    h, d = town.households[0].id, town.dwellings[0].id
    path = _write(tmp_path, [
        f"2024-05-01,offer,{h},D-nowhere,o-7,,,,",
        "2024-05-01,ban,H-nobody,{d},o-7,,,,".replace("{d}", d),
    ])
    assert _problems(path, instance=town) == [
        "log.csv:2:dwelling: dwelling references unknown dwelling "
        "'D-nowhere'. [unknown-reference]",
        "log.csv:3:household: household references unknown household "
        "'H-nobody'. [unknown-reference]",
    ]


def test_an_accept_after_the_offer_expired_is_an_error(tmp_path):
    path = _write(tmp_path, [
        "2024-05-01,offer,H-1,D-1,o-7,,,,",
        "2024-05-16,accept,H-1,D-1,o-7,,,,",
    ])
    assert read_decisions(path).events[1].kind == "accept"
    assert _problems(path, policy=Policy()) == [
        "log.csv:3:date: the offer of D-1 to H-1 (row 2) expired on "
        "2024-05-15; offer it again first. [offer-expired]",
    ]


def test_bad_cells_and_columns_are_located(tmp_path):
    path = _write(tmp_path, ["2024-13-01,decline,H-1,D-1,o-7,bored,,,"])
    assert _problems(path) == [
        "log.csv:2:date: Input should be a valid date or datetime, month "
        "value is outside expected range of 1-12; got '2024-13-01'. "
        "[wrong-type]",
        "log.csv:2:reason: Input should be 'too_small', 'unsuitable', "
        "'far_from_network', 'needs_not_met', 'other_municipality', "
        "'own_dwelling', 'not_ready', 'no_answer', 'landlord_refused' or "
        "'other'; got 'bored'. [unknown-value]",
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind,who\n", encoding="utf-8")
    assert _problems(bad) == [
        "bad.csv:1: Column 'household' is missing. [missing-column]",
        "bad.csv:1: Column 'officer' is missing. [missing-column]",
        "bad.csv:1:who: Unknown column: a decision log has the columns "
        + ",".join(LOG_COLUMNS) + ". [unknown-field]",
    ]
    broken = tmp_path / "log.json"
    broken.write_text('[{"date": "2024-05-01",', encoding="utf-8")
    assert _problems(broken)[0].startswith("log.json:1: JSON not understood")


def test_the_model_rejects_a_bad_sequence():
    offer = DecisionEvent(date=date(2024, 5, 2), kind="offer",
                          household="H-1", dwelling="D-1", officer="o-1")
    accept = offer.model_copy(update={"kind": "accept",
                                      "date": date(2024, 5, 1)})
    with pytest.raises(ValidationError, match="date-order|before"):
        DecisionLog(events=(offer, accept))
