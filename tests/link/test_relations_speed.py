"""find_relations reads cues only near the acts a text names, and finds exactly what a search
of the whole text finds (timeline.link.acts._cues against pattern.finditer)."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.link import acts, resources
from timeline.link.acts import _cue_windows, _cues, _in_windows, _plain

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "sources"
DEV = ROOT / ".." / "shared" / "corpus" / "dev"


def _whole(pattern: regex.Pattern[str], text: str, windows: list[tuple[int, int]]) -> list:
    """What the cue search must give: finditer over the whole text, kept in the windows."""
    return [m.span() for m in pattern.finditer(text) if _in_windows(m.end(), windows)]


def _texts() -> list[str]:
    out = []
    for folder in (DEV, SOURCES):
        if folder.is_dir():
            out += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    return out


def _rules() -> list[resources.RelationRule]:
    return list(resources.load().relations)


def test_every_shipped_cue_pattern_is_read_in_windows() -> None:
    # a rule whose pattern is not plain would be read over the whole text: none is today
    assert [r.name for r in _rules() if not _plain(r.pattern.pattern)] == []


@pytest.mark.parametrize(
    "source",
    [
        r"\bfoo.bar\b",  # any character
        r"\bfoo\d+\b",  # digits
        r"\bfoo[^x]\b",  # a negated class
        r"\bfoo[a-z]\b",  # a range
        r"\bfo{1,2}\b",  # a counted repeat holds a comma
        r"\bfoo$",  # the end of the text reads otherwise than a stop
        r"\bfoo\W",
        r"\bfoo\p{P}",
        r"\bfoo\x2e",
        r"\bfoo[.]",
        r"\bfoo\.",
        r"(?P<a>foo)\g<a>",
    ],
)
def test_patterns_that_may_consume_a_stop_are_read_whole(source: str) -> None:
    assert not _plain(source)


def test_windows_merge_and_hold_the_ends_before_each_act() -> None:
    windows = _cue_windows([10, 50, 300])
    assert windows == [(0, 50), (240, 300)]
    assert _in_windows(0, windows) and _in_windows(50, windows) and _in_windows(240, windows)
    assert not _in_windows(51, windows) and not _in_windows(301, windows)


def test_cues_near_acts_of_the_real_texts_are_finditers() -> None:
    texts = _texts()
    if not texts:
        pytest.skip("no texts")
    checked = found = 0
    for text in texts:
        starts = [m.start for m in acts.find_acts(text)]
        # the windows of the acts named, and windows every 150 characters (most cues)
        for windows in (_cue_windows(starts), _cue_windows(list(range(0, len(text), 150)))):
            for rule in _rules():
                got = [m.span() for m in _cues(rule.pattern, text, windows)]
                assert got == _whole(rule.pattern, text, windows), (rule.name, text[:60])
                checked += 1
                found += len(got)
    assert checked > 1000 and found > 40  # the comparison saw real cues


_TOKENS = [
    "repealing", "repeals", "to", "repeal", "replaced", "by", "Repealed", "implementing",
    "laying down rules for the application of", "zur", "Ersetzung", "ersetzt", "durch",
    "uchylając", "uchylającą", "uchyla", "zmieniając2", "abrogée", "abrogées", "par",
    "portant", "modalités", "d’", "d'", "exécution", "de", "por", "la", "que", "se", "deroga",
    "om", "ændring", "af", "tot", "wijziging", "van", "che", "abroga", "kterou", "zrušuje",
    "Directive 2011/93/EU", "Framework Decision 2004/68/JHA", "32004F0068", "COM(2010) 94",
    "Regulation (EU) 2016/679", "the", "Council", ".", ",", ";", "/", ":", "(", ")", "7",
    "2004", "x", "_", "REPEALING", "repealİng", "ERSETZT", "Ersetzung", "ÄNDERT", "ſ",
    "İ", "MODIFİCA", "transposİtion of",
]  # fmt: skip
_SEPARATORS = ["", " ", "  ", "\n", " \n  ", "\t", ".", ", ", "/"]


@st.composite
def _synthetic(draw: st.DrawFn) -> tuple[str, list[int]]:
    parts = draw(st.lists(st.tuples(st.sampled_from(_TOKENS), st.sampled_from(_SEPARATORS))))
    text = "".join(t + s for t, s in parts)
    starts = draw(st.lists(st.integers(0, max(0, len(text))), max_size=6))
    return text, sorted(set(starts))


@settings(max_examples=300, deadline=None)
@given(_synthetic())
def test_cues_of_synthetic_texts_are_finditers(case: tuple[str, list[int]]) -> None:
    text, extra = case
    starts = sorted({m.start for m in acts.find_acts(text)} | set(extra))
    windows = _cue_windows(starts)
    for rule in _rules():
        got = [m.span() for m in _cues(rule.pattern, text, windows)]
        assert got == _whole(rule.pattern, text, windows), rule.name


def test_a_text_naming_no_act_states_no_relation() -> None:
    from timeline.model import Document

    doc = Document(path="x.txt", text="This act repealing the old rules. " * 50, language="en")
    assert acts.find_relations(doc) == []


def test_a_cue_far_from_the_previous_act_is_still_found() -> None:
    from timeline.model import Document

    filler = "The rules apply to all Member States and their authorities. " * 40
    text = (
        "Council Directive 2011/93/EU of 13 December 2011.\n"
        + filler
        + "\nRegulation (EU) 2016/679 repealing Directive 95/46/EC applies."
    )
    doc = Document(path="x.txt", text=text, language="en")
    rels = acts.find_relations(doc)
    assert [(r.source, r.relation, r.target) for r in rels] == [
        ("32016R0679", "repeals", "31995L0046")
    ]


# --- act mentions: a pattern is read only when the text holds its leading word ----------------


def _acts_by_every_pattern(text: str) -> tuple[acts.ActMention, ...]:
    """find_acts as it was: every rule's pattern read over the whole text."""
    res = resources.load()
    found = []
    for order, rule in enumerate(res.acts):
        for m in rule.pattern.finditer(text):
            celex = acts.fill_celex(rule.celex, m)
            if celex:
                mention = acts.ActMention(
                    m.start(), m.end(), m.group(0), celex, rule.kind, rule.name
                )
                found.append((m.start(), -(m.end() - m.start()), order, mention))
    for m in res.celex.finditer(text):
        mention = acts.ActMention(
            m.start(), m.end(), m.group(0), m.group("celex"), "celex", "common:celex"
        )
        found.append((m.start(), -(m.end() - m.start()), len(res.acts), mention))
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    out, last_end = [], -1
    for _, _, _, mention in found:
        if mention.start >= last_end:
            out.append(mention)
            last_end = mention.end
    return tuple(out)


