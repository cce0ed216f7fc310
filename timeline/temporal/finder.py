"""Find time expressions: one scan from token to token, then normalization.

The scan visits the positions where some rule's opening can follow (:func:`starts`) and takes,
at each, the first rule in priority order that matches and whose
value normalizes; a rule whose groups do not make a valid date ("45/2001") is skipped and the
next rules are tried at the same position. Matches never overlap.

Values produced here may still need an anchor (see :mod:`timeline.temporal.anchoring`):
``XXXX-03-03`` (no year), ``R-1D`` (one day before the anchor), ``R+0Y-02-15`` (15 February of
the anchor's year), ``WD+3`` / ``WD-3`` / ``WD~3`` (next / last / nearest Wednesday).
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from timeline.model import Timex
from timeline.temporal import grammar as _grammar
from timeline.temporal.firstchars import DIGITS_CAP, follower
from timeline.temporal.grammar import PAIR, Grammar, norm_word
from timeline.temporal.lowered import fold

_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_DIGITS = re.compile(r"\d+")


class Reject(ValueError):
    """A match whose groups do not normalize to a valid value."""


def _lookup(g: Grammar, table: str, text: str) -> Any:
    tab = g.words.get(table, {})
    key = norm_word(text)
    if key in tab:
        return tab[key]
    raise Reject(f"{text!r} not in {table}")


def _int_or_word(g: Grammar, tables: tuple[str, ...], text: str) -> int | str:
    d = _DIGITS.search(text)
    if d is not None and d.group(0) == text.strip()[: len(d.group(0))]:
        return int(d.group(0))
    for t in tables:
        try:
            return _lookup(g, t, text)  # type: ignore[no-any-return]
        except Reject:
            continue
    raise Reject(f"{text!r} is not a number")


def _year(g: Grammar, text: str) -> str:
    d = _DIGITS.search(text)
    if d is None:
        raise Reject(text)
    y = d.group(0)
    if len(y) == 2:
        pivot = int(g.meta.get("century_pivot", 50))
        return ("19" if int(y) >= pivot else "20") + y
    if len(y) == 4:
        return y
    raise Reject(text)


def _month(g: Grammar, text: str) -> str:
    v = _int_or_word(g, ("month",), text)
    if not isinstance(v, int) or not 1 <= v <= 12:
        raise Reject(text)
    return f"{v:02d}"


def _day(g: Grammar, text: str) -> str:
    v = _int_or_word(g, ("ordinal", "number"), text)
    if not isinstance(v, int) or not 1 <= v <= 31:
        raise Reject(text)
    return f"{v:02d}"


def _bounded(lo: int, hi: int, tables: tuple[str, ...]) -> Callable[[Grammar, str], str]:
    def norm(g: Grammar, text: str) -> str:
        v = _int_or_word(g, tables, text)
        if not isinstance(v, int) or not lo <= v <= hi:
            raise Reject(text)
        return str(v)

    return norm


def _two(lo: int, hi: int) -> Callable[[Grammar, str], str]:
    def norm(g: Grammar, text: str) -> str:
        v = int(text)
        if not lo <= v <= hi:
            raise Reject(text)
        return f"{v:02d}"

    return norm


def _num(g: Grammar, text: str) -> str:
    t = text.strip()
    if re.fullmatch(r"\d+(?:[.,]\d+)?", t):
        return t.replace(",", ".")
    return str(_lookup(g, "number", t))


def _decade(g: Grammar, text: str) -> str:
    d = _DIGITS.search(text)
    if d is not None:
        y = d.group(0)
        if len(y) == 4:
            return y[:3]
        if len(y) == 2:
            return ("19" if int(y) >= 20 else "20") + y[0]
        raise Reject(text)
    return str(_lookup(g, "decade", text))


def _century(g: Grammar, text: str) -> str:
    """An ordinal century as TimeML writes it: its first two digits ("19." -> "18")."""
    v = _int_or_word(g, ("ordinal", "number"), text)
    if not isinstance(v, int) or not 1 <= v <= 21:
        raise Reject(text)
    return f"{v - 1:02d}"


def _table(name: str) -> Callable[[Grammar, str], str]:
    return lambda g, text: str(_lookup(g, name, text))


_NORMALIZERS: dict[str, Callable[[Grammar, str], str]] = {
    "year": _year,
    "month": _month,
    "day": _day,
    "weekday": _bounded(1, 7, ("weekday",)),
    "quarter": _bounded(1, 4, ("ordinal", "number")),
    "half": _bounded(1, 2, ("ordinal", "number")),
    "num": _num,
    "unit": _table("unit"),
    "season": _table("season"),
    "mod": _table("mod"),
    "part": lambda g, text: "T" + str(_lookup(g, "part", text)),  # a part of the day: TMO
    "relword": _table("relword"),
    # an hour said in words ("las seis de la tarde"): two digits from the language's tables
    "clock": _table("clock"),
    "clockpm": _table("clockpm"),
    "decade": _decade,
    "century": _century,
    "bcyear": lambda g, text: f"{int(text):04d}",  # "218 BC" -> BC0218
    "hour": _two(0, 24),
    "hourpm": lambda g, text: f"{int(text) % 12 + 12:02d}",  # "5 p.m." -> 17, "12 p.m." -> 12
    "minute": _two(0, 59),
    "second": _two(0, 59),
}
_MISSING = {"year": "XXXX", "month": "XX", "day": "XX"}


@cache
def _group_plan(rule_index: int, groups: tuple[str, ...]) -> tuple[tuple[str, str, str], ...]:
    """(group name, its name in the combined pattern, its kind) for each group of a rule."""
    return tuple((name, f"r{rule_index}__{name}", name.split("_")[0]) for name in groups)


def _fields(g: Grammar, rule_index: int, m: re.Match[str], text: str) -> dict[str, str]:
    """The normalized groups of a match, read from ``text`` at the groups' offsets (raises
    :class:`Reject`). A group's value depends on its kind and text alone: memoized per
    grammar (texts that shift their dates still repeat their months, days and years)."""
    out: dict[str, str] = {}
    memo = g.field_memo
    for name, key, kind in _group_plan(rule_index, g.rules[rule_index].groups):
        a, b = m.span(key)
        if a < 0:
            continue  # the group did not take part
        raw = text[a:b]
        norm = _NORMALIZERS.get(kind)
        if norm is None:
            out[name] = raw
            continue
        got = memo.get((kind, raw))
        if got is None:
            try:
                got = norm(g, raw)
            except Reject as exc:
                # kept without its traceback, whose frames hold the whole text (and its
                # lower-cased copy): a memo of raised ones kept every text a worker read
                got = Reject(*exc.args)
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            memo[kind, raw] = got
        if isinstance(got, Reject):
            raise Reject(got.args[0])  # a new one: a raised exception keeps its traceback
        out[name] = got
    return out


@cache
def _template(template: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A value template cut into (literal text, placeholder alternatives) pieces."""
    pieces: list[tuple[str, tuple[str, ...]]] = []
    pos = 0
    for m in _TEMPLATE.finditer(template):
        pieces.append((template[pos : m.start()], tuple(m.group(1).split("|"))))
        pos = m.end()
    pieces.append((template[pos:], ()))
    return tuple(pieces)


