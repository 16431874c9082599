"""The exports are the engine's own files: the report, the workbook for
people and the offer letters, in the user's language."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from allocator.i18n import translator
from allocator.io import write_proposal
from allocator.office.letters import write_letters
from workbench.models import HistoryEntry
from workbench.present import instance_of, proposal_of

from .helpers import login, solved


def _get(client, world, solve, what):
    return client.get(reverse("workbench:export",
                              args=[world.round.pk, solve.pk, what]))


def test_report_is_the_engines_report(client, world):
    login(client, world.officer)
    solve = solved(world.round, world.officer)
    resp = _get(client, world, solve, "report")
    assert resp.status_code == 200
    text = resp.content.decode()
    # The engine's page (its map figure and tables), in the user's
    # language (English in the test world), not a template of ours.
    assert 'id="fig-map"' in text
    assert '<html lang="en"' in text
    assert "<svg" in text
    entry = HistoryEntry.objects.filter(kind="export").first()
    assert entry.summary == f"export report of solve #{solve.pk} (en)"


def test_workbook_opens_with_the_officers_sheets(client, world, tmp_path):
    login(client, world.officer)
    solve = solved(world.round, world.officer)
    resp = _get(client, world, solve, "workbook")
    assert resp.status_code == 200
    assert resp["Content-Disposition"].endswith('.xlsx"')
    got = openpyxl.load_workbook(io.BytesIO(resp.content))
    proposal = proposal_of(solve.proposal_json)
    instance = instance_of(solve.source.instance_json)
    paths = write_proposal(proposal, tmp_path / "out", instance=instance,
                           lang="en")
    want = openpyxl.load_workbook(
        next(p for p in paths if p.suffix == ".xlsx"))
    assert got.sheetnames == want.sheetnames
    assert got.sheetnames[0] != "matches"   # the people's sheets come first
    first = got.worksheets[0]
    assert [c.value for c in first[1]] == [c.value for c in
                                           want.worksheets[0][1]]


@pytest.mark.slow
def test_letters_are_the_engines_letters(client, world, tmp_path):
    login(client, world.officer)
    solve = solved(world.round, world.officer)
    resp = _get(client, world, solve, "letters")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/zip"
    proposal = proposal_of(solve.proposal_json)
    instance = instance_of(solve.source.instance_json)
    names = zipfile.ZipFile(io.BytesIO(resp.content)).namelist()
    households = sorted(m.household for m in proposal.matches)
    assert names == sorted(f"letters/{h}.{ext}" for h in households
                           for ext in ("html", "pdf"))
    write_letters(proposal, instance, tmp_path, "en", pdf=False)
    first = households[0]
    zipped = zipfile.ZipFile(io.BytesIO(resp.content))
    assert zipped.read(f"letters/{first}.html").decode() == \
        (tmp_path / f"{first}.html").read_text(encoding="utf-8")
    title = translator("en")._("Offer of a dwelling to household "
                               "{household}", household=first)
    assert title in zipped.read(f"letters/{first}.html").decode()


def test_norwegian_user_gets_norwegian_exports(client, world):
    from workbench.models import Profile

    Profile.objects.filter(user=world.officer).update(language="nb")
    login(client, world.officer)
    solve = solved(world.round, world.officer)
    text = _get(client, world, solve, "report").content.decode()
    assert '<html lang="nb"' in text


def test_unknown_export_is_404(client, world):
    login(client, world.officer)
    solve = solved(world.round, world.officer)
    assert _get(client, world, solve, "poster").status_code == 404
