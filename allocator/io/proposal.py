"""Proposals out (JSON, CSV, XLSX) and back in (JSON)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pydantic import ValidationError

from models import Proposal

from ._atomic import atomic_file, write_text_atomic
from .jsonform import json_path, load_json
from .layout import text_of
from .problems import InputError, LocatedProblem, message_of, rule_of
from .tabular import save_workbook

JSON_NAME = "proposal.json"
CSV_NAME = "proposal.csv"
XLSX_NAME = "proposal.xlsx"

_MATCH_COLUMNS = (
    "household", "dwelling", "priority", "quality", "rank", "eligible",
    "shared", "locked", "waited_days", "within_deadline",
)
_CSV_COLUMNS = (
    "household", "matched", "dwelling", "priority", "quality", "rank",
    "eligible", "shared", "locked", "waited_days", "within_deadline",
    "reason", "message",
)
_UNMATCHED_COLUMNS = (
    "household", "priority", "reason", "message", "waited_days",
    "excluded_by", "competitors",
)
_BINDING_COLUMNS = (
    "rule", "subject", "used", "limit", "marginal_housed",
    "marginal_objective", "message",
)


def write_proposal(proposal: Proposal, out_dir: str | Path,
                   instance=None, lang: str | None = None,
                   dialect=None, policy=None) -> list[Path]:
    """
    Write a proposal as ``proposal.json``, ``proposal.csv`` and
    ``proposal.xlsx`` in ``out_dir``, each file atomically.

    The proposal model holds no sensitive household fields, so none can
    reach these files; with the instance, only its names, addresses,
    sizes and dates are added (``allocator.office.views``).

    Parameters
    ----------
    proposal
        The proposal.
    out_dir
        Output folder; created when missing.
    instance
        The instance it was made from: when given, ``proposal.xlsx``
        opens with the officer's sheets (``allocator.office.workbook``).
    lang
        Language of those sheets, ``nb`` or ``en`` (default: locale).
    dialect
        ``allocator.office.workbook.CsvDialect`` of ``proposal.csv``
        (default: commas and decimal points).
    policy
        The policy, for the officer's sheets.

    Returns
    -------
    list
        The paths written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / JSON_NAME, out / CSV_NAME, out / XLSX_NAME]
    write_text_atomic(paths[0], proposal.model_dump_json(indent=2) + "\n")
    text = _csv_text(proposal)
    if dialect is not None:
        from ..office.workbook import dialect_csv

        text = dialect_csv(text, dialect)
    write_text_atomic(paths[1], text)
    with atomic_file(paths[2]) as temporary:
        if instance is None:
            save_workbook(_sheets(proposal), temporary)
        else:
            from ..i18n import translator
            from ..office.workbook import save_people_workbook

            save_people_workbook(temporary, _sheets(proposal), proposal,
                                 instance, translator(lang), policy)
    return paths


def read_proposal(path: str | Path) -> Proposal:
    """
    Read a proposal from ``proposal.json`` (or a folder holding it).

    Parameters
    ----------
    path
        The JSON file, or the folder ``write_proposal`` wrote.

    Raises
    ------
    InputError
        When the file is missing, not JSON or not a valid proposal.
    """
    path = Path(path)
    if path.is_dir():
        path = path / JSON_NAME
    if not path.is_file():
        raise InputError([LocatedProblem(
            path.name, None, None, "missing-file", "Proposal file not found.",
        )])
    document = load_json(path)
    try:
        return Proposal.model_validate(document)
    except ValidationError as error:
        raise InputError(
            LocatedProblem(
                path.name,
                e["loc"][1] + 1
                if len(e["loc"]) > 1 and isinstance(e["loc"][1], int)
                else None,
                json_path(e["loc"]) or None,
                rule_of(e["type"]),
                message_of(e),
            )
            for e in error.errors()
        ) from None


def _score_names(proposal: Proposal) -> list[str]:
    names: dict[str, None] = {}
    for match in proposal.matches:
        names.update(dict.fromkeys(match.scores))
    return list(names)


def _match_values(match, scores: list[str]) -> list:
    return [getattr(match, c) for c in _MATCH_COLUMNS] + [
        match.scores.get(name) for name in scores
    ]


def _csv_text(proposal: Proposal) -> str:
    """One row per household, matched or not, sorted by household id."""
    scores = _score_names(proposal)
    rows = []
    for m in proposal.matches:
        values = dict(zip(_MATCH_COLUMNS, _match_values(m, []), strict=True))
        values.update(matched=True, reason=None, message=None)
        rows.append(
            [values.get(c) for c in _CSV_COLUMNS]
            + [m.scores.get(name) for name in scores]
        )
    for u in proposal.unmatched:
        values = {
            "household": u.household, "matched": False,
            "priority": u.priority, "waited_days": u.waited_days,
            "reason": u.reason.value, "message": u.message,
        }
        rows.append(
            [values.get(c) for c in _CSV_COLUMNS] + [None] * len(scores)
        )
    rows.sort(key=lambda row: row[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*_CSV_COLUMNS, *(f"score_{name}" for name in scores)])
    writer.writerows([text_of(v) for v in row] for row in rows)
    return buffer.getvalue()


def _sheets(proposal: Proposal) -> dict[str, tuple[list, list]]:
    scores = _score_names(proposal)
    return {
        "matches": (
            [*_MATCH_COLUMNS, *(f"score_{name}" for name in scores)],
            [_match_values(m, scores) for m in proposal.matches],
        ),
        "unmatched": (list(_UNMATCHED_COLUMNS), [
            [
                u.household, u.priority, u.reason.value, u.message,
                u.waited_days,
                "; ".join(f"{k}: {v}" for k, v in u.excluded_by.items()),
                "; ".join(
                    f"{c.household} ({c.dwelling}, priority {c.priority})"
                    for c in u.competitors
                ),
            ]
            for u in proposal.unmatched
        ]),
        "binding": (list(_BINDING_COLUMNS), [
            [getattr(b, c) for c in _BINDING_COLUMNS]
            for b in proposal.binding
        ]),
        "kpis": (["kpi", "value"], _kpi_rows(proposal)),
        "solver": (["field", "value"], _solver_rows(proposal)),
    }


def _kpi_rows(proposal: Proposal) -> list[list]:
    if proposal.kpis is None:
        return []
    rows = []
    for name, value in proposal.kpis.model_dump().items():
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, tuple):
                    item = f"{item[0]} of {item[1]}"
                rows.append([f"{name}.{key}", item])
        else:
            rows.append([name, value])
    return rows


def _solver_rows(proposal: Proposal) -> list[list]:
    rows = [
        ["schema_version", proposal.schema_version],
        ["status", proposal.status.value],
    ]
    parts = {
        "objective": proposal.objective,
        "solver": proposal.solver,
        "provenance": proposal.provenance,
    }
    for prefix, part in parts.items():
        if part is None:
            continue
        for name, value in part.model_dump(mode="json").items():
            if isinstance(value, dict):
                rows.extend(
                    [f"{prefix}.{name}.{k}", v] for k, v in value.items()
                )
            else:
                rows.append([f"{prefix}.{name}", value])
    rows.extend(
        [f"conflicts.{i}", text]
        for i, text in enumerate(proposal.conflicts, start=1)
    )
    return rows
