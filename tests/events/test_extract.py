"""Events from text: types, dates, status, acts, merging, non-events, provenance."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline import temporal
from timeline.events import document_date, extract_events
from timeline.model import Document, Event


def events(text: str, language: str = "en", dct: str | None = None) -> list[Event]:
    doc = Document(path="t.txt", text=text, language=language, date=dct)
    return extract_events(doc, temporal.tag(text, language, dct))


def keys(evs: list[Event]) -> list[tuple[str | None, str]]:
    return [(e.date, e.type) for e in evs]


def test_a_planned_proposal_without_date_starts_at_the_document_date() -> None:
    text = (
        "À court terme, la Commission présentera aussi une proposition visant à actualiser "
        "la décision-cadre du Conseil."
    )
    (ev,) = events(text, "fr", "2009-03-03")
    assert ev.acts and "décision-cadre du Conseil" in ev.acts[0].label and ev.acts[0].celex is None
    assert (ev.date, ev.precision, ev.earliest, ev.status, ev.type) == (
        None,
        "unknown",
        "2009-03-03",
        "planned",
        "proposal",
    )


def test_statistics_years_are_not_events() -> None:
    text = "In 2007, reports of child abuse images rose by 16.4% compared with the same period in 2006."
    assert events(text, "en", "2008-05-06") == []


def test_each_date_takes_the_step_tied_to_it() -> None:
    text = (
        "This directive has been published on December 17, 2011, entered into force on the same "
        "day and should have been implemented in national regulation on December 18, 2013 at the latest."
    )
    assert keys(events(text, "en")) == [
        ("2011-12-17", "publication"),
        ("2011-12-17", "entry_into_force"),
        ("2013-12-18", "transposition_deadline"),
    ]


def test_an_act_of_a_date_is_its_adoption_with_its_celex() -> None:
    text = (
        "Council Framework Decision 2004/68/JHA of 22 December 2003 on combating child pornography."
    )
    (ev,) = events(text, "en", "2004-01-20")
    assert (ev.date, ev.type, ev.status) == ("2003-12-22", "adoption", "past")
    assert [a.celex for a in ev.acts] == ["32004F0068"]
    de = "Rahmenbeschluss 2004/68/JI des Rates vom 22. Dezember 2003 zur Bekämpfung der Kinderpornografie."
    assert keys(events(de, "de", "2004-01-20")) == [("2003-12-22", "adoption")]


def test_an_act_named_by_its_date_keeps_its_title_as_label() -> None:
    text = (
        "the Resolution of the European Parliament of 11 April 2000 calls for legislative action."
    )
    (ev,) = events(text, "en", "2004-01-20")
    assert (ev.date, ev.type) == ("2000-04-11", "adoption")
    assert [(a.celex, a.label) for a in ev.acts] == [
        (None, "Resolution of the European Parliament")
    ]


def test_headline_and_body_telling_one_event_give_one_event() -> None:
    text = (
        "Brussels, 29 March 2010\n\nThe European Commission today proposed new rules on child abuse.\n\n"
        "The Commission today proposed new rules obliging EU countries to impose severe penalties."
    )
    evs = events(text, "en", "2010-03-29")
    assert keys(evs) == [("2010-03-29", "proposal")]
    assert evs[0].status == "past"
    assert "European Commission" in evs[0].actors


def test_a_lead_sentence_on_the_date_line_tells_that_days_event() -> None:
    text = (
        "Strasbourg, 12 March 2014 - The European Parliament has adopted the data protection "
        "reform by 621 votes to 10.\n\nThe vote follows the proposal of January 2012."
    )
    evs = events(text, "en", "2014-03-12")
    assert keys(evs) == [("2014-03-12", "adoption"), ("2012-01", "proposal")]


def test_a_date_line_alone_is_no_event() -> None:
    assert (
        events("Brussels, 29 March 2010\n\nStudies suggest that 20% of children suffer.", "en")
        == []
    )


def test_a_speech_dated_by_its_place_and_day_is_that_days_meeting() -> None:
    text = (
        "SPEECH/12/764\n\nViviane Reding\n\nThe EU data protection reform\n\n"
        "Speech at the Justice Council\n\nLuxembourg, 26 October 2012\n\nLadies and gentlemen."
    )
    found = temporal.find(text, "en")
    assert document_date(text, "en", found) == "2012-10-26"
    assert keys(events(text, "en", "2012-10-26")) == [("2012-10-26", "meeting")]


def test_a_footnote_reference_is_not_an_event() -> None:
    assert events("(1) OJ C 48, 15.2.2011, p. 138.", "en", "2011-12-17") == []


def test_a_cited_acts_oj_reference_is_bibliography_but_its_date_of_adoption_an_event() -> None:
    text = (
        "(3) Directive 95/46/EC of the European Parliament and of the Council of 24 October 1995 "
        "on the protection of individuals (OJ L 281, 23.11.1995, p. 31)."
    )
    assert keys(events(text, "en", "2016-05-04")) == [("1995-10-24", "adoption")]


def test_future_dates_are_planned_and_past_dates_past() -> None:
    text = "The new rules will enter into force on 1 September 2023. The Council adopted them on 31 August 2022."
    evs = events(text, "en", "2022-08-31")
    assert [(e.date, e.type, e.status) for e in evs] == [
        ("2023-09-01", "entry_into_force", "planned"),
        ("2022-08-31", "adoption", "past"),
    ]


def test_funding_carries_its_amount() -> None:
    text = (
        "La Commission apportera jusqu’à 427 000 euros de financement aux activités de la coalition, "
        "a annoncé aujourd’hui Jacques Barrot."
    )
    (ev,) = events(text, "fr", "2009-03-03")
    assert (ev.date, ev.type, ev.status) == ("2009-03-03", "funding", "past")
    assert [(a.value, a.currency) for a in ev.amounts] == [(427000.0, "EUR")]


def test_money_given_is_funding_in_several_languages() -> None:
    cases = [
        (
            "en",
            "On 12 May 2020 the Commission announced it will provide EUR 5 million to the network.",
        ),
        ("de", "Die Kommission stellt heute 5 Mio. EUR für das Netzwerk bereit."),
        ("fr", "La Commission a débloqué aujourd'hui 3 millions d'euros pour le réseau."),
    ]
    for lang, text in cases:
        (ev,) = events(text, lang, "2020-05-12")
        assert (ev.date, ev.type) == ("2020-05-12", "funding"), text
        assert [(a.value, a.currency) for a in ev.amounts] == [
            (5_000_000.0 if lang != "fr" else 3_000_000.0, "EUR")
        ]


def test_a_directives_final_provisions_in_three_languages() -> None:
    cases = {
        "en": "Member States shall adopt and publish, by 6 May 2018, the laws, regulations and "
        "administrative provisions necessary to comply with this Directive. They shall apply "
        "those provisions from 6 May 2018.",
        "fr": "Les États membres adoptent et publient, au plus tard le 6 mai 2018, les dispositions "
        "nécessaires pour se conformer à la présente directive. Ils appliquent ces dispositions "
        "à partir du 6 mai 2018.",
        "de": "Die Mitgliedstaaten erlassen und veröffentlichen bis zum 6. Mai 2018 die Rechts- und "
        "Verwaltungsvorschriften, um dieser Richtlinie nachzukommen. Sie wenden diese "
        "Vorschriften ab dem 6. Mai 2018 an.",
    }
    for lang, text in cases.items():
        evs = events(text, lang, "2016-05-04")
        assert [(e.date, e.type, e.status) for e in evs] == [
            ("2018-05-06", "transposition_deadline", "planned"),
            ("2018-05-06", "application", "planned"),
        ], lang


WHEN_DOES_IT_APPLY = {
    "en": "FROM WHEN DOES THE DIRECTIVE APPLY?\n\nIt has applied since 17 December 2011 and had to become law in the EU countries by 18 December 2013.",
    "fr": "DEPUIS QUAND LA DIRECTIVE S'APPLIQUE-T-ELLE?\n\nElle est applicable depuis le 17 décembre 2011 et devait être transposée dans la législation des pays de l'UE au plus tard le 18 décembre 2013.",
    "de": "SEIT WANN GILT DIE RICHTLINIE?\n\nSie gilt seit dem 17. Dezember 2011 und musste bis zum 18. Dezember 2013 in nationales Recht der EU-Länder umgesetzt werden.",
    "es": "¿DESDE CUÁNDO ESTÁ EN VIGOR LA DIRECTIVA?\n\nSe aplica desde el 17 de diciembre de 2011 y debía haberse incorporado a la legislación nacional de los países de la UE a más tardar el 18 de diciembre de 2013.",
    "it": "DA QUANDO È IN VIGORE LA DIRETTIVA?\n\nSi applica dal 17 dicembre 2011 e doveva essere recepita nel diritto nazionale entro il 18 dicembre 2013.",
    "nl": "VANAF WANNEER IS DE RICHTLIJN VAN TOEPASSING?\n\nDe richtlijn is van toepassing sinds 17 december 2011 en moest uiterlijk op 18 december 2013 in nationaal recht zijn omgezet.",
    "pt": "A PARTIR DE QUANDO É APLICÁVEL A DIRETIVA?\n\nÉ aplicável desde 17 de dezembro de 2011 e tinha de ser transposta para o direito nacional até 18 de dezembro de 2013.",
    "pl": "OD KIEDY DYREKTYWA MA ZASTOSOWANIE?\n\nDyrektywa obowiązuje od 17 grudnia 2011 r. i musiała zostać transponowana do prawa krajowego do 18 grudnia 2013 r.",
    "da": "HVORNÅR TRÆDER DIREKTIVET I KRAFT?\n\nDet finder anvendelse fra den 17. december 2011 og skulle være gennemført i national ret senest den 18. december 2013.",
    "sv": "FRÅN VILKEN TIDPUNKT GÄLLER DIREKTIVET?\n\nDet gäller från den 17 december 2011 och skulle ha införlivats i nationell lagstiftning senast den 18 december 2013.",
}


@pytest.mark.parametrize("language", sorted(WHEN_DOES_IT_APPLY))
def test_a_summary_says_since_when_an_act_applies(language: str) -> None:
    assert keys(events(WHEN_DOES_IT_APPLY[language], language)) == [
        ("2011-12-17", "application"),
        ("2013-12-18", "transposition_deadline"),
    ]


OJ_HEADERS = {
    "it": (
        "Gazzetta ufficiale dell’Unione europea",
        "DIRETTIVA 2011/93/UE DEL PARLAMENTO EUROPEO E DEL CONSIGLIO\n\ndel 13 dicembre 2011\n\nrelativa alla lotta contro l’abuso e lo sfruttamento sessuale dei minori",
    ),
    "es": (
        "Diario Oficial de la Unión Europea",
        "DIRECTIVA 2011/93/UE DEL PARLAMENTO EUROPEO Y DEL CONSEJO\n\nde 13 de diciembre de 2011\n\nrelativa a la lucha contra los abusos sexuales",
    ),
    "nl": (
        "Publicatieblad van de Europese Unie",
        "RICHTLIJN 2011/93/EU VAN HET EUROPEES PARLEMENT EN DE RAAD\n\nvan 13 december 2011\n\nter bestrijding van seksueel misbruik",
    ),
    "pt": (
        "Jornal Oficial da União Europeia",
        "DIRETIVA 2011/93/UE DO PARLAMENTO EUROPEU E DO CONSELHO\n\nde 13 de dezembro de 2011\n\nrelativa à luta contra o abuso sexual",
    ),
    "pl": (
        "Dziennik Urzędowy Unii Europejskiej",
        "DYREKTYWA PARLAMENTU EUROPEJSKIEGO I RADY 2011/93/UE\n\nz dnia 13 grudnia 2011 r.\n\nw sprawie zwalczania niegodziwego traktowania w celach seksualnych",
    ),
    "da": (
        "Den Europæiske Unions Tidende",
        "EUROPA-PARLAMENTETS OG RÅDETS DIREKTIV 2011/93/EU\n\naf 13. december 2011\n\nom bekæmpelse af seksuelt misbrug",
    ),
    "sv": (
        "Europeiska unionens officiella tidning",
        "EUROPAPARLAMENTETS OCH RÅDETS DIREKTIV 2011/93/EU\n\nav den 13 december 2011\n\nom bekämpande av sexuella övergrepp",
    ),
}


@pytest.mark.parametrize("language", sorted(OJ_HEADERS))
def test_an_official_journal_header_dates_the_act_in_every_language(language: str) -> None:
    journal, title = OJ_HEADERS[language]
    text = f"17.12.2011   \n\n{language.upper()}\n\n{journal}\n\nL 335/1\n\n\n{title}\n"
    found = temporal.find(text, language)
    assert document_date(text, language, found) == "2011-12-17"
    evs = events(text, language, "2011-12-17")
    assert keys(evs) == [("2011-12-17", "publication"), ("2011-12-13", "adoption")]
    assert all([a.celex for a in e.acts] == ["32011L0093"] for e in evs)


def test_an_event_log_types_each_date_from_its_own_line() -> None:
    text = (
        "Events\n\n2009/09/02\n   EP - ANGELILLI Roberta (PPE) appointed as rapporteur in LIBE\n"
        "2009/07/14\n   EP - Committee referral announced in Parliament\n"
        "2009/06/04\n   CSL - Debate in Council\n"
    )
    assert keys(events(text, "en")) == [
        ("2009-09-02", "other"),
        ("2009-07-14", "referral"),
        ("2009-06-04", "debate"),
    ]


SUMMARY_TABLES = {
    "en": "REFERENCES\n\nAct\n\nEntry into force\n\nDeadline for transposition in the Member States\n\nOfficial Journal\n\nDirective 2011/93/EU\n\n17.12.2011\n\n18.12.2013\n\nOJ L 335, 17.12.2011, pp. 1-14\n",
    "de": "BEZUG\n\nRechtsakt\n\nInkrafttreten\n\nFrist für die Umsetzung in den Mitgliedstaaten\n\nAmtsblatt der Europäischen Union\n\nRichtlinie 2011/93/EU\n\n17.12.2011\n\n18.12.2013\n\nABl. L 335 vom 17.12.2011, S. 1-14\n",
    "fr": "RÉFÉRENCES\n\nActe\n\nEntrée en vigueur\n\nDélai de transposition dans les États membres\n\nJournal officiel\n\nDirective 2011/93/UE\n\n17.12.2011\n\n18.12.2013\n\nJO L 335 du 17.12.2011, p. 1-14\n",
    "es": "REFERENCIAS\n\nActo\n\nEntrada en vigor\n\nPlazo de transposición en los Estados miembros\n\nDiario Oficial\n\nDirectiva 2011/93/UE\n\n17.12.2011\n\n18.12.2013\n\nDO L 335 de 17.12.2011, pp. 1-14\n",
    "it": "RIFERIMENTI\n\nAtto\n\nEntrata in vigore\n\nTermine ultimo per il recepimento negli Stati membri\n\nGazzetta ufficiale\n\nDirettiva 2011/93/UE\n\n17.12.2011\n\n18.12.2013\n\nGU L 335 del 17.12.2011, pag. 1-14\n",
    "nl": "REFERENTIES\n\nBesluit\n\nInwerkingtreding\n\nUiterste datum voor omzetting in de lidstaten\n\nPublicatieblad\n\nRichtlijn 2011/93/EU\n\n17.12.2011\n\n18.12.2013\n\nPB L 335 van 17.12.2011, blz. 1-14\n",
    "pt": "REFERÊNCIAS\n\nAto\n\nEntrada em vigor\n\nPrazo de transposição nos Estados-Membros\n\nJornal Oficial\n\nDiretiva 2011/93/UE\n\n17.12.2011\n\n18.12.2013\n\nJO L 335 de 17.12.2011, p. 1-14\n",
    "pl": "ODNIESIENIA\n\nAkt\n\nWejście w życie\n\nTermin transpozycji w państwach członkowskich\n\nDziennik Urzędowy\n\nDyrektywa 2011/93/UE\n\n17.12.2011\n\n18.12.2013\n\nDz.U. L 335 z 17.12.2011, s. 1-14\n",
    "da": "REFERENCER\n\nRetsakt\n\nIkrafttrædelse\n\nFrist for gennemførelse i medlemsstaterne\n\nEU-Tidende\n\nDirektiv 2011/93/EU\n\n17.12.2011\n\n18.12.2013\n\nEUT L 335 af 17.12.2011, s. 1-14\n",
}


@pytest.mark.parametrize("language", sorted(SUMMARY_TABLES))
def test_a_summary_reference_table_in_every_language(language: str) -> None:
    evs = events(SUMMARY_TABLES[language], language)
    assert [(e.date, e.type) for e in evs] == [
        ("2011-12-17", "entry_into_force"),
        ("2013-12-18", "transposition_deadline"),
        ("2011-12-17", "publication"),
    ]
    assert all("32011L0093" in [a.celex for a in e.acts] for e in evs)


def test_a_procedure_files_key_events() -> None:
    text = (
        "Key events\n\n"
        "11/05/2022 Legislative proposal published COM(2022)0209\n"
        "12/09/2022 Committee referral announced in Parliament, 1st reading\n"
        "14/11/2023 Vote in committee, 1st reading\n"
        "11/12/2023 Text agreed during interinstitutional negotiations\n"
        "13/03/2024 Decision by Parliament, 1st reading\n"
        "12/04/2024 Act adopted by Council after Parliament's 1st reading\n"
        "24/04/2024 Final act signed\n"
        "30/04/2024 Final act published in Official Journal\n"
    )
    evs = events(text, "en")
    assert [e.type for e in evs] == [
        "proposal",
        "referral",
        "vote",
        "agreement",
        "vote",
        "adoption",
        "signature",
        "publication",
    ]
    assert all(e.status == "past" for e in evs)
    assert "52022PC0209" in [a.celex for a in evs[1].acts], "the file's proposal is its subject"


def test_provenance_slices_back() -> None:
    text = (
        "On 4 November 2010 the Commission adopted a strategic Communication (COM(2010)609). "
        "The public consultation was concluded in January 2011."
    )
    evs = events(text, "en")
    assert keys(evs) == [("2010-11-04", "proposal"), ("2011-01", "consultation")]
    assert evs[0].acts[0].celex == "52010DC0609"
    for ev in evs:
        assert ev.timex is not None
        assert text[ev.timex.start : ev.timex.end] == ev.timex.text
        s, e = ev.sentence_span
        assert 0 <= s <= ev.timex.start < ev.timex.end <= e <= len(text)
        assert ev.rule


def test_document_dates() -> None:
    cases = [
        ("COMMISSION\n\nBrussels, 25.3.2009\n\nCOM(2009)135 final", "en", "2009-03-25"),
        ("IP/08/696\n\nBruxelles, le 6 mai 2008\n\nLa Commission appuie", "fr", "2008-05-06"),
        ("European Commission - IP/09/342   03/03/2009\n\nText", "de", "2009-03-03"),
        (
            "17.12.2011\n\nEN\n\nOfficial Journal of the European Union\n\nL 335/1",
            "en",
            "2011-12-17",
        ),
        ("Am 25. Januar 2012 präsentierte die Europäische Kommission ihre Vorschläge.", "de", None),
        ("Press release\n14-04-2016 - 12:38\n\nParliament today approved", "en", "2016-04-14"),
        ("Communiqué de presse\n\n12 mai 2020\n\nLe Conseil a adopté", "fr", "2020-05-12"),
        ("The press release of 12 May 2020 said that the Commission adopted", "en", None),
        ("Warszawa, 5 maja 2020 r.\n\nRada Ministrów przyjęła", "pl", "2020-05-05"),
        (
            "Keynote speech by Mr Jacques Barrot\n3 March 2009, London\n\nLadies and gentlemen,",
            "en",
            "2009-03-03",
        ),
    ]
    for text, lang, expected in cases:
        assert document_date(text, lang, temporal.find(text, lang)) == expected, text


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            list("ab .,\n0123456789/()-:;éÉ") + ["May ", "of ", "OJ ", "adopted ", "2011"]
        ),
        max_size=60,
    ).map("".join)
)
def test_never_raises_and_stays_inside_the_text(text: str) -> None:
    for ev in events(text, "en", "2010-01-01"):
        s, e = ev.sentence_span
        assert 0 <= s <= e <= len(text)
        if ev.earliest and ev.latest:
            assert ev.earliest <= ev.latest