_DURATION_T = re.compile(r"^P([\dX.]+)T([HMS])$")


def fill(template: str, fields: dict[str, str]) -> str:
    """Fill ``{name}`` / ``{a|b}`` (first present) / ``{a|=00}`` (default) placeholders."""
    parts: list[str] = []
    for literal, names in _template(template):
        parts.append(literal)
        if not names:
            continue
        for n in names:
            if n.startswith("="):  # a literal default: {minute|=00}
                parts.append(n[1:])
                break
            if n in fields:
                parts.append(fields[n])
                break
        else:
            parts.append(_MISSING.get(names[-1].split("_")[0], "X"))
    out = "".join(parts)
    if out.startswith("P"):
        # Durations: time units go after a T ("P2TH" -> "PT2H").
        out = _DURATION_T.sub(r"PT\1\2", out)
    return out


_DATE = re.compile(r"^(\d{4}|XXXX)(?:-(\d\d|XX)(?:-(\d\d|XX))?)?")


#: values found possible by :func:`validate` (its answer depends on the value alone)
_VALID: set[str] = set()


def validate(value: str) -> None:
    """Raise :class:`Reject` if a calendar value names an impossible day or month."""
    if value in _VALID:
        return
    _check(value)
    if len(_VALID) >= _MEMO_SIZE:
        _VALID.clear()
    _VALID.add(value)


