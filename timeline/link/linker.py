"""Assemble a timeline from the events of many documents (:func:`link`).

The cascade:

1. **Titles**: every title the corpus shows for a known act (document titles, "Décision-cadre
   2004/68/JAI du Conseil du 22 décembre 2003 relative à ..." in running text, labels of events
   whose act is known) is indexed; acts that events name by title only get their CELEX number
   through it, in any language, and the match is kept (``Timeline.extra["title_matches"]``).
2. **Relations** between acts are read from the texts ("repealing Framework Decision
   2004/68/JHA") and from titles (a proposal whose kind and subject are those of an act is the
   proposal for it).
3. **Merge**: two events are one when they have the same type, dates that can name the same
   day, and the same subject (a shared act or procedure, the same document in another language,
   or act labels that read alike). Events of a type that happens once per act (adoption,
   publication...) that share an act but not a date are merged too and flagged as a conflict:
   each source keeps the date it gives.
4. **Planned -> actual**: a planned entry is realised by the earliest later entry of the same type
   whose act is the planned act or one related to it, or whose procedure is the same; the
   delay in days is kept; plans never realised are listed in ``Timeline.open_plans``.
5. **Dossiers**: acts and procedures connected by events, relations and document headers form a
   dossier, named after its latest legal act; entries without an act join the dossier of their
   document.

Everything is sorted and every id is a content hash, so the same input gives the same output.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import operator
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import starmap
from typing import Any

from timeline.link import acts as actmod
from timeline.link import dates, resources
from timeline.link.acts import (
    TITLE_THRESHOLD,
    ActRelation,
    KnownTitle,
    TitleIndex,
    TitleMatch,
    act_key,
    normalize,
    similarity,
)
from timeline.link.facts import DocumentFacts, Quote, facts_by_path
from timeline.model import (
    EVENT_TYPES,
    ActRef,
    Document,
    Dossier,
    Entry,
    Event,
    Extraction,
    Source,
    Timeline,
)

#: Types that happen once in the life of an act: differing dates for one act are a conflict.
SINGULAR_TYPES = frozenset({"proposal", "adoption", "signature", "publication", "entry_into_force"})
#: Types whose date is fixed by law: a source writing before it (planned) and one writing after
#: it (past) state the same fact; they are not plans to be realised.
FIXED_TYPES = frozenset({"transposition_deadline", "deadline", "entry_into_force", "application"})
#: Labels of acts known by title only are alike at this similarity.
LABEL_THRESHOLD = 0.9


@dataclass(slots=True)
class _Item:
    """One event of one document, ready for merging."""

    index: int
    event: Event
    document: Document
    acts: tuple[ActRef, ...]
    act_keys: frozenset[str]
    procedures: frozenset[str]
    doc_ids: frozenset[str]
    labels: tuple[str, ...]  # normalized labels of acts without CELEX
    source: Source
    primary: str | None = None  # the first act the event names (what it is mainly about)
    own: str | None = None  # the act the event's document is
    dossier: str | None = None  # component id, set once the dossiers are known
    sole: bool = True  # no other statement of its document gives this step of this act another date


@dataclass(slots=True)
class _Context:
    index: TitleIndex
    relations: list[ActRelation]
    title_matches: list[TitleMatch]
    own_acts: dict[str, str | None] = field(default_factory=dict)
    own_procedures: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: documents that are a procedure file (their reference is a procedure): its events are its
    procedure_files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    corrections: list[dict[str, str]] = field(default_factory=list)
    doc_titles: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # path -> (language, title)
    mentions: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)
    _files: dict[str, dict[str, list[tuple[bool, str, str]]]] = field(default_factory=dict)

    def files_of_procedure(self, prefer: str) -> dict[str, list[tuple[bool, str, str]]]:
        """Procedure -> (not in ``prefer``, path, title) of the procedure files with a title."""
        if prefer not in self._files:
            out: dict[str, list[tuple[bool, str, str]]] = defaultdict(list)
            for path, (lang, title) in self.doc_titles.items():
                if title:
                    for proc in set(self.procedure_files.get(path, ())):
                        out[proc].append((lang != prefer, path, title))
            self._files[prefer] = out
        return self._files[prefer]


#: CELEX number -> :func:`~timeline.link.acts.act_key` of it (a pure function a large part
#: calls some 70,000 times on a few thousand numbers)
_ACT_KEYS: dict[str | None, str | None] = {}


def _act_key(celex: str | None) -> str | None:
    try:
        return _ACT_KEYS[celex]
    except KeyError:
        key = _ACT_KEYS[celex] = act_key(celex)
        return key


def _keys(acts: Iterable[ActRef]) -> list[str]:
    """The sorted act keys of the acts that have a CELEX number."""
    return sorted({k for k in (_act_key(a.celex) for a in acts) if k})


def _hash(*parts: Any) -> str:
    data = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha1(data.encode("utf-8")).hexdigest()[:12]


def _doc_ids(doc: Document, own: str | None) -> frozenset[str]:
    ids = {f"path:{doc.path}"}
    if doc.reference:
        ids.add(f"ref:{normalize(doc.reference)}")
    if doc.parallel:
        ids.add(f"parallel:{doc.parallel}")
    if own:
        ids.add(f"act:{_act_key(own)}")
    return frozenset(ids)


def _source(doc: Document, event: Event, quote: Quote) -> Source:
    timex = event.timex
    return Source(
        document=doc.path,
        reference=doc.reference,
        language=doc.language or (event.language or None),
        url=doc.url,
        quote=quote.text,
        quote_span=quote.span,
        timex_text=timex.text if timex else None,
        timex_span=(timex.start, timex.end) if timex else None,
        date=event.date,
        page=event.page,
    )


def collect_relations(
    extractions: Sequence[Extraction],
    index: TitleIndex | None = None,
    facts: Mapping[str, DocumentFacts] | None = None,
) -> list[ActRelation]:
    """Every act relation the texts and titles of a corpus state, deduplicated and sorted.

    ``facts`` (by document path) stand for the texts.
    """
    facts = facts_by_path(extractions, dict(facts or {}))
    if index is None:
        index = TitleIndex.from_extractions(extractions, facts)
    found: list[ActRelation] = []
    for x in extractions:
        found.extend(facts[x.document.path].relations)
    found.extend(index.proposal_relations())
    return _unique_relations(found)


def _unique_relations(found: Iterable[ActRelation]) -> list[ActRelation]:
    """One relation per (source, relation, target, document): the first by span, sorted."""
    unique: dict[tuple[str, str, str, str], ActRelation] = {}
    for rel in sorted(found, key=lambda r: (r.source, r.relation, r.target, r.document, r.span)):
        unique.setdefault((rel.source, rel.relation, rel.target, rel.document), rel)
    return list(unique.values())


@dataclass(slots=True)
class _Read:
    """What the first pass over a part's documents (:func:`_read_documents`) keeps besides the
    context: the relations their texts state, the documents, and for the misprints where each
    act is named and what each document's head names."""

    relations: list[ActRelation] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    named_in: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    #: the act mentions of the head of each document that is an act, as
    #: :func:`fields_of` gives them (:func:`_misprints` reads their text and number)
    heads: dict[str, Sequence[tuple[Any, ...]]] = field(default_factory=dict)


def _read_documents(
    extractions: Sequence[Extraction],
    facts: Mapping[str, DocumentFacts],
    ctx: _Context,
    read: _Read,
    rows: dict[str, list[Any]] | None = None,
) -> None:
    """The first pass over some documents of a part (in path order, after those read before):
    their titles into the index, and what every document tells before any event is linked.
    With ``rows`` each document's :func:`_doc_row` is kept there too (:class:`PartState`)."""
    index = ctx.index
    for x in extractions:
        doc = x.document
        known = facts[doc.path]
        before = len(index.titles)
        index.add_extractions((x,), facts)
        row = _doc_row(x, known, index.titles[before:])
        _read_row(row, ctx, read, doc, known.relations)
        if rows is not None:
            rows[doc.path] = row


def _doc_row(x: Extraction, known: DocumentFacts, titles: Sequence[KnownTitle]) -> list[Any]:
    """What the first pass reads of one document, as plain data (:func:`_read_row` applies
    it): its fields, the titles it gave the index, its relations, own act, header and
    procedure-file procedures, the (act, text) of each act mention, and its head's mentions.
    Its items and title matches are appended by the second pass (:class:`PartState`)."""
    doc = x.document
    own = actmod.document_act(doc)
    return [
        fields_of(doc),
        tuple(map(fields_of, titles)),
        tuple(map(fields_of, known.relations)),
        _act_key(own),
        tuple(sorted(_doc_ids(doc, own))),
        # The procedures a document's header names ("2010/0064(COD) Combating ...",
        # "/* COM/2010/0094 final - COD 2010/0064 */"): where its act-less events belong.
        known.header_procedures,
        tuple(sorted({p for _, _, p in actmod.find_procedures(doc.reference or "")})),
        tuple((k, m.text) for m in known.mentions if (k := _act_key(m.celex))),
        tuple(fields_of(m) for m in known.mentions if m.start < actmod.HEAD_ZONE),
    ]


def _read_row(
    row: Sequence[Any],
    ctx: _Context,
    read: _Read,
    doc: Document | None = None,
    relations: Iterable[ActRelation] | None = None,
) -> Document:
    """The first pass's work for one document made of its :func:`_doc_row` (its document and
    relations made again unless given; its titles are added to the index by the caller);
    returns the document."""
    if doc is None:
        doc = Document(*row[0])
    path = doc.path
    read.documents.append(doc)
    read.relations.extend(relations if relations is not None else starmap(ActRelation, row[2]))
    ctx.own_acts[path] = row[3]
    ctx.own_procedures[path] = row[5]
    ctx.doc_titles[path] = (doc.language or "", doc.title or "")
    ctx.procedure_files[path] = row[6]
    lang = doc.language or ""
    mentions, named_in = ctx.mentions, read.named_in
    for key, text in row[7]:
        counts = mentions.get(key)
        if counts is None:
            counts = mentions[key] = Counter()
        counts[(lang, text)] += 1
        named_in[key].add(path)
    if row[3]:  # only a document that is an act can misprint its number (_misprints)
        read.heads[path] = row[8]
    return doc


