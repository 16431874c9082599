"""
The workbench's tests run with Django (pytest-django) on the database the
environment names: SQLite by default, PostgreSQL when ``DATABASE_URL`` or
``WORKBENCH_DB_NAME`` is set (as ``.ci/run`` does). Only this folder
configures Django; the engine's tests do not see it.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workbench.settings")

import django  # noqa: E402
import pytest  # noqa: E402

# pytest-django looks for the settings before this folder's conftest is
# read; setting Django up here lets its fixtures find it.
django.setup()

from .helpers import World, build_world  # noqa: E402


@pytest.fixture(autouse=True)
def _inline_solves(settings):
    """Solves run in the request unless a test asks for the background."""
    settings.WORKBENCH_SOLVE_INLINE = True
    settings.WORKBENCH_SOLVE_TIME_LIMIT = 30


@pytest.fixture
def world(db) -> World:
    return build_world()
