"""Windowed matching of the event stage is exact (issue 8: speed, same output).

``matches_in`` tries a pattern only where a leading literal occurs in the window, instead of
scanning the whole window: it must find exactly what ``finditer`` over the window (or over a
slice of it) finds; ``window_matches`` finds the same for every candidate pattern at once. The "of" before a date is searched from the window's last few words: the
same match as a search of the whole window. Work counts, not timings, show the saving."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.events import acts, extract
from timeline.events.prefilter import (
    NEVER,
    DocText,
    PatternSet,
    matches_in,
    solid_width,
    window_matches,
)
from timeline.events.resources import (
    actor_lead_set,
    event_languages,
    pack,
    trigger_lead_set,
)
from timeline.events.split import split_units

DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev"
LANGUAGES = event_languages()


def _lead_sets(lang: str) -> list[PatternSet]:
    return [
        trigger_lead_set(lang),
        actor_lead_set(lang),
        extract._attached_lead_set(lang),
        extract._label_lead_set(lang),
        acts._kind_lead_set(lang),
    ]


def _windows(text: str) -> list[tuple[int, int]]:
    units = [(u.start, u.end) for u in split_units(text)][:12]
    n = len(text)
    # units, and windows cut anywhere (inside words, at a line break, the whole text)
    return units + [(0, n), (0, min(n, 200)), (n // 3, n), (n // 5, n // 5 + 77), (7, n - 3)]


def _same(text: str, lang: str) -> None:
    doc = DocText(text, lang)
    for pset in _lead_sets(lang):
        for start, end in _windows(text):
            if not 0 <= start <= end <= len(text):
                continue
            piece = text[start:end]
            allowed = set(doc.index(pset).candidates(start, end))
            for i, p in enumerate(pset.patterns):
                if i not in allowed:  # skipped: it must have no match there
                    assert not any(m.end() > m.start() for m in p.finditer(text, start, end))
                    assert not any(m.end() > m.start() for m in p.finditer(piece))
                    continue
                want = [(m.span(), m.groupdict()) for m in p.finditer(text, start, end)]
                got = [(m.span(), m.groupdict()) for m in matches_in(pset, i, doc, start, end)]
                assert got == want, (p.pattern[:80], start, end)
                want = [(m.span(), m.groupdict()) for m in p.finditer(piece)]
                got = [
                    (m.span(), m.groupdict())
                    for m in matches_in(pset, i, doc, start, end, piece)
                ]
                assert got == want, (p.pattern[:80], start, end, "sliced")
            # all candidates in one pass: the same matches, pattern by pattern
            for sliced in (None, piece):
                want_all = [
                    (i, [(m.span(), m.groupdict()) for m in found])
                    for i in sorted(allowed)
                    if (found := matches_in(pset, i, doc, start, end, sliced))
                ]
                got_all = [
                    (i, [(m.span(), m.groupdict()) for m in found])
                    for i, found in window_matches(pset, doc, start, end, sliced)
                ]
                assert got_all == want_all, (start, end, sliced is not None)


def _dev_texts() -> list[tuple[str, str]]:
    if not DEV.is_dir():
        pytest.skip(f"the gold dev corpus is not at {DEV.resolve()}")
    out = []
    for path in sorted(DEV.glob("*.txt")):
        lang = path.name[:-4].rsplit("-", 1)[-1]
        out.append((path.read_text(encoding="utf-8"), lang if lang in LANGUAGES else "en"))
    return out


def test_matches_in_equals_finditer_on_dev_texts() -> None:
    for text, lang in _dev_texts()[::3]:
        _same(text, lang)


_FRAGMENTS = [
    "adopted",
    "ADOPTION",
    "the Directive",
    "Regulation",
    "framework decision",
    "entered into force",
    "European Parliament",
    "the Council",
    "Commission",
    "proposal for a",
    "Convention",
    "conférence",
    "la décision-cadre",
    "du Conseil",
    "of",
    "du",
    "vom",
    "Beschluss",
    "Richtlinie",
    "ſigned",
    "İmplementation",
    "\n",
    "\n\n",
    ". ",
    ", ",
    " ",
    "-",
    "(",
    "12 May 2011",
]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=30),
    st.sampled_from(["en", "fr", "de"]),
)
def test_matches_in_equals_finditer_on_generated_texts(parts: list[str], lang: str) -> None:
    _same("".join(parts), lang)


class _Counted:
    """A compiled pattern that counts the positions it is tried at."""

    def __init__(self, pattern: str) -> None:
        self._p = re.compile(pattern, re.IGNORECASE)
        self.pattern = self._p.pattern
        self.flags = self._p.flags
        self.tries = 0

    def match(self, text: str, pos: int = 0, endpos: int = 2**62) -> re.Match[str] | None:
        self.tries += 1
        return self._p.match(text, pos, endpos)

    def finditer(self, text: str, pos: int = 0, endpos: int = 2**62):  # type: ignore[no-untyped-def]
        self.tries += max(0, min(endpos, len(text)) - pos)  # a scan tries every position
        return self._p.finditer(text, pos, endpos)


def test_matches_in_tries_only_where_a_literal_occurs() -> None:
    counted = _Counted(r"\badopt(?:ed|ion)\b")
    pset = PatternSet.leading([counted], domain="test-windows")  # type: ignore[list-item]
    prose = "the word was said in passing " * 400
    for n in (1, 10):
        text = prose + "it was adopted; " * n
        doc = DocText(text, "test-windows")
        counted.tries = 0
        got = matches_in(pset, 0, doc, 0, len(text))
        assert len(got) == n
        assert counted.tries == n  # one try per occurrence, none over the 12,000 characters
        counted.tries = 0
        assert matches_in(pset, 0, doc, 0, len(prose)) == []
        assert counted.tries == 0


def test_window_matches_never_runs_the_stand_in_for_a_missing_pattern() -> None:
    """A set's ``(?!)`` (a pattern the language lacks: ``_attached_lead_set``) matches
    nowhere: it is not run over each window, as a pattern without literals is (a scan of the
    window, 90,000 instructions for the 220 characters before a date), and the matches of
    the set's other patterns are the same."""
    never = _Counted(NEVER)
    bare = _Counted(r"\w+ed\b")  # no literal: run over every window
    lead = _Counted(r"\badopt(?:ed|ion)\b")
    pset = PatternSet.mixed([never, bare, lead], domain="test-never")  # type: ignore[list-item]
    assert pset.always == frozenset({1})
    text = "the act was adopted and signed; " * 20
    doc = DocText(text, "test-never")
    got = window_matches(pset, doc, 10, 300)
    assert [(i, [m.span() for m in ms]) for i, ms in got] == [
        (i, [m.span() for m in p._p.finditer(text, 10, 300)])
        for i, p in enumerate((never, bare, lead))
        if any(p._p.finditer(text, 10, 300))
    ]
    assert never.tries == 0 and bare.tries == 290
    sliced = window_matches(pset, doc, 10, 300, text[10:300])
    assert [(i, [m.span() for m in ms]) for i, ms in sliced] == [
        (i, [m.span() for m in p._p.finditer(text[10:300])])
        for i, p in enumerate((never, bare, lead))
        if any(p._p.finditer(text[10:300]))
    ]
    assert never.tries == 0


@pytest.mark.parametrize(
    ("pattern", "width"),
    [
        (r"(?:of|dated)\s+", 5),
        (r"(?:en\s+date\s+du|de)", 8),
        (r"(?:^|\W)(?:of)\s*(?:the\s+|le\s+)?$", 6),
        (r"of\s+\w+", None),  # a word of any length
        (r"\s*", 0),
    ],
)
def test_solid_width(pattern: str, width: int | None) -> None:
    assert solid_width(pattern) == width


_TAILS = ["of", "OF", "dated", "du", "de", "en date du", "vom", "the", "le", "la", "den", "x",
          "Decision", "(", ")", ",", " ", "  ", "\n", "\t", "\u00a0", "\u2003", "é", "9"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_TAILS), max_size=25), st.sampled_from(["en", "fr", "de", "es"]))
def test_of_search_from_the_tail_equals_a_full_search(parts: list[str], lang: str) -> None:
    window = "".join(parts)
    _, end, solid = extract._of_patterns(pack(lang).patterns["of"].pattern)
    assert solid is not None
    want = end.search(window)
    got = end.search(window, extract._tail_start(window, solid))
    assert (got.span() if got else None) == (want.span() if want else None)
