"""Reading an uploaded instance with the project's reader."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePath

from allocator.io import InputError, LocatedProblem, read_instance

FORMS = (".xlsx", ".json")


def read_upload(files, office_code: str):
    """
    Reads uploaded files: one workbook, one JSON file, a zip of the CSV
    folder, or the CSV files themselves. Returns ``(instance, problems)``,
    one of them ``None``; problems are dicts with the file's own row
    numbers.
    """
    if not files:
        return None, [_problem(LocatedProblem(
            "-", None, None, "missing-file",
            "Choose a workbook, a JSON file, a zip of the CSV folder or "
            "the CSV files."))]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        names = [PurePath(f.name).name for f in files]
        if len(files) == 1 and names[0].lower().endswith(FORMS):
            path = root / names[0]
            _save(files[0], path)
        elif len(files) == 1 and names[0].lower().endswith(".zip"):
            path = root / "instance"
            path.mkdir()
            try:
                _unzip(files[0], path)
            except zipfile.BadZipFile:
                return None, [_problem(LocatedProblem(
                    names[0], None, None, "unreadable",
                    "The zip file cannot be opened."))]
        else:
            path = root / "instance"
            path.mkdir()
            for upload, name in zip(files, names):
                _save(upload, path / name)
        try:
            instance = read_instance(path)
        except InputError as error:
            return None, [_problem(p) for p in error.problems]
    codes = {m.id for m in instance.municipalities}
    if office_code not in codes:
        return None, [_problem(LocatedProblem(
            names[0], None, "municipality", "other-municipality",
            f"The file holds municipalities {', '.join(sorted(codes))}, "
            f"not this office's {office_code}."))]
    return instance, None


def _save(upload, path: Path) -> None:
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)


def _unzip(upload, folder: Path) -> None:
    with zipfile.ZipFile(upload) as archive:
        for info in archive.infolist():
            name = PurePath(info.filename).name
            if info.is_dir() or not name.lower().endswith(".csv"):
                continue
            (folder / name).write_bytes(archive.read(info))


def _problem(p: LocatedProblem) -> dict:
    return {"file": p.file, "row": p.row, "column": p.column,
            "rule": p.rule, "message": p.message}
