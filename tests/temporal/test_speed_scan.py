"""The scan's cost: rules are tried only where an opening prefix follows, and that filter never
hides a match. Operation counts, not timings (the machine is shared)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.temporal.firstchars import prefixes, trie
from timeline.temporal.grammar import Grammar, available_languages, load

_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def _token_starts(text: str) -> Iterator[int]:
    """Where a letter run or a digit run starts: the only places a rule can match."""
    for m in _TOKEN.finditer(text):
        yield m.start()


def _missed(g: Grammar, text: str) -> list[tuple[str, int]]:
    """(rule, position) pairs where a rule matches at a token start that starts() skips."""
    starts = g.starts()
    out = []
    for s in _token_starts(text):
        if starts.match(text, s) is not None:
            continue
        for i, rule in enumerate(g.rules):
            if g.single(i).match(text, s) is not None:
                out.append((rule.name, s))
    return out


@pytest.mark.parametrize("lang", available_languages())
def test_every_rule_example_opens_at_a_start_the_filter_keeps(lang: str) -> None:
    g = load(lang)
    missed = []
    for rule in g.rules:
        for text, _value in rule.examples:
            missed.extend((text, name, s) for name, s in _missed(g, text))
    assert not missed


_PIECES = [
    "3 March 2009",
    "le 1er janvier",
    "3. März 2009",
    "25.3.2009",
    "03/03/2009",
    "2010/05/11",
    "the next day",
    "next week",
    "in the short term",
    "from 1 January to 30 June 2010",
    "12-13 April 2011",
    "2014-2020",
    "du 1er au 3 mars",
    "early 2011",
    "mi-2012",
    "Q3 2012",
    "two years",
    "every week",
    "Article 5(2)",
    "19/1234",
    "No 45/2001",
    "May I",
    "des",
    " ",
    "\n",
    ", ",
    ".",
    "on",
    "the",
    "am",
    "vom",
    "à",
    "about",
    "between",
    "Mai",
    "mars",
    "1.2-1.5",
]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12),
    st.sampled_from(["en", "fr", "de"]),
)
def test_the_start_filter_never_hides_a_match(pieces: list[str], lang: str) -> None:
    text = " ".join(pieces)
    assert not _missed(load(lang), text)


def test_a_prefix_covers_every_match_of_its_rule() -> None:
    pat = r"(?:the\s+)?(?:next|last)\s+(?P<unit>day|week)|(?P<day>0?[1-9]|[12]\d|3[01])\.\s*\d{4}"
    seqs = prefixes(pat)
    assert seqs is not None
    opening = re.compile(f"(?:{trie(seqs)})", re.IGNORECASE)
    for text in ["The next day", "last  week", "07. 2009", "31.2010", "the\nlast day"]:
        assert re.match(pat, text, re.IGNORECASE), text
        assert opening.match(text), text
    assert not opening.match("the proposal")
    assert prefixes(r"(?:a)?") is None  # can match the empty string: no filter


class _Counting:
    """A compiled pattern that counts its match calls."""

    calls = 0

    def __init__(self, pat: re.Pattern[str]) -> None:
        self.pat = pat

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        _Counting.calls += 1
        return self.pat.match(text, pos)


def _tries(monkeypatch: pytest.MonkeyPatch, text: str, lang: str) -> tuple[int, int]:
    """(positions where rules are tried, rule tries) for finding the expressions of ``text``.

    On a grammar of its own (its pattern caches start empty, and the counting patterns it
    caches die with it), with no key's combined pattern: every rule try is one counted call,
    on its own pattern or on its lower-case one.
    """
    from timeline.temporal import finder
    from timeline.temporal import grammar as grammar_module

    g = load.__wrapped__(lang)
    g.warm()
    monkeypatch.setattr(grammar_module, "HOT_KEY", 10**9)
    real = Grammar.bare
    monkeypatch.setattr(
        Grammar,
        "bare",
        lambda self, *a: _Counting(real(self, *a)),  # type: ignore[misc]
    )
    real_lowered = Grammar.bare_lowered

    def counting_lowered(self: Grammar, index: int) -> _Counting | None:
        pat = real_lowered(self, index)
        return None if pat is None else _Counting(pat)

    # a rule that does not mind case is tried in lower case on the lower-cased text
    monkeypatch.setattr(Grammar, "bare_lowered", counting_lowered)
    positions = 0
    real_match_at = finder._match_at

    def counting(*args: object) -> object:
        nonlocal positions
        positions += 1
        return real_match_at(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(finder, "_match_at", counting)
    _Counting.calls = 0
    finder.scan(g, text)
    monkeypatch.undo()
    return positions, _Counting.calls


_PROSE = (
    "The committee of the regions shall examine the proposal and report to the other "
    "institutions on the measures that the Member States have taken, as set out in Article "
    "5(2) of the directive. Die Kommission prüft den Vorschlag und die Stellungnahme des "
    "Ausschusses. La Commission examine la proposition des États membres et le rapport. "
)


@pytest.mark.pure_python  # counts finder._match_at calls: compiled scan calls it in C
def test_plain_prose_costs_almost_no_rule_tries(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _PROSE * 400  # about 130,000 characters, 18,000 tokens
    for lang in ("en", "de", "fr"):
        tokens = sum(1 for _ in _token_starts(text))
        positions, tries = _tries(monkeypatch, text, lang)
        # rules are tried at few tokens, and there only those that can open with the token
        # (German 'die' opens 17 of 116 rules, each tried on its own small pattern)
        assert positions <= tokens // 20, f"{lang}: rules tried at {positions} of {tokens} tokens"
        assert tries <= 20 * positions, f"{lang}: {tries} rule tries at {positions} positions"


@pytest.mark.pure_python  # counts finder._match_at calls: compiled scan calls it in C
def test_rule_tries_grow_linearly_with_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    unit = _PROSE + " On 3 March 2009 and from 1 January to 30 June 2010, 25.3.2009 (No 45/2001). "
    small = _tries(monkeypatch, unit * 50, "en")[1]
    big = _tries(monkeypatch, unit * 200, "en")[1]
    assert small > 0
    assert big <= 4 * small + 4
