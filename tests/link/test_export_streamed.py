"""The graph exports and timeline.json streamed into their files: the same bytes as the whole
texts, with and without a memo, also when a value makes the GraphML go the whole-text way."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from test_export_writers import HOSTILE, _hostile_graph, _networkx_graphml

from timeline import fileio
from timeline.fragments import Fragments
from timeline.link.export import (
    _parts,
    graph_json_bytes,
    graph_json_text,
    graphml_text,
    write_graph_json_file,
    write_graphml_file,
)

#: The hostile texts without lone surrogates (which a file without a memo, written as text,
#: refuses as write_atomic of the whole text did) and without line breaks.
_TEXTS = [t.replace("\r", "") for t in HOSTILE if not any("\ud800" <= c <= "\udfff" for c in t)]


def _graph(n: int, breaks: bool = False) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(name="streamed")
    for i in range(n):
        g.add_node(f"event:{i}", kind="event", label=f"entry {i} <&>", sources=i % 4, when=None)
        g.add_node(f"doc:{i}", kind="document", path=f"d/{i}.txt")
        quote = "a\rb" if breaks and i == n - 3 else _TEXTS[i % len(_TEXTS)]
        g.add_edge(f"doc:{i}", f"event:{i}", key="reports", quote=quote, quote_span=[i, i + 2])
    return g


@pytest.mark.parametrize("breaks", [False, True], ids=["plain", "line-break"])
def test_streamed_graph_files_equal_the_whole_texts(
    breaks: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fileio, "CHUNK", 4096)  # many writes; GraphML pieces of 2,048 items
    g = _graph(3000, breaks)
    data = _parts(g)
    expected_xml = _networkx_graphml(g)
    expected_json = graph_json_text(g).encode()
    assert graphml_text(g) == expected_xml
    write_graphml_file(g, tmp_path / "nx.graphml")
    assert (tmp_path / "nx.graphml").read_bytes() == expected_xml
    store: dict[str, bytes] = {}
    for run in ("none", "cold", "warm"):
        memo = None if run == "none" else Fragments(store)
        write_graphml_file(data, tmp_path / f"{run}.graphml", memo=memo)
        write_graph_json_file(data, tmp_path / f"{run}.json", memo=memo)
        assert (tmp_path / f"{run}.graphml").read_bytes() == expected_xml, run
        assert (tmp_path / f"{run}.json").read_bytes() == expected_json, run
        if memo is not None:
            assert (memo.misses > 0) == (run == "cold") and (memo.hits > 0) == (run == "warm")
            assert graph_json_bytes(data, memo=memo) == expected_json
    assert not list(tmp_path.glob(".*.tmp"))
    if breaks:  # the whole text split its lines as networkx does
        assert b"a\nb" in expected_xml


def test_hostile_graph_written_streamed_as_networkx_writes_it(tmp_path: Path) -> None:
    ids = [f"n{i}:{t}" for i, t in enumerate(["a&b", 'q"q', "<x>", "tab\tnl\nret\r", "Zoë", "plain"] * 3)]
    g = _hostile_graph(ids)
    store: dict[str, bytes] = {}
    for memo in (None, Fragments(store), Fragments(store)):
        write_graphml_file(_parts(g), tmp_path / "g.graphml", memo=memo)
        assert (tmp_path / "g.graphml").read_bytes() == _networkx_graphml(g)
        if memo is None:  # text with a lone surrogate: refused, as write_atomic refused it
            with pytest.raises(UnicodeEncodeError):
                write_graph_json_file(_parts(g), tmp_path / "g.json")
            continue
        write_graph_json_file(_parts(g), tmp_path / "g.json", memo=memo)
        assert (tmp_path / "g.json").read_bytes() == graph_json_text(g).encode("utf-8", "surrogatepass")
