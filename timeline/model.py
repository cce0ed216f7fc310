"""The data model shared by every pipeline stage: frozen, slotted dataclasses.

Each stage reads the objects of the stage before it and returns new ones; nothing is mutated.

    load      -> Document
    temporal  -> Timex
    events    -> Event (with ActRef, Amount)
    pipeline  -> Extraction (one document and its events: the EVENTS.md contract)
    link      -> Timeline (Entry, Source, Dossier)

The contract of ``timeline extract --format json`` (../shared/spec/EVENTS.md) is produced by
:meth:`Extraction.to_dict`; fields may be added there but never renamed or repurposed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Precision = Literal["day", "month", "quarter", "half", "year", "unknown"]
Status = Literal["past", "ongoing", "planned"]

#: Every event type of the contract, in the order of EVENTS.md.
EVENT_TYPES: tuple[str, ...] = (
    "announcement",
    "consultation",
    "proposal",
    "opinion",
    "referral",
    "debate",
    "vote",
    "agreement",
    "adoption",
    "signature",
    "publication",
    "entry_into_force",
    "application",
    "transposition_deadline",
    "deadline",
    "report",
    "repeal",
    "funding",
    "launch",
    "meeting",
    "other",
)
STATUSES: tuple[str, ...] = ("past", "ongoing", "planned")
PRECISIONS: tuple[str, ...] = ("day", "month", "quarter", "half", "year", "unknown")


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded document: its extracted text and what is known about it.

    ``text`` is the extracted text that every character offset refers to. ``pages`` holds the
    offset at which each page starts (PDF), so an offset can be mapped to a page number.
    """

    path: str
    text: str
    title: str | None = None
    language: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD, the document's own date (TimeML DCT)
    reference: str | None = None
    url: str | None = None
    kind: str | None = None
    dossier: str | None = None
    parallel: str | None = None
    source_format: str = "text"  # text | markdown | html | pdf | timeml
    pages: tuple[int, ...] = ()
    #: where each metadata field came from: "sidecar", "front-matter", "html-meta", "text", "cli"...
    provenance: tuple[tuple[str, str], ...] = ()

    def page_of(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``, or None when the document has no pages."""
        if not self.pages:
            return None
        page = 0
        for i, start in enumerate(self.pages):
            if start <= offset:
                page = i
            else:
                break
        return page + 1


@dataclass(frozen=True, slots=True)
class Timex:
    """A time expression found in a text, with its TIMEX3 type and normalized value.

    ``value`` follows TimeML: ``2009-03-03``, ``2009-03``, ``2009-Q1``, ``2009-H2``, ``2009``,
    ``200`` (a decade), ``2009-SP`` (a season), ``PRESENT_REF``, ``FUTURE_REF``, ``PAST_REF``,
    ``P2Y`` (a duration), ``XXXX-03-03`` when it could not be anchored. For a range
    ("from 1 January to 30 June 2010", "15 and 16 October 1999") ``value`` is the first end and
    ``end_value`` the second.
    """

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str
    mod: str | None = None  # START | MID | END | APPROX | BEFORE | AFTER | ...
    rule: str = ""  # "<language>:<rule name>" of the rule that found it
    end_value: str | None = None
    language: str = ""


@dataclass(frozen=True, slots=True)
class ActRef:
    """A legal act or document an event is about; ``celex`` when it can be determined."""

    celex: str | None
    label: str
    span: tuple[int, int] | None = None
    kind: str | None = None  # directive | regulation | decision | framework_decision | com | ...


@dataclass(frozen=True, slots=True)
class Amount:
    """A sum of money attached to an event ("427 000 euros" -> 427000 EUR)."""

    value: float
    currency: str
    text: str
    span: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """One dated (or planned) step in the life of a policy or act, with its provenance."""

    date: str | None
    precision: str
    earliest: str | None
    latest: str | None
    status: str
    type: str
    acts: tuple[ActRef, ...]
    procedures: tuple[str, ...]
    actors: tuple[str, ...]
    summary: str
    timex: Timex | None
    sentence_span: tuple[int, int] = (0, 0)
    rule: str = ""  # the trigger rule that typed the event
    amounts: tuple[Amount, ...] = ()
    language: str = ""
    page: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The event in the shape of EVENTS.md, plus the project's additional fields."""
        out: dict[str, Any] = {
            "date": self.date,
            "precision": self.precision,
            "earliest": self.earliest,
            "latest": self.latest,
            "status": self.status,
            "type": self.type,
            "acts": [{"celex": a.celex, "label": a.label} for a in self.acts],
            "procedures": list(self.procedures),
            "actors": list(self.actors),
            "summary": self.summary,
            "timex": None,
        }
        if self.timex is not None:
            out["timex"] = {
                "text": self.timex.text,
                "value": self.timex.value,
                "span": [self.timex.start, self.timex.end],
            }
        # Additions allowed by the contract (never renamed or repurposed fields).
        out["amounts"] = [{"value": a.value, "currency": a.currency, "text": a.text} for a in self.amounts]
        out["provenance"] = {
            "sentence_span": list(self.sentence_span),
            "rule": self.rule,
            "timex_rule": self.timex.rule if self.timex is not None else None,
            "page": self.page,
        }
        return out


@dataclass(frozen=True, slots=True)
class Extraction:
    """One document and the events found in it: one object of ``timeline extract``."""

    document: Document
    events: tuple[Event, ...]
    timexes: tuple[Timex, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The document object of EVENTS.md."""
        d = self.document
        return {
            "document": {
                "path": d.path,
                "title": d.title,
                "language": d.language,
                "date": d.date,
                "reference": d.reference,
                "url": d.url,
            },
            "events": [e.to_dict() for e in self.events],
        }


# --- the linked timeline (stage 4 output, stage 5 input) -------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """One document's statement of a timeline entry."""

    document: str  # Document.path
    reference: str | None
    language: str | None
    url: str | None
    quote: str  # the sentence as written
    quote_span: tuple[int, int]  # offsets of the quote in the document's text
    timex_text: str | None
    timex_span: tuple[int, int] | None
    date: str | None  # the date this source gives
    page: int | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """A merged timeline entry: one event, however many documents tell it."""

    id: str  # content hash: stable across runs
    date: str | None
    precision: str
    earliest: str | None
    latest: str | None
    status: str
    type: str
    label: str  # short readable title: "Proposal COM(2009) 135 adopted"
    acts: tuple[ActRef, ...]
    procedures: tuple[str, ...]
    actors: tuple[str, ...]
    sources: tuple[Source, ...]
    dossier: str | None = None
    conflict: bool = False  # the sources disagree on the date
    realised_by: str | None = None  # for a planned entry: the id of the entry that realised it
    realises: str | None = None  # for an actual entry: the id of the plan it realised
    delay_days: int | None = None


@dataclass(frozen=True, slots=True)
class Dossier:
    """Connected acts and procedures, laid out as one lane of the timeline."""

    id: str
    name: str
    acts: tuple[str, ...]  # CELEX numbers
    procedures: tuple[str, ...]
    entries: tuple[str, ...]  # entry ids, in date order


@dataclass(frozen=True, slots=True)
class Timeline:
    """The assembled timeline of a corpus: what every renderer draws."""

    entries: tuple[Entry, ...]
    dossiers: tuple[Dossier, ...]
    documents: tuple[Document, ...] = ()
    open_plans: tuple[str, ...] = ()  # ids of planned entries never realised in the corpus
    title: str = "Policy timeline"
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
