"""The characters a regular expression can start with, to prefilter a combined pattern.

Python's ``re`` tries the alternatives of a pattern one by one at every position; prefixing each
rule with a one-character lookahead of its possible first characters lets a position fail a rule
in one step. Computed from the parsed pattern, so it holds for any rule a resource file adds.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]
import re
import string
from functools import cache
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]
from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]

ANY = None  # the set of every character
_DIGITS = frozenset(string.digits)
_SPACES = frozenset(
    " \t\n\r\f\v\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000\x1c\x1d\x1e\x1f\x85"
)


def _case(chars: set[str]) -> set[str]:
    out = set()
    for c in chars:
        out.update({c, c.lower(), c.upper()})
    return {c for c in out if len(c) == 1}


def _in_set(items: list) -> set[str] | None:  # type: ignore[type-arg]
    out: set[str] = set()
    for op, av in items:
        if op is C.NEGATE:
            return ANY
        if op is C.LITERAL:
            out.add(chr(av))
        elif op is C.RANGE:
            lo, hi = av
            if hi - lo > 400:
                return ANY
            out.update(chr(i) for i in range(lo, hi + 1))
        elif op is C.CATEGORY:
            if av is C.CATEGORY_DIGIT:
                out |= _DIGITS
            elif av is C.CATEGORY_SPACE:
                out |= _SPACES
            else:
                return ANY
        else:
            return ANY
    return out


def _seq(items: list) -> tuple[set[str] | None, bool]:  # type: ignore[type-arg]
    """(first characters, whether the sequence can match the empty string)."""
    first: set[str] = set()
    for op, av in items:
        f, nullable = _item(op, av)
        if f is ANY:
            return ANY, False
        first |= f
        if not nullable:
            return first, False
    return first, True


def _item(op, av) -> tuple[set[str] | None, bool]:  # type: ignore[no-untyped-def]
    if op is C.LITERAL:
        return {chr(av)}, False
    if op is C.IN:
        return _in_set(av), False
    if op is C.SUBPATTERN:
        return _seq(list(av[3]))
    if op is C.ATOMIC_GROUP:
        return _seq(list(av))
    if op is C.BRANCH:
        out: set[str] = set()
        nullable = False
        for alt in av[1]:
            f, n = _seq(list(alt))
            if f is ANY:
                return ANY, False
            out |= f
            nullable = nullable or n
        return out, nullable
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        lo, _hi, sub = av
        f, n = _seq(list(sub))
        return f, (lo == 0 or n)
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return set(), True
    if op is C.CATEGORY:
        if av is C.CATEGORY_DIGIT:
            return set(_DIGITS), False
        if av is C.CATEGORY_SPACE:
            return set(_SPACES), False
        return ANY, False
    return ANY, False


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` (ignoring case) can start with; None for any."""
    parsed = P.parse(pattern, re.IGNORECASE)
    f, nullable = _seq(list(parsed))
    if f is ANY or nullable:
        return None
    return frozenset(_case(f))


def lookahead(pattern: str) -> str:
    """``(?=[...])`` for the first characters of ``pattern``, or "" when any can start it."""
    chars = first_chars(pattern)
    if chars is None:
        return ""
    body = "".join("\\" + c if c in "\\]^-[" else c for c in sorted(chars) if c not in "\n\r")
    extra = "\\n\\r" if {"\n", "\r"} & chars else ""
    return f"(?=[{body}{extra}])"


# --- first-token keys: which words can open a match ------------------------------------------

KEY_LEN = 3
_CAP = 20000


class _GiveUp(Exception):
    pass


DIGITS_CAP = 4


def follower(c: str) -> str:
    """The class of the character after a digit run, part of a digit token's key."""
    if c in ".,/-:":
        return c
    if c in "\u2013\u2014":
        return "-"
    if c.isspace():
        return "_"
    if c.isalpha():
        return "a"
    return "?"


FOLLOWERS = (".", ",", "/", "-", ":", "_", "a", "?", "")


