"""
Norwegian names of the tabular form: sheets, columns and coded values.

One table serves both directions: the template (``allocator template
--lang nb``) writes these names, and the readers accept them as aliases
of the English names, which keep working unchanged. Names are matched
folded (``detect.fold``: any case, ``ø`` as ``o``, separators ignored), so
``Antall soverom``, ``antall_soverom`` and ``antallsoverom`` are one name.

``tests/io/test_template.py`` keeps the table complete: every table,
column and coded value of the contract has a Norwegian name, and no name
means two things.
"""

from __future__ import annotations

from enum import Enum
from functools import cache

from models import (
    Approval,
    DecisionKind,
    DwellingFeature,
    Relation,
    ServiceKind,
    Sex,
    Tenure,
    TravelMode,
)
from models.placement import PlacementService

from .detect import fold

SHEETS: dict[str, tuple[str, str]] = {
    # table: (Norwegian sheet name, what a row is, in Norwegian)
    "instance": ("oppsett", "Én rad: navn på planleggingsrunden og "
                 "planleggingsdatoen."),
    "municipalities": ("kommuner", "Én rad per kommune som bosetter."),
    "areas": ("områder", "Én rad per område (bydel, nabolag), enheten "
              "for spredning."),
    "buildings": ("bygninger", "Én rad per bygning eller oppgang med "
                  "flere boliger."),
    "area_nationalities": ("nasjonaliteter_i_område", "Husstander av én "
                           "nasjonalitet som allerede bor i et område."),
    "nodes": ("noder", "Punkter i gang- og kollektivnettet "
              "(koordinater i km)."),
    "edges": ("strekninger", "Strekninger mellom to noder, i minutter "
              "uten bil."),
    "sites": ("tjenestesteder", "Steder som tilbyr en tjeneste "
              "(skole, barnehage, butikk ...)."),
    "travel_times": ("reisetider", "Ferdig beregnet reisetid fra en "
                     "bolig til nærmeste tjeneste av et slag."),
    "dwellings": ("boliger", "Én rad per bolig som kan tilbys."),
    "households": ("husstander", "Én rad per bosettingsklar husstand."),
    "decisions": ("beslutninger", "Låste par (denne husstanden får denne "
                  "boligen) og utelukkede par."),
    "municipality_services": ("kommunetjenester", "Tjenester en kommune "
                              "tilbyr dem den bosetter (nasjonal "
                              "plassering)."),
    "compatibility": ("tillatte_par", "Om en husstand kan plasseres i en "
                      "kommune (nasjonal plassering)."),
    "pair_scores": ("parpoeng", "Importert poeng for en husstand i en "
                    "kommune (nasjonal plassering)."),
    "members": ("medlemmer", "Én rad per person, med husstandens id."),
}
"""Table -> (Norwegian sheet name, Norwegian description of a row)."""

_QUOTA = "Gjenstående plasser i kommunestyrevedtaket: "

