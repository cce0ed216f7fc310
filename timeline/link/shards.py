"""Shards: groups of documents that link independently of every other document.

What couples two documents in :func:`timeline.link.link` (``linker.link_part``), step by step:

- **Acts.** Items merge when they share an act (``_same_subject``), an item's act is another
  document's own act, conflicts need one main act, plans are realised by entries of the plan's
  act or an act related to it, and dossiers are the connected components of acts and
  procedures. An item's acts are the CELEX numbers its event names, the numbers its label or
  its sentence write out, the act a misprinted heading means (the document's own), and acts
  found through a title (below). Every act a document can give an item, the acts its texts
  relate (``relations``: both ends), its own act and the acts of the titles it shows are its
  ``act:`` keys.
- **Procedures** of events, of a document's header and of a procedure file's reference (graph
  nodes, plans realised by procedure, the procedure file that names a dossier): ``proc:`` keys.
- **Document ids**: a shared reference or parallel id merges items and groups ``_mark_sole``:
  ``ref:`` and ``parallel:`` keys (the path is the document's own; ``act:own`` is above).
- **Titles** (the global ``TitleIndex``). An act named by title only, by an event or in the
  sentence of an event that names no numbered act, resolves against every title of the
  corpus; another title within reach can make it ambiguous. Every string ``_resolve`` would
  look up (a *probe*: the label's subject, or the whole normalized label) is compared with
  every title the corpus shows (subject, and normalized title for whole labels) at the
  threshold ``_resolve`` uses; a probe and a title within it put their documents in one shard,
  when the proposal flags agree and the kinds do not differ (``_resolve``'s own filters). A
  sentence's probes are read whether or not its event's labels resolve first
  (over-merging). ``proposal_relations`` compare proposal titles with act titles at the title
  threshold: the same join, filtered by ``celex_kinds``.
- **Labels** of acts without CELEX: ``_merge_labelled`` and label families compare labels at
  :data:`~timeline.link.linker.LABEL_THRESHOLD`, and a plan with such a label may be realised
  by any entry of its type with an act label alike. Every label-only act label (before titles
  resolve it: a superset) is compared with every act label the corpus can give an item
  (events' labels, numbered acts and candidate titles of sentences): alike, one shard.
- **Misprints** (``_misprints``): a document whose head names an act of its own act's series
  depends on every document that names that act and on whether any document *is* it: such an
  act K gives ``mis:K`` to the heading document, to every document naming K and to any
  document whose own act is K.
- **A step no act ties to a dossier** joins the one entry of the corpus with its type and day
  (``_groups``): a document that may have such items (no own act, no header procedure, no
  event with a procedure or a surely numbered act) gives ``day:TYPE|DATE`` for its days, and
  so does every document with an event of that type on that day (events not planned: a
  cluster's first item decides, and it must not be planned).
- Entry ids are content hashes over their sources' documents (``_unique_ids`` only numbers
  identical entries, whose documents are one shard's); plans take the first realisation in
  plan order, a subset of the corpus order; relations are deduplicated per document.

What does not split is done by :func:`~timeline.link.linker.combine` over every shard's
part: labels and dossier names name an act by the fullest form any document writes
(``_act_name`` over the mentions of the whole corpus: shared acts such as a treaty would
otherwise glue every document into one shard), the sort of entries and dossiers, and the
merged lists of ``Timeline.extra``. So ``combine(link_part(s) for s in shards) == link(all)``.

The string joins are the costly part of :func:`partition`; a :class:`JoinState` keeps their
results so that adding a document compares only its strings with the others' (and the
others' with its own), not every pair again.

**Incremental.** A document's keys (:func:`doc_keys`) depend on it alone: the build reads
them once with its facts and keeps them (:func:`keys_to_json`) under the document's cache
key, so a rebuild reads no text and no facts to partition. :func:`link_sharded` then runs
the union-find over every document's keys (linear, ~0.1 CPU-s for 10,000 documents), updates
the joins kept in the memo with the new strings only, and links only shards whose member
documents or their versions changed; every other shard's part is read back from the memo
(:func:`encode_part`). A shard of :data:`RELINK_MIN_DOCS` documents or more also keeps
its part's state (:class:`~timeline.link.linker.PartState`: what linking made of each
document); a rebuild whose shard holds a kept state's documents unchanged and a few more
reads and links only those (:func:`~timeline.link.linker.relink_part`), so adding a document
to a 5,958-document shard reads one record, not all. A removed or edited document, or an
added one whose titles or misprints could change a kept document's items, links the shard
whole. **Memory.** It loads one shard's extractions and facts at a time
through the caller's ``load``, so linking holds the largest shard's events, not the
corpus'.

Documents are not split: a document whose events touch two dossiers puts both in one
shard, so a corpus of documents that each cite many dossiers is one large shard.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import pickle
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from timeline.link import acts as actmod
from timeline.link import dates, linker
from timeline.link.acts import TITLE_THRESHOLD, act_key, normalize, similarity
from timeline.link.facts import DocumentFacts, document_facts
from timeline.link.linker import (
    LABEL_THRESHOLD,
    LinkedPart,
    combine,
    link_part,
    link_part_streamed,
)
from timeline.model import Document, Entry, Extraction, Timeline

#: Bump when what a shard's key or a linked part holds changes (memoised parts of older
#: versions are not used).
VERSION = 1

#: (subject, normalized title, proposal, kind, celex) of a title a document shows
TitleKey = tuple[str, str, bool, "str | None", str]
#: (string, whole?, proposal, kind) that ``TitleIndex._resolve`` would look up
Probe = tuple[str, bool, bool, "str | None"]


@dataclass(frozen=True, slots=True)
class DocKeys:
    """What ties one document to others when linking (see the module docstring)."""

    path: str
    keys: tuple[str, ...]  # act:, proc:, ref:, parallel: keys; one shared, one shard
    named: tuple[str, ...]  # acts the text names or the document is (for misprints)
    misprints: tuple[str, ...]  # acts its head names that a misprint could mean its own
    orphan: bool  # may have steps no act, procedure or document ties to a dossier
    days: tuple[str, ...]  # "TYPE|DATE" of its events dated to a day
    titles: tuple[TitleKey, ...]
    probes: tuple[Probe, ...]
    labels: tuple[str, ...]  # normalized labels of acts without CELEX
    act_labels: tuple[str, ...]  # every normalized act label an item may carry


def _probe(label: str, language: str | None) -> Probe | None:
    """What ``TitleIndex._resolve`` looks up for ``label``, or None when it looks up nothing."""
    parsed = actmod.parse_title(label, language)
    if parsed.subject is None:
        subject = normalize(label)
        if len(subject.split()) < 5:
            return None
        return (subject, True, parsed.proposal, parsed.kind)
    if not (parsed.kind or parsed.proposal):
        return None
    return (parsed.subject, False, parsed.proposal, parsed.kind)


def _title(celex: str, title: str, parsed: actmod.ParsedTitle) -> TitleKey | None:
    """As ``TitleIndex._add`` keeps it."""
    if not parsed.subject:
        return None
    kind = parsed.kind
    kinds = actmod.celex_kinds(celex)
    if kinds and kind not in kinds:
        kind = sorted(kinds)[0]
    proposal = parsed.proposal or actmod.celex_is_proposal(celex)
    return (parsed.subject, normalize(title), proposal, kind, celex)


def doc_keys(extraction: Extraction, facts: DocumentFacts | None = None) -> DocKeys:
    """The keys of one document, read off its events, metadata and facts (its text may be gone
    when ``facts`` are given)."""
    doc = extraction.document
    known = facts if facts is not None else document_facts(extraction)
    lang = doc.language
    acts: set[str] = set()
    procs: set[str] = set()
    ids: set[str] = set()
    titles: set[TitleKey] = set()
    probes: set[Probe] = set()
    labels: set[str] = set()
    act_labels: set[str] = set()
    days: set[str] = set()
    sure = False  # some item surely has an act or a procedure

    def act(celex: str | None) -> str | None:
        k = act_key(celex)
        if k:
            acts.add(k)
        return k

    own = actmod.document_act(doc)
    own_key = act(own)
    if own and doc.title:
        t = _title(own, doc.title, actmod.parse_title(doc.title, lang))
        if t:
            titles.add(t)
    for celex, title, parsed in known.titles:
        t = _title(celex, title, parsed)
        if t:
            titles.add(t)
    for rel in known.relations:
        act(rel.source)
        act(rel.target)
    named = {k for k in (act_key(m.celex) for m in known.mentions) if k}
    misprints = set()
    if own_key:
        named.add(own_key)
        for m in known.mentions:
            k = act_key(m.celex)
            if m.start < actmod.HEAD_ZONE and k and k != own_key and actmod.same_series(k, own_key):
                misprints.add(k)
    procs.update(known.header_procedures)
    procs.update(p for _, _, p in actmod.find_procedures(doc.reference or ""))
    if doc.reference:
        ids.add(f"ref:{normalize(doc.reference)}")
    if doc.parallel:
        ids.add(f"parallel:{doc.parallel}")
    for event, quote in zip(extraction.events, known.quotes, strict=True):
        if event.status != "planned" and dates.is_day(event.date):
            # a cluster is anchored, or an orphan, by its first item: dated to a day, not planned
            days.add(f"{event.type}|{event.date}")
        event_procs = {actmod.canonical_procedure(p) for p in event.procedures if p.strip()}
        procs.update(event_procs)
        sure = sure or bool(event_procs)
        numbered = False
        for a in event.acts:
            if a.label:
                act_labels.add(normalize(a.label))
            if a.celex:
                numbered = True
                act(a.celex)
                if a.label:
                    t = _title(a.celex, a.label, actmod.parse_title(a.label, lang))
                    if t:
                        titles.add(t)
                continue
            if not a.label:
                continue
            labels.add(normalize(a.label))
            direct = actmod.find_acts(a.label)
            if direct:
                numbered = True
                act(direct[0].celex)
                continue
            p = _probe(a.label, lang)
            if p:
                probes.add(p)
        sure = sure or numbered
        if numbered:
            continue  # acts_in_sentence is read only for events that name no numbered act
        flat = " ".join(quote.text.split())
        for m in actmod.find_acts(flat):
            sure = True
            act(m.celex)
            act_labels.add(normalize(m.text))
        for label in _sentence_labels(flat, lang):
            p = _probe(label, lang)
            if p:  # a label that resolves to nothing is never an item's
                probes.add(p)
                act_labels.add(normalize(label))
    keys = {f"act:{k}" for k in acts} | {f"proc:{p}" for p in procs} | ids
    orphan = not (own_key or known.header_procedures or sure)
    return DocKeys(
        path=doc.path,
        keys=tuple(sorted(keys)),
        named=tuple(sorted(named)),
        misprints=tuple(sorted(misprints)),
        orphan=orphan,
        days=tuple(sorted(days)),
        titles=tuple(sorted(titles, key=repr)),
        probes=tuple(sorted(probes, key=repr)),
        labels=tuple(sorted(labels)),
        act_labels=tuple(sorted(act_labels)),
    )


def keys_to_json(keys: DocKeys) -> dict[str, Any]:
    """The keys as JSON-ready data (the build's cache keeps them beside the facts)."""
    return {
        "version": VERSION,
        **{f: getattr(keys, f) for f in DocKeys.__slots__},
    }


def keys_from_json(data: Mapping[str, Any]) -> DocKeys:
    """The inverse of :func:`keys_to_json`; raises ValueError for another version."""
    if data.get("version") != VERSION:
        raise ValueError(f"shard keys of version {data.get('version')!r}, not {VERSION}")
    return DocKeys(
        path=data["path"],
        keys=tuple(data["keys"]),
        named=tuple(data["named"]),
        misprints=tuple(data["misprints"]),
        orphan=bool(data["orphan"]),
        days=tuple(data["days"]),
        titles=tuple((t[0], t[1], bool(t[2]), t[3], t[4]) for t in data["titles"]),
        probes=tuple((p[0], bool(p[1]), bool(p[2]), p[3]) for p in data["probes"]),
        labels=tuple(data["labels"]),
        act_labels=tuple(data["act_labels"]),
    )


@lru_cache(maxsize=1 << 14)
def _sentence_labels(flat: str, language: str | None) -> tuple[str, ...]:
    """Every candidate title ``acts_in_sentence`` may look up in a sentence, in every
    language's rules (it stops at the first language that resolves one: a superset).
    Memoised: a corpus repeats sentences."""
    return tuple(
        label
        for rules in actmod._title_rules(language)
        for label in actmod.candidate_titles(rules, flat)
    )


# --- string joins ---------------------------------------------------------------------------


def _within_reach(table: list[tuple[int, str]], q: str, floor: float) -> Iterator[str]:
    """The strings of ``table`` ((length, string), sorted) whose length lets them reach
    ``similarity(q, t) >= floor`` (beyond it similarity is 0: see acts.TitleIndex._candidates)."""
    la = len(q)
    lo = int(la * floor / (2 - floor)) - 1
    hi = int(la * (2 - floor) / floor) + 1
    for length, t in table[bisect.bisect_left(table, (lo, "")) :]:
        if length > hi:
            break
        yield t


@dataclass(slots=True)
class _Join:
    """Pairs (query, target) of strings alike at ``floor``, kept between partitions."""

    floor: float
    queries: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    pairs: dict[str, set[str]] = field(default_factory=dict)  # query -> targets alike
    compared: int = 0  # similarity calls made (work count, for the tests)
    changes: int = 0  # updates that changed the strings

    def _search(self, queries: Iterable[str], targets: Iterable[str]) -> None:
        table = sorted((len(t), t) for t in targets)
        if not table:
            return
        f = self.floor
        for q in queries:
            found = self.pairs.setdefault(q, set())
            for t in _within_reach(table, q, f):
                self.compared += 1
                if similarity(q, t, f) >= f:
                    found.add(t)

    def update(self, queries: set[str], targets: set[str]) -> dict[str, set[str]]:
        """The pairs of the new strings, comparing only what was not compared before."""
        gone_t = self.targets - targets
        new_t = targets - self.targets
        if gone_t or new_t or queries != self.queries:
            self.changes += 1
        for q in self.queries - queries:
            self.pairs.pop(q, None)
        kept = self.queries & queries
        if gone_t:
            for q in kept:
                found = self.pairs.get(q)
                if found:
                    found -= gone_t
        self._search(sorted(kept), new_t)
        self._search(sorted(queries - self.queries), targets)
        self.queries, self.targets = set(queries), set(targets)
        return self.pairs


@dataclass(slots=True)
class _Families:
    """Strings alike at ``floor``, transitively, as families (a union-find over strings): a
    query is compared with a target only while they are in two families, so strings that are
    one family already cost nothing. Strings no document shows any more stay (a family only
    grows: over-merging, never under-merging)."""

    floor: float
    parent: dict[str, str] = field(default_factory=dict)
    queries: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)
    compared: int = 0
    changes: int = 0  # updates that added strings

    def find(self, s: str) -> str:
        parent = self.parent
        root = s
        while parent.get(root, root) != root:
            root = parent[root]
        while s != root:
            parent[s], s = root, parent[s]
        return root

    def _search(self, queries: Iterable[str], targets: Iterable[str]) -> None:
        table = sorted((len(t), t) for t in targets)
        if not table:
            return
        f = self.floor
        for q in queries:
            for t in _within_reach(table, q, f):
                rq, rt = self.find(q), self.find(t)
                if rq == rt:
                    continue
                self.compared += 1
                if similarity(q, t, f) >= f:
                    self.parent[max(rq, rt)] = min(rq, rt)

    def update(self, queries: set[str], targets: set[str]) -> None:
        """Add strings, comparing only new queries with every target and every query with
        new targets."""
        new_q, new_t = queries - self.queries, targets - self.targets
        if new_q or new_t:
            self.changes += 1
        if new_t:
            self._search(sorted(self.queries), new_t)
        self.queries |= new_q
        self.targets |= new_t
        if new_q:
            self._search(sorted(new_q), self.targets)


