"""The policy lab prices service places (DOMAIN.md 7.1.2)."""

from __future__ import annotations

from allocator.generate import generate
from allocator.simulate import rule_variants, run_sweep
from models import Policy
from tests.simulate.conftest import SMALL

PLACES = Policy.model_validate({"places": {"mode": "cap"}})


def _with_places(instance, school=1):
    return instance.model_copy(update={"areas": tuple(
        a.model_copy(update={"school_places": school})
        for a in instance.areas)})


def test_service_places_are_a_rule_the_lab_switches_off():
    """Tests that the variant without places differs only in them, and
    that it is offered only when places are counted and limited."""
    rural = generate("rural", seed=0)
    assert "service_places" not in dict(rule_variants(PLACES, rural))
    assert "service_places" not in dict(
        rule_variants(Policy(), _with_places(rural)))
    off = dict(rule_variants(PLACES, _with_places(rural)))["service_places"]
    assert off.places.mode == "off"
    changed = [k for k in Policy.model_fields
               if getattr(off, k) != getattr(PLACES, k)]
    assert changed == ["places"]


def test_simulated_price_of_service_places():
    """Tests that a rule-price sweep has a row for service places with a
    simulated and a hindsight cost."""
    rural = _with_places(generate("rural", seed=0))
    params = SMALL.model_copy(update={"months": 1, "seeds": 1})
    sweep = run_sweep(rural, [("places", PLACES)], params,
                      rule_prices="simulation", workers=1)
    rows = {r["rule_off"]: r for r in sweep.tables.rule_prices}
    assert rows["service_places"]["simulated_cost_mean"] is not None
    assert rows["service_places"]["hindsight_cost_mean"] is not None


def test_municipal_policies_are_a_rule_the_lab_prices():
    """Tests that the lab runs the policy without the municipalities' own
    rules, and prices them by simulation."""
    rural = generate("rural", seed=0)
    mid = rural.municipalities[0].id
    own = Policy.model_validate(
        {"municipal": {mid: {"size": {"allowed_surplus": 0}}}})
    off = dict(rule_variants(own, rural))["municipal_policies"]
    assert off.municipal == {}
    params = SMALL.model_copy(update={"months": 1, "seeds": 1})
    sweep = run_sweep(rural, [("own", own)], params,
                      rule_prices="simulation", workers=1)
    rows = {r["rule_off"]: r for r in sweep.tables.rule_prices}
    assert rows["municipal_policies"]["simulated_cost_mean"] is not None


def test_rounds_see_the_places_earlier_settlers_hold():
    """Tests that a round's free places are the instance's less what the
    households housed in earlier rounds (and still there) hold."""
    from collections import Counter

    from allocator.simulate.rolling import RunState, _places_left
    from models import Area, Municipality

    areas = [Area(id="A-1", municipality="K-1", school_places=3,
                  kindergarten_places=None),
             Area(id="A-2", municipality="K-1", school_places=2)]
    munis = [Municipality(id="K-1", introduction_places=4)]
    state = RunState(place_policy=PLACES, places_taken=Counter({
        ("school", "A-1"): 2, ("kindergarten", "A-1"): 1,
        ("introduction", "K-1"): 5}))
    areas, munis = _places_left(state, areas, munis)
    assert [(a.school_places, a.kindergarten_places) for a in areas] == [
        (1, None), (2, None)]
    assert munis[0].introduction_places == 0
