"""Acts in texts: references to CELEX numbers, titles, and relations between acts.

- :func:`find_acts` reads act references ("Framework Decision 2004/68/JHA", "COM(2010) 94",
  "32011L0093") with the per-language rules of ``links.toml``, each with its span and rule.
- :func:`find_procedures` reads procedure references ("2010/0064 (COD)", "COD 2010/0064").
- :func:`parse_title` splits a title into its kind, its subject, and whether it is a proposal.
- :class:`TitleIndex` collects the titles the corpus shows for known acts, in every language, and
  resolves an act known by its title only to a CELEX number, keeping the match as provenance.
- :func:`find_relations` reads "repealing Framework Decision 2004/68/JHA", "remplaçant la
  décision-cadre 2004/68/JAI", "zur Ersetzung des Rahmenbeschlusses ..." as act relations.
"""

from __future__ import annotations

import bisect
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from timeline.link import resources
from timeline.model import ActRef, Document, Extraction

if TYPE_CHECKING:
    from timeline.link.facts import DocumentFacts

#: How far (characters) a relation cue may stand from the act it governs.
CUE_WINDOW = 60
#: A cue in the first characters of a document is read as part of the document's own title.
HEAD_ZONE = 1500
#: How far back (characters, same line) the subject of a relation is looked for otherwise.
SUBJECT_WINDOW = 400
#: Similarity of two normalized subjects for them to name the same act.
TITLE_THRESHOLD = 0.9
#: A candidate this close to the best one makes a title ambiguous.
AMBIGUITY_MARGIN = 0.02

#: The kinds of act a CELEX type letter can stand for (sector 3).
CELEX_KINDS: dict[str, frozenset[str]] = {
    "F": frozenset({"framework_decision", "joint_action"}),
    "L": frozenset({"directive"}),
    "R": frozenset({"regulation"}),
    "D": frozenset({"decision"}),
}

_SENTENCE_BREAK = regex.compile(r"[\n\r]|[.;!?](?=\s)")
_VERSION_SUFFIX = regex.compile(r"\(\d+\)$")
_QUOTES = regex.compile(r"[\"“”„«»‚‹›]")
_SPACES = regex.compile(r"\s+")
_TRAILING_CONNECTIVE = regex.compile(r"[\s,]+\w{1,5}$")
_FOOTNOTE = regex.compile(r"(?<=\w)\(\d{1,3}\)|\s\(\d{1,3}\)(?=\s|$)")
_CELEX_PARTS = regex.compile(
    r"^(?P<sector>[0-9A-Z])(?P<year>\d{4})(?P<type>[A-Z]{1,2})(?P<num>\d{4})"
)


@dataclass(frozen=True, slots=True)
class ActMention:
    """An act reference found in a text."""

    start: int
    end: int
    text: str
    celex: str
    kind: str
    rule: str


@dataclass(frozen=True, slots=True)
class ParsedTitle:
    """What a title says about the act it names."""

    subject: str | None  # normalized
    proposal: bool
    kind: str | None
    raw_subject: str | None = None  # as written


@dataclass(frozen=True, slots=True)
class KnownTitle:
    """A title the corpus gives for an act whose CELEX number is known."""

    celex: str
    title: str
    subject: str  # normalized
    proposal: bool
    kind: str | None
    language: str | None
    document: str
    origin: str  # "document title" | "text" | "event"
    raw_subject: str = ""


@dataclass(frozen=True, slots=True)
class TitleMatch:
    """Provenance of an act resolved through its title."""

    label: str
    celex: str
    matched_title: str
    matched_document: str
    matched_language: str | None
    score: float
    document: str  # the document whose event named the act by title


@dataclass(frozen=True, slots=True)
class ActRelation:
    """``source`` repeals/replaces/amends/implements/transposes ``target``, as a text says."""

    source: str
    relation: str
    target: str
    document: str
    span: tuple[int, int]
    quote: str
    rule: str


# --- identifiers --------------------------------------------------------------------------


def act_key(celex: str | None) -> str | None:
    """The identity of an act for linking: the CELEX number without a version suffix."""
    if not celex:
        return None
    # interned: linking keeps an act's key in every item, block and count that names it
    key = _VERSION_SUFFIX.sub("", celex.strip().upper())
    return sys.intern(key) if key else None


def celex_year(celex: str) -> int | None:
    """The year of a CELEX number (``32004F0068`` -> 2004)."""
    m = _CELEX_PARTS.match(celex)
    return int(m.group("year")) if m else None


def celex_is_proposal(celex: str) -> bool:
    """Whether the CELEX number is a preparatory act of the Commission (sector 5, PC)."""
    m = _CELEX_PARTS.match(celex)
    return bool(m and m.group("sector") == "5" and m.group("type") == "PC")


def same_series(a: str, b: str) -> bool:
    """Whether two CELEX numbers share sector, year and type (differing at most in number)."""
    ma, mb = _CELEX_PARTS.match(a), _CELEX_PARTS.match(b)
    return bool(
        ma
        and mb
        and (ma["sector"], ma["year"], ma["type"]) == (mb["sector"], mb["year"], mb["type"])
    )


def celex_kinds(celex: str) -> frozenset[str]:
    """The act kinds a sector-3 CELEX number can stand for."""
    m = _CELEX_PARTS.match(celex)
    if not m or m.group("sector") != "3":
        return frozenset()
    return CELEX_KINDS.get(m.group("type"), frozenset())


