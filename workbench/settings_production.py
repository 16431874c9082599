"""
Settings for a deployment behind HTTPS: ``DJANGO_SETTINGS_MODULE=
workbench.settings_production``. Needs ``WORKBENCH_SECRET_KEY`` (50 or more
random characters) and ``WORKBENCH_ALLOWED_HOSTS`` (comma-separated), and
normally ``DATABASE_URL`` for PostgreSQL. Passes ``check --deploy``.
"""

import os

from .settings import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["WORKBENCH_SECRET_KEY"]
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("WORKBENCH_ALLOWED_HOSTS", "").split(",")
    if host.strip()
]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 365 * 24 * 3600
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]
