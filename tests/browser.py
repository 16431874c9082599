"""Debian's chromium through Playwright, offline (never
``playwright install``: it cannot download here). ``.ci/run`` installs
chromium, so a missing browser fails the tests that need it."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@contextmanager
def chromium():
    """A headless chromium browser; fails when it is not installed."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), (
        "Debian's chromium is not installed (apt-get install chromium; "
        ".ci/run does so)."
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def open_page(path: Path, errors: list, requests: list, **options):
    """A page of ``path`` that records page errors, console errors and
    every request."""
    with chromium() as browser:
        page = browser.new_page(**options)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text)
                if m.type == "error" else None)
        page.on("request", lambda r: requests.append(r.url))
        page.goto(Path(path).resolve().as_uri())
        page.wait_for_load_state("load")
        yield page