def fill_celex(template: str, m: regex.Match[str]) -> str | None:
    """The CELEX number a rule's ``celex`` template makes of a match (2-digit years widened)."""
    groups = m.groupdict()
    year = groups.get("year") or groups.get("year2")
    number = groups.get("number")
    if not year or not number:
        return None
    if len(year) == 2:
        year = ("19" if int(year) >= 50 else "20") + year
    return template.format(year=year, number=number.zfill(4))


#: Texts longer than this are remembered by :func:`find_acts` only among the last few: a
#: memo of 16,384 whole documents kept every text an extraction worker had read.
LONG_TEXT = 4096


def find_acts(text: str) -> list[ActMention]:
    """Every act reference in ``text``, left to right, never two overlapping."""
    if len(text) > LONG_TEXT:
        return list(_find_acts_long(text))
    return list(_find_acts(text))


@lru_cache(maxsize=8)
def _find_acts_long(text: str) -> tuple[ActMention, ...]:
    # a document's text is read a few times in a row (facts, titles), then not again
    return _find_acts.__wrapped__(text)


@lru_cache(maxsize=1 << 14)
def _find_acts(text: str) -> tuple[ActMention, ...]:
    # cached: linking reads each document's acts for titles, relations and misprints
    res = resources.load()
    found: list[tuple[int, int, int, ActMention]] = []
    # languages share some patterns ("COM(2010) 94"): each is read once per text; and a
    # pattern whose leading word the text does not hold is not read at all
    read: dict[tuple[str, int], list[regex.Match[str]]] = {}
    words = _leading_words(res.acts)
    folded = text.casefold() if not any(c in text for c in words.unsure) else None
    # one character folds to one: a match opens where its word is in the folded text
    aligned = folded is not None and len(folded) == len(text)
    for order, rule in enumerate(res.acts):
        key = (rule.pattern.pattern, rule.pattern.flags)
        if key not in read:
            word = words.of[order]
            if folded is None or word is None:
                read[key] = list(rule.pattern.finditer(text))
            elif word not in folded:
                read[key] = []
            elif aligned:
                read[key] = _matches_at(rule.pattern, text, folded, word)
            else:
                read[key] = list(rule.pattern.finditer(text))
        for m in read[key]:
            celex = fill_celex(rule.celex, m)
            if celex:
                found.append(
                    (
                        m.start(),
                        -(m.end() - m.start()),
                        order,
                        ActMention(m.start(), m.end(), m.group(0), celex, rule.kind, rule.name),
                    )
                )
    for m in res.celex.finditer(text):
        celex = m.group("celex")
        found.append(
            (
                m.start(),
                -(m.end() - m.start()),
                len(res.acts),
                ActMention(m.start(), m.end(), m.group(0), celex, "celex", "common:celex"),
            )
        )
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    out: list[ActMention] = []
    last_end = -1
    for _, _, _, mention in found:
        if mention.start >= last_end:
            out.append(mention)
            last_end = mention.end
    return tuple(out)


def _matches_at(
    pattern: regex.Pattern[str], text: str, folded: str, word: str
) -> list[regex.Match[str]]:
    """``pattern.finditer(text)``, trying the pattern only where its leading word stands
    (``folded`` is ``text`` case folded, one character for one): finditer's next match is the
    first one opening at or after where the last one ended, and each opens at its word."""
    found: list[regex.Match[str]] = []
    pos = 0
    at = folded.find(word)
    while at >= 0:
        if at >= pos:
            m = pattern.match(text, at)
            if m is not None:
                if m.end() == m.start():  # finditer's own stepping after an empty match
                    return list(pattern.finditer(text))
                found.append(m)
                pos = m.end()
        at = folded.find(word, at + 1)
    return found


@dataclass(frozen=True, slots=True)
class _LeadingWords:
    """The word each act pattern's every match opens with (case folded), or None."""

    of: tuple[str | None, ...]
    #: characters the patterns match in place of a word's letter that case folding does not
    #: make that letter ("İ" for "i"): a text holding one is read with every pattern
    unsure: frozenset[str]


_LEADING_WORDS: dict[int, tuple[tuple[resources.ActRule, ...], _LeadingWords]] = {}
_LOOKBEHIND = regex.compile(r"\(\?<[!=](?:\\.|\[(?:\\.|[^\]])*\]|[^()\\\[])*\)")


def _leading_words(rules: tuple[resources.ActRule, ...]) -> _LeadingWords:
    """The leading word of each rule's pattern (see :func:`_leading_word`)."""
    known = _LEADING_WORDS.get(id(rules))
    if known is not None and known[0] is rules:
        return known[1]
    words: list[str | None] = []
    unsure: set[str] = set()
    for rule in rules:
        word = _leading_word(rule.pattern)
        cases = _all_cases(rule.pattern.flags) if word is not None else None
        if word is None or cases is None:
            words.append(None)
            continue
        for letter in word:
            for other in cases(letter):
                if other.casefold() != letter.casefold():
                    unsure.add(other)
        words.append(word.casefold())
    found = _LeadingWords(tuple(words), frozenset(unsure))
    _LEADING_WORDS[id(rules)] = (rules, found)
    return found


