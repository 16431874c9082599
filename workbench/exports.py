"""
What the workbench exports, made by the engine's own writers so an office
gets the same files from the workbench as from ``allocator solve``: the
report (``allocator.office.report.report_html``), the workbook for people
(``allocator.io.write_proposal`` with the instance, which opens with the
officer's sheets) and the offer letters (``allocator.office.letters``, HTML
and PDF, in one ZIP file).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from allocator.io import write_proposal
from allocator.io.policy import read_policy
from allocator.office.letters import write_letters
from allocator.office.report import report_html
from models import Instance, Proposal

KINDS = ("workbook", "report", "letters")


def report(proposal: Proposal, instance: Instance, lang: str,
           policy_name: str) -> str:
    """``report.html`` of the proposal, as the engine writes it."""
    return report_html(proposal, instance, lang, read_policy(policy_name))


def workbook(proposal: Proposal, instance: Instance, lang: str,
             policy_name: str) -> bytes:
    """``proposal.xlsx`` with the officer's sheets first."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_proposal(proposal, Path(tmp) / "proposal",
                               instance=instance, lang=lang,
                               policy=read_policy(policy_name))
        xlsx = next(p for p in paths if p.suffix == ".xlsx")
        return xlsx.read_bytes()


def letters(proposal: Proposal, instance: Instance, lang: str,
            households: list[str] | None = None) -> bytes:
    """A ZIP file of the offer letters, ``<household>.html`` and
    ``<household>.pdf`` each, from the shipped template of ``lang``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "letters"
        write_letters(proposal, instance, out, lang, households=households)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
            for path in sorted(out.iterdir()):
                zipped.write(path, f"letters/{path.name}")
        return buffer.getvalue()