_MENTION_TEXT = actmod.ActMention.__slots__.index("text")
_MENTION_CELEX = actmod.ActMention.__slots__.index("celex")


def _misprints(ctx: _Context, read: _Read) -> dict[tuple[str, str], str]:
    """(document, act) -> the document's own act, for a misprinted number in a legal act's heading.

    The Official Journal prints "DIRECTIVE 2011/92/EU" atop Directive 2011/93/EU. When a document
    that is act X heads itself with an act of X's sector, year and type but another number, which
    only documents that are X name and no document is, the heading means X.
    """
    owns = {k for k in ctx.own_acts.values() if k}
    out: dict[tuple[str, str], str] = {}
    # act -> the own acts of the documents naming it (once per act: an act is named in the
    # heads of thousands of documents of a large part)
    owners: dict[str, set[str | None]] = {}

    def only(key: str, own: str) -> bool:
        if key not in owners:
            owners[key] = {ctx.own_acts.get(p) for p in read.named_in.get(key, ())}
        return owners[key] <= {own}

    for path, own in ctx.own_acts.items():
        if not own:
            continue
        for m in read.heads[path]:
            key = _act_key(m[_MENTION_CELEX])
            if (
                key
                and key != own
                and key not in owns
                and only(key, own)
                and actmod.same_series(key, own)
            ):
                out[(path, key)] = own
                ctx.corrections.append(
                    {
                        "document": path, "as_written": m[_MENTION_TEXT], "read_as": own,
                        "rule": "misprint",
                    }
                )
    return out


def _slim(event: Event) -> Event:
    """The event as merging reads it once its item is made (date, kind and actors): an item of
    a part read a group at a time outlives its record, and the sentence, time expression and
    acts are in its source and sets."""
    return Event(
        event.date, event.precision, event.earliest, event.latest, event.status, event.type,
        (), (), event.actors, "", None, language=event.language, page=event.page,
    )


def _add_items(
    extractions: Sequence[Extraction],
    facts: Mapping[str, DocumentFacts],
    ctx: _Context,
    misprints: Mapping[tuple[str, str], str],
    shared: dict[Any, Any],
    items: list[_Item],
    slim: bool = False,
    rows: dict[str, list[Any]] | None = None,
) -> None:
    """The items of some documents of a part (in path order, after those made before); with
    ``slim`` their events keep only what merging reads (:func:`_slim`). With ``rows`` each
    document's items and title matches are added to its row (:func:`_doc_row`) as plain
    data."""
    for x in extractions:
        doc = x.document
        known = facts[doc.path]
        first, first_match = len(items), len(ctx.title_matches)
        own = actmod.document_act(doc)
        ids = _doc_ids(doc, own)
        for event, quote in zip(x.events, known.quotes, strict=True):
            resolved, matches = actmod.resolve_acts(event.acts, ctx.index, doc.language, doc.path)
            if not any(a.celex for a in resolved):
                # the extractor named no known act: read the event's sentence for one
                found, found_matches = actmod.acts_in_sentence(
                    quote.text, doc.language, ctx.index, doc.path
                )
                if found:
                    resolved = tuple(a for a in resolved if a.label) + found
                    matches = matches + found_matches
            ctx.title_matches.extend(matches)
            resolved = tuple(
                ActRef(misprints[(doc.path, k)], a.label, a.span, a.kind)
                if (k := _act_key(a.celex)) and (doc.path, k) in misprints
                else a
                for a in resolved
            )
            # one object per distinct set and label tuple: a corpus's events name the same few
            # acts and procedures over and over, and every item holds its sets while linking
            keys = frozenset(k for k in (_act_key(a.celex) for a in resolved) if k)
            keys = shared.setdefault(keys, keys)
            labels = tuple(
                sorted({normalize(a.label) for a in resolved if not a.celex and a.label})
            )
            labels = shared.setdefault(labels, labels)
            procs = frozenset(actmod.canonical_procedure(p) for p in event.procedures if p.strip())
            procs = shared.setdefault(procs, procs)
            ordered = [k for k in (_act_key(a.celex) for a in resolved) if k]
            source = _source(doc, event, quote)
            kept: Event = event
            if slim:
                # an item of a part read a group at a time outlives its record: equal slim
                # events, act lists and sources (events of one sentence) are one object each,
                # and its acts keep no span (merging reads none: _merge_acts drops them), so
                # no act, span or actor tuple of the record stays held by it
                kept = _slim(event)
                kept = shared.setdefault(kept, kept)
                resolved = tuple(ActRef(a.celex, a.label, None, a.kind) for a in resolved)
                resolved = shared.setdefault(resolved, resolved)
                source = shared.setdefault(source, source)
            items.append(
                _Item(
                    len(items),
                    kept,
                    doc,
                    resolved,
                    keys,
                    procs,
                    ids,
                    labels,
                    source,
                    ordered[0] if ordered else None,
                    _act_key(own),
                )
            )
        if rows is not None:
            rows[doc.path].append(tuple(_item_row(i) for i in items[first:]))
            rows[doc.path].append(tuple(map(fields_of, ctx.title_matches[first_match:])))


#: class -> the getter of every field of its objects, as a tuple (:func:`fields_of`)
_FIELDS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}


def fields_of(obj: Any) -> tuple[Any, ...]:
    """A slotted object's fields in order, as a tuple (one attrgetter call per object)."""
    get = _FIELDS.get(type(obj))
    if get is None:
        slots = type(obj).__slots__
        many = operator.attrgetter(*slots)
        get = _FIELDS[type(obj)] = many if len(slots) > 1 else lambda o: (many(o),)
    return get(obj)


def _item_row(item: _Item) -> tuple[Any, ...]:
    """An item as plain data (:func:`_item_of_row` makes it again): what merging reads of its
    event, its acts, act keys, procedures, labels, source and main act."""
    ev = item.event
    return (
        (ev.date, ev.precision, ev.earliest, ev.latest, ev.status, ev.type, ev.actors,
         ev.language, ev.page),
        tuple(map(fields_of, item.acts)),
        tuple(sorted(item.act_keys)),
        tuple(sorted(item.procedures)),
        item.labels,
        fields_of(item.source),
        item.primary,
    )


def _item_of_row(
    row: Sequence[Any],
    index: int,
    doc: Document,
    ids: frozenset[str],
    own: str | None,
    shared: dict[Any, Any],
) -> _Item:
    """The item :func:`_item_row` wrote, numbered ``index``, its event slim (:func:`_slim`).
    Equal events and equal act lists of the items made with one ``shared`` are one object
    each, as :func:`_add_items` makes slim items (a part's items name the same steps of the
    same acts over and over: about half of them at 10,000 documents)."""
    event_key = ("event", row[0])  # tagged: no other kind of value ``shared`` holds is equal
    event = shared.get(event_key)
    if event is None:
        (date, precision, earliest, latest, status, kind, actors, language, page) = row[0]
        event = shared[event_key] = Event(
            date, precision, earliest, latest, status, kind, (), (), actors, "", None,
            language=language, page=page,
        )
    acts_key = ("acts", row[1])
    acts = shared.get(acts_key)
    if acts is None:
        acts = shared[acts_key] = tuple(ActRef(*a) for a in row[1])
    keys = frozenset(row[2])
    procs = frozenset(row[3])
    return _Item(
        index,
        event,
        doc,
        acts,
        shared.setdefault(keys, keys),
        shared.setdefault(procs, procs),
        ids,
        shared.setdefault(row[4], row[4]),
        Source(*row[5]),
        row[6],
        own,
    )


# --- merging ------------------------------------------------------------------------------


def _same_subject(a: _Item, b: _Item) -> bool:
    if a.act_keys and b.act_keys:
        return bool(a.act_keys & b.act_keys)
    if a.procedures and b.procedures:
        return bool(a.procedures & b.procedures)
    if a.doc_ids & b.doc_ids:
        return True
    # an event naming no act is about the act its document is
    if (a.own and a.own in b.act_keys) or (b.own and b.own in a.act_keys):
        return True
    if any(
        similarity(la, lb, LABEL_THRESHOLD) >= LABEL_THRESHOLD for la in a.labels for lb in b.labels
    ):
        return True
    # the same step of the same dossier on the same day, told by a document naming no act
    return (
        a.dossier is not None
        and a.dossier == b.dossier
        and a.event.date == b.event.date
        and dates.is_day(a.event.date)
    )


def _status_compatible(a: _Item, b: _Item) -> bool:
    planned_a, planned_b = a.event.status == "planned", b.event.status == "planned"
    return planned_a == planned_b or a.event.type in FIXED_TYPES


def _about_itself(item: _Item) -> bool:
    """A step dated on its document's own date in a document that is not the act: the document's
    own publication or adoption, whatever act its sentence also names."""
    return bool(
        item.document.date and item.event.date == item.document.date and item.own != item.primary
    )


