"""The corpus as one graph (networkx), and its exports: GraphML and node-link JSON.

Nodes (attribute ``kind``): ``document``, ``event`` (a merged timeline entry), ``act`` (by CELEX),
``procedure``, ``actor``, ``dossier``. Edges (a MultiDiGraph, the edge key is the edge ``type``):

- ``reports``: document -> event, one per source (quote, offsets, the date that source gives);
- ``concerns``: event -> act and event -> procedure (with the title match when the act was known
  by title only);
- ``involves``: event -> actor;
- ``part_of``: act -> procedure, act/procedure -> dossier;
- ``repeals`` / ``replaces`` / ``amends`` / ``implements`` / ``transposes`` / ``proposal_for``:
  act -> act, as the texts state it (document, quote, rule);
- ``realises``: event -> planned event (delay in days).
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from timeline.fragments import Fragments
from timeline.link.acts import HEAD_ZONE, act_key, document_act, find_procedures
from timeline.link.facts import DocumentFacts
from timeline.link.linker import collect_relations
from timeline.model import Entry, Extraction, Source, Timeline
from timeline.safety import xml_text

if TYPE_CHECKING:  # networkx (about 0.35 CPU-s to import) loads only where a graph is made
    import networkx as nx


class _Draft:
    """The graph while it is built: plain dicts of nodes and of edges by (source, target,
    key), with networkx's meaning (adding a node or an edge again updates its attributes).
    :func:`_sorted` makes the networkx graph of it once, in sorted order."""

    def __init__(self, **graph: Any) -> None:
        self.graph = graph
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def add_node(self, node: str, **attrs: Any) -> None:
        self.nodes.setdefault(node, {}).update(attrs)

    def add_edge(self, u: str, v: str, key: str, **attrs: Any) -> None:
        self.nodes.setdefault(u, {})
        self.nodes.setdefault(v, {})
        self.edges.setdefault((u, v, key), {}).update(attrs)

    def has_edge(self, u: str, v: str, key: str) -> bool:
        return (u, v, key) in self.edges


def _node(graph: _Draft, node: str, **attrs: Any) -> None:
    if node in graph:
        for k, v in attrs.items():
            if graph.nodes[node].get(k) in (None, "", []):
                graph.nodes[node][k] = v
    else:
        graph.add_node(node, **attrs)


#: An edge as :class:`GraphEdges` holds it: (source, target, key, attributes), the attributes
#: a dict, or for a ``reports`` edge the :class:`~timeline.model.Source` they are read from.
EdgeRow = tuple[str, str, str, "dict[str, Any] | Source"]

#: The attribute names of a ``reports`` edge, in the (sorted) order its dict holds them.
REPORTS_NAMES: tuple[str, ...] = (
    "date", "language", "quote", "quote_span", "timex_span", "timex_text", "type",
)


def _reports_attrs(s: Source) -> dict[str, Any]:
    """The attributes of the ``reports`` edge whose last source (in its entry) is ``s``."""
    return {
        "date": s.date,
        "language": s.language,
        "quote": s.quote,
        "quote_span": list(s.quote_span),
        "timex_span": list(s.timex_span) if s.timex_span else None,
        "timex_text": s.timex_text,
        "type": "reports",
    }


def _edge(row: EdgeRow) -> tuple[str, str, str, dict[str, Any]]:
    """The edge ``row`` stands for, its attributes a dict (made now for a ``reports`` edge)."""
    data = row[3]
    if type(data) is dict:
        return row  # type: ignore[return-value]
    u, v, k, _ = row
    return (u, v, k, _reports_attrs(data))  # type: ignore[arg-type]


class GraphEdges(Sequence[tuple[str, str, str, dict[str, Any]]]):
    """:attr:`GraphData.edges`: the edges in order, each read as (source, target, key,
    attributes), where a ``reports`` edge (one per document and entry: nearly all the edges
    of a large corpus) holds its source instead of its attributes and makes their dict each
    time it is read. Held as dicts, those edges were the largest holder of a large build's
    memory (about 0.9 KB per event: 1.2 GB for the 1.4 million events of 1 GB of text); held
    so, 80 bytes each. Equal to any sequence of the same edges."""

    __slots__ = ("_rows",)

    def __init__(self, rows: list[EdgeRow]) -> None:
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, i: int) -> tuple[str, str, str, dict[str, Any]]: ...

    @overload
    def __getitem__(self, i: slice) -> list[tuple[str, str, str, dict[str, Any]]]: ...

    def __getitem__(
        self, i: int | slice
    ) -> tuple[str, str, str, dict[str, Any]] | list[tuple[str, str, str, dict[str, Any]]]:
        if isinstance(i, slice):
            return list(map(_edge, self._rows[i]))
        return _edge(self._rows[i])

    def __iter__(self) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        return map(_edge, self._rows)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GraphEdges):
            other = list(other)
        if not isinstance(other, list):
            return NotImplemented
        return list(self) == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"GraphEdges({len(self._rows)} edges)"

    def ids(self) -> Iterator[tuple[str, str, str]]:
        """Each edge's (source, target, key), in order, without its attributes."""
        return (row[:3] for row in self._rows)

    def names(self) -> list[str]:
        """The attribute names of the edges in order of first use, each once (what
        ``dict.fromkeys`` over every edge's dict gives), without making the dicts."""
        plain = [row[3] for row in self._rows if type(row[3]) is dict]
        if len(plain) == len(self._rows):
            return list(dict.fromkeys(chain.from_iterable(plain)))  # type: ignore[arg-type]
        # every row before the first reports edge holds a dict: the reports names come there
        first = next(i for i, row in enumerate(self._rows) if type(row[3]) is not dict)
        names: dict[str, None] = dict.fromkeys(chain.from_iterable(plain[:first]))  # type: ignore[arg-type]
        names.update(dict.fromkeys(REPORTS_NAMES))
        names.update(dict.fromkeys(chain.from_iterable(plain[first:])))  # type: ignore[arg-type]
        return list(names)


