"""Load a language's temporal resources and compile them into one scanning pattern.

A language is the file ``timeline/resources/<lang>/temporal.toml`` (plus any
``temporal-*.toml`` next to it, e.g. generated month and weekday words), which may ``include``
other resource folders (``common`` holds the language-neutral numeric rules). The engine knows
no words: everything language-specific is in these files.

File layout::

    [meta]      language, name, include = ["common"], day_first = true
    [words.<table>]   word = value          # month, weekday, number, unit, season, mod, ...
    [blocks]    name = 'regex'              # reusable fragments, referenced as {name}
    [tense]     past = 'regex', future = 'regex'   # cues that set the direction of anchoring
    [[rule]]    name, pattern, type, value, end_value, mod, priority, examples, negatives

In a pattern, ``{name}`` expands to a block or to the alternation of a word table (longest
first); a literal space matches any run of whitespace (non-breaking spaces and line breaks
included); a straight apostrophe also matches the curly ones. Named groups carry meaning by
their name's first part (``day``, ``month``, ``year``, ``weekday``, ``num``, ``unit``,
``season``, ``mod``, ``quarter``, ``half``, ``decade``, ``hour``, ``minute``, ``part``; a suffix
after ``_`` distinguishes two groups of one kind, as in ``day_end``). A group ``t``, when present,
is the extent of the time expression (the rest of the match is context).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from timeline.errors import ResourceError, UsageError
from timeline.temporal.firstchars import (
    ANY_NEXT,
    first_chars,
    first_keys,
    first_pairs,
    lookahead,
    prefixes,
    trie,
)
from timeline.temporal.lowered import compile_lowered, lowered_parts
from timeline.temporal.store import Store, parts_of

RESOURCE_ROOT = Path(str(importlib_resources.files("timeline"))) / "resources"

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAMED_GROUP = re.compile(r"\(\?P<([A-Za-z_][A-Za-z0-9_]*)>")
_BACKREF = re.compile(r"\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)")
_APOSTROPHES = "'\u2019\u2018\u02bc\u00b4`"
_APOS_CLASS = "['\u2019\u2018\u02bc\u00b4`]"
# Left boundary: not inside a word, except that a number may be glued to a preceding word
# ("Presseartikel11 Mai 2022"); never right after a digit or a digit and a separator
# ("19/1234", "1.2-1.5").
_LEFT = r"(?:(?<!\w)|(?<=[^\W\d_])(?=\d))(?<!\d[./-])"
#: The left boundary alone, tested once per position before the position's rules.
LEFT = re.compile(_LEFT, re.IGNORECASE)
# A token's first character (a letter or a digit) at a left boundary, looser than _LEFT (the
# digit test first: most positions fail it at once).
_LEFT_TOKEN = r"(?:(?<!\w)|(?=\d)(?<=[^\W\d_]))(?=[^\W_])"
# The left boundary's last condition (not after a digit and a separator), written where a
# match of Grammar.openings ends: after its character other than a letter, digit or underscore,
# which is the boundary's first condition. Every position the scan tries then has a left boundary.
_NOT_AFTER_NUMBER = r"(?<!\d[./-])"
# Right boundary: not inside a word or a number ("2011/93/EU", "1.2-1.5").
_RIGHT = r"(?!\w)(?![./-]\d)"

#: uses of a token key after which it gets a pattern of its own (see Grammar.pattern_at)
HOT_KEY = 2048
#: a first token that opens more rules than this is keyed with the token after it too
#: (see Grammar.by_pair)
PAIR_SPLIT = 4
#: joins a first and a second token key into one key (see Grammar.rules_for)
PAIR = "\x00"
#: characters a grammar without a store (see :mod:`timeline.temporal.store`) scans the text
#: itself before it scans lower-cased texts (the lower-case patterns and the token pairs cost
#: about a second per language to make: worth it for a corpus, not one page; with a store they
#: are made once per machine and read back in a few hundredths of a second)
LOWERED_AFTER = 200_000
_SHARED_FOLDERS = ("common", "generic")  # included by languages, not languages
VALID_TYPES = ("DATE", "TIME", "DURATION", "SET")


def norm_word(word: str) -> str:
    """The key under which a word is looked up: lower case, NFC, one apostrophe, one space."""
    w = unicodedata.normalize("NFC", word).casefold()
    for a in _APOSTROPHES:
        w = w.replace(a, "'")
    w = w.replace("\u00ad", "")
    w = " ".join(w.split())
    return w.rstrip(".") if len(w) > 1 else w


def _word_regex(word: str) -> str:
    """A word from a table as a regex: spaces match whitespace runs, apostrophes any kind."""
    out: list[str] = []
    for ch in word:
        if ch == " ":
            out.append(r"\s+")
        elif ch in _APOSTROPHES:
            out.append(_APOS_CLASS)
        elif ch == "-":
            out.append(r"[-\u2010\u2011]")
        else:
            out.append(re.escape(ch))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Rule:
    """One named rule of a language's grammar."""

    name: str
    language: str
    pattern: str  # expanded, with the rule's own group names
    type: str
    value: str
    end_value: str | None = None
    mod: str | None = None
    priority: int = 0
    examples: tuple[tuple[str, str], ...] = ()  # (text, value) pairs, value anchored to 'dct'
    negatives: tuple[str, ...] = ()
    dct: str | None = None  # the anchor the examples assume
    groups: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        """``<language>:<name>``, as stored in :attr:`Timex.rule`."""
        return f"{self.language}:{self.name}"


