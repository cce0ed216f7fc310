"""What a text must contain for a reference rule to match: a cheap test before the search.

The reference rules (``resources/common/load.toml``) are searched in the first 1,500
characters of every document, each with the ``regex`` engine, which tries every position.
Most documents contain none of the words a rule needs ("COM", "COD", "IP"...), and a plain
substring test (``in``, in C) says so far faster. :func:`needs` reads the requirement from the
parsed pattern itself, so it holds for any rule the file adds:

* a literal run the match must contain, or a group or alternation each branch of which must
  contain one of a few such runs ("COD" or "CNS"...): the text must contain one of them;
* else a run of explicit characters and character sets ("[0-9][0-9]{4}[A-Z]"): the text must
  contain a match of that run, searched with ``re`` (explicit characters and ranges mean the
  same in both engines; ``\\d``, ``\\w`` and case-insensitive parts are never used).

A pattern that ignores case needs one of its literal runs in the text folded by
:func:`fold_case` (when every character of them is one whose case-insensitive matches are
known, :data:`FOLD_SAFE`); a pattern whose parts cannot be told needs nothing (always searched).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from typing import Any

#: a literal requirement shorter than this is weak (too common): a class run is preferred
_STRONG = 2
#: a class run shorter than this is not worth a search
_MIN_RUN = 3
#: characters whose case-insensitive matches in the ``regex`` engine (version 0) all become
#: that character under :func:`fold_case` (a test checks every code point): the literal runs
#: of a pattern that ignores case are needed in the folded text only when made of these
FOLD_SAFE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;-/_()'"
    "àâäçéèêëîïôöùûüÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ"
)


def fold_case(text: str) -> str:
    """``text`` lower-cased, with "İ" and "ı" read as "i" and "ſ" as "s": the characters that
    ``regex`` matches case-insensitively to an ASCII letter that ``str.lower`` does not give
    (and "İ" is the one character that lower-cases to two)."""
    if "İ" in text:
        text = text.replace("İ", "i")
    text = text.lower()
    if "ı" in text:
        text = text.replace("ı", "i")
    return text.replace("ſ", "s") if "ſ" in text else text


@dataclass(frozen=True, slots=True)
class Needs:
    """What a match requires: one of ``words`` as a substring, or a match of ``run``."""

    words: tuple[str, ...] = ()
    run: re.Pattern[str] | None = None
    #: ``words`` are lower case, to be found in the text folded by :func:`fold_case` (the
    #: pattern ignores case)
    folded: bool = False

    def absent(self, text: str) -> bool:
        """Whether ``text`` lacks it, so that the rule cannot match in ``text``."""
        if self.words:
            if self.folded:
                text = fold_case(text)
            return not any(map(text.__contains__, self.words))  # (in C: no generator)
        if self.run is not None:
            return self.run.search(text) is None
        return False


def _explicit(op: Any, av: Any) -> str | None:
    """A one-character item written as a regex of explicit characters, or None."""
    if op is C.LITERAL:
        return re.escape(chr(av))
    if op is C.NOT_LITERAL:
        return "[^" + re.escape(chr(av)) + "]"
    if op is C.IN:
        out = []
        for i, (kind, val) in enumerate(av):
            if kind is C.NEGATE and i == 0:
                out.append("^")
            elif kind is C.LITERAL:
                out.append(re.escape(chr(val)))
            elif kind is C.RANGE:
                out.append(re.escape(chr(val[0])) + "-" + re.escape(chr(val[1])))
            else:
                return None  # a category (\d, \w): the engines differ
        return "[" + "".join(out) + "]"
    return None


def _best(options: list[set[str]]) -> set[str] | None:
    best: set[str] | None = None
    for o in options:
        if best is None or (min(map(len, o)), -len(o)) > (min(map(len, best)), -len(best)):
            best = o
    return best


def _words(items: list[Any]) -> set[str] | None:
    """Strings one of which every match of the sequence ``items`` contains, or None."""
    options: list[set[str]] = []
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        if run:
            options.append({"".join(run)})
            run = []
        if op is None:
            break
        got = _item_words(op, av)
        if got:
            options.append(got)
    return _best(options)


def _item_words(op: Any, av: Any) -> set[str] | None:
    if op is C.SUBPATTERN:
        _, add, dele, sub = av
        return None if (add | dele) & re.IGNORECASE else _words(list(sub))
    if op is C.BRANCH:
        out: set[str] = set()
        for alt in av[1]:
            got = _words(list(alt))
            if not got:
                return None
            out |= got
        return out
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, _, sub = av
        return _words(list(sub)) if lo >= 1 else None
    if op is C.ATOMIC_GROUP:
        return _words(list(av))
    return None


def _runs(items: list[Any]) -> list[list[str]]:
    """Runs of explicit one-character items a match of ``items`` contains, each a list of
    one-character regexes."""
    out: list[list[str]] = []
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        one = _explicit(op, av) if op is not None else None
        if one is not None:
            run.append(one)
            continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            lo, hi, sub = av
            sub = list(sub)
            inner = _explicit(*sub[0]) if len(sub) == 1 else None
            if inner is not None and lo >= 1:
                run.extend([inner] * lo)
                if lo == hi:
                    continue  # a fixed count: the run goes on
            elif lo >= 1:
                out.extend(_runs(sub))
        elif op is C.SUBPATTERN and not (av[1] | av[2]) & re.IGNORECASE:
            out.extend(_runs(list(av[3])))
        if run:
            out.append(run)
            run = []
    return out


def needs(pattern: str) -> Needs:
    """What a text must contain for ``pattern`` (``regex`` syntax, version 0) to match in it."""
    try:
        parsed = P.parse(pattern, 0)
    except (re.error, OverflowError, RecursionError):
        return Needs()
    items = list(parsed)
    if parsed.state.flags & re.IGNORECASE:
        # the literal runs, lower-cased, in the folded text; a branch or group that sets its
        # own case rule is left out by _words, and one that clears it only needs its letters
        found = _words(items)
        if found and min(map(len, found)) >= _STRONG and all(set(w) <= FOLD_SAFE for w in found):
            return Needs(words=tuple(sorted({w.lower() for w in found})), folded=True)
        return Needs()
    words = _words(items)
    if words and min(map(len, words)) >= _STRONG:
        return Needs(words=tuple(sorted(words)))
    runs = [r for r in _runs(items) if len(r) >= _MIN_RUN]
    if runs:
        longest = max(runs, key=lambda r: len(r))
        return Needs(run=re.compile("".join(longest)))
    return Needs(words=tuple(sorted(words))) if words else Needs()
