"""
A decline waits for a supervisor of the municipality, who confirms it or
overrides it; only a confirmed decline reaches the engine. An officer
cannot review one; another municipality's supervisor cannot see one.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from workbench.decisions import pending_declines, solve_arguments
from workbench.models import (DecisionEvent, DeclineReview, HistoryEntry,
                              Membership, Profile, Role, Solve)
from workbench.present import proposal_of

from .helpers import decide, login, solve_round


def _review(client, round_, decline, **fields):
    return client.post(reverse("workbench:decline_review",
                               args=[round_.pk, decline.pk]), fields)


def _declined(client, world):
    """The officer solves, offers the first match and records a decline."""
    login(client, world.officer)
    r = world.round
    first = solve_round(client, r)
    m = proposal_of(first.proposal_json).matches[0]
    decide(client, r, kind="offer", household=m.household,
            dwelling=m.dwelling)
    decide(client, r, kind="decline", household=m.household,
            dwelling=m.dwelling, reason="far_from_network")
    return first, m, DecisionEvent.objects.get(kind="decline")


def _pairs(solve):
    return {m.household: m.dwelling
            for m in proposal_of(solve.proposal_json).matches}


def test_a_pending_decline_does_not_reach_the_engine(client, world):
    first, m, decline = _declined(client, world)
    assert list(pending_declines(world.round.pk)) == [decline]
    page = client.get(reverse("workbench:round", args=[world.round.pk]))
    text = page.content.decode()
    assert 'id="pending-declines"' in text
    assert "Confirm the decline" not in text   # an officer sees no buttons
    second = solve_round(client, world.round, fewest_changes="on")
    assert second.decisions_used == 1          # the offer alone
    assert _pairs(second)[m.household] == m.dwelling   # the offer stands
    assert "pending a supervisor" in HistoryEntry.objects.filter(
        kind="decision").first().summary


def test_a_confirmed_decline_has_its_consequences(client, world):
    first, m, decline = _declined(client, world)
    login(client, world.supervisor)
    text = client.get(reverse("workbench:round",
                              args=[world.round.pk])).content.decode()
    assert "Confirm the decline" in text
    resp = _review(client, world.round, decline, verdict="confirm")
    assert resp.status_code == 302
    review = DeclineReview.objects.get()
    assert (review.decline_id, review.verdict, review.reviewed_by) == (
        decline.pk, "confirm", world.supervisor)
    assert not pending_declines(world.round.pk).exists()
    entry = HistoryEntry.objects.filter(kind="decision").first()
    assert entry.summary == (
        f"decline {m.household} / {m.dwelling} (far_from_network) "
        "confirmed by supervisor")
    second = solve_round(client, world.round, fewest_changes="on")
    assert second.decisions_used == 2
    assert _pairs(second).get(m.household) != m.dwelling
    # A decline is reviewed once.
    _review(client, world.round, decline, verdict="override", note="no")
    assert DeclineReview.objects.count() == 1
    page = client.get(reverse("workbench:household",
                              args=[world.round.pk, m.household]))
    assert "confirmed by supervisor" in page.content.decode()


def test_an_overridden_decline_leaves_the_offer_standing(client, world):
    first, m, decline = _declined(client, world)
    login(client, world.supervisor)
    _review(client, world.round, decline, verdict="override")
    assert not DeclineReview.objects.exists()   # a reason is needed
    _review(client, world.round, decline, verdict="override",
            note="the family's network is in this district after all")
    assert DeclineReview.objects.get().verdict == "override"
    second = solve_round(client, world.round, fewest_changes="on")
    assert second.decisions_used == 1
    assert _pairs(second)[m.household] == m.dwelling
    # The offer is open again, so the household may now accept it.
    login(client, world.officer)
    decide(client, world.round, kind="accept", household=m.household,
            dwelling=m.dwelling)
    assert DecisionEvent.objects.filter(kind="accept").count() == 1
    assert "overridden, the offer stands" in " ".join(
        HistoryEntry.objects.values_list("summary", flat=True))


def test_an_officer_cannot_review_a_decline(client, world):
    first, m, decline = _declined(client, world)
    resp = _review(client, world.round, decline, verdict="confirm")
    assert resp.status_code == 403
    assert not DeclineReview.objects.exists()
    solve = Solve.objects.create(round=world.round,
                                 source=world.round.current_import(),
                                 policy="default",
                                 requested_by=world.officer)
    assert solve_arguments(solve)[1] == 1


def test_another_municipalitys_supervisor_cannot_see_or_review(client,
                                                                world):
    first, m, decline = _declined(client, world)
    other = get_user_model().objects.create_user("foreign-supervisor")
    Profile.objects.create(user=other, language="en")
    Membership.objects.create(user=other, municipality=world.foreign,
                              role=Role.SUPERVISOR)
    login(client, other)
    assert client.get(reverse("workbench:round",
                              args=[world.round.pk])).status_code == 404
    assert client.get(reverse("workbench:household",
                              args=[world.round.pk, m.household])) \
        .status_code == 404
    resp = _review(client, world.round, decline, verdict="confirm")
    assert resp.status_code == 404
    # Nor through a round of their own.
    resp = _review(client, world.foreign_round, decline, verdict="confirm")
    assert resp.status_code == 404
    page = client.get(reverse("workbench:round",
                              args=[world.foreign_round.pk]))
    assert m.household not in page.content.decode()
    assert not DeclineReview.objects.exists()
