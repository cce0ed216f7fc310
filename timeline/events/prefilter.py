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
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import compress

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
#: How many words' literals are remembered per pattern set before the memory starts afresh.
MEMO_WORDS = 200_000
#: The literals of a set must be at least this long to be worth looking up.
MIN_LITERAL = 2


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
    for c, canon in _fold_table().items():
        ch = chr(c)
        if ch in low:
            low = low.replace(ch, chr(canon))
    return low


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
    mixes case-sensitive and case-insensitive literals is looked up folded."""
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unparsable pattern is simply always run
        return None
    lits = _necessary(parsed, bool(pattern.flags & re.IGNORECASE))
    if lits is None:
        return None
    if not any(icase for _, icase in lits):
        return frozenset(s for s, _ in lits), False
    folded = {_fold_literal(s) for s, _ in lits}
    if None in folded or not all(s is not None and _is_word(s) for s in folded):
        return None
    return frozenset(s for s in folded if s is not None), True


class _WordLiterals(dict[str, tuple[tuple[int, int, int], ...]]):
    """token -> (offset in the token, literal length, pattern) of each literal it holds."""

    def __init__(self, literals: Sequence[tuple[str, tuple[int, ...]]]) -> None:
        super().__init__()
        self.literals = literals
        # one search tells most tokens they hold no literal at all
        self.any = re.compile("|".join(re.escape(lit) for lit, _ in literals) or "(?!)")

    def __missing__(self, word: str) -> tuple[tuple[int, int, int], ...]:
        got: list[tuple[int, int, int]] = []
        for lit, which in self.literals if self.any.search(word) else ():
            if len(lit) > len(word):
                continue
            i = word.find(lit)
            while i >= 0:
                got.extend((i, len(lit), w) for w in which)
                i = word.find(lit, i + 1)
        if len(self) >= MEMO_WORDS:
            self.clear()
        value = self[word] = tuple(got)
        return value


@dataclass(frozen=True, slots=True)
class PatternSet:
    """Patterns with their necessary literals, compiled once per resource."""

    patterns: tuple[re.Pattern[str], ...]
    #: per pattern: (literals, folded?) or None (always run)
    needles: tuple[tuple[frozenset[str], bool] | None, ...]
    #: the patterns run in every window
    always: frozenset[int] = frozenset()
    #: the literals looked up in the folded text, then in the text as is, with their memos
    folded_words: _WordLiterals = field(default_factory=lambda: _WordLiterals(()))
    raw_words: _WordLiterals = field(default_factory=lambda: _WordLiterals(()))

    @staticmethod
    def of(patterns: Sequence[re.Pattern[str]]) -> PatternSet:
        """Analyse ``patterns`` (in their order)."""
        needles = tuple(necessary_literals(p) for p in patterns)
        by_literal: dict[tuple[str, bool], list[int]] = {}
        for i, needle in enumerate(needles):
            if needle is not None:
                for lit in sorted(needle[0]):
                    by_literal.setdefault((lit, needle[1]), []).append(i)
        folded = [(lit, tuple(ix)) for (lit, f), ix in sorted(by_literal.items()) if f]
        raw = [(lit, tuple(ix)) for (lit, f), ix in sorted(by_literal.items()) if not f]
        always = frozenset(i for i, n in enumerate(needles) if n is None)
        return PatternSet(
            tuple(patterns), needles, always, _WordLiterals(folded), _WordLiterals(raw)
        )


class DocText:
    """One document's text with its folded copy and pattern indexes, computed lazily."""

    __slots__ = ("text", "_folded", "_done", "_indexes", "_words")

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded: str | None = None
        self._done = False
        self._indexes: dict[int, tuple[PatternSet, PatternIndex]] = {}
        self._words: dict[bool, list[str]] = {}

    def index(self, pset: PatternSet) -> PatternIndex:
        """The :class:`PatternIndex` of ``pset`` over this text (built once)."""
        got = self._indexes.get(id(pset))
        if got is None or got[0] is not pset:
            got = self._indexes[id(pset)] = (pset, PatternIndex(pset, self))
        return got[1]

    def folded(self) -> str | None:
        """The folded text (None when it cannot be folded character for character)."""
        if not self._done:
            self._folded = fold(self.text)
            self._done = True
        return self._folded

    def tokens(self, folded: bool) -> list[str] | None:
        """The whitespace-delimited tokens of the (folded) text; None when it cannot fold."""
        got = self._words.get(folded)
        if got is None:
            hay = self.haystack(folded)
            if hay is None:
                return None
            got = self._words[folded] = hay.split()
        return got

    def haystack(self, folded: bool) -> str | None:
        """The folded text, or the text as is."""
        return self.folded() if folded else self.text


class PatternIndex:
    """Which patterns of a :class:`PatternSet` may match inside a window of one document."""

    __slots__ = ("_always", "_starts", "_ends", "_which", "_n")

    def __init__(self, pset: PatternSet, doc: DocText) -> None:
        self._n = len(pset.patterns)
        always = set(pset.always)
        occ: list[tuple[int, int, int]] = []
        for memo, folded in ((pset.folded_words, True), (pset.raw_words, False)):
            if not memo.literals:
                continue
            tokens = doc.tokens(folded)
            hay = doc.haystack(folded)
            if tokens is None or hay is None:
                always.update(w for _, which in memo.literals for w in which)
                continue
            held = list(map(memo.__getitem__, tokens))
            pos = 0
            find = hay.find
            for k in compress(range(len(held)), held):
                # the next occurrence of the token is the token itself: a token holding it
                # earlier would hold a literal too, and was passed already
                tok = tokens[k]
                base = find(tok, pos)
                pos = base + len(tok)
                occ.extend((base + o, base + o + n, w) for o, n, w in held[k])
        occ.sort()
        self._always = frozenset(always)
        self._starts = [o[0] for o in occ]
        self._ends = [o[1] for o in occ]
        self._which = [o[2] for o in occ]

    def candidates(self, start: int, end: int) -> list[int]:
        """Indexes (in pattern order) of the patterns that may match in ``text[start:end]``."""
        starts = self._starts
        k = bisect.bisect_left(starts, start)
        hi = bisect.bisect_left(starts, end, k)
        if k == hi:
            return sorted(self._always)
        found = set(self._always)
        ends, which = self._ends, self._which
        for j in range(k, hi):
            if ends[j] <= end:
                found.add(which[j])
        if len(found) == self._n:
            return list(range(self._n))
        return sorted(found)
