"""Offers, declines, parks, overrides and the fewest-changes re-solve."""

from __future__ import annotations

import pytest
from django.urls import reverse

from models import DecisionLog
from workbench.decisions import as_log_event, solve_arguments
from workbench.models import DecisionEvent, HistoryEntry, Solve

from workbench.present import instance_of, proposal_of

from .helpers import decide, login, solve_round


def _first_match(solve):
    from workbench.present import proposal_of

    m = proposal_of(solve.proposal_json).matches[0]
    return m.household, m.dwelling


def _confirm(client, world, decline):
    login(client, world.supervisor)
    client.post(reverse("workbench:decline_review",
                        args=[world.round.pk, decline.pk]),
                {"verdict": "confirm"})
    login(client, world.officer)


def test_offer_decline_and_fewest_changes_resolve(client, world):
    login(client, world.officer)
    r = world.round
    first = solve_round(client, r)
    household, dwelling = _first_match(first)
    decide(client, r, kind="offer", household=household, dwelling=dwelling)
    page = decide(client, r, kind="decline", household=household,
                   dwelling=dwelling, reason="too_small")
    assert page.status_code == 200
    kinds = list(DecisionEvent.objects.filter(round=r)
                 .values_list("kind", "reason"))
    assert kinds == [("offer", ""), ("decline", "too_small")]
    _confirm(client, world, DecisionEvent.objects.get(kind="decline"))
    second = solve_round(client, r, fewest_changes="on")
    assert second.previous_id == first.pk
    assert second.decisions_used == 2
    page = client.get(reverse("workbench:proposal", args=[r.pk, second.pk]))
    text = page.content.decode()
    assert "What changed from the previous proposal" in text
    proposal = proposal_of(second.proposal_json)
    new = {m.household: m.dwelling for m in proposal.matches}
    assert new.get(household) != dwelling   # the declined pair is gone
    # The page lists the engine's changes, each with its reason, and
    # marks the kept matches.
    assert proposal.changes
    assert len(proposal.changes) <= 8
    for change in proposal.changes:
        assert f">{change.household}</a>" in text
        assert change.message in text
    assert "the household declined this dwelling" in text
    kept = sum(1 for m in proposal.matches if m.kept)
    assert f"{kept} matches kept" in text
    assert text.count('class="tag kept"') == kept
    summaries = list(HistoryEntry.objects.filter(round=r)
                     .values_list("kind", flat=True))
    assert summaries.count("decision") == 3   # offer, decline, confirmed
    assert summaries.count("solve") >= 4   # started and finished, twice


def test_an_override_is_listed_on_the_proposal(client, world):
    login(client, world.supervisor)
    r = world.round
    solve_round(client, r)
    instance = instance_of(r.current_import().instance_json)
    big = max(instance.households, key=lambda h: len(h.members))
    small = min(instance.dwellings, key=lambda d: d.bedrooms)
    decide(client, r, kind="override", household=big.id,
            dwelling=small.id, rule="size_too_small",
            note="the family wants to live beside the school")
    solve = solve_round(client, r, fewest_changes="on")
    proposal = proposal_of(solve.proposal_json)
    assert [(o.household, o.dwelling, o.rule) for o in proposal.overrides] \
        == [(big.id, small.id, "size_too_small")]
    text = client.get(reverse("workbench:proposal",
                              args=[r.pk, solve.pk])).content.decode()
    assert 'id="overrides"' in text
    assert "the family wants to live beside the school" in text
    assert "1 override of a hard rule" in text


def test_decline_needs_a_reason_and_other_needs_a_note(client, world):
    login(client, world.officer)
    r = world.round
    household, dwelling = _first_match(solve_round(client, r))
    decide(client, r, kind="offer", household=household, dwelling=dwelling)
    decide(client, r, kind="decline", household=household,
            dwelling=dwelling)
    decide(client, r, kind="decline", household=household,
            dwelling=dwelling, reason="other")
    assert list(DecisionEvent.objects.values_list("kind", flat=True)) == [
        "offer"]
    decide(client, r, kind="decline", household=household,
            dwelling=dwelling, reason="other", note="moved in with family")
    assert DecisionEvent.objects.count() == 2


def test_a_decline_without_an_open_offer_is_refused(client, world):
    login(client, world.officer)
    r = world.round
    household, dwelling = _first_match(solve_round(client, r))
    page = decide(client, r, kind="decline", household=household,
                   dwelling=dwelling, reason="too_small")
    assert not DecisionEvent.objects.exists()
    assert "offer" in page.content.decode().lower()


def test_only_a_supervisor_overrides_and_with_a_reason(client, world):
    r = world.round
    login(client, world.officer)
    household, dwelling = _first_match(solve_round(client, r))
    fields = dict(kind="override", household=household, dwelling=dwelling,
                  rule="size_too_small", note="family asked; temporary")
    decide(client, r, **fields)
    assert not DecisionEvent.objects.exists()
    login(client, world.supervisor)
    decide(client, r, **{**fields, "note": ""})
    assert not DecisionEvent.objects.exists()
    decide(client, r, **fields)
    event = DecisionEvent.objects.get()
    assert (event.kind, event.rule) == ("override", "size_too_small")
    assert HistoryEntry.objects.filter(kind="override").count() == 1


def test_park_and_note(client, world):
    login(client, world.officer)
    r = world.round
    solve_round(client, r)
    decide(client, r, kind="park", household="H-00002",
            until="2099-01-01", note="travelling")
    decide(client, r, kind="note", household="H-00002",
            note="call again after the holiday")
    assert list(DecisionEvent.objects.values_list("kind", flat=True)) == [
        "park", "note"]
    page = client.get(reverse("workbench:household",
                              args=[r.pk, "H-00002"]))
    assert "call again after the holiday" in page.content.decode()


def test_the_log_given_to_the_engine_is_the_table(client, world):
    login(client, world.officer)
    r = world.round
    household, dwelling = _first_match(solve_round(client, r))
    decide(client, r, kind="offer", household=household, dwelling=dwelling)
    decide(client, r, kind="accept", household=household, dwelling=dwelling)
    solve = Solve.objects.create(round=r, source=r.current_import(),
                                 policy="default",
                                 requested_by=world.officer)
    extra, used = solve_arguments(solve)
    assert used == 2
    log = extra["decisions"]
    assert isinstance(log, DecisionLog)
    assert [e.kind.value for e in log.events] == ["offer", "accept"]
    assert log.events[0] == as_log_event(DecisionEvent.objects.first())


def test_decision_events_and_history_are_append_only(world):
    entry = HistoryEntry.objects.create(kind="login", summary="x")
    entry.summary = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