def _mergeable(a: _Item, b: _Item) -> tuple[bool, bool]:
    """(same event?, with a date conflict?)."""
    ea, eb = a.event, b.event
    if ea.type != eb.type or not _status_compatible(a, b):
        return False, False
    if ea.date is None and eb.date is None:
        return (ea.status == eb.status and _same_subject(a, b)), False
    if ea.date is None or eb.date is None:
        return False, False
    if dates.overlap(ea.date, eb.date):
        return _same_subject(a, b), False
    # Two dates for one step of one act: a conflict only when both name exactly the same acts
    # (an extractor that attaches every act of a sentence would otherwise merge history).
    if (
        ea.type in SINGULAR_TYPES
        and a.primary is not None
        and a.primary == b.primary
        and a.act_keys == b.act_keys
        and a.sole
        and b.sole
        and not _about_itself(a)
        and not _about_itself(b)
    ):
        return True, True
    return False, False


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def _mark_sole(items: list[_Item], new: Sequence[_Item] | None = None) -> None:
    """A document stating one step of one act at two dates tells two events, not a conflict.

    An item is sole when every item of its (document, type, main act) group has a date that
    can name the same day as its own (:func:`dates.overlap`): all intervals meet it, and a
    date outside the calendar ("XXXX-03") only meets the same text. Read off each group's
    latest start and earliest end, not pair by pair (a document id such as a reference can
    be shared by thousands of documents).

    With ``new`` (some of ``items``; the others marked already as they are among themselves)
    only the groups of the new items are read again: the other groups are as they were, and
    a member only loses its mark when its group grows (the latest start can only move later,
    the earliest end earlier, and a text date stays).
    """
    by_key: dict[tuple[str, str, str], list[_Item]] = defaultdict(list)
    wanted = (
        None if new is None
        else {(d, i.event.type, i.primary) for i in new if i.primary and i.event.date
              for d in i.doc_ids}
    )
    for item in items:
        if item.primary and item.event.date:
            for doc_id in item.doc_ids:
                key = (doc_id, item.event.type, item.primary)
                if wanted is None or key in wanted:
                    by_key[key].append(item)
    for group in by_key.values():
        if len(group) == 1:
            continue
        texts = {str(i.event.date) for i in group if dates.interval(i.event.date) is None}
        spans = [iv for i in group if (iv := dates.interval(i.event.date)) is not None]
        if texts:
            # a text date meets only itself: the group is sole only if it is one text date
            if spans or len(texts) > 1:
                for a in group:
                    a.sole = False
            continue
        latest_start = max(iv[0] for iv in spans)
        earliest_end = min(iv[1] for iv in spans)
        for a in group:
            first, last = dates.interval(a.event.date)  # type: ignore[misc]
            if latest_start > last or earliest_end < first:
                a.sole = False


