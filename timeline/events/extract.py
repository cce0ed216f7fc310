"""From anchored time expressions to typed policy events.

For each time expression of a document, in text order:

1. **Is it a date?** Its value must be a calendar date (day, month, quarter, half, year) within
   1800-2100; ``FUTURE_REF`` ("à court terme") and ``PRESENT_REF`` ("currently") give an event
   without a date; durations, sets, unanchored values and "31-12-9999" are dropped.
2. **What happened then?** In order of precedence:

   - the document's own date: in a COM document its ``proposal``; under an Official Journal
     header its ``publication``; a press date line is no event unless a lead sentence on the
     same line or a speech/conference header says what happened that day;
   - a footnote's or bracketed OJ citation is bibliography; an OJ reference right before the
     date is a ``publication``;
   - an act, convention, opinion or meeting tied to the date by "of/du/vom/del" ("Framework
     Decision 2004/68/JHA of 22 December 2003" is its ``adoption``), unless an event verb
     stands between them;
   - else the best trigger of ``resources/<lang>/events.toml`` in the sentence: the highest
     priority at the shortest distance, a trigger tied by a preposition ("published on")
     preferred, one tied to another date or beyond it penalised or excluded, reporting verbs
     ("announced today") only as a last resort. A date alone on its line looks at the line
     after it (an event log), a table value at its column header, a caption before it.

   A date with no trigger is no event (statistics years, ages, print dates).
3. **Status** from the date against the document date, else from tense and modality cues.
4. **Acts, procedures, actors, amounts** from the sentence; the act the document itself is
   (its CELEX or COM number in the header) for its header steps; the document's subject
   (a COM number in its header) for procedural steps naming no act; titles as labels.
5. **Merge** events with the same (date, type) and compatible acts (headline and body), a
   coarser restatement ("en 1997") into the precise one, a header misprint of the document's
   own number into the document's act.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import islice
from typing import NamedTuple

from timeline.events.acts import (
    find_acts,
    find_procedures,
    is_proposal_word,
    kind_mentions,
    kind_spans,
)
from timeline.events.dates import DocDate, _common_patterns, bounds, cut, find_document_date
from timeline.events.entities import find_actors, find_amounts
from timeline.events.prefilter import (
    NEVER,
    DocText,
    PatternSet,
    Searcher,
    searcher,
    solid_width,
    window_matches,
)
from timeline.events.resources import (
    LanguagePack,
    Trigger,
    pack,
    trigger_lead_set,
)
from timeline.events.split import Unit, split_units
from timeline.events.store import checkpoint
from timeline.model import ActRef, Document, Event, Timex

#: Steps in the life of an act that the document itself may be the act of.
SELF_STEPS = frozenset(
    {
        "adoption",
        "publication",
        "proposal",
        "entry_into_force",
        "application",
        "transposition_deadline",
        "repeal",
        "signature",
    }
)
#: Steps of a procedure: when the sentence names no act, they concern the document's subject.
PROCEDURAL = frozenset({"opinion", "referral", "vote", "debate", "agreement", "other"})
#: Weight of a trigger's priority against its distance (in characters) from the date.
PRIORITY_WEIGHT = 60
#: How far (in characters) a weak trigger (priority 1) may be from its date.
WEAK_REACH = 60
#: Bonus for a trigger tied to the date by a preposition ("published on").
TIED_BONUS = 40
#: Penalty for a trigger that lies beyond another date of the same sentence.
CROSSING_PENALTY = 120
#: A trigger further than this (after weighting) does not type the date.
MAX_COST = 160
_SHORT = 80
_WORD_CHAR = re.compile(r"\w")
_DIGIT = re.compile(r"\d")
_BREAK = re.compile(r"[.;:!?]\s|\n\s*\n\s*\S.*\n")
_LONG_WORD = re.compile(r"[^\W\d_]{5,}")
_YEAR_VALUE = re.compile(r"\d{4}")
_NEXT_WORD = re.compile(r"\s+(\S+)")


class _Hit(NamedTuple):
    """A trigger's match (an immutable record; a tuple is made faster than a dataclass)."""

    trigger: Trigger
    start: int
    end: int


@dataclass(slots=True)
class _Context:
    """One document's state while its events are extracted: its indexes and memos are filled
    as it goes, and its topic is set once the first event needs it (not frozen: a copy per
    field set costs more than the work it guards)."""

    text: str
    language: str
    dct: str | None
    pack: LanguagePack
    units: list[Unit]
    unit_starts: list[int]
    timexes: list[Timex]
    acts: list[ActRef]
    procedures: list[tuple[str, tuple[int, int]]]
    self_act: ActRef | None
    topic: ActRef | None
    doc_date: DocDate | None
    footnote: re.Pattern[str]
    # indexes that keep the work per date independent of the document's length
    timex_starts: list[int] = field(default_factory=list)
    act_starts: list[int] = field(default_factory=list)
    memo: dict[tuple[object, ...], object] = field(default_factory=dict)
    # the text with its keyword index: only triggers whose keywords occur are run
    doc: DocText | None = None


