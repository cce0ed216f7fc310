"""Skip the patterns that cannot match: a keyword prefilter, exact by construction.

Most trigger and actor patterns of a language cannot match in a given sentence: "entered into
force" needs the letters "force". Running each of a hundred patterns over each sentence costs
far more than looking up, once per document, where each pattern's *necessary literals* occur.

A pattern's necessary literals are a set of strings of which every match of the pattern
contains at least one (``adopt(?:ed|ion)|approv\\w*`` -> {"adopt", "approv"}), read from the
parsed regex: a run of literal characters, a group, a repeat at least once, or the union over
the branches of an alternation. Lookarounds give nothing (they consume no text), nor do
character classes. A pattern without such a set is always run.

``finditer(text, start, end)`` only finds matches inside ``[start, end)``, so a pattern none
of whose literals occurs inside that window finds nothing there and can be skipped: the
result is identical to running every pattern. Case-insensitive patterns are looked up in a
folded copy of the text where two characters are equal exactly when ``re.IGNORECASE`` treats
them as equal (simple lower case plus the module's extra equivalences, such as "ſ" and "s").

Literals hold no whitespace, so each occurrence lies inside one whitespace-delimited token
of the text: a document is split into tokens once (``str.split``, in C), and which literals a
token holds is remembered across documents (vocabularies repeat), instead of searching the
text once per literal.

Three ways to use it, each giving exactly what the plain regex call gives:
:func:`window_matches` (every candidate pattern's matches in a window, from the window's
occurrences in one pass), :func:`matches_in` / :func:`finditer` (one pattern), and
:class:`Searcher` (``pattern.search`` on any string: a case-insensitive pattern gets no fast
scan from the regex engine, so its literals are scanned for case-sensitively in the folded
text and the pattern is tried only where a match can start).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import chain, compress, repeat
from operator import is_
from typing import Any

from timeline.events.store import analysed

try:  # Python 3.11+
    from re import _casefix as _sre_casefix  # type: ignore[attr-defined]
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    _sre_casefix = None
    import sre_constants as _sre_constants  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_LITERAL = _sre_constants.LITERAL
_IN = _sre_constants.IN
_SUBPATTERN = _sre_constants.SUBPATTERN
_BRANCH = _sre_constants.BRANCH
_REPEATS = tuple(
    getattr(_sre_constants, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if hasattr(_sre_constants, name)
)
_ATOMIC = getattr(_sre_constants, "ATOMIC_GROUP", None)
_ZERO_WIDTH = (_sre_constants.AT, _sre_constants.ASSERT, _sre_constants.ASSERT_NOT)
#: How many words' literals are remembered per pattern set before the memory starts afresh.
MEMO_WORDS = 200_000
#: The literals of a set must be at least this long to be worth looking up.
MIN_LITERAL = 2
#: The source of a pattern that matches nowhere (a set's stand-in for a pattern a language
#: lacks): a set never runs it, where a pattern without literals is run over every window.
NEVER = "(?!)"


@cache
def _fold_table() -> dict[int, int]:
    """Characters that ``re.IGNORECASE`` equates beyond lower case, mapped to one of them."""
    extra: dict[int, tuple[int, ...]] = getattr(_sre_casefix, "_EXTRA_CASES", {}) or {}
    table: dict[int, int] = {}
    for lo, others in extra.items():
        canon = min((lo, *others))
        for c in (lo, *others):
            if c != canon:
                table[c] = canon
    return table


def fold(text: str) -> str | None:
    """``text`` folded so that equal characters are equal under ``re.IGNORECASE``; None when
    folding would change its length (a character with no one-character lower case)."""
    low = text.lower()
    if len(low) != len(text):
        low = text.replace("\u0130", "i").lower()  # "İ": simple lower case "i", full "i̇"
        if len(low) != len(text):
            return None
    if low.isascii() or _fold_chars().search(low) is None:
        return low  # no character that lower case leaves apart from its equal (the usual)
    for c, canon in _fold_table().items():
        ch = chr(c)
        if ch in low:
            low = low.replace(ch, chr(canon))
    return low


@cache
def _fold_chars() -> re.Pattern[str]:
    """Any character :func:`fold` maps beyond lower case (none is ASCII)."""
    table = _fold_table()
    if not table:
        return re.compile(NEVER)
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(table)) + "]")


def _fold_literal(s: str) -> str | None:
    if any(len(c.lower()) != 1 for c in s):
        return None
    return fold(s)


_Literals = frozenset[tuple[str, bool]]  # (literal, ignoring case?)


def _score(lits: _Literals) -> tuple[int, int]:
    return (min(len(s) for s, _ in lits), -len(lits))


def _necessary(items: object, icase: bool) -> _Literals | None:
    """A set of literals one of which every match of the parsed sequence contains, or None."""
    best: _Literals | None = None

    def consider(lits: _Literals | None) -> None:
        nonlocal best
        if not lits or any(len(s) < MIN_LITERAL for s, _ in lits):
            return
        if best is None or _score(lits) > _score(best):
            best = lits

    run: set[str] = set()  # the literal runs ending here ("A[ERB]" -> AE, AR, AB)
    for op, av in items:  # type: ignore[attr-defined]
        if op is _LITERAL and _is_word(chr(av)):
            run = {s + chr(av) for s in run} if run else {chr(av)}
            continue
        chars = _small_class(op, av)
        if chars and all(map(_is_word, chars)) and len(run or {""}) * len(chars) <= 16:
            run = {s + c for s in run or {""} for c in chars}
            continue
        if run:
            consider(frozenset((s, icase) for s in run))
            run = set()
        if op is _SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            inner = bool((icase or add_flags & re.IGNORECASE) and not del_flags & re.IGNORECASE)
            consider(_necessary(sub, inner))
        elif _ATOMIC is not None and op is _ATOMIC:
            consider(_necessary(av, icase))
        elif op in _REPEATS:
            low, _high, sub = av
            if low >= 1:
                consider(_necessary(sub, icase))
        elif op is _BRANCH:
            _, alternatives = av
            union: set[tuple[str, bool]] = set()
            for alt in alternatives:
                got = _necessary(alt, icase)
                if got is None:
                    union = set()
                    break
                union |= got
            if union:
                consider(frozenset(union))
        # anything else (classes, anchors, lookarounds, back references) gives nothing
    if run:
        consider(frozenset((s, icase) for s in run))
    return best


def _is_word(text: str) -> bool:
    """Whether ``text`` has no whitespace (so it never spans two tokens of ``str.split``)."""
    return bool(text) and not any(c.isspace() for c in text)


def _small_class(op: object, av: object) -> list[str] | None:
    """The characters of a class made only of a few literals ("[ERB]"), else None."""
    if op is not _IN or not isinstance(av, list) or not 0 < len(av) <= 4:
        return None
    if any(member_op is not _LITERAL for member_op, _ in av):
        return None  # negated classes, ranges and categories are left alone
    return [chr(c) for _, c in av]


def necessary_literals(pattern: re.Pattern[str]) -> tuple[frozenset[str], bool] | None:
    """Strings one of which every match of ``pattern`` contains, and whether they are folded
    (to be looked up in the folded text), or None when no such set is known.

    A case-sensitive literal is still found in the folded text once folded, so a set that
    mixes case-sensitive and case-insensitive literals is looked up folded. Kept in the event
    store (:mod:`timeline.events.store`): a new process does not parse the pattern again."""
    got = analysed("need", pattern, lambda: _as_data(_necessary_literals(pattern)))
    return None if got is None else (frozenset(got[0]), bool(got[1]))


def _as_data(found: tuple[Any, ...] | None) -> list[Any] | None:
    """An analysis as JSON data: its literals sorted, the rest as is."""
    return None if found is None else [sorted(found[0]), *found[1:]]


def _necessary_literals(pattern: re.Pattern[str]) -> tuple[frozenset[str], bool] | None:
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unparsable pattern is simply always run
        return None
    return _finish(_necessary(parsed, bool(pattern.flags & re.IGNORECASE)))


def _finish(lits: _Literals | None) -> tuple[frozenset[str], bool] | None:
    """Literals with their case: as written when all are case-sensitive, else all folded."""
    if lits is None:
        return None
    if not any(icase for _, icase in lits):
        return frozenset(s for s, _ in lits), False
    folded = {_fold_literal(s) for s, _ in lits}
    if None in folded or not all(s is not None and _is_word(s) for s in folded):
        return None
    return frozenset(s for s in folded if s is not None), True


#: How far apart the nearest and furthest offsets of a leading literal may be.
MAX_SPREAD = 4


def _width(item: tuple[object, object]) -> tuple[int, int]:
    try:
        return _sre_parse.SubPattern(_sre_parse.State(), [item]).getwidth()  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 - unknown width: never skipped over
        return 0, _sre_constants.MAXREPEAT


def _inline_groups(items: object) -> list[Any]:
    """The parsed sequence with each group that sets no flags replaced by its contents (a
    group matches what its contents match in place), so that a literal run goes on across
    it: ``(?P<court>[CT])[-–]`` leads with "C-", "T-", ..., not with a bare "C" or "T"."""
    out: list[Any] = []  # (opcode, argument) pairs of the regex parser
    for op, av in items:  # type: ignore[attr-defined]
        if op is _SUBPATTERN and not av[1] and not av[2]:
            out.extend(_inline_groups(av[3]))
        else:
            out.append((op, av))
    return out


#: How many literals a run followed by alternatives may grow into.
MAX_RUN_LITERALS = 32


def _run_into_branch(run: set[str], alternatives: Sequence[Any], icase: bool) -> set[str]:
    """``run`` followed by the literals that open each alternative at its start (the same
    case), when every alternative opens with one and there are few; else ``run``."""
    joined: set[str] = set()
    for alt in alternatives:
        got = _leading(alt, icase, True)
        if got is None or got[1] != 0 or got[2] != 0:
            return run
        lits, _lo, _hi = got
        if any(case is not icase for _, case in lits):
            return run
        joined.update(s + x for s in run for x, _ in lits)
        if len(joined) > MAX_RUN_LITERALS:
            return run
    return joined or run


def _leading(
    items: object, icase: bool, into_branches: bool = False
) -> tuple[_Literals, int, int] | None:
    """Literals one of which every match of the parsed sequence holds at an offset from its
    start within ``[lo, hi]``: (literals, lo, hi), or None. ``into_branches``: a literal run
    goes on into the alternatives that follow it (see :func:`_run_into_branch`)."""
    seq = _inline_groups(items)
    lo = hi = 0
    i = 0
    while i < len(seq):
        op, av = seq[i]
        if op in _ZERO_WIDTH:
            i += 1
            continue
        run: set[str] = set()
        j = i
        while j < len(seq):
            jop, jav = seq[j]
            if jop is _LITERAL and _is_word(chr(jav)):
                run = {s + chr(jav) for s in run} if run else {chr(jav)}
            else:
                chars = _small_class(jop, jav)
                if not chars or not all(map(_is_word, chars)) or len(run or {""}) * len(chars) > 16:
                    break
                run = {s + c for s in run or {""} for c in chars}
            j += 1
        if run:
            # a run goes on into the alternatives right after it when each opens with one
            # (the parser factors "took|take" into "t" and a branch): "took", "take", not "t"
            if into_branches and j < len(seq) and seq[j][0] is _BRANCH:
                run = _run_into_branch(run, seq[j][1][1], icase)
            return frozenset((s, icase) for s in run), lo, hi
        got: tuple[_Literals, int, int] | None = None
        if op is _SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            inner = bool((icase or add_flags & re.IGNORECASE) and not del_flags & re.IGNORECASE)
            got = _leading(sub, inner, into_branches)
        elif _ATOMIC is not None and op is _ATOMIC:
            got = _leading(av, icase, into_branches)
        elif op in _REPEATS and av[0] >= 1:
            got = _leading(av[2], icase, into_branches)
        elif op is _BRANCH:
            alts = [_leading(alt, icase, into_branches) for alt in av[1]]
            if alts and all(a is not None for a in alts):
                union = frozenset().union(*(a[0] for a in alts if a is not None))
                got = (
                    union,
                    min(a[1] for a in alts if a is not None),
                    max(a[2] for a in alts if a is not None),
                )
        if got is not None:
            if hi + got[2] - (lo + got[1]) <= MAX_SPREAD:
                return got[0], lo + got[1], hi + got[2]
            return None
        wmin, wmax = _width(seq[i])
        if wmax >= _sre_constants.MAXREPEAT or hi + wmax - (lo + wmin) > MAX_SPREAD:
            return None
        lo, hi = lo + wmin, hi + wmax
        i += 1
    return None


def leading_literals(
    pattern: re.Pattern[str], into_branches: bool = False
) -> tuple[frozenset[str], bool, int, int] | None:
    """Literals one of which every match of ``pattern`` holds at an offset from its start in
    ``[lo, hi]``: (literals, folded?, lo, hi), or None when unknown.

    ``into_branches``: longer literals where a run is followed by alternatives ("t" then
    "ook|ake" gives "took", "take"). Worth it for a :class:`PatternSet` (a literal costs one
    entry in the lexicon, and a bare letter is too common to index), not for a
    :class:`Searcher` (the regex engine scans for one literal fast, for an alternation slowly).
    Kept in the event store, as :func:`necessary_literals`."""
    got = analysed(
        f"lead{int(into_branches)}",
        pattern,
        lambda: _as_data(_leading_literals(pattern, into_branches)),
    )
    return None if got is None else (frozenset(got[0]), bool(got[1]), int(got[2]), int(got[3]))


def _leading_literals(
    pattern: re.Pattern[str], into_branches: bool
) -> tuple[frozenset[str], bool, int, int] | None:
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unparsable pattern is simply always run
        return None
    got = _leading(parsed, bool(pattern.flags & re.IGNORECASE), into_branches)
    if got is None:
        return None
    done = _finish(got[0])
    return None if done is None else (done[0], done[1], got[1], got[2])


class _Lexicon(dict[str, tuple[tuple[int, int, int], ...] | None]):
    """The literals of the pattern sets of one domain (a language), and a memo: token (as
    written) -> (offset in the token, offset of its end, literal id) of each literal it holds,
    folded literals found in the folded token; None when the token cannot be folded.

    One lexicon per domain, so a document's tokens are looked up once for all the pattern
    sets used on it; adding a literal forgets the memo (it happens while resources load)."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[tuple[str, bool], int] = {}
        self.version = 0
        # per way (folded?): one-character literals, and longer ones by their first two
        self._single: dict[bool, dict[str, int]] = {True: {}, False: {}}
        self._by_two: dict[bool, dict[str, list[tuple[str, int]]]] = {True: {}, False: {}}

    def add(self, literal: str, folded: bool) -> int:
        got = self.ids.get((literal, folded))
        if got is None:
            got = self.ids[(literal, folded)] = len(self.ids)
            if len(literal) == 1:
                self._single[folded][literal] = got
            else:
                self._by_two[folded].setdefault(literal[:2], []).append((literal, got))
            self.clear()
            self.version += 1
        return got

    def __missing__(self, token: str) -> tuple[tuple[int, int, int], ...] | None:
        got: list[tuple[int, int, int]] = []
        value: tuple[tuple[int, int, int], ...] | None
        # a token folds as it does inside its text: only the final sigma depends on what
        # follows, and fold() equates both sigmas
        ftoken = fold(token) if self._single[True] or self._by_two[True] else token
        if ftoken is None:
            value = None
        else:
            for way, word in ((True, ftoken), (False, token)):
                single, by_two = self._single[way], self._by_two[way]
                if not single and not by_two:
                    continue
                for i, ch in enumerate(word):
                    lid = single.get(ch)
                    if lid is not None:
                        got.append((i, i + 1, lid))
                    for lit, lid in by_two.get(word[i : i + 2], ()):
                        if word.startswith(lit, i):
                            got.append((i, i + len(lit), lid))
            value = tuple(sorted(got))  # in text order: a document's occurrences need no sort
        if len(self) >= MEMO_WORDS:
            self.clear()
        self[token] = value
        return value


