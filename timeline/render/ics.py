"""``deadlines.ics``: planned steps and deadlines as all-day calendar events (RFC 5545).

The only module that imports icalendar. Which entries: every planned entry and every deadline
(``deadline``, ``transposition_deadline``, whatever its status). How they are dated:

* a known day: ``DTSTART;VALUE=DATE`` that day, ``DTEND`` the day after (DTEND is exclusive);
* a deadline known only to a month, quarter or year: the last day of that period ("by then");
* another approximate entry: an all-day span over its whole earliest–latest range;
* an entry with only a lower bound ("not before 2025") or no date at all is left out.

``UID`` is the entry's content-hash id, so re-importing updates events instead of duplicating
them; ``DTSTAMP`` comes from the data (:func:`timeline.render._common.stamp`), never the clock.
Events are transparent (they do not block time) and sorted, so the file is reproducible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from icalendar import Calendar, Event

from timeline.fragments import Fragments, context_key
from timeline.model import Entry, Timeline
from timeline.render._common import (
    Extent,
    chronological,
    display_date,
    dossier_key,
    extent,
    lanes,
    stamp,
    title,
    type_label,
)
from timeline.render.html import safe_url

DEADLINE_TYPES = ("deadline", "transposition_deadline")
PRODID = "-//policy-timeline//deadlines//EN"


def calendar_entries(timeline: Timeline) -> list[tuple[Entry, dt.date, dt.date]]:
    """The entries that go into the calendar with their first day and exclusive end day."""
    out: list[tuple[Entry, dt.date, dt.date]] = []
    for entry in chronological(timeline):
        if entry.status != "planned" and entry.type not in DEADLINE_TYPES:
            continue
        ext = extent(entry)
        span = _span(entry, ext)
        if span is not None:
            out.append((entry, *span))
    return out


def _span(entry: Entry, ext: Extent | None) -> tuple[dt.date, dt.date] | None:
    if ext is None or ext.open_end:
        return None
    if not ext.vague or ext.start == ext.end:
        return ext.start, ext.start + dt.timedelta(days=1)
    if entry.type in DEADLINE_TYPES or ext.open_start:
        return ext.end, ext.end + dt.timedelta(days=1)
    return ext.start, ext.end + dt.timedelta(days=1)


def _uid(entry: Entry) -> str:
    if re.fullmatch(r"[A-Za-z0-9._-]{1,80}", entry.id):
        return f"{entry.id}@policy-timeline"
    return hashlib.sha1(entry.id.encode("utf-8")).hexdigest()[:20] + "@policy-timeline"


def render_ics(timeline: Timeline, memo: Fragments | None = None) -> bytes:
    """The calendar as iCalendar bytes (CRLF line ends, folded lines).

    Each event's lines are those icalendar writes for it alone (a calendar's text is its own
    lines, its events' and its end): with ``memo``, an event already written for an equal entry
    in the same dossier and with the same stamp is taken from it.
    """
    return b"".join(ics_pieces(timeline, memo))


def ics_pieces(timeline: Timeline, memo: Fragments | None = None) -> list[bytes]:
    """:func:`render_ics`'s bytes in pieces: the calendar's head, each event, its end."""
    names = {lane.key: lane.name for lane in lanes(timeline)}
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{timeline.title}: deadlines and planned steps")
    dtstamp = stamp(timeline)
    head = cal.to_ical()
    end = b"END:VCALENDAR\r\n"
    if not head.endswith(end):  # not the layout assumed: one calendar object decides
        return [_whole_calendar(timeline, cal, names, dtstamp)]
    parts = [head[: -len(end)]]
    chosen = [(entry, start, stop, names.get(dossier_key(timeline, entry), "")) for entry, start, stop in calendar_entries(timeline)]
    if memo is None:
        parts += [_event(entry, start, stop, dossier, dtstamp).to_ical() for entry, start, stop, dossier in chosen]
    else:
        when = dtstamp.isoformat()
        keys = [
            f"{memo.entry_key(entry)}:{context_key(dossier, when, start, stop)}"
            for entry, start, stop, dossier in chosen
        ]
        parts += memo.get_all("deadlines.ics", keys, lambda i: _event_text(*chosen[i], dtstamp))
    parts.append(end)
    return parts


def _whole_calendar(
    timeline: Timeline, cal: Calendar, names: dict[str, str], dtstamp: dt.datetime
) -> bytes:
    for entry, start, stop in calendar_entries(timeline):
        cal.add_component(_event(entry, start, stop, names.get(dossier_key(timeline, entry), ""), dtstamp))
    return cal.to_ical()


def _event_text(entry: Entry, start: dt.date, end: dt.date, dossier: str, dtstamp: dt.datetime) -> str:
    return _event(entry, start, end, dossier, dtstamp).to_ical().decode("utf-8", "surrogatepass")


def _event(entry: Entry, start: dt.date, end: dt.date, dossier: str, dtstamp: dt.datetime) -> Event:
    """The calendar event of ``entry`` (in the lane named ``dossier``)."""
    ev = Event()
    ev.add("uid", _uid(entry))
    ev.add("dtstamp", dtstamp)
    ev.add("dtstart", start)
    ev.add("dtend", end)
    shown = title(entry)  # linked labels already say the step: "Repeal: Directive ..."
    step = type_label(entry.type)
    ev.add("summary", shown if shown.startswith(step) else f"{step}: {shown}")
    lines = [f"Date as the sources give it: {display_date(entry)} (precision: {entry.precision})."]
    lines.append(f"Status: {entry.status}." + (f" Dossier: {dossier}." if dossier else ""))
    if entry.acts:
        lines.append("Acts: " + "; ".join(a.label + (f" ({a.celex})" if a.celex else "") for a in entry.acts) + ".")
    if entry.conflict:
        lines.append("The sources disagree on the date.")
    for source in entry.sources:
        ref = source.reference or source.document
        lines.append(f"{ref} ({source.language or '?'}): “{' '.join(source.quote.split())}”")
    ev.add("description", "\n".join(lines))
    categories = [type_label(entry.type)] + ([dossier] if dossier else [])
    ev.add("categories", categories)
    ev.add("transp", "TRANSPARENT")
    ext = extent(entry)
    # a plan whose date is only approximate is tentative; a known day or a set deadline is not
    ev.add("status", "TENTATIVE" if entry.status == "planned" and ext is not None and ext.vague else "CONFIRMED")
    url = next((u for s in entry.sources if (u := safe_url(s.url))), None)
    if url:
        ev.add("url", url)
    return ev
