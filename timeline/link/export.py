"""The merged timeline as JSON (:func:`timeline_to_json`) and narrowed to one act,
procedure or dossier (:func:`select`); the graph as GraphML and node-link JSON.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import chain, islice
from json.encoder import encode_basestring as _enc
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast, overload

from timeline.errors import UsageError
from timeline.fileio import paused_gc, write_atomic, write_atomic_pieces
from timeline.fragments import Fragments, context_key
from timeline.jsontext import _encoder as _json_encoder
from timeline.jsontext import _Unsupported as _GenericUnsupported
from timeline.jsontext import extractions_json, json_text
from timeline.link.acts import act_key, canonical_procedure, find_acts
from timeline.link.graph import GraphData, GraphEdges
from timeline.model import Document, Entry, Extraction, Source, Timeline
from timeline.safety import XML_FORBIDDEN, xml_text

if TYPE_CHECKING:  # networkx (about 0.35 CPU-s to import) loads only where a graph is made
    import networkx as nx


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


def timeline_to_dict(timeline: Timeline, *, entries: bool = True) -> dict[str, Any]:
    """The timeline as plain data: entries with all sources, dossiers, plans, documents.

    ``entries=False`` leaves out the entries and the documents (what :func:`timeline_to_json`
    writes by template)."""
    if not entries:
        return {
            "title": timeline.title,
            "dossiers": _dossiers(timeline),
            "open_plans": list(timeline.open_plans),
            "title_matches": timeline.extra.get("title_matches", []),
            "relations": timeline.extra.get("relations", []),
            "corrections": timeline.extra.get("corrections", []),
        }
    return {
        "title": timeline.title,
        "entries": [entry_to_dict(e) for e in timeline.entries],
        "dossiers": _dossiers(timeline),
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


def _dossiers(timeline: Timeline) -> list[dict[str, Any]]:
    return [
        {
            "id": d.id,
            "name": d.name,
            "acts": list(d.acts),
            "procedures": list(d.procedures),
            "entries": list(d.entries),
        }
        for d in timeline.dossiers
    ]


def timeline_to_json(timeline: Timeline, *, memo: Fragments | None = None) -> str:
    """The timeline as deterministic JSON (sorted keys, UTF-8, trailing newline).

    The same characters as ``json_text(timeline_to_dict(timeline), indent=1)``: entries and
    documents, nearly all of the file, are written by record templates (:func:`entry_json`)
    instead of the generic encoder's one call per value. With ``memo``, each entry's text is
    taken from it when an equal entry was written before (see :mod:`timeline.fragments`).
    """
    if memo is None:
        with paused_gc():
            try:
                return _timeline_json(timeline)
            except _Unsupported:  # a value of an unexpected type: the generic encoder decides
                return json_text(timeline_to_dict(timeline), indent=1, sort_keys=True) + "\n"
    return timeline_json_bytes(timeline, memo=memo).decode("utf-8", "surrogatepass")


def timeline_json_bytes(timeline: Timeline, *, memo: Fragments | None = None) -> bytes:
    """:func:`timeline_to_json` as the UTF-8 bytes ``timeline.json`` holds (what a build
    writes): with ``memo``, assembled from the entries' memoised bytes without decoding them."""
    if memo is None:
        return timeline_to_json(timeline).encode("utf-8", "surrogatepass")
    with paused_gc():
        try:
            entries = memo.get_all(
                "timeline.json", [memo.entry_key(e) for e in timeline.entries],
                lambda i: entry_json(timeline.entries[i]),
            )
            return _timeline_json(timeline, entries)
        except _Unsupported:
            text = json_text(timeline_to_dict(timeline), indent=1, sort_keys=True) + "\n"
            return text.encode("utf-8", "surrogatepass")


class _Unsupported(Exception):
    """A value the record templates leave to the generic encoder."""


def _float(value: float) -> str:
    return json.dumps(value)


