"""``timeline.html``: one self-contained page that works from disk, with or without JavaScript.

Without JavaScript the page is a semantic list of entries per dossier: each entry is a
``<details>`` whose summary gives date, type, status and label, and whose body holds the acts,
actors and every source quote with its time expression marked. This list is the primary view and
what screen readers, printers and search tools get.

With JavaScript (``page.js``, inlined) the same list gains a visual timeline (a canvas with one lane
per dossier, zoom and pan, planned entries hollow, vague ones hatched ranges), facet filters,
a search box, keyboard navigation and a theme switch. The script reads the entries from a
``<script type="application/json">`` block and builds its own DOM with ``textContent`` only.

Long timelines: the list rows after the first :data:`LIST_PAGE` are written inside
``<noscript>`` blocks. Without JavaScript they are ordinary rows; with it they stay one text
node each until a filter, "Show more", a permalink, print or idle time needs them, when page.js
parses just those rows (this page's own markup, in an inert DOMParser document) and adopts
them in list order. Rows are ``content-visibility: auto``. So a page of 5,000 entries opens
without building, styling or laying out thousands of rows nobody sees yet.

Safety: every document-derived string goes through :func:`html.escape` (text and attributes);
the JSON block escapes ``<``, ``>``, ``&`` and U+2028/U+2029; only ``http``/``https`` URLs become
links; a Content-Security-Policy allows exactly the inlined script and style (by hash) and no
connection, so even a missed escape could not run or fetch anything.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from timeline.fragments import Fragments, context_key
from timeline.model import Entry, Source, Timeline
from timeline.render._common import (
    TYPE_GROUPS,
    act_names,
    display_date,
    extent,
    iso_range,
    lanes,
    languages,
    title,
    type_group,
    type_label,
    utf8_once,
)

_EPOCH = dt.date(1970, 1, 1).toordinal()
#: With JavaScript, the list shows this many entries at first (page.js lists more on request).
#: The entries after them are written inside ``<noscript>`` blocks of at most ``LATER_CHUNK``
#: entries: a browser without JavaScript parses and shows them like the others, one with
#: JavaScript keeps each block as one inert text node until page.js needs its entries, so a
#: long page does not build, style or lay out thousands of hidden entries before it opens.
LIST_PAGE = 400
LATER_CHUNK = 100

_SLUG = re.compile(r"[^A-Za-z0-9_-]+")


#: C0 controls (they have no business in a page) and the bidi embedding, override and isolate
#: controls (a U+202E from a document would reverse the page's own text after it).
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _shown(text: object) -> str:
    """Document text as the page shows it: without C0 controls and bidi overrides."""
    return _INVISIBLE.sub("", "" if text is None else str(text))


#: What :func:`_esc` changes: markup characters and what :func:`_shown` drops.
_NEEDS_ESCAPE = re.compile("[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def _esc(text: object) -> str:
    if type(text) is str and _NEEDS_ESCAPE.search(text) is None:
        return text  # most labels, dates and names: nothing to remove or escape
    return html.escape(_shown(text), quote=True)


def json_for_script(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">`` and any HTML context."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .replace("\x7f", "\\u007f")
    )


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL, else None (no ``javascript:``, ``data:``...)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(c in url for c in "\x00\n\r\t <>\"'`"):
        return url
    return None


def slug(text: str, prefix: str) -> str:
    """A stable HTML id: readable part plus a short hash, so distinct keys never collide."""
    readable = _SLUG.sub("-", text).strip("-")[:40]
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:6]
    return f"{prefix}-{readable}-{digest}" if readable else f"{prefix}-{digest}"


def entry_anchor(entry: Entry) -> str:
    """The permalink id of an entry: ``e-<id>`` when the id is anchor-safe, else a slug."""
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", entry.id):
        return f"e-{entry.id}"
    return slug(entry.id, "e")


def _asset(name: str) -> str:
    return resources.files("timeline.render").joinpath(name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _quote_html(source: Source) -> str:
    """The quote with its time expression wrapped in ``<mark>``; everything escaped."""
    quote = source.quote or ""
    pos = -1
    length = 0
    if source.timex_text:
        length = len(source.timex_text)
        if source.timex_span and source.quote_span:
            rel = source.timex_span[0] - source.quote_span[0]
            if 0 <= rel and quote[rel : rel + length] == source.timex_text:
                pos = rel
        if pos < 0:
            pos = quote.find(source.timex_text)
    if pos < 0 or not length:
        return _esc(quote)
    return (
        _esc(quote[:pos])
        + '<mark class="timex">'
        + _esc(quote[pos : pos + length])
        + "</mark>"
        + _esc(quote[pos + length :])
    )


def _source_html(source: Source, doc_ids: dict[str, str]) -> str:
    lang = f' lang="{_esc(source.language)}"' if source.language else ""
    cite: list[str] = []
    doc_id = doc_ids.get(source.document)
    name = source.reference or source.document
    if doc_id:
        cite.append(f'<a href="#{doc_id}">{_esc(name)}</a>')
    else:
        cite.append(f"<span>{_esc(name)}</span>")
    if source.language:
        cite.append(f'<span class="lang">{_esc(source.language)}</span>')
    if source.date:
        cite.append(f"<span>gives {_esc(source.date)}</span>")
    if source.page:
        cite.append(f"<span>p. {_esc(source.page)}</span>")
    url = safe_url(source.url)
    if url:
        cite.append(f'<a href="{_esc(url)}" rel="noopener noreferrer external">original</a>')
    return (
        f'<li><blockquote{lang}><p>{_quote_html(source)}</p></blockquote>'
        f'<p class="cite">{" · ".join(cite)}</p></li>'
    )


def _badges(entry: Entry, vague: bool) -> str:
    out = [
        f'<span class="badge type g-{_esc(type_group(entry.type).replace(" ", "-"))}">'
        f"{_esc(type_label(entry.type))}</span>"
    ]
    if entry.status != "past":
        out.append(f'<span class="badge status s-{_esc(entry.status)}">{_esc(entry.status.capitalize())}</span>')
    if vague:
        out.append('<span class="badge vague">Approximate date</span>')
    if entry.conflict:
        out.append('<span class="badge conflict">Sources disagree</span>')
    return "".join(out)


def _entry_html(entry: Entry, anchors: dict[str, str], doc_ids: dict[str, str]) -> str:
    ext = extent(entry)
    vague = ext is None or ext.vague
    shape = "planned" if entry.status == "planned" else ("ongoing" if entry.status == "ongoing" else "past")
    classes = f"entry st-{_esc(entry.status)} g-{_esc(type_group(entry.type).replace(' ', '-'))}"
    if vague:
        classes += " vague"
    if entry.conflict:
        classes += " conflict"
    rows: list[str] = []
    acts = [f"{a.label} ({a.celex})" if a.celex and a.celex != a.label else a.label for a in entry.acts]
    for heading, values in (
        ("Acts", acts),
        ("Procedures", list(entry.procedures)),
        ("Actors", list(entry.actors)),
        ("Languages", languages(entry)),
    ):
        if values:
            items = "".join(f"<li>{_esc(v)}</li>" for v in values)
            rows.append(f"<dt>{heading}</dt><dd><ul>{items}</ul></dd>")
    for heading, other in (("Realised by", entry.realised_by), ("Realises the plan", entry.realises)):
        if other and other in anchors:
            rows.append(f'<dt>{heading}</dt><dd><a href="#{anchors[other]}">{_esc(other)}</a></dd>')
    if entry.delay_days is not None:
        rows.append(f"<dt>Delay</dt><dd>{_esc(entry.delay_days)} days</dd>")
    sources = "".join(_source_html(s, doc_ids) for s in entry.sources)
    anchor = anchors[entry.id]
    when = iso_range(entry)
    time_tag = (
        f'<time datetime="{_esc(when)}">{_esc(display_date(entry))}</time>'
        if when
        else f'<span class="time">{_esc(display_date(entry))}</span>'
    )
    return (
        f'<li class="{classes}" id="{anchor}">'
        f"<details><summary>"
        f'<span class="when">{time_tag}</span>'
        f'<span class="shape {shape}" aria-hidden="true"></span>'
        f'<span class="what"><span class="label">{_esc(title(entry))}</span>'
        f'<span class="badges">{_badges(entry, vague)}</span></span>'
        f"</summary>"
        f'<div class="body"><dl>{"".join(rows)}</dl>'
        f'<h4 class="sources-h">Sources ({len(entry.sources)})</h4><ol class="sources">{sources}</ol>'
        f'<p class="perma"><a class="permalink" href="#{anchor}">Link to this entry</a></p></div>'
        f"</details></li>"
    )


def _legend() -> str:
    swatches = "".join(
        f'<li><span class="sw g-{_esc(g.replace(" ", "-"))}"></span>{_esc(g.capitalize())}'
        f'<span class="types">{_esc(", ".join(type_label(t).lower() for t in types))}</span></li>'
        for g, types in TYPE_GROUPS.items()
    )
    shapes = (
        '<li><span class="shape past"></span>happened</li>'
        '<li><span class="shape planned"></span>planned</li>'
        '<li><span class="shape range"></span>approximate date or range</li>'
        '<li><span class="shape conflicting"></span>sources disagree</li>'
        '<li><span class="shape link"></span>plan → outcome</li>'
    )
    return f'<ul class="legend-colours">{swatches}</ul><ul class="legend-shapes">{shapes}</ul>'


#: How :func:`_page` gets an entry's row of the page data: from the entry, its lane's index,
#: the indexes of its acts, actors and languages in the data's tables, and the anchors.
RowMaker = Callable[[Entry, int, tuple[list[int], list[int], list[int]], dict[str, str]], Any]


def _data(timeline: Timeline, anchors: dict[str, str], row_of: RowMaker | None = None) -> dict[str, Any]:
    """The compact entry table page.js works from (the text itself stays in the HTML list).

    Its strings are cleaned as the HTML text is (:func:`_shown`): page.js draws them on the
    canvas and puts them in tooltips with ``textContent``, where a U+202E would still reorder.
    Each entry's row is made by ``row_of`` (:func:`_row` when None).
    """
    lane_list = lanes(timeline)
    acts: dict[str, int] = {}
    actors: dict[str, int] = {}
    langs: dict[str, int] = {}
    rows: list[Any] = []
    make = _row if row_of is None else row_of
    # each name's index by its raw text: _shown once per distinct name, not once per use
    act_index: dict[str, int] = {}
    actor_index: dict[str, int] = {}
    lang_index: dict[str, int] = {}

    def index(name: str, known: dict[str, int], table: dict[str, int]) -> int:
        found = known.get(name)
        if found is None:
            found = known[name] = table.setdefault(_shown(name), len(table))
        return found

    for lane_index, lane in enumerate(lane_list):
        for entry in lane.entries:
            indexes = (
                [index(a, act_index, acts) for a in act_names(entry)],
                [index(a, actor_index, actors) for a in dict.fromkeys(entry.actors)],
                [index(a, lang_index, langs) for a in languages(entry)],
            )
            rows.append(make(entry, lane_index, indexes, anchors))
    return {
        "page": LIST_PAGE,
        "title": _shown(timeline.title),
        "lanes": [_shown(lane.name) for lane in lane_list],
        "acts": list(acts),
        "actors": list(actors),
        "langs": list(langs),
        "entries": rows,
    }


def _row(
    entry: Entry, lane_index: int, indexes: tuple[list[int], list[int], list[int]], anchors: dict[str, str]
) -> dict[str, Any]:
    """One entry's row of the page data (see :func:`_data`)."""
    ext = extent(entry)
    row: dict[str, Any] = {
        "id": anchors[entry.id],
        "lane": lane_index,
        "type": _shown(entry.type),
        "group": type_group(entry.type),
        "status": entry.status,
        "label": _shown(title(entry)),
        "when": _shown(display_date(entry)),
        "acts": indexes[0],
        "actors": indexes[1],
        "langs": indexes[2],
    }
    if entry.conflict:
        row["conflict"] = True
    if entry.realised_by and entry.realised_by in anchors:
        row["realisedBy"] = anchors[entry.realised_by]
    if ext is not None:
        row.update(start=ext.start.toordinal() - _EPOCH, end=ext.end.toordinal() - _EPOCH)
        for key, flag in (("vague", ext.vague), ("openEnd", ext.open_end), ("openStart", ext.open_start)):
            if flag:
                row[key] = True
    return row


