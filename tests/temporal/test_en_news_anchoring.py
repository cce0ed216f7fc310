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


def test_last_year_in_a_report_is_the_whole_year() -> None:
    text = "Third-quarter sales were $14 million, down from $21.4 million last year."
    assert ("last year", "1988") in _values(text, "1989-11-01")


def test_the_quarter_is_the_quarter_the_report_is_about() -> None:
    text = "Net fell in the fiscal first quarter. Revenue in the quarter rose 39%."
    assert ("the quarter", "1989-Q1") in _values(text, "1989-10-26")


def test_a_quarter_still_running_is_not_in_focus() -> None:
    text = "It gave a fourth-quarter outlook. Profit in the latest quarter rose."
    assert ("the latest quarter", "1989-Q3") in _values(text, "1989-11-02")


def test_possessive_years_of_quarters() -> None:
    values = _values(
        "Sales for this year's third quarter beat the year-ago third quarter and "
        "last year's quarter; next year's first quarter looks weak.",
        "1989-11-01",
    )
    assert ("this year's third quarter", "1989-Q3") in values
    assert ("the year-ago third quarter", "1988-Q3") in values
    assert ("next year's first quarter", "1990-Q1") in values


def test_over_the_weekend_in_a_monday_paper_is_the_weekend_just_past() -> None:
    text = "Pentagon officials confirmed the reports over the weekend."
    assert _values(text, "1990-08-13") == [("the weekend", "1990-W32-WE")]
