"""
Renders the screenshots in docs/ of the city preset's proposal: its
report.html (top and map) in Norwegian and English, and an offer letter
(H-00006, a single parent with three children) in both.
Run with `make screenshots` (Debian's chromium, offline).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from allocator.generate import generate  # noqa: E402
from allocator.office import write_letters, write_report  # noqa: E402
from allocator.pipeline import propose  # noqa: E402
from models import Policy  # noqa: E402
from tests.browser import chromium  # noqa: E402

DOCS = ROOT / "docs"


def main() -> None:
    instance = generate("city", seed=7)
    policy = Policy()
    proposal = propose(instance, policy).proposal
    with tempfile.TemporaryDirectory() as tmp, chromium() as browser:
        for lang in ("nb", "en"):
            folder = Path(tmp) / lang
            report = write_report(proposal, instance, folder, lang, policy)
            page = browser.new_page(viewport={"width": 1280, "height": 1500})
            page.goto(report.resolve().as_uri())
            page.screenshot(path=DOCS / f"report-{lang}.png")
            page.locator("#map").screenshot(path=DOCS / f"report-map-{lang}.png")
            page.close()
            [letter] = write_letters(proposal, instance, folder / "letters",
                                     lang, households=["H-00006"], pdf=False)
            page = browser.new_page(viewport={"width": 820, "height": 900})
            page.goto(letter.resolve().as_uri())
            page.screenshot(path=DOCS / f"letter-{lang}.png", full_page=True)
            page.close()


if __name__ == "__main__":
    main()