#: days per month in a common year, as :func:`calendar.monthrange` counts them
_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _check(value: str) -> None:
    """:func:`validate` without its memo."""
    m = _DATE.match(value)
    if m is None:
        return
    year, month, day = m.groups()
    if month and month != "XX" and not 1 <= int(month) <= 12:
        raise Reject(value)
    if day and day != "XX":
        d = int(day)
        if month and month != "XX":
            y = int(year) if year != "XXXX" else 2000  # leap year: 29 February stays possible
            mo = int(month)  # the month's days as calendar.monthrange counts them
            if not 1 <= d <= _MONTH_DAYS[mo] + (mo == 2 and calendar.isleap(y)):
                raise Reject(value)


_CALENDAR = re.compile(r"\d{4}(?:-\d\d){0,2}")


def _backwards(value: str, end_value: str) -> bool:
    """Whether a range of two calendar values ends before it starts (at their common precision)."""
    if not (_CALENDAR.fullmatch(value) and _CALENDAR.fullmatch(end_value)):
        return False
    n = min(len(value), len(end_value))
    return end_value[:n] < value[:n]


_Normalized = tuple[str, str | None, str | None]  # value, end value, mod


def _normalize(g: Grammar, index: int, m: re.Match[str], text: str) -> _Normalized:
    """The value, end value and mod of rule ``index``'s match in ``text`` (raises
    :class:`Reject`)."""
    rule = g.rules[index]
    fields = _fields(g, index, m, text)
    value = fill(rule.value, fields)
    validate(value)
    if "weekday" in fields and value.startswith("XXXX-") and value[5:7].isdigit():
        # the weekday tells the year: kept as a mark for the anchoring pass
        head = value.rstrip("<>")
        value = f"{head}#{fields['weekday']}{value[len(head) :]}"
    end_value = fill(rule.end_value, fields) if rule.end_value else None
    if end_value is not None:
        validate(end_value)
        if _backwards(value, end_value):
            raise Reject(end_value)  # '2031-02' is February 2031, not 2031 back to 2002
    mod = fill(rule.mod, fields) if rule.mod else None
    if mod == "X":
        mod = None
    return value, end_value, mod


_MEMO_SIZE = 4096


_Settled = tuple[str, str | None, str | None, int, int]  # value, end value, mod, start, end


def _settle(g: Grammar, index: int, m: re.Match[str], text: str) -> _Settled | None:
    """The value, end value and mod of rule ``index``'s match and the extent of its timex,
    or None when its groups do not normalize (see :class:`Reject`). Normalization depends
    only on the rule and the matched text, so it is memoized per grammar (texts repeat their
    dates)."""
    whole, t_group, _ = g.build_names(index)  # per rule, made once
    memo = g.memo
    a, b = m.span(whole)
    mkey = (index, text[a:b])  # the text's own letters (``m`` may be on the lower-cased text)
    got = memo.get(mkey)
    if got is None:
        try:
            got = _normalize(g, index, m, text)
        except Reject as exc:
            got = Reject(*exc.args)  # without the traceback that holds the text (_fields)
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[mkey] = got
    if isinstance(got, Reject):
        return None
    if t_group is not None and m.group(t_group) is not None:
        start, end = m.span(t_group)
    else:
        start, end = m.span(whole)
    if start >= end:
        return None  # empty
    return (*got, start, end)


def _timex(g: Grammar, index: int, settled: _Settled, text: str) -> Timex:
    value, end_value, mod, start, end = settled
    # by position: start, end, text, type, value, mod, rule, end value, language
    return Timex(
        start,
        end,
        text[start:end],
        g.rules[index].type,
        value,
        mod,
        g.build_names(index)[2],
        end_value,
        g.language,
    )