def _label_families(
    items: list[_Item], known: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Each act label -> a family: labels alike at :data:`LABEL_THRESHOLD`, transitively, are
    one family, so two items whose labels read alike share their family (named by its first
    label by length, then text).

    ``known`` are the families of some of the labels (of a part linked before: every pair of
    them compared already): only pairs with a label not in it are compared then, the same
    families (each is a component of the labels' graph of alike pairs, whatever the order).
    """
    import bisect

    labels = sorted({la for item in items for la in item.labels}, key=lambda t: (len(t), t))
    f = LABEL_THRESHOLD
    if known is not None:
        new = [la for la in labels if la not in known]
        if len(new) * 2 <= len(labels) and all(
            known.get(r) == r for r in set(known.values())
        ) and len(known) + len(new) == len(labels):
            return _more_families(labels, new, known)
    parent = {la: la for la in labels}

    def find(la: str) -> str:
        while parent[la] != la:
            parent[la] = parent[parent[la]]
            la = parent[la]
        return la

    lengths = [len(la) for la in labels]
    for i, la in enumerate(labels):
        # similarity is 0 beyond this length (see acts.TitleIndex._candidates)
        hi = bisect.bisect_right(lengths, int(len(la) * (2 - f) / f) + 1)
        for lb in labels[i + 1 : hi]:
            if find(la) != find(lb) and similarity(la, lb, f) >= f:
                parent[find(lb)] = find(la)
    return _by_first(labels, find)


def _by_first(labels: list[str], find: Callable[[str], str]) -> dict[str, str]:
    """Each label -> the first label (``labels`` are in order) of its family (``find``: its
    root): a family's name that does not depend on the order its pairs were compared in."""
    first: dict[str, str] = {}
    return {la: first.setdefault(find(la), la) for la in labels}


def _more_families(labels: list[str], new: list[str], known: Mapping[str, str]) -> dict[str, str]:
    """:func:`_label_families` of ``labels`` (sorted by length, then text) given the families
    ``known`` of all but ``new``: each new label compared with every label, in the order and
    within the length :func:`_label_families` compares them (similarity is 0 beyond it)."""
    f = LABEL_THRESHOLD
    parent = dict(known)
    for la in new:
        parent[la] = la

    def find(la: str) -> str:
        while parent[la] != la:
            parent[la] = parent[parent[la]]
            la = parent[la]
        return la

    rank = {la: n for n, la in enumerate(labels)}
    for la in new:
        n = rank[la]
        for lb in labels:
            if lb == la or (lb not in known and rank[lb] < n):
                continue  # two new labels: compared once, from the first of them
            a, b = (la, lb) if n < rank[lb] else (lb, la)
            if len(b) > int(len(a) * (2 - f) / f) + 1:
                continue
            if find(a) != find(b) and similarity(a, b, f) >= f:
                parent[find(b)] = find(a)
    return _by_first(labels, find)


# Kinds of subject an item has, as :func:`_same_subject` reads them in turn: acts and
# procedures, acts alone, procedures alone, neither.
_ACTS_PROCS, _ACTS, _PROCS, _NONE = 0, 1, 2, 3
#: Kinds whose pairs :func:`_same_subject` decides past acts and procedures (by document, the
#: act a document is, labels or dossier and day): not both with acts, not both with procedures.
_REST = (
    frozenset({_NONE}),
    frozenset({_PROCS, _NONE}),
    frozenset({_ACTS, _NONE}),
    frozenset({_ACTS_PROCS, _ACTS, _PROCS, _NONE}),
)
#: Both with procedures, not both with acts: procedures decide.
_BY_PROC: tuple[frozenset[int], ...] = (
    frozenset({_PROCS}), frozenset(), frozenset({_ACTS_PROCS, _PROCS}), frozenset()
)
#: Both with acts: acts decide.
_BY_ACT = (frozenset({0}),)
# The act a document is ("own") against acts named: an item with acts (roles 0: with
# procedures, 1: without) and one without (2: with procedures, 3: without), when they are a
# pair of _REST.
_BY_OWN = (frozenset({3}), frozenset({2, 3}), frozenset({1}), frozenset({0, 1}))


def _kind(item: _Item) -> int:
    if item.act_keys:
        return _ACTS_PROCS if item.procedures else _ACTS
    return _PROCS if item.procedures else _NONE


def _sweep(
    members: list[tuple[int, int, int, int]],
    compatible: tuple[frozenset[int], ...],
    uf: _UnionFind,
) -> None:
    """Union every two members whose days meet and whose kinds are ``compatible``.

    ``members`` are (first day, last day, item index, kind), sorted by first day. A member
    meets those begun before it that have not ended; those of one kind it joins become one
    entry (their component, their latest end), so each member is looked at a bounded number
    of times: linear after the sort, where pairing every two members that meet is quadratic.
    """
    active: list[list[tuple[int, int]]] = [[] for _ in compatible]
    for first, last, index, kind in members:
        for other in compatible[kind]:
            entries = active[other]
            if not entries:
                continue
            rep, end = -1, -1
            for r, e in entries:
                if e >= first:
                    uf.union(index, r)
                    rep, end = r, max(end, e)
            entries[:] = [(rep, end)] if rep >= 0 else []
        active[kind].append((index, last))


def _merge_labelled(
    members: list[tuple[int, int, int, int]], items: Sequence[_Item], uf: _UnionFind
) -> None:
    """Items of one label family whose days meet: merged when their labels read alike (not
    transitive, so compared pair by pair; pairs already in one component are skipped)."""
    for i, (_, last, a, kind) in enumerate(members):
        for first_b, _, b, kind_b in members[i + 1 :]:
            if first_b > last:
                break
            if kind_b not in _REST[kind] or uf.find(a) == uf.find(b):
                continue
            la, lb = items[a].labels, items[b].labels
            if any(similarity(x, y, LABEL_THRESHOLD) >= LABEL_THRESHOLD for x in la for y in lb):
                uf.union(a, b)


def _head(ev: Event) -> tuple[tuple[Any, ...], int, int]:
    """An event's block head for :func:`_merge` and :func:`_blocks_of`: (type, planned or None
    for a type whose date is fixed by law, its date mode), with its first and last day
    (ordinals; 0 for an undated event or a text date outside the calendar)."""
    planned = None if ev.type in FIXED_TYPES else ev.status == "planned"
    iv = dates.interval(ev.date)
    mode: tuple[Any, ...]
    if ev.date is None:
        mode, first, last = ("undated", ev.status), 0, 0
    elif iv is None:
        mode, first, last = ("text", ev.date), 0, 0
    else:
        mode, first, last = ("days",), iv[0].toordinal(), iv[1].toordinal()
    return (ev.type, planned, *mode), first, last


def _may_conflict(item: _Item) -> bool:
    """Whether an item is one of :func:`_merge`'s conflicts: a sole, dated, not self-describing
    item of a singular type with a main act (all such items of one type, act and acts are one
    event)."""
    ev = item.event
    return (
        ev.type in SINGULAR_TYPES
        and ev.date is not None
        and item.primary is not None
        and item.sole
        and not _about_itself(item)
    )


def _merge(
    items: list[_Item],
    families: dict[str, str],
    uf: _UnionFind,
    every: Sequence[_Item] | None = None,
) -> None:
    """Union every two items :func:`_mergeable` accepts, without going through the pairs.

    Items are put in blocks whose members may merge: the same type and planned or not (when
    the type's date is not fixed by law), dates of one mode (undated with one status, the same
    text date outside the calendar, or calendar intervals), and one reason of
    :func:`_same_subject` (a shared act, procedure, document, own act named, dossier and day,
    or label family) with the kinds of subject that reason decides for. Within a block,
    :func:`_sweep` unions the members whose days meet. Conflicts (:func:`_mergeable`'s second
    case) need no dates: the sole, not self-describing items of a singular type with one main
    act and the same acts are all one event. ``every`` lists every item by index when
    ``items`` are some of them.
    """
    blocks: dict[tuple[Any, ...], list[tuple[int, int, int, int]]] = defaultdict(list)
    conflicts: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    labelled: dict[tuple[Any, ...], list[tuple[int, int, int, int]]] = defaultdict(list)
    for item in items:
        ev = item.event
        head, first, last = _head(ev)
        kind = _kind(item)
        idx = item.index
        # one member tuple per kind it is listed with (its own kind, and 0 in the act
        # blocks), shared by every block it joins: the blocks hold all items at once
        member = (first, last, idx, kind)
        as_act = member if kind == 0 else (first, last, idx, 0)
        for k in item.act_keys:
            blocks[("act", *head, k)].append(as_act)
            # by the act a document is: 0 with procedures, else 1 (the item's kind)
            blocks[("own", *head, k)].append(member)
        if not item.act_keys and item.own:
            # 2 with procedures, else 3 (the item's kind)
            blocks[("own", *head, item.own)].append(member)
        if kind in (_ACTS_PROCS, _PROCS):
            for p in item.procedures:
                blocks[("proc", *head, p)].append(member)
        for d in item.doc_ids:
            blocks[("doc", *head, d)].append(member)
        if item.dossier is not None and dates.is_day(ev.date):
            blocks[("dossier", *head, item.dossier, ev.date)].append(member)
        for fam in {families[la] for la in item.labels}:
            labelled[(*head, fam)].append(member)
        if _may_conflict(item):
            conflicts[(ev.type, head[1], item.primary, item.act_keys)].append(idx)
    rules = {"act": _BY_ACT, "own": _BY_OWN, "proc": _BY_PROC, "doc": _REST, "dossier": _REST}
    for key, members in blocks.items():
        members.sort()
        _sweep(members, rules[key[0]], uf)
    for members in labelled.values():
        members.sort()
        _merge_labelled(members, items if every is None else every, uf)
    for indexes in conflicts.values():
        for a, b in zip(indexes, indexes[1:], strict=False):
            uf.union(a, b)


def _groups(
    items: list[_Item], families: dict[str, str] | None = None
) -> list[list[_Item]]:
    """The entries' groups of every item of a part; with ``families``, the label families of
    its items (:func:`_label_families`) are put there too."""
    _mark_sole(items)
    made = _label_families(items)
    if families is not None:
        families.update(made)
    return _cluster(items, items, made)


def _cluster(
    items: list[_Item], every: Sequence[_Item], families: Mapping[str, str] | None = None
) -> list[list[_Item]]:
    """The entries' groups of ``items`` (some of ``every``, which lists all by index, in
    ascending index; their sole marks set): merged, then act-less steps joined to the one
    entry of their type and day. ``families`` are those of ``items``' labels when made
    already (:func:`_label_families`)."""
    uf = _UnionFind(len(every))
    _merge(items, _label_families(items) if families is None else dict(families), uf, every)
    clusters: dict[int, list[_Item]] = defaultdict(list)
    for item in items:
        clusters[uf.find(item.index)].append(item)
    # A step no act, procedure or document ties to a dossier ("The Commission today proposed new
    # rules"): when exactly one entry of the corpus has that type on that day, it is that one.
    anchored: dict[tuple[str, str], list[int]] = defaultdict(list)
    for root, members in sorted(clusters.items()):
        ev = members[0].event
        if any(m.dossier for m in members) and dates.is_day(ev.date) and ev.status != "planned":
            anchored[(ev.type, str(ev.date))].append(root)
    for root, members in sorted(clusters.items()):
        ev = members[0].event
        if any(m.dossier or m.act_keys or m.procedures for m in members):
            continue
        if not dates.is_day(ev.date) or ev.status == "planned":
            continue
        targets = anchored.get((ev.type, str(ev.date)), [])
        if len(targets) == 1:
            uf.union(root, targets[0])
    final: dict[int, list[_Item]] = defaultdict(list)
    for item in items:
        final[uf.find(item.index)].append(item)
    return list(final.values())


def _precision_rank(event: Event) -> int:
    return dates.PRECISION_RANK.get(event.precision, 0)


def _choose(group: list[_Item]) -> tuple[_Item, bool]:
    """The item whose date the entry shows, and whether the sources conflict."""
    dated = [i for i in group if i.event.date]
    # some two dates cannot name the same day: intervals meet pairwise exactly when the latest
    # start is not after the earliest end; a date outside the calendar meets only itself
    conflict = False
    if len({i.event.date for i in dated}) > 1:
        spans = [dates.interval(i.event.date) for i in dated]
        if any(iv is None for iv in spans):
            conflict = True
        else:
            conflict = max(iv[0] for iv in spans if iv) > min(iv[1] for iv in spans if iv)
    if not dated:
        best = min(
            group,
            key=lambda i: (
                -(i.event.earliest is not None),
                i.event.earliest or "",
                i.document.path,
                i.index,
            ),
        )
        return best, False
    votes = Counter(i.event.date for i in dated)

    def rank(i: _Item) -> tuple[Any, ...]:
        if conflict:
            return (-votes[i.event.date], -_precision_rank(i.event), i.event.date, i.document.path)
        return (-_precision_rank(i.event), -votes[i.event.date], i.event.date, i.document.path)

    return min(dated, key=rank), conflict


def _merge_acts(group: list[_Item], primary: str | None) -> tuple[ActRef, ...]:
    by_key: dict[str, list[tuple[bool, int, str, ActRef]]] = defaultdict(list)
    for item in group:
        lang = item.document.language or ""
        for act in item.acts:
            key = _act_key(act.celex) or f"label:{normalize(act.label)}"
            by_key[key].append((lang != "en", len(act.label), act.label, act))
    out: list[ActRef] = []
    for key in sorted(by_key, key=lambda k: (k != primary, k)):
        _, _, _, act = min(by_key[key], key=lambda t: t[:3])
        out.append(ActRef(act.celex, act.label, None, act.kind))
    return tuple(out)


def _entry(group: list[_Item]) -> Entry:
    best, conflict = _choose(group)
    ev = best.event
    statuses = {i.event.status for i in group}
    status = "past" if "past" in statuses else ("ongoing" if "ongoing" in statuses else "planned")
    sources = tuple(
        sorted(
            (i.source for i in group),
            key=lambda s: (dates.sort_key(s.date), s.date or "", s.document, s.quote_span),
        )
    )
    earliest, latest = ev.earliest, ev.latest
    if conflict:
        # The sources disagree: the entry spans from the first day any of them allows to the
        # last. Days, not the sources' own strings: "2009-Q2" and "2009-12" do not compare as
        # text, and a value outside the calendar ("XXXX-03-03") bounds nothing.
        spans = [iv for i in group if (iv := dates.interval(i.event.date))]
        if spans:
            earliest = min(a for a, _ in spans).isoformat()
            latest = max(b for _, b in spans).isoformat()
    merged_acts = _merge_acts(group, best.primary)
    procedures = tuple(sorted(set().union(*(i.procedures for i in group))))
    actors = tuple(sorted({a for i in group for a in i.event.actors}))
    ident = _hash(
        ev.type,
        ev.date,
        earliest if not ev.date else None,
        sorted(_act_key(a.celex) or normalize(a.label) for a in merged_acts),
        sorted((s.document, list(s.quote_span), s.timex_text) for s in sources),
    )
    return Entry(
        id=f"e-{ident}",
        date=ev.date,
        precision=ev.precision,
        earliest=earliest,
        latest=latest,
        status=status,
        type=ev.type,
        label="",
        acts=merged_acts,
        procedures=procedures,
        actors=actors,
        sources=sources,
        conflict=conflict,
    )


def _unique_ids(entries: list[Entry], order: list[int] | None = None) -> list[Entry]:
    """Entries whose content is identical (an event stated twice, unmerged) get ``-2``, ``-3``...
    Sorted by id; with ``order``, the index in ``entries`` of each one returned is appended."""
    seen: Counter[str] = Counter()
    out = []
    # by id, then (only among entries of one id) by their text
    by_id: dict[str, list[int]] = defaultdict(list)
    for n, e in enumerate(entries):
        by_id[e.id].append(n)
    ordered = [
        n
        for i in sorted(by_id)
        for n in (
            by_id[i] if len(by_id[i]) == 1 else sorted(by_id[i], key=lambda n: repr(entries[n]))
        )
    ]
    for n in ordered:
        e = entries[n]
        seen[e.id] += 1
        out.append(e if seen[e.id] == 1 else replace(e, id=f"{e.id}-{seen[e.id]}"))
    if order is not None:
        order.extend(ordered)
    return out


def _unplanned(entry: Entry, dossier: str | None) -> Entry:
    """A linked entry as :func:`_entry` made it, in ``dossier``: its id without the number
    :func:`_unique_ids` gave it, no plan linked (what :func:`_link_plans` adds)."""
    e = entry
    return Entry(
        "-".join(e.id.split("-")[:2]), e.date, e.precision, e.earliest, e.latest, e.status,
        e.type, e.label, e.acts, e.procedures, e.actors, e.sources, dossier, e.conflict,
    )


# --- planned -> actual ------------------------------------------------------------------------


def _anchor(entry: Entry) -> str | None:
    if entry.date:
        iv = dates.interval(entry.date)
        return iv[0].isoformat() if iv else None
    return entry.earliest


def _related(
    keys: Iterable[str],
    relations: list[ActRelation],
    by_act: Mapping[str, list[int]] | None = None,
) -> set[str]:
    """``keys`` and the acts of every relation, in list order, that touches the set so far
    (one pass: a relation met before an act joined does not count).

    ``by_act`` (act -> indexes of the relations naming it, ascending) visits only those
    relations, in the same order, with the same result as the pass over the whole list.
    """
    out = set(keys)
    if by_act is None:
        for rel in relations:
            if rel.source in out or rel.target in out:
                out.update((rel.source, rel.target))
        return out
    todo = [i for k in out for i in by_act.get(k, ())]
    heapq.heapify(todo)
    done = -1
    while todo:
        i = heapq.heappop(todo)
        if i <= done:
            continue
        done = i
        for act in (relations[i].source, relations[i].target):
            if act not in out:
                out.add(act)
                for j in by_act.get(act, ()):
                    if j > i:
                        heapq.heappush(todo, j)
    return out


def _relation_index(relations: list[ActRelation]) -> dict[str, list[int]]:
    """Act -> the indexes of the relations naming it, ascending."""
    by_act: dict[str, list[int]] = defaultdict(list)
    for i, rel in enumerate(relations):
        by_act[rel.source].append(i)
        if rel.target != rel.source:
            by_act[rel.target].append(i)
    return by_act


def _link_plans(
    entries: list[Entry], relations: list[ActRelation]
) -> tuple[list[Entry], list[str]]:
    by_id = {e.id: e for e in entries}
    plans = sorted(
        (e for e in entries if e.status == "planned" and e.type not in FIXED_TYPES),
        key=lambda e: (dates.sort_key(_anchor(e)), e.id),
    )
    actual = [e for e in entries if e.status != "planned" and e.date]
    # what a plan reads of each candidate, made once per candidate (not once per plan that
    # meets it): its first day, its (sort key, id) rank and its act keys
    seen: dict[str, tuple[Any, tuple[str, str], set[str]]] = {}
    # candidates indexed by what they must share with a plan: type and act, or procedure
    by_type: dict[str, list[Entry]] = defaultdict(list)
    by_act: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    by_proc: dict[tuple[str, str], list[Entry]] = defaultdict(list)
    for cand in actual:
        iv = dates.interval(cand.date)
        cand_keys = {k for k in (_act_key(a.celex) for a in cand.acts) if k}
        seen[cand.id] = (
            iv, (iv[0].isoformat() if iv else "9999-99-99", cand.id), cand_keys
        )
        by_type[cand.type].append(cand)
        for k in cand_keys:
            by_act[(cand.type, k)].append(cand)
        for proc in set(cand.procedures):
            by_proc[(cand.type, proc)].append(cand)
    updates: dict[str, dict[str, Any]] = defaultdict(dict)
    open_plans: list[str] = []
    relation_index = _relation_index(relations)
    related_of: dict[tuple[str, ...], set[str]] = {}
    for plan in plans:
        keys = {k for k in (_act_key(a.celex) for a in plan.acts) if k}
        memo = tuple(sorted(keys))
        if memo not in related_of:
            related_of[memo] = _related(keys, relations, relation_index)
        related = related_of[memo]
        labels = [normalize(a.label) for a in plan.acts if not a.celex and a.label]
        anchor = _anchor(plan)
        anchor_iv = dates.interval(anchor)
        plan_procs = set(plan.procedures)
        best: Entry | None = None
        best_rank: tuple[str, str] | None = None
        if labels:  # act labels read alike: any entry of the type may be the one
            pool: Iterable[Entry] = by_type.get(plan.type, ())
        else:
            chosen = {
                id(c): c
                for key in sorted(related)
                for c in by_act.get((plan.type, key), ())
            }
            for proc in plan.procedures:
                chosen.update((id(c), c) for c in by_proc.get((plan.type, proc), ()))
            pool = chosen.values()
        for cand in pool:
            if cand.type != plan.type:
                continue
            iv, rank, cand_keys = seen[cand.id]
            if iv is None or (anchor_iv is not None and iv[0] < anchor_iv[0]):
                continue
            if best_rank is not None and rank >= best_rank:
                continue  # not better than the best so far, whether or not it is the same act
            same = bool(cand_keys & related) or bool(plan_procs & set(cand.procedures))
            if not same and labels:
                cand_labels = [normalize(a.label) for a in cand.acts]
                same = any(
                    similarity(a, b, LABEL_THRESHOLD) >= LABEL_THRESHOLD
                    for a in labels
                    for b in cand_labels
                )
            if not same:
                continue
            best, best_rank = cand, rank
        if best is None:
            open_plans.append(plan.id)
            continue
        delay = None
        if anchor_iv is not None and anchor_iv[0] == anchor_iv[1] and dates.is_day(best.date):
            best_iv = dates.interval(best.date)
            assert best_iv is not None
            delay = (best_iv[0] - anchor_iv[0]).days
        updates[plan.id].update(realised_by=best.id, delay_days=delay)
        if "realises" not in updates[best.id]:
            updates[best.id].update(realises=plan.id, delay_days=delay)
    out = [replace(e, **updates[e.id]) if e.id in updates else e for e in entries]
    assert all(i in by_id for i in open_plans)
    return out, sorted(open_plans)


# --- dossiers -----------------------------------------------------------------------------


def _components(items: list[_Item], relations: list[ActRelation], ctx: _Context) -> list[set[str]]:
    """Connected acts ("act:KEY") and procedures ("proc:REF"): the connected components of the
    graph whose edges join the acts and procedures of one item, the two acts of a relation,
    a procedure file's procedure and its items' main acts, and a document's own act and
    header procedures; in the order of each component's first node (as networkx gives them;
    a union-find here, so that linking imports no networkx)."""
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        while (up := parent[a]) != a:
            parent[a] = parent[up]
            a = parent[a]
        return a

    def join(nodes: Sequence[str]) -> None:
        for n in nodes:
            if n not in parent:
                parent[n] = n
        if len(nodes) > 1:
            first = find(nodes[0])
            for n in nodes[1:]:
                r = find(n)
                if r != first:
                    parent[r] = first

    seen: set[tuple[frozenset[str], frozenset[str]]] = set()
    for item in items:
        subject = (item.act_keys, item.procedures)
        if subject in seen:
            continue
        seen.add(subject)
        join(
            [f"act:{k}" for k in sorted(item.act_keys)]
            + [f"proc:{p}" for p in sorted(item.procedures)]
        )
    for rel in relations:
        join((f"act:{rel.source}", f"act:{rel.target}"))
    for item in items:
        # the acts a procedure file's events are about are the procedure's
        for proc in ctx.procedure_files.get(item.document.path, ()):
            if item.primary:
                join((f"act:{item.primary}", f"proc:{proc}"))
    with_events = {item.document.path for item in items}
    for path in sorted(with_events):
        own = ctx.own_acts.get(path)
        join(
            ([f"act:{own}"] if own else [])
            + [f"proc:{p}" for p in ctx.own_procedures.get(path, ())]
        )
    out: dict[str, set[str]] = {}
    for node in parent:  # in the order the nodes came
        out.setdefault(find(node), set()).add(node)
    return list(out.values())


def _vote(values: Iterable[str | None]) -> str | None:
    """The value most given (the least of those most given), None when none is."""
    # a plain dict: a Counter made per entry cost more than the vote (most have one value)
    counts: dict[str, int] = {}
    for v in values:
        if v:
            counts[v] = counts.get(v, 0) + 1
    if len(counts) < 2:
        return next(iter(counts), None)
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _assign_dossiers(items: list[_Item], node_dossier: dict[str, str], ctx: _Context) -> None:
    """Each item's dossier: its acts' or procedures', else its document's."""
    # by subject, read once per distinct (acts, procedures): a part's items share a few
    found: dict[tuple[frozenset[str], frozenset[str]], str | None] = {}
    for item in items:
        subject = (item.act_keys, item.procedures)
        if subject in found:
            dossier = found[subject]
        else:
            dossier = None
            for node in [f"act:{k}" for k in sorted(item.act_keys)] + [
                f"proc:{p}" for p in sorted(item.procedures)
            ]:
                if node in node_dossier:
                    dossier = node_dossier[node]
                    break
            found[subject] = dossier
        if dossier is not None:
            item.dossier = dossier
    by_doc: dict[str, list[_Item]] = defaultdict(list)
    for item in items:
        by_doc[item.document.path].append(item)
    for path, members in by_doc.items():
        own = ctx.own_acts.get(path)
        doc_dossier = node_dossier.get(f"act:{own}") if own else None
        if doc_dossier is None:
            doc_dossier = _vote(
                node_dossier.get(f"proc:{p}") for p in ctx.own_procedures.get(path, ())
            )
        if doc_dossier is None:
            doc_dossier = _vote(m.dossier for m in members)
        for m in members:
            if m.dossier is None:
                m.dossier = doc_dossier


def _act_name(key: str, mentions: Mapping[str, Counter[tuple[str, str]]], prefer: str = "en") -> str:
    """How the corpus names an act: the fullest form its texts write, in ``prefer`` first."""
    counts = mentions.get(key)
    if counts:

        def rank(kv: tuple[tuple[str, str], int]) -> tuple[Any, ...]:
            (lang, text), count = kv
            literal = bool(resources.load().celex.fullmatch(text))
            slashed = "/" in text.split()[0] and not literal  # "COM/2010/0094": a header form
            return (literal, slashed, lang != prefer, -len(text), -count, text)

        (_, text), _ = min(counts.items(), key=rank)
        return " ".join(text.split())
    return key


def _dossier_name(members: set[str], ctx: _Context, prefer: str = "en") -> tuple[str | None, str]:
    """A dossier's name as (main act, the rest when no document shows the main act's title).

    The name is the main act's name (:func:`_act_name`) and the subject of its best title
    (:func:`_best_titles`), else the rest; both read every document of the corpus, so
    :func:`combine` puts them together. A dossier without acts has its whole name as the rest.
    """
    act_keys = sorted(m[4:] for m in members if m.startswith("act:"))
    procs = sorted(m[5:] for m in members if m.startswith("proc:"))
    legal = [k for k in act_keys if actmod.celex_kinds(k)]
    pool = legal or act_keys
    # the title of a procedure file of the dossier: "2022/0155(COD) Combating child sexual abuse"
    files = sorted(
        {f for proc in procs for f in ctx.files_of_procedure(prefer).get(proc, ())}
    )
    file_title = ""
    if files:
        file_title = files[0][2]
        for _, _, proc in actmod.find_procedures(file_title):
            file_title = file_title.replace(proc, "")
        # a page title's first part ("Procedure File: | Legislative Observatory | ..."), if it
        # still says something once the reference is gone
        file_title = " ".join(file_title.split("|")[0].split()).strip(" -–—:")
        if len(file_title.split()) < 3:
            file_title = ""
    if not pool:
        base = procs[0] if procs else "dossier"
        return None, (f"{base} — {file_title}" if file_title else base)
    main = max(pool, key=lambda k: (actmod.celex_year(k) or 0, k))
    return main, (f" — {file_title}" if file_title else "")


def _best_titles(
    index: TitleIndex, prefer: str = "en"
) -> dict[str, tuple[tuple[Any, ...], str]]:
    """Act -> (rank, subject as written) of the title that names its dossier: in ``prefer``
    first, then read off a document title, the text, an event; shortest; by document."""
    origin = {"document title": 0, "text": 1, "event": 2}
    best: dict[str, tuple[tuple[Any, ...], str]] = {}
    for t in index.titles:
        key = _act_key(t.celex)
        if key is None:
            continue
        rank = (t.language != prefer, origin.get(t.origin, 3), len(t.raw_subject), t.document)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, " ".join(t.raw_subject.split()))
    return best


def _label(
    entry: Entry,
    name_of: Callable[[str], str],
    labels: Mapping[str, str],
    made: dict[tuple[str, str], str] | None = None,
) -> str:
    """An entry's label: its type's and what it is about (its first numbered act's name, else
    its first act's label, its first procedure or its first quote). ``made`` remembers the
    labels made by (type, what), for a caller labelling many entries."""
    what = None
    for a in entry.acts:
        k = _act_key(a.celex)
        if k:
            what = name_of(k)
            break
    if what is None:
        if entry.acts and entry.acts[0].label:
            what = entry.acts[0].label
        elif entry.procedures:
            what = entry.procedures[0]
        else:
            what = entry.sources[0].quote if entry.sources else ""
    if made is not None:
        known = made.get((entry.type, what))
        if known is not None:
            return known
    head = labels.get(entry.type)
    if head is None:
        head = entry.type.replace("_", " ").capitalize()
    text = " ".join(what.split())
    if len(text) > 80:
        text = text[:79].rstrip() + "…"
    label = f"{head}: {text}" if text else head
    if made is not None:
        made[(entry.type, what)] = label
    return label


@dataclass(frozen=True, slots=True)
class LinkedPart:
    """The documents of one shard linked (:func:`link_part`), before what needs every shard.

    Entries carry no label yet and are in no particular order: a label names an act the way
    the whole corpus names it most fully (:func:`_act_name` over every document's mentions),
    and the order, the dossiers' order and the lists of ``Timeline.extra`` are the corpus'.
    :func:`combine` does that for the parts of every shard.
    """

    documents: tuple[Document, ...]  # by path
    entries: tuple[Entry, ...]  # unlabelled
    #: (id, main act or None, the rest of the name, acts, procedures) of dossiers with entries
    dossiers: tuple[tuple[str, str | None, str, tuple[str, ...], tuple[str, ...]], ...]
    open_plans: tuple[str, ...]
    corrections: tuple[dict[str, str], ...]
    title_matches: frozenset[TitleMatch]
    relations: tuple[ActRelation, ...]  # sorted, unique
    mentions: dict[str, Counter[tuple[str, str]]]  # act -> (language, text) -> times named
    titles: dict[str, tuple[tuple[Any, ...], str]]  # act -> its best title (_best_titles)


def link_part(
    extractions: Sequence[Extraction],
    facts: Mapping[str, DocumentFacts] | None = None,
    *,
    keep: list[PartState] | None = None,
) -> LinkedPart:
    """Link a group of documents that shares nothing with any other document of the corpus
    (a shard, :mod:`timeline.link.shards`); :func:`combine` makes the timeline of the parts.
    With ``keep``, what linking made of each document is appended to it (a :class:`PartState`,
    from which :func:`relink_part` links the part with more documents)."""
    extractions = sorted(extractions, key=lambda x: x.document.path)
    facts = facts_by_path(extractions, dict(facts or {}))
    return _link_groups(lambda: iter([(extractions, facts)]), hold=None, keep=keep)


#: Documents a part read a group at a time (:func:`link_part_streamed`) reads at once.
STREAM_DOCS = 64
#: Events of a part read a group at a time whose records are held between the two passes; a
#: larger part reads its records again (its memory then grows with its events, not their
#: records: about 1.3 KB of record per event against 0.5 KB of linking).
HOLD_EVENTS = 50_000

_Groups = Callable[[], Iterator[tuple[Sequence[Extraction], Mapping[str, DocumentFacts]]]]


def link_part_streamed(
    paths: Sequence[str],
    load: Callable[[list[str]], tuple[Sequence[Extraction], Mapping[str, DocumentFacts]]],
    *,
    group: int | None = None,
    hold: int | None = None,
    keep: list[PartState] | None = None,
) -> LinkedPart:
    """:func:`link_part` of the documents at ``paths``, read by ``load(paths)`` (their
    extractions and facts) ``group`` documents at a time, in path order; the same part.

    Linking reads every document before it makes the first item (titles, misprints), so the
    documents are read twice unless their events are ``hold`` or fewer: then the records of
    the first reading are kept. Otherwise each group's records are let go once read, and an
    item keeps only its source and what merging reads of its event. ``group`` and ``hold``
    default to :data:`STREAM_DOCS` and :data:`HOLD_EVENTS`; ``keep`` as :func:`link_part`'s.
    """
    ordered = sorted(paths)
    size = STREAM_DOCS if group is None else group
    limit = HOLD_EVENTS if hold is None else hold

    def one(paths: list[str]) -> tuple[Sequence[Extraction], Mapping[str, DocumentFacts]]:
        xs, fs = load(paths)
        xs = sorted(xs, key=lambda x: x.document.path)
        return xs, facts_by_path(xs, dict(fs))

    def groups() -> Iterator[tuple[Sequence[Extraction], Mapping[str, DocumentFacts]]]:
        # each group made by one() and yielded at once: this frame holds no group while the
        # next one is read
        for start in range(0, len(ordered), size):
            yield one(ordered[start : start + size])

    return _link_groups(groups, hold=limit, keep=keep)


def _link_groups(
    groups: _Groups, hold: int | None, keep: list[PartState] | None = None
) -> LinkedPart:
    """:func:`link_part` of the documents ``groups()`` gives (called once or twice, the same
    groups each time, in path order): records held between the passes up to ``hold`` events
    (None: all); with ``keep``, the :class:`PartState` appended to it."""
    ctx = _Context(index=TitleIndex(), relations=[], title_matches=[])
    read = _Read()
    rows: dict[str, list[Any]] | None = {} if keep is not None else None
    held: list[tuple[Sequence[Extraction], Mapping[str, DocumentFacts]]] | None = []
    events = 0
    for xs, fs in groups():
        _read_documents(xs, fs, ctx, read, rows)
        if held is not None:
            events += sum(len(x.events) for x in xs)
            if hold is None or events <= hold:
                held.append((xs, fs))
            else:
                # a part too large to hold keeps no state either (it would hold as much)
                held = rows = None
        del xs, fs
    index = ctx.index
    misprints = _misprints(ctx, read)
    items: list[_Item] = []
    shared: dict[Any, Any] = {}
    for xs, fs in held if held is not None else groups():
        _add_items(xs, fs, ctx, misprints, shared, items, slim=held is None, rows=rows)
        del xs, fs
    del held, shared
    track: list[Finish] | None = [] if keep is not None and rows is not None else None
    lookups = _lookups(index, ()) if track is not None else frozenset()
    part = _finish(ctx, read, items, track)
    if keep is not None and rows is not None and track:
        keep.append(
            PartState(tuple(rows.values()), lookups, _misprint_rows(misprints), track[0])
        )
    return part


#: What :func:`_finish` made of a part's items, in item order: the index of each one's entry
#: in the part's entries, its dossier and whether it is sole (:func:`_mark_sole`); then the
#: label families of its items as (label, family) pairs (:func:`_label_families`; None in a
#: state kept before they were).
Finish = tuple[
    tuple[int, ...],
    tuple["str | None", ...],
    tuple[bool, ...],
    "tuple[tuple[str, str], ...] | None",
]


@dataclass(frozen=True, slots=True)
class _Reuse:
    """A part linked before with fewer documents, for :func:`_regroup`: the indexes its items
    (in its order) have now, what :func:`_finish` made of them, and its entries as stored
    (:func:`entry_row`: the entries kept are made once, from these, by :func:`_kept_entry`)."""

    olds: Sequence[int]
    finish: Finish
    entries: Sequence[Sequence[Any]]


_ENTRY_HEAD = operator.attrgetter(*Entry.__slots__[:8])
_ENTRY_TAIL = operator.attrgetter(*Entry.__slots__[12:])
#: where :func:`entry_row` puts an entry's sources
_ROW_SOURCES = 11


def entry_row(e: Entry) -> tuple[Any, ...]:
    """An entry as plain tuples, its fields in order (acts and sources flattened too): what
    the memo pickles for linked parts and stored timelines (:func:`entry_of_row` inverts it)."""
    return (
        *_ENTRY_HEAD(e),
        tuple(map(fields_of, e.acts)),
        e.procedures,
        e.actors,
        tuple(map(fields_of, e.sources)),
        *_ENTRY_TAIL(e),
    )


def entry_of_row(e: Sequence[Any]) -> Entry:
    """The entry :func:`entry_row` flattened (TypeError or ValueError for a foreign row)."""
    return Entry(  # type: ignore[call-arg]  # fields in order, as encoded
        *e[:8],
        tuple(ActRef(*a) for a in e[8]),
        e[9],
        e[10],
        tuple(Source(*s) for s in e[11]),
        *e[12:],
    )


def _kept_entry(
    row: Sequence[Any], sources: Mapping[tuple[Any, ...], Source], dossier: str | None
) -> Entry:
    """:func:`_unplanned` of the stored entry ``row`` (:func:`entry_row`) made at once (not
    made, then made again): its sources are its items' own (``sources``: by their fields)."""
    return Entry(  # type: ignore[call-arg]  # fields in order, as encoded
        "-".join(row[0].split("-")[:2]), *row[1:8], tuple(starmap(ActRef, row[8])), row[9],
        row[10], tuple([sources[s] for s in row[_ROW_SOURCES]]), dossier, row[13],
    )


def _blocks_of(
    item: _Item, families: Mapping[str, str]
) -> Iterator[tuple[tuple[Any, ...], tuple[frozenset[int], ...] | None, int, int, int]]:
    """The blocks :func:`_merge` puts an item in, as (block, the kinds each kind meets there
    or None for any, the item's kind there, its first and last day): two items merge directly
    only if they share a block where their kinds meet and (unless None) their days meet. The
    label families' blocks stand for :func:`_merge_labelled`'s (which also compares labels)."""
    ev = item.event
    head, first, last = _head(ev)
    kind = _kind(item)
    for k in item.act_keys:
        yield ("act", *head, k), _BY_ACT, 0, first, last
        yield ("own", *head, k), _BY_OWN, kind, first, last
    if not item.act_keys and item.own:
        yield ("own", *head, item.own), _BY_OWN, kind, first, last
    if kind in (_ACTS_PROCS, _PROCS):
        for p in item.procedures:
            yield ("proc", *head, p), _BY_PROC, kind, first, last
    for d in item.doc_ids:
        yield ("doc", *head, d), _REST, kind, first, last
    if item.dossier is not None and dates.is_day(ev.date):
        yield ("dossier", *head, item.dossier, ev.date), _REST, kind, first, last
    for fam in {families[la] for la in item.labels}:
        yield ("label", *head, fam), _REST, kind, first, last
    if _may_conflict(item):
        yield ("conflict", ev.type, head[1], item.primary, item.act_keys), None, 0, 0, 0


def _day_key(item: _Item) -> tuple[str, str] | None:
    """The (type, day) by which :func:`_cluster` joins act-less steps, if the item has one."""
    ev = item.event
    if ev.status == "planned" or not dates.is_day(ev.date):
        return None
    return (ev.type, str(ev.date))


#: Share of a part's items above which :func:`_regroup` groups every item again (the reuse
#: would save little).
REGROUP_SHARE = 0.5


def _regroup(
    items: list[_Item], reuse: _Reuse, families_out: dict[str, str] | None = None
) -> tuple[
    list[list[_Item]],
    list[tuple[list[_Item], Sequence[Any], Mapping[tuple[Any, ...], Source]]],
] | None:
    """The groups :func:`_groups` makes of ``items`` (dossiers assigned), from a part linked
    before: (groups to make entries of, groups whose entry is the one made before with their
    items' sources by fields). None when
    the stored part does not fit or most groups would be made again.

    Sole marks are read again for the groups of the new items (:func:`_mark_sole`'s ``new``;
    the stored items start from their stored marks); a stored item whose mark or dossier changed
    (other than a dossier renamed as a whole) is *dirty*. The groups made again are the stored
    groups of dirty items and of stored items that could merge directly with a dirty or new
    item (a block of :func:`_merge` where their kinds and days meet, :func:`_blocks_of`),
    closed over the (type, day) of act-less joins (:func:`_day_key`); with the new items
    they are grouped as :func:`_cluster` does.
    Any other stored group keeps its entry: no merge ties its items to an item outside it
    (they were one group already), and no join by type and day can change.

    The label families of every item are made from the stored ones (only the new labels
    compared) and, with ``families_out``, put there.
    """
    entry_of, dossier_of, sole_of, *more = reuse.finish
    known = more[0] if more else None  # a finish kept before its label families were
    olds, old_entries = reuse.olds, reuse.entries
    if not (len(entry_of) == len(dossier_of) == len(sole_of) == len(olds)):
        return None
    if entry_of and max(entry_of) >= len(old_entries):
        return None
    is_old = [False] * len(items)
    for i, sole in zip(olds, sole_of, strict=True):
        is_old[i] = True
        items[i].sole = sole  # as marked among the stored items: only the new ones' groups
    _mark_sole(items, [item for item in items if not is_old[item.index]])
    members: list[list[_Item]] = [[] for _ in old_entries]
    group = [-1] * len(items)
    renamed: dict[str | None, str | None] = {}
    back: dict[str | None, str | None] = {}
    broken: set[str | None] = set()
    for i, e, d in zip(olds, entry_of, dossier_of, strict=True):
        item = items[i]
        members[e].append(item)
        group[i] = e
        if renamed.setdefault(d, item.dossier) != item.dossier:
            broken.add(d)
        was = back.setdefault(item.dossier, d)
        if was != d:
            broken.update((was, d))
    # the entries are of these items: their sources by fields (what _kept_entry reads)
    sources_of: list[Mapping[tuple[Any, ...], Source]] = []
    for m, old in zip(members, old_entries, strict=True):
        sources = old[_ROW_SOURCES]
        by_fields = {fields_of(i.source): i.source for i in m}
        if len(m) != len(sources) or by_fields.keys() != set(sources):
            return None
        sources_of.append(by_fields)
    families = _label_families(items, None if known is None else dict(known))
    if families_out is not None:
        families_out.update(families)
    touched: set[int] = set()
    # the blocks of the new and dirty items: (kinds met or None, kind, first day, last day)
    asks: dict[tuple[Any, ...], list[tuple[tuple[frozenset[int], ...] | None, int, int, int]]]
    asks = defaultdict(list)
    for item in items:
        if not is_old[item.index]:
            for block, meets, kind, first, last in _blocks_of(item, families):
                asks[block].append((meets, kind, first, last))
    for i, d, sole in zip(olds, dossier_of, sole_of, strict=True):
        item = items[i]
        if d in broken or item.sole != sole:
            touched.add(group[i])
            for block, meets, kind, first, last in _blocks_of(item, families):
                asks[block].append((meets, kind, first, last))
    by_day: dict[tuple[str, str], set[int]] = defaultdict(set)
    # every block's second part is its items' event type: an item of another type meets none
    types = {block[1] for block in asks}
    for i in olds:
        item = items[i]
        g = group[i]
        if g not in touched and item.event.type in types:
            for block, _, kind, first, last in _blocks_of(item, families):
                found = asks.get(block)
                if found is not None and any(
                    meets is None
                    or (kind in meets[other] and first <= end and start <= last)
                    for meets, other, start, end in found
                ):
                    touched.add(g)
                    break
        day = _day_key(item)
        if day is not None:
            by_day[day].add(g)
    days = [y for item in items if not is_old[item.index] and (y := _day_key(item))]
    days.extend(y for g in touched for item in members[g] if (y := _day_key(item)))
    seen: set[tuple[str, str]] = set()
    while days:
        day = days.pop()
        if day in seen:
            continue
        seen.add(day)
        for g in by_day.get(day, ()):
            if g not in touched:
                touched.add(g)
                days.extend(y for item in members[g] if (y := _day_key(item)))
    redo = [item for item in items if not is_old[item.index] or group[item.index] in touched]
    if len(redo) > len(items) * REGROUP_SHARE:
        return None
    kept = [
        (members[g], old_entries[g], sources_of[g]) for g in range(len(members)) if g not in touched
    ]
    return _cluster(redo, items), kept


def _finish(
    ctx: _Context,
    read: _Read,
    items: list[_Item],
    track: list[Finish] | None = None,
    reuse: _Reuse | None = None,
) -> LinkedPart:
    """The part once every document is read and every item made: relations, dossiers,
    entries and plans. With ``track``, what was made of each item is appended to it
    (:data:`Finish`); with ``reuse``, the groups of a part linked before that nothing added
    can change keep their entries (:func:`_regroup`)."""
    index = ctx.index
    ctx.relations = _unique_relations([*read.relations, *index.proposal_relations()])
    components = _components(items, ctx.relations, ctx)
    node_dossier: dict[str, str] = {}
    dossier_defs: list[tuple[str, tuple[str | None, str], set[str]]] = []
    for members in components:
        did = "d-" + _hash(sorted(members))[:10]
        dossier_defs.append((did, _dossier_name(members, ctx), members))
        for m in members:
            node_dossier[m] = did
    _assign_dossiers(items, node_dossier, ctx)
    families: dict[str, str] | None = {} if track is not None else None
    regrouped = _regroup(items, reuse, families) if reuse is not None else None
    if regrouped is None and families is not None:
        families.clear()
    groups, kept = regrouped if regrouped is not None else (_groups(items, families), [])
    made = [replace(_entry(g), dossier=_vote(i.dossier for i in g)) for g in groups]
    made.extend(_kept_entry(row, sources, _vote(i.dossier for i in g)) for g, row, sources in kept)
    order: list[int] | None = [] if track is not None else None
    entries = _unique_ids(made, order)
    del made
    if track is not None and order is not None:
        position = [0] * len(order)
        for n, k in enumerate(order):
            position[k] = n
        entry_of = [0] * len(items)
        for k, g in enumerate([*groups, *(g for g, _, _ in kept)]):
            for item in g:
                entry_of[item.index] = position[k]
        track.append(
            (
                tuple(entry_of),
                tuple(i.dossier for i in items),
                tuple(i.sole for i in items),
                tuple(sorted(families.items())) if families is not None else None,
            )
        )
    entries, open_plans = _link_plans(entries, ctx.relations)
    used = {e.dossier for e in entries}
    dossiers = tuple(
        (
            did,
            main,
            rest,
            tuple(sorted(m[4:] for m in members if m.startswith("act:"))),
            tuple(sorted(m[5:] for m in members if m.startswith("proc:"))),
        )
        for did, (main, rest), members in dossier_defs
        # acts related in some text, but no event of the corpus is about them: no dossier
        if did in used
    )
    return LinkedPart(
        documents=tuple(read.documents),
        entries=tuple(entries),
        dossiers=dossiers,
        open_plans=tuple(open_plans),
        corrections=tuple(ctx.corrections),
        title_matches=frozenset(ctx.title_matches),
        relations=tuple(ctx.relations),
        mentions=ctx.mentions,
        titles=_best_titles(index),
    )


#: What :func:`relink_part` checks a new title against: (subject, whole?, proposal, kind) of a
#: label the title index was asked for (as ``TitleIndex._resolve`` reads it).
Lookup = tuple[str, bool, bool, "str | None"]


@dataclass(frozen=True, slots=True)
class PartState:
    """What linking a part made of each of its documents, kept so that the part linked with
    more documents need not read or link these again (:func:`relink_part`).

    ``rows`` are the documents' :func:`_doc_row` in path order, each with its items and title
    matches appended (plain data: the build's cache pickles it). An item depends on other
    documents only through the title index (``lookups``: every label the index was asked
    for) and the misprints read off every document (``misprints``: (document, act, read
    as)); both are checked before the rows are used. A part read a group at a time that
    holds more than ``hold`` events keeps no state (it would hold as much as the records).
    """

    rows: tuple[Sequence[Any], ...]
    lookups: frozenset[Lookup]
    misprints: tuple[tuple[str, str, str], ...]
    #: what :func:`_finish` made of the items (None: not kept): the part linked with more
    #: documents keeps the entries of groups they cannot change (:func:`_regroup`)
    finish: Finish | None = None


def _lookups(index: TitleIndex, known: Iterable[Lookup]) -> frozenset[Lookup]:
    """``known`` and what the index was asked for since its last title (its memo of labels),
    as :data:`Lookup`; labels ``_resolve`` looks up nothing for are left out."""
    out = set(known)
    for label, language in index._resolved:
        looked = actmod.title_lookup(label, language)
        if looked is not None:
            parsed, subject, whole = looked
            out.add((subject, whole, parsed.proposal, parsed.kind))
    return frozenset(out)


def _misprint_rows(misprints: Mapping[tuple[str, str], str]) -> tuple[tuple[str, str, str], ...]:
    return tuple(sorted((path, key, own) for (path, key), own in misprints.items()))


def _reaches(title: KnownTitle, lookups: Iterable[Lookup]) -> bool:
    """Whether ``title`` could be a candidate of a lookup (``TitleIndex._resolve``'s filters and
    floors): a part whose labels it reaches may resolve them otherwise with it."""
    whole_title = None
    for subject, whole, proposal, kind in lookups:
        if title.proposal != proposal or (kind and title.kind and kind != title.kind):
            continue
        floor = 0.95 if whole else TITLE_THRESHOLD
        if similarity(subject, title.subject, floor) >= floor:
            return True
        if whole:
            if whole_title is None:
                whole_title = normalize(title.title)
            if similarity(subject, whole_title, floor) >= floor:
                return True
    return False


#: Documents :func:`relink_part` adds at most, and at most this share of the part's.
RELINK_DOCS = 256
RELINK_SHARE = 0.25


def relink_part(
    state: PartState,
    extractions: Sequence[Extraction],
    facts: Mapping[str, DocumentFacts] | None = None,
    *,
    keep: list[PartState] | None = None,
    previous: LinkedPart | Sequence[Entry] | None = None,
    previous_rows: Sequence[Sequence[Any]] | None = None,
) -> LinkedPart | None:
    """:func:`link_part` of the documents of ``state`` and ``extractions`` (documents not in
    it), the stored ones not read again: their rows give the index, what the first pass reads
    and their items; the new documents are read and their items made, then every item is
    merged, dossiers, entries and plans made as :func:`link_part` does. The same part.
    ``previous``, the part ``state`` was kept with (or its entries alone), lends the entries
    of groups the new documents cannot change (:func:`_regroup`, when the state kept
    :attr:`PartState.finish`); ``previous_rows`` are those entries as the memo stores them
    (:func:`entry_row`), of which only the entries kept are made.

    None when the new documents may change what a stored document gives (a title of theirs
    within reach of a label the stored ones looked up, or other misprints), or when they
    are too many (:data:`RELINK_DOCS`, :data:`RELINK_SHARE`): the caller links the part
    whole. With ``keep``, the part's state is appended to it.
    """
    extractions = sorted(extractions, key=lambda x: x.document.path)
    if not extractions or len(extractions) > min(
        RELINK_DOCS, max(1, int(len(state.rows) * RELINK_SHARE))
    ):
        return None
    facts = facts_by_path(extractions, dict(facts or {}))
    stored = {row[0][0]: row for row in state.rows}
    fresh: dict[str, list[Any]] = {}
    for x in extractions:
        path = x.document.path
        if path in stored or path in fresh:
            return None
        titles = TitleIndex()
        titles.add_extractions((x,), facts)
        fresh[path] = _doc_row(x, facts[path], titles.titles)
    new_titles = [KnownTitle(*t) for row in fresh.values() for t in row[1]]
    if any(_reaches(t, state.lookups) for t in new_titles):
        return None
    ctx = _Context(index=TitleIndex(), relations=[], title_matches=[])
    read = _Read()
    order = sorted([*stored, *fresh])
    index = ctx.index
    for path in order:
        row = stored[path] if path in stored else fresh[path]
        for t in row[1]:
            index.add(KnownTitle(*t))
        _read_row(row, ctx, read)
    misprints = _misprints(ctx, read)
    if _misprint_rows({k: v for k, v in misprints.items() if k[0] in stored}) != state.misprints:
        return None
    by_path = {x.document.path: x for x in extractions}
    items: list[_Item] = []
    shared: dict[Any, Any] = {}
    rows: dict[str, list[Any]] | None = {} if keep is not None else None
    olds: list[int] = []  # the indexes of the stored items, in their order
    for doc in read.documents:
        path = doc.path
        if path not in stored:
            if rows is not None:
                rows[path] = fresh[path]
            _add_items((by_path[path],), facts, ctx, misprints, shared, items, True, rows)
            continue
        row = stored[path]
        if rows is not None:
            rows[path] = list(row)
        ids = frozenset(row[4])
        own = row[3]
        for item in row[9]:
            olds.append(len(items))
            items.append(_item_of_row(item, len(items), doc, ids, own, shared))
        ctx.title_matches.extend(TitleMatch(*m) for m in row[10])
    del shared
    if previous_rows is None and previous is not None:
        previous_rows = [
            entry_row(e)
            for e in (previous.entries if isinstance(previous, LinkedPart) else previous)
        ]
    reuse = (
        _Reuse(olds, state.finish, previous_rows)
        if previous_rows is not None and state.finish is not None
        else None
    )
    track: list[Finish] | None = [] if keep is not None else None
    lookups = _lookups(index, state.lookups) if track is not None else frozenset()
    part = _finish(ctx, read, items, track, reuse)
    if keep is not None and rows is not None and track:
        keep.append(
            PartState(tuple(rows.values()), lookups, _misprint_rows(misprints), track[0])
        )
    return part


def combine(parts: Iterable[LinkedPart]) -> Timeline:
    """The timeline of the documents of every part: entries labelled and sorted, dossiers named
    and sorted, the lists of ``Timeline.extra`` merged; equal to :func:`link` of them all when
    the parts are independent shards (:func:`timeline.link.shards.partition`)."""
    parts = list(parts)
    res = resources.load()
    mentions: Mapping[str, Counter[tuple[str, str]]]
    titles: Mapping[str, tuple[tuple[Any, ...], str]]
    if len(parts) == 1:
        mentions = parts[0].mentions
        titles = parts[0].titles
    else:
        best: dict[str, tuple[tuple[Any, ...], str]] = {}
        for part in parts:
            for key, title in part.titles.items():
                if key not in best or title[0] < best[key][0]:
                    best[key] = title
        titles = best
        merged: dict[str, Counter[tuple[str, str]]] = {}
        for part in parts:
            for key, counts in part.mentions.items():
                if key in merged:
                    merged[key].update(counts)
                else:
                    merged[key] = Counter(counts)
        mentions = merged
    names: dict[str, str] = {}

    def name_of(key: str) -> str:
        if key not in names:
            names[key] = _act_name(key, mentions)
        return names[key]

    labels = res.entry_labels
    made: dict[tuple[str, str], str] = {}
    entries = [
        # replace(e, label=...) field by field, without dataclasses.replace's introspection
        Entry(
            e.id, e.date, e.precision, e.earliest, e.latest, e.status, e.type,
            _label(e, name_of, labels, made), e.acts, e.procedures, e.actors, e.sources,
            e.dossier, e.conflict, e.realised_by, e.realises, e.delay_days,
        )
        for p in parts
        for e in p.entries
    ]
    del made
    type_order = {t: i for i, t in enumerate(EVENT_TYPES)}
    day_of: dict[str | None, str] = {}  # date -> its sort key, made once per date

    def order(e: Entry) -> tuple[str, int, str]:
        value = e.date or e.earliest
        day = day_of.get(value)
        if day is None:
            day = day_of[value] = dates.sort_key(value)
        return (day, type_order.get(e.type, 99), e.id)

    entries.sort(key=order)

    by_dossier: dict[str | None, list[str]] = defaultdict(list)
    for e in entries:
        by_dossier[e.dossier].append(e.id)
    dossiers: list[Dossier] = []
    for part in parts:
        for did, main, rest, acts, procedures in part.dossiers:
            dossiers.append(
                Dossier(
                    id=did,
                    name=rest
                    if main is None
                    else name_of(main) + (f" — {titles[main][1]}" if main in titles else rest),
                    acts=acts,
                    procedures=procedures,
                    entries=tuple(by_dossier.get(did, ())),
                )
            )
    first = {e.id: i for i, e in enumerate(entries)}
    dossiers.sort(
        key=lambda d: (-len(d.entries), min((first[i] for i in d.entries), default=0), d.id)
    )

    conflicts = {
        e.id: {
            d: sorted(s.document for s in e.sources if s.date == d)
            for d in sorted({s.date for s in e.sources if s.date})
        }
        for e in entries
        if e.conflict
    }
    if len(parts) == 1:
        relations: Iterable[ActRelation] = parts[0].relations
    else:
        relations = sorted(
            (r for p in parts for r in p.relations),
            key=lambda r: (r.source, r.relation, r.target, r.document, r.span),
        )
    extra: dict[str, Any] = {
        "corrections": sorted(
            (c for p in parts for c in p.corrections),
            key=lambda c: (c["document"], c["as_written"]),
        ),
        "title_matches": [
            {
                "label": m.label,
                "celex": m.celex,
                "document": m.document,
                "matched_title": m.matched_title,
                "matched_document": m.matched_document,
                "matched_language": m.matched_language,
                "score": m.score,
            }
            for m in sorted(
                (m for p in parts for m in p.title_matches),
                key=lambda m: (m.document, m.label, m.celex),
            )
        ],
        "relations": [
            {
                "source": r.source,
                "relation": r.relation,
                "target": r.target,
                "document": r.document,
                "span": list(r.span),
                "quote": r.quote,
                "rule": r.rule,
            }
            for r in relations
        ],
        "conflicts": conflicts,
    }
    documents = [d for p in parts for d in p.documents]
    if len(parts) > 1:
        documents.sort(key=lambda d: d.path)
    return Timeline(
        entries=tuple(entries),
        dossiers=tuple(dossiers),
        documents=tuple(documents),
        open_plans=tuple(sorted(i for p in parts for i in p.open_plans)),
        extra=extra,
    )


def link(
    extractions: Sequence[Extraction], facts: Mapping[str, DocumentFacts] | None = None
) -> Timeline:
    """Merge the events of many documents into one timeline of entries, plans and dossiers.

    ``facts`` (by document path, :mod:`timeline.link.facts`) stand for the texts, which may
    then be gone (:func:`~timeline.link.facts.without_text`); a document without them is read.
    """
    return combine([link_part(extractions, facts)])
