"""Named generator presets, from a hand-checkable toy to all of Norway."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from models import Tenure

from . import _calibration as cal


@dataclass(frozen=True, eq=False)
class PresetSpec:
    """
    What one preset generates.

    Parameters
    ----------
    name
        Preset name, such as ``"city"``.
    description
        What it imitates, in one line.
    households
        Households waiting.
    supply
        Dwellings per household. Default 1.5.
    municipalities
        Number of municipalities. Default 1.
    municipality
        ``(id, name)`` of the single municipality of a municipal preset;
        ``None`` when several are drawn.
    population
        Inhabitants of the single municipality; ``None`` when drawn.
    total_population
        Inhabitants of all municipalities together when drawn.
    county_codes
        County numbers that drawn municipality ids start with.
    areas
        Areas (neighbourhoods) of the single municipality; ``None`` when
        derived from each drawn municipality's population.
    grid
        Network nodes per side of the single municipality's jittered grid;
        ``None`` when derived from population.
    radius_km
        Half the width of the single municipality's built-up plane.
    transit_lines
        Bus lines through the single municipality's centre.
    tenure
        Share of dwellings by tenure.
    house_weight
        Weight of houses (with basement flats) against blocks of flats for
        privately let dwellings; 1 is a town's mix.
    care_share
        Share of dwellings beside care housing.
    care_substance_share
        Of those, the share beside care housing for substance abuse.
    price_level
        Rent level against a mid-sized town (1.0).
    municipal_units
        Units in all municipal buildings together (the municipal stock);
        ``None`` leaves building sizes as drawn.
    quotas
        Whether municipalities have council decisions (vedtak) and requests.
    assigned_share
        Share of households IMDi has already assigned to a municipality.
    reception_school_share
        Share of families with school children who already attend a local
        school from a reception centre in the municipality.
    household_mix
        Household type shares; default ``HOUSEHOLD_MIX``.
    quota_dimensions
        Dimensions of the council decisions beyond households and persons
        (for instance ``children``), when ``quotas``. Default none.
    """

    name: str
    description: str
    households: int
    supply: float = 1.5
    municipalities: int = 1
    municipality: tuple[str, str] | None = None
    population: int | None = None
    total_population: int | None = None
    county_codes: tuple[int, ...] = ()
    areas: int | None = None
    grid: int | None = None
    radius_km: float | None = None
    transit_lines: int | None = None
    tenure: Mapping[Tenure, float] = field(default_factory=dict)
    house_weight: float = 1.0
    care_share: float = 0.03
    care_substance_share: float = cal.CARE_SUBSTANCE_SHARE
    price_level: float = 1.0
    municipal_units: int | None = None
    quotas: bool = False
    assigned_share: float = 1.0
    reception_school_share: float = 0.0
    household_mix: Mapping[str, float] = field(
        default_factory=lambda: dict(cal.HOUSEHOLD_MIX)
    )
    quota_dimensions: tuple[str, ...] = ()

    @property
    def dwellings(self) -> int:
        """Nominal number of dwellings."""
        return round(self.households * self.supply)


_MIXED_TENURE = {
    Tenure.MUNICIPAL: 0.50,
    Tenure.PRIVATE_LEASE: 0.20,
    Tenure.SUBLET: 0.13,
    Tenure.GUARANTEED_PRIVATE: 0.09,
    Tenure.RENT_TO_OWN: 0.05,
    Tenure.SELF_FOUND: 0.03,
}

PRESETS: dict[str, PresetSpec] = {
    spec.name: spec
    for spec in (
        PresetSpec(
            name="tiny",
            description="A toy municipality to check by hand: 5 households, "
            "6 dwellings, 2 areas, 9 network nodes.",
            households=5,
            supply=1.2,
            municipality=("K-9901", "Småvik (synthetic)"),
            population=1_500,
            areas=2,
            grid=3,
            radius_km=1.0,
            transit_lines=1,
            tenure={
                Tenure.MUNICIPAL: 0.6,
                Tenure.PRIVATE_LEASE: 0.2,
                Tenure.GUARANTEED_PRIVATE: 0.2,
            },
            care_share=0.17,
            price_level=0.9,
            household_mix={
                cal.SINGLE: 0.4,
                cal.FAMILY: 0.2,
                cal.SINGLE_PARENT: 0.2,
                cal.MINOR: 0.2,
            },
        ),
        PresetSpec(
            name="rural",
            description="Kvinesdal-like: 5,800 inhabitants, 40 municipal "
            "dwellings of which 15 for substance abuse; private leases "
            "with the municipality as guarantor; a reception centre.",
            households=12,
            supply=1.25,
            municipality=("K-4227", "Kvinesdal (synthetic)"),
            population=5_800,
            areas=3,
            grid=5,
            radius_km=2.5,
            transit_lines=1,
            tenure={
                Tenure.MUNICIPAL: 0.65,
                Tenure.GUARANTEED_PRIVATE: 0.25,
                Tenure.PRIVATE_LEASE: 0.05,
                Tenure.RENT_TO_OWN: 0.05,
            },
            house_weight=2.0,
            care_share=0.3,
            care_substance_share=1.0,
            price_level=0.85,
            municipal_units=40,
            reception_school_share=0.3,
        ),
        PresetSpec(
            name="town",
            description="Lillehammer/Kristiansund-like: 27,000 "
            "inhabitants, about 350 municipal dwellings, 45 settled a year, "
            "help to buy (rent-to-own).",
            households=60,
            supply=4 / 3,
            municipality=("K-3405", "Lillehammer (synthetic)"),
            population=27_000,
            areas=6,
            grid=7,
            radius_km=3.5,
            transit_lines=2,
            tenure={
                Tenure.MUNICIPAL: 0.70,
                Tenure.PRIVATE_LEASE: 0.10,
                Tenure.RENT_TO_OWN: 0.10,
                Tenure.GUARANTEED_PRIVATE: 0.05,
                Tenure.SUBLET: 0.05,
            },
            price_level=1.0,
            municipal_units=350,
            reception_school_share=0.15,
        ),
        PresetSpec(
            name="city",
            description="Bergen-like: 272,000 inhabitants, 350 settled a "
            "year, mostly private rental, 16 areas of which some have a "
            "high refugee share.",
            households=400,
            supply=1.5,
            municipality=("K-4601", "Bergen (synthetic)"),
            population=272_000,
            areas=16,
            grid=15,
            radius_km=8.0,
            transit_lines=4,
            tenure={
                Tenure.PRIVATE_LEASE: 0.45,
                Tenure.MUNICIPAL: 0.30,
                Tenure.SELF_FOUND: 0.10,
                Tenure.GUARANTEED_PRIVATE: 0.05,
                Tenure.SUBLET: 0.05,
                Tenure.RENT_TO_OWN: 0.05,
            },
            house_weight=0.6,
            price_level=1.25,
            reception_school_share=0.05,
        ),
        PresetSpec(
            name="county",
            description="One county for IMDi's placement: 20 "
            "municipalities with council decisions in households, persons "
            "and children; no household assigned yet.",
            households=300,
            supply=1.5,
            municipalities=20,
            total_population=270_000,
            county_codes=(15,),
            tenure=_MIXED_TENURE,
            quotas=True,
            assigned_share=0.0,
            quota_dimensions=("children",),
        ),
        PresetSpec(
            name="region",
            description="One IMDi region: 40 municipalities with council "
            "decisions; half the households already assigned.",
            households=3_000,
            supply=1.5,
            municipalities=40,
            total_population=900_000,
            county_codes=(40, 42),
            tenure=_MIXED_TENURE,
            quotas=True,
            assigned_share=0.5,
        ),
        PresetSpec(
            name="national",
            description="All of Norway, dwelling-first: 356 municipalities "
            "with council decisions below IMDi's requests; no household "
            "assigned yet.",
            households=20_000,
            supply=1.5,
            municipalities=356,
            total_population=5_500_000,
            county_codes=(3, 11, 15, 18, 31, 32, 33, 34, 39, 40, 42, 46, 50,
                          55, 56),
            tenure=_MIXED_TENURE,
            quotas=True,
            assigned_share=0.0,
        ),
    )
}
"""The presets by name, smallest first."""
