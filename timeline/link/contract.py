"""Read the EVENTS.md contract back into model objects (:func:`extraction_from_dict`).

``timeline extract`` prints one document object per document; the gold files of the corpus hold
the same shape. Linking works on :class:`~timeline.model.Extraction` objects, so both can be
linked: extracted events, or gold ones.
"""

from __future__ import annotations

from typing import Any

import regex

from timeline.errors import GoldError
from timeline.model import ActRef, Amount, Document, Event, Extraction, Timex

_SENTENCE_END = regex.compile(r"(?:[.!?»”\"]\s)|\n\s*\n|\n(?=\S)")


def _span(value: Any) -> tuple[int, int] | None:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        try:
            return int(value[0]), int(value[1])
        except (TypeError, ValueError):
            return None
    return None


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence (or line) holding ``text[start:end]``."""
    lo = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        lo = m.end()
    m = _SENTENCE_END.search(text, end)
    hi = m.start() + 1 if m else len(text)
    hi = min(hi, len(text))
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


def _find_timex(text: str, needle: str, hint: int | None) -> tuple[int, int] | None:
    """Where ``needle`` occurs in ``text``: the occurrence nearest ``hint`` (else the first)."""
    if not needle:
        return None
    starts = [m.start() for m in regex.finditer(regex.escape(needle), text)]
    if not starts:
        return None
    if hint is None:
        return starts[0], starts[0] + len(needle)
    best = min(starts, key=lambda s: (abs(s - hint), s))
    return best, best + len(needle)


def extraction_from_dict(d: dict[str, Any], *, text: str | None = None) -> Extraction:
    """One document object of EVENTS.md (with the project's added fields) as an Extraction.

    ``text`` is the document's text when known: timex spans missing from the object are then
    found in it, and each event's sentence span is the sentence around its timex.
    Raises :class:`~timeline.errors.GoldError` when the object is not in the contract's shape.
    """
    if not isinstance(d, dict) or not isinstance(d.get("document"), dict):
        raise GoldError("not a document object of EVENTS.md: no 'document' object")
    doc_d = d["document"]
    path = str(doc_d.get("path") or "")
    if not path:
        raise GoldError("document object without a 'path'")
    body = text or ""
    language = doc_d.get("language")
    document = Document(
        path=path,
        text=body,
        title=doc_d.get("title"),
        language=language,
        date=doc_d.get("date"),
        reference=doc_d.get("reference"),
        url=doc_d.get("url"),
        kind=doc_d.get("kind"),
        dossier=doc_d.get("dossier"),
        parallel=doc_d.get("parallel"),
    )
    events: list[Event] = []
    for i, e in enumerate(d.get("events") or []):
        if not isinstance(e, dict) or "type" not in e:
            raise GoldError(f"{path}: event {i} is not an event object (no 'type')")
        timex = None
        tx = e.get("timex")
        prov: dict[str, Any] = e["provenance"] if isinstance(e.get("provenance"), dict) else {}
        if isinstance(tx, dict) and tx.get("text") is not None:
            span = _span(tx.get("span"))
            if span is None and body:
                span = _find_timex(body, str(tx["text"]), None)
            if span is None:
                span = (0, 0)
            timex = Timex(
                start=span[0],
                end=span[1],
                text=str(tx["text"]),
                type="DATE",
                value=str(tx.get("value") or ""),
                rule=str(prov.get("timex_rule") or ""),
                language=language or "",
            )
        sentence = _span(prov.get("sentence_span"))
        if (
            (sentence is None or sentence == (0, 0))
            and body
            and timex is not None
            and timex.end > 0
        ):
            sentence = sentence_around(body, timex.start, timex.end)
        acts = tuple(
            ActRef(a.get("celex"), str(a.get("label") or ""), _span(a.get("span")), a.get("kind"))
            for a in e.get("acts") or []
            if isinstance(a, dict)
        )
        amounts = tuple(
            Amount(
                float(a.get("value") or 0), str(a.get("currency") or ""), str(a.get("text") or "")
            )
            for a in e.get("amounts") or []
            if isinstance(a, dict)
        )
        events.append(
            Event(
                date=e.get("date"),
                precision=str(
                    e.get("precision") or ("unknown" if e.get("date") is None else "day")
                ),
                earliest=e.get("earliest"),
                latest=e.get("latest"),
                status=str(e.get("status") or "past"),
                type=str(e["type"]),
                acts=acts,
                procedures=tuple(str(p) for p in e.get("procedures") or []),
                actors=tuple(str(a) for a in e.get("actors") or []),
                summary=str(e.get("summary") or ""),
                timex=timex,
                sentence_span=sentence or (0, 0),
                rule=str(prov.get("rule") or ""),
                amounts=amounts,
                language=language or "",
                page=prov.get("page"),
            )
        )
    return Extraction(document=document, events=tuple(events))
