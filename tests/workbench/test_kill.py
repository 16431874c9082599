"""
A decision is one transaction: a server killed (SIGKILL) in the middle of
one leaves the database as before it, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import threading
import time
from importlib import import_module

import pytest
from django.conf import settings
from django.urls import reverse

from workbench.models import DecisionEvent, HistoryEntry

from .helpers import build_world
from .server import Browser, Server


def _session_for(user) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key


@pytest.mark.slow
def test_killing_the_server_inside_a_decision_changes_nothing(
        transactional_db, tmp_path):
    world = build_world()
    round_ = world.round
    marker = tmp_path / "inside-the-decision"
    server = Server(WORKBENCH_TEST_PAUSE_IN_DECISION=str(marker))
    try:
        browser = Browser(server.base, _session_for(world.officer))
        page = browser.get(reverse("workbench:household",
                                   args=[round_.pk, "H-00001"]))
        assert page.status == 200
        events, entries = (DecisionEvent.objects.count(),
                           HistoryEntry.objects.count())
        failures = []

        def decide():
            try:
                browser.post(reverse("workbench:decide", args=[round_.pk]),
                             {"kind": "note", "household": "H-00001",
                              "note": "called, no answer"})
            except Exception as error:  # the server dies under it
                failures.append(error)

        request = threading.Thread(target=decide)
        request.start()
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert time.monotonic() < deadline, "the decision never began"
            time.sleep(0.05)
        server.process.kill()
        server.process.wait(10)
        request.join(30)
        assert failures, "the request should have lost its server"
    finally:
        server.stop()
    assert DecisionEvent.objects.count() == events
    assert HistoryEntry.objects.count() == entries
    # The database still takes the same decision afterwards.
    again = Server()
    try:
        browser = Browser(again.base, _session_for(world.officer))
        browser.get(reverse("workbench:household",
                            args=[round_.pk, "H-00001"]))
        browser.post(reverse("workbench:decide", args=[round_.pk]),
                     {"kind": "note", "household": "H-00001",
                      "note": "called, no answer"})
    finally:
        again.stop()
    assert list(DecisionEvent.objects.values_list("note", flat=True)) == [
        "called, no answer"]
    assert HistoryEntry.objects.count() == entries + 1