def _timexes_in(ctx: _Context, start: int, end: int) -> list[Timex]:
    """The time expressions that start in ``[start, end)``, in text order."""
    lo = bisect.bisect_left(ctx.timex_starts, start)
    hi = bisect.bisect_left(ctx.timex_starts, end, lo)
    return ctx.timexes[lo:hi]


def _has_timex(ctx: _Context, start: int, end: int, but: Timex | None = None) -> bool:
    """Whether a time expression other than ``but`` starts in ``[start, end)``."""
    return any(o is not but for o in _timexes_in(ctx, start, end)[:2])


def _unit_index(ctx: _Context, pos: int) -> int | None:
    i = bisect.bisect_right(ctx.unit_starts, pos) - 1
    if i >= 0 and ctx.units[i].start <= pos < max(ctx.units[i].end, ctx.units[i].start + 1):
        return i
    return None


def _triggers_in(ctx: _Context, start: int, end: int) -> list[_Hit]:
    key = ("triggers", start, end)
    cached = ctx.memo.get(key)
    if cached is None:
        cached = ctx.memo[key] = _scan_triggers(ctx, start, end)
    return cached  # type: ignore[return-value]


def _scan_triggers(ctx: _Context, start: int, end: int) -> list[_Hit]:
    hits: list[_Hit] = []
    triggers = ctx.pack.triggers
    doc = ctx.doc
    if doc is None:
        for trig in triggers:
            for m in trig.pattern.finditer(ctx.text, start, end):
                if m.end() > m.start():
                    hits.append(_Hit(trig, m.start(), m.end()))
    else:
        # the same hits in the same order: a trigger whose leading literal (else keyword) is
        # not in the window cannot match there, and one with a leading literal is tried only
        # where a match can start
        for i, found in window_matches(trigger_lead_set(ctx.language), doc, start, end):
            trig = triggers[i]
            for m in found:
                if m.end() > m.start():
                    hits.append(_Hit(trig, m.start(), m.end()))
    # a longer, more specific phrase hides the weaker triggers inside it
    hits.sort(key=lambda h: (-h.trigger.priority, -(h.end - h.start)))
    kept: list[_Hit] = []
    for h in hits:
        if any(h.start >= k.start and h.end <= k.end for k in kept):
            continue
        kept.append(h)
    return kept


def _best_trigger(
    ctx: _Context, t: Timex, start: int, end: int, extra_cost: int = 0, strict: bool = False
) -> tuple[_Hit, int] | None:
    best: tuple[_Hit, int] | None = None
    hits = _triggers_in(ctx, start, end)
    # the date's and each hit's fields read once into locals (attribute reads of records that
    # are not compiled classes cost a lookup each)
    t_start, t_end = t.start, t.end
    # a reporting verb ("announced today") types the date only when nothing else does
    strong = [h for h in hits if h.trigger.priority > 0]
    for h in strong or hits:
        trig, h_start, h_end = h
        if h_start >= t_end:
            dist = h_start - t_end
            lo, hi = t_end, h_start
        elif h_end <= t_start:
            dist = t_start - h_end
            lo, hi = h_end, t_start
        else:
            dist, lo, hi = 0, t_start, t_start
        attach = trig.attach
        if attach == "before" and h_start < t_start:
            continue
        if attach == "after" and h_start > t_end:
            continue
        crossing = sum(
            1
            for o in _timexes_in(ctx, max(start, lo), min(end, hi))
            if o is not t and o.end <= hi
        )
        if h_end <= t_start and _tied(ctx, h_end, t_start):
            dist -= TIED_BONUS  # "published on 17 December 2011"
        elif any(
            o is not t and (o.start <= h_end or _tied(ctx, h_end, o.start))
            # only a date right after the trigger can be tied to it (a preposition between)
            for o in _timexes_in(ctx, max(start, h_start), min(end, h_end + 200))
        ):
            continue  # the trigger belongs to another date: "entered into force on the same day"
        if strict and crossing:
            continue
        priority = trig.priority
        if priority <= 1 and dist > WEAK_REACH:
            continue  # a weak noun only types a date right next to it
        cost = dist + CROSSING_PENALTY * crossing - PRIORITY_WEIGHT * priority + extra_cost
        if cost > MAX_COST:
            continue
        if best is None or cost < best[1]:
            best = (h, cost)
    return best


def _tied(ctx: _Context, start: int, end: int) -> bool:
    """Only a preposition (or nothing) between a trigger and the date after it."""
    between = ctx.text[start:end]
    if not between.strip():
        return True
    prep = ctx.pack.patterns.get("date_prep")
    return prep is not None and _tie_pattern(prep.pattern).fullmatch(between) is not None


@cache
def _tie_pattern(prep: str) -> re.Pattern[str]:
    """A preposition between a trigger and its date, compiled once per language."""
    return re.compile(r"\s*(?:" + prep + r")\s+(?:the\s+)?", re.IGNORECASE)


