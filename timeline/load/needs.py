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

A pattern that ignores case, or whose parts cannot be told, needs nothing (always searched).
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


@dataclass(frozen=True, slots=True)
class Needs:
    """What a match requires: one of ``words`` as a substring, or a match of ``run``."""

    words: tuple[str, ...] = ()
    run: re.Pattern[str] | None = None

    def absent(self, text: str) -> bool:
        """Whether ``text`` lacks it, so that the rule cannot match in ``text``."""
        if self.words:
            return not any(w in text for w in self.words)
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
    if parsed.state.flags & re.IGNORECASE:
        return Needs()
    items = list(parsed)
    words = _words(items)
    if words and min(map(len, words)) >= _STRONG:
        return Needs(words=tuple(sorted(words)))
    runs = [r for r in _runs(items) if len(r) >= _MIN_RUN]
    if runs:
        longest = max(runs, key=lambda r: len(r))
        return Needs(run=re.compile("".join(longest)))
    return Needs(words=tuple(sorted(words))) if words else Needs()
