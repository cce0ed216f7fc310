"""``timelinejs.json``: the timeline in TimelineJS3's JSON format, one group per dossier.

TimelineJS3 (https://timeline.knightlab.com/docs/json-format.html) needs a start date of at least
a year; an approximate date keeps only the parts it knows (``{"year": "2009"}`` for ``2009``) and
shows the reader ``display_date`` ("Q1 2009", "between Mar 2009 and 2010"). Ranges get an
``end_date``. Its text fields and group labels are shown as HTML, so every string is escaped here; only http(s) URLs are kept.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from timeline.fragments import Fragments, context_key
from timeline.jsontext import _encoder, _Unsupported, json_text
from timeline.model import Entry, Timeline
from timeline.render._common import (
    chronological,
    display_date,
    dossier_key,
    extent,
    lanes,
    parse_partial,
    title,
    type_label,
)
from timeline.render.html import safe_url

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def _source_ref(name: str, url: str | None) -> str:
    safe = safe_url(url)
    return f'<a href="{_esc(safe)}">{_esc(name)}</a>' if safe else _esc(name)


def _date_obj(value: str | None, fallback: Any = None) -> dict[str, str] | None:
    """A TimelineJS date object with only the parts ``value`` knows."""
    parsed = parse_partial(value)
    if parsed is None or value is None:
        return fallback
    start, _end = parsed
    out = {"year": str(start.year)}
    v = value.strip()
    if _DAY.match(v):
        out.update(month=str(start.month), day=str(start.day))
    elif len(v) > 4:  # month, quarter, half year or season: its first month
        out["month"] = str(start.month)
    return out


def _slide(entry: Entry, group: str) -> dict[str, Any] | None:
    ext = extent(entry)
    if ext is None:
        return None
    start = _date_obj(entry.date) or _date_obj(entry.earliest) or _date_obj(entry.latest)
    if start is None:
        return None
    slide: dict[str, Any] = {"start_date": start, "unique_id": entry.id, "group": _esc(group)}
    shown = display_date(entry)
    start_end = parse_partial(entry.date) if entry.date else None
    if ext.vague:
        slide["display_date"] = shown
        if start_end is None or (entry.latest and parse_partial(entry.latest)):
            end = _date_obj(entry.latest)
            if end is not None and end != start:
                slide["end_date"] = end
    quotes = "".join(
        f"<blockquote>{_esc(' '.join(s.quote.split()))}</blockquote>"
        f"<p><small>{_source_ref(s.reference or s.document, s.url)}"
        + (f" ({_esc(s.language)})" if s.language else "")
        + "</small></p>"
        for s in entry.sources
    )
    facts = [type_label(entry.type), entry.status]
    if entry.acts:
        facts.append("; ".join(a.label for a in entry.acts))
    if entry.conflict:
        facts.append("sources disagree on the date")
    slide["text"] = {"headline": _esc(title(entry)), "text": f"<p>{_esc(' · '.join(facts))}</p>{quotes}"}
    if entry.status == "planned":
        slide["background"] = {"color": "#f4f0fa"}
    return slide


def timelinejs_data(timeline: Timeline) -> dict[str, Any]:
    """The TimelineJS3 object: a title slide and one event per placeable entry."""
    names, slides = _slides(timeline)
    return _document([s for _e, s in slides if s is not None], len(names), timeline)


def _slides(timeline: Timeline) -> tuple[dict[str, str], list[tuple[Entry, dict[str, Any] | None]]]:
    names = {lane.key: lane.name for lane in lanes(timeline)}
    return names, [
        (entry, _slide(entry, names.get(dossier_key(timeline, entry), "")))
        for entry in chronological(timeline)
    ]


def _document(
    events: list[Any], dossiers: int, timeline: Timeline, count: int | None = None
) -> dict[str, Any]:
    """The TimelineJS3 object around ``events``; the title counts ``count`` slides (default:
    ``events``'s)."""
    shown = len(events) if count is None else count
    return {
        "title": {
            "text": {
                "headline": _esc(timeline.title),
                "text": f"<p>{shown} dated entries in {dossiers} dossiers.</p>",
            }
        },
        "events": events,
    }


def render_timelinejs(timeline: Timeline, memo: Fragments | None = None) -> str | bytes:
    """The JSON text, keys sorted, two-space indent, final newline.

    With ``memo``, its UTF-8 bytes, each slide's JSON taken from the memo when an equal entry
    of a lane with the same name was written before.
    """
    if memo is None:
        return json_text(timelinejs_data(timeline), indent=2, sort_keys=True) + "\n"
    return b"".join(timelinejs_pieces(timeline, memo))


def timelinejs_pieces(timeline: Timeline, memo: Fragments) -> Iterator[bytes]:
    """:func:`render_timelinejs`'s bytes with ``memo``, in pieces: the document cut at each
    slide's place and the slides (looked up in one pass; made one by one as written when the
    memo keeps nothing).

    The slides are counted first (the title says how many), so that none is held to count
    them: the list of every slide was the forked writer's largest holding on a large corpus
    (about 0.5 MB per MB of text)."""
    names = {lane.key: lane.name for lane in lanes(timeline)}
    entries = chronological(timeline)
    group_of = [names.get(dossier_key(timeline, e), "") for e in entries]
    contexts = {name: context_key(name) for name in set(group_of)}  # one digest per lane
    keys = [f"{memo.entry_key(e)}:{contexts[g]}" for e, g in zip(entries, group_of, strict=True)]
    count = sum(1 for e in entries if _placed(e))
    # the document around the slides: the generic encoder's, with a placeholder slide in each
    # of (at most) two places, cut at the placeholders: the text before the first slide,
    # between two slides (the same between any two) and after the last
    mark = "\x00slide\x00"
    shown = min(count, 2)
    text = (
        json_text(_document([mark] * shown, len(names), timeline, count), indent=2, sort_keys=True)
        + "\n"
    )
    pieces = text.split(json.dumps(mark))
    if len(pieces) != shown + 1:  # a title holding the placeholder: no cutting then
        whole = json_text(timelinejs_data(timeline), indent=2, sort_keys=True) + "\n"
        return iter([whole.encode("utf-8", "surrogatepass")])
    made = memo.each("timelinejs.json", keys, lambda i: _slide_json(entries[i], group_of[i]))
    return _interleave(pieces, count, (p for p in made if p))


def _placed(entry: Entry) -> bool:
    """Whether ``entry`` has a slide (:func:`_slide` is not None), without making it."""
    return extent(entry) is not None and any(
        parse_partial(v) is not None for v in (entry.date, entry.earliest, entry.latest)
    )


def _interleave(pieces: list[str], count: int, parts: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces[0]``, the ``count`` slides of ``parts`` with ``pieces[1]`` between two, and
    the last piece."""
    yield pieces[0].encode("utf-8", "surrogatepass")
    between = pieces[1].encode("utf-8", "surrogatepass") if count > 1 else b""
    n = 0
    for part in parts:
        if n:
            yield between
        yield part
        n += 1
    if n != count:  # _placed and _slide disagree: a bug, never a wrong file
        raise AssertionError(f"timelinejs.json: {n} slides made, {count} counted")
    if count:  # else pieces[0] was the whole document
        yield pieces[-1].encode("utf-8", "surrogatepass")


def _slide_json(entry: Entry, group: str) -> str:
    """The slide of ``entry`` as timelinejs.json holds it (depth 2), or '' when it has none."""
    slide = _slide(entry, group)
    if slide is None:
        return ""
    out: list[str] = []
    try:
        _SLIDE_ENCODER(slide, out, 2)  # one encoder for every slide: its key prefixes made once
    except (_Unsupported, RecursionError, TypeError):  # json.dumps decides, as json_text does
        return json_text([slide], indent=2, sort_keys=True)[len("[\n  ") : -len("\n]")].replace("\n  ", "\n    ")
    return "".join(out)


#: The encoder of :func:`_slide_json` (two-space indent, sorted keys).
_SLIDE_ENCODER = _encoder(2, True)