def _sc(v: Any) -> str:
    """A scalar as ``json.dumps(ensure_ascii=False)`` writes it."""
    t = type(v)
    if t is str:
        return _enc(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if t is int:
        return int.__repr__(v)
    if t is float:
        return _float(v)
    raise _Unsupported(v)


def _strings(values: Sequence[Any], ind: str, close: str) -> str:
    """A list of scalars at the indentation ``ind`` (its items) and ``close`` (its bracket)."""
    if not values:
        return "[]"
    return "[" + ind + ("," + ind).join([_sc(v) for v in values]) + close + "]"


def _span(span: Any, ind: str, close: str) -> str:
    if span is None:
        return "null"
    if type(span) is not tuple and type(span) is not list:
        raise _Unsupported(span)
    return _strings(span, ind, close)


#: Indentation (newline and spaces) of timeline.json's depths (indent 1).
_D = ["\n" + " " * n for n in range(8)]


def _source_json(s: Source) -> str:
    """One source at depth 4 of timeline.json (in the list of its entry's sources)."""
    i5, i6 = _D[5], _D[6]
    return (
        f'{{{i5}"date": {_sc(s.date)},{i5}"document": {_sc(s.document)},'
        f'{i5}"language": {_sc(s.language)},{i5}"page": {_sc(s.page)},{i5}"quote": {_sc(s.quote)},'
        f'{i5}"quote_span": {_span(s.quote_span, i6, i5)},{i5}"reference": {_sc(s.reference)},'
        f'{i5}"timex_span": {_span(s.timex_span or None, i6, i5)},{i5}"timex_text": {_sc(s.timex_text)},'
        f'{i5}"url": {_sc(s.url)}{_D[4]}}}'
    )


def entry_json(e: Entry) -> str:
    """``entry_to_dict(e)`` as timeline.json holds it: JSON at depth 2, indent 1, sorted keys."""
    i3, i4, i5 = _D[3], _D[4], _D[5]
    if e.acts:
        acts = (
            "["
            + ",".join(
                f'{i4}{{{i5}"celex": {_sc(a.celex)},{i5}"label": {_sc(a.label)}{i4}}}' for a in e.acts
            )
            + i3
            + "]"
        )
    else:
        acts = "[]"
    by_source = ""
    if e.conflict:
        dates: dict[str, list[str]] = {}
        for s in e.sources:
            if s.date:
                dates.setdefault(s.date, []).append(s.document)
        if type(e.conflict) is not bool or not all(type(d) is str for d in dates):
            raise _Unsupported(e.conflict)
        if dates:
            items = ("," + i4).join(
                f"{_enc(d)}: {_strings(sorted(set(v)), i5, i4)}" for d, v in sorted(dates.items())
            )
            by_source = f'{i3}"dates_by_source": {{{i4}{items}{i3}}},'
        else:
            by_source = f'{i3}"dates_by_source": {{}},'
    sources = (
        "[" + ",".join([i4 + _source_json(s) for s in e.sources]) + i3 + "]" if e.sources else "[]"
    )
    return (
        f'{{{i3}"actors": {_strings(e.actors, i4, i3)},{i3}"acts": {acts},'
        f'{i3}"conflict": {_sc(e.conflict)},{i3}"date": {_sc(e.date)},{by_source}'
        f'{i3}"delay_days": {_sc(e.delay_days)},{i3}"dossier": {_sc(e.dossier)},'
        f'{i3}"earliest": {_sc(e.earliest)},{i3}"id": {_sc(e.id)},{i3}"label": {_sc(e.label)},'
        f'{i3}"latest": {_sc(e.latest)},{i3}"precision": {_sc(e.precision)},'
        f'{i3}"procedures": {_strings(e.procedures, i4, i3)},{i3}"realised_by": {_sc(e.realised_by)},'
        f'{i3}"realises": {_sc(e.realises)},{i3}"sources": {sources},'
        f'{i3}"status": {_sc(e.status)},{i3}"type": {_sc(e.type)}{_D[2]}}}'
    )


def _document_json(d: Document) -> str:
    i3 = _D[3]
    return (
        f'{{{i3}"date": {_sc(d.date)},{i3}"language": {_sc(d.language)},{i3}"path": {_sc(d.path)},'
        f'{i3}"reference": {_sc(d.reference)},{i3}"title": {_sc(d.title)},{i3}"url": {_sc(d.url)}{_D[2]}}}'
    )


def _frame(timeline: Timeline) -> tuple[str, str]:
    """timeline.json's text before its entries' list and after it."""
    data = timeline_to_dict(timeline, entries=False)
    documents = [_document_json(d) for d in sorted(timeline.documents, key=lambda d: d.path)]
    encode = _json_encoder(1, True)
    head: list[str] = []  # the fields before "entries", then those after
    tail: list[str] = []
    for key in sorted([*data, "documents"]):
        out = [f"{_D[1]}{_enc(key)}: "]
        if key == "documents":
            out.append("[" + _D[2] + ("," + _D[2]).join(documents) + _D[1] + "]" if documents else "[]")
        else:
            try:
                encode(data[key], out, 1)
            except (_GenericUnsupported, RecursionError, TypeError) as exc:
                raise _Unsupported(key) from exc
        (head if key < "entries" else tail).append("".join(out))
    return "{" + ",".join(head) + f",{_D[1]}\"entries\": ", "," + ",".join(tail) + "\n}\n"


@overload
def _timeline_json(timeline: Timeline, entries: None = None) -> str: ...
@overload
def _timeline_json(timeline: Timeline, entries: list[bytes]) -> bytes: ...
def _timeline_json(timeline: Timeline, entries: list[bytes] | None = None) -> str | bytes:
    """timeline.json as text, or as bytes around the entries' given bytes."""
    before, after = _frame(timeline)
    if entries is None:
        texts = [entry_json(e) for e in timeline.entries]
        body = "[" + _D[2] + ("," + _D[2]).join(texts) + _D[1] + "]" if texts else "[]"
        return before + body + after
    return b"".join(_around(before, entries, after, "surrogatepass"))


def _around(before: str, entries: Iterable[bytes], after: str, errors: str) -> Iterator[bytes]:
    """timeline.json's pieces: ``before``, the list of ``entries`` (their bytes), ``after``."""
    yield before.encode("utf-8", errors)
    opened = False
    sep = ("," + _D[2]).encode()
    for data in entries:
        yield sep if opened else b"[" + _D[2].encode()
        opened = True
        yield data
    yield _D[1].encode() + b"]" if opened else b"[]"
    yield after.encode("utf-8", errors)


def write_timeline_json(timeline: Timeline, path: str | Path, *, memo: Fragments | None = None) -> Path:
    """Write ``timeline.json`` (the bytes of :func:`timeline_to_json`, and with ``memo`` of
    :func:`timeline_json_bytes`) to ``path``, streamed entry by entry into an atomic temporary
    file: never the whole text in memory, each entry's bytes taken from ``memo`` when known
    (one pass over the entries). Returns the path written."""
    with paused_gc():
        try:
            before, after = _frame(timeline)
            entries = timeline.entries
            parts: Iterable[bytes]
            if memo is None:
                parts = (entry_json(e).encode("utf-8") for e in entries)
            else:
                keys = [memo.entry_key(e) for e in entries]
                # made one by one as written when the memo keeps nothing
                parts = memo.each("timeline.json", keys, lambda i: entry_json(entries[i]))
            errors = "strict" if memo is None else "surrogatepass"  # as the text was encoded
            pieces = _around(before, parts, after, errors)
            return write_atomic_pieces(path, pieces if memo is None else memo.tracked(path, pieces))
        except _Unsupported:  # a value of an unexpected type: the generic encoder decides
            text = json_text(timeline_to_dict(timeline), indent=1, sort_keys=True) + "\n"
            return write_atomic(path, text if memo is None else text.encode("utf-8", "surrogatepass"))


def extractions_to_json(extractions: Sequence[Extraction]) -> str:
    """``events.json``: every document object of EVENTS.md, in order (indent 2, fields in
    contract order, UTF-8, trailing newline): :func:`timeline.jsontext.extractions_json`, which
    writes the same characters as ``json_text`` of their dicts without making them."""
    with paused_gc():
        return extractions_json(extractions) + "\n"


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


# --- the graph's exports: GraphML and node-link JSON ------------------------------------------

#: What GraphML escapes in element text (``&<>``) or :func:`~timeline.safety.xml_text` rewrites.
_TEXT_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: What GraphML escapes in an attribute value, besides the text's.
_ATTR_SPECIAL = re.compile('[&<>"\r\n\t]')
_GRAPHML_HEAD = (
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
    ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
#: ASCII characters ``str.splitlines`` breaks at besides ``\n``.
_BREAKS = (b"\r", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e")


def _line_breaks(data: bytes) -> bool:
    """Whether ``data`` holds one of :data:`_BREAKS` (six ``in`` tests: 20 times faster than
    a character-class search over 30 MB)."""
    return any(b in data for b in _BREAKS)


def _cdata(text: str) -> str:
    """Element text as ElementTree writes it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attrib(text: str) -> str:
    """An attribute value as ElementTree writes it."""
    if _ATTR_SPECIAL.search(text) is None:
        return text
    text = _cdata(text).replace('"', "&quot;")
    return text.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#09;")


def _graphml_value(value: Any) -> str:
    """An attribute as the GraphML holds it: stringified as ``graph.stringified`` does
    (XML-forbidden characters as ``\\uXXXX``, lists and dicts as JSON), escaped as element text."""
    if isinstance(value, str):
        text = value
    elif value is None:
        return ""
    elif value is True:
        return "true"
    elif value is False:
        return "false"
    elif isinstance(value, (int, float)):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if _TEXT_SPECIAL.search(text) is None:
        return text
    return _cdata(xml_text(text))


def _parts(graph: nx.MultiDiGraph | GraphData) -> GraphData:
    """The graph's attributes, nodes and edges as :class:`GraphData` (the same objects)."""
    if isinstance(graph, GraphData):
        return graph
    return GraphData(
        graph.graph, list(graph.nodes(data=True)), list(graph.edges(keys=True, data=True))
    )


def _plain_ids(graph: GraphData, names: tuple[list[Any], list[Any]] | None = None) -> bool:
    """Every node id and edge key a string that XML takes as it is, every attribute name a
    string, and no graph attribute networkx's GraphML writer treats specially: then
    :func:`graphml_text` writes the graph directly. ``names``: the nodes' and the edges'
    attribute names (:func:`_names`), when known."""
    if any(k in graph.graph for k in ("id", "node_default", "edge_default")):
        return False
    if not all(type(k) is str for k in graph.graph):
        return False
    # one type test per distinct type and one search over all ids (a search per id cost 0.5 s
    # at 10,000 documents)
    # the edge keys once each (a few kinds: an edge's attributes are not read for its key)
    ids = [node for node, _ in graph.nodes] + list(dict.fromkeys(_edge_keys(graph.edges)))
    if set(map(type, ids)) - {str}:
        return False
    if names is None:
        names = (_names(data for _, data in graph.nodes), _edge_names(graph.edges))
    if set(map(type, names[0])) - {str} or set(map(type, names[1])) - {str}:
        return False
    if XML_FORBIDDEN.search("\n".join(ids)) is not None:  # "\n" is no forbidden character
        return False
    return True


def _names(dicts: Iterable[dict[str, Any]]) -> list[Any]:
    """The keys of ``dicts`` in order of first use, each once (one pass in C)."""
    return list(dict.fromkeys(chain.from_iterable(dicts)))


def _edge_names(edges: Sequence[tuple[Any, Any, Any, dict[str, Any]]]) -> list[Any]:
    """:func:`_names` of the edges' attributes (from :class:`GraphEdges` without making
    them)."""
    if isinstance(edges, GraphEdges):
        return edges.names()
    return _names(data for *_, data in edges)


def _edge_keys(edges: Sequence[tuple[Any, Any, Any, dict[str, Any]]]) -> Iterator[Any]:
    """Each edge's key, in order (from :class:`GraphEdges` without making its attributes)."""
    if isinstance(edges, GraphEdges):
        return (k for _u, _v, k in edges.ids())
    return (k for _u, _v, k, _ in edges)


def graphml_text(graph: nx.MultiDiGraph | GraphData, *, memo: Fragments | None = None) -> bytes:
    """``graph`` as GraphML, every attribute a string (what Gephi and yEd read).

    The bytes are exactly those of networkx's ``generate_graphml`` on
    :func:`~timeline.link.graph.stringified` (pretty-printed, key ids in order of first use,
    non-ASCII as character references, lines joined by ``\\n``), written directly instead of
    through an ElementTree of the whole graph, which cost seconds at 10,000 documents. A graph
    whose node ids or edge keys are not plain XML-safe strings goes the networkx way. With
    ``memo`` (and :class:`~timeline.link.graph.GraphData`), each node's and edge's lines are
    taken from it when an equal one was written before under the same key ids.
    """
    with paused_gc():
        return _graphml(graph, memo if isinstance(graph, GraphData) else None)


class _Rewrite(Exception):
    """Streamed GraphML that holds a line break networkx would split at: the whole text decides."""


def _graphml(given: nx.MultiDiGraph | GraphData, memo: Fragments | None) -> bytes:
    try:
        return b"".join(_graphml_pieces(given, memo))
    except _Rewrite:
        return _whole_graphml(given)


def _whole_graphml(given: nx.MultiDiGraph | GraphData) -> bytes:
    """The GraphML text made whole, its lines split as networkx splits them."""
    text = b"".join(_graphml_pieces(given, None, stream=False))
    if _line_breaks(text):  # networkx splits the ASCII text into lines
        text = ("\n".join(text.decode("ascii").splitlines()) + "\n").encode("ascii")
    return text


def _lines(head: bytes, parts: Iterable[bytes], end: bytes) -> Iterator[bytes]:
    """``head``, ``parts`` joined by newlines, ``end``: each part and each newline a piece of
    its own, checked about 2,048 parts at a time; raises :class:`_Rewrite` before the first
    batch holding one of :data:`_BREAKS` (nothing of a part can combine with the next into
    one: each is a single byte)."""
    if _line_breaks(head) or _line_breaks(end):
        raise _Rewrite
    yield head
    items = iter(parts)
    newline = b"\n"
    first = True
    while batch := list(islice(items, 2048)):
        if _line_breaks(b"".join(batch)):
            raise _Rewrite
        # each part a piece of its own, as it came (a memo records where each lands)
        if not first:
            yield newline
        yield batch[0]
        for part in islice(batch, 1, None):
            yield newline
            yield part
        first = False
    yield end


def _graphml_pieces(
    given: nx.MultiDiGraph | GraphData, memo: Fragments | None, *, stream: bool = True
) -> Iterable[bytes]:
    """The GraphML text in pieces (see :func:`graphml_text`); iterating them raises
    :class:`_Rewrite` when the text must be made whole (``stream=False`` makes it so)."""
    if not isinstance(given, GraphData) and not (given.is_multigraph() and given.is_directed()):
        return [_networkx_graphml(given)]
    graph = _parts(given)
    names = (_names(data for _, data in graph.nodes), _edge_names(graph.edges))
    if not _plain_ids(graph, names):
        return [_networkx_graphml(given.to_networkx() if isinstance(given, GraphData) else given)]
    keys: dict[tuple[str, str], str] = {}
    declared: list[str] = []

    def key(name: str, scope: str) -> str:
        found = keys.get((name, scope))
        if found is None:
            found = keys[(name, scope)] = f"d{len(keys)}"
            declared.append(
                f'  <key id="{found}" for="{scope}" attr.name="{_attrib(name)}"'
                ' attr.type="string" />'
            )
        return found

    # key ids in order of first use: the graph's own, then the nodes', then the edges'
    # (ElementTree adds the graph's own data after its nodes and edges, but numbers keys first)
    graph_data = [(key(k, "graph"), _graphml_value(v)) for k, v in graph.graph.items()]
    node_keys = {k: key(k, "node") for k in names[0]}
    edge_keys = {k: key(k, "edge") for k in names[1]}
    if stream and (graph.nodes or graph.edges):
        # streamed: each node's and edge's lines (from ``memo`` when known), between the head
        # and the end; a line break networkx would split at sends the whole text the plain way
        tail = [f'    <data key="{kid}">{text}</data>' if text else f'    <data key="{kid}" />' for kid, text in graph_data]
        declared.reverse()  # ElementTree inserted each new key before the others
        head = "\n".join([_GRAPHML_HEAD, *declared, '  <graph edgedefault="directed">', ""])
        end = "\n".join(["", *tail, "  </graph>", "</graphml>", ""])
        parts: Iterable[bytes]
        if memo is None or not memo.remember:
            # a memo that keeps nothing (a large corpus) makes these same bytes, and its list
            # of every piece would hold the whole text: each piece made as it is written
            if memo is not None:
                memo.misses += len(graph.nodes) + len(graph.edges)
            parts = chain(
                (_graphml_node(node, data, node_keys).encode("ascii", "xmlcharrefreplace") for node, data in graph.nodes),
                (_graphml_edge(u, v, k, data, edge_keys).encode("ascii", "xmlcharrefreplace") for u, v, k, data in graph.edges),
            )
        else:
            nodes_ctx = context_key(sorted(node_keys.items()))
            edges_ctx = context_key(sorted(edge_keys.items()))
            node_digests, edge_digests = _item_digests(graph, memo)
            nodes, edges = graph.nodes, graph.edges
            parts = memo.get_all(
                "graph.graphml", [f"{d}:{nodes_ctx}" for d in node_digests],
                lambda i: _ascii_node(*nodes[i], node_keys),
            ) + memo.get_all(
                "graph.graphml", [f"{d}:{edges_ctx}" for d in edge_digests],
                lambda i: _ascii_edge(*edges[i], edge_keys),
            )
        return _lines(head.encode("ascii", "xmlcharrefreplace"), parts, end.encode("ascii", "xmlcharrefreplace"))
    body = [_graphml_node(node, data, node_keys) for node, data in graph.nodes]
    body += [_graphml_edge(u, v, k, data, edge_keys) for u, v, k, data in graph.edges]
    body += [f'    <data key="{kid}">{text}</data>' if text else f'    <data key="{kid}" />' for kid, text in graph_data]
    declared.reverse()  # ElementTree inserted each new key before the others
    if body:
        opening = [_GRAPHML_HEAD, *declared, '  <graph edgedefault="directed">']
        text = "\n".join([*opening, *body, "  </graph>", "</graphml>", ""])
    else:
        text = "\n".join([_GRAPHML_HEAD, *declared, '  <graph edgedefault="directed" />', "</graphml>", ""])
    return [text.encode("ascii", "xmlcharrefreplace")]


def write_graphml_file(graph: nx.MultiDiGraph | GraphData, path: str | Path, *, memo: Fragments | None = None) -> Path:
    """Write :func:`graphml_text` of ``graph`` to ``path``, streamed into an atomic temporary
    file node by node and edge by edge (never the whole text in memory, unless networkx writes
    it or a line break makes it whole). Returns the path written."""
    with paused_gc():
        try:
            memo = memo if isinstance(graph, GraphData) else None
            pieces = _graphml_pieces(graph, memo)
            return write_atomic_pieces(path, pieces if memo is None else memo.tracked(path, pieces))
        except _Rewrite:
            return write_atomic(path, _whole_graphml(graph))


def _graphml_node(node: str, data: dict[str, Any], node_keys: dict[str, str]) -> str:
    """A node's lines (joined by newlines) under the given key ids."""
    return _graphml_element(f'    <node id="{_attrib(node)}"', "node", data, node_keys)


def _graphml_edge(u: str, v: str, k: str, data: dict[str, Any], edge_keys: dict[str, str]) -> str:
    """An edge's lines (joined by newlines) under the given key ids."""
    head = f'    <edge source="{_attrib(u)}" target="{_attrib(v)}" id="{_attrib(k)}"'
    return _graphml_element(head, "edge", data, edge_keys)


def _graphml_element(head: str, tag: str, data: dict[str, Any], keys: dict[str, str]) -> str:
    """A node's or edge's lines: ``head`` (its open tag without the ``>``), then one ``<data>``
    line per attribute under the given key ids, then the close tag; ``head />`` when bare."""
    if not data:
        return head + " />"
    lines = [head + ">"]
    for name, value in data.items():
        kid = keys[name]
        text = _graphml_value(value)
        lines.append(f'      <data key="{kid}">{text}</data>' if text else f'      <data key="{kid}" />')
    lines.append(f"    </{tag}>")
    return "\n".join(lines)


def _ascii_node(node: str, data: dict[str, Any], node_keys: dict[str, str]) -> str:
    return _graphml_node(node, data, node_keys).encode("ascii", "xmlcharrefreplace").decode("ascii")


def _ascii_edge(u: str, v: str, k: str, data: dict[str, Any], edge_keys: dict[str, str]) -> str:
    return _graphml_edge(u, v, k, data, edge_keys).encode("ascii", "xmlcharrefreplace").decode("ascii")


def _item_digests(graph: GraphData, memo: Fragments) -> tuple[list[str], list[str]]:
    """A digest of each node (id and attributes) and edge of ``graph``, once per graph object
    for both exports (kept on the memo): its hint where it has one (an entry's own items,
    named by the entry's digest: :attr:`~timeline.link.graph.GraphData.hints`)."""
    cached = memo.shared.get("graph digests")
    if cached is not None and cached[0] is graph:
        return cast(tuple[list[str], list[str]], cached[1])
    if graph.hints is None:
        digests = (
            [_digest((n, data)) for n, data in graph.nodes],
            [_digest((u, v, k, data)) for u, v, k, data in graph.edges],
        )
    else:  # an entry's own items named by the entry's digest (GraphData.hints)
        node_hints, edge_hints = graph.hints
        edges = graph.edges
        if len(edge_hints) != len(edges):
            raise ValueError("the edges' hints are not aligned with the edges")
        digests = (
            [h or _digest(item) for h, item in zip(node_hints, graph.nodes, strict=True)],
            # a hinted edge is not read (a reports edge would make its attributes)
            [h or _digest(edges[i]) for i, h in enumerate(edge_hints)],
        )
    memo.shared["graph digests"] = (graph, digests)
    return digests


def _digest(item: Any) -> str:
    try:
        payload = marshal.dumps(item, 2)  # no back-references: values only
    except ValueError:
        payload = repr(item).encode("utf-8", "surrogatepass")
    return hashlib.sha1(payload).hexdigest()


def _networkx_graphml(graph: nx.MultiDiGraph) -> bytes:
    import networkx as nx

    from timeline.link.graph import stringified

    text = "\n".join(nx.generate_graphml(stringified(graph), encoding="utf-8", prettyprint=True))
    return (text + "\n").encode("utf-8")


def graph_json_text(graph: nx.MultiDiGraph | GraphData) -> str:
    """The networkx node-link form of ``graph`` as JSON (lossless, sorted keys, indent 1);
    from :class:`~timeline.link.graph.GraphData`, the same text without networkx."""
    with paused_gc():
        if not isinstance(graph, GraphData):
            import networkx as nx

            return json_text(nx.node_link_data(graph, edges="edges"), indent=1, sort_keys=True) + "\n"
        return json_text(_node_link(graph), indent=1, sort_keys=True) + "\n"


def _node_link(graph: GraphData) -> dict[str, Any]:
    """networkx's node-link data of the graph (``edges="edges"``)."""
    return {
        "directed": True,
        "multigraph": True,
        "graph": graph.graph,
        "nodes": [{**attrs, "id": n} for n, attrs in graph.nodes],
        "edges": [{**attrs, "source": u, "target": v, "key": k} for u, v, k, attrs in graph.edges],
    }


def graph_json_bytes(graph: nx.MultiDiGraph | GraphData, *, memo: Fragments | None = None) -> bytes:
    """:func:`graph_json_text` as UTF-8 bytes; with ``memo`` (and GraphData), each node and
    edge taken from the memo when an equal one was written before."""
    if memo is None or not isinstance(graph, GraphData):
        return graph_json_text(graph).encode("utf-8", "surrogatepass")
    with paused_gc():
        try:
            return _graph_json_memo(graph, memo)
        except (_GenericUnsupported, RecursionError, TypeError):  # the generic path decides
            return graph_json_text(graph).encode("utf-8", "surrogatepass")


def _graph_json_memo(graph: GraphData, memo: Fragments) -> bytes:
    pieces = _graph_json_pieces(graph, memo, "surrogatepass")
    if pieces is None:
        return graph_json_text(graph).encode("utf-8", "surrogatepass")
    return b"".join(pieces)


def _edge_item(edge: tuple[str, str, str, dict[str, Any]]) -> dict[str, Any]:
    u, v, k, attrs = edge
    return {**attrs, "source": u, "target": v, "key": k}


def _graph_json_pieces(graph: GraphData, memo: Fragments | None, errors: str) -> Iterator[bytes] | None:
    """graph.json's bytes in pieces: the document around the nodes and edges (the generic
    encoder's, cut at a placeholder in each one's place) and each one's text, from ``memo``
    when known; None when the graph's own data holds the placeholder."""
    edges, nodes = graph.edges, graph.nodes
    between = _json_frame(graph.graph, len(edges), len(nodes))
    if between is None:  # the graph's own data holds the placeholder
        return None

    def item(i: int) -> str:
        return _json_item(_edge_item(edges[i]) if i < len(edges) else {**nodes[i - len(edges)][1], "id": nodes[i - len(edges)][0]})

    items: Iterable[bytes]
    if memo is None or not memo.remember:
        # a memo that keeps nothing would make the same bytes into a list of the whole text
        if memo is not None:
            memo.misses += len(edges) + len(nodes)
        items = (item(i).encode("utf-8", errors) for i in range(len(edges) + len(nodes)))
    else:
        node_digests, edge_digests = _item_digests(graph, memo)
        items = memo.get_all("graph.json", [*edge_digests, *node_digests], item)
    encoded: dict[str, bytes] = {}  # the same few separators again and again

    def pieces() -> Iterator[bytes]:
        yield between[0].encode("utf-8", errors)
        for data, piece in zip(items, islice(between, 1, None), strict=True):
            yield data
            done = encoded.get(piece)
            if done is None:
                done = encoded[piece] = piece.encode("utf-8", errors)
            yield done

    return pieces()


def _json_frame(attrs: dict[str, Any], edges: int, nodes: int) -> Sequence[str] | None:
    """graph.json around its ``edges`` and ``nodes`` (the generic encoder's text of the
    document, cut where each item goes: one more piece than items), or None when the graph's
    own ``attrs`` hold the placeholder it is cut at. The text is made with two edges and two
    nodes at most: the pieces between two edges (and two nodes) are all alike, one string
    repeated (a text of the whole frame, and its pieces, held about 85 bytes per edge)."""
    mark = "\x00item\x00"
    e, n = min(edges, 2), min(nodes, 2)
    frame = {"directed": True, "multigraph": True, "graph": attrs, "edges": [mark] * e, "nodes": [mark] * n}
    text = json_text(frame, indent=1, sort_keys=True) + "\n"
    small = text.split(json.dumps(mark))
    if len(small) != e + n + 1:
        return None
    between = [small[0]]
    if edges:
        between += [small[1]] * (edges - 1)  # the one piece between two edges, repeated
        between.append(small[e])
    if nodes:
        between += [small[e + 1]] * (nodes - 1)
        between.append(small[e + n])
    return between


def write_graph_json_file(graph: nx.MultiDiGraph | GraphData, path: str | Path, *, memo: Fragments | None = None) -> Path:
    """Write :func:`graph_json_bytes` of ``graph`` (with ``memo``; without, the text of
    :func:`graph_json_text`) to ``path``, streamed into an atomic temporary file node by node
    and edge by edge from :class:`~timeline.link.graph.GraphData`. Returns the path written."""
    errors = "strict" if memo is None else "surrogatepass"  # as the whole text was encoded
    if isinstance(graph, GraphData):
        with paused_gc():
            try:
                pieces = _graph_json_pieces(graph, memo, errors)
                if pieces is not None:
                    tracked = pieces if memo is None else memo.tracked(path, pieces)
                    return write_atomic_pieces(path, tracked)
            except (_GenericUnsupported, RecursionError, TypeError):  # the generic path decides
                pass
    text = graph_json_text(graph)
    return write_atomic(path, text if memo is None else text.encode("utf-8", "surrogatepass"))


def _json_item(item: dict[str, Any]) -> str:
    """A node or edge of graph.json at depth 2 (indent 1, sorted keys)."""
    out: list[str] = []
    _ITEM_ENCODER(item, out, 2)
    return "".join(out)


#: One encoder for every item (its per-key prefixes made once, not once per item).
_ITEM_ENCODER = _json_encoder(1, True)
