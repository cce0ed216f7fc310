"""What linking reads off a document's text, read once while the text is at hand.

Linking needs little of a text: the acts it names (with where and how), the titles those
mentions open, the relations between acts it states, the procedures its header names, and the
sentence each event quotes. :func:`document_facts` reads all of them in one pass per document,
so that a large build can drop each text as soon as its events are extracted (memory grows with
the number of events, not with the size of the texts), and a rebuild can take them from the
cache instead of reading every text again. ``link`` and ``build_graph`` given the facts of every
document give exactly what they give reading the texts themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from timeline.link import acts as actmod
from timeline.link.acts import ActMention, ActRelation, ParsedTitle
from timeline.model import Event, Extraction

#: Bump when what :func:`document_facts` reads changes (cached facts of older versions are
#: not used: the cache's engine version covers code changes, this covers the format).
VERSION = 1


@dataclass(frozen=True, slots=True)
class Quote:
    """The sentence an event quotes, and where it is in the text ((0, 0) when unknown)."""

    text: str
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class DocumentFacts:
    """What linking needs of one document's text."""

    path: str
    mentions: tuple[ActMention, ...]  # every act the text names, left to right
    titles: tuple[tuple[str, str, ParsedTitle], ...]  # (celex, title, parsed) read off the text
    relations: tuple[ActRelation, ...]  # what the text states between acts
    header_procedures: tuple[str, ...]  # procedures named by reference, title and head of text
    head_procedures: tuple[str, ...]  # procedures named in the head of the text alone
    quotes: tuple[Quote, ...]  # one per event, in event order


def _quote(text: str, event: Event) -> Quote:
    lo, hi = event.sentence_span
    if text and 0 <= lo < hi <= len(text):
        return Quote(text[lo:hi], (lo, hi))
    return Quote(event.summary, (0, 0))


def text_titles(
    text: str, mentions: Iterable[ActMention], language: str | None
) -> list[tuple[str, str, ParsedTitle]]:
    """Titles that act mentions open in running text ("Décision-cadre 2004/68/JAI du Conseil du
    22 décembre 2003 relative à ..."), kept when they read like a title's subject."""
    out = []
    for mention in mentions:
        line_end = text.find("\n", mention.end)
        line_end = len(text) if line_end < 0 else line_end
        tail = text[mention.end : min(line_end, mention.end + 400)]
        full = mention.text + tail
        parsed = actmod.parse_title(full, language, max_subject_at=len(mention.text) + 120)
        # running text is noisy: keep subjects that read like a title's
        if (
            parsed.subject
            and len(parsed.subject.split()) >= 4
            and not any(map(str.isdigit, parsed.subject))
        ):
            out.append((mention.celex, full.strip(), parsed))
    return out


def document_facts(extraction: Extraction) -> DocumentFacts:
    """Read the facts of one extraction's document (its text must still be there)."""
    doc = extraction.document
    text = doc.text or ""
    mentions = tuple(actmod.find_acts(text))
    head = "\n".join(t for t in (doc.reference, doc.title, text[: actmod.HEAD_ZONE]) if t)
    return DocumentFacts(
        path=doc.path,
        mentions=mentions,
        titles=tuple(text_titles(text, mentions, doc.language)),
        relations=tuple(actmod.find_relations(doc)),
        header_procedures=tuple(sorted({p for _, _, p in actmod.find_procedures(head)})),
        head_procedures=tuple(p for _, _, p in actmod.find_procedures(text[: actmod.HEAD_ZONE])),
        quotes=tuple(_quote(text, e) for e in extraction.events),
    )


def facts_by_path(
    extractions: Iterable[Extraction], facts: dict[str, DocumentFacts] | None = None
) -> dict[str, DocumentFacts]:
    """The facts of every extraction: those given, the others read off the texts."""
    out = dict(facts or {})
    for x in extractions:
        if x.document.path not in out:
            out[x.document.path] = document_facts(x)
    return out


def without_text(extraction: Extraction) -> Extraction:
    """The extraction without its text and time expressions: what the outputs need besides
    the facts (events, document metadata)."""
    return Extraction(replace(extraction.document, text=""), extraction.events, ())


# --- as JSON (the cache keeps them) ----------------------------------------------------------


def facts_to_json(facts: DocumentFacts) -> dict[str, Any]:
    """The facts as JSON-ready data."""

    def parsed(p: ParsedTitle) -> list[Any]:
        return [p.subject, p.proposal, p.kind, p.raw_subject]

    return {
        "version": VERSION,
        "path": facts.path,
        "mentions": [[m.start, m.end, m.text, m.celex, m.kind, m.rule] for m in facts.mentions],
        "titles": [[c, t, parsed(p)] for c, t, p in facts.titles],
        "relations": [
            [r.source, r.relation, r.target, r.document, list(r.span), r.quote, r.rule]
            for r in facts.relations
        ],
        "header_procedures": list(facts.header_procedures),
        "head_procedures": list(facts.head_procedures),
        "quotes": [[q.text, list(q.span)] for q in facts.quotes],
    }


def facts_from_json(data: dict[str, Any]) -> DocumentFacts:
    """The inverse of :func:`facts_to_json`; raises ValueError for another version."""
    if data.get("version") != VERSION:
        raise ValueError(f"facts of version {data.get('version')!r}, not {VERSION}")
    return DocumentFacts(
        path=data["path"],
        mentions=tuple(ActMention(*m) for m in data["mentions"]),
        titles=tuple((c, t, ParsedTitle(*p)) for c, t, p in data["titles"]),
        relations=tuple(
            ActRelation(s, rel, t, d, (span[0], span[1]), q, rule)
            for s, rel, t, d, span, q, rule in data["relations"]
        ),
        header_procedures=tuple(data["header_procedures"]),
        head_procedures=tuple(data["head_procedures"]),
        quotes=tuple(Quote(text, (span[0], span[1])) for text, span in data["quotes"]),
    )


def facts_key(extraction: Extraction, engine: str) -> str:
    """What the facts of an extraction depend on: the engine, the document's text and
    metadata, and where its events' sentences are."""
    import hashlib

    doc = extraction.document
    digest = hashlib.sha256(f"{engine}\x1f{VERSION}".encode())
    for value in (doc.path, doc.language, doc.title, doc.reference, doc.date):
        digest.update(b"\x1f" + (value or "").encode("utf-8", "surrogatepass"))
    digest.update(b"\x1e" + (doc.text or "").encode("utf-8", "surrogatepass"))
    for e in extraction.events:
        digest.update(f"\x1d{e.sentence_span}\x1f{e.summary}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()
