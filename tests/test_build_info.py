"""Tests of what a proposal's provenance says about the software."""

import subprocess
from importlib import metadata
from pathlib import Path

import pytest

from allocator import build_info


def test_installed_version_reads_as_metadata_version():
    """
    Tests that the version read from the head of a package's metadata is
    the one ``metadata.version`` gives, for every installed package.
    """
    for found in metadata.distributions():
        name = found.metadata["Name"]
        assert build_info.installed_version(name) == metadata.version(name)


def test_installed_version_raises_when_package_missing():
    """Tests that a package not installed is reported as such."""
    with pytest.raises(metadata.PackageNotFoundError):
        build_info.installed_version("no-such-package-of-the-allocator")


def test_git_revision_is_the_checkouts():
    """
    Tests that the revision asked early is git's short revision of the
    allocator's checkout (blank outside one), and stays the same when
    asked again.
    """
    asked = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True,
        text=True, cwd=Path(build_info.__file__).parent,
    )
    expected = asked.stdout.strip() if asked.returncode == 0 else ""
    build_info.ask_git_revision()
    assert build_info.git_revision() == expected
    assert build_info.git_revision() == expected
