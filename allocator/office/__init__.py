"""
What a housing office reads, prints and sends: the proposal's report
(``report.html``), its workbook and CSV for people, and offer letters,
in Norwegian (bokmål) or English.

Every view joins the proposal with its instance (names of areas and
municipalities, addresses, bedrooms, rent, household composition) and
never shows a sensitive household field.
"""

from .letters import write_letters
from .report import write_report
from .views import OfficeView, office_view

__all__ = ["OfficeView", "office_view", "write_letters", "write_report"]