def _row_json(
    entry: Entry, lane_index: int, indexes: tuple[list[int], list[int], list[int]], anchors: dict[str, str]
) -> str:
    return json_for_script(_row(entry, lane_index, indexes, anchors))


#: Where the streamed page's documents table rows go (no page text holds a NUL).
_DOCS = "\x00documents\x00"
#: Where a memoised entry's bytes go in the page's text (no page text holds a NUL: _esc drops
#: C0 controls, the JSON block escapes them).
_MARK = "\x00entry\x00"


def render_html(timeline: Timeline, memo: Fragments | None = None) -> str | bytes:
    """The whole page as one string (see the module docstring).

    With ``memo``, its UTF-8 bytes, each entry's markup taken from the memo when an equal entry
    was written before with the same links (the entries it links to, its sources' documents).
    """
    if memo is None:
        return _page(timeline, _entry_html)
    return b"".join(html_pieces(timeline, memo))


def html_pieces(timeline: Timeline, memo: Fragments) -> Iterator[bytes]:
    """:func:`render_html`'s bytes with ``memo``, in pieces: the page's own text between the
    entries' markup and data rows (each looked up in one pass per kind), to be streamed."""
    entries: list[Entry] = []  # each entry's markup, in the page's order
    keys: list[str] = []
    rows: list[tuple[Entry, int, tuple[list[int], list[int], list[int]]]] = []
    row_keys: list[str] = []
    links: list[dict[str, str]] = []  # the anchors and the documents' ids (the same each call)
    contexts: dict[tuple[bool, bool, tuple[bool, ...]], str] = {}  # few distinct ones

    def marked(entry: Entry, anchors: dict[str, str], doc_ids: dict[str, str]) -> str:
        if not links:
            links.extend((anchors, doc_ids))
        flags = (
            entry.realised_by in anchors,
            entry.realises in anchors,
            tuple([s.document in doc_ids for s in entry.sources]),
        )
        context = contexts.get(flags)
        if context is None:
            context = contexts[flags] = context_key(flags[0], flags[1], list(flags[2]))
        entries.append(entry)
        keys.append(f"{memo.entry_key(entry)}:{context}")
        return _MARK

    def row(
        entry: Entry, lane_index: int, indexes: tuple[list[int], list[int], list[int]], anchors: dict[str, str]
    ) -> str:
        context = context_key(lane_index, indexes, bool(entry.realised_by and entry.realised_by in anchors))
        rows.append((entry, lane_index, indexes))
        row_keys.append(f"{memo.entry_key(entry)}:{context}")
        if not links:
            links.append(anchors)
        return _MARK

    pieces = _page(timeline, marked, row).split(_MARK)
    tables = sum(piece.count(_DOCS) for piece in pieces)
    if len(pieces) != len(keys) + len(row_keys) + 1 or tables != bool(timeline.documents):
        # a NUL mark where none can be: make it whole
        whole = _page(timeline, _entry_html).encode("utf-8", "surrogatepass")
        return iter([whole])
    anchors = links[0] if links else {}
    # made one by one as written when the memo keeps nothing (a list would hold the page)
    fragments = itertools.chain(
        memo.each("timeline.html", keys, lambda i: _entry_html(entries[i], anchors, links[1])),
        memo.each("timeline.html data", row_keys, lambda i: _row_json(*rows[i], anchors)),
    )
    doc_ids = links[1] if len(links) > 1 else {d.path: slug(d.path, "doc") for d in timeline.documents}
    return _interleave(pieces, fragments, lambda: _document_rows(timeline, doc_ids))


