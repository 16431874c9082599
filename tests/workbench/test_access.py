"""
No one reads or changes another municipality's data by any URL, form or
htmx request; IMDi analysts see figures, never persons; sensitive fields
reach only the household's own office and never the timeline or the log.
"""

from __future__ import annotations

import logging

import pytest
from django.urls import URLPattern, get_resolver, reverse

from models import SENSITIVE_FIELDS
from workbench.models import (DecisionEvent, DeclineReview, HistoryEntry,
                              Import, Membership, Round, Solve)

from .helpers import login
from .helpers import solved as made

# Every view of the workbench, with how to reach it: its URL arguments
# (filled from the round under test) and the form it takes.
VIEWS = {
    "home": ([], None),
    "login": ([], None),
    "logout": ([], None),
    "language": ([], {"language": "nb"}),
    "health": ([], None),
    "figures": ([], None),
    "round_create": (["office"], {"name": "Taken over"}),
    "members": (["office"], {"username": "intruder", "role": "supervisor",
                             "password": "a-long-password-9"}),
    "round": (["round"], None),
    "import": (["round"], {}),
    "solve": (["round"], {"policy": "default"}),
    "progress": (["round", "solve"], None),
    "cancel": (["round", "solve"], {}),
    "proposal": (["round", "solve"], None),
    "export": (["round", "solve", "workbook"], None),
    "compare": (["round"], None),
    "household": (["round", "H-00001"], None),
    "dwelling": (["round", "D-00001"], None),
    "decide": (["round"], {"kind": "note", "household": "H-00001",
                           "note": "seen"}),
    "history": (["round"], None),
    "decline_review": (["round", "decline"], {"verdict": "confirm"}),
}
# Views that need no office: anyone logged in may use them.
OPEN = {"home", "login", "logout", "language", "health"}


def _names():
    resolver = get_resolver()
    found = set()
    for pattern in resolver.url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            if isinstance(inner, URLPattern) and getattr(
                    pattern, "namespace", None) == "workbench":
                found.add(inner.name)
    return found


def test_every_view_is_covered_by_this_test():
    assert _names() == set(VIEWS)


def _url(name, args, office, round_, solve):
    decline = DecisionEvent.objects.filter(round=round_,
                                           kind="decline").first()
    values = {"office": office.pk, "round": round_.pk, "solve": solve.pk,
              "decline": decline.pk if decline else 0}
    return reverse(f"workbench:{name}",
                   args=[values.get(a, a) for a in args])


def _counts():
    return [model.objects.count() for model in
            (DecisionEvent, DeclineReview, Import, Membership, Round,
             Solve)]


@pytest.fixture
def solved(world):
    """A finished solve in each municipality, and a pending decline of
    an offer in the home round."""
    solves = {r.pk: made(r, user) for r, user in (
        (world.round, world.officer),
        (world.foreign_round, world.foreign_officer))}
    from datetime import date

    from workbench.present import proposal_of

    m = proposal_of(solves[world.round.pk].proposal_json).matches[0]
    for kind, reason in (("offer", ""), ("decline", "too_small")):
        DecisionEvent.objects.create(
            round=world.round, date=date.today(), kind=kind,
            household=m.household, dwelling=m.dwelling, officer="U-1",
            reason=reason, recorded_by=world.officer)
    return solves


@pytest.mark.parametrize("name", sorted(set(VIEWS) - OPEN))
def test_a_foreign_officer_gets_404_by_every_method(client, world, solved,
                                                    name):
    args, form = VIEWS[name]
    url = _url(name, args, world.home, world.round, solved[world.round.pk])
    login(client, world.foreign_officer)
    before = _counts()
    history = HistoryEntry.objects.filter(round=world.round).count()
    for method, headers in (("get", {}), ("post", {}),
                            ("post", {"HTTP_HX_REQUEST": "true"}),
                            ("get", {"HTTP_HX_REQUEST": "true"})):
        resp = getattr(client, method)(url, form or {}, **headers)
        assert resp.status_code in (404, 405), (name, method,
                                                resp.status_code)
        assert b"H-000" not in resp.content
    assert _counts() == before
    assert HistoryEntry.objects.filter(round=world.round).count() == history


@pytest.mark.parametrize("name", sorted(set(VIEWS) - OPEN))
def test_the_own_officer_reaches_every_view(client, world, solved, name):
    args, form = VIEWS[name]
    own = (world.supervisor if name in ("members", "decline_review")
           else world.officer)
    url = _url(name, args, world.home, world.round, solved[world.round.pk])
    login(client, own)
    if name == "figures":
        assert client.get(url).status_code == 404   # analysts only
        return
    resp = (client.post(url, form) if form is not None and name not in
            ("import", "members") else client.get(url))
    assert resp.status_code in (200, 302), (name, resp.status_code)


def test_ids_of_a_foreign_round_inside_forms_are_refused(client, world,
                                                         solved):
    """A foreign solve id in a query string of one's own round."""
    foreign_solve = solved[world.foreign_round.pk]
    own_solve = solved[world.round.pk]
    login(client, world.officer)
    for url in (
        reverse("workbench:compare", args=[world.round.pk])
        + f"?a={own_solve.pk}&b={foreign_solve.pk}",
        reverse("workbench:household", args=[world.round.pk, "H-00001"])
        + f"?solve={foreign_solve.pk}",
        reverse("workbench:proposal", args=[world.round.pk,
                                            foreign_solve.pk]),
        reverse("workbench:import", args=[world.round.pk])
        + f"?problems={world.foreign_round.imports.get().pk}",
    ):
        assert client.get(url).status_code == 404, url


def test_an_analyst_reads_figures_and_no_person(client, world, solved):
    login(client, world.analyst)
    page = client.get(reverse("workbench:figures"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Lillehammer" in text and "Elsewhere" in text
    assert "H-0" not in text and "D-0" not in text
    for name in sorted(set(VIEWS) - OPEN - {"figures"}):
        args, form = VIEWS[name]
        url = _url(name, args, world.home, world.round,
                   solved[world.round.pk])
        assert client.get(url).status_code in (404, 405), name


def test_sensitive_fields_only_for_the_office_and_never_logged(
        client, world, solved, caplog):
    caplog.set_level(logging.DEBUG)
    login(client, world.officer)
    page = client.get(reverse("workbench:household",
                              args=[world.round.pk, "H-00001"]))
    assert "needs step-free access" in page.content.decode()
    client.post(reverse("workbench:decide", args=[world.round.pk]),
                {"kind": "note", "household": "H-00001", "note": "called"})
    timeline = " ".join(HistoryEntry.objects.values_list("summary",
                                                         flat=True))
    for field in SENSITIVE_FIELDS:
        assert field not in timeline
        assert field not in caplog.text
    for label in ("step-free", "ground floor", "health"):
        assert label not in timeline
