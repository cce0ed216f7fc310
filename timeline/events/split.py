"""Split a text into sentence units with exact spans, robust to the texts policy pages are.

The rules, in order:

1. A blank line ends a unit.
2. A line break ends a unit when the line before ends a sentence (``. ! ? : ;``) or is a
   heading-like line and the next line starts like a new one (capital, digit, bullet), and
   always before a bullet or a line that starts with a date followed by text (a table row).
   A line that is only a date opens a record ("2010/05/11" then "EP - Committee referral"),
   unless the next line goes on with punctuation (a sentence broken around its date:
   "Le\\n24 février 1997\\n, le Conseil a adopté").
3. Inside a line, ``. ! ?`` followed by space and a capital ends a sentence, except after an
   abbreviation ("Art. 3", "No. 5", "p. 1", listed in ``resources/common/split.toml``), a single
   capital (an initial), or inside a number ("17.12.2011").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

from timeline.events.resources import common

_BULLET = re.compile(r"^[ \t]*(?:[-–—•·▪●*]|\(\d+\)|\[\d+\]|\d+\.\s|[a-z]\)\s)")
#: What the first non-blank character of a line :data:`_BULLET` matches must be, besides a
#: decimal digit and a letter a-z: a line whose first non-blank character is none of them is
#: no bullet (a blank other than space or tab before it fails the match too), so the pattern
#: is not run on it
_BULLET_FIRST = frozenset("-–—•·▪●*([")
_TERMINAL = re.compile(r"[.!?:;»”\"')]\s*$")
#: Longest unit: a longer run of text with no sentence break (a table flattened into one line,
#: noise) is cut at a space before this, so that work per event stays bounded.
MAX_UNIT = 3000
_WORD_BEFORE = re.compile(r"([\w.ºª°]+)$")
_SPACE_DIGIT = re.compile(r"\s+\d")
_SHORT_WORD_END = re.compile(r"(?:^|\s)[^\W\d_]{1,3}$")
#: the characters after which _TERMINAL finds a line's end
_TERMINAL_CHARS = frozenset(".!?:;»”\"')")
#: _WORD_BEFORE read backwards: the word before a dot is the reversed run this matches at the
#: start of the reversed text (one anchored match instead of a search from every character)
_WORD_REVERSED = re.compile(r"[\w.ºª°]+")


def _ends_terminal(stripped: str) -> bool:
    r"""``_TERMINAL.search(stripped)`` for a right-stripped line: its last character closes a
    sentence (``\s*$`` finds no blank after it)."""
    return stripped[-1:] in _TERMINAL_CHARS


def _short_word_end(stripped: str) -> bool:
    """``_SHORT_WORD_END.search(stripped)`` for a right-stripped line: its last word (what
    follows its last blank) is one to three letters."""
    if not stripped:
        return False
    tail = stripped.rsplit(None, 1)[-1]
    return len(tail) <= 3 and all(c.isalnum() and not c.isdecimal() and c != "_" for c in tail)


def _word_before(text: str) -> str:
    """``_WORD_BEFORE.search(text).group(1)``, else "": the run of word characters and dots
    that ends ``text`` (``$`` also matches before a final line break)."""
    if text.endswith("\n"):
        text = text[:-1]
    m = _WORD_REVERSED.match(text[::-1])
    return m.group()[::-1] if m else ""

_SENT_END = re.compile(r"[.!?](?=[\"'»”’)]*\s+[\"'«“‘(\[]?[A-ZÀ-ÖØ-ÞĀ-ſΆ-ΏΑ-ΩА-ЯЁ0-9])")


class Unit(NamedTuple):
    """A sentence-like unit: ``text[start:end]``.

    An immutable record like the model's frozen dataclasses, but a tuple: a document makes
    dozens of them and a tuple is made several times faster than a frozen dataclass."""

    start: int
    end: int


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(str(a).lower() for a in common("split").get("abbreviations") or ())


def _lines(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The (start, end) of each line of ``text`` (no line after a final line break), and its
    text."""
    pieces = text.split("\n")
    if not pieces[-1]:
        pieces.pop()
    out = []
    pos = 0
    for piece in pieces:
        stop = pos + len(piece)
        out.append((pos, stop))
        pos = stop + 1
    return out, pieces