_LEXICONS: dict[str, _Lexicon] = {}


def _lexicon(domain: str) -> _Lexicon:
    got = _LEXICONS.get(domain)
    if got is None:
        got = _LEXICONS[domain] = _Lexicon()
    return got


@dataclass(frozen=True, slots=True)
class PatternSet:
    """Patterns with their necessary literals, compiled once per resource."""

    patterns: tuple[re.Pattern[str], ...]
    #: per pattern: (literals, folded?) or None (always run)
    needles: tuple[tuple[frozenset[str], bool] | None, ...]
    #: the patterns run in every window
    always: frozenset[int] = frozenset()
    #: literal id (in the domain's lexicon) -> the patterns that literal stands for
    by_literal: dict[int, tuple[int, ...]] = field(default_factory=dict)
    #: per pattern: where its literal lies from the start of a match (leading sets only)
    offsets: tuple[tuple[int, int] | None, ...] = ()
    #: the lexicon its literals join (sets used on the same documents share one)
    domain: str = "common"
    #: per pattern: the ids of its literals in the domain's lexicon
    literal_ids: tuple[tuple[int, ...], ...] = ()
    #: literal id -> (pattern, lo, hi) for each pattern it stands for: where the literal lies
    #: from a match's start, lo = -1 for a pattern run over the whole window
    entries: dict[int, tuple[tuple[int, int, int], ...]] = field(default_factory=dict)

    @staticmethod
    def of(patterns: Sequence[re.Pattern[str]], domain: str = "common") -> PatternSet:
        """Analyse ``patterns`` (in their order) for their necessary literals."""
        found = [necessary_literals(p) for p in patterns]
        return PatternSet._build(patterns, found, (), domain)

    @staticmethod
    def leading(patterns: Sequence[re.Pattern[str]], domain: str = "common") -> PatternSet:
        """Analyse ``patterns`` for the literals their matches begin with (see
        :func:`finditer`)."""
        found = [leading_literals(p, into_branches=True) for p in patterns]
        needles = [None if f is None else (f[0], f[1]) for f in found]
        offsets = tuple(None if f is None else (f[2], f[3]) for f in found)
        return PatternSet._build(patterns, needles, offsets, domain)

    @staticmethod
    def mixed(patterns: Sequence[re.Pattern[str]], domain: str = "common") -> PatternSet:
        """Analyse ``patterns`` for the literals their matches begin with, else (no such
        literal, or one as common as a two-letter word) for their necessary literals: one
        index tells which patterns may match in a window, and :func:`matches_in` tries those
        with a leading literal only where a match can start."""
        needles: list[tuple[frozenset[str], bool] | None] = []
        offsets: list[tuple[int, int] | None] = []
        for p in patterns:
            lead = leading_literals(p, into_branches=True)
            if lead is not None and not _weak(lead[0], lead[1]):
                needles.append((lead[0], lead[1]))
                offsets.append((lead[2], lead[3]))
            else:
                needles.append(necessary_literals(p))
                offsets.append(None)
        return PatternSet._build(patterns, needles, tuple(offsets), domain)

    @staticmethod
    def _build(
        patterns: Sequence[re.Pattern[str]],
        found: Sequence[tuple[frozenset[str], bool] | None],
        offsets: tuple[tuple[int, int] | None, ...],
        domain: str,
    ) -> PatternSet:
        # a literal as common as a two-letter word finds the pattern a candidate nearly
        # everywhere and costs more to look up than it saves: such a pattern is always run
        needles = tuple(None if n is not None and _weak(*n) else n for n in found)
        lexicon = _lexicon(domain)
        by_literal: dict[int, list[int]] = {}
        literal_ids: list[tuple[int, ...]] = []
        for i, needle in enumerate(needles):
            ids: list[int] = []
            if needle is not None:
                lits, folded = needle
                for lit in sorted(lits):
                    lid = lexicon.add(lit, folded)
                    by_literal.setdefault(lid, []).append(i)
                    ids.append(lid)
            literal_ids.append(tuple(dict.fromkeys(ids)))
        # a pattern without literals is run over every window, unless it matches nowhere
        always = frozenset(
            i for i, n in enumerate(needles) if n is None and patterns[i].pattern != NEVER
        )
        entries = {
            lid: tuple(
                (i, *(offsets[i] or (-1, -1))) if i < len(offsets) else (i, -1, -1) for i in found_by
            )
            for lid, found_by in by_literal.items()
        }
        return PatternSet(
            tuple(patterns),
            needles,
            always,
            {k: tuple(v) for k, v in by_literal.items()},
            offsets,
            domain,
            tuple(literal_ids),
            entries,
        )