@dataclass(frozen=True, slots=True)
class GraphData:
    """The graph of :func:`build_graph` as plain data, in the order its exports write it:
    nodes sorted by id and edges by (source, target, key), each one's attributes sorted by name.

    :func:`~timeline.link.export.graphml_text` and :func:`~timeline.link.export.graph_json_text`
    write it as they write the networkx graph (same bytes), without making that graph.
    """

    graph: dict[str, Any]
    nodes: list[tuple[str, dict[str, Any]]]
    #: A list, or (as :func:`graph_data` makes it) :class:`GraphEdges`.
    edges: Sequence[tuple[str, str, str, dict[str, Any]]]
    #: A stand-in digest of each node and edge (aligned with :attr:`nodes`, :attr:`edges`)
    #: where one is known without reading its attributes (see :func:`graph_data`'s
    #: ``entry_key``), else None; no list at all when none is known.
    hints: tuple[list[str | None], list[str | None]] | None = None

    def to_networkx(self) -> nx.MultiDiGraph:
        """The networkx graph of this data (what :func:`build_graph` returns)."""
        import networkx as nx

        out = nx.MultiDiGraph(**self.graph)
        out.add_nodes_from(self.nodes)
        out.add_edges_from(self.edges)
        return out


def build_graph(
    extractions: Sequence[Extraction],
    timeline: Timeline,
    facts: Mapping[str, DocumentFacts] | None = None,
) -> nx.MultiDiGraph:
    """Documents, events, acts, procedures, actors and dossiers, with typed edges.

    ``facts`` (by document path) stand for the texts, as in :func:`~timeline.link.link`.
    """
    return graph_data(extractions, timeline, facts).to_networkx()


#: Changes whenever the nodes and edges :func:`graph_data` makes of an entry would change
#: (part of each :attr:`GraphData.hints`).
ITEMS_VERSION = "1"


