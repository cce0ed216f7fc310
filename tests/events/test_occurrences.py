"""A document's table of literal occurrences (``DocText.occurrences``) is the same whether its
tokens are new to the lexicon's memo, known, or the memo is cleared while the document is read:
the memo only saves work (issue 8: a fresh document's new tokens are looked up without a Python
loop over every token)."""

from __future__ import annotations

import re

import pytest

from timeline.events import prefilter
from timeline.events.prefilter import DocText, PatternSet, fold

_PATTERNS = [
    re.compile(r"adopt(?:ed|ion)"),
    re.compile(r"(?i)entr\w+ into force"),
    re.compile(r"Council"),
    re.compile(r"(?i)règlement"),
]
_TEXT = (
    "The Council adopted the Règlement on 3 May.\n"
    "Entry into FORCE: 12 June; the REGLEMENT's adoption (Council-decision) — adopted, "
    "readopted and re-adopted; ENTRÉE into force; council COUNCIL\tCouncil\u00a0Councils x"
)


def _expected(text: str, pset: PatternSet, domain: str) -> list[tuple[int, int, int]]:
    """Every occurrence of each literal inside each whitespace-delimited token, by brute force."""
    lexicon = prefilter._lexicon(domain)
    out: list[tuple[int, int, int]] = []
    for tok in re.finditer(r"\S+", text):
        word = tok.group()
        folded = fold(word)
        assert folded is not None
        for (literal, is_folded), lid in lexicon.ids.items():
            hay = folded if is_folded else word
            at = hay.find(literal)
            while at >= 0:
                out.append((tok.start() + at, tok.start() + at + len(literal), lid))
                at = hay.find(literal, at + 1)
    return sorted(out)


def _table(text: str, domain: str) -> list[tuple[int, int, int]]:
    occ = DocText(text, domain).occurrences(domain)
    assert occ is not None
    got = list(zip(occ.starts, occ.ends, occ.ids, strict=True))
    assert got == sorted(got)  # in text order already
    return got


@pytest.mark.parametrize("memo_words", [200_000, 3])
def test_occurrences_same_for_new_known_and_forgotten_tokens(
    memo_words: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    domain = f"test-occurrences-{memo_words}"
    pset = PatternSet.of(_PATTERNS, domain=domain)
    assert pset.by_literal  # the patterns have literals to look up
    monkeypatch.setattr(prefilter, "MEMO_WORDS", memo_words)  # 3: cleared within a document
    expected = _expected(_TEXT, pset, domain)
    assert expected  # the text holds some
    assert _table(_TEXT, domain) == expected  # every token new
    assert _table(_TEXT, domain) == expected  # every token known (or forgotten again)
    shifted = _TEXT.replace("3 May", "30 Mayo") + " adoptedx Councilor"
    assert _table(shifted, domain) == _expected(shifted, pset, domain)  # a few new ones