def _weak(literals: frozenset[str], folded: bool) -> bool:
    """Whether some literal is a bare letter or two (any case: one letter)."""
    return any(x.isalpha() and len(x) <= (2 if folded else 1) for x in literals)


class DocText:
    """One document's text with its literal occurrences and pattern indexes, computed lazily.

    ``language`` names the lexicon of the sets that have none of their own (procedures)."""

    __slots__ = ("text", "language", "_indexes", "_occ", "_tokens", "_folded")

    def __init__(self, text: str, language: str = "common") -> None:
        self.text = text
        self.language = language
        self._indexes: dict[int, tuple[PatternSet, PatternIndex]] = {}
        self._occ: dict[str, tuple[int, _Occurrences | None]] = {}
        self._tokens: list[str] | None = None
        self._folded: tuple[str | None] | None = None

    def folded(self) -> str | None:
        """:func:`fold` of the text (computed once), or None when it cannot be folded.

        Folding maps each character on its own, so a slice of it is the slice folded."""
        if self._folded is None:
            self._folded = (fold(self.text),)
        return self._folded[0]

    def index(self, pset: PatternSet) -> PatternIndex:
        """The :class:`PatternIndex` of ``pset`` over this text (built once)."""
        got = self._indexes.get(id(pset))
        if got is None or got[0] is not pset:
            got = self._indexes[id(pset)] = (pset, PatternIndex(pset, self))
        return got[1]

    def occurrences(self, domain: str) -> _Occurrences | None:
        """Where the literals of a domain's lexicon occur; None when the text cannot be folded."""
        lexicon = _lexicon(domain)
        got = self._occ.get(domain)
        if got is None or got[0] != lexicon.version:
            got = self._occ[domain] = (lexicon.version, self._find(lexicon))
        return got[1]

    def _find(self, lexicon: _Lexicon) -> _Occurrences | None:
        text = self.text
        if self._tokens is None:
            self._tokens = text.split()
        tokens = self._tokens
        held = list(map(lexicon.get, tokens))  # (get: no call of the subclass's lookup)
        if None in held:
            # the new tokens (a document brings a few; or one stored as None), found without a
            # Python loop over every token: only their places are filled, each looked up (its
            # entry made once, then read; a memo cleared meanwhile makes it again)
            for k in compress(range(len(held)), map(is_, held, repeat(None))):
                got = held[k] = lexicon[tokens[k]]
                if got is None:
                    return None  # a character with no one-character lower case
        starts: list[int] = []
        ends: list[int] = []
        ids: list[int] = []
        pos = 0
        find = text.find
        # one pass over the tokens that hold a literal (each with its literals): no list of
        # their places, no pairs, no three passes over the pairs
        for tok, lits in zip(compress(tokens, held), compress(held, held), strict=True):
            # the next occurrence of the token is the token itself: a token holding it
            # earlier would hold a literal too, and was passed already
            pos = find(tok, pos)
            for o, e, lid in lits:  # type: ignore[union-attr]
                starts.append(pos + o)
                ends.append(pos + e)
                ids.append(lid)
            pos += len(tok)
        # tokens come in text order and each one's literals are sorted: no sort needed
        return _Occurrences(starts, ends, ids)