@dataclass(slots=True)
class Grammar:
    """The compiled grammar of one language."""

    language: str
    name: str
    rules: list[Rule]
    words: dict[str, dict[str, Any]]
    tense: dict[str, re.Pattern[str]] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    #: token keys (see :func:`firstchars.token_key`) at which some rule can start
    triggers: frozenset[str] = frozenset()
    #: some rule's first token cannot be told: try the combined pattern at every token
    everywhere: bool = False
    #: per rule, the token keys it can start at (None: cannot be told)
    rule_keys: tuple[frozenset[str] | None, ...] = ()
    #: normalized values by (rule index, matched text); see finder._build
    memo: dict[tuple[int, str], Any] = field(default_factory=dict)
    #: normalized groups by (kind, text), or the Reject they raise; see finder._fields
    field_memo: dict[tuple[str, str], Any] = field(default_factory=dict)
    _single: dict[int, re.Pattern[str]] = field(default_factory=dict)
    _bare: dict[int, re.Pattern[str]] = field(default_factory=dict)
    _by_key: dict[str, re.Pattern[str] | None] = field(default_factory=dict)
    _by_subset: dict[tuple[int, ...], re.Pattern[str]] = field(default_factory=dict)
    _rules_by_key: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _matchers: dict[str, tuple[tuple[int, Callable[[str, int], re.Match[str] | None]], ...]] = (
        field(default_factory=dict)
    )
    _trie: str | None = None
    _uses: dict[str, int] = field(default_factory=dict)
    _pairs: dict[int, frozenset[tuple[str, str]] | None] = field(default_factory=dict)
    _plans: dict[str, list[Any]] = field(default_factory=dict)
    #: characters scanned so far (see LOWERED_AFTER)
    scanned: int = 0
    _plans_lowered: dict[str, list[Any]] = field(default_factory=dict)
    _bare_lowered: dict[int, re.Pattern[str] | None] = field(default_factory=dict)
    _by_subset_lowered: dict[tuple[int, ...], re.Pattern[str] | None] = field(
        default_factory=dict
    )
    #: per rule: (its group in a combined pattern, its ``t`` group or None, its qualified name)
    _built: list[tuple[str, str | None, str]] = field(default_factory=list)
    _split: dict[str, bool] = field(default_factory=dict)
    #: the compiled patterns kept on disk (see :mod:`timeline.temporal.store`) while the
    #: grammar is made, else None
    store: Store | None = None
    #: where the store's patterns came from: "read" from its file, "made" (and written), or
    #: None without a store
    stored: str | None = None
    #: scan lower-cased texts from the first character (the store made the lower-case
    #: patterns and token pairs cheap), instead of after LOWERED_AFTER characters
    lowered: bool = False

    def _compile(self, name: str, source: Callable[[], str]) -> re.Pattern[str]:
        """``source()`` compiled ignoring case, through the store when there is one (where
        the source is not even made)."""
        store = self.store
        if store is None:
            return re.compile(source(), re.IGNORECASE)
        got = store.compile(name, lambda: parts_of(source(), re.IGNORECASE))
        assert got is not None
        return got

    def _compile_lowered(self, name: str, source: str, superset: bool = False) -> re.Pattern[str] | None:
        """:func:`compile_lowered` of ``source``, through the store when there is one."""
        store = self.store
        if store is None:
            return compile_lowered(source, superset)
        return store.compile(name, lambda: lowered_parts(source, superset))

    def settle(self) -> None:
        """Before the first scan, with a store: make every pattern the scan of lower-cased
        texts needs (read from the store, or made and written to it: making them costs about
        a second per language, once per machine) and scan lower-cased from the start. Not at
        :func:`load`, so that listing the languages compiles nothing."""
        store = self.store
        if store is None:
            return
        self.prepare()
        store.save()
        self.lowered = True
        self.stored = "read" if store.hit and not store.dirty else "made"
        self.store = None  # every pattern the scan needs is made: the file's data can go

    def prepare(self) -> None:
        """Make every pattern and token fact a scan of lower-cased texts needs, except the
        combined patterns of hot keys (see :meth:`plan`), and keep them in the store."""
        self.starts()
        self.openings()
        self.openings_lowered()
        self.opens_lowered()
        for i in range(len(self.rules)):
            self.bare(i)
            self.bare_lowered(i)
            self._rule_pairs(i)

    def rules_for(self, key: str) -> tuple[int, ...]:
        """The indexes of the rules that can start at a token with ``key``, in priority order.
        A key ``first + PAIR + second`` (see :meth:`by_pair`) narrows them to the rules that
        can open with that token pair, or end before a second token."""
        try:
            return self._rules_by_key[key]
        except KeyError:
            pass
        if PAIR in key:
            first, second = key.split(PAIR)
            subset = tuple(
                i
                for i in self.rules_for(first)
                if (pairs := self._rule_pairs(i)) is None
                or (first, second) in pairs
                or (first, ANY_NEXT) in pairs
            )
        else:
            subset = tuple(
                i for i, keys in enumerate(self.rule_keys) if keys is None or key in keys
            )
        self._rules_by_key[key] = subset
        return subset

    def build_names(self, index: int) -> tuple[str, str | None, str]:
        """Rule ``index``'s group name in a combined pattern (``r<index>``), the name of its
        ``t`` group there (None without one) and its qualified name, made once."""
        built = self._built
        if not built:
            built.extend(
                (f"r{i}", f"r{i}__t" if "t" in r.groups else None, r.qualified)
                for i, r in enumerate(self.rules)
            )
        return built[index]

    def _rule_pairs(self, index: int) -> frozenset[tuple[str, str]] | None:
        try:
            return self._pairs[index]
        except KeyError:
            store = self.store
            if store is None:
                got = first_pairs(self.rules[index].pattern)
            else:
                raw = store.fact(f"pairs:{index}", lambda: _pairs_json(index, self.rules))
                got = None if raw is None else frozenset((a, b) for a, b in raw)
            self._pairs[index] = got
            return got

    def by_pair(self, key: str) -> bool:
        """Whether the scan keys a token with ``key`` by the token after it too: when ``key``
        opens more than PAIR_SPLIT rules ("el" opens 72 of Spanish's 142), most of which the
        next token rules out ("el año" opens 7)."""
        got = self._split.get(key)
        if got is None:
            got = self._split[key] = len(self.rules_for(key)) > PAIR_SPLIT
        return got

    def matchers(self, key: str) -> tuple[tuple[int, Callable[[str, int], re.Match[str] | None]], ...]:
        """(rule index, the ``match`` of its :meth:`bare` pattern) for each rule of
        :meth:`rules_for`."""
        got = self._matchers.get(key)
        if got is None:
            got = self._matchers[key] = tuple((i, self.bare(i).match) for i in self.rules_for(key))
        return got

    def pattern_for(self, key: str) -> re.Pattern[str] | None:
        """The combined pattern of the rules that can start at a token with ``key``, in
        priority order (compiled on first use), or None when no rule can."""
        try:
            return self._by_key[key]
        except KeyError:
            pass
        subset = self.rules_for(key)
        pat: re.Pattern[str] | None = None
        if subset:
            pat = self._by_subset.get(subset)
            if pat is None:
                src = _LEFT + "(?:" + "|".join(_wrap(i, self.rules[i].pattern) for i in subset)
                pat = re.compile(src + ")", re.IGNORECASE)
                self._by_subset[subset] = pat
        self._by_key[key] = pat
        return pat

    def _opening_trie(self) -> str:
        """The rules' opening prefixes as one regex (see :func:`firstchars.prefixes`), or ""
        when some rule's opening cannot be told (every token start is then a candidate)."""
        got = self._trie
        if got is None and self.store is not None:
            got = self._trie = self.store.fact("trie", lambda: self._make_trie())
        if got is None:
            got = self._trie = self._make_trie()
        return got

    def _make_trie(self) -> str:
        seqs: set[tuple[str, ...]] = set()
        for rule in self.rules:
            p = prefixes(rule.pattern)
            if p is None:
                return ""
            seqs |= p
        return trie(seqs) if seqs else ""

    def starts(self) -> re.Pattern[str]:
        """Where a match can start: a zero-width pattern.
        It requires one of the rules' opening prefixes (see :func:`firstchars.prefixes`)
        after a left boundary; when some rule's opening cannot be told, every token start.
        The scan finds these positions faster with :meth:`openings`."""
        pat = self._by_key.get("^starts")
        if pat is None:
            seqs = self._opening_trie()
            ahead = f"(?={seqs})" if seqs else ""
            pat = self._compile("starts", lambda: _LEFT_TOKEN + ahead)
            self._by_key["^starts"] = pat
        return pat

    def openings(self) -> re.Pattern[str]:
        """The positions of :meth:`starts` that follow a character other than a letter, digit
        or underscore, as the ends of the matches of one pattern: that character, then the
        opening prefixes. ``re`` searches it in C, jumping from one such character to the
        next without trying the pattern in between (the pattern opens with a character
        class), where :meth:`starts` tries its left boundary at every position.
        The other positions of :meth:`starts` are the text's start and a digit glued to a word
        ("Presseartikel11"); :func:`timeline.temporal.finder.scan` looks for those apart.
        A position after a digit and a separator ("19/1234") has no left boundary (see
        :data:`LEFT`) and is left out: every position found has one."""
        pat = self._by_key.get("^openings")
        if pat is None:
            seqs = self._opening_trie()
            pat = self._compile(
                "openings",
                # the look-behind last: tried only where the prefixes match, not at every \W
                lambda: r"\W" + _token_ahead(seqs) + _NOT_AFTER_NUMBER,
            )
            self._by_key["^openings"] = pat
        return pat

    def openings_lowered(self) -> re.Pattern[str]:
        """:meth:`openings` written in lower case, for the text lower-cased by
        :func:`timeline.temporal.lowered.fold`: the same matches, about twice as fast (an
        alternative that opens with another letter is skipped in one comparison)."""
        pat = self._by_key.get("^openings-lowered")
        if pat is None:
            pat = self._compile_lowered("openings-lowered", self.openings().pattern, True)
            assert pat is not None  # a superset rewriting refuses only back references
            self._by_key["^openings-lowered"] = pat
        return pat

    def opens_lowered(self) -> re.Pattern[str]:
        """Whether some rule's opening prefix starts right at a position of the lower-cased
        text: a token's first character, then the prefixes (:meth:`openings` without the
        character before). Tried where a digit is glued to a word and at the text's start;
        like :meth:`openings_lowered` it matches at least where a rule can."""
        pat = self._by_key.get("^opens-lowered")
        if pat is None:
            seqs = self._opening_trie()
            src = r"(?=[^\W_])" + (f"(?={seqs})" if seqs else "")
            pat = self._compile_lowered("opens-lowered", src, True)
            assert pat is not None  # a superset rewriting refuses only back references
            self._by_key["^opens-lowered"] = pat
        return pat

    def plan(self, key: str, lowered: bool = False) -> list[Any]:
        """What the scan tries at a token with ``key``, in one lookup: ``[uses, combined
        pattern or None, whether it is matched on the lower-cased text, matchers]``, each
        matcher ``(rule index, match, whether on the lower-cased text)``. With ``lowered``,
        a rule is matched in lower case on the lower-cased text (:meth:`bare_lowered`)
        unless some part of it minds case. The scan counts the key's uses in the first slot
        and, once the key has come HOT_KEY times, puts the key's combined pattern in the
        second (:meth:`combined`), as :meth:`pattern_at` does."""
        plans = self._plans_lowered if lowered else self._plans
        got = plans.get(key)
        if got is None:
            matchers: list[tuple[int, Callable[[str, int], re.Match[str] | None], bool]] = []
            for i in self.rules_for(key):
                low = self.bare_lowered(i) if lowered else None
                if low is not None:
                    matchers.append((i, low.match, True))
                else:
                    matchers.append((i, self.bare(i).match, False))
            got = plans[key] = [0, None, False, tuple(matchers)]
        return got

    def combined(self, key: str, lowered: bool = False) -> tuple[re.Pattern[str] | None, bool]:
        """The combined pattern of :meth:`pattern_for` and whether it is written in lower case
        for the lower-cased text (with ``lowered``, when no rule of it minds case)."""
        pat = self.pattern_for(key)
        if pat is None or not lowered:
            return pat, False
        subset = self.rules_for(key)
        if subset in self._by_subset_lowered:
            low = self._by_subset_lowered[subset]
        else:
            low = self._by_subset_lowered[subset] = compile_lowered(pat.pattern)
        return (pat, False) if low is None else (low, True)

    def bare_lowered(self, index: int) -> re.Pattern[str] | None:
        """:meth:`bare` written in lower case for the lower-cased text (see
        :mod:`timeline.temporal.lowered`): the same matches at the same offsets, faster; None
        when some part of the rule minds case (``(?-i:[A-Z])``)."""
        if index in self._bare_lowered:
            return self._bare_lowered[index]
        got = self._bare_lowered[index] = self._compile_lowered(
            f"bare-lowered:{index}", self.bare(index).pattern
        )
        return got

    def pattern_at(self, key: str) -> re.Pattern[str] | None:
        """The key's own combined pattern once the key has come HOT_KEY times, else None:
        until then its rules are tried one by one (:meth:`single`). Compiling a key's pattern
        pays off only for a key met often; either way the same first rule is found."""
        if key in self._by_key:
            return self._by_key[key]
        n = self._uses.get(key, 0) + 1
        self._uses[key] = n
        if n >= HOT_KEY:
            return self.pattern_for(key)
        return None

    def warm(self) -> None:
        """Compile the patterns of a scan now (timings then measure tagging, not compiling)."""
        self.openings_lowered()
        self.opens_lowered()
        for i in range(len(self.rules)):
            self.bare(i)
            self.bare_lowered(i)

    def single(self, index: int) -> re.Pattern[str]:
        """The pattern of rule ``index`` alone, behind the shared left boundary."""
        pat = self._single.get(index)
        if pat is None:
            pat = re.compile(_LEFT + _wrap(index, self.rules[index].pattern), re.IGNORECASE)
            self._single[index] = pat
        return pat

    def bare(self, index: int) -> re.Pattern[str]:
        """The pattern of rule ``index`` alone without the left boundary, which every rule
        shares: the scan tests it once per position (:data:`LEFT`) and then tries the
        position's rules one by one on these patterns."""
        pat = self._bare.get(index)
        if pat is None:
            pat = self._compile(f"bare:{index}", lambda: _wrap(index, self.rules[index].pattern))
            self._bare[index] = pat
        return pat


