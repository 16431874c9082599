"""Pseudonymised instances: new identifiers, the same problem."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

import pytest

from allocator.cli import main
from allocator.io import InputError, read_instance, write_instance
from allocator.pipeline import propose
from allocator.pseudonymise import pseudonymise_instance
from models import Tenure

ROOT = Path(__file__).resolve().parents[2]
TOWN = ROOT / "instances" / "samples" / "town"


@pytest.fixture(scope="module")
def town():
    return read_instance(TOWN)


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory):
    """The town pseudonymised once: (output folder, key file, summary)."""
    base = tmp_path_factory.mktemp("pseudo")
    out, key = base / "data" / "town", base / "secret" / "key.json"
    summary = pseudonymise_instance(TOWN, out, key)
    return out, key, summary


def _ids(instance, table):
    return [row.id for row in getattr(instance, table)]


def test_identifiers_change_and_references_hold(town, pseudo):
    """
    Tests that household, dwelling, building, node and site ids are all
    replaced by prefixed pseudonyms, that municipality and area ids stay
    readable, and that the key maps every pseudonym back.
    """
    out, key, summary = pseudo
    new = read_instance(out)
    document = json.loads(key.read_text())
    for table, prefix in (("households", "H-"), ("dwellings", "D-"),
                          ("buildings", "B-"), ("nodes", "N-"),
                          ("sites", "S-")):
        old, fresh = set(_ids(town, table)), set(_ids(new, table))
        assert len(fresh) == len(old)
        assert not old & fresh
        assert all(i.startswith(prefix) for i in fresh)
        assert set(document["mapping"][table]) == fresh
        assert set(document["mapping"][table].values()) == old
    assert _ids(new, "municipalities") == _ids(town, "municipalities")
    assert set(_ids(new, "areas")) == set(_ids(town, "areas"))
    back = document["mapping"]
    for h in new.households:
        original = back["households"][h.id]
        assert next(o for o in town.households if o.id == original
                    ).members == h.members
    for d in new.dwellings:
        original = next(o for o in town.dwellings
                        if o.id == back["dwellings"][d.id])
        assert back["buildings"].get(d.building) == original.building
        assert back["nodes"].get(d.node) == original.node
    assert "60 households" in summary and str(key) in summary


def test_pseudonymised_instance_solves_to_the_same_objective(town, pseudo):
    """
    Tests that the pseudonymised town validates (exit 0) and solves to the
    same objective as the original, housing the same households.
    """
    out, key, _ = pseudo
    assert main(["validate", str(out)]) == 0
    back = json.loads(key.read_text())["mapping"]
    before = propose(town).proposal
    after = propose(read_instance(out)).proposal
    assert after.objective.primary == before.objective.primary
    assert after.objective.secondary == before.objective.secondary
    assert {back["households"][m.household] for m in after.matches} == {
        m.household for m in before.matches
    }


def test_same_key_same_pseudonyms_other_key_others(town, pseudo, tmp_path):
    """
    Tests that the same key file gives the same pseudonyms on another run
    (and another output form), and a new key gives different ones.
    """
    out, key, _ = pseudo
    first = read_instance(out)
    again = tmp_path / "again.json"
    summary = pseudonymise_instance(TOWN, again, key)
    assert "reused" in summary
    assert read_instance(again) == first
    other = tmp_path / "other"
    pseudonymise_instance(TOWN, other, tmp_path / "other-key.json")
    fresh = read_instance(other)
    for table in ("households", "dwellings", "nodes"):
        assert not set(_ids(fresh, table)) & set(_ids(first, table))


def test_key_file_is_private_and_apart(pseudo, tmp_path):
    """
    Tests that the key file is readable by its owner only and not inside
    the output, and that asking to put it there is refused with exit 2.
    """
    out, key, _ = pseudo
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert out not in key.parents
    assert not any(p.suffix == ".json" for p in out.iterdir())
    inside = tmp_path / "out"
    with pytest.raises(InputError) as caught:
        pseudonymise_instance(TOWN, inside, inside / "key.json")
    assert caught.value.problems[0].rule == "key-inside-output"
    assert not inside.exists()
    assert main(["pseudonymise", str(TOWN), "--out", str(inside),
                 "--key", str(inside / "key.json")]) == 2
    assert main(["pseudonymise", str(TOWN), "--out", str(TOWN),
                 "--key", str(tmp_path / "k.json")]) == 2


def test_direct_identifier_columns_are_dropped(town, tmp_path):
    """
    Tests that columns outside the format holding names, national
    identity numbers, phone numbers, e-mail and postal addresses are
    dropped before validation, and noted in the summary; that decision
    notes (free text) are cleared; and that the values appear nowhere in
    the output.
    """
    folder = tmp_path / "with-names"
    write_instance(town, folder)
    _add_column(folder / "households.csv", "Navn", "Kari Nordmann")
    _add_column(folder / "households.csv", "fødselsnummer", "01017012345")
    _add_column(folder / "households.csv", "Telefon", "+47 912 34 567")
    _add_column(folder / "members.csv", "first_name", "Ola")
    _add_column(folder / "members.csv", "e-post", "ola@example.no")
    _add_column(folder / "dwellings.csv", "adresse", "Storgata 1")
    with (folder / "decisions.csv").open("a") as handle:
        handle.write(f"{town.households[0].id},{town.dwellings[0].id},ban,"
                     "Kari Nordmann ringte\n")
    with pytest.raises(InputError):
        read_instance(folder)  # unknown columns, outside pseudonymise
    out = tmp_path / "out"
    summary = pseudonymise_instance(folder, out, tmp_path / "key.json")
    for column in ("households.csv:Navn", "households.csv:fødselsnummer",
                   "households.csv:Telefon", "members.csv:first_name",
                   "members.csv:e-post", "dwellings.csv:adresse"):
        assert column in summary
    assert "cleared 1 decision note" in summary
    text = "".join(p.read_text() for p in out.iterdir())
    for value in ("Kari", "Nordmann", "01017012345", "912", "Ola",
                  "example.no", "Storgata"):
        assert value not in text
    assert len(read_instance(out).decisions) == 1


def test_pseudonymise_reads_every_form(town, tmp_path):
    """Tests XLSX and JSON input, and the town's real Norwegian copy."""
    from .norwegian import norwegian_excel_copy

    key = tmp_path / "key.json"
    results = []
    for name in ("i.xlsx", "i.json", "no"):
        source = tmp_path / name
        if name == "no":
            norwegian_excel_copy(TOWN, source)
        else:
            write_instance(town, source)
        out = tmp_path / f"out-{name}.json"
        pseudonymise_instance(source, out, key)
        results.append(read_instance(out))
    assert _ids(results[0], "households") == _ids(results[2], "households")
    assert results[0] == results[1]


