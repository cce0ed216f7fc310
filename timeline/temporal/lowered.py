"""Matching ignoring case as plain matching on the lower-cased text: faster in ``re``.

Ignoring case, ``re`` compares each letter of a pattern through a lower-casing step, and an
alternative that opens with a letter cannot be skipped on its first character: every branch of
an alternation of words is entered. On a text lower-cased once (:func:`fold`, in C), the same
pattern written in lower case (:func:`compile_lowered`) matches plainly, and ``re`` skips an
alternative whose first letter differs in one comparison.

The two agree position for position. ``re`` ignoring case matches a character ``c`` against a
letter ``x`` when the simple lower case of ``c`` is the lower case of ``x`` or one of its few
equivalents (``re._casefix``: "s" and the long s, the two sigmas...). :func:`fold` gives each
character its lower case (``str.lower``: the simple one); :func:`compile_lowered` writes each letter as its lower case and
its equivalents, and each character set by the lower cases of its members. Character classes
(``\\w``, ``\\d``, ``\\s``) do not change under lower-casing (tests check every code point).
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import re
from functools import cache
from re import _constants as K  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]
from typing import Any

from timeline.temporal.store import Parts, from_parts, parts_of

#: Ranges of a character set wider than this are not rewritten (the pattern is then refused).
_WIDEST_RANGE = 4096


#: the last text folded and its fold: the scan folds a document's text, then anchoring asks
#: again for its tense cues (one reference swapped at once, safe across threads)
_LAST: tuple[str | None, str | None] = (None, None)


def fold(text: str) -> str | None:
    """``text`` lower-cased character for character, or None when lower-casing changes its
    length (a capital I with a dot becomes two characters: offsets would no longer agree) or
    depends on context (a capital sigma: a word's lower case, as the scan keys it, could end
    otherwise than the text's). Then the caller matches ignoring case on ``text`` itself."""
    global _LAST
    last = _LAST
    if last[0] is text:
        return last[1]
    if "\u03a3" in text:
        low: str | None = None
    else:
        low = text.lower()
        if len(low) != len(text):
            low = None
    _LAST = (text, low)
    return low


def _lower_class(code: int) -> tuple[int, ...] | None:
    """The lower-cased characters that match ``code`` ignoring case, or None when ``code`` has
    no case (it then only matches itself)."""
    if not _sre.unicode_iscased(code):
        return None
    lo = _sre.unicode_tolower(code)
    return (lo, *_EXTRA_CASES.get(lo, ()))


class _Refused(Exception):
    """The pattern uses something this rewriting does not follow (the caller keeps its own)."""


def _set(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for op, av in items:
        if op is K.LITERAL:
            cls = _lower_class(av)
            out.extend([(op, av)] if cls is None else [(K.LITERAL, c) for c in cls])
        elif op is K.RANGE:
            lo, hi = av
            if hi - lo > _WIDEST_RANGE or hi > 0xFFFF:
                raise _Refused
            codes: set[int] = set()
            for i in range(lo, hi + 1):
                low = _sre.unicode_tolower(i)
                codes.add(low)
                codes.update(_EXTRA_CASES.get(low, ()))
            out.extend((K.LITERAL, c) for c in sorted(codes))
        elif op in (K.NEGATE, K.CATEGORY):
            out.append((op, av))
        else:
            raise _Refused
    return out


def _walk(sub: Any, state: Any, superset: bool) -> Any:
    data: list[Any] = []
    for op, av in sub:
        if op is K.LITERAL or op is K.NOT_LITERAL:
            cls = _lower_class(av)
            if cls is None:
                data.append((op, av))
            elif len(cls) == 1:
                data.append((op, cls[0]))
            else:
                neg = [(K.NEGATE, None)] if op is K.NOT_LITERAL else []
                data.append((K.IN, neg + [(K.LITERAL, c) for c in cls]))
        elif op is K.IN:
            data.append((op, _set(av)))
        elif op is K.SUBPATTERN:
            group, add, dele, p = av
            if (add | dele) & re.IGNORECASE and not superset:
                raise _Refused  # a part that minds case: matched on the original text
            data.append((op, (group, add & ~re.IGNORECASE, dele & ~re.IGNORECASE,
                              _walk(p, state, superset))))
        elif op is K.BRANCH:
            data.append((op, (av[0], [_walk(a, state, superset) for a in av[1]])))
        elif op in (K.MAX_REPEAT, K.MIN_REPEAT, K.POSSESSIVE_REPEAT):
            lo, hi, p = av
            data.append((op, (lo, hi, _walk(p, state, superset))))
        elif op is K.ASSERT or op is K.ASSERT_NOT:
            direction, p = av
            data.append((op, (direction, _walk(p, state, superset))))
        elif op is K.ATOMIC_GROUP:
            data.append((op, _walk(av, state, superset)))
        elif op in (K.GROUPREF, K.GROUPREF_EXISTS):
            raise _Refused  # a back reference compares case its own way
        else:
            data.append((op, av))
    return P.SubPattern(state, data)


@cache
def compile_lowered(pattern: str, superset: bool = False) -> re.Pattern[str] | None:
    """``pattern`` (matched ignoring case) as a plain pattern over :func:`fold`'s text: the
    same matches at the same offsets, same groups. None when the pattern has a part that minds
    case (``(?-i:...)``) or a back reference; with ``superset``, a part that minds case is
    matched ignoring case instead (the pattern then matches at least where the original does:
    enough for a filter)."""
    parts = lowered_parts(pattern, superset)
    return None if parts is None else from_parts(parts)


def lowered_parts(pattern: str, superset: bool = False) -> Parts | None:
    """What :func:`compile_lowered` compiles, as the plain data of
    :func:`timeline.temporal.store.parts_of` (None when it cannot be rewritten)."""
    parsed = P.parse(pattern, re.IGNORECASE)
    try:
        rewritten = _walk(parsed, parsed.state, superset)
    except _Refused:
        return None
    rewritten.state.flags &= ~re.IGNORECASE
    return parts_of(rewritten, 0)