def test_act_mentions_of_the_real_texts_are_those_of_every_pattern() -> None:
    texts = _texts()
    if not texts:
        pytest.skip("no texts")
    total = 0
    for text in texts:
        expected = _acts_by_every_pattern(text)
        assert acts._find_acts.__wrapped__(text) == expected
        total += len(expected)
    assert total > 100


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Directive 2011/93/EU",
                "DIRECTIVE 95/46/EC",
                "directİve 2011/93/EU",
                "İ",
                "Rahmenbeschluss 2004/68/JI",
                "RAHMENBESCHLUSS",
                "Maßnahme",
                "MASSNAHME",
                "gemeinsame Maßnahme 97/154/JI",
                "GEMEINSAME MASSNAHME 97/154/JI",
                "décision-cadre 2004/68/JAI",
                "DÉCISION-CADRE 2004/68/JAI",
                "COM(2010) 94",
                "KOM(2010) 94",
                "32004F0068",
                "směrnice 2011/93/EU",
                "SMĚRNICE (EU) 2016/680",
                "Framework Decision 2004/68/JHA",
                "decision 2000/375/JHA",
                "ſ",
                "K",
                " ",
                "\n",
                "of the Council",
                "/",
                "2004",
                "Regulation (EC) No 1049/2001",
            ]  # fmt: skip
        ),
        max_size=12,
    )
)
def test_act_mentions_of_synthetic_texts_are_those_of_every_pattern(parts: list[str]) -> None:
    text = " ".join(parts)
    assert acts._find_acts.__wrapped__(text) == _acts_by_every_pattern(text)


@pytest.mark.parametrize(
    ("source", "word"),
    [
        (r"(?i:framework\s+decision)\s+(?P<year>\d{4})", "framework"),
        (r"(?<![Ff]ramework\s)(?i:decision)\s+\d", "decision"),
        (r"\bKOM\s*\(", "KOM"),
        (r"(?i:gemeinsamen?\s+maßnahme)", "gemeinsame"),
        (r"(?i:dir(?:e|ec)tiva)\s+\d", "dir"),
        (r"(?i:décision-cadre)\s+\d", "décision-cadre"),
        (r"(?i:framework|joint)\s+\d", None),  # an alternative in the opening group
        (r"framework\s+\d|joint", None),  # an alternative at the top
        (r"(?i:ab)\s+\d", None),  # too short
        (r"(?P<year>\d{4})/JHA", None),
        (r"(?x)framework \s+ \d", None),
        (r"(?:framework)?\s+decision", None),  # an optional opening group
        (r"(?i:framework\s+decision)*\s+\d", None),
        (r"(?i:framework\s+decision)+\s+\d", None),  # repeated: not sure enough
    ],
)
def test_leading_words_are_read_off_the_pattern(source: str, word: str | None) -> None:
    assert acts._leading_word(regex.compile(source, resources._FLAGS)) == word


def test_the_cases_a_pattern_matches_for_a_letter_are_the_engines() -> None:
    # the letters of every leading word and cue word: each character the engine matches in
    # their place is one of the cases the prefilters know (one they did not could hide a match)
    res = resources.load()
    words = acts._leading_words(res.acts)
    letters = sorted({c for w in words.of if w for c in w})
    letters += sorted(
        {c for r in res.relations for w in acts._cue_words(r.pattern) or () for c in w}
    )
    flags = res.acts[0].pattern.flags
    cases = acts._all_cases(flags)
    assert cases is not None
    everything = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    for letter in letters:
        matched = {m.group() for m in regex.finditer(regex.escape(letter), everything, flags)}
        assert matched <= set(cases(letter)), letter
    assert "İ" in words.unsure  # matched for "i", folded otherwise


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (r"\b(?:repealing|repeals|to\s+repeal)\b", {"repealing", "repeals", "repeal"}),
        (r"\b(?:zur\s+Ersetzung|ersetzt(?!\s+durch))\b", {"ersetzung", "ersetzt"}),
        (r"\b(?:que\s+transp[õo]e|transposição\s+da)\b", {"transp", "transposição"}),
        (r"\b(?:uchylając\w*|uchyla)\b", {"uchylając", "uchyla"}),
        (r"\b(?:abrogée?s?\s+par)\b", {"abrogé"}),
        (r"\b(?:to|a)\b", {"to", "a"}),
        (r"\b(?:foo|\s+)\b", None),  # a branch without a letter
        (r"\b(?:x?y?)\b", None),
        (r"\bfoo.bar\b", None),  # not plain
    ],
)
def test_cue_words_are_read_off_the_pattern(source: str, words: set[str] | None) -> None:
    found = acts._cue_words(regex.compile(source, resources._FLAGS))
    assert (set(found) if found is not None else None) == words