@dataclass(slots=True)
class JoinState:
    """The string joins of :func:`partition`, kept (pickled in a memo) between builds."""

    version: int = VERSION
    titles: _Join = field(default_factory=lambda: _Join(TITLE_THRESHOLD))
    whole: _Join = field(default_factory=lambda: _Join(0.95))
    labels: _Families = field(default_factory=lambda: _Families(LABEL_THRESHOLD))

    @property
    def compared(self) -> int:
        """Similarity calls made since the state was new (work count)."""
        return self.titles.compared + self.whole.compared + self.labels.compared

    def size(self) -> tuple[int, ...]:
        """How often each join's strings changed (changed: the state is worth keeping again)."""
        return (self.titles.changes, self.whole.changes, self.labels.changes)


class JoinsAhead:
    """The string joins of :func:`partition` made ahead, a batch of documents at a time, while
    a build's documents still arrive (it then waits on its workers; the joins would otherwise
    be made after them, on one core). Each :meth:`add` compares only the new strings (as a
    rebuild's :class:`JoinState` does), and :func:`partition` given :attr:`state` finds every
    pair made: the same shards."""

    def __init__(self, state: JoinState | None = None) -> None:
        self.state = state if state is not None else JoinState()
        self._titles: tuple[set[str], set[str]] = (set(), set())  # (queries, targets)
        self._whole: tuple[set[str], set[str]] = (set(), set())
        self._labels: tuple[set[str], set[str]] = (set(), set())

    def add(self, docs: Iterable[DocKeys]) -> None:
        """Add documents' strings and compare them (the sets :func:`partition` compares)."""
        title_q, title_t = self._titles
        whole_q, whole_t = self._whole
        label_q, label_t = self._labels
        for d in docs:
            for t in d.titles:
                title_t.add(t[0])
                whole_t.add(t[0])
                whole_t.add(t[1])
                if t[2] and t[3]:
                    title_q.add(t[0])  # a proposal title with a kind
            for p in d.probes:
                (whole_q if p[1] else title_q).add(p[0])
            label_q.update(d.labels)
            label_t.update(d.act_labels)
        self.state.titles.update(title_q, title_t)
        self.state.whole.update(whole_q, whole_t)
        self.state.labels.update(label_q, label_t)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def partition(
    keys: Iterable[DocKeys], state: JoinState | None = None
) -> list[tuple[str, ...]]:
    """The shards of a corpus: tuples of document paths, each sorted, in order of their first
    path; documents of two shards share no key and no string join (module docstring), so
    :func:`~timeline.link.linker.link_part` of each and :func:`combine` give :func:`link`.

    ``state`` keeps the string joins from a previous call (it is updated in place).
    """
    docs = sorted(keys, key=lambda k: k.path)
    state = state if state is not None else JoinState()
    uf = _UnionFind(len(docs))
    first: dict[str, int] = {}

    def join(i: int, key: str) -> None:
        j = first.setdefault(key, i)
        if j != i:
            uf.union(i, j)

    for i, d in enumerate(docs):
        for key in d.keys:
            join(i, key)
    candidates = {k for d in docs for k in d.misprints}
    orphan_days = {day for d in docs if d.orphan for day in d.days}
    for i, d in enumerate(docs):
        for k in d.misprints:
            join(i, f"mis:{k}")
        for k in d.named:
            if k in candidates:
                join(i, f"mis:{k}")
        for day in d.days:
            if day in orphan_days:
                join(i, f"day:{day}")

    # Strings -> their classes (what _resolve's filters read) -> the documents showing them:
    # a matched pair of classes joins their documents once, however many documents show them.
    Classes = dict[str, dict[tuple[Any, ...], list[int]]]
    subj: Classes = {}
    whole_t: Classes = {}
    for i, d in enumerate(docs):
        for t in d.titles:
            cls = t[2:]  # proposal, kind, celex
            subj.setdefault(t[0], {}).setdefault(cls, []).append(i)
            whole_t.setdefault(t[0], {}).setdefault(cls, []).append(i)
            whole_t.setdefault(t[1], {}).setdefault(cls, []).append(i)
    # title queries: probes (not whole) and proposal titles with a kind
    probe_q: Classes = {}
    whole_q: Classes = {}
    prop_q: Classes = {}
    for i, d in enumerate(docs):
        for p in d.probes:
            (whole_q if p[1] else probe_q).setdefault(p[0], {}).setdefault(p[2:], []).append(i)
        for t in d.titles:
            if t[2] and t[3]:
                prop_q.setdefault(t[0], {}).setdefault(t[2:], []).append(i)
    joined: set[tuple[Any, ...]] = set()

    def one(members: list[int], *tag: Any) -> int:
        """The members of one class joined (once), and their first."""
        if tag not in joined:
            joined.add(tag)
            for i in members[1:]:
                uf.union(members[0], i)
        return members[0]

    def probe_fits(p: tuple[Any, ...], t: tuple[Any, ...]) -> bool:
        # (proposal, kind) of a probe, (proposal, kind, celex) of a title
        return p[0] == t[0] and not (p[1] and t[1] and p[1] != t[1])

    pairs = state.titles.update(set(probe_q) | set(prop_q), set(subj))
    for q, found in pairs.items():
        pcs, rcs = probe_q.get(q, {}), prop_q.get(q, {})
        for t_text in found:
            for tc, tdocs in subj[t_text].items():
                for pc, pdocs in pcs.items():
                    if probe_fits(pc, tc):
                        i = one(pdocs, "probe", q, pc)
                        uf.union(i, one(tdocs, "title", t_text, tc))
                        join(i, f"act:{act_key(tc[2])}")
                for rc, rdocs in rcs.items():
                    if not tc[0] and rc[1] in actmod.celex_kinds(tc[2]):
                        i = one(rdocs, "prop", q, rc)
                        uf.union(i, one(tdocs, "title", t_text, tc))
                        join(i, f"act:{act_key(rc[2])}")
                        join(i, f"act:{act_key(tc[2])}")
    pairs = state.whole.update(set(whole_q), set(whole_t))
    for q, found in pairs.items():
        pcs = whole_q[q]
        for t_text in found:
            for tc, tdocs in whole_t[t_text].items():
                for pc, pdocs in pcs.items():
                    if probe_fits(pc, tc):
                        i = one(pdocs, "whole", q, pc)
                        uf.union(i, one(tdocs, "wtitle", t_text, tc))
                        join(i, f"act:{act_key(tc[2])}")
    labels = state.labels
    labels.update(
        {la for d in docs for la in d.labels}, {la for d in docs for la in d.act_labels}
    )
    for i, d in enumerate(docs):
        for la in d.labels:
            join(i, f"label:{labels.find(la)}")
        for la in d.act_labels:
            join(i, f"label:{labels.find(la)}")

    groups: dict[int, list[str]] = {}
    for i, d in enumerate(docs):
        groups.setdefault(uf.find(i), []).append(d.path)
    return [tuple(g) for _, g in sorted(groups.items())]