@cache
def _of_patterns(of: str) -> tuple[re.Pattern[str], re.Pattern[str], int | None]:
    """The "of" preposition opening a time expression, the one ending the text before a date,
    and the most non-blank characters a match of the latter holds (None: unbounded)."""
    end = re.compile(
        r"(?:^|\W)(?:" + of + r")\s*(?:the\s+|le\s+|la\s+|den\s+|dem\s+|il\s+|el\s+)?$",
        re.IGNORECASE,
    )
    return re.compile(r"(?:" + of + r")\s+", re.IGNORECASE), end, solid_width(end.pattern, end.flags)


def _tail_start(text: str, solid: int) -> int:
    """Where the shortest tail of ``text`` holding more than ``solid`` non-blank characters
    ends its first one: a match ending the text with at most ``solid`` of them starts later."""
    seen = 0
    i = len(text)
    while i > 0:
        i -= 1
        if not text[i].isspace():
            seen += 1
            if seen > solid:
                return i + 1
    return 0


def _is_mostly_date(ctx: _Context, unit: Unit) -> bool:
    """A unit that is a date and little else ("2010/05/11", "3 March 2009, London")."""
    key = ("mostly_date", unit.start, unit.end)
    if key not in ctx.memo:
        ctx.memo[key] = _mostly_date(ctx, unit)
    return bool(ctx.memo[key])


def _mostly_date(ctx: _Context, unit: Unit) -> bool:
    rest = ctx.text[unit.start : unit.end]
    if len(rest) > 400:
        return False  # far more than a date and a few words, whatever it holds
    starts = False
    for o in _timexes_in(ctx, unit.start, unit.end):
        if o.end <= unit.end:
            starts = starts or o.start == unit.start
            rest = rest.replace(o.text, " ")
    # at most ten word characters left (counting stops at the eleventh)
    return starts and sum(1 for _ in islice(_WORD_CHAR.finditer(rest), 11)) <= 10


def _table_header(ctx: _Context, j: int) -> Unit | None:
    """The column header of a table value at unit ``j``: a run of short headers without
    digits ("Entry into force", "Official Journal"), then as many values, one per line."""
    units, text = ctx.units, ctx.text

    def short(u: Unit) -> bool:
        s = text[u.start : u.end]
        return len(s) <= _SHORT and not s.rstrip().endswith((".", ";"))

    i = j - 1
    values = 0
    while i >= 0 and short(units[i]) and _DIGIT.search(text, units[i].start, units[i].end):
        values += 1
        i -= 1
    headers: list[Unit] = []
    while i >= 0 and short(units[i]) and not _DIGIT.search(text, units[i].start, units[i].end):
        s = text[units[i].start : units[i].end]
        if s.isupper() and len(s) > 3:
            break
        headers.insert(0, units[i])
        i -= 1
    if len(headers) < 3 or values >= len(headers):
        return None
    return headers[values]


_OF_TAIL = r"[^.;:!?\n]{0,140}? {of} (?:the |le |la |l['’]|den |dem |der |des |il |el )?$"


#: The act nouns a date may be tied to by "of", with the step that date is.
_ATTACHED_KEYS = (
    ("adopted_act", "adoption"),
    ("signed_act", "signature"),
    ("meeting", "meeting"),
    ("opinion_act", "opinion"),
    ("proposed_act", "proposal"),
    ("report_act", "report"),
)


@cache
def _attached_lead_set(language: str) -> PatternSet:
    """The ``_ATTACHED_KEYS`` patterns of ``language`` with the literals their matches begin
    with, else their keywords (a never-matching pattern where absent)."""
    patterns = pack(language).patterns
    never = re.compile(NEVER)
    return PatternSet.mixed([patterns.get(k, never) for k, _ in _ATTACHED_KEYS], domain=language)


def _attached(ctx: _Context, t: Timex) -> tuple[str, str, int, int] | None:
    """An act, convention, opinion or meeting tied to the date by "of": (type, rule, start, end)."""
    key = ("attached", t.start, t.end, t.text)
    if key not in ctx.memo:
        ctx.memo[key] = _find_attached(ctx, t)
    return ctx.memo[key]  # type: ignore[return-value]