def graph_data(
    extractions: Sequence[Extraction],
    timeline: Timeline,
    facts: Mapping[str, DocumentFacts] | None = None,
    *,
    entry_key: Callable[[Entry], str] | None = None,
) -> GraphData:
    """:func:`build_graph`'s graph as :class:`GraphData`: what a build writes GraphML and
    node-link JSON from, without the networkx graph (half the time of making it).

    ``entry_key`` (a digest of every field of an entry, such as
    :meth:`~timeline.fragments.Fragments.entry_key`) gives :attr:`GraphData.hints`: the
    nodes and edges an entry alone makes (its event node; the edges reporting it, and those
    from it, but a ``concerns`` edge resolved by a title match) are named by that digest and
    their place among the entry's items, so that the exports' memo need not digest their
    attributes (quotes, mostly: about 0.25 CPU-s at 10,000 documents)."""
    g = _Draft(name=timeline.title)
    # a narrowed timeline (select) keeps its own documents only
    docs = {d.path: d for d in timeline.documents} or {
        x.document.path: x.document for x in extractions
    }
    for path in sorted(docs):
        d = docs[path]
        _node(
            g,
            f"doc:{path}",
            date=d.date,  # every attribute in name order: the graph keeps them so
            kind="document",
            label=d.title or path,
            language=d.language,
            path=path,
            reference=d.reference,
            title=d.title,
            url=d.url,
        )
    dossier_of_act: dict[str, str] = {}
    dossier_of_proc: dict[str, str] = {}
    for dossier in timeline.dossiers:
        _node(
            g,
            f"dossier:{dossier.id}",
            acts=list(dossier.acts),
            entries=len(dossier.entries),
            kind="dossier",
            label=dossier.name,
            name=dossier.name,
            procedures=list(dossier.procedures),
        )
        for celex in dossier.acts:
            dossier_of_act[celex] = dossier.id
        for ref in dossier.procedures:
            dossier_of_proc[ref] = dossier.id

    matches: dict[tuple[str, str], dict[str, Any]] = {}
    for m in timeline.extra.get("title_matches", []):
        matches[(m["document"], m["label"])] = m

    # the entries' nodes and edges, by the _Draft's rules written out (about 65,000 nodes and
    # 43,000 edges at 10,000 documents): a new node or edge takes its fresh dict of attributes,
    # a known node gets only the attributes it lacks (_node), a known edge is updated
    nodes, edges = g.nodes, g.edges
    keys: dict[str, str | None] = {}  # act_key of each CELEX number met

    def fill(node: str, attrs: dict[str, Any]) -> None:
        known = nodes.get(node)
        if known is None:
            nodes[node] = attrs
            return
        for k, v in attrs.items():
            if known.get(k) in (None, "", []):
                known[k] = v

    def edge(u: str, v: str, key: str, attrs: dict[str, Any]) -> None:
        if u not in nodes:
            nodes[u] = {}
        if v not in nodes:
            nodes[v] = {}
        known = edges.get((u, v, key))
        if known is None:
            edges[(u, v, key)] = attrs
        else:
            known.update(attrs)

    def key_of(celex: str | None) -> str | None:
        if celex is None:
            return None
        found = keys.get(celex, "")
        if found == "":
            found = keys[celex] = act_key(celex)
        return found

    # the hints of the entries' own items, by node and by edge; none when two entries share
    # an id (their items would merge)
    node_hints: dict[str, str] = {}
    complete: set[str] = set()  # document nodes holding a kind, a label and a path
    edge_hints: dict[tuple[str, str, str], str] = {}
    hinting = entry_key is not None and len({e.id for e in timeline.entries}) == len(
        timeline.entries
    )
    # the reports edges, by event node then document node (kept out of ``edges``: see
    # GraphEdges), and each document's node id
    reports: dict[str, dict[str, Source]] = {}
    doc_nodes: dict[str, str] = {}
    for e in timeline.entries:
        node = f"event:{e.id}"
        hint = ""
        n = 0  # each edge's place among the entry's own (whether hinted or not)
        if hinting:
            assert entry_key is not None
            hint = f"g{ITEMS_VERSION}.{entry_key(e)}."
            node_hints[node] = hint + "n"
        fill(node, {
            "conflict": e.conflict,
            "date": e.date,
            "delay_days": e.delay_days,
            "dossier": e.dossier,
            "earliest": e.earliest,
            "kind": "event",
            "label": e.label,
            "latest": e.latest,
            "precision": e.precision,
            "sources": len(e.sources),
            "status": e.status,
            "type": e.type,
        })
        # the reports edges of this entry's node: the last source of each document decides
        # the edge's attributes (held as that source, see GraphEdges); two entries of one id
        # share their node, and so these
        reported = reports.get(node)
        if reported is None:
            reported = reports[node] = {}
        for s in e.sources:
            document = doc_nodes.get(s.document)
            if document is None:  # one string per document, whatever its sources
                document = doc_nodes[s.document] = f"doc:{s.document}"
            if document not in complete:
                seen = nodes.get(document)
                if (
                    seen is None
                    or seen.get("kind") in (None, "", [])
                    or seen.get("label") in (None, "", [])
                    or seen.get("path") in (None, "", [])
                ):
                    fill(document, {"kind": "document", "label": s.document, "path": s.document})
                    seen = nodes[document]
                if not (
                    seen.get("kind") in (None, "", [])
                    or seen.get("label") in (None, "", [])
                    or seen.get("path") in (None, "", [])
                ):
                    complete.add(document)  # nothing a later source could fill
            reported[document] = s
            n += 1
            if hint:  # the same document's sources: one edge, the last one's attributes
                edge_hints.setdefault((document, node, "reports"), f"{hint}{n}")
        for a in e.acts:
            key = key_of(a.celex)
            if not key:
                continue
            act = f"act:{key}"
            fill(act, {"celex": key, "kind": "act", "label": key})
            if (node, act, "concerns") in edges:
                continue  # the first mention of the act decides the edge
            attrs: dict[str, Any] = {"label_as_written": a.label}  # names in sorted order
            resolved = next(
                (
                    matches[(s.document, a.label)]
                    for s in e.sources
                    if (s.document, a.label) in matches
                ),
                None,
            )
            if resolved:
                attrs.update(
                    matched_document=resolved["matched_document"],
                    matched_title=resolved["matched_title"],
                    resolved_by="title",
                    score=resolved["score"],
                )
            attrs["type"] = "concerns"
            edge(node, act, "concerns", attrs)
            n += 1
            if hint and not resolved:  # a title match is no part of the entry
                edge_hints[(node, act, "concerns")] = f"{hint}{n}"
        for p in e.procedures:
            procedure = f"procedure:{p}"
            fill(procedure, {"kind": "procedure", "label": p, "reference": p})
            if (node, procedure, "concerns") not in edges:
                edge(node, procedure, "concerns", {"type": "concerns"})
                n += 1
                if hint:
                    edge_hints[(node, procedure, "concerns")] = f"{hint}{n}"
            for a in e.acts:
                key = key_of(a.celex)
                if key and (f"act:{key}", procedure, "part_of") not in edges:
                    edge(f"act:{key}", procedure, "part_of", {"type": "part_of"})
        for actor in e.actors:
            fill(f"actor:{actor}", {"kind": "actor", "label": actor, "name": actor})
            edge(node, f"actor:{actor}", "involves", {"type": "involves"})
            n += 1
            if hint:
                edge_hints.setdefault((node, f"actor:{actor}", "involves"), f"{hint}{n}")
        if e.realises:
            edge(node, f"event:{e.realises}", "realises", {
                "delay_days": e.delay_days, "type": "realises",
            })
            if hint:
                edge_hints[(node, f"event:{e.realises}", "realises")] = f"{hint}r"

    for x in sorted(extractions, key=lambda x: x.document.path):
        if x.document.path not in docs:
            continue
        # "/* COM/2010/0094 final - COD 2010/0064 */": a document's own act is part of the
        # procedures its header names.
        known = facts.get(x.document.path) if facts else None
        if known is not None and not known.head_procedures:
            continue  # no procedure named: its own act (read from its title...) not looked for
        own = act_key(document_act(x.document))
        if own and f"act:{own}" in g:
            heads = (
                known.head_procedures
                if known is not None
                else [p for _, _, p in find_procedures((x.document.text or "")[:HEAD_ZONE])]
            )
            for proc in heads:
                _node(g, f"procedure:{proc}", kind="procedure", label=proc, reference=proc)
                if not g.has_edge(f"act:{own}", f"procedure:{proc}", key="part_of"):
                    g.add_edge(
                        f"act:{own}",
                        f"procedure:{proc}",
                        key="part_of",
                        type="part_of",
                        document=x.document.path,
                    )

    relations = timeline.extra.get("relations")
    if relations is None:
        relations = [
            {
                "source": r.source,
                "relation": r.relation,
                "target": r.target,
                "document": r.document,
                "span": list(r.span),
                "quote": r.quote,
                "rule": r.rule,
            }
            for r in collect_relations(extractions, facts=facts)
        ]
    grouped: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    in_dossiers = set(dossier_of_act)
    for r in relations:
        if in_dossiers and r["source"] not in in_dossiers and r["target"] not in in_dossiers:
            continue
        grouped.setdefault((r["source"], r["relation"], r["target"]), []).append(r)
    for (src, rel, dst), found in sorted(grouped.items()):
        for k in (src, dst):
            _node(g, f"act:{k}", celex=k, kind="act", label=k)
        g.add_edge(
            f"act:{src}",
            f"act:{dst}",
            key=rel,
            documents=sorted({f["document"] for f in found}),
            quote=found[0]["quote"],
            rule=found[0]["rule"],
            span=found[0]["span"],
            type=rel,
        )

    for node, data in list(g.nodes.items()):
        if data.get("kind") == "act":
            did = dossier_of_act.get(data["celex"])
            if did:
                g.add_edge(node, f"dossier:{did}", key="part_of", type="part_of")
        elif data.get("kind") == "procedure":
            did = dossier_of_proc.get(data["reference"])
            if did:
                g.add_edge(node, f"dossier:{did}", key="part_of", type="part_of")
    return _sorted(g, (node_hints, edge_hints) if hinting else None, reports)