def link_sharded_all(
    extractions: Sequence[Extraction], facts: Mapping[str, DocumentFacts] | None = None
) -> Timeline:
    """:func:`timeline.link.link` shard by shard, all in memory (the same timeline)."""
    from timeline.link.facts import facts_by_path

    known = facts_by_path(extractions, dict(facts or {}))
    by_path = {x.document.path: x for x in extractions}
    shards = partition(doc_keys(x, known[x.document.path]) for x in extractions)
    return combine(
        link_part([by_path[p] for p in shard], {p: known[p] for p in shard}) for shard in shards
    )


#: The memo key of the string joins (:class:`JoinState`).
STATE_KEY = f"link-joins:{VERSION}"
#: The memo keys of linked parts start with this.
PART_PREFIX = f"link-part:{VERSION}:"
#: The memo keys of the states of linked parts (:class:`~timeline.link.linker.PartState`)
#: start with this, then the part's key without :data:`PART_PREFIX`.
RELINK_PREFIX = f"link-relink:{VERSION}:"
#: Documents a shard has at least for its state to be kept: a rebuild that adds a document
#: to it links the added one against the state (:func:`~timeline.link.linker.relink_part`)
#: instead of reading and linking every document again.
RELINK_MIN_DOCS = 128


def part_key(shard: Sequence[str], versions: Mapping[str, str]) -> str:
    """The memo key of a shard's linked part: its documents and what each is (``versions``:
    path -> the document's cache key, which covers its content and the engine)."""
    digest = hashlib.sha256()
    for path in sorted(shard):
        digest.update(f"{path}\x1f{versions[path]}\x1e".encode("utf-8", "surrogatepass"))
    return PART_PREFIX + digest.hexdigest()


