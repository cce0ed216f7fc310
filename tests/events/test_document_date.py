"""The document's own date on web pages and PDF pages: stamps, lone header dates, OJ headers."""

from __future__ import annotations

from timeline import temporal
from timeline.events import document_date


def own_date(text: str, language: str) -> str | None:
    return document_date(text, language, temporal.find(text, language))


def test_a_news_page_date_alone_in_its_header_is_the_page_date() -> None:
    text = (
        "Ministerium - Meldung\nPresse\nMeldungen\n21.01.2022\nAktuelle Meldung\n"
        "Das Kabinett hat am 20. Januar ein Programm beschlossen.\n"
    )
    assert own_date(text, "de") == "2022-01-21"


def test_a_clock_time_may_follow_the_page_date() -> None:
    text = "Press room\nA title\nPress Releases\n19-10-2022 - 13:14\nShare this page:\nBody text.\n"
    assert own_date(text, "en") == "2022-10-19"


def test_a_list_of_dated_steps_has_no_page_date() -> None:
    text = "Events\n\n2016/12/16\n   EC - Follow-up document\nDetails\n"
    assert own_date(text, "en") is None
    steps = "Key events\n12/03/2024\nDecision by Parliament\n05/02/2024\nCommittee report\n"
    assert own_date(steps, "en") is None


def test_a_date_carried_on_by_the_next_line_is_not_a_stamp() -> None:
    assert own_date("UNION\nLe\n24 février 1997\n, le Conseil a adopté une action.\n", "fr") is None


def test_a_page_generation_stamp_gives_the_page_date() -> None:
    text = "Dossier législatif\nTexte adopté le 2 mars 2015.\nCette page a été générée le 30 décembre 2015\n"
    assert own_date(text, "fr") == "2015-12-30"


def test_an_oj_running_header_inside_a_pdf_gives_the_publication_date() -> None:
    text = (
        "Article 98\nReview\nThe Commission shall submit a report.\n"
        "4.5.2016 L 119/86 Official Journal of the European Union EN\n"
        "Article 99\nEntry into force\n"
    )
    assert own_date(text, "en") == "2016-05-04"