def test_bad_key_file_is_an_input_error(tmp_path):
    """Tests that a key file that is not one is refused, not overwritten."""
    key = tmp_path / "key.json"
    key.write_text("[1, 2]")
    with pytest.raises(InputError) as caught:
        pseudonymise_instance(TOWN, tmp_path / "out", key)
    assert caught.value.problems[0].rule == "not-a-key"
    assert key.read_text() == "[1, 2]"


def _add_column(path: Path, name: str, value: str) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    rows[0].append(name)
    for row in rows[1:]:
        row.append(value)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_every_kind_can_be_pseudonymised(town, tmp_path):
    """
    Tests pseudonymising municipalities and areas too: every id changes,
    quotas, caps and references still hold, and the objective is the
    same.
    """
    from allocator.pseudonymise import PREFIXES

    out = tmp_path / "all.json"
    summary = pseudonymise_instance(TOWN, out, tmp_path / "key.json",
                                    kinds=PREFIXES)
    assert "kept readable: nothing" in summary
    new = read_instance(out)
    for table in PREFIXES:
        assert not set(_ids(new, table)) & set(_ids(town, table))
    before = propose(town).proposal.objective
    after = propose(new).proposal.objective
    assert (after.primary, after.secondary) == (
        before.primary, before.secondary
    )
    with pytest.raises(ValueError):
        pseudonymise_instance(TOWN, tmp_path / "x", tmp_path / "k.json",
                              kinds=["members"])


def test_the_household_that_found_a_dwelling_is_pseudonymised_with_it(
        town, tmp_path):
    """Tests that a self-found dwelling's ``found_by`` follows its
    household's pseudonym."""
    home = town.dwellings[0].model_copy(update={
        "tenure": Tenure.SELF_FOUND, "found_by": town.households[0].id})
    found = town.model_copy(update={
        "dwellings": (home, *town.dwellings[1:])})
    source = tmp_path / "found.json"
    write_instance(found, source)
    out, key = tmp_path / "out.json", tmp_path / "secret" / "key.json"
    pseudonymise_instance(source, out, key)
    back = json.loads(key.read_text())["mapping"]
    [new] = [d for d in read_instance(out).dwellings if d.found_by]
    assert back["dwellings"][new.id] == home.id
    assert back["households"][new.found_by] == town.households[0].id