COLUMNS: dict[str, dict[str, tuple[str, str]]] = {
    # table: {column: (Norwegian header, Norwegian description)}
    "instance": {
        "name": ("navn", "Et kort navn på planleggingsrunden."),
        "as_of": ("dato", "Planleggingsdatoen: ventetid regnes fram til "
                  "den, og boliger må være ledige innen policyens "
                  "horisont fra den."),
    },
    "municipalities": {
        "id": ("id", "Kommunens id, for eksempel kommunenummeret "
               "K-4601."),
        "name": ("navn", "Kommunens navn."),
        "centre_node": ("sentrumsnode", "Node i reisenettet for sentrum "
                        "(for ønsket om å bo sentralt)."),
        "quota_households": ("kvote_husstander", _QUOTA + "husstander. "
                             "Tom: ingen kvote."),
        "quota_persons": ("kvote_personer", _QUOTA + "personer."),
        "quota_single_adults": ("kvote_enslige_voksne", _QUOTA +
                                "enslige voksne."),
        "quota_families": ("kvote_familier", _QUOTA + "familier."),
        "quota_unaccompanied_minors": ("kvote_enslige_mindreårige",
                                       _QUOTA + "enslige mindreårige."),
        "quota_children": ("kvote_barn", _QUOTA + "barn under 18."),
        "quota_adults": ("kvote_voksne", _QUOTA + "voksne 18-66 år."),
        "quota_seniors": ("kvote_eldre", _QUOTA + "eldre fra 67 år."),
        "requested": ("anmodet", "Plasser IMDi anmodet om, for "
                      "rapportering av måloppnåelse."),
        "introduction_places": ("introduksjonsplasser", "Ledige plasser i "
                                "introduksjonsprogrammet for denne "
                                "rundens bosatte (personer 18-55 år). "
                                "Tom: ingen grense."),
    },
    "areas": {
        "id": ("id", "Områdets id, for eksempel A-03."),
        "municipality": ("kommune", "Kommunen området hører til (id fra "
                         "arket kommuner)."),
        "name": ("navn", "Områdets navn."),
        "resident_households": ("bosatte_husstander", "Husstander som bor "
                                "i området nå (alle, ikke bare "
                                "flyktninger)."),
        "refugee_households": ("flyktninghusstander", "Flyktninghusstander "
                               "som allerede bor i området (telles av "
                               "spredningstakene)."),
        "kindergarten_places": ("barnehageplasser", "Ledige "
                                "barnehageplasser i området for denne "
                                "rundens bosatte (barn 1-5 år). Tom: "
                                "ingen grense."),
        "school_places": ("skoleplasser", "Ledige skoleplasser i området "
                          "for denne rundens bosatte (barn 6-15 år). "
                          "Tom: ingen grense."),
    },
    "buildings": {
        "id": ("id", "Bygningens id, for eksempel B-0107."),
        "area": ("område", "Området bygningen ligger i."),
        "units": ("enheter", "Boliger i bygningen (bebodd eller ikke)."),
        "refugee_households": ("flyktninghusstander", "Flyktninghusstander "
                               "som allerede bor i bygningen."),
    },
    "area_nationalities": {
        "area": ("område", "Området."),
        "nationality": ("nasjonalitet", "Landkode, for eksempel SYR."),
        "households": ("husstander", "Husstander av denne nasjonaliteten "
                       "i området."),
    },
    "nodes": {
        "id": ("id", "Nodens id."),
        "x": ("x", "Øst-vest-koordinat i km."),
        "y": ("y", "Nord-sør-koordinat i km."),
    },
    "edges": {
        "source": ("fra", "Noden strekningen går fra."),
        "target": ("til", "Noden strekningen går til."),
        "minutes": ("minutter", "Reisetid i minutter uten bil."),
        "mode": ("reisemåte", "Gange eller kollektivt."),
    },
    "sites": {
        "id": ("id", "Tjenestestedets id."),
        "kind": ("tjeneste", "Hvilken tjeneste stedet tilbyr."),
        "node": ("node", "Noden stedet ligger ved."),
        "name": ("navn", "Stedets navn."),
    },
    "travel_times": {
        "dwelling": ("bolig", "Boligen."),
        "kind": ("tjeneste", "Tjenesten."),
        "minutes": ("minutter", "Minutter til nærmeste sted med "
                    "tjenesten; erstatter nettets tall."),
    },
    "dwellings": {
        "id": ("id", "Boligens id, for eksempel D-0042."),
        "municipality": ("kommune", "Kommunen boligen ligger i."),
        "area": ("område", "Området boligen ligger i; området må høre til "
                 "kommunen."),
        "building": ("bygning", "Bygning eller oppgang, for spredning per "
                     "bygning. Tom: en bygning for seg."),
        "node": ("node", "Node i reisenettet. Tom når reisetider er gitt "
                 "i arket reisetider."),
        "tenure": ("disposisjonsform", "Hvordan boligen disponeres. "
                   "Standard: kommunal."),
        "bedrooms": ("soverom", "Antall soverom (0 for hybel). «Rom» "
                     "teller også stua: en treromsleilighet har 2 "
                     "soverom."),
        "floor_area_m2": ("areal_m2", "Bruksareal i kvadratmeter."),
        "floor": ("etasje", "Etasje: 0 for bakkeplan, negativ under "
                  "bakken. Standard 0."),
        "step_free": ("trinnfri", "Trinnfri inngang."),
        "lift": ("heis", "Heis til boligens etasje."),
        "basement": ("sokkel", "Sokkel- eller kjellerbolig."),
        "condition": ("standard", "Standard fra 1 (dårlig, slitt) til 5 "
                      "(ny eller renovert). Standard 3."),
        "damp": ("fukt", "Fukt, mugg eller dårlig inneklima meldt."),
        "child_suitable": ("egnet_for_barn", "«nei» når helsesykepleier "
                           "eller boligkontoret har merket boligen "
                           "uegnet for barn. Standard ja."),
        "shared_rooms": ("rom_for_bofellesskap", "Rom som kan leies ut "
                         "hver for seg i bofellesskap; 0 når boligen "
                         "ikke egner seg. Høyst antall soverom."),
        "features": ("egenskaper", "Egenskaper ved beliggenheten, skilt "
                     "med |, for eksempel sjønært|støy. «ingen» for "
                     "ingen."),
        "rent_nok": ("husleie_kr", "Månedsleie i kroner."),
        "lease_months": ("leietid_måneder", "Leiekontraktens lengde i "
                         "måneder; tom for ingen fast lengde."),
        "available_from": ("ledig_fra", "Første dag boligen kan leies "
                           "ut."),
        "available_until": ("ledig_til", "Siste dag boligen kan leies "
                            "ut; tom for ingen slutt."),
        "utilities_nok": ("strøm_og_felleskostnader_kr", "Vanlige "
                          "månedlige utgifter til strøm, oppvarming og "
                          "felleskostnader i kroner. Tom: ukjent "
                          "(regelen om hva husstanden har råd til bruker "
                          "da policyens anslag)."),
        "found_by": ("funnet_av", "Husstanden som selv fant boligen "
                     "(egenbosetting). Boligen holdes av til den mens "
                     "utleiers tilbud står. Tom: ingen."),
        "offer_lapses": ("tilbud_faller_bort", "Siste dag utleiers tilbud "
                         "om leiekontrakt på en selvfunnet bolig står. "
                         "Tom: ingen dato."),
        "municipal_acceptance": ("kommunens_godkjenning", "Kommunens "
                                 "svar på en selvfunnet bolig: venter, "
                                 "godkjent eller avslått. Standard "
                                 "venter."),
        "imdi_approval": ("imdis_godkjenning", "IMDis svar på en "
                          "selvfunnet bolig: venter, godkjent eller "
                          "avslått. Standard venter."),
    },
    "households": {
        "id": ("id", "Pseudonym id, for eksempel H-0017: aldri et "
               "navn."),
        "permit_date": ("vedtaksdato", "Dato for vedtak om opphold: "
                        "ventetiden regnes herfra."),
        "case_created": ("sak_opprettet", "Dato saken ble opprettet, om "
                         "kjent; på eller før vedtaksdatoen."),
        "nationality": ("nasjonalitet", "Landkode, for eksempel SYR. "
                        "Brukes bare for husstandens eget ønske om å bo "
                        "nær landsmenn og for bofellesskap."),
        "needs_step_free": ("trenger_trinnfri", "Trenger trinnfri adkomst "
                            "(heis eller bakkeplan). Tom: ukjent."),
        "needs_ground_floor": ("trenger_bakkeplan", "Trenger bolig på "
                               "bakkeplan. Tom: ukjent."),
        "needs_no_basement": ("ikke_sokkel", "Kan ikke bo i "
                              "sokkelbolig. Tom: ukjent."),
        "avoid_features": ("unngå_egenskaper", "Egenskaper husstanden "
                           "ikke skal tilbys, skilt med |, for eksempel "
                           "sjønært. Tom: ukjent; «ingen»: kjent at det "
                           "ikke er noen."),
        "health_follow_up": ("helseoppfølging", "Alvorlige "
                             "helseproblemer som trenger tett "
                             "oppfølging. Tom: ukjent."),
        "expected_reunification_persons": ("forventet_familiegjenforening",
                                           "Familiemedlemmer som ventes "
                                           "gjennom familiegjenforening. "
                                           "Standard 0."),
        "expected_reunification_date": ("familiegjenforening_dato", "Når "
                                        "de ventes, om kjent."),
        "open_to_shared": ("åpen_for_bofellesskap", "Om en enslig voksen "
                           "kan bo i bofellesskap. Tom: ukjent."),
        "wish_central": ("ønsker_sentralt", "Ønsker å bo sentralt. "
                         "Standard nei."),
        "wish_near_compatriots": ("ønsker_nær_landsmenn", "Ønsker å bo "
                                  "nær landsmenn. Standard nei."),
        "wish_near_node": ("ønsker_nær_node", "Node i reisenettet for et "
                           "sted å bo nær (familie, arbeid, skole)."),
        "assigned_municipality": ("tildelt_kommune", "Kommunen IMDi har "
                                  "tildelt husstanden, om noen."),
        "current_dwelling": ("nåværende_bolig", "Boligen husstanden bor i "
                             "nå, ved flytting."),
        "current_school": ("nåværende_skole", "Skolen (tjenestested) "
                           "barna går på nå, ved flytting."),
        "monthly_income_nok": ("månedsinntekt_kr", "Husstandens "
                               "månedlige inntekt etter skatt i kroner, "
                               "med introduksjonsstønad, uten bostøtte "
                               "(sensitiv). Tom: ukjent; da brukes ikke "
                               "regelen om hva husstanden har råd til."),
        "moving_on": ("klar_til_å_flytte_videre", "Leietaker i "
                      "nåværende bolig som er klar til å flytte videre "
                      "(i arbeid, kontrakten går ut)."),
        "introduction_programme": ("deltar_introduksjonsprogram", "Om "
                                   "medlemmer i programalder (18-55 år) "
                                   "skal ha plass i "
                                   "introduksjonsprogrammet. Standard ja; "
                                   "nei når de har fullført eller er "
                                   "fritatt."),
    },
    "decisions": {
        "household": ("husstand", "Husstandens id."),
        "dwelling": ("bolig", "Boligens id."),
        "kind": ("type", "låst: husstanden får boligen; utelukket: aldri "
                 "dette paret."),
        "note": ("begrunnelse", "Saksbehandlerens begrunnelse."),
    },
    "municipality_services": {
        "municipality": ("kommune", "Kommunen."),
        "service": ("tjeneste", "Tjenesten kommunen tilbyr."),
        "places": ("plasser", "Hvor mange den kan ta; tom for ingen "
                   "grense."),
    },
    "compatibility": {
        "household": ("husstand", "Husstandens id."),
        "municipality": ("kommune", "Kommunens id."),
        "allowed": ("tillatt", "ja: paret er tillatt; nei: forbudt."),
    },
    "pair_scores": {
        "household": ("husstand", "Husstandens id."),
        "municipality": ("kommune", "Kommunens id."),
        "score": ("poeng", "Poeng for paret, for eksempel en predikert "
                  "sysselsettingssannsynlighet."),
    },
    "members": {
        "household_id": ("husstand", "Id-en til husstanden personen "
                         "tilhører (fra arket husstander)."),
        "age": ("alder", "Alder i hele år på planleggingsdatoen."),
        "sex": ("kjønn", "Brukes av størrelsesnormen (hvem kan dele "
                "soverom) og for bofellesskap."),
        "relation": ("rolle", "Personens plass i husstanden: nøyaktig én "
                     "hovedperson per husstand. Standard hovedperson."),
    },
}
"""Table -> column -> (Norwegian header, Norwegian description)."""