def _all_cases(flags: int) -> Callable[[str], list[str]] | None:
    """The characters a pattern compiled with ``flags`` matches in place of a letter (None
    when the regex engine does not tell)."""
    if flags & (regex.FULLCASE | regex.VERBOSE):
        return None
    try:
        from regex import _regex  # type: ignore[attr-defined]

        get_all_cases = _regex.get_all_cases
    except (ImportError, AttributeError):  # pragma: no cover - another regex version
        return None
    if not flags & regex.IGNORECASE:
        return lambda letter: [letter]
    return lambda letter: [chr(c) for c in get_all_cases(flags, ord(letter))]


def _leading_word(pattern: regex.Pattern[str]) -> str | None:
    r"""The letters every match of ``pattern`` opens with, or None when not sure.

    Read off the pattern's text: after ``\b`` and lookbehinds, inside the groups that open it
    (``(?i:``, ``(?:``, ``(?-i:``, none with an alternative of its own), the letters (and
    hyphens) up to the first other character; a letter that a quantifier follows is left
    out. Fewer than three letters are no word.
    """
    source = pattern.pattern
    i = 0
    while True:
        if source.startswith("\\b", i):
            i += 2
            continue
        lb = _LOOKBEHIND.match(source, i)
        if lb is not None:
            i = lb.end()
            continue
        break
    opened: list[int] = []
    while True:
        for opener in ("(?i:", "(?:", "(?-i:"):
            if source.startswith(opener, i):
                opened.append(i)
                i += len(opener)
                break
        else:
            break
    j = i
    while j < len(source) and (source[j].isalpha() or source[j] == "-"):
        j += 1
    word = source[i:j]
    if j < len(source) and source[j] in "?*+{":
        word = word[:-1]
    if len(word.replace("-", "")) < 3 or "(?" in source[:i].replace("(?i:", "").replace(
        "(?:", ""
    ).replace("(?-i:", "").replace("(?<!", "").replace("(?<=", ""):
        return None
    # no alternative at the top level, nor in a group that opens the pattern
    depth, stack = 0, [-1]
    k = 0
    while k < len(source):
        c = source[k]
        if c == "\\":
            k += 2
            continue
        if c == "[":
            end = k + 1
            if end < len(source) and source[end] == "^":
                end += 1
            if end < len(source) and source[end] == "]":
                end += 1
            while end < len(source) and source[end] != "]":
                end += 2 if source[end] == "\\" else 1
            k = end + 1
            continue
        if c == "(":
            depth += 1
            stack.append(k)
        elif c == ")":
            depth -= 1
            if len(stack) > 1 and stack.pop() in opened and source[k + 1 : k + 2] in set("?*+{"):
                return None  # a group that opens the pattern is optional or repeated
        elif c == "|" and (stack[-1] == -1 or stack[-1] in opened):
            return None
        k += 1
    return word


def find_procedures(text: str) -> list[tuple[int, int, str]]:
    """Every procedure reference in ``text`` as (start, end, canonical ``2010/0064(COD)``)."""
    out: set[tuple[int, int, str]] = set()
    for _, pattern in resources.load().procedures:
        for m in pattern.finditer(text):
            out.add(
                (m.start(), m.end(), f"{m.group('year')}/{m.group('number')}({m.group('type')})")
            )
    return sorted(out)


def canonical_procedure(ref: str) -> str:
    """``2010/0064 (COD)`` -> ``2010/0064(COD)``; anything unreadable is returned stripped."""
    found = find_procedures(ref)
    return found[0][2] if found else ref.strip()


def reference_celex(reference: str | None) -> str | None:
    """The CELEX number of a document reference ("COM(2009)135 final", "32011L0093")."""
    if not reference:
        return None
    mentions = find_acts(reference)
    return mentions[0].celex if mentions else None


def document_act(document: Document) -> str | None:
    """The act a document is: from its reference, else the first act its title names."""
    own = reference_celex(document.reference)
    if own:
        return own
    if document.title:
        mentions = find_acts(document.title)
        if mentions and mentions[0].start < 40:
            return mentions[0].celex
    return None


# --- titles -------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """Lower case, one kind of apostrophe, no quotes, single spaces, no edge punctuation."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = t.replace("’", "'").replace("‘", "'").replace("ß", "ss")
    t = _QUOTES.sub(" ", t)
    t = _SPACES.sub(" ", t)
    return t.strip(" \t\n,;:.'-–—")


@lru_cache(maxsize=64)
def _title_rules(language: str | None) -> list[resources.TitleRules]:
    rules = list(resources.load().titles)
    rules.sort(key=lambda r: (r.language != language, r.language))
    return rules


def _cut_subject(subject: str) -> str:
    """Cut a subject where the title goes on to relations or references."""
    end = len(subject)
    words = _Words(subject)  # to skip the cue patterns whose words the subject lacks
    for rule in resources.load().relations:
        if not words.may_hold(rule.pattern):
            continue
        m = rule.pattern.search(subject)
        if m and m.start() < end:
            end = m.start()
    for stop in ("{", "/*", "\n"):
        i = subject.find(stop)
        if 0 <= i < end:
            end = i
    m = _SENTENCE_BREAK.search(subject)
    if m and m.start() < end:
        end = m.start()
    m = _FOOTNOTE.search(subject)  # "children(4) and ...": a note call ends the title
    if m and m.start() < end:
        end = m.start()
    for mention in find_acts(subject[:end]):  # another act named: the title has ended
        end = mention.start
        break
    cut = subject[:end].rstrip(" ,;")
    # "..., and" / "sowie" / "et" left before a relation cue: a short connective, drop it
    if end < len(subject):
        cut = _TRAILING_CONNECTIVE.sub("", cut)
    return cut


