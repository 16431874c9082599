"""Moving on (7.2.23, 7.4.15, R2): chains of moves against brute force."""

from __future__ import annotations

import random

import pytest

from allocator.compile import compile_instance
from allocator.moving import Step, chains
from models import Policy
from tests.engine_helpers import brute_force, engines_for, matched, run
from tests.factory import dwelling, family, instance, single


def _policy(objective="lexicographic", **moving) -> Policy:
    return Policy.model_validate({
        "objective": objective,
        "moving": {"enabled": True, **moving},
    })


def _tiny(seed: int):
    """Two sitting tenants and two waiting households, four dwellings of
    one to three bedrooms in two areas; some tenants have school
    children."""
    rng = random.Random(seed)
    ds = [dwelling(f"D-{i}", rng.randint(1, 3), area=rng.choice(["A-1",
                                                                 "A-2"]))
          for i in range(4)]
    kids = [((8, "M"), (10, "M")), ((3, "F"),), ((9, "F"), (14, "M"))]
    tenants = [
        family("T-1", children=rng.choice(kids), moving_on=True,
               current_dwelling="D-0"),
        single("T-2", moving_on=True, current_dwelling="D-1"),
    ]
    waiting = [
        family("H-F", children=rng.choice(kids), waited=rng.randint(30, 300)),
        single("H-1", waited=rng.randint(30, 300)),
    ]
    return instance(waiting + tenants, ds)


CASES = [
    (seed, objective, moving)
    for seed in range(4)
    for objective, moving in (
        ("lexicographic", {}),
        ("lexicographic", {"exit_penalty": 40, "move_penalty": 5}),
        ("weighted", {"move_penalty": 300, "school_change_penalty": 500}),
    )
]


@pytest.mark.parametrize(("seed", "objective", "moving"), CASES)
def test_engines_reach_the_brute_force_optimum_with_moving_chains(
        seed, objective, moving):
    """Tests every engine against all assignments the checker accepts
    (a tenant unmatched has moved out)."""
    inst = _tiny(seed)
    pol = _policy(objective, **moving)
    expected = brute_force(inst, pol)
    for engine in engines_for(compile_instance(inst, pol)):
        out = run(inst, pol, engine)
        obj = out.proposal.objective
        assert (obj.primary, obj.secondary) == expected, engine


def test_a_chain_of_two_tenants_is_shown_in_order():
    """Tests a chain: the family (three bedrooms) takes T-1's flat, T-1
    (two bedrooms) takes T-2's, T-2 (single) takes the free flat."""
    fam = family("H-F", children=((8, "M"), (10, "F")))
    t1 = family("T-1", children=((8, "M"),), moving_on=True,
                current_dwelling="D-3")
    t2 = single("T-2", moving_on=True, current_dwelling="D-2")
    ds = [dwelling("D-1", 1), dwelling("D-2", 2), dwelling("D-3", 3)]
    inst = instance([fam, t1, t2], ds)
    pol = _policy(exit_penalty=30, move_penalty=5)
    for engine in engines_for(compile_instance(inst, pol)):
        out = run(inst, pol, engine)
        assert matched(out) == {"H-F": "D-3", "T-1": "D-2", "T-2": "D-1"}
        steps = [(m.chain, m.step, m.household, m.moved_from, m.moved_to)
                 for m in out.proposal.moves]
        assert steps == [(0, 0, "H-F", None, "D-3"),
                         (0, 1, "T-1", "D-3", "D-2"),
                         (0, 2, "T-2", "D-2", "D-1")], engine


def test_chains_follow_each_tenant_and_close_circles():
    """Tests the chain builder on a circle of two tenants and a lone
    move out nobody takes up."""
    held = {"T-1": "D-1", "T-2": "D-2", "T-3": "D-3"}
    given = {"T-1": "D-2", "T-2": "D-1"}
    assert chains(held, given) == [
        [Step("T-3", "D-3", None)],
        [Step("T-1", "D-1", "D-2"), Step("T-2", "D-2", "D-1")],
    ]


def test_the_rule_is_off_by_default():
    """Tests that without the policy a tenant is re-housed as before and
    no chain is shown."""
    inst = instance([single("T-1", moving_on=True, current_dwelling="D-1")],
                    [dwelling("D-1", 1)])
    out = run(inst, Policy())
    assert out.proposal.moves == ()
    assert out.proposal.matches[0].priority > 0