def _build(g: Grammar, index: int, m: re.Match[str], text: str) -> Timex:
    """The timex of rule ``index``'s match (raises :class:`Reject`)."""
    settled = _settle(g, index, m, text)
    if settled is None:
        raise Reject(text[m.start() : m.end()])
    return _timex(g, index, settled, text)


Found = tuple[Timex, int, tuple[int, int, int, int] | None]  # timex, match end, range split


def _parts(
    g: Grammar, index: int, m: re.Match[str], timex: Timex
) -> tuple[int, int, int, int] | None:
    """Where a range splits into its two ends: (start and end of the first, start and end of
    the second). The second end opens at its first ``*_end`` group ("16" in "15 and 16 October
    1999"); the first closes after its last other group before that."""
    if timex.end_value is None:
        return None
    rule = g.rules[index]
    e_start = None
    for name in rule.groups:
        if name.endswith("_end") and m.group(f"r{index}__{name}") is not None:
            a = m.start(f"r{index}__{name}")
            e_start = a if e_start is None else min(e_start, a)
    if e_start is None:
        return None
    s_start = s_end = None
    for name in rule.groups:
        if name.endswith("_end") or name == "t":
            continue
        key = f"r{index}__{name}"
        if m.group(key) is not None and m.end(key) <= e_start:
            a, b = m.span(key)
            s_start = a if s_start is None else min(s_start, a)
            s_end = b if s_end is None else max(s_end, b)
    if s_start is None or s_end is None or not timex.start <= s_start < s_end <= e_start:
        return None
    if e_start >= timex.end:
        return None
    return s_start, s_end, e_start, timex.end


def _found(g: Grammar, index: int, m: re.Match[str], text: str, settled: _Settled) -> Found:
    timex = _timex(g, index, settled, text)
    return timex, m.end(), _parts(g, index, m, timex)


def split_range(timex: Timex, parts: tuple[int, int, int, int], text: str) -> list[Timex]:
    """A range as its two ends, TimeML style ("15" 1999-10-15, "16 October 1999" 1999-10-16)."""
    s_start, s_end, e_start, e_end = parts
    first = dataclasses.replace(
        timex, start=s_start, end=s_end, text=text[s_start:s_end], end_value=None
    )
    second = dataclasses.replace(
        timex,
        start=e_start,
        end=e_end,
        text=text[e_start:e_end],
        value=timex.end_value or timex.value,
        end_value=None,
    )
    return [first, second]


_TOKEN = re.compile(r"[^\W\d_]+|\d+")


def _key(word: str, text: str, end: int) -> str:
    if word[0].isdigit():
        return f"#{min(len(word), DIGITS_CAP)}{follower(text[end]) if end < len(text) else ''}"
    lw = word.lower()
    return lw[:3] if len(lw) >= 3 else lw + "$"


def _index(m: re.Match[str]) -> int:
    """The index of the rule that a combined pattern's match comes from."""
    name = m.lastgroup
    return int(name[1:]) if name and "__" not in name else _outer_index(m)


def _match_at(
    g: Grammar, text: str, s: int, key: str, reach: int = -1, low: str | None = None
) -> Found | None:
    """The first rule (in priority order) that matches at ``s`` and normalizes: the timex and
    the end of the match (context included); None when there is none, or when its match
    ends at or before ``reach`` (its timex is then not made). ``low``: the text lower-cased
    by :func:`fold`, on which rules that do not mind case are matched in lower case. ``s``
    is a position of :func:`starts`, which has the left boundary every rule opens with: the
    rules' own patterns (:meth:`Grammar.bare`) do not test it again.

    The rules that can start at a token with ``key`` (see :func:`_key_at`) are tried one by
    one, each through its own small pattern (a combined pattern of every rule costs far more
    per try: its groups are reset and its alternatives entered one after the other); a key
    met very often gets one combined pattern of its rules (:meth:`Grammar.plan`)."""
    after = -1
    lowered = low is not None
    # Grammar.plan's table read here first: most keys have their plan already
    plan = (g._plans_lowered if lowered else g._plans).get(key) or g.plan(key, lowered)
    pat = plan[1]
    if pat is None and plan[0] < _grammar.HOT_KEY:
        plan[0] += 1
        if plan[0] == _grammar.HOT_KEY:
            pat, plan[2] = g.combined(key, lowered)
            plan[1] = pat
    if pat is not None:
        m = pat.match(low if plan[2] else text, s)  # type: ignore[arg-type]
        if m is None:
            return None
        index = _index(m)
        settled = _settle(g, index, m, text)
        if settled is None:
            after = index
        else:
            return _found(g, index, m, text, settled) if m.end() > reach else None
    for j, match, on_low in plan[3]:
        if j <= after:
            continue
        mj = match(low if on_low else text, s)  # type: ignore[arg-type]
        if mj is None:
            continue
        settled = _settle(g, j, mj, text)
        if settled is None:
            continue
        return _found(g, j, mj, text, settled) if mj.end() > reach else None
    return None


