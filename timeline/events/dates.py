"""Event dates from TimeML values, and the document's own date read from its text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from timeline.events.prefilter import fold, searcher
from timeline.events.resources import common, compile_pattern, pack
from timeline.model import Timex

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_YEAR = re.compile(r"^(\d{4})$")
#: Years outside this range are placeholders ("31-12-9999") or misreadings, not events.
YEAR_RANGE = (1800, 2100)


@lru_cache(maxsize=65536)
def cut(value: str) -> tuple[str, str] | None:
    """A TimeML value as an event date and its precision, or None when it is not a date.

    ``2009-03-03T10:00`` -> (``2009-03-03``, day); ``2009-03`` -> month; ``2009-Q1`` -> quarter;
    ``2009-H2`` -> half; ``2009`` -> year. Unanchored (``XXXX-03-03``), decades, seasons,
    durations and reference words give None.
    """
    for regex, precision in (
        (_DAY, "day"),
        (_MONTH, "month"),
        (_QUARTER, "quarter"),
        (_HALF, "half"),
        (_YEAR, "year"),
    ):
        m = regex.match(value)
        if m:
            year = int(m.group(1))
            if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
                return None
            date = value[:10] if precision == "day" else value
            return date, precision
    return None


def bounds(date: str, precision: str) -> tuple[str, str]:
    """First and last day (ISO) of a date at its precision."""
    import calendar

    y = int(date[:4])
    if precision == "day":
        return date, date
    if precision == "month":
        m = int(date[5:7])
        return f"{y:04d}-{m:02d}-01", f"{y:04d}-{m:02d}-{calendar.monthrange(y, m)[1]:02d}"
    if precision == "quarter":
        q = int(date[-1])
        m1, m2 = 3 * q - 2, 3 * q
        return f"{y:04d}-{m1:02d}-01", f"{y:04d}-{m2:02d}-{calendar.monthrange(y, m2)[1]:02d}"
    if precision == "half":
        h = int(date[-1])
        return (
            (f"{y:04d}-01-01", f"{y:04d}-06-30") if h == 1 else (f"{y:04d}-07-01", f"{y:04d}-12-31")
        )
    return f"{y:04d}-01-01", f"{y:04d}-12-31"


@dataclass(frozen=True, slots=True)
class DocDate:
    """The document's own date, the time expression that gave it and the shape it had."""

    date: str
    timex: Timex
    kind: str  # dateline | press_header | oj_header | oj_reference | date_line


@cache
def _common_patterns() -> dict[str, re.Pattern[str]]:
    pats = common("document").get("patterns") or {}
    blocks = {"label": "\x00"}  # the number itself, put in place of a placeholder character
    return {
        str(k): compile_pattern(str(v), blocks, flags=re.MULTILINE | re.IGNORECASE)
        for k, v in pats.items()
    }


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    return ls, (len(text) if le < 0 else le)


#: A line (as ``str.splitlines`` cuts them) with some text on it: a line break or the start,
#: blanks that break no line, then a non-blank character.
_LINE_WITH_TEXT = re.compile(
    r"(?:\A|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029])"
    r"[^\S\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]*\S"
)
_NONSPACE = re.compile(r"\S")
_NOT_NEWLINE = re.compile(r"[^\n]")
_PLACE_BEFORE = re.compile(r"(?-i:[ \t]*[A-ZÀ-Þ][\w’'.-]+[ \t]+[a-zà-ÿ]{2,4}[ \t]+)")
_PLACE_COMMA = re.compile(r"(?-i:\b[A-ZÀ-Þ][\w’'.-]+), ?(?:\w{1,4} )?$")
_LETTER = re.compile(r"[^\W\d_]")


#: How many characters :func:`_nonempty_lines_before` reads first (then four times more).
_LINES_CHUNK = 2048


def _nonempty_lines_before(text: str, pos: int, limit: int | None = None) -> int:
    """How many lines of ``text[:pos]`` hold text; counting stops past ``limit`` (at
    ``limit + 1``): what counting the matches of ``_LINE_WITH_TEXT`` gives.

    ``str.splitlines`` cuts lines in C where the pattern, having no literal to scan for, is
    tried at every character of a long line. Lines are counted in a growing head of the text,
    so that the work stays bounded by the ``limit + 1`` lines read: a head cut inside a line
    counts that line's start, which holds text only if the whole line does, so a count past
    ``limit`` in a head is past it in the whole."""
    size = _LINES_CHUNK
    while True:
        stop = pos if limit is None else min(pos, size)
        count = 0
        for line in text[:stop].splitlines():
            if line and not line.isspace():
                count += 1
                if limit is not None and count > limit:
                    return count
        if stop >= pos:
            return count
        size *= 4