def _token_ahead(seqs: str) -> str:
    """A token's first character (a letter or a digit), then the opening prefixes ``seqs``,
    as look-aheads; the prefixes alone when they can only open with a letter or a digit
    (one step fewer wherever the scan stops: at each character other than a letter, digit
    or underscore)."""
    if not seqs:
        return r"(?=[^\W_])"
    chars = first_chars(seqs)
    if chars is not None and all(c.isalnum() for c in chars):
        return f"(?={seqs})"
    return f"(?=[^\\W_])(?={seqs})"


def _wrap(index: int, pattern: str) -> str:
    """Rule ``index`` as one alternative: its groups renamed ``r<index>__<name>``, a lookahead
    of its possible first characters (so that a position fails it in one step), and the right
    boundary. The left boundary is shared by all rules (see :func:`combine`)."""
    renamed = _NAMED_GROUP.sub(lambda m: f"(?P<r{index}__{m.group(1)}>", pattern)
    renamed = _BACKREF.sub(lambda m: f"(?P=r{index}__{m.group(1)})", renamed)
    return f"(?P<r{index}>{lookahead(pattern)}(?:{renamed}){_RIGHT})"


def available_languages() -> list[str]:
    """Codes of the languages that have a temporal resource file."""
    out = []
    for d in sorted(RESOURCE_ROOT.iterdir()):
        if d.is_dir() and (d / "temporal.toml").is_file() and d.name not in _SHARED_FOLDERS:
            out.append(d.name)
    return out


