"""The scan's positions and memos: every position it tries has the rules' left boundary (the
rules no longer test it), no match is hidden, and normalization is memoized per group."""

from __future__ import annotations

import calendar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.temporal import finder
from timeline.temporal.finder import Reject, starts, validate
from timeline.temporal.grammar import LEFT, available_languages, load
from timeline.temporal.lowered import fold

_PIECES = [
    "3 March 2009",
    "le 1er janvier",
    "3. März 2009",
    "25.3.2009",
    "2010/05/11",
    "19/1234",
    "No 45/2001",
    "Presseartikel11 Mai 2022",
    "ab12cd34",
    "x_2019",
    "1.2-1.5",
    "2014-2020",
    "(2019)",
    "l'année 2019",
    "the next day",
    "mi-2012",
    "Q3 2012",
    "\u00a0",
    "\n",
    ", ",
]


def _rule_starts(lang: str, text: str) -> set[int]:
    """Where some rule of ``lang`` matches with its left boundary, tried at every position."""
    g = load(lang)
    return {
        s
        for s in range(len(text))
        if any(g.single(i).match(text, s) is not None for i in range(len(g.rules)))
    }


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=8),
    st.sampled_from(["en", "fr", "de"]),
)
def test_positions_have_a_left_boundary_and_hide_no_match(pieces: list[str], lang: str) -> None:
    text = "".join(p + (" " if i % 3 else "") for i, p in enumerate(pieces))
    g = load(lang)
    for low in (fold(text), None):  # on the lower-cased text and on the text itself
        found = starts(g, text, low)
        assert found == sorted(set(found))
        assert all(LEFT.match(text, s) for s in found), (text, found)
        assert _rule_starts(lang, text) <= set(found), text


@pytest.mark.parametrize("lang", available_languages())
def test_no_position_after_a_digit_and_a_separator(lang: str) -> None:
    g = load(lang)
    text = "Regulation 2019/1234 and 1.2-1.5 and 3/4"
    found = starts(g, text, fold(text))
    for s in (text.index("1234"), text.index("2-1.5"), text.index("5"), text.index("4")):
        assert s not in found


def test_validate_counts_days_as_the_calendar_does() -> None:
    for year in (4, 1900, 2000, 2023, 2024, 9999):
        for month in range(1, 13):
            last = calendar.monthrange(year, month)[1]
            for day in (28, 29, 30, 31):
                value = f"{year:04d}-{month:02d}-{day:02d}"
                if day <= last:
                    validate(value)
                    validate(value)  # the second time from the memo
                else:
                    with pytest.raises(Reject):
                        validate(value)
    validate("XXXX-02-29")  # no year: a leap year is assumed
    with pytest.raises(Reject):
        validate("XXXX-02-30")


def test_groups_are_normalized_once_per_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates shifted from text to text repeat their months: each month word is normalized
    once, whatever the days and years around it."""
    calls: list[str] = []
    real = finder._NORMALIZERS["month"]

    def counting(g: object, text: str) -> str:
        calls.append(text)
        return real(g, text)  # type: ignore[arg-type]

    monkeypatch.setitem(finder._NORMALIZERS, "month", counting)
    g = load.__wrapped__("en")  # a grammar of its own: its memos start empty
    days = [(d, 1989 + d) for d in range(1, 29)]
    text = " ".join(f"on {d} March {y}." for d, y in days)
    found = finder.scan(g, text)
    assert [t.value for t in found] == [f"{y}-03-{d:02d}" for d, y in days]
    assert calls.count("March") == 1
    # a rejected group rejects again, each time with an exception of its own
    bad = finder.scan(g, "on 45 March 2001 and 45 March 2002")
    assert all(t.value != "2001-03-45" for t in bad)


def test_glued_digits_are_those_of_the_digit_category() -> None:
    """``_GLUED`` searches from a set of explicit characters instead of ``\\d``: after any letter,
    every code point is found exactly when ``\\d(?<=[^\\W\\d_]\\d)`` finds it."""
    import re

    plain = re.compile(r"\d(?<=[^\W\d_]\d)")
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for before in ("a", "é", "\u0915", "1", " ", "_"):
        text = "".join(before + c for c in every)
        got = [m.start() for m in finder._GLUED.finditer(text)]
        assert got == [m.start() for m in plain.finditer(text)], before
        assert bool(got) == (before not in " _"), before  # after "1": "a1", "b1"... are glued