@lru_cache(maxsize=4096)
def parse_title(
    title: str, language: str | None = None, *, max_subject_at: int | None = None
) -> ParsedTitle:
    """Split ``title`` into its subject, its kind and whether it is a proposal's title.

    The title's own language is tried first, then every other one. ``max_subject_at`` limits
    how far into the title the subject may open (for titles read off running text).
    """
    proposal = False
    kind: str | None = None
    subject: str | None = None
    raw: str | None = None
    words = _Words(title)  # to skip the patterns whose words the title lacks
    for rules in _title_rules(language):
        if (
            rules.proposal is not None
            and words.may_hold(rules.proposal)
            and rules.proposal.search(title)
        ):
            proposal = True
        if kind is None:
            for name, pattern in rules.kinds:
                km = pattern.search(title) if words.may_hold(pattern) else None
                if km and km.start() < 80:
                    kind = name
                    break
        if subject is None and rules.subject is not None and words.may_hold(rules.subject):
            m = rules.subject.search(title)
            if m and (max_subject_at is None or m.start() <= max_subject_at):
                kept = _cut_subject(title[m.end() :]).strip()
                cut = normalize(kept)
                if len(cut.split()) >= 2:
                    subject, raw = cut, kept
        if proposal and kind and subject:
            break
    return ParsedTitle(subject=subject, proposal=proposal, kind=kind, raw_subject=raw)


def similarity(a: str, b: str, floor: float = 0.0) -> float:
    """How alike two normalized strings are (0..1); 0 when surely below ``floor``."""
    if a == b:
        return 1.0
    return _similarity(a, b, floor)


@lru_cache(maxsize=1 << 14)
def _chars(text: str) -> Counter[str]:
    return Counter(text)


@lru_cache(maxsize=1 << 16)
def _similarity(a: str, b: str, floor: float) -> float:
    # memoised: a corpus names the same acts by the same words in many documents
    if floor and 2 * min(len(a), len(b)) / (len(a) + len(b) or 1) < floor:
        return 0.0
    if floor:
        # the characters the two share bound the ratio from above (difflib's quick_ratio),
        # counted here without building a matcher
        ca, cb = _chars(a), _chars(b)
        if len(cb) < len(ca):
            ca, cb = cb, ca
        shared = sum(min(n, cb[c]) for c, n in ca.items() if c in cb)
        if 2.0 * shared / (len(a) + len(b)) < floor:
            return 0.0
    if a == b:
        return 1.0
    if floor and 2 * min(len(a), len(b)) / (len(a) + len(b) or 1) < floor:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if floor and matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def title_lookup(label: str, language: str | None) -> tuple[ParsedTitle, str, bool] | None:
    """What a :class:`TitleIndex` looks ``label`` up by: its parsed title, the subject and
    whether that subject is the whole label (no subject parsed); None when it looks up
    nothing (a whole label under five words, or a subject with neither a kind nor a
    proposal: "a report on the European arrest warrant" is not the act on that subject)."""
    parsed = parse_title(label, language)
    subject = parsed.subject
    if subject is not None:
        if not (parsed.kind or parsed.proposal):
            return None
        return parsed, subject, False
    subject = normalize(label)
    if len(subject.split()) < 5:
        return None
    return parsed, subject, True