def _find_attached(ctx: _Context, t: Timex) -> tuple[str, str, int, int] | None:
    p = ctx.pack.patterns
    if "of" not in p:
        return None
    # the preposition may be part of the time expression ("vom 22. Dezember 2003")
    lead_pattern, of_pattern, solid = _of_patterns(p["of"].pattern)
    lead = lead_pattern.match(t.text)
    stop = t.start + (lead.end() if lead else 0)
    window_start = max(0, stop - 220)
    window = ctx.text[window_start:stop]
    # the date must directly follow its preposition; the leftmost such match starts in the
    # window's last few words, so the search starts there (the same match)
    of_m = of_pattern.search(window, 0 if solid is None else _tail_start(window, solid))
    if of_m is None:
        return None
    best: tuple[int, str, str, int, int] | None = None
    # a noun whose leading literal is not in the window cannot match there, one that has is
    # tried only where a match can start; one without such a literal is run unless none of
    # its keywords is in the window
    doc = ctx.doc
    if doc is None:
        tried: Sequence[tuple[int, Sequence[re.Match[str]]]] = [
            (k, list(p[key].finditer(window)))
            for k, (key, _) in enumerate(_ATTACHED_KEYS)
            if key in p
        ]
    else:
        tried = window_matches(_attached_lead_set(ctx.language), doc, window_start, stop, window)
    for k, found in tried:
        key, etype = _ATTACHED_KEYS[k]
        if key not in p:
            continue
        for m in found:
            if best is not None and m.end() <= best[0]:
                continue  # it could not replace the noun found already
            between = window[m.end() : of_m.start() + 1]
            if len(between) > 90 or _BREAK.search(between):
                continue
            b0 = window_start + m.end()
            if any(h.trigger.priority >= 2 for h in _triggers_in(ctx, b0, b0 + len(between))):
                continue  # "the Regulation enters into force on ... and applies from": a verb between
            if best is None or m.end() > best[0]:
                best = (
                    m.end(),
                    etype,
                    f"{ctx.language}:of_{key}",
                    window_start + m.start(),
                    window_start + m.end(),
                )
    if best is None:
        return None
    return best[1], best[2], best[3], best[4]


def _neighbour(
    ctx: _Context, t: Timex, ui: int, k: int, extra: int
) -> tuple[str, str, tuple[int, int]] | None:
    """Type a date standing alone on its line from the line after (an event log) or before."""
    if not 0 <= k < len(ctx.units):
        return None
    u, unit = ctx.units[k], ctx.units[ui]
    if _has_timex(ctx, u.start, u.end, but=t) and _is_mostly_date(ctx, u):
        return None
    cand = _best_trigger(ctx, t, u.start, u.end, extra_cost=extra - 10_000)
    if cand is None:
        return None
    return (
        cand[0].trigger.type,
        cand[0].trigger.name,
        (min(u.start, unit.start), max(u.end, unit.end)),
    )


def _oj_before(ctx: _Context, t: Timex) -> str | None:
    """ "publication" when an OJ reference dates the act ("OJ L 335, 17.12.2011"), "citation"
    when it only cites where another act appeared ("Directive 95/46/EC (OJ L 281,
    23.11.1995, p. 31)"), else None."""
    oj = ctx.pack.patterns.get("oj")
    if oj is None:
        return None
    ls = ctx.text.rfind("\n", 0, t.start) + 1
    before = ctx.text[max(ls, t.start - 60) : t.start]
    if searcher(oj).excludes(before):
        return None  # no word of an OJ reference in the line before the date
    for m in oj.finditer(before):
        # "OJ L 335, 17.12.2011", "ABl. C 62E vom 27.2.2001": only a series and number between
        between = before[m.end() :]
        if len(between) <= 35 and not _LONG_WORD.search(between):
            opened = ctx.text[max(ls, t.start - 60) : t.start][: m.start()].rstrip()
            return "citation" if opened.endswith("(") else "publication"
    return None


