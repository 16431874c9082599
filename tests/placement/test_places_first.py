"""Service places in dwelling-first national runs (DOMAIN.md 7.1.2)."""

from __future__ import annotations

from allocator.placement import run_dwelling_first
from models import Dwelling, Policy
from tests.factory import AS_OF
from tests.placement.helpers import household, municipality, placement_instance

BINDING = Policy.model_validate(
    {"placement": {"services": ["introduction_programme"]}})


def _towns(k1_places):
    """Two singles of programme age; K-1 has both dwellings, K-2 none."""
    base = placement_instance(
        [household("H-1", waited=90), household("H-2", waited=60)],
        [municipality("K-1", households=5), municipality("K-2",
                                                         households=5)],
        services=[("K-1", "introduction_programme", k1_places),
                  ("K-2", "introduction_programme", 5)],
    )
    dwellings = tuple(
        Dwelling(id=f"D-{i}", municipality="K-1", area="A-K-1", bedrooms=1,
                 floor_area_m2=40, available_from=AS_OF)
        for i in (1, 2)
    )
    return base.model_copy(update={"dwellings": dwellings})


def test_dwelling_first_keeps_the_introduction_places():
    """Tests that K-1's one introduction place houses one single there,
    the longer waiting, and that two places house both."""
    first = run_dwelling_first(_towns(1), BINDING)
    assert first.ok, first.outcome.check.violations
    assert [m.household for m in first.outcome.proposal.matches] == ["H-1"]
    assert not first.breaches
    assert any("Introduction-programme places" in n for n in first.notes)
    both = run_dwelling_first(_towns(2), BINDING)
    assert len(both.outcome.proposal.matches) == 2


def test_dwelling_first_without_binding_services_ignores_the_places():
    """Tests that the places bind only when the policy says so."""
    first = run_dwelling_first(_towns(1), Policy())
    assert len(first.outcome.proposal.matches) == 2


def test_a_household_outside_the_programme_needs_no_place():
    """Tests the placement level's need: none when the household does
    not take part in the introduction programme."""
    from allocator.placement.check import service_need
    from allocator.placement.data import needs
    from models import PlacementService

    h = household("H-1")
    out = h.model_copy(update={"introduction_programme": False})
    service = PlacementService.INTRODUCTION_PROGRAMME
    assert service_need(Policy(), h, service.value) == 1
    assert needs(h, service, Policy()) == 1
    assert service_need(Policy(), out, service.value) == 0
    assert needs(out, service, Policy()) == 0