class TitleIndex:
    """Titles of known acts seen anywhere in the corpus, in any language."""

    def __init__(self, titles: Iterable[KnownTitle] = ()) -> None:
        self.titles: list[KnownTitle] = []
        self._seen: set[tuple[str, str, str]] = set()
        # built on the first lookup, dropped when a title is added
        self._lengths: list[tuple[list[tuple[int, str]], dict[str, list[int]]]] | None = None
        self._resolved: dict[tuple[str, str | None], TitleMatch | None] = {}
        # acts_in_sentence by (flattened sentence, language); matches without their document
        self._in_sentence: dict[
            tuple[str, str | None], tuple[tuple[ActRef, ...], list[TitleMatch]]
        ] = {}
        for t in titles:
            self.add(t)

    def add(self, title: KnownTitle) -> None:
        key = (act_key(title.celex) or "", title.subject, title.document)
        if key not in self._seen:
            self._seen.add(key)
            self.titles.append(title)
            self._lengths = None
            self._resolved.clear()
            self._in_sentence.clear()

    def _candidates(self, subject: str, floor: float, whole: bool) -> list[int]:
        """Indexes (in index order) of the titles whose subject, or with ``whole`` whose full
        normalized title, reaches ``floor`` of :func:`similarity` with ``subject``.

        Titles are grouped by subject (and by normalized title), each distinct string compared
        once; and :func:`similarity` is 0 below ``floor`` when ``2 * min(la, lb) / (la + lb) <
        floor``, so only strings of a length in ``[la * f / (2 - f), la * (2 - f) / f]`` are
        compared at all: a bisection of the strings sorted by length, instead of a comparison
        with every title of the corpus.
        """
        if self._lengths is None:
            tables = []
            for text_of in (lambda t: t.subject, lambda t: normalize(t.title)):
                groups: dict[str, list[int]] = {}
                for i, t in enumerate(self.titles):
                    groups.setdefault(text_of(t), []).append(i)
                tables.append((sorted((len(k), k) for k in groups), groups))
            self._lengths = tables
        la = len(subject)
        lo = int(la * floor / (2 - floor)) - 1 if floor else 0
        hi = int(la * (2 - floor) / floor) + 1 if floor else 1 << 30
        found: set[int] = set()
        for table, groups in self._lengths[: 2 if whole else 1]:
            start = bisect.bisect_left(table, (lo, ""))
            for length, text in table[start:]:
                if length > hi:
                    break
                if similarity(subject, text, floor) >= floor:
                    found.update(groups[text])
        return sorted(found)

    @classmethod
    def from_extractions(
        cls, extractions: Iterable[Extraction], facts: Mapping[str, DocumentFacts] | None = None
    ) -> TitleIndex:
        """Collect titles from document titles, act mentions in texts and events' acts.

        ``facts`` (by document path) stand for the texts: a document without them is read.
        """
        index = cls()
        index.add_extractions(extractions, facts)
        return index

    def add_extractions(
        self, extractions: Iterable[Extraction], facts: Mapping[str, DocumentFacts] | None = None
    ) -> None:
        """Add the titles of more documents, as :meth:`from_extractions` reads them (a corpus
        read a group of documents at a time gives the index of it read at once)."""
        from timeline.link.facts import text_titles

        index = self
        for x in extractions:
            doc = x.document
            lang = doc.language
            own = document_act(doc)
            if own and doc.title:
                index._add_title(own, doc.title, lang, doc.path, "document title")
            known = facts.get(doc.path) if facts else None
            if known is not None:
                found = list(known.titles)
            else:
                text = doc.text or ""
                found = text_titles(text, find_acts(text), lang)
            for celex, title, parsed in found:
                index._add(celex, title, parsed, lang, doc.path, "text")
            for event in x.events:
                for act in event.acts:
                    if act.celex and act.label:
                        index._add_title(act.celex, act.label, lang, doc.path, "event")

    def _add_title(
        self, celex: str, title: str, lang: str | None, document: str, origin: str
    ) -> None:
        parsed = parse_title(title, lang)
        if parsed.subject:
            self._add(celex, title, parsed, lang, document, origin)

    def _add(
        self,
        celex: str,
        title: str,
        parsed: ParsedTitle,
        lang: str | None,
        document: str,
        origin: str,
    ) -> None:
        assert parsed.subject is not None
        proposal = parsed.proposal or celex_is_proposal(celex)
        kind = parsed.kind
        kinds = celex_kinds(celex)
        if kinds and kind not in kinds:
            kind = sorted(kinds)[0]
        self.add(
            KnownTitle(
                celex,
                title,
                parsed.subject,
                proposal,
                kind,
                lang,
                document,
                origin,
                parsed.raw_subject or parsed.subject,
            )
        )

    def resolve(self, label: str, language: str | None, document: str = "") -> TitleMatch | None:
        """The CELEX number of an act named by ``label`` only, or None when unknown or ambiguous."""
        memo = (label, language)
        if memo not in self._resolved:
            self._resolved[memo] = self._resolve(label, language)
        found = self._resolved[memo]
        if found is None or found.document == document:
            return found
        return replace(found, document=document)

    def _resolve(self, label: str, language: str | None) -> TitleMatch | None:
        document = ""
        looked = title_lookup(label, language)
        if looked is None:
            return None
        parsed, subject, whole = looked
        best: dict[str, tuple[float, KnownTitle]] = {}
        floor = 0.95 if whole else TITLE_THRESHOLD
        for i in self._candidates(subject, floor, whole):
            known = self.titles[i]
            if known.proposal != parsed.proposal:
                continue
            if parsed.kind and known.kind and parsed.kind != known.kind:
                continue
            threshold = 0.95 if whole else TITLE_THRESHOLD
            score = similarity(subject, known.subject, threshold)
            if whole:
                score = max(score, similarity(subject, normalize(known.title), threshold))
            if score < threshold:
                continue
            key = act_key(known.celex) or known.celex
            prev = best.get(key)
            if prev is None or (score, _pref(known, language)) > (
                prev[0],
                _pref(prev[1], language),
            ):
                best[key] = (score, known)
        if not best:
            return None
        ranked = sorted(best.values(), key=lambda t: (-t[0], t[1].celex))
        if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < AMBIGUITY_MARGIN:
            return None
        score, known = ranked[0]
        return TitleMatch(
            label,
            known.celex,
            known.title,
            known.document,
            known.language,
            round(score, 3),
            document,
        )

    def proposal_relations(self) -> list[ActRelation]:
        """``proposal_for`` relations: a proposal whose subject and kind are those of an act."""
        out: list[ActRelation] = []
        acts = [t for t in self.titles if not t.proposal and celex_kinds(t.celex)]
        for prop in sorted(
            (t for t in self.titles if t.proposal), key=lambda t: (t.celex, t.document)
        ):
            if not prop.kind:
                continue
            py = celex_year(prop.celex) or 0
            scored: dict[str, tuple[float, KnownTitle]] = {}
            for act in acts:
                if prop.kind not in celex_kinds(act.celex):
                    continue
                if (celex_year(act.celex) or 0) < py:
                    continue  # a proposal comes before the act it proposes
                score = similarity(prop.subject, act.subject, TITLE_THRESHOLD)
                if score >= TITLE_THRESHOLD:
                    key = act_key(act.celex) or act.celex
                    if key not in scored or score > scored[key][0]:
                        scored[key] = (score, act)
            ranked = sorted(scored.values(), key=lambda t: (-t[0], t[1].celex))
            if not ranked or (len(ranked) > 1 and ranked[0][0] - ranked[1][0] < AMBIGUITY_MARGIN):
                continue
            score, act = ranked[0]
            out.append(
                ActRelation(
                    source=act_key(prop.celex) or prop.celex,
                    relation="proposal_for",
                    target=act_key(act.celex) or act.celex,
                    document=prop.document,
                    span=(0, 0),
                    quote=f"{prop.title} ~ {act.title} ({score:.2f})",
                    rule="title-match",
                )
            )
        unique: dict[tuple[str, str], ActRelation] = {}
        for rel in out:
            unique.setdefault((rel.source, rel.target), rel)
        return [unique[k] for k in sorted(unique)]