def _classify(ctx: _Context, t: Timex, ui: int | None) -> tuple[str, str, tuple[int, int]] | None:
    """(type, rule, clause span) of the event a time expression dates, or None."""
    text = ctx.text
    unit = ctx.units[ui] if ui is not None else Unit(t.start, t.end)
    clause = (unit.start, unit.end)
    if ctx.doc_date is not None and ctx.doc_date.timex.start == t.start:
        kind = ctx.doc_date.kind
        if (
            kind in ("dateline", "date_line")
            and ctx.self_act is not None
            and ctx.self_act.celex
            and ctx.self_act.celex[:1] == "5"
        ):
            return "proposal", f"{ctx.language}:self_dateline", clause
        if kind == "oj_header":
            return "publication", f"{ctx.language}:oj_header", clause
        if kind == "dateline":
            # "Strasbourg, 12 March 2014 - Parliament has adopted ...": a lead sentence on the
            # date line tells what happened that day, unless its verbs have dates of their own
            le = text.find("\n", t.end)
            rest = text[t.end : len(text) if le < 0 else le]
            if len(rest.strip()) >= 30:
                lead = _best_trigger(ctx, t, t.end, unit.end, strict=True)
                if lead is not None and lead[0].trigger.priority >= 2:
                    return lead[0].trigger.type, lead[0].trigger.name + "@dateline", clause
            # a speech or conference page dated by its place and day: that day's meeting
            head = [
                h
                for h in _triggers_in(ctx, 0, min(len(text), t.end + 200))
                if h.trigger.type == "meeting"
            ]
            if head and not any(o.start < t.start and cut(o.value or "") for o in ctx.timexes):
                return "meeting", head[0].trigger.name + "@dateline", clause
            return None
        if kind == "press_header":
            return None  # where and when the text was issued, not an event of its own
        if kind == "date_line" and ctx.units:
            # a message or report signed with a lone date: the step its title names
            title = ctx.units[0]
            hits = sorted(
                _triggers_in(ctx, title.start, title.end),
                key=lambda h: (-h.trigger.priority, h.start),
            )
            if hits and hits[0].trigger.type in ("proposal", "report", "opinion"):
                return hits[0].trigger.type, f"{ctx.language}:self_date_line", clause
    ls = text.rfind("\n", max(0, t.start - 400), t.start) + 1
    # a footnote line opens close before its date; a long line is prose, not a footnote
    oj = ctx.pack.patterns.get("oj")
    note = (
        searcher(ctx.footnote).search(text[ls : t.start])
        if oj is not None and (ls > 0 or t.start < 400)
        else None
    )
    if note is not None and oj is not None and oj.match(text, ls + note.end()):
        return None  # a footnote's bibliographic reference: "(1) OJ C 48, 15.2.2011, p. 138."
    oj_ref = _oj_before(ctx, t)
    if oj_ref == "citation":
        return None
    if oj_ref == "publication":
        return "publication", f"{ctx.language}:oj_reference", clause
    att = _attached(ctx, t)
    if att is not None and att[0] == "signature" and _YEAR_VALUE.fullmatch(t.value or ""):
        att = None  # "the Convention of 1951" names a convention, it does not date a step
    if att is not None:
        return att[0], att[1], (min(att[2], unit.start), unit.end)
    # a time expression without a date ("currently", "in the short term") only takes a trigger
    # no other date claims
    best = _best_trigger(ctx, t, unit.start, unit.end, strict=cut(t.value or "") is None)
    if best is None and ui is not None and _is_mostly_date(ctx, unit):
        found = _neighbour(ctx, t, ui, ui + 1, 0)
        if found is None:
            header = _table_header(ctx, ui)
            if header is not None:
                hb = _best_trigger(ctx, t, header.start, header.end, extra_cost=-10_000)
                if hb is not None:
                    return (
                        hb[0].trigger.type,
                        hb[0].trigger.name + "@column",
                        (header.start, unit.end),
                    )
            prev = ctx.units[ui - 1] if ui > 0 else None
            if prev is not None and prev.end - prev.start <= 150:
                # a caption before the date ("Keynote speech by ...\n3 March 2009, London")
                found = _neighbour(ctx, t, ui, ui - 1, 30)
        if found is not None:
            return found
        # an event log's title with no trigger: look one more line down (a "Details" block)
        for k in (ui + 2, ui + 3):
            if k < len(ctx.units) and not _has_timex(ctx, ctx.units[k].start, ctx.units[k].end):
                u = ctx.units[k]
                if any(
                    _has_timex(ctx, ctx.units[m].start, ctx.units[m].end)
                    for m in range(ui + 1, k)
                ):
                    break
                cand = _best_trigger(ctx, t, u.start, u.end, extra_cost=-10_000)
                if cand is not None:
                    return cand[0].trigger.type, cand[0].trigger.name, (unit.start, u.end)
    if best is None:
        return None
    return best[0].trigger.type, best[0].trigger.name, clause


#: Values that may give an event without a calendar date of their own.
_DATELESS = frozenset({"SAME", "FUTURE_REF", "PRESENT_REF"})


def _cue(ctx: _Context, name: str, clause: tuple[int, int]) -> bool:
    """Whether the status cue ``name`` is in the clause (searched once per clause)."""
    if name not in ctx.pack.cues:
        return False
    cue_key = ("cue", name, clause)
    found = ctx.memo.get(cue_key)
    if found is None:
        # a clause holding none of the cue's necessary literals is not searched, else the cue
        # is tried only where its leading literal occurs (an exact search: see Searcher)
        folded = ctx.doc.folded() if ctx.doc is not None else None
        found = ctx.memo[cue_key] = (
            _cue_searcher(ctx.language, name).search(
                ctx.text[clause[0] : clause[1]],
                None if folded is None else folded[clause[0] : clause[1]],
            )
            is not None
        )
    return bool(found)


@cache
def _cue_searcher(language: str, name: str) -> Searcher:
    """The status cue ``name`` of ``language`` (which exists), searched fast."""
    return Searcher.of(pack(language).cues[name])


def _status(
    ctx: _Context, date: str | None, precision: str, clause: tuple[int, int], t: Timex
) -> str:
    # each cue is searched only when the answer depends on it (most dates are past or
    # planned by the document date alone)
    if date is None:
        if t.value == "PRESENT_REF":
            return "ongoing"
        return "planned" if (t.value == "FUTURE_REF" or _cue(ctx, "future", clause)) else "past"
    if ctx.dct is None:
        future = _cue(ctx, "future", clause)
        return "planned" if future and not _cue(ctx, "past", clause) else "past"
    first, last = bounds(date, precision)
    if last < ctx.dct:
        return "past"
    if first > ctx.dct:
        return "planned"
    if precision == "day":
        return "past"
    if _cue(ctx, "future", clause):
        return "planned"
    return "ongoing" if _cue(ctx, "ongoing", clause) else "past"


def _act_scope(ctx: _Context, ui: int | None, clause: tuple[int, int]) -> tuple[int, int]:
    """Where an event's acts are named: its clause, and for a record (a date alone on its line
    in an event log) the lines that follow, up to the next date."""
    if ui is None or not _is_mostly_date(ctx, ctx.units[ui]):
        return clause
    end = clause[1]
    for k in range(ui + 1, min(ui + 5, len(ctx.units))):
        u = ctx.units[k]
        if _has_timex(ctx, u.start, u.end):
            break
        end = max(end, u.end)
    return clause[0], end