def token_key(token: str, after: str = "") -> str:
    """The key of a token (a letter run or a digit run). Digits: ``#``, the number of digits
    (4 for four or more) and the class of the next character (see :func:`follower`; "" at the
    end of the text); letters: the first three in lower case, or the whole short word
    followed by ``$``."""
    if token[0].isdigit():
        return f"#{min(len(token), DIGITS_CAP)}{follower(after) if after else ''}"
    t = token.lower()
    return t[:KEY_LEN] if len(t) >= KEY_LEN else t + "$"


def _close(partial: str, c: str | None = None) -> set[str]:
    """The keys of an open prefix closed by character ``c`` (None: by the end of the pattern,
    which any character may follow)."""
    if partial.startswith("#"):
        head = f"#{len(partial)}"
        if c is None:
            return {head + f for f in FOLLOWERS}
        return {head + follower(c)}
    return {partial if len(partial) >= KEY_LEN else partial + "$"}


def _walk(items: list, states: set[str], out: set[str]) -> set[str]:  # type: ignore[type-arg]
    """Advance the open prefixes ``states`` through ``items``; closed keys go to ``out``."""
    for op, av in items:
        if not states:
            return states
        if len(states) + len(out) > _CAP:
            raise _GiveUp
        states = _step(op, av, states, out)
    return states


def _chars(op, av) -> set[str] | None:  # type: ignore[no-untyped-def]
    if op is C.LITERAL:
        return {chr(av)}
    if op is C.IN:
        s = _in_set(av)
        if s is None:
            return None
        return s
    if op is C.CATEGORY:
        if av is C.CATEGORY_DIGIT:
            return set(_DIGITS)
        if av is C.CATEGORY_SPACE:
            return set(_SPACES)
    if op is C.NOT_LITERAL or op is C.ANY:
        return None
    return None


def _step(op, av, states: set[str], out: set[str]) -> set[str]:  # type: ignore[no-untyped-def]
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return states
    if op is C.SUBPATTERN:
        return _walk(list(av[3]), states, out)
    if op is C.ATOMIC_GROUP:
        return _walk(list(av), states, out)
    if op is C.BRANCH:
        nxt: set[str] = set()
        for alt in av[1]:
            nxt |= _walk(list(alt), set(states), out)
        return nxt
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        lo, hi, sub = av
        nxt = set()
        cur = set(states)
        for k in range(0, min(hi, KEY_LEN + 1) + 1):
            if k >= lo:
                nxt |= cur
            if k == min(hi, KEY_LEN + 1):
                break
            cur = _walk(list(sub), cur, out)
            if not cur:
                break
        if hi > KEY_LEN + 1 and cur:
            nxt |= cur  # long repeats: whatever more repetitions add is covered by closing
        return nxt
    chars = _chars(op, av)
    if chars is None:
        raise _GiveUp
    nxt = set()
    for s in states:
        digits = s.startswith("#")
        for c in chars:
            if c.isdigit():
                if s == "" or digits:
                    nxt.add(s + "#" if len(s) < DIGITS_CAP else s)
                else:
                    out |= _close(s, c)
            elif c.isalpha() and not digits:
                t = s + c.lower()
                if len(t) >= KEY_LEN:
                    out.add(t)
                else:
                    nxt.add(t)
            else:
                if s == "":
                    raise _GiveUp  # a match opening with punctuation: tried everywhere
                out |= _close(s, c)
    return nxt


def first_keys(pattern: str) -> frozenset[str] | None:
    """The token keys (see :func:`token_key`) a match of ``pattern`` can start with; None when
    they cannot be told (the rule is then tried at every token)."""
    parsed = P.parse(pattern, re.IGNORECASE)
    out: set[str] = set()
    try:
        rest = _walk(list(parsed), {""}, out)
    except _GiveUp:
        return None
    if "" in rest:
        return None  # can match the empty string
    for s in rest:
        out |= _close(s)
    return frozenset(out)


