"""
The history of an output folder: each solve into a folder first moves the
proposal already there to ``history/<created_at>/``, so no solve ever
replaces an earlier proposal without keeping it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ._atomic import link_or_copy

HISTORY = "history"
"""The folder beside the proposal files that keeps earlier proposals."""

PROPOSAL_FILES = ("proposal.json", "proposal.csv", "proposal.xlsx",
                  "run.json", "report.html")
"""Files of one proposal in its folder; those present move together."""


def keep_previous(out_dir: str | Path, staging: str | Path) -> Path | None:
    """
    Copy the proposal in ``out_dir`` (if any) into the new folder being
    written, ``staging``, as ``history/<its created_at>/``, and return
    where it will be once ``staging`` takes the place of ``out_dir``.

    The copy is part of the folder that replaces ``out_dir`` as a whole
    (``_atomic.atomic_folder``, which carries the earlier ``history/``
    over), so a run that fails leaves ``out_dir`` as it was and a run that
    succeeds keeps the earlier proposal: never both lost, never a mix.

    The folder name is the proposal's ``provenance.created_at`` with the
    characters file systems refuse replaced (``2024-05-02T10-15-00.123456
    +00-00``); a proposal file that cannot be read is kept under the
    name ``unreadable``, and a name already taken gets ``-2``, ``-3``.
    """
    out, staging = Path(out_dir), Path(staging)
    if not (out / PROPOSAL_FILES[0]).is_file():
        return None
    present = [out / name for name in PROPOSAL_FILES if (out / name).is_file()]
    try:
        document = json.loads((out / PROPOSAL_FILES[0]).read_text("utf-8"))
        stamp = str(document["provenance"]["created_at"])
    except (OSError, ValueError, KeyError, TypeError):
        stamp = "unreadable"
    name = re.sub(r"[^0-9A-Za-z.+_-]", "-", stamp) or "unreadable"
    taken = out / HISTORY
    k, chosen = 2, name
    while (taken / chosen).exists():
        chosen = f"{name}-{k}"
        k += 1
    target = staging / HISTORY / chosen
    target.mkdir(parents=True)
    for path in present:
        # The files in ``out_dir`` go with it when ``staging`` takes its
        # place: their history can be the same files.
        link_or_copy(path, target / path.name)
    return out / HISTORY / chosen
