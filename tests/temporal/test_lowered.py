"""Matching in lower case on the lower-cased text (timeline.temporal.lowered) and the token-pair
keys (firstchars.first_pairs) change where and how rules are tried, never what they find."""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.temporal import finder
from timeline.temporal.firstchars import ANY_NEXT, first_pairs
from timeline.temporal.grammar import PAIR, load
from timeline.temporal.lowered import compile_lowered, fold

_LANGS = ["en", "fr", "de", "es", "it", "el"]


def test_fold_lowers_each_character_as_re_does_and_keeps_its_class() -> None:
    # re ignoring case compares simple lower cases; str.lower gives the same for every
    # character it maps to one character (the capital I with a dot is refused by fold), and
    # lower-casing never moves a character in or out of \w, \d, \s or the letters
    classes = [re.compile(p).match for p in (r"\w", r"\d", r"\s", r"[^\W\d_]")]
    tolower = _sre.unicode_tolower
    for code in range(0x110000):
        c = chr(code)
        low = c.lower()
        if len(low) != 1 or low == c:
            continue
        assert ord(low) == tolower(code), hex(code)
        for cls in classes:
            assert bool(cls(c)) == bool(cls(low)), hex(code)
    assert fold("\u0130stanbul") is None  # two characters in lower case
    assert fold("ΜΑΡΤΙΟΣ") is None  # a capital sigma: lower-cased by context
    assert fold("Le 3 MARS 2009") == "le 3 mars 2009"


def test_a_letter_matches_its_case_equivalents() -> None:
    pat = compile_lowered("s(?:igma|ept)")
    assert pat is not None
    for text in ["SEPT", "Sept", "ſept", "SIGMA"]:  # the long s matches s ignoring case
        low = fold(text)
        assert low is not None
        assert pat.match(low), text
        assert re.match("s(?:igma|ept)", text, re.IGNORECASE), text
    assert compile_lowered("(?-i:[A-Z])x") is None  # minds case: refused
    assert compile_lowered(r"(a)\1") is None  # a back reference: refused
    assert compile_lowered("(?-i:[A-Z])x", superset=True) is not None


_PIECES = [
    "3 March 2009", "le 1er JANVIER", "3. März 2009", "25.3.2009", "El 3 de Mayo", "ſept",
    "next Week", "MI-2012", "Q3 2012", "the Next DAY", "DU 1ER AU 3 MARS", "en 2010",
    "el año pasado", "Έτος", "İ", "a1", "x", " ", "\n", ", ", "Mai", "mañana", "12", "PM",
]


def _texts() -> list[str]:
    rnd = random.Random(4)
    out = [rule_ex for lang in _LANGS for r in load(lang).rules for rule_ex, _ in r.examples]
    for _ in range(60):
        out.append(" ".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 8))))
    return out


@pytest.mark.parametrize("lang", _LANGS)
def test_a_rule_in_lower_case_finds_what_it_finds_ignoring_case(lang: str) -> None:
    g = load(lang)
    texts = [t for t in _texts() if fold(t) is not None]
    for i in range(len(g.rules)):
        lowered = g.bare_lowered(i)
        if lowered is None:
            continue
        plain = g.bare(i)
        for text in texts:
            low = fold(text)
            assert low is not None
            for s in range(len(text)):
                a, b = plain.match(text, s), lowered.match(low, s)
                assert (a is None) == (b is None), (g.rules[i].name, text, s)
                if a is not None and b is not None:
                    assert a.regs == b.regs, (g.rules[i].name, text, s)


def _pair_at(text: str, s: int) -> tuple[str, str]:
    """The (first, second) token keys of the text at token start ``s``, as the scan reads them."""
    low = fold(text)
    assert low is not None
    tok = finder._TOKEN.match(low, s)
    assert tok is not None
    first = finder._key_lowered(tok.group(), low, tok.end())
    nxt = finder._TOKEN.search(low, tok.end())
    second = "\x02" if nxt is None else finder._key_lowered(nxt.group(), low, nxt.end())
    return first, second


@pytest.mark.parametrize("lang", _LANGS)
def test_every_match_opens_with_a_pair_of_its_rule(lang: str) -> None:
    g = load(lang)
    texts = [t for t in _texts() if fold(t) is not None]
    for i, rule in enumerate(g.rules):
        pairs = first_pairs(rule.pattern)
        if pairs is None:
            continue
        single = g.single(i)
        for text in texts:
            for m in finder._TOKEN.finditer(text):
                if single.match(text, m.start()) is None:
                    continue
                first, second = _pair_at(text, m.start())
                assert (first, ANY_NEXT) in pairs or (first, second) in pairs, (
                    rule.name, text, m.start(), first, second
                )


def test_a_pair_key_narrows_the_rules() -> None:
    g = load("es")
    every = g.rules_for("el$")
    narrowed = g.rules_for("el$" + PAIR + "año")
    assert set(narrowed) < set(every)
    assert len(narrowed) * 4 < len(every)
    assert list(narrowed) == sorted(narrowed)  # still in priority order


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=10),
    st.sampled_from(["en", "fr", "de", "es"]),
)
def test_the_scan_finds_the_same_on_the_text_and_without_lower_casing(
    pieces: list[str], lang: str
) -> None:
    text = " ".join(pieces)
    g = load(lang)
    g.scanned = 10**9  # past LOWERED_AFTER: lower-cased
    got = finder.scan(g, text)
    real = finder.fold
    try:
        finder.fold = lambda t: None  # type: ignore[assignment]
        plain = finder.scan(g, text)
    finally:
        finder.fold = real
    assert got == plain