def _pref(known: KnownTitle, language: str | None) -> tuple[bool, bool, str]:
    """Prefer titles in the label's language, then read off documents, then by document."""
    return (known.language == language, known.origin != "event", known.document)


def resolve_acts(
    acts: tuple[ActRef, ...], index: TitleIndex, language: str | None, document: str
) -> tuple[tuple[ActRef, ...], list[TitleMatch]]:
    """``acts`` with CELEX numbers filled in through titles where they were missing."""
    out: list[ActRef] = []
    matches: list[TitleMatch] = []
    for act in acts:
        if act.celex or not act.label:
            out.append(act)
            continue
        direct = find_acts(act.label)
        if direct:
            out.append(ActRef(direct[0].celex, act.label, act.span, act.kind or direct[0].kind))
            continue
        match = index.resolve(act.label, language, document)
        if match is None:
            out.append(act)
        else:
            matches.append(match)
            out.append(ActRef(match.celex, act.label, act.span, act.kind))
    return tuple(out), matches


#: Sentences whose acts a title index remembers (:func:`acts_in_sentence`) before it forgets.
IN_SENTENCE_MEMO = 1 << 14


def acts_in_sentence(
    sentence: str, language: str | None, index: TitleIndex, document: str
) -> tuple[tuple[ActRef, ...], list[TitleMatch]]:
    """Acts a sentence names, by number or by title, for an event whose extractor named none.

    Numbered references come first ("Directive 2011/93/EU"); then every kind word ("la
    décision-cadre du Conseil relative à ...", with a proposal opener just before it) starts a
    candidate title that the corpus' titles may resolve.
    """
    flat = " ".join(sentence.split())
    memo = (flat, language)
    if memo not in index._in_sentence:
        # a corpus repeats sentences (syndicated releases, versions of one text); the memo
        # is emptied now and then, so that it does not hold every sentence of a large corpus
        if len(index._in_sentence) >= IN_SENTENCE_MEMO:
            index._in_sentence.clear()
        index._in_sentence[memo] = _acts_in_sentence(flat, language, index)
    out, matches = index._in_sentence[memo]
    return out, [m if m.document == document else replace(m, document=document) for m in matches]


def _acts_in_sentence(
    flat: str, language: str | None, index: TitleIndex
) -> tuple[tuple[ActRef, ...], list[TitleMatch]]:
    document = ""
    out: list[ActRef] = []
    seen: set[str] = set()
    for m in find_acts(flat):
        if m.celex not in seen:
            seen.add(m.celex)
            out.append(ActRef(m.celex, m.text, None, m.kind))
    matches: list[TitleMatch] = []
    for rules in _title_rules(language):
        for label in candidate_titles(rules, flat):
            match = index.resolve(label, language, document)
            if match is not None and act_key(match.celex) not in {act_key(c) for c in seen}:
                seen.add(match.celex)
                matches.append(match)
                out.append(ActRef(match.celex, label, None, None))
        if matches:
            break
    return tuple(out), matches


def candidate_titles(rules: resources.TitleRules, flat: str) -> Iterator[str]:
    """The titles one language's title ``rules`` open in a flattened sentence, left to right
    per kind: from each kind word ("Directive", "décision-cadre"), or from the proposal words
    just before it ("proposal for a Directive"), to the end of the sentence."""
    for _, pattern in rules.kinds:
        for km in pattern.finditer(flat):
            start = km.start()
            if rules.proposal is not None:
                for back in range(max(0, km.start() - 40), km.start()):
                    if (back == 0 or not flat[back - 1].isalnum()) and rules.proposal.match(
                        flat[back:]
                    ):
                        start = back
                        break
            yield flat[start:].rstrip(" .;")


# --- relations ----------------------------------------------------------------------------