def _pairs_json(index: int, rules: list[Rule]) -> list[list[str]] | None:
    """:func:`first_pairs` of rule ``index`` as JSON data (sorted pairs, or None)."""
    got = first_pairs(rules[index].pattern)
    return None if got is None else [list(p) for p in sorted(got)]


def _keys_json(pattern: str) -> list[str] | None:
    """:func:`first_keys` of ``pattern`` as JSON data (sorted keys, or None)."""
    got = first_keys(pattern)
    return None if got is None else sorted(got)


def _read_folder(folder: str, texts: list[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    """The parsed resource files of ``folder``; their names and texts are added to ``texts``."""
    d = RESOURCE_ROOT / folder
    main = d / "temporal.toml"
    if not main.is_file():
        raise UsageError(
            f"no temporal resources for language {folder!r}; "
            f"available: {', '.join(available_languages())}"
        )
    files = [main] + sorted(p for p in d.glob("temporal*.toml") if p != main)
    out = []
    for p in files:
        text = p.read_text(encoding="utf-8")
        if texts is not None:
            texts.append((f"{folder}/{p.name}", text))
        try:
            out.append(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise ResourceError(f"{p}: {exc}") from exc
    return out


@cache
def load(language: str) -> Grammar:
    """The compiled grammar of ``language`` (cached)."""
    language = language.lower()
    texts: list[tuple[str, str]] = []
    docs = _read_folder(language, texts)
    meta: dict[str, Any] = {}
    for doc in docs:
        meta.update(doc.get("meta", {}))
    includes = list(meta.get("include", []))
    # Included folders first for words/blocks (the language overrides), last for rules.
    layers: list[tuple[str, list[dict[str, Any]]]] = [
        (inc, _read_folder(inc, texts)) for inc in includes
    ] + [(language, docs)]
    store = Store.open(language, texts)
    checked = store is not None and store.hit  # the stored patterns were compiled from these
    words: dict[str, dict[str, Any]] = {}
    blocks: dict[str, str] = {}
    tense_src: dict[str, list[str]] = {}
    unwords: list[tuple[str, str]] = []
    for _, ds in layers:
        for doc in ds:
            for table, entries in doc.get("words", {}).items():
                tab = words.setdefault(table, {})
                for w, v in entries.items():
                    tab[norm_word(w)] = v
            blocks.update(doc.get("blocks", {}))
            # [unwords] table = ["word", ...]: drop generated words that mislead here.
            for table, dropped in doc.get("unwords", {}).items():
                unwords.extend((table, w) for w in dropped)
            for k, v in doc.get("tense", {}).items():
                tense_src.setdefault(k, []).append(v)
    for table, w in unwords:
        words.get(table, {}).pop(norm_word(w), None)
    raw_rules: list[tuple[str, dict[str, Any]]] = []
    for lang, ds in [(language, docs)] + layers[:-1]:
        for doc in ds:
            for r in doc.get("rule", []):
                raw_rules.append((lang, r))

    cache_expanded: dict[str, str] = {}

    def expand(pattern: str, where: str, depth: int = 0) -> str:
        if depth > 8:
            raise ResourceError(f"{where}: blocks nest too deeply")

        def sub(m: re.Match[str]) -> str:
            key = m.group(1)
            if key in cache_expanded:
                return cache_expanded[key]
            if key in blocks:
                val = "(?:" + expand(blocks[key], f"{where} block {key}", depth + 1) + ")"
            elif key in words:
                alts = sorted(words[key], key=lambda w: (-len(w), w))
                # An empty table never matches (not the empty string).
                val = "(?:" + ("|".join(_word_regex(w) for w in alts) or "(?!)") + ")"
            else:
                raise ResourceError(f"{where}: unknown block or word table {{{key}}}")
            cache_expanded[key] = val
            return val

        # A literal space matches any whitespace run (NBSP and line breaks included); a straight
        # apostrophe matches the curly ones. Done before expansion, so word classes stay intact.
        raw = re.sub(
            r"(?<!\\) ([?*+]?)",
            lambda m: r"\s*" if m.group(1) in "?*" and m.group(1) else r"\s+",
            pattern,
        )
        raw = re.sub("[" + _APOSTROPHES + "]", lambda _: _APOS_CLASS, raw)
        return _PLACEHOLDER.sub(sub, raw)

    rules: list[Rule] = []
    for lang, r in raw_rules:
        where = f"{lang}/temporal.toml rule {r.get('name')!r}"
        try:
            name = r["name"]
            pattern = expand(r["pattern"], where)
            rtype = r.get("type", "DATE")
            if rtype not in VALID_TYPES:
                raise ResourceError(f"{where}: type {rtype!r} not one of {VALID_TYPES}")
            if not checked:
                re.compile(pattern)
        except KeyError as exc:
            raise ResourceError(f"{where}: missing {exc}") from exc
        except re.error as exc:
            raise ResourceError(f"{where}: bad pattern: {exc}") from exc
        examples = tuple(
            (str(e[0]), str(e[1])) if isinstance(e, list) else (str(e["text"]), str(e["value"]))
            for e in r.get("examples", [])
        )
        rules.append(
            Rule(
                name=name,
                language=lang,
                pattern=pattern,
                type=rtype,
                value=r["value"],
                end_value=r.get("end_value"),
                mod=r.get("mod"),
                priority=int(r.get("priority", 0)),
                examples=examples,
                negatives=tuple(r.get("negatives", [])),
                dct=r.get("dct", meta.get("example_dct")),
                groups=tuple(_NAMED_GROUP.findall(pattern)),
            )
        )
    rules.sort(key=lambda x: -x.priority)  # stable: file order within a priority
    tense: dict[str, re.Pattern[str]] = {}
    for k, vs in tense_src.items():
        src = "|".join(f"(?:{expand(v, f'{language} tense {k}')})" for v in vs)
        if store is None:
            tense[k] = re.compile(src, re.IGNORECASE)
        else:
            got = store.compile(f"tense:{k}", partial(parts_of, src, re.IGNORECASE))
            assert got is not None
            tense[k] = got
    triggers: set[str] = set()
    everywhere = False
    rule_keys = []
    for i, rule in enumerate(rules):
        if store is None:
            keys = first_keys(rule.pattern)
        else:
            raw = store.fact(f"keys:{i}", partial(_keys_json, rule.pattern))
            keys = None if raw is None else frozenset(raw)
        rule_keys.append(keys)
        if keys is None:
            everywhere = True
        else:
            triggers |= keys
    grammar = Grammar(
        rule_keys=tuple(rule_keys),
        triggers=frozenset(triggers),
        everywhere=everywhere,
        language=language,
        name=str(meta.get("name", language)),
        rules=rules,
        words=words,
        tense=tense,
        meta=meta,
        store=store,
    )
    return grammar
