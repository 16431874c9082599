"""
Reading and writing instances, policies and proposals.

Instances come in three forms that hold the same data: a folder of CSV files
(one per table), an XLSX workbook (one sheet per table) and a JSON file.
Reading validates everything and raises ``InputError`` listing every problem,
each located by file, row and column. Writing is atomic.
"""

from .instance import FORMS, read_instance, write_instance
from .policy import policy_presets, read_policy, write_policy
from .problems import InputError, LocatedProblem
from .proposal import read_proposal, write_proposal
from .report import format_problems, json_schemas
from .summary import summary_rows

__all__ = [
    "FORMS",
    "InputError",
    "LocatedProblem",
    "format_problems",
    "json_schemas",
    "policy_presets",
    "read_instance",
    "read_policy",
    "read_proposal",
    "summary_rows",
    "write_instance",
    "write_policy",
    "write_proposal",
]