def _topic(acts: Sequence[ActRef], ctx: _Context) -> ActRef | None:
    """What the document is about: the act it is, else an act it names by number in its header,
    before any dated statement (a proposal an opinion comments on, a summary's directive)."""
    if ctx.self_act is not None:
        return ctx.self_act
    own_date = ctx.doc_date.timex.start if ctx.doc_date is not None else -1
    dated = [t.start for t in ctx.timexes if t.start != own_date and cut(t.value or "")]
    limit = min([1200, *dated])
    first = _unit_index(ctx, limit) if dated and limit == dated[0] else None
    if first is not None:
        limit = ctx.units[
            first
        ].end  # the first dated line may name it: "11/05/2022 ... COM(2022)0209"
    head = [
        a for a in acts if a.celex and a.span is not None and a.span[0] < limit and a.kind != "case"
    ]
    # a COM number in the header names the proposal a document comments on
    for a in head:
        if a.kind == "com":
            return a
    return head[0] if head else None


def _self_act(text: str, acts: Sequence[ActRef]) -> ActRef | None:
    """The act the document itself is: a CELEX or COM number alone on a header line."""
    shape = _common_patterns()["self_line"]
    for a in acts:
        if a.span is None or a.span[0] > 1500 or not a.celex:
            continue
        ls = text.rfind("\n", 0, a.span[0]) + 1
        le = text.find("\n", a.span[1])
        line = text[ls : len(text) if le < 0 else le].strip()
        label = text[a.span[0] : a.span[1]]
        if a.kind in ("celex", "com") and (
            line == label or shape.search(line.replace(label, "\x00"))
        ):
            return a
    return None


#: Nouns whose phrase names an act by its title; broader nouns (programme, law) only name one
#: when dated by "of" ("the Resolution of the European Parliament of 11 April 2000").
_LABEL_KEYS = ("proposed_act", "signed_act", "opinion_act")
_LABEL_STOP = re.compile(r"[.;:()\[\]«»“”\"|]|,\s|\n\s*\n|\n\s*[A-Z0-9]|\s[-–—]\s")


@cache
def _label_lead_set(language: str) -> PatternSet:
    """The ``_LABEL_KEYS`` patterns of ``language`` with the literals their matches begin with,
    else their keywords."""
    patterns = pack(language).patterns
    never = re.compile(NEVER)
    return PatternSet.mixed([patterns.get(k, never) for k in _LABEL_KEYS], domain=language)


def _labels(ctx: _Context, t: Timex, start: int, end: int, taken: Sequence[ActRef]) -> list[ActRef]:
    """Acts named by their title, not their number ("la décision-cadre du Conseil relative à la
    lutte contre l'exploitation sexuelle des enfants"): the label as written, CELEX unknown."""
    text = ctx.text
    spans = [a.span for a in taken if a.span]
    heads: list[tuple[int, int, str]] = list(
        kind_spans(text, ctx.language, start, end, doc=ctx.doc)
    )
    doc = ctx.doc
    patterns = ctx.pack.patterns
    if doc is None:
        tried: Sequence[tuple[int, Sequence[re.Match[str]]]] = [
            (k, list(patterns[key].finditer(text, start, end)))
            for k, key in enumerate(_LABEL_KEYS)
            if key in patterns
        ]
    else:
        # only where a match can start (a noun with no leading literal: where its keywords are)
        tried = window_matches(_label_lead_set(ctx.language), doc, start, end)
    for k, got in tried:
        key = _LABEL_KEYS[k]
        if key not in patterns:
            continue
        heads.extend((m.start(), m.end(), key) for m in got)
    found: list[ActRef] = []
    for h0, h1, kind in sorted(heads):
        if h0 > 0 and text[h0 - 1].isalnum():
            continue
        if any(s0 <= h0 < s1 for s0, s1 in spans):
            continue
        if is_proposal_word(text[h0:h1]) and not kind_mentions(text, ctx.language, h1, h1 + 60, doc=ctx.doc):
            # a proposal is named by the act it proposes ("proposal for a Directive ...")
            continue
        link = ctx.pack.patterns.get("title_link")
        nxt = _NEXT_WORD.match(text[h1 : h1 + 40])
        if link is None or nxt is None or not link.fullmatch(nxt.group(1)):
            continue  # a kind followed by a verb ("the Regulation shall apply") is no title
        stop = _LABEL_STOP.search(text, h1, min(end, h1 + 160))
        label_end = stop.start() if stop else min(end, h1 + 160)
        if h1 <= t.start < label_end:
            label_end = t.start  # a title does not run into the date it is dated by
        words = text[h0:label_end].split()[:20]
        while words and (ctx.pack.patterns["of"].fullmatch(words[-1]) or len(words[-1]) <= 3):
            words.pop()
        if len(words) < 3:
            continue
        label = " ".join(words)
        found.append(ActRef(None, label, (h0, h0 + len(label)), kind))
        spans.append((h0, label_end))
    found.sort(key=lambda a: abs((a.span or (0, 0))[0] - t.start))
    return found[:1]


