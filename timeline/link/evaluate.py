"""Check an assembled timeline against a curated list of key events (``timeline eval timeline``).

The reference is a JSON file::

    {"procedure": "2010/0064(COD)", "act": "32011L0093", "origin": "where the list comes from",
     "events": [{"date": "2010-03-29", "type": "proposal", "what": "...", "source": "..."}, ...]}

The timeline is first narrowed to the dossier holding the procedure or act. **Event recall** is
the share of reference (date, type) pairs that an entry of the same type dates within
``tolerance_days``; **date recall** the share of reference dates that some entry dates within the
tolerance, whatever its type.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from timeline.errors import GoldError, UsageError
from timeline.link import dates
from timeline.link.export import select
from timeline.model import Entry, Timeline


@dataclass(frozen=True, slots=True)
class KeyEvent:
    """One (date, type) pair of a reference timeline."""

    date: str
    type: str
    what: str = ""


@dataclass(frozen=True, slots=True)
class TimelineReport:
    """Date recall and event recall of a timeline against a reference list."""

    reference: str
    dossier: str | None
    tolerance_days: int
    key_events: tuple[KeyEvent, ...]
    event_hits: tuple[bool, ...]
    date_hits: tuple[bool, ...]
    entries: int

    @property
    def event_recall(self) -> float:
        return sum(self.event_hits) / len(self.key_events) if self.key_events else 0.0

    @property
    def date_recall(self) -> float:
        return sum(self.date_hits) / len(self.key_events) if self.key_events else 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "reference": self.reference,
            "dossier": self.dossier,
            "tolerance_days": self.tolerance_days,
            "entries": self.entries,
            "event_recall": round(self.event_recall, 4),
            "date_recall": round(self.date_recall, 4),
            "missed": [
                {"date": k.date, "type": k.type, "what": k.what}
                for k, hit in zip(self.key_events, self.event_hits, strict=True)
                if not hit
            ],
        }

    def format(self) -> str:
        """A short human-readable report."""
        n = len(self.key_events)
        lines = [
            f"reference: {self.reference}",
            f"dossier:   {self.dossier or '(whole timeline)'} ({self.entries} entries)",
            f"tolerance: {self.tolerance_days} day(s)",
            f"event recall: {sum(self.event_hits)}/{n} = {self.event_recall:.3f}",
            f"date recall:  {sum(self.date_hits)}/{n} = {self.date_recall:.3f}",
        ]
        for k, ev, dt in zip(self.key_events, self.event_hits, self.date_hits, strict=True):
            mark = "ok " if ev else ("date" if dt else "MISS")
            lines.append(f"  [{mark}] {k.date} {k.type}" + (f" — {k.what}" if k.what else ""))
        return "\n".join(lines)


def load_reference(path: Path) -> tuple[dict[str, object], tuple[KeyEvent, ...]]:
    """Read a reference file; raises :class:`~timeline.errors.GoldError` when malformed."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise GoldError(f"{path}: cannot read the reference timeline: {exc}") from exc
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list) or not events:
        raise GoldError(f"{path}: a reference timeline needs a non-empty 'events' list")
    out = []
    for i, e in enumerate(events):
        if not isinstance(e, dict) or dates.interval(e.get("date")) is None or not e.get("type"):
            raise GoldError(f"{path}: event {i} needs an ISO 'date' and a 'type'")
        out.append(KeyEvent(str(e["date"]), str(e["type"]), str(e.get("what") or "")))
    return data, tuple(out)


def _gap(a: str | None, b: str) -> int | None:
    ia, ib = dates.interval(a), dates.interval(b)
    if ia is None or ib is None:
        return None
    if ia[0] <= ib[1] and ib[0] <= ia[1]:
        return 0
    return min(abs((ia[0] - ib[1]).days), abs((ib[0] - ia[1]).days))


def _hit(entries: tuple[Entry, ...], key: KeyEvent, tolerance: int, typed: bool) -> bool:
    for e in entries:
        if typed and e.type != key.type:
            continue
        for d in {e.date, *(s.date for s in e.sources)}:
            gap = _gap(d, key.date)
            if gap is not None and gap <= tolerance:
                return True
    return False


def evaluate_timeline(
    timeline: Timeline, reference: Path, *, tolerance_days: int = 0
) -> TimelineReport:
    """Date recall and event recall of ``timeline`` against the key events in ``reference``."""
    if tolerance_days < 0:
        raise UsageError("tolerance_days must be 0 or more")
    data, keys = load_reference(reference)
    narrowed = timeline
    dossier = None
    procedure = str(data["procedure"]) if isinstance(data.get("procedure"), str) else None
    act = str(data["act"]) if isinstance(data.get("act"), str) else None
    if procedure or act:
        try:
            narrowed = (
                select(timeline, procedure=procedure) if procedure else select(timeline, act=act)
            )
        except UsageError:
            try:
                narrowed = select(timeline, act=act) if act else timeline
            except UsageError:
                narrowed = timeline.__class__(entries=(), dossiers=())
        dossier = "; ".join(d.name for d in narrowed.dossiers) or None
    event_hits = tuple(_hit(narrowed.entries, k, tolerance_days, True) for k in keys)
    date_hits = tuple(_hit(narrowed.entries, k, tolerance_days, False) for k in keys)
    return TimelineReport(
        str(reference), dossier, tolerance_days, keys, event_hits, date_hits, len(narrowed.entries)
    )
