"""Proposals out (JSON, CSV, XLSX) and back in (JSON)."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from operator import attrgetter, itemgetter
from pathlib import Path

from models import Proposal

from ..collector import paused as collector_paused
from ..forked import FORKS, beside
from ..i18n import _, translator
from ._atomic import atomic_folder
from .history import keep_previous
from .jsonform import read_model
from .layout import text_of
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
    "reason", "message", "decision", "decision_note",
)
"""``decision``: where a lock came from (``offer``, ``accept``, ``lock``,
``override``, ``table``), or ``set_aside`` or ``changed``;
``decision_note``: the set-aside lock, override or change in words."""
_UNMATCHED_COLUMNS = (
    "household", "priority", "reason", "message", "waited_days",
    "excluded_by", "competitors",
)
_BINDING_COLUMNS = (
    "rule", "subject", "used", "limit", "marginal_housed",
    "marginal_objective", "message",
)


TIMED_LAST = "run.json"
"""The run log, among a write's ``extra`` files written last of all, so
that its seconds cover the others."""

OUTPUT_NAMES = frozenset({JSON_NAME, CSV_NAME, XLSX_NAME, TIMED_LAST,
                          "report.html"})
"""Files of an output folder that a run replaces; other entries (a user's
notes, the history of earlier proposals) are carried over."""


def write_proposal(
    proposal: Proposal,
    out_dir: str | Path,
    extra: Mapping[str, Callable[[], str]] | None = None,
    keep_history: bool = False,
    instance=None,
    lang: str | None = None,
    dialect=None,
    policy=None,
    fork: bool = False,
) -> list[Path]:
    """
    Write a proposal as ``proposal.json``, ``proposal.csv`` and
    ``proposal.xlsx`` in ``out_dir``, the folder as a whole: the files are
    written into a temporary sibling folder that then takes the place of
    ``out_dir`` (``_atomic.atomic_folder``), so a run that fails or is
    killed leaves the previous run's folder as it was, never a mix of
    both.

    The proposal model holds no sensitive household fields, so none can
    reach these files; with the instance, only its names, addresses,
    sizes and dates are added (``allocator.office.views``).

    Parameters
    ----------
    proposal
        The proposal.
    out_dir
        Output folder; created when missing.
    extra
        Further files of the same folder, by name (one of
        ``OUTPUT_NAMES``): each function gives its text, called once the
        proposal files are written.
    keep_history
        Keep the proposal already in ``out_dir`` in its
        ``history/<created_at>/`` (``history.keep_previous``), in the same
        swap as the new files.
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
    fork
        Write the JSON, the CSV and the ``extra`` files in a forked child
        while this process builds and saves the workbook
        (``allocator.forked``): for one run in a process, the CLI's
        ``solve``. The run log (``TIMED_LAST``) is written last of all,
        here, so that its seconds cover every other file.

    Returns
    -------
    list
        The paths written.
    """
    out = Path(out_dir)
    extra = extra or {}
    names = [JSON_NAME, CSV_NAME, XLSX_NAME, *extra]
    # No collection while the files are written: the writers make
    # hundreds of thousands of short-lived lists and strings that set it
    # off, and its full passes walk all the run holds (about a second of
    # a national write).
    with collector_paused(), \
            atomic_folder(out, OUTPUT_NAMES | set(names)) as staging, \
            ThreadPoolExecutor(max_workers=len(names)) as flushing:
        flush = _Flush(staging, flushing)
        _write_files(staging, flush, proposal, instance, lang, dialect,
                     policy, extra, fork)
        flush.wait()
        kept = keep_previous(out, staging) if keep_history else None
    return [out / name for name in names] + ([kept] if kept else [])


def _write_files(staging: Path, flush: _Flush, proposal: Proposal,
                 instance, lang, dialect, policy,
                 extra: Mapping[str, Callable[[], str]], fork: bool) -> None:
    """Every file of ``write_proposal`` into ``staging``, each flushed
    once written: the JSON, the CSV and the ``extra`` text files in a
    forked child when ``fork`` while the workbook is made here, then the
    run log (``TIMED_LAST``) last of all."""
    texts = {name: make for name, make in extra.items()
             if name != TIMED_LAST}
    t = translator(lang)
    if instance is not None:
        # Made once here, before any fork: the workbook and the
        # report share it (``office.shared_view``).
        from ..office.shared_view import shared_office_view

        shared_office_view(proposal, instance, t, policy)
    # In a forked child each file is flushed as it is written; here
    # by the flushing threads.
    forks = fork and FORKS
    with beside(lambda: _write_texts(
            staging, proposal, dialect, texts,
            _sync_in(staging) if forks else flush), forks) as writing:
        _write_workbook(staging, proposal, instance, t, policy)
        flush(XLSX_NAME)
        writing.result()
    if TIMED_LAST in extra:
        (staging / TIMED_LAST).write_text(extra[TIMED_LAST](),
                                          encoding="utf-8", newline="")
        flush(TIMED_LAST)


def _write_workbook(staging: Path, proposal: Proposal, instance, t,
                    policy) -> None:
    """``proposal.xlsx``: with the instance the officer's workbook, else
    the data sheets alone."""
    path = staging / XLSX_NAME
    if instance is None:
        save_workbook(_sheets(proposal), path)
        return
    from ..office.workbook import save_people_workbook

    save_people_workbook(path, _sheets(proposal), proposal, instance, t,
                         policy)


def _write_texts(staging: Path, proposal: Proposal, dialect,
                 texts: Mapping[str, Callable[[], str]],
                 flush: Callable[[str], None]) -> None:
    """``proposal.json``, ``proposal.csv`` and the ``extra`` text files
    (the report) but the run log, each flushed once written: in a forked
    child beside the workbook (see ``write_proposal``)."""
    _write_json_and_csv(staging, proposal, dialect, flush)
    for name, make in texts.items():
        (staging / name).write_text(make(), encoding="utf-8", newline="")
        flush(name)


def _sync_in(folder: Path) -> Callable[[str], None]:
    """Flushes a file of ``folder`` to disk at once, by name."""
    return lambda name: _sync(folder / name)


def _write_json_and_csv(staging: Path, proposal: Proposal, dialect,
                        flush: Callable[[str], None]) -> None:
    # Bytes straight from pydantic: 32 MB of a national proposal need
    # not become text and then bytes again.
    (staging / JSON_NAME).write_bytes(
        Proposal.__pydantic_serializer__.to_json(proposal, indent=2)
        + b"\n")
    flush(JSON_NAME)
    text = _csv_text(proposal)
    if dialect is not None:
        from ..office.workbook import dialect_csv

        text = dialect_csv(text, dialect)
    (staging / CSV_NAME).write_text(text, encoding="utf-8", newline="")
    flush(CSV_NAME)


class _Flush:
    """
    Flushes each file of the folder to disk once it is written, so that
    a power cut after the folder is swapped in cannot leave empty files.

    Each flush runs on a thread of its own from when its file is
    written: one after another at the end, each cost a journal commit
    of its own (a third of a city's write), while flushes under way
    together share commits and go on while the next file is made.
    ``wait`` returns once every file is on disk.
    """

    def __init__(self, folder: Path, threads: ThreadPoolExecutor) -> None:
        self._folder = folder
        self._threads = threads
        self._pending: list = []

    def __call__(self, name: str) -> None:
        self._pending.append(self._threads.submit(_sync,
                                                  self._folder / name))

    def wait(self) -> None:
        for flushed in self._pending:
            flushed.result()


def _sync(path: Path) -> None:
    """Flush one file to disk."""
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


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
    return read_model(path, Proposal, _("Proposal file not found."),
                      name_in_folder=JSON_NAME)


def _score_names(proposal: Proposal) -> list[str]:
    names: dict[str, None] = {}
    for match in proposal.matches:
        names.update(dict.fromkeys(match.scores))
    return list(names)


_match_fields = attrgetter(*_MATCH_COLUMNS)


def _match_values(match, scores: list[str]) -> list:
    got = match.scores.get
    return [*_match_fields(match), *[got(name) for name in scores]]


def _csv_text(proposal: Proposal) -> str:
    """One row per household, matched or not, sorted by household id.

    The rows are lists of plain values that the ``csv`` module writes
    as ``text_of`` would (``None`` empty, floats by ``repr``); only
    yes/no is turned into text here."""
    scores = _score_names(proposal)
    notes = _csv_notes(proposal)
    blank = [None] * len(scores)
    at = _CSV_COLUMNS.index("decision")
    rows = []
    for m in proposal.matches:
        got = m.scores.get
        rows.append([
            m.household, "true", m.dwelling, m.priority, m.quality, m.rank,
            m.eligible, text_of(m.shared), text_of(m.locked),
            m.waited_days, text_of(m.within_deadline), None, None,
            m.decision or None, None, *[got(name) for name in scores]])
    rows += [[u.household, "false", None, u.priority, None, None, None,
              None, None, u.waited_days, None, u.reason.value, u.message,
              None, None, *blank] for u in proposal.unmatched]
    # A tenant moving out of a chain of moves: a row of its own.
    rows += [[mv.household, "false", *[None] * 9, "moved_out", None, None,
              None, *blank]
             for mv in proposal.moves if mv.moved_to is None]
    for row in rows:
        note = notes.get(row[0])
        if note is not None:
            row[at], row[at + 1] = note
    rows.sort(key=itemgetter(0))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*_CSV_COLUMNS, *(f"score_{name}" for name in scores)])
    writer.writerows(rows)
    return buffer.getvalue()


def _csv_notes(proposal: Proposal) -> dict[str, tuple[str, str]]:
    """The decision and its note of each household the office's
    decisions or a chain of moves concern."""
    notes: dict[str, tuple[str, str]] = {}
    for what, household, _dw, _rule, message in reversed(
            _decision_rows(proposal)):
        notes[household] = (what, message)  # set-aside locks win
    for mv in proposal.moves:
        # Chains of moves: each household in one says where it goes.
        notes.setdefault(mv.household, ("moving_chain", _move_text(mv)))
    return notes


def _move_text(mv) -> str:
    """One step of a chain of moves in words (the CSV is in English)."""
    where = mv.moved_to if mv.moved_to is not None else (
        "out (private market or ownership)")
    source = mv.moved_from if mv.moved_from is not None else "waiting"
    return f"chain {mv.chain + 1}, step {mv.step + 1}: {source} -> {where}"


MOVE_COLUMNS = ("chain", "step", "household", "moved_from", "moved_to",
                "score")
"""Columns of the ``moves`` sheet: each step of each chain of moves."""


def _decision_rows(proposal: Proposal) -> list[list]:
    """Set-aside locks, overrides and changed previous matches: what an
    office must see first."""
    rows = [["set_aside", s.household, s.dwelling, s.rule, s.message]
            for s in proposal.set_aside]
    rows += [["override", o.household, o.dwelling, o.rule, o.message]
             for o in proposal.overrides]
    rows += [["changed", c.household, c.previous, c.reason.value, c.message]
             for c in proposal.changes]
    return rows


def _sheets(proposal: Proposal) -> dict[str, tuple[list, list]]:
    scores = _score_names(proposal)
    first = {}
    if proposal.set_aside or proposal.overrides or proposal.changes:
        # First, so that no one opens the workbook without seeing them.
        first["decisions"] = (
            ["what", "household", "dwelling", "rule_or_reason", "message"],
            _decision_rows(proposal),
        )
    return {
        **first,
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
        **({"moves": (list(MOVE_COLUMNS), [
            [getattr(mv, c) for c in MOVE_COLUMNS] for mv in proposal.moves
        ])} if proposal.moves else {}),
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