def _interleave(
    pieces: list[str], fragments: Iterable[bytes], documents: Callable[[], Iterator[str]]
) -> Iterator[bytes]:
    """``pieces[0]``, then each fragment followed by the next piece, as UTF-8; the rows of
    ``documents`` in the place of :data:`_DOCS`, one by one."""
    encoded: dict[str, bytes] = {}  # the same few pieces between entries again and again
    made = iter(fragments)
    for index, piece in enumerate(pieces):
        if index:
            yield next(made)
        if _DOCS in piece:
            before, after = piece.split(_DOCS)
            yield before.encode("utf-8", "surrogatepass")
            for text in documents():
                yield text.encode("utf-8", "surrogatepass")
            yield after.encode("utf-8", "surrogatepass")
            continue
        yield utf8_once(piece, encoded)


def _document_rows(timeline: Timeline, doc_ids: dict[str, str]) -> Iterator[str]:
    """The rows of the documents table, by date and path."""
    for d in sorted(timeline.documents, key=lambda d: (d.date or "", d.path)):
        url = safe_url(d.url)
        doc_title = _esc(d.title or d.path)
        link = f'<a href="{_esc(url)}" rel="noopener noreferrer external">{doc_title}</a>' if url else doc_title
        yield (
            f'<tr id="{doc_ids[d.path]}"><td>{_esc(d.date or "")}</td><td>{_esc(d.language or "")}</td>'
            f"<td>{_esc(d.reference or '')}</td><td>{link}<br><small>{_esc(d.path)}</small></td></tr>"
        )


