"""Atomic writes: a file or folder is replaced whole, or not at all."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """
    Yield a temporary path beside ``path``; move it onto ``path`` on success.

    The temporary file lives in the same folder so that ``os.replace`` is a
    rename within one file system, which is atomic: readers see the old file
    or the new one, never half of one. On failure the temporary file is
    removed and ``path`` is left as it was.

    Parameters
    ----------
    path
        The file to write.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomic(path: Path, text: str) -> None:
    """
    Write UTF-8 text to ``path`` atomically.

    Parameters
    ----------
    path
        The file to write.
    text
        Its new content.
    """
    with atomic_file(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="")


@contextlib.contextmanager
def atomic_folder(path: Path, keep: frozenset[str]) -> Iterator[Path]:
    """
    Yield a temporary sibling folder; swap it in for ``path`` on success.

    Entries of an existing ``path`` whose names are not in ``keep`` are not
    ours, so they are copied into the new folder before the swap: writing an
    instance must not delete a user's notes lying beside it.

    The swap is two renames (old folder aside, new folder in), each atomic;
    if the second fails the old folder is put back. On failure before the
    swap, ``path`` is untouched.

    Parameters
    ----------
    path
        The folder to write.
    keep
        Names of the files the caller writes; other entries of an existing
        folder are carried over.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise NotADirectoryError(f"{path} exists and is not a folder.")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(
        tempfile.mkdtemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    )
    try:
        yield temporary
        if path.exists():
            _carry_over(path, temporary, keep)
            _swap(path, temporary)
        else:
            os.replace(temporary, path)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def _carry_over(old: Path, new: Path, keep: frozenset[str]) -> None:
    for entry in old.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir():
            shutil.copytree(entry, new / entry.name, symlinks=True)
        else:
            shutil.copy2(entry, new / entry.name, follow_symlinks=False)


def _swap(old: Path, new: Path) -> None:
    aside = Path(
        tempfile.mkdtemp(dir=old.parent, prefix=f".{old.name}.", suffix=".old")
    )
    # mkdtemp made an empty folder only to reserve a unique name.
    aside.rmdir()
    os.replace(old, aside)
    try:
        os.replace(new, old)
    except BaseException:
        os.replace(aside, old)
        raise
    shutil.rmtree(aside, ignore_errors=True)