def _actors(ctx: _Context, clause: tuple[int, int]) -> tuple[str, ...]:
    """The actors named in a clause (once per clause: dates of one sentence share it)."""
    key = ("actors", clause)
    got = ctx.memo.get(key)
    if got is None:
        got = ctx.memo[key] = tuple(
            find_actors(ctx.text, ctx.language, clause[0], clause[1], doc=ctx.doc)
        )
    return got  # type: ignore[return-value]


def _summary(text: str, span: tuple[int, int]) -> str:
    s = " ".join(text[span[0] : span[1]].split())
    return s if len(s) <= 400 else s[:397] + "..."


def extract_events(document: Document, timexes: Sequence[Timex]) -> list[Event]:
    """The policy events of a document, in text order (see the module docstring)."""
    try:
        return _extract_events(document, timexes)
    finally:
        checkpoint()  # patterns and analyses made for it kept for the next process


def _extract_events(document: Document, timexes: Sequence[Timex]) -> list[Event]:
    text = document.text
    language = document.language or "en"
    p = pack(language)
    tx = sorted((t for t in timexes if t.type in ("DATE", "TIME")), key=lambda t: (t.start, -t.end))
    if not any(t.value in _DATELESS or cut(t.value or "") is not None for t in tx):
        return []  # no time expression can date an event: skip the document-wide work
    units = split_units(text, [(t.start, t.end) for t in tx])
    doc = DocText(text, language)
    acts = find_acts(text, language, doc=doc)
    ctx = _Context(
        text=text,
        language=language,
        dct=document.date,
        pack=p,
        units=units,
        unit_starts=[u.start for u in units],
        timexes=tx,
        acts=acts,
        procedures=find_procedures(text, doc=doc),
        self_act=_self_act(text, acts),
        topic=None,
        doc_date=find_document_date(text, language, tx),
        footnote=_common_patterns()["footnote"],
        timex_starts=[t.start for t in tx],
        doc=doc,
    )
    spanned_acts = sorted((a for a in acts if a.span), key=lambda a: a.span[0] if a.span else 0)
    ctx.act_starts.extend(a.span[0] for a in spanned_acts if a.span)
    head_procs = [code for code, span in ctx.procedures if span[0] < 1500]
    # the header ends where the first paragraph of prose begins
    header_end = next((u.start for u in units if u.end - u.start > 200), len(text))
    events: list[Event] = []
    topic_known = False
    for t in tx:
        value = t.value or ""
        if value == "SAME":
            # "on the same day": the date told just before
            prev = [o for o in tx if o.end <= t.start and cut(o.value or "") is not None]
            if not prev:
                continue
            value = prev[-1].value
        if value in ("FUTURE_REF", "PRESENT_REF"):
            date, precision = None, "unknown"
        else:
            got = cut(value)
            if got is None:
                continue
            date, precision = got
        ui = _unit_index(ctx, t.start)
        typed = _classify(ctx, t, ui)
        if typed is None:
            continue
        etype, rule, clause = typed
        earliest = latest = None
        if date is None:
            if value == "FUTURE_REF":
                earliest = document.date
            elif value == "PRESENT_REF":
                earliest = latest = document.date
        elif t.end_value and t.value != "SAME":
            end = cut(t.end_value)
            if end is not None and end[0] != date:
                earliest, latest = date, end[0]
        status = _status(ctx, date, precision, clause, t)
        if date is None and value == "FUTURE_REF" and status != "planned":
            continue
        scope = _act_scope(ctx, ui, clause)
        lo = bisect.bisect_left(ctx.act_starts, scope[0])
        hi = bisect.bisect_left(ctx.act_starts, scope[1], lo)
        ev_acts = list(spanned_acts[lo:hi])
        if ":of_" in rule:
            # "Directive 2011/93/EU ... of 13 December 2011, replacing Framework Decision
            # 2004/68/JHA": the act dated is the one named just before the date
            before = [
                a for a in ev_acts if a.span and a.span[1] <= t.start and t.start - a.span[1] < 150
            ]
            ev_acts = before[-1:]
        if ctx.self_act is not None and etype in SELF_STEPS and not any(a.celex for a in ev_acts):
            # the document's own steps: its date line, its OJ header, its title "of <date>"
            own_date = ctx.doc_date is not None and t.start == ctx.doc_date.timex.start
            if own_date or t.start < header_end:
                ev_acts.insert(0, ctx.self_act)
        if not topic_known:  # read once, when the first event needs it
            ctx.topic, topic_known = _topic(acts, ctx), True
        topic = ctx.topic
        if topic is not None and not any(a.celex for a in ev_acts) and ":of_" not in rule:
            if etype in PROCEDURAL and not ev_acts:
                ev_acts.append(topic)
            elif etype in SELF_STEPS and topic.kind in kind_mentions(text, language, *scope, doc=doc):
                ev_acts.append(topic)
            elif rule.endswith(":oj_reference") and not ev_acts:
                ev_acts.append(topic)  # the OJ column of a summary's reference table
        if not any(a.celex for a in ev_acts):
            att = _attached(ctx, t) if ":of_" in rule else None
            if att is not None:
                # "the Resolution of the European Parliament of 11 April 2000"
                words = text[att[2] : t.start].split()
                while words and p.patterns["of"].fullmatch(words[-1]):
                    words.pop()
                if 0 < len(words) < 3:
                    # a bare noun is named by its date and what follows: "Convention of
                    # 19 June 1990 implementing the Schengen Agreement"
                    stop = _LABEL_STOP.search(text, t.end, t.end + 120)
                    rest = text[t.end : stop.start() if stop else t.end + 120].split()[:10]
                    words = text[att[2] : t.end].split() + rest
                if words:
                    label = " ".join(words)
                    ev_acts.append(ActRef(None, label, (att[2], att[2] + len(label)), "title"))
            else:
                ev_acts.extend(_labels(ctx, t, clause[0], clause[1], ev_acts))
        procs = [code for code, span in ctx.procedures if clause[0] <= span[0] < clause[1]]
        if not procs and ctx.self_act is not None and ctx.self_act in ev_acts:
            procs = head_procs[:1]
        amounts = find_amounts(text, clause[0], clause[1]) if etype == "funding" else []
        events.append(
            Event(
                date=date,
                precision=precision,
                earliest=earliest,
                latest=latest,
                status=status,
                type=etype,
                acts=tuple(_dedupe_acts(ev_acts)),
                procedures=tuple(dict.fromkeys(procs)),
                actors=_actors(ctx, clause),
                summary=_summary(text, clause),
                timex=t,
                sentence_span=clause,
                rule=rule,
                amounts=tuple(amounts),
                language=language,
                page=document.page_of(t.start),
            )
        )
    return _merge(events, ctx.self_act)


