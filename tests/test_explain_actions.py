"""
Explanations an officer can act on, on hand-made instances: the queue for
each dwelling a waiting household could take and who comes first, the
first date a fitting dwelling frees up, the decline history, the smallest
change for a household no dwelling fits, and a match's nearest
alternative.
"""

from __future__ import annotations

from datetime import timedelta

from allocator.pipeline import propose
from allocator.story import household_story
from models import (
    Building,
    DecisionEvent,
    DecisionLog,
    Municipality,
    Policy,
    Proposal,
)
from tests.factory import AS_OF, dwelling, family, instance, single


def _run(inst, log=None):
    outcome = propose(inst, Policy(), marginal_values=False, decisions=log)
    assert outcome.check.ok, outcome.check.violations
    return outcome.proposal


def _waiting(proposal, hid):
    (u,) = [u for u in proposal.unmatched if u.household == hid]
    return u


def _match(proposal, hid):
    (m,) = [m for m in proposal.matches if m.household == hid]
    return m


def _three_singles(**extra):
    """
    H-1 (waited 300 days, wishes to live centrally), H-2 (200) and H-3
    (100) want one bedroom each. D-1 is central, D-2 twenty minutes out;
    D-3 fits a single but is free only 45 days on (the horizon is 30);
    D-4 is free 40 days on but has four bedrooms, too many for a single.
    """
    return instance(
        [single("H-1", waited=300, wish_central=True),
         single("H-2", waited=200), single("H-3", waited=100)],
        [dwelling("D-1", 1), dwelling("D-2", 1, node="N-2"),
         dwelling("D-3", 1, available_from=AS_OF + timedelta(days=45)),
         dwelling("D-4", 4, available_from=AS_OF + timedelta(days=40))],
        **extra,
    )


def test_a_waiting_household_sees_its_place_in_each_queue():
    """Tests that H-3, the lowest priority, is third of three in the queue
    for both dwellings it could take, and is told who holds each and that
    they come first on priority."""
    p = _run(_three_singles())
    assert {m.household: m.dwelling for m in p.matches} == {
        "H-1": "D-1", "H-2": "D-2"}
    u = _waiting(p, "H-3")
    assert u.reason == "outcompeted"
    h1, h2 = _match(p, "H-1"), _match(p, "H-2")
    assert h1.priority > h2.priority > u.priority
    assert [(q.dwelling, q.place, q.eligible, q.held_by, q.why)
            for q in u.queue] == [
        ("D-1", 3, 3, "H-1", "higher_priority"),
        ("D-2", 3, 3, "H-2", "higher_priority"),
    ]
    assert u.queue[0].held_by_priority == h1.priority
    assert u.queue[0].message == (
        f"D-1: place 3 of 3 in its queue; H-1 has it with more priority "
        f"({h1.priority} against {u.priority}).")


def test_first_in_the_queue_on_equal_priority_is_told_why_it_waits():
    """Tests two singles who waited 100 days each and one dwelling: the
    one left waiting is first in the queue (nobody has more priority), and
    is told that the holder has equal priority and quality decided."""
    p = _run(instance([single("H-A", waited=100), single("H-B", waited=100)],
                      [dwelling("D-1", 1)]))
    (m,) = p.matches
    (u,) = p.unmatched
    assert m.priority == u.priority
    (q,) = u.queue
    assert (q.dwelling, q.place, q.eligible, q.held_by, q.why) == (
        "D-1", 1, 2, m.household, "equal_priority")
    assert q.message == (
        f"D-1: place 1 of 2 in its queue; {m.household} has it with equal "
        f"priority ({m.priority}); the round's quality decides.")
    assert m.alternative is None  # its only eligible dwelling


