"""timeline.json's record templates give exactly the generic encoder's characters.

:func:`~timeline.link.export.timeline_to_json` writes entries and documents by template; these
tests hold it to ``json_text(timeline_to_dict(...))`` (itself held to ``json.dumps``) on
generated timelines with hostile strings, empty and odd values, conflicts and values of types
the model does not promise (which must fall back to the generic encoder, same text).
"""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.jsontext import json_text
from timeline.link.export import entry_json, timeline_to_dict, timeline_to_json
from timeline.model import ActRef, Document, Dossier, Entry, Source, Timeline

HOSTILE = ["", "plain", 'a "q" \\ </script>', "line\nbreak\ttab\r", "\x00\x1f\x7f", "Zoë 中文 😀",
           "\u2028\u2029", "\ud800"]
_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=8))
_opt = st.one_of(st.none(), _text)
_span = st.one_of(st.none(), st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)))

_sources = st.builds(
    Source,
    document=_text,
    reference=_opt,
    language=_opt,
    url=_opt,
    quote=_text,
    quote_span=st.tuples(st.integers(-5, 10**6), st.integers(0, 10**6)),
    timex_text=_opt,
    timex_span=_span,
    date=st.one_of(st.none(), st.sampled_from(["2009", "2009-03", "2010-01-02", ""]), _text),
    page=st.one_of(st.none(), st.integers(-3, 500)),
)
_entries = st.builds(
    Entry,
    id=_text,
    date=_opt,
    precision=_text,
    earliest=_opt,
    latest=_opt,
    status=_text,
    type=_text,
    label=_text,
    acts=st.lists(st.builds(ActRef, celex=_opt, label=_text), max_size=3).map(tuple),
    procedures=st.lists(_text, max_size=3).map(tuple),
    actors=st.lists(_text, max_size=3).map(tuple),
    sources=st.lists(_sources, max_size=3).map(tuple),
    dossier=_opt,
    conflict=st.booleans(),
    realised_by=_opt,
    realises=_opt,
    delay_days=st.one_of(st.none(), st.integers(-(10**6), 10**6)),
)
_documents = st.builds(
    Document, path=_text, text=st.just(""), title=_opt, language=_opt, date=_opt, reference=_opt, url=_opt
)


def _generic(timeline: Timeline) -> str:
    return json_text(timeline_to_dict(timeline), indent=1, sort_keys=True) + "\n"


@settings(max_examples=200, deadline=None)
@given(st.lists(_entries, max_size=4), st.lists(_documents, max_size=3), _text)
def test_timeline_json_equals_generic_encoder(entries: list[Entry], documents: list[Document], title: str) -> None:
    dossiers = (Dossier("d-1", title, ("32011L0093",), (), tuple(e.id for e in entries)),)
    timeline = Timeline(tuple(entries), dossiers, tuple(documents), title=title,
                        extra={"relations": [{"source": "a", "target": title}]})
    text = timeline_to_json(timeline)
    assert text == _generic(timeline)
    assert text == json.dumps(timeline_to_dict(timeline), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


@settings(max_examples=100, deadline=None)
@given(_entries)
def test_entry_json_is_the_entry_at_depth_two(entry: Entry) -> None:
    whole = timeline_to_json(Timeline((entry,), ()))
    assert "\n  " + entry_json(entry) + "\n ]" in whole


def test_unexpected_types_fall_back_to_the_generic_encoder() -> None:
    source = Source("doc", None, "en", None, "q", (1, 2), None, None, "2009", page=1.5)  # type: ignore[arg-type]
    entry = Entry("e-1", "2009", "year", None, None, "past", "adoption", "x", (), (), (), (source,),
                  delay_days=True)  # type: ignore[arg-type]
    odd = Timeline((entry,), (), title="t", extra={"relations": [{1: "int key"}]})
    assert timeline_to_json(odd) == json.dumps(
        timeline_to_dict(odd), ensure_ascii=False, indent=1, sort_keys=True
    ) + "\n"


def test_graph_data_exports_equal_the_networkx_graphs() -> None:
    """GraphML and node-link JSON written from GraphData are those of the networkx graph."""
    from link_helpers import doc, event, extraction

    from timeline.fragments import Fragments
    from timeline.link import build_graph, link
    from timeline.link.export import (
        _networkx_graphml,
        graph_json_bytes,
        graph_json_text,
        graphml_text,
    )
    from timeline.link.graph import graph_data

    d1 = doc("a.txt", "Directive 2011/93/EU was adopted on 13 December 2011 <&> \x0b.", language="en")
    d2 = doc("b.txt", "La directive 2011/93/UE a été adoptée le 13 décembre 2011. 😀", language="fr")
    acts = (("32011L0093", "Directive 2011/93/EU"),)
    xs = [
        extraction(d1, event("adoption", "2011-12-13", acts=acts, actors=("Council <x>",), text="13 December 2011")),
        extraction(d2, event("adoption", "2011-12-13", acts=acts, procedures=("2010/0064(COD)",))),
        extraction(d2, event("transposition_deadline", "2013-12-18", acts=acts, status="planned")),
    ]
    timeline = link(xs)
    data = graph_data(xs, timeline)
    graph = build_graph(xs, timeline)
    assert graphml_text(data) == graphml_text(graph) == _networkx_graphml(graph)  # networkx's own writer
    assert graph_json_text(data) == graph_json_text(graph)
    assert list(data.to_networkx().edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))

    # through a memo: the same bytes cold and warm, every node and edge a hit when warm
    store: dict[str, bytes] = {}
    for warm in (False, True):
        memo = Fragments(store)
        assert graphml_text(data, memo=memo) == graphml_text(graph)
        assert graph_json_bytes(data, memo=memo) == graph_json_text(graph).encode()
        items = len(data.nodes) + len(data.edges)
        assert (memo.hits, memo.misses) == ((2 * items, 0) if warm else (0, 2 * items))
