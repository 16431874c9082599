"""
Who may see and do what. Every view reaches its objects through these
functions, which scope by the user's memberships: an object of a
municipality the user does not belong to is answered with 404, whatever
the URL, form field or htmx request names.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Municipality, Profile, Role, Round

OFFICE_ROLES = (Role.OFFICER, Role.SUPERVISOR)


def profile(user) -> Profile:
    found, _ = Profile.objects.get_or_create(user=user)
    return found


def is_analyst(user) -> bool:
    return user.is_authenticated and profile(user).analyst


def role_in(user, municipality_id: int) -> str | None:
    """The user's role in a municipality, ``None`` for no membership."""
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(
        user=user, municipality_id=municipality_id).first()
    return membership.role if membership else None


def offices(user):
    """The municipalities whose rounds the user works in."""
    if user.is_superuser:
        return Municipality.objects.all()
    return Municipality.objects.filter(memberships__user=user).distinct()


def office_round(user, round_id: int, roles=OFFICE_ROLES) -> tuple:
    """The round and the user's role in it, or 404 if the user has no
    role among ``roles`` in the round's municipality."""
    found = get_object_or_404(Round.objects.select_related("municipality"),
                              pk=round_id)
    role = role_in(user, found.municipality_id)
    if user.is_superuser and role is None:
        role = Role.SUPERVISOR
    if role not in roles:
        raise Http404("No such round")
    return found, role


def in_office(*, roles=OFFICE_ROLES):
    """A view taking ``round_id``: gets ``request.round`` and
    ``request.role`` or answers 404."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request, round_id, *args, **kwargs):
            request.round, request.role = office_round(
                request.user, round_id, roles)
            return view(request, round_id, *args, **kwargs)

        return wrapped

    return decorate


def context(request) -> dict:
    """Template context: the user's role flags."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_analyst": is_analyst(user),
        "user_language": profile(user).language,
        "supervises": Membership.objects.filter(
            user=user, role=Role.SUPERVISOR).exists(),
    }