def encode_part(part: LinkedPart) -> bytes:
    """A linked part as bytes for the memo: plain tuples pickled (unpickling frozen slotted
    dataclasses goes through ``__setstate__`` field by field, several times slower than
    building them again)."""
    data = (
        VERSION,
        [entry_row(e) for e in part.entries],
        [_flat(d) for d in part.documents],
        part.dossiers,
        part.open_plans,
        part.corrections,
        [_flat(m) for m in sorted(part.title_matches, key=repr)],
        [_flat(r) for r in part.relations],
        {k: list(c.items()) for k, c in part.mentions.items()},
        part.titles,
    )
    return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


def decode_entries(data: bytes) -> tuple[Entry, ...]:
    """The entries of a part :func:`encode_part` wrote, alone (its documents, relations,
    mentions and matches are not made); ValueError for another version."""
    return tuple(entry_of_row(e) for e in entry_rows(data))


def entry_rows(data: bytes) -> list[tuple[Any, ...]]:
    """The entries of a part :func:`encode_part` wrote as it stores them (:func:`entry_row`),
    no object made: :func:`_relink` makes only those of the groups it keeps; ValueError for
    another version or anything else than a list of tuples."""
    version, entries, *_ = _plain_loads(data)
    if version != VERSION:
        raise ValueError(f"a linked part of version {version!r}, not {VERSION}")
    if type(entries) is not list or not all(type(e) is tuple for e in entries):
        raise ValueError("not a linked part's entries")
    return entries