def _sorted(
    g: _Draft,
    hints: tuple[dict[str, str], dict[tuple[str, str, str], str]] | None = None,
    reports: dict[str, dict[str, Source]] | None = None,
) -> GraphData:
    """The graph with nodes and edges in sorted order (deterministic exports), and the
    ``hints`` given by node and by edge in that order. ``reports`` (emptied) are the reports
    edges kept out of ``g`` by event node and document node: each document's last source."""
    first = itemgetter(0)
    nodes = sorted(g.nodes.items(), key=first)
    # edges sorted by their ids joined by NUL, which orders them as the (source, target, key)
    # tuples do when no id holds a NUL (strings compare faster than tuples of them)
    joined = list(map("\x00".join, g.edges))
    if "".join(joined).count("\x00") == 2 * len(joined):
        edges = [item for _, item in sorted(zip(joined, g.edges.items(), strict=True), key=first)]
    else:
        edges = sorted(g.edges.items(), key=first)
    del joined
    # an entry's own items (hinted) are made with their names in sorted order
    node_hints = list(map(hints[0].get, map(first, nodes))) if hints is not None else None
    rows: list[EdgeRow] = [
        (u, v, k, data if hints is not None and (u, v, k) in hints[1] else _sorted_attrs(data))
        for (u, v, k), data in edges
    ]
    del edges
    if reports:
        reported = _reports_rows(reports)
        if any(row[0].startswith("doc:") for row in rows):  # not made so: sorted together
            rows = sorted([*rows, *reported], key=lambda row: row[:3])
        else:  # every reports edge leaves a document: one block, where "doc:" sorts
            at = bisect_left(rows, "doc:", key=first)
            rows[at:at] = reported
        del reported
    attrs = (
        [(node, a if hint else _sorted_attrs(a)) for (node, a), hint in zip(nodes, node_hints, strict=True)]
        if node_hints is not None
        else [(node, _sorted_attrs(a)) for node, a in nodes]
    )
    if hints is None:
        return GraphData(dict(g.graph), attrs, GraphEdges(rows))
    assert node_hints is not None
    edge_hints = hints[1]
    return GraphData(
        dict(g.graph),
        attrs,
        GraphEdges(rows),
        (node_hints, [edge_hints.get(row[:3]) for row in rows]),  # type: ignore[call-overload]
    )