#: How far into a text the header of a document (its date line, OJ reference) may be found.
HEADER_CHARS = 800


#: How many non-empty lines of a page's header (menus, breadcrumbs, share buttons) may precede
#: its own date line.
PAGE_HEAD_LINES = 20


def _starts_line(text: str, t: Timex) -> bool:
    """Whether a full date opens its line ("2010/03/29 Legislative proposal published")."""
    got = cut(t.value) if t.value else None
    return (
        got is not None
        and got[1] == "day"
        and not text[text.rfind("\n", 0, t.start) + 1 : t.start].strip()
    )


def _lone_date(text: str, t: Timex, tail: re.Pattern[str]) -> bool:
    """Whether a full date stands alone on its line (a clock time may follow) as a stamp does."""
    got = cut(t.value) if t.value else None
    if got is None or got[1] != "day" or "\n" in t.text or not t.text[:1].isdigit():
        return False
    ls, le = _line_bounds(text, t.start, t.end)
    if text[ls : t.start].strip() or not tail.fullmatch(text[t.end : le]):
        return False
    # the rest of the text after its line breaks, without copying it
    first = _NOT_NEWLINE.search(text, le)
    if first is not None and first.group() in (" ", "\t"):
        return False  # an indented line under the date: the details of a dated list item
    after = _NONSPACE.search(text, le)
    nxt = after.group() if after is not None else ""
    # the next line does not carry on the sentence (", le Conseil a adopté")
    return not nxt or not (nxt.islower() or nxt in ",.;:)")


