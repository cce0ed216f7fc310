"""Linking extracted (imperfect) events: acts read from sentences, misprints, procedure files."""

from __future__ import annotations

from pathlib import Path

import pytest
from link_helpers import doc, event, extraction

from timeline.link import link

SUMMARY_FR = (
    "ACTE\nDécision-cadre 2004/68/JAI du Conseil du 22 décembre 2003 relative à la lutte contre "
    "l'exploitation sexuelle des enfants et la pédopornographie.\n"
)
PLAN_FR = (
    "À court terme, la Commission présentera aussi une proposition visant à actualiser la "
    "décision-cadre du Conseil relative à la lutte contre l’exploitation sexuelle des enfants et "
    "la pédopornographie."
)


def test_event_without_acts_gets_the_act_its_sentence_names_by_title() -> None:
    summary = extraction(doc("summary-fr.txt", SUMMARY_FR, language="fr"))
    press = extraction(
        doc("press-fr.txt", PLAN_FR, language="fr", date="2009-03-03"),
        event("proposal", None, status="planned", earliest="2009-03-03", text=PLAN_FR),
    )
    tl = link([summary, press])
    (entry,) = tl.entries
    assert [a.celex for a in entry.acts] == ["32004F0068"]
    assert tl.extra["title_matches"][0]["matched_document"] == "summary-fr.txt"


def test_event_without_acts_gets_a_numbered_act_of_its_sentence() -> None:
    text = "The report assesses Directive 2011/93/EU as of 16 December 2016."
    tl = link([extraction(doc("r.txt", text), event("report", "2016-12-16", text=text))])
    assert [a.celex for a in tl.entries[0].acts] == ["32011L0093"]


def test_misprinted_heading_number_is_read_as_the_documents_own_act() -> None:
    heading = (
        "DIRECTIVE 2011/92/EU OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL\n\nof 13 December 2011"
    )
    en = extraction(
        doc("dir-en.txt", heading, reference="32011L0093"),
        event("adoption", "2011-12-13", acts=(("32011L0092", "DIRECTIVE 2011/92/EU"),)),
    )
    other = extraction(
        doc("monitor.txt", "Directive 2011/93/EU"),
        event("adoption", "2011-12-13", acts=(("32011L0093", "Directive 2011/93/EU"),)),
    )
    tl = link([en, other])
    (entry,) = tl.entries
    assert [a.celex for a in entry.acts] == ["32011L0093"]
    assert tl.extra["corrections"][0]["as_written"] == "DIRECTIVE 2011/92/EU"


def test_a_number_another_document_is_stays_as_written() -> None:
    en = extraction(
        doc("a.txt", "DIRECTIVE 2011/92/EU on environmental impact", reference="32011L0093"),
        event("adoption", "2011-12-13", acts=(("32011L0092", "DIRECTIVE 2011/92/EU"),)),
    )
    eia = extraction(doc("eia.txt", "Directive 2011/92/EU", reference="32011L0092"))
    tl = link([en, eia])
    assert [a.celex for a in tl.entries[0].acts] == ["32011L0092"]
    assert tl.extra["corrections"] == []


def test_one_document_giving_two_dates_for_one_act_is_two_events_not_a_conflict() -> None:
    recitals = extraction(
        doc("fd.txt", reference="32004F0068"),
        event("adoption", "2003-12-22", acts=(("32004F0068", "x"),)),
        event("adoption", "2000-04-11", acts=(("32004F0068", "x"),)),  # a misattributed recital
    )
    summary = extraction(
        doc("sum.txt"), event("adoption", "2003-12-22", acts=(("32004F0068", "x"),))
    )
    tl = link([recitals, summary])
    assert not any(e.conflict for e in tl.entries)
    assert sorted(len(e.sources) for e in tl.entries) == [1, 2]


def test_procedure_file_events_tie_their_act_to_the_procedure() -> None:
    oeil = extraction(
        doc("oeil.html", "2024/0258(COD) Procedure file", reference="2024/0258(COD)"),
        event("proposal", "2024-10-09", acts=(("52024PC0469", "COM(2024)0469"),)),
        event("report", "2024-12-04"),
    )
    tl = link([oeil])
    (dossier,) = tl.dossiers
    assert dossier.acts == ("52024PC0469",) and dossier.procedures == ("2024/0258(COD)",)
    assert all(e.dossier == dossier.id for e in tl.entries)


def test_a_press_release_naming_no_act_joins_the_only_same_step_that_day() -> None:
    proposal = extraction(
        doc("com.txt", reference="COM(2010)94 final"),
        event("proposal", "2010-03-29", acts=(("52010PC0094", "COM(2010) 94"),)),
    )
    press = extraction(doc("ip.txt"), event("proposal", "2010-03-29", acts=((None, "new rules"),)))
    assert len(link([proposal, press]).entries) == 1
    # two proposals that day: the press release cannot be placed
    other = extraction(
        doc("com2.txt", reference="COM(2010)95 final"),
        event("proposal", "2010-03-29", acts=(("52010PC0095", "COM(2010) 95"),)),
    )
    assert len(link([proposal, press, other]).entries) == 3


SOURCES = Path(__file__).resolve().parents[2] / "sources"


@pytest.mark.slow
def test_bundled_sources_extracted_and_linked() -> None:
    """The issue's "done when", on events the pipeline extracts from the bundled sources."""
    if not (SOURCES / "ip-09-342-fr.txt").is_file():
        pytest.skip("no bundled sources/")
    from timeline.pipeline import extract

    result = extract([SOURCES], exclude=["README.md"])
    tl = link(result.extractions)
    main = next(d for d in tl.dossiers if "32011L0093" in d.acts)
    assert {"32004F0068", "52009PC0135", "52010PC0094"} <= set(main.acts)
    held = [e for e in tl.entries if e.dossier == main.id]
    facts = {(e.date, e.type) for e in held}
    for fact in [
        ("2003-12-22", "adoption"),
        ("2009-03-25", "proposal"),
        ("2010-03-29", "proposal"),
        ("2011-12-13", "adoption"),
        ("2011-12-17", "publication"),
        ("2013-12-18", "transposition_deadline"),
    ]:
        assert fact in facts, fact
    plan = next(
        e
        for e in held
        if e.status == "planned"
        and e.type == "proposal"
        and any(s.reference == "IP/09/342" for s in e.sources)
    )
    realised = next(e for e in held if e.id == plan.realised_by)
    assert (realised.date, plan.delay_days) == ("2009-03-25", 22)
    adoption = next(e for e in held if (e.date, e.type) == ("2011-12-13", "adoption"))
    assert {s.language for s in adoption.sources} == {"de", "en", "fr"}
