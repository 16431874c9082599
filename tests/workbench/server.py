"""A real workbench server process on the test database."""

from __future__ import annotations

import http.cookies
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from django.db import connection


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_environment() -> dict:
    """The environment that points a server at the test database."""
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WORKBENCH_DB_", "DATABASE_URL"))}
    if connection.vendor == "sqlite":
        env["WORKBENCH_SQLITE"] = str(db["NAME"])
    else:
        env.update(WORKBENCH_DB_NAME=db["NAME"],
                   WORKBENCH_DB_USER=db["USER"] or "",
                   WORKBENCH_DB_PASSWORD=db["PASSWORD"] or "",
                   WORKBENCH_DB_HOST=db["HOST"] or "",
                   WORKBENCH_DB_PORT=str(db["PORT"] or ""))
    env["DJANGO_SETTINGS_MODULE"] = "workbench.settings"
    return env


class Server:
    def __init__(self, **extra_env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = database_environment()
        env.update(extra_env)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workbench", "runserver", "--noreload",
             "--skip-checks", f"127.0.0.1:{self.port}"],
            env=env, stdout=subprocess.DEVNULL, stderr=open(os.environ.get("WORKBENCH_SERVER_LOG", os.devnull), "ab"))
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(self.base + "/health/", timeout=10)
                break
            except OSError:  # not listening yet, or still loading
                if self.process.poll() is not None or \
                        time.monotonic() > deadline:
                    raise RuntimeError("the server did not start")
                time.sleep(0.2)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)


class Browser:
    """A session cookie, the CSRF cookie and plain HTTP requests."""

    def __init__(self, base: str, session_key: str):
        self.base = base
        self.cookies = {"sessionid": session_key}

    def _open(self, request, timeout):
        request.add_header("Cookie", "; ".join(
            f"{k}={v}" for k, v in self.cookies.items()))
        response = urllib.request.urlopen(request, timeout=timeout)
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = http.cookies.SimpleCookie(header)
            self.cookies.update({k: m.value for k, m in jar.items()})
        return response

    def get(self, path: str, timeout: float = 30):
        return self._open(urllib.request.Request(self.base + path), timeout)

    def post(self, path: str, fields: dict, timeout: float = 120):
        request = urllib.request.Request(
            self.base + path, data=urllib.parse.urlencode(fields).encode(),
            headers={"X-CSRFToken": self.cookies.get("csrftoken", ""),
                     "Referer": self.base + path})
        return self._open(request, timeout)
