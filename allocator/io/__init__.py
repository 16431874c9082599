"""
Reading and writing instances, policies and proposals.

Instances come in three forms that hold the same data: a folder of CSV files
(one per table), an XLSX workbook (one sheet per table) and a JSON file.
Reading validates everything and raises ``InputError`` listing every problem,
each located by file, row and column. Writing is atomic.
"""

from .detect import FormatReport
from .instance import FORMS, detected_format, read_instance, write_instance
from .limits import TooLarge
from .policy import policy_presets, read_policy, write_policy
from .problems import InputError, LocatedProblem
from .proposal import read_proposal, write_proposal
from .report import format_problems, json_schemas
from .sensitive import write_sensitive_export
from .summary import summary_rows

__all__ = [
    "FORMS",
    "FormatReport",
    "InputError",
    "LocatedProblem",
    "TooLarge",
    "detected_format",
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
    "write_sensitive_export",
]
