"""Calibration figures of the synthetic generator, each with its source."""

from __future__ import annotations

from datetime import date

from models import DwellingFeature, Tenure

DEFAULT_AS_OF = date(2026, 11, 2)
"""Planning date used when none is given; fixed so output never drifts."""

# --- Households -----------------------------------------------------------

SINGLE = "single_adult"
COUPLE = "couple"
FAMILY = "family_with_children"
SINGLE_PARENT = "single_parent"
MINOR = "unaccompanied_minor"
OTHER_ADULTS = "other_adults"

HOUSEHOLD_MIX = {
    SINGLE: 0.70,
    FAMILY: 0.15,
    SINGLE_PARENT: 0.06,
    COUPLE: 0.05,
    MINOR: 0.025,
    OTHER_ADULTS: 0.015,
}
"""
Share of households by type. "Rundt 70 prosent av flyktningene som ankommer,
er enslige" [DOMAIN 1.5; 000 §2.4] and singles were 71 % of those waiting;
unaccompanied minors: about 120 of some 5,000 waiting [DOMAIN 1.5; 000 §2.5].
The split of the remaining 27.5 % between families, single parents, couples
and other adults is an assumption.
"""

CHILDREN_FAMILY = {1: 0.22, 2: 0.25, 3: 0.20, 4: 0.14, 5: 0.10, 6: 0.06,
                   7: 0.02, 8: 0.01}
"""Children in a two-parent family (assumption; gives families of 3-10)."""

CHILDREN_SINGLE_PARENT = {1: 0.35, 2: 0.30, 3: 0.18, 4: 0.10, 5: 0.05,
                          6: 0.02}
"""Children of a single parent (assumption)."""

YOUNGEST_CHILD_BETA = 1.6
"""The youngest child's age is Beta(1, this) times the years left under 18
(skewed young; an only child is 13 or older one time in eight)."""

SIBLING_GAP_EXTRA = 1.2
"""Years between siblings are 1 + Poisson(this)."""

MIN_PARENT_GAP = 16
"""Every child is at least this many years younger than either parent."""

SINGLE_MALE_SHARE = 0.75
"""Single adults who are men: "unge, enslige menn" [DOMAIN H6; 000 §4.3]."""

MINOR_MALE_SHARE = 0.9
"""Unaccompanied minors who are boys (assumption)."""

MINOR_AGES = {15: 0.2, 16: 0.35, 17: 0.45}
"""Ages of unaccompanied minors settled alone (assumption)."""

GRANDPARENT_SHARE = 0.04
"""Families with a grandparent living with them (assumption)."""

NATIONALITIES = {
    "SY": 0.26, "ER": 0.20, "AF": 0.11, "SO": 0.10, "UA": 0.08, "ET": 0.06,
    "CD": 0.05, "IQ": 0.04, "SS": 0.03, "SD": 0.03, "IR": 0.02, "MM": 0.02,
}
"""
Nationality codes: Somalia, Eritrea, Syria, Ethiopia, Afghanistan are
Bergen's main origins [DOMAIN 5.3]; Somalia, Eritrea and Afghanistan the
largest 2012 groups [DOMAIN 1.5]; Burmese refugees in Kvinesdal [DOMAIN
5.6]. Weights are assumptions.
"""

MINOR_NATIONALITIES = {"AF": 0.35, "ER": 0.30, "SO": 0.20, "SY": 0.15}
"""Nationalities of unaccompanied minors (assumption)."""

ACCESSIBILITY_SHARE = 0.05
"""Households with a known accessibility need (assumption, brief: ~5 %)."""

ASSESSED_SHARE = 0.4
"""
Households whose needs have been assessed (known ``False``); the rest are
unknown (``None``): health information "ikke nødvendigvis ... tilgjengelig"
and disabilities are usually the only thing known [DOMAIN H9, H10].
"""

AVOID_WATERFRONT_SHARE = 0.02
"""Households to be kept from the waterfront (drowning trauma) [DOMAIN H10]."""

HEALTH_FOLLOW_UP_SHARE = 0.06
"""Households with serious health problems needing follow-up (assumption)."""

REUNIFICATION_SINGLE_SHARE = 0.25
"""Single adults expecting family through reunification [DOMAIN H8]."""

REUNIFICATION_COUPLE_SHARE = 0.08
"""Couples expecting children through reunification (assumption)."""

