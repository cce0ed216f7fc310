"""What every renderer shares: the extent of an entry in time, display dates, order, lanes, colours.

Dates in the model are ISO strings cut to their precision (``2009``, ``2009-03``, ``2009-Q1``,
``2009-H2``, ``2009-03-03``) plus optional ``earliest``/``latest`` bounds. Renderers need real
calendar days, so :func:`extent` turns an entry into the first and last day it may fall on, and
:func:`display_date` into the text a reader sees ("Q1 2009", "between Mar 2009 and 2010").
Nothing here raises on a malformed date: an entry that cannot be placed gets ``None``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from timeline.model import EVENT_TYPES, Dossier, Entry, Timeline

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_ISO = re.compile(
    r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})(?:-(?P<day>\d{2}))?|Q(?P<quarter>[1-4])|H(?P<half>[12])"
    r"|(?P<season>SP|SU|FA|AU|WI)))?$"
)
_SEASONS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "AU": (9, 11), "WI": (12, 12)}

#: Type groups drive colour in every visual output; one colour-blind-safe hue (Okabe-Ito) each.
TYPE_GROUPS: dict[str, tuple[str, ...]] = {
    "preparation": ("announcement", "consultation", "proposal", "opinion", "referral", "report"),
    "decision": ("debate", "vote", "agreement", "adoption", "signature"),
    "in force": ("publication", "entry_into_force", "application"),
    "deadline": ("transposition_deadline", "deadline"),
    "end": ("repeal",),
    "activity": ("funding", "launch", "meeting", "other"),
}
GROUP_COLOURS: dict[str, str] = {
    "preparation": "#0072B2",
    "decision": "#D55E00",
    "in force": "#009E73",
    "deadline": "#CC79A7",
    "end": "#6B6B6B",
    "activity": "#E69F00",
}
#: Importance when there is room to label only some entries (lower is more important).
TYPE_RANK: dict[str, int] = {
    t: i
    for i, t in enumerate(
        (
            "adoption",
            "proposal",
            "entry_into_force",
            "transposition_deadline",
            "publication",
            "agreement",
            "application",
            "deadline",
            "vote",
            "repeal",
            "signature",
            "opinion",
            "consultation",
            "report",
            "announcement",
            "launch",
            "funding",
            "debate",
            "referral",
            "meeting",
            "other",
        )
    )
}
NO_DOSSIER = "Other entries"


def type_group(event_type: str) -> str:
    """The colour group of an event type (unknown types count as ``activity``)."""
    for group, types in TYPE_GROUPS.items():
        if event_type in types:
            return group
    return "activity"


def type_label(event_type: str) -> str:
    """``entry_into_force`` -> ``Entry into force``."""
    text = event_type.replace("_", " ").strip() or "other"
    return text[:1].upper() + text[1:]


def title(entry: Entry) -> str:
    """The entry's label, or when it has none its type and first act ("Adoption: 2011/93/EU")."""
    label = " ".join(entry.label.split())
    if label:
        return label
    act = entry.acts[0].label if entry.acts else ""
    return f"{type_label(entry.type)}: {act}" if act else type_label(entry.type)