#: The second key of a token that no other token follows.
_LAST = "\x02"


def _key_at(g: Grammar, src: str, tok: re.Match[str], low: bool) -> str | None:
    """The key under which rules are looked up at token ``tok`` of ``src`` (the text, or when
    ``low`` its lower-cased copy), or None when no rule can start there. A first token that
    opens many rules (:meth:`Grammar.by_pair`) is keyed with the next token of a lower-cased
    text too ("el" + "año"), wherever that token is: a match that reaches a second token
    has it right there."""
    word = tok.group()
    end = tok.end()
    key = _key(word, src, end) if not low else _key_lowered(word, src, end)
    if not g.everywhere and key not in g.triggers:
        return None
    if low and g.by_pair(key):
        nxt = _TOKEN.search(src, end)
        second = _LAST if nxt is None else _key_lowered(nxt.group(), src, nxt.end())
        return key + PAIR + second
    return key


def _key_lowered(word: str, text: str, end: int) -> str:
    """:func:`_key` of a word already in lower case."""
    if word[0].isdigit():
        return f"#{min(len(word), DIGITS_CAP)}{follower(text[end]) if end < len(text) else ''}"
    return word[:3] if len(word) >= 3 else word + "$"


#: A digit glued to a word ("Presseartikel11"): a token start that follows a letter. Searched
#: from an ASCII digit or any character outside ASCII (a set of explicit characters, tested
#: per character faster than the digit category; written as the ASCII characters it is not,
#: which compiles in 0.1 ms where the range up to U+10FFFF took 4.6 ms in every process), then
#: the look-behind checks the digit: the same matches as ``\d(?<=[^\W\d_]\d)`` (a test
#: compares them on every code point).
_GLUED = re.compile(r"[^\x00-/:-\x7f](?<=[^\W\d_]\d)")
#: Characters of text given to :meth:`Grammar.openings` to test one position (see _opens_at).
_PROBE = 256


def _opens_at(g: Grammar, text: str, s: int) -> bool:
    """Whether :meth:`Grammar.starts` matches at ``s``, the text's start or a digit glued to a
    word: :meth:`Grammar.openings` tried on a space and the next characters (what matches
    there matches on the whole text; only a probe cut short is asked again of ``starts``)."""
    if g.openings().match(" " + text[s : s + _PROBE]) is not None:
        return True
    return s + _PROBE < len(text) and g.starts().match(text, s) is not None


def starts(g: Grammar, text: str, low: str | None = None) -> list[int]:
    """The positions of :meth:`Grammar.starts` in ``text`` that have a left boundary
    (:data:`timeline.temporal.grammar.LEFT`), in order: the ends of the matches of
    :meth:`Grammar.openings` (a token start after a character other than a letter, digit
    or underscore), with the text's start and the digits glued to a word when they open.
    With ``low``, the text lower-cased by :func:`fold`, everything is searched on it, in
    lower case (:meth:`Grammar.openings_lowered`, :meth:`Grammar.opens_lowered`): a few more
    positions perhaps, where no rule matches, never fewer."""
    if low is not None:
        found = [m.end() for m in g.openings_lowered().finditer(low)]
        opens = g.opens_lowered().match
        extra = [s for m in _GLUED.finditer(low) if opens(low, s := m.start())]
        if low and opens(low, 0):
            extra.append(0)
    else:
        found = [m.end() for m in g.openings().finditer(text)]
        extra = [m.start() for m in _GLUED.finditer(text) if _opens_at(g, text, m.start())]
        if text and _opens_at(g, text, 0):
            extra.append(0)
    return sorted(found + extra) if extra else found