REUNIFICATION_PERSONS = {1: 0.30, 2: 0.15, 3: 0.20, 4: 0.20, 5: 0.15}
"""Persons expected to join (1-5; spouse and children) (assumption)."""

REUNIFICATION_DATE_KNOWN = 0.5
"""Share of expected reunifications with a known date (assumption)."""

OPEN_TO_SHARED = {"young": (0.40, 0.25), "older": (0.15, 0.45)}
"""
Single adults (``True``, ``False``) shares, the rest unknown; young means
18-35. Shared housing suits those "mellom tyve og tretti" [DOMAIN H6, D6].
"""

WISH_CENTRAL = 0.35
"""Wish to live centrally [DOMAIN H12, 000 §3.6] (share is an assumption)."""

WISH_COMPATRIOTS = 0.12
"""Wish to live near compatriots: "langt ned på listen" [DOMAIN H12]."""

WISH_NODE = 0.08
"""Wish to live near a place (family, work) [DOMAIN H12] (assumption)."""

WAIT_GAMMA = (3.0, 2.5)
"""
Months waited since the residence permit, Gamma(shape, scale): median 6.7,
mean 7.5 and 14 % above 12 months, against 8.0-8.3 months from permit to
settlement in 2013-2014 and 17 % still waiting after 12 months in 2013
[DOMAIN 1.5, Tables 2.1 and 2.2]. Cut at ``MAX_WAIT_MONTHS``.
"""

MAX_WAIT_MONTHS = 14.0
"""Longest wait generated, in months."""

LONGER_WAIT_FACTOR = 1.25
"""Singles expecting reunification and households needing health follow-up
wait longer [DOMAIN 1.8; 000 §2.3]."""

CASE_LAG_GAMMA = (4.0, 2.95)
"""
Months from case creation to the permit, Gamma(shape, scale), mean 11.8:
Table 2.2 gives 19.9 months from case creation and 8.0 from the permit to
settlement in 2013 (18.5 and 6.7 in 2012) [DOMAIN 1.5].
"""

CASE_CREATED_KNOWN = 0.85
"""Share of households whose case-creation date is known (assumption)."""

# --- Dwellings ------------------------------------------------------------

ROOMS_BLOCKS = {2: 0.402, 3: 0.328, 4: 0.195, 5: 0.061, 6: 0.010, 7: 0.002,
                8: 0.001}
"""
Rooms in blocks of 3+ storeys (key 2 means 1-2 rooms, 8 means 8+)
[CALIBRATION "Dwelling stock by number of rooms", blocks column]. Municipal
rental stock is mostly flats.
"""

ROOMS_ALL = {2: 0.182, 3: 0.195, 4: 0.225, 5: 0.200, 6: 0.106, 7: 0.054,
             8: 0.038}
"""Rooms in all dwellings, used for whole houses [CALIBRATION, same table]."""

ROOMS_BASEMENT = {2: 0.55, 3: 0.40, 4: 0.05}
"""Rooms in basement flats (sokkel), small by nature (assumption)."""

BEDSIT_SHARE_OF_SMALL = 0.397
"""
Bedsits among 1-2 room dwellings: (528 one-room + 979 bedsits) / (528 + 979
+ 2,291 two-room) completed flats in 2011 [CALIBRATION, table 40].
"""

FLOOR_AREA_M2 = {0: 28.0, 1: 47.0, 2: 65.0, 3: 82.0, 4: 100.0, 5: 118.0,
                 6: 135.0, 7: 150.0}
"""Mean floor area by bedrooms (assumption), +-10 % lognormal noise."""

CONDITION_MUNICIPAL = (0.15, 0.30, 0.35, 0.15, 0.05)
"""
Condition 1-5 of municipal dwellings: "forholdsvis lav standard og ...
preget av slitasje" [DOMAIN D1, D3; 000 §3.2]. Shares are assumptions.
"""

CONDITION_PRIVATE = (0.05, 0.20, 0.40, 0.25, 0.10)
"""Condition 1-5 of other tenures (assumption)."""

DAMP_BASE, DAMP_WORN, DAMP_BASEMENT = 0.035, 0.10, 0.15
"""Damp probability: base, extra for condition <= 2, extra for basements
(assumption giving ~8 % overall) [DOMAIN D3]."""

UNFIT_BASE, UNFIT_DAMP = 0.03, 0.25
"""Flagged unfit for children by a health nurse: base, extra when damp
(~5 % overall) [DOMAIN D3, D4; 000 §3.4]."""

