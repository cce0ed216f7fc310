"""Timelines built by hand for the render tests, independent of the link stage.

* :func:`corpus_timeline` turns the gold events of ``../shared/corpus/dev`` into a Timeline:
  events of one dossier with the same date and type become one Entry with a Source each (so
  translations merge), one Dossier per meta ``dossier`` tag, plus a few synthetic planned,
  vague and conflicting entries so every drawing style appears.
* :func:`xss_timeline` is a hostile document: every text field carries markup and script.
* :func:`big_timeline` makes ``n`` deterministic entries for the performance check.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import replace
from pathlib import Path

from timeline.model import ActRef, Document, Dossier, Entry, Source, Timeline

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
DEV = SHARED / "corpus" / "dev"


def _hash(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:12]


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence-ish span around ``[start, end)``: up to a full stop or a line break."""
    lo = start
    while lo > 0 and text[lo - 1] != "\n" and not (text[lo - 1] in ".;" and text[lo : lo + 1] == " "):
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] != "\n" and not (text[hi] == "." and text[hi + 1 : hi + 2] in (" ", "\n", "")):
        hi += 1
    hi = min(len(text), hi + 1)
    while lo < start and text[lo].isspace():
        lo += 1
    return lo, hi


def _entry(entry_id: str, events: list[tuple[dict, dict, str, str]], dossier: str, **over: object) -> Entry:
    first = events[0][0]
    sources = []
    for ev, meta, stem, text in events:
        tx = ev.get("timex") or None
        if tx and tx.get("span"):
            ts, te = tx["span"]
            qs, qe = _sentence(text, ts, te)
            quote = text[qs:qe].strip()
            qe = qs + len(quote)
            timex_span: tuple[int, int] | None = (ts, te)
            timex_text = tx["text"]
        else:
            idx = text.find(ev["summary"][:40]) if ev.get("summary") else -1
            quote = ev["summary"]
            qs, qe = (idx, idx + len(quote)) if idx >= 0 else (0, 0)
            timex_span, timex_text = None, None
        sources.append(
            Source(
                document=f"{stem}.txt",
                reference=meta.get("reference"),
                language=meta.get("language"),
                url=meta.get("url"),
                quote=quote,
                quote_span=(qs, qe),
                timex_text=timex_text,
                timex_span=timex_span,
                date=ev["date"],
            )
        )
    acts: dict[str, ActRef] = {}
    actors: dict[str, None] = {}
    for ev, *_ in events:
        for act in ev["acts"]:
            acts.setdefault(act["celex"] or act["label"], ActRef(act["celex"], act["label"]))
        for actor in ev["actors"]:
            actors.setdefault(actor, None)
    label = (first["summary"] or first["type"]).strip()
    if len(label) > 90:
        label = label[:88].rsplit(" ", 1)[0] + "…"
    fields: dict[str, object] = dict(
        id=entry_id,
        date=first["date"],
        precision=first["precision"],
        earliest=first["earliest"],
        latest=first["latest"],
        status=first["status"],
        type=first["type"],
        label=label,
        acts=tuple(acts.values()),
        procedures=tuple(sorted({p for ev, *_ in events for p in ev["procedures"]})),
        actors=tuple(actors),
        sources=tuple(sources),
        dossier=dossier,
    )
    fields.update(over)
    return Entry(**fields)  # type: ignore[arg-type]


def corpus_timeline(dev: Path = DEV) -> Timeline:
    """The dev corpus gold events as a linked Timeline (see the module docstring)."""
    groups: dict[tuple[str, str, str], list[tuple[dict, dict, str, str]]] = {}
    documents: list[Document] = []
    for path in sorted(dev.glob("*.events.json")):
        stem = path.name[: -len(".events.json")]
        meta = json.loads((dev / f"{stem}.meta.json").read_text(encoding="utf-8"))
        text = (dev / f"{stem}.txt").read_text(encoding="utf-8")
        gold = json.loads(path.read_text(encoding="utf-8"))
        dossier = meta.get("dossier") or ""
        documents.append(
            Document(
                path=f"{stem}.txt",
                text=text,
                title=meta.get("title"),
                language=meta.get("language"),
                date=meta.get("date"),
                reference=meta.get("reference"),
                url=meta.get("url"),
                kind=meta.get("kind"),
                dossier=dossier or None,
            )
        )
        for i, ev in enumerate(gold["events"]):
            key = (dossier, ev["date"] or f"undated-{stem}-{i}", ev["type"])
            groups.setdefault(key, []).append((ev, meta, stem, text))
    entries = [_entry(_hash(*key), events, key[0]) for key, events in sorted(groups.items())]
    # Synthetic entries so that every drawing style is present whatever the gold holds.
    base = entries[0]
    src = base.sources[0]
    entries += [
        Entry(
            id=_hash("plan-range"),
            date=None,
            precision="unknown",
            earliest="2025-01",
            latest="2026-06",
            status="planned",
            type="report",
            label="Commission evaluation report due",
            acts=base.acts,
            procedures=(),
            actors=("European Commission",),
            sources=(src,),
            dossier=base.dossier,
        ),
        Entry(
            id=_hash("plan-quarter"),
            date="2026-Q3",
            precision="quarter",
            earliest=None,
            latest=None,
            status="planned",
            type="transposition_deadline",
            label="Member States transpose the recast",
            acts=base.acts,
            procedures=(),
            actors=(),
            sources=(src,),
            dossier=base.dossier,
        ),
        Entry(
            id=_hash("conflict"),
            date="2004-01-20",
            precision="day",
            earliest=None,
            latest=None,
            status="past",
            type="publication",
            label="Framework Decision published (sources disagree on the day)",
            acts=base.acts,
            procedures=(),
            actors=(),
            sources=(
                Source(src.document, src.reference, "en", src.url, src.quote, src.quote_span, None, None, "2004-01-20"),
                Source(src.document, src.reference, "fr", src.url, src.quote, src.quote_span, None, None, "2004-01-22"),
            ),
            dossier=base.dossier,
            conflict=True,
        ),
    ]
    # A plan the corpus later reports as done: the Commission proposal COM(2010) 94 of March 2010.
    actual = next((e for e in entries if e.type == "proposal" and e.date == "2010-03-29"), None)
    if actual is not None:
        plan = Entry(
            id=_hash("plan-realised"),
            date="2010-Q1",
            precision="quarter",
            earliest=None,
            latest=None,
            status="planned",
            type="proposal",
            label="Commission to table a new directive proposal",
            acts=actual.acts,
            procedures=(),
            actors=("European Commission",),
            sources=actual.sources[:1],
            dossier=actual.dossier,
            realised_by=actual.id,
        )
        entries = [replace(e, realises=plan.id, delay_days=0) if e is actual else e for e in entries] + [plan]
    by_dossier: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.dossier:
            by_dossier.setdefault(entry.dossier, []).append(entry)
    dossiers = tuple(
        Dossier(
            id=key,
            name=key.replace("-", " ").upper() if len(key) < 12 else key,
            acts=tuple(sorted({a.celex for e in items for a in e.acts if a.celex})),
            procedures=tuple(sorted({p for e in items for p in e.procedures})),
            entries=tuple(e.id for e in items),
        )
        for key, items in sorted(by_dossier.items())
    )
    return Timeline(
        entries=tuple(entries),
        dossiers=dossiers,
        documents=tuple(documents),
        open_plans=(_hash("plan-range"), _hash("plan-quarter")),
        title="Child sexual abuse, arrest warrant and data protection dossiers",
    )


XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'


def xss_timeline() -> Timeline:
    """Every document-derived field carries markup, script or a ``javascript:`` URL."""
    payloads = [
        XSS,
        '"><svg onload="window.__pwned=1"></svg>',
        "</script><script>window.__pwned=1</script>",
        "javascript:window.__pwned=1",
        "line\u2028sep\u2029ara & <b>bold</b> ' \" `${window.__pwned=1}`",
        "=HYPERLINK(\"http://evil.example\",\"x\")",
    ]
    entries = []
    for i, p in enumerate(payloads):
        src = Source(
            document=f"evil-{i}.txt<script>window.__pwned=1</script>",
            reference=p,
            language="en",
            url="javascript:window.__pwned=1" if i % 2 == 0 else "data:text/html,<script>alert(1)</script>",
            quote=f"On 3 March 2009 {p} happened.",
            quote_span=(0, 30),
            timex_text="3 March 2009",
            timex_span=(3, 15),
            date="2009-03-03",
        )
        entries.append(
            Entry(
                id=f"x{i}",
                date=f"2009-03-{i + 1:02d}",
                precision="day",
                earliest=None,
                latest=None,
                status="planned" if i % 2 else "past",
                type="adoption",
                label=p,
                acts=(ActRef(None, p),),
                procedures=(p,),
                actors=(p,),
                sources=(src,),
                dossier="evil<script>window.__pwned=1</script>",
            )
        )
    dossier = Dossier(
        id="evil<script>window.__pwned=1</script>",
        name=XSS,
        acts=(),
        procedures=(),
        entries=tuple(e.id for e in entries),
    )
    docs = (
        Document(path="evil.txt", text="", title=XSS, url="javascript:window.__pwned=1", date="2009-03-10"),
    )
    return Timeline(entries=tuple(entries), dossiers=(dossier,), documents=docs, title=XSS)


def big_timeline(n: int = 5000, seed: int = 7) -> Timeline:
    """``n`` plausible entries over 25 years in 12 dossiers, deterministic for ``seed``."""
    rng = random.Random(seed)
    types = ["proposal", "adoption", "publication", "entry_into_force", "deadline", "meeting", "opinion", "vote"]
    langs = ["en", "fr", "de", "it", "es", "da"]
    entries = []
    for i in range(n):
        year = rng.randint(2000, 2025)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        kind = rng.random()
        if kind < 0.7:
            date, precision = f"{year}-{month:02d}-{day:02d}", "day"
        elif kind < 0.85:
            date, precision = f"{year}-{month:02d}", "month"
        else:
            date, precision = f"{year}", "year"
        lang = rng.choice(langs)
        src = Source(f"doc{i % 300}.txt", None, lang, None, f"Sentence {i} with date {date}.", (0, 10), date, (23, 23 + len(date)), date)
        entries.append(
            Entry(
                id=f"b{i:05d}",
                date=date,
                precision=precision,
                earliest=None,
                latest=None,
                status="planned" if rng.random() < 0.1 else "past",
                type=rng.choice(types),
                label=f"Event number {i} of dossier {i % 12}",
                acts=(ActRef(f"3{year}L{i % 97:04d}", f"Directive {year}/{i % 97}"),),
                procedures=(),
                actors=("Council",) if i % 3 else ("European Parliament",),
                sources=(src,),
                dossier=f"dossier-{i % 12:02d}",
            )
        )
    dossiers = tuple(
        Dossier(f"dossier-{k:02d}", f"Dossier {k}", (), (), tuple(e.id for e in entries if e.dossier == f"dossier-{k:02d}"))
        for k in range(12)
    )
    return Timeline(entries=tuple(entries), dossiers=dossiers, title=f"{n} entries")
