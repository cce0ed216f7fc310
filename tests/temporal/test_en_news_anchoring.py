"""English news anchoring by error class of the TempEval training sets (TimeBank/AQUAINT
conventions): years of days without one, the quarter a report is about, narrative years."""

from __future__ import annotations

from timeline.temporal import tag


def _values(text: str, dct: str) -> list[tuple[str, str]]:
    return [(t.text, t.value) for t in tag(text, "en", dct)]


def test_a_plan_told_in_the_past_tense_keeps_the_anchor_year() -> None:
    # "said" is past, but a day a few weeks ahead is still this year's.
    text = "The company said it is calling for the redemption on Dec. 7 of its shares."
    assert ("Dec. 7", "1989-12-07") in _values(text, "1989-10-30")


def test_a_far_month_in_a_past_sentence_is_last_year() -> None:
    text = "The car was found abandoned at the airport in December, investigators said."
    assert ("December", "1998-12") in _values(text, "1999-05-06")


def test_one_old_year_does_not_make_a_company_report_a_history() -> None:
    text = (
        "The company has doubled its profits annually since 1980. "
        "In September, it announced plans to buy a fruit producer."
    )
    assert ("September", "1989-09") in _values(text, "1989-10-30")


def test_year_ago_in_a_later_sentence_comparing_figures_is_the_year_ago_quarter() -> None:
    text = (
        "Third-quarter net rose 19% to $2 billion. "
        "Revenue declined 8% to $85.7 million, from $93.3 million a year earlier."
    )
    assert ("a year earlier", "1988-Q3") in _values(text, "1989-11-02")


def test_the_year_ago_quarter_compared_with_is_no_quarter_in_focus() -> None:
    text = (
        "Net rose in the third quarter from the year-ago quarter. "
        "Sales were $3 billion, up 5% from a year ago."
    )
    assert ("a year ago", "1988-Q3") in _values(text, "1989-11-02")