def find_relations(document: Document, own: str | None = None) -> list[ActRelation]:
    """Act relations a document's text states, each with its quote and rule."""
    text = document.text or ""
    if not text:
        return []
    mentions = find_acts(text)
    if not mentions:
        return []  # a cue counts only before an act it governs
    if own is None:
        own = document_act(document)
    starts = [m.start for m in mentions]
    rules = resources.load().relations
    cues = _Cues(text, _cue_windows(starts))
    out: list[ActRelation] = []
    for rule in rules:
        for cue in cues.of(rule.pattern):
            at = bisect.bisect_left(starts, cue.end())
            target = mentions[at] if at < len(mentions) else None
            if target is None or target.start - cue.end() > CUE_WINDOW:
                continue
            if _SENTENCE_BREAK.search(text, cue.end(), target.start):
                continue
            subject = _subject(text, cue.start(), own, target, mentions, starts)
            if subject is None:
                continue
            src, dst = (target.celex, subject) if rule.inverse else (subject, target.celex)
            src_key, dst_key = act_key(src), act_key(dst)
            if not src_key or not dst_key or src_key == dst_key:
                continue
            line_start = text.rfind("\n", 0, cue.start()) + 1
            quote = text[max(line_start, cue.start() - 200) : target.end].strip()
            out.append(
                ActRelation(
                    src_key,
                    rule.relation,
                    dst_key,
                    document.path,
                    (cue.start(), target.end),
                    quote,
                    rule.name,
                )
            )
    return out


#: Characters that may start and stop a cue search (see :class:`_Cues`): no word
#: characters, so a word boundary reads the same before them as at the end of the text.
_STOPS = ".,;/"
_STOP_BEFORE = regex.compile("[" + regex.escape(_STOPS) + "]", regex.REVERSE)
_STOP_AFTER = regex.compile("[" + regex.escape(_STOPS) + "]")
#: The pieces a cue pattern may be made of for a search to start and stop at one of
#: ``_STOPS`` (any other pattern is read over the whole text): letters, apostrophes, spaces,
#: ``\s``, ``\b``, ``\w``, groups, lookarounds, alternatives, ``? * +`` and classes of such.
_PLAIN_PATTERN = regex.compile(
    r"(?:\\[sbw]|\(\?(?:[:!=]|<[!=]|-i:|i:)|[)|?*+]|\[[^\]\^\-\\\[]*\]|[^\W\d_]|['’ ])*"
)


@lru_cache(maxsize=1024)
def _plain(source: str) -> bool:
    r"""Whether a search for ``source`` may start right after, and stop right before, any of
    ``_STOPS``, and find what a search of the whole text finds in between.

    A plain pattern (``_PLAIN_PATTERN``) whose text holds none of ``_STOPS`` never consumes
    one of them, and its assertions (``\b``, lookarounds made of the same pieces) read one of
    them as they read the end of the text. So no match spans such a character.
    """
    return bool(_PLAIN_PATTERN.fullmatch(source)) and not any(c in source for c in _STOPS)


_LOOKAROUNDS = ("(?!", "(?=", "(?<!", "(?<=")
_GROUP_OPENERS = (*_LOOKAROUNDS, "(?:", "(?i:", "(?-i:")


@lru_cache(maxsize=4096)
def _cue_words(pattern: regex.Pattern[str]) -> frozenset[str] | None:
    """Words one of which every match of a plain pattern holds (case folded), or None.

    Read off the pattern's text: an alternative needs one of its branches' words; a sequence
    the longest of its runs of letters (or of the words of one of its groups) that no
    quantifier makes optional.
    """
    if not _plain(pattern.pattern) or pattern.flags & (regex.FULLCASE | regex.VERBOSE):
        return None
    source = pattern.pattern
    i = 0

    def alternative() -> frozenset[str] | None:
        nonlocal i
        branches = [sequence()]
        while i < len(source) and source[i] == "|":
            i += 1
            branches.append(sequence())
        if any(b is None for b in branches):
            return None
        return frozenset(w for b in branches if b is not None for w in b)

    def sequence() -> frozenset[str] | None:
        nonlocal i
        best: frozenset[str] | None = None
        run = ""

        def keep(found: frozenset[str] | None) -> None:
            nonlocal best
            if found and (best is None or min(map(len, found)) > min(map(len, best))):
                best = found

        while i < len(source) and source[i] not in "|)":
            c = source[i]
            atom: str | None = None
            inner: frozenset[str] | None = None
            if c == "\\":
                i += 2  # \s \b \w: no letter of a word
            elif c == "[":
                i = source.index("]", i + 1) + 1
            elif c == "(":
                opener = next(o for o in _GROUP_OPENERS if source.startswith(o, i))
                i += len(opener)
                inner = alternative()
                i += 1  # ")"
                if opener in _LOOKAROUNDS:
                    inner = None
            else:
                atom = c
                i += 1
            quantifier = source[i] if i < len(source) and source[i] in "?*+" else ""
            if quantifier:
                i += 1
                if i < len(source) and source[i] == "?":
                    i += 1
            if atom is not None and quantifier in ("", "+"):
                run += atom
                if quantifier:
                    keep(frozenset({run.casefold()}))
                    run = ""
                continue
            keep(frozenset({run.casefold()}) if run else None)
            run = ""
            if quantifier in ("", "+"):
                keep(inner)
        keep(frozenset({run.casefold()}) if run else None)
        return best

    found = alternative()
    if i != len(source) or not found or "" in found:
        return None
    return found