def _near(timexes: Sequence[tuple[int, int]], s: int, e: int) -> Sequence[tuple[int, int]]:
    """The (sorted) time expression spans that start inside ``[s, e)``."""
    lo = bisect.bisect_left(timexes, (s, -1))
    hi = bisect.bisect_left(timexes, (e, -1))
    return timexes[lo:hi]


def _is_date_only(text: str, span: tuple[int, int], timexes: Sequence[tuple[int, int]]) -> bool:
    s, e = span
    timexes = _near(timexes, s, e)
    if not timexes:
        return False  # no date starts on the line
    stripped = text[s:e].strip(" \t\r")
    if not stripped:
        return False
    lead = s + (len(text[s:e]) - len(text[s:e].lstrip(" \t\r")))
    for ts, te in timexes:
        if s <= ts <= lead + 1 and te >= lead + len(stripped) - 2 and te <= e:
            return True
    return False


def _starts_with_date(text: str, span: tuple[int, int], timexes: Sequence[tuple[int, int]]) -> bool:
    s, e = span
    timexes = _near(timexes, s, e)
    if not timexes:
        return False  # no date starts on the line
    lead = s + (len(text[s:e]) - len(text[s:e].lstrip(" \t\r")))
    return any(ts == lead and te < e - 3 for ts, te in timexes)


def _split_sentences(
    text: str,
    start: int,
    end: int,
    spans: Sequence[tuple[int, int]] = (),
    first: int | None = None,
) -> list[Unit]:
    """The sentences of ``text[start:end]``; ``first``: where the first sentence end of that
    window is, when the caller searched for it already (the scan goes on from there: the same
    matches, since none lies before it)."""
    units: list[Unit] = []
    pos = start
    abbrev = _abbreviations()
    # spans sorted by start; reach[i] = the furthest end among the first i + 1 spans, so "some
    # span holds this dot" is one bisection, not a scan
    ordered = sorted(spans)
    starts = [ts for ts, _ in ordered]
    reach: list[int] = []
    for _, te in ordered:
        reach.append(max(te, reach[-1]) if reach else te)
    for m in _SENT_END.finditer(text, start if first is None else first, end):
        dot = m.start()
        i = bisect.bisect_right(starts, dot) - 1
        if i >= 0 and dot < reach[i] - 1:
            continue  # never inside a date: "am 24. Februar 1997"
        if text[dot] == ".":
            word = _word_before(text[max(start, dot - 20) : dot]).lower()
            if word in abbrev or (len(word) == 1 and word.isalpha()):
                continue
            if word[-1:].isdigit() and _SPACE_DIGIT.match(text[dot + 1 : dot + 4]):
                continue  # "p. 1" is handled above; "1. 2" is a list or a number
        if dot + 1 - pos > 1:
            units.append(Unit(pos, dot + 1))
        pos = dot + 1
        while pos < end and text[pos].isspace():
            pos += 1
    if pos < end and text[pos:end].strip():
        units.append(Unit(pos, end))
    return units


