"""Atomic writes: a file or folder is replaced whole, or not at all."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
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
    clean_stale(path)
    handle, name = tempfile.mkstemp(
        dir=path.parent, prefix=_prefix(path), suffix=".tmp"
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

    The swap exchanges the two folders in one atomic ``renameat2`` where
    the system has it (Linux), so ``path`` always exists and holds either
    the old run's files or the new run's, never a mix; elsewhere it is two
    renames (old folder aside, new folder in), and a run killed between
    them leaves the old folder aside, where the next run puts it back
    (``clean_stale``). On failure before the swap, ``path`` is untouched.

    Temporary siblings left by a killed run (their names carry the
    writer's process id) are removed first.

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
        raise NotADirectoryError(
            errno.ENOTDIR, "exists and is not a folder", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(path)
    temporary = Path(
        tempfile.mkdtemp(dir=path.parent, prefix=_prefix(path),
                         suffix=".tmp")
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


def _prefix(path: Path) -> str:
    return f".{path.name}.{os.getpid()}."


def clean_stale(path: Path) -> list[Path]:
    """
    Remove the temporary siblings of ``path`` that a killed writer left
    (``.NAME.PID.*.tmp`` and ``.old`` folders of a process no longer
    running); when ``path`` itself is missing and a killed writer had
    moved it aside, put it back first. Returns the entries removed.

    Parameters
    ----------
    path
        The output folder.
    """
    path = Path(path)
    parent = path.parent
    if not parent.is_dir():
        return []
    stale: list[Path] = []
    head = f".{path.name}."
    # Names, not paths: a folder such as Downloads may hold thousands of
    # entries, and a path object for each took a tenth of a second.
    for name in os.listdir(parent):
        if not name.startswith(head) or not name.endswith((".tmp", ".old")):
            continue
        pid = name[len(head):].split(".", 1)[0]
        if not pid.isdigit() or _running(int(pid)):
            continue
        stale.append(parent / name)
    # The old folder of an interrupted two-rename swap is the last
    # complete output: it goes back in place before anything is removed.
    for entry in sorted(stale):
        if entry.name.endswith(".old") and not path.exists():
            os.replace(entry, path)
            stale.remove(entry)
            break
    for entry in stale:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
    return stale


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _carry_over(old: Path, new: Path, keep: frozenset[str]) -> None:
    for entry in old.iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir():
            # Merged: the new folder may already hold a part of it (the
            # history folder gains the proposal it replaces).
            shutil.copytree(entry, new / entry.name, symlinks=True,
                            dirs_exist_ok=True, copy_function=link_or_copy)
        else:
            link_or_copy(entry, new / entry.name)


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """
    Give the new folder a file of the old one: a hard link where the
    file system allows it, else a copy (``shutil.copy2``).

    Files are only ever replaced whole here, never written in place,
    and the old folder is removed once the new one is swapped in, so
    the link is the file itself at no cost: a folder's history holds
    every earlier proposal (60 MB each at national scale), which would
    otherwise be copied again on every run. A run killed before the
    swap leaves the old folder's files as they were: a link changes
    nothing in them.
    """
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step; ``False`` where unsupported."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                          ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                 _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _swap(old: Path, new: Path) -> None:
    if _exchange(old, new):
        # ``new`` now holds the old files; the caller removes it.
        return
    aside = Path(
        tempfile.mkdtemp(dir=old.parent, prefix=_prefix(old), suffix=".old")
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