def parse_partial(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last calendar day an ISO date cut to its precision may mean, or None."""
    if not value:
        return None
    return _parse_partial(value)


@functools.lru_cache(maxsize=1 << 16)
def _parse_partial(value: str) -> tuple[dt.date, dt.date] | None:
    # a timeline's few thousand distinct dates are parsed once, not once per entry and renderer
    m = _ISO.match(value.strip())
    if not m:
        return None
    try:
        year = int(m["year"])
        if year < 1:
            return None
        if m["day"]:
            day = dt.date(year, int(m["month"]), int(m["day"]))
            return day, day
        if m["month"]:
            month = int(m["month"])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        if m["quarter"]:
            first = (int(m["quarter"]) - 1) * 3 + 1
            last = first + 2
            return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])
        if m["half"]:
            first = 1 if m["half"] == "1" else 7
            last = first + 5
            return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])
        if m["season"]:
            first, last = _SEASONS[m["season"]]
            return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Extent:
    """Where an entry sits in time: first and last possible day; ``open_end`` when unbounded."""

    start: dt.date
    end: dt.date
    vague: bool  # not a single known day: draw as a range / hatched
    open_end: bool = False  # only a lower bound is known ("not before 2010")
    open_start: bool = False  # only an upper bound is known ("by 2013")


def extent(entry: Entry) -> Extent | None:
    """The span of days ``entry`` may fall on, or None when nothing places it in time."""
    return _extent(entry.date, entry.earliest, entry.latest, entry.precision)


@functools.lru_cache(maxsize=1 << 16)
def _extent(
    date: str | None, earliest: str | None, latest: str | None, precision: str
) -> Extent | None:
    # every renderer asks for each entry's extent several times (sorting, lanes, drawing)
    own = parse_partial(date)
    lo = parse_partial(earliest)
    hi = parse_partial(latest)
    if own is not None:
        start, end = own
        if lo is not None:
            start = min(start, lo[0])
        if hi is not None:
            end = max(end, hi[1])
        vague = precision != "day" or start != end
        return Extent(start, end, vague)
    if lo is not None and hi is not None:
        start, end = min(lo[0], hi[0]), max(lo[1], hi[1])
        return Extent(start, end, True)
    if lo is not None:
        return Extent(lo[0], lo[1], True, open_end=True)
    if hi is not None:
        return Extent(hi[0], hi[1], True, open_start=True)
    return None


def _human(value: str | None) -> str | None:
    """One ISO partial date as a reader writes it: ``2009-03-03`` -> ``3 Mar 2009``."""
    if not value:
        return None
    m = _ISO.match(value.strip())
    if not m:
        return value
    year = m["year"].lstrip("0") or "0"
    if m["day"]:
        month = int(m["month"])
        if 1 <= month <= 12:
            return f"{int(m['day'])} {_MONTHS[month - 1]} {year}"
    elif m["month"]:
        month = int(m["month"])
        if 1 <= month <= 12:
            return f"{_MONTHS[month - 1]} {year}"
    elif m["quarter"]:
        return f"Q{m['quarter']} {year}"
    elif m["half"]:
        return f"H{m['half']} {year}"
    elif m["season"]:
        names = {"SP": "spring", "SU": "summer", "FA": "autumn", "AU": "autumn", "WI": "winter"}
        return f"{names[m['season']].capitalize()} {year}"
    else:
        return year
    return value


def display_date(entry: Entry) -> str:
    """The date as a reader should see it, honest about its precision and range."""
    own = _human(entry.date)
    lo, hi = _human(entry.earliest), _human(entry.latest)
    if own is not None:
        if lo and hi and (lo, hi) != (own, own) and entry.earliest != entry.latest:
            if entry.earliest == entry.date:
                return f"{own} – {hi}"
            return f"{own} (between {lo} and {hi})"
        return own
    if lo and hi:
        return lo if lo == hi else f"between {lo} and {hi}"
    if lo:
        return f"not before {lo}"
    if hi:
        return f"by {hi}"
    return "date unknown"


def iso_range(entry: Entry) -> str:
    """A machine-readable ISO 8601 form for ``<time datetime>``: a day, month, year or interval."""
    ext = extent(entry)
    if ext is None:
        return ""
    if entry.date and parse_partial(entry.date) and not (entry.earliest or entry.latest):
        m = _ISO.match(entry.date.strip())
        if m and (m["day"] or m["month"] or not (m["quarter"] or m["half"] or m["season"])):
            return entry.date.strip()
    if ext.start == ext.end:
        return ext.start.isoformat()
    return f"{ext.start.isoformat()}/{ext.end.isoformat()}"


def sort_key(entry: Entry) -> tuple[object, ...]:
    """Chronological order; undated entries last; ties broken by type, label and id."""
    ext = extent(entry)
    start = ext.start if ext is not None else dt.date.max
    end = ext.end if ext is not None else dt.date.max
    return (start, end, TYPE_RANK.get(entry.type, 99), entry.label, entry.id)


def sorted_entries(entries: Iterable[Entry]) -> list[Entry]:
    """``entries`` in chronological order (see :func:`sort_key`)."""
    return sorted(entries, key=sort_key)


@dataclass(frozen=True, slots=True)
class Lane:
    """One row of a visual timeline: a dossier (or the entries that belong to none)."""

    key: str
    name: str
    entries: tuple[Entry, ...]


#: The last timeline's entries and dossiers and their lanes: every writer asks for the lanes of
#: the same frozen timeline (a new list each time, of the same immutable lanes).
_LANES: tuple[tuple[Entry, ...], tuple[Dossier, ...], list[Lane]] | None = None
#: The last timeline's entries and the same in chronological order.
_SORTED: tuple[tuple[Entry, ...], list[Entry]] | None = None


def chronological(timeline: Timeline) -> list[Entry]:
    """``sorted_entries(timeline.entries)``, sorted once per timeline (a new list each time)."""
    global _SORTED
    cached = _SORTED
    if cached is None or cached[0] is not timeline.entries:
        cached = _SORTED = (timeline.entries, sorted_entries(timeline.entries))
    return list(cached[1])


def lanes(timeline: Timeline) -> list[Lane]:
    """One lane per dossier that has entries, in order of first entry; leftovers last."""
    global _LANES
    cached = _LANES
    if cached is None or cached[0] is not timeline.entries or cached[1] is not timeline.dossiers:
        cached = _LANES = (timeline.entries, timeline.dossiers, _lanes(timeline))
    return list(cached[2])


def _lanes(timeline: Timeline) -> list[Lane]:
    by_id = {e.id: e for e in timeline.entries}
    dossier_of: dict[str, Dossier] = {}
    for dossier in timeline.dossiers:
        for entry_id in dossier.entries:
            dossier_of.setdefault(entry_id, dossier)
    names = {d.id: d.name or d.id for d in timeline.dossiers}
    grouped: dict[str, list[Entry]] = {}
    for entry in by_id.values():
        if entry.dossier:
            key = entry.dossier
        elif entry.id in dossier_of:
            key = dossier_of[entry.id].id
        else:
            key = ""
        grouped.setdefault(key, []).append(entry)
    out = [
        Lane(key, names.get(key, key) if key else NO_DOSSIER, tuple(sorted_entries(items)))
        for key, items in grouped.items()
    ]
    out.sort(key=lambda lane: (lane.key == "", sort_key(lane.entries[0]), lane.name, lane.key))
    return out


#: The last timeline's dossiers and the first dossier of each entry id in them (a frozen
#: timeline's dossiers never change, so the same tuple means the same index).
_DOSSIER_INDEX: tuple[tuple[Dossier, ...], dict[str, str]] | None = None


def dossier_key(timeline: Timeline, entry: Entry) -> str:
    """The lane key of ``entry`` ('' when it belongs to no dossier)."""
    global _DOSSIER_INDEX
    if entry.dossier:
        return entry.dossier
    cached = _DOSSIER_INDEX
    if cached is None or cached[0] is not timeline.dossiers:
        # one pass over the dossiers per timeline, not one per entry (quadratic: 13 s of CPU
        # for events.csv at 10,000 documents)
        index: dict[str, str] = {}
        for dossier in timeline.dossiers:
            for entry_id in dossier.entries:
                index.setdefault(entry_id, dossier.id)
        cached = _DOSSIER_INDEX = (timeline.dossiers, index)
    return cached[1].get(entry.id, "")


def languages(entry: Entry) -> list[str]:
    """The languages of an entry's sources, sorted, without duplicates."""
    return sorted({s.language for s in entry.sources if s.language})


def act_names(entry: Entry) -> list[str]:
    """How each act of ``entry`` is best named: its CELEX number when known, else its label."""
    seen: dict[str, None] = {}
    for act in entry.acts:
        seen.setdefault(act.celex or act.label, None)
    return list(seen)


def stamp(timeline: Timeline) -> dt.datetime:
    """A timestamp taken from the data, never the clock: the latest document or entry date.

    Falls back to ``SOURCE_DATE_EPOCH`` and then to the Unix epoch, so output stays reproducible.
    """
    days: list[dt.date] = []
    for doc in timeline.documents:
        parsed = parse_partial(doc.date)
        if parsed:
            days.append(parsed[0])
    if not days:
        for entry in timeline.entries:
            for source in entry.sources:
                parsed = parse_partial(source.date)
                if parsed and entry.status != "planned":
                    days.append(parsed[0])
    if days:
        return dt.datetime.combine(max(days), dt.time(0, 0), tzinfo=dt.UTC)
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else 0
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def known_types() -> tuple[str, ...]:
    """Every event type of the contract, in contract order."""
    return EVENT_TYPES


def utf8_once(piece: str, seen: dict[str, bytes]) -> bytes:
    """``piece`` as UTF-8 (lone surrogates passed through), kept in ``seen`` when short: the
    same few separators between a streamed output's entries are encoded once."""
    done = seen.get(piece)
    if done is None:
        done = piece.encode("utf-8", "surrogatepass")
        if len(piece) < 256:
            seen[piece] = done
    return done
