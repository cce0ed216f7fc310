"""The keyword prefilter of the event stage is exact: skipping the patterns whose literals are
absent from a window, or trying a pattern only where its leading literal occurs, finds exactly
the matches that running every pattern everywhere finds (issue 8: speed, same output)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.events import acts
from timeline.events.prefilter import (
    DocText,
    PatternSet,
    finditer,
    fold,
    leading_literals,
    necessary_literals,
)
from timeline.events.resources import actor_set, event_languages, pack, trigger_set
from timeline.events.split import split_units

DEV = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "dev"
LANGUAGES = event_languages()


def _all_sets() -> list[tuple[str, PatternSet]]:
    out: list[tuple[str, PatternSet]] = []
    for lang in LANGUAGES:
        out.append((f"{lang} triggers", trigger_set(lang)))
        out.append((f"{lang} actors", actor_set(lang)))
        out.append((f"{lang} acts", acts._scan_set(lang)))
    out.append(("procedures", acts._procedure_set()))
    return out


def _literal_chars() -> set[str]:
    chars: set[str] = set()
    for _, pset in _all_sets():
        for needle in pset.needles:
            if needle is not None and needle[1]:  # the literals looked up folded
                chars.update("".join(needle[0]))
    return chars


def test_fold_equates_what_ignorecase_equates() -> None:
    # every character of the basic plane against every character a literal is made of
    plane = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    folded = [fold(c) for c in plane]
    assert fold(plane) is not None and len(fold(plane) or "") == len(plane)
    for lit in sorted(_literal_chars()):
        want = {m.start() for m in re.finditer(re.escape(lit), plane, re.IGNORECASE)}
        got = {i for i, f in enumerate(folded) if f == lit}
        assert got == want, f"{lit!r}: fold and re.IGNORECASE disagree"


@pytest.mark.parametrize(
    ("pattern", "literals"),
    [
        (r"\badopt(?:ed|ion)\b|approv\w*", {"adopt", "approv"}),
        (r"(?-i:COM)\s+\d+", {"COM"}),  # a case-sensitive scope: looked up as written
        (r"vot(?:e|ed)", {"vote"}),
        (r"x[ab]c", {"xac", "xbc"}),
        (r"(?<=force)ce", {"ce"}),  # a lookbehind consumes nothing: its text is not needed
        (r"ab|c", None),  # "c" alone is too short to look up
        (r"(?:de)?fg", {"fg"}),  # an optional part is not needed
        (r"\w+\s+\d", None),
    ],
)
def test_necessary_literals(pattern: str, literals: set[str] | None) -> None:
    got = necessary_literals(re.compile(pattern, re.IGNORECASE))
    assert (got[0] if got else None) == (frozenset(literals) if literals else None)


def test_leading_literals_with_an_offset() -> None:
    got = leading_literals(re.compile(r"(?<![\w/])(?:19|20)?\d{2}/\d+"))
    assert got == (frozenset({"/"}), False, 2, 4)
    assert leading_literals(re.compile(r"\w+/x")) is None  # unbounded before the literal


def test_leading_literals_run_on_across_a_group() -> None:
    # a group that sets no flags matches its contents in place: the run goes on after it
    got = leading_literals(re.compile(r"(?P<court>[CT])[-–]\s?(?P<num>\d{1,4})/"))
    assert got == (frozenset({"C-", "C–", "T-", "T–"}), False, 0, 0)
    # a group that changes the flags still ends the run
    assert leading_literals(re.compile(r"(?i:ab)cd")) == (frozenset({"ab"}), True, 0, 0)


def test_leading_literals_run_on_into_alternatives() -> None:
    # the parser factors "took|take" into "t" and a branch: a pattern set's lead goes on into it
    took = re.compile(r"\b(?:took|take|taking)\s+effect\b", re.IGNORECASE)
    assert leading_literals(took) == (frozenset({"t"}), True, 0, 0)  # (a Searcher's lead)
    assert leading_literals(took, into_branches=True) == (
        frozenset({"took", "take", "taking"}), True, 0, 0
    )
    # an alternative that opens with no literal, or later than its start, ends the run
    assert leading_literals(re.compile(r"ab(?:cd|\w+x)"), into_branches=True) == (
        frozenset({"ab"}), False, 0, 0
    )
    assert leading_literals(re.compile(r"ab(?:cd|.ef)"), into_branches=True) == (
        frozenset({"ab"}), False, 0, 0
    )
    # alternatives under other flags end it too
    assert leading_literals(re.compile(r"ab(?:(?i:cd)|ef)"), into_branches=True) == (
        frozenset({"ab"}), False, 0, 0
    )
    # what used to be a bare letter (never looked up) is now a lead tried where it occurs
    triggers = {t.name: i for i, t in enumerate(pack("en").triggers)}
    lead = trigger_set("en")  # (the necessary literals) and the mixed set the stage uses
    from timeline.events.resources import trigger_lead_set

    mixed = trigger_lead_set("en")
    i = triggers["en:takes_the_chair"]
    assert mixed.offsets[i] == (0, 0) and "took" in (mixed.needles[i] or ((),))[0]
    assert lead.patterns[i] is mixed.patterns[i]
    text = "Ireland took over the Presidency on 1 January 2013. Sweden TAKES over the chair."
    doc = DocText(text)
    from timeline.events.prefilter import window_matches

    got = {k: [m.span() for m in ms] for k, ms in window_matches(mixed, doc, 0, len(text))}
    assert got[i] == [m.span() for m in mixed.patterns[i].finditer(text)] and len(got[i]) == 2


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_act_pattern_has_a_literal_lead(lang: str) -> None:
    # no act pattern is run over the whole text: each is tried only where its literal occurs
    # (the court-case pattern led with a bare "C" or "T", too common to look up)
    pset = acts._scan_set(lang)
    assert not pset.always, [pset.patterns[i].pattern for i in pset.always]


def _windows(text: str) -> list[tuple[int, int]]:
    units = split_units(text)
    spans = [(u.start, u.end) for u in units]
    spans += [(0, len(text)), (0, min(len(text), 200)), (len(text) // 3, len(text))]
    return spans


def _check_windows(text: str, pset: PatternSet) -> None:
    doc = DocText(text)
    index = doc.index(pset)
    for start, end in _windows(text):
        allowed = set(index.candidates(start, end))
        for i, p in enumerate(pset.patterns):
            if i not in allowed:
                hits = [m.span() for m in p.finditer(text, start, end) if m.end() > m.start()]
                assert not hits, f"pattern {p.pattern!r} skipped but matches {hits}"


def _check_scans(text: str) -> None:
    doc = DocText(text)
    for pset in (acts._scan_set("en"), acts._scan_set("fr"), acts._procedure_set()):
        for i, p in enumerate(pset.patterns):
            want = [(m.span(), m.groupdict()) for m in p.finditer(text)]
            got = [(m.span(), m.groupdict()) for m in finditer(pset, i, doc)]
            assert got == want, p.pattern


def _dev_texts() -> list[tuple[str, str]]:
    if not DEV.is_dir():
        pytest.skip(f"the gold dev corpus is not at {DEV.resolve()}")
    out = []
    for path in sorted(DEV.glob("*.txt")):
        lang = path.name[:-4].rsplit("-", 1)[-1]
        out.append((path.read_text(encoding="utf-8"), lang if lang in LANGUAGES else "en"))
    return out


def test_prefilter_exact_on_dev_texts() -> None:
    for text, lang in _dev_texts():
        for pset in (trigger_set(lang), actor_set(lang)):
            _check_windows(text, pset)
        _check_scans(text)


# fragments of real trigger, actor and act phrases, in odd cases and with look-alikes
_FRAGMENTS = [
    "adopted",
    "ADOPTION",
    "entered into force",
    "Entry Into Force",
    "European Parliament",
    "the Council",
    "COUNCIL",
    "Commission",
    "COM(2010) 94 final",
    "KOM(2009)0135",
    "Directive 2011/93/EU",
    "règlement (CE) n° 45/2001",
    "2002/584/JHA",
    "32011L0093",
    "52000PC0854(02)",
    "Case C-293/12",
    "2010/0064(COD)",
    "COD/2010/0064",
    "publié",
    "PUBLIÉ",
    "veröffentlicht",
    "ſigned",  # long s: equal to "s" under re.IGNORECASE
    "İmplementation",  # dotted capital I: lower case "i" for re
    "ΣΥΜΒΟΎΛΙΟ",
    "proposal",
    "opinion",
    "vote",
    "\n",
    "\n\n",
    ". ",
    ", ",
    " ",
    "-",
    "/",
    "(",
    ")",
    "12 May 2011",
    "17.12.2011",
]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=40),
    st.sampled_from(["en", "fr", "de", "el"]),
)
def test_prefilter_exact_on_generated_texts(parts: list[str], lang: str) -> None:
    text = "".join(parts)
    for pset in (trigger_set(lang), actor_set(lang)):
        _check_windows(text, pset)
    _check_scans(text)


def test_find_actors_same_with_and_without_index() -> None:
    from timeline.events.entities import find_actors

    text = (
        "The European Parliament and the Council adopted the act; the European Council and "
        "the Commission (EC) welcomed it. Le Conseil européen et la Commission l'ont salué."
    )
    doc = DocText(text)
    for lang in ("en", "fr"):
        assert pack(lang).actors
        for start, end in _windows(text):
            assert find_actors(text, lang, start, end, doc=doc) == find_actors(
                text, lang, start, end
            )