VALUES: dict[type[Enum], dict[str, str]] = {
    Tenure: {
        "municipal": "kommunal",
        "private_lease": "privat_leie",
        "sublet": "framleie",
        "guaranteed_private": "garantert_privat",
        "rent_to_own": "leie_til_eie",
        "self_found": "selvfunnet",
    },
    Approval: {
        "pending": "venter",
        "granted": "godkjent",
        "refused": "avslått",
    },
    DwellingFeature: {
        "waterfront": "sjønært",
        "care_housing_substance": "omsorgsbolig_rus",
        "care_housing_psychiatry": "omsorgsbolig_psykiatri",
        "busy_road": "trafikkert_vei",
        "noise": "støy",
        "playground": "lekeplass",
    },
    Sex: {"F": "kvinne", "M": "mann", "X": "annet"},
    Relation: {
        "head": "hovedperson",
        "partner": "partner",
        "child": "barn",
        "other": "annen",
    },
    ServiceKind: {
        "kindergarten": "barnehage",
        "school": "skole",
        "adult_education": "voksenopplæring",
        "public_transport": "kollektivtransport",
        "health": "helse",
        "shop": "butikk",
        "nav": "nav",
    },
    TravelMode: {"walk": "gange", "transit": "kollektivt"},
    DecisionKind: {"lock": "låst", "ban": "utelukket"},
    PlacementService: {
        "introduction_programme": "introduksjonsprogram",
        "minors_care": "omsorg_mindreårige",
        "health_follow_up": "helseoppfølging",
    },
}
"""Coded value type -> English value -> Norwegian value."""

