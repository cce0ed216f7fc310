"""Exports: GraphML (every attribute a string), node-link JSON (lossless), timeline.json."""

from __future__ import annotations

import json
import random
import xml.etree.ElementTree as ET

import networkx as nx
from link_helpers import doc, event, extraction

from timeline.link import (
    build_graph,
    graph_from_json,
    link,
    timeline_to_json,
    write_graph_json,
    write_graphml,
)

TEXT = (
    "Directive 2011/93/EU of 13 December 2011 on combating the sexual abuse of children, "
    "and replacing Council Framework Decision 2004/68/JHA"
)


def _corpus():
    a = extraction(
        doc("dir-en.txt", TEXT, reference="32011L0093"),
        event(
            "adoption",
            "2011-12-13",
            acts=(("32011L0093", "Directive 2011/93/EU"),),
            procedures=("2010/0064(COD)",),
            actors=("European Parliament", "Council"),
            text=TEXT,
        ),
    )
    b = extraction(
        doc("fd-en.txt", "Council Framework Decision 2004/68/JHA", reference="32004F0068"),
        event("adoption", "2003-12-22", acts=(("32004F0068", "Framework Decision 2004/68/JHA"),)),
    )
    return [a, b]


def test_graph_has_typed_nodes_and_edges() -> None:
    xs = _corpus()
    g = build_graph(xs, link(xs))
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert kinds == {"document", "event", "act", "procedure", "actor", "dossier"}
    edges = {(u, v, k) for u, v, k in g.edges(keys=True)}
    assert ("act:32011L0093", "act:32004F0068", "replaces") in edges
    assert ("act:32011L0093", "procedure:2010/0064(COD)", "part_of") in edges
    assert any(k == "reports" and u == "doc:dir-en.txt" for u, _, k in edges)
    assert any(k == "concerns" and v == "act:32011L0093" for _, v, k in edges)
    assert any(k == "involves" for _, _, k in edges)
    # the two acts are connected by the relation: one dossier
    assert len([n for n, d in g.nodes(data=True) if d["kind"] == "dossier"]) == 1


def test_graphml_attributes_are_all_strings_and_networkx_reads_it(tmp_path) -> None:
    xs = _corpus()
    g = build_graph(xs, link(xs))
    path = write_graphml(g, tmp_path / "graph.graphml")
    root = ET.parse(path).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    types = {k.get("attr.type") for k in root.findall("g:key", ns)}
    assert types == {"string"}
    back = nx.read_graphml(path)
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    assert back.nodes["event:" + link(xs).entries[0].id]["kind"] == "event"


def test_node_link_json_round_trips(tmp_path) -> None:
    xs = _corpus()
    g = build_graph(xs, link(xs))
    path = write_graph_json(g, tmp_path / "graph.json")
    back = graph_from_json(path.read_text(encoding="utf-8"))
    assert nx.utils.graphs_equal(g, back)
    assert dict(back.nodes(data=True)) == dict(g.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True), key=repr) == sorted(
        g.edges(keys=True, data=True), key=repr
    )


def test_exports_are_deterministic(tmp_path) -> None:
    xs = _corpus()
    shuffled = xs[:]
    random.Random(7).shuffle(shuffled)
    shuffled.reverse()
    one = timeline_to_json(link(xs))
    two = timeline_to_json(link(shuffled))
    assert one == two
    g1 = write_graphml(build_graph(xs, link(xs)), tmp_path / "a.graphml").read_bytes()
    g2 = write_graphml(build_graph(shuffled, link(shuffled)), tmp_path / "b.graphml").read_bytes()
    assert g1 == g2


def test_timeline_json_lists_every_source() -> None:
    xs = _corpus()
    data = json.loads(timeline_to_json(link(xs)))
    assert [len(e["sources"]) for e in data["entries"]] == [1, 1]
    src = data["entries"][1]["sources"][0]
    assert src["document"] == "dir-en.txt"
    assert TEXT[src["quote_span"][0] : src["quote_span"][1]] == src["quote"]
    assert data["dossiers"][0]["acts"] == ["32004F0068", "32011L0093"]


def test_bundled_graph_exports(bundled_gold, bundled_timeline, tmp_path) -> None:
    g = build_graph(bundled_gold, bundled_timeline)
    write_graphml(g, tmp_path / "graph.graphml")
    back = nx.read_graphml(tmp_path / "graph.graphml")
    assert back.number_of_edges() == g.number_of_edges()
    relations = {(u, v, k) for u, v, k in g.edges(keys=True)}
    assert ("act:32011L0093", "act:32004F0068", "replaces") in relations
    assert ("act:52010PC0094", "act:32004F0068", "repeals") in relations