@dataclass(frozen=True, slots=True)
class _Occurrences:
    starts: list[int]
    ends: list[int]
    ids: list[int]
    #: literal id -> where it occurs, in text order (filled on first use)
    by_id: dict[int, list[int]] = field(default_factory=dict)

    def positions(self) -> dict[int, list[int]]:
        """Literal id -> where that literal occurs, in text order (built once)."""
        by_id = self.by_id
        if not by_id and self.ids:
            for s, lid in zip(self.starts, self.ids, strict=True):
                got = by_id.get(lid)
                if got is None:
                    by_id[lid] = [s]
                else:
                    got.append(s)
        return by_id


class PatternIndex:
    """Which patterns of a :class:`PatternSet` may match inside a window of one document."""

    __slots__ = (
        "always",
        "_occ",
        "_by_literal",
        "_n",
        "_per_pattern",
        "_literals",
    )

    def __init__(self, pset: PatternSet, doc: DocText) -> None:
        self._n = len(pset.patterns)
        self._by_literal = pset.by_literal
        self._per_pattern: dict[int, list[int]] | None = None
        self._literals = pset.literal_ids
        self._occ = doc.occurrences(pset.domain) if pset.by_literal else _Occurrences([], [], [])
        if self._occ is None:
            self.always = frozenset(range(self._n))
        else:
            self.always = pset.always

    def literal_starts(self, i: int) -> list[int]:
        """Where the literals of pattern ``i`` occur, in text order."""
        per = self._per_pattern
        if per is None:
            per = self._per_pattern = {}
        got = per.get(i)
        if got is None:
            occ = self._occ
            if occ is None:
                got = []
            else:
                # the positions of each of its literals, from the document's table shared by
                # every set of its domain: through its literals or the document's, the fewer
                where = occ.positions()
                mine = self._literals[i]
                if len(mine) <= len(where):
                    lists = [where[lid] for lid in mine if lid in where]
                else:
                    wanted = set(mine)
                    lists = [v for lid, v in where.items() if lid in wanted]
                got = lists[0] if len(lists) == 1 else sorted(chain.from_iterable(lists))
            per[i] = got
        return got

    def candidates(self, start: int, end: int) -> list[int]:
        """Indexes (in pattern order) of the patterns that may match in ``text[start:end]``."""
        occ = self._occ
        if occ is None:
            return list(range(self._n))
        starts = occ.starts
        k = bisect.bisect_left(starts, start)
        hi = bisect.bisect_left(starts, end, k)
        if k == hi:
            return sorted(self.always)  # no literal in the window
        found = set(self.always)
        ends, ids, by_literal = occ.ends, occ.ids, self._by_literal
        for j in range(k, hi):
            if ends[j] <= end:
                found.update(by_literal.get(ids[j], ()))
        return sorted(found)  # (all of them: 0, 1, ..., n - 1)


