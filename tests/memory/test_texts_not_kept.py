"""Memos of the extraction stages keep no whole text: an extraction worker reads thousands of
documents, and a memo that held each one made its memory grow with the size of the corpus.

Each test counts the references to a text before and after it went through a stage (and a few
other texts after it, so that the "last text" memos have moved on): the count must come back.
"""

from __future__ import annotations

import sys

from timeline import temporal
from timeline.link import acts


def _long_text(seed: int) -> str:
    """An English text of several thousand characters, different for each ``seed``, that
    names acts and holds dates that do not exist (their normalisation is rejected)."""
    lines = [
        f"Directive 2011/{90 + seed}/EU of the European Parliament and of the Council was adopted"
        f" on {1 + seed % 28} March 2011 and Regulation (EU) No {100 + seed}/2013 applies from"
        " 31 February 2014, 30/02/2015 and 45 Octember 2016."
    ] * 40
    return "\n".join(f"{i} {line}" for i, line in enumerate(lines)) + f" end {seed}"


def test_find_acts_keeps_no_long_text() -> None:
    text = _long_text(0)
    assert len(text) > acts.LONG_TEXT
    before = sys.getrefcount(text)
    assert acts.find_acts(text)  # it names acts
    for seed in range(1, 12):  # the memo of the last few long texts moves on
        acts.find_acts(_long_text(seed))
    assert sys.getrefcount(text) == before


def test_find_acts_short_strings_still_memoised() -> None:
    label = "Directive 2011/92/EU"
    acts.find_acts(label)
    hits = acts._find_acts.cache_info().hits
    assert acts.find_acts(label) == acts.find_acts(label)
    assert acts._find_acts.cache_info().hits >= hits + 2


def test_tagging_keeps_no_text_with_rejected_dates() -> None:
    text = _long_text(100)
    before = sys.getrefcount(text)
    assert temporal.tag(text, "en", "2015-06-01")
    for seed in range(101, 104):
        temporal.tag(_long_text(seed), "en", "2015-06-01")
    assert sys.getrefcount(text) == before
