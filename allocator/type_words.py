"""
A household's type in words, for the office's views and the summary
that ``validate`` prints: a module of its own, so that the summary need
not load the office package (its report, workbook and letters).
"""

from __future__ import annotations

from models.household import HouseholdType

from .i18n import N_

TYPE_TEXT = {
    HouseholdType.SINGLE_ADULT: N_("single adult"),
    HouseholdType.COUPLE: N_("couple"),
    HouseholdType.FAMILY_WITH_CHILDREN: N_("family with children"),
    HouseholdType.SINGLE_PARENT: N_("single parent"),
    HouseholdType.UNACCOMPANIED_MINOR: N_("unaccompanied minor"),
    HouseholdType.OTHER_ADULTS: N_("adults together"),
}