# --- first two tokens: which word pairs can open a match -------------------------------------
#
# A word like Spanish "el" opens half the rules; the token after it ("año", "lunes", "3")
# tells which of them can match. A pair walk follows the pattern as the key walk does, and
# after the first token's key, the gap of other characters, to the second token's key. The
# text side (finder._pair_key) takes the next letter or digit run after the first token,
# whatever lies between: a match that reaches a second token has it right there.

ANY_NEXT = ""  # a pair's second key when the match may end before a second token
_IN_FIRST = "\x01"  # the second slot while the first token's letters go on past its key
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


@cache
def _kind(c: str) -> str:
    """'d' (a \\d digit), 'a' (a letter of a letter run) or 'o' (anything else), as the text's
    tokens see it; raises _GiveUp for a character the key walk classes otherwise."""
    if _DIGIT.match(c):
        if not c.isdigit():
            raise _GiveUp
        return "d"
    if _LETTER.match(c):
        if not c.isalpha() or len(c.lower()) != 1:
            raise _GiveUp
        return "a"
    if c.isdigit() or c.isalpha():
        raise _GiveUp
    return "o"


_Pair = tuple[str, str | None]  # (first: partial, or "=" + closed key; second: None, or partial)


def _pair_char(state: _Pair, c: str, out: set[tuple[str, str]]) -> set[_Pair]:
    first, second = state
    kind = _kind(c)
    if second is None:  # still in the first token
        if first.startswith("#") or first == "":
            if kind == "d":
                return {(first + "#" if len(first) < DIGITS_CAP else first, None)}
            if first == "":
                if kind == "o":
                    raise _GiveUp  # opens with punctuation (the key walk gives up too)
                t = c.lower()
                return {(t, None)}
            key = f"#{len(first)}{follower(c)}"
            return _pair_char((f"={key}", ""), c, out) if kind == "a" else {(f"={key}", "")}
        # a letter run of fewer than KEY_LEN letters
        if kind == "a":
            t = first + c.lower()
            return {(f"={t}", _IN_FIRST)} if len(t) >= KEY_LEN else {(t, None)}
        key = first if len(first) >= KEY_LEN else first + "$"
        return _pair_char((f"={key}", ""), c, out) if kind == "d" else {(f"={key}", "")}
    if second == _IN_FIRST:
        if kind == "a":
            return {state}
        return _pair_char((first, ""), c, out) if kind == "d" else {(first, "")}
    if second == "":  # the gap
        if kind == "o":
            return {state}
        return {(first, "#" if kind == "d" else c.lower())}
    k1 = first[1:]
    if second.startswith("#"):
        if kind == "d":
            return {(first, second + "#" if len(second) < DIGITS_CAP else second)}
        out.add((k1, f"#{len(second)}{follower(c)}"))
        return set()
    if kind == "a":
        t = second + c.lower()
        if len(t) >= KEY_LEN:
            out.add((k1, t))
            return set()
        return {(first, t)}
    out.add((k1, second + "$"))
    return set()


def _pair_walk(items: list, states: set[_Pair], out: set[tuple[str, str]]) -> set[_Pair]:  # type: ignore[type-arg]
    for op, av in items:
        if not states:
            return states
        if len(states) + len(out) > _CAP:
            raise _GiveUp
        states = _pair_step(op, av, states, out)
    return states


