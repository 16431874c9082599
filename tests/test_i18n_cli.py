"""The command line in Norwegian: help, validation problems and
explanations follow ``--lang`` or the locale, and every message of the
command line, the readers, the validators and the explanations is in
both catalogues."""

from __future__ import annotations

import csv
import json

import pytest

from allocator import i18n
from allocator.catalogues import extract, read_catalogue
from allocator.cli import main
from allocator.io.problems import LocatedProblem

SPOKEN = (
    "allocator/cli.py",
    "allocator/pipeline.py",
    "allocator/story.py",
    "allocator/placement/cli.py",
    "allocator/placement/explain.py",
    "allocator/simulate/report.py",
    "allocator/explain/matched.py",
    "allocator/explain/unmatched.py",
    "allocator/explain/queues.py",
    "allocator/explain/binding.py",
    "allocator/io/problems.py",
    "allocator/io/tabular.py",
    "allocator/io/layout.py",
    "allocator/io/summary.py",
    "models/instance.py",
    "models/decision_log.py",
    "allocator/io/decisions.py",
    "allocator/io/policy.py",
    "allocator/io/jsonform.py",
    "allocator/io/limits.py",
    "allocator/io/wide.py",
    "allocator/io/detect.py",
    "allocator/io/proposal.py",
    "allocator/decisions.py",
    "allocator/requirements.py",
    "allocator/places.py",
    "allocator/pseudonymise.py",
    "allocator/simulate/cli.py",
    "allocator/placement/io.py",
    "allocator/engine_catalogue.py",
    "allocator/click_words.py",
    "allocator/locks.py",
    "allocator/check.py",
    "allocator/engines/__init__.py",
    "allocator/engines/flow.py",
    "allocator/engines/classes/search.py",
    "allocator/engines/classes/start.py",
    "allocator/placement/engines/flow.py",
    "allocator/placement/engines/solve.py",
)
"""Modules whose messages reach the terminal through the command line."""