def finditer(pset: PatternSet, i: int, doc: DocText) -> Iterator[re.Match[str]]:
    """``pset.patterns[i].finditer(doc.text)``, the same matches, trying the pattern only
    where a match can start: at a leading literal's occurrence less its offset.

    ``finditer`` returns the leftmost match from where the last one ended; a match can only
    start at such a candidate, so the first candidate from there where ``match`` succeeds is
    that leftmost match (a match holds its literal, so it is never empty).
    """
    pattern = pset.patterns[i]
    text = doc.text
    span = pset.offsets[i] if i < len(pset.offsets) else None
    if span is None or pset.needles[i] is None or i in pset.always:
        yield from pattern.finditer(text)
        return
    index = doc.index(pset)
    if i in index.always:
        yield from pattern.finditer(text)
        return
    lo, hi = span
    found = index.literal_starts(i)
    if lo == hi:
        starts: Sequence[int] = [s - lo for s in found if s >= lo]  # sorted, maybe repeated
    else:
        starts = sorted({s - w for s in found for w in range(lo, hi + 1) if s >= w})
    cur = 0
    match = pattern.match
    for p in starts:
        if p < cur:
            continue
        m = match(text, p)
        if m is not None:
            yield m
            cur = m.end()


def matches_in(
    pset: PatternSet, i: int, doc: DocText, start: int, end: int, sliced: str | None = None
) -> list[re.Match[str]]:
    """``list(pset.patterns[i].finditer(doc.text, start, end))``: the same matches, the
    pattern tried only where a match inside the window can start (see :func:`finditer`).
    With ``sliced`` (``doc.text[start:end]``): ``list(pattern.finditer(sliced))``, matches
    in the slice's offsets, as a search of the slice alone sees it.

    A match inside ``[start, end)`` holds its leading literal at an offset from its start in
    ``[lo, hi]``, so it starts at ``s - w`` for an occurrence ``s`` of that literal in
    ``[start + lo, end + hi)``; ``match`` with the same ``endpos`` sees what ``finditer`` sees
    there (text before ``start`` stays visible to lookbehinds in both, or hidden in both).
    """
    pattern = pset.patterns[i]
    span = pset.offsets[i] if i < len(pset.offsets) else None
    index = doc.index(pset)
    if span is None or i in index.always:  # (the index's always-run patterns hold the set's)
        if sliced is not None:
            return list(pattern.finditer(sliced))
        return list(pattern.finditer(doc.text, start, end))
    lo, hi = span
    found = index.literal_starts(i)
    a = bisect.bisect_left(found, start + lo)
    b = bisect.bisect_left(found, end + hi, a)
    if a == b:
        return []
    if lo == hi:
        starts: Sequence[int] = [s - lo for s in found[a:b]]  # sorted, maybe repeated
    else:
        starts = sorted(
            {s - w for s in found[a:b] for w in range(lo, hi + 1) if start <= s - w < end}
        )
    return _matches_at(pattern, starts, doc.text, start, end, sliced)


