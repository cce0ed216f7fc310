"""What a reference rule needs (timeline.load.needs): a text without it has no match, so the
search is skipped without changing what is found."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.load import metadata
from timeline.load._data import reference_rules
from timeline.load.needs import FOLD_SAFE, Needs, fold_case, needs

DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev"
HOLDOUT = Path(__file__).resolve().parents[1] / "gold" / "holdout"


def test_words_and_runs_are_read_from_the_pattern() -> None:
    press = needs(r"(?<![\w/])(?P<series>IP|MEMO)/(?P<year>\d{2})/(?P<n>\d{1,5})(?![\w/])")
    assert press.words == ("IP", "MEMO")
    assert press.absent("MEMO 09/342 and ip/09/342") is False  # "MEMO" is there: searched
    assert press.absent("Memo 09/342") is True
    celex = needs(r"(?<![\w])(?:CELEX[:\s]*)?(?P<c>[0-9][0-9]{4}[A-Z]{1,2}[0-9]{4})(?![\w])")
    assert celex.words == () and celex.run is not None
    assert celex.run.pattern == "[0-9][0-9][0-9][0-9][0-9][A-Z]"
    assert celex.absent("CELEX 3201 6R0679") and not celex.absent("see 32016R0679.")
    # \d-only or optional parts: nothing is needed, the rule is always searched
    assert needs(r"(?:COM)?\d{4}") == Needs()
    # ignoring case: the literal runs, in the text lower-cased ("İ" and "ſ" as "i" and "s")
    label = needs(r"(?im)^(?:Referenz|Kenmerk|Ref\.)[ \t]*:(?P<r>\w+)")
    assert label == Needs(words=("kenmerk", "ref.", "referenz"), folded=True)
    assert label.absent("Reference 12") and not label.absent("KENMERK: 1")
    assert not label.absent("REF.: 1") and not label.absent("ReferenZ")
    assert not needs(r"(?i)rİf").absent("RİF") and not needs(r"(?i)rif").absent("RİF")
    assert not needs(r"(?i)res").absent("REſ")
    # a literal with a character whose case-insensitive matches are not checked: nothing needed
    assert needs(r"(?i)straße") == Needs()
    assert not Needs().absent("")
    # a branch that ignores case tells nothing: the "/" alone is left
    assert needs(r"(?P<y>\d{4})/(?:(?i:cod)|CNS)") == Needs(words=("/",))


_PIECES = [
    "IP/09/342", "MEMO/10/1", "COM(2010) 94 final", "SEC (2009) 355", "2009/0012(COD)",
    "COD 2011/0901", "32016R0679", "CELEX:32002F0584", "2009/C 123/04", "Reference: ABC/12",
    "Kenmerk: 2021-0042", "Ref. X-1/2", "\n", " ", "(", ")", "/", "2009", "C", "final", "the",
    "REFERENCIA: AB-1/2", "RİFERIMENTO: X/1", "rÉfÉrence:", "KENMERK:", "reF.", "REFERENZ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.data())
def test_a_rule_matches_only_where_its_needs_are_present(pieces: list[str], data: st.DataObject) -> None:
    sep = data.draw(st.sampled_from(["", " ", "\n"]))
    text = sep.join(pieces)
    for rule in reference_rules():
        if rule.pattern.search(text) is not None:
            assert not rule.needs.absent(text), (rule.name, text)


def test_every_example_has_what_its_rule_needs() -> None:
    for rule in reference_rules():
        for text, _ in rule.examples:
            assert not rule.needs.absent(text), (rule.name, text)
        assert rule.needs != Needs() or rule.name in ("labelled",), rule.name


@pytest.mark.parametrize("folder", [DEV, HOLDOUT], ids=["dev", "holdout"])
def test_references_found_are_those_of_a_search_of_every_rule(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    assert texts
    fast = [metadata.find_reference(t) for t in texts]
    monkeypatch.setattr(Needs, "absent", lambda self, text: False)
    assert fast == [metadata.find_reference(t) for t in texts]
    assert sum(1 for f in fast if f) >= 3


def test_folded_characters_are_matched_ignoring_case_only_by_what_folds_to_them() -> None:
    """Every code point that ``regex`` matches case-insensitively to a character of
    FOLD_SAFE folds to that character's lower case: a folded text without a needed run has no
    case-insensitive match of it."""
    import regex

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    for ch in sorted(FOLD_SAFE):
        pattern = regex.compile("(?i)" + regex.escape(ch), regex.VERSION0)
        for found in set(pattern.findall(every)):
            assert fold_case(found) == ch.lower(), (ch, hex(ord(found)))