def test_a_full_building_cap_not_the_queue_keeps_an_empty_dwelling():
    """Tests that with one refugee place left in building B-1, H-2 is
    first in the queue for the empty D-1 (nobody else is left) but told
    that the building's cap, not the queue, keeps it out; behind H-1 in
    D-2's queue, it is told H-1 has more priority."""
    inst = instance(
        [single("H-1", waited=300), single("H-2", waited=100)],
        [dwelling("D-1", 1, building="B-1"),
         dwelling("D-2", 1, building="B-1")],
        buildings=[Building(id="B-1", area="A-1", units=8,
                            refugee_households=1)])
    policy = Policy.model_validate({"dispersion": {"building_cap": 2}})
    outcome = propose(inst, policy, marginal_values=False)
    assert outcome.check.ok, outcome.check.violations
    p = outcome.proposal
    held = {m.household: m.dwelling for m in p.matches}["H-1"]
    empty = ({"D-1", "D-2"} - {held}).pop()
    u = _waiting(p, "H-2")
    queue = {q.dwelling: q for q in u.queue}
    q = queue[empty]
    assert (q.why, q.blocked_by, q.held_by) == (
        "empty", ("building_cap",), None)
    assert q.message == (
        f"{empty}: place 2 of 2 in its queue; it stays empty, and a cap or "
        "quota, not the queue, keeps this household out: building B-1 is "
        "full (1 of 1 refugee households).")
    assert (queue[held].why, queue[held].blocked_by) == (
        "higher_priority", ())


def _quota_round():
    """A municipality with a quota of three persons; two singles (155
    points each) outweigh a family of three (216 points)."""
    return _run(instance(
        [family("H-F", children=((8, "F"),), waited=60),
         single("H-1", waited=100), single("H-2", waited=100)],
        [dwelling("D-1", 2), dwelling("D-2", 1)],
        municipalities=(Municipality(id="K-1", centre_node="N-1",
                                     quotas={"persons": 3}),)))


def test_a_full_quota_not_the_queue_keeps_a_household_out():
    """Tests that the family, first in D-1's queue on priority, is told
    that the municipality's persons quota keeps it out, not the single
    with less priority who holds D-1."""
    p = _quota_round()
    assert {m.household for m in p.matches} == {"H-1", "H-2"}
    u = _waiting(p, "H-F")
    (q,) = u.queue
    holder = {m.dwelling: m for m in p.matches}["D-1"]
    assert holder.priority < u.priority
    assert (q.place, q.eligible, q.why, q.blocked_by, q.held_by) == (
        1, 3, "cap", ("quota_persons",), holder.household)
    assert q.message == (
        f"D-1: place 1 of 3 in its queue; {holder.household} has it, and a "
        "cap or quota, not the queue, keeps this household out: "
        "municipality K-1 has settled 2 of its quota of 3 persons, and "
        "this household would add 2.")
    assert q.message in household_story(p, "H-F")


def test_the_first_date_a_fitting_dwelling_frees_up():
    """Tests that the waiting H-3 is told D-3's date (45 days on), not
    D-4's (40 days on, but four bedrooms are too many for a single)."""
    u = _waiting(_run(_three_singles()), "H-3")
    assert u.next_free == AS_OF + timedelta(days=45)
    assert u.smallest_change == ()  # it has eligible dwellings


def test_no_fitting_dwelling_later_leaves_the_date_out():
    """Tests that without D-3 no later date is promised."""
    inst = _three_singles()
    inst = inst.model_copy(update={"dwellings": tuple(
        d for d in inst.dwellings if d.id != "D-3")})
    assert _waiting(_run(inst), "H-3").next_free is None


