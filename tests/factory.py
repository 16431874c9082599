"""Small hand-made instances for rule tests: every value visible."""

from __future__ import annotations

from datetime import date, timedelta

from models import (
    Area,
    Building,
    Decision,
    Dwelling,
    Edge,
    Household,
    Instance,
    Member,
    Municipality,
    Node,
    ServiceSite,
)

AS_OF = date(2026, 11, 2)


def single(hid="H-1", age=30, sex="M", waited=100, **fields) -> Household:
    """A single adult who has waited ``waited`` days since the permit."""
    return Household(
        id=hid,
        members=(Member(age=age, sex=sex),),
        permit_date=AS_OF - timedelta(days=waited),
        **fields,
    )


def family(hid="H-F", children=((8, "F"), (10, "M")), waited=60, **fields):
    """Two parents and children given as (age, sex)."""
    members = [
        Member(age=40, sex="M", relation="head"),
        Member(age=38, sex="F", relation="partner"),
    ] + [Member(age=a, sex=s, relation="child") for a, s in children]
    return Household(
        id=hid,
        members=tuple(members),
        permit_date=AS_OF - timedelta(days=waited),
        **fields,
    )


def dwelling(did="D-1", bedrooms=1, area="A-1", **fields) -> Dwelling:
    values = dict(
        id=did,
        municipality="K-1",
        area=area,
        node="N-1",
        bedrooms=bedrooms,
        floor_area_m2=30 + 20 * bedrooms,
        available_from=AS_OF,
    )
    values.update(fields)
    return Dwelling(**values)


def instance(households, dwellings, decisions=(), areas=None,
             buildings=(), municipalities=None, **fields) -> Instance:
    """
    One municipality with areas A-1 and A-2 (1,000 residents, no refugees),
    a two-node network (N-1 centre, N-2 twenty minutes away) and every
    service at N-1.
    """
    kinds = ["kindergarten", "school", "adult_education",
             "public_transport", "health", "shop"]
    return Instance(
        name="hand-made",
        as_of=AS_OF,
        municipalities=municipalities
        or (Municipality(id="K-1", name="Testvik", centre_node="N-1"),),
        areas=areas
        or (
            Area(id="A-1", municipality="K-1", resident_households=1000),
            Area(id="A-2", municipality="K-1", resident_households=1000),
        ),
        buildings=tuple(buildings),
        nodes=(Node(id="N-1", x=0, y=0), Node(id="N-2", x=1.5, y=0)),
        edges=(Edge(source="N-1", target="N-2", minutes=20),),
        sites=tuple(
            ServiceSite(id=f"S-{i}", kind=k, node="N-1")
            for i, k in enumerate(kinds)
        ),
        dwellings=tuple(dwellings),
        households=tuple(households),
        decisions=tuple(
            Decision(household=h, dwelling=d, kind=k)
            for h, d, k in decisions
        ),
        **fields,
    )


__all__ = ["AS_OF", "Building", "dwelling", "family", "instance", "single"]
