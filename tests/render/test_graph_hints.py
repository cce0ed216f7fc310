"""The graph's hints (:attr:`~timeline.link.graph.GraphData.hints`): an entry's own nodes and
edges named by the entry's digest, so that the exports' memo need not digest their attributes.
The files are the bytes of a plain export, and a changed entry (or a title match met) makes
its own items again, not the others'."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from render_fixtures import big_timeline

from timeline.fragments import VERSION, Fragments
from timeline.link import write_graph_json, write_graphml
from timeline.link.graph import graph_data
from timeline.model import Source, Timeline


def _exports(timeline: Timeline, out: Path, memo: Fragments | None) -> dict[str, bytes]:
    graph = graph_data([], timeline, entry_key=memo.entry_key if memo is not None else None)
    write_graphml(graph, out / "graph.graphml", memo=memo)
    write_graph_json(graph, out / "graph.json", memo=memo)
    return {n: (out / n).read_bytes() for n in ("graph.graphml", "graph.json")}


def _with_repeats(timeline: Timeline) -> Timeline:
    """``timeline`` whose first entry has two sources in one document (one edge, the last
    source's attributes) and realises the second (an edge to another entry's node)."""
    first, second, *rest = timeline.entries
    again = replace(first.sources[0], quote="another quote", date="2001-02-03")
    first = replace(first, sources=(*first.sources, again), realises=second.id, delay_days=4)
    return replace(timeline, entries=(first, second, *rest))


@pytest.mark.parametrize("name", ["corpus", "big"])
def test_hinted_graph_is_the_plain_graph(name: str, request: pytest.FixtureRequest) -> None:
    timeline = _with_repeats(big_timeline(200) if name == "big" else request.getfixturevalue(name))
    plain = graph_data([], timeline)
    memo = Fragments()
    hinted = graph_data([], timeline, entry_key=memo.entry_key)
    assert plain.hints is None and hinted.hints is not None
    assert (hinted.graph, hinted.nodes, hinted.edges) == (plain.graph, plain.nodes, plain.edges)
    node_hints, edge_hints = hinted.hints
    assert len(node_hints) == len(hinted.nodes) and len(edge_hints) == len(hinted.edges)
    # every entry's event node, and every edge reporting or leaving one, is hinted; nothing else
    events = {f"event:{e.id}" for e in timeline.entries}
    assert {n for (n, _), h in zip(hinted.nodes, node_hints, strict=True) if h} == events
    own = [(u, v) for u, v, _k, _ in hinted.edges if u in events or v in events and u.startswith("doc:")]
    assert [(u, v) for (u, v, _k, _), h in zip(hinted.edges, edge_hints, strict=True) if h] == own
    hints = [h for h in (*node_hints, *edge_hints) if h]
    assert len(hints) == len(set(hints))


@pytest.mark.parametrize("name", ["corpus", "big"])
def test_hinted_exports_equal_plain_ones_and_remake_only_what_changed(
    name: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    timeline = _with_repeats(big_timeline(200) if name == "big" else request.getfixturevalue(name))
    plain = _exports(timeline, tmp_path / "plain", None)
    store: dict[str, bytes] = {}
    cold = Fragments(store)
    assert _exports(timeline, tmp_path / "cold", cold) == plain
    warm = Fragments(store)
    assert _exports(timeline, tmp_path / "warm", warm) == plain
    assert warm.misses == 0 and not warm.made

    # one entry relabelled, another's act met by a title match, a third gone: the others'
    # items are found (hinted or digested), the files the bytes of a plain export
    first, second, gone, *rest = timeline.entries
    changed = replace(first, label=first.label + " <changed>")
    with_act = next(e for e in rest if e.acts)
    match = {
        "document": with_act.sources[0].document, "label": with_act.acts[0].label,
        "matched_title": "A title", "matched_document": "other.txt", "score": 0.9,
    }
    edited = replace(
        timeline,
        entries=(changed, second, *rest),
        open_plans=tuple(p for p in timeline.open_plans if p != gone.id),
        extra={**timeline.extra, "title_matches": [*timeline.extra.get("title_matches", []), match]},
    )
    again = Fragments(store)
    assert _exports(edited, tmp_path / "edited", again) == _exports(edited, tmp_path / "edited-plain", None)
    # graph.json's (GraphML's are made again when attribute names come or go: their key ids
    # change): the changed entry's node and edges (hinted), the edge the match resolved
    # (digested), and a few shared items (documents, dossiers whose counts changed)
    made = {k.split(":", 2)[2] for k in again.made if k.startswith(f"{VERSION}:graph.json:")}
    hint = f"g1.{again.entry_key(changed)}."
    assert {k for k in made if k.startswith("g1.")} == {
        k for k in made if k.startswith(hint)
    } and any(k.startswith(hint) for k in made)
    assert len(made) <= 2 * (2 + len(changed.sources) + len(changed.acts) + len(changed.actors)) + 10


def test_a_hint_names_the_entry_not_its_neighbours() -> None:
    """An entry's hints are the same whatever entries come before it, and change with it."""
    timeline = big_timeline(40)
    memo = Fragments()
    whole = graph_data([], timeline, entry_key=memo.entry_key)
    fewer = graph_data([], replace(timeline, entries=timeline.entries[5:]), entry_key=memo.entry_key)

    def hints_of(graph: object, entry_id: str) -> dict[str, str]:
        assert graph.hints is not None  # type: ignore[attr-defined]
        nodes, edges = graph.hints  # type: ignore[attr-defined]
        found = {n: h for (n, _), h in zip(graph.nodes, nodes, strict=True) if h}  # type: ignore[attr-defined]
        found.update({f"{u}>{v}>{k}": h for (u, v, k, _), h in zip(graph.edges, edges, strict=True) if h})  # type: ignore[attr-defined]
        return {k: h for k, h in found.items() if entry_id in k}

    last = timeline.entries[-1]
    assert hints_of(whole, last.id) == hints_of(fewer, last.id) != {}
    moved = replace(last, sources=(replace(last.sources[0], quote="moved"),))
    edited = graph_data([], replace(timeline, entries=(*timeline.entries[:-1], moved)), entry_key=memo.entry_key)
    assert set(hints_of(edited, last.id).values()).isdisjoint(hints_of(whole, last.id).values())


def test_two_entries_of_one_id_give_no_hints() -> None:
    timeline = big_timeline(10)
    twin = replace(timeline.entries[1], id=timeline.entries[0].id, sources=(Source("x.txt", None, "en", None, "q", (0, 1), None, None, None),))
    doubled = replace(timeline, entries=(*timeline.entries, twin))
    assert graph_data([], doubled, entry_key=Fragments().entry_key).hints is None


@pytest.mark.parametrize("nul", [False, True])
def test_edges_sorted_as_their_id_tuples(nul: bool) -> None:
    """The edges come in the order of their (source, target, key) tuples, ids that are
    prefixes of others and ids holding a NUL (joined keys would misorder them) alike."""
    from timeline.link.graph import _Draft, _sorted

    draft = _Draft(name="t")
    ids = ["a", "a b", "ab", "a!", "b", "a\x00" if nul else "a\x01", ""]
    for u in ids:
        for v in ids:
            for k in ("x", "x y", "xy"):
                draft.add_edge(u, v, k, type=k)
    assert [(u, v, k) for u, v, k, _ in _sorted(draft).edges] == sorted(draft.edges)
