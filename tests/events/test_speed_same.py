"""Faster forms of event-stage steps give exactly what the forms they replace gave (issue 8)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.events.dates import _LINE_WITH_TEXT, _nonempty_lines_before

#: line breaks of every kind str.splitlines knows, blanks that break no line, and text
_PIECES = ["\n", "\r", "\r\n", "\v", "\f", "\x1c", "\x85", "\u2028", " ", "\t", "\xa0", "a", "Zé", "12"]


def _by_pattern(text: str, pos: int, limit: int | None) -> int:
    """The count as the pattern gave it (the former implementation)."""
    count = 0
    for _ in _LINE_WITH_TEXT.finditer(text, 0, pos):
        count += 1
        if limit is not None and count > limit:
            break
    return count


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=80),
    st.integers(0, 400),
    st.sampled_from([None, 0, 1, 2, 20]),
    st.integers(1, 30),
)
def test_nonempty_lines_before_as_the_pattern(
    pieces: list[str], pad: int, limit: int | None, cut: int
) -> None:
    # long blank or text runs put line starts on both sides of the first head's end
    text = "".join(pieces) + " " * pad + "x\n" * (pad // 40) + "".join(reversed(pieces))
    for pos in sorted({0, len(text), len(text) * cut // 31, min(len(text), 2048), 2047, 2049}):
        pos = min(pos, len(text))
        assert _nonempty_lines_before(text, pos, limit) == _by_pattern(text, pos, limit)


def test_nonempty_lines_before_long_head() -> None:
    # blank lines past the first head of text, then a few lines with text
    text = "\n" * 3000 + " \t\n" * 900 + "a\nb\r\nc\n" + "d" * 5000 + "\ne"
    for limit in (None, 0, 1, 2, 3, 4, 20):
        for pos in (0, 2048, 2049, 5000, 6000, len(text) - 1, len(text)):
            assert _nonempty_lines_before(text, pos, limit) == _by_pattern(text, pos, limit)


#: characters around the classes of the split helpers: letters, digits (also non-ASCII and
#: non-decimal ones), the underscore, dots, ordinals, blanks, line breaks and closing marks
_CHARS = list("aZé_1٣²½.ºª° \t\xa0\n\r!?:;»”\"')(-,xß")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(_CHARS), max_size=30))
def test_split_helpers_as_their_patterns(raw: str) -> None:
    from timeline.events import split

    stripped = raw.rstrip()
    assert split._ends_terminal(stripped) == (split._TERMINAL.search(stripped) is not None)
    assert split._short_word_end(stripped) == (split._SHORT_WORD_END.search(stripped) is not None)
    found = split._WORD_BEFORE.search(raw)
    assert split._word_before(raw) == (found.group(1) if found else "")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*_CHARS, "2009", " March "]), max_size=60))
def test_word_count_bound_as_removing_non_word(pieces: list[str]) -> None:
    import re
    from itertools import islice

    from timeline.events.extract import _WORD_CHAR

    rest = "".join(pieces)
    want = len(re.sub(r"[^\w]", "", rest)) <= 10
    assert (sum(1 for _ in islice(_WORD_CHAR.finditer(rest), 11)) <= 10) == want


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(["OJ", "oj", "Official", " ", "Journal", "ſ", "L 335", ",", "x", "(", "İ"]),
        max_size=12,
    )
)
def test_searcher_excludes_only_texts_without_a_match(pieces: list[str]) -> None:
    from timeline.events.prefilter import searcher
    from timeline.events.resources import pack

    text = "".join(pieces)
    for language in ("en", "fr", "de"):
        oj = pack(language).patterns["oj"]
        if searcher(oj).excludes(text):
            assert not list(oj.finditer(text))