def decode_part(data: bytes) -> LinkedPart:
    """The inverse of :func:`encode_part`; raises ValueError for another version."""
    (version, entries, documents, dossiers, open_plans, corrections, matches, relations,
     mentions, titles) = _plain_loads(data)
    if version != VERSION:
        raise ValueError(f"a linked part of version {version!r}, not {VERSION}")
    return LinkedPart(
        documents=tuple(Document(*d) for d in documents),
        entries=tuple(entry_of_row(e) for e in entries),
        dossiers=dossiers,
        open_plans=open_plans,
        corrections=corrections,
        title_matches=frozenset(actmod.TitleMatch(*m) for m in matches),
        relations=tuple(actmod.ActRelation(*r) for r in relations),
        mentions={k: Counter(dict(c)) for k, c in mentions.items()},
        titles=titles,
    )


_flat = linker.fields_of
#: An entry as plain tuples and back (the memo's linked parts and stored timelines).
entry_row = linker.entry_row
entry_of_row = linker.entry_of_row


#: Pieces of rows a kept state is stored in at most (:func:`encode_relink`); past it they are
#: pickled again as one.
RELINK_PIECES = 16


def encode_relink(
    state: linker.PartState,
    shard: Sequence[str],
    versions: Mapping[str, str],
    splice: tuple[tuple[bytes, ...], frozenset[str]] | None = None,
) -> bytes:
    """A part's state for the memo, with its documents and their versions: plain data
    pickled, the state itself pickled apart so that finding a state to start from reads only
    the documents (:func:`relink_documents`).

    Its rows are stored in pieces, each pickled apart and in path order. With ``splice`` (the
    pieces of the stored state this one was relinked from, :func:`relink_pieces`, and the
    paths added to it), those pieces are kept as they are and the added documents' rows make
    one more: a relinked part does not pickle its thousands of stored rows again."""
    dumps = pickle.dumps
    if splice is not None and len(splice[0]) < RELINK_PIECES:
        pieces, added = splice
        rows = tuple(r for r in state.rows if r[0][0] in added)
        pieces = (*pieces, dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
    else:
        pieces = (dumps(state.rows, protocol=pickle.HIGHEST_PROTOCOL),)
    inner = dumps(
        (VERSION, pieces, state.lookups, state.misprints, state.finish),
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    docs = tuple(sorted((p, versions[p]) for p in shard))
    return pickle.dumps((VERSION, docs, inner), protocol=pickle.HIGHEST_PROTOCOL)


def relink_documents(data: bytes) -> tuple[tuple[tuple[str, str], ...], bytes]:
    """The (path, version) of the documents of a state :func:`encode_relink` wrote, and the
    state still encoded (:func:`decode_relink`); ValueError when it is not one."""
    try:
        version, docs, inner = _plain_loads(data)
        if version != VERSION or type(docs) is not tuple or type(inner) is not bytes:
            raise ValueError("not a part's state")
        return docs, inner
    except ValueError:
        raise
    except Exception as exc:  # damaged or foreign: the part is linked whole
        raise ValueError(f"not a part's state ({type(exc).__name__})") from None


def relink_pieces(inner: bytes) -> tuple[bytes, ...]:
    """The pieces of rows of a state :func:`relink_documents` left encoded (what
    :func:`encode_relink` splices); ValueError when it is not one."""
    try:
        pieces = _plain_loads(inner)[1]
    except Exception as exc:  # damaged or foreign
        raise ValueError(f"not a part's state ({type(exc).__name__})") from None
    if type(pieces) is not tuple or not all(type(p) is bytes for p in pieces):
        raise ValueError("not a part's state")
    return pieces


def decode_relink(inner: bytes) -> linker.PartState:
    """The state :func:`relink_documents` left encoded; ValueError when it is not one."""
    try:
        version, pieces, lookups, misprints, *more = _plain_loads(inner)
        if version != VERSION or type(pieces) is not tuple or type(lookups) is not frozenset:
            raise ValueError("not a part's state")
        if pieces and all(type(p) is bytes for p in pieces):
            parts = [_plain_loads(p) for p in pieces]
            if not all(type(p) is tuple for p in parts):
                raise ValueError("not a part's state")
            rows = (
                parts[0] if len(parts) == 1
                else tuple(sorted((r for p in parts for r in p), key=lambda r: r[0][0]))
            )
        else:  # kept whole (before the rows were stored in pieces)
            rows = pieces
        finish = more[0] if more else None  # none in a state kept before it was
        if finish is not None and not (
            type(finish) is tuple and len(finish) in (3, 4)
            and all(type(f) is tuple for f in finish[:3])
        ):
            raise ValueError("not a part's state")
        if finish is not None and len(finish) == 3:  # kept before its label families were
            finish = (*finish, None)
        if finish is not None and finish[3] is not None and not (
            type(finish[3]) is tuple
            and all(
                type(f) is tuple and len(f) == 2 and type(f[0]) is str and type(f[1]) is str
                for f in finish[3]
            )
        ):
            raise ValueError("not a part's state")
        return linker.PartState(rows, lookups, misprints, finish)
    except ValueError:
        raise
    except Exception as exc:  # damaged or foreign: the part is linked whole
        raise ValueError(f"not a part's state ({type(exc).__name__})") from None


class _PlainLoader(pickle.Unpickler):
    """Unpickles plain data only (tuples, lists, dicts, sets, strings, numbers, None): any
    class or function a pickle names is refused, so a memo read from a cache file, which may
    have been planted, cannot make the build import or call anything."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"a memo entry names {module}.{name}")


def plain_loads(data: bytes) -> Any:
    """What :func:`pickle.dumps` of plain data wrote, refusing any class or function a pickle
    names (:class:`_PlainLoader`): safe on bytes read from a file others may write."""
    return _PlainLoader(io.BytesIO(data)).load()


_plain_loads = plain_loads


def encode_state(state: JoinState) -> bytes:
    """The join state as plain data pickled (:func:`decode_state` reads it back)."""

    def join(j: _Join) -> tuple[Any, ...]:
        return (j.floor, j.queries, j.targets, j.pairs, j.compared, j.changes)

    f = state.labels
    data = (
        state.version, join(state.titles), join(state.whole),
        (f.floor, f.parent, f.queries, f.targets, f.compared, f.changes),
    )
    return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


def decode_state(data: bytes) -> JoinState:
    """The inverse of :func:`encode_state`; ValueError for anything else (another version,
    damage, a foreign value)."""
    try:
        version, titles, whole, labels = _plain_loads(data)

        def join(t: tuple[Any, ...], floor: float) -> _Join:
            got, queries, targets, pairs, compared, changes = t
            if got != floor or not (
                isinstance(queries, set) and isinstance(targets, set) and isinstance(pairs, dict)
                and all(isinstance(v, set) for v in pairs.values())
            ):
                raise ValueError("not a string join")
            return _Join(floor, queries, targets, pairs, int(compared), int(changes))

        fresh = JoinState()
        floor, parent, queries, targets, compared, changes = labels
        if floor != fresh.labels.floor or not (
            isinstance(parent, dict) and isinstance(queries, set) and isinstance(targets, set)
        ):
            raise ValueError("not label families")
        state = JoinState(
            version,
            join(titles, fresh.titles.floor),
            join(whole, fresh.whole.floor),
            _Families(floor, parent, queries, targets, int(compared), int(changes)),
        )
    except ValueError:
        raise
    except Exception as exc:  # damaged or foreign: the caller starts afresh
        raise ValueError(f"not a join state ({type(exc).__name__})") from None
    if version != VERSION:
        raise ValueError(f"a join state of version {version!r}, not {VERSION}")
    return state


def load_state(memo: Mapping[str, bytes] | None) -> JoinState:
    """The join state a memo keeps, or a new one (none, unreadable, foreign or of another
    version: a damaged cache entry is rebuilt, never trusted)."""
    if memo is not None:
        data = memo.get(STATE_KEY)
        if data is not None:
            try:
                return decode_state(data)
            except ValueError:
                pass
    return JoinState()


#: Documents a :func:`link_sharded` call links at least for it to link some shards in a second
#: process (with ``jobs`` > 1): below, forking costs more than it saves.
PARALLEL_LINK_DOCS = 2000

#: The shards' extractions and facts a forked process links (:func:`_link_forked`).
_FORKED: list[tuple[Sequence[Extraction], Mapping[str, DocumentFacts]]] = []


def _link_forked() -> list[tuple[bytes, linker.PartState | None]]:
    """The linked parts of the shards in :data:`_FORKED`, encoded (:func:`encode_part`), and
    the states of those of :data:`RELINK_MIN_DOCS` documents or more: the work of the process
    :func:`link_sharded` forks."""
    out = []
    for xs, fs in _FORKED:
        keep: list[linker.PartState] | None = [] if len(xs) >= RELINK_MIN_DOCS else None
        part = encode_part(link_part(xs, fs, keep=keep))
        out.append((part, keep[0] if keep else None))
    return out


def _share(shards: Sequence[Sequence[str]], todo: Sequence[int]) -> list[int]:
    """The shards (indices into ``shards``, among ``todo``) a second process links so that it
    and this one link about as many documents: the largest stays here, each next largest goes
    to the lighter side."""
    order = sorted(todo, key=lambda i: (-len(shards[i]), i))
    if len(order) < 2:
        return []
    here, away = len(shards[order[0]]), 0
    out: list[int] = []
    for i in order[1:]:
        if away < here:
            away += len(shards[i])
            out.append(i)
        else:
            here += len(shards[i])
    return sorted(out)


class _Relinks:
    """The states of linked parts kept in a memo (:data:`RELINK_PREFIX`): which one a shard
    can start from, storing new ones, deleting those of parts gone."""

    def __init__(self, memo: MutableMapping[str, bytes], versions: Mapping[str, str]) -> None:
        self.memo = memo
        self.versions = versions
        self._docs: dict[str, tuple[tuple[tuple[str, str], ...], bytes]] | None = None

    def _stored(self) -> dict[str, tuple[tuple[tuple[str, str], ...], bytes]]:
        if self._docs is None:
            self._docs = {}
            for key in [k for k in self.memo if k.startswith(RELINK_PREFIX)]:
                try:
                    self._docs[key] = relink_documents(self.memo[key])
                except (KeyError, ValueError):  # damaged or foreign: not used, deleted
                    del self.memo[key]
        return self._docs

    def base(self, shard: Sequence[str]) -> tuple[str, tuple[tuple[str, str], ...], bytes] | None:
        """The largest stored state whose documents are all in ``shard`` as they were (same
        versions), with fewer documents than it: (memo key, documents, encoded state)."""
        members = set(shard)
        versions = self.versions
        best = None
        for key, (docs, inner) in self._stored().items():
            if len(docs) >= len(members) or (best is not None and len(docs) <= len(best[1])):
                continue
            if all(p in members and versions.get(p) == v for p, v in docs):
                best = (key, docs, inner)
        return best

    def store(
        self,
        part: str,
        shard: Sequence[str],
        state: linker.PartState,
        splice: tuple[tuple[bytes, ...], frozenset[str]] | None = None,
    ) -> None:
        key = RELINK_PREFIX + part[len(PART_PREFIX) :]
        self.memo[key] = encode_relink(state, shard, self.versions, splice)

    def sweep(self, parts: set[str]) -> None:
        """Delete the states of parts not in ``parts`` (memo keys of the current parts)."""
        current = {RELINK_PREFIX + p[len(PART_PREFIX) :] for p in parts}
        for stale in [k for k in self.memo if k.startswith(RELINK_PREFIX) and k not in current]:
            del self.memo[stale]


def _relink(
    shard: Sequence[str],
    base: tuple[str, tuple[tuple[str, str], ...], bytes],
    load: Callable[[list[str]], tuple[Sequence[Extraction], Mapping[str, DocumentFacts]]],
    keep: list[linker.PartState] | None,
    previous: bytes | None = None,
) -> LinkedPart | None:
    """A shard linked from a stored part's state (:func:`~timeline.link.linker.relink_part`),
    reading only the documents not in it; None when the state cannot be used (the shard is
    then linked whole). ``previous`` is the part kept with the state (:func:`encode_part`),
    whose entries the groups the added documents cannot change keep."""
    _, docs, inner = base
    known = {p for p, _ in docs}
    added = sorted(p for p in shard if p not in known)
    if len(added) > min(
        linker.RELINK_DOCS, max(1, int(len(docs) * linker.RELINK_SHARE))
    ):
        return None
    try:
        state = decode_relink(inner)
    except ValueError:
        return None
    before = None
    if previous is not None and state.finish is not None:
        try:
            before = entry_rows(previous)
        except Exception:  # damaged or older: every group is made again
            before = None
    extractions, facts = load(added)
    return linker.relink_part(state, extractions, facts, keep=keep, previous_rows=before)


def link_sharded(
    keys: Mapping[str, DocKeys],
    load: Callable[[list[str]], tuple[Sequence[Extraction], Mapping[str, DocumentFacts]]],
    *,
    memo: MutableMapping[str, bytes] | None = None,
    versions: Mapping[str, str] | None = None,
    state: JoinState | None = None,
    jobs: int = 1,
) -> Timeline:
    """:func:`timeline.link.link` of the documents of ``keys`` (path -> :func:`doc_keys`), one
    shard at a time: ``load(paths)`` gives a shard's extractions and facts (the build reads
    them from its cache), so only one shard's events are in memory with the linked entries.

    With ``memo`` and ``versions`` (path -> the document's cache key), each shard's linked
    part is kept in ``memo`` (pickled) under its documents' keys and reused while they are
    the same; parts of shards that are gone are deleted, and the string joins are kept too.

    With ``jobs`` > 1 and at least :data:`PARALLEL_LINK_DOCS` documents to link, a forked
    process links about half of them (the shards :func:`_share` picks, loaded before it
    starts, so ``load`` is only ever called here) while this one links the others; its parts
    come back encoded, as the memo keeps them, so the result is the same.
    """
    global _FORKED
    if state is None:
        state = load_state(memo)
    size = state.size()
    found = partition(keys.values(), state)
    if memo is not None and (
        state.size() != size or (STATE_KEY not in memo and state.compared)
    ):  # changed here, or made ahead (:class:`JoinsAhead`) and not kept yet
        memo[STATE_KEY] = encode_state(state)
    parts: list[LinkedPart | None] = []
    part_keys: list[str | None] = []
    used: set[str] = set()
    todo: list[int] = []
    for i, shard in enumerate(found):
        key = part_key(shard, versions) if memo is not None and versions is not None else None
        part = None
        if key is not None and memo is not None:
            used.add(key)
            data = memo.get(key)
            if data is not None:
                try:
                    part = decode_part(data)
                except Exception:  # a damaged or older cache entry is linked again
                    part = None
        if part is None:
            todo.append(i)
        parts.append(part)
        part_keys.append(key)
    relinks = _Relinks(memo, versions) if memo is not None and versions is not None else None
    # a shard with a state to start from (a stored part's, every document of it in the shard
    # as it was) links its other documents against it, here
    bases: dict[int, tuple[str, tuple[tuple[str, str], ...], bytes]] = {}
    if relinks is not None:
        for i in todo:
            if len(found[i]) >= RELINK_MIN_DOCS:
                base = relinks.base(found[i])
                if base is not None:
                    bases[i] = base
    away: list[int] = []  # shards the forked process links
    rest = [i for i in todo if i not in bases]
    if jobs > 1 and sum(len(found[i]) for i in rest) >= PARALLEL_LINK_DOCS:
        away = _share(found, rest)
    loaded = [load(list(found[i])) for i in away]
    collect = None
    if loaded:
        from timeline.parallel import fork_call

        _FORKED = loaded
        try:
            collect = fork_call(_link_forked)
        finally:
            _FORKED = []

    def keep(
        i: int,
        part: LinkedPart,
        data: bytes | None = None,
        states: list[linker.PartState] | None = None,
        splice: tuple[tuple[bytes, ...], frozenset[str]] | None = None,
    ) -> None:
        parts[i] = part
        key = part_keys[i]
        if key is not None and memo is not None:
            memo[key] = data if data is not None else encode_part(part)
            if relinks is not None and states:
                relinks.store(key, found[i], states[0], splice)

    def states(i: int) -> list[linker.PartState] | None:
        return [] if relinks is not None and len(found[i]) >= RELINK_MIN_DOCS else None

    elsewhere = set(away)
    try:
        for i in todo:
            if i in elsewhere and collect is not None:
                continue
            kept = states(i)
            if i in bases:
                before = (
                    memo.get(PART_PREFIX + bases[i][0][len(RELINK_PREFIX) :])
                    if memo is not None
                    else None
                )
                part = _relink(found[i], bases[i], load, kept, before)
                if part is not None:
                    known = {p for p, _ in bases[i][1]}
                    try:  # the stored rows kept as stored, the added ones pickled apart
                        splice = (
                            relink_pieces(bases[i][2]),
                            frozenset(p for p in found[i] if p not in known),
                        )
                    except ValueError:
                        splice = None
                    keep(i, part, states=kept, splice=splice)
                    continue
                kept = states(i)
            if i in elsewhere:  # no process could be forked: linked here
                extractions, facts = loaded[away.index(i)]
            elif len(found[i]) > linker.STREAM_DOCS:  # read a group at a time (records let go)
                keep(i, link_part_streamed(list(found[i]), load, keep=kept), states=kept)
                continue
            else:
                extractions, facts = load(list(found[i]))
            keep(i, link_part(extractions, facts, keep=kept), states=kept)
            del extractions, facts
    finally:
        encoded = None
        if collect is not None:
            try:
                encoded = collect()
            except Exception:  # the process failed or died: its shards are linked here
                encoded = None
    if collect is not None:
        for n, i in enumerate(away):
            if encoded is not None:
                data, made = encoded[n]
                keep(i, decode_part(data), data, [made] if made is not None else None)
            else:
                kept = states(i)
                keep(i, link_part(*loaded[n], keep=kept), states=kept)
    del loaded
    if memo is not None and versions is not None:
        for stale in [k for k in memo if k.startswith(PART_PREFIX) and k not in used]:
            del memo[stale]
        if relinks is not None:
            relinks.sweep(used)
    linked = [p for p in parts if p is not None]
    if len(linked) != len(parts):
        raise AssertionError("a shard left unlinked")
    return combine(linked)