EMPTY_SET_NB = "ingen"
"""Norwegian for ``none``, the known empty set in a set-valued cell."""


def sheet_name(table: str, lang: str) -> str:
    """The sheet name of ``table`` in ``lang`` (``nb`` or ``en``)."""
    return SHEETS[table][0] if lang == "nb" else table


def column_name(table: str, column: str, lang: str) -> str:
    """The header of ``column`` of ``table`` in ``lang``."""
    return COLUMNS[table][column][0] if lang == "nb" else column


def value_name(value: Enum, lang: str) -> str:
    """The cell text of a coded value in ``lang``."""
    text = str(value.value)
    return VALUES[type(value)][text] if lang == "nb" else text


@cache
def _tables() -> dict[str, str]:
    return {fold(nb): table for table, (nb, _) in SHEETS.items()}


@cache
def _columns(table: str) -> dict[str, str]:
    return {fold(nb): column for column, (nb, _) in COLUMNS[table].items()}


@cache
def _values(codes: type[Enum]) -> dict[str, str]:
    return {fold(nb): en for en, nb in VALUES.get(codes, {}).items()}


def table_of(name: str) -> str | None:
    """The table a Norwegian sheet name names, else ``None``."""
    return _tables().get(fold(name))


def column_of(table: str, name: str) -> str | None:
    """The column a Norwegian header names in ``table``, else ``None``."""
    return _columns(table).get(fold(name)) if table in COLUMNS else None


def code_of(codes: type[Enum], text: str) -> str:
    """
    The English value of a coded cell written in Norwegian; any other text
    is returned as it is (an English value, or one for pydantic to
    report).
    """
    if text in english_codes(codes):
        return text  # the common case, without folding every cell
    return _values(codes).get(fold(text), text)


@cache
def english_codes(codes: type[Enum]) -> frozenset[str]:
    """The English values of a coded field, as cells write them."""
    return frozenset(str(v.value) for v in codes)


def sheet_names() -> tuple[str, ...]:
    """Every Norwegian sheet name, for "did you mean" suggestions."""
    return tuple(nb for nb, _ in SHEETS.values())


def column_names(table: str) -> tuple[str, ...]:
    """The Norwegian headers of ``table``, for suggestions."""
    return tuple(nb for nb, _ in COLUMNS.get(table, {}).values())