@lru_cache(maxsize=4096)
def _unsure_cases(words: frozenset[str], flags: int) -> frozenset[str] | None:
    """Characters matched in place of a letter of ``words`` that case folding does not make
    that letter (None when the engine does not tell)."""
    cases = _all_cases(flags)
    if cases is None:
        return None
    return frozenset(
        other
        for word in words
        for letter in word
        for other in cases(letter)
        if other.casefold() != letter.casefold()
    )


def _cue_windows(starts: list[int]) -> list[tuple[int, int]]:
    """Where a cue must end to govern an act: within CUE_WINDOW before a mention's start
    (merged, left to right)."""
    windows: list[tuple[int, int]] = []
    for s in starts:
        lo = max(0, s - CUE_WINDOW)
        if windows and lo <= windows[-1][1] + 1:
            windows[-1] = (windows[-1][0], s)
        else:
            windows.append((lo, s))
    return windows


class _Words:
    """A text, to tell cheaply whether a plain pattern may match in it (:func:`_cue_words`)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded: str | None = None
        self._chars: frozenset[str] | None = None

    def may_hold(self, pattern: regex.Pattern[str]) -> bool:
        """False only when no match of ``pattern`` can be in the text."""
        known = _PATTERN_WORDS.get(pattern)
        if known is None:
            words = _cue_words(pattern)
            unsure = _unsure_cases(words, pattern.flags) if words is not None else None
            known = (words if unsure is not None else None, unsure or frozenset())
            _PATTERN_WORDS[pattern] = known
        words, unsure = known
        if words is None:
            return True
        if unsure:
            if self._chars is None:
                self._chars = frozenset(self.text)
            if not unsure.isdisjoint(self._chars):
                return True
        folded = self._folded
        if folded is None:
            folded = self._folded = self.text.casefold()
        for word in words:
            if word in folded:
                return True
        return False


#: A pattern's words (None when unsure) and the characters that make them unsure.
_PATTERN_WORDS: dict[regex.Pattern[str], tuple[frozenset[str] | None, frozenset[str]]] = {}


class _Cues:
    """The matches of ``pattern.finditer(text)`` that end in one of ``windows``, for each
    relation rule's pattern, reading little of the text.

    finditer reads the text left to right without overlaps, each search starting where the
    last match ended. No match of a plain pattern (:func:`_plain`) spans one of ``_STOPS``, so
    a search may as well start right after one, and stop right before one: the matches between
    are finditer's. Each window is read from the last stop before it to the first one after
    it (overlapping stretches merged), and only by the patterns one of whose words
    (:func:`_cue_words`) the stretches hold. A pattern that is not plain, or that matches the
    empty string, is read over the whole text.
    """

    def __init__(self, text: str, windows: list[tuple[int, int]]) -> None:
        self.text = text
        self.windows = windows
        stretches: list[tuple[int, int]] = []
        for lo, hi in windows:
            b = _STOP_BEFORE.search(text, 0, max(0, lo - 1))
            start = b.end() if b is not None else 0
            a = _STOP_AFTER.search(text, hi)
            end = a.start() if a is not None else len(text)
            if stretches and start <= stretches[-1][1]:
                stretches[-1] = (stretches[-1][0], max(end, stretches[-1][1]))
            else:
                stretches.append((start, end))
        self.stretches = stretches
        self.words = _Words("\x00".join(text[s:e] for s, e in stretches))

    def of(self, pattern: regex.Pattern[str]) -> list[regex.Match[str]]:
        """The matches of ``pattern.finditer(text)`` that end in a window, in order."""
        if not _plain(pattern.pattern):
            return self._whole(pattern)
        if not self.words.may_hold(pattern):
            return []
        found: list[regex.Match[str]] = []
        for s, e in self.stretches:
            for m in pattern.finditer(self.text, s, e):
                if m.end() == m.start():  # finditer's own stepping after an empty match
                    return self._whole(pattern)
                if _in_windows(m.end(), self.windows):
                    found.append(m)
        return found

    def _whole(self, pattern: regex.Pattern[str]) -> list[regex.Match[str]]:
        return [m for m in pattern.finditer(self.text) if _in_windows(m.end(), self.windows)]


def _cues(
    pattern: regex.Pattern[str], text: str, windows: list[tuple[int, int]]
) -> list[regex.Match[str]]:
    """The matches of ``pattern.finditer(text)`` that end in one of ``windows``, in order."""
    return _Cues(text, windows).of(pattern)


def _in_windows(end: int, windows: list[tuple[int, int]]) -> bool:
    at = bisect.bisect_right(windows, (end, 1 << 62)) - 1
    return at >= 0 and windows[at][0] <= end <= windows[at][1]


def _subject(
    text: str,
    at: int,
    own: str | None,
    target: ActMention,
    mentions: list[ActMention],
    starts: list[int] | None = None,
) -> str | None:
    if own and at < HEAD_ZONE:
        return own
    line_start = text.rfind("\n", 0, at) + 1
    lo = max(line_start, at - SUBJECT_WINDOW)
    if starts is None:
        starts = [m.start for m in mentions]
    first = bisect.bisect_left(starts, lo)
    before = []
    for m in mentions[first:]:
        if m.start >= at:
            break
        if m.end <= at and m.celex != target.celex:
            before.append(m)
    if not before:
        return None
    m = before[-1]
    if _SENTENCE_BREAK.search(text, m.end, at):
        return None
    return m.celex
