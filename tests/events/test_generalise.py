"""Vocabulary classes found on documents unlike the dev corpus (parliament files, procedure
pages, consolidated national law, ministry news)."""

from __future__ import annotations

from timeline import temporal
from timeline.events import extract_events
from timeline.events.resources import pack
from timeline.model import Document, Event


def events(text: str, language: str, dct: str | None = None) -> list[Event]:
    doc = Document(path="t.txt", text=text, language=language, date=dct)
    return extract_events(doc, temporal.tag(text, language, dct))


def keys(evs: list[Event]) -> list[tuple[str | None, str]]:
    return [(e.date, e.type) for e in evs]


def test_language_neutral_celex_triggers_join_every_language() -> None:
    for lang in ("en", "fr", "de"):
        names = {t.name for t in pack(lang).triggers}
        assert {"common:celex_proposal", "common:celex_opinion"} <= names


def test_a_celex_number_above_a_date_types_the_step() -> None:
    text = "European Commission\nAdoption by Commission\n52021PC0206Commission internal procedure\n22/04/2021\n"
    assert ("2021-04-22", "proposal") in keys(events(text, "en", "2024-01-01"))


def test_numbered_documents_tabled_in_a_parliament_file() -> None:
    text = (
        "Rapport n° 460 (2014-2015) de M. Philippe BAS, fait au nom de la commission des lois, "
        "déposé le 20 mai 2015\n"
        "Avis n° 445 (2014-2015) de M. Jean-Pierre RAFFARIN, fait au nom de la commission des "
        "affaires étrangères, déposé le 13 mai 2015\n"
    )
    got = keys(events(text, "fr", "2015-12-30"))
    assert ("2015-05-20", "report") in got and ("2015-05-13", "opinion") in got


def test_cross_reference_notes_of_a_consolidated_law_are_not_adoptions() -> None:
    text = "(Vide Decreto nº 99.658, de 1990)\n(Vide Lei nº 12.598, de 2012)\n"
    assert [e for e in events(text, "pt", "1993-06-21") if e.type == "adoption"] == []


def test_a_proposal_said_to_be_adopted_is_a_proposal() -> None:
    text = "A proposal for a regulation on water reuse was adopted by the Commission in May 2018."
    assert keys(events(text, "en", "2020-01-01")) == [("2018-05", "proposal")]


def test_a_german_separable_verb_spans_the_date() -> None:
    text = "Das Bundeskabinett legte sich am 21. Januar 2022 auf das Programm fest."
    assert keys(events(text, "de", "2022-01-21")) == [("2022-01-21", "adoption")]


def test_an_ordinal_flattened_to_o_still_numbers_an_act() -> None:
    from timeline.events.acts import find_acts

    (act,) = find_acts("O Regulamento (CE) n.o 1006/2008 do Conselho", "pt")
    assert act.celex == "32008R1006"


def test_target_years_of_a_named_plan_are_not_events() -> None:
    text = (
        "The new rules are part of the package, the EU’s plan to reduce emissions by at least "
        "55% by 2030 compared to 1990 levels. According to the adopted text, by 2026 there "
        "should be one charging pool every 60 km."
    )
    assert [e for e in events(text, "en", "2022-10-19") if e.type in ("announcement", "adoption")] == []
