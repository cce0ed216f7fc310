"""``Searcher.search`` finds what ``pattern.search`` finds, with less work (issue 8: the status
cues were searched over every clause, a case-insensitive alternation tried at every
position)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.events.prefilter import Searcher, fold
from timeline.events.resources import event_languages, pack
from timeline.events.split import split_units

DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev"
LANGUAGES = event_languages()


def _cue_patterns() -> list[re.Pattern[str]]:
    return [p for lang in LANGUAGES for p in pack(lang).cues.values()]


def _same(pattern: re.Pattern[str], text: str) -> None:
    searcher = Searcher.of(pattern)
    want = pattern.search(text)
    for folded in (None, fold(text)):
        got = searcher.search(text, folded)
        assert (got and (got.span(), got.groupdict())) == (
            want and (want.span(), want.groupdict())
        ), (pattern.pattern, text)


def test_cues_found_as_search_finds_them_on_dev_clauses() -> None:
    if not DEV.is_dir():
        pytest.skip(f"the gold dev corpus is not at {DEV.resolve()}")
    for path in sorted(DEV.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        lang = path.name[:-4].rsplit("-", 1)[-1]
        patterns = [p for code in {lang, "en"} & set(LANGUAGES) for p in pack(code).cues.values()]
        for u in split_units(text):
            clause = text[u.start : u.end]
            for p in patterns:
                _same(p, clause)


_WORDS = [
    "will", "Will", "is to", "is", "in", "in the short term", "currently", "sera",
    "à court terme", "wird", "noch", "bereits", "a été", "ſhall", "İs", "ΣΑ", "-", " ",
    "\n", ".", "x", "2011", "era", "ra", "prochaine", "actuellement", "are being",
]  # fmt: skip


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), min_size=0, max_size=30), st.sampled_from([" ", ""]))
def test_cues_found_as_search_finds_them_on_generated_texts(parts: list[str], sep: str) -> None:
    text = sep.join(parts)
    for p in _cue_patterns():
        _same(p, text)


@pytest.mark.parametrize(
    "pattern",
    [r"(?i)\bfoo\b", r"(?i)(?<=x)bar", r"ab+c", r"(?i)x|yz", r"\d+", r"(?i)(?:abc|d)e"],
)
def test_any_pattern_found_as_search_finds_it(pattern: str) -> None:
    p = re.compile(pattern)
    texts = ["", "foo", "xfoo foo", "xbar bar XBAR", "abbc ac abc", "XYZ x", "12 34", "De abce"]
    for text in texts:
        _same(p, text)


def test_a_pattern_is_tried_only_where_its_literal_occurs() -> None:
    class Counting:
        """A compiled pattern that counts its match calls."""

        def __init__(self, pattern: re.Pattern[str]) -> None:
            self.inner, self.calls = pattern, 0
            self.pattern, self.flags = pattern.pattern, pattern.flags

        def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
            self.calls += 1
            return self.inner.match(text, pos)

    real = re.compile(r"\b(?:currently|at\s+present)\b", re.IGNORECASE)
    searcher = Searcher.of(real)
    counting = Counting(real)
    text = "the present text says nothing at all " * 50 + "AT  Present"
    spy = Searcher(
        counting,  # type: ignore[arg-type]
        searcher.needed,
        searcher.needed_folded,
        searcher.starter,
        searcher.folded,
        searcher.offset,
    )
    got = spy.search(text)
    assert got is not None and got.group(0) == "AT  Present"
    # tried at each "at" (50 times "at all") and at the match, not at each of 1,900 positions
    assert counting.calls == 51
