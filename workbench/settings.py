"""
Settings of the workbench for a laptop or a test run.

The database is SQLite (WAL journal, a busy timeout, immediate write
transactions) in ``WORKBENCH_SQLITE`` (default ``out/workbench/db.sqlite3``)
unless ``DATABASE_URL`` (``postgresql://user:password@host:port/name``) or
``WORKBENCH_DB_NAME`` (with ``WORKBENCH_DB_HOST``, ``_PORT``, ``_USER``,
``_PASSWORD``) names a PostgreSQL database. ``workbench.settings_production``
adds what a deployment needs.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
DATA = Path(os.environ.get("WORKBENCH_DATA", ROOT / "out" / "workbench"))

SECRET_KEY = os.environ.get(
    "WORKBENCH_SECRET_KEY",
    "local-only-key-for-a-laptop-never-for-a-deployment-0123456789",
)
DEBUG = os.environ.get("WORKBENCH_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "workbench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workbench.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "workbench.root_urls"
WSGI_APPLICATION = "workbench.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workbench.access.context",
            ],
        },
    },
]


def database_from_environment(env=os.environ) -> dict:
    """The default database: PostgreSQL when the environment names one."""
    url = env.get("DATABASE_URL", "")
    if url:
        parts = urlparse(url)
        if parts.scheme not in ("postgres", "postgresql"):
            raise ValueError("DATABASE_URL must be a postgresql:// address")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 0,
        }
    if env.get("WORKBENCH_DB_NAME"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": env["WORKBENCH_DB_NAME"],
            "USER": env.get("WORKBENCH_DB_USER", ""),
            "PASSWORD": env.get("WORKBENCH_DB_PASSWORD", ""),
            "HOST": env.get("WORKBENCH_DB_HOST", ""),
            "PORT": env.get("WORKBENCH_DB_PORT", ""),
            "CONN_MAX_AGE": 0,
        }
    path = Path(env.get("WORKBENCH_SQLITE", DATA / "db.sqlite3"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {
            # Readers never wait for the writer; a writer waits up to 20 s
            # for another; write transactions take the lock at BEGIN, so
            # two never deadlock upgrading a read lock.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON;"
            ),
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
        },
        "TEST": {"NAME": env.get("WORKBENCH_SQLITE_TEST",
                                 str(DATA / "test.sqlite3"))},
    }


DATABASES = {"default": database_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation."
             "UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation."
             "MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation."
             "CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failed logins for one user name from one address lock it for 15 min.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LOGIN_URL = "workbench:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "workbench:login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("en", "English")]
LOCALE_PATHS = [PACKAGE / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA / "static"

# Files for the map: a tile server's address template when the deployment
# has one ("https://tiles.example/{z}/{x}/{y}.png"); without it the map
# draws the instance's own geography on a blank ground.
WORKBENCH_TILE_URL = os.environ.get("WORKBENCH_TILE_URL", "")
# Seconds a background solve may take.
WORKBENCH_SOLVE_TIME_LIMIT = float(
    os.environ.get("WORKBENCH_SOLVE_TIME_LIMIT", "60"))
# Whether solves run in the request (tests) instead of the background.
WORKBENCH_SOLVE_INLINE = os.environ.get("WORKBENCH_SOLVE_INLINE") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
