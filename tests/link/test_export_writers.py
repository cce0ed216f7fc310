"""The hand-written writers give exactly the bytes of the library ones they replace.

``json_text`` against ``json.dumps(..., ensure_ascii=False, indent=N, sort_keys=...)`` and
``graphml_text`` against networkx's ``generate_graphml`` on the stringified graph, on hostile
values (markup, control characters, line breaks ``str.splitlines`` knows, non-ASCII, empty
strings, numbers, lists) and on the graph of a linked corpus.
"""

from __future__ import annotations

import json
import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from link_helpers import doc, event, extraction

from timeline.jsontext import json_text
from timeline.link import build_graph, graph_to_json, link, timeline_to_json
from timeline.link.export import (
    extractions_to_json,
    graph_json_text,
    graphml_text,
    timeline_to_dict,
)
from timeline.link.graph import stringified

HOSTILE = [
    "",
    " ",
    "plain",
    "a & b < c > d \"q\" 'a'",
    "line\nbreak\r\nand\rreturn\ttab",
    "\x00\x01\x0b\x0c\x1c\x1d\x1e\x1f\x7f",
    "\x85 next line, \u2028 line sep, \u2029 para sep",
    "Zoë, Ελλάδα, 中文, 😀",
    "\ud800 lone surrogate",
    "\ufffe\uffff",
    "]]> <!-- -->",
    "&#10; &amp;",
]

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(HOSTILE),
)
_json = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
    ),
    max_leaves=25,
)


def _dumps(data: object, indent: int, sort_keys: bool) -> str:
    return json.dumps(data, ensure_ascii=False, indent=indent, sort_keys=sort_keys)


@settings(max_examples=300, deadline=None)
@given(_json, st.sampled_from([0, 1, 2, 4]), st.booleans())
def test_json_text_equals_json_dumps(data: object, indent: int, sort_keys: bool) -> None:
    assert json_text(data, indent=indent, sort_keys=sort_keys) == _dumps(data, indent, sort_keys)


@pytest.mark.parametrize(
    "data",
    [
        {1: "int key", 2: [1, 2]},  # keys json.dumps converts
        {"a": {None: 1}, "b": {1.5: 2, True: 3}},
        [True, 1, 1.0, math.nan, -math.inf, 10**30, -0.0],
        {"s": type("S", (str,), {})("a str subclass")},
        {"e": {}, "l": [], "t": (), "n": [[], [{}]]},
    ],
    ids=["int-keys", "none-key", "numbers", "str-subclass", "empty"],
)
def test_json_text_equals_json_dumps_on_odd_values(data: object) -> None:
    for indent in (1, 2):
        for sort_keys in (True, False):
            assert json_text(data, indent=indent, sort_keys=sort_keys) == _dumps(
                data, indent, sort_keys
            )


def test_json_text_raises_what_json_dumps_raises() -> None:
    looped: list[object] = []
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference"):
        json_text(looped)
    with pytest.raises(TypeError, match="not JSON serializable"):
        json_text({"x": object()})


def _networkx_graphml(graph: nx.MultiDiGraph) -> bytes:
    text = "\n".join(nx.generate_graphml(stringified(graph), encoding="utf-8", prettyprint=True))
    return (text + "\n").encode("utf-8")


def _hostile_graph(node_ids: list[str]) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(name="Title & <timeline> \u2028 Ω")
    for i, node in enumerate(node_ids):
        if i % 5 == 4:
            g.add_node(node)  # a node without attributes
            continue
        g.add_node(
            node,
            kind="event",
            label=HOSTILE[i % len(HOSTILE)],
            date=None,
            conflict=i % 2 == 0,
            sources=i,
            score=i / 7,
            acts=[HOSTILE[(i + 1) % len(HOSTILE)], "32011L0093"],
            extra={"k": HOSTILE[(i + 2) % len(HOSTILE)]},
        )
    for i, (u, v) in enumerate(zip(node_ids, node_ids[1:] + node_ids[:1], strict=True)):
        g.add_edge(u, v, key="reports", type="reports", quote=HOSTILE[i % len(HOSTILE)],
                   quote_span=[i, i + 3], timex_span=None)
        g.add_edge(u, v, key="concerns")  # an edge without attributes
    return g


def test_graphml_text_equals_networkx_on_hostile_values() -> None:
    ids = [f"n{i}:{t}" for i, t in enumerate(["a&b", 'q"q', "<x>", "tab\tnl\nret\r", "Zoë", "plain"] * 3)]
    g = _hostile_graph(ids)
    assert graphml_text(g) == _networkx_graphml(g)


def test_graphml_text_equals_networkx_when_ids_need_escaping() -> None:
    # node ids with characters XML forbids go the networkx way; the bytes are the same
    g = _hostile_graph(["a\x00b", "c\x0bd", "plain", "\ud800"])
    assert graphml_text(g) == _networkx_graphml(g)


def test_graphml_text_equals_networkx_on_empty_and_bare_graphs() -> None:
    for g in (nx.MultiDiGraph(), nx.MultiDiGraph(name="only a name")):
        assert graphml_text(g) == _networkx_graphml(g)
    bare = nx.MultiDiGraph()
    bare.add_node("a")
    bare.add_edge("a", "a", key="self")
    assert graphml_text(bare) == _networkx_graphml(bare)


def _corpus():
    text = (
        "Directive 2011/93/EU of 13 December 2011 on combating the sexual abuse of children, "
        "and replacing Council Framework Decision 2004/68/JHA"
    )
    a = extraction(
        doc("dir-en.txt", text, reference="32011L0093"),
        event(
            "adoption",
            "2011-12-13",
            acts=(("32011L0093", "Directive 2011/93/EU"),),
            procedures=("2010/0064(COD)",),
            actors=("European Parliament", "Council"),
            text=text,
        ),
    )
    b = extraction(
        doc("fd-en.txt", "Council Framework Decision 2004/68/JHA <&>", reference="32004F0068"),
        event("adoption", "2003-12-22", acts=(("32004F0068", "Framework Decision 2004/68/JHA"),)),
    )
    return [a, b]


def test_linked_corpus_exports_equal_the_library_writers() -> None:
    xs = _corpus()
    timeline = link(xs)
    g = build_graph(xs, timeline)
    assert graphml_text(g) == _networkx_graphml(g)
    node_link = nx.node_link_data(g, edges="edges")
    assert graph_json_text(g) == _dumps(node_link, 1, True) + "\n"
    assert graph_to_json(g) == graph_json_text(g)
    assert timeline_to_json(timeline) == _dumps(timeline_to_dict(timeline), 1, True) + "\n"
    contract = [x.to_dict() for x in xs]
    assert extractions_to_json(xs) == _dumps(contract, 2, False) + "\n"


def test_bundled_exports_equal_the_library_writers(bundled_gold, bundled_timeline) -> None:
    g = build_graph(bundled_gold, bundled_timeline)
    assert graphml_text(g) == _networkx_graphml(g)
    assert graph_json_text(g) == _dumps(nx.node_link_data(g, edges="edges"), 1, True) + "\n"
    assert timeline_to_json(bundled_timeline) == (
        _dumps(timeline_to_dict(bundled_timeline), 1, True) + "\n"
    )
    assert extractions_to_json(bundled_gold) == (
        _dumps([x.to_dict() for x in bundled_gold], 2, False) + "\n"
    )


def test_json_text_raises_on_keys_json_cannot_sort() -> None:
    with pytest.raises(TypeError):
        json.dumps({"b": 1, None: 2}, sort_keys=True)
    with pytest.raises(TypeError):
        json_text({"b": 1, None: 2}, sort_keys=True)
