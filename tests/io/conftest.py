"""Fixtures for the io tests: a small hand-made instance and CSV editing."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from allocator.io import write_instance
from models import (
    Area,
    AreaNationality,
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
    TravelTime,
)


def _dwellings() -> tuple[Dwelling, ...]:
    # Rows 2-6 of dwellings.csv. D-2 and D-4 have no building, so tests can
    # move them to other areas without building contradictions.
    return (
        Dwelling(
            id="D-1", municipality="K-1", area="A-1", building="B-1",
            node="N-1", bedrooms=3, floor_area_m2=78.5, floor=2, lift=True,
            step_free=True, features=frozenset({"waterfront"}),
            rent_nok=12500.5, lease_months=36,
            available_from=date(2025, 2, 1),
            available_until=date(2025, 12, 31),
        ),
        Dwelling(
            id="D-2", municipality="K-1", area="A-2", node="N-2",
            tenure="private_lease", bedrooms=1, floor_area_m2=40,
            features=frozenset({"noise", "busy_road"}), condition=2,
            available_from=date(2025, 3, 1),
        ),
        Dwelling(
            id="D-3", municipality="K-1", area="A-1", building="B-1",
            node="N-3", bedrooms=2, floor_area_m2=55, floor=-1,
            basement=True, damp=True, child_suitable=False, shared_rooms=2,
            available_from=date(2025, 1, 15),
        ),
        Dwelling(
            id="D-4", municipality="K-2", area="A-3", bedrooms=0,
            floor_area_m2=24.25, tenure="sublet",
            available_from=date(2025, 3, 10),
        ),
        Dwelling(
            id="D-5", municipality="K-2", area="A-3", building="B-2",
            bedrooms=6, floor_area_m2=140, tenure="rent_to_own",
            features=frozenset({"playground"}),
            available_from=date(2025, 4, 1),
        ),
    )


def _households() -> tuple[Household, ...]:
    # Members are rows 2-5 (H-1), 6 (H-2), 7 (H-3) and 8-9 (H-4) of
    # members.csv.
    return (
        Household(
            id="H-1",
            members=(
                Member(age=38, sex="M", relation="head"),
                Member(age=35, sex="F", relation="partner"),
                Member(age=10, sex="F", relation="child"),
                Member(age=4, sex="M", relation="child"),
            ),
            permit_date=date(2024, 12, 1), nationality="SY",
            needs_step_free=False, needs_ground_floor=None,
            avoid_features=frozenset({"waterfront"}),
            health_follow_up=False, current_school="S-1",
            wish_central=True, expected_reunification_persons=1,
            expected_reunification_date=date(2025, 6, 1),
        ),
        Household(
            id="H-2", members=(Member(age=24, sex="M"),),
            permit_date=date(2024, 9, 15), avoid_features=frozenset(),
            open_to_shared=True, nationality="AF",
        ),
        Household(
            id="H-3", members=(Member(age=16, sex="F"),),
            permit_date=date(2025, 1, 20), assigned_municipality="K-2",
            open_to_shared=False,
        ),
        Household(
            id="H-4",
            members=(
                Member(age=30, sex="F"),
                Member(age=2, sex="X", relation="child"),
            ),
            permit_date=date(2024, 11, 1), case_created=date(2024, 10, 1),
            nationality="ER", needs_no_basement=True, wish_near_node="N-4",
            wish_near_compatriots=True,
        ),
    )


def make_instance() -> Instance:
    """A small valid instance touching every table and field kind."""
    return Instance(
        name="Tiny, Agder — test",
        as_of=date(2025, 3, 1),
        municipalities=(
            Municipality(
                id="K-1", name="Kvinesdal", centre_node="N-1",
                quotas={"households": 5, "persons": 12}, requested=6,
            ),
            Municipality(id="K-2", name="Flekkefjord"),
        ),
        areas=(
            Area(id="A-1", municipality="K-1", name="Sentrum",
                 resident_households=400, refugee_households=20),
            Area(id="A-2", municipality="K-1", name="=Øvre \"bydel\"",
                 resident_households=300),
            Area(id="A-3", municipality="K-2", resident_households=250,
                 refugee_households=10),
        ),
        buildings=(
            Building(id="B-1", area="A-1", units=12, refugee_households=2),
            Building(id="B-2", area="A-3", units=6),
        ),
        area_nationalities=(
            AreaNationality(area="A-1", nationality="SY", households=4),
        ),
        nodes=(
            Node(id="N-1", x=0.0, y=0.0),
            Node(id="N-2", x=1.25, y=-0.5),
            Node(id="N-3", x=2.1, y=0.3),
            Node(id="N-4", x=3.0, y=1.0 / 3.0),
        ),
        edges=(
            Edge(source="N-1", target="N-2", minutes=4.5),
            Edge(source="N-2", target="N-3", minutes=7, mode="transit"),
            Edge(source="N-3", target="N-4", minutes=3.25),
        ),
        sites=(
            ServiceSite(id="S-1", kind="school", node="N-2", name="Skole"),
            ServiceSite(id="S-2", kind="kindergarten", node="N-3"),
            ServiceSite(id="S-3", kind="shop", node="N-1"),
        ),
        travel_times=(
            TravelTime(dwelling="D-5", kind="health", minutes=12.5),
        ),
        dwellings=_dwellings(),
        households=_households(),
        decisions=(
            Decision(household="H-2", dwelling="D-3", kind="lock",
                     note="agreed, see meeting notes"),
            Decision(household="H-1", dwelling="D-1", kind="ban"),
        ),
    )


@pytest.fixture(scope="session")
def instance() -> Instance:
    return make_instance()


@pytest.fixture
def csv_dir(tmp_path: Path, instance: Instance) -> Path:
    """The instance written as a CSV folder in a fresh temporary folder."""
    folder = tmp_path / "instance"
    write_instance(instance, folder, form="csv")
    return folder


def read_table(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_table(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.fixture
def edit_cell():
    """
    Set one cell of a CSV file: ``edit_cell(path, row, column, text)`` with
    the spreadsheet row number (header is row 1) and the column name.
    """

    def edit(path: Path, row: int, column: str, text: str) -> None:
        rows = read_table(path)
        rows[row - 1][rows[0].index(column)] = text
        write_table(path, rows)

    return edit


@pytest.fixture
def edit_rows():
    """``edit_rows(path, change)``: rewrite a CSV file's rows by a function."""

    def edit(path: Path, change) -> None:
        write_table(path, change(read_table(path)))

    return edit
