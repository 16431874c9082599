"""Read and write instances in any of the three forms."""

from __future__ import annotations

from pathlib import Path

from models import Instance

from .jsonform import read_json, write_json
from .problems import InputError, LocatedProblem
from .tabular import read_folder, read_workbook, write_folder, write_workbook

FORMS = ("csv", "xlsx", "json")
"""Instance forms: a folder of CSV files, an XLSX workbook, a JSON file."""

_SUFFIXES = {".xlsx": "xlsx", ".json": "json"}


def read_instance(path: str | Path) -> Instance:
    """
    Read an instance from a folder of CSV files, an XLSX workbook or a JSON
    file, chosen by what ``path`` is.

    Parameters
    ----------
    path
        A folder (CSV), a ``.xlsx`` file or a ``.json`` file.

    Returns
    -------
    Instance
        The validated instance.

    Raises
    ------
    InputError
        Listing every problem found, each located by file, row and column;
        never another exception for bad input.
    """
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if not path.exists():
        raise InputError([LocatedProblem(
            path.name or str(path), None, None, "missing-file",
            f"{path} does not exist.",
        )])
    form = _SUFFIXES.get(path.suffix.lower())
    if form == "xlsx":
        return read_workbook(path)
    if form == "json":
        return read_json(path)
    hint = (
        " Give the folder holding the CSV files, not one file."
        if path.suffix.lower() == ".csv" else ""
    )
    raise InputError([LocatedProblem(
        path.name, None, None, "unknown-format",
        "Instance form not understood: give a folder of CSV files, an "
        f".xlsx workbook or a .json file.{hint}",
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
        raise ValueError(f"form {form!r} not understood; use one of {FORMS}.")
    writer = {"csv": write_folder, "xlsx": write_workbook, "json": write_json}
    writer[form](instance, path)
    return path
