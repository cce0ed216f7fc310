"""The public API of the temporal stage: find, anchor, tag, languages."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.errors import UsageError
from timeline.temporal import anchor, find, languages, tag
from timeline.temporal.grammar import load


def _values(text: str, lang: str, dct: str | None = "2009-03-03") -> list[tuple[str, str]]:
    return [(t.text, t.value) for t in tag(text, lang, dct)]


def test_brief_examples_in_running_text() -> None:
    text = (
        "Le 1er janvier 2010, aujourd\u2019hui et à court terme ; "
        "voir 25.3.2009, 03/03/2009, 2010/05/11 et 17-12-2011."
    )
    assert _values(text, "fr") == [
        ("Le 1er janvier 2010", "2010-01-01"),
        ("aujourd\u2019hui", "2009-03-03"),
        ("à court terme", "FUTURE_REF"),
        ("25.3.2009", "2009-03-25"),
        ("03/03/2009", "2009-03-03"),
        ("2010/05/11", "2010-05-11"),
        ("17-12-2011", "2011-12-17"),
    ]
    assert _values("Signed on December 17, 2011, in the short term.", "en") == [
        ("December 17, 2011", "2011-12-17"),
        ("in the short term", "FUTURE_REF"),
    ]
    assert _values("Am 3.\u00a0März\n2009 und heute, kurzfristig.", "de") == [
        ("3.\u00a0März\n2009", "2009-03-03"),  # the preposition is a signal, outside (TimeML)
        ("heute", "2009-03-03"),
        ("kurzfristig", "FUTURE_REF"),
    ]


def test_without_anchor_values_stay_underspecified() -> None:
    got = {t.text: t.value for t in tag("On 3 March, yesterday, in May.", "en", None)}
    assert got == {"3 March": "XXXX-03-03", "yesterday": "PAST_REF", "May": "XXXX-05"}


def test_find_leaves_values_unanchored_and_anchor_resolves_them() -> None:
    text = "Il est venu hier et reviendra le 6 mai."
    found = find(text, "fr")
    assert [t.value for t in found] == ["R-1D", "XXXX-05-06"]
    anchored = anchor(found, "2009-03-03", text)
    assert [t.value for t in anchored] == ["2009-03-02", "2009-05-06"]
    assert [(t.start, t.end) for t in anchored] == [(t.start, t.end) for t in found]


def test_ranges_keep_both_ends() -> None:
    (t,) = tag("du 1er au 3 mars 2010", "fr", None)
    assert (t.value, t.end_value) == ("2010-03-01", "2010-03-03")
    (t,) = tag("between 2010 and 2012", "en", None)
    assert (t.value, t.end_value) == ("2010", "2012")


def test_durations_and_sets_never_become_dates() -> None:
    got = [(t.type, t.value) for t in tag("for two years, every week", "en", "2009-03-03")]
    assert got == [("DURATION", "P2Y"), ("SET", "P1W")]


def test_mods_are_kept() -> None:
    got = [(t.value, t.mod) for t in tag("early 2011, the end of 2010, mi-2012", "en", None)]
    assert got[:2] == [("2011", "START"), ("2010", "END")]
    assert [(t.value, t.mod) for t in tag("fin 2009 et mi-2012", "fr", None)] == [
        ("2009", "END"),
        ("2012", "MID"),
    ]


def test_weekday_in_a_tuesday_document() -> None:
    assert _values("ce mercredi", "fr") == [("ce mercredi", "2009-03-04")]


def test_generated_languages_read_their_own_date_orders() -> None:
    assert _values("2011 m. spalio 26 d.", "lt") == [("2011 m. spalio 26 d.", "2011-10-26")]
    assert _values("2010. március 30.", "hu") == [("2010. március 30.", "2010-03-30")]
    assert _values("6 dicembre 2019", "it") == [("6 dicembre 2019", "2019-12-06")]
    assert _values("de 13 de junio de 2024", "es") == [("13 de junio de 2024", "2024-06-13")]
    assert _values("30. marts 2010", "da") == [("30. marts 2010", "2010-03-30")]


def test_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        tag("3 March 2009", "xx")


def test_every_eu_language_tags_a_numeric_date() -> None:
    codes = {row["language"] for row in languages()}
    eu = set("bg cs da de el en es et fi fr ga hr hu it lt lv mt nl pl pt ro sk sl sv".split())
    assert eu <= codes
    for code in sorted(eu):
        assert [t.value for t in tag("25.3.2009", code)] == ["2009-03-25"], code


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789./- \n\u00a0'\u2019")) | st.characters(),
        max_size=120,
    ),
    st.sampled_from(["en", "fr", "de", "it"]),
)
def test_never_raises_and_offsets_slice_back(text: str, lang: str) -> None:
    found = tag(text, lang, "2009-03-03")
    last_end = 0
    for t in found:
        assert text[t.start : t.end] == t.text
        assert t.start >= last_end  # sorted, non-overlapping
        last_end = t.end


def _adversarial_line(size: int) -> str:
    """Digits, dots, slashes and month names, with few valid dates: catastrophic-backtracking
    bait ("1.2.3.4...", "12/12/12/...", month names without day or year)."""
    pieces = ["1.2.3.4.5.6.7.8.9.", "12/12/12/12/12/", "31.12.", "March Mai mars ", "2011/93/"]
    pieces += ["0123456789" * 3, "/./-/", "1.2-1.5 ", "3 March 2009 "]
    out = []
    n = 0
    i = 0
    while n < size:
        p = pieces[(i * 7 + i // 3) % len(pieces)]
        out.append(p)
        n += len(p)
        i += 1
    return "".join(out)[:size]


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_a_megabyte_line_is_tagged_in_bounded_time(lang: str) -> None:
    load(lang).warm()
    line = _adversarial_line(1_000_000)
    t0 = time.process_time()
    tag(line, lang, "2009-03-03")
    elapsed = time.process_time() - t0
    # about 1.5 CPU-s on a quiet machine; a quadratic scan would take minutes. The bound leaves
    # room for collections of a whole suite's objects and a loaded machine.
    assert elapsed < 4.0, f"{lang}: 1 MB line took {elapsed:.2f} s of CPU"


def test_cost_grows_linearly() -> None:
    load("en").warm()
    small, big = _adversarial_line(100_000), _adversarial_line(400_000)
    t0 = time.process_time()
    tag(small, "en", None)
    t1 = time.process_time()
    tag(big, "en", None)
    t2 = time.process_time()
    assert (t2 - t1) < 8 * max(t1 - t0, 0.01)


@pytest.mark.parametrize(
    ("text", "lang", "dct", "value"),
    [
        ("tomorrow", "en", "9999-12-31", "FUTURE_REF"),
        ("yesterday", "en", "0001-01-01", "PAST_REF"),
        ("next year", "en", "9999-06-01", "FUTURE_REF"),
        ("mercredi", "fr", "0001-01-01", "XXXX-WXX-3"),
    ],
)
def test_anchoring_at_the_edge_of_the_calendar_leaves_values_unresolved(
    text: str, lang: str, dct: str, value: str
) -> None:
    assert [t.value for t in tag(text, lang, dct)] == [value]
