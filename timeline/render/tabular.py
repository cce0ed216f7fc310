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

from timeline.model import Timeline
from timeline.render._common import dossier_key, extent, lanes, sort_key

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


def render_csv(timeline: Timeline) -> str:
    """The CSV text (see the module docstring)."""
    names = {lane.key: lane.name for lane in lanes(timeline)}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for entry in sorted(timeline.entries, key=sort_key):
        ext = extent(entry)
        earliest = entry.earliest or (ext.start.isoformat() if ext and ext.vague and not ext.open_start else None)
        latest = entry.latest or (ext.end.isoformat() if ext and ext.vague and not ext.open_end else None)
        common = [
            entry.id,
            names.get(dossier_key(timeline, entry), ""),
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
            writer.writerow([safe_cell(v) for v in common + [None] * (len(COLUMNS) - len(common))])
        for source in sources:
            row = common + [
                source.document,
                source.reference,
                source.language,
                source.date,
                source.timex_text,
                " ".join(source.quote.split()),
                source.url,
                source.page,
            ]
            writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
