"""report.html beside a proposal: self-contained, printable, readable."""

from __future__ import annotations

import re

import pytest

from allocator.cli import main
from allocator.office import write_report
from allocator.office.report import report_html
from models import SENSITIVE_FIELDS
from tests.browser import open_page


@pytest.fixture(scope="module")
def report(city, tmp_path_factory):
    instance, policy, proposal = city
    out = tmp_path_factory.mktemp("report")
    return write_report(proposal, instance, out, "en", policy)


@pytest.mark.slow
def test_city_report_renders_with_map_figures_tables_and_prints(report,
                                                                city):
    """Tests that the city's report.html opens in Debian's chromium with
    no error and no request beyond itself, holds the map (areas,
    dwellings, sites), the key figures and every table with a row per
    match, waiting household and empty dwelling, and prints to a
    multi-page PDF."""
    instance, _, proposal = city
    errors, requests = [], []
    with open_page(report, errors, requests) as page:
        assert page.locator("#fig-map svg").count() == 1
        assert page.locator("#fig-dispersion svg").count() == 1
        map_text = page.inner_text("#fig-map")
        figures = page.inner_text("#key-figures")
        counts = {
            name: page.locator(f"#{name} tbody tr").count()
            for name in ("matches-table", "waiting-table", "empty-table",
                         "areas-table")
        }
        first = page.inner_text("#matches-table tbody tr:first-child")
        pdf = page.pdf(format="A4", landscape=True)
    assert errors == []
    assert requests == [report.resolve().as_uri()]
    # The map names the instance's areas and draws dwellings and sites.
    for area in instance.areas[:5]:
        assert area.name in map_text
    assert "dwelling matched (368)" in map_text
    assert "school" in map_text
    k = proposal.kpis
    assert f"{k.housed} of {k.households}" in figures
    assert counts["matches-table"] == len(proposal.matches)
    assert counts["waiting-table"] == len(proposal.unmatched)
    assert counts["empty-table"] == (len(instance.dwellings)
                                     - len(proposal.matches))
    assert counts["areas-table"] == len(instance.areas)
    # A match as an officer reads it: area name, rent, a date, reasons.
    m = min(proposal.matches, key=lambda m: m.household)
    d = next(d for d in instance.dwellings if d.id == m.dwelling)
    area = next(a for a in instance.areas if a.id == d.area)
    assert m.household in first and area.name in first
    assert "NOK" in first and re.search(r"\d{4}-\d\d-\d\d", first)
    assert " eligible" in first
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") > 4


def test_report_is_self_contained_and_accessible(report):
    """Tests that the page loads nothing (no script, link, image or font
    from elsewhere), declares its language, captions its tables and
    labels its figures, and has print styles with page breaks."""
    text = report.read_text(encoding="utf-8")
    assert "<script" not in text
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text)
    assert "<html lang=\"en\">" in text
    assert text.count("<caption>") >= 5
    assert "role=\"img\" aria-label=" in text
    assert "scope=\"col\"" in text
    assert "@media print" in text and "break-before: page" in text


def test_report_shows_no_sensitive_field(city):
    """Tests that no sensitive field's name appears in either language,
    even though the city has households with needs."""
    instance, policy, proposal = city
    assert any(h.needs_step_free for h in instance.households)
    for lang in ("en", "nb"):
        text = report_html(proposal, instance, lang, policy)
        for name in SENSITIVE_FIELDS:
            assert name not in text, (lang, name)
        for feature in ("waterfront", "care_housing_substance"):
            assert feature not in text, (lang, feature)


def test_report_in_norwegian(city):
    """Tests that --lang nb gives a Norwegian page: headings, yes/no and
    Norwegian number and date formats."""
    instance, policy, proposal = city
    text = report_html(proposal, instance, "nb", policy)
    assert "<html lang=\"nb\">" in text
    assert "Nøkkeltall" in text and "Tildelinger" in text
    assert "Tomme boliger" in text
    assert re.search(r"\d\d\.\d\d\.\d{4}", text)
    assert ">ja<" in text or ">nei<" in text


def test_solve_writes_the_report_and_report_rewrites_it(tmp_path):
    """Tests that `allocator solve` writes report.html beside the
    proposal, and `allocator report` writes it again in another language
    and folder."""
    instance_dir = tmp_path / "town"
    assert main(["generate", "--preset", "town", "--seed", "2", "--out",
                 str(instance_dir)]) == 0
    assert main(["solve", str(instance_dir), "--out",
                 str(tmp_path / "p"), "--lang", "en"]) == 0
    assert "Key figures" in (tmp_path / "p" / "report.html").read_text()
    assert main(["report", str(tmp_path / "p" / "proposal.json"),
                 "--instance", str(instance_dir), "--lang", "nb",
                 "--out", str(tmp_path / "nb")]) == 0
    assert "Nøkkeltall" in (tmp_path / "nb" / "report.html").read_text()
    assert main(["report", str(tmp_path / "p"), "--instance",
                 str(instance_dir), "--lang", "fr"]) == 2


def test_warnings_appear_in_the_report(city):
    """Tests that a proposal's warnings for silent loss have a section of
    the report, in the report's language; none without warnings."""
    from models import ProposalWarning

    instance, policy, proposal = city
    quiet = proposal.model_copy(update={"warnings": ()})
    assert "id=\"warnings\"" not in report_html(quiet, instance, "en")
    loud = proposal.model_copy(update={"warnings": (ProposalWarning(
        code="pair_scores_ignored", message="12 pair scores are ignored",
        values={"pairs": 12}),)})
    text = report_html(loud, instance, "nb", policy)
    assert "id=\"warnings\"" in text and "12 parpoeng" in text
