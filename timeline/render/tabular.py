"""``events.csv``: one row per entry and source, ready for a spreadsheet and for correcting.

Columns are stable and named; lists are joined with ``"; "``. Dates stay ISO 8601 cut to their
precision (``2009-03``), with ``earliest``/``latest`` as real days, so sorting a column sorts by
time. Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) are prefixed with an apostrophe (the OWASP advice for CSV injection).
UTF-8 without BOM, ``\\r\\n`` line ends (RFC 4180).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence

from timeline.fragments import Fragments, context_key
from timeline.model import Entry, Timeline
from timeline.render._common import chronological, dossier_key, extent, lanes

COLUMNS: tuple[str, ...] = (
    "entry_id",
    "dossier",
    "date",
    "precision",
    "earliest",
    "latest",
    "status",
    "type",
    "label",
    "acts",
    "celex",
    "procedures",
    "actors",
    "conflict",
    "source_document",
    "source_reference",
    "source_language",
    "source_date",
    "timex",
    "quote",
    "url",
    "page",
)
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell text with formula triggers neutralised; ``None`` becomes an empty cell."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_DANGEROUS):
        return "'" + text
    return text


def render_csv(timeline: Timeline, memo: Fragments | None = None) -> str | bytes:
    """The CSV text (see the module docstring); with ``memo``, its UTF-8 bytes, each entry's
    rows taken from the memo when an equal entry in a lane of the same name was written."""
    if memo is None:
        names = {lane.key: lane.name for lane in lanes(timeline)}
        entries = chronological(timeline)
        header = _rows([COLUMNS])
        return header + "".join([_entry_rows(e, names.get(dossier_key(timeline, e), "")) for e in entries])
    return b"".join(csv_pieces(timeline, memo))


def csv_pieces(timeline: Timeline, memo: Fragments) -> Iterator[bytes]:
    """:func:`render_csv`'s bytes with ``memo``, in pieces (the header, each entry's rows),
    looked up in one pass (made one by one as written when the memo keeps nothing)."""
    names = {lane.key: lane.name for lane in lanes(timeline)}
    entries = chronological(timeline)
    lane_of = [names.get(dossier_key(timeline, e), "") for e in entries]
    contexts = {name: context_key(name) for name in set(lane_of)}  # one digest per lane
    keys = [f"{memo.entry_key(e)}:{contexts[lane]}" for e, lane in zip(entries, lane_of, strict=True)]
    parts = memo.each("events.csv", keys, lambda i: _entry_rows(entries[i], lane_of[i]))
    return itertools.chain([_rows([COLUMNS]).encode("utf-8", "surrogatepass")], parts)


def _rows(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return out.getvalue()


def _entry_rows(entry: Entry, lane: str) -> str:
    """The rows of one entry (one per source) in the lane named ``lane``."""
    ext = extent(entry)
    earliest = entry.earliest or (ext.start.isoformat() if ext and ext.vague and not ext.open_start else None)
    latest = entry.latest or (ext.end.isoformat() if ext and ext.vague and not ext.open_end else None)
    common = [
        entry.id,
        lane,
        entry.date,
        entry.precision,
        earliest,
        latest,
        entry.status,
        entry.type,
        entry.label,
        "; ".join(a.label for a in entry.acts),
        "; ".join(dict.fromkeys(a.celex for a in entry.acts if a.celex)),
        "; ".join(entry.procedures),
        "; ".join(entry.actors),
        "yes" if entry.conflict else "",
    ]
    sources = entry.sources or ()
    if not sources:
        return _rows([[safe_cell(v) for v in common + [None] * (len(COLUMNS) - len(common))]])
    return _rows(
        [
            safe_cell(v)
            for v in common
            + [
                source.document,
                source.reference,
                source.language,
                source.date,
                source.timex_text,
                " ".join(source.quote.split()),
                source.url,
                source.page,
            ]
        ]
        for source in sources
    )