def _acts_compatible(a: Event, b: Event) -> bool:
    ca = {x.celex for x in a.acts if x.celex}
    cb = {x.celex for x in b.acts if x.celex}
    return not ca or not cb or bool(ca & cb)


def _dedupe_acts(acts: Sequence[ActRef]) -> list[ActRef]:
    out: list[ActRef] = []
    seen: set[str] = set()
    for a in acts:
        key = a.celex or a.label
        if key in seen:
            continue
        seen.add(key)
        out.append(a)
    return out


def _refines(fine: str | None, coarse: str | None) -> bool:
    """``1997-02-24`` refines ``1997-02`` and ``1997``: the same date told less precisely."""
    return (
        fine is not None and coarse is not None and fine != coarse and fine.startswith(coarse + "-")
    )


def _misprint(a: set[str], b: set[str], own: ActRef | None) -> bool:
    """The document's own act and an act of the same kind and year named with another number
    on the same date and step: its header misprinted ("2011/92/EU" for 2011/93/EU)."""
    if own is None or not own.celex or len(a) != 1 or len(b) != 1 or own.celex not in a | b:
        return False
    (x,), (y,) = a, b
    return x[:6] == y[:6] and x[6:].isdigit() and y[6:].isdigit()


def _merge(events: list[Event], own: ActRef | None = None) -> list[Event]:
    """One event per (date, type, act): a later mention adds its acts and actors to the first.

    An event whose date is a coarser statement of another one's of the same type and act
    ("en 1997" and "le 24 février 1997") is the same event.
    """
    finer: dict[tuple[str, str], list[Event]] = {}  # (type, coarser date) -> events refining it
    for o in events:
        parts = (o.date or "").split("-")
        for n in range(1, len(parts)):
            finer.setdefault((o.type, "-".join(parts[:n])), []).append(o)
    events = [
        ev
        for ev in events
        if not any(
            _refines(o.date, ev.date) and _acts_compatible(o, ev)
            for o in finer.get((ev.type, ev.date or ""), ())
        )
    ]
    out: list[Event] = []
    slots: dict[tuple[str | None, str], list[int]] = {}  # (date, type) -> indexes in out
    for ev in events:
        celexes = {a.celex for a in ev.acts if a.celex}
        for i in slots.get((ev.date, ev.type), ()):
            kept = out[i]
            kept_celex = {a.celex for a in kept.acts if a.celex}
            if celexes and kept_celex and not (celexes & kept_celex):
                if not _misprint(celexes, kept_celex, own):
                    continue
            # numbered acts add up; a title only stands in when no act is known yet
            extra = [a for a in ev.acts if a.celex or not kept.acts]
            out[i] = replace(
                kept,
                acts=tuple(_dedupe_acts([*kept.acts, *extra])),
                actors=tuple(dict.fromkeys([*kept.actors, *ev.actors])),
                procedures=tuple(dict.fromkeys([*kept.procedures, *ev.procedures])),
                amounts=kept.amounts or ev.amounts,
            )
            break
        else:
            slots.setdefault((ev.date, ev.type), []).append(len(out))
            out.append(ev)
    return out
