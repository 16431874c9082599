"""Offer letters: one per offered household, PDF and HTML, nb and en."""

from __future__ import annotations

import re

import pytest

from allocator.cli import main
from allocator.i18n import translator
from allocator.office import write_letters
from allocator.office.letters import TemplateProblem, letter_values
from models import SENSITIVE_FIELDS
from tests.browser import open_page


@pytest.fixture(scope="module")
def letters(town, tmp_path_factory):
    instance, _, proposal = town
    out = tmp_path_factory.mktemp("letters")
    return {lang: write_letters(proposal, instance, out / lang, lang)
            for lang in ("nb", "en")}


@pytest.mark.slow
def test_one_letter_per_offered_household_in_pdf_and_html(letters, town):
    """Tests that each household offered a dwelling gets a PDF and an
    HTML letter, and nobody else does."""
    _, _, proposal = town
    for paths in letters.values():
        assert sorted(p.stem for p in paths) == sorted(
            m.household for m in proposal.matches)
        for p in paths:
            assert p.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


def test_letter_names_the_dwelling_rent_date_and_household(letters, town):
    """Tests the fields of a letter in both languages: address or area,
    bedrooms, rent, move-in date, reply date, the household's size."""
    instance, _, proposal = town
    m = min(proposal.matches, key=lambda m: m.household)
    d = next(d for d in instance.dwellings if d.id == m.dwelling)
    area = next(a for a in instance.areas if a.id == d.area)
    nb = next(p for p in letters["nb"] if p.stem == m.household).read_text()
    en = next(p for p in letters["en"] if p.stem == m.household).read_text()
    assert "Tilbud om bolig" in nb and "Offer of a dwelling" in en
    for text in (nb, en):
        assert d.id in text and area.name in text
        assert f"{d.bedrooms}" in text
    assert re.search(r"Månedsleie: kr \d", nb)
    assert re.search(r"Monthly rent: NOK \d", en)
    assert re.search(r"Innflytting fra: \d+\. \w+ \d{4}", nb)
    assert re.search(r"svar innen \d+\. \w+ \d{4}", nb)


def test_letters_hold_no_sensitive_field(letters, town):
    """Tests that no sensitive field name or avoided feature appears."""
    for paths in letters.values():
        for p in paths:
            text = p.read_text()
            for word in (*SENSITIVE_FIELDS, "waterfront", "psychiatry"):
                assert word not in text


def test_the_office_can_edit_the_template(town, tmp_path):
    """Tests that an edited template is used, and that an unknown
    placeholder is refused with its name."""
    instance, _, proposal = town
    mine = tmp_path / "mal.txt"
    mine.write_text("# Bolig til $household\n\nLeie: $rent\n",
                    encoding="utf-8")
    [path] = write_letters(proposal, instance, tmp_path / "out", "nb",
                           template=mine,
                           households=[proposal.matches[0].household])
    assert "Bolig til " + proposal.matches[0].household in path.read_text()
    mine.write_text("Hei $navn\n", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="navn"):
        write_letters(proposal, instance, tmp_path / "x", "nb",
                      template=mine)


def test_letter_prints_in_chromium(letters):
    """Tests that the HTML letter opens without requests or errors and
    prints to a one-page PDF."""
    path = letters["nb"][0]
    errors, requests = [], []
    with open_page(path, errors, requests) as page:
        assert page.locator("h1").inner_text() == "Tilbud om bolig"
        pdf = page.pdf(format="A4")
    assert errors == [] and requests == [path.resolve().as_uri()]
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1


@pytest.mark.slow
def test_letters_command(tmp_path):
    """Tests `allocator letters` after `allocator solve`."""
    folder = tmp_path / "town"
    assert main(["generate", "--preset", "town", "--seed", "1", "--out",
                 str(folder)]) == 0
    assert main(["solve", str(folder), "--out", str(tmp_path / "p")]) == 0
    assert main(["letters", str(tmp_path / "p"), "--instance", str(folder),
                 "--lang", "en"]) == 0
    assert list((tmp_path / "p" / "letters").glob("*.pdf"))
    bad = tmp_path / "bad.txt"
    bad.write_text("$nobody")
    assert main(["letters", str(tmp_path / "p"), "--instance", str(folder),
                 "--template", str(bad)]) == 2


def test_letter_values_cover_every_placeholder(town):
    instance, _, proposal = town
    values = letter_values(proposal.matches[0], instance, translator("en"),
                           instance.as_of)
    from allocator.office.letters import PLACEHOLDERS

    assert set(values) == set(PLACEHOLDERS)


def test_a_household_id_with_spaces_and_slashes_names_a_safe_file(
        tmp_path):
    """Tests that letters of ids that are no file names (spaces, a slash)
    get stable, distinct, safe file names, with the id kept inside."""
    from models._base import file_stem

    assert file_stem("H-00017") == "H-00017"
    odd = ["CA-Los Angeles", "CA/Los Angeles", "..", "Å"]
    stems = [file_stem(i) for i in odd]
    assert len(set(stems)) == len(odd)
    assert all("/" not in s and " " not in s and not s.startswith(".")
               for s in stems)
    assert stems[0].startswith("CA-Los-Angeles-")
    assert file_stem("CA-Los Angeles") == stems[0]  # stable
