"""
Times the write stage of ``allocator solve`` output file by output file,
and fingerprints each file's content, so that two revisions can be
compared on the same proposal.

The proposal is one that ``allocator solve`` already wrote (``PROPOSAL``
is its folder); the instance and policy are read as ``solve`` reads
them. Each round then writes the folder as ``solve`` does
(``cli._write_proposal_files``, run.json included, into a fresh folder
so that no history is kept) and, apart, times each writer on its own in
the order ``write_proposal`` calls them:

- ``json``: ``proposal.json``;
- ``csv``: ``proposal.csv`` in the instance's dialect;
- ``view``: the office view that the workbook and the report share
  (``shared_view``), made afresh;
- ``sheets``: every sheet of ``proposal.xlsx`` written (the officer's
  sheets from that view, then the data sheets), not yet saved;
- ``xlsx``: the workbook saved, which is mostly its compression;
- ``report``: ``report.html``, from that view;
- ``folder``: the whole write as ``solve`` does it, fsync and swap
  included (the figure ``run.json`` reports as ``seconds.write``).

With ``--again`` the folder is written once before it is timed, so
that the timed write keeps the proposal already there in its history,
as a second ``solve`` into the same folder does.

The writers alone run inside what ``write_proposal`` of the revision
puts around them (no garbage collection, where it has that).

Run one revision through ``PYTHONPATH`` (e.g. a ``git archive`` of it)
and the other as installed, alternating, then compare the ``--out``
files; only ``seconds`` may differ::

    PYTHONPATH=/tmp/base python benchmarks/write_stage.py NAT OUT \\
        --digest --out /tmp/base.json
    python benchmarks/write_stage.py NAT OUT --digest --out /tmp/new.json

The digests are SHA-256 of: ``proposal.json`` without its creation time
and git revision; ``proposal.csv`` and ``report.html`` as bytes; and
``proposal.xlsx`` read back with openpyxl, every sheet's name, size,
frozen panes, autofilter, column widths and every cell's value, type,
number format, boldness and wrapping (not the zip's bytes, which hold
times).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _writers(proposal, instance, policy, path: Path, lang: str):
    """Each output's writer, called as ``write_proposal`` calls it; each
    takes the folder to write into."""
    from allocator.i18n import translator
    from allocator.io import proposal as proposal_io
    from allocator.office import report, shared_view, workbook

    dialect = workbook.sniff_dialect(path)

    def write_json(folder: Path) -> None:
        (folder / "proposal.json").write_text(
            proposal.model_dump_json(indent=2) + "\n", encoding="utf-8")

    def write_csv(folder: Path) -> None:
        text = workbook.dialect_csv(proposal_io._csv_text(proposal),
                                    dialect)
        (folder / "proposal.csv").write_text(text, encoding="utf-8",
                                             newline="")

    def make_view(folder: Path) -> None:
        # A fresh view, as a solve has none made before its write.
        shared_view._last = ()
        shared_view.shared_office_view(proposal, instance, translator(lang),
                                       policy)

    unsaved = []

    def write_sheets(folder: Path) -> None:
        unsaved.append(workbook.people_workbook(
            folder / "proposal.xlsx", proposal_io._sheets(proposal),
            proposal, instance, translator(lang), policy))

    def write_xlsx(folder: Path) -> None:
        unsaved.pop().close()

    def write_report(folder: Path) -> None:
        (folder / "report.html").write_text(
            report.report_html(proposal, instance, lang, policy),
            encoding="utf-8", newline="")

    return {"json": write_json, "csv": write_csv, "view": make_view,
            "sheets": write_sheets, "xlsx": write_xlsx,
            "report": write_report}


def _as_write_proposal_runs():
    """What ``write_proposal`` of the revision run puts around its
    writers (no garbage collection, where it has that), so that each
    writer is timed as ``solve`` runs it."""
    from allocator.io import proposal as proposal_io

    # ``collector_paused`` in newer revisions, ``_without_collection``
    # in older ones.
    pause = getattr(proposal_io, "collector_paused", None) \
        or getattr(proposal_io, "_without_collection", None)
    return pause() if pause is not None else contextlib.nullcontext()


def _write_folder(proposal, instance, policy, path, lang, folder: Path):
    """The whole write as ``solve`` does it, with run.json."""
    from allocator import cli
    from allocator.office import shared_view

    shared_view._last = ()
    cli._write_proposal_files(
        proposal, instance, policy, path, folder, lang,
        extra={cli.RUN_LOG_NAME: lambda: cli._run_log(
            proposal, {"write": 0.0}, stopped=False)})


def _xlsx_digest(file: Path) -> str:
    import openpyxl

    book = openpyxl.load_workbook(file)
    digest = hashlib.sha256()
    for sheet in book.worksheets:
        widths = sorted((k, v.width) for k, v in
                        sheet.column_dimensions.items())
        digest.update(repr((sheet.title, sheet.max_row, sheet.max_column,
                            sheet.freeze_panes, sheet.auto_filter.ref,
                            widths)).encode())
        for row in sheet.iter_rows():
            digest.update(repr([
                (c.value, c.data_type, c.number_format, c.font.b,
                 c.alignment.wrap_text) for c in row]).encode())
    return digest.hexdigest()


def _json_digest(file: Path) -> str:
    shown = json.loads(file.read_text("utf-8"))
    shown["provenance"].pop("created_at", None)
    shown["provenance"].pop("git_revision", None)
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()
                          ).hexdigest()


def _digests(folder: Path) -> dict[str, str]:
    def raw(name: str) -> str:
        return hashlib.sha256((folder / name).read_bytes()).hexdigest()

    return {"json": _json_digest(folder / "proposal.json"),
            "csv": raw("proposal.csv"),
            "xlsx": _xlsx_digest(folder / "proposal.xlsx"),
            "report": raw("report.html")}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("instance", type=Path)
    parser.add_argument("proposal", type=Path,
                        help="folder of a proposal that solve wrote")
    parser.add_argument("--policy", default=None)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", choices=["files", "folder"],
                        help="time only the writers, or only the folder")
    parser.add_argument("--again", action="store_true",
                        help="write the folder over a proposal already "
                        "in it (kept in its history), as a second solve "
                        "into the same folder does")
    parser.add_argument("--digest", action="store_true",
                        help="fingerprint what the writers wrote")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)

    from allocator import cli
    from allocator.io import read_proposal

    instance = cli._read_instance(args.instance)
    policy = cli._policy_for(cli._read_policy(args.policy), args.policy,
                             instance)
    proposal = read_proposal(args.proposal)
    writers = _writers(proposal, instance, policy, args.instance,
                       args.lang)
    seconds: dict[str, list[float]] = {}
    digests: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="write-stage.") as scratch:
        for round_ in range(args.rounds):
            if args.only != "folder":
                files = Path(scratch) / f"files{round_}"
                files.mkdir()
                with _as_write_proposal_runs():
                    for name, write in writers.items():
                        mark = time.perf_counter()
                        write(files)
                        seconds.setdefault(name, []).append(
                            time.perf_counter() - mark)
            if args.only != "files":
                folder = Path(scratch) / f"folder{round_}"
                if args.again:
                    _write_folder(proposal, instance, policy, args.instance,
                                  args.lang, folder)
                mark = time.perf_counter()
                _write_folder(proposal, instance, policy, args.instance,
                              args.lang, folder)
                seconds.setdefault("folder", []).append(
                    time.perf_counter() - mark)
        if args.digest:
            where = (Path(scratch) / "folder0" if args.only != "files"
                     else Path(scratch) / "files0")
            digests = _digests(where)
            if args.only is None:
                files_digests = _digests(Path(scratch) / "files0")
                if files_digests != digests:
                    sys.exit("the writers alone and the folder differ")
    record = {"seconds": {k: statistics.median(v)
                          for k, v in seconds.items()},
              "digests": digests}
    args.out.write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record["seconds"]))


if __name__ == "__main__":
    main()