def find_document_date(text: str, language: str, timexes: Sequence[Timex]) -> DocDate | None:
    """The document's own date as read from its text, with the shape that gave it."""
    p = pack(language)
    cp = _common_patterns()
    candidates: list[tuple[int, int, DocDate]] = []
    counts: dict[str, int] = {}  # lone and line-opening dates of the page, counted once

    def count(kind: str) -> int:
        if kind not in counts:
            if kind == "lone":
                counts[kind] = sum(1 for o in timexes if _lone_date(text, o, cp["clock_tail"]))
            else:
                counts[kind] = sum(1 for o in timexes if _starts_line(text, o))
        return counts[kind]

    # each shape's pattern and its searcher, looked up once per document, not once per date
    prefix = p.patterns.get("dateline_prefix")
    suffix = p.patterns.get("dateline_suffix")
    published = p.patterns.get("page_published")
    label = p.patterns.get("press_label")
    stamp = p.patterns.get("page_stamp")
    oj = p.patterns.get("oj")
    prefix_s = None if prefix is None else searcher(prefix)
    suffix_s = None if suffix is None else searcher(suffix)
    published_s = None if published is None else searcher(published)
    label_s = None if label is None else searcher(label)
    stamp_s = None if stamp is None else searcher(stamp)
    oj_s = None if oj is None else searcher(oj)
    press_s = searcher(cp["press_header"])
    # the best rank (0) at the earliest start wins: once one is found, a date starting at or
    # after it cannot win (an equal start loses to the one found first), so it is not read
    first = len(text) + 1
    for t in timexes:
        if t.start >= first:
            continue
        got = cut(t.value) if t.value else None
        if got is None or got[1] != "day":
            continue
        date = got[0]
        ls, le = _line_bounds(text, t.start, t.end)
        before, after = text[ls : t.start], text[t.end : le]
        # the text before the date folded once for the searches of it (a searcher folds the
        # text it is given; its result is the same given the fold)
        folded_before = fold(before)
        if t.start < 3000 and prefix_s is not None and prefix_s.search(before, folded_before):
            candidates.append((0, t.start, DocDate(date, t, "dateline")))
            first = min(first, t.start)
            continue
        if (
            t.start < 3000
            and not after.strip()
            and _PLACE_BEFORE.fullmatch(before)
        ):
            # "Bryssel den 25 januari 2012", "Bruxelles le 6 mai 2008": a place and the date
            candidates.append((0, t.start, DocDate(date, t, "dateline")))
            first = min(first, t.start)
            continue
        if t.start < 3000 and suffix_s is not None and not before.strip() and suffix_s.search(after):
            candidates.append((0, t.start, DocDate(date, t, "placed_date")))
            first = min(first, t.start)
            continue
        if (
            t.start < 600
            and published_s is not None
            and not after.strip(" \t.")
            and published_s.search(before, folded_before)
        ):
            candidates.append((1, t.start, DocDate(date, t, "press_header")))
            continue
        if (
            t.start < 600
            and not after.strip(" \t.")
            and _PLACE_COMMA.search(before)
            and prefix is not None
        ):
            # "PERSMEDEDELING 2874e zitting van de Raad Milieu Luxemburg, 5 juni 2008"
            candidates.append((0, t.start, DocDate(date, t, "dateline")))
            first = min(first, t.start)
            continue
        if (
            t.start < 3000
            and label_s is not None
            and not after.strip(" \t-–|,:0123456789")
            and label_s.search(text[max(0, ls - 80) : t.start])
        ):
            candidates.append((1, t.start, DocDate(date, t, "press_header")))
            continue
        if t.start < 3000 and press_s.search(before, folded_before):
            candidates.append((1, t.start, DocDate(date, t, "press_header")))
            continue
        if stamp_s is not None and not after.strip(" \t.") and stamp_s.search(before, folded_before):
            # "Cette page a été générée le 30 décembre 2015": the page says when it was made
            candidates.append((1, t.start, DocDate(date, t, "page_stamp")))
            continue
        if (
            oj_s is not None
            and not before.strip()
            and cp["oj_running"].match(after)
            and oj_s.search(after)
        ):
            # "4.5.2016 L 119/86 Official Journal of the European Union EN": a page's OJ header
            candidates.append((2, t.start, DocDate(date, t, "oj_header")))
            continue
        if not before.strip() and not after.strip() and oj_s is not None:
            below = text[t.end : t.end + 200]
            if _nonempty_lines_before(text, t.start, 2) <= 2 and (
                oj_s.search(below) or searcher(cp["oj_series"]).search(below)
            ):
                candidates.append((2, t.start, DocDate(date, t, "oj_header")))
                continue
        if (
            oj is not None
            and oj_s is not None
            and t.start < HEADER_CHARS
            and not oj_s.excludes(before, folded_before)
        ):
            m = next(iter(reversed(list(oj.finditer(before)))), None)
            if m is not None and len(before) - m.end() < 45 and not searcher(cp["footnote"]).search(
                before, folded_before
            ):
                candidates.append((3, t.start, DocDate(date, t, "oj_reference")))
                continue
        if (
            not before.strip()
            and not after.strip()
            and t.start < 1500
            and _LETTER.search(t.text)
        ):
            prev_line = text[:ls].rstrip()
            prev_last = prev_line.splitlines()[-1].strip() if prev_line else ""
            after_line = _NONSPACE.search(text, le)
            nxt = after_line.group() if after_line is not None else ""
            if (not prev_last or prev_last[-1] in ".:;!?") and (nxt.isupper() or not nxt):
                candidates.append((4, t.start, DocDate(date, t, "date_line")))
                continue
        if (
            _lone_date(text, t, cp["clock_tail"])
            and _nonempty_lines_before(text, t.start, PAGE_HEAD_LINES) <= PAGE_HEAD_LINES
            and count("lone") == 1
            and count("starts_line") == 1
        ):
            # a news page's own date alone on a line of its header ("21.01.2022",
            # "19-10-2022 - 13:14", "26. Januar 2022"): the only such line of the page, not
            # one of a list of dated steps
            candidates.append((5, t.start, DocDate(date, t, "page_date")))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (c[0], c[1]))
    return candidates[0][2]


def document_date(text: str, language: str, timexes: Sequence[Timex]) -> str | None:
    """The document's OWN date from its text, or None when the text does not show one.

    Read from a date line ("Bruxelles, le 3 mars 2009", "Brussels, 25.3.2009", "3 March 2009,
    London"), a press-release header ("IP/09/342   03/03/2009"), the Official Journal header of
    a legal act ("17.12.2011 ... Official Journal") or its OJ reference near the top ("OJ L 13,
    20.1.2004"), or a lone signature date line. ``timexes`` may be unanchored (only full dates
    are used).
    """
    found = find_document_date(text, language, timexes)
    return found.date if found else None