def scan(g: Grammar, text: str, *, split_ranges: bool = False) -> list[Timex]:
    """Every time expression of ``text`` in ``g``'s language, left to right, non-overlapping.

    Matches start at tokens, and only where one of the rules' opening prefixes follows
    (:meth:`Grammar.starts`; found by :func:`starts` in C, so most of the text costs no Python).
    At such a token, the first rule in priority order that matches and normalizes wins,
    among the rules that can start at its key (see :func:`_match_at` and
    :mod:`timeline.temporal.firstchars`). When a match is found, the positions of
    :func:`starts` inside it are tried too, and a match that starts inside and reaches further replaces it (longest
    match wins: "on Nov" gives way to "Nov. 1, 2004"). With ``split_ranges`` a range comes out
    as its two ends, as TimeML annotates it. Texts are scanned lower-cased
    (:mod:`timeline.temporal.lowered`) and keyed by token pairs, the same matches, faster:
    from the first character when the grammar came with a store of its compiled patterns
    (:mod:`timeline.temporal.store`, ``Grammar.lowered``), else once it has scanned
    LOWERED_AFTER characters (making those patterns costs about a second per language).
    """
    if g.store is not None:
        g.settle()  # the first scan with a store: patterns read or made, then lower-cased
    out: list[Timex] = []
    pos = 0
    triggers = g.triggers
    everywhere = g.everywhere
    g.scanned += len(text)
    low = fold(text) if g.lowered or g.scanned > _grammar.LOWERED_AFTER else None
    src = text if low is None else low  # tokens and keys are read here
    lowered = low is not None
    token_at = _TOKEN.match
    next_token = _TOKEN.search
    by_pair = g.by_pair
    split = g._split  # by_pair's answers, read here first
    n = len(text)
    positions = starts(g, text, low)
    count = len(positions)
    i = 0
    while i < count:
        s = positions[i]
        i += 1
        if s < pos:
            continue  # inside the last match
        tok = token_at(src, s)
        if tok is None:  # not a token start (cannot happen: starts() asks for one)
            continue
        word = tok.group()
        if not src[s].isdecimal():  # a letter run, if its key can open a rule
            lw = word if lowered else word.lower()
            key = lw[:3] if len(lw) >= 3 else lw + "$"
            if not everywhere and key not in triggers:
                continue
        if word[0].isdigit():  # a digit run (or a letter run opening with '²'): keyed as digits
            e = tok.end()
            key = f"#{min(len(word), DIGITS_CAP)}{follower(src[e]) if e < n else ''}"
            if not everywhere and key not in triggers:
                continue
        if lowered and (split.get(key) or (key not in split and by_pair(key))):
            nxt = next_token(src, tok.end())
            key += PAIR + (_LAST if nxt is None else _key_lowered(nxt.group(), src, nxt.end()))
        found = _match_at(g, text, s, key, -1, low)
        if found is None:
            continue
        timex, end, parts = found
        # Only a match opening with a word ("on", "in", "le"...) can hide a longer one inside,
        # and only at a position of starts() (a token where no opening prefix follows opens
        # no match).
        j = i if not text[s].isdigit() else count
        while j < count and positions[j] < end:
            si = positions[j]
            j += 1
            inner = token_at(src, si)
            if inner is None:
                continue
            inner_key = _key_at(g, src, inner, lowered)
            if inner_key is None:
                continue
            other = _match_at(g, text, si, inner_key, end, low)
            if other is not None:
                timex, end, parts = other
        if split_ranges and parts is not None:
            out.extend(split_range(timex, parts, text))
        else:
            out.append(timex)
        pos = max(end, s + 1)
    return out


def _outer_index(m: re.Match[str]) -> int:
    for name, val in m.groupdict().items():
        if val is not None and "__" not in name:
            return int(name[1:])
    raise AssertionError("a combined match without a rule group")