def _reports_rows(reports: dict[str, dict[str, Source]]) -> list[EdgeRow]:
    """The reports edges of ``reports`` (by event node, then document node: the source that
    gives the edge's attributes) as rows sorted by (source, target), emptying ``reports`` as
    they are made."""
    rows: list[EdgeRow] = []
    while reports:
        node, by_document = reports.popitem()
        rows.extend([(document, node, "reports", s) for document, s in by_document.items()])
    # two stable sorts by one id each: no key tuple held per edge (about 60 bytes each)
    rows.sort(key=itemgetter(1))
    rows.sort(key=itemgetter(0))
    return rows


#: The sorted order of each attribute-name order seen (nodes and edges of a kind share one).
_ORDERS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _sorted_attrs(attrs: dict[str, Any]) -> dict[str, Any]:
    """``attrs`` with its names in sorted order: the same dict when they already are."""
    names = tuple(attrs)
    order = _ORDERS.get(names)
    if order is None:
        order = tuple(sorted(names))
        if len(_ORDERS) < 4096:
            _ORDERS[names] = order
    if order == names:
        return attrs
    return {k: attrs[k] for k in order}


def _string(value: Any) -> str:
    """The attribute as a string XML 1.0 can hold (forbidden characters escaped as ``\\uXXXX``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return xml_text(json.dumps(value, ensure_ascii=False, sort_keys=True))


def stringified(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy whose every attribute is a string: what GraphML readers (Gephi, yEd) accept.

    Node ids and edge keys, which come from document paths and texts, are made XML-safe too, so
    the GraphML stays well-formed whatever control characters the documents carry.
    """
    import networkx as nx

    out = nx.MultiDiGraph(**{k: _string(v) for k, v in graph.graph.items()})
    for node, data in graph.nodes(data=True):
        out.add_node(xml_text(str(node)), **{k: _string(v) for k, v in data.items()})
    for u, v, k, data in graph.edges(keys=True, data=True):
        out.add_edge(
            xml_text(str(u)), xml_text(str(v)), key=xml_text(str(k)),
            **{a: _string(x) for a, x in data.items()},
        )
    return out