def _pair_step(op, av, states: set[_Pair], out: set[tuple[str, str]]) -> set[_Pair]:  # type: ignore[no-untyped-def]
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return states
    if op is C.SUBPATTERN:
        return _pair_walk(list(av[3]), states, out)
    if op is C.ATOMIC_GROUP:
        return _pair_walk(list(av), states, out)
    if op is C.BRANCH:
        nxt: set[_Pair] = set()
        for alt in av[1]:
            nxt |= _pair_walk(list(alt), set(states), out)
        return nxt
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        lo, hi, sub = av
        nxt = set()
        cur = set(states)
        reach = 2 * (KEY_LEN + DIGITS_CAP) + 2
        settled = False
        for k in range(0, min(hi, reach) + 1):
            if k >= lo:
                nxt |= cur
            if k == min(hi, reach):
                break
            before = cur
            cur = _pair_walk(list(sub), cur, out)
            if not cur or (cur <= before and k >= lo):
                settled = True  # more repetitions reach no new state (nor new pairs)
                break
        if hi > reach and not settled:
            raise _GiveUp  # still changing after that many repetitions: not followed
        return nxt
    chars = _chars(op, av)
    if chars is None:
        raise _GiveUp
    nxt = set()
    chars = _equivalents(chars)
    for state in states:
        for c in chars:
            nxt |= _pair_char(state, c, out)
    return nxt


def _equivalents(chars: set[str]) -> set[str]:
    """``chars`` and what else matches them ignoring case, in lower case: the long s for "s",
    the dotless i for "i" (re._casefix): a text lower-cased keeps them apart."""
    out = set(chars)
    for c in chars:
        out.update(chr(x) for x in _EXTRA_CASES.get(_sre.unicode_tolower(ord(c)), ()))
    return out


def first_pairs(pattern: str) -> frozenset[tuple[str, str]] | None:
    """The (first token key, second token key) pairs a match of ``pattern`` can open with
    (see :func:`token_key`); the second key is :data:`ANY_NEXT` when a match can end before
    a second token. None when they cannot be told (then :func:`first_keys` alone decides)."""
    parsed = P.parse(pattern, re.IGNORECASE)
    out: set[tuple[str, str]] = set()
    try:
        rest = _pair_walk(list(parsed), {("", None)}, out)
    except _GiveUp:
        return None
    for first, second in rest:
        if second is None:
            if first == "":
                return None  # can match the empty string
            for k in _close(first):
                out.add((k, ANY_NEXT))
        elif second in ("", _IN_FIRST):
            out.add((first[1:], ANY_NEXT))
        else:
            for k in _close(second):
                out.add((first[1:], k))
    return frozenset(out)


# --- opening prefixes: where in a text a match can start --------------------------------------
#
# A rule's opening prefixes are the regex fragments its matches begin with, up to PREFIX_DEPTH
# single-character steps ("t", "h", "e", "\s+", "n", ...). Every match of the rule begins with
# one of them, so the union of a language's prefixes, as a trie, is a pattern that `re` can
# search in C for the positions where some rule could match; the scan (finder.scan) then only
# tries its rules there. The prefixes only drop conditions (lookarounds, later repetitions):
# they match at least wherever the rule does.

PREFIX_DEPTH = 8
_PREFIX_CAP = 400  # open prefixes per rule before they are cut short
_ONE_CHAR = (C.LITERAL, C.NOT_LITERAL, C.IN, C.ANY, C.CATEGORY)
_CATEGORIES = {
    C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D",
    C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w",
    C.CATEGORY_NOT_WORD: r"\W",
}
Prefix = tuple[str, ...]


def _esc(code: int) -> str:
    c = chr(code)
    return re.escape(c) if c.isprintable() else f"\\U{code:08x}"


def _fragment(op, av) -> str | None:  # type: ignore[no-untyped-def]
    """One character-consuming item as a regex fragment (None when it cannot be written)."""
    if op is C.LITERAL:
        c = chr(av)
        low = c.lower()  # one spelling per letter, so that the trie shares it (matched ignoring case)
        return _esc(ord(low)) if len(low) == 1 and low.upper() == c.upper() else _esc(av)
    if op is C.NOT_LITERAL:
        return f"[^{_esc(av)}]"
    if op is C.ANY:
        return "(?s:.)"
    if op is C.CATEGORY:
        return _CATEGORIES.get(av)
    if op is C.IN:
        parts = []
        for o, a in av:
            if o is C.NEGATE:
                parts.append("^")
            elif o is C.LITERAL:
                parts.append(_esc(a))
            elif o is C.RANGE:
                parts.append(f"{_esc(a[0])}-{_esc(a[1])}")
            elif o is C.CATEGORY and a in _CATEGORIES:
                parts.append(_CATEGORIES[a])
            else:
                return None
        return "[" + "".join(parts) + "]"
    return None


