"""Writing the timeline. Entries carry ids and codes, never the
sensitive household fields."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .models import HistoryEntry, Membership


def record(user, kind, summary, *, round_=None, municipality=None):
    if round_ is not None and municipality is None:
        municipality = round_.municipality
    return HistoryEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        kind=kind, summary=summary[:300], round=round_,
        municipality=municipality)


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    offices = [m.municipality for m in
               Membership.objects.filter(user=user)
               .select_related("municipality")]
    if not offices:
        record(user, "login", f"{user.username} logged in")
    for office in offices:
        record(user, "login", f"{user.username} logged in",
               municipality=office)