def write_graphml(graph: nx.MultiDiGraph | GraphData, path: str | Path, *, memo: Fragments | None = None) -> Path:
    """Write ``graph`` as GraphML, every attribute a string; returns the path written. With
    ``memo`` (see :mod:`timeline.fragments`), nodes and edges written before are not encoded
    again (GraphData only)."""
    from timeline.link.export import write_graphml_file

    return write_graphml_file(graph, path, memo=memo)


def graph_to_json(graph: nx.MultiDiGraph | GraphData) -> str:
    """The networkx node-link form of ``graph`` as JSON (lossless, sorted keys)."""
    from timeline.link.export import graph_json_text

    return graph_json_text(graph)


def graph_from_json(text: str) -> nx.MultiDiGraph:
    """Read back what :func:`graph_to_json` wrote."""
    import networkx as nx

    return nx.node_link_graph(json.loads(text), directed=True, multigraph=True, edges="edges")


def write_graph_json(graph: nx.MultiDiGraph | GraphData, path: str | Path, *, memo: Fragments | None = None) -> Path:
    """Write ``graph`` as networkx node-link JSON; returns the path written. With ``memo``,
    nodes and edges written before are not encoded again (GraphData only)."""
    from timeline.link.export import write_graph_json_file

    return write_graph_json_file(graph, path, memo=memo)
