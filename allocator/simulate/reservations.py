"""Self-found dwellings in the policy lab's rounds."""

from __future__ import annotations

from models import Approval


def unreserved_without(dwellings, household_ids) -> list:
    """
    The dwellings, with a self-found dwelling whose household is not among
    ``household_ids`` (housed, or not yet arrived in this round) made an
    ordinary dwelling: no reservation for a household that is not there.
    """
    return [
        d if d.found_by is None or d.found_by in household_ids
        else d.model_copy(update={
            "found_by": None, "offer_lapses": None,
            "municipal_acceptance": Approval.PENDING,
            "imdi_approval": Approval.PENDING,
        })
        for d in dwellings
    ]