def _page(
    timeline: Timeline,
    entry_html: Callable[[Entry, dict[str, str], dict[str, str]], str],
    row_of: RowMaker | None = None,
) -> str:
    """The page, each entry's markup made by ``entry_html`` and its data row by ``row_of``
    (which, when given, returns :data:`_MARK`: the row's place in the page's text)."""
    lane_list = lanes(timeline)
    anchors: dict[str, str] = {}
    for entry in timeline.entries:
        anchors.setdefault(entry.id, entry_anchor(entry))
    doc_ids = {d.path: slug(d.path, "doc") for d in timeline.documents}
    css = _asset("page.css")
    js = _asset("page.js")
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(js)}; style-src {_csp_hash(css)}; "
        "img-src data:; font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
    )
    dated = [ext for e in timeline.entries if (ext := extent(e)) is not None]
    span = f"{min(x.start for x in dated).year}–{max(x.end for x in dated).year}" if dated else "no dates"
    n_planned = sum(1 for e in timeline.entries if e.status == "planned")
    stats = [
        f"{len(timeline.entries)} entries",
        f"{len(lane_list)} dossiers",
        f"{len(timeline.documents)} documents" if timeline.documents else "",
        span,
        f"{n_planned} planned" if n_planned else "",
    ]
    nav = "".join(
        f'<li><a href="#{slug(lane.key or "none", "d")}">{_esc(lane.name)}</a> '
        f'<span class="n">{len(lane.entries)}</span></li>'
        for lane in lane_list
    )
    sections: list[str] = []
    listed = 0
    for lane_index, lane in enumerate(lane_list):
        sid = slug(lane.key or "none", "d")
        exts = [x for e in lane.entries if (x := extent(e)) is not None]
        first, last = (min(x.start for x in exts).year, max(x.end for x in exts).year) if exts else (0, 0)
        period = "" if not exts else f" · {first}" if first == last else f" · {first}–{last}"
        first = max(0, min(len(lane.entries), LIST_PAGE - listed))
        listed += len(lane.entries)
        items = "".join(entry_html(e, anchors, doc_ids) for e in lane.entries[:first])
        later = "".join(
            '<noscript class="later"><ol class="entries">'
            + "".join(entry_html(e, anchors, doc_ids) for e in lane.entries[k : k + LATER_CHUNK])
            + "</ol></noscript>"
            for k in range(first, len(lane.entries), LATER_CHUNK)
        )
        sections.append(
            f'<section class="dossier" id="{sid}" data-lane="{lane_index}" aria-labelledby="{sid}-h">'
            f'<h3 id="{sid}-h">{_esc(lane.name)} <span class="meta">'
            f"{len(lane.entries)} entr{'y' if len(lane.entries) == 1 else 'ies'}{period}</span></h3>"
            f'<ol class="entries">{items}</ol>{later}</section>'
        )
    notes: list[str] = []
    open_plans = [p for p in timeline.open_plans if p in anchors]
    if open_plans:
        by_id = {e.id: e for e in timeline.entries}
        links = "".join(
            f'<li><a href="#{anchors[p]}">{_esc(display_date(by_id[p]))}: {_esc(title(by_id[p]))}</a></li>'
            for p in open_plans
        )
        notes.append(f'<section class="notes" aria-labelledby="plans-h"><h2 id="plans-h">Open plans</h2>'
                     f"<p>Planned steps no document of the corpus reports as done.</p><ul>{links}</ul></section>")
    docs = ""
    if timeline.documents:
        # with row_of (the streamed page), the rows' place: html_pieces writes them one by one
        rows = _DOCS if row_of is not None else "".join(_document_rows(timeline, doc_ids))
        docs = (
            '<section class="documents" aria-labelledby="docs-h"><h2 id="docs-h">Documents</h2>'
            '<table><caption>The documents this timeline was read from</caption><thead><tr>'
            '<th scope="col">Date</th><th scope="col">Language</th><th scope="col">Reference</th>'
            f'<th scope="col">Title</th></tr></thead><tbody>{rows}</tbody></table></section>'
        )
    data = json_for_script(_data(timeline, anchors, row_of))
    if row_of is not None:  # each row's place: the mark itself, not its JSON string
        data = data.replace(json_for_script(_MARK), _MARK)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_esc(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="policy-timeline">
<title>{_esc(timeline.title)}</title>
<style>{css}</style>
</head>
<body>
<a class="skip" href="#entries">Skip to the entries</a>
<header class="masthead">
<div class="mast-inner">
<h1>{_esc(timeline.title)}</h1>
<p class="stats">{" · ".join(_esc(s) for s in stats if s)}</p>
<div id="theme-slot"></div>
</div>
</header>
<div class="layout">
<aside id="filters" class="filters" aria-label="Search and filters" hidden>
<search>
<label for="q" class="q-label">Search</label>
<input id="q" type="search" placeholder="Words, dates, acts…" autocomplete="off" aria-describedby="count">
</search>
<p id="count" class="count" role="status" aria-live="polite"></p>
<div id="facets"></div>
<button type="button" id="clear" class="btn">Clear filters</button>
</aside>
<main id="main">
<section id="visual" class="visual" aria-labelledby="visual-h" hidden>
<div class="visual-head">
<h2 id="visual-h">Timeline</h2>
<div class="zoom" role="group" aria-label="Zoom">
<button type="button" class="btn" data-zoom="in" aria-label="Zoom in">+</button>
<button type="button" class="btn" data-zoom="out" aria-label="Zoom out">−</button>
<button type="button" class="btn" data-zoom="fit">Fit</button>
</div>
</div>
<div class="legend">{_legend()}</div>
<div id="chart" class="chart">
<canvas id="canvas" tabindex="0" role="application" aria-roledescription="timeline chart"
 aria-label="Visual timeline, one lane per dossier" aria-describedby="chart-help"></canvas>
<div id="tip" class="tip" hidden></div>
</div>
<p id="chart-help" class="help">Drag or use the scroll wheel to pan and zoom. With the chart focused:
← → select the previous or next entry, ↑ ↓ change lane, Enter opens it, + − zoom, 0 fits.</p>
<p id="announce" class="sr-only" aria-live="polite"></p>
</section>
<section id="entries" class="entries-view" aria-labelledby="entries-h">
<h2 id="entries-h">Entries by dossier</h2>
<nav aria-label="Dossiers" class="toc"><ul>{nav}</ul></nav>
{"".join(sections)}
<p id="empty" class="empty" hidden>No entry matches the search and filters.</p>
</section>
{"".join(notes)}
{docs}
</main>
</div>
<footer class="foot"><p>Made with policy-timeline. Dates as the sources give them; approximate dates are
shown as ranges. Each entry lists the sentences it comes from.</p></footer>
<script type="application/json" id="timeline-data">{data}</script>
<script>{js}</script>
</body>
</html>
"""
