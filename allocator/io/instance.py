"""Read and write instances in any of the three forms."""

from __future__ import annotations

from pathlib import Path

from models import Instance

from ..collector import paused as collector_paused
from ..i18n import _
from .detect import FormatReport
from .jsonform import read_json, write_json
from .limits import check_file, check_rows, csv_rows, workbook_rows
from .problems import InputError, LocatedProblem
from .tabular import read_folder, read_workbook, write_folder, write_workbook

FORMS = ("csv", "xlsx", "json")
"""Instance forms: a folder of CSV files, an XLSX workbook, a JSON file."""

_SUFFIXES = {".xlsx": "xlsx", ".json": "json"}


def read_instance(
    path: str | Path,
    report: FormatReport | None = None,
    *,
    drop_identifiers: bool = False,
) -> Instance:
    """
    Read an instance from a folder of CSV files, an XLSX workbook or a JSON
    file, chosen by what ``path`` is.

    CSV files are read as spreadsheets write them, Norwegian Excel
    included: semicolons, decimal commas, Windows-1252, ``dd.mm.yyyy``
    dates, ``ja``/``nei``; ``report`` says what was found.

    Parameters
    ----------
    path
        A folder (CSV), a ``.xlsx`` file or a ``.json`` file.
    report
        A ``FormatReport`` to fill with what was detected (form, encodings,
        separators, number, date and boolean conventions); filled even
        when reading fails. ``report.describe()`` gives one line for the
        validation summary.
    drop_identifiers
        Drop columns outside the format that hold direct identifiers
        (names, national identity numbers, contact details, addresses),
        listing them in ``report.dropped``, instead of reporting them as
        unknown. Only ``pseudonymise`` asks for this.

    Returns
    -------
    Instance
        The validated instance.

    Raises
    ------
    InputError
        Listing every problem found, each located by file, row and column;
        never another exception for bad input. ``limits.TooLarge`` (an
        ``InputError``) when a file is beyond the limits of
        ``allocator.io.limits``, before it is read.
    """
    with collector_paused():
        return _read(Path(path), report, drop_identifiers)


def _read(
    path: Path, report: FormatReport | None, drop_identifiers: bool
) -> Instance:
    """``read_instance`` on a path, with the collector paused."""
    options = {"report": report, "drop_identifiers": drop_identifiers}
    if path.is_dir():
        for entry in sorted(path.glob("*.csv")):
            check_file(entry)
        check_rows(csv_rows(path / "households.csv"),
                   csv_rows(path / "dwellings.csv"), path.name or str(path))
        return read_folder(path, **options)
    if not path.exists():
        raise InputError([LocatedProblem(
            path.name or str(path), None, None, "missing-file",
            _("{path} does not exist.", path=path),
        )])
    form = _SUFFIXES.get(path.suffix.lower())
    if form in ("xlsx", "json") and not path.is_file():
        raise InputError([LocatedProblem(
            path.name, None, None, "unreadable",
            _("{path} is not a file.", path=path),
        )])
    check_file(path)
    if form == "xlsx":
        rows = workbook_rows(path)
        check_rows(rows.get("households", 0), rows.get("dwellings", 0),
                   path.name)
        return read_workbook(path, **options)
    if form == "json":
        return read_json(path, **options)
    hint = (
        " " + _("Give the folder holding the CSV files, not one file.")
        if path.suffix.lower() == ".csv" else ""
    )
    raise InputError([LocatedProblem(
        path.name, None, None, "unknown-format",
        _("Instance form not understood: give a folder of CSV files, an "
          ".xlsx workbook or a .json file.{hint}", hint=hint),
    )])


def write_instance(
    instance: Instance, path: str | Path, form: str | None = None
) -> Path:
    """
    Write an instance atomically: the old files stay intact if writing
    fails.

    Parameters
    ----------
    instance
        The instance.
    path
        A folder for ``"csv"``, a file for ``"xlsx"`` and ``"json"``.
    form
        ``"csv"``, ``"xlsx"`` or ``"json"``; by default from the suffix of
        ``path`` (no known suffix: a CSV folder).

    Returns
    -------
    Path
        The path written.
    """
    path = Path(path)
    form = form or _SUFFIXES.get(path.suffix.lower(), "csv")
    if form not in FORMS:
        raise ValueError(_("form {form!r} not understood; use one of "
                           "{forms}.", form=form, forms=", ".join(FORMS)))
    writer = {"csv": write_folder, "xlsx": write_workbook, "json": write_json}
    writer[form](instance, path)
    return path


def detected_format(path: str | Path) -> str:
    """
    One line saying how an instance's files are written, for the
    validation summary: e.g. ``CSV: separator ';', decimal comma, encoding
    windows-1252, dates dd.mm.yyyy, booleans ja/nei``.

    Reads the instance; what was detected is described whether or not it
    is valid. Callers that read the instance anyway should pass a
    ``FormatReport`` to ``read_instance`` instead of reading twice.

    Parameters
    ----------
    path
        A CSV folder, ``.xlsx`` or ``.json`` file.
    """
    report = FormatReport()
    try:
        read_instance(path, report)
    except InputError:
        pass
    return report.describe()
