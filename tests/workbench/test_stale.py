"""A solve left queued or running by a server that stopped is marked
failed at start-up or when the round's page is next opened, with a line
in the history; a solve of the running server is left alone."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.urls import reverse

from workbench import solving
from workbench.models import HistoryEntry, Solve

from .helpers import login


def _left(world, status):
    solve = Solve.objects.create(round=world.round,
                                 source=world.round.current_import(),
                                 policy="default",
                                 requested_by=world.officer, status=status)
    Solve.objects.filter(pk=solve.pk).update(
        requested_at=solving.STARTED_AT - timedelta(minutes=5))
    return solve


def _current(world):
    return Solve.objects.create(round=world.round,
                                source=world.round.current_import(),
                                policy="default",
                                requested_by=world.officer,
                                status="running")


def test_opening_the_round_fails_a_solve_left_running(client, world):
    old = _left(world, "running")
    queued = _left(world, "queued")
    now = _current(world)
    login(client, world.officer)
    page = client.get(reverse("workbench:round", args=[world.round.pk]))
    assert page.status_code == 200
    old.refresh_from_db()
    queued.refresh_from_db()
    now.refresh_from_db()
    assert (old.status, queued.status, now.status) == (
        "failed", "failed", "running")
    assert old.finished_at is not None
    assert "server stopped" in old.message
    lines = list(HistoryEntry.objects.filter(round=world.round, kind="solve")
                 .values_list("summary", flat=True))
    assert f"solve #{old.pk} failed: the server stopped while it was " \
        "running" in lines
    assert f"solve #{queued.pk} failed: the server stopped while it was " \
        "queued" in lines
    # Opening it again adds nothing.
    client.get(reverse("workbench:round", args=[world.round.pk]))
    assert HistoryEntry.objects.filter(kind="solve").count() == 2
    text = client.get(reverse("workbench:round", args=[world.round.pk])) \
        .content.decode()
    assert "Failed" in text


def test_the_progress_of_a_lost_solve_stops_polling(client, world):
    old = _left(world, "running")
    login(client, world.officer)
    page = client.get(reverse("workbench:progress",
                              args=[world.round.pk, old.pk]))
    assert page.status_code == 200
    old.refresh_from_db()
    assert old.status == "failed"
    assert "hx-trigger" not in page.content.decode()


def test_start_up_fails_every_lost_solve(world):
    old = _left(world, "running")
    foreign = Solve.objects.create(
        round=world.foreign_round, source=world.foreign_round
        .current_import(), policy="default",
        requested_by=world.foreign_officer, status="running")
    Solve.objects.filter(pk=foreign.pk).update(
        requested_at=solving.STARTED_AT - timedelta(hours=1))
    now = _current(world)
    import workbench.wsgi

    importlib.reload(workbench.wsgi)   # what a server does when it starts
    statuses = dict(Solve.objects.values_list("pk", "status"))
    assert statuses == {old.pk: "failed", foreign.pk: "failed",
                        now.pk: "running"}
    assert HistoryEntry.objects.filter(round=world.foreign_round,
                                       kind="solve").count() == 1