STEP_FREE_ENTRANCE = {"block": 0.30, "lowrise": 0.30, "house": 0.15}
"""Buildings with a step-free entrance (assumption, ~15 % of dwellings)."""

LIFT_BY_FLOORS = {3: 0.15, 4: 0.40, 5: 0.80}
"""Chance of a lift by storeys (5 and more use the last entry)."""

BASEMENT_SHARE_OF_HOUSES = 0.45
"""Dwellings in houses that are basement flats (sokler) [DOMAIN D1]."""

SHARED_SHARE = 0.2
"""2-3 bedroom dwellings suited to shared housing [DOMAIN D6]."""

CARE_SUBSTANCE_SHARE = 0.6
"""Care housing next door that is for substance abuse (else psychiatry)."""

PLAYGROUND_SHARE = 0.25
"""Buildings with a playground [DOMAIN D4] (assumption)."""

BUSY_ROAD_SHARE = 0.4
"""Buildings on a transit line by a busy road (assumption)."""

WATERFRONT_BAND = 0.15
"""Nodes in the lowest 15 % of a municipality's y-range are by the water."""

WATERFRONT_SHARE = 0.7
"""Buildings on a shore node that are waterfront (~5 % overall)."""

LEASE_MONTHS = {
    Tenure.MUNICIPAL: (36,),
    Tenure.PRIVATE_LEASE: (12, 24, 36),
    Tenure.SUBLET: (12, 24, 36),
    Tenure.GUARANTEED_PRIVATE: (12, 24, 36),
    Tenure.SELF_FOUND: (12, 24, 36),
    Tenure.RENT_TO_OWN: (),
}
"""
Lease lengths: municipal "en bolig for tre år i første omgang" [DOMAIN D9;
000 §3.8]; private leases shorter; rent-to-own has no fixed term.
"""

RENT_BASE_NOK, RENT_PER_BEDROOM_NOK = 5_500.0, 2_500.0
"""Monthly rent before price level and condition (assumption)."""

MUNICIPAL_RENT_FACTOR = 0.9
"""Municipal rents relative to private ones (assumption)."""

ALREADY_VACANT = 0.25
"""Dwellings vacant at ``as_of`` (free since up to 21 days)."""

AVAILABLE_DAYS = 60
"""Others become free within this many days of ``as_of`` [DOMAIN D11]."""

UNTIL_SHARE = 0.2
"""Dwellings with an end to their window (offer lapses) [DOMAIN D9, 5.3]."""

# --- Areas, network, services ---------------------------------------------

PERSONS_PER_HOUSEHOLD = 2.2
"""Residents per household, to turn population into households
(assumption; CALIBRATION gives 1.4-3.5 persons per dwelling by size)."""

AREA_REFUGEE_SHARE = (1.5, 25.0)
"""Beta(a, b) share of existing refugee households in an area (mean 5.7 %)."""

HIGH_SHARE_RANGE = (0.15, 0.25)
"""Share in the few high-share areas (one per six areas) [DOMAIN D8]; other
shares above 0.15 are squeezed smoothly below 0.25."""

NATIONALITY_RECORDED = 0.7
"""Share of an area's refugee households recorded by nationality."""

WALK_KMH = 5.0
"""Walking speed."""

DETOUR = 1.25
"""Network distance per straight-line distance (assumption)."""

TRANSIT_KMH = 25.0
"""Average bus speed between stops (assumption)."""

SITE_DENSITY = {
    "kindergarten": 0.18, "school": 0.12, "shop": 0.12,
    "public_transport": 0.10, "health": 0.05, "adult_education": 0.012,
    "nav": 0.01,
}
"""Service sites per network node (assumption; at least one of each)."""

CARE_FEATURES = (
    DwellingFeature.CARE_HOUSING_SUBSTANCE,
    DwellingFeature.CARE_HOUSING_PSYCHIATRY,
)

# --- Council decisions (region, national) ---------------------------------

DECISION_MIX = {"in_line": 140, "fewer": 201, "none": 51, "undecided": 36}
"""
Municipal decisions for 2014 out of 428: in line with the request, fewer
than requested, does not settle, no decision yet [DOMAIN 1.5, Table 2.4].
"""

FEWER_RANGE = (0.4, 0.95)
"""Decided share of the request when fewer; with Table 2.4 this gives
about 0.66 of the request in total, as in 2013 ("kun 66 prosent")
[DOMAIN 1.5; Table 2.3 gives 0.74 for 2014]."""