def _quantifier(lo: int, hi: int) -> str:
    if hi == C.MAXREPEAT:
        return "*" if lo == 0 else "+" if lo == 1 else f"{{{lo},}}"
    if (lo, hi) == (0, 1):
        return "?"
    return f"{{{lo}}}" if lo == hi else f"{{{lo},{hi}}}"


def _extend(states: set[Prefix], frag: str, out: set[Prefix]) -> set[Prefix]:
    nxt: set[Prefix] = set()
    for s in states:
        t = (*s, frag)
        (out if len(t) >= PREFIX_DEPTH else nxt).add(t)
    return nxt


def _pwalk(items: list, states: set[Prefix], out: set[Prefix]) -> set[Prefix]:  # type: ignore[type-arg]
    """Advance the open prefixes through ``items``; finished ones go to ``out``."""
    for op, av in items:
        if not states:
            break
        if len(states) > _PREFIX_CAP:
            out |= states  # cut short: a shorter prefix still opens every match
            return set()
        states = _pstep(op, av, states, out)
    return states


def _pstep(op, av, states: set[Prefix], out: set[Prefix]) -> set[Prefix]:  # type: ignore[no-untyped-def]
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return states  # a condition dropped: the prefix matches more, never less
    if op is C.SUBPATTERN:
        return _pwalk(list(av[3]), states, out)
    if op is C.ATOMIC_GROUP:
        return _pwalk(list(av), states, out)
    if op is C.BRANCH:
        nxt: set[Prefix] = set()
        for alt in av[1]:
            nxt |= _pwalk(list(alt), set(states), out)
        return nxt
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        lo, hi, sub = av
        sub = list(sub)
        frag = _fragment(*sub[0]) if len(sub) == 1 and sub[0][0] in _ONE_CHAR else None
        if hi == 0:
            return states
        if frag is not None:
            # A repeated character: one fragment with its quantifier, except at the very start,
            # where the first character is kept apart (the opening fragment is one character).
            opened = {s for s in states if s}
            nxt = _extend(opened, frag + _quantifier(lo, hi), out) if opened else set()
            if () in states:
                if lo == 0:
                    nxt.add(())
                first = _extend({()}, frag, out)
                rest_hi = hi if hi == C.MAXREPEAT else hi - 1
                if rest_hi > 0:
                    first = _extend(first, frag + _quantifier(max(lo - 1, 0), rest_hi), out)
                nxt |= first
            return nxt
        once = _pwalk(sub, set(states), out)
        if hi > 1:
            out |= once  # what further repetitions add is not followed
            once = set()
        return (states | once) if lo == 0 else once
    frag = _fragment(op, av) if op in _ONE_CHAR else None
    if frag is None:
        out |= states  # cannot be followed (a back reference...): stop here
        return set()
    return _extend(states, frag, out)


def prefixes(pattern: str) -> frozenset[Prefix] | None:
    """The opening prefixes of ``pattern`` (matched ignoring case); None when a match can open
    with anything (the pattern can match the empty string)."""
    parsed = P.parse(pattern, re.IGNORECASE)
    out: set[Prefix] = set()
    out |= _pwalk(list(parsed), {()}, out)
    if () in out:
        return None
    return frozenset(out)


def trie(seqs: set[Prefix] | frozenset[Prefix]) -> str:
    """The prefixes as one regex, shared beginnings written once (a prefix that ends covers
    every longer one that starts with it)."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for s in sorted(seqs, key=len):
        node = root
        for frag in s:
            if "" in node:
                break
            node = node.setdefault(frag, {})
        else:
            node.clear()
            node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        if "" in node:
            return ""
        alts = [frag + emit(sub) for frag, sub in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)
