"""Offices, users and rounds for the workbench's tests."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from allocator.generate import generate

PASSWORD = "a-long-test-password-1"


@lru_cache(maxsize=4)
def town_json(seed: int = 1) -> str:
    return generate("town", seed).model_dump_json()


@lru_cache(maxsize=1)
def password_hash() -> str:
    """``PASSWORD`` hashed once (Argon2 is slow by design)."""
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


@dataclass
class World:
    home: object        # municipality K-3405, with a round and an import
    foreign: object     # another municipality with its own round
    officer: object
    supervisor: object
    foreign_officer: object
    analyst: object
    round: object
    foreign_round: object


def build_world() -> World:
    from django.contrib.auth import get_user_model

    from workbench.models import (Import, Membership, Municipality, Profile,
                                  Role, Round)

    users = get_user_model()

    def user(name, office=None, role=None, analyst=False):
        made = users.objects.create_user(name)
        made.password = password_hash()
        made.save(update_fields=["password"])
        Profile.objects.create(user=made, language="en", analyst=analyst)
        if office is not None:
            Membership.objects.create(user=made, municipality=office,
                                      role=role)
        return made

    home = Municipality.objects.create(code="K-3405", name="Lillehammer")
    foreign = Municipality.objects.create(code="K-9999", name="Elsewhere")
    officer = user("officer", home, Role.OFFICER)
    supervisor = user("supervisor", home, Role.SUPERVISOR)
    foreign_officer = user("foreign", foreign, Role.OFFICER)
    analyst = user("analyst", analyst=True)
    rounds = []
    for office, owner in ((home, supervisor), (foreign, foreign_officer)):
        made = Round.objects.create(municipality=office, name="Round 1",
                                    created_by=owner)
        Import.objects.create(round=made, file_name="town.xlsx",
                              uploaded_by=owner, accepted=True,
                              instance_json=town_json(), households=60,
                              dwellings=80)
        rounds.append(made)
    return World(home, foreign, officer, supervisor, foreign_officer,
                 analyst, rounds[0], rounds[1])


def login(client, user):
    client.force_login(
        user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@lru_cache(maxsize=2)
def town_proposal_json(seed: int = 1) -> str:
    """The engine's proposal for the town, made once per test process."""
    from allocator.pipeline import propose
    from models import Instance

    instance = Instance.model_validate_json(town_json(seed))
    return propose(instance, time_limit=30).proposal.model_dump_json()


def solved(round_, user):
    """A finished solve of the round's import, without solving again."""
    from workbench.models import Solve

    return Solve.objects.create(
        round=round_, source=round_.current_import(), policy="default",
        requested_by=user, status="done", check_passed=True,
        proposal_json=town_proposal_json())


def solve_round(client, round_, **extra):
    """Asks for a solve of the round (default policy) as the logged-in
    user and returns it, done."""
    from django.urls import reverse

    resp = client.post(reverse("workbench:solve", args=[round_.pk]),
                       {"policy": "default", **extra})
    assert resp.status_code == 302
    solve = round_.solves.order_by("-id").first()
    assert solve.status == "done", solve.message
    return solve


def decide(client, round_, **fields):
    """Records a decision through the round's decision form."""
    from django.urls import reverse

    return client.post(reverse("workbench:decide", args=[round_.pk]),
                       fields, follow=True)