def _matches_at(
    pattern: re.Pattern[str],
    starts: Sequence[int],
    text: str,
    start: int,
    end: int,
    sliced: str | None,
) -> list[re.Match[str]]:
    """What ``finditer`` over ``text[start:end]`` (or over ``sliced``, that slice) finds, given
    every position a match can start at (sorted): ``pattern`` tried at each one left to
    right, skipping those inside the previous match."""
    out: list[re.Match[str]] = []
    match = pattern.match
    if sliced is not None:
        cur = 0
        for p in starts:
            if p - start < cur:
                continue
            m = match(sliced, p - start)
            if m is not None:
                out.append(m)
                cur = m.end()
        return out
    cur = start
    for p in starts:
        if p < cur:
            continue
        m = match(text, p, end)
        if m is not None:
            out.append(m)
            cur = m.end()
    return out


def window_matches(
    pset: PatternSet, doc: DocText, start: int, end: int, sliced: str | None = None
) -> list[tuple[int, list[re.Match[str]]]]:
    """``(i, matches_in(pset, i, doc, start, end, sliced))`` for each pattern ``i`` of
    ``index.candidates(start, end)`` that matches, in pattern order: the same matches, found in
    one pass over the literal occurrences of the window.

    A match inside the window holds a leading literal of its pattern, whole, inside the window
    too, at an offset from its start in ``[lo, hi]``: so the starts worth trying come from the
    occurrences that lie inside the window (as ``candidates`` counts them), and any other start
    ``matches_in`` would try finds nothing.
    """
    index = doc.index(pset)
    occ = index._occ
    patterns = pset.patterns
    text = doc.text
    out: list[tuple[int, list[re.Match[str]]]] = []
    if occ is None:  # a text that cannot be folded: every pattern over the window
        for i, pattern in enumerate(patterns):
            got = list(
                pattern.finditer(sliced)
                if sliced is not None
                else pattern.finditer(text, start, end)
            )
            if got:
                out.append((i, got))
        return out
    occ_starts = occ.starts
    k = bisect.bisect_left(occ_starts, start)
    stop = bisect.bisect_left(occ_starts, end, k)
    always = index.always
    if k == stop and not always:
        return out  # no literal in the window and no pattern run everywhere
    run: set[int] = set(always)  # patterns run over the whole window
    tries: dict[int, list[int]] = {}  # leading patterns -> where a match may start
    spread: set[int] = set()  # the leading patterns whose literal's offset varies
    if k < stop:
        ends, ids, entries = occ.ends, occ.ids, pset.entries
        for j in range(k, stop):
            if ends[j] > end:
                continue
            stands_for = entries.get(ids[j])
            if stands_for is None:
                continue
            s = occ_starts[j]
            for i, lo, hi in stands_for:
                if lo < 0:
                    run.add(i)
                elif lo == hi:
                    if s - lo >= start:
                        at = tries.get(i)
                        if at is None:
                            tries[i] = [s - lo]
                        else:
                            at.append(s - lo)
                else:
                    at = [s - w for w in range(lo, hi + 1) if s - w >= start]
                    if at:
                        spread.add(i)
                        tries.setdefault(i, []).extend(at)
    for i in sorted(run.union(tries)):
        pattern = patterns[i]
        if i in run:
            found = list(
                pattern.finditer(sliced)
                if sliced is not None
                else pattern.finditer(text, start, end)
            )
        else:
            starts = tries[i]
            if i in spread:
                starts = sorted(set(starts))
            found = _matches_at(pattern, starts, text, start, end, sliced)
        if found:
            out.append((i, found))
    return out


