"""The report: a page that opens without errors, with its data as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from allocator.simulate import write_report
from models import SENSITIVE_FIELDS
from tests.browser import open_page


@pytest.fixture(scope="module")
def report(small_sweep, town, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("lab")
    return write_report(small_sweep, town, out / "lab")


def test_report_opens_in_a_headless_browser_without_errors(report):
    """Tests that report.html renders in chromium with no page or console
    error and no request beyond the file itself, and that its key tables
    and figures are there."""
    errors, requests = [], []
    with open_page(report, errors, requests) as page:
        for selector in ("#headline-table", "#hindsight-table",
                         "#rule-prices", "#audit-table",
                         "#group-families_with_children"):
            assert page.locator(selector).count() == 1, selector
        for figure in ("fig-queue", "fig-waits", "fig-areas", "fig-map"):
            assert page.locator(f"#{figure} svg").count() == 1, figure
        text = page.inner_text("#headline-table")
    assert errors == []
    assert requests == [report.resolve().as_uri()]
    assert "fcfs" in text and "default" in text


def test_every_figure_and_table_is_also_a_csv_file(report):
    """Tests that each figure's data and each table is written as CSV
    beside the report, with a header and rows."""
    folder = report.parent
    for name in ("queue", "waits", "areas", "map"):
        rows = list(csv.DictReader((folder / "figures" /
                                    f"{name}.csv").open()))
        assert rows, name
        assert "policy" in rows[0]
    for name in ("indicators", "hindsight", "rule_prices", "dispersion",
                 "tenure", "quota", "audit", "world"):
        assert (folder / "tables" / f"{name}.csv").stat().st_size > 0
    assert (folder / "summary.json").exists()


def test_report_names_no_household_and_no_sensitive_field(report, town):
    """Tests that no household id and no sensitive field name appears in
    the report or its files: only groups, counted in aggregate."""
    ids = {h.id for h in town.households}
    for path in report.parent.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        assert not any(hid in text for hid in ids), path
        assert "HA-0" not in text, path  # arrivals' ids
        for name in SENSITIVE_FIELDS:
            assert name not in text, (path, name)


def test_rewriting_a_report_keeps_other_files(report, small_sweep, town):
    """Tests that writing the report again replaces its own files whole
    and keeps a user's note beside them."""
    note = report.parent / "notes.txt"
    note.write_text("keep me")
    write_report(small_sweep, town, report.parent)
    assert note.read_text() == "keep me"
    assert report.exists()


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_every_table_column_is_headed_in_words(small_sweep, town, tmp_path,
                                               lang):
    """Tests that the report heads every table column in the user's
    language, not with the CSV files' keys (which stay keys)."""
    import re

    from allocator import i18n

    with i18n.speaking(lang):
        page = write_report(small_sweep, town, tmp_path / "lab")
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", page.read_text("utf-8"))
    labels = set(small_sweep.labels)
    assert headers
    assert [h for h in headers if "_" in h and h not in labels] == []
    words = {"en": "mean days waited", "nb": "gjennomsnittlig antall dager "
             "ventet"}[lang]
    assert words in headers
    rows = list(csv.DictReader((tmp_path / "lab" / "tables" /
                                "audit.csv").open()))
    assert "mean_days_waited" in rows[0]
