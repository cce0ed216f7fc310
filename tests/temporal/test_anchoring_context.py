"""Anchoring that reads the expressions around one: quarters compared a year apart, tense ties."""

from __future__ import annotations

from timeline.temporal import tag


def _values(text: str, lang: str, dct: str) -> list[tuple[str, str]]:
    return [(t.text, t.value) for t in tag(text, lang, dct)]


def test_year_earlier_after_a_quarter_is_that_quarter_a_year_before() -> None:
    text = "Profit in the third quarter rose to $5 million from $3.2 million a year earlier."
    assert ("a year earlier", "1988-Q3") in _values(text, "en", "1989-10-26")


def test_year_ago_without_a_quarter_in_its_sentence_stays_a_year() -> None:
    text = "Profit in the third quarter rose. The plant opened a year ago."
    assert ("a year ago", "1988") in _values(text, "en", "1989-10-26")


def test_planned_weekday_points_to_the_future() -> None:
    # "scheduled" is both a past form and a future cue: the tie goes to the future.
    text = "The attorney has scheduled a news conference Thursday."
    assert _values(text, "en", "1999-05-05") == [("Thursday", "1999-05-06")]


def test_capitalised_name_ending_in_ed_is_no_past_cue() -> None:
    text = "The father would be traveling to the United States Thursday."
    assert _values(text, "en", "2000-04-05") == [("Thursday", "2000-04-06")]


def test_clock_time_takes_the_day_named_before_it() -> None:
    values = _values("On Tuesday, 3 March 2009, the vote opened at 9:30 a.m.", "en", "2009-03-01")
    assert ("9:30 a.m.", "2009-03-03T09:30") in values