def solid_width(pattern: str, flags: int = 0) -> int | None:
    """The most non-whitespace characters a match of ``pattern`` can hold, or None when
    unbounded or unknown (``(?:of|dated)\\s+`` -> 5: whitespace runs count for nothing)."""
    try:
        parsed = _sre_parse.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - an unparsable pattern: unknown
        return None
    return _solid(parsed)


def _solid(items: object) -> int | None:
    total = 0
    for op, av in items:  # type: ignore[attr-defined]
        got: int | None
        if op in _ZERO_WIDTH:
            got = 0
        elif op is _LITERAL:
            got = 0 if chr(av).isspace() else 1
        elif op is _IN and av == [(_sre_constants.CATEGORY, _sre_constants.CATEGORY_SPACE)]:
            got = 0  # \s
        elif op is _SUBPATTERN:
            got = _solid(av[3])
        elif op is _BRANCH:
            alts = [_solid(alt) for alt in av[1]]
            got = None if any(a is None for a in alts) else max(alts, default=0)  # type: ignore[type-var]
        elif op in _REPEATS:
            inner = _solid(av[2])
            if inner is None:
                got = None
            elif inner == 0:
                got = 0
            else:
                got = None if av[1] >= _sre_constants.MAXREPEAT else av[1] * inner
        else:
            wmax = _width((op, av))[1]
            got = None if wmax >= _sre_constants.MAXREPEAT else wmax
        if got is None:
            return None
        total += got
    return total