def test_decline_history_is_shown_with_what_counts():
    """Tests that H-3's two declines are listed in order, with their
    coded reasons, the landlord's refusal not counted, and no note; a
    declined dwelling leaves its queue (the pair is banned)."""
    day = AS_OF - timedelta(days=3)
    log = DecisionLog(events=(
        DecisionEvent(date=day, kind="offer", household="H-3",
                      dwelling="D-1", officer="off-1"),
        DecisionEvent(date=day, kind="decline", household="H-3",
                      dwelling="D-1", officer="off-1",
                      reason="landlord_refused"),
        DecisionEvent(date=day + timedelta(days=1), kind="offer",
                      household="H-3", dwelling="D-2", officer="off-1"),
        DecisionEvent(date=day + timedelta(days=1), kind="decline",
                      household="H-3", dwelling="D-2", officer="off-2",
                      reason="other", note="private words"),
    ))
    p = _run(_three_singles(), log)
    u = _waiting(p, "H-3")
    assert [(x.dwelling, x.date, x.reason, x.counted)
            for x in u.declines] == [
        ("D-1", day, "landlord_refused", False),
        ("D-2", day + timedelta(days=1), "other", True),
    ]
    assert u.queue == ()  # both dwellings it could take are banned
    story = household_story(p, "H-3")
    assert "declined offers:" in story
    assert f"{day}: D-1 (landlord refused; not counted)" in story
    assert f"{day + timedelta(days=1)}: D-2 (other)" in story
    assert "private words" not in story
    assert "private words" not in p.model_dump_json()
    # Households that declined nothing have no history.
    assert _match(p, "H-1").household == "H-1"


def test_a_bedroom_count_no_dwelling_has_is_the_smallest_change():
    """
    Tests a family needing 4 bedrooms (a couple; a girl of 8 and a boy of
    10, mixed sexes from 7; a boy of 14 in his own room) when the stock has
    1, 1, 1 and 4 (the last free only 40 days on): no dwelling has the 4
    to 6 bedrooms the size norm allows that is free in time, and the
    4-bedroom one needs a horizon of 40 days.
    """
    inst = _three_singles()
    inst = inst.model_copy(update={"households": (
        family("H-F", children=((8, "F"), (10, "M"), (14, "M"))),)})
    u = _waiting(_run(inst), "H-F")
    assert u.reason == "no_eligible_dwelling"
    assert u.next_free == AS_OF + timedelta(days=40)
    changes = {c.rule: c for c in u.smallest_change}
    assert set(changes) == {"availability", "size_too_small"}
    horizon = changes["availability"]
    assert (horizon.horizon_days, horizon.dwellings, horizon.first_date) == (
        40, 1, AS_OF + timedelta(days=40))
    assert horizon.message == (
        "A planning horizon of 40 days (now 30) would make 1 dwelling(s) "
        f"eligible, the first free on {AS_OF + timedelta(days=40)}.")
    small = changes["size_too_small"]
    assert (small.bedrooms, small.dwellings) == (1, 2)
    # Without the 4-bedroom dwelling, the stock lacks the count itself.
    inst = inst.model_copy(update={"dwellings": inst.dwellings[:3]})
    u = _waiting(_run(inst), "H-F")
    changes = {c.rule: c for c in u.smallest_change}
    assert changes["bedrooms"].bedrooms == 4
    assert changes["bedrooms"].dwellings == 0
    assert changes["bedrooms"].message == (
        "None of the 3 dwellings has 4 to 6 bedrooms, as the size norm "
        "asks for this household: a dwelling with 4 bedrooms is needed.")
    assert "availability" not in changes  # D-3 has one bedroom
    assert u.next_free is None
    story = household_story(_run(inst), "H-F")
    assert "smallest change that would make a dwelling eligible:" in story
    assert "a dwelling with 4 bedrooms is needed" in story


def test_a_horizon_that_would_include_a_dwelling():
    """Tests a single whose only fitting dwelling is free 45 days on: a
    horizon of 45 days is the smallest change, and the date is given."""
    inst = instance(
        [single("H-9", waited=100)],
        [dwelling("D-3", 1, available_from=AS_OF + timedelta(days=45)),
         dwelling("D-4", 4, available_from=AS_OF + timedelta(days=40))],
    )
    u = _waiting(_run(inst), "H-9")
    assert u.reason == "no_eligible_dwelling"
    assert [(c.rule, c.horizon_days, c.dwellings)
            for c in u.smallest_change] == [("availability", 45, 1)]
    assert u.next_free == AS_OF + timedelta(days=45)
    assert u.excluded_by == {"availability": 2, "size_too_large": 1}