@pytest.fixture(autouse=True)
def english_locale(monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("tiny") / "instance"
    assert main(["generate", "--preset", "tiny", "--seed", "0", "--out",
                 str(path)]) == 0
    return path


def test_every_message_of_the_command_line_is_translated():
    """Tests that the command line, the readers, the validators and the
    explanations mark their messages (the extractor finds some in each,
    the commands' docstrings included) and that each has a Norwegian
    text of its own in the catalogue."""
    messages = extract()
    nb = read_catalogue("nb")
    seen = {loc.rsplit(":", 1)[0] for where in messages.values()
            for loc in where}
    assert set(SPOKEN) <= seen, set(SPOKEN) - seen
    assert "Propose an allocation, check it, and write the proposal " \
        "files and\nreport.html beside them." in "\n".join(
            m for m in messages if isinstance(m, str))
    untranslated = []
    for msgid, where in messages.items():
        if not any(loc.rsplit(":", 1)[0] in SPOKEN for loc in where):
            continue
        key = msgid if isinstance(msgid, str) else msgid[0]
        entry = nb.get(key)
        forms = () if entry is None else (
            entry.string if isinstance(entry.string, tuple)
            else (entry.string,))
        if not forms or not all(forms):
            untranslated.append(f"{where[0]}: {key!r}")
    assert not untranslated, untranslated[:20]


def test_help_follows_lang_and_the_locale(monkeypatch, capsys):
    """Tests that --lang nb and LANG=nb_NO.UTF-8 give Norwegian help, and
    that English stays the default."""
    assert main(["validate", "--help", "--lang", "nb"]) == 0
    text = capsys.readouterr().out
    assert "Kontroller en instans og rapporter hvert problem" in text
    assert "Policy som TOML-fil" in text
    assert main(["--help"]) == 0
    assert "Housing allocation for refugee settlement" in \
        capsys.readouterr().out
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    assert main(["--help"]) == 0
    assert "Boligtildeling for bosetting av flyktninger" in \
        capsys.readouterr().out
    assert main(["solve", "--help"]) == 0
    assert "Foreslå en tildeling" in capsys.readouterr().out
    # A run leaves the language of library calls as it found it.
    assert i18n.current().lang == "en"


def test_validation_problems_in_norwegian_name_norwegian_columns(
        tiny, tmp_path, capsys):
    """Tests that under --lang nb a validation problem is told in
    Norwegian, names the column as the Norwegian template does, and keeps
    file, row and rule; in English the same problem reads as before."""
    broken = tmp_path / "broken"
    broken.mkdir()
    for source in tiny.iterdir():
        (broken / source.name).write_bytes(source.read_bytes())
    path = broken / "dwellings.csv"
    rows = list(csv.reader(path.open(encoding="utf-8")))
    rows[1][rows[0].index("bedrooms")] = "-2"
    rows[2][rows[0].index("area")] = "NOWHERE"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)

    assert main(["validate", str(broken), "--lang", "nb"]) == 2
    err = capsys.readouterr().err
    assert "er ikke en gyldig instans: 3 problemer" in err
    assert ("dwellings.csv:2:soverom: Verdien skal være større enn eller "
            "lik 0; fikk '-2'. [out-of-range]") in err
    assert ("dwellings.csv:3:område: område viser til ukjent område "
            "'NOWHERE'. [unknown-reference]") in err

    assert main(["validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "dwellings.csv:2:bedrooms: Input should be greater than or " \
        "equal to 0; got '-2'. [out-of-range]" in err
    assert "area references unknown area 'NOWHERE'." in err


def test_a_problem_in_a_workbook_names_the_norwegian_sheet():
    """Tests the place of a problem under nb: sheet and column as the
    Norwegian template names them, a CSV file's name as it is."""
    problem = LocatedProblem("instance.xlsx[dwellings]", 3, "bedrooms",
                             "out-of-range", "x")
    member = LocatedProblem("members.csv", 4, "relation", "invalid", "y")
    with i18n.speaking("nb"):
        assert str(problem) == "instance.xlsx[boliger]:3:soverom: x " \
            "[out-of-range]"
        assert str(member) == "members.csv:4:rolle: y [invalid]"
    assert str(problem) == "instance.xlsx[dwellings]:3:bedrooms: x " \
        "[out-of-range]"


def test_explanations_follow_the_language(tiny, tmp_path, capsys):
    """Tests that a proposal solved and explained under --lang nb tells a
    matched and a waiting household's story in Norwegian, and under the
    default in English."""
    for lang, words in (("nb", ("prioritet", "har ventet", "venter",
                                "grunn:")),
                        ("en", ("priority", "waited", "waits",
                                "reason:"))):
        out = tmp_path / lang
        assert main(["solve", str(tiny), "--out", str(out), "--lang",
                     lang]) == 0
        capsys.readouterr()
        proposal = json.loads((out / "proposal.json").read_text())
        assert proposal["matches"] and proposal["unmatched"]
        matched = proposal["matches"][0]["household"]
        waiting = proposal["unmatched"][0]["household"]
        args = ["--lang", lang] if lang == "nb" else []
        assert main(["explain", str(out), "--household", matched,
                     *args]) == 0
        story = capsys.readouterr().out
        assert words[0] in story and words[1] in story
        assert main(["explain", str(out), "--household", waiting,
                     *args]) == 0
        story = capsys.readouterr().out
        assert words[2] in story and words[3] in story


def test_help_pages_are_norwegian_throughout(capsys):
    """Tests that under --lang nb click's and Typer's own words (usage,
    section titles, [required], the help option) are Norwegian too, and
    stay English by default."""
    assert main(["validate", "--help", "--lang", "nb"]) == 0
    text = capsys.readouterr().out
    for words in ("Bruk:", "Argumenter:", "Valg:", "[påkrevd]",
                  "Vis denne meldingen og avslutt."):
        assert words in text, words
    assert main(["solve", "--help", "--lang", "nb"]) == 0
    assert "den første motoren som passer" in capsys.readouterr().out
    assert main(["validate", "--help"]) == 0
    text = capsys.readouterr().out
    for words in ("Usage:", "Arguments:", "Options:", "[required]",
                  "Show this message and exit."):
        assert words in text, words


def test_a_parked_household_is_told_in_norwegian(norwegian):
    """Tests that the pipeline says why a parked household is proposed
    nothing in Norwegian under nb."""
    from datetime import timedelta

    from allocator.pipeline import propose
    from models import DecisionEvent, DecisionLog, Policy
    from tests.factory import AS_OF, dwelling, instance, single

    inst = instance([single("H-1", waited=300), single("H-2", waited=100)],
                    [dwelling("D-1", 1), dwelling("D-2", 1, node="N-2")])
    log = DecisionLog(events=(DecisionEvent(
        date=AS_OF - timedelta(days=1), kind="park", household="H-1",
        officer="off-1", until=AS_OF + timedelta(days=3)),))
    outcome = propose(inst, Policy(), marginal_values=False, decisions=log)
    (waiting,) = [u for u in outcome.proposal.unmatched
                  if u.household == "H-1"]
    assert waiting.message == "Ikke foreslått noe: satt på vent til " \
        f"{AS_OF + timedelta(days=3)}."


def test_reading_problems_of_json_and_limits_in_norwegian(tmp_path, capsys,
                                                          norwegian):
    """Tests that a JSON file that is not JSON is refused in Norwegian
    under --lang nb, in English by default, and that a sheet beyond the
    size bounds is refused in Norwegian."""
    from allocator.io.limits import MAX_SHEET_ROWS, TooLarge, _check_dimension

    broken = tmp_path / "instance.json"
    broken.write_text('{"name": "x",\n  "households": [}', encoding="utf-8")
    assert main(["validate", str(broken), "--lang", "nb"]) == 2
    err = capsys.readouterr().err
    assert "JSON ikke forstått på linje 2, kolonne" in err
    assert main(["validate", str(broken), "--lang", "en"]) == 2
    assert "JSON not understood at line 2, column" in capsys.readouterr().err

    head = (b'<worksheet><dimension ref="A1:C' +
            str(MAX_SHEET_ROWS + 1).encode() + b'"/>')
    with pytest.raises(TooLarge) as refused:
        _check_dimension(head, "instance.xlsx", "xl/worksheets/sheet1.xml")
    assert "Arket 'sheet1.xml' oppgir" in str(refused.value)
    assert "slett de tomme radene" in str(refused.value)


def test_simulate_and_placement_texts_in_norwegian(tiny, tmp_path, capsys,
                                                   norwegian):
    """Tests a simulate refusal under --lang nb, and the rows of the
    placement comparison table under nb."""
    from types import SimpleNamespace

    from allocator.placement.io import comparison_rows

    assert main(["simulate", str(tiny), "--out", str(tmp_path / "sim"),
                 "--workers", "0", "--lang", "nb"]) == 2
    assert "--workers 0 ikke forstått; bruk 1 eller flere." in \
        capsys.readouterr().err

    def figures(housed):
        return SimpleNamespace(
            status=SimpleNamespace(value="optimal"), proven_optimal=True,
            housed=housed, housed_within_deadline=housed,
            housed_within_maximum=housed, housed_priority_group=0,
            priority_points=3 * housed, placement_breaches=0,
            by_group={"family_with_children": (1, housed, 2)},
            pair_score_total=0.0, seconds=0.5)

    report = SimpleNamespace(chained=figures(1), dwelling_first=figures(2))
    rows = {row[0]: row[1:] for row in comparison_rows(report)}
    assert rows["status"][0] == "optimal (bevist)"
    assert rows["husstander bosatt"] == ("1", "2", "+1")
    assert "family with children: bosatt / innen fristen (av 2)" in rows


def test_a_queue_place_a_cap_decides_is_told_in_norwegian(norwegian):
    """Tests that the words of a queue place a full cap or quota decides
    are Norwegian under nb, the full cap's included."""
    from types import SimpleNamespace

    from allocator.explain.queues import _blocked_text

    data = SimpleNamespace(household_ids=["H-1", "H-2"], household_caps=())
    why, text = _blocked_text(data, [("building_cap", "B-1", 2, 2, 1)], 1)
    assert why == "cap"
    assert text == ("H-2 har den, og det er et tak eller en kvote, ikke "
                    "køen, som holder denne husstanden ute: bygningen B-1 "
                    "er full (2 av 2 flyktninghusstander)")


def test_a_checker_violation_and_a_lock_conflict_in_norwegian(norwegian):
    """Tests that under nb the independent checker's violation, with the
    hard rule a match breaks, and the conflicts of locks (two on one
    dwelling; one that breaks a hard rule) are Norwegian."""
    from allocator.check import check_matches
    from allocator.compile import compile_instance
    from models import Policy

    from .factory import dwelling, family, instance, single

    policy = Policy()
    inst = instance([family()], [dwelling("D-1", 1)])
    report = check_matches(inst, policy, [("H-F", "D-1", False)])
    assert report.violations == [
        "Tildelingen H-F -> D-1: 1 soverom for et behov på 3."]

    inst = instance([single("H-1"), single("H-2"), family()],
                    [dwelling("D-1", 1), dwelling("D-2", 1)],
                    decisions=[("H-1", "D-1", "lock"),
                               ("H-2", "D-1", "lock"),
                               ("H-F", "D-2", "lock")])
    messages = [c.message for c in
                compile_instance(inst, policy).lock_conflicts]
    assert ("Låsene for H-1, H-2 bruker 2 plasser i boligen D-1, som bare "
            "har plass til 1.") in messages
    assert ("Låsen H-F -> D-2 bryter en absolutt regel: boligen har for få "
            "soverom.") in messages


def test_usage_errors_follow_the_language(tiny, capsys):
    """Tests that an unknown option, a missing argument and a bad value
    are told in Norwegian under --lang nb, and in English by default,
    with exit status 2 and no traceback."""
    cases = [
        (["solve", str(tiny), "--nope"], "Ukjent valg: --nope",
         "No such option: --nope"),
        (["solve"], "Mangler argumentet 'path'.",
         "Missing argument 'path'."),
        (["solve", str(tiny), "--out", "x", "--time-limit", "abc"],
         "Ugyldig verdi for '--time-limit'",
         "Invalid value for '--time-limit'"),
    ]
    for args, norwegian, english in cases:
        assert main([*args, "--lang", "nb"]) == 2
        err = capsys.readouterr().err
        assert norwegian in err and "Traceback" not in err
        assert main(args) == 2
        assert english in capsys.readouterr().err