@dataclass(frozen=True, slots=True)
class Searcher:
    """``pattern.search`` with the same result, found with less work: none when the text holds
    none of the literals every match contains (one fast scan), else the pattern tried only
    where a match can start, at an occurrence of a literal every match begins with (at a fixed
    offset). Literals are found by case-sensitive alternations that the regex engine scans for
    quickly (a case-insensitive pattern gets no such fast scan), in the folded text where
    the pattern ignores case. A pattern with no such literals is searched as usual.

    Candidates are tried in text order, so the first that matches is the leftmost match: the
    one ``pattern.search`` returns (``match`` at a position sees what ``search`` sees there,
    the text before it included).
    """

    pattern: re.Pattern[str]
    #: the literals one of which every match holds, as one alternation, and folded?
    needed: re.Pattern[str] | None = None
    needed_folded: bool = False
    #: the literals every match begins with at ``offset``, as one alternation, and folded?
    starter: re.Pattern[str] | None = None
    folded: bool = False
    offset: int = 0

    @staticmethod
    def of(pattern: re.Pattern[str]) -> Searcher:
        """Analyse ``pattern`` for its necessary and leading literals."""
        need = necessary_literals(pattern)
        lead = leading_literals(pattern)
        if lead is not None and lead[2] != lead[3]:
            lead = None  # a literal at a varying offset: not worth the candidates
        return Searcher(
            pattern,
            None if need is None else _alternation(need[0]),
            False if need is None else need[1],
            None if lead is None else _alternation(lead[0]),
            False if lead is None else lead[1],
            0 if lead is None else lead[2],
        )

    def excludes(self, text: str, folded: str | None = None) -> bool:
        """Whether ``text`` holds none of the literals every match contains, so that no search
        or ``finditer`` of the pattern over it finds anything (False when unknown);
        ``folded`` is ``fold(text)`` when the caller has it."""
        needed = self.needed
        if needed is None:
            return False
        if not self.needed_folded:
            return needed.search(text) is None
        if folded is None:
            folded = fold(text)
        if folded is None or len(folded) != len(text):
            return False
        return needed.search(folded) is None

    def search(self, text: str, folded: str | None = None) -> re.Match[str] | None:
        """``self.pattern.search(text)``; ``folded`` is ``fold(text)`` when the caller has it."""
        if (self.needed_folded or self.folded) and folded is None:
            folded = fold(text)
        if folded is not None and len(folded) != len(text):
            folded = None
        if self.needed is not None:
            hay = folded if self.needed_folded else text
            if hay is not None and self.needed.search(hay) is None:
                return None  # no literal that every match holds
        starter = self.starter
        hay = folded if self.folded else text
        if starter is None or hay is None:
            return self.pattern.search(text)
        find, match, offset = starter.search, self.pattern.match, self.offset
        q = 0
        while True:
            hit = find(hay, q)
            if hit is None:
                return None
            at = hit.start()
            if at >= offset:
                m = match(text, at - offset)
                if m is not None:
                    return m
            q = at + 1


_SEARCHERS: dict[int, Searcher] = {}


def searcher(pattern: re.Pattern[str]) -> Searcher:
    """The :class:`Searcher` of ``pattern``, analysed once (remembered by the pattern's
    identity, which it keeps alive: a compiled pattern hashes its whole code at each call)."""
    got = _SEARCHERS.get(id(pattern))
    if got is None or got.pattern is not pattern:
        got = _SEARCHERS[id(pattern)] = Searcher.of(pattern)
    return got


def _alternation(literals: frozenset[str]) -> re.Pattern[str]:
    """One case-sensitive pattern matching any of ``literals`` (longest first)."""
    return re.compile("|".join(re.escape(x) for x in sorted(literals, key=lambda x: (-len(x), x))))
