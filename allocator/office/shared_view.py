"""
The office view of the last proposal written, kept for the next writer.

``allocator solve`` writes the people's workbook and then the report of
the same proposal, and each needs the same ``OfficeView``: joining the
matches with the instance and wording every reason took a quarter of
the city's write stage, twice. The models are frozen, so the same
objects (by identity), language and policy give the same view.
"""

from __future__ import annotations

from models import Instance, Policy, Proposal

from ..i18n import Translator
from .views import OfficeView, office_view

_last: tuple = ()
"""(proposal, instance, language, policy, view) of the last call."""


def shared_office_view(proposal: Proposal, instance: Instance,
                       t: Translator,
                       policy: Policy | None = None) -> OfficeView:
    """``office_view``, made once for the same proposal, instance,
    language and policy (compared by identity) one after the other."""
    global _last
    if _last and _last[0] is proposal and _last[1] is instance \
            and _last[2] == t.lang and _last[3] is policy:
        return _last[4]
    view = office_view(proposal, instance, t, policy)
    # Holding the objects keeps their ids from being reused by others.
    _last = (proposal, instance, t.lang, policy, view)
    return view