def test_the_proposal_shows_each_chain_in_every_output(tmp_path):
    """Tests that JSON, CSV, the workbook and the report show the chain
    of moves (in Norwegian too), and a tenant moving out in the CSV."""
    import json

    import openpyxl

    from allocator.io.proposal import write_proposal
    from allocator.office.report import report_html

    fam = family("H-F", children=((8, "M"), (10, "M")))
    tenant = single("T-1", moving_on=True, current_dwelling="D-T")
    inst = instance([fam, tenant], [dwelling("D-T", 2)])
    pol = _policy()
    out = run(inst, pol)
    write_proposal(out.proposal, tmp_path, instance=inst, lang="nb",
                   policy=pol)
    moves = json.loads((tmp_path / "proposal.json").read_text())["moves"]
    assert [(m["household"], m["moved_from"], m["moved_to"])
            for m in moves] == [("H-F", None, "D-T"), ("T-1", "D-T", None)]
    csv_text = (tmp_path / "proposal.csv").read_text()
    assert "T-1,false" in csv_text and "moved_out" in csv_text
    assert "chain 1, step 1: waiting -> D-T" in csv_text
    book = openpyxl.load_workbook(tmp_path / "proposal.xlsx")
    assert "Flyttekjeder" in book.sheetnames and "moves" in book.sheetnames
    html = report_html(out.proposal, inst, "nb", pol)
    assert 'id="moves-table"' in html
    assert "Leietaker T-1 flytter ut av D-T" in html


def test_the_policy_lab_prices_moving_on():
    """Tests that the lab offers the rule as a variant to switch off when
    it is on and the instance has tenants moving on, and not otherwise."""
    from allocator.simulate import rule_variants

    tenant = single("T-1", moving_on=True, current_dwelling="D-1")
    inst = instance([tenant], [dwelling("D-1", 1)])
    variants = dict(rule_variants(_policy(), inst))
    assert variants["moving_on"].moving.enabled is False
    assert "moving_on" not in dict(rule_variants(Policy(), inst))
    plain = instance([single("H-1")], [dwelling("D-1", 1)])
    assert "moving_on" not in dict(rule_variants(_policy(), plain))


def test_a_re_solve_keeps_a_staying_tenant_as_a_kept_match():
    """Tests that with the previous proposal a tenant that stayed is a
    kept match, and the checker agrees with the objective's parts."""
    from allocator.pipeline import propose

    tenant = single("T-1", moving_on=True, current_dwelling="D-1")
    inst = instance([tenant, single("H-1")],
                    [dwelling("D-1", 1), dwelling("D-2", 1)])
    pol = _policy()
    first = run(inst, pol)
    again = propose(inst, pol, previous=first.proposal,
                    marginal_values=False)
    assert again.check.ok, again.check.violations
    assert {m.household: m.kept for m in again.proposal.matches} == {
        "T-1": True, "H-1": True}


def test_a_locked_tenant_is_placed_by_its_lock():
    """Tests that the office's lock on a tenant places it as any
    household, and a lock on a tenant's dwelling moves the tenant on."""
    tenant = single("T-1", moving_on=True, current_dwelling="D-1")
    fam = family("H-F", children=((8, "M"), (10, "M")))
    ds = [dwelling("D-1", 2), dwelling("D-2", 1)]
    pol = _policy(exit_penalty=30)
    out = run(instance([tenant, fam], ds, [("T-1", "D-2", "lock")]), pol)
    assert matched(out) == {"T-1": "D-2", "H-F": "D-1"}
    assert out.proposal.moves == ()
    out = run(instance([tenant, fam], ds, [("H-F", "D-1", "lock")]), pol)
    assert matched(out) == {"T-1": "D-2", "H-F": "D-1"}
    assert [m.household for m in out.proposal.moves] == ["H-F", "T-1"]


def test_the_template_has_the_moving_on_column_in_both_languages():
    """Tests that the households sheet of the template has moving_on, as
    klar_til_å_flytte_videre in Norwegian."""
    from allocator.io.template import build_template

    for lang, header in (("en", "moving_on"),
                         ("nb", "klar_til_å_flytte_videre")):
        sheet = build_template(lang).worksheets[1]
        assert header in [c.value for c in sheet[1]], lang
