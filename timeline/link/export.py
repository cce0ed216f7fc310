"""The merged timeline as JSON (:func:`timeline_to_json`) and narrowed to one act,
procedure or dossier (:func:`select`)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from timeline.errors import UsageError
from timeline.link.acts import act_key, canonical_procedure, find_acts
from timeline.model import Entry, Source, Timeline


def _source(s: Source) -> dict[str, Any]:
    return {
        "document": s.document,
        "reference": s.reference,
        "language": s.language,
        "url": s.url,
        "quote": s.quote,
        "quote_span": list(s.quote_span),
        "timex_text": s.timex_text,
        "timex_span": list(s.timex_span) if s.timex_span else None,
        "date": s.date,
        "page": s.page,
    }


def entry_to_dict(e: Entry) -> dict[str, Any]:
    """One merged entry with all its sources."""
    out: dict[str, Any] = {
        "id": e.id,
        "date": e.date,
        "precision": e.precision,
        "earliest": e.earliest,
        "latest": e.latest,
        "status": e.status,
        "type": e.type,
        "label": e.label,
        "acts": [{"celex": a.celex, "label": a.label} for a in e.acts],
        "procedures": list(e.procedures),
        "actors": list(e.actors),
        "dossier": e.dossier,
        "conflict": e.conflict,
        "realised_by": e.realised_by,
        "realises": e.realises,
        "delay_days": e.delay_days,
        "sources": [_source(s) for s in e.sources],
    }
    if e.conflict:
        dates: dict[str, list[str]] = {}
        for s in e.sources:
            if s.date:
                dates.setdefault(s.date, []).append(s.document)
        out["dates_by_source"] = {d: sorted(set(v)) for d, v in sorted(dates.items())}
    return out


def timeline_to_dict(timeline: Timeline) -> dict[str, Any]:
    """The timeline as plain data: entries with all sources, dossiers, plans, documents."""
    return {
        "title": timeline.title,
        "entries": [entry_to_dict(e) for e in timeline.entries],
        "dossiers": [
            {
                "id": d.id,
                "name": d.name,
                "acts": list(d.acts),
                "procedures": list(d.procedures),
                "entries": list(d.entries),
            }
            for d in timeline.dossiers
        ],
        "open_plans": list(timeline.open_plans),
        "documents": [
            {
                "path": d.path,
                "title": d.title,
                "language": d.language,
                "date": d.date,
                "reference": d.reference,
                "url": d.url,
            }
            for d in sorted(timeline.documents, key=lambda d: d.path)
        ],
        "title_matches": timeline.extra.get("title_matches", []),
        "relations": timeline.extra.get("relations", []),
        "corrections": timeline.extra.get("corrections", []),
    }


def timeline_to_json(timeline: Timeline) -> str:
    """The timeline as deterministic JSON (sorted keys, UTF-8, trailing newline)."""
    return (
        json.dumps(timeline_to_dict(timeline), ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    )


def _act(value: str) -> str:
    found = find_acts(value)
    key = act_key(found[0].celex if found else value)
    return key or value.strip().upper()


def select(
    timeline: Timeline,
    *,
    act: str | None = None,
    procedure: str | None = None,
    dossier: str | None = None,
) -> Timeline:
    """The part of ``timeline`` about one act, procedure or dossier (the dossiers holding it).

    ``act`` is a CELEX number or a reference ("Directive 2011/93/EU", "COM(2010) 94");
    ``procedure`` a procedure reference; ``dossier`` a dossier id, or a word of its name.
    Raises :class:`~timeline.errors.UsageError` when nothing matches.
    """
    chosen = set()
    for d in timeline.dossiers:
        if act and _act(act) in d.acts:
            chosen.add(d.id)
        if procedure and canonical_procedure(procedure) in d.procedures:
            chosen.add(d.id)
        if dossier and (dossier == d.id or dossier.casefold() in d.name.casefold()):
            chosen.add(d.id)
    if not (act or procedure or dossier):
        return timeline
    if not chosen:
        what = " ".join(
            f"--{k} {v}"
            for k, v in (("act", act), ("procedure", procedure), ("dossier", dossier))
            if v
        )
        names = "; ".join(f"{d.id} ({d.name})" for d in timeline.dossiers[:5])
        raise UsageError(f"no dossier matches {what}; dossiers: {names or 'none'}")
    entries = tuple(e for e in timeline.entries if e.dossier in chosen)
    ids = {e.id for e in entries}
    docs = {s.document for e in entries for s in e.sources}
    cleaned = tuple(
        replace(
            e,
            realised_by=e.realised_by if e.realised_by in ids else None,
            realises=e.realises if e.realises in ids else None,
        )
        for e in entries
    )
    kept = tuple(d for d in timeline.dossiers if d.id in chosen)
    return replace(
        timeline,
        title=kept[0].name if len(kept) == 1 else timeline.title,
        entries=cleaned,
        dossiers=kept,
        documents=tuple(d for d in timeline.documents if d.path in docs),
        open_plans=tuple(p for p in timeline.open_plans if p in ids),
        extra=dict(timeline.extra),
    )
