"""
One whole round in a real browser (Playwright driving Debian's Chromium):
an officer logs in, imports, sees a validation problem and fixes it,
solves, reads an explanation, offers, records a decline with a reason;
a supervisor confirms the decline and overrides a rule with a reason,
re-solves with the fewest changes (a handful of matches change; the
override is listed), exports, reads the history and switches the
language.

Set WORKBENCH_SCREENSHOTS to a folder to keep a picture of each page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect, sync_playwright

from allocator.io import write_instance
from models import Instance
from workbench.models import DecisionEvent, HistoryEntry, Profile

from .helpers import PASSWORD, build_world, town_json

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu",
                 "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--no-first-run"]


@pytest.fixture
def page(live_server, settings, monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM
    # calls of the test itself are plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.WORKBENCH_SOLVE_INLINE = False
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                    args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280,
                                                "height": 900},
                                      accept_downloads=True)
        yield context.new_page()
        browser.close()


def _workbooks(folder: Path) -> tuple[Path, Path]:
    instance = Instance.model_validate_json(town_json())
    good = folder / "runde.xlsx"
    write_instance(instance, good)
    book = openpyxl.load_workbook(good)
    sheet = book["dwellings"]
    column = [c.value for c in sheet[1]].index("bedrooms") + 1
    sheet.cell(row=5, column=column, value="many")
    bad = folder / "runde-feil.xlsx"
    book.save(bad)
    return bad, good


class Shots:
    def __init__(self, page, folder):
        self.page, self.folder = page, folder

    def __call__(self, name):
        if self.folder:
            self.page.screenshot(path=str(Path(self.folder) / f"{name}.png"),
                                 full_page=False)


def _login(page, base, name):
    page.goto(base + "/login/")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page.locator("header .user")).to_have_text(name)


@pytest.mark.slow
def test_a_whole_round_in_the_browser(page, live_server, tmp_path):
    world = build_world()
    Profile.objects.filter(user__in=[world.officer, world.supervisor]) \
        .update(language="nb")
    base = live_server.url
    shot = Shots(page, os.environ.get("WORKBENCH_SCREENSHOTS"))
    bad, good = _workbooks(tmp_path)

    _login(page, base, "officer")
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    page.fill("input[name=name]", "Runde 2")
    page.locator("form.row button").first.click()
    expect(page.locator("h1")).to_have_text("Runde 2")
    shot("round-empty")

    # Import: a problem on the file's own row 5, then the fixed file.
    page.locator("nav.crumbs .tabs a").nth(1).click()
    page.set_input_files("input[type=file]", str(bad))
    page.click("form button.primary")
    problem = page.locator("tr.problem").first
    expect(problem).to_contain_text("bedrooms")
    expect(problem.locator("td").nth(1)).to_have_text("5")
    shot("import-problems")
    page.set_input_files("input[type=file]", str(good))
    page.click("form button.primary")
    expect(page.locator(".msg.success")).to_be_visible()

    # Solve in the background, with progress, then open the proposal.
    page.select_option("select[name=policy]", "default")
    page.click("form[hx-post] button.primary")
    link = page.locator("#progress a.go")
    expect(link).to_be_visible(timeout=120_000)
    link.click()
    expect(page.locator("table.matches tbody tr").first).to_be_visible()
    expect(page.locator("#map .leaflet-interactive").first).to_be_attached()
    shot("proposal")

    # An explanation, then the offer and a decline with a coded reason.
    first = page.locator("table.matches tbody tr").first
    household = first.locator("td a").first.inner_text()
    first.locator("td a").first.click()
    expect(page.locator("#explanation .lead")).to_be_visible()
    dwelling = page.locator("input[name=dwelling]").first.input_value()
    shot("household")
    page.click("button[name=kind][value=offer]")
    expect(page.locator("#log")).to_contain_text(dwelling)
    page.select_option("#decline-form select[name=reason]", "too_small")
    page.click("#decline-form button[name=kind][value=decline]")
    expect(page.locator("#log tbody tr")).to_have_count(2)

    expect(page.locator("#log")).to_contain_text(re.compile("leder"))
    assert HistoryEntry.objects.filter(
        summary__endswith="pending a supervisor").count() == 1

    # The supervisor confirms the decline on the round page and overrides
    # the size rule for the largest household in the smallest dwelling.
    page.click("header button.link")
    _login(page, base, "supervisor")
    round_id = DecisionEvent.objects.first().round_id
    page.goto(f"{base}/rounds/{round_id}/")
    pending = page.locator("#pending-declines")
    expect(pending).to_contain_text(household)
    shot("decline-pending")
    pending.locator("button[name=verdict][value=confirm]").click()
    expect(page.locator(".msg.success")).to_be_visible()
    expect(page.locator("#pending-declines")).to_have_count(0)
    instance = Instance.model_validate_json(town_json())
    big = max((h for h in instance.households if h.id != household),
              key=lambda h: len(h.members)).id
    small = min((d for d in instance.dwellings if d.id != dwelling),
                key=lambda d: d.bedrooms).id
    page.goto(f"{base}/rounds/{round_id}/households/{big}/")
    form = page.locator("#override-form")
    form.locator("input[name=dwelling]").fill(small)
    form.locator("select[name=rule]").select_option("size_too_small")
    form.locator("input[name=note]").fill(
        "Familien vil heller bo trangt nær skolen")
    form.locator("button[name=kind][value=override]").click()
    expect(page.locator("#log tbody tr")).to_have_count(1)
    assert DecisionEvent.objects.filter(kind="override").count() == 1

    # Re-solve with the fewest changes: the page says what the engine
    # changed and why, and lists the override.
    page.locator("nav.crumbs .tabs a").first.click()
    page.check("input[name=fewest_changes]")
    page.click("form[hx-post] button.primary")
    link = page.locator("#progress a.go")
    expect(link).to_be_visible(timeout=120_000)
    link.click()
    changes = page.locator("#changes")
    expect(changes).to_contain_text(household)
    rows = changes.locator("table.changed tbody tr")
    changed = rows.count()
    housed = page.locator("table.matches tbody tr").count()
    print(f"\ndecline re-solve: {changed} of the previous matches changed "
          f"({housed} housed now)")
    assert 1 <= changed <= 8
    expect(changes.locator("tr.r-not_eligible")).to_contain_text(household)
    overrides = page.locator("#overrides")
    expect(overrides).to_contain_text(big)
    expect(overrides).to_contain_text(small)
    expect(overrides).to_contain_text("size_too_small")
    expect(overrides).to_contain_text("nær skolen")
    shot("resolve-changes")
    changes.scroll_into_view_if_needed()
    shot("resolve-changes-overrides")

    # The supervisor exports, reads the history and switches to English.
    page.locator("nav.crumbs .tabs a").first.click()
    page.locator("a.button[href*='/solves/']").first.click()
    with page.expect_download() as download:
        page.locator("a.button[href$='/export/workbook/']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.locator("nav.crumbs .tabs a").nth(2).click()
    timeline = page.locator("table.timeline")
    for kind in ("import", "solve", "decision", "override", "export"):
        expect(timeline.locator(f".tag.h-{kind}").first).to_be_visible()
    shot("history")
    assert HistoryEntry.objects.filter(kind="login").exists()
    page.click("button[data-lang=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(re.compile("History"))
    assert Profile.objects.get(user=world.supervisor).language == "en"