def split_units(text: str, timex_spans: Sequence[tuple[int, int]] = ()) -> list[Unit]:
    """The sentence units of ``text`` in order, trimmed of surrounding whitespace.

    ``timex_spans`` (start, end of each time expression) lets a line that is only a date, or
    that starts with one, open a record of a table or an event log.
    """
    spans = sorted(timex_spans)
    lines, pieces = _lines(text)
    contents = [piece.strip() for piece in pieces]
    # which lines a time expression starts on (the others are neither dates nor rows)
    dated = [False] * len(lines)
    line_starts = [ls for ls, _ in lines]
    for ts, _te in spans:
        k = bisect.bisect_right(line_starts, ts) - 1
        if k >= 0 and ts < lines[k][1]:
            dated[k] = True
    # group lines into chunks that may hold several sentences
    chunks: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    prev: tuple[int, int] | None = None
    for i, line in enumerate(lines):
        content = contents[i]
        if not content:
            if cur is not None:
                chunks.append(cur)
            cur, prev = None, None
            continue
        if cur is None:
            cur, prev = line, line
            continue
        assert prev is not None
        prev_text = pieces[i - 1].rstrip()  # prev is line i - 1
        first = content[0]
        split = False
        if (first in _BULLET_FIRST or first.isdecimal() or "a" <= first <= "z") and _BULLET.match(
            pieces[i]
        ):
            split = True
        elif dated[i - 1] and _is_date_only(text, prev, spans):  # prev is line i - 1
            split = first not in ",;.)" and not first.islower()
        elif dated[i] and _is_date_only(text, line, spans):
            # the first character of the next line with text ("" after the last)
            k = i + 1
            while k < len(contents) and not contents[k]:
                k += 1
            nxt_first = contents[k][:1] if k < len(contents) else ""
            split = nxt_first not in ",;.)" and not prev_text.endswith(",")
        elif dated[i] and _starts_with_date(text, line, spans):
            # a table row or log line, unless a sentence was broken before its date ("on\n12 May")
            split = not (
                prev_text.endswith(",")
                or _short_word_end(prev_text)
                and prev_text[-1:].islower()
            )
        elif _ends_terminal(prev_text):
            split = not first.islower()
        elif first.isupper() or first.isdigit():
            # a heading-like line ("Key dates", "1.1. Reasons for the proposal") ends a unit,
            # a line broken after an article or preposition ("Les\nÉtats membres") does not
            short_word_end = _short_word_end(prev_text)
            split = not prev_text.endswith(",") and (
                not prev_text[-1:].islower() or (len(prev_text) < 70 and not short_word_end)
            )
        if split:
            chunks.append(cur)
            cur = line
        else:
            cur = (cur[0], line[1])
        prev = line
    if cur is not None:
        chunks.append(cur)
    units: list[Unit] = []
    for s, e in chunks:
        first_end = _SENT_END.search(text, s, e)
        if first_end is None:
            # no sentence ends inside: the chunk is one unit, trimmed
            chunk = text[s:e]
            us = s + len(chunk) - len(chunk.lstrip())
            ue = s + len(chunk.rstrip())
            if ue > us:
                if ue - us <= MAX_UNIT:
                    units.append(Unit(us, ue))
                else:
                    inside = [(ts, te) for ts, te in _near(spans, max(0, s - 200), e) if ts < e and te > s]
                    units.extend(_bounded(text, us, ue, inside))
            continue
        inside = [(ts, te) for ts, te in _near(spans, max(0, s - 200), e) if ts < e and te > s]
        for u in _split_sentences(text, s, e, inside, first_end.start()):
            us, ue = u.start, u.end
            while us < ue and text[us].isspace():
                us += 1
            while ue > us and text[ue - 1].isspace():
                ue -= 1
            if ue - us > MAX_UNIT:
                units.extend(_bounded(text, us, ue, inside))
            elif ue > us:
                units.append(Unit(us, ue))  # what _bounded gives for a unit this short
    return units


def _bounded(
    text: str, start: int, end: int, timexes: Sequence[tuple[int, int]]
) -> list[Unit]:
    """``text[start:end]`` as one unit, or cut at spaces outside a time expression when it is
    longer than :data:`MAX_UNIT`."""
    out: list[Unit] = []
    while end - start > MAX_UNIT:
        cut = text.rfind(" ", start + MAX_UNIT // 2, start + MAX_UNIT)
        while cut > start and any(ts < cut < te for ts, te in _near(timexes, cut - 200, cut)):
            cut = text.rfind(" ", start + MAX_UNIT // 2, cut)
        if cut <= start:
            cut = start + MAX_UNIT  # no space at all: cut anywhere
        out.append(Unit(start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append(Unit(start, end))
    return out
