"""Deployment settings, database settings and password hashing."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from django.contrib.auth.hashers import get_hasher
from django.db import connection

from workbench.settings import database_from_environment


def test_production_settings_pass_the_deployment_check(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
               DJANGO_SETTINGS_MODULE="workbench.settings_production",
               WORKBENCH_SECRET_KEY=secrets.token_urlsafe(50),
               WORKBENCH_ALLOWED_HOSTS="bolig.example.no",
               WORKBENCH_DATA=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "check", "--deploy",
         "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_postgresql_is_chosen_by_the_environment():
    url = database_from_environment(
        {"DATABASE_URL": "postgresql://wb:s%40cret@db.local:5433/office"})
    assert url["ENGINE"] == "django.db.backends.postgresql"
    assert (url["NAME"], url["USER"], url["PASSWORD"], url["HOST"],
            url["PORT"]) == ("office", "wb", "s@cret", "db.local", "5433")
    parts = database_from_environment({"WORKBENCH_DB_NAME": "office",
                                       "WORKBENCH_DB_HOST": "localhost"})
    assert parts["ENGINE"] == "django.db.backends.postgresql"
    assert parts["HOST"] == "localhost"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    if connection.vendor != "sqlite":
        assert connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 10_000


def test_passwords_are_hashed_with_argon2(world):
    assert get_hasher().algorithm == "argon2"
    world.officer.refresh_from_db()
    assert world.officer.password.startswith("argon2")
