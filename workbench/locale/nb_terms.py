"""
Norwegian (bokmål) wording of the workbench, by English message: the
source ``make messages`` fills into ``nb/LC_MESSAGES/django.po`` (run
``python workbench/locale/nb_terms.py`` after ``makemessages``).
"""

NB = {
    "Name of the round": "Navn på runden",
    "Policy": "Regelsett",
    "Re-solve with the fewest changes": "Løs på nytt med færrest mulig endringer",
    "Availability date": "Ledig fra-dato",
    "Assigned municipality": "Tildelt kommune",
    "Size norm: too small": "Størrelsesnorm: for liten",
    "Size norm: too large": "Størrelsesnorm: for stor",
    "Individual needs": "Individuelle behov",
    "Child safety": "Barnesikkerhet",
    "Care housing nearby": "Omsorgsbolig i nærheten",
    "Reason": "Årsak", "Rule": "Regel", "Until": "Til", "Note": "Notat",
    "Only a supervisor may override a rule.": "Bare en leder kan overstyre en regel.",
    "No such household in the round.": "Husstanden finnes ikke i runden.",
    "Choose a dwelling of the round.": "Velg en bolig i runden.",
    "A decline needs a reason.": "Et avslag trenger en årsak.",
    "The reason 'other' needs a note.": "Årsaken «annet» trenger et notat.",
    "Parking needs a date.": "Parkering trenger en dato.",
    "Name the rule overridden.": "Oppgi regelen som overstyres.",
    "An override needs a reason.": "En overstyring trenger en begrunnelse.",
    "Write the note.": "Skriv notatet.",
    "User name": "Brukernavn", "Password": "Passord", "Role": "Rolle",
    "code": "kode", "name": "navn", "municipality": "kommune",
    "municipalities": "kommuner", "Officer": "Saksbehandler",
    "Supervisor": "Leder", "role": "rolle", "language": "språk",
    "IMDi analyst": "IMDi-analytiker",
    "Queued": "I kø", "Running": "Kjører", "Done": "Ferdig",
    "Stopped (best found kept)": "Stoppet (beste funnet beholdt)",
    "Cancelled": "Avbrutt", "Failed": "Feilet",
    "Offer": "Tilbud", "Accept": "Akseptert", "Decline": "Avslag",
    "Withdraw": "Trukket", "Park": "Parker", "Lift park": "Opphev parkering",
    "Lock": "Lås", "Ban": "Utelukk", "Override": "Overstyring",
    "Dwelling too small": "Boligen er for liten",
    "Dwelling unsuitable": "Boligen er uegnet",
    "Too far from family or network": "For langt fra familie eller nettverk",
    "Health or accessibility needs not met": "Helse- eller tilgjengelighetsbehov ikke dekket",
    "Wants another municipality": "Ønsker en annen kommune",
    "Found own dwelling": "Har funnet egen bolig",
    "No longer settlement-ready": "Ikke lenger klar for bosetting",
    "No answer": "Ikke svart", "Landlord refused": "Utleier sa nei",
    "Other (explain in the note)": "Annet (forklar i notatet)",
    "Login": "Innlogging", "Import": "Import", "Solve": "Løsning",
    "Decision": "Vedtak", "Export": "Eksport", "Round": "Runde",
    "Users": "Brukere",
    "size fit": "riktig størrelse", "services within reach": "tjenester i nærheten",
    "dwelling condition": "boligens standard",
    "child-friendly surroundings": "barnevennlige omgivelser",
    "security of tenure": "trygt leieforhold",
    "room for expected reunification": "plass til forventet familiegjenforening",
    "wish: central": "ønske: sentralt",
    "wish: near compatriots": "ønske: nær landsmenn",
    "wish: near a named place": "ønske: nær et bestemt sted",
    "keeping the children's school": "barna beholder skolen",
    "beside care housing": "ved siden av omsorgsbolig",
    "moving in after the settlement deadline": "innflytting etter bosettingsfristen",
    "dispersion": "spredning",
    "needs step-free access": "trenger trinnfri adkomst",
    "needs ground floor": "trenger bolig på bakkeplan",
    "needs no basement": "kan ikke bo i kjeller",
    "features to avoid": "forhold som må unngås",
    "health follow-up": "helseoppfølging",
    "households": "husstander", "dwellings": "boliger", "housed": "bosatt",
    "within the deadline": "innen fristen",
    "priority group housed": "prioritert gruppe bosatt",
    "crowded": "trangbodd", "proven optimal": "bevist optimal",
    "not proven optimal": "ikke bevist optimal",
    "Solving": "Løser", "waiting for the solver": "venter på løseren",
    "applying every rule to every pair": "prøver hver regel på hvert par",
    "finding the best proposal": "finner det beste forslaget",
    "explaining": "forklarer", "checking independently": "kontrollerer uavhengig",
    "starting": "starter", "stopping…": "stopper…", "Cancel": "Avbryt",
    "Open the proposal": "Åpne forslaget",
    "Housing workbench": "Boligbenken", "Rounds": "Runder",
    "Figures": "Tall", "Log out": "Logg ut", "Overview": "Oversikt",
    "History": "Historikk", "Compare proposals": "Sammenlign forslag",
    "%(n)s housed": "%(n)s bosatt", "priority points": "prioritetspoeng",
    "quality": "kvalitet", "Household": "Husstand", "Dwelling": "Bolig",
    "The dwelling": "Boligen", "Area": "Område", "Bedrooms": "Soverom",
    "Floor": "Etasje", "lift": "heis", "Step-free": "Trinnfri",
    "yes": "ja", "no": "nei", "Condition": "Standard", "Tenure": "Eierform",
    "Rent (NOK)": "Husleie (kr)", "Available from": "Ledig fra",
    "In the proposal": "I forslaget", "Proposed for": "Foreslått for",
    "For this household it ranks %(r)s of %(e)s eligible dwellings.":
        "For denne husstanden er den nummer %(r)s av %(e)s aktuelle boliger.",
    "Not matched in this proposal.": "Ikke tildelt i dette forslaget.",
    "Decisions": "Vedtak", "Figures for every municipality": "Tall for alle kommuner",
    "Quotas and results of the latest round; no personal details.":
        "Vedtatte antall og resultater fra siste runde; ingen personopplysninger.",
    "Municipality": "Kommune", "Quotas": "Vedtak om bosetting",
    "No round yet.": "Ingen runde ennå.", "History of the round": "Rundens historikk",
    "Every import, solve, decision, override, export and login, with who and when. Nothing here can be edited.":
        "Hver import, løsning, beslutning, overstyring, eksport og innlogging, med hvem og når. Ingenting her kan endres.",
    "When": "Når", "Who": "Hvem", "What": "Hva", "Nothing yet.": "Ingenting ennå.",
    "Logins to the office": "Innlogginger til kontoret",
    "Your offices": "Dine kontorer", "Created": "Opprettet",
    "No rounds yet.": "Ingen runder ennå.",
    "Name of the new round": "Navn på ny runde", "New round": "Ny runde",
    "You read every municipality's figures.": "Du ser tallene for alle kommuner.",
    "You belong to no office yet; ask your supervisor.":
        "Du hører ikke til noe kontor ennå; spør lederen din.",
    "The household": "Husstanden", "Age": "Alder", "Sex": "Kjønn",
    "Relation": "Relasjon", "Permit": "Tillatelse",
    "Health and needs (confidential)": "Helse og behov (taushetsbelagt)",
    "unknown": "ukjent", "Why": "Hvorfor", "proposal": "forslag",
    "Not solved yet.": "Ikke løst ennå.", "Proposed dwelling": "Foreslått bolig",
    "locked by the office": "låst av kontoret",
    "Priority %(p)s; waited %(w)s days": "Prioritet %(p)s; ventet %(w)s dager",
    "within its settlement deadline": "innenfor bosettingsfristen",
    "past its settlement deadline": "over bosettingsfristen",
    "This dwelling ranks %(r)s of %(e)s eligible by quality (total %(q)s).":
        "Boligen er nummer %(r)s av %(e)s aktuelle etter kvalitet (sum %(q)s).",
    "Professional suitability": "Faglig egnethet",
    "The household's wishes": "Husstandens ønsker",
    "Better-ranked dwellings went to others or would have left someone with higher priority unhoused.":
        "Bedre boliger gikk til andre, eller ville latt noen med høyere prioritet stå uten bolig.",
    "Waits": "Venter",
    "priority %(p)s, waited %(w)s days": "prioritet %(p)s, ventet %(w)s dager",
    "Dwellings ruled out, by rule": "Boliger utelukket, etter regel",
    "Went to others": "Gikk til andre", "priority": "prioritet",
    "Offer %(dwelling)s": "Tilby %(dwelling)s", "Accepted": "Akseptert",
    "Withdraw the offer": "Trekk tilbudet", "Declined, because": "Avslått, fordi",
    "Note (needed for other)": "Notat (kreves ved annet)",
    "Record the decline": "Registrer avslaget", "Park until": "Parker til",
    "Reason for the override": "Begrunnelse for overstyringen",
    "Override the rule": "Overstyr regelen",
    "Note: rationale, follow-up": "Notat: begrunnelse, oppfølging",
    "Add note": "Legg til notat", "Log": "Logg", "By": "Av",
    "No decisions yet.": "Ingen vedtak ennå.",
    "Import households and dwellings": "Importer husstander og boliger",
    "A workbook (.xlsx) with one sheet per table, a JSON file, a zip of the CSV folder, or the CSV files themselves.":
        "En arbeidsbok (.xlsx) med ett ark per tabell, en JSON-fil, en zip av CSV-mappen, eller CSV-filene selv.",
    "Rows are numbered as your spreadsheet shows them (the header is row 1). Fix the file and import it again.":
        "Radene er nummerert slik regnearket viser dem (overskriften er rad 1). Rett filen og importer den på nytt.",
    "File": "Fil", "Row": "Rad", "Column": "Kolonne", "Problem": "Problem",
    "Earlier imports": "Tidligere importer", "Result": "Resultat",
    "%(h)s households, %(d)s dwellings": "%(h)s husstander, %(d)s boliger",
    "None yet.": "Ingen ennå.", "Letters": "Brev",
    "Offer of a dwelling": "Tilbud om bolig",
    "The housing office offers your household the dwelling %(d)s.":
        "Boligkontoret tilbyr husstanden din boligen %(d)s.",
    "Please answer your settlement officer within two weeks. If you decline, tell us why; your answer is recorded with a reason.":
        "Svar bosettingskonsulenten din innen to uker. Hvis du takker nei, si hvorfor; svaret registreres med en årsak.",
    "Log in": "Logg inn",
    "The housing office's workbench for settling refugees: import a round, solve, offer, decide.":
        "Boligkontorets arbeidsbenk for bosetting av flyktninger: importer en runde, løs, tilby, vedta.",
    "Wrong user name or password, or too many attempts: wait a while and try again.":
        "Feil brukernavn eller passord, eller for mange forsøk: vent litt og prøv igjen.",
    "Users of": "Brukere i", "Add a user": "Legg til en bruker", "Add": "Legg til",
    "Proposal": "Forslag",
    "Checked independently: every hard rule, cap and quota holds.":
        "Uavhengig kontrollert: alle absolutte regler, tak og vedtak holder.",
    "The independent check found problems:": "Den uavhengige kontrollen fant feil:",
    "Export workbook": "Eksporter arbeidsbok", "Report": "Rapport",
    "Compare with": "Sammenlign med", "Compare side by side": "Sammenlign side om side",
    "What changed from the previous proposal": "Hva som endret seg fra forrige forslag",
    "newly housed in": "nylig tildelt", "no longer housed (was": "ikke lenger tildelt (var",
    "Decisions set aside": "Vedtak satt til side", "Priority points": "Prioritetspoeng",
    "Household type": "Husstandstype", "of": "av", "Map": "Kart",
    "matched": "tildelt", "free": "ledig", "Priority": "Prioritet",
    "Rank": "Rangering", "Waited (days)": "Ventet (dager)", "Deadline": "Frist",
    "locked": "låst", "within": "innenfor", "past": "over",
    "Binding limits": "Bindende grenser", "Matches": "Tildelinger",
    "Data": "Data",
    "%(h)s households and %(d)s dwellings from %(f)s.": "%(h)s husstander og %(d)s boliger fra %(f)s.",
    "The last import had problems.": "Siste import hadde feil.",
    "See them": "Se dem", "Nothing imported yet.": "Ingenting importert ennå.",
    "fewest changes from the latest proposal": "færrest mulig endringer fra siste forslag",
    "Proposals of this round": "Forslag i denne runden", "Status": "Status",
    "fewest changes": "færrest endringer", "Open": "Åpne",
    "Give the round a name.": "Gi runden et navn.",
    "Imported %(h)d households and %(d)d dwellings.": "Importerte %(h)d husstander og %(d)d boliger.",
    "Import the round's data first.": "Importer rundens data først.",
    "Recorded: %(kind)s.": "Registrert: %(kind)s.",
    "Housing-office workbench": "Boligkontorets arbeidsbenk",
    "Features to avoid": "Forhold som må unngås",
    "no wishes given": "ingen ønsker oppgitt",
}
PLURALS = {
    "%(n)s household differs": ("%(n)s husstand er ulik", "%(n)s husstander er ulike"),
    "%(f)s: %(n)s problem, nothing imported": ("%(f)s: %(n)s feil, ingenting importert", "%(f)s: %(n)s feil, ingenting importert"),
    "%(n)s problem": ("%(n)s feil", "%(n)s feil"),
    "%(n)s change": ("%(n)s endring", "%(n)s endringer"),
    "%(n)s match kept": ("%(n)s tildeling beholdt", "%(n)s tildelinger beholdt"),
    "%(n)s match": ("%(n)s tildeling", "%(n)s tildelinger"),
    "%(n)s household waits": ("%(n)s husstand venter", "%(n)s husstander venter"),
}

if __name__ == "__main__":
    from pathlib import Path

    import polib

    po_path = Path(__file__).parent / "nb" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    missing = []
    for entry in po:
        if entry.msgid_plural:
            forms = PLURALS.get(entry.msgid)
            if forms:
                entry.msgstr_plural = {0: forms[0], 1: forms[1]}
            else:
                missing.append(entry.msgid)
        elif entry.msgid in NB:
            entry.msgstr = NB[entry.msgid]
        else:
            missing.append(entry.msgid)
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.metadata["Language"] = "nb"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.save()
    for text in missing:
        print("untranslated:", text)
