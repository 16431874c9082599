"""
The history of an output folder: each solve into a folder first moves the
proposal already there to ``history/<created_at>/``, so no solve ever
replaces an earlier proposal without keeping it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HISTORY = "history"
"""The folder beside the proposal files that keeps earlier proposals."""

PROPOSAL_FILES = ("proposal.json", "proposal.csv", "proposal.xlsx",
                  "run.json", "report.html")
"""Files of one proposal in its folder; those present move together."""


def keep_previous(out_dir: str | Path) -> Path | None:
    """
    Move the proposal in ``out_dir`` (if any) to
    ``out_dir/history/<its created_at>/`` and return that folder.

    The folder name is the proposal's ``provenance.created_at`` with the
    characters file systems refuse replaced (``2024-05-02T10-15-00.123456
    +00-00``); a proposal file that cannot be read is kept under the
    name ``unreadable``, and a name already taken gets ``-2``, ``-3``.
    Each file moves by one rename within the folder's file system.
    """
    out = Path(out_dir)
    present = [out / name for name in PROPOSAL_FILES if (out / name).is_file()]
    if not (out / PROPOSAL_FILES[0]).is_file():
        return None
    try:
        document = json.loads((out / PROPOSAL_FILES[0]).read_text("utf-8"))
        stamp = str(document["provenance"]["created_at"])
    except (OSError, ValueError, KeyError, TypeError):
        stamp = "unreadable"
    name = re.sub(r"[^0-9A-Za-z.+_-]", "-", stamp) or "unreadable"
    target = out / HISTORY / name
    k = 2
    while target.exists():
        target = out / HISTORY / f"{name}-{k}"
        k += 1
    target.mkdir(parents=True)
    for path in present:
        path.replace(target / path.name)
    return target
