"""
What a proposal's provenance says about the software that made it: the
installed versions of the allocator and its solvers, and the checkout's
git revision.

Both are fixed costs of every run, so they are read the cheap way: the
versions from the first lines of each package's metadata, and the
revision from a git started at the beginning of a command
(``ask_git_revision``), so that its start and run overlap the reading
and compiling instead of following the explanation.
"""

from __future__ import annotations

import subprocess
import threading
from importlib import metadata
from pathlib import Path


def installed_version(package: str) -> str:
    """
    ``metadata.version(package)``, read from the header of the package's
    metadata alone.

    ``metadata.version`` parses the whole file as a mail message, long
    description and change log included (pydantic's is 140 kB): 5 ms of
    every solve for seven version numbers that stand in the first lines.
    The header is read as the mail parser reads it (the first
    ``Version`` field, up to the first empty line); metadata in any other
    form is left to ``metadata.version``.

    Raises
    ------
    metadata.PackageNotFoundError
        When ``package`` is not installed.
    """
    found = metadata.distribution(package)
    text = found.read_text("METADATA") or found.read_text("PKG-INFO")
    for line in (text or "").splitlines():
        if not line:
            break
        name, colon, value = line.partition(":")
        if colon and name == "Version":
            return value.lstrip(" \t")
    return found.version


GIT_TIMEOUT = 5
"""Seconds git may take to answer before the revision is left blank."""

_git: list[subprocess.Popen | None] = []
"""The git asked for the revision (``None``: it could not be started),
once per process."""

_git_lock = threading.Lock()


def ask_git_revision() -> None:
    """Starts git on the checkout's revision, once per process; the
    answer is read by ``git_revision``."""
    with _git_lock:
        if _git:
            return
        try:
            # A session of its own: a Ctrl-C that stops the solve while
            # git runs does not end git, so the revision is still named.
            _git.append(subprocess.Popen(
                ["git", "rev-parse", "--short", "HEAD"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                cwd=Path(__file__).resolve().parent, start_new_session=True,
            ))
        except (OSError, subprocess.SubprocessError):
            _git.append(None)


def git_revision() -> str:
    """
    The checkout's short revision, ``""`` outside a git checkout or
    when git is missing or takes longer than ``GIT_TIMEOUT`` seconds;
    starts git unless ``ask_git_revision`` did, and reads its answer
    once.
    """
    ask_git_revision()
    with _git_lock:
        if not _answer:
            _answer.append(_read_answer(_git[0]))
        return _answer[0]


_answer: list[str] = []
"""The revision git gave, once read."""


def _read_answer(git: subprocess.Popen | None) -> str:
    if git is None:
        return ""
    try:
        out, _ = git.communicate(timeout=GIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        git.kill()
        git.communicate()
        return ""
    return out.strip() if git.returncode == 0 else ""
