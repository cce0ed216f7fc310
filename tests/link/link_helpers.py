"""Small builders of model objects for the linking tests."""

from __future__ import annotations

import json
from pathlib import Path

from timeline.link import extraction_from_dict
from timeline.model import ActRef, Document, Event, Extraction, Timex

#: The bundled corpus that ``timeline build`` links by default (stems of ../shared/corpus/dev).
BUNDLED = (
    "ip-09-342-fr ip-09-342-de ip-08-696-fr speech-09-84-en celex-32004f0068-en "
    "celex-32004f0068-de legissum-l33138-en legissum-l33138-fr legissum-l33138-de com-2000-854-fr "
    "com-2000-854-de senat-lc90-fr celex-52009pc0135-en parltrack-2009-0049-cns-en "
    "celex-52010pc0094-en ip-10-379-en eu-dk-kom-2010-0094-da celex-52010ae1173-en "
    "parltrack-2010-0064-cod-en celex-32011l0093-en celex-32011l0093-de celex-32011l0093-fr "
    "eumonitor-dir-2011-93-en"
).split()


def gold_extractions(
    dev: Path, stems: list[str] = BUNDLED, *, drop_celex: bool = False
) -> list[Extraction]:
    """The gold events of ``stems`` as Extractions, with their texts and titles.

    ``drop_celex`` blanks every CELEX number the annotators gave to an act named without its
    number (a title-only mention), as an extractor that cannot read titles would leave it.
    """
    out = []
    for stem in stems:
        d = json.loads((dev / f"{stem}.events.json").read_text(encoding="utf-8"))
        meta = json.loads((dev / f"{stem}.meta.json").read_text(encoding="utf-8"))
        if not d["document"].get("title"):
            d["document"]["title"] = meta.get("title")
        if drop_celex:
            for e in d["events"]:
                for a in e["acts"]:
                    if not any(ch.isdigit() for ch in a["label"]):
                        a["celex"] = None
        out.append(extraction_from_dict(d, text=(dev / f"{stem}.txt").read_text(encoding="utf-8")))
    return out


def doc(
    path: str,
    text: str = "",
    *,
    language: str = "en",
    date: str | None = None,
    reference: str | None = None,
    title: str | None = None,
) -> Document:
    return Document(
        path=path, text=text, title=title, language=language, date=date, reference=reference
    )


def event(
    etype: str,
    date: str | None,
    *,
    acts: tuple[tuple[str | None, str], ...] = (),
    procedures: tuple[str, ...] = (),
    status: str = "past",
    earliest: str | None = None,
    actors: tuple[str, ...] = (),
    precision: str | None = None,
    text: str = "",
) -> Event:
    if precision is None:
        precision = "unknown" if date is None else {4: "year", 7: "month"}.get(len(date), "day")
    timex = Timex(0, len(text), text, "DATE", date or "FUTURE_REF") if text else None
    return Event(
        date=date,
        precision=precision,
        earliest=earliest,
        latest=None,
        status=status,
        type=etype,
        acts=tuple(ActRef(c, label) for c, label in acts),
        procedures=procedures,
        actors=actors,
        summary=text or f"{etype} {date}",
        timex=timex,
        sentence_span=(0, len(text)) if text else (0, 0),
    )


def extraction(document: Document, *events: Event) -> Extraction:
    return Extraction(document=document, events=tuple(events))
