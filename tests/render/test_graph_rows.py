"""The graph's reports edges held as their sources (:class:`~timeline.link.graph.GraphEdges`):
one per document and entry, nearly every edge of a large corpus, their dicts made when read.
The edges read as the dicts the graph held before (the last source of a document in an entry
decides), in (source, target, key) order, and graph.json's frame made of a small one is the
whole one's."""

from __future__ import annotations

import json
from dataclasses import replace
from itertools import chain
from typing import Any

import pytest
from render_fixtures import big_timeline

from timeline.jsontext import json_text
from timeline.link.export import _json_frame
from timeline.link.graph import REPORTS_NAMES, GraphEdges, graph_data
from timeline.model import Source, Timeline


def _timeline() -> Timeline:
    """``big_timeline`` whose first entry has a second source in its first document (the
    later one decides the edge), and whose last entry shares the first's id (one node)."""
    timeline = big_timeline(300)
    first, *rest = timeline.entries
    again = replace(first.sources[0], quote="said again", date="2001-02-03", timex_span=None)
    first = replace(first, sources=(*first.sources, again))
    twin = replace(
        rest[-1], id=first.id,
        sources=(Source("zz-last.txt", None, "fr", None, "q", (3, 4), "t", (3, 4), "2002-01-01"),),
    )
    return replace(timeline, entries=(first, *rest[:-1], twin))


def _expected_reports(timeline: Timeline) -> dict[tuple[str, str], dict[str, Any]]:
    """Each reports edge's attributes, as the graph's dict of edges made them."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for e in timeline.entries:
        for s in e.sources:
            out[(f"doc:{s.document}", f"event:{e.id}")] = {
                "date": s.date, "language": s.language, "quote": s.quote,
                "quote_span": list(s.quote_span),
                "timex_span": list(s.timex_span) if s.timex_span else None,
                "timex_text": s.timex_text, "type": "reports",
            }
    return out


def test_reports_edges_are_held_as_sources_and_read_as_dicts() -> None:
    timeline = _timeline()
    graph = graph_data([], timeline)
    edges = graph.edges
    assert isinstance(edges, GraphEdges)
    rows = edges._rows
    held = [row for row in rows if row[2] == "reports"]
    assert held and all(type(row[3]) is Source for row in held)
    assert all(type(row[3]) is dict for row in rows if row[2] != "reports")
    read = list(edges)
    assert [e[:3] for e in read] == sorted(e[:3] for e in read)  # (source, target, key) order
    reports = {(u, v): data for u, v, k, data in read if k == "reports"}
    assert reports == _expected_reports(timeline)
    # the last source of a document in an entry decides; an entry of the same id joins it
    first = timeline.entries[0]
    assert reports[(f"doc:{first.sources[0].document}", f"event:{first.id}")]["quote"] == "said again"
    assert ("doc:zz-last.txt", f"event:{first.id}") in reports
    assert all(list(data) == list(REPORTS_NAMES) for data in reports.values())
    # read by index and by slice as by iteration; equal to the list of the same edges
    assert edges[0] == read[0] and edges[-1] == read[-1] and edges[2:5] == read[2:5]
    assert edges == read and read == edges and edges != read[1:]
    # one string per document node, whatever its sources
    docs = [row[0] for row in held]
    assert len({id(d) for d in docs}) == len(set(docs))


def test_names_and_ids_without_reading_the_attributes() -> None:
    graph = graph_data([], _timeline())
    edges = graph.edges
    assert isinstance(edges, GraphEdges)
    assert edges.names() == list(dict.fromkeys(chain.from_iterable(d for *_, d in edges)))
    assert list(edges.ids()) == [e[:3] for e in edges]
    only_dicts = GraphEdges([("a", "b", "k", {"y": 1, "x": 2}), ("a", "c", "k", {"z": 3})])
    assert only_dicts.names() == ["y", "x", "z"]
    mixed = GraphEdges([
        ("a", "b", "k", {"y": 1}),
        ("doc:d", "event:e", "reports", Source("d", None, None, None, "q", (0, 1), None, None, None)),
        ("f", "g", "k", {"zz": 1, "date": 2}),
    ])
    assert mixed.names() == ["y", *REPORTS_NAMES, "zz"]


@pytest.mark.parametrize("attrs", [{}, {"name": "T", "n": [1, 2]}])
@pytest.mark.parametrize("edges", [0, 1, 2, 3, 7])
@pytest.mark.parametrize("nodes", [0, 1, 2, 5])
def test_json_frame_is_the_whole_frame_cut(attrs: dict[str, Any], edges: int, nodes: int) -> None:
    mark = "\x00item\x00"
    whole = {"directed": True, "multigraph": True, "graph": attrs, "edges": [mark] * edges, "nodes": [mark] * nodes}
    expected = (json_text(whole, indent=1, sort_keys=True) + "\n").split(json.dumps(mark))
    assert list(_json_frame(attrs, edges, nodes) or []) == expected


def test_json_frame_refuses_graph_data_holding_the_placeholder() -> None:
    assert _json_frame({"x": "\x00item\x00"}, 3, 2) is None