def test_an_individual_need_is_counted_never_named():
    """Tests that a household whose need rules out the only dwelling is
    told the count under 'individual need', and nothing about the need."""
    inst = instance([single("H-7", needs_step_free=True)],
                    [dwelling("D-1", 1, floor=3, lift=False)])
    p = _run(inst)
    u = _waiting(p, "H-7")
    assert [(c.rule, c.dwellings) for c in u.smallest_change] == [
        ("individual_need", 1)]
    text = p.model_dump_json() + household_story(p, "H-7")
    assert "step" not in text.replace("steps", "").lower()
    assert "lift" not in text.lower()


def test_a_match_states_its_nearest_alternative_and_its_cost():
    """
    Tests H-1's nearest alternative, D-2: its quality there is what H-1
    scores when D-2 is the only dwelling, the cost is the difference, and
    H-2 holds it.
    """
    p = _run(_three_singles())
    m = _match(p, "H-1")
    alt = m.alternative
    assert alt is not None and alt.dwelling == "D-2"
    alone = _run(instance(
        [single("H-1", waited=300, wish_central=True)],
        [dwelling("D-2", 1, node="N-2")]))
    there = _match(alone, "H-1").quality
    assert alt.quality == there
    assert alt.cost == m.quality - there > 0
    h2 = _match(p, "H-2")
    assert (alt.held_by, alt.held_by_priority, alt.held_by_quality) == (
        "H-2", h2.priority, h2.quality)
    assert alt.message == (
        f"Its nearest alternative, D-2, would have scored {there} against "
        f"{m.quality} here ({alt.cost} less); H-2 (priority "
        f"{h2.priority}) has it, scoring {h2.quality} there.")
    assert f"  {alt.message}" in household_story(p, "H-1").splitlines()


def test_older_proposals_without_the_new_fields_still_read():
    """Tests that a proposal written before these fields reads, with each
    one 'not computed'."""
    data = _run(_three_singles()).model_dump(mode="json")
    for m in data["matches"]:
        del m["alternative"]
    for u in data["unmatched"]:
        for key in ("queue", "next_free", "declines", "smallest_change"):
            del u[key]
    p = Proposal.model_validate(data)
    assert _match(p, "H-1").alternative is None
    u = _waiting(p, "H-3")
    assert (u.queue, u.next_free, u.declines, u.smallest_change) == (
        (), None, (), ())


def test_a_better_alternative_names_who_has_it():
    """Tests H-1 (wishes to live centrally) beside H-0, for whom only the
    central, step-free D-1 is eligible (D-2 is on a third floor without a
    lift): H-1
    gets D-2, and its nearest alternative is D-1, which would have scored
    more for it (a negative cost), held by H-0."""
    inst = instance([single("H-0", waited=50, needs_step_free=True),
                     single("H-1", waited=300, wish_central=True)],
                    [dwelling("D-1", 1, step_free=True),
                     dwelling("D-2", 1, node="N-2", floor=3, lift=False)])
    p = _run(inst)
    m, h0 = _match(p, "H-1"), _match(p, "H-0")
    assert (m.dwelling, m.rank, h0.dwelling) == ("D-2", 2, "D-1")
    alt = m.alternative
    alone = _run(instance([single("H-1", waited=300, wish_central=True)],
                          [dwelling("D-1", 1)]))
    assert alt.quality == _match(alone, "H-1").quality
    assert alt.cost == m.quality - alt.quality < 0
    assert (alt.dwelling, alt.held_by, alt.held_by_quality) == (
        "D-1", "H-0", h0.quality)
    assert alt.message.startswith(
        f"Its nearest alternative, D-1, would have scored {alt.quality} "
        f"against {m.quality} here ({-alt.cost} more); H-0")
    assert h0.alternative is None  # its only eligible dwelling
